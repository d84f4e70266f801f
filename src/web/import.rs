//! Pages under /engagements/{id}/import: upload, preview, column mapping,
//! commit; the template download and the export downloads.
//!
//! The uploaded bytes wait server-side (`import_uploads`, keyed by a random
//! token) between the preview and the commit, so the commit imports exactly
//! the file that was previewed.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

use super::{AppState, MAX_UPLOAD_BYTES, PageCtx, render};
use crate::db;
use crate::db::imports::{ImportRecord, Outcome, SavedMapping, Target};
use crate::error::AppError;
use crate::i18n::thousands;
use crate::import::mapping::{self, Mapping};
use crate::import::{Parsed, Problem, Refusal};
use crate::inventory::Engagement;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/engagements/{id}/import", get(page).post(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)))
        .route("/engagements/{id}/import/{token}/commit", post(commit))
        .route("/engagements/{id}/import/{token}/mapping", get(edit_mapping).post(save_mapping))
        .route("/engagements/{id}/import/template.csv", get(template_csv))
        .route("/engagements/{id}/export.csv", get(export_csv))
        .route("/engagements/{id}/export.json", get(export_json))
}

/// Problems shown on the page; the rest are counted.
const SHOWN_PROBLEMS: usize = 200;

/// A problem as the page shows it: where, and what.
pub struct ProblemRow {
    pub place: String,
    pub message: String,
}

fn rows(problems: &[Problem]) -> Vec<ProblemRow> {
    problems
        .iter()
        .take(SHOWN_PROBLEMS)
        .map(|p| {
            let place = Problem { message: String::new(), ..p.clone() }.to_string();
            ProblemRow { place: place.trim_end_matches(": ").to_string(), message: p.message.clone() }
        })
        .collect()
}

fn more(ctx: &PageCtx, total: usize) -> String {
    if total > SHOWN_PROBLEMS { ctx.t.fmt("import.more", &[("n", &thousands(total - SHOWN_PROBLEMS))]) } else { String::new() }
}

/// The preview of an uploaded file.
pub struct PreviewView {
    pub token: String,
    pub file_name: String,
    pub format: &'static str,
    pub rows_read: usize,
    pub templates_skipped: usize,
    pub created: usize,
    pub updated: usize,
    pub refused: usize,
    pub dependencies: usize,
    pub answers: usize,
    pub errors: Vec<ProblemRow>,
    pub error_count: usize,
    pub warnings: Vec<ProblemRow>,
    pub warning_count: usize,
    pub importable: usize,
    /// "... and N more" lines when the lists are cut, else empty.
    pub more_errors: String,
    pub more_warnings: String,
    pub commit_valid_label: String,
    /// What the page says while the import is committed (a large one is
    /// scored, planned and priced before the answer comes).
    pub committing: String,
    /// The engagement's saved column mapping the file was read through, shown for confirmation.
    pub mapping: Option<UsedMapping>,
}

/// A saved mapping as the preview shows it.
pub struct UsedMapping {
    /// "Saved by kim on 2026-11-30T10:00:00Z".
    pub saved: String,
    /// File column -> sixr field, in the mapping's order.
    pub columns: Vec<(String, String)>,
}

/// One file column in the mapping step.
pub struct MappingColumn {
    pub index: usize,
    pub header: String,
    pub sample: String,
    pub suggested: String,
}

pub struct MappingView {
    pub token: String,
    pub file_name: String,
    pub columns: Vec<MappingColumn>,
    pub targets: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    ctx: PageCtx,
    engagement: Engagement,
    recent: Vec<ImportRecord>,
    error: Option<String>,
    preview: Option<PreviewView>,
    mapping: Option<MappingView>,
    done: Option<Outcome>,
    done_warnings: Vec<ProblemRow>,
}

impl ImportPage {
    fn new(ctx: PageCtx, engagement: Engagement, recent: Vec<ImportRecord>) -> ImportPage {
        ImportPage { ctx, engagement, recent, error: None, preview: None, mapping: None, done: None, done_warnings: vec![] }
    }
}

