//! Logging in and out, password links, invitations, switching creditor.

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use prelevo_app::access::{self as use_cases, LoginAttempt};
use prelevo_app::{AppError, ErrorKind, secrets_equal};
use prelevo_domain::CreditorKey;
use serde::Deserialize;

use super::cookies;
use super::member::{CsrfForm, Member, same_origin};
use super::page::MessagePage;
use crate::AppState;
use crate::ui::{Layout, negotiate};

/// The anonymous pages' frame and form token.
struct Anonymous {
    layout: Layout,
    form_token: String,
    new_token: bool,
}

fn anonymous(
    state: &AppState,
    headers: &HeaderMap,
    uri: &Uri,
    title: &str,
) -> Result<Anonymous, Response> {
    let locale = negotiate(None, headers);
    let layout = Layout::new(locale, state.config.environment, uri).titled(title);
    match cookies::read(headers, cookies::FORM_TOKEN) {
        Some(form_token) => Ok(Anonymous {
            layout,
            form_token,
            new_token: false,
        }),
        None => {
            let form_token = prelevo_app::new_secret()
                .map_err(|e| crate::Problem::from_app(e, state.clock.now()).into_response())?;
            Ok(Anonymous {
                layout,
                form_token,
                new_token: true,
            })
        }
    }
}

fn secure(state: &AppState) -> bool {
    state.config.base_url.starts_with("https://")
}

/// Renders an anonymous page, setting its form token cookie when new.
fn render(
    state: &AppState,
    page: &Anonymous,
    status: StatusCode,
    body: impl IntoResponse,
) -> Response {
    let mut response = (status, body).into_response();
    if page.new_token {
        response.headers_mut().append(
            header::SET_COOKIE,
            cookies::set(
                cookies::FORM_TOKEN,
                &page.form_token,
                secure(state),
                "Strict",
            ),
        );
    }
    response
}

/// Whether an anonymous form carries its cookie's token and comes from here.
fn form_is_ours(headers: &HeaderMap, sent: &str) -> bool {
    cookies::read(headers, cookies::FORM_TOKEN).is_some_and(|cookie| secrets_equal(&cookie, sent))
        && same_origin(headers)
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    next: String,
    email: String,
    notice: Option<String>,
    error: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct NextParam {
    next: Option<String>,
    done: Option<String>,
}

/// Only local paths are followed after login (no open redirect).
fn local_path(next: Option<&str>) -> String {
    crate::ui::local_path(next).to_owned()
}

pub(crate) async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Query(params): Query<NextParam>,
) -> Response {
    let page = match anonymous(&state, &headers, &uri, "login-title") {
        Ok(page) => page,
        Err(response) => return response,
    };
    let notice = params
        .done
        .as_deref()
        .map(|_| page.layout.t("login-password-set"));
    let body = LoginPage {
        layout: page.layout.clone(),
        csrf: page.form_token.clone(),
        next: local_path(params.next.as_deref()),
        email: String::new(),
        notice,
        error: None,
    };
    render(&state, &page, StatusCode::OK, body)
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    csrf: String,
    email: String,
    password: String,
    next: Option<String>,
}

