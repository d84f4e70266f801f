//! One workload: the reasons of its recommendation, its own answers, and
//! the consultant's decision (made, changed or cleared).

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::{Html, IntoResponse, Response};

use crate::db;
use crate::db::Scope;
use crate::db::decisions::StoredDecision;
use crate::error::AppError;
use crate::inventory::{Engagement, Workload};
use crate::scoring::decision::{DecisionInput, EFFORTS};
use crate::scoring::{Assessment, Mark, SubjectKind, rulebook};
use crate::strategy::Strategy;
use crate::web::{AppState, PageCtx, redirect, render};

use super::portfolio::Portfolio;
use super::questionnaire::answer_fields;
use super::views::{QuestionView, label_or, question_views};

pub struct ScoreView {
    pub strategy: Strategy,
    pub score: f64,
    pub mark: Mark,
    pub mark_label: String,
    /// Bar length in percent of the highest score.
    pub bar: i64,
}

#[derive(Template)]
#[template(path = "assessment_workload.html")]
struct WorkloadPage {
    ctx: PageCtx,
    engagement: Engagement,
    workload: Workload,
    application_id: Option<i64>,
    assessment: Assessment,
    scores: Vec<ScoreView>,
    missing: Vec<String>,
    decision: Option<StoredDecision>,
    form: DecisionInput,
    questions: Vec<QuestionView>,
    efforts: &'static [&'static str],
    strategies: [Strategy; 6],
    error: Option<String>,
}

fn workload_view(
    ctx: PageCtx,
    p: &Portfolio,
    wid: i64,
    form: Option<DecisionInput>,
    error: Option<String>,
) -> Result<WorkloadPage, AppError> {
    let (workload, app) =
        p.items.iter().find(|(w, _)| w.id == wid).cloned().ok_or_else(|| AppError::NotFound(format!("workload {wid}")))?;
    let assessment = p.assessments.get(&wid).cloned().ok_or_else(|| AppError::Internal(format!("workload {wid} was not scored")))?;
    let top = assessment.scores.values().cloned().fold(0.0f64, f64::max).max(1.0);
    let scores = Strategy::ALL
        .into_iter()
        .map(|s| ScoreView {
            strategy: s,
            score: assessment.score(s),
            mark: assessment.mark(s),
            mark_label: ctx.t.t(&format!("assessment.mark_{}", assessment.mark(s).code())).to_string(),
            bar: ((assessment.score(s).max(0.0) / top) * 100.0).round() as i64,
        })
        .collect();
    let book = rulebook();
    let missing = assessment
        .missing
        .iter()
        .map(|m| match m.strip_prefix("answer.").and_then(|q| book.question(q)) {
            Some(q) => q.text(ctx.t.lang).to_string(),
            None => label_or(&ctx.t, &format!("assessment.fact_{m}"), m),
        })
        .collect();
    let decision = p.decisions.get(&wid).cloned();
    let form = form.unwrap_or_else(|| match &decision {
        Some(d) => DecisionInput {
            strategy: d.decision.strategy.code().into(),
            rationale: d.decision.rationale.clone(),
            effort: d.decision.effort.clone(),
            criticality: d.decision.criticality.map(|v| v.to_string()).unwrap_or_default(),
            priority: d.decision.priority.map(|v| v.to_string()).unwrap_or_default(),
            version: None,
        },
        None => DecisionInput { strategy: assessment.recommended.code().into(), ..DecisionInput::default() },
    });
    let questions = question_views(
        &ctx.t,
        |q| p.answers.get(SubjectKind::Workload, wid, q).map(str::to_string),
        |q| app.and_then(|a| p.answers.get(SubjectKind::Application, a, q)).map(str::to_string),
    );
    Ok(WorkloadPage {
        ctx,
        engagement: p.engagement.clone(),
        workload,
        application_id: app,
        assessment,
        scores,
        missing,
        decision,
        form,
        questions,
        efforts: EFFORTS,
        strategies: Strategy::ALL,
        error,
    })
}

pub(super) async fn workload_page(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, wid)): Path<(i64, i64)>,
) -> Result<Html<String>, AppError> {
    let p = st.db.call(move |c| Portfolio::load_in(c, id, Scope::Workload(wid))).await?;
    render(&workload_view(ctx, &p, wid, None, None)?)
}

pub(super) async fn decide_workload(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, wid)): Path<(i64, i64)>,
    Form(input): Form<DecisionInput>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let attempt = input.clone();
    match st.db.call(move |c| db::decisions::decide(c, id, &[wid], &attempt, &actor)).await {
        Ok(_) => Ok(redirect(&ctx, &format!("/engagements/{id}/assessment/workloads/{wid}"))),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let p = st.db.call(move |c| Portfolio::load_in(c, id, Scope::Workload(wid))).await?;
            // Someone decided since the form was opened: their decision is on
            // the page now, the consultant's choice stays in the form, and
            // saving again (from the newer version) replaces it knowingly.
            let message = match (&e, p.decisions.get(&wid)) {
                (AppError::Conflict(_), Some(now)) => {
                    ctx.t.fmt("assessment.decision_stale", &[("by", &now.decided_by), ("at", &now.decided_at)])
                }
                (AppError::Conflict(_), None) => ctx.t.t("assessment.decision_cleared_meanwhile").to_string(),
                _ => e.public_message(),
            };
            let page = workload_view(ctx, &p, wid, Some(input), Some(message))?;
            Ok((e.status(), render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn clear_decision(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, wid)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    st.db.call(move |c| db::decisions::clear(c, id, wid, &actor)).await?;
    Ok(redirect(&ctx, &format!("/engagements/{id}/assessment/workloads/{wid}")))
}

pub(super) async fn save_workload_answers(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, wid)): Path<(i64, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let values = answer_fields(&fields, false);
    match st.db.call(move |c| db::assessment::set_answers(c, id, &[(SubjectKind::Workload, wid)], &values, &actor)).await {
        Ok(_) => Ok(redirect(&ctx, &format!("/engagements/{id}/assessment/workloads/{wid}"))),
        Err(e @ AppError::Invalid(_)) => {
            let p = st.db.call(move |c| Portfolio::load_in(c, id, Scope::Workload(wid))).await?;
            let page = workload_view(ctx, &p, wid, None, Some(e.public_message()))?;
            Ok((e.status(), render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}
