//! Payments: the list with the seed's filters (status, kind, due dates,
//! amount, customer, plan, bank file) and its export, one payment with its
//! timeline, and cancelling or changing a payment that waits to be sent.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use prelevo_app::exports::write_payments;
use prelevo_app::payments::{PaymentChanges, amend_payment, cancel_payment, payment};
use prelevo_domain::{
    BankFileId, Currency, Money, PaymentCause, PaymentId, PaymentKind, PaymentStatus, Permission,
    PlanId, PlanReference,
};
use prelevo_store::{ListedPayment, PaymentEventRecord, PaymentFilter, Position, TALLY_CAP};
use serde::Deserialize;

use super::Member;
use super::actors::ActorNames;
use super::lists::{fetch_page, fragment, list_query, parsed};
use super::member::CsrfForm;
use super::methods::method_name;
use crate::AppState;
use crate::exports::{csv_response, stopped};
use crate::ui::{
    Column, Cursor, Layout, ListQuery, ListSpec, Page, Section, Sort, Table, TableRow,
};

const SPEC: ListSpec = ListSpec {
    filters: &[
        "status",
        "kind",
        "due_from",
        "due_to",
        "amount_min",
        "amount_max",
        "customer_reference",
        "plan",
        "file",
    ],
    sorts: &["created"],
    default_sort: Sort::descending("created"),
};

const COLUMNS: [Column; 7] = [
    Column::text("payments-due-on"),
    Column::text("payments-customer"),
    Column::text("payments-kind"),
    Column::numeric("payments-amount"),
    Column::text("payments-remittance"),
    Column::text("payments-status"),
    Column::text("payments-end-to-end"),
];

