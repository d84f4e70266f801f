//! Pages under /engagements/{id}/workloads and /engagements/{id}/applications:
//! the workloads table (search, filters, sort, pages), inline editing of
//! every field, the workload page with its dependencies, and applications.

use std::collections::{HashMap, HashSet};

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Form, Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use rusqlite::{Connection, TransactionBehavior};
use serde::Deserialize;

use super::{AppState, PageCtx, Pager, page_number, redirect, render, safe_local_path, url_with};
use crate::db;
use crate::db::applications::ApplicationSummary;
use crate::db::dependencies::Links;
use crate::db::suggestions::{FieldState, Provenance, Waiting};
use crate::db::workloads::{FilterColumn, NO_APPLICATION, PAGE_SIZES, WorkloadPage, WorkloadQuery};
use crate::error::{AppError, quoted};
use crate::i18n::{Tr, thousands};
use crate::inventory::{Dependency, FieldKind, ROLES, WORKLOAD_FIELDS, Workload};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/engagements/{id}/workloads", get(list_page).post(create))
        .route("/engagements/{id}/workloads/bulk-application", post(bulk_application))
        .route("/engagements/{id}/workloads/application-names", get(application_names))
        .route("/engagements/{id}/workloads/{wid}", get(detail_page))
        .route("/engagements/{id}/workloads/{wid}/delete", post(delete))
        .route("/engagements/{id}/workloads/{wid}/cells/{field}", get(show_cell).post(save_cell))
        .route("/engagements/{id}/workloads/{wid}/cells/{field}/edit", get(edit_cell))
        .route("/engagements/{id}/workloads/{wid}/dependencies", post(add_dependency))
        .route("/engagements/{id}/workloads/{wid}/dependencies/{did}/delete", post(remove_dependency))
        .route("/engagements/{id}/applications", get(applications_page).post(create_application))
        .route("/engagements/{id}/applications/{aid}", post(update_application))
        .route("/engagements/{id}/applications/{aid}/delete", post(delete_application))
}

/// The fields shown as columns of the workloads table; the workload page
/// shows every field.
pub const TABLE_FIELDS: &[&str] =
    &["name", "hostname", "application", "environment", "role", "os", "cpu_cores", "ram_gb", "storage_gb", "criticality", "notes"];

/// The fields the "add a workload" form asks for (the rest are edited later).
const ADD_FIELDS: &[&str] = &["name", "hostname", "application", "environment", "role", "os", "cpu_cores", "ram_gb", "storage_gb"];

/// Environment spellings offered while typing (others are kept as typed).
const ENVIRONMENTS: &[&str] = &["production", "staging", "test", "development", "dr", "non-production"];

/// The id of the element the table fragment replaces.
const RESULTS_ID: &str = "workload-results";

/// The translated column label of a workload field.
pub fn field_label(t: &Tr, field: &str) -> String {
    t.t(&format!("workloads.field_{field}")).to_string()
}

/// The id of the `<datalist>` (workload_datalists.html) offering values
/// for a field while typing, or "" for none.
fn suggestions_for(field: &str) -> &'static str {
    match field {
        "application" => "dl-application",
        "environment" => "dl-environment",
        "role" => "dl-role",
        "os" => "dl-os",
        _ => "",
    }
}

fn is_numeric(field: &str) -> bool {
    crate::inventory::field(field).is_some_and(|f| matches!(f.kind, FieldKind::Count | FieldKind::Amount | FieldKind::Percent))
}

/// Reads the table query from a query string or form body, leniently: a
/// value that does not parse falls back to the default instead of failing.
pub fn parse_query(raw: &[u8]) -> WorkloadQuery {
    let mut q = WorkloadQuery::default();
    for (k, v) in form_urlencoded::parse(raw) {
        let v = v.into_owned();
        match &*k {
            "q" => q.q = v,
            "application" => q.application = v,
            "environment" => q.environment = v,
            "role" => q.role = v,
            "os" => q.os = v,
            "pending" => q.pending = !v.is_empty(),
            "sort" => q.sort = v,
            "dir" => q.dir = v,
            "page" => q.page = v.trim().parse().unwrap_or(1),
            "after" => q.after = v.trim().parse().ok(),
            "before" => q.before = v.trim().parse().ok(),
            "end" => q.end = !v.is_empty(),
            "per_page" => q.per_page = v.trim().parse().unwrap_or(PAGE_SIZES[0]),
            _ => {}
        }
    }
    q.normalised()
}

/// The page URL for a query, writing only what differs from the defaults.
pub fn query_url(engagement_id: i64, q: &WorkloadQuery) -> String {
    let d = WorkloadQuery::default();
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v, default) in [
        ("q", &q.q, &d.q),
        ("application", &q.application, &d.application),
        ("environment", &q.environment, &d.environment),
        ("role", &q.role, &d.role),
        ("os", &q.os, &d.os),
        ("sort", &q.sort, &d.sort),
        ("dir", &q.dir, &d.dir),
    ] {
        if v != default {
            s.append_pair(k, v);
        }
    }
    if q.pending {
        s.append_pair("pending", "1");
    }
    if q.per_page != d.per_page {
        s.append_pair("per_page", &q.per_page.to_string());
    }
    if q.page != 1 {
        s.append_pair("page", &q.page.to_string());
    }
    for (k, v) in [("after", q.after), ("before", q.before)] {
        if let Some(id) = v {
            s.append_pair(k, &id.to_string());
        }
    }
    if q.end {
        s.append_pair("end", "1");
    }
    let qs = s.finish();
    if qs.is_empty() { format!("/engagements/{engagement_id}/workloads") } else { format!("/engagements/{engagement_id}/workloads?{qs}") }
}

// ---------------------------------------------------------------------------
// Cells: one template renders a field for display and for editing.

/// How a field is typed into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Line,
    Number,
    Multiline,
    YesNo,
}

