//! Subscribers: the list (filters, health, export) and the customer page
//! that gathers identity, payment method and its health, mandates and
//! cards, with the day-to-day actions (new customer, new mandate, suspend,
//! reactivate, strike off, revoke, delete a card).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use prelevo_app::card_aliases::delete_card_alias;
use prelevo_app::customers::{
    CustomerFile, CustomerInput, CustomerWithHealth, change_customer_status, create_customer,
    customer_file, list_customers, tally_customers,
};
use prelevo_app::exports::write_customers;
use prelevo_app::mandates::{MandateInput, ReferenceChoice, create_mandate};
use prelevo_domain::{CardAliasId, CustomerEvent, CustomerId, CustomerStatus, Health, Permission};
use prelevo_store::{CustomerFilter, Position};
use serde::Deserialize;

use super::Member;
use super::lists::{bad_query, fetch_page, fragment, list_query, parsed};
use super::member::CsrfForm;
use crate::AppState;
use crate::exports::{csv_response, stopped};
use crate::ui::{
    Column, Cursor, Layout, ListQuery, ListSpec, Page, Section, Sort, Table, TableRow,
};

const SPEC: ListSpec = ListSpec {
    filters: &["q", "status", "health"],
    sorts: &["created"],
    default_sort: Sort::descending("created"),
};

const COLUMNS: [Column; 6] = [
    Column::text("subscribers-reference"),
    Column::text("subscribers-name"),
    Column::text("subscribers-email"),
    Column::text("subscribers-status"),
    Column::text("subscribers-method"),
    Column::text("subscribers-health"),
];

