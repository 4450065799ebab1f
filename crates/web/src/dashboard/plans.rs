//! Plans ("Échéanciers"): the list with its status filter, a plan's page
//! (its terms, its payments, stopping it), and plans created, changed or
//! cancelled from a CSV file.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use prelevo_app::plan_import::{LineOutcome, error_file, import_plans};
use prelevo_app::plans::{plan, stop_plan};
use prelevo_domain::{Clock, Permission, Plan, PlanEnd, PlanId, PlanStatus};
use prelevo_store::{Actor, PlanFilter, Position, TALLY_CAP, TenantStore};

use super::Member;
use super::imports::{self, ImportScreen, ImportView, Imported, Upload, refused_fields};
use super::lists::{fetch_page, fragment, list_query, parsed};
use super::member::CsrfForm;
use super::methods::method_name;
use crate::AppState;
use crate::ui::{
    Column, Cursor, Layout, ListQuery, ListSpec, Page, Section, Sort, Table, TableRow,
};

const SPEC: ListSpec = ListSpec {
    filters: &["status"],
    sorts: &["created"],
    default_sort: Sort::descending("created"),
};

const COLUMNS: [Column; 6] = [
    Column::text("plans-reference"),
    Column::numeric("payments-amount"),
    Column::text("plans-frequency"),
    Column::text("plans-next-due"),
    Column::numeric("plans-created-count"),
    Column::text("payments-status"),
];

#[derive(Template, WebTemplate)]
#[template(path = "plans.html")]
struct PlansPage {
    layout: Layout,
    query: ListQuery,
    list: Table,
    can_operate: bool,
}

impl PlansPage {
    fn statuses(&self) -> [PlanStatus; 2] {
        [PlanStatus::Active, PlanStatus::Inactive]
    }
}

/// A plan's frequency as people read it; a plan of one instalment (a
/// one-off payment's) has none.
fn frequency(layout: &Layout, plan: &Plan) -> String {
    if plan.schedule.end() == PlanEnd::AfterInstalments(1) {
        layout.t("plans-one-off")
    } else {
        layout.label(&plan.schedule.frequency())
    }
}

fn row(layout: &Layout, plan: &Plan) -> TableRow {
    TableRow::new([
        plan.reference
            .as_ref()
            .map_or_else(|| plan.id.to_string(), |r| r.as_str().to_owned()),
        plan.amount.format(layout.locale()),
        frequency(layout, plan),
        plan.next_due()
            .map_or_else(|| "—".to_owned(), |d| d.to_string()),
        plan.created_count.to_string(),
        layout.label(&plan.status),
    ])
    .linked(format!("/plans/{}", plan.id))
}

/// `GET /plans`.
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
    let status = match parsed(&query, "status", PlanStatus::parse) {
        Ok(status) => status,
        Err(refused) => return refused,
    };
    let tenant = member.tenant(&state);
    let filter = PlanFilter {
        status,
        ..PlanFilter::default()
    };
    let fetched = fetch_page(
        &state,
        &query,
        move |_, _, position: Position<PlanId>, limit| {
            Ok(tenant.read(|tx| {
                Ok::<_, prelevo_store::StoreError>((
                    tx.plans(&filter, position, limit)?,
                    tx.tally_plans(status, TALLY_CAP)?,
                ))
            })?)
        },
    );
    let (rows, total) = match fetched.await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let layout = member.layout(Section::Plans);
    let cursor_of = |p: &Plan| Cursor::new(p.created_at.to_string(), p.id.to_string());
    // A plan's payments are exported from the payments list.
    let page = Page::new(&query, rows, total, "/plans", "/plans", cursor_of)
        .without_export()
        .map(|p| row(&layout, &p));
    let list = Table::new(&layout, "nav-plans", &COLUMNS, &query, "/plans", page);
    if let Some(only_the_list) = fragment(&headers, &layout, &list) {
        return only_the_list;
    }
    PlansPage {
        can_operate: member.require(Permission::Operate).is_ok(),
        layout,
        query,
        list,
    }
    .into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "plan.html")]
struct PlanPage {
    layout: Layout,
    plan: Plan,
    /// Its customer as the page names them: reference — name.
    customer: String,
    /// Its mandate's UMR or its card, as [`method_name`] names them.
    method: Option<String>,
    can_operate: bool,
    errors: Vec<String>,
}

impl PlanPage {
    fn amount(&self) -> String {
        self.plan.amount.format(self.layout.locale())
    }

    fn frequency(&self) -> String {
        frequency(&self.layout, &self.plan)
    }

