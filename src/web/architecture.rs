//! Target architecture per application and decided strategy: components,
//! security-group rules, Well-Architected findings, the diagram; the landing
//! zone the applications share and the CloudFormation export. Right-sizing
//! against the price catalogue on the engagement's sizing basis, and
//! monthly / 3-year cost per pricing model against today's on-premises
//! cost, with the range over the other bases.
//! Pages under /engagements/{id}/architecture, JSON under
//! /api/engagements/{id}/architecture.
//!
//! This file holds the router, the list, the sizing form and the exports;
//! `landing_zone` the landing-zone page, its form and diagram; `views` the
//! view models of one application's page.

mod landing_zone;
mod views;

use askama::Template;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Form, Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use super::{AppState, PageCtx, Pager, page_number, redirect, render, safe_local_path};
use crate::architecture::overview::LandingOverview;
use crate::architecture::{self, AppArchitecture, Estate, KeptArrows, Pattern, findings};
use crate::cost::{self, Basis, BasisCost, Generation, Sizing, SizingMode, money};
use crate::db;
use crate::error::{AppError, quoted};
use crate::i18n::{Lang, Tr, thousands};
use crate::inventory::Engagement;
use crate::strategy::Strategy;
use landing_zone::{kept_landing_zone, landing_zone_page, landing_zone_svg, set_landing_zone, settings_sentence};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/engagements/{id}/architecture", get(list))
        .route("/engagements/{id}/architecture/sizing", post(set_sizing))
        .route("/engagements/{id}/architecture/landing-zone", get(landing_zone_page).post(set_landing_zone))
        .route("/engagements/{id}/architecture/landing-zone.svg", get(landing_zone_svg))
        .route("/engagements/{id}/architecture/cloudformation.zip", get(cloudformation_zip))
        .route("/engagements/{id}/architecture/{app_id}", get(detail))
        .route("/engagements/{id}/architecture/{app_id}/diagram.svg", get(diagram_svg))
        .route("/api/engagements/{id}/architecture", get(api))
}

/// Applications per page of the list.
pub const PAGE_SIZE: usize = 50;

/// The engagement and one application's target, built from what that
/// application needs, the engagement's figures (a jump host anywhere) and
/// the landing zone planned from the applications' kept footprints.
/// With its diagram's arrows kept in `lang`.
async fn load_one(
    st: &AppState,
    id: i64,
    app_id: i64,
    lang: Lang,
) -> Result<(Engagement, Estate, AppArchitecture, Option<KeptArrows>), AppError> {
    st.db
        .call(move |c| {
            let engagement = db::engagements::get(c, id)?;
            let jump_host = db::architecture::jump_host(c, id)?;
            let (settings, a) = db::architecture::one_application(c, id, app_id, jump_host, cost::catalogue())?;
            let kept = db::architecture::kept_arrows(c, id, app_id, lang)?;
            Ok((engagement, settings, a, kept))
        })
        .await
}

fn app_name(t: &Tr, name: &str) -> String {
    if name.is_empty() { t.t("architecture.unassigned").to_string() } else { name.to_string() }
}

fn strategy_label(t: &Tr, strategy: Option<Strategy>) -> (String, String) {
    match strategy {
        Some(s) => (s.code().to_string(), s.label(t.lang).to_string()),
        None => (String::new(), t.t("architecture.undecided").to_string()),
    }
}

fn patterns(t: &Tr, patterns: &[Pattern]) -> String {
    patterns.iter().map(|p| t.t(&format!("architecture.pattern.{}", p.code())).to_string()).collect::<Vec<_>>().join(", ")
}

/// One choice of a radio group or select.
struct ModeOption {
    code: &'static str,
    label: String,
    selected: bool,
}

fn options<T: Copy + PartialEq>(t: &Tr, group: &str, all: &[T], code: impl Fn(T) -> &'static str, chosen: T) -> Vec<ModeOption> {
    all.iter()
        .map(|v| ModeOption { code: code(*v), label: t.t(&format!("{group}.{}", code(*v))).to_string(), selected: *v == chosen })
        .collect()
}

/// The sizing form: mode, basis, headroom and generation, and the sentence
/// stating them beside the estimate.
struct SizingForm {
    modes: Vec<ModeOption>,
    bases: Vec<ModeOption>,
    generations: Vec<ModeOption>,
    headroom: String,
    performance: bool,
    assumptions: String,
}

fn sizing_form(t: &Tr, mode: SizingMode, sizing: &Sizing) -> SizingForm {
    SizingForm {
        modes: options(t, "architecture.mode", &SizingMode::ALL, SizingMode::code, mode),
        bases: options(t, "sizing.basis", &Basis::ALL, Basis::code, sizing.basis),
        generations: options(t, "sizing.generation_label", &Generation::ALL, Generation::code, sizing.generation),
        headroom: crate::i18n::amount(sizing.headroom_pct),
        performance: mode == SizingMode::Performance,
        assumptions: architecture::assumptions_text(mode, sizing, cost::catalogue(), t),
    }
}

