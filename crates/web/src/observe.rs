//! Per-request bookkeeping, in one pass so that it costs little on every
//! request: the request id (the caller's `X-Request-Id`, or a new one), the
//! log span every line of the request is written in, and the metrics
//! (requests by method, route and status; their duration).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A caller's request id longer than this is replaced by ours.
const MAX_CALLER_ID: usize = 128;

/// Request ids: UUID-shaped, unique per process (a per-start random half
/// and a counter), made without a system call.
pub(crate) struct RequestIds {
    start: u64,
    next: AtomicU64,
}

impl RequestIds {
    pub(crate) fn new() -> Arc<Self> {
        // Time-ordered and random: two starts never share this half.
        let (start, _) = uuid::Uuid::now_v7().as_u64_pair();
        Arc::new(Self {
            start,
            next: AtomicU64::new(1),
        })
    }

    fn make(&self) -> HeaderValue {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let id = uuid::Uuid::from_u64_pair(self.start, n);
        let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
        HeaderValue::from_bytes(id.hyphenated().encode_lower(&mut text).as_bytes())
            .unwrap_or(HeaderValue::from_static("-"))
    }

    /// The caller's id when it is a sensible one, else a new one.
    fn for_request(&self, request: &Request) -> HeaderValue {
        request
            .headers()
            .get(&REQUEST_ID)
            .filter(|v| !v.is_empty() && v.len() <= MAX_CALLER_ID && v.to_str().is_ok())
            .cloned()
            .unwrap_or_else(|| self.make())
    }
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PATCH => "PATCH",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The metrics of one (method, route, status).
struct RouteMetrics {
    requests: metrics::Counter,
    duration: metrics::Histogram,
}

impl RouteMetrics {
    fn register(method: &'static str, route: &str, status: StatusCode) -> Self {
        let labels = [
            ("method", method.to_owned()),
            ("route", route.to_owned()),
            ("status", status.as_str().to_owned()),
        ];
        Self {
            requests: metrics::counter!("prelevo_http_requests_total", &labels),
            duration: metrics::histogram!("prelevo_http_request_duration_seconds", &labels),
        }
    }
}

/// Metric handles by (method, status), then route.
type KnownRoutes = HashMap<(&'static str, u16), HashMap<Box<str>, RouteMetrics>>;

thread_local! {
    /// Each worker thread's metric handles by (method, status), then route:
    /// a request finds its own without allocating labels or taking the
    /// registry's locks. Routes and statuses are few, so this stays small.
    static ROUTE_METRICS: RefCell<KnownRoutes> = RefCell::new(HashMap::new());
}

fn record(method: &'static str, route: &str, status: StatusCode, elapsed: Duration) {
    ROUTE_METRICS.with(|cell| {
        let Ok(mut known) = cell.try_borrow_mut() else {
            return;
        };
        let by_route = known.entry((method, status.as_u16())).or_default();
        let metrics = match by_route.get(route) {
            Some(metrics) => metrics,
            None => by_route
                .entry(route.into())
                .or_insert_with(|| RouteMetrics::register(method, route, status)),
        };
        metrics.requests.increment(1);
        metrics.duration.record(elapsed.as_secs_f64());
    });
}

/// Gives the request its id, runs it in its log span, counts and times it.
pub(crate) async fn observe(
    State(ids): State<Arc<RequestIds>>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let id = ids.for_request(&request);
    request.headers_mut().insert(REQUEST_ID, id.clone());
    let method = method_label(request.method());
    let route = request.extensions().get::<MatchedPath>().cloned();
    // The route's pattern, never the request's own path and query: those
    // carry one-time tokens (`/password/{token}`) and searched names or
    // IBANs, which logs must not keep. An unknown path has no token.
    let span = tracing::info_span!(
        "http",
        method,
        route = route
            .as_ref()
            .map_or_else(|| request.uri().path(), MatchedPath::as_str),
        request_id = id.to_str().unwrap_or("-")
    );
    let mut response = next.run(request).instrument(span).await;
    record(
        method,
        route.as_ref().map_or("unmatched", MatchedPath::as_str),
        response.status(),
        started.elapsed(),
    );
    response.headers_mut().insert(REQUEST_ID, id);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_uuid_shaped_and_distinct() {
        let ids = RequestIds::new();
        let (a, b) = (ids.make(), ids.make());
        assert_eq!(a.len(), 36);
        assert_ne!(a, b);
        assert!(uuid::Uuid::parse_str(a.to_str().unwrap()).is_ok());
    }

    /// Log lines under a request name its route, never the one-time token
    /// in its path nor what its query searched.
    #[tokio::test]
    async fn logs_keep_the_route_not_the_token_or_the_query() {
        use std::sync::Mutex;
        use tower::ServiceExt;

        #[derive(Clone, Default)]
        struct Captured(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Captured {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                if let Ok(mut lines) = self.0.lock() {
                    lines.extend_from_slice(buf);
                }
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _logging = tracing::subscriber::set_default(subscriber);
        let app = axum::Router::new()
            .route(
                "/password/{token}",
                axum::routing::get(|| async {
                    tracing::info!("inside the handler");
                    "ok"
                }),
            )
            .layer(axum::middleware::from_fn_with_state(
                RequestIds::new(),
                observe,
            ));
        let request = Request::builder()
            .uri("/password/s3cret-token?iban=FR7630006000011234567890189")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = app.oneshot(request).await.unwrap();
        assert_eq!(response.status(), 200);
        let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(logs.contains("inside the handler"), "{logs}");
        assert!(logs.contains("/password/{token}"), "{logs}");
        assert!(
            !logs.contains("s3cret-token") && !logs.contains("FR76"),
            "{logs}"
        );
    }

    #[test]
    fn a_sensible_caller_id_is_kept_and_a_hostile_one_replaced() {
        let ids = RequestIds::new();
        let with = |value: &str| {
            let request = Request::builder()
                .header(REQUEST_ID, value)
                .body(axum::body::Body::empty())
                .unwrap();
            ids.for_request(&request)
        };
        assert_eq!(with("abc-123"), "abc-123");
        assert_eq!(with(&"x".repeat(500)).len(), 36);
        assert_eq!(with("").len(), 36);
    }
}
