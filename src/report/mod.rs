//! The PDF report: `build` turns a `ReportData` into a
//! PDF written the way an assessment deliverable is: an executive summary on
//! two pages, the findings of the estate stated once each, a page per
//! application that matters most and a line for every one, the details
//! (security groups, sizing and cost, plan, Well-Architected findings), and
//! the inventory as a compact appendix; a table of contents and an outline
//! to find one's way. The data comes from `service::report`.

pub mod apps;
mod charts;
pub mod draw;
pub(crate) mod fonts;
pub mod group;
pub mod layout;
pub mod model;
pub mod os;
mod summary;

use std::collections::{BTreeMap, HashMap};

use crate::architecture::diagram::landing_zone_layout;
use crate::architecture::landing_zone::LandingZone;
use crate::architecture::{AppArchitecture, assumptions_text, cost_range, findings};
use crate::cost::{ModelCost, money};
use crate::i18n::{Lang, Tr, amount, thousands};
use crate::inventory::Workload;
use crate::plan::{PlanApp, warning_text};
use crate::strategy::Strategy;
use draw::Bar;
use group::{Finding, Findings};
use layout::{Column, Doc, Face, Finished, GREY, Meta, Rgb8};
pub use model::ReportData;

/// Bar colours per strategy, the same order as `Strategy::ALL`.
fn strategy_colour(s: Strategy) -> Rgb8 {
    match s {
        Strategy::Rehost => Rgb8(0x3b, 0x82, 0xc4),
        Strategy::Replatform => Rgb8(0x2e, 0x9e, 0x6a),
        Strategy::Refactor => Rgb8(0x8e, 0x5c, 0xc8),
        Strategy::Retire => Rgb8(0x9a, 0xa1, 0xa9),
        Strategy::Retain => Rgb8(0xd9, 0x8c, 0x2b),
        Strategy::Repurchase => Rgb8(0xc8, 0x4b, 0x6a),
    }
}

/// "[High] " before a risk's sentence, nothing before a reason's.
fn severity_tag(f: &Finding, t: &Tr) -> String {
    let label = match f.severity {
        Some(model::Severity::High) => t.t("report.high"),
        Some(model::Severity::Medium) => t.t("report.medium"),
        Some(model::Severity::Low) => t.t("report.low"),
        None => return String::new(),
    };
    format!("[{label}] ")
}

fn risk_text(f: &Finding, t: &Tr) -> String {
    format!("{}{}", severity_tag(f, t), f.text(t.lang))
}

/// A reason's sentence with its effect: "… (+2 Rehost)".
fn with_effect(f: &Finding, t: &Tr) -> String {
    let effect = f.effect(t.lang);
    if effect.is_empty() { f.text(t.lang).to_string() } else { format!("{} ({effect})", f.text(t.lang)) }
}

/// "3 workloads", "1 workload": `report.n_<noun>` in the report's language.
fn counted(t: &Tr, noun: &str, n: usize) -> String {
    let key = if n == 1 { format!("report.n_{noun}_one") } else { format!("report.n_{noun}") };
    t.fmt(&key, &[("n", &thousands(n))])
}

fn percent(share: f64) -> String {
    format!("{:.0}%", share * 100.0)
}

fn unassigned_label(t: &Tr) -> &str {
    t.t("architecture.unassigned")
}

/// Under a list cut to `shown` of `total` items: the grey note `key` ("{n} more ...").
fn more_note(doc: &mut Doc, total: usize, shown: usize, key: &str, indent: f32, t: &Tr) {
    if total > shown {
        doc.paragraph_styled(&t.fmt(key, &[("n", &thousands(total - shown))]), Face::Regular, 8.5, GREY, indent);
    }
}

fn opt_num(v: Option<f64>) -> String {
    v.map(|x| if x.fract() == 0.0 { thousands(x) } else { format!("{x:.1}") }).unwrap_or_default()
}

/// Workloads named in full up to this many; more are counted per application.
const NAMED_WORKLOADS: usize = 3;
/// Applications named in a finding's scope; the rest are counted.
const NAMED_APPLICATIONS: usize = 4;

