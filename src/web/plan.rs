//! Pages under /engagements/{id}/plan: the waves on a timeline, the phases
//! and steps, the wave capacity, moving an application to another wave, and
//! the PDF report download. JSON at /api/engagements/{id}/plan.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::{AppState, PageCtx, Pager, page_number, redirect, render};
use crate::db;
use crate::db::plan::{PlanRead, PlanView, WavesRead};
use crate::error::{AppError, quoted};
use crate::i18n::{Lang, Tr, thousands};
use crate::inventory::Engagement;
use crate::plan::{MAX_WAVE, Plan, PlanWarning, Wave, warning_text};
use crate::service::report as gather;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/engagements/{id}/plan", get(page))
        .route("/engagements/{id}/plan/settings", post(save_settings))
        .route("/engagements/{id}/plan/move", post(move_app))
        .route("/engagements/{id}/report.pdf", get(report_pdf))
        .route("/api/engagements/{id}/plan", get(api_plan))
}

/// One bar of the timeline, in SVG user units.
pub struct TimelineBar {
    pub y: f32,
    pub x: f32,
    pub w: f32,
    pub label: String,
    pub span: String,
    pub class: &'static str,
}

pub struct TimelineTick {
    pub x: f32,
    pub label: String,
}

/// The phases and waves laid out on a week axis, for the server-rendered SVG.
pub struct Timeline {
    pub width: f32,
    pub height: f32,
    pub label_w: f32,
    pub bars: Vec<TimelineBar>,
    pub ticks: Vec<TimelineTick>,
}

const ROW_H: f32 = 26.0;
const AXIS_H: f32 = 22.0;

/// The phases and `waves` (the ones the page shows) on the plan's week axis.
fn timeline(plan: &Plan, waves: &[&Wave], t: &Tr) -> Timeline {
    let width = 900.0;
    let label_w = 190.0;
    let weeks = plan.total_weeks.max(1) as f32;
    let scale = (width - label_w - 10.0) / weeks;
    let mut bars = Vec::new();
    let mut row = 0.0;
    let span =
        |start: u32, len: u32| t.fmt("report.phase_weeks", &[("from", &thousands(start + 1)), ("to", &thousands(start + len.max(1)))]);
    for p in &plan.phases {
        bars.push(TimelineBar {
            y: AXIS_H + row * ROW_H,
            x: label_w + p.start_week as f32 * scale,
            w: (p.weeks as f32 * scale).max(2.0),
            label: p.name(t.lang).to_string(),
            span: span(p.start_week, p.weeks),
            class: "phase",
        });
        row += 1.0;
    }
    for w in waves {
        let mut label = t.fmt("plan.wave", &[("n", &thousands(w.number))]);
        if w.pilot {
            label = format!("{label} · {}", t.t("plan.pilot"));
        }
        bars.push(TimelineBar {
            y: AXIS_H + row * ROW_H,
            x: label_w + w.start_week as f32 * scale,
            w: (w.weeks as f32 * scale).max(2.0),
            label,
            span: span(w.start_week, w.weeks),
            class: if w.pilot { "wave pilot" } else { "wave" },
        });
        row += 1.0;
    }
    // At most eight ticks on a long plan (it can run for years): a label of
    // five digits needs about 80 of the axis' 700 units.
    let step = if weeks > 96.0 {
        (plan.total_weeks / 8).next_multiple_of(4) as usize
    } else if weeks > 60.0 {
        8
    } else if weeks > 24.0 {
        4
    } else {
        2
    };
    let ticks = (0..=plan.total_weeks)
        .step_by(step)
        .map(|wk| TimelineTick { x: label_w + wk as f32 * scale, label: t.fmt("plan.week", &[("n", &thousands(wk + 1))]) })
        .collect();
    Timeline { width, height: AXIS_H + row * ROW_H + 6.0, label_w, bars, ticks }
}

#[derive(Template)]
#[template(path = "plan.html")]
struct PlanPage {
    ctx: PageCtx,
    engagement: Engagement,
    body: PlanBody,
}

/// The part htmx swaps after a change or a page link (`#plan`).
#[derive(Template)]
#[template(path = "plan_partial.html")]
struct PlanPartial {
    ctx: PageCtx,
    engagement: Engagement,
    body: PlanBody,
}

