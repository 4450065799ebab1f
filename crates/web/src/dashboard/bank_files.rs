//! "Fichiers bancaires": the pain.008 files the daily run made, each with
//! its payment blocks, its download, and "mark as sent" once it is handed
//! to the bank (its payments then become "En cours d'exécution").

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use prelevo_app::AppError;
use prelevo_app::bank_files::{
    FileOverview, MissedCutoff, discard_bank_file, file_overview, send_bank_file, write_bank_file,
};
use prelevo_domain::{BankFileId, BankFileStatus, Clock, DiscardReason, Money, Permission};
use prelevo_store::{Actor, BankFileRecord, FileBlock, Position, TALLY_CAP, TenantStore};

use super::Member;
use super::lists::{fetch_page, fragment, list_query, parsed};
use super::member::CsrfForm;
use crate::AppState;
use crate::exports::{file_response, stopped};
use crate::ui::{
    Column, Cursor, Layout, ListQuery, ListSpec, Page, Section, Sort, Table, TableRow,
};

const SPEC: ListSpec = ListSpec {
    filters: &["status"],
    sorts: &["created"],
    default_sort: Sort::descending("created"),
};

const COLUMNS: [Column; 6] = [
    Column::text("files-created"),
    Column::text("files-message-id"),
    Column::text("files-format"),
    Column::numeric("files-transactions"),
    Column::numeric("files-control-sum"),
    Column::text("files-status"),
];

#[derive(Template, WebTemplate)]
#[template(path = "bank_files.html")]
struct BankFilesPage {
    layout: Layout,
    query: ListQuery,
    list: Table,
}

impl BankFilesPage {
    fn statuses(&self) -> [BankFileStatus; 3] {
        [
            BankFileStatus::Pending,
            BankFileStatus::Sent,
            BankFileStatus::Discarded,
        ]
    }
}

fn row(layout: &Layout, file: &BankFileRecord) -> TableRow {
    TableRow::new([
        layout.instant(&file.created_at),
        file.message_id.clone(),
        file.format.as_str().to_owned(),
        file.transactions.to_string(),
        file.control_sum.format(layout.locale()),
        layout.label(&file.status),
    ])
    .linked(format!("/bank-files/{}", file.id))
}

/// `GET /bank-files`.
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
    let status = match parsed(&query, "status", BankFileStatus::parse) {
        Ok(status) => status,
        Err(refused) => return refused,
    };
    let tenant = member.tenant(&state);
    let fetched = fetch_page(
        &state,
        &query,
        move |_, _, position: Position<BankFileId>, limit| {
            Ok(tenant.read(|tx| {
                Ok::<_, prelevo_store::StoreError>((
                    tx.bank_files(status, position, limit)?,
                    tx.tally_bank_files(status, TALLY_CAP)?,
                ))
            })?)
        },
    );
    let (rows, total) = match fetched.await {
        Ok(found) => found,
        Err(refused) => return refused,
    };
    let layout = member.layout(Section::BankFiles);
    let cursor_of = |f: &BankFileRecord| Cursor::new(f.created_at.to_string(), f.id.to_string());
    // Files are downloaded one by one from their page: no list export.
    let page = Page::new(&query, rows, total, "/bank-files", "/bank-files", cursor_of)
        .without_export()
        .map(|f| row(&layout, &f));
    let list = Table::new(
        &layout,
        "nav-bank-files",
        &COLUMNS,
        &query,
        "/bank-files",
        page,
    );
    if let Some(only_the_list) = fragment(&headers, &layout, &list) {
        return only_the_list;
    }
    BankFilesPage {
        layout,
        query,
        list,
    }
    .into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "bank_file.html")]
struct BankFilePage {
    layout: Layout,
    file: BankFileRecord,
    blocks: Vec<FileBlock>,
    /// Pending after the bank's cut-off for its first due date.
    missed: Option<MissedCutoff>,
    can_operate: bool,
    can_export: bool,
    errors: Vec<String>,
}

impl BankFilePage {
    fn is_pending(&self) -> bool {
        self.file.status == BankFileStatus::Pending
    }

    /// Why and how to act on a file that missed the bank's cut-off.
    fn missed_words(&self, missed: &MissedCutoff) -> String {
        self.layout.t_args(
            "files-missed-cutoff",
            &[
                ("due", &missed.first_due.to_string()),
                ("earliest", &missed.earliest.to_string()),
            ],
        )
    }

