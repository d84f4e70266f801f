//! The questionnaire: the applications' questions in bulk (paged,
//! searchable) and one application's page with its answers and decision.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use crate::db;
use crate::db::Scope;
use crate::db::assessment::Rescore;
use crate::db::assessment_summary::{ApplicationSummary, DashboardRow, WorkloadChoice};
use crate::db::derived::figures::Figures;
use crate::error::{AppError, quoted};
use crate::i18n::thousands;
use crate::inventory::{Application, Engagement};
use crate::scoring::decision::{DecisionInput, EFFORTS};
use crate::scoring::{Rollup, SubjectKind};
use crate::strategy::Strategy;
use crate::web::{AppState, PageCtx, Pager, page_number, render, url_with};

use super::portfolio::Portfolio;
use super::views::{QuestionView, Row, describe_moves, question_views};

/// Applications per page of the questionnaire.
pub const QUESTIONNAIRE_PAGE_ROWS: usize = 50;

/// Single workloads offered for selection at most (narrowed by the search).
const WORKLOAD_CHOICES: usize = 100;

pub struct AppProgress {
    pub id: i64,
    pub name: String,
    pub answered: usize,
    pub total: usize,
    pub workloads: usize,
    pub recommended: Option<Strategy>,
}

/// The questionnaire's list: part of an application's (or workload's) name,
/// and the page.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct AppSearch {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub page: String,
}

impl AppSearch {
    fn from_fields(fields: &[(String, String)]) -> AppSearch {
        let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
        AppSearch { q: field("q"), page: field("page") }
    }

    fn url(&self, engagement_id: i64, page: usize) -> String {
        let page = if page > 1 { page.to_string() } else { String::new() };
        url_with(&format!("/engagements/{engagement_id}/assessment/questionnaire"), &[("q", self.q.trim()), ("page", &page)])
    }
}

#[derive(Template)]
#[template(path = "assessment_questionnaire.html")]
struct QuestionnairePage {
    ctx: PageCtx,
    engagement: Engagement,
    apps: Vec<AppProgress>,
    workloads: Vec<Row>,
    /// More workloads match than are offered.
    more_workloads: bool,
    questions: Vec<QuestionView>,
    answered: usize,
    total: usize,
    search: AppSearch,
    /// The list is long (or searched): show the search, the pager and "all matching".
    searchable: bool,
    showing: String,
    all_matching_label: String,
    more_workloads_label: String,
    pager: Pager,
    message: Option<String>,
    error: Option<String>,
}

/// What the questionnaire page reads of the engagement.
struct Listing {
    engagement: Engagement,
    /// The applications of the page, and how many match the search.
    listed: (Vec<ApplicationSummary>, i64),
    /// The engagement's applications.
    applications: i64,
    totals: Figures,
    /// The workloads offered for selection, one more than shown when there are more.
    choices: Vec<WorkloadChoice>,
}

/// Reads the page's applications (the last page when `page` is past it), the
/// counts and the workloads offered.
fn listing(c: &rusqlite::Connection, id: i64, needle: &str, page: i64) -> Result<Listing, AppError> {
    let per_page = QUESTIONNAIRE_PAGE_ROWS as i64;
    let mut found = db::assessment_summary::applications(c, id, needle, (page - 1) * per_page, per_page)?;
    if found.0.is_empty() && found.1 > 0 {
        // Past the last page: show the last one.
        found = db::assessment_summary::applications(c, id, needle, (found.1 - 1) / per_page * per_page, per_page)?;
    }
    let applications = db::engagements::counts(c, id)?.1;
    let apps = if needle.is_empty() { Vec::new() } else { db::assessment_summary::application_ids(c, id, needle)? };
    let choices = db::assessment_summary::workload_choices(c, id, needle, &apps, WORKLOAD_CHOICES + 1)?;
    Ok(Listing {
        engagement: db::engagements::get(c, id)?,
        listed: found,
        applications,
        totals: db::derived::figures::get(c, id, db::derived::figures::TOTALS)?,
        choices,
    })
}

