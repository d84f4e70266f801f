//! Deciding discovery suggestions: one at a time (from a table cell or the
//! workload page), all of the table's current filter in one action (of
//! one kind or every kind; the application filter makes it "all of an
//! application"), and computing them again.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use super::workloads::{RESULTS_ID, field_label, parse_query, query_url, results_with_notice, write};
use super::{AppState, PageCtx, redirect, safe_local_path};
use crate::db;
use crate::db::suggestions::{Decision, Selection};
use crate::enrich::Field;
use crate::error::AppError;
use crate::i18n::thousands;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/engagements/{id}/suggestions/bulk", post(bulk))
        .route("/engagements/{id}/suggestions/refresh", post(refresh))
        .route("/engagements/{id}/workloads/{wid}/suggestions", post(decide))
}

fn form_value(pairs: &[(String, String)], key: &str) -> String {
    pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.trim().to_string()).unwrap_or_default()
}

fn decision(raw: &str) -> Result<Decision, AppError> {
    match raw {
        "accept" => Ok(Decision::Accept),
        "reject" => Ok(Decision::Reject),
        other => Err(AppError::Invalid(format!("decision: {} is neither accept nor reject", crate::error::quoted(other)))),
    }
}

fn field(raw: &str) -> Result<Field, AppError> {
    Field::parse(raw).ok_or_else(|| AppError::Invalid(format!("{} is not a field sixr suggests values for", crate::error::quoted(raw))))
}

/// POST: accept or reject every waiting suggestion (of a kind, or all) in
/// the workloads the table's filter finds; answers the table again (or,
/// from a plain form, goes back to it).
async fn bulk(State(st): State<AppState>, ctx: PageCtx, Path(id): Path<i64>, body: Bytes) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let query = parse_query(&body);
    let decision = decision(&form_value(&pairs, "decision"))?;
    let kind = form_value(&pairs, "kind");
    let fields = if kind.is_empty() { Vec::new() } else { vec![field(&kind)?] };
    let selection = Selection { fields, query: query.clone() };
    let decided = write(&st, move |c| db::suggestions::decide_bulk(c, id, &selection, decision, &actor)).await?;
    let notice = match (decided.len(), decision) {
        (0, _) => ctx.t.t("enrich.bulk_none").to_string(),
        (n, Decision::Accept) => ctx.t.fmt("enrich.bulk_accepted", &[("n", &thousands(n))]),
        (n, Decision::Reject) => ctx.t.fmt("enrich.bulk_rejected", &[("n", &thousands(n))]),
    };
    if !ctx.wants(RESULTS_ID) {
        return Ok(redirect(&ctx, &query_url(id, &query)));
    }
    results_with_notice(&st, ctx, id, query, Some(notice)).await
}

/// POST: accept (or pick, in a conflict) or reject one suggested value.
/// From the table (aimed at its results) htmx gets the table again;
/// otherwise the browser goes back to the page it came from.
async fn decide(State(st): State<AppState>, ctx: PageCtx, Path((id, wid)): Path<(i64, i64)>, body: Bytes) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let pairs: Vec<(String, String)> = form_urlencoded::parse(&body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let decision = decision(&form_value(&pairs, "decision"))?;
    let field = field(&form_value(&pairs, "field"))?;
    let value = form_value(&pairs, "value");
    let decided = value.clone();
    let name = write(&st, move |c| {
        db::suggestions::decide_one(c, id, wid, field, &decided, decision, &actor)?;
        Ok(db::workloads::get(c, id, wid)?.name)
    })
    .await?;
    if ctx.wants(RESULTS_ID) {
        let key = if decision == Decision::Accept { "enrich.decided_accept" } else { "enrich.decided_reject" };
        let label = field_label(&ctx.t, field.code());
        let notice = ctx.t.fmt(key, &[("field", &label), ("value", &value), ("name", &name)]);
        return results_with_notice(&st, ctx, id, parse_query(&body), Some(notice)).await;
    }
    let back = form_value(&pairs, "back");
    let back = if back.is_empty() { format!("/engagements/{id}/workloads/{wid}") } else { safe_local_path(&back) };
    Ok(redirect(&ctx, &back))
}

/// POST: computes the engagement's suggestions again (after the vocabulary
/// in rules/enrichment.toml changed, say). Audited.
async fn refresh(State(st): State<AppState>, ctx: PageCtx, Path(id): Path<i64>, body: Bytes) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let query = parse_query(&body);
    let done = write(&st, move |c| db::suggestions::recompute(c, id, &actor)).await?;
    if !ctx.wants(RESULTS_ID) {
        return Ok(redirect(&ctx, &query_url(id, &query)));
    }
    let notice = ctx.t.fmt("enrich.refreshed", &[("n", &thousands(done.pending)), ("k", &thousands(done.conflicts))]);
    Ok(results_with_notice(&st, ctx, id, query, Some(notice)).await?.into_response())
}
