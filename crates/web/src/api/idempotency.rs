//! `Idempotency-Key` on POST (and PATCH): the first response (status and body) is kept
//! for 24 hours and replayed for the same key and the same request (method,
//! path, query and body); the same key with another request is refused
//! (422); while the first request runs, a second one with its key is
//! refused (409). A server failure (5xx) frees the key, so the request may
//! be retried.
//!
//! Once its key is reserved, a request runs to its end and its answer is
//! kept even when the client goes away meanwhile: otherwise the change
//! would be made and the key left without an answer, refused for a day.
//! The server waits for such requests when it stops.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jiff::SignedDuration;
use jiff::Timestamp;
use prelevo_app::sha256_hex;
use prelevo_store::{IdempotencyRecord, IdempotencyStart, TenantStore};
use tracing::Instrument;

use super::auth::ApiCaller;
use super::json::{MAX_JSON_BYTES, declared_too_large, too_large};
use crate::{AppState, Problem};

/// How long a response is kept for replay.
const KEEP_FOR: SignedDuration = SignedDuration::from_hours(24);
/// Largest answer kept for a replay (answers to changes stay far below;
/// a larger one is replaced by a refusal saying so, see [`not_kept`]).
const MAX_KEPT_RESPONSE: usize = 4 * 1024 * 1024;
/// Age past which a reservation still without an answer is taken for an
/// interrupted request rather than a running one: API requests take
/// seconds, and since a request runs to its end even when its client goes
/// away, only a server stopped mid-request (or a failure to store the
/// answer) leaves one this old.
const INTERRUPTED_AFTER: SignedDuration = SignedDuration::from_mins(5);

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
        .map(str::to_ascii_lowercase)
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
    let fingerprint = fingerprint(&parts.method, &parts.uri, &bytes);
    let tenant = caller.tenant(&state.store);
    let request = Request::from_parts(parts, Body::from(bytes));
    // When the client goes away (a timeout, a proxy giving up), the server
    // drops this future. From the reservation on, that must not stop the
    // work: the handler's database writes would still commit, but its
    // answer would never be stored and the key would stay reserved, every
    // retry refused. In a task of its own the request runs to its end
    // whoever waits for it; the span keeps its log lines under the
    // request's id.
    let running = state.detached.hold().await;
    let carried_out = tokio::spawn(
        async move {
            let answer = reserve_and_run(state, tenant, key, fingerprint, request, next).await;
            drop(running);
            answer
        }
        .instrument(tracing::Span::current()),
    );
    carried_out.await.map_err(|failure| {
        Problem::internal(format!("idempotent request task failed: {failure}")).into_response()
    })
}

/// Reserves `key` for the request and runs it, or answers what the key
/// already holds (a replay, a refusal).
async fn reserve_and_run(
    state: AppState,
    tenant: TenantStore,
    key: String,
    fingerprint: String,
    request: Request,
    next: Next,
) -> Response {
    let now = state.clock.now();
    let reserved = {
        let (tenant, key) = (tenant.clone(), key.clone());
        state
            .blocking(move |_| {
                tenant.write(|tx| tx.start_idempotent(&key, &fingerprint, now, now + KEEP_FOR))
            })
            .await
    };
    let start = match reserved {
        Ok(Ok(start)) => start,
        Ok(Err(error)) => return Problem::internal(error.to_string()).into_response(),
        Err(problem) => return problem.into_response(),
    };
    match start {
        IdempotencyStart::Replay(record) => replay(record),
        IdempotencyStart::InProgress { since } => in_progress(since, now).into_response(),
        IdempotencyStart::BodyMismatch => Problem::new(
            "idempotency-mismatch",
            "Idempotency key reused",
            StatusCode::UNPROCESSABLE_ENTITY,
            "this Idempotency-Key was used with another request (method, path, query or body)",
        )
        .into_response(),
        IdempotencyStart::Fresh => {
            // The handler runs in a task of its own too, so that if it
            // panics the key is still freed (a 500, like any server
            // failure) instead of staying reserved.
            let handled =
                tokio::spawn(next.run(request).instrument(tracing::Span::current())).await;
            let response = handled.unwrap_or_else(|failure| {
                Problem::internal(format!("request handler failed: {failure}")).into_response()
            });
            remember(&state, tenant, key, response).await
        }
    }
}

