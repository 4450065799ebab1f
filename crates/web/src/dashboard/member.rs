//! The logged-in member behind a dashboard request: from the session
//! cookie, with their role in the current creditor. Without a valid
//! session, the request is sent to the login page.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use prelevo_app::access::{ActiveSession, session_for};
use prelevo_domain::{CreditorKey, Locale, MembershipStatus, Permission};
use prelevo_store::{Actor, TenantStore};

use super::cookies;
use super::page::MessagePage;
use crate::AppState;
use crate::ui::{Account, CreditorChoice, LANG_COOKIE, Layout, Section, negotiate};

/// A logged-in, active member.
pub(crate) struct Member {
    /// The session.
    pub session: ActiveSession,
    /// The session's secret id (from the cookie).
    pub session_id: String,
    /// The language pages are shown in.
    pub locale: Locale,
    /// The creditors they can switch to.
    creditors: Vec<CreditorChoice>,
    environment: prelevo_domain::Environment,
    time_zone: jiff::tz::TimeZone,
    uri: Uri,
}

impl Member {
    /// The current creditor's store handle.
    pub fn tenant(&self, state: &AppState) -> TenantStore {
        state.store.tenant(self.session.creditor_id.clone())
    }

    /// The current creditor.
    pub fn creditor(&self) -> &CreditorKey {
        &self.session.creditor_id
    }

    /// How the audit log names them.
    pub fn actor(&self) -> Actor {
        Actor::User(self.session.user.id.to_string())
    }

    /// The page frame, with their account and menu.
    pub fn layout(&self, section: Section) -> Layout {
        Layout::new(self.locale, self.environment, &self.uri)
            .in_section(section)
            .in_time_zone(self.time_zone.clone())
            .with_account(Account {
                email: self.session.user.email.to_string(),
                role: self.session.role,
                csrf_token: self.session.csrf_token.clone(),
                creditors: self.creditors.clone(),
            })
    }

    /// Refuses (403 page) unless their role grants `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), Response> {
        if self.session.role.allows(permission) {
            Ok(())
        } else {
            Err(self.message(StatusCode::FORBIDDEN, "forbidden"))
        }
    }

    /// Refuses (403 page) a form whose CSRF token is not this session's, or
    /// that comes from another site.
    pub fn check_form(&self, headers: &HeaderMap, token: &str) -> Result<(), Response> {
        let same_token = prelevo_app::secrets_equal(token, &self.session.csrf_token);
        if same_token && same_origin(headers) {
            Ok(())
        } else {
            Err(self.message(StatusCode::FORBIDDEN, "csrf-failed"))
        }
    }

    /// Refuses (403 page) a form that [`Self::check_form`] refuses, or that
    /// this member's role may not send.
    pub fn accept_form(
        &self,
        headers: &HeaderMap,
        token: &str,
        permission: Permission,
    ) -> Result<(), Response> {
        self.check_form(headers, token)
            .and_then(|()| self.require(permission))
    }

    /// A page saying one thing.
    pub fn message(&self, status: StatusCode, key: &str) -> Response {
        let layout = self.layout(Section::Settings).titled(key);
        (status, MessagePage::new(layout, key)).into_response()
    }

    /// The id in a page's path, or the "not found" page: an id that cannot
    /// be read is answered as one of another creditor's.
    pub fn path_id<K, E>(
        &self,
        text: &str,
        parse: impl FnOnce(&str) -> Result<K, E>,
    ) -> Result<K, Response> {
        parse(text).map_err(|_| self.message(StatusCode::NOT_FOUND, "not-found"))
    }

    /// What `render` makes of what was read, the "not found" page when it
    /// is not this creditor's, or the problem.
    pub fn shown<T>(
        &self,
        found: Result<T, crate::Problem>,
        render: impl FnOnce(T) -> Response,
    ) -> Response {
        match found {
            Ok(value) => render(value),
            Err(problem) if problem.status == 404 => {
                self.message(StatusCode::NOT_FOUND, "not-found")
            }
            Err(problem) => problem.into_response(),
        }
    }

    /// After an action on an entity's page: back to `page`; when refused,
    /// the page again (`again`) with the refusal's status and reasons.
    pub async fn after_action<T, F>(
        &self,
        outcome: Result<T, crate::Problem>,
        page: &str,
        again: impl FnOnce(StatusCode, Vec<String>) -> F,
    ) -> Response
    where
        F: Future<Output = Response>,
    {
        match outcome {
            Ok(_) => Redirect::to(page).into_response(),
            Err(problem) if problem.status == 404 => {
                self.message(StatusCode::NOT_FOUND, "not-found")
            }
            Err(problem) if problem.status < 500 => {
                let status = StatusCode::from_u16(problem.status)
                    .unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
                again(status, problem.reasons()).await
            }
            Err(problem) => problem.into_response(),
        }
    }
}

/// A form that carries only its CSRF token (logout, revoke, team actions).
#[derive(serde::Deserialize)]
pub(crate) struct CsrfForm {
    /// The session's token.
    pub csrf: String,
}

/// Whether the `Origin` header, when sent, is this site's (browsers send it
/// on every POST).
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin
        .split_once("://")
        .is_some_and(|(_, authority)| authority == host)
}

fn to_login(uri: &Uri) -> Response {
    let next = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let encoded: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    Redirect::to(&format!("/login?next={encoded}")).into_response()
}

impl FromRequestParts<AppState> for Member {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(session_id) = cookies::read(&parts.headers, cookies::SESSION) else {
            return Err(to_login(&parts.uri));
        };
        let id = session_id.clone();
        let found = state
            .run(move |store, clock| {
                let Some(session) = session_for(store, clock, &id)? else {
                    return Ok(None);
                };
                let memberships = store.platform_read(|tx| tx.memberships_of(&session.user.id))?;
                let creditor = store
                    .tenant(session.creditor_id.clone())
                    .read(|tx| tx.creditor())?;
                Ok(Some((session, memberships, creditor.timezone.tz().clone())))
            })
            .await
            .map_err(IntoResponse::into_response)?;
        let Some((session, memberships, time_zone)) = found else {
            return Err(to_login(&parts.uri));
        };
        let creditors = memberships
            .into_iter()
            .filter(|m| m.status == MembershipStatus::Active)
            .map(|m| CreditorChoice {
                current: m.creditor_id == session.creditor_id,
                id: m.creditor_id.to_string(),
                name: m.creditor_name,
            })
            .collect();
        // A language chosen with the switch becomes the user's preference
        // (kept across devices); otherwise the preference, then the browser.
        let chosen =
            cookies::read(&parts.headers, LANG_COOKIE).and_then(|c| Locale::parse(&c).ok());
        let locale = match chosen {
            Some(locale) if Some(locale) != session.user.language => {
                let user = session.user.id.clone();
                state
                    .run(move |store, _| {
                        Ok(store.platform_write(|tx| tx.set_user_language(&user, locale))?)
                    })
                    .await
                    .map_err(IntoResponse::into_response)?;
                locale
            }
            _ => negotiate(session.user.language, &parts.headers),
        };
        Ok(Member {
            locale,
            session,
            session_id,
            creditors,
            environment: state.config.environment,
            time_zone,
            uri: parts.uri.clone(),
        })
    }
}
