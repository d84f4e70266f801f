//! The assessment pages under /engagements/{id}/assessment: the portfolio
//! dashboard with the preference profile, the questionnaire (per
//! application and in bulk), the reasons of one workload with its decision
//! form, and the JSON read API.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, IntoResponse, Json, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::engagements::LOCAL_ACTOR;
use super::{AppState, PageCtx, Pager, page_number, redirect, render, url_with};
use crate::db;
use crate::db::assessment::{Move, Rescore, Scope};
use crate::db::assessment_summary::{ApplicationSummary, AssessmentSummary, RowText, SummaryRow, confidence_band};
use crate::db::decisions::StoredDecision;
use crate::error::{AppError, quoted};
use crate::i18n::thousands;
use crate::inventory::{Application, Engagement, Workload};
use crate::scoring::decision::{DecisionInput, EFFORTS};
use crate::scoring::rules::QuestionKind;
use crate::scoring::{AnswerBook, Assessment, Hosting, Mark, Profile, Rollup, Severity, SubjectKind, roll_up, rulebook};
use crate::strategy::Strategy;

pub fn router() -> Router<AppState> {
    // Load and check the rule book when the app is built, not on first use.
    let _ = rulebook();
    Router::new()
        .route("/engagements/{id}/assessment", get(dashboard))
        .route("/engagements/{id}/assessment/profile", post(save_profile))
        .route("/engagements/{id}/assessment/questionnaire", get(questionnaire).post(save_bulk_answers))
        .route("/engagements/{id}/assessment/applications/{app}", get(application_page).post(save_application_answers))
        .route("/engagements/{id}/assessment/applications/{app}/decision", post(decide_application))
        .route("/engagements/{id}/assessment/workloads/{wid}", get(workload_page))
        .route("/engagements/{id}/assessment/workloads/{wid}/answers", post(save_workload_answers))
        .route("/engagements/{id}/assessment/workloads/{wid}/decision", post(decide_workload))
        .route("/engagements/{id}/assessment/workloads/{wid}/decision/clear", post(clear_decision))
        .route("/api/engagements/{id}/assessment", get(api))
}

// ---------------------------------------------------------------------------
// What the pages show

/// Strategy colours, the same as the `.badge` classes of static/app.css
/// (inline here so the SVG also renders outside the page, e.g. in the PDF).
pub fn strategy_colour(s: Strategy) -> &'static str {
    match s {
        Strategy::Rehost => "#4c78a8",
        Strategy::Replatform => "#2f9e6f",
        Strategy::Refactor => "#8e5cc2",
        Strategy::Retire => "#8a8f98",
        Strategy::Retain => "#c98a1b",
        Strategy::Repurchase => "#d1495b",
    }
}

pub struct ChartBar {
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
    pub colour: &'static str,
    pub opacity: &'static str,
    pub count: usize,
    pub title: String,
}

pub struct ChartLabel {
    pub x: i64,
    pub text: String,
}

/// Recommended vs decided counts per strategy as a bar chart.
#[derive(Template)]
#[template(path = "assessment_chart.svg")]
pub struct ChartSvg {
    pub title: String,
    pub width: i64,
    pub height: i64,
    pub baseline: i64,
    pub bars: Vec<ChartBar>,
    pub labels: Vec<ChartLabel>,
    pub legend_recommended: String,
    pub legend_decided: String,
}

impl ChartSvg {
    /// `counts`: (strategy, recommended, decided) in `Strategy::ALL` order.
    pub fn new(tr: &crate::i18n::Tr, counts: &[(Strategy, usize, usize)]) -> ChartSvg {
        const GROUP: i64 = 100;
        const BAR: i64 = 34;
        const TOP: i64 = 36;
        const BASE: i64 = 210;
        let max = counts.iter().map(|(_, r, d)| (*r).max(*d)).max().unwrap_or(0).max(1) as i64;
        let mut bars = Vec::new();
        let mut labels = Vec::new();
        for (i, (s, rec, dec)) in counts.iter().enumerate() {
            let x0 = 20 + i as i64 * GROUP;
            for (offset, count, opacity, what) in
                [(8, *rec, "0.45", tr.t("assessment.recommended")), (8 + BAR + 4, *dec, "1", tr.t("assessment.decided"))]
            {
                let height = (count as i64 * (BASE - TOP)) / max;
                bars.push(ChartBar {
                    x: x0 + offset,
                    y: BASE - height,
                    width: BAR,
                    height,
                    colour: strategy_colour(*s),
                    opacity,
                    count,
                    title: format!("{} · {what}: {}", s.label(tr.lang), thousands(count)),
                });
            }
            labels.push(ChartLabel { x: x0 + GROUP / 2 - 8, text: s.label(tr.lang).to_string() });
        }
        ChartSvg {
            title: tr.t("assessment.chart_title").to_string(),
            width: 20 + 6 * GROUP,
            height: BASE + 30,
            baseline: BASE,
            bars,
            labels,
            legend_recommended: tr.t("assessment.recommended").to_string(),
            legend_decided: tr.t("assessment.decided").to_string(),
        }
    }
}

