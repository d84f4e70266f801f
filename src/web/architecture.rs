//! Target architecture per application and decided strategy: components,
//! security-group rules, Well-Architected findings, the diagram (issue 4).
//! Right-sizing against the shipped price catalogue and monthly / 3-year
//! cost per pricing model against today's on-premises cost (issue 4).
//! Pages under /engagements/{id}/architecture, JSON under
//! /api/engagements/{id}/architecture.

use askama::Template;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Form, Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use super::engagements::LOCAL_ACTOR;
use super::{AppState, PageCtx, Pager, page_number, redirect, render, safe_local_path};
use crate::architecture::{self, AppArchitecture, Estate, Pattern, findings};
use crate::cost::{self, SizingMode, money};
use crate::db;
use crate::error::{AppError, quoted};
use crate::i18n::{Tr, amount, thousands};
use crate::inventory::Engagement;
use crate::strategy::Strategy;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/engagements/{id}/architecture", get(list))
        .route("/engagements/{id}/architecture/sizing", post(set_sizing))
        .route("/engagements/{id}/architecture/{app_id}", get(detail))
        .route("/engagements/{id}/architecture/{app_id}/diagram.svg", get(diagram_svg))
        .route("/api/engagements/{id}/architecture", get(api))
}

/// Applications per page of the list.
pub const PAGE_SIZE: usize = 50;

