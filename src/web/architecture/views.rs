//! The view models of one application's architecture page
//! (architecture_app.html): a row type a table, each built by a function
//! of its own from the application's `AppArchitecture`. Read `DetailPage`
//! and its `new` first.

use askama::Template;

use super::{RangeRow, SizingForm, app_name, patterns, range_rows, sizing_form, strategy_label};
use crate::architecture::{self, AppArchitecture, Estate, KeptArrows, findings};
use crate::cost::{self, money};
use crate::i18n::{Tr, amount};
use crate::inventory::Engagement;
use crate::web::PageCtx;

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
    utilisation: String,
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
pub(super) struct DetailPage {
    ctx: PageCtx,
    engagement: Engagement,
    app_id: i64,
    name: String,
    strategy_code: String,
    strategy: String,
    patterns: String,
    sizing_form: SizingForm,
    placement: String,
    range: Vec<RangeRow>,
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

impl DetailPage {
    /// The page of one application's architecture and cost.
    /// `kept`: the diagram's arrows kept in the reader's language.
    pub(super) fn new(
        ctx: PageCtx,
        engagement: Engagement,
        estate: &Estate,
        a: &AppArchitecture,
        app_id: i64,
        kept: Option<KeptArrows>,
    ) -> DetailPage {
        let cat = cost::catalogue();
        let t = ctx.t;
        let (strategy_code, strategy) = strategy_label(&t, a.target.strategy);
        let cur = a.cost.currency.clone();
        let title = format!("{}: {}", t.t("architecture.diagram_title"), app_name(&t, &a.target.application));
        let diagram = architecture::svg(&architecture::layout_kept(&a.target, &t, kept).0, &title);
        DetailPage {
            app_id,
            name: app_name(&t, &a.target.application),
            strategy_code,
            strategy,
            patterns: patterns(&t, &a.target.patterns),
            sizing_form: sizing_form(&t, estate.mode, &estate.sizing),
            placement: match a.environment() {
                Some(e) => t.fmt("landing_zone.placed_in", &[("vpc", &t.t(&format!("landing_zone.env.{}", e.code())))]),
                None => String::new(),
            },
            range: range_rows(&t, &a.full_range(), estate.mode, estate.sizing.basis, &cur),
            diagram,
            components: components(&t, a),
            rules: rules(&t, a),
            sizing: sizing(&t, a),
            model_labels: a.cost.models.iter().map(|m| m.label(&t).to_string()).collect(),
            cost_totals: a.cost.models.iter().map(|m| money(m.monthly, &cur)).collect(),
            cost_rows: cost_rows(&t, a),
            tco: tco(&t, a),
            tco_today: money(a.cost.on_prem_three_year, &cur),
            tco_chart: crate::architecture::costing::tco_svg(&a.cost, &t),
            defaulted: a.cost.on_prem_defaulted.join(", "),
            retained: if a.cost.retained_annual > 0.0 { money(a.cost.retained_annual, &cur) } else { String::new() },
            findings_current: groups(&t, &a.target.findings_current),
            findings_target: groups(&t, &a.target.findings_target),
            notice: t.fmt("cost.prices_notice", &[("date", &cat.date())]),
            engagement,
            ctx,
        }
    }
}

/// The target's components, their tier and subnet in words.
fn components(t: &Tr, a: &AppArchitecture) -> Vec<ComponentRow> {
    let tier = |code: &str| t.t(&format!("architecture.tier.{code}")).to_string();
    a.target
        .components
        .iter()
        .map(|c| ComponentRow {
            service: c.kind.service_name(t),
            label: if c.shared { format!("{} ({})", c.display_label(t), t.t("landing_zone.shared")) } else { c.display_label(t) },
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
        .collect()
}

fn rules(t: &Tr, a: &AppArchitecture) -> Vec<RuleRow> {
    a.target
        .rules
        .iter()
        .map(|r| RuleRow {
            source: r.source.display_name(t),
            destination: r.destination.display_name(t),
            protocol: r.protocol.to_string(),
            port: r.port,
            why: r.why_text(t),
        })
        .collect()
}

/// Each workload's right-sizing: what it has, what it needs, what was chosen.
fn sizing(t: &Tr, a: &AppArchitecture) -> Vec<SizingRow> {
    a.target
        .sizing
        .iter()
        .map(|l| {
            let flags = l.choice.as_ref().map(|c| c.flags.clone()).unwrap_or_else(|| l.demand.flags.clone());
            SizingRow {
                workload: l.workload.clone(),
                component: l.component.clone(),
                service: l.service.to_string(),
                on_prem: l.on_prem_text(t),
                utilisation: l.utilisation_text(),
                share: format!("{}%", amount(l.share_pct)),
                need: l.need_text(),
                chosen: l.choice.as_ref().map(|c| c.name.clone()).unwrap_or_else(|| "—".into()),
                spec: l.choice.as_ref().map(|c| format!("{} vCPU / {} GiB", c.vcpu, amount(c.memory_gib))).unwrap_or_default(),
                hourly: l.choice.as_ref().filter(|c| c.hourly_usd > 0.0).map(|c| format!("${:.4}", c.hourly_usd)).unwrap_or_default(),
                flags: flags.iter().map(|f| t.t(&format!("architecture.flag.{}", f.code())).to_string()).collect::<Vec<_>>().join("; "),
            }
        })
        .collect()
}

/// The monthly cost lines per pricing model (lines that cost nothing and
/// need no quote are left out).
fn cost_rows(t: &Tr, a: &AppArchitecture) -> Vec<CostRow> {
    let cur = &a.cost.currency;
    a.cost
        .lines
        .iter()
        .filter(|l| l.monthly.iter().any(|v| *v > 0.0) || l.quote_needed)
        .map(|l| CostRow {
            label: l.title(a.target.components.iter().find(|c| c.key == l.component), t),
            basis: l.basis.text(t),
            values: l.monthly.iter().map(|v| money(*v, cur)).collect(),
        })
        .collect()
}

fn tco(t: &Tr, a: &AppArchitecture) -> Vec<TcoRow> {
    let cur = &a.cost.currency;
    a.cost
        .models
        .iter()
        .map(|m| TcoRow {
            label: m.label(t).to_string(),
            monthly: money(m.monthly, cur),
            three_year: money(m.three_year, cur),
            saving: money(m.saving_three_year, cur),
            saving_pct: format!("{:.0}%", m.saving_pct),
            negative: m.saving_three_year < 0.0,
        })
        .collect()
}
