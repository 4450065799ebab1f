//! Mandates: the seed's search (customer reference, name, UMR, last 4 of
//! the IBAN, status, signature dates) with its export, the signed form as
//! PDF, revocation, and the CSV import (dry run, then apply, with the
//! refused lines to download).

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use prelevo_app::documents::mandate_document;
use prelevo_app::exports::write_mandates;
use prelevo_app::mandate_import::{LineOutcome, error_file, import_mandates};
use prelevo_app::mandates::revoke_mandate;
use prelevo_domain::{Clock, MandateId, MandateStatus, Permission};
use prelevo_store::{Actor, ListedMandate, MandateFilter, Position, TALLY_CAP, TenantStore};
use serde::Deserialize;

use super::Member;
use super::imports::{self, ImportScreen, ImportView, Imported, Upload, refused_fields};
use super::lists::{fetch_page, fragment, list_query, parsed, refused};
use crate::AppState;
use crate::exports::{csv_response, pdf_response, stopped};
use crate::ui::{
    Column, Cursor, Layout, ListQuery, ListSpec, Page, Section, Sort, Table, TableRow,
};

const SPEC: ListSpec = ListSpec {
    filters: &[
        "customer_reference",
        "reference",
        "name",
        "iban_last4",
        "status",
        "signed_from",
        "signed_to",
    ],
    sorts: &["created"],
    default_sort: Sort::descending("created"),
};

const COLUMNS: [Column; 6] = [
    Column::text("mandates-reference"),
    Column::text("mandates-customer"),
    Column::text("mandates-debtor"),
    Column::text("mandates-iban"),
    Column::text("mandates-signed-on"),
    Column::text("mandates-status"),
];

fn filter_of(query: &ListQuery) -> Result<MandateFilter, Response> {
    let status = parsed(query, "status", MandateStatus::parse)?;
    let day = |name: &str| parsed(query, name, |v| v.parse::<jiff::civil::Date>().ok());
    let last4 = query.filter("iban_last4");
    if let Some(v) = last4
        && !(v.trim().len() == 4 && v.trim().chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return Err(refused("iban_last4", v));
    }
    let owned = |name: &str| query.filter(name).map(str::to_owned);
    Ok(MandateFilter {
        status,
        customer_id: None,
        customer_code: owned("customer_reference"),
        reference: owned("reference"),
        name: owned("name"),
        iban_last4: owned("iban_last4"),
        signed_from: day("signed_from")?,
        signed_to: day("signed_to")?,
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "mandates.html")]
struct MandatesPage {
    layout: Layout,
    query: ListQuery,
    list: Table,
    can_operate: bool,
}

impl MandatesPage {
    fn statuses(&self) -> [MandateStatus; 4] {
        [
            MandateStatus::PendingReference,
            MandateStatus::Active,
            MandateStatus::Revoked,
            MandateStatus::Expired,
        ]
    }
}

fn row(layout: &Layout, listed: &ListedMandate) -> TableRow {
    let m = &listed.mandate;
    TableRow::new([
        m.reference
            .as_ref()
            .map_or_else(|| "—".to_owned(), ToString::to_string),
        listed.customer_code.clone(),
        m.debtor.name.clone(),
        m.debtor.iban.masked(),
        m.signed_on.to_string(),
        layout.label(&m.status),
    ])
    .linked(format!("/subscribers/{}", m.customer_id))
}

/// `GET /mandates`.
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
        move |_, _, position: Position<MandateId>, limit| {
            Ok(tenant.read(|tx| {
                Ok::<_, prelevo_store::StoreError>((
                    tx.mandates(&filter, position, limit)?,
                    tx.tally_mandates(&filter, TALLY_CAP)?,
                ))
            })?)
        },
    );
    let (rows, total) = match fetched.await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let layout = member.layout(Section::MandatesAndCards);
    let cursor_of =
        |l: &ListedMandate| Cursor::new(l.mandate.created_at.to_string(), l.mandate.id.to_string());
    let page = Page::new(
        &query,
        rows,
        total,
        "/mandates",
        "/mandates/export.csv",
        cursor_of,
    )
    .map(|l| row(&layout, &l));
    let list = Table::new(&layout, "nav-mandates", &COLUMNS, &query, "/mandates", page);
    if let Some(only_the_list) = fragment(&headers, &layout, &list) {
        return only_the_list;
    }
    MandatesPage {
        can_operate: member.require(Permission::Operate).is_ok(),
        layout,
        query,
        list,
    }
    .into_response()
}