/// The workloads offered for selection as table rows, and whether more match.
fn workload_rows(choices: Vec<WorkloadChoice>, t: &crate::i18n::Tr) -> (Vec<Row>, bool) {
    let more_workloads = choices.len() > WORKLOAD_CHOICES;
    let workloads = choices
        .into_iter()
        .take(WORKLOAD_CHOICES)
        .map(|w| {
            let row = DashboardRow {
                id: w.id,
                name: w.name,
                application: w.application,
                environment: w.environment,
                recommended: w.recommended,
                ..DashboardRow::default()
            };
            Row::new(row, t)
        })
        .collect();
    (workloads, more_workloads)
}

async fn questionnaire_page(
    st: &AppState,
    ctx: PageCtx,
    id: i64,
    search: AppSearch,
    message: Option<String>,
    error: Option<String>,
) -> Result<QuestionnairePage, AppError> {
    let page = page_number(&search.page) as i64;
    let needle = search.q.trim().to_string();
    let Listing { engagement, listed: (mut listed, matching), applications, totals, choices } =
        st.db.call(move |c| listing(c, id, &needle, page)).await?;
    let matching = matching as usize;
    let pager = Pager::new(&ctx.t, matching, QUESTIONNAIRE_PAGE_ROWS, page as usize, "questionnaire-apps", |n| search.url(id, n));
    let total_per_app = db::derived::figures::evidence_questions() as usize;
    let apps: Vec<AppProgress> = listed
        .drain(..)
        .map(|a| AppProgress {
            id: a.id,
            name: a.name,
            answered: a.answered.min(total_per_app),
            total: total_per_app,
            workloads: a.workloads,
            recommended: a.recommended,
        })
        .collect();
    let (workloads, more_workloads) = workload_rows(choices, &ctx.t);
    let applications = applications as usize;
    let searchable = applications > QUESTIONNAIRE_PAGE_ROWS || !search.q.trim().is_empty();
    Ok(QuestionnairePage {
        all_matching_label: ctx.t.fmt("assessment.all_matching", &[("n", &thousands(matching))]),
        showing: ctx.t.fmt("assessment.showing_applications", &[("n", &thousands(matching)), ("total", &thousands(applications))]),
        more_workloads_label: ctx.t.fmt("assessment.more_workloads", &[("n", &thousands(WORKLOAD_CHOICES))]),
        answered: totals.answered() as usize,
        total: applications * total_per_app,
        questions: question_views(&ctx.t, |_| None, |_| None),
        ctx,
        engagement,
        apps,
        workloads,
        more_workloads,
        search,
        searchable,
        pager,
        message,
        error,
    })
}

pub(super) async fn questionnaire(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(search): Query<AppSearch>,
) -> Result<Html<String>, AppError> {
    render(&questionnaire_page(&st, ctx, id, search, None, None).await?)
}

/// Reads the answer fields of a form (`q.<question>`). In bulk mode an
/// empty field leaves the answer alone; otherwise it clears it.
pub(super) fn answer_fields(fields: &[(String, String)], bulk: bool) -> Vec<(String, String)> {
    fields
        .iter()
        .filter_map(|(k, v)| k.strip_prefix("q.").map(|q| (q.to_string(), v.clone())))
        .filter(|(_, v)| !(bulk && v.trim().is_empty()))
        .collect()
}

fn ids_field(fields: &[(String, String)], name: &str) -> Result<Vec<i64>, AppError> {
    fields
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.trim().parse::<i64>().map_err(|_| AppError::Invalid(format!("{} is not an id", quoted(v)))))
        .collect()
}

fn saved_message(tr: &crate::i18n::Tr, rescore: &Rescore) -> String {
    let mut lines = vec![tr.t("assessment.saved_rescored").to_string()];
    lines.extend(describe_moves(tr, &rescore.moves));
    lines.join(" ")
}

