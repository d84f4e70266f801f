//! The assessment pages under /engagements/{id}/assessment: the portfolio
//! dashboard with the preference profile, the questionnaire (per
//! application and in bulk), the reasons of one workload with its decision
//! form, and the JSON read API.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, IntoResponse, Json, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::{AppState, PageCtx, Pager, page_number, redirect, render, url_with};
use crate::db;
use crate::db::Scope;
use crate::db::assessment::{Move, Rescore};
use crate::db::assessment_summary::{DashboardRow, RowFilter, Start, confidence_band};
use crate::db::decisions::StoredDecision;
use crate::db::derived::Figures;
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
/// A workload's row with its texts in the page's language.
pub struct Row {
    pub row: DashboardRow,
    pub risk_label: String,
    /// The main reason's sentence.
    pub summary: String,
}

impl std::ops::Deref for Row {
    type Target = DashboardRow;
    fn deref(&self) -> &DashboardRow {
        &self.row
    }
}

impl Row {
    fn new(row: DashboardRow, tr: &crate::i18n::Tr) -> Row {
        Row {
            risk_label: row.top_risk.map(|s| severity_label(tr, s)).unwrap_or_default(),
            summary: row.main_reason.as_ref().map(|reason| reason.text(tr.lang)).unwrap_or_default(),
            row,
        }
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
    /// The part of the portfolio one page is about: an application page
    /// reads that application's workloads and answers, not the engagement's.
    fn load_in(conn: &rusqlite::Connection, id: i64, scope: Scope) -> Result<Portfolio, AppError> {
        let engagement = db::engagements::get(conn, id)?;
        let applications = match scope {
            Scope::Engagement => db::applications::applications(conn, id)?,
            Scope::Application(app) => vec![db::applications::get(conn, id, app)?],
            Scope::Workload(_) => Vec::new(),
        };
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
        let a = self.assessments.get(&w.id);
        let row = DashboardRow {
            id: w.id,
            name: w.name.clone(),
            application: w.application.clone(),
            application_id: app,
            environment: w.environment.clone(),
            recommended: a.map(|a| a.recommended),
            decided: self.decisions.get(&w.id).map(|d| d.decision.strategy),
            confidence: a.map_or(0.0, |a| a.confidence),
            top_risk: a.and_then(|a| a.risks.iter().map(|r| r.severity).min()),
            main_reason: a.and_then(|a| a.reasons.iter().find(|r| r.gate.is_some() || r.points.contains_key(&a.recommended))).cloned(),
        };
        Row::new(row, tr)
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
    /// Where the page starts (the pager's links): after or before this
    /// workload by name, or at the end; `page` only labels it then.
    #[serde(default)]
    pub after: String,
    #[serde(default)]
    pub before: String,
    #[serde(default)]
    pub end: String,
}

impl Filter {
    /// Where the rows of page `page` start.
    fn start(&self, page: usize) -> Start {
        match (self.after.trim().parse(), self.before.trim().parse(), self.end.is_empty()) {
            (Ok(id), _, _) => Start::After(id),
            (_, Ok(id), _) => Start::Before(id),
            (_, _, false) => Start::End,
            _ => Start::Offset(((page - 1) * DASHBOARD_PAGE_ROWS) as i64),
        }
    }

    /// The filter as the database applies it; a value that names nothing
    /// (an unknown strategy or application) keeps no row.
    fn rows(&self) -> RowFilter {
        use crate::db::assessment_summary::ApplicationFilter;
        let strategy = match self.strategy.trim() {
            "" => String::new(),
            code => Strategy::parse(code).map_or_else(|| "-".to_string(), |s| s.code().to_string()),
        };
        RowFilter {
            strategy,
            application: match self.application.trim() {
                "" => ApplicationFilter::Any,
                "none" => ApplicationFilter::None,
                id => id.parse().map_or(ApplicationFilter::Nothing, ApplicationFilter::Id),
            },
            application_name: self.application_name.trim().to_string(),
            environment: self.environment.clone(),
            confidence: self.confidence.clone(),
        }
    }

    /// The dashboard address with this filter at page `page`.
    fn url(&self, engagement_id: i64, page: usize) -> String {
        self.url_from(engagement_id, page, "", "", false)
    }

    /// The address of page `page` starting after or before a workload (an
    /// id, or empty), or at the end.
    fn url_from(&self, engagement_id: i64, page: usize, after: &str, before: &str, end: bool) -> String {
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
                ("after", after),
                ("before", before),
                ("end", if end { "1" } else { "" }),
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
    /// "Scores are being updated: 40%" while the engagement is re-scored in the background.
    progress: Option<String>,
}

/// What the dashboard reads per request: the engagement's figures, the
/// filter's choices, and the page of rows shown.
struct DashboardData {
    engagement: Engagement,
    profile: Profile,
    totals: Figures,
    /// Workloads in all, and without an application.
    workloads: i64,
    unassigned: i64,
    applications: i64,
    /// The applications to pick from; empty when there are too many to list.
    choices: Vec<(i64, String)>,
    environments: Vec<String>,
    /// How many rows the filter keeps.
    matching: i64,
    rows: Vec<DashboardRow>,
    pager: Pager,
    /// How far a background re-scoring got.
    progress: Option<u8>,
    /// Per workload with a dated end of support, the earliest.
    end_of_support: Vec<crate::knowledge::Date>,
}

async fn dashboard_data(st: &AppState, ctx: &PageCtx, id: i64, filter: &Filter) -> Result<DashboardData, AppError> {
    let rows_filter = filter.rows();
    let page = page_number(&filter.page);
    let (engagement, profile, totals, (workloads, unassigned, applications), choices, environments, matching, (progress, end_of_support)) =
        st.db
            .call(move |c| {
                let engagement = db::engagements::get(c, id)?;
                let totals = db::derived::figures::get(c, id, db::derived::figures::TOTALS)?;
                let applications: i64 =
                    c.prepare_cached("SELECT COUNT(*) FROM applications WHERE engagement_id = ?1")?.query_row([id], |r| r.get(0))?;
                let choices = if applications > APPLICATION_CHOICES as i64 {
                    Vec::new()
                } else {
                    db::applications::applications(c, id)?.into_iter().map(|a| (a.id, a.name)).collect()
                };
                let workloads = db::engagements::counts(c, id)?.0;
                let unassigned = db::derived::figures::get(c, id, 0)?.workloads();
                Ok((
                    engagement,
                    db::assessment::profile(c, id)?,
                    totals,
                    (workloads, unassigned, applications),
                    choices,
                    db::workloads::distinct_values(c, id, db::workloads::FilterColumn::Environment)?,
                    db::assessment_summary::matching(c, id, &rows_filter)?,
                    (db::derived::progress(c, id)?, db::assessment_summary::end_of_support(c, id)?),
                ))
            })
            .await?;
    let mut pager = Pager::new(&ctx.t, matching as usize, DASHBOARD_PAGE_ROWS, page, "portfolio-table", |n| filter.url(id, n));
    let on_page = match filter.start(pager.page) {
        // The last page holds what is left after the full ones.
        Start::End => matching as usize - (pager.pages - 1) * DASHBOARD_PAGE_ROWS,
        _ => DASHBOARD_PAGE_ROWS,
    };
    let (rows_filter, start) = (filter.rows(), filter.start(pager.page));
    let fallback = Start::Offset(((pager.page - 1) * DASHBOARD_PAGE_ROWS) as i64);
    let rows = st
        .db
        .call(move |c| {
            let rows = db::assessment_summary::rows(c, id, &rows_filter, start, on_page as i64)?;
            // A key that names no workload (deleted since): the page number.
            if rows.is_empty() && start != fallback {
                return db::assessment_summary::rows(c, id, &rows_filter, fallback, DASHBOARD_PAGE_ROWS as i64);
            }
            Ok(rows)
        })
        .await?;
    if let (Some(first), Some(last)) = (rows.first(), rows.last()) {
        pager.next_url = filter.url_from(id, pager.page + 1, &last.id.to_string(), "", false);
        if pager.page > 2 {
            pager.prev_url = filter.url_from(id, pager.page - 1, "", &first.id.to_string(), false);
        }
        pager.last_url = filter.url_from(id, pager.pages, "", "", true);
    }
    Ok(DashboardData {
        engagement,
        profile,
        totals,
        workloads,
        unassigned,
        applications,
        choices,
        environments,
        matching,
        rows,
        pager,
        progress,
        end_of_support,
    })
}

fn dashboard_page(ctx: PageCtx, data: DashboardData, filter: Filter, changes: Vec<String>, error: Option<String>) -> DashboardPage {
    let tr = ctx.t;
    let (profile, totals, applications, matching) = (data.profile, data.totals, data.applications, data.matching);
    let rows: Vec<Row> = data.rows.into_iter().map(|r| Row::new(r, &tr)).collect();
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
    let counts: Vec<(Strategy, usize, usize)> =
        Strategy::ALL.iter().map(|s| (*s, totals.recommended(*s) as usize, totals.decided(*s) as usize)).collect();
    let evidence = db::derived::figures::evidence_questions();
    let total = data.workloads as usize;
    DashboardPage {
        chart: ChartSvg::new(&tr, &counts).render().unwrap_or_default(),
        eos_chart: {
            let buckets = crate::knowledge::timeline::timeline(&data.end_of_support, crate::knowledge::Date::today());
            if buckets.is_empty() { String::new() } else { EosChartSvg::new(&tr, &buckets).render().unwrap_or_default() }
        },
        in_applications: tr.fmt("assessment.in_applications", &[("n", &thousands(totals.open_applications()))]),
        showing: tr.fmt("assessment.showing", &[("n", &thousands(matching)), ("total", &thousands(total))]),
        bands: ["high", "medium", "low"].iter().map(|b| (*b, tr.t(&format!("assessment.confidence_{b}")).to_string())).collect(),
        total,
        unassigned: data.unassigned as usize,
        low_confidence: totals.low_confidence() as usize,
        counts,
        open_questions: (applications * evidence - totals.answered()).max(0) as usize,
        risks: Severity::ALL
            .iter()
            .map(|sev| (*sev, totals.risks(*sev) as usize, tr.t(&format!("assessment.risk_{}", sev.code())).to_string()))
            .collect(),
        application_search: applications > APPLICATION_CHOICES as i64,
        applications: data.choices,
        environments: data.environments,
        progress: data.progress.map(|p| tr.fmt("assessment.derived_progress", &[("pct", &p)])),
        rows,
        pager: data.pager,
        ctx,
        engagement: data.engagement,
        filter,
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
    let actor = ctx.actor()?;
    let outcome = match form.profile() {
        Ok(profile) => st.db.call(move |c| db::assessment::set_profile(c, id, &profile, &actor)).await,
        Err(e) => Err(e),
    };
    let (changes, error) = match outcome {
        Ok(Some(rescore)) => {
            let mut lines = describe_moves(&ctx.t, &rescore.moves);
            if lines.is_empty() {
                lines.push(ctx.t.t("assessment.nothing_moved").to_string());
            }
            (lines, None)
        }
        // A large engagement: the progress shows on the page.
        Ok(None) => (vec![ctx.t.t("assessment.rescoring_in_background").to_string()], None),
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
    let page = page_number(&search.page) as i64;
    let needle = search.q.trim().to_string();
    let per_page = QUESTIONNAIRE_PAGE_ROWS as i64;
    let (engagement, (mut listed, matching), applications, totals, choices) = st
        .db
        .call(move |c| {
            let mut found = db::assessment_summary::applications(c, id, &needle, (page - 1) * per_page, per_page)?;
            if found.0.is_empty() && found.1 > 0 {
                // Past the last page: show the last one.
                found = db::assessment_summary::applications(c, id, &needle, (found.1 - 1) / per_page * per_page, per_page)?;
            }
            let applications: i64 =
                c.prepare_cached("SELECT COUNT(*) FROM applications WHERE engagement_id = ?1")?.query_row([id], |r| r.get(0))?;
            let apps = if needle.is_empty() { Vec::new() } else { db::assessment_summary::application_ids(c, id, &needle)? };
            let choices = db::assessment_summary::workload_choices(c, id, &needle, &apps, WORKLOAD_CHOICES + 1)?;
            Ok((
                db::engagements::get(c, id)?,
                found,
                applications,
                db::derived::figures::get(c, id, db::derived::figures::TOTALS)?,
                choices,
            ))
        })
        .await?;
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
            Row::new(row, &ctx.t)
        })
        .collect();
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
async fn decide_application(
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

async fn clear_decision(State(st): State<AppState>, ctx: PageCtx, Path((id, wid)): Path<(i64, i64)>) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    st.db.call(move |c| db::decisions::clear(c, id, wid, &actor)).await?;
    Ok(redirect(&ctx, &format!("/engagements/{id}/assessment/workloads/{wid}")))
}

async fn save_workload_answers(
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

// ---------------------------------------------------------------------------
// JSON API

async fn api(State(st): State<AppState>, Path(id): Path<i64>) -> Result<Json<serde_json::Value>, AppError> {
    Ok(Json(st.db.call(move |c| db::assessment::assessment_json(c, id)).await?))
}
