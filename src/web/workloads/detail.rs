//! One workload's page: every field as a cell, its dependencies both ways
//! (added and removed in place), and the discovery card.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use crate::db;
use crate::db::dependencies::Links;
use crate::db::suggestions::{FieldState, Provenance};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::inventory::{Dependency, WORKLOAD_FIELDS, Workload};
use crate::web::{AppState, PageCtx, redirect, render};

use super::cells::{CandidateView, CellView, DecideView};
use super::table::Suggestions;
use super::{field_label, write};

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

/// The id of the dependencies section (workload_dependencies.html).
const DEPENDENCIES_ID: &str = "dependencies";

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

pub(super) async fn application_names(State(st): State<AppState>, Path(id): Path<i64>) -> Result<Html<String>, AppError> {
    let names = st
        .db
        .call(move |c| {
            db::engagements::get(c, id)?;
            db::applications::application_names(c, id, i64::MAX)
        })
        .await?;
    render(&ApplicationNames { names })
}

pub(super) async fn detail_page(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, wid)): Path<(i64, i64)>,
) -> Result<Html<String>, AppError> {
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

/// Answers a dependency change: the refreshed section when htmx aims at
/// it or the change was refused (with the status), the workload page
/// otherwise.
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
    if !ctx.wants(DEPENDENCIES_ID) && error.is_none() {
        return Ok(redirect(&ctx, &format!("/engagements/{id}/workloads/{wid}")));
    }
    let (w, links) = st.db.call(move |c| Ok((db::workloads::get(c, id, wid)?, db::dependencies::links(c, id, wid)?))).await?;
    let deps = DependenciesView { engagement_id: id, workload_id: wid, workload_name: w.name, links, form, error, notice };
    Ok((status, render(&DependenciesFragment { ctx, deps })?).into_response())
}

pub(super) async fn add_dependency(
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

pub(super) async fn remove_dependency(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, wid, did)): Path<(i64, i64, i64)>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    write(&st, move |c| db::dependencies::remove(c, id, did, &actor)).await?;
    let form = DependencyForm { direction: "depends_on".into(), ..DependencyForm::default() };
    dependencies_answer(&st, ctx, id, wid, StatusCode::OK, form, None, None).await
}