/// What identifies "the same request" under a key: method, path, query and
/// body, byte for byte. The query counts: `?dry_run=true` and its absence
/// are different requests.
fn fingerprint(method: &Method, uri: &axum::http::Uri, body: &[u8]) -> String {
    // Without a query the text hashed is what it was before the query was
    // part of it, so retries of requests kept before stay replayed.
    let target = match uri.query() {
        Some(query) if !query.is_empty() => format!("{}?{query}", uri.path()),
        _ => uri.path().to_owned(),
    };
    sha256_hex(&format!("{method} {target}\n")) + &sha256_hex(&String::from_utf8_lossy(body))
}

/// The 409 for a key reserved at `since` and not answered yet: a request
/// still running, or one interrupted long ago, which must not be run again
/// here since it may have taken effect.
fn in_progress(since: Timestamp, now: Timestamp) -> Problem {
    let detail = if now.duration_since(since) >= INTERRUPTED_AFTER {
        format!(
            "the first request with this Idempotency-Key (received {since}) was interrupted \
             before its answer was kept: it may or may not have taken effect. Look the \
             resource up (GET) before retrying with a new key"
        )
    } else {
        "a request with this Idempotency-Key is still being processed; retry later".to_owned()
    };
    Problem::new(
        "idempotency-conflict",
        "Request in progress",
        StatusCode::CONFLICT,
        detail,
    )
}

