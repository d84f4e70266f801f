//! The assessment pages under /engagements/{id}/assessment: the portfolio
//! dashboard with the preference profile, the questionnaire (per
//! application and in bulk), the reasons of one workload with its decision
//! form, and the JSON read API.
//!
//! Read this file (the routes) first, then `views` (what the pages show),
//! `portfolio` (what they read), and one module a page: `dashboard`,
//! `questionnaire` (with one application), `workload`.

mod dashboard;
mod portfolio;
mod questionnaire;
mod views;
mod workload;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Json;
use axum::routing::{get, post};

use crate::db;
use crate::error::AppError;
use crate::scoring::rulebook;
use crate::web::AppState;

pub fn router() -> Router<AppState> {
    // Load and check the rule book when the app is built, not on first use.
    let _ = rulebook();
    Router::new()
        .route("/engagements/{id}/assessment", get(dashboard::dashboard))
        .route("/engagements/{id}/assessment/profile", post(dashboard::save_profile))
        .route("/engagements/{id}/assessment/questionnaire", get(questionnaire::questionnaire).post(questionnaire::save_bulk_answers))
        .route(
            "/engagements/{id}/assessment/applications/{app}",
            get(questionnaire::application_page).post(questionnaire::save_application_answers),
        )
        .route("/engagements/{id}/assessment/applications/{app}/decision", post(questionnaire::decide_application))
        .route("/engagements/{id}/assessment/workloads/{wid}", get(workload::workload_page))
        .route("/engagements/{id}/assessment/workloads/{wid}/answers", post(workload::save_workload_answers))
        .route("/engagements/{id}/assessment/workloads/{wid}/decision", post(workload::decide_workload))
        .route("/engagements/{id}/assessment/workloads/{wid}/decision/clear", post(workload::clear_decision))
        .route("/api/engagements/{id}/assessment", get(api))
}

/// The JSON read API of the assessment.
async fn api(State(st): State<AppState>, Path(id): Path<i64>) -> Result<Json<serde_json::Value>, AppError> {
    Ok(Json(st.db.call(move |c| db::assessment::assessment_json(c, id)).await?))
}