/// Where a workload's cells are shown and edited: the prefix of every cell
/// URL, written once per row (data-cells) for static/workloads.js.
pub fn cells_url(engagement_id: i64, workload_id: i64) -> String {
    format!("/engagements/{engagement_id}/workloads/{workload_id}/cells/")
}

/// One workload field as a table cell, shown or being edited.
#[derive(Debug, Clone)]
pub struct CellView {
    pub engagement_id: i64,
    pub workload_id: i64,
    pub workload_name: String,
    pub field: &'static str,
    /// What the cell shows, or what the input holds while editing.
    pub text: String,
    pub numeric: bool,
    pub input: InputKind,
    pub editing: bool,
    pub error: Option<String>,
    /// The version the edit started from (optimistic locking).
    pub version: i64,
    /// Put the keyboard focus here after the swap.
    pub focus: bool,
    /// The `<datalist>` offering values while typing, if any.
    pub suggestions: &'static str,
    /// Where the value comes from, when known (the workload page shows it
    /// for every field, the table marks suggestions).
    pub source: Option<Provenance>,
    /// In the table: the suggestion waiting in this cell, its evidence and
    /// the buttons that decide it.
    pub decide: Option<DecideView>,
    t: Tr,
}

/// One suggested value of a cell with its evidence.
#[derive(Debug, Clone)]
pub struct CandidateView {
    pub value: String,
    pub evidence: Vec<String>,
    pub accept_text: String,
    pub accept_label: String,
    pub reject_label: String,
}

/// A suggestion (or a conflict to pick) waiting in a table cell.
#[derive(Debug, Clone)]
pub struct DecideView {
    pub url: String,
    pub conflict: bool,
    /// The visible mark ("suggested", "conflict").
    pub mark: String,
    /// What the disclosure says to a screen reader.
    pub summary: String,
    /// The evidence in one line, shown on hover.
    pub title: String,
    pub page: i64,
    pub candidates: Vec<CandidateView>,
}

impl DecideView {
    fn new(t: &Tr, engagement_id: i64, w: &Workload, state: &FieldState, page: i64) -> Option<DecideView> {
        let conflict = match state.source {
            Provenance::Suggested => false,
            Provenance::Conflict => true,
            _ => return None,
        };
        let field = field_label(t, state.field.code());
        let candidates: Vec<CandidateView> = state
            .candidates
            .iter()
            .map(|c| {
                let args: [(&str, &dyn std::fmt::Display); 3] = [("field", &field), ("value", &c.value), ("name", &w.name)];
                CandidateView {
                    value: c.value.clone(),
                    evidence: c.evidence.iter().map(|e| e.text(t)).collect(),
                    accept_text: if conflict { t.fmt("enrich.pick", &[("value", &c.value)]) } else { t.t("enrich.accept").to_string() },
                    accept_label: t.fmt("enrich.accept_label", &args),
                    reject_label: t.fmt("enrich.reject_label", &args),
                }
            })
            .collect();
        let title = candidates.iter().map(|c| format!("{}: {}", c.value, c.evidence.join("; "))).collect::<Vec<_>>().join(" | ");
        let summary = if conflict {
            t.fmt("enrich.summary_conflict", &[("field", &field), ("name", &w.name), ("n", &candidates.len())])
        } else {
            t.fmt("enrich.summary_suggested", &[("field", &field), ("name", &w.name), ("value", &candidates[0].value)])
        };
        Some(DecideView {
            url: format!("/engagements/{engagement_id}/workloads/{}/suggestions", w.id),
            conflict,
            mark: t.t(if conflict { "enrich.mark_conflict" } else { "enrich.mark_suggested" }).to_string(),
            summary,
            title,
            page,
            candidates,
        })
    }
}

impl CellView {
    pub fn new(t: &Tr, engagement_id: i64, w: &Workload, field: &'static str) -> CellView {
        let kind = crate::inventory::field(field).map(|f| f.kind).unwrap_or(FieldKind::Text);
        let input = match (kind, field) {
            (FieldKind::Flag, _) => InputKind::YesNo,
            (FieldKind::Text, "notes") => InputKind::Multiline,
            (FieldKind::Text, _) => InputKind::Line,
            _ => InputKind::Number,
        };
        CellView {
            engagement_id,
            workload_id: w.id,
            workload_name: w.name.clone(),
            field,
            text: w.field_text(field),
            numeric: is_numeric(field),
            input,
            editing: false,
            error: None,
            version: w.version,
            focus: false,
            suggestions: suggestions_for(field),
            source: None,
            decide: None,
            t: *t,
        }
    }

    /// The cell with its source: a field's suggestion state, else edited
    /// or imported for a value (nothing for an empty field).
    pub fn with_source(mut self, states: &[FieldState], edited: &HashSet<String>) -> CellView {
        let state = states.iter().find(|s| s.field.code() == self.field);
        self.source = match state {
            Some(s) => Some(s.source),
            None if self.text.is_empty() => None,
            None if edited.contains(self.field) => Some(Provenance::Edited),
            None => Some(Provenance::Imported),
        };
        self
    }

    /// "suggested", "confirmed"... in the page's language, or "".
    pub fn source_label(&self) -> String {
        self.source.map(|s| self.t.t(&format!("enrich.source_{}", s.code())).to_string()).unwrap_or_default()
    }