/// Where a finding holds, for a reader: the one application it is all in
/// (if so), and the workloads: named when few, else counted per application
/// ("159 workloads: CRM Application 5, Web-Channel 4 and 7 more; 140 without
/// an application (see the appendix)").
fn scope(data: &ReportData, ids: &[i64], t: &Tr) -> (Option<String>, String) {
    let by_id: HashMap<i64, &Workload> = data.workloads.iter().map(|w| (w.id, w)).collect();
    let ws: Vec<&Workload> = ids.iter().filter_map(|id| by_id.get(id).copied()).collect();
    let mut per_app: BTreeMap<&str, usize> = BTreeMap::new();
    for w in &ws {
        *per_app.entry(w.application.trim()).or_default() += 1;
    }
    let unassigned = per_app.remove("").unwrap_or(0);
    let mut named: Vec<(&str, usize)> = per_app.into_iter().collect();
    named.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let only = (named.len() == 1 && unassigned == 0).then(|| named[0].0.to_string());
    if ws.len() <= NAMED_WORKLOADS {
        return (only, ws.iter().map(|w| w.name.as_str()).collect::<Vec<_>>().join(", "));
    }
    let count = counted(t, "workloads", ws.len());
    if only.is_some() {
        return (only, count);
    }
    let mut parts = Vec::new();
    if !named.is_empty() {
        let list: Vec<String> = named.iter().take(NAMED_APPLICATIONS).map(|(a, n)| format!("{a} {}", thousands(n))).collect();
        parts.push(if named.len() > NAMED_APPLICATIONS {
            t.fmt("plan.and_more", &[("list", &list.join(", ")), ("n", &thousands(named.len() - NAMED_APPLICATIONS))])
        } else {
            list.join(", ")
        });
    }
    if unassigned > 0 {
        parts.push(t.fmt("report.scope_unassigned", &[("n", &thousands(unassigned))]));
    }
    (None, format!("{count}: {}", parts.join("; ")))
}

/// Numbers the chapters and their parts as they are laid out ("3", "3.1")
/// and marks each for the table of contents and the outline.
#[derive(Debug, Default)]
pub struct Numbering {
    chapter: usize,
    part: usize,
}

impl Numbering {
    fn chapter(&mut self, doc: &mut Doc, title: &str) {
        self.chapter_on(doc, title, true);
    }

    /// A chapter, on the page where the last one ends when `new_page` is false.
    fn chapter_on(&mut self, doc: &mut Doc, title: &str, new_page: bool) {
        self.chapter += 1;
        self.part = 0;
        let title = format!("{} {title}", self.chapter);
        if new_page {
            doc.heading(&title, 1);
        } else {
            doc.space(16.0);
            doc.heading_on(&title, 1, false);
        }
        doc.anchor(1, &title);
    }

    /// A part of the current chapter, on a page of its own when `new_page`.
    fn part(&mut self, doc: &mut Doc, title: &str, new_page: bool) {
        self.part += 1;
        let title = format!("{}.{} {title}", self.chapter, self.part);
        if new_page && doc.y > layout::TOP {
            doc.new_page();
        }
        doc.heading(&title, 2);
        doc.anchor(2, &title);
    }

    /// The number the `k`-th part from now will have ("3.2").
    fn upcoming(&self, k: usize) -> String {
        format!("{}.{}", self.chapter, self.part + k)
    }
}