/// The estimate on every sizing basis, the one in use marked.
struct RangeRow {
    label: String,
    values: Vec<String>,
    current: bool,
}

fn range_rows(t: &Tr, range: &[BasisCost], mode: SizingMode, basis: Basis, cur: &str) -> Vec<RangeRow> {
    range
        .iter()
        .map(|r| RangeRow { label: r.label(t), values: r.monthly.iter().map(|v| money(*v, cur)).collect(), current: r.is(mode, basis) })
        .collect()
}

struct ListRow {
    id: i64,
    name: String,
    strategy_code: String,
    strategy: String,
    patterns: String,
    today_annual: String,
    on_demand: String,
    best: String,
    findings_current: u32,
    high_current: u32,
    findings_target: u32,
    high_target: u32,
}

#[derive(Template)]
#[template(path = "architecture.html")]
struct ListPage {
    ctx: PageCtx,
    engagement: Engagement,
    rows: Vec<ListRow>,
    /// "Applications 51–100 of 5,000".
    summary: String,
    pager: Pager,
    sizing_form: SizingForm,
    total_today: String,
    total_on_demand: String,
    notice: String,
    currency: String,
    /// "Scores are being updated: 40%" while a background derivation runs.
    progress: Option<String>,
    model_labels: Vec<String>,
    range: Vec<RangeRow>,
    landing: Option<LandingSummary>,
}

/// What the list says of the landing zone: the choices and its cost.
struct LandingSummary {
    summary: String,
    monthly: String,
    networks: Vec<String>,
}

fn landing_summary(t: &Tr, lz: &LandingOverview) -> LandingSummary {
    LandingSummary {
        summary: settings_sentence(t, &lz.settings),
        monthly: money(lz.monthly.first().copied().unwrap_or(0.0), &lz.currency),
        networks: lz
            .networks
            .iter()
            .map(|n| {
                let name = n.env.map_or_else(
                    || t.t("architecture.diagram.vpc_hub").to_string(),
                    |e| t.t(&format!("landing_zone.env.{}", e.code())).to_string(),
                );
                t.fmt("landing_zone.network_line", &[("name", &name), ("cidr", &n.cidr), ("apps", &thousands(n.applications))])
            })
            .collect(),
    }
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    page: String,
}

fn list_url(id: i64, page: usize) -> String {
    if page <= 1 { format!("/engagements/{id}/architecture") } else { format!("/engagements/{id}/architecture?page={page}") }
}

/// The list: one summary row per application, a page at a time, from the
/// summaries kept per application (db::derived), with the engagement's
/// totals, range and landing zone kept beside them: a page reads one row and
/// a page of summaries, however many applications there are.
async fn list(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let (engagement, settings, overview, progress) = st
        .db
        .call(move |c| {
            Ok((
                db::engagements::get(c, id)?,
                db::architecture::settings(c, id)?,
                db::architecture::overview(c, id)?,
                db::derived::progress(c, id)?,
            ))
        })
        .await?;
    let cat = cost::catalogue();
    let t = ctx.t;
    let total = overview.applications;
    let pager = Pager::new(&t, total, PAGE_SIZE, page_number(&query.page), "architecture-list", |p| list_url(id, p));
    let range = pager.range(total, PAGE_SIZE);
    // The page's shares are planned with the settings and totals read above.
    let (page_settings, totals) = (settings.clone(), overview.landing.as_ref().and_then(|l| l.totals.clone()));
    let shown =
        st.db.call(move |c| db::architecture::list_page(c, id, &page_settings, totals.as_ref(), cat, range.start, range.len())).await?;
    let cur = &overview.currency;
    let rows = shown
        .iter()
        .map(|a| {
            let (strategy_code, strategy) = strategy_label(&t, a.strategy);
            ListRow {
                id: a.application_id,
                name: app_name(&t, &a.application),
                strategy_code,
                strategy,
                patterns: patterns(&t, &a.patterns),
                today_annual: money(a.on_prem_annual, cur),
                on_demand: money(a.on_demand_monthly(), cur),
                best: a
                    .best_model()
                    .and_then(|(i, monthly)| Some(format!("{} ({})", money(monthly, cur), cat.pricing_models.get(i)?.label(t.lang))))
                    .unwrap_or_default(),
                findings_current: a.findings_current,
                high_current: a.high_current,
                findings_target: a.findings_target,
                high_target: a.high_target,
            }
        })
        .collect();
    let from = (pager.page - 1) * PAGE_SIZE + 1;
    let summary = t.fmt(
        "architecture.list_summary",
        &[("from", &thousands(from.min(total))), ("to", &thousands(from + shown.len() - 1)), ("total", &thousands(total))],
    );
    render(&ListPage {
        total_today: money(overview.total_on_prem_annual, cur),
        total_on_demand: money(overview.total_on_demand_monthly, cur),
        notice: t.fmt("cost.prices_notice", &[("date", &cat.date())]),
        sizing_form: sizing_form(&t, settings.mode, &settings.sizing),
        model_labels: cat.pricing_models.iter().map(|m| m.label(t.lang).to_string()).collect(),
        range: range_rows(&t, &overview.range, settings.mode, settings.sizing.basis, cur),
        landing: overview.landing.as_ref().map(|lz| landing_summary(&t, lz)),
        currency: overview.currency.clone(),
        progress: progress.map(|p| t.fmt("assessment.derived_progress", &[("pct", &p)])),
        ctx,
        engagement,
        rows,
        summary,
        pager,
    })
}