/// What the template shows, with every string already in the page's language.
struct PhaseView {
    name: String,
    weeks: String,
    activities: Vec<String>,
}

struct StepView {
    text: String,
    tools: String,
}

struct AppView {
    name: String,
    is_application: bool,
    heading: String,
    meta: String,
    moved: bool,
    cycle: String,
    workloads: String,
    wave: u32,
    steps: Vec<StepView>,
}

struct WaveView {
    number: u32,
    title: String,
    pilot: bool,
    meta: String,
    apps: Vec<AppView>,
    /// The link text to the whole wave, when the page lists only its first applications.
    show_all: Option<String>,
    /// When the page shows this wave alone: "Page 2 of 3 (250 applications)" and its links.
    pager: Option<(String, Pager)>,
}

struct UnmovedView {
    title: String,
    workloads: String,
    steps: Vec<String>,
}

fn steps_view(steps: &[crate::plan::PlanStep], lang: Lang) -> Vec<StepView> {
    steps.iter().map(|s| StepView { text: s.text(lang).to_string(), tools: s.tools_text(&crate::i18n::Tr::new(lang)) }).collect()
}

/// How many applications a wave lists on the plan page; the rest are one
/// link away ("all applications of wave n"), so that a plan of thousands of
/// applications stays a page a browser opens at once.
/// The id of the plan section: htmx swaps it whole (`PlanPartial`).
const PLAN_ID: &str = "plan";

const APPS_PER_WAVE: usize = 20;
/// Applications per page when one wave is shown whole.
const APPS_PER_PAGE: usize = 100;
/// Waves per page: a small capacity can make thousands of waves.
const WAVES_PER_PAGE: usize = 10;
/// Workload names listed (not migrated, no strategy yet) before "and n more".
const NAMES_SHOWN: usize = 100;
/// Warnings listed before "and n more".
const WARNINGS_SHOWN: usize = 20;

/// Which part of the plan the page shows: a page of waves with their first
/// applications (`?page=2`), or one wave whole, a page of its applications
/// at a time (`?wave=3&page=2`).
#[derive(Debug, Default, Deserialize)]
pub struct PlanQuery {
    #[serde(default)]
    wave: String,
    #[serde(default)]
    page: String,
}

impl PlanQuery {
    fn page(&self) -> usize {
        page_number(&self.page)
    }

    /// What to read of the kept plan for this page.
    fn read(&self) -> PlanRead {
        let waves = match self.wave.trim().parse::<u32>() {
            Ok(number) => WavesRead::One { number, from: (self.page() - 1) * APPS_PER_PAGE, count: APPS_PER_PAGE },
            Err(_) => WavesRead::Page { from: (self.page() - 1) * WAVES_PER_PAGE, count: WAVES_PER_PAGE, apps: APPS_PER_WAVE },
        };
        PlanRead { waves, names: NAMES_SHOWN, warnings: WARNINGS_SHOWN }
    }
}

/// "a, b, c and 97 more": the first names of `total`.
fn names_capped<'a>(t: &Tr, names: impl Iterator<Item = &'a str>, total: usize) -> String {
    let shown: Vec<&str> = names.take(NAMES_SHOWN).collect();
    let more = total.saturating_sub(shown.len());
    let list = shown.join(", ");
    if more == 0 { list } else { t.fmt("plan.and_more", &[("list", &list), ("n", &thousands(more))]) }
}

fn app_view(a: &crate::plan::PlanApp, t: &Tr) -> AppView {
    let mut meta = vec![t.fmt("plan.workloads_count", &[("n", &thousands(a.workload_count))])];
    if let Some(e) = a.effort {
        meta.push(format!("{} {}", t.t("plan.effort"), e.code()));
    }
    if let Some(c) = a.criticality {
        meta.push(format!("{} {c}", t.t("plan.criticality")));
    }
    AppView {
        name: a.name.clone(),
        is_application: a.is_application,
        heading: format!("{} — {}", a.name, a.strategy.label(t.lang)),
        meta: meta.join(" · "),
        moved: a.moved,
        cycle: if a.cycle_with.is_empty() { String::new() } else { t.fmt("plan.cycle_with", &[("apps", &a.cycle_with.join(", "))]) },
        workloads: names_capped(t, a.workloads.iter().map(String::as_str), a.workload_count),
        wave: a.wave,
        steps: steps_view(&a.steps, t.lang),
    }
}

