//! The CSV import screen shared by mandates and plans: upload a file, try
//! it (dry run) or apply it, read each line's outcome, download the refused
//! lines.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Multipart;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use prelevo_app::import_file::{ImportMode, ImportReport};
use prelevo_domain::{Clock, Permission};
use prelevo_store::{Actor, TenantStore};

use super::Member;
use crate::AppState;
use crate::ui::{Layout, Section};

/// What tells one import screen from another.
#[derive(Debug, Clone, Copy)]
pub(super) struct ImportScreen {
    /// The menu section it belongs to.
    pub section: Section,
    /// Its title's message key.
    pub title: &'static str,
    /// Where the form posts.
    pub action: &'static str,
    /// The message key of the lines' key column (UMR, plan reference).
    pub reference: &'static str,
    /// The refused lines' file name.
    pub errors_file: &'static str,
    /// The uploaded file's name when the browser gives none.
    pub default_file: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "import.html")]
struct ImportPage {
    layout: Layout,
    screen: ImportScreen,
    report: Option<ImportView>,
    errors: Vec<String>,
}

/// A report as the page shows it.
pub(super) struct ImportView {
    /// How many lines did what.
    pub summary: String,
    /// "This file was imported on …", when it was.
    pub previously: Option<String>,
    /// Line number, key, outcome, refused fields.
    pub lines: Vec<(u64, String, String, String)>,
    /// The refused lines as a `data:` link, when there are some.
    pub error_file: Option<String>,
}

impl ImportView {
    /// The view of `report`: `outcome` names a line's outcome and its
    /// refused fields.
    pub fn new<O>(
        layout: &Layout,
        report: &ImportReport<O>,
        summary: String,
        error_csv: Option<Vec<u8>>,
        outcome: impl Fn(&O, bool) -> (&'static str, String),
    ) -> Self {
        let applied = report.mode == ImportMode::Apply;
        Self {
            summary,
            previously: report
                .previously_imported_at
                .map(|at| layout.t_args("mandates-import-seen", &[("at", &layout.instant(&at))])),
            lines: report
                .lines
                .iter()
                .map(|l| {
                    let (key, detail) = outcome(&l.outcome, applied);
                    (l.line, l.reference.clone(), layout.t(key), detail)
                })
                .collect(),
            error_file: error_csv.map(|bytes| {
                format!(
                    "data:text/csv;base64,{}",
                    base64::engine::general_purpose::STANDARD.encode(bytes)
                )
            }),
        }
    }
}

/// The refused fields of a line, as one text.
pub(super) fn refused_fields(fields: &[prelevo_app::FieldError]) -> String {
    fields
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" ; ")
}

/// The screen with its empty form.
pub(super) fn page(member: &Member, screen: ImportScreen) -> Response {
    if let Err(refused) = member.require(Permission::Operate) {
        return refused;
    }
    ImportPage {
        layout: member.layout(screen.section).titled(screen.title),
        screen,
        report: None,
        errors: Vec::new(),
    }
    .into_response()
}

/// The import form's fields.
#[derive(Default)]
struct ImportUpload {
    csrf: String,
    dry_run: bool,
    file_name: String,
    bytes: Vec<u8>,
}

/// The form's fields, or the status and reason of a body that cannot be
/// read (too large: 413; malformed: 400).
async fn read_upload(
    mut multipart: Multipart,
    default_file: &str,
) -> Result<ImportUpload, (StatusCode, String)> {
    let refused = |e: axum::extract::multipart::MultipartError| (e.status(), e.body_text());
    let mut upload = ImportUpload::default();
    while let Some(field) = multipart.next_field().await.map_err(refused)? {
        match field.name() {
            Some("csrf") => upload.csrf = field.text().await.map_err(refused)?,
            Some("mode") => upload.dry_run = field.text().await.map_err(refused)? == "dry_run",
            Some("file") => {
                upload.file_name = field.file_name().unwrap_or(default_file).to_owned();
                upload.bytes = field.bytes().await.map_err(refused)?.to_vec();
            }
            _ => {}
        }
    }
    Ok(upload)
}

/// One upload to import.
pub(super) struct Upload {
    /// The file's name.
    pub file_name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// Dry run or apply.
    pub mode: ImportMode,
}

/// An import's report and, when lines were refused, their file.
pub(super) type Imported<O> = (ImportReport<O>, Option<Vec<u8>>);

/// `POST` of the screen (multipart): `run` imports (or tries) the upload,
/// `to_view` shows its report.
pub(super) async fn handle<O, R, V>(
    state: &AppState,
    member: &Member,
    headers: &HeaderMap,
    multipart: Multipart,
    screen: ImportScreen,
    run: R,
    to_view: V,
) -> Response
where
    O: Send + 'static,
    R: FnOnce(
            &TenantStore,
            &dyn Clock,
            &Actor,
            &Upload,
        ) -> Result<Imported<O>, prelevo_app::AppError>
        + Send
        + 'static,
    V: FnOnce(&Layout, Imported<O>) -> ImportView,
{
    let layout = member.layout(screen.section).titled(screen.title);
    let page = |layout: Layout, status: StatusCode, report, errors| {
        (
            status,
            ImportPage {
                layout,
                screen,
                report,
                errors,
            },
        )
            .into_response()
    };
    let upload = match read_upload(multipart, screen.default_file).await {
        Ok(upload) => upload,
        Err((status, why)) => return page(layout, status, None, vec![why]),
    };
    if let Err(refused) = member.accept_form(headers, &upload.csrf, Permission::Operate) {
        return refused;
    }
    let upload = Upload {
        file_name: upload.file_name,
        bytes: upload.bytes,
        mode: if upload.dry_run {
            ImportMode::DryRun
        } else {
            ImportMode::Apply
        },
    };
    let (tenant, actor) = (member.tenant(state), member.actor());
    match state
        .run(move |_, clock| run(&tenant, clock, &actor, &upload))
        .await
    {
        Ok(outcome) => {
            let view = to_view(&layout, outcome);
            page(layout, StatusCode::OK, Some(view), Vec::new())
        }
        Err(problem) if problem.status < 500 => page(
            layout,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            vec![problem.detail],
        ),
        Err(problem) => problem.into_response(),
    }
}