pub struct EosBar {
    pub x: i64,
    pub width: i64,
    pub top: i64,
    pub past_y: i64,
    pub past_height: i64,
    pub coming_y: i64,
    pub coming_height: i64,
    pub total: usize,
    pub label: String,
    /// Quarter labels are longer: a smaller font.
    pub small: bool,
    pub title: String,
}

/// How many workloads reach end of support per period (knowledge::timeline),
/// the past in red, the rest in amber.
#[derive(Template)]
#[template(path = "assessment_eos.svg")]
pub struct EosChartSvg {
    pub title: String,
    pub width: i64,
    pub height: i64,
    pub baseline: i64,
    pub bars: Vec<EosBar>,
    pub legend_past: String,
    pub legend_coming: String,
}

impl EosChartSvg {
    pub fn new(tr: &crate::i18n::Tr, buckets: &[crate::knowledge::timeline::Bucket]) -> EosChartSvg {
        const SLOT: i64 = 52;
        const BAR: i64 = 34;
        const TOP: i64 = 40;
        const BASE: i64 = 190;
        let max = buckets.iter().map(|b| b.total()).max().unwrap_or(0).max(1) as i64;
        let (past, coming) = (tr.t("assessment.eos_past"), tr.t("assessment.eos_coming"));
        let bars = buckets
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let x = 12 + i as i64 * SLOT + (SLOT - BAR) / 2;
                let past_height = b.past as i64 * (BASE - TOP) / max;
                let coming_height = b.coming as i64 * (BASE - TOP) / max;
                EosBar {
                    x,
                    width: BAR,
                    top: BASE - past_height - coming_height,
                    past_y: BASE - past_height,
                    past_height,
                    coming_y: BASE - past_height - coming_height,
                    coming_height,
                    total: b.total(),
                    label: b.label.clone(),
                    small: b.label.contains('Q'),
                    title: format!("{}: {past} {}, {coming} {}", b.label, thousands(b.past), thousands(b.coming)),
                }
            })
            .collect();
        EosChartSvg {
            title: tr.t("assessment.eos_title").to_string(),
            width: 24 + buckets.len().max(6) as i64 * SLOT,
            height: BASE + 24,
            baseline: BASE,
            bars,
            legend_past: past.to_string(),
            legend_coming: coming.to_string(),
        }
    }
}

/// One row of the portfolio table.
pub struct Row {
    pub id: i64,
    pub name: String,
    pub application: String,
    pub application_id: Option<i64>,
    pub environment: String,
    pub recommended: Option<Strategy>,
    pub decided: Option<Strategy>,
    pub confidence: f64,
    pub top_risk: Option<Severity>,
    pub risk_label: String,
    pub summary: String,
}

impl Row {
    pub fn effective(&self) -> Option<Strategy> {
        self.decided.or(self.recommended)
    }
    pub fn confidence_pct(&self) -> i64 {
        (self.confidence * 100.0).round() as i64
    }
    pub fn confidence_band(&self) -> &'static str {
        confidence_band(self.confidence)
    }
}

/// A question as a form shows it.
pub struct QuestionView {
    pub id: String,
    pub text: String,
    pub kind: &'static str,
    /// (value, label) of the radio buttons / options.
    pub options: Vec<(String, String)>,
    /// The current answer (normalised), empty when unknown.
    pub value: String,
    /// What the workload inherits from its application (workload page).
    pub inherited: String,
    pub evidence: bool,
}