/// The store filter of the list's query; a value it cannot read is a 400
/// naming the parameter.
fn filter_of(query: &ListQuery) -> Result<PaymentFilter, Response> {
    // Amounts are typed in euros, as people read them ("49,90"): they
    // compare with euro payments only.
    let cents = |v: &str| Money::parse(v, Currency::EUR).ok().map(|m| m.minor());
    let amount_min = parsed(query, "amount_min", cents)?;
    let amount_max = parsed(query, "amount_max", cents)?;
    let in_euros = amount_min.is_some() || amount_max.is_some();
    Ok(PaymentFilter {
        status: parsed(query, "status", PaymentStatus::parse)?,
        kind: parsed(query, "kind", |v| PaymentKind::parse(v).ok())?,
        due_from: parsed(query, "due_from", |v| v.parse().ok())?,
        due_to: parsed(query, "due_to", |v| v.parse().ok())?,
        amount_min,
        amount_max,
        currency: in_euros.then_some(Currency::EUR),
        customer_code: query
            .filter("customer_reference")
            .map(|v| v.trim().to_owned()),
        plan_id: parsed(query, "plan", |v| PlanId::parse(v).ok())?,
        file_id: parsed(query, "file", |v| BankFileId::parse(v).ok())?,
        ..PaymentFilter::default()
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "payments.html")]
struct PaymentsPage {
    layout: Layout,
    query: ListQuery,
    list: Table,
}

impl PaymentsPage {
    fn statuses(&self) -> [PaymentStatus; 5] {
        PaymentStatus::ALL
    }

    fn kinds(&self) -> impl Iterator<Item = PaymentKind> {
        PaymentKind::ALL.iter().copied()
    }
}

fn row(layout: &Layout, listed: &ListedPayment) -> TableRow {
    let p = &listed.payment;
    TableRow::new([
        p.due_on.to_string(),
        listed.customer_code.clone(),
        layout.label(&p.kind),
        p.amount.format(layout.locale()),
        p.remittance
            .as_ref()
            .map_or_else(String::new, |r| r.as_str().to_owned()),
        layout.label(&p.status),
        p.end_to_end_id.as_str().to_owned(),
    ])
    .linked(format!("/payments/{}", p.id))
}

/// `GET /payments`.
pub(crate) async fn page(
    State(state): State<AppState>,
    member: Member,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let query = match list_query(&member, Permission::Read, SPEC, &uri) {
        Ok(query) => query,
        Err(refused) => return refused,
    };
    let filter = match filter_of(&query) {
        Ok(filter) => filter,
        Err(refused) => return refused,
    };
    let tenant = member.tenant(&state);
    let fetched = fetch_page(
        &state,
        &query,
        move |_, _, position: Position<PaymentId>, limit| {
            Ok(tenant.read(|tx| {
                Ok::<_, prelevo_store::StoreError>((
                    tx.payments(&filter, position, limit)?,
                    tx.tally_payments(&filter, TALLY_CAP)?,
                ))
            })?)
        },
    );
    let (rows, total) = match fetched.await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let layout = member.layout(Section::Payments);
    let cursor_of =
        |l: &ListedPayment| Cursor::new(l.payment.created_at.to_string(), l.payment.id.to_string());
    let page = Page::new(
        &query,
        rows,
        total,
        "/payments",
        "/payments/export.csv",
        cursor_of,
    )
    .map(|l| row(&layout, &l));
    let list = Table::new(&layout, "nav-payments", &COLUMNS, &query, "/payments", page);
    if let Some(only_the_list) = fragment(&headers, &layout, &list) {
        return only_the_list;
    }
    PaymentsPage {
        layout,
        query,
        list,
    }
    .into_response()
}

/// `GET /payments/export.csv`: the list's filters, every match.
pub(crate) async fn export(State(state): State<AppState>, member: Member, uri: Uri) -> Response {
    let query = match list_query(&member, Permission::Export, SPEC, &uri) {
        Ok(query) => query,
        Err(refused) => return refused,
    };
    let filter = match filter_of(&query) {
        Ok(filter) => filter,
        Err(refused) => return refused,
    };
    let tenant = member.tenant(&state);
    csv_response("payments.csv", move |out| {
        write_payments(&tenant, &filter, out)
            .map(drop)
            .map_err(stopped)
    })
}

/// One line of a payment's timeline, ready to show.
struct Step {
    at: String,
    from: String,
    to: String,
    cause: String,
    actor: String,
}

impl Step {
    fn new(layout: &Layout, names: &ActorNames, event: &PaymentEventRecord) -> Self {
        // A state reads as its label; an unknown code (never expected) as
        // itself rather than nothing.
        let state = |code: &str| {
            PaymentStatus::parse(code).map_or_else(|| code.to_owned(), |s| layout.label(&s))
        };
        Self {
            at: layout.instant(&event.occurred_at),
            from: state(&event.from_status),
            to: state(&event.to_status),
            cause: cause_words(layout, &event.cause),
            actor: names.name(layout, &event.actor),
        }
    }
}

/// Why a payment changed, in the reader's words (dates as the rest of the
/// page shows them; amounts per locale).
fn cause_words(layout: &Layout, cause: &PaymentCause) -> String {
    let locale = layout.locale();
    match cause {
        PaymentCause::CancelledByCreditor => layout.t("cause-cancelled-by-creditor"),
        PaymentCause::ChangedByCreditor(change) => {
            let mut changes = Vec::new();
            if let Some((from, to)) = change.amount {
                changes.push(layout.t_args(
                    "cause-changed-amount",
                    &[("from", &from.format(locale)), ("to", &to.format(locale))],
                ));
            }
            if let Some((from, to)) = change.due_on {
                changes.push(layout.t_args(
                    "cause-changed-due-date",
                    &[("from", &from.to_string()), ("to", &to.to_string())],
                ));
            }
            if change.remittance {
                changes.push(layout.t("cause-changed-remittance"));
            }
            layout.t_args(
                "cause-changed-by-creditor",
                &[("changes", &changes.join(", "))],
            )
        }
        PaymentCause::PlanChanged => layout.t("cause-plan-changed"),
        PaymentCause::PlanStopped(reason) => {
            layout.t_args("cause-plan-stopped", &[("reason", &layout.label(reason))])
        }
        PaymentCause::SentInFile { message_id } => {
            layout.t_args("cause-sent-in-file", &[("file", message_id)])
        }
        PaymentCause::ChargeSent => layout.t("cause-charge-sent"),
        PaymentCause::ChargeApproved { reference } => {
            layout.t_args("cause-charge-approved", &[("reference", reference)])
        }
        PaymentCause::ChargeDeclined { code, reason } => layout.t_args(
            "cause-charge-declined",
            &[("code", code), ("reason", reason)],
        ),
        PaymentCause::MovedLate { from, to } => layout.t_args(
            "cause-moved-late",
            &[("from", &from.to_string()), ("to", &to.to_string())],
        ),
        PaymentCause::Settled { due_on } => {
            layout.t_args("cause-settled", &[("date", &due_on.to_string())])
        }
        PaymentCause::Recorded(words) => words.clone(),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "payment.html")]
struct PaymentPage {
    layout: Layout,
    listed: ListedPayment,
    /// Its mandate's UMR or its card, as [`method_name`] names them.
    method: Option<String>,
    /// Its plan's reference, when the creditor gave it one.
    plan_reference: Option<PlanReference>,
    timeline: Vec<Step>,
    can_operate: bool,
    errors: Vec<String>,
}

impl PaymentPage {
    fn amount(&self) -> String {
        self.listed.payment.amount.format(self.layout.locale())
    }

    /// The amount as the change form shows it: `49.90`.
    fn amount_input(&self) -> String {
        self.listed.payment.amount.to_decimal_string()
    }

    fn is_waiting(&self) -> bool {
        self.listed.payment.status == PaymentStatus::ToExecute
    }
}

async fn payment_page(
    state: &AppState,
    member: &Member,
    id: PaymentId,
    status: StatusCode,
    errors: Vec<String>,
) -> Response {
    let tenant = member.tenant(state);
    let found = state
        .run(move |_, _| {
            let (listed, history) = payment(&tenant, &id)?;
            let (method, plan) = tenant.read(|tx| {
                Ok::<_, prelevo_store::StoreError>((
                    method_name(tx, &listed.payment.instrument)?,
                    tx.plan(&listed.payment.plan_id)?,
                ))
            })?;
            let names = ActorNames::load(&tenant)?;
            Ok((listed, method, plan.reference, history, names))
        })
        .await;
    member.shown(found, |(listed, method, plan_reference, history, names)| {
        let layout = member.layout(Section::Payments);
        // The creation opens the timeline; the history holds changes.
        let created = Step {
            at: layout.instant(&listed.payment.created_at),
            from: String::new(),
            to: layout.label(&PaymentStatus::ToExecute),
            cause: layout.t("payments-created"),
            actor: String::new(),
        };
        let timeline = std::iter::once(created)
            .chain(history.iter().map(|e| Step::new(&layout, &names, e)))
            .collect();
        (
            status,
            PaymentPage {
                layout,
                listed,
                method,
                plan_reference,
                timeline,
                can_operate: member.require(Permission::Operate).is_ok(),
                errors,
            },
        )
            .into_response()
    })
}

/// `GET /payments/{id}`: the payment and its timeline.
pub(crate) async fn show(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
) -> Response {
    if let Err(refused) = member.require(Permission::Read) {
        return refused;
    }
    match member.path_id(&id, PaymentId::parse) {
        Ok(id) => payment_page(&state, &member, id, StatusCode::OK, Vec::new()).await,
        Err(refused) => refused,
    }
}

/// Back to the payment's page, with the refusal when there is one.
async fn after_action(
    state: &AppState,
    member: &Member,
    id: PaymentId,
    outcome: Result<(), crate::Problem>,
) -> Response {
    let page = format!("/payments/{id}");
    member
        .after_action(outcome, &page, |status, reasons| {
            payment_page(state, member, id, status, reasons)
        })
        .await
}

/// `POST /payments/{id}/cancel`: the creditor cancels a payment not yet
/// sent (it becomes "Non exécuté").
pub(crate) async fn cancel(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(refused) = member.accept_form(&headers, &form.csrf, Permission::Operate) {
        return refused;
    }
    let id = match member.path_id(&id, PaymentId::parse) {
        Ok(id) => id,
        Err(refused) => return refused,
    };
    let (tenant, actor, target) = (member.tenant(&state), member.actor(), id.clone());
    let outcome = state
        .run(move |_, clock| cancel_payment(&tenant, clock, &actor, &target).map(drop))
        .await;
    after_action(&state, &member, id, outcome).await
}

/// The change form: every field as typed; an empty remittance removes it.
#[derive(Deserialize)]
pub(crate) struct ChangeForm {
    csrf: String,
    amount: String,
    due_date: String,
    remittance_info: String,
}

/// `POST /payments/{id}/change`: new amount, date or text while it waits.
pub(crate) async fn change(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<ChangeForm>,
) -> Response {
    if let Err(refused) = member.accept_form(&headers, &form.csrf, Permission::Operate) {
        return refused;
    }
    let id = match member.path_id(&id, PaymentId::parse) {
        Ok(id) => id,
        Err(refused) => return refused,
    };
    let (tenant, actor, target) = (member.tenant(&state), member.actor(), id.clone());
    let outcome = state
        .run(move |_, clock| {
            let (listed, _) = payment(&tenant, &target)?;
            let currency = listed.payment.amount.currency();
            let amount = Money::parse(&form.amount, currency).map_err(|e| {
                prelevo_app::AppError::invalid("amount", format!("is not an amount: {e}"))
            })?;
            let due_on = form.due_date.trim().parse().map_err(|_| {
                prelevo_app::AppError::invalid("due_date", "is not a date YYYY-MM-DD")
            })?;
            let text = form.remittance_info.trim();
            // The form sends every field; what did not change records nothing.
            let changes = PaymentChanges {
                amount: Some(amount),
                due_on: Some(due_on),
                remittance: Some((!text.is_empty()).then(|| text.to_owned())),
            };
            amend_payment(&tenant, clock, &actor, &target, &changes).map(drop)
        })
        .await;
    after_action(&state, &member, id, outcome).await
}
