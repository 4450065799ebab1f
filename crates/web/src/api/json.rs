//! JSON request bodies for `/v1`: the right content type, at most 1 MiB,
//! well-formed, and of the expected shape — else a problem that says which.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use prelevo_app::FieldError;
use serde::de::DeserializeOwned;

use crate::Problem;

/// Largest JSON body accepted.
pub(crate) const MAX_JSON_BYTES: usize = 1024 * 1024;

/// A JSON body of type `T`.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Problem> {
        let json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return Err(Problem::new(
                "unsupported-media-type",
                "Unsupported media type",
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the body as `Content-Type: application/json`",
            ));
        }
        if declared_too_large(request.headers()) {
            return Err(too_large());
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.into_response().status() == StatusCode::PAYLOAD_TOO_LARGE {
                    too_large()
                } else {
                    Problem::new(
                        "bad-request",
                        "Bad request",
                        StatusCode::BAD_REQUEST,
                        "the body could not be read",
                    )
                }
            })?;
        parse(&bytes).map(ApiJson)
    }
}

/// The 413 problem.
pub(crate) fn too_large() -> Problem {
    Problem::new(
        "payload-too-large",
        "Payload too large",
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("a JSON body may have at most {MAX_JSON_BYTES} bytes"),
    )
}

/// Whether the request announces a body over the limit: refused at once,
/// without reading (or waiting for) a byte of it.
pub(crate) fn declared_too_large(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|length| length > MAX_JSON_BYTES as u64)
}

/// Parses `bytes`: syntax errors are 400 with line and column, shape errors
/// (unknown field, wrong type) are 422 naming the field.
pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            Problem::new(
                "malformed-json",
                "Malformed JSON",
                StatusCode::BAD_REQUEST,
                format!(
                    "malformed JSON at line {} column {}",
                    inner.line(),
                    inner.column()
                ),
            )
        } else {
            let field = if path == "." { String::new() } else { path };
            let message = inner.to_string();
            let message = message
                .split(" at line ")
                .next()
                .unwrap_or(&message)
                .to_owned();
            Problem::validation(
                format!("the body does not have the expected shape: {message}"),
                &[FieldError::new(field, message)],
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "only parsed")]
    struct Body {
        limit: u32,
    }

    #[test]
    fn syntax_and_shape_errors_are_told_apart() {
        assert!(parse::<Body>(br#"{"limit": 3}"#).is_ok());
        let syntax = parse::<Body>(b"{\"limit\": ").unwrap_err();
        assert_eq!(
            (syntax.status, syntax.kind.as_str()),
            (400, "/problems/malformed-json")
        );
        let unknown = parse::<Body>(br#"{"limt": 3}"#).unwrap_err();
        assert_eq!(unknown.status, 422);
        assert!(
            unknown.detail.contains("unknown field `limt`"),
            "{}",
            unknown.detail
        );
        let wrong = parse::<Body>(br#"{"limit": "three"}"#).unwrap_err();
        assert_eq!(wrong.errors[0].pointer, "/limit");
    }
}

/// Query-string parameters of type `T`; an unknown or malformed parameter
/// is a 400 problem naming it (never axum's plain-text rejection).
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Problem> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer = serde_urlencoded_deserializer(query);
        serde_path_to_error::deserialize(deserializer)
            .map(ApiQuery)
            .map_err(|error| {
                let field = error.path().to_string();
                let message = error.into_inner().to_string();
                Problem::validation(
                    format!("invalid query parameter: {message}"),
                    &[FieldError::new(
                        if field == "." { String::new() } else { field },
                        message,
                    )],
                )
                .with_status(
                    StatusCode::BAD_REQUEST,
                    "invalid-parameter",
                    "Invalid parameter",
                )
            })
    }
}

fn serde_urlencoded_deserializer(query: &str) -> serde_urlencoded::Deserializer<'_> {
    serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()))
}