pub(crate) async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<LoginForm>,
) -> Response {
    let page = match anonymous(&state, &headers, &uri, "login-title") {
        Ok(page) => page,
        Err(response) => return response,
    };
    let retry = |status: StatusCode, error: String| {
        let body = LoginPage {
            layout: page.layout.clone(),
            csrf: page.form_token.clone(),
            next: local_path(form.next.as_deref()),
            email: form.email.clone(),
            notice: None,
            error: Some(error),
        };
        render(&state, &page, status, body)
    };
    if !form_is_ours(&headers, &form.csrf) {
        return retry(StatusCode::FORBIDDEN, page.layout.t("csrf-failed"));
    }
    let client = state.config.trusted_proxies.client(peer.ip(), &headers);
    let (email, password, client) = (
        form.email.clone(),
        form.password.clone(),
        crate::client_address::throttle_key(client),
    );
    let clock = std::sync::Arc::clone(&state.clock);
    let started = state
        .blocking(move |store| {
            let attempt = LoginAttempt {
                email: &email,
                password: &password,
                client: &client,
            };
            use_cases::login(&store, clock.as_ref(), &attempt)
        })
        .await;
    match started {
        Ok(Ok(session)) => {
            let mut response = Redirect::to(&local_path(form.next.as_deref())).into_response();
            response.headers_mut().append(
                header::SET_COOKIE,
                cookies::set(cookies::SESSION, &session.session_id, secure(&state), "Lax"),
            );
            response
        }
        Ok(Err(AppError::Throttled { until })) => {
            let until = page.layout.instant(&until);
            let message = page.layout.t_args("login-locked", &[("until", &until)]);
            retry(StatusCode::TOO_MANY_REQUESTS, message)
        }
        Ok(Err(error)) if error.kind() == ErrorKind::Forbidden => {
            retry(StatusCode::FORBIDDEN, page.layout.t("login-no-access"))
        }
        Ok(Err(error)) if error.kind() == ErrorKind::Internal => {
            crate::Problem::from_app(error, state.clock.now()).into_response()
        }
        Ok(Err(_)) => retry(StatusCode::UNAUTHORIZED, page.layout.t("login-wrong")),
        Err(problem) => problem.into_response(),
    }
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    member: Member,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(refused) = member.check_form(&headers, &form.csrf) {
        return refused;
    }
    let id = member.session_id.clone();
    if let Err(problem) = state
        .run(move |store, _| use_cases::logout(store, &id))
        .await
    {
        return problem.into_response();
    }
    let mut response = Redirect::to("/login").into_response();
    response
        .headers_mut()
        .append(header::SET_COOKIE, cookies::clear(cookies::SESSION));
    response
}

#[derive(Deserialize)]
pub(crate) struct SwitchForm {
    csrf: String,
    creditor: String,
}

pub(crate) async fn switch_creditor(
    State(state): State<AppState>,
    member: Member,
    headers: HeaderMap,
    Form(form): Form<SwitchForm>,
) -> Response {
    if let Err(refused) = member.check_form(&headers, &form.csrf) {
        return refused;
    }
    let Ok(creditor) = CreditorKey::parse(&form.creditor) else {
        return member.message(StatusCode::BAD_REQUEST, "forbidden");
    };
    let (session, id) = (member.session.clone(), member.session_id.clone());
    match state
        .run(move |store, _| use_cases::switch_creditor(store, &session, &id, &creditor))
        .await
    {
        Ok(()) => Redirect::to("/").into_response(),
        Err(_) => member.message(StatusCode::FORBIDDEN, "forbidden"),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "password_request.html")]
struct PasswordRequestPage {
    layout: Layout,
    csrf: String,
}

pub(crate) async fn password_request_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    match anonymous(&state, &headers, &uri, "password-title") {
        Ok(page) => {
            let body = PasswordRequestPage {
                layout: page.layout.clone(),
                csrf: page.form_token.clone(),
            };
            render(&state, &page, StatusCode::OK, body)
        }
        Err(response) => response,
    }
}

#[derive(Deserialize)]
pub(crate) struct EmailForm {
    csrf: String,
    email: String,
}

