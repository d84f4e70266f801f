//! The JSON API, read side: engagements and their workloads, for scripts
//! and the other tools of an engagement. Errors answer JSON too, as on
//! every `/api` route (`web::errors`).

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::response::Json;
use axum::routing::get;
use serde_json::{Value, json};

use super::AppState;
use super::workloads::parse_query;
use crate::db;
use crate::db::dependencies::Link;
use crate::error::AppError;
use crate::inventory::Workload;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/engagements", get(engagements))
        .route("/api/engagements/{id}", get(engagement))
        .route("/api/engagements/{id}/workloads", get(workloads))
        .route("/api/engagements/{id}/workloads/{wid}", get(workload))
}

/// An error answers `{"error": "..."}` with its status (`web::errors`).
type ApiResult = Result<Json<Value>, AppError>;

fn to_json(v: impl serde::Serialize) -> Result<Value, AppError> {
    serde_json::to_value(v).map_err(|e| AppError::Internal(format!("json: {e}")))
}

/// The engagements the user may see, most recently changed first, with their counts.
async fn engagements(State(st): State<AppState>, ctx: super::PageCtx) -> ApiResult {
    let rows = super::engagements::visible_engagements(&st, &ctx).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut v = to_json(&row.engagement)?;
        v["workloads"] = json!(row.workloads);
        v["applications"] = json!(row.applications);
        out.push(v);
    }
    Ok(Json(Value::Array(out)))
}

async fn engagement(State(st): State<AppState>, Path(id): Path<i64>) -> ApiResult {
    let (e, workloads, applications) = st
        .db
        .call(move |c| Ok((db::engagements::get(c, id)?, db::engagements::counts(c, id)?.0, db::applications::list_with_counts(c, id)?)))
        .await?;
    let mut v = to_json(&e)?;
    v["workloads"] = json!(workloads);
    v["applications"] = to_json(&applications)?;
    Ok(Json(v))
}

/// One page of workloads; the query string is the workloads page's (q,
/// application, environment, role, os, sort, dir, page, per_page).
async fn workloads(State(st): State<AppState>, Path(id): Path<i64>, RawQuery(raw): RawQuery) -> ApiResult {
    let query = parse_query(raw.unwrap_or_default().as_bytes());
    let page = st
        .db
        .call(move |c| {
            db::engagements::get(c, id)?;
            db::workloads::search(c, id, &query)
        })
        .await?;
    Ok(Json(to_json(&page)?))
}

/// A workload with its dependencies both ways.
#[derive(serde::Serialize)]
struct WorkloadWithLinks {
    #[serde(flatten)]
    workload: Workload,
    depends_on: Vec<Link>,
    used_by: Vec<Link>,
}

async fn workload(State(st): State<AppState>, Path((id, wid)): Path<(i64, i64)>) -> ApiResult {
    let (workload, links) = st.db.call(move |c| Ok((db::workloads::get(c, id, wid)?, db::dependencies::links(c, id, wid)?))).await?;
    Ok(Json(to_json(WorkloadWithLinks { workload, depends_on: links.depends_on, used_by: links.used_by })?))
}
