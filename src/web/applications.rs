//! The applications page under /engagements/{id}/applications: the paged,
//! searchable list with each application's workload count, and creating,
//! renaming and deleting applications.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use rusqlite::Connection;
use serde::Deserialize;

use super::{AppState, PageCtx, Pager, page_number, redirect, render, url_with};
use crate::db;
use crate::db::applications::ApplicationSummary;
use crate::db::workloads::{NO_APPLICATION, WorkloadQuery};
use crate::error::AppError;
use crate::i18n::thousands;

use super::workloads::{query_url, write};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/engagements/{id}/applications", get(applications_page).post(create_application))
        .route("/engagements/{id}/applications/{aid}", post(update_application))
        .route("/engagements/{id}/applications/{aid}/delete", post(delete_application))
}

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