/// The engagement and one application's target, loading only what that
/// application needs; the engagement-wide fact it needs besides (a bastion
/// or jump host anywhere) is kept per revision.
async fn load_one(st: &AppState, id: i64, app_id: i64) -> Result<(Engagement, Estate, AppArchitecture), AppError> {
    let jump_host = st.views.jump_host(&st.db, id).await?;
    st.db
        .call(move |c| {
            let engagement = db::engagements::get(c, id)?;
            let (settings, a) = db::architecture::one_application(c, id, app_id, jump_host, cost::catalogue())?;
            Ok((engagement, settings, a))
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

struct ModeOption {
    code: &'static str,
    label: String,
    selected: bool,
}

fn mode_options(t: &Tr, mode: SizingMode) -> Vec<ModeOption> {
    SizingMode::ALL
        .into_iter()
        .map(|m| ModeOption { code: m.code(), label: t.t(&format!("architecture.mode.{}", m.code())).to_string(), selected: m == mode })
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
    modes: Vec<ModeOption>,
    total_today: String,
    total_on_demand: String,
    notice: String,
    currency: String,
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
/// list kept per engagement revision; totals over every application.
async fn list(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let engagement = st.db.call(move |c| db::engagements::get(c, id)).await?;
    let cat = cost::catalogue();
    let all = st.views.architectures(&st.db, id).await?;
    let t = ctx.t;
    let pager = Pager::new(&t, all.rows.len(), PAGE_SIZE, page_number(&query.page), "architecture-list", |p| list_url(id, p));
    let shown = &all.rows[pager.range(all.rows.len(), PAGE_SIZE)];
    let cur = &all.currency;
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
                on_demand: money(a.on_demand_monthly, cur),
                best: a
                    .best_model
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
        &[
            ("from", &thousands(from.min(all.rows.len()))),
            ("to", &thousands(from + shown.len() - 1)),
            ("total", &thousands(all.rows.len())),
        ],
    );
    render(&ListPage {
        total_today: money(all.total_on_prem_annual, cur),
        total_on_demand: money(all.total_on_demand_monthly, cur),
        notice: cat.meta.notice.clone(),
        modes: mode_options(&t, all.mode),
        currency: all.currency.clone(),
        ctx,
        engagement,
        rows,
        summary,
        pager,
    })
}

struct ComponentRow {
    service: String,
    label: String,
    tier: String,
    subnet: String,
    az: String,
    size: String,
    count: u32,
    scaling: String,
}

struct RuleRow {
    source: String,
    destination: String,
    protocol: String,
    port: u16,
    why: String,
}

struct SizingRow {
    workload: String,
    component: String,
    service: String,
    on_prem: String,
    peaks: String,
    share: String,
    need: String,
    chosen: String,
    spec: String,
    hourly: String,
    flags: String,
}

struct CostRow {
    label: String,
    basis: String,
    values: Vec<String>,
}

struct TcoRow {
    label: String,
    monthly: String,
    three_year: String,
    saving: String,
    saving_pct: String,
    negative: bool,
}

struct FindingRow {
    severity: &'static str,
    severity_label: String,
    title: String,
    fix: String,
}

struct PillarGroup {
    pillar: String,
    items: Vec<FindingRow>,
}

#[derive(Template)]
#[template(path = "architecture_app.html")]
struct DetailPage {
    ctx: PageCtx,
    engagement: Engagement,
    app_id: i64,
    name: String,
    strategy_code: String,
    strategy: String,
    patterns: String,
    modes: Vec<ModeOption>,
    diagram: String,
    components: Vec<ComponentRow>,
    rules: Vec<RuleRow>,
    sizing: Vec<SizingRow>,
    model_labels: Vec<String>,
    cost_rows: Vec<CostRow>,
    cost_totals: Vec<String>,
    tco: Vec<TcoRow>,
    tco_today: String,
    tco_chart: String,
    defaulted: String,
    retained: String,
    findings_current: Vec<PillarGroup>,
    findings_target: Vec<PillarGroup>,
    notice: String,
}

fn groups(t: &Tr, fs: &[findings::Finding]) -> Vec<PillarGroup> {
    findings::by_pillar(fs)
        .into_iter()
        .map(|(p, items)| PillarGroup {
            pillar: p.label(t),
            items: items
                .into_iter()
                .map(|f| FindingRow {
                    severity: f.severity.code(),
                    severity_label: t.t(&format!("architecture.severity.{}", f.severity.code())).to_string(),
                    title: f.title(t),
                    fix: f.fix(t),
                })
                .collect(),
        })
        .collect()
}

async fn detail(State(st): State<AppState>, ctx: PageCtx, Path((id, app_id)): Path<(i64, i64)>) -> Result<Html<String>, AppError> {
    let (engagement, estate, a) = load_one(&st, id, app_id).await?;
    let cat = cost::catalogue();
    let t = ctx.t;
    let (strategy_code, strategy) = strategy_label(&t, a.target.strategy);
    let cur = a.cost.currency.clone();
    let tier = |code: &str| t.t(&format!("architecture.tier.{code}")).to_string();
    let components = a
        .target
        .components
        .iter()
        .map(|c| ComponentRow {
            service: c.kind.service_name().to_string(),
            label: c.display_label(&t),
            tier: tier(c.tier.code()),
            subnet: if c.subnet.code().is_empty() {
                String::new()
            } else {
                t.t(&format!("architecture.subnet.{}", c.subnet.code())).to_string()
            },
            az: c.az.code().to_string(),
            size: c.size.clone(),
            count: c.count,
            scaling: c.scaling.map(|s| format!("{}–{}", s.min, s.max)).unwrap_or_default(),
        })
        .collect();
    let rules = a
        .target
        .rules
        .iter()
        .map(|r| RuleRow {
            source: r.source.display_name(&t),
            destination: r.destination.display_name(&t),
            protocol: r.protocol.to_string(),
            port: r.port,
            why: r.why_text(&t),
        })
        .collect();
    let sizing = a
        .target
        .sizing
        .iter()
        .map(|l| {
            let flags = l.choice.as_ref().map(|c| c.flags.clone()).unwrap_or_else(|| l.demand.flags.clone());
            SizingRow {
                workload: l.workload.clone(),
                component: l.component.clone(),
                service: l.service.to_string(),
                on_prem: format!(
                    "{} / {}",
                    l.cores.map(|c| format!("{c} cores")).unwrap_or_else(|| "? cores".into()),
                    l.ram_gb.map(|r| format!("{} GB", amount(r))).unwrap_or_else(|| "? GB".into())
                ),
                peaks: format!(
                    "{} / {}",
                    l.peak_cpu_pct.map(|p| format!("{}%", amount(p))).unwrap_or_else(|| "?".into()),
                    l.peak_ram_pct.map(|p| format!("{}%", amount(p))).unwrap_or_else(|| "?".into())
                ),
                share: format!("{}%", amount(l.share_pct)),
                need: format!("{} vCPU / {} GiB", amount(l.demand.vcpu), amount(l.demand.memory_gib)),
                chosen: l.choice.as_ref().map(|c| c.name.clone()).unwrap_or_else(|| "—".into()),
                spec: l.choice.as_ref().map(|c| format!("{} vCPU / {} GiB", c.vcpu, amount(c.memory_gib))).unwrap_or_default(),
                hourly: l.choice.as_ref().filter(|c| c.hourly_usd > 0.0).map(|c| format!("${:.4}", c.hourly_usd)).unwrap_or_default(),
                flags: flags.iter().map(|f| t.t(&format!("architecture.flag.{}", f.code())).to_string()).collect::<Vec<_>>().join("; "),
            }
        })
        .collect();
    let cost_rows = a
        .cost
        .lines
        .iter()
        .filter(|l| l.monthly.iter().any(|v| *v > 0.0) || l.quote_needed)
        .map(|l| CostRow {
            label: format!(
                "{} — {}",
                l.kind.service_name(),
                a.target.components.iter().find(|c| c.key == l.component).map(|c| c.display_label(&t)).unwrap_or_else(|| l.label.clone())
            ),
            basis: if l.quote_needed { t.t("architecture.quote_needed").to_string() } else { l.basis.clone() },
            values: l.monthly.iter().map(|v| money(*v, &cur)).collect(),
        })
        .collect();
    let tco = a
        .cost
        .models
        .iter()
        .map(|m| TcoRow {
            label: m.label(&t).to_string(),
            monthly: money(m.monthly, &cur),
            three_year: money(m.three_year, &cur),
            saving: money(m.saving_three_year, &cur),
            saving_pct: format!("{:.0}%", m.saving_pct),
            negative: m.saving_three_year < 0.0,
        })
        .collect();
    let title = format!("{}: {}", t.t("architecture.diagram_title"), app_name(&t, &a.target.application));
    let diagram = architecture::svg(&architecture::layout_in(&a.target, &t), &title);
    render(&DetailPage {
        app_id,
        name: app_name(&t, &a.target.application),
        strategy_code,
        strategy,
        patterns: patterns(&t, &a.target.patterns),
        modes: mode_options(&t, estate.mode),
        diagram,
        components,
        rules,
        sizing,
        model_labels: a.cost.models.iter().map(|m| m.label(&t).to_string()).collect(),
        cost_totals: a.cost.models.iter().map(|m| money(m.monthly, &cur)).collect(),
        cost_rows,
        tco,
        tco_today: money(a.cost.on_prem_three_year, &cur),
        tco_chart: cost::tco_svg(&a.cost, &t),
        defaulted: a.cost.on_prem_defaulted.join(", "),
        retained: if a.cost.retained_annual > 0.0 { money(a.cost.retained_annual, &cur) } else { String::new() },
        findings_current: groups(&t, &a.target.findings_current),
        findings_target: groups(&t, &a.target.findings_target),
        notice: cat.meta.notice.clone(),
        engagement,
        ctx,
    })
}

/// The diagram alone, as an SVG file.
async fn diagram_svg(State(st): State<AppState>, ctx: PageCtx, Path((id, app_id)): Path<(i64, i64)>) -> Result<Response, AppError> {
    let (_, _, a) = load_one(&st, id, app_id).await?;
    let title = format!("{}: {}", ctx.t.t("architecture.diagram_title"), app_name(&ctx.t, &a.target.application));
    let body = architecture::svg(&architecture::layout_in(&a.target, &ctx.t), &title);
    Ok(([(CONTENT_TYPE, "image/svg+xml; charset=utf-8")], body).into_response())
}

#[derive(Deserialize)]
struct SizingForm {
    mode: String,
    #[serde(default)]
    back: String,
}

async fn set_sizing(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(form): Form<SizingForm>,
) -> Result<Response, AppError> {
    let mode = SizingMode::parse(&form.mode)
        .ok_or_else(|| AppError::Invalid(format!("sizing: {} is not one of performance, as_on_prem", quoted(&form.mode))))?;
    st.db.call(move |c| db::architecture::set_sizing_mode(c, id, mode, LOCAL_ACTOR)).await?;
    let fallback = format!("/engagements/{id}/architecture");
    let back = if form.back.is_empty() { fallback.clone() } else { safe_local_path(&form.back) };
    let back = if back.starts_with(&fallback) { back } else { fallback };
    Ok(redirect(&ctx, &back))
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
    st.db.call(move |c| db::engagements::get(c, id)).await?;
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
                let settings = db::architecture::each_application(&snapshot, id, cat, |a| {
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