/// The page's text: the waves read, `selected` the wave asked for alone
/// (then paged through its applications).
fn views(id: i64, view: &PlanView, t: &Tr, selected: Option<u32>, page: usize) -> (Vec<PhaseView>, Vec<WaveView>, Vec<UnmovedView>) {
    let plan = &view.plan;
    let phases = plan
        .phases
        .iter()
        .map(|p| PhaseView {
            name: p.name(t.lang).to_string(),
            weeks: if p.weeks > 0 { t.fmt("plan.weeks", &[("n", &thousands(p.weeks))]) } else { String::new() },
            activities: p.activities(t.lang).to_vec(),
        })
        .collect();
    let waves = plan
        .waves
        .iter()
        .map(|w| {
            let total = w.app_count;
            let pager = selected.map(|_| {
                let pager =
                    Pager::new(t, total, APPS_PER_PAGE, page, PLAN_ID, |p| format!("/engagements/{id}/plan?wave={}&page={p}", w.number));
                let summary = t.fmt(
                    "plan.apps_page",
                    &[("page", &thousands(pager.page)), ("pages", &thousands(pager.pages)), ("n", &thousands(total))],
                );
                (summary, pager)
            });
            WaveView {
                number: w.number,
                title: t.fmt("plan.wave", &[("n", &thousands(w.number))]),
                pilot: w.pilot,
                meta: [
                    t.fmt("plan.apps_count", &[("n", &thousands(total))]),
                    t.fmt("plan.workloads_count", &[("n", &thousands(w.workload_count))]),
                    t.fmt("plan.week", &[("n", &thousands(w.start_week + 1))]),
                    t.fmt("plan.weeks", &[("n", &thousands(w.weeks))]),
                ]
                .join(" · "),
                show_all: (selected.is_none() && total > APPS_PER_WAVE)
                    .then(|| t.fmt("plan.show_wave", &[("n", &thousands(total)), ("wave", &thousands(w.number))])),
                apps: w.apps.iter().map(|a| app_view(a, t)).collect(),
                pager,
            }
        })
        .collect();
    let unmoved = plan
        .not_migrated_steps
        .iter()
        .map(|(strategy, steps)| {
            let total = view.not_migrated.iter().find(|(s, _)| s == strategy).map_or(0, |(_, n)| *n);
            UnmovedView {
                title: strategy.label(t.lang).to_string(),
                workloads: names_capped(
                    t,
                    plan.not_migrated.iter().filter(|u| u.strategy == Some(*strategy)).map(|u| u.workload.as_str()),
                    total,
                ),
                steps: steps.iter().map(|s| s.text(t.lang).to_string()).collect(),
            }
        })
        .collect();
    (phases, waves, unmoved)
}

struct PlanBody {
    plan: Plan,
    /// The page shows one wave alone.
    single_wave: bool,
    /// Through the waves, when there are more than a page shows: "Waves, page 1 of 450 (4,500 waves)" and its links.
    waves_pager: Option<(String, Pager)>,
    phases: Vec<PhaseView>,
    waves: Vec<WaveView>,
    unmoved: Vec<UnmovedView>,
    undecided: String,
    timeline: Timeline,
    warnings: Vec<String>,
    /// "and n more" under the warnings, when there are more than the page lists.
    more_warnings: String,
    /// Warnings caused by the move just made, shown first.
    fresh: Vec<String>,
    error: Option<String>,
    max_wave: u32,
    /// "Scores are being updated: 40%" while a background derivation runs.
    progress: Option<String>,
}