    /// The cell's class in the table: a suggestion waiting in it, else a
    /// number or a long text (suggestions fill only one-line text fields),
    /// else none: most of a page's 550 cells carry no class.
    pub fn classes(&self) -> &'static str {
        match self.source {
            Some(Provenance::Suggested) => "suggested",
            Some(Provenance::Conflict) => "conflict",
            _ if self.numeric => "num",
            _ if self.is_multiline() => "long",
            _ => "",
        }
    }

    /// The field's column label. Labels are made when asked for: a table
    /// page has 550 cells and shows few of them.
    pub fn label(&self) -> String {
        field_label(&self.t, self.field)
    }

    /// "Edit <field> of <workload>", for the input and for an empty cell.
    pub fn edit_label(&self) -> String {
        self.t.fmt("workloads.edit_cell", &[("field", &self.label()), ("name", &self.workload_name)])
    }

    pub fn url(&self) -> String {
        format!("{}{}", cells_url(self.engagement_id, self.workload_id), self.field)
    }

    pub fn dom_id(&self) -> String {
        format!("cell-{}-{}", self.workload_id, self.field)
    }

    /// The htmx events that save the edit: Enter (form submit) and leaving
    /// the field; a multi-line note saves on Enter without Shift.
    pub fn save_triggers(&self) -> &'static str {
        match self.input {
            // Enter in a note submits through static/sixr.js (no eval-based trigger filters).
            InputKind::Multiline => "submit, focusout",
            InputKind::YesNo => "submit, change, focusout",
            _ => "submit, focusout",
        }
    }

    pub fn is_multiline(&self) -> bool {
        self.input == InputKind::Multiline
    }
    pub fn is_yes_no(&self) -> bool {
        self.input == InputKind::YesNo
    }
    pub fn is_number(&self) -> bool {
        self.input == InputKind::Number
    }
}

#[derive(Template)]
#[template(path = "workload_cell.html")]
struct CellFragment {
    cell: CellView,
    ctx: PageCtx,
}

#[derive(Deserialize)]
struct CellQuery {
    #[serde(default)]
    focus: Option<String>,
}

fn check_field(field: &str) -> Result<&'static str, AppError> {
    crate::inventory::field(field).map(|f| f.name).ok_or_else(|| AppError::NotFound(format!("workload field {}", quoted(field))))
}

async fn load_workload(st: &AppState, id: i64, wid: i64) -> Result<Workload, AppError> {
    st.db.call(move |c| db::workloads::get(c, id, wid)).await
}

/// Runs a change in one transaction on the blocking pool: all of it or none.
pub(super) async fn write<T: Send + 'static>(
    st: &AppState,
    change: impl FnOnce(&Connection) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    st.db
        .call(move |c| {
            let tx = c.transaction()?;
            let out = change(&tx)?;
            tx.commit()?;
            Ok(out)
        })
        .await
}

/// GET the display cell (what Escape goes back to).
async fn show_cell(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, wid, field)): Path<(i64, i64, String)>,
    axum::extract::Query(q): axum::extract::Query<CellQuery>,
) -> Result<Html<String>, AppError> {
    let field = check_field(&field)?;
    let w = load_workload(&st, id, wid).await?;
    let mut cell = CellView::new(&ctx.t, id, &w, field);
    cell.focus = q.focus.is_some();
    render(&CellFragment { cell, ctx })
}

/// GET the cell as an input holding the current value and version.
async fn edit_cell(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, wid, field)): Path<(i64, i64, String)>,
) -> Result<Html<String>, AppError> {
    let field = check_field(&field)?;
    let w = load_workload(&st, id, wid).await?;
    let mut cell = CellView::new(&ctx.t, id, &w, field);
    cell.editing = true;
    render(&CellFragment { cell, ctx })
}

#[derive(Deserialize)]
struct CellForm {
    #[serde(default)]
    value: String,
    version: i64,
    /// The browser event that sent the edit; keyboard saves keep the focus.
    #[serde(default)]
    via: String,
}

/// Why an edit was not saved.
enum EditRefused {
    /// Someone saved a newer version; carries it.
    Stale(i64),
    Other(AppError),
}

impl From<AppError> for EditRefused {
    fn from(e: AppError) -> Self {
        EditRefused::Other(e)
    }
}

impl From<rusqlite::Error> for EditRefused {
    fn from(e: rusqlite::Error) -> Self {
        EditRefused::Other(e.into())
    }
}

/// Applies one field edit if `version` is still current; an unchanged value
/// saves nothing (leaving a cell is not a change).
fn apply_edit(
    conn: &mut Connection,
    t: Tr,
    actor: &str,
    (id, wid): (i64, i64),
    field: &str,
    value: &str,
    version: i64,
) -> Result<Workload, EditRefused> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current = db::workloads::get(&tx, id, wid)?;
    if current.version != version {
        return Err(EditRefused::Stale(current.version));
    }
    let mut edited = current.clone();
    edited.set_field(field, value).map_err(|e| AppError::Invalid(e.text(&t)))?;
    if edited == current {
        return Ok(current);
    }
    db::applications::ensure_audited(&tx, id, &edited.application, actor)?;
    let saved = db::workloads::save(&tx, id, &edited, actor)?;
    tx.commit()?;
    Ok(saved)
}

/// POST one field: 200 with the display cell, 422 with the message in place,
/// 409 when the workload changed since the edit began.
async fn save_cell(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, wid, field)): Path<(i64, i64, String)>,
    Form(form): Form<CellForm>,
) -> Result<Response, AppError> {
    let field = check_field(&field)?;
    let value = form.value.clone();
    let version = form.version;
    let t = ctx.t;
    let actor = ctx.actor()?;
    let result = st.db.call(move |c| Ok(apply_edit(c, t, &actor, (id, wid), field, &value, version))).await?;
    let (status, cell) = match result {
        Ok(saved) => {
            let mut cell = CellView::new(&ctx.t, id, &saved, field);
            cell.focus = matches!(form.via.as_str(), "submit" | "keydown");
            (StatusCode::OK, cell)
        }
        Err(refused) => {
            let current = load_workload(&st, id, wid).await?;
            let mut cell = CellView::new(&ctx.t, id, &current, field);
            cell.editing = true;
            cell.text = form.value;
            // The edit keeps its own version: saving again stays refused
            // until the consultant has seen the newer value (Escape).
            cell.version = form.version;
            let (status, message) = match refused {
                EditRefused::Stale(now) => {
                    (StatusCode::CONFLICT, ctx.t.fmt("workloads.stale", &[("name", &current.name), ("version", &now)]))
                }
                EditRefused::Other(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
                    (e.status(), format!("{}: {}", cell.label(), e.public_message().trim_start_matches("name: ")))
                }
                EditRefused::Other(e) => return Err(e),
            };
            cell.error = Some(message);
            (status, cell)
        }
    };
    Ok((status, render(&CellFragment { cell, ctx })?).into_response())
}