/// "2026-11-23" as (2026, 11, 23).
pub fn date_parts(s: &str) -> Option<(i32, u8, u8)> {
    let mut it = s.trim().splitn(3, '-');
    let (y, m, d) = (it.next()?.parse().ok()?, it.next()?.parse().ok()?, it.next()?.parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// The sixr that wrote the report ("sixr 0.1.0").
fn writer() -> String {
    format!("sixr {}", env!("CARGO_PKG_VERSION"))
}

/// The document information: engagement, customer, consultant, date and
/// the sixr version, the date the cover's.
fn meta(data: &ReportData, title: &str, t: &Tr) -> Meta {
    let e = &data.engagement;
    let keywords = [e.name.as_str(), e.customer.as_str(), e.consultant.as_str(), data.generated_on.as_str()];
    let mut keywords: Vec<String> = keywords.iter().filter(|k| !k.trim().is_empty()).map(|k| k.to_string()).collect();
    keywords.push(writer());
    Meta {
        title: title.to_string(),
        author: e.consultant.clone(),
        subject: if e.customer.trim().is_empty() {
            t.fmt("report.meta_subject_alone", &[("engagement", &e.name)])
        } else {
            t.fmt("report.meta_subject", &[("engagement", &e.name), ("customer", &e.customer)])
        },
        keywords,
        creator: writer(),
        date: date_parts(&data.generated_on),
    }
}

/// Renders the whole report.
pub fn render(data: &ReportData, lang: Lang) -> Vec<u8> {
    build(data, lang).pdf
}

/// Renders the whole report, with what its contents and outline point to.
pub fn build(data: &ReportData, lang: Lang) -> Finished {
    let t = Tr::new(lang);
    let title = format!("{} · {}", t.t("report.title"), data.engagement.name);
    let mut doc = Doc::new(&title);
    let apps = apps::ranked(data);
    let estate = group::group(&data.workloads, &data.assessments);
    let featured: Vec<&AppArchitecture> = apps::featured(&apps).iter().filter_map(|a| a.architecture).collect();
    let mut n = Numbering::default();
    cover(&mut doc, data, &t);
    summary::chapter(&mut doc, &mut n, data, &apps, &estate, &t);
    estate_findings(&mut doc, &mut n, data, &estate, &t);
    apps::chapter(&mut doc, &mut n, data, &apps, &t);
    architecture(&mut doc, &mut n, &featured, data.landing_zone.as_ref(), &t);
    costs(&mut doc, &mut n, data, &apps, &featured, &t);
    plan(&mut doc, &mut n, data, &t);
    findings(&mut doc, &mut n, data, &t);
    next_steps(&mut doc, &mut n, &t);
    appendix(&mut doc, &mut n, data, &t);
    doc.finish(&meta(data, &title, &t), t.t("report.contents"), |n, total| {
        t.fmt("report.page", &[("n", &thousands(n)), ("total", &thousands(total))])
    })
}

fn cover(doc: &mut Doc, data: &ReportData, t: &Tr) {
    let e = &data.engagement;
    doc.y = 250.0;
    doc.paragraph_styled(t.t("report.title"), Face::Bold, 26.0, layout::ACCENT, 0.0);
    doc.space(6.0);
    doc.paragraph_styled(&e.name, Face::Bold, 16.0, layout::BLACK, 0.0);
    doc.space(30.0);
    if !e.customer.is_empty() {
        doc.paragraph_styled(&t.fmt("report.prepared_for", &[("customer", &e.customer)]), Face::Regular, 12.0, layout::BLACK, 0.0);
    }
    if !e.consultant.is_empty() {
        doc.paragraph_styled(&t.fmt("report.consultant", &[("consultant", &e.consultant)]), Face::Regular, 12.0, layout::BLACK, 0.0);
    }
    doc.paragraph_styled(&t.fmt("report.region", &[("region", &e.region)]), Face::Regular, 12.0, layout::BLACK, 0.0);
    doc.paragraph_styled(&t.fmt("report.date", &[("date", &data.generated_on)]), Face::Regular, 12.0, GREY, 0.0);
    doc.paragraph_styled(&t.fmt("report.written_with", &[("sixr", &writer())]), Face::Regular, 9.0, GREY, 0.0);
}

/// Every reason and risk of the estate, each once, with where it holds.
fn estate_findings(doc: &mut Doc, n: &mut Numbering, data: &ReportData, estate: &Findings, t: &Tr) {
    if estate.risks.is_empty() && estate.reasons.is_empty() {
        return;
    }
    n.chapter(doc, t.t("report.findings_estate"));
    doc.paragraph_styled(t.t("report.findings_estate_text"), Face::Regular, 9.5, GREY, 0.0);
    let item = |f: &Finding, text: String| {
        let (app, scope) = scope(data, &f.workloads, t);
        let detail = app.map_or(scope.clone(), |a| format!("{a} — {scope}"));
        (thousands(f.workloads.len()), text, detail)
    };
    if !estate.risks.is_empty() {
        n.part(doc, t.t("report.risks"), false);
        let items: Vec<_> = estate.risks.iter().map(|f| item(f, risk_text(f, t))).collect();
        doc.counted(&items);
    }
    if !estate.reasons.is_empty() {
        n.part(doc, t.t("report.estate_reasons"), false);
        let items: Vec<_> = estate.reasons.iter().map(|f| item(f, with_effect(f, t))).collect();
        doc.counted(&items);
    }
}

/// The estate's TCO: every application's figures added up per pricing model.
struct EstateTco {
    currency: String,
    on_prem_annual: f64,
    on_prem_three_year: f64,
    models: Vec<ModelCost>,
}

impl EstateTco {
    fn of(archs: &[AppArchitecture]) -> Option<EstateTco> {
        let first = archs.first()?;
        let mut tco = EstateTco {
            currency: first.cost.currency.clone(),
            on_prem_annual: 0.0,
            on_prem_three_year: 0.0,
            models: first
                .cost
                .models
                .iter()
                .map(|m| ModelCost { monthly: 0.0, three_year: 0.0, saving_three_year: 0.0, ..m.clone() })
                .collect(),
        };
        for a in archs {
            tco.on_prem_annual += a.cost.on_prem_annual;
            tco.on_prem_three_year += a.cost.on_prem_three_year;
            for m in &a.cost.models {
                if let Some(sum) = tco.models.iter_mut().find(|s| s.code == m.code) {
                    sum.monthly += m.monthly;
                    sum.three_year += m.three_year;
                    sum.saving_three_year += m.saving_three_year;
                }
            }
        }
        for m in &mut tco.models {
            m.saving_pct = if tco.on_prem_three_year > 0.0 { m.saving_three_year / tco.on_prem_three_year * 100.0 } else { 0.0 };
        }
        (!tco.models.is_empty()).then_some(tco)
    }
}

fn app_title(t: &Tr, a: &AppArchitecture) -> String {
    let name = if a.target.application.trim().is_empty() { unassigned_label(t) } else { a.target.application.as_str() };
    let strategy = a.target.strategy.map_or(t.t("report.not_decided"), |s| s.label(t.lang));
    format!("{name} — {strategy}")
}

/// Model | per month | 3 years | saving | %, today's cost first.
fn tco_table(doc: &mut Doc, t: &Tr, currency: &str, on_prem_three_year: f64, models: &[ModelCost]) {
    let mut rows =
        vec![vec![t.t("architecture.today").to_string(), String::new(), money(on_prem_three_year, currency), String::new(), String::new()]];
    rows.extend(models.iter().map(|m| {
        vec![
            m.label(t).to_string(),
            money(m.monthly, currency),
            money(m.three_year, currency),
            money(m.saving_three_year, currency),
            format!("{:.0}%", m.saving_pct),
        ]
    }));
    doc.table(
        &[
            Column::left(t.t("architecture.model"), 2.6),
            Column::right(t.t("architecture.monthly"), 1.4),
            Column::right(t.t("architecture.three_year"), 1.5),
            Column::right(t.t("architecture.saving"), 1.6),
            Column::right("%", 0.6),
        ],
        &rows,
        9.0,
    );
}

/// The landing zone the applications share: the choices, its diagram (each
/// shared part drawn once), its monthly cost and how it is allocated.
pub fn landing_zone_section(doc: &mut Doc, lz: &LandingZone, t: &Tr) {
    doc.heading(t.t("landing_zone.title"), 2);
    let s = &lz.settings;
    let choice = |group: &str, code: &str| t.t(&format!("landing_zone.{group}.{code}")).to_string();
    doc.paragraph(&t.fmt(
        "landing_zone.summary",
        &[
            ("topology", &choice("topology", s.topology.code())),
            ("management", &choice("management", s.management.code())),
            ("link", &choice("link", s.link.code())),
            ("allocation", &choice("allocation", s.allocation.code())),
        ],
    ));
    draw::diagram(doc, &landing_zone_layout(lz, t), 560.0);
    let cur = &lz.currency;
    let mut rows: Vec<Vec<String>> = lz
        .lines
        .iter()
        .filter(|l| l.line.monthly.iter().any(|v| *v > 0.0))
        .map(|l| {
            let c = lz.components().find(|c| c.key == l.line.component);
            let scope = l
                .scope
                .map_or_else(|| t.t("landing_zone.scope_all").to_string(), |e| t.t(&format!("landing_zone.env.{}", e.code())).to_string());
            vec![l.line.title(c, t), scope, l.line.basis.text(t), money(l.line.monthly.first().copied().unwrap_or(0.0), cur)]
        })
        .collect();
    rows.push(vec![
        t.t("architecture.monthly_total").to_string(),
        String::new(),
        String::new(),
        money(lz.monthly.first().copied().unwrap_or(0.0), cur),
    ]);
    doc.table(
        &[
            Column::left(t.t("architecture.component"), 2.8),
            Column::left(t.t("landing_zone.scope"), 1.3),
            Column::left(t.t("architecture.basis"), 2.6),
            Column::right(t.t("architecture.monthly_on_demand"), 1.4),
        ],
        &rows,
        8.0,
    );
    doc.heading(t.t("landing_zone.allocation_title"), 3);
    let rows: Vec<Vec<String>> = lz
        .shares
        .iter()
        .map(|sh| {
            let name = if sh.application.is_empty() { t.t("architecture.unassigned").to_string() } else { sh.application.clone() };
            vec![
                name,
                t.t(&format!("landing_zone.env.{}", sh.env.code())).to_string(),
                crate::i18n::amount(sh.key),
                money(sh.monthly.first().copied().unwrap_or(0.0), cur),
            ]
        })
        .collect();
    doc.table(
        &[
            Column::left(t.t("architecture.application"), 3.0),
            Column::left(t.t("landing_zone.environment"), 1.4),
            Column::right(&choice("allocation_key", s.allocation.code()), 1.2),
            Column::right(t.t("landing_zone.share_monthly"), 1.6),
        ],
        &rows,
        8.0,
    );
    if !lz.mixed.is_empty() {
        doc.paragraph_styled(&t.fmt("landing_zone.mixed", &[("apps", &lz.mixed.join(", "))]), Face::Regular, 8.5, GREY, 0.0);
    }
}

/// The engagement's monthly estimate on every sizing basis, per pricing
/// model, the basis in use marked: the range a reader should see.
pub fn cost_range_table(doc: &mut Doc, data: &ReportData, t: &Tr) {
    let Some(first) = data.architectures.first() else { return };
    let range = cost_range(&data.architectures, data.landing_zone.as_ref());
    let cur = &first.cost.currency;
    let rows: Vec<Vec<String>> = range
        .iter()
        .map(|r| {
            let mut label = r.label(t);
            if r.is(first.target.mode, first.sizing.basis) {
                label = format!("{label} ({})", t.t("sizing.in_use"));
            }
            let mut row = vec![label];
            row.extend(r.monthly.iter().map(|v| money(*v, cur)));
            row
        })
        .collect();
    let mut columns = vec![Column::left(t.t("sizing.basis_column"), 2.2)];
    columns.extend(first.cost.models.iter().map(|m| Column::right(m.label(t), 1.4)));
    doc.heading(t.t("sizing.range_title"), 3);
    doc.table(&columns, &rows, 8.0);
}

/// The landing zone the applications share, and the security groups of the
/// applications with a page (their diagram is there).
fn architecture(doc: &mut Doc, n: &mut Numbering, archs: &[&AppArchitecture], lz: Option<&LandingZone>, t: &Tr) {
    if lz.is_none() && archs.iter().all(|a| a.target.rules.is_empty()) {
        return;
    }
    n.chapter(doc, t.t("report.architecture"));
    if let Some(lz) = lz {
        landing_zone_section(doc, lz, t);
    }
    if archs.iter().all(|a| a.target.rules.is_empty()) {
        return;
    }
    doc.paragraph_styled(t.t("report.architecture_intro"), Face::Regular, 9.5, GREY, 0.0);
    for a in archs.iter().filter(|a| !a.target.rules.is_empty()) {
        doc.heading(&app_title(t, a), 2);
        doc.heading(t.t("report.security_groups"), 3);
        let rows: Vec<Vec<String>> = a
            .target
            .rules
            .iter()
            .map(|r| {
                vec![r.source.display_name(t), r.destination.display_name(t), r.protocol.to_string(), r.port.to_string(), r.why_text(t)]
            })
            .collect();
        doc.table(
            &[
                Column::left(t.t("architecture.source"), 1.8),
                Column::left(t.t("architecture.destination"), 1.8),
                Column::left(t.t("architecture.protocol"), 0.8),
                Column::right(t.t("architecture.port"), 0.7),
                Column::left(t.t("report.sg_purpose"), 3.0),
            ],
            &rows,
            8.5,
        );
    }
}

/// The estate's TCO, the cost per application, and the sizing and cost
/// lines of the applications with a page.
fn costs(doc: &mut Doc, n: &mut Numbering, data: &ReportData, apps: &[apps::App], featured: &[&AppArchitecture], t: &Tr) {
    let Some(tco) = EstateTco::of(&data.architectures) else { return };
    n.chapter(doc, t.t("report.costs"));
    if let Some(best) = tco.models.iter().min_by(|a, b| a.three_year.total_cmp(&b.three_year)) {
        let mut s = t.fmt(
            "report.tco_headline",
            &[
                ("aws", &money(best.three_year / 3.0, &tco.currency)),
                ("model", &best.label(t)),
                ("onprem", &money(tco.on_prem_annual, &tco.currency)),
            ],
        );
        if tco.on_prem_annual > 0.0 {
            let key = if best.saving_pct >= 0.0 { "report.tco_saving" } else { "report.tco_more" };
            s.push(' ');
            s.push_str(&t.fmt(key, &[("pct", &best.saving_pct.abs().round())]));
        }
        doc.paragraph(&s);
    }
    if let Some(first) = data.architectures.first() {
        doc.paragraph(&assumptions_text(first.target.mode, &first.sizing, crate::cost::catalogue(), t));
    }
    doc.heading(t.t("architecture.tco"), 2);
    tco_table(doc, t, &tco.currency, tco.on_prem_three_year, &tco.models);
    cost_range_table(doc, data, t);
    let mut bars = vec![Bar {
        label: t.t("architecture.today").to_string(),
        value: tco.on_prem_three_year,
        value_text: money(tco.on_prem_three_year, &tco.currency),
        fill: Rgb8(0x9a, 0xa1, 0xa9),
    }];
    bars.extend(tco.models.iter().map(|m| Bar {
        label: m.label(t).to_string(),
        value: m.three_year,
        value_text: money(m.three_year, &tco.currency),
        fill: layout::ACCENT,
    }));
    draw::bar_chart(doc, &bars);
    let date = data.architectures.first().map(|a| a.cost.prices_date.as_str()).unwrap_or_default();
    doc.paragraph_styled(
        &format!("{} {}", t.t("architecture.tco_note"), t.fmt("cost.prices_notice", &[("date", &date)])),
        Face::Regular,
        8.5,
        GREY,
        0.0,
    );

    if data.architectures.len() > 1 {
        doc.heading(t.t("report.cost_per_app"), 2);
        let rows: Vec<Vec<String>> = apps
            .iter()
            .filter_map(|a| a.architecture.map(|x| (a, x)))
            .map(|(a, x)| {
                let c = &x.cost;
                let best = c.best();
                vec![
                    a.label(t).to_string(),
                    a.strategy.map_or(t.t("report.not_decided"), |s| s.label(t.lang)).to_string(),
                    money(c.on_prem_annual, &c.currency),
                    money(c.on_demand_monthly(), &c.currency),
                    best.map(|m| money(m.monthly, &c.currency)).unwrap_or_default(),
                    best.map(|m| format!("{:.0}%", m.saving_pct)).unwrap_or_default(),
                ]
            })
            .collect();
        let on_demand = tco.models.first().map(|m| m.label(t)).unwrap_or_default();
        doc.table(
            &[
                Column::left(t.t("report.col_app"), 2.8),
                Column::left(t.t("report.strategy"), 1.2),
                Column::right(t.t("report.col_today"), 1.4),
                Column::right(on_demand, 1.4),
                Column::right(t.t("architecture.best_model"), 1.6),
                Column::right("%", 0.6),
            ],
            &rows,
            8.0,
        );
    }

    for a in featured {
        doc.heading(&app_title(t, a), 2);
        let cur = &a.cost.currency;
        if !a.target.sizing.is_empty() {
            doc.heading(t.t("report.sizing"), 3);
            let rows: Vec<Vec<String>> = a
                .target
                .sizing
                .iter()
                .map(|l| {
                    let chosen = l
                        .choice
                        .as_ref()
                        .map_or_else(|| "—".to_string(), |c| format!("{} ({} vCPU / {} GiB)", c.name, c.vcpu, amount(c.memory_gib)));
                    vec![
                        format!("{} → {}", l.workload, l.component),
                        l.service.to_string(),
                        l.on_prem_text(t),
                        l.utilisation_text(),
                        l.need_text(),
                        chosen,
                    ]
                })
                .collect();
            doc.table(
                &[
                    Column::left(t.t("architecture.workload"), 2.2),
                    Column::left(t.t("architecture.service"), 0.9),
                    Column::left(t.t("architecture.on_prem"), 1.4),
                    Column::left(t.t("architecture.utilisation"), 1.2),
                    Column::left(t.t("architecture.need"), 1.5),
                    Column::left(t.t("architecture.chosen"), 2.1),
                ],
                &rows,
                8.0,
            );
        }
        // Monthly cost per component under each pricing model, as on the web
        // page; identical lines (the two NAT gateways of a pair, a database's
        // standby) are one line with their count, so a reader sees each thing once.
        let mut grouped: Vec<(String, String, Vec<f64>, usize)> = Vec::new();
        for l in a.cost.lines.iter().filter(|l| l.monthly.iter().any(|v| *v > 0.0) || l.quote_needed) {
            let c = a.target.components.iter().find(|c| c.key == l.component);
            let (title, basis) = (l.title(c, t), l.basis.text(t));
            match grouped.iter_mut().find(|g| g.0 == title && g.1 == basis && g.2 == l.monthly) {
                Some(g) => g.3 += 1,
                None => grouped.push((title, basis, l.monthly.clone(), 1)),
            }
        }
        let mut lines: Vec<Vec<String>> = grouped
            .into_iter()
            .map(|(title, basis, monthly, count)| {
                let title = if count > 1 { format!("{title} × {count}") } else { title };
                let mut row = vec![title, basis];
                row.extend(monthly.iter().map(|v| money(*v * count as f64, cur)));
                row
            })
            .collect();
        if !lines.is_empty() {
            let mut total = vec![t.t("architecture.monthly_total").to_string(), String::new()];
            total.extend(a.cost.models.iter().map(|m| money(m.monthly, cur)));
            lines.push(total);
            let mut columns = vec![Column::left(t.t("architecture.component"), 2.6), Column::left(t.t("architecture.basis"), 2.4)];
            columns.extend(a.cost.models.iter().map(|m| Column::right(m.label(t), 1.3)));
            doc.heading(t.t("architecture.cost"), 3);
            doc.table(&columns, &lines, 7.5);
        }
    }
}

/// Names up to `max`, then "and N more".
fn some_names<S: AsRef<str>>(names: &[S], max: usize, t: &Tr) -> String {
    let list: Vec<&str> = names.iter().take(max).map(AsRef::as_ref).collect();
    if names.len() > max {
        t.fmt("plan.and_more", &[("list", &list.join(", ")), ("n", &thousands(names.len() - max))])
    } else {
        list.join(", ")
    }
}

/// Applications named per wave in the waves table, and per group of steps.
const WAVE_NAMES: usize = 6;
const STEP_NAMES: usize = 12;
/// Plan warnings listed; the plan page and the JSON API have them all.
const WARNINGS: usize = 15;

fn plan(doc: &mut Doc, n: &mut Numbering, data: &ReportData, t: &Tr) {
    let plan = &data.plan;
    n.chapter(doc, t.t("report.plan"));
    doc.heading(t.t("report.phases"), 2);
    for p in &plan.phases {
        let (name, activities) = (p.name(t.lang), p.activities(t.lang));
        let weeks = if p.weeks > 0 {
            format!(
                " ({})",
                t.fmt("report.phase_weeks", &[("from", &thousands(p.start_week + 1)), ("to", &thousands(p.start_week + p.weeks))])
            )
        } else {
            String::new()
        };
        doc.heading(&format!("{name}{weeks}"), 3);
        doc.bullets(activities);
    }

    doc.heading(t.t("report.waves"), 2);
    let rows: Vec<Vec<String>> = plan
        .waves
        .iter()
        .map(|w| {
            let mut label = t.fmt("report.wave_title", &[("n", &thousands(w.number))]);
            if w.pilot {
                label = format!("{label} {}", t.t("report.pilot"));
            }
            let apps: Vec<String> = w.apps.iter().map(|a| format!("{} ({})", a.name, a.strategy.label(t.lang))).collect();
            vec![
                label,
                some_names(&apps, WAVE_NAMES, t),
                thousands(w.workload_count),
                t.fmt("plan.week", &[("n", &thousands(w.start_week + 1))]),
                thousands(w.weeks),
            ]
        })
        .collect();
    doc.table(
        &[
            Column::left(t.t("report.wave"), 1.3),
            Column::left(t.t("report.applications"), 4.0),
            Column::right(t.t("report.workloads"), 1.0),
            Column::left(t.t("report.start"), 1.0),
            Column::right(t.t("report.weeks"), 0.9),
        ],
        &rows,
        9.0,
    );
    if !plan.warnings.is_empty() {
        doc.heading(t.t("report.warnings"), 3);
        let items: Vec<String> = plan.warnings.iter().take(WARNINGS).map(|w| warning_text(t, w)).collect();
        doc.bullets(&items);
        more_note(doc, plan.warnings.len(), WARNINGS, "plan.more_warnings", 0.0, t);
    }

    // Applications with the same steps share one list of them.
    let mut groups: Vec<Vec<&PlanApp>> = Vec::new();
    for a in plan.waves.iter().flat_map(|w| &w.apps) {
        match groups.iter_mut().find(|g| g[0].strategy == a.strategy && g[0].steps == a.steps) {
            Some(g) => g.push(a),
            None => groups.push(vec![a]),
        }
    }
    if !groups.is_empty() {
        doc.heading(t.t("report.steps_title"), 2);
    }
    for members in &groups {
        let (strategy, steps) = (members[0].strategy, &members[0].steps);
        if let [a] = members.as_slice() {
            doc.heading(&t.fmt("report.steps_for", &[("app", &a.name), ("strategy", &strategy.label(t.lang))]), 3);
        } else {
            let first = members.iter().map(|a| a.wave).min().unwrap_or(0);
            let last = members.iter().map(|a| a.wave).max().unwrap_or(0);
            let waves = if first == last {
                t.fmt("plan.wave", &[("n", &thousands(first))])
            } else {
                t.fmt("report.waves_range", &[("from", &thousands(first)), ("to", &thousands(last))])
            };
            doc.heading(
                &t.fmt(
                    "report.steps_for_many",
                    &[("strategy", &strategy.label(t.lang)), ("n", &thousands(members.len())), ("waves", &waves)],
                ),
                3,
            );
            let names: Vec<&str> = members.iter().map(|a| a.name.as_str()).collect();
            doc.paragraph_styled(&some_names(&names, STEP_NAMES, t), Face::Regular, 9.0, GREY, 0.0);
        }
        let items: Vec<String> = steps
            .iter()
            .map(|s| {
                let mut line = s.text(t.lang).to_string();
                if !s.tools.is_empty() {
                    line.push_str(&format!(" — {}", t.fmt("report.tools", &[("tools", &s.tools_text(t))])));
                }
                line
            })
            .collect();
        doc.numbered(&items);
    }

    if !plan.not_migrated.is_empty() {
        doc.heading(t.t("report.not_migrated"), 2);
        for (s, steps) in &plan.not_migrated_steps {
            let names: Vec<&str> = plan.not_migrated.iter().filter(|u| u.strategy == Some(*s)).map(|u| u.workload.as_str()).collect();
            doc.heading(&format!("{} ({})", s.label(t.lang), thousands(names.len())), 3);
            doc.paragraph_styled(&some_names(&names, STEP_NAMES, t), Face::Regular, 9.0, GREY, 0.0);
            let items: Vec<&str> = steps.iter().map(|st| st.text(t.lang)).collect();
            doc.numbered(&items);
        }
    }
}

/// Today's findings and what is left in the target, by the six
/// Well-Architected pillars, each finding once with the applications it
/// concerns.
fn findings(doc: &mut Doc, n: &mut Numbering, data: &ReportData, t: &Tr) {
    struct Row<'a> {
        first: &'a findings::Finding,
        current: bool,
        subjects: Vec<&'a str>,
        apps: usize,
    }
    let mut rows: Vec<Row> = Vec::new();
    for a in &data.architectures {
        for (current, list) in [(true, &a.target.findings_current), (false, &a.target.findings_target)] {
            for f in list {
                let at = rows.iter().position(|r| r.current == current && r.first.pillar == f.pillar && r.first.code == f.code);
                let row = match at {
                    Some(i) => &mut rows[i],
                    None => {
                        rows.push(Row { first: f, current, subjects: Vec::new(), apps: 0 });
                        rows.last_mut().expect("just pushed")
                    }
                };
                row.apps += 1;
                if !row.subjects.contains(&f.subject.as_str()) {
                    row.subjects.push(&f.subject);
                }
            }
        }
    }
    if rows.is_empty() {
        return;
    }
    rows.sort_by_key(|r| (r.first.pillar, !r.current, r.first.severity));
    n.chapter(doc, t.t("report.findings"));
    let mut table: Vec<Vec<String>> = Vec::new();
    let mut last_pillar = None;
    for r in &rows {
        let label = if last_pillar == Some(r.first.pillar) { String::new() } else { r.first.pillar.label(t) };
        last_pillar = Some(r.first.pillar);
        let state = if r.current { t.t("architecture.findings_current") } else { t.t("architecture.findings_target") };
        let subject = some_names(&r.subjects, NAMED_APPLICATIONS, t);
        let finding = findings::Finding { subject, ..r.first.clone() };
        table.push(vec![
            label,
            state.to_string(),
            t.t(&format!("architecture.severity.{}", r.first.severity.code())).to_string(),
            finding.title(t),
            finding.fix(t),
            thousands(r.apps),
        ]);
    }
    doc.table(
        &[
            Column::left(t.t("report.pillar"), 1.4),
            Column::left(&format!("{} / {}", t.t("architecture.findings_current"), t.t("architecture.findings_target")), 0.9),
            Column::left(t.t("report.severity"), 0.8),
            Column::left(t.t("report.finding"), 2.6),
            Column::left(t.t("report.recommendation"), 2.6),
            Column::right(t.t("report.col_apps"), 0.6),
        ],
        &table,
        8.5,
    );
}

/// Points the next steps take: heading and four short paragraphs.
const NEXT_STEPS_HEIGHT: f32 = 200.0;

fn next_steps(doc: &mut Doc, n: &mut Numbering, t: &Tr) {
    // Short: it follows the findings on their last page when it fits there whole.
    n.chapter_on(doc, t.t("report.next_steps"), doc.room() < NEXT_STEPS_HEIGHT);
    doc.bullets(&[t.t("report.next_poc"), t.t("report.next_mvp"), t.t("report.next_parallel"), t.t("report.next_cutover")]);
}

/// "Server2" before "Server10": digits compare as numbers.
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(s: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, c) in s.char_indices() {
            if i > start && c.is_ascii_digit() != s[start..].starts_with(|d: char| d.is_ascii_digit()) {
                out.push((s[start..].starts_with(|d: char| d.is_ascii_digit()), &s[start..i]));
                start = i;
            }
        }
        out.push((s[start..].starts_with(|d: char| d.is_ascii_digit()), &s[start..]));
        out
    }
    for (x, y) in chunks(a).into_iter().zip(chunks(b)) {
        let order = match (x, y) {
            ((true, x), (true, y)) => x.trim_start_matches('0').len().cmp(&y.trim_start_matches('0').len()).then(x.cmp(y)),
            ((_, x), (_, y)) => x.to_lowercase().cmp(&y.to_lowercase()),
        };
        if order.is_ne() {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

/// One line per workload, by application (those without one last), then by name.
fn appendix(doc: &mut Doc, n: &mut Numbering, data: &ReportData, t: &Tr) {
    n.chapter(doc, t.t("report.appendix"));
    let mut wave_of: HashMap<&str, u32> = HashMap::new();
    for w in &data.plan.waves {
        for a in &w.apps {
            for name in &a.workloads {
                wave_of.insert(name, w.number);
            }
        }
    }
    let mut ws: Vec<&Workload> = data.workloads.iter().collect();
    ws.sort_by(|a, b| {
        (a.application.trim().is_empty(), a.application.trim())
            .cmp(&(b.application.trim().is_empty(), b.application.trim()))
            .then_with(|| natural_cmp(&a.name, &b.name))
    });
    let rows: Vec<Vec<String>> = ws
        .iter()
        .map(|w| {
            vec![
                w.name.clone(),
                w.application.clone(),
                os::normalise(&w.os, &w.os_version).display(),
                format!("{} {}", w.db_engine.trim(), w.db_version.trim()).trim().to_string(),
                w.cpu_cores.map(|c| c.to_string()).unwrap_or_default(),
                opt_num(w.ram_gb),
                opt_num(w.storage_gb),
                data.strategies.get(&w.id).map(|s| s.label(t.lang).to_string()).unwrap_or_default(),
                data.assessments.get(&w.id).map(|a| percent(a.confidence)).unwrap_or_default(),
                wave_of.get(w.name.as_str()).map(thousands).unwrap_or_default(),
            ]
        })
        .collect();
    doc.compact_table(
        &[
            Column::left(t.t("report.col_name"), 2.2),
            Column::left(t.t("report.col_app"), 1.9),
            Column::left(t.t("report.col_os"), 1.2),
            Column::left(t.t("report.col_db"), 1.0),
            Column::right(t.t("report.col_cpu"), 0.5),
            Column::right(t.t("report.col_ram"), 0.7),
            Column::right(t.t("report.col_storage"), 0.7),
            Column::left(t.t("report.strategy"), 0.9),
            Column::right(t.t("report.col_confidence"), 0.9),
            Column::right(t.t("report.wave"), 0.5),
        ],
        &rows,
        7.0,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_naturally() {
        assert_eq!(thousands(1234567.4), "1,234,567");
        assert_eq!(thousands(-999.0), "-999");
        assert_eq!(opt_num(Some(1.5)), "1.5");
        assert_eq!(opt_num(None), "");
    }

    #[test]
    fn names_sort_as_a_reader_counts() {
        let mut names = vec!["Server10", "server2", "Server1", "Server100", "db-01", "Server2b"];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(names, vec!["db-01", "Server1", "server2", "Server2b", "Server10", "Server100"]);
    }

    #[test]
    fn the_report_date_is_read_for_the_document_information() {
        assert_eq!(date_parts("2026-11-23"), Some((2026, 11, 23)));
        assert_eq!(date_parts("2026-13-01"), None);
        assert_eq!(date_parts("yesterday"), None);
    }
}