/// Sets the same answers for every selected application.
pub(super) async fn save_bulk_answers(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let search = AppSearch::from_fields(&fields);
    let all_matching = fields.iter().any(|(k, v)| k == "all_matching" && !v.is_empty());
    let matching: Vec<i64> = if all_matching {
        let needle = search.q.clone();
        st.db.call(move |c| db::assessment_summary::application_ids(c, id, &needle)).await?
    } else {
        Vec::new()
    };
    let subjects = ids_field(&fields, "ids").and_then(|mut apps| {
        // "All matching" adds every application the search finds, listed or not.
        apps.extend(matching);
        apps.sort_unstable();
        apps.dedup();
        let workloads = ids_field(&fields, "wids")?;
        Ok(apps
            .into_iter()
            .map(|a| (SubjectKind::Application, a))
            .chain(workloads.into_iter().map(|w| (SubjectKind::Workload, w)))
            .collect::<Vec<_>>())
    });
    let outcome = match subjects {
        Ok(subjects) => {
            let values = answer_fields(&fields, true);
            st.db.call(move |c| db::assessment::set_answers(c, id, &subjects, &values, &actor)).await
        }
        Err(e) => Err(e),
    };
    let (message, error) = match outcome {
        Ok(r) => (Some(saved_message(&ctx.t, &r)), None),
        Err(e @ (AppError::Invalid(_) | AppError::NotFound(_))) => (None, Some(e.public_message())),
        Err(e) => return Err(e),
    };
    let status = if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    Ok((status, render(&questionnaire_page(&st, ctx, id, search, message, error).await?)?).into_response())
}

#[derive(Template)]
#[template(path = "assessment_application.html")]
struct ApplicationPage {
    ctx: PageCtx,
    engagement: Engagement,
    application: Application,
    questions: Vec<QuestionView>,
    answered: usize,
    total: usize,
    rows: Vec<Row>,
    rollup: Option<Rollup>,
    efforts: &'static [&'static str],
    strategies: [Strategy; 6],
    message: Option<String>,
    error: Option<String>,
}

fn application_view(
    ctx: PageCtx,
    p: Portfolio,
    app: i64,
    message: Option<String>,
    error: Option<String>,
) -> Result<ApplicationPage, AppError> {
    let application = p.application(app)?.clone();
    let questions = question_views(&ctx.t, |q| p.answers.get(SubjectKind::Application, app, q).map(str::to_string), |_| None);
    let (answered, total) = p.progress(app);
    let rows = p.items.iter().filter(|(_, a)| *a == Some(app)).map(|(w, a)| p.row(w, *a, &ctx.t)).collect();
    Ok(ApplicationPage {
        rollup: p.rollup(app),
        ctx,
        engagement: p.engagement,
        application,
        questions,
        answered,
        total,
        rows,
        efforts: EFFORTS,
        strategies: Strategy::ALL,
        message,
        error,
    })
}

pub(super) async fn application_page(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, app)): Path<(i64, i64)>,
) -> Result<Html<String>, AppError> {
    let p = st.db.call(move |c| Portfolio::load_in(c, id, Scope::Application(app))).await?;
    render(&application_view(ctx, p, app, None, None)?)
}

pub(super) async fn save_application_answers(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, app)): Path<(i64, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let values = answer_fields(&fields, false);
    let outcome = st.db.call(move |c| db::assessment::set_answers(c, id, &[(SubjectKind::Application, app)], &values, &actor)).await;
    respond_application(st, ctx, id, app, outcome.map(Some)).await
}

/// Re-renders the application page with the outcome of a change.
async fn respond_application(
    st: AppState,
    ctx: PageCtx,
    id: i64,
    app: i64,
    outcome: Result<Option<Rescore>, AppError>,
) -> Result<Response, AppError> {
    let (message, error) = match outcome {
        Ok(Some(r)) => (Some(saved_message(&ctx.t, &r)), None),
        Ok(None) => (Some(ctx.t.t("assessment.decision_saved").to_string()), None),
        Err(e @ AppError::Invalid(_)) => (None, Some(e.public_message())),
        Err(e) => return Err(e),
    };
    let status = if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    let p = st.db.call(move |c| Portfolio::load_in(c, id, Scope::Application(app))).await?;
    Ok((status, render(&application_view(ctx, p, app, message, error)?)).into_response())
}

/// One decision for every workload of the application (the rationale rule
/// holds per workload).
pub(super) async fn decide_application(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, app)): Path<(i64, i64)>,
    Form(input): Form<DecisionInput>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let outcome = st
        .db
        .call(move |c| {
            let ids = db::applications::workload_ids(c, id, app)?;
            db::decisions::decide(c, id, &ids, &input, &actor)
        })
        .await;
    respond_application(st, ctx, id, app, outcome.map(|_| None)).await
}