async fn base(st: &AppState, ctx: PageCtx, id: i64) -> Result<ImportPage, AppError> {
    let (engagement, recent) = st.db.call(move |c| Ok((db::engagements::get(c, id)?, db::imports::recent(c, id)?))).await?;
    Ok(ImportPage::new(ctx, engagement, recent))
}

async fn page(State(st): State<AppState>, ctx: PageCtx, Path(id): Path<i64>) -> Result<Html<String>, AppError> {
    render(&base(&st, ctx, id).await?)
}

/// Reads the file field of the upload form; a refusal carries its status
/// (413 for a file over the limit).
async fn read_upload(mut multipart: Multipart) -> Result<(String, axum::body::Bytes), (StatusCode, String)> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        let status = e.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            (status, "the file is larger than 50 MB; sixr imports files up to 50 MB".to_string())
        } else {
            (StatusCode::BAD_REQUEST, format!("the upload could not be read ({})", crate::error::shown(&e.body_text())))
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload").to_string();
            // Kept as received: a 50 MB file is not copied on its way to the parser.
            return Ok((name, field.bytes().await.map_err(unreadable)?));
        }
    }
    Err((StatusCode::UNPROCESSABLE_ENTITY, "choose a file to upload".into()))
}

enum Reading {
    /// Read, through this engagement's saved mapping if one was used.
    Parsed(Box<Parsed>, Option<SavedMapping>),
    Unknown(Vec<String>),
    Refused(String),
}

/// Parses stored upload bytes, applying the mapping this engagement saved
/// for a file with its header (`with_saved`), or none.
fn read_file(conn: &rusqlite::Connection, id: i64, file_name: &str, bytes: &[u8], with_saved: bool) -> Reading {
    let used = std::cell::RefCell::new(None);
    let lookup = |sig: &str| {
        let saved = db::imports::saved_mapping(conn, id, sig).ok().flatten().filter(|_| with_saved)?;
        let mapping = saved.mapping.clone();
        *used.borrow_mut() = Some(saved);
        Some(mapping)
    };
    let reading = crate::import::parse(file_name, bytes, &lookup);
    match reading {
        Ok(p) => {
            let used = used.into_inner().filter(|_| p.format == Some(crate::import::Format::Mapped));
            Reading::Parsed(Box::new(p), used)
        }
        Err(Refusal::UnknownFormat { headers, .. }) => Reading::Unknown(headers),
        Err(r) => Reading::Refused(r.to_string()),
    }
}

/// The mapping step for a file of unknown shape: each column with an
/// example value and a suggested field (the saved mapping's, when changing it).
fn mapping_view(token: &str, file_name: &str, bytes: &[u8], headers: &[String], saved: Option<&Mapping>) -> MappingView {
    let table = crate::import::table::decode(bytes).ok().and_then(|(t, _)| crate::import::table::read_csv(&t).ok());
    let suggestions: Vec<Option<&'static str>> = match saved {
        Some(m) => m.targets(headers).into_iter().map(|t| t.map(|t| t.name())).collect(),
        None => mapping::suggest(headers),
    };
    let columns = headers
        .iter()
        .enumerate()
        .map(|(i, h)| MappingColumn {
            index: i,
            header: h.clone(),
            sample: table.as_ref().and_then(|t| t.rows.first()).map(|r| r.get(i).chars().take(60).collect()).unwrap_or_default(),
            suggested: suggestions[i].unwrap_or("").to_string(),
        })
        .collect();
    MappingView { token: token.to_string(), file_name: file_name.to_string(), columns, targets: mapping::template_columns() }
}