impl PlanBody {
    /// `fresh`: the warnings the move just made caused (shown first, and
    /// not again among the others).
    fn new(
        id: i64,
        view: PlanView,
        t: &Tr,
        fresh: Vec<PlanWarning>,
        error: Option<String>,
        query: &PlanQuery,
        progress: Option<u8>,
    ) -> PlanBody {
        let selected = match query.read().waves {
            WavesRead::One { number, .. } if !view.plan.waves.is_empty() => Some(number),
            _ => None,
        };
        let single_wave = selected.is_some();
        let waves_pager = Pager::new(t, view.waves, WAVES_PER_PAGE, query.page(), PLAN_ID, |p| format!("/engagements/{id}/plan?page={p}"));
        let (phases, waves, unmoved) = views(id, &view, t, selected, query.page());
        let shown: Vec<&Wave> = view.plan.waves.iter().collect();
        let timeline = timeline(&view.plan, &shown, t);
        let waves_pager = (!single_wave && waves_pager.pages > 1).then(|| {
            (
                t.fmt(
                    "plan.waves_page",
                    &[("page", &thousands(waves_pager.page)), ("pages", &thousands(waves_pager.pages)), ("n", &thousands(view.waves))],
                ),
                waves_pager,
            )
        });
        let rest: Vec<&PlanWarning> = view.plan.warnings.iter().filter(|w| !fresh.contains(w)).collect();
        let hidden_warnings = view.warnings.saturating_sub(fresh.len() + rest.len());
        PlanBody {
            single_wave,
            waves_pager,
            phases,
            waves,
            unmoved,
            undecided: names_capped(t, view.plan.undecided.iter().map(|u| u.workload.as_str()), view.undecided),
            timeline,
            warnings: rest.into_iter().map(|w| warning_text(t, w)).collect(),
            more_warnings: if hidden_warnings > 0 {
                t.fmt("plan.more_warnings", &[("n", &thousands(hidden_warnings))])
            } else {
                String::new()
            },
            fresh: fresh.iter().map(|w| warning_text(t, w)).collect(),
            error,
            max_wave: MAX_WAVE,
            progress: progress.map(|p| t.fmt("assessment.derived_progress", &[("pct", &p)])),
            plan: view.plan,
        }
    }
}

/// The engagement and the part of its kept plan `query` asks for (a whole
/// page of waves when the wave asked for is not one of the plan's).
async fn load(st: &AppState, id: i64, query: &PlanQuery) -> Result<(Engagement, PlanView, Option<u8>), AppError> {
    let read = query.read();
    st.db
        .call(move |c| {
            let engagement = db::engagements::get(c, id)?;
            let mut view = db::plan::view(c, id, read)?;
            if view.plan.waves.is_empty() && matches!(read.waves, WavesRead::One { .. }) {
                view = db::plan::view(c, id, PlanQuery::default().read())?;
            }
            Ok((engagement, view, db::derived::progress(c, id)?))
        })
        .await
}

async fn page(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(query): Query<PlanQuery>,
) -> Result<Html<String>, AppError> {
    let (engagement, view, progress) = load(&st, id, &query).await?;
    let body = PlanBody::new(id, view, &ctx.t, Vec::new(), None, &query, progress);
    if ctx.wants(PLAN_ID) { render(&PlanPartial { ctx, engagement, body }) } else { render(&PlanPage { ctx, engagement, body }) }
}

/// The page, or only its plan section for htmx.
async fn respond(st: &AppState, ctx: PageCtx, id: i64, moved_app: Option<&str>, error: Option<AppError>) -> Result<Response, AppError> {
    let status = error.as_ref().map(AppError::status);
    // A moved application stays in sight: when the first page would not
    // list it, the page shows its new wave at the application's page; the
    // warnings it caused come first.
    let name = moved_app.map(str::to_string);
    let (place, fresh) = st
        .db
        .call(move |c| {
            let Some(name) = name else { return Ok((None, Vec::new())) };
            let place = db::plan::place_of(c, id, &name)?;
            let wave = place.map(|(wave, _, _)| wave);
            let fresh: Vec<PlanWarning> = db::plan::warnings(c, id)?
                .into_iter()
                .filter(|w| match w {
                    PlanWarning::BrokenDependency { dependent, dependency, .. } => *dependent == name || *dependency == name,
                    PlanWarning::OverCapacity { wave: n, .. } => Some(*n) == wave,
                    _ => false,
                })
                .collect();
            Ok((place, fresh))
        })
        .await?;
    let query = place
        .filter(|(_, position, index)| *position >= WAVES_PER_PAGE || *index >= APPS_PER_WAVE)
        .map(|(wave, _, index)| PlanQuery { wave: wave.to_string(), page: (index / APPS_PER_PAGE + 1).to_string() })
        .unwrap_or_default();
    let (engagement, view, progress) = load(st, id, &query).await?;
    let body = PlanBody::new(id, view, &ctx.t, fresh, error.map(|e| e.public_message()), &query, progress);
    let html =
        if ctx.wants(PLAN_ID) { render(&PlanPartial { ctx, engagement, body })? } else { render(&PlanPage { ctx, engagement, body })? };
    Ok(match status {
        Some(s) => (s, html).into_response(),
        None => html.into_response(),
    })
}

