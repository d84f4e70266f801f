//! The audit trail of an engagement: who changed what, when, before → after.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use axum::routing::get;
use serde::Deserialize;

use super::{AppState, PageCtx, render};
use crate::audit::Entry;
use crate::db;
use crate::error::AppError;
use crate::inventory::Engagement;

/// How many entries one page shows.
const PAGE: i64 = 500;

pub fn router() -> Router<AppState> {
    Router::new().route("/engagements/{id}/audit", get(trail))
}

#[derive(Deserialize)]
struct Filter {
    entity: Option<String>,
    entity_id: Option<i64>,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    ctx: PageCtx,
    engagement: Engagement,
    entries: Vec<Entry>,
    filtered: bool,
}

async fn trail(State(st): State<AppState>, ctx: PageCtx, Path(id): Path<i64>, Query(f): Query<Filter>) -> Result<Html<String>, AppError> {
    let entity = f.entity.zip(f.entity_id);
    let filtered = entity.is_some();
    let (engagement, entries) = st
        .db
        .call(move |c| {
            let e = db::engagements::get(c, id)?;
            let entries = db::audit_entries(c, id, entity.as_ref().map(|(k, i)| (k.as_str(), *i)), PAGE)?;
            Ok((e, entries))
        })
        .await?;
    render(&AuditPage { ctx, engagement, entries, filtered })
}