/// What the page shows after an upload or a saved mapping.
fn stage(conn: &rusqlite::Connection, id: i64, token: &str, file_name: &str, bytes: &[u8], page: &mut ImportPage) -> Result<(), AppError> {
    match read_file(conn, id, file_name, bytes, true) {
        Reading::Parsed(parsed, used) => {
            let o = db::imports::preview(conn, id, &parsed)?;
            let mapping = used.map(|saved| UsedMapping {
                saved: page.ctx.t.fmt("import.mapping_saved", &[("user", &saved.saved_by), ("at", &saved.saved_at)]),
                columns: saved.mapping.columns.into_iter().filter(|(_, target)| !target.is_empty()).collect(),
            });
            page.preview = Some(PreviewView {
                token: token.to_string(),
                file_name: file_name.to_string(),
                format: parsed.format().label(),
                rows_read: o.rows_read,
                templates_skipped: o.templates_skipped,
                created: o.created,
                updated: o.updated,
                refused: o.rows_refused,
                dependencies: o.dependencies,
                answers: o.answers,
                errors: rows(&parsed.errors),
                error_count: parsed.errors.len(),
                warnings: rows(&o.warnings),
                warning_count: o.warnings.len(),
                importable: parsed.workloads.len(),
                more_errors: more(&page.ctx, parsed.errors.len()),
                more_warnings: more(&page.ctx, o.warnings.len()),
                commit_valid_label: page.ctx.t.fmt("import.commit_valid", &[("n", &thousands(parsed.workloads.len()))]),
                committing: page.ctx.t.fmt("import.committing", &[("n", &thousands(parsed.workloads.len()))]),
                mapping,
            });
        }
        Reading::Unknown(headers) => page.mapping = Some(mapping_view(token, file_name, bytes, &headers, None)),
        Reading::Refused(message) => {
            page.error = Some(message);
            db::imports::drop_upload(conn, token)?;
        }
    }
    Ok(())
}

async fn upload(State(st): State<AppState>, ctx: PageCtx, Path(id): Path<i64>, multipart: Multipart) -> Result<Response, AppError> {
    let mut page = base(&st, ctx, id).await?;
    let (file_name, bytes) = match read_upload(multipart).await {
        Ok(v) => v,
        Err((status, message)) => {
            page.error = Some(message);
            return Ok((status, render(&page)?).into_response());
        }
    };
    let user_id = page.ctx.user.as_ref().map(|u| u.id);
    let page = st
        .db
        .call(move |c| {
            let token = db::imports::store_upload(c, id, user_id, &file_name, &bytes)?;
            stage(c, id, &token, &file_name, &bytes, &mut page)?;
            Ok(page)
        })
        .await?;
    let status = if page.error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok((status, render(&page)?).into_response())
}

#[derive(serde::Deserialize)]
struct CommitForm {
    #[serde(default)]
    valid_only: String,
}