fn question_views(
    tr: &crate::i18n::Tr,
    answer: impl Fn(&str) -> Option<String>,
    inherited: impl Fn(&str) -> Option<String>,
) -> Vec<QuestionView> {
    rulebook()
        .questions
        .iter()
        .map(|q| {
            let options = match q.kind {
                QuestionKind::YesNo => {
                    vec![("yes".to_string(), tr.t("assessment.yes").to_string()), ("no".to_string(), tr.t("assessment.no").to_string())]
                }
                QuestionKind::Choice => q.options.iter().map(|o| (o.clone(), capitalised(q.option_label(o, tr.lang)))).collect(),
                _ => Vec::new(),
            };
            let normal = |raw: Option<String>| raw.map(|r| db::assessment::check_answer(&q.id, &r).unwrap_or(r)).unwrap_or_default();
            QuestionView {
                id: q.id.clone(),
                text: q.text(tr.lang).to_string(),
                kind: match q.kind {
                    QuestionKind::YesNo => "yes_no",
                    QuestionKind::Choice => "choice",
                    QuestionKind::Number => "number",
                    QuestionKind::Text => "text",
                },
                options,
                value: normal(answer(&q.id)),
                inherited: normal(inherited(&q.id)),
                evidence: q.evidence,
            }
        })
        .collect()
}

/// "latency to local equipment" → "Latency to local equipment" (labels
/// are lower-case for use inside sentences).
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The message for `key`, or `fallback` when the catalogue has none.
fn label_or(tr: &crate::i18n::Tr, key: &str, fallback: &str) -> String {
    let label = tr.t(key);
    if label == key { fallback.to_string() } else { label.to_string() }
}

fn hosting_options(tr: &crate::i18n::Tr) -> Vec<(String, String)> {
    Hosting::ALL.iter().map(|h| (h.code().to_string(), tr.t(&format!("assessment.hosting_{}", h.code())).to_string())).collect()
}