// ---------------------------------------------------------------------------
// The workloads table.

/// A sortable column header.
pub struct ColumnView {
    pub label: String,
    pub numeric: bool,
    /// The URL that sorts by this column (flipping the direction when it is
    /// already the sort column).
    pub url: String,
    /// "ascending", "descending" or "none" (for aria-sort).
    pub aria_sort: &'static str,
    pub arrow: &'static str,
}

pub struct RowView {
    pub id: i64,
    pub name: String,
    pub cells: Vec<CellView>,
    pub select_label: String,
    pub delete_label: String,
    pub powered_off: bool,
}

/// The table fragment: everything the filter form, the sort headers and the
/// pager swap.
pub struct ResultsView {
    pub engagement_id: i64,
    pub query: WorkloadQuery,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
    pub summary: String,
    pub columns: Vec<ColumnView>,
    pub rows: Vec<RowView>,
    pub pager: Pager,
    pub notice: Option<String>,
    /// The suggestions waiting in the workloads the filter finds, if any.
    pub waiting: Option<WaitingView>,
    /// The question before a row is deleted, "{name}" standing for the row's
    /// workload (static/workloads.js fills it in).
    pub confirm: String,
}

/// "23 suggestions wait in this view: role 10, application 13", with the
/// kinds to accept or reject in one go.
pub struct WaitingView {
    pub summary: String,
    pub conflicts: Option<String>,
    /// (field, "Role (10)").
    pub kinds: Vec<(&'static str, String)>,
}

impl WaitingView {
    fn new(t: &Tr, w: &Waiting) -> Option<WaitingView> {
        if w.total() == 0 {
            return None;
        }
        let kinds: Vec<(&'static str, String)> =
            w.by_field.iter().map(|(f, n)| (f.code(), format!("{} ({})", field_label(t, f.code()), thousands(*n)))).collect();
        let list = kinds.iter().map(|(_, k)| k.as_str()).collect::<Vec<_>>().join(", ");
        Some(WaitingView {
            summary: t.fmt("enrich.waiting", &[("n", &thousands(w.total())), ("kinds", &list)]),
            conflicts: (w.conflicts > 0).then(|| t.fmt("enrich.waiting_conflicts", &[("n", &thousands(w.conflicts))])),
            kinds,
        })
    }
}

/// A page of the table with what it shows of discovery suggestions.
pub struct TablePage {
    pub page: WorkloadPage,
    pub states: HashMap<i64, Vec<FieldState>>,
    pub waiting: Waiting,
}

/// Reads a page of the table with its rows' suggestion states and the
/// suggestions waiting in the whole filter.
pub fn load_table(conn: &Connection, id: i64, query: &WorkloadQuery) -> Result<TablePage, AppError> {
    let page = db::workloads::search(conn, id, query)?;
    let mut states = HashMap::new();
    for w in &page.items {
        states.insert(w.id, db::suggestions::states(conn, w)?);
    }
    let waiting = db::suggestions::waiting(conn, id, query)?;
    Ok(TablePage { page, states, waiting })
}

impl ResultsView {
    fn build(t: &Tr, engagement_id: i64, query: WorkloadQuery, table: TablePage) -> ResultsView {
        let TablePage { page, states, waiting } = table;
        let mut query = WorkloadQuery { after: None, before: None, end: false, ..query };
        query.page = page.page;
        let columns = TABLE_FIELDS
            .iter()
            .map(|&f| {
                let current = query.sort == f;
                let dir = if current && !query.descending() { "desc" } else { "asc" };
                let url = query_url(engagement_id, &WorkloadQuery { sort: f.into(), dir: dir.into(), page: 1, ..query.clone() });
                let (aria_sort, arrow) = match (current, query.descending()) {
                    (false, _) => ("none", ""),
                    (true, false) => ("ascending", " ▲"),
                    (true, true) => ("descending", " ▼"),
                };
                ColumnView { label: field_label(t, f), numeric: is_numeric(f), url, aria_sort, arrow }
            })
            .collect();
        let rows = page
            .items
            .iter()
            .map(|w| RowView {
                id: w.id,
                name: w.name.clone(),
                cells: TABLE_FIELDS
                    .iter()
                    .map(|&f| {
                        let mut cell = CellView::new(t, engagement_id, w, f);
                        let state = states.get(&w.id).and_then(|list| list.iter().find(|s| s.field.code() == f));
                        if let Some(state) = state {
                            cell.source = Some(state.source);
                            cell.decide = DecideView::new(t, engagement_id, w, state, page.page);
                        }
                        cell
                    })
                    .collect(),
                select_label: t.fmt("workloads.select_row", &[("name", &w.name)]),
                delete_label: t.fmt("workloads.delete_named", &[("name", &w.name)]),
                powered_off: w.powered_off,
            })
            .collect();
        let from = if page.total == 0 { 0 } else { (page.page - 1) * page.per_page + 1 };
        let to = ((page.page - 1) * page.per_page + page.items.len() as i64).max(0);
        let summary = if query.is_filtered() {
            t.fmt("workloads.summary_filtered", &[("from", &thousands(from)), ("to", &thousands(to)), ("total", &thousands(page.total))])
        } else {
            t.fmt("workloads.summary", &[("from", &thousands(from)), ("to", &thousands(to)), ("total", &thousands(page.total))])
        };
        let at = |p: usize| query_url(engagement_id, &WorkloadQuery { page: p as i64, ..query.clone() });
        let mut pager =
            Pager::new(t, page.total.max(0) as usize, page.per_page.max(1) as usize, page.page.max(1) as usize, "workload-results", at);
        if let (true, Some(first), Some(last)) = (page.by_key, page.items.first(), page.items.last()) {
            // Next and previous start from this page's rows, the last page
            // from the end: the index finds them without counting.
            let from = |p: usize, after: Option<i64>, before: Option<i64>, end: bool| {
                query_url(engagement_id, &WorkloadQuery { page: p as i64, after, before, end, ..query.clone() })
            };
            pager.next_url = from(pager.page + 1, Some(last.id), None, false);
            if pager.page > 2 {
                pager.prev_url = from(pager.page - 1, None, Some(first.id), false);
            }
            pager.last_url = from(pager.pages, None, None, true);
        }
        ResultsView {
            engagement_id,
            pager,
            query,
            total: page.total,
            page: page.page,
            pages: page.pages,
            summary,
            columns,
            rows,
            notice: None,
            waiting: WaitingView::new(t, &waiting),
            confirm: t.fmt("workloads.confirm_delete", &[("name", &"{name}")]),
        }
    }
}

/// Above this many applications the pages don't carry every name: the
/// application filter becomes a text field, and the names offered while
/// typing load when a field first wants them (static/workloads.js), so a
/// page of 50 workloads is not 5,000 options long.
const MANY_APPLICATIONS: usize = 200;

/// Values offered while typing into cells and in the filter selects.
pub struct Suggestions {
    /// Every application name, or none when there are too many to inline.
    pub applications: Vec<String>,
    pub many_applications: bool,
    pub environments: Vec<String>,
    pub roles: Vec<String>,
    pub oses: Vec<String>,
}

impl Suggestions {
    fn load(conn: &Connection, id: i64) -> Result<Suggestions, AppError> {
        let mut applications = db::applications::application_names(conn, id, MANY_APPLICATIONS as i64 + 1)?;
        let many_applications = applications.len() > MANY_APPLICATIONS;
        if many_applications {
            applications.clear();
        }
        Ok(Suggestions {
            applications,
            many_applications,
            environments: db::workloads::distinct_values(conn, id, FilterColumn::Environment)?,
            roles: db::workloads::distinct_values(conn, id, FilterColumn::Role)?,
            oses: db::workloads::distinct_values(conn, id, FilterColumn::Os)?,
        })
    }

