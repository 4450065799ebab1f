//! `Idempotency-Key` on POST (and PATCH): the first response (status and body) is kept
//! for 24 hours and replayed for the same key and the same body; the same
//! key with another body is refused (422); while the first request runs, a
//! second one with its key is refused (409). A server failure (5xx) frees
//! the key, so the request may be retried.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jiff::SignedDuration;
use prelevo_app::sha256_hex;
use prelevo_store::{IdempotencyRecord, IdempotencyStart, StoreError};

use super::auth::ApiCaller;
use super::json::{MAX_JSON_BYTES, declared_too_large, too_large};
use crate::{AppState, Problem};

/// How long a response is kept for replay.
const KEEP_FOR: SignedDuration = SignedDuration::from_hours(24);
/// Largest response kept (list pages stay far below).
const MAX_KEPT_RESPONSE: usize = 4 * 1024 * 1024;

fn check_key(key: &str) -> Result<(), Problem> {
    let sane = (1..=255).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic());
    if sane {
        Ok(())
    } else {
        Err(Problem::new(
            "invalid-idempotency-key",
            "Invalid idempotency key",
            StatusCode::BAD_REQUEST,
            "Idempotency-Key must be 1 to 255 visible ASCII characters",
        ))
    }
}

/// Runs an authenticated request, applying the idempotency rules to POST
/// and PATCH requests that carry the header.
pub(crate) async fn run_idempotent(state: AppState, request: Request, next: Next) -> Response {
    let key = request
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let changes = [Method::POST, Method::PATCH].contains(request.method());
    let (Some(key), true, false) = (key, changes, is_file_upload(&request)) else {
        return next.run(request).await;
    };
    match run_once(state, key, request, next).await {
        Ok(response) | Err(response) => response,
    }
}

/// A file sent as the body (a CSV import): idempotent by its content — the
/// same file again changes nothing — and too large to keep for replay, so
/// the key is not used.
fn is_file_upload(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/csv") || t.starts_with("multipart/"))
}

async fn run_once(
    state: AppState,
    key: String,
    request: Request,
    next: Next,
) -> Result<Response, Response> {
    check_key(&key).map_err(IntoResponse::into_response)?;
    let caller = request
        .extensions()
        .get::<ApiCaller>()
        .cloned()
        .ok_or_else(|| {
            Problem::internal("idempotency needs an authenticated caller").into_response()
        })?;
    if declared_too_large(request.headers()) {
        return Err(too_large().into_response());
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_JSON_BYTES)
        .await
        .map_err(|_| too_large().into_response())?;
    let fingerprint = sha256_hex(&format!("{} {}\n", parts.method, parts.uri.path()))
        + &sha256_hex(&String::from_utf8_lossy(&bytes));
    let tenant = caller.tenant(&state.store);
    let now = state.clock.now();
    let start = {
        let (tenant, key, fingerprint) = (tenant.clone(), key.clone(), fingerprint.clone());
        state
            .blocking(move |_| {
                tenant.write(|tx| tx.start_idempotent(&key, &fingerprint, now, now + KEEP_FOR))
            })
            .await
            .map_err(IntoResponse::into_response)?
            .map_err(|e: StoreError| Problem::internal(e.to_string()).into_response())?
    };
    match start {
        IdempotencyStart::Replay(record) => Err(replay(record)),
        IdempotencyStart::InProgress => Err(Problem::new(
            "idempotency-conflict",
            "Request in progress",
            StatusCode::CONFLICT,
            "a request with this Idempotency-Key is still being processed; retry later",
        )
        .into_response()),
        IdempotencyStart::BodyMismatch => Err(Problem::new(
            "idempotency-mismatch",
            "Idempotency key reused",
            StatusCode::UNPROCESSABLE_ENTITY,
            "this Idempotency-Key was used with another request body",
        )
        .into_response()),
        IdempotencyStart::Fresh => {
            let response = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            Ok(remember(&state, tenant, key, response).await)
        }
    }
}

/// Stores the response of a fresh request (or frees the key on a 5xx) and
/// returns it.
async fn remember(
    state: &AppState,
    tenant: prelevo_store::TenantStore,
    key: String,
    response: Response,
) -> Response {
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_KEPT_RESPONSE).await else {
        // Free the key rather than leave it "in progress" for a day.
        let freed = state
            .blocking(move |_| tenant.write(|tx| tx.release_idempotent(&key)))
            .await;
        if !matches!(freed, Ok(Ok(()))) {
            tracing::error!("cannot free the key of an idempotent request");
        }
        return Problem::internal("response too large to keep for idempotency").into_response();
    };
    let status = parts.status;
    let body_text = String::from_utf8_lossy(&bytes).into_owned();
    let stored = state
        .blocking(move |_| {
            tenant.write(|tx| {
                if status.is_server_error() {
                    tx.release_idempotent(&key)
                } else {
                    tx.finish_idempotent(
                        &key,
                        &IdempotencyRecord {
                            status: i32::from(status.as_u16()),
                            body: body_text,
                        },
                    )
                }
            })
        })
        .await;
    if !matches!(stored, Ok(Ok(()))) {
        tracing::error!("cannot store the response of an idempotent request");
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn replay(record: IdempotencyRecord) -> Response {
    let status = u16::try_from(record.status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let content_type = if status.is_success() {
        "application/json"
    } else {
        "application/problem+json"
    };
    let mut response =
        (status, [(header::CONTENT_TYPE, content_type)], record.body).into_response();
    response
        .headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}
