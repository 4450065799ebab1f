//! The team: members with role and state; administrators invite, change
//! roles, deactivate, reactivate and resend invitations.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use prelevo_app::access::{
    change_role, deactivate_member, invite_member, reactivate_member, resend_invitation, team,
};
use prelevo_domain::{MembershipStatus, Permission, Role, UserId};
use prelevo_store::Member as TeamMember;
use serde::Deserialize;

use super::Member;
use crate::AppState;
use crate::ui::{Layout, Section};

#[derive(Template, WebTemplate)]
#[template(path = "team.html")]
struct TeamPage {
    layout: Layout,
    members: Vec<TeamMember>,
    roles: [Role; 3],
    notice: Option<String>,
    errors: Vec<String>,
}

async fn render(
    state: &AppState,
    member: &Member,
    status: StatusCode,
    notice: Option<String>,
    errors: Vec<String>,
) -> Response {
    let tenant = member.tenant(state);
    match state.run(move |_, _| team(&tenant)).await {
        Ok(members) => {
            let page = TeamPage {
                layout: member.layout(Section::Team),
                members,
                roles: Role::ALL,
                notice,
                errors,
            };
            (status, page).into_response()
        }
        Err(problem) => problem.into_response(),
    }
}

/// The team page with why a change was refused (or the problem itself when
/// the server failed).
async fn refused(state: &AppState, member: &Member, problem: crate::Problem) -> Response {
    if problem.status >= 500 {
        return problem.into_response();
    }
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::BAD_REQUEST);
    render(state, member, status, None, vec![problem.detail]).await
}

pub(crate) async fn page(State(state): State<AppState>, member: Member) -> Response {
    if let Err(refused) = member.require(Permission::ManageTeam) {
        return refused;
    }
    render(&state, &member, StatusCode::OK, None, Vec::new()).await
}

#[derive(Deserialize)]
pub(crate) struct InviteForm {
    csrf: String,
    email: String,
    role: String,
}

pub(crate) async fn invite(
    State(state): State<AppState>,
    member: Member,
    headers: HeaderMap,
    Form(form): Form<InviteForm>,
) -> Response {
    if let Err(refused) = member.accept_form(&headers, &form.csrf, Permission::ManageTeam) {
        return refused;
    }
    let (creditor, actor, base_url) = (
        member.creditor().clone(),
        member.actor(),
        state.config.base_url.clone(),
    );
    let email = form.email.clone();
    let outcome = state
        .run(move |store, clock| {
            let role =
                Role::parse(&form.role).map_err(|e| prelevo_app::AppError::invalid("role", e))?;
            invite_member(
                store,
                clock,
                &actor,
                &creditor,
                &form.email,
                role,
                &base_url,
            )
        })
        .await;
    match outcome {
        Ok(_) => {
            let notice = member
                .layout(Section::Team)
                .t_args("team-invited", &[("email", &email)]);
            render(&state, &member, StatusCode::OK, Some(notice), Vec::new()).await
        }
        Err(problem) => refused(&state, &member, problem).await,
    }
}

#[derive(Deserialize)]
pub(crate) struct ActionForm {
    csrf: String,
    role: Option<String>,
}

pub(crate) async fn act(
    State(state): State<AppState>,
    member: Member,
    Path((user, action)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<ActionForm>,
) -> Response {
    if let Err(refused) = member.accept_form(&headers, &form.csrf, Permission::ManageTeam) {
        return refused;
    }
    let Ok(user) = UserId::parse(&user) else {
        return member.message(StatusCode::NOT_FOUND, "forbidden");
    };
    let (creditor, actor, base_url) = (
        member.creditor().clone(),
        member.actor(),
        state.config.base_url.clone(),
    );
    let outcome = state
        .run(move |store, clock| match action.as_str() {
            "role" => {
                let role = Role::parse(form.role.as_deref().unwrap_or_default())
                    .map_err(|e| prelevo_app::AppError::invalid("role", e))?;
                change_role(store, clock, &actor, &creditor, &user, role)
            }
            "deactivate" => deactivate_member(store, clock, &actor, &creditor, &user),
            "reactivate" => reactivate_member(store, clock, &actor, &creditor, &user),
            "resend" => resend_invitation(store, clock, &actor, &creditor, &user, &base_url),
            other => Err(prelevo_app::AppError::NotFound(format!(
                "no team action '{other}'"
            ))),
        })
        .await;
    match outcome {
        Ok(_) => Redirect::to("/team").into_response(),
        Err(problem) => refused(&state, &member, problem).await,
    }
}

impl TeamPage {
    /// Whether a member's state offers an action (for the template).
    fn offers(&self, status: &MembershipStatus, action: &str) -> bool {
        matches!(
            (status, action),
            (MembershipStatus::Invited, "resend" | "deactivate")
                | (MembershipStatus::Active, "deactivate")
                | (MembershipStatus::Deactivated, "reactivate")
        )
    }
}