#[derive(Deserialize)]
struct SettingsForm {
    wave_capacity: String,
}

async fn save_settings(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(form): Form<SettingsForm>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let Ok(capacity) = form.wave_capacity.trim().parse::<u32>() else {
        let e = AppError::Invalid(format!("wave capacity: {} is not a whole number", quoted(form.wave_capacity.trim())));
        return respond(&st, ctx, id, None, Some(e)).await;
    };
    let result = st
        .db
        .call(move |c| {
            let mut settings = db::plan::settings(c, id)?;
            settings.wave_capacity = capacity;
            db::plan::save_settings(c, id, &settings, &actor)
        })
        .await;
    match result {
        Ok(()) if !ctx.wants(PLAN_ID) => Ok(redirect(&ctx, &format!("/engagements/{id}/plan"))),
        Ok(()) => respond(&st, ctx, id, None, None).await,
        Err(e @ AppError::Invalid(_)) => respond(&st, ctx, id, None, Some(e)).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct MoveForm {
    app: String,
    /// Empty: back to the automatic wave.
    #[serde(default)]
    wave: String,
}

async fn move_app(State(st): State<AppState>, ctx: PageCtx, Path(id): Path<i64>, Form(form): Form<MoveForm>) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let app = form.app.trim().to_string();
    let wave = match form.wave.trim() {
        "" => None,
        w => match w.parse::<u32>() {
            Ok(n) if (1..=MAX_WAVE).contains(&n) => Some(n),
            _ => {
                let e = AppError::Invalid(ctx.t.fmt("plan.bad_wave", &[("max", &MAX_WAVE)]));
                return respond(&st, ctx, id, None, Some(e)).await;
            }
        },
    };
    let unknown = ctx.t.fmt("plan.unknown_app", &[("name", &app)]);
    let name = app.clone();
    let result = st
        .db
        .call(move |c| {
            let known = db::applications::applications(c, id)?.iter().any(|a| a.name == name);
            if !known {
                return Err(AppError::Invalid(unknown));
            }
            let mut settings = db::plan::settings(c, id)?;
            match wave {
                Some(w) => settings.moves.insert(name, w),
                None => settings.moves.remove(&name),
            };
            db::plan::save_settings(c, id, &settings, &actor)
        })
        .await;
    match result {
        Ok(()) => respond(&st, ctx, id, Some(&app), None).await,
        Err(e @ AppError::Invalid(_)) => respond(&st, ctx, id, None, Some(e)).await,
        Err(e) => Err(e),
    }
}

async fn api_plan(State(st): State<AppState>, Path(id): Path<i64>) -> Result<Json<Plan>, AppError> {
    let plan = st
        .db
        .call(move |c| {
            db::engagements::get(c, id)?;
            db::plan::full(c, id)
        })
        .await?;
    Ok(Json(plan))
}

#[derive(Deserialize)]
struct ReportQuery {
    #[serde(default)]
    lang: Option<String>,
}

async fn report_pdf(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(q): Query<ReportQuery>,
) -> Result<Response, AppError> {
    let requested = match q.lang.as_deref().filter(|l| !l.is_empty()) {
        Some(code) => Some(Lang::parse(code).ok_or_else(|| AppError::Invalid(format!("lang: {} is not ko or en", quoted(code))))?),
        None => None,
    };
    let data = st.db.call(move |c| gather::report_data(c, id, &gather::today())).await?;
    let lang = requested.or_else(|| Lang::parse(&data.engagement.language)).unwrap_or(ctx.t.lang);
    let name = format!("{}-{}.pdf", data.engagement.name, lang.code());
    // Rendering is CPU work: keep it off the async workers and the connection pool.
    let pdf = tokio::task::spawn_blocking(move || crate::report::render(&data, lang))
        .await
        .map_err(|e| AppError::Internal(format!("report rendering failed: {e}")))?;
    // An ASCII fallback name plus the UTF-8 one (RFC 6266) for Korean names.
    let ascii: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect();
    let encoded: String = form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>().replace('+', "%20");
    let disposition = format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}");
    Ok(([(CONTENT_TYPE, "application/pdf".to_string()), (CONTENT_DISPOSITION, disposition)], pdf).into_response())
}