    /// Known values first, then the usual ones not yet used.
    fn typing_list(used: &[String], usual: &[&str]) -> Vec<String> {
        let mut out = used.to_vec();
        out.extend(usual.iter().filter(|u| !used.iter().any(|v| v == *u)).map(|u| u.to_string()));
        out
    }
    pub fn environment_choices(&self) -> Vec<String> {
        Self::typing_list(&self.environments, ENVIRONMENTS)
    }
    pub fn role_choices(&self) -> Vec<String> {
        Self::typing_list(&self.roles, ROLES)
    }
}

/// One input of the "add a workload" form.
pub struct AddField {
    pub name: &'static str,
    pub label: String,
    pub value: String,
    pub suggestions: &'static str,
}

fn add_fields(t: &Tr, values: &[(String, String)]) -> Vec<AddField> {
    ADD_FIELDS
        .iter()
        .map(|&f| AddField {
            name: f,
            label: field_label(t, f),
            value: values.iter().find(|(k, _)| k == f).map(|(_, v)| v.clone()).unwrap_or_default(),
            suggestions: suggestions_for(f),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "workloads.html")]
struct ListPage {
    ctx: PageCtx,
    engagement: crate::inventory::Engagement,
    results: ResultsView,
    lists: Suggestions,
    page_sizes: &'static [i64],
    no_application: &'static str,
    add: Vec<AddField>,
    add_error: Option<String>,
}

#[derive(Template)]
#[template(path = "workloads_results.html")]
struct ResultsFragment {
    ctx: PageCtx,
    results: ResultsView,
}

/// Everything the full workloads page reads, in one database call.
fn load_list(
    conn: &Connection,
    id: i64,
    query: &WorkloadQuery,
) -> Result<(crate::inventory::Engagement, TablePage, Suggestions), AppError> {
    let engagement = db::engagements::get(conn, id)?;
    let table = load_table(conn, id, query)?;
    let lists = Suggestions::load(conn, id)?;
    Ok((engagement, table, lists))
}

async fn render_list(
    st: &AppState,
    ctx: PageCtx,
    id: i64,
    query: WorkloadQuery,
    fragment: bool,
    add: (Vec<(String, String)>, Option<String>),
) -> Result<Response, AppError> {
    if fragment {
        return results_with_notice(st, ctx, id, query, None).await;
    }
    let q = query.clone();
    let (engagement, page, lists) = st.db.call(move |c| load_list(c, id, &q)).await?;
    let results = ResultsView::build(&ctx.t, id, query, page);
    let status = if add.1.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let page = ListPage {
        add: add_fields(&ctx.t, &add.0),
        add_error: add.1,
        ctx,
        engagement,
        results,
        lists,
        page_sizes: PAGE_SIZES,
        no_application: NO_APPLICATION,
    };
    Ok((status, render(&page)?).into_response())
}

async fn list_page(State(st): State<AppState>, ctx: PageCtx, Path(id): Path<i64>, RawQuery(raw): RawQuery) -> Result<Response, AppError> {
    let query = parse_query(raw.unwrap_or_default().as_bytes());
    let fragment = ctx.wants(RESULTS_ID);
    render_list(&st, ctx, id, query, fragment, (Vec::new(), None)).await
}

/// Builds a new workload from the add form, checking every value.
fn workload_from_form(t: &Tr, pairs: &[(String, String)]) -> Result<Workload, String> {
    let mut w = Workload::default();
    let mut named = false;
    for (k, v) in pairs {
        if let Some(f) = crate::inventory::field(k) {
            if f.name == "name" {
                named = true;
            }
            w.set_field(f.name, v).map_err(|e| format!("{}: {}", field_label(t, f.name), e.text(t)))?;
        }
    }
    if !named || w.name.is_empty() {
        return Err(format!("{}: {}", field_label(t, "name"), t.t("workloads.name_required")));
    }
    Ok(w)
}

fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// POST a new workload: to its page when created, else the list again with
/// the reason and the typed values.
async fn create(State(st): State<AppState>, ctx: PageCtx, Path(id): Path<i64>, body: Bytes) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let pairs = form_pairs(&body);
    let error = match workload_from_form(&ctx.t, &pairs) {
        Ok(w) => {
            let result = write(&st, move |c| {
                db::engagements::get(c, id)?;
                db::applications::ensure_audited(c, id, &w.application, &actor)?;
                db::workloads::create(c, id, &w, &actor)
            })
            .await;
            match result {
                Ok(created) => return Ok(redirect(&ctx, &format!("/engagements/{id}/workloads/{}", created.id))),
                Err(e @ AppError::Conflict(_)) => e.public_message().trim_start_matches("name: ").to_string(),
                Err(e) => return Err(e),
            }
        }
        Err(message) => message,
    };
    render_list(&st, ctx, id, WorkloadQuery::default(), false, (pairs, Some(error))).await
}

/// POST selected rows into an application, then show the same table again.
async fn bulk_application(State(st): State<AppState>, ctx: PageCtx, Path(id): Path<i64>, body: Bytes) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let pairs = form_pairs(&body);
    let query = parse_query(&body);
    let ids: Vec<i64> = pairs.iter().filter(|(k, _)| k == "ids").filter_map(|(_, v)| v.trim().parse().ok()).collect();
    let application = pairs.iter().find(|(k, _)| k == "bulk_application").map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let notice = if ids.is_empty() {
        ctx.t.t("workloads.bulk_none_selected").to_string()
    } else {
        let app_name = application.clone();
        let changed = write(&st, move |c| db::workloads::assign_application(c, id, &ids, &app_name, &actor)).await?;
        if application.is_empty() {
            ctx.t.fmt("workloads.bulk_cleared", &[("n", &thousands(changed))])
        } else {
            ctx.t.fmt("workloads.bulk_assigned", &[("n", &thousands(changed)), ("application", &application)])
        }
    };
    if !ctx.htmx {
        return Ok(redirect(&ctx, &query_url(id, &query)));
    }
    results_with_notice(&st, ctx, id, query, Some(notice)).await
}

/// The table fragment for `query`, with a notice above it after a change.
pub(super) async fn results_with_notice(
    st: &AppState,
    ctx: PageCtx,
    id: i64,
    query: WorkloadQuery,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let q = query.clone();
    let table = st
        .db
        .call(move |c| {
            db::engagements::get(c, id)?;
            load_table(c, id, &q)
        })
        .await?;
    let mut results = ResultsView::build(&ctx.t, id, query, table);
    results.notice = notice;
    Ok(render(&ResultsFragment { ctx, results })?.into_response())
}

#[derive(Deserialize)]
struct DeleteForm {
    /// Where to go afterwards; absent when a table row removes itself.
    #[serde(default)]
    back: String,
}

async fn delete(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, wid)): Path<(i64, i64)>,
    Form(form): Form<DeleteForm>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    write(&st, move |c| db::workloads::delete(c, id, wid, &actor)).await?;
    if ctx.htmx && form.back.is_empty() {
        // The row asked to be replaced by nothing.
        return Ok(Html(String::new()).into_response());
    }
    let back = if form.back.is_empty() { format!("/engagements/{id}/workloads") } else { safe_local_path(&form.back) };
    Ok(redirect(&ctx, &back))
}

