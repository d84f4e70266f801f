//! The landing-zone section of the architecture pages: the page with the
//! choices, the diagram with every shared part drawn once, the shared cost
//! and its allocation; the form that changes the choices; the diagram as
//! an SVG file.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;

use super::{ListQuery, ModeOption, PAGE_SIZE, back_to, options};
use crate::architecture::landing_zone::{Allocation, LandingSettings, LandingZone, Link, Management, Topology};
use crate::architecture::{self};
use crate::cost::{self, money};
use crate::db;
use crate::error::{AppError, quoted};
use crate::i18n::{Tr, amount, thousands};
use crate::inventory::Engagement;
use crate::web::{AppState, PageCtx, Pager, page_number, render};

pub(super) fn settings_sentence(t: &Tr, s: &LandingSettings) -> String {
    let choice = |group: &str, code: &str| t.t(&format!("landing_zone.{group}.{code}")).to_string();
    t.fmt(
        "landing_zone.summary",
        &[
            ("topology", &choice("topology", s.topology.code())),
            ("management", &choice("management", s.management.code())),
            ("link", &choice("link", s.link.code())),
            ("allocation", &choice("allocation", s.allocation.code())),
        ],
    )
}

#[derive(Deserialize)]
pub(super) struct LandingInput {
    topology: String,
    management: String,
    link: String,
    allocation: String,
    #[serde(default)]
    back: String,
}

pub(super) async fn set_landing_zone(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Form(form): Form<LandingInput>,
) -> Result<Response, AppError> {
    let actor = ctx.actor()?;
    let t = ctx.t;
    let invalid = |field: &str, value: &str| {
        AppError::Invalid(
            t.fmt("landing_zone.invalid", &[("field", &t.t(&format!("landing_zone.{field}_label"))), ("value", &quoted(value))]),
        )
    };
    let settings = LandingSettings {
        topology: Topology::parse(&form.topology).ok_or_else(|| invalid("topology", &form.topology))?,
        management: Management::parse(&form.management).ok_or_else(|| invalid("management", &form.management))?,
        link: Link::parse(&form.link).ok_or_else(|| invalid("link", &form.link))?,
        allocation: Allocation::parse(&form.allocation).ok_or_else(|| invalid("allocation", &form.allocation))?,
    };
    st.db.call(move |c| db::architecture::set_landing_settings(c, id, &settings, &actor)).await?;
    Ok(back_to(&ctx, id, &form.back))
}

struct SharedRow {
    label: String,
    scope: String,
    basis: String,
    values: Vec<String>,
}

struct ShareRow {
    application: String,
    environment: String,
    key: String,
    monthly: String,
}

/// The landing-zone choices as radio groups.
struct LandingForm {
    topologies: Vec<ModeOption>,
    managements: Vec<ModeOption>,
    links: Vec<ModeOption>,
    allocations: Vec<ModeOption>,
}

fn landing_form(t: &Tr, s: &LandingSettings) -> LandingForm {
    LandingForm {
        topologies: options(t, "landing_zone.topology", Topology::ALL, Topology::code, s.topology),
        managements: options(t, "landing_zone.management", Management::ALL, Management::code, s.management),
        links: options(t, "landing_zone.link", Link::ALL, Link::code, s.link),
        allocations: options(t, "landing_zone.allocation", Allocation::ALL, Allocation::code, s.allocation),
    }
}

#[derive(Template)]
#[template(path = "architecture_landing_zone.html")]
struct LandingPage {
    ctx: PageCtx,
    engagement: Engagement,
    form: LandingForm,
    summary: String,
    diagram: String,
    model_labels: Vec<String>,
    lines: Vec<SharedRow>,
    totals: Vec<String>,
    key_label: String,
    shares: Vec<ShareRow>,
    /// "Applications 51–100 of 4,500" when there are several pages.
    shares_summary: String,
    pager: Pager,
    mixed: String,
    notice: String,
    has_zone: bool,
}