    fn end(&self) -> String {
        match self.plan.schedule.end() {
            PlanEnd::OpenEnded => self.layout.t("plans-open-ended"),
            PlanEnd::OnDate(day) => day.to_string(),
            PlanEnd::AfterInstalments(n) => self
                .layout
                .t_args("plans-after-instalments", &[("count", &n)]),
        }
    }

    fn is_active(&self) -> bool {
        self.plan.status == PlanStatus::Active
    }
}

async fn plan_page(
    state: &AppState,
    member: &Member,
    id: PlanId,
    status: StatusCode,
    errors: Vec<String>,
) -> Response {
    let tenant = member.tenant(state);
    let found = state
        .run(move |_, _| {
            let plan = plan(&tenant, &id)?;
            let (customer, method) = tenant.read(|tx| {
                Ok::<_, prelevo_store::StoreError>((
                    tx.customer(&plan.customer_id)?,
                    method_name(tx, &plan.instrument)?,
                ))
            })?;
            Ok((plan, customer, method))
        })
        .await;
    member.shown(found, |(plan, customer, method)| {
        (
            status,
            PlanPage {
                layout: member.layout(Section::Plans),
                plan,
                customer: format!("{} — {}", customer.code, customer.details.display_name()),
                method,
                can_operate: member.require(Permission::Operate).is_ok(),
                errors,
            },
        )
            .into_response()
    })
}

/// `GET /plans/{id}`: the plan's terms and progress.
pub(crate) async fn show(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
) -> Response {
    if let Err(refused) = member.require(Permission::Read) {
        return refused;
    }
    match member.path_id(&id, PlanId::parse) {
        Ok(id) => plan_page(&state, &member, id, StatusCode::OK, Vec::new()).await,
        Err(refused) => refused,
    }
}

/// `POST /plans/{id}/stop`: no more instalments; those not sent yet are
/// cancelled.
pub(crate) async fn stop(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(refused) = member.accept_form(&headers, &form.csrf, Permission::Operate) {
        return refused;
    }
    let id = match member.path_id(&id, PlanId::parse) {
        Ok(id) => id,
        Err(refused) => return refused,
    };
    let (tenant, actor, target) = (member.tenant(&state), member.actor(), id.clone());
    let outcome = state
        .run(move |_, clock| stop_plan(&tenant, clock, &actor, &target))
        .await;
    let page = format!("/plans/{id}");
    member
        .after_action(outcome, &page, |status, reasons| {
            plan_page(&state, &member, id, status, reasons)
        })
        .await
}

const IMPORT: ImportScreen = ImportScreen {
    section: Section::Plans,
    title: "plans-import",
    action: "/plans/import",
    reference: "plans-reference",
    errors_file: "plans-errors.csv",
    default_file: "plans.csv",
};

fn view(layout: &Layout, (report, error_csv): Imported<LineOutcome>) -> ImportView {
    let counts = report.counts();
    let summary = layout.t_args(
        "plans-import-summary",
        &[
            ("created", &counts.created),
            ("updated", &counts.updated),
            ("cancelled", &counts.cancelled),
            ("unchanged", &counts.unchanged),
            ("errors", &counts.refused),
        ],
    );
    ImportView::new(
        layout,
        &report,
        summary,
        error_csv,
        |outcome, applied| match outcome {
            LineOutcome::Create if applied => ("mandates-import-created", String::new()),
            LineOutcome::Create => ("mandates-import-create", String::new()),
            LineOutcome::Update => ("mandates-import-update", String::new()),
            LineOutcome::Cancel => ("plans-import-cancel", String::new()),
            LineOutcome::Unchanged => ("mandates-import-unchanged", String::new()),
            LineOutcome::Error(fields) => ("mandates-import-error", refused_fields(fields)),
        },
    )
}

/// `GET /plans/import`.
pub(crate) async fn import_page(member: Member) -> Response {
    imports::page(&member, IMPORT)
}

/// `POST /plans/import` (multipart): a dry run or the import itself.
pub(crate) async fn import(
    State(state): State<AppState>,
    member: Member,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let run = |tenant: &TenantStore, clock: &dyn Clock, actor: &Actor, upload: &Upload| {
        let report = import_plans(
            tenant,
            clock,
            actor,
            &upload.file_name,
            &upload.bytes,
            upload.mode,
        )?;
        // The error file reads the upload again: only when lines were refused.
        let errors = if report.counts().refused > 0 {
            Some(error_file(&upload.bytes, &report)?)
        } else {
            None
        };
        Ok((report, errors))
    };
    imports::handle(&state, &member, &headers, multipart, IMPORT, run, view).await
}