// ---------------------------------------------------------------------------
// One workload: every field, its dependencies both ways.

/// The add-dependency form as typed (kept when refused).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DependencyForm {
    #[serde(default)]
    pub direction: String,
    #[serde(default)]
    pub other: String,
    #[serde(default)]
    pub port: String,
    #[serde(default)]
    pub protocol: String,
    #[serde(default)]
    pub description: String,
}

pub struct DependenciesView {
    pub engagement_id: i64,
    pub workload_id: i64,
    pub workload_name: String,
    pub links: Links,
    pub form: DependencyForm,
    pub error: Option<String>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "workload_dependencies.html")]
struct DependenciesFragment {
    ctx: PageCtx,
    deps: DependenciesView,
}

#[derive(Template)]
#[template(path = "workload.html")]
struct DetailPage {
    ctx: PageCtx,
    engagement: crate::inventory::Engagement,
    workload: Workload,
    cells: Vec<CellView>,
    deps: DependenciesView,
    lists: Suggestions,
    discovery: DiscoveryView,
    confirm: String,
    back: String,
}

/// The workload page's discovery card: its suggestions with their evidence
/// and decisions, and what the source files said beyond sixr's fields.
pub struct DiscoveryView {
    pub url: String,
    pub back: String,
    pub rows: Vec<DiscoveryRow>,
    /// (label, value) of the raw attributes.
    pub attributes: Vec<(String, String)>,
    /// The applications the source says this server serves.
    pub serves: Vec<String>,
}

pub struct DiscoveryRow {
    pub field: &'static str,
    pub label: String,
    pub source: String,
    pub source_code: &'static str,
    /// Decisions are offered while a suggestion waits.
    pub waiting: bool,
    pub candidates: Vec<CandidateView>,
}

