//! Security headers on every response. The Content-Security-Policy allows
//! only this site's own scripts, styles and forms: no inline `<script>`,
//! no `style=` attribute, no framing; templates are written to match.
//!
//! Headers a handler already set are kept, so one page can loosen (or
//! tighten) its own policy without touching this layer.

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;
use tower::util::MapResponseLayer;

/// How browsers reach this installation, a deployment fact (the scheme of
/// its public URL): TLS usually ends at a reverse proxy, so the request
/// the server sees says nothing reliable about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// Plain HTTP (development, tests): no HSTS, it would lock browsers out.
    Http,
    /// HTTPS: browsers are told to never use plain HTTP again.
    Https,
}

/// The layer that adds the headers, for `Router::layer`.
pub type SecurityHeadersLayer = MapResponseLayer<fn(Response) -> Response>;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'none'; object-src 'none'";

/// Features a back office never uses: deny them to any script, ours included.
const PERMISSIONS: &str = "accelerometer=(), autoplay=(), camera=(), display-capture=(), \
    geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), \
    publickey-credentials-get=(), usb=(), browsing-topics=()";

/// A year, without `includeSubDomains`: other hosts of the operator's domain
/// are not ours to constrain.
const HSTS: &str = "max-age=31536000";

const COMMON: [(HeaderName, &str); 5] = [
    (header::CONTENT_SECURITY_POLICY, CSP),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "same-origin"),
    (header::X_FRAME_OPTIONS, "DENY"),
    (HeaderName::from_static("permissions-policy"), PERMISSIONS),
];

/// Adds CSP, `nosniff`, `Referrer-Policy`, `X-Frame-Options`,
/// `Permissions-Policy`, and HSTS when served over HTTPS.
pub fn security_headers(transport: Transport) -> SecurityHeadersLayer {
    let add: fn(Response) -> Response = match transport {
        Transport::Http => add_common,
        Transport::Https => add_common_and_hsts,
    };
    MapResponseLayer::new(add)
}

fn add_common(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in COMMON {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    response
}

fn add_common_and_hsts(response: Response) -> Response {
    let mut response = add_common(response);
    response
        .headers_mut()
        .entry(header::STRICT_TRANSPORT_SECURITY)
        .or_insert(HeaderValue::from_static(HSTS));
    response
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::body::Body;
    use axum::http::Request;
    use axum::routing::get;
    use tower::ServiceExt;

    use super::*;

    async fn headers_of(transport: Transport, path: &str) -> axum::http::HeaderMap {
        let app = Router::new()
            .route("/", get(|| async { "ok" }))
            .route(
                "/framed",
                get(|| async { ([(header::X_FRAME_OPTIONS, "SAMEORIGIN")], "ok") }),
            )
            .layer(security_headers(transport));
        let request = Request::get(path).body(Body::empty()).unwrap();
        app.oneshot(request).await.unwrap().headers().clone()
    }

    #[tokio::test]
    async fn every_response_gets_the_headers() {
        let headers = headers_of(Transport::Http, "/").await;
        assert_eq!(headers[header::CONTENT_SECURITY_POLICY], CSP);
        assert!(CSP.contains("script-src 'self';") && !CSP.contains("unsafe"));
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
        assert!(
            headers["permissions-policy"]
                .to_str()
                .unwrap()
                .contains("camera=()")
        );
        assert!(!headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
    }

    #[tokio::test]
    async fn hsts_only_over_https() {
        let headers = headers_of(Transport::Https, "/").await;
        assert_eq!(headers[header::STRICT_TRANSPORT_SECURITY], HSTS);
    }

    #[tokio::test]
    async fn a_handler_may_set_its_own_value() {
        let headers = headers_of(Transport::Http, "/framed").await;
        assert_eq!(headers[header::X_FRAME_OPTIONS], "SAMEORIGIN");
        assert_eq!(headers.get_all(header::X_FRAME_OPTIONS).iter().count(), 1);
    }
}