/// `GET /mandates/export.csv`: the search's filters, every match.
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
    csv_response("mandates.csv", move |out| {
        write_mandates(&tenant, &filter, out)
            .map(drop)
            .map_err(stopped)
    })
}

/// `GET /mandates/{id}/pdf`: the signed form in the page's language.
pub(crate) async fn pdf(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
) -> Response {
    if let Err(refused) = member.require(Permission::Read) {
        return refused;
    }
    let id = match member.path_id(&id, MandateId::parse) {
        Ok(id) => id,
        Err(refused) => return refused,
    };
    let (tenant, language) = (member.tenant(&state), member.locale);
    match state
        .run(move |_, _| mandate_document(&tenant, &id, Some(language)))
        .await
    {
        Ok(document) => pdf_response(document),
        Err(problem) if problem.status == 404 => member.message(StatusCode::NOT_FOUND, "not-found"),
        Err(problem) => problem.into_response(),
    }
}

/// The revocation form.
#[derive(Deserialize)]
pub(crate) struct RevokeForm {
    csrf: String,
    reason: String,
}

/// `POST /mandates/{id}/revoke`: back to the customer's page.
pub(crate) async fn revoke(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<RevokeForm>,
) -> Response {
    if let Err(refused) = member.accept_form(&headers, &form.csrf, Permission::Operate) {
        return refused;
    }
    let id = match member.path_id(&id, MandateId::parse) {
        Ok(id) => id,
        Err(refused) => return refused,
    };
    let (tenant, actor) = (member.tenant(&state), member.actor());
    match state
        .run(move |_, clock| revoke_mandate(&tenant, clock, &actor, &id, &form.reason))
        .await
    {
        Ok(revoked) => {
            Redirect::to(&format!("/subscribers/{}", revoked.customer_id)).into_response()
        }
        Err(problem) if problem.status == 404 => member.message(StatusCode::NOT_FOUND, "not-found"),
        Err(problem) if problem.status < 500 => (
            StatusCode::CONFLICT,
            super::page::MessagePage::new(
                member
                    .layout(Section::MandatesAndCards)
                    .titled("nav-mandates"),
                "mandates-revoke",
            )
            .with_detail(problem.detail),
        )
            .into_response(),
        Err(problem) => problem.into_response(),
    }
}

const IMPORT: ImportScreen = ImportScreen {
    section: Section::MandatesAndCards,
    title: "mandates-import",
    action: "/mandates/import",
    reference: "mandates-reference",
    errors_file: "mandates-errors.csv",
    default_file: "mandates.csv",
};

fn view(layout: &Layout, (report, error_csv): Imported<LineOutcome>) -> ImportView {
    let (created, updated, unchanged, errors) = report.counts();
    let summary = layout.t_args(
        "mandates-import-summary",
        &[
            ("created", &created),
            ("updated", &updated),
            ("unchanged", &unchanged),
            ("errors", &errors),
        ],
    );
    ImportView::new(
        layout,
        &report,
        summary,
        error_csv,
        |outcome, applied| match outcome {
            LineOutcome::Create { .. } if applied => ("mandates-import-created", String::new()),
            LineOutcome::Create { .. } => ("mandates-import-create", String::new()),
            LineOutcome::Update => ("mandates-import-update", String::new()),
            LineOutcome::Unchanged => ("mandates-import-unchanged", String::new()),
            LineOutcome::Error(fields) => ("mandates-import-error", refused_fields(fields)),
        },
    )
}

/// `GET /mandates/import`.
pub(crate) async fn import_page(member: Member) -> Response {
    imports::page(&member, IMPORT)
}

/// `POST /mandates/import` (multipart): a dry run or the import itself.
pub(crate) async fn import(
    State(state): State<AppState>,
    member: Member,
    headers: HeaderMap,
    multipart: Multipart,
) -> Response {
    let run = |tenant: &TenantStore, clock: &dyn Clock, actor: &Actor, upload: &Upload| {
        let report = import_mandates(
            tenant,
            clock,
            actor,
            &upload.file_name,
            &upload.bytes,
            upload.mode,
        )?;
        // The error file reads the upload again: only when lines were refused.
        let errors = if report.counts().3 > 0 {
            Some(error_file(&upload.bytes, &report)?)
        } else {
            None
        };
        Ok((report, errors))
    };
    imports::handle(&state, &member, &headers, multipart, IMPORT, run, view).await
}