impl DiscoveryView {
    fn new(t: &Tr, engagement_id: i64, w: &Workload, states: &[FieldState], d: &crate::inventory::Discovered) -> DiscoveryView {
        let rows = states
            .iter()
            .filter(|s| s.source != Provenance::Edited)
            .map(|s| {
                let waiting = matches!(s.source, Provenance::Suggested | Provenance::Conflict);
                let decide = DecideView::new(t, engagement_id, w, s, 1);
                let candidates = match decide {
                    Some(d) => d.candidates,
                    None => s
                        .candidates
                        .iter()
                        .map(|c| CandidateView {
                            value: c.value.clone(),
                            evidence: c.evidence.iter().map(|e| e.text(t)).collect(),
                            accept_text: String::new(),
                            accept_label: String::new(),
                            reject_label: String::new(),
                        })
                        .collect(),
                };
                DiscoveryRow {
                    field: s.field.code(),
                    label: field_label(t, s.field.code()),
                    source: t.t(&format!("enrich.source_{}", s.source.code())).to_string(),
                    source_code: s.source.code(),
                    waiting,
                    candidates,
                }
            })
            .collect();
        let mut attributes = Vec::new();
        for (key, value) in [
            ("annotation", d.annotation.clone()),
            ("folder", d.folder.clone()),
            ("vapp", d.vapp.clone()),
            ("resource_pool", d.resource_pool.clone()),
            ("os_config", d.os_config.clone()),
            ("os_tools", d.os_tools.clone()),
            ("sheets", d.sheets.join(", ")),
            ("databases", d.databases.join(", ")),
            ("software", d.software.join(", ")),
        ] {
            if !value.is_empty() {
                attributes.push((t.t(&format!("enrich.attribute_{key}")).to_string(), value));
            }
        }
        DiscoveryView {
            url: format!("/engagements/{engagement_id}/workloads/{}/suggestions", w.id),
            back: format!("/engagements/{engagement_id}/workloads/{}", w.id),
            rows,
            attributes,
            serves: d.applications.clone(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty() && self.attributes.is_empty() && self.serves.is_empty()
    }
}

/// Every application name as `<option>`s, for a `<datalist>` filled on demand.
#[derive(Template)]
#[template(path = "workload_application_names.html")]
struct ApplicationNames {
    names: Vec<String>,
}

async fn application_names(State(st): State<AppState>, Path(id): Path<i64>) -> Result<Html<String>, AppError> {
    let names = st
        .db
        .call(move |c| {
            db::engagements::get(c, id)?;
            db::applications::application_names(c, id, i64::MAX)
        })
        .await?;
    render(&ApplicationNames { names })
}

async fn detail_page(State(st): State<AppState>, ctx: PageCtx, Path((id, wid)): Path<(i64, i64)>) -> Result<Html<String>, AppError> {
    let (engagement, workload, links, lists, (states, edited, discovered)) = st
        .db
        .call(move |c| {
            let workload = db::workloads::get(c, id, wid)?;
            let provenance =
                (db::suggestions::states(c, &workload)?, db::suggestions::edited(c, wid)?, db::suggestions::discovered(c, wid)?);
            Ok((db::engagements::get(c, id)?, workload, db::dependencies::links(c, id, wid)?, Suggestions::load(c, id)?, provenance))
        })
        .await?;
    let cells = WORKLOAD_FIELDS.iter().map(|f| CellView::new(&ctx.t, id, &workload, f.name).with_source(&states, &edited)).collect();
    let discovery = DiscoveryView::new(&ctx.t, id, &workload, &states, &discovered);
    let deps = DependenciesView {
        engagement_id: id,
        workload_id: wid,
        workload_name: workload.name.clone(),
        links,
        form: DependencyForm { direction: "depends_on".into(), ..DependencyForm::default() },
        error: None,
        notice: None,
    };
    render(&DetailPage {
        confirm: ctx.t.fmt("workloads.confirm_delete", &[("name", &workload.name)]),
        back: format!("/engagements/{id}/workloads"),
        ctx,
        engagement,
        workload,
        cells,
        deps,
        lists,
        discovery,
    })
}

/// Answers a dependency change: the refreshed section for htmx (with the
/// status), the workload page for a plain form.
#[allow(clippy::too_many_arguments)] // the form's state travels back whole
async fn dependencies_answer(
    st: &AppState,
    ctx: PageCtx,
    id: i64,
    wid: i64,
    status: StatusCode,
    form: DependencyForm,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, AppError> {
    if !ctx.htmx && error.is_none() {
        return Ok(redirect(&ctx, &format!("/engagements/{id}/workloads/{wid}")));
    }
    let (w, links) = st.db.call(move |c| Ok((db::workloads::get(c, id, wid)?, db::dependencies::links(c, id, wid)?))).await?;
    let deps = DependenciesView { engagement_id: id, workload_id: wid, workload_name: w.name, links, form, error, notice };
    Ok((status, render(&DependenciesFragment { ctx, deps })?).into_response())
}

async fn add_dependency(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, wid)): Path<(i64, i64)>,
    Form(form): Form<DependencyForm>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let port = match form.port.trim() {
        "" => Ok(None),
        p => p.parse::<i64>().map(Some).map_err(|_| ctx.t.fmt("workloads.dep_bad_port", &[("port", &p)])),
    };
    let attempt = match port {
        Err(message) => Err(AppError::Invalid(message)),
        Ok(port) => {
            let f = form.clone();
            let t = ctx.t;
            write(&st, move |c| {
                let this = db::workloads::get(c, id, wid)?;
                let other = db::workloads::find_by_name_or_hostname(c, id, &f.other)?
                    .ok_or_else(|| AppError::Invalid(t.fmt("workloads.dep_unknown", &[("name", &f.other.trim())])))?;
                let (from, to) = if f.direction == "used_by" { (&other, &this) } else { (&this, &other) };
                if from.id == to.id {
                    return Err(AppError::Invalid(t.t("workloads.dep_self").to_string()));
                }
                let d = Dependency {
                    from: from.name.clone(),
                    to: to.name.clone(),
                    port,
                    protocol: f.protocol.trim().to_string(),
                    description: f.description.trim().to_string(),
                };
                db::dependencies::add(c, id, from.id, to.id, &d, &actor)?;
                Ok(t.fmt("workloads.dep_added", &[("from", &from.name), ("to", &to.name)]))
            })
            .await
        }
    };
    match attempt {
        Ok(notice) => {
            let fresh = DependencyForm { direction: form.direction, ..DependencyForm::default() };
            dependencies_answer(&st, ctx, id, wid, StatusCode::OK, fresh, None, Some(notice)).await
        }
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let status = e.status();
            dependencies_answer(&st, ctx, id, wid, status, form, Some(e.public_message()), None).await
        }
        Err(e) => Err(e),
    }
}