    /// A discarded file's collections went back to be staged again: it has
    /// no content any more.
    fn has_content(&self) -> bool {
        self.file.status != BankFileStatus::Discarded && self.file.sha256.is_some()
    }

    fn discard_words(&self, why: &DiscardReason) -> String {
        self.layout.label(why)
    }

    fn control_sum(&self) -> String {
        self.file.control_sum.format(self.layout.locale())
    }

    fn block_sum(&self, block: &FileBlock) -> String {
        Money::from_minor(block.sum_cents, self.file.control_sum.currency())
            .format(self.layout.locale())
    }
}

async fn file_page(
    state: &AppState,
    member: &Member,
    id: BankFileId,
    status: StatusCode,
    errors: Vec<String>,
) -> Response {
    let tenant = member.tenant(state);
    let found = state
        .run(move |_, clock| file_overview(&tenant, clock, &id))
        .await;
    member.shown(
        found,
        |FileOverview {
             file,
             blocks,
             missed,
         }| {
            (
                status,
                BankFilePage {
                    layout: member.layout(Section::BankFiles),
                    file,
                    blocks,
                    missed,
                    can_operate: member.require(Permission::Operate).is_ok(),
                    can_export: member.require(Permission::Export).is_ok(),
                    errors,
                },
            )
                .into_response()
        },
    )
}

/// `GET /bank-files/{id}`: the file, its blocks and its actions.
pub(crate) async fn show(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
) -> Response {
    if let Err(refused) = member.require(Permission::Read) {
        return refused;
    }
    match member.path_id(&id, BankFileId::parse) {
        Ok(id) => file_page(&state, &member, id, StatusCode::OK, Vec::new()).await,
        Err(refused) => refused,
    }
}

/// `GET /bank-files/{id}/content`: the pain.008 message, streamed, named
/// after its message id.
pub(crate) async fn download(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
) -> Response {
    if let Err(refused) = member.require(Permission::Export) {
        return refused;
    }
    let id = match member.path_id(&id, BankFileId::parse) {
        Ok(id) => id,
        Err(refused) => return refused,
    };
    let (tenant, probe, lookup) = (member.tenant(&state), member.tenant(&state), id.clone());
    match state
        .run(move |_, _| Ok(probe.read(|tx| tx.bank_file(&lookup))?))
        .await
    {
        Ok(file) if file.status != BankFileStatus::Discarded => file_response(
            "application/xml",
            &format!("{}.xml", file.message_id),
            move |out| {
                write_bank_file(&tenant, &id, out)
                    .map(drop)
                    .map_err(stopped)
            },
        ),
        Ok(_) => member.message(StatusCode::CONFLICT, "files-discarded-no-content"),
        Err(problem) if problem.status == 404 => member.message(StatusCode::NOT_FOUND, "not-found"),
        Err(problem) => problem.into_response(),
    }
}

/// `POST /bank-files/{id}/send`: the file was handed to the bank.
pub(crate) async fn send(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    file_action(state, member, id, headers, form, send_bank_file).await
}

/// `POST /bank-files/{id}/discard`: the file will not be sent (it missed
/// the bank's cut-off); its collections go into the next file.
pub(crate) async fn discard(
    State(state): State<AppState>,
    member: Member,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Response {
    file_action(state, member, id, headers, form, discard_bank_file).await
}

/// An operator's action on one file, then its page (with the refusal, if
/// any).
async fn file_action(
    state: AppState,
    member: Member,
    id: String,
    headers: HeaderMap,
    form: CsrfForm,
    action: fn(&TenantStore, &dyn Clock, &Actor, &BankFileId) -> Result<BankFileRecord, AppError>,
) -> Response {
    if let Err(refused) = member.accept_form(&headers, &form.csrf, Permission::Operate) {
        return refused;
    }
    let id = match member.path_id(&id, BankFileId::parse) {
        Ok(id) => id,
        Err(refused) => return refused,
    };
    let (tenant, actor, target) = (member.tenant(&state), member.actor(), id.clone());
    let outcome = state
        .run(move |_, clock| action(&tenant, clock, &actor, &target))
        .await;
    let page = format!("/bank-files/{id}");
    member
        .after_action(outcome, &page, |status, reasons| {
            file_page(&state, &member, id, status, reasons)
        })
        .await
}