pub(crate) async fn password_request(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<EmailForm>,
) -> Response {
    let page = match anonymous(&state, &headers, &uri, "password-title") {
        Ok(page) => page,
        Err(response) => return response,
    };
    if !form_is_ours(&headers, &form.csrf) {
        return render(
            &state,
            &page,
            StatusCode::FORBIDDEN,
            MessagePage::new(page.layout.clone(), "csrf-failed"),
        );
    }
    let base_url = state.config.base_url.clone();
    let email = form.email;
    // The same answer whether the address exists or not.
    let outcome = state
        .run(move |store, clock| use_cases::request_password_link(store, clock, &email, &base_url))
        .await;
    match outcome {
        Ok(()) => render(
            &state,
            &page,
            StatusCode::OK,
            MessagePage::new(page.layout.clone(), "password-sent"),
        ),
        Err(problem) if problem.status == 422 => {
            let body = PasswordRequestPage {
                layout: page.layout.clone(),
                csrf: page.form_token.clone(),
            };
            render(&state, &page, StatusCode::UNPROCESSABLE_ENTITY, body)
        }
        Err(problem) => problem.into_response(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "password_set.html")]
struct PasswordSetPage {
    layout: Layout,
    csrf: String,
    intro: &'static str,
    submit: &'static str,
    error: Option<String>,
}

/// The two one-time links that end in choosing a password.
#[derive(Clone, Copy)]
enum Link {
    /// "Set or reset my password".
    Password,
    /// Joining a team.
    Invitation,
}

impl Link {
    fn title(self) -> &'static str {
        match self {
            Link::Password => "password-title",
            Link::Invitation => "invitation-title",
        }
    }

    fn form(self, page: &Anonymous, error: Option<String>) -> PasswordSetPage {
        let invitation = matches!(self, Link::Invitation);
        PasswordSetPage {
            layout: page.layout.clone(),
            csrf: page.form_token.clone(),
            intro: if invitation {
                "invitation-intro"
            } else {
                "password-set-intro"
            },
            submit: if invitation {
                "invitation-accept"
            } else {
                "password-save"
            },
            error,
        }
    }

    /// Uses the link: sets the password (and accepts the invitation).
    fn apply(
        self,
        store: &prelevo_store::Store,
        clock: &dyn prelevo_domain::Clock,
        token: &str,
        password: &str,
    ) -> Result<(), AppError> {
        match self {
            Link::Password => {
                use_cases::set_password_with_link(store, clock, token, password).map(drop)
            }
            Link::Invitation => {
                use_cases::accept_invitation(store, clock, token, password).map(drop)
            }
        }
    }
}

async fn link_page(state: &AppState, headers: &HeaderMap, uri: &Uri, link: Link) -> Response {
    match anonymous(state, headers, uri, link.title()) {
        Ok(page) => {
            let body = link.form(&page, None);
            render(state, &page, StatusCode::OK, body)
        }
        Err(response) => response,
    }
}

async fn link_submit(
    state: &AppState,
    token: String,
    headers: &HeaderMap,
    uri: &Uri,
    form: PasswordForm,
    link: Link,
) -> Response {
    let page = match anonymous(state, headers, uri, link.title()) {
        Ok(page) => page,
        Err(response) => return response,
    };
    if !form_is_ours(headers, &form.csrf) {
        let body = MessagePage::new(page.layout.clone(), "csrf-failed");
        return render(state, &page, StatusCode::FORBIDDEN, body);
    }
    let password = form.password;
    let outcome = state
        .run(move |store, clock| link.apply(store, clock, &token, &password))
        .await;
    match outcome {
        Ok(()) => Redirect::to("/login?done=1").into_response(),
        Err(problem) if problem.status == 422 => {
            let body = link.form(&page, Some(problem.detail));
            render(state, &page, StatusCode::UNPROCESSABLE_ENTITY, body)
        }
        Err(problem) if problem.status == 401 => {
            let body = MessagePage::new(page.layout.clone(), "link-invalid")
                .with_link("/password", "login-forgot");
            render(state, &page, StatusCode::GONE, body)
        }
        Err(problem) => problem.into_response(),
    }
}

pub(crate) async fn password_set_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    link_page(&state, &headers, &uri, Link::Password).await
}

#[derive(Deserialize)]
pub(crate) struct PasswordForm {
    csrf: String,
    password: String,
}

pub(crate) async fn password_set(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<PasswordForm>,
) -> Response {
    link_submit(&state, token, &headers, &uri, form, Link::Password).await
}

pub(crate) async fn invitation_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    link_page(&state, &headers, &uri, Link::Invitation).await
}

pub(crate) async fn invitation_accept(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<PasswordForm>,
) -> Response {
    link_submit(&state, token, &headers, &uri, form, Link::Invitation).await
}