async fn remove_dependency(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, wid, did)): Path<(i64, i64, i64)>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    write(&st, move |c| db::dependencies::remove(c, id, did, &actor)).await?;
    let form = DependencyForm { direction: "depends_on".into(), ..DependencyForm::default() };
    dependencies_answer(&st, ctx, id, wid, StatusCode::OK, form, None, None).await
}

// ---------------------------------------------------------------------------
// Applications.

#[derive(Template)]
#[template(path = "applications.html")]
struct ApplicationsPage {
    ctx: PageCtx,
    engagement: crate::inventory::Engagement,
    apps: Vec<ApplicationSummary>,
    /// The name search, and how many applications it finds.
    search: String,
    found: String,
    pager: Pager,
    unassigned: i64,
    error: Option<String>,
    new_name: String,
    no_application: &'static str,
}

/// Applications a page: 5,000 editable rows would be a 6 MB page.
const APPLICATIONS_PER_PAGE: usize = 100;

#[derive(Debug, Default, Deserialize)]
struct ApplicationsQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: String,
}

impl ApplicationsPage {
    fn filter_url(&self, application: &str) -> String {
        query_url(self.engagement.id, &WorkloadQuery { application: application.to_string(), ..WorkloadQuery::default() })
    }
    fn unassigned_label(&self) -> String {
        self.ctx.t.fmt("workloads.app_unassigned", &[("n", &thousands(self.unassigned))])
    }
    fn confirm(&self, a: &ApplicationSummary) -> String {
        self.ctx.t.fmt("workloads.app_confirm_delete", &[("name", &a.application.name), ("n", &thousands(a.workloads))])
    }
}

async fn render_applications(
    st: &AppState,
    ctx: PageCtx,
    id: i64,
    query: ApplicationsQuery,
    status: StatusCode,
    error: Option<String>,
    new_name: String,
) -> Result<Response, AppError> {
    let search = query.q.trim().to_string();
    let page = page_number(&query.page);
    let wanted = search.clone();
    let (engagement, (apps, total), unassigned) = st
        .db
        .call(move |c| {
            let per_page = APPLICATIONS_PER_PAGE as i64;
            let mut found = db::applications::find_with_counts(c, id, &wanted, (page as i64 - 1) * per_page, per_page)?;
            if found.0.is_empty() && found.1 > 0 {
                // Past the last page: show the last one.
                let last = (found.1 - 1) / per_page;
                found = db::applications::find_with_counts(c, id, &wanted, last * per_page, per_page)?;
            }
            Ok((db::engagements::get(c, id)?, found, db::applications::unassigned_count(c, id)?))
        })
        .await?;
    let total = total as usize;
    let pager = Pager::new(&ctx.t, total, APPLICATIONS_PER_PAGE, page, "applications-list", |p| {
        let page = p.to_string();
        url_with(&format!("/engagements/{id}/applications"), &[("q", &search), ("page", if p > 1 { &page } else { "" })])
    });
    let found = ctx.t.fmt("workloads.app_found", &[("n", &thousands(total as i64))]);
    let page =
        ApplicationsPage { ctx, engagement, apps, search, found, pager, unassigned, error, new_name, no_application: NO_APPLICATION };
    Ok((status, render(&page)?).into_response())
}

async fn applications_page(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(query): Query<ApplicationsQuery>,
) -> Result<Response, AppError> {
    render_applications(&st, ctx, id, query, StatusCode::OK, None, String::new()).await
}

#[derive(Deserialize)]
struct ApplicationForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    notes: String,
}

/// Runs an application change; refusals show on the applications page.
async fn application_change(
    st: &AppState,
    ctx: PageCtx,
    id: i64,
    typed_name: String,
    change: impl FnOnce(&Connection) -> Result<(), AppError> + Send + 'static,
) -> Result<Response, AppError> {
    let result = write(st, change).await;
    match result {
        Ok(()) => Ok(redirect(&ctx, &format!("/engagements/{id}/applications"))),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let message = e.public_message().trim_start_matches("name: ").to_string();
            render_applications(st, ctx, id, ApplicationsQuery::default(), e.status(), Some(message), typed_name).await
        }
        Err(e) => Err(e),
    }
}

async fn create_application(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(form): Form<ApplicationForm>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let typed = form.name.clone();
    application_change(&st, ctx, id, typed, move |c| {
        db::engagements::get(c, id)?;
        db::applications::create(c, id, &form.name, &form.notes, &actor).map(|_| ())
    })
    .await
}

async fn update_application(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, aid)): Path<(i64, i64)>,
    Form(form): Form<ApplicationForm>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    application_change(&st, ctx, id, String::new(), move |c| {
        db::applications::update(c, id, aid, &form.name, &form.notes, &actor).map(|_| ())
    })
    .await
}

async fn delete_application(State(st): State<AppState>, ctx: PageCtx, Path((id, aid)): Path<(i64, i64)>) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    application_change(&st, ctx, id, String::new(), move |c| db::applications::delete(c, id, aid, &actor)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_urls_round_trip_and_omit_defaults() {
        let q = WorkloadQuery {
            q: "web & db".into(),
            role: "db".into(),
            pending: true,
            sort: "cpu_cores".into(),
            dir: "desc".into(),
            page: 3,
            per_page: 100,
            ..WorkloadQuery::default()
        };
        let url = query_url(7, &q);
        let raw = url.split_once('?').unwrap().1;
        assert_eq!(parse_query(raw.as_bytes()), q);
        assert_eq!(query_url(7, &WorkloadQuery::default()), "/engagements/7/workloads");
    }

    #[test]
    fn hand_edited_queries_fall_back_to_defaults() {
        let q = parse_query(b"sort=name;DROP TABLE workloads&dir=sideways&page=-4&per_page=7&page=x");
        assert_eq!(q.sort, "name");
        assert_eq!(q.dir, "asc");
        assert_eq!(q.page, 1);
        assert_eq!(q.per_page, 50);
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(100000), "100,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