/// Stores the response of a fresh request (or frees the key on a 5xx) and
/// returns it.
async fn remember(
    state: &AppState,
    tenant: TenantStore,
    key: String,
    response: Response,
) -> Response {
    let (parts, body) = response.into_parts();
    // The handler's answer is already in memory (JSON); the whole of it
    // goes to the client whatever is kept.
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        // The answer broke while being sent: a server failure, which frees
        // the key rather than leave it "in progress" for a day.
        let freed = state
            .blocking(move |_| tenant.write(|tx| tx.release_idempotent(&key)))
            .await;
        if !matches!(freed, Ok(Ok(()))) {
            tracing::error!("cannot free the key of an idempotent request");
        }
        return Problem::internal("the answer failed while being read").into_response();
    };
    let status = parts.status;
    // Replays are JSON: another answer (an import's CSV error file) is not
    // kept and its key is freed — what returns it, an import, changes
    // nothing when sent again.
    let json = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.to_ascii_lowercase().contains("json"));
    let kept = if status.is_server_error() || !json {
        None
    } else if bytes.len() > MAX_KEPT_RESPONSE {
        Some(not_kept(status, bytes.len()))
    } else {
        Some(IdempotencyRecord {
            status: i32::from(status.as_u16()),
            body: String::from_utf8_lossy(&bytes).into_owned(),
        })
    };
    let stored = state
        .blocking(move |_| {
            tenant.write(|tx| match &kept {
                None => tx.release_idempotent(&key),
                Some(record) => tx.finish_idempotent(&key, record),
            })
        })
        .await;
    if !matches!(stored, Ok(Ok(()))) {
        tracing::error!("cannot store the response of an idempotent request");
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// What a key keeps when the answer is too large to keep: the request was
/// carried out, so the key must not be freed (a retry would do it again);
/// a retry is told so, and where to look.
fn not_kept(status: StatusCode, size: usize) -> IdempotencyRecord {
    let problem = Problem::new(
        "idempotency-answer-not-kept",
        "Answer not kept",
        StatusCode::CONFLICT,
        format!(
            "the first request with this Idempotency-Key was carried out (status {}), but \
             its answer ({size} bytes) was too large to keep for a replay: look the resource \
             up (GET) instead of sending the request again",
            status.as_u16()
        ),
    );
    IdempotencyRecord {
        status: i32::from(StatusCode::CONFLICT.as_u16()),
        body: serde_json::to_string(&problem).unwrap_or_else(|_| String::from("{}")),
    }
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::Extension;
    use axum::Router;
    use axum::routing::post;
    use prelevo_app::access::ApiPrincipal;
    use prelevo_app::creditors::{CreditorInput, create_creditor};
    use prelevo_domain::{ApiScope, Clock, FixedClock};
    use prelevo_store::Actor;
    use prelevo_testkit::{french_iban, french_ics, sqlite_store};
    use tower::ServiceExt;

    use super::*;

    /// `handler` at `POST /it`, behind the idempotency layer, called by a
    /// write key of a new creditor.
    fn idempotent_app(handler: axum::routing::MethodRouter<()>) -> Router {
        let store = sqlite_store();
        let clock = Arc::new(FixedClock::new("2026-11-30T09:00:00Z".parse().unwrap()));
        let input = CreditorInput {
            name: "Creditor 1".into(),
            ics: french_ics(1).to_string(),
            iban: french_iban(1).to_string(),
            ..CreditorInput::default()
        };
        let creditor = create_creditor(&store, clock.as_ref(), &Actor::Cli, &input)
            .unwrap()
            .id;
        let dyn_clock: Arc<dyn Clock> = clock;
        let state = AppState::new((*store).clone(), dyn_clock);
        let caller = ApiCaller {
            principal: ApiPrincipal {
                key_id: "key_test".into(),
                creditor_id: creditor,
                scope: ApiScope::Write,
                expires_at: None,
            },
        };
        Router::new()
            .route("/it", handler)
            .layer(axum::middleware::from_fn(move |request, next| {
                run_idempotent(state.clone(), request, next)
            }))
            .layer(Extension(caller))
    }

    async fn send_twice(app: &Router) -> (Response, Response) {
        let send = || {
            let request = Request::post("/it")
                .header("idempotency-key", "key-1")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap();
            app.clone().oneshot(request)
        };
        (send().await.unwrap(), send().await.unwrap())
    }

    /// A handler that panics: the key must not stay reserved (every retry
    /// refused for a day) but be freed like after any server failure.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_panicking_handler_frees_its_key() {
        let app = idempotent_app(post(|| async { panic!("a bug in a handler") as Response }));
        let (first, retry) = send_twice(&app).await;
        assert_eq!(first.status(), StatusCode::INTERNAL_SERVER_ERROR);
        // Freed: the retry runs again (and fails again) instead of 409.
        assert_eq!(retry.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(retry.headers().get("idempotent-replayed").is_none());
    }

    /// An answer that is not JSON (an import's CSV error file) is not
    /// replayed as JSON: its key is freed and the retry runs again.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_csv_answer_is_not_replayed_as_json() {
        let app = idempotent_app(post(|| async {
            (
                [(header::CONTENT_TYPE, "text/csv")],
                "line;error\n2;bad iban\n",
            )
                .into_response()
        }));
        let (first, retry) = send_twice(&app).await;
        for answer in [&first, &retry] {
            assert_eq!(answer.headers()[header::CONTENT_TYPE], "text/csv");
            assert!(answer.headers().get("idempotent-replayed").is_none());
        }
        // A JSON answer is kept and replayed.
        let json = idempotent_app(post(|| async { axum::Json("kept").into_response() }));
        let (_, replayed) = send_twice(&json).await;
        assert_eq!(replayed.headers()["idempotent-replayed"], "true");
    }

    /// An answer too large to keep: the first caller gets it whole, and the
    /// key is not freed (the change is made): a retry is refused with a
    /// problem saying so, and the handler never runs twice.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_answer_too_large_to_keep_is_not_run_again() {
        let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = Arc::clone(&runs);
        let app = idempotent_app(post(move || {
            let counted = Arc::clone(&counted);
            async move {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                axum::Json("x".repeat(MAX_KEPT_RESPONSE + 1)).into_response()
            }
        }));
        let (first, retry) = send_twice(&app).await;
        assert_eq!(first.status(), StatusCode::OK);
        let body = to_bytes(first.into_body(), usize::MAX).await.unwrap();
        assert_eq!(body.len(), MAX_KEPT_RESPONSE + 3);
        assert_eq!(retry.status(), StatusCode::CONFLICT);
        assert_eq!(retry.headers()["idempotent-replayed"], "true");
        let problem: serde_json::Value =
            serde_json::from_slice(&to_bytes(retry.into_body(), usize::MAX).await.unwrap())
                .unwrap();
        assert_eq!(problem["type"], "/problems/idempotency-answer-not-kept");
        assert!(problem["detail"].as_str().unwrap().contains("status 200"));
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
    }
}
