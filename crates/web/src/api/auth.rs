//! Bearer API-key authentication for `/v1`, with the key's request budget
//! and its scope: `read` keys may only read (GET), `write` keys may change.
//! A key verified in the last seconds is recalled from memory
//! ([`prelevo_app::access::VerifiedKeys`]), so a request reads the database
//! for its own work only.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prelevo_app::access::{ApiPrincipal, BearerDigest, authenticate_api_key};
use prelevo_domain::ApiScope;
use prelevo_store::{Actor, Store, TenantStore};

use crate::{AppState, Problem};

/// The authenticated caller of an API request (a request extension).
#[derive(Debug, Clone)]
pub struct ApiCaller {
    /// The key and its creditor.
    pub principal: ApiPrincipal,
}

impl ApiCaller {
    /// The caller's creditor's store handle.
    pub fn tenant(&self, store: &Store) -> TenantStore {
        store.tenant(self.principal.creditor_id.clone())
    }

    /// How the audit log names the caller.
    pub fn actor(&self) -> Actor {
        Actor::ApiKey(self.principal.key_id.clone())
    }
}

fn unauthenticated(detail: &str) -> Response {
    let mut response = Problem::new(
        "unauthenticated",
        "Authentication required",
        StatusCode::UNAUTHORIZED,
        detail,
    )
    .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        header::HeaderValue::from_static("Bearer"),
    );
    response
}

/// Authenticates the bearer key, spends one request of its budget, checks
/// its scope, and hands the caller to the handler (through the idempotency
/// rules).
pub(crate) async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let Some(bearer) = bearer else {
        return unauthenticated("send your API key as `Authorization: Bearer pk_…`");
    };
    // A test key never works on a live installation, nor the reverse.
    let expected = state.config.environment.api_key_prefix();
    if !bearer.starts_with(expected) {
        return unauthenticated(&format!(
            "this installation is {}: its API keys start with {expected}",
            state.config.environment.as_str()
        ));
    }
    let digest = BearerDigest::of(&bearer);
    let principal = match state.verified_keys.recall(&digest, state.clock.now()) {
        Some(principal) => principal,
        None => {
            let verifying = state.verified_keys.verifying();
            let verified = state
                .run(move |store, clock| authenticate_api_key(store, clock, &bearer))
                .await;
            match verified {
                Ok(principal) => {
                    let now = state.clock.now();
                    state
                        .verified_keys
                        .remember(digest, principal.clone(), now, verifying);
                    principal
                }
                Err(problem) if problem.status == 401 => {
                    return unauthenticated(&problem.detail);
                }
                Err(problem) => return problem.into_response(),
            }
        }
    };
    if let Err(seconds) = state.api_limiter.check(&principal) {
        return Problem::rate_limited(
            format!("this API key sent too many requests: retry in {seconds} s"),
            seconds,
        )
        .into_response();
    }
    let needed = if [Method::GET, Method::HEAD].contains(request.method()) {
        ApiScope::Read
    } else {
        ApiScope::Write
    };
    if !principal.scope.covers(needed) {
        return Problem::new(
            "insufficient-scope",
            "Insufficient scope",
            StatusCode::FORBIDDEN,
            format!(
                "this key's scope is {}: it cannot change data",
                principal.scope.as_str()
            ),
        )
        .into_response();
    }
    request.extensions_mut().insert(ApiCaller { principal });
    super::idempotency::run_idempotent(state, request, next).await
}