async fn commit(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, token)): Path<(i64, String)>,
    Form(form): Form<CommitForm>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let mut page = base(&st, ctx, id).await?;
    let valid_only = !form.valid_only.is_empty();
    let result = st
        .db
        .call(move |c| {
            let (file_name, bytes) = db::imports::load_upload(c, id, &token)?;
            let parsed = match read_file(c, id, &file_name, &bytes, true) {
                Reading::Parsed(p, _) => p,
                Reading::Unknown(_) => return Err(AppError::Invalid("map the file's columns first".into())),
                Reading::Refused(m) => return Err(AppError::Invalid(m)),
            };
            let outcome = db::imports::commit(c, Target::Id(id), &parsed, &file_name, &actor, valid_only)?;
            db::imports::drop_upload(c, &token)?;
            // A large import's pages are whole when its summary shows, as
            // after `sixr import`. The import itself is in: should this
            // fail, the background worker carries the derivation on.
            if let Err(e) = db::derived::complete_pages(c, id) {
                tracing::error!(engagement = id, error = %e, "deriving after an import; left to the background");
            }
            Ok(outcome)
        })
        .await;
    match result {
        Ok(outcome) => {
            page.done_warnings = rows(&outcome.warnings);
            page.done = Some(outcome);
            page.recent = st.db.call(move |c| db::imports::recent(c, id)).await?;
            Ok(render(&page)?.into_response())
        }
        Err(e @ (AppError::Invalid(_) | AppError::NotFound(_))) => {
            page.error = Some(e.public_message());
            Ok((e.status(), render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// Saves the consultant's column mapping for this header and previews the
/// file through it.
async fn save_mapping(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, token)): Path<(i64, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let mut page = base(&st, ctx.clone(), id).await?;
    let result = st
        .db
        .call(move |c| {
            let (file_name, bytes) = db::imports::load_upload(c, id, &token)?;
            // The file's own header, whether or not a saved mapping reads it.
            let Reading::Unknown(headers) = read_file(c, id, &file_name, &bytes, false) else {
                stage(c, id, &token, &file_name, &bytes, &mut page)?;
                return Ok(page);
            };
            let columns = headers
                .iter()
                .enumerate()
                .filter_map(|(i, h)| {
                    let key = format!("col{i}");
                    let target = fields.iter().find(|(k, _)| *k == key).map(|(_, v)| v.trim().to_string())?;
                    (!target.is_empty()).then(|| (h.clone(), target))
                })
                .collect();
            let m = Mapping { columns };
            db::imports::save_mapping(c, id, &mapping::signature(&headers), &m, &actor)?;
            stage(c, id, &token, &file_name, &bytes, &mut page)?;
            Ok(page)
        })
        .await;
    match result {
        Ok(page) => Ok(render(&page)?.into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::NotFound(_))) => {
            let mut page = base(&st, ctx, id).await?;
            page.error = Some(e.public_message());
            Ok((e.status(), render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// The mapping step again for an upload read through a saved mapping,
/// with the saved choices selected, so the consultant can change them.
async fn edit_mapping(State(st): State<AppState>, ctx: PageCtx, Path((id, token)): Path<(i64, String)>) -> Result<Response, AppError> {
    let mut page = base(&st, ctx, id).await?;
    let page = st
        .db
        .call(move |c| {
            let (file_name, bytes) = db::imports::load_upload(c, id, &token)?;
            match read_file(c, id, &file_name, &bytes, false) {
                Reading::Unknown(headers) => {
                    let saved = db::imports::saved_mapping(c, id, &mapping::signature(&headers))?;
                    page.mapping = Some(mapping_view(&token, &file_name, &bytes, &headers, saved.as_ref().map(|s| &s.mapping)));
                }
                _ => stage(c, id, &token, &file_name, &bytes, &mut page)?,
            }
            Ok(page)
        })
        .await?;
    Ok(render(&page)?.into_response())
}

fn download(bytes: Vec<u8>, content_type: &'static str, file_name: &str) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", file_name.replace(['"', '\\', '\r', '\n'], "_"));
    ([(CONTENT_TYPE, content_type.to_string()), (CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

/// A file name from the engagement name: letters, digits and dashes.
fn file_stem(e: &Engagement) -> String {
    let stem: String = e.name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let stem = stem.trim_matches('-').to_string();
    if stem.is_empty() { format!("engagement-{}", e.id) } else { stem }
}

async fn template_csv(State(st): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    st.db.call(move |c| db::engagements::get(c, id)).await?;
    Ok(download(crate::import::export::template_csv(), "text/csv; charset=utf-8", "sixr-template.csv"))
}

async fn export(st: AppState, id: i64, format: &'static str) -> Result<Response, AppError> {
    let (engagement, bytes) =
        st.db.call(move |c| Ok((db::engagements::get(c, id)?, crate::service::export::export_bytes(c, id, format)?))).await?;
    let (content_type, ext) = if format == "json" { ("application/json", "json") } else { ("text/csv; charset=utf-8", "csv") };
    Ok(download(bytes, content_type, &format!("{}.{ext}", file_stem(&engagement))))
}

async fn export_csv(State(st): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    export(st, id, "csv").await
}

async fn export_json(State(st): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    export(st, id, "json").await
}