/// The store filter and health of the list's query; unknown values are a
/// bad query.
fn filter_of(query: &ListQuery) -> Result<(CustomerFilter, Option<Health>), Response> {
    let status = parsed(query, "status", CustomerStatus::parse)?;
    let health = parsed(query, "health", Health::parse)?;
    Ok((
        CustomerFilter {
            status,
            text: query.filter("q").map(str::to_owned),
            ..CustomerFilter::default()
        },
        health,
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "subscribers.html")]
struct SubscribersPage {
    layout: Layout,
    query: ListQuery,
    list: Table,
    can_operate: bool,
    errors: Vec<String>,
}

impl SubscribersPage {
    fn statuses(&self) -> [CustomerStatus; 3] {
        [
            CustomerStatus::Active,
            CustomerStatus::Suspended,
            CustomerStatus::StruckOff,
        ]
    }

    fn healths(&self) -> [Health; 7] {
        Health::ALL
    }
}

fn row(layout: &Layout, c: &CustomerWithHealth) -> TableRow {
    let d = &c.customer.details;
    TableRow::new([
        c.customer.code.to_string(),
        d.display_name(),
        d.email
            .as_ref()
            .map(|e| e.as_str().to_owned())
            .unwrap_or_default(),
        layout.label(&c.customer.status),
        layout.label(&c.customer.payment_method),
        layout.label(&c.health),
    ])
    .linked(format!("/subscribers/{}", c.customer.id))
}

async fn list_page(
    state: &AppState,
    member: &Member,
    uri: &Uri,
    headers: &HeaderMap,
    status: StatusCode,
    errors: Vec<String>,
) -> Response {
    let query = match ListQuery::parse(SPEC, uri.query()) {
        Ok(query) => query,
        Err(error) => return bad_query(error),
    };
    let (filter, health) = match filter_of(&query) {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let tenant = member.tenant(state);
    let fetched = fetch_page(
        state,
        &query,
        move |_, clock, position: Position<CustomerId>, limit| {
            let rows = list_customers(&tenant, clock, &filter, health, position, limit)?;
            let total = tally_customers(&tenant, clock, &filter, health)?;
            Ok((rows, total))
        },
    );
    let (rows, total) = match fetched.await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let layout = member.layout(Section::Subscribers);
    let cursor_of = |c: &CustomerWithHealth| {
        Cursor::new(c.customer.created_at.to_string(), c.customer.id.to_string())
    };
    let page = Page::new(
        &query,
        rows,
        total,
        "/subscribers",
        "/subscribers/export.csv",
        cursor_of,
    )
    .map(|c| row(&layout, &c));
    let list = Table::new(
        &layout,
        "nav-subscribers",
        &COLUMNS,
        &query,
        "/subscribers",
        page,
    );
    if let Some(only_the_list) = fragment(headers, &layout, &list) {
        return only_the_list;
    }
    (
        status,
        SubscribersPage {
            can_operate: member.require(Permission::Operate).is_ok(),
            layout,
            query,
            list,
            errors,
        },
    )
        .into_response()
}

/// `GET /subscribers`.
pub(crate) async fn page(
    State(state): State<AppState>,
    member: Member,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if let Err(refused) = member.require(Permission::Read) {
        return refused;
    }
    list_page(&state, &member, &uri, &headers, StatusCode::OK, Vec::new()).await
}

/// `GET /subscribers/export.csv`: the list's filters, every row.
pub(crate) async fn export(State(state): State<AppState>, member: Member, uri: Uri) -> Response {
    let query = match list_query(&member, Permission::Export, SPEC, &uri) {
        Ok(query) => query,
        Err(refused) => return refused,
    };
    let (filter, health) = match filter_of(&query) {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let tenant = member.tenant(&state);
    let clock = std::sync::Arc::clone(&state.clock);
    csv_response("subscribers.csv", move |out| {
        write_customers(&tenant, clock.as_ref(), &filter, health, out)
            .map(drop)
            .map_err(stopped)
    })
}

/// The new-customer form.
#[derive(Deserialize)]
pub(crate) struct CustomerForm {
    csrf: String,
    reference: String,
    civility: Option<String>,
    last_name: Option<String>,
    first_name: Option<String>,
    company: Option<String>,
    address_line1: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    country: Option<String>,
    email: Option<String>,
    mobile: Option<String>,
}

/// An empty form field is an absent one.
fn given(field: Option<String>) -> Option<String> {
    field.filter(|v| !v.trim().is_empty())
}

/// `POST /subscribers`: creates a customer and opens its page.
pub(crate) async fn create(
    State(state): State<AppState>,
    member: Member,
    uri: Uri,
    headers: HeaderMap,
    Form(form): Form<CustomerForm>,
) -> Response {
    if let Err(refused) = member.accept_form(&headers, &form.csrf, Permission::Operate) {
        return refused;
    }
    let input = CustomerInput {
        code: Some(form.reference),
        civility: given(form.civility),
        last_name: given(form.last_name),
        first_name: given(form.first_name),
        company: given(form.company),
        address_line1: given(form.address_line1),
        postal_code: given(form.postal_code),
        city: given(form.city),
        country: given(form.country),
        email: given(form.email),
        mobile: given(form.mobile),
        ..CustomerInput::default()
    };
    let (tenant, actor) = (member.tenant(&state), member.actor());
    match state
        .run(move |_, clock| create_customer(&tenant, clock, &actor, &input))
        .await
    {
        Ok(created) => Redirect::to(&format!("/subscribers/{}", created.id)).into_response(),
        Err(problem) if problem.status < 500 => {
            list_page(
                &state,
                &member,
                &uri,
                &headers,
                StatusCode::UNPROCESSABLE_ENTITY,
                vec![problem.detail],
            )
            .await
        }
        Err(problem) => problem.into_response(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "subscriber.html")]
struct SubscriberPage {
    layout: Layout,
    file: CustomerFile,
    can_operate: bool,
    errors: Vec<String>,
}

impl SubscriberPage {
    fn address(&self) -> Vec<String> {
        let d = &self.file.customer.details;
        prelevo_domain::PostalAddress {
            line1: d.address[0].clone(),
            line2: d.address[1].clone(),
            postal_code: d.postal_code.clone(),
            city: d.city.clone(),
            country: d.country.clone(),
        }
        .lines()
    }

    fn is_struck_off(&self) -> bool {
        self.file.customer.status == CustomerStatus::StruckOff
    }

    fn is_active(&self) -> bool {
        self.file.customer.status == CustomerStatus::Active
    }
}

async fn customer_page(
    state: &AppState,
    member: &Member,
    id: CustomerId,
    status: StatusCode,
    errors: Vec<String>,
) -> Response {
    let tenant = member.tenant(state);
    let found = state
        .run(move |_, clock| customer_file(&tenant, clock, &id))
        .await;
    member.shown(found, |file| {
        (
            status,
            SubscriberPage {
                layout: member.layout(Section::Subscribers),
                file,
                can_operate: member.require(Permission::Operate).is_ok(),
                errors,
            },
        )
            .into_response()
    })
}

/// `GET /subscribers/{id}`: the customer's file.
pub(crate) async fn show(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
) -> Response {
    if let Err(refused) = member.require(Permission::Read) {
        return refused;
    }
    let id = match member.path_id(&id, CustomerId::parse) {
        Ok(id) => id,
        Err(refused) => return refused,
    };
    customer_page(&state, &member, id, StatusCode::OK, Vec::new()).await
}

/// After an action: back to the customer's page, or the page again with
/// the refusal when the action was refused.
async fn after_action(
    state: &AppState,
    member: &Member,
    id: CustomerId,
    outcome: Result<(), crate::Problem>,
) -> Response {
    let page = format!("/subscribers/{id}");
    member
        .after_action(outcome, &page, |status, reasons| {
            customer_page(state, member, id, status, reasons)
        })
        .await
}

/// `POST /subscribers/{id}/{action}`: suspend, reactivate, strike off.
pub(crate) async fn act(
    State(state): State<AppState>,
    member: Member,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(refused) = member.accept_form(&headers, &form.csrf, Permission::Operate) {
        return refused;
    }
    let id = match member.path_id(&id, CustomerId::parse) {
        Ok(id) => id,
        Err(refused) => return refused,
    };
    let event = match action.as_str() {
        "suspend" => CustomerEvent::Suspend,
        "reactivate" => CustomerEvent::Reactivate,
        "strike-off" => CustomerEvent::StrikeOff,
        _ => return member.message(StatusCode::NOT_FOUND, "not-found"),
    };
    let (tenant, actor, target) = (member.tenant(&state), member.actor(), id.clone());
    let outcome = state
        .run(move |_, clock| {
            change_customer_status(&tenant, clock, &actor, &target, event).map(drop)
        })
        .await;
    after_action(&state, &member, id, outcome).await
}

/// The new-mandate form of the customer page.
#[derive(Deserialize)]
pub(crate) struct MandateForm {
    csrf: String,
    reference: Option<String>,
    scheme: Option<String>,
    kind: Option<String>,
    debtor_name: Option<String>,
    iban: String,
    bic: Option<String>,
    signed_on: String,
    signature_place: Option<String>,
    signature_method: String,
}

/// `POST /subscribers/{id}/mandates`: a new mandate for the customer (its
/// reference as typed, or generated when left empty).
pub(crate) async fn create_mandate_for(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<MandateForm>,
) -> Response {
    if let Err(refused) = member.accept_form(&headers, &form.csrf, Permission::Operate) {
        return refused;
    }
    let id = match member.path_id(&id, CustomerId::parse) {
        Ok(id) => id,
        Err(refused) => return refused,
    };
    let input = MandateInput {
        customer_id: id.to_string(),
        reference: match given(form.reference) {
            Some(reference) => ReferenceChoice::Given(reference),
            None => ReferenceChoice::Generate,
        },
        scheme: given(form.scheme),
        kind: given(form.kind),
        debtor_name: given(form.debtor_name),
        debtor_address_line1: None,
        debtor_address_line2: None,
        debtor_postal_code: None,
        debtor_city: None,
        debtor_country: None,
        iban: form.iban,
        bic: given(form.bic),
        signed_on: form.signed_on,
        signature_place: given(form.signature_place),
        signature_method: form.signature_method,
    };
    let (tenant, actor) = (member.tenant(&state), member.actor());
    let outcome = state
        .run(move |_, clock| create_mandate(&tenant, clock, &actor, &input).map(drop))
        .await;
    after_action(&state, &member, id, outcome).await
}

/// `POST /subscribers/{id}/cards/{card}/delete`.
pub(crate) async fn delete_card(
    State(state): State<AppState>,
    member: Member,
    Path((id, card)): Path<(String, String)>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(refused) = member.accept_form(&headers, &form.csrf, Permission::Operate) {
        return refused;
    }
    let (Ok(id), Ok(card)) = (CustomerId::parse(&id), CardAliasId::parse(&card)) else {
        return member.message(StatusCode::NOT_FOUND, "not-found");
    };
    let (tenant, actor, gateway) = (member.tenant(&state), member.actor(), state.card_gateway());
    let outcome = state
        .run(move |_, clock| {
            delete_card_alias(&tenant, clock, gateway.as_ref(), &actor, &card).map(drop)
        })
        .await;
    after_action(&state, &member, id, outcome).await
}
