//! Engagements: list, create, settings, delete, and the AnyCompany sample.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::auth::current_user;
use super::{AppState, PageCtx, redirect, render};
use crate::accounts::Role;
use crate::db;
use crate::db::engagements::EngagementSummary;
use crate::error::AppError;
use crate::inventory::{CURRENCIES, Engagement, LANGUAGES, REGIONS};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/engagements", get(list).post(create))
        .route("/engagements/sample", post(load_sample))
        .route("/engagements/{id}", get(overview).post(update))
        .route("/engagements/{id}/delete", post(delete))
}

#[derive(Template)]
#[template(path = "engagements.html")]
struct ListPage {
    ctx: PageCtx,
    rows: Vec<EngagementSummary>,
    form: Engagement,
    error: Option<String>,
    regions: &'static [&'static str],
    currencies: &'static [&'static str],
    languages: &'static [&'static str],
}

#[derive(Template)]
#[template(path = "engagement.html")]
struct OverviewPage {
    ctx: PageCtx,
    engagement: Engagement,
    form: Engagement,
    workloads: i64,
    applications: i64,
    error: Option<String>,
    saved: bool,
    regions: &'static [&'static str],
    currencies: &'static [&'static str],
    languages: &'static [&'static str],
}

#[derive(Debug, Deserialize)]
pub struct EngagementForm {
    name: String,
    #[serde(default)]
    customer: String,
    #[serde(default)]
    consultant: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    notes: String,
}

impl EngagementForm {
    fn into_engagement(self, id: i64) -> Engagement {
        Engagement {
            id,
            name: self.name.trim().to_string(),
            customer: self.customer.trim().to_string(),
            consultant: self.consultant.trim().to_string(),
            region: self.region,
            currency: self.currency,
            language: self.language,
            notes: self.notes,
            ..Engagement::default()
        }
    }
}

/// The engagements this user may see: all for an administrator, else their own.
pub(crate) async fn visible_engagements(st: &AppState, ctx: &PageCtx) -> Result<Vec<EngagementSummary>, AppError> {
    let user = current_user(ctx)?.clone();
    st.db
        .call(move |c| {
            let all = db::engagements::list(c)?;
            if user.role == Role::Admin {
                return Ok(all);
            }
            let mine = db::accounts::member_engagements(c, user.id)?;
            Ok(all.into_iter().filter(|e| mine.contains(&e.engagement.id)).collect())
        })
        .await
}

async fn list(State(st): State<AppState>, ctx: PageCtx) -> Result<Html<String>, AppError> {
    let rows = visible_engagements(&st, &ctx).await?;
    let form = Engagement { language: ctx.t.code().to_string(), ..Engagement::default_new() };
    render(&ListPage { ctx, rows, form, error: None, regions: REGIONS, currencies: CURRENCIES, languages: LANGUAGES })
}

async fn create(State(st): State<AppState>, ctx: PageCtx, Form(form): Form<EngagementForm>) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let engagement = form.into_engagement(0);
    let candidate = engagement.clone();
    let user_id = current_user(&ctx)?.id;
    let created = match engagement.validate() {
        // Said in the reader's language; storage checks it again.
        Err(e) => Err(AppError::Invalid(e.text(&ctx.t))),
        Ok(()) => {
            st.db
                .call(move |c| {
                    let tx = c.transaction()?;
                    let created = db::engagements::create(&tx, &candidate, &actor)?;
                    db::accounts::add_member(&tx, created.id, user_id, &actor)?;
                    tx.commit()?;
                    Ok(created)
                })
                .await
        }
    };
    match created {
        Ok(created) => Ok(redirect(&ctx, &format!("/engagements/{}", created.id))),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let rows = visible_engagements(&st, &ctx).await?;
            let page = ListPage {
                ctx,
                rows,
                form: engagement,
                error: Some(e.public_message()),
                regions: REGIONS,
                currencies: CURRENCIES,
                languages: LANGUAGES,
            };
            Ok((e.status(), render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// The engagement with its workload and application counts.
fn with_counts(c: &rusqlite::Connection, id: i64) -> Result<(Engagement, i64, i64), AppError> {
    let (workloads, applications) = db::engagements::counts(c, id)?;
    Ok((db::engagements::get(c, id)?, workloads, applications))
}

async fn overview(State(st): State<AppState>, ctx: PageCtx, Path(id): Path<i64>) -> Result<Html<String>, AppError> {
    let (engagement, workloads, applications) = st.db.call(move |c| with_counts(c, id)).await?;
    render(&OverviewPage {
        ctx,
        form: engagement.clone(),
        engagement,
        workloads,
        applications,
        error: None,
        saved: false,
        regions: REGIONS,
        currencies: CURRENCIES,
        languages: LANGUAGES,
    })
}

async fn update(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(form): Form<EngagementForm>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let candidate = form.into_engagement(id);
    let attempt = candidate.clone();
    let result = match candidate.validate() {
        Err(e) => Err(AppError::Invalid(e.text(&ctx.t))),
        Ok(()) => st.db.call(move |c| db::engagements::update(c, &attempt, &actor)).await,
    };
    let (status, error, saved) = match result {
        Ok(_) => (axum::http::StatusCode::OK, None, true),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => (e.status(), Some(e.public_message()), false),
        Err(e) => return Err(e),
    };
    let (engagement, workloads, applications) = st.db.call(move |c| with_counts(c, id)).await?;
    let form = if saved { engagement.clone() } else { candidate };
    let page = OverviewPage {
        ctx,
        engagement,
        form,
        workloads,
        applications,
        error,
        saved,
        regions: REGIONS,
        currencies: CURRENCIES,
        languages: LANGUAGES,
    };
    Ok((status, render(&page)?).into_response())
}

async fn delete(State(st): State<AppState>, ctx: PageCtx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    st.db.call(move |c| db::engagements::delete(c, id, &actor)).await?;
    Ok(redirect(&ctx, "/engagements"))
}

/// Creates (or refreshes) the AnyCompany engagement from the shipped sample.
async fn load_sample(State(st): State<AppState>, ctx: PageCtx) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let user_id = current_user(&ctx)?.id;
    let id = st
        .db
        .call(move |c| {
            let id = crate::service::import::load_anycompany_sample(c, &actor)?;
            db::accounts::add_member(c, id, user_id, &actor)?;
            Ok(id)
        })
        .await?;
    Ok(redirect(&ctx, &format!("/engagements/{id}")))
}
