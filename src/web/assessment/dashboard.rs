//! The portfolio dashboard: the filtered, paged table of workloads with
//! their recommendations, the charts, and the preference profile form.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use crate::db;
use crate::db::assessment_summary::{DashboardRow, RowFilter, Start};
use crate::db::derived::Figures;
use crate::error::AppError;
use crate::i18n::thousands;
use crate::inventory::Engagement;
use crate::scoring::{Hosting, Profile, Severity};
use crate::strategy::Strategy;
use crate::web::{AppState, PageCtx, Pager, page_number, render, url_with};

use super::views::{ChartSvg, EosChartSvg, Row, describe_moves, hosting_options};

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
    /// How many workloads reach their earliest dated end of support, per date.
    end_of_support: Vec<(crate::knowledge::Date, usize)>,
}

async fn dashboard_data(st: &AppState, ctx: &PageCtx, id: i64, filter: &Filter) -> Result<DashboardData, AppError> {
    let rows_filter = filter.rows();
    let page = page_number(&filter.page);
    let (engagement, profile, totals, (workloads, unassigned, applications), choices, environments, matching, (progress, end_of_support)) =
        st.db
            .call(move |c| {
                let engagement = db::engagements::get(c, id)?;
                let totals = db::derived::figures::get(c, id, db::derived::figures::TOTALS)?;
                // Kept counts: counting 5,000 applications was a sixth of the page.
                let (workloads, applications) = db::engagements::counts(c, id)?;
                let choices = if applications > APPLICATION_CHOICES as i64 {
                    Vec::new()
                } else {
                    db::applications::applications(c, id)?.into_iter().map(|a| (a.id, a.name)).collect()
                };
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

pub(super) async fn dashboard(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(filter): Query<Filter>,
) -> Result<Html<String>, AppError> {
    let data = dashboard_data(&st, &ctx, id, &filter).await?;
    render(&dashboard_page(ctx, data, filter, Vec::new(), None))
}

#[derive(Debug, Deserialize)]
pub(super) struct ProfileForm {
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
pub(super) async fn save_profile(
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
