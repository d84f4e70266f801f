//! Cells: one template (workload_cell.html) renders a workload field for
//! display and for editing; a cell is saved alone, refused when someone
//! saved a newer version meanwhile. Read `CellView` first, then the handlers.

use std::collections::HashSet;

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use rusqlite::{Connection, TransactionBehavior};
use serde::Deserialize;

use crate::db;
use crate::db::suggestions::{FieldState, Provenance};
use crate::error::{AppError, quoted};
use crate::i18n::Tr;
use crate::inventory::{FieldKind, Workload};
use crate::web::{AppState, PageCtx, render};

use super::{field_label, is_numeric, suggestions_for};

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
    pub(super) fn new(t: &Tr, engagement_id: i64, w: &Workload, state: &FieldState, page: i64) -> Option<DecideView> {
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
pub(super) struct CellQuery {
    #[serde(default)]
    focus: Option<String>,
}

fn check_field(field: &str) -> Result<&'static str, AppError> {
    crate::inventory::field(field).map(|f| f.name).ok_or_else(|| AppError::NotFound(format!("workload field {}", quoted(field))))
}

async fn load_workload(st: &AppState, id: i64, wid: i64) -> Result<Workload, AppError> {
    st.db.call(move |c| db::workloads::get(c, id, wid)).await
}

/// GET the display cell (what Escape goes back to).
pub(super) async fn show_cell(
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
pub(super) async fn edit_cell(
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
pub(super) struct CellForm {
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
pub(super) async fn save_cell(
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