/// The landing zone page: the choices, the diagram with every shared part
/// drawn once, the shared cost and how it is allocated. The allocation
/// table comes a page at a time, as the architecture list; the diagram
/// counts the applications of a VPC beyond `landing_zone::NAMED`.
pub(super) async fn landing_zone_page(
    State(st): State<AppState>,
    ctx: PageCtx,
    Path(id): Path<i64>,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let t = ctx.t;
    let asked = page_number(&query.page);
    let (engagement, settings, lz, pager) = st
        .db
        .call(move |c| {
            let engagement = db::engagements::get(c, id)?;
            let settings = db::architecture::landing_settings(c, id)?;
            let mut pager = Pager::new(&t, 0, PAGE_SIZE, 1, "allocation-table", |p| page_url(id, p));
            let lz = db::architecture::landing_zone_page(c, id, cost::catalogue(), |shares| {
                pager = Pager::new(&t, shares, PAGE_SIZE, asked, "allocation-table", |p| page_url(id, p));
                pager.range(shares, PAGE_SIZE)
            })?;
            Ok((engagement, settings, lz, pager))
        })
        .await?;
    let cat = cost::catalogue();
    let lz = lz.as_ref();
    let unassigned = |name: &str| if name.is_empty() { t.t("architecture.unassigned").to_string() } else { name.to_string() };
    render(&LandingPage {
        form: landing_form(&t, &settings),
        summary: settings_sentence(&t, &settings),
        diagram: lz
            .map(|lz| architecture::svg(&architecture::diagram::landing_zone_layout(lz, &t), t.t("landing_zone.title")))
            .unwrap_or_default(),
        model_labels: cat.pricing_models.iter().map(|m| m.label(t.lang).to_string()).collect(),
        lines: lz
            .map(|lz| {
                lz.lines
                    .iter()
                    .filter(|l| l.line.monthly.iter().any(|v| *v > 0.0))
                    .map(|l| SharedRow {
                        label: l.line.title(lz.components().find(|c| c.key == l.line.component), &t),
                        scope: l.scope.map_or_else(
                            || t.t("landing_zone.scope_all").to_string(),
                            |e| t.t(&format!("landing_zone.env.{}", e.code())).to_string(),
                        ),
                        basis: l.line.basis.text(&t),
                        values: l.line.monthly.iter().map(|v| money(*v, &lz.currency)).collect(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        totals: lz.map(|lz| lz.monthly.iter().map(|v| money(*v, &lz.currency)).collect()).unwrap_or_default(),
        key_label: t.t(&format!("landing_zone.allocation_key.{}", settings.allocation.code())).to_string(),
        shares: lz
            .map(|lz| {
                lz.shares
                    .iter()
                    .map(|sh| ShareRow {
                        application: unassigned(&sh.application),
                        environment: t.t(&format!("landing_zone.env.{}", sh.env.code())).to_string(),
                        key: amount(sh.key),
                        monthly: money(sh.monthly.first().copied().unwrap_or(0.0), &lz.currency),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        mixed: lz
            .map(|lz| match lz.totals.mixed {
                n if n > 0 && lz.mixed.len() != n => t.fmt("landing_zone.applications", &[("n", &thousands(n))]),
                _ => lz.mixed.iter().map(|n| unassigned(n)).collect::<Vec<_>>().join(", "),
            })
            .unwrap_or_default(),
        shares_summary: lz
            .filter(|lz| lz.totals.applications > PAGE_SIZE)
            .map(|lz| {
                let (total, from) = (lz.totals.applications, (pager.page - 1) * PAGE_SIZE + 1);
                t.fmt(
                    "architecture.list_summary",
                    &[("from", &thousands(from)), ("to", &thousands(from + lz.shares.len() - 1)), ("total", &thousands(total))],
                )
            })
            .unwrap_or_default(),
        pager,
        notice: t.fmt("cost.prices_notice", &[("date", &cat.date())]),
        has_zone: lz.is_some(),
        engagement,
        ctx,
    })
}

fn page_url(id: i64, page: usize) -> String {
    let path = format!("/engagements/{id}/architecture/landing-zone");
    if page <= 1 { path } else { format!("{path}?page={page}") }
}

/// The engagement's landing zone, planned from its applications' kept
/// footprints (NotFound for an unknown engagement).
pub(super) async fn kept_landing_zone(st: &AppState, id: i64) -> Result<Option<LandingZone>, AppError> {
    st.db
        .call(move |c| {
            db::engagements::get(c, id)?;
            db::architecture::landing_zone(c, id, cost::catalogue())
        })
        .await
}

/// The landing-zone diagram alone, as an SVG file.
pub(super) async fn landing_zone_svg(State(st): State<AppState>, ctx: PageCtx, Path(id): Path<i64>) -> Result<Response, AppError> {
    let lz = kept_landing_zone(&st, id).await?;
    let lz = lz.as_ref().ok_or_else(|| AppError::NotFound(ctx.t.t("landing_zone.none").to_string()))?;
    let body = architecture::svg(&architecture::diagram::landing_zone_layout(lz, &ctx.t), ctx.t.t("landing_zone.title"));
    Ok(([(CONTENT_TYPE, "image/svg+xml; charset=utf-8")], body).into_response())
}
