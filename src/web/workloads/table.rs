//! The workloads table: the view models of its fragment (`ResultsView`,
//! built from one `TablePage`), the page around it, and the writes that
//! answer with the table again (add, assign an application, delete).

use std::collections::HashMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Form, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use rusqlite::Connection;
use serde::Deserialize;

use crate::db;
use crate::db::suggestions::{FieldState, Waiting};
use crate::db::workloads::{FilterColumn, NO_APPLICATION, PAGE_SIZES, WorkloadPage, WorkloadQuery};
use crate::error::AppError;
use crate::i18n::{Tr, thousands};
use crate::inventory::{ROLES, Workload};
use crate::web::{AppState, PageCtx, Pager, redirect, render, safe_local_path};

use super::cells::{CellView, DecideView};
use super::{ADD_FIELDS, ENVIRONMENTS, RESULTS_ID, TABLE_FIELDS, field_label, is_numeric, parse_query, query_url, suggestions_for, write};

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
    pub page: i64,
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
    /// The rows' suggestion states, by workload; none when no suggestion
    /// waits in the filter (the table marks only those waiting).
    pub states: HashMap<i64, Vec<FieldState>>,
    pub waiting: Waiting,
}

/// Reads a page of the table with its rows' suggestion states and the
/// suggestions waiting in the whole filter.
/// The filter is made once for both (a text search asks its index once).
pub fn load_table(conn: &Connection, id: i64, query: &WorkloadQuery) -> Result<TablePage, AppError> {
    let query = query.clone().normalised();
    let filter = db::workloads::Filter::new(conn, id, &query)?;
    let page = db::workloads::search_in(conn, id, &query, &filter, db::workloads::Fields::Table)?;
    let waiting = db::suggestions::waiting_in(conn, id, &query, &filter)?;
    // The page's rows are in the filter: when nothing waits there, no cell
    // has a suggestion to mark.
    let states = if waiting.total() == 0 { HashMap::new() } else { db::suggestions::states_of(conn, &page.items)? };
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
            page: page.page,
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
    pub(super) fn load(conn: &Connection, id: i64) -> Result<Suggestions, AppError> {
        let many_applications = db::applications::more_than(conn, id, MANY_APPLICATIONS as i64)?;
        let applications =
            if many_applications { Vec::new() } else { db::applications::application_names(conn, id, MANY_APPLICATIONS as i64)? };
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
    let (engagement, page, lists) = st.db.read(move |c| load_list(c, id, &q)).await?;
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

pub(super) async fn list_page(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    RawQuery(raw): RawQuery,
) -> Result<Response, AppError> {
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
pub(super) async fn create(State(st): State<AppState>, ctx: PageCtx, Path(id): Path<i64>, body: Bytes) -> Result<Response, AppError> {
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
pub(super) async fn bulk_application(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, AppError> {
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
    if !ctx.wants(RESULTS_ID) {
        return Ok(redirect(&ctx, &query_url(id, &query)));
    }
    results_with_notice(&st, ctx, id, query, Some(notice)).await
}

/// The table fragment for `query`, with a notice above it after a change.
pub(in crate::web) async fn results_with_notice(
    st: &AppState,
    ctx: PageCtx,
    id: i64,
    query: WorkloadQuery,
    notice: Option<String>,
) -> Result<Response, AppError> {
    let q = query.clone();
    let table = st
        .db
        .read(move |c| {
            db::engagements::get(c, id)?;
            load_table(c, id, &q)
        })
        .await?;
    let mut results = ResultsView::build(&ctx.t, id, query, table);
    results.notice = notice;
    Ok(render(&ResultsFragment { ctx, results })?.into_response())
}

#[derive(Deserialize)]
pub(super) struct DeleteForm {
    /// Where to go afterwards; absent when a table row removes itself.
    #[serde(default)]
    back: String,
}

pub(super) async fn delete(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, wid)): Path<(i64, i64)>,
    Form(form): Form<DeleteForm>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    write(&st, move |c| db::workloads::delete(c, id, wid, &actor)).await?;
    if ctx.wants(&format!("row-{wid}")) {
        // The table row (workloads_results.html) asked to be replaced by nothing.
        return Ok(Html(String::new()).into_response());
    }
    let back = if form.back.is_empty() { format!("/engagements/{id}/workloads") } else { safe_local_path(&form.back) };
    Ok(redirect(&ctx, &back))
}