async fn detail(State(st): State<AppState>, ctx: PageCtx, Path((id, app_id)): Path<(i64, i64)>) -> Result<Html<String>, AppError> {
    let (engagement, estate, a, kept) = load_one(&st, id, app_id, ctx.t.lang).await?;
    render(&views::DetailPage::new(ctx, engagement, &estate, &a, app_id, kept))
}

/// The diagram alone, as an SVG file.
async fn diagram_svg(State(st): State<AppState>, ctx: PageCtx, Path((id, app_id)): Path<(i64, i64)>) -> Result<Response, AppError> {
    let (_, _, a, kept) = load_one(&st, id, app_id, ctx.t.lang).await?;
    let title = format!("{}: {}", ctx.t.t("architecture.diagram_title"), app_name(&ctx.t, &a.target.application));
    let body = architecture::svg(&architecture::layout_kept(&a.target, &ctx.t, kept).0, &title);
    Ok(([(CONTENT_TYPE, "image/svg+xml; charset=utf-8")], body).into_response())
}

#[derive(Deserialize)]
struct SizingInput {
    mode: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    headroom: String,
    #[serde(default)]
    generation: String,
    #[serde(default)]
    back: String,
}

/// Back to the page the form was on, when it is one of the architecture pages.
fn back_to(ctx: &PageCtx, id: i64, back: &str) -> Response {
    let fallback = format!("/engagements/{id}/architecture");
    let back = if back.is_empty() { fallback.clone() } else { safe_local_path(back) };
    let back = if back.starts_with(&fallback) { back } else { fallback };
    redirect(ctx, &back)
}

async fn set_sizing(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(form): Form<SizingInput>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let t = ctx.t;
    let invalid = |field: &str, value: &str, allowed: &str| {
        AppError::Invalid(
            t.fmt("sizing.invalid", &[("field", &t.t(&format!("sizing.field_{field}"))), ("value", &quoted(value)), ("allowed", &allowed)]),
        )
    };
    let mode = SizingMode::parse(&form.mode).ok_or_else(|| invalid("mode", &form.mode, "performance, as_on_prem"))?;
    let (_, current) = st.db.call(move |c| db::architecture::sizing(c, id)).await?;
    let basis = if form.basis.is_empty() {
        current.basis
    } else {
        Basis::parse(&form.basis).ok_or_else(|| invalid("basis", &form.basis, "peak, p95, average"))?
    };
    let generation = if form.generation.is_empty() {
        current.generation
    } else {
        Generation::parse(&form.generation).ok_or_else(|| invalid("generation", &form.generation, "current, graviton, previous"))?
    };
    let headroom_pct = if form.headroom.trim().is_empty() {
        current.headroom_pct
    } else {
        crate::inventory::parse_number(&form.headroom)
            .filter(|h| (0.0..=300.0).contains(h))
            .ok_or_else(|| invalid("headroom", &form.headroom, "0–300"))?
    };
    let sizing = Sizing { basis, headroom_pct, generation };
    st.db.call(move |c| db::architecture::set_sizing(c, id, mode, &sizing, &actor)).await?;
    Ok(back_to(&ctx, id, &form.back))
}