/// "3 workloads moved from Rehost to Replatform".
fn describe_moves(tr: &crate::i18n::Tr, moves: &[Move]) -> Vec<String> {
    moves
        .iter()
        .map(|m| match m.from {
            Some(from) => {
                tr.fmt("assessment.moved", &[("n", &thousands(m.count)), ("from", &from.label(tr.lang)), ("to", &m.to.label(tr.lang))])
            }
            None => tr.fmt("assessment.newly_scored", &[("n", &thousands(m.count)), ("to", &m.to.label(tr.lang))]),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Loading

/// Everything the assessment pages read about an engagement.
struct Portfolio {
    engagement: Engagement,
    items: Vec<(Workload, Option<i64>)>,
    assessments: HashMap<i64, Assessment>,
    decisions: HashMap<i64, StoredDecision>,
    answers: AnswerBook,
    applications: Vec<Application>,
}

impl Portfolio {
    /// Loads the portfolio; workloads never scored, or edited since, are
    /// scored now so that no page is stale.
    /// The part of the portfolio one page is about: an application page
    /// reads that application's workloads and answers, not the engagement's.
    fn load_in(conn: &rusqlite::Connection, id: i64, scope: Scope) -> Result<Portfolio, AppError> {
        let engagement = db::engagements::get(conn, id)?;
        let applications = match scope {
            Scope::Engagement => db::workloads::applications(conn, id)?,
            Scope::Application(app) => vec![db::applications::get(conn, id, app)?],
            Scope::Workload(_) => Vec::new(),
        };
        db::assessment::ensure_scored(conn, id)?;
        // One snapshot: the workloads, their assessments and decisions agree.
        let snapshot = conn.unchecked_transaction()?;
        let portfolio = Portfolio {
            engagement,
            items: db::assessment::items_in(&snapshot, id, scope)?,
            assessments: db::assessment::stored_in(&snapshot, id, scope)?,
            decisions: db::decisions::list_in(&snapshot, id, scope)?,
            answers: db::assessment::answers_in(&snapshot, id, scope)?,
            applications,
        };
        snapshot.rollback()?;
        Ok(portfolio)
    }

    fn row(&self, w: &Workload, app: Option<i64>, tr: &crate::i18n::Tr) -> Row {
        let lang = tr.lang;
        let a = self.assessments.get(&w.id);
        let top_risk = a.and_then(|a| a.risks.iter().map(|r| r.severity).min());
        Row {
            risk_label: top_risk.map(|s| severity_label(tr, s)).unwrap_or_default(),
            id: w.id,
            name: w.name.clone(),
            application: w.application.clone(),
            application_id: app,
            environment: w.environment.clone(),
            recommended: a.map(|a| a.recommended),
            decided: self.decisions.get(&w.id).map(|d| d.decision.strategy),
            confidence: a.map_or(0.0, |a| a.confidence),
            top_risk,
            summary: a
                .and_then(|a| a.reasons.iter().find(|r| r.gate.is_some() || r.points.contains_key(&a.recommended)))
                .map(|r| r.text(lang).to_string())
                .unwrap_or_default(),
        }
    }

    fn rollup(&self, app: i64) -> Option<Rollup> {
        let list: Vec<&Assessment> =
            self.items.iter().filter(|(_, a)| *a == Some(app)).filter_map(|(w, _)| self.assessments.get(&w.id)).collect();
        if list.is_empty() { None } else { Some(roll_up(&list)) }
    }

    fn application(&self, app: i64) -> Result<&Application, AppError> {
        self.applications.iter().find(|a| a.id == app).ok_or_else(|| AppError::NotFound(format!("application {app}")))
    }

    /// Evidence questions unanswered for an application (out of how many).
    fn progress(&self, app: i64) -> (usize, usize) {
        let total = rulebook().questions.iter().filter(|q| q.evidence).count();
        (total - db::assessment::unanswered(&self.answers, SubjectKind::Application, &[app]), total)
    }
}

// ---------------------------------------------------------------------------
// Dashboard

/// Rows per page of the portfolio table.
pub const DASHBOARD_PAGE_ROWS: usize = 100;

/// Up to this many applications the filter offers them in a list; beyond,
/// the user types part of the name (a list of thousands is no use and heavy).
const APPLICATION_CHOICES: usize = 200;

#[derive(Debug, Default, Deserialize, Clone)]
pub struct Filter {
    #[serde(default)]
    pub strategy: String,
    /// An application id, or "none" for workloads without one.
    #[serde(default)]
    pub application: String,
    /// Part of an application's name (large portfolios).
    #[serde(default)]
    pub application_name: String,
    #[serde(default)]
    pub environment: String,
    #[serde(default)]
    pub confidence: String,
    #[serde(default)]
    pub page: String,
}

impl Filter {
    /// The filter as a test on summary rows; a value that names nothing
    /// (an unknown strategy or environment) keeps no row.
    fn matcher<'s>(&self, summary: &'s AssessmentSummary) -> impl Fn(&SummaryRow) -> bool + 's {
        let strategy = (!self.strategy.is_empty()).then(|| Strategy::parse(&self.strategy));
        let application: Option<Option<Option<i64>>> = match self.application.trim() {
            "" => None,
            "none" => Some(Some(None)),
            id => Some(id.parse::<i64>().ok().map(Some)),
        };
        let environment = (!self.environment.is_empty()).then(|| summary.environment_index(&self.environment));
        let confidence = self.confidence.clone();
        let needle = self.application_name.trim().to_lowercase();
        let named: Option<HashSet<i64>> = (!needle.is_empty())
            .then(|| summary.applications.iter().filter(|a| a.name.to_lowercase().contains(&needle)).map(|a| a.id).collect());
        move |r: &SummaryRow| {
            strategy.is_none_or(|s| s.is_some() && r.effective() == s)
                && application.is_none_or(|a| a.is_some_and(|a| r.application == a))
                && environment.is_none_or(|e| e.is_some_and(|e| AssessmentSummary::in_environment(r, e)))
                && (confidence.is_empty() || confidence_band(r.confidence) == confidence)
                && named.as_ref().is_none_or(|ids| r.application.is_some_and(|a| ids.contains(&a)))
        }
    }

    /// True when the filter keeps every row.
    fn is_empty(&self) -> bool {
        // As `matcher` reads them: names trimmed, codes as given.
        self.strategy.is_empty()
            && self.application.trim().is_empty()
            && self.application_name.trim().is_empty()
            && self.environment.is_empty()
            && self.confidence.is_empty()
    }

    /// The dashboard address with this filter at page `page`.
    fn url(&self, engagement_id: i64, page: usize) -> String {
        let page = if page > 1 { page.to_string() } else { String::new() };
        url_with(
            &format!("/engagements/{engagement_id}/assessment"),
            &[
                ("strategy", &self.strategy),
                ("application", &self.application),
                ("application_name", &self.application_name),
                ("environment", &self.environment),
                ("confidence", &self.confidence),
                ("page", &page),
            ],
        )
    }
}

pub struct GoalView {
    pub key: &'static str,
    pub label: String,
    pub value: u8,
}

pub struct SelectView {
    pub key: &'static str,
    pub label: String,
    pub value: String,
    pub options: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct DashboardPage {
    ctx: PageCtx,
    engagement: Engagement,
    chart: String,
    /// The end-of-support timeline, empty when no workload has a date.
    eos_chart: String,
    counts: Vec<(Strategy, usize, usize)>,
    rows: Vec<Row>,
    total: usize,
    open_questions: usize,
    unassigned: usize,
    low_confidence: usize,
    risks: Vec<(Severity, usize, String)>,
    in_applications: String,
    showing: String,
    pager: Pager,
    bands: Vec<(&'static str, String)>,
    filter: Filter,
    /// The applications to pick from, or empty when there are too many to list.
    applications: Vec<(i64, String)>,
    application_search: bool,
    environments: Vec<String>,
    goals: Vec<GoalView>,
    hosting: Vec<SelectView>,
    changes: Vec<String>,
    error: Option<String>,
}

/// What the dashboard reads per request: the kept summary, and for the rows
/// of the page shown their names and reasons.
struct DashboardData {
    engagement: Engagement,
    profile: Profile,
    summary: Arc<AssessmentSummary>,
    /// How many rows the filter keeps.
    matching: usize,
    /// Indices into `summary.rows` of the kept rows on the page shown.
    shown: Vec<u32>,
    pager: Pager,
    texts: Vec<RowText>,
}

async fn dashboard_data(st: &AppState, ctx: &PageCtx, id: i64, filter: &Filter) -> Result<DashboardData, AppError> {
    let summary = st.views.assessment(&st.db, id).await?;
    // Counted first, then only the page's rows are collected: no list of
    // 100,000 indices per request, and no pass at all without a filter.
    let (matching, pager, shown) = {
        let url = |n| filter.url(id, n);
        let page = page_number(&filter.page);
        if filter.is_empty() {
            let pager = Pager::new(&ctx.t, summary.rows.len(), DASHBOARD_PAGE_ROWS, page, "portfolio-table", url);
            let shown = pager.range(summary.rows.len(), DASHBOARD_PAGE_ROWS).map(|i| i as u32).collect::<Vec<_>>();
            (summary.rows.len(), pager, shown)
        } else {
            let keeps = filter.matcher(&summary);
            let matching = summary.rows.iter().filter(|r| keeps(r)).count();
            let pager = Pager::new(&ctx.t, matching, DASHBOARD_PAGE_ROWS, page, "portfolio-table", url);
            let range = pager.range(matching, DASHBOARD_PAGE_ROWS);
            let shown = (0u32..)
                .zip(&summary.rows)
                .filter(|(_, r)| keeps(r))
                .skip(range.start)
                .take(range.len())
                .map(|(i, _)| i)
                .collect::<Vec<_>>();
            (matching, pager, shown)
        }
    };
    let lang = ctx.t.lang;
    let rows = summary.clone();
    let page_rows = shown.clone();
    let (engagement, profile, texts) = st
        .db
        .call(move |c| {
            let page: Vec<&SummaryRow> = page_rows.iter().map(|i| &rows.rows[*i as usize]).collect();
            Ok((db::engagements::get(c, id)?, db::assessment::profile(c, id)?, db::assessment_summary::row_texts(c, id, &page, lang)?))
        })
        .await?;
    Ok(DashboardData { engagement, profile, summary, matching, shown, pager, texts })
}

fn dashboard_page(ctx: PageCtx, data: DashboardData, filter: Filter, changes: Vec<String>, error: Option<String>) -> DashboardPage {
    let tr = ctx.t;
    let DashboardData { engagement, profile, summary, matching, shown, pager, texts } = data;
    let s = &*summary;
    let rows: Vec<Row> = shown
        .iter()
        .zip(texts)
        .map(|(i, text)| {
            let r = &s.rows[*i as usize];
            Row {
                id: r.id,
                name: text.name,
                application: text.application,
                application_id: r.application,
                environment: s.environment(r).to_string(),
                recommended: r.recommended,
                decided: r.decided,
                confidence: r.confidence,
                top_risk: r.top_risk,
                risk_label: r.top_risk.map(|sev| severity_label(&tr, sev)).unwrap_or_default(),
                summary: text.summary,
            }
        })
        .collect();
    let goals = [("speed", profile.speed), ("managed", profile.managed), ("modernise", profile.modernise), ("licence", profile.licence)]
        .into_iter()
        .map(|(key, value)| GoalView { key, label: tr.t(&format!("assessment.goal_{key}")).to_string(), value })
        .collect();
    let hosting = [("app_hosting", profile.app_hosting), ("db_hosting", profile.db_hosting)]
        .into_iter()
        .map(|(key, value)| SelectView {
            key,
            label: tr.t(&format!("assessment.{key}")).to_string(),
            value: value.code().to_string(),
            options: hosting_options(&tr),
        })
        .collect();
    let application_search = s.applications.len() > APPLICATION_CHOICES;
    let applications = if application_search { Vec::new() } else { s.applications.iter().map(|a| (a.id, a.name.clone())).collect() };
    DashboardPage {
        chart: ChartSvg::new(&tr, &s.counts).render().unwrap_or_default(),
        eos_chart: {
            let buckets = crate::knowledge::timeline::timeline(&s.end_of_support, crate::knowledge::Date::today());
            if buckets.is_empty() { String::new() } else { EosChartSvg::new(&tr, &buckets).render().unwrap_or_default() }
        },
        in_applications: tr.fmt("assessment.in_applications", &[("n", &thousands(s.applications_with_open_questions()))]),
        showing: tr.fmt("assessment.showing", &[("n", &thousands(matching)), ("total", &thousands(s.rows.len()))]),
        bands: ["high", "medium", "low"].iter().map(|b| (*b, tr.t(&format!("assessment.confidence_{b}")).to_string())).collect(),
        total: s.rows.len(),
        unassigned: s.unassigned,
        low_confidence: s.low_confidence,
        counts: s.counts.clone(),
        open_questions: s.open_questions(),
        risks: s.risks.iter().map(|(sev, n)| (*sev, *n, tr.t(&format!("assessment.risk_{}", sev.code())).to_string())).collect(),
        environments: s.environments.clone(),
        rows,
        pager,
        ctx,
        engagement,
        filter,
        applications,
        application_search,
        goals,
        hosting,
        changes,
        error,
    }
}

fn severity_label(tr: &crate::i18n::Tr, sev: Severity) -> String {
    tr.t(&format!("assessment.severity_{}", sev.code())).to_string()
}

async fn dashboard(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(filter): Query<Filter>,
) -> Result<Html<String>, AppError> {
    let data = dashboard_data(&st, &ctx, id, &filter).await?;
    render(&dashboard_page(ctx, data, filter, Vec::new(), None))
}

#[derive(Debug, Deserialize)]
struct ProfileForm {
    #[serde(default)]
    speed: String,
    #[serde(default)]
    managed: String,
    #[serde(default)]
    modernise: String,
    #[serde(default)]
    licence: String,
    #[serde(default)]
    app_hosting: String,
    #[serde(default)]
    db_hosting: String,
}

impl ProfileForm {
    fn profile(&self) -> Result<Profile, AppError> {
        let importance = |name: &str, v: &str| {
            v.trim()
                .parse::<u8>()
                .ok()
                .filter(|n| (1..=5).contains(n))
                .ok_or_else(|| AppError::Invalid(format!("{name}: choose an importance from 1 to 5")))
        };
        let hosting = |name: &str, v: &str| {
            Hosting::parse(v).ok_or_else(|| AppError::Invalid(format!("{name}: choose managed, self-managed or no preference")))
        };
        Ok(Profile {
            speed: importance("speed of migration", &self.speed)?,
            managed: importance("less operational overhead", &self.managed)?,
            modernise: importance("modernisation", &self.modernise)?,
            licence: importance("licence-cost reduction", &self.licence)?,
            app_hosting: hosting("applications", &self.app_hosting)?,
            db_hosting: hosting("databases", &self.db_hosting)?,
        })
    }
}

/// Saves the profile, re-scores and shows the dashboard with what moved
/// (htmx swaps the portfolio part in place).
async fn save_profile(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(form): Form<ProfileForm>,
) -> Result<Response, AppError> {
    let outcome = match form.profile() {
        Ok(profile) => st.db.call(move |c| db::assessment::set_profile(c, id, &profile, LOCAL_ACTOR)).await,
        Err(e) => Err(e),
    };
    let (changes, error) = match outcome {
        Ok(rescore) => {
            let mut lines = describe_moves(&ctx.t, &rescore.moves);
            if lines.is_empty() {
                lines.push(ctx.t.t("assessment.nothing_moved").to_string());
            }
            (lines, None)
        }
        Err(e @ AppError::Invalid(_)) => (Vec::new(), Some(e.public_message())),
        Err(e) => return Err(e),
    };
    let status = if error.is_some() { axum::http::StatusCode::UNPROCESSABLE_ENTITY } else { axum::http::StatusCode::OK };
    let filter = Filter::default();
    let data = dashboard_data(&st, &ctx, id, &filter).await?;
    Ok((status, render(&dashboard_page(ctx, data, filter, changes, error))?).into_response())
}

// ---------------------------------------------------------------------------
// Questionnaire

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

    fn needle(&self) -> String {
        self.q.trim().to_lowercase()
    }

    /// The applications whose name holds the search.
    fn matching<'s>(&self, summary: &'s AssessmentSummary) -> Vec<&'s ApplicationSummary> {
        let needle = self.needle();
        summary.applications.iter().filter(|a| needle.is_empty() || a.name.to_lowercase().contains(&needle)).collect()
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

async fn questionnaire_page(
    st: &AppState,
    ctx: PageCtx,
    id: i64,
    search: AppSearch,
    message: Option<String>,
    error: Option<String>,
) -> Result<QuestionnairePage, AppError> {
    let summary = st.views.assessment(&st.db, id).await?;
    let matching = search.matching(&summary);
    let pager =
        Pager::new(&ctx.t, matching.len(), QUESTIONNAIRE_PAGE_ROWS, page_number(&search.page), "questionnaire-apps", |n| search.url(id, n));
    let total_per_app = summary.evidence_questions;
    let apps: Vec<AppProgress> = matching[pager.range(matching.len(), QUESTIONNAIRE_PAGE_ROWS)]
        .iter()
        .map(|a| AppProgress {
            id: a.id,
            name: a.name.clone(),
            answered: a.answered.min(total_per_app),
            total: total_per_app,
            workloads: a.workloads,
            recommended: a.recommended,
        })
        .collect();
    let prefix = search.q.trim().to_string();
    let found: Vec<i64> = if prefix.is_empty() { Vec::new() } else { matching.iter().map(|a| a.id).collect() };
    let (engagement, choices) = st
        .db
        .call(move |c| {
            let choices = db::assessment_summary::workload_choices(c, id, &prefix, &found, WORKLOAD_CHOICES + 1)?;
            Ok((db::engagements::get(c, id)?, choices))
        })
        .await?;
    let more_workloads = choices.len() > WORKLOAD_CHOICES;
    let workloads = choices
        .into_iter()
        .take(WORKLOAD_CHOICES)
        .map(|w| Row {
            id: w.id,
            name: w.name,
            application: w.application,
            application_id: None,
            environment: w.environment,
            recommended: w.recommended,
            decided: None,
            confidence: 0.0,
            top_risk: None,
            risk_label: String::new(),
            summary: String::new(),
        })
        .collect();
    let searchable = summary.applications.len() > QUESTIONNAIRE_PAGE_ROWS || !search.q.trim().is_empty();
    Ok(QuestionnairePage {
        all_matching_label: ctx.t.fmt("assessment.all_matching", &[("n", &thousands(matching.len()))]),
        showing: ctx.t.fmt(
            "assessment.showing_applications",
            &[("n", &thousands(matching.len())), ("total", &thousands(summary.applications.len()))],
        ),
        more_workloads_label: ctx.t.fmt("assessment.more_workloads", &[("n", &thousands(WORKLOAD_CHOICES))]),
        answered: summary.answered(),
        total: summary.applications.len() * total_per_app,
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

async fn questionnaire(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(search): Query<AppSearch>,
) -> Result<Html<String>, AppError> {
    render(&questionnaire_page(&st, ctx, id, search, None, None).await?)
}

/// Reads the answer fields of a form (`q.<question>`). In bulk mode an
/// empty field leaves the answer alone; otherwise it clears it.
fn answer_fields(fields: &[(String, String)], bulk: bool) -> Vec<(String, String)> {
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
async fn save_bulk_answers(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let search = AppSearch::from_fields(&fields);
    let all_matching = fields.iter().any(|(k, v)| k == "all_matching" && !v.is_empty());
    let matching: Vec<i64> = if all_matching {
        let summary = st.views.assessment(&st.db, id).await?;
        search.matching(&summary).iter().map(|a| a.id).collect()
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
            st.db.call(move |c| db::assessment::set_answers(c, id, &subjects, &values, LOCAL_ACTOR)).await
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

async fn application_page(State(st): State<AppState>, ctx: PageCtx, Path((id, app)): Path<(i64, i64)>) -> Result<Html<String>, AppError> {
    let p = st.db.call(move |c| Portfolio::load_in(c, id, Scope::Application(app))).await?;
    render(&application_view(ctx, p, app, None, None)?)
}

async fn save_application_answers(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, app)): Path<(i64, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let values = answer_fields(&fields, false);
    let outcome = st.db.call(move |c| db::assessment::set_answers(c, id, &[(SubjectKind::Application, app)], &values, LOCAL_ACTOR)).await;
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
async fn decide_application(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, app)): Path<(i64, i64)>,
    Form(input): Form<DecisionInput>,
) -> Result<Response, AppError> {
    let outcome = st
        .db
        .call(move |c| {
            let ids = db::applications::workload_ids(c, id, app)?;
            db::decisions::decide(c, id, &ids, &input, LOCAL_ACTOR)
        })
        .await;
    respond_application(st, ctx, id, app, outcome.map(|_| None)).await
}

// ---------------------------------------------------------------------------
// One workload: reasons and decision

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

async fn workload_page(State(st): State<AppState>, ctx: PageCtx, Path((id, wid)): Path<(i64, i64)>) -> Result<Html<String>, AppError> {
    let p = st.db.call(move |c| Portfolio::load_in(c, id, Scope::Workload(wid))).await?;
    render(&workload_view(ctx, &p, wid, None, None)?)
}

async fn decide_workload(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, wid)): Path<(i64, i64)>,
    Form(input): Form<DecisionInput>,
) -> Result<Response, AppError> {
    let attempt = input.clone();
    match st.db.call(move |c| db::decisions::decide(c, id, &[wid], &attempt, LOCAL_ACTOR)).await {
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

async fn clear_decision(State(st): State<AppState>, ctx: PageCtx, Path((id, wid)): Path<(i64, i64)>) -> Result<Response, AppError> {
    st.db.call(move |c| db::decisions::clear(c, id, wid, LOCAL_ACTOR)).await?;
    Ok(redirect(&ctx, &format!("/engagements/{id}/assessment/workloads/{wid}")))
}

async fn save_workload_answers(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path((id, wid)): Path<(i64, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let values = answer_fields(&fields, false);
    match st.db.call(move |c| db::assessment::set_answers(c, id, &[(SubjectKind::Workload, wid)], &values, LOCAL_ACTOR)).await {
        Ok(_) => Ok(redirect(&ctx, &format!("/engagements/{id}/assessment/workloads/{wid}"))),
        Err(e @ AppError::Invalid(_)) => {
            let p = st.db.call(move |c| Portfolio::load_in(c, id, Scope::Workload(wid))).await?;
            let page = workload_view(ctx, &p, wid, None, Some(e.public_message()))?;
            Ok((e.status(), render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------
// JSON API

async fn api(State(st): State<AppState>, Path(id): Path<i64>) -> Result<Json<serde_json::Value>, AppError> {
    Ok(Json(st.db.call(move |c| db::assessment::assessment_json(c, id)).await?))
}