/// The CloudFormation templates (landing zone and one stack per
/// application) as a zip.
async fn cloudformation_zip(State(st): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    let (engagement, archs, lz) = st
        .db
        .call(move |c| {
            let engagement = db::engagements::get(c, id)?;
            let (archs, lz) = db::architecture::all(c, id, cost::catalogue())?;
            Ok((engagement, archs, lz))
        })
        .await?;
    let files = crate::cfn::export(&engagement.name, &archs, lz.as_ref());
    let zip = crate::cfn::zip(&files).map_err(|e| AppError::Internal(format!("cloudformation zip: {e}")))?;
    let name = crate::cfn::slug(&engagement.name);
    let disposition = format!("attachment; filename=\"{name}-cloudformation.zip\"");
    Ok(([(CONTENT_TYPE, "application/zip".to_string()), (axum::http::header::CONTENT_DISPOSITION, disposition)], zip).into_response())
}

/// One application in the JSON export (texts in English).
fn app_json(a: &AppArchitecture, en: &Tr) -> serde_json::Value {
    let text = |fs: &[findings::Finding]| -> Vec<serde_json::Value> {
        fs.iter()
            .map(|f| json!({ "pillar": f.pillar, "severity": f.severity, "code": f.code, "subject": f.subject, "finding": f.title(en), "fix": f.fix(en) }))
            .collect()
    };
    let t = &a.target;
    json!({
        "application_id": t.application_id,
        "application": t.application,
        "strategy": t.strategy,
        "patterns": t.patterns,
        "workloads": t.workloads,
        "components": t.components.iter().map(|c| json!({
            "type": c.kind, "key": c.key, "label": c.label, "tier": c.tier, "subnet": c.subnet,
            "az": c.az.code(), "size": c.size, "count": c.count, "engine": c.engine,
            "standby": c.standby, "scaling": c.scaling, "storage_gb": c.storage_gb,
        })).collect::<Vec<_>>(),
        "security_group_rules": t.rules.iter().map(|r| json!({
            "source": r.source.name, "source_key": r.source.key, "destination": r.destination.name,
            "destination_key": r.destination.key, "protocol": r.protocol, "port": r.port,
            "why": r.why_text(en),
        })).collect::<Vec<_>>(),
        "sizing": t.sizing,
        "sizing_range": a.full_range(),
        "environment": a.environment(),
        "costs": a.cost,
        "findings_current": text(&t.findings_current),
        "findings_target": text(&t.findings_target),
    })
}

/// A response body fed by a channel: the export is written while it is
/// built, one application at a time.
struct Chunks(tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>);

impl futures_core::Stream for Chunks {
    type Item = Result<Bytes, std::io::Error>;
    fn poll_next(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
        self.0.poll_recv(cx)
    }
}

/// Per application: components, security-group rules, sizing, costs per
/// pricing model and findings (texts in English).
///
/// The whole engagement, so it is built application by application and
/// streamed: memory stays at one application's target and a few chunks in
/// flight, whatever the size of the engagement (at 5,000 applications the
/// document is tens of megabytes). The building holds one database permit
/// until the client has read the last chunk.
async fn api(State(st): State<AppState>, Path(id): Path<i64>) -> Result<Response, AppError> {
    // An unknown engagement is a 404, decided before the body starts.
    // The landing zone is planned from every application's kept footprint.
    let lz = kept_landing_zone(&st, id).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(2);
    let db = st.db.clone();
    tokio::spawn(async move {
        let failed = tx.clone();
        let built = db
            .call(move |c| {
                let cat = cost::catalogue();
                let en = Tr::new(crate::i18n::Lang::En);
                let send =
                    |bytes: Vec<u8>| tx.blocking_send(Ok(Bytes::from(bytes))).map_err(|_| AppError::Internal("the client left".into()));
                // Keys in the order serde_json writes an object's (sorted).
                send(b"{\"applications\":[".to_vec())?;
                let snapshot = c.unchecked_transaction()?;
                let mut first = true;
                let settings = db::architecture::each_application(&snapshot, id, cat, lz.as_ref(), |a| {
                    let mut chunk = if first { Vec::new() } else { b",".to_vec() };
                    first = false;
                    serde_json::to_writer(&mut chunk, &app_json(&a, &en)).map_err(|e| AppError::Internal(e.to_string()))?;
                    send(chunk)
                })?;
                snapshot.rollback()?;
                let rest = json!({
                    "engagement_id": id,
                    "region": settings.region,
                    "currency": settings.currency,
                    "sizing_mode": settings.mode,
                    "sizing": settings.sizing,
                    "landing_zone": lz,
                    "prices": { "source": cat.meta.source, "retrieved": cat.meta.retrieved, "notice": cat.meta.notice },
                })
                .to_string();
                send(format!("],{}", &rest[1..]).into_bytes())
            })
            .await;
        if let Err(e) = built {
            tracing::warn!(engagement = id, error = %e, "architecture export stopped");
            let _ = failed.send(Err(std::io::Error::other(e.to_string()))).await;
        }
    });
    Ok(([(CONTENT_TYPE, "application/json")], Body::from_stream(Chunks(rx))).into_response())
}
