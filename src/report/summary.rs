//! The executive summary, on two pages. The first: the estate in figures,
//! the strategy per application and the cost range with its basis. The
//! second: the top risks ranked, the waves on a timeline and the decisions
//! still open.

use std::collections::BTreeMap;

use super::apps::App;
use super::charts::{self, Span};
use super::group::{Finding, Findings};
use super::layout::{ACCENT, Doc, Face, GREY, Rgb8};
use super::model::ReportData;
use super::os;
use super::{EstateTco, Numbering, counted, draw, strategy_colour};
use crate::cost::money;
use crate::i18n::{Tr, thousands};
use crate::scoring::rulebook;
use crate::strategy::Strategy;

/// Risks on the summary's second page.
const TOP_RISKS: usize = 5;
/// Rows of the timeline; later waves share the last row.
const TIMELINE_ROWS: usize = 12;
/// Open questions named on the summary.
const OPEN_QUESTIONS: usize = 3;

pub fn chapter(doc: &mut Doc, n: &mut Numbering, data: &ReportData, apps: &[App], estate: &Findings, t: &Tr) {
    n.chapter(doc, t.t("report.summary"));
    figures(doc, data, apps, t);
    strategies(doc, data, apps, t);
    cost_range(doc, data, t);
    doc.new_page();
    top_risks(doc, data, estate, t);
    timeline(doc, data, t);
    open_decisions(doc, data, apps, t);
}

fn is_database(role: &str) -> bool {
    role.trim().eq_ignore_ascii_case("db")
}

/// "RHEL 206 (4: 159, 5: 25, ?: 12)": counts per family, versions inside.
fn os_counts(data: &ReportData, unknown: &str) -> String {
    let mut families: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for w in &data.workloads {
        let name = os::normalise(&w.os, &w.os_version);
        let family = if name.family.is_empty() { unknown.to_string() } else { name.family };
        *families.entry(family).or_default().entry(name.version).or_default() += 1;
    }
    let mut rows: Vec<(String, usize, BTreeMap<String, usize>)> =
        families.into_iter().map(|(f, versions)| (f, versions.values().sum(), versions)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows.iter()
        .map(|(family, total, versions)| {
            let mut known: Vec<(&String, &usize)> = versions.iter().collect();
            known.sort_by(|a, b| a.0.is_empty().cmp(&b.0.is_empty()).then_with(|| super::natural_cmp(a.0, b.0)));
            let known: Vec<String> =
                known.iter().map(|(v, n)| format!("{}: {}", if v.is_empty() { "?" } else { v }, thousands(*n))).collect();
            // One version (or none known): the count says it all.
            if versions.len() <= 1 && versions.keys().all(String::is_empty) {
                format!("{family} {}", thousands(total))
            } else {
                format!("{family} {} ({})", thousands(total), known.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// "production 79, non-production 98": counts of a field, most first.
fn counts<'a>(values: impl Iterator<Item = &'a str>, unknown: &str) -> String {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for v in values {
        let key = if v.trim().is_empty() { unknown.to_string() } else { v.trim().to_lowercase() };
        *counts.entry(key).or_insert(0) += 1;
    }
    let mut rows: Vec<(String, usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows.iter().map(|(k, n)| format!("{k} {}", thousands(n))).collect::<Vec<_>>().join(", ")
}

fn figures(doc: &mut Doc, data: &ReportData, apps: &[App], t: &Tr) {
    let ws = &data.workloads;
    let plan = &data.plan;
    let databases = ws.iter().filter(|w| is_database(&w.role)).count();
    let named = apps.iter().filter(|a| a.is_application()).count();
    let unassigned: usize = apps.iter().filter(|a| !a.is_application()).map(|a| a.workloads.len()).sum();
    let moving: usize = plan.waves.iter().map(|w| w.workload_count).sum();
    let mut intro = t.fmt(
        "report.summary_estate",
        &[
            ("customer", &data.engagement.customer),
            ("workloads", &counted(t, "workloads", ws.len())),
            ("servers", &counted(t, "servers", ws.len() - databases)),
            ("databases", &counted(t, "databases", databases)),
            ("applications", &counted(t, "applications", named)),
        ],
    );
    if unassigned > 0 {
        intro.push(' ');
        intro.push_str(&t.fmt("report.summary_unassigned", &[("workloads", &counted(t, "workloads", unassigned))]));
    }
    doc.paragraph(&intro);
    let cores: i64 = ws.iter().filter_map(|w| w.cpu_cores).sum();
    let ram: f64 = ws.iter().filter_map(|w| w.ram_gb).sum();
    let storage: f64 = ws.iter().filter_map(|w| w.storage_gb).sum();
    let mut tiles = vec![
        (thousands(ws.len()), t.t("report.kf_workloads").to_string()),
        (thousands(named), t.t("report.kf_applications").to_string()),
        (thousands(moving), t.t("report.kf_migrating").to_string()),
        (thousands(plan.not_migrated.len()), t.t("report.kf_unmoved").to_string()),
        (thousands(plan.waves.len()), t.t("report.kf_waves").to_string()),
        (thousands(plan.total_weeks), t.t("report.kf_weeks").to_string()),
        (thousands(cores), t.t("report.kf_cores").to_string()),
        (thousands(storage), t.t("report.kf_storage").to_string()),
    ];
    if !plan.undecided.is_empty() {
        tiles[3] = (thousands(plan.undecided.len()), t.t("report.kf_undecided").to_string());
    }
    charts::tiles(doc, &tiles, 4);
    let unknown = t.t("report.unknown");
    let lines = [
        t.fmt("report.totals", &[("cores", &thousands(cores)), ("ram", &thousands(ram)), ("storage", &thousands(storage))]),
        format!("{}: {}", t.t("report.by_os"), os_counts(data, unknown)),
        format!("{}: {}", t.t("report.by_environment"), counts(ws.iter().map(|w| w.environment.as_str()), unknown)),
        format!("{}: {}", t.t("report.by_role"), counts(ws.iter().map(|w| w.role.as_str()), unknown)),
    ];
    for l in lines {
        doc.paragraph_styled(&l, Face::Regular, 9.0, super::layout::BLACK, 0.0);
    }
}

/// Bars of applications per strategy, with the workloads beside them.
fn strategies(doc: &mut Doc, data: &ReportData, apps: &[App], t: &Tr) {
    doc.heading(t.t("report.strategy_per_app"), 2);
    let mut workloads: BTreeMap<Strategy, usize> = BTreeMap::new();
    for s in data.strategies.values() {
        *workloads.entry(*s).or_default() += 1;
    }
    let total: usize = workloads.values().sum();
    let bars: Vec<draw::Bar> = Strategy::ALL
        .iter()
        .map(|s| {
            let n = apps.iter().filter(|a| a.is_application() && a.strategy == Some(*s)).count();
            let w = workloads.get(s).copied().unwrap_or(0);
            draw::Bar {
                label: s.label(t.lang).to_string(),
                value: n as f64,
                value_text: format!("{} / {} ({})", thousands(n), thousands(w), super::percent(w as f64 / total.max(1) as f64)),
                fill: strategy_colour(*s),
            }
        })
        .collect();
    draw::bar_chart(doc, &bars);
    doc.paragraph_styled(t.t("report.strategy_chart_note"), Face::Regular, 8.5, GREY, 0.0);
}

/// The estate's cost from the cheapest to the dearest pricing model, with
/// the sizing basis and the prices it rests on. The range spans the pricing
/// models only; the range over sizing bases is `architecture::cost_range`,
/// not shown here yet.
fn cost_range(doc: &mut Doc, data: &ReportData, t: &Tr) {
    doc.heading(t.t("report.cost_range_title"), 2);
    let Some(tco) = EstateTco::of(&data.architectures) else {
        doc.paragraph_styled(t.t("report.no_cost"), Face::Regular, 9.5, GREY, 0.0);
        return;
    };
    let by_month = |a: &&crate::cost::ModelCost, b: &&crate::cost::ModelCost| a.monthly.total_cmp(&b.monthly);
    let (Some(low), Some(high)) = (tco.models.iter().min_by(by_month), tco.models.iter().max_by(by_month)) else { return };
    let cur = &tco.currency;
    doc.paragraph(&t.fmt(
        "report.cost_range",
        &[
            ("low", &money(low.monthly, cur)),
            ("high", &money(high.monthly, cur)),
            ("low_year", &money(low.monthly * 12.0, cur)),
            ("high_year", &money(high.monthly * 12.0, cur)),
            ("low_model", &low.label(t)),
            ("high_model", &high.label(t)),
            ("onprem", &money(tco.on_prem_annual, cur)),
        ],
    ));
    let first = data.architectures.first();
    let mode = first.map(|a| t.t(&format!("architecture.mode.{}", a.target.mode.code())).to_string()).unwrap_or_default();
    // The catalogue's own notice is English; the reader's words carry its date.
    let notice = first.map(|a| t.fmt("cost.prices_notice", &[("date", &a.cost.prices_date)])).unwrap_or_default();
    doc.paragraph_styled(
        &t.fmt("report.cost_basis", &[("basis", &mode), ("region", &data.engagement.region), ("notice", &notice)]),
        Face::Regular,
        8.5,
        GREY,
        0.0,
    );
}

/// A ranked risk as one line: "[High] CRM Application: Oracle 11g is past end of support — Customer Database".
pub fn risk_line(f: &Finding, data: &ReportData, t: &Tr) -> String {
    let (app, scope) = super::scope(data, &f.workloads, t);
    let prefix = app.map(|a| format!("{a}: ")).unwrap_or_default();
    format!("{}{prefix}{} — {scope}", super::severity_tag(f, t), f.text(t.lang))
}

fn top_risks(doc: &mut Doc, data: &ReportData, estate: &Findings, t: &Tr) {
    doc.heading(t.t("report.top_risks"), 2);
    if estate.risks.is_empty() {
        doc.paragraph_styled(t.t("report.no_risks"), Face::Regular, 10.0, GREY, 0.0);
        return;
    }
    let items: Vec<String> = estate.risks.iter().take(TOP_RISKS).map(|f| risk_line(f, data, t)).collect();
    doc.numbered(&items);
    super::more_note(doc, estate.risks.len(), TOP_RISKS, "report.more_risks", 0.0, t);
}

fn timeline(doc: &mut Doc, data: &ReportData, t: &Tr) {
    let plan = &data.plan;
    if plan.waves.is_empty() {
        return;
    }
    doc.heading(t.t("report.timeline"), 2);
    let note = |apps: usize, workloads: usize| format!("{} · {}", counted(t, "applications", apps), counted(t, "workloads", workloads));
    let shown = if plan.waves.len() > TIMELINE_ROWS { TIMELINE_ROWS - 1 } else { plan.waves.len() };
    let mut spans: Vec<Span> = plan.waves[..shown]
        .iter()
        .map(|w| {
            let mut label = t.fmt("report.wave_title", &[("n", &thousands(w.number))]);
            if w.pilot {
                label = format!("{label} {}", t.t("report.pilot"));
            }
            Span {
                label,
                start: w.start_week,
                weeks: w.weeks,
                note: note(w.apps.len(), w.workload_count),
                fill: if w.pilot { Rgb8(0xd9, 0x8c, 0x2b) } else { ACCENT },
            }
        })
        .collect();
    let rest = &plan.waves[shown..];
    if let (Some(first), Some(last)) = (rest.first(), rest.last()) {
        spans.push(Span {
            label: t.fmt("report.waves_range", &[("from", &thousands(first.number)), ("to", &thousands(last.number))]),
            start: first.start_week,
            weeks: last.start_week + last.weeks - first.start_week,
            note: note(rest.iter().map(|w| w.apps.len()).sum(), rest.iter().map(|w| w.workload_count).sum()),
            fill: Rgb8(0x6a, 0x8f, 0xc4),
        });
    }
    charts::timeline(doc, &spans, plan.total_weeks, |week| t.fmt("plan.week", &[("n", &thousands(week))]));
}

fn open_decisions(doc: &mut Doc, data: &ReportData, apps: &[App], t: &Tr) {
    doc.heading(t.t("report.open_decisions"), 2);
    let total = data.workloads.len();
    let mut items = Vec::new();
    let recommended = data.workloads.iter().filter(|w| data.strategies.contains_key(&w.id) && !data.decided.contains(&w.id)).count();
    if recommended > 0 {
        items.push(t.fmt("report.open_recommended", &[("n", &thousands(recommended)), ("total", &thousands(total))]));
    }
    if !data.plan.undecided.is_empty() {
        items.push(t.fmt("report.open_undecided", &[("workloads", &counted(t, "workloads", data.plan.undecided.len()))]));
    }
    // The questionnaire answers the rules needed and nobody gave, most asked first.
    let mut open: BTreeMap<&str, usize> = BTreeMap::new();
    for a in data.assessments.values() {
        for fact in &a.missing {
            if let Some(q) = fact.strip_prefix("answer.") {
                *open.entry(q).or_default() += 1;
            }
        }
    }
    let mut open: Vec<(&str, usize)> = open.into_iter().collect();
    open.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    for (q, count) in open.iter().take(OPEN_QUESTIONS) {
        if let Some(question) = rulebook().question(q) {
            items.push(
                t.fmt("report.open_question", &[("question", &question.text(t.lang)), ("workloads", &counted(t, "workloads", *count))]),
            );
        }
    }
    let unsure = apps.iter().filter(|a| a.is_application() && a.confidence.is_some_and(|c| c < 0.5)).count();
    if unsure > 0 {
        items.push(t.fmt("report.open_low_confidence", &[("applications", &counted(t, "applications", unsure))]));
    }
    if !data.plan.warnings.is_empty() {
        items.push(t.fmt("report.open_warnings", &[("n", &thousands(data.plan.warnings.len())), ("chapter", &t.t("report.plan"))]));
    }
    if items.is_empty() {
        doc.paragraph_styled(t.t("report.open_none"), Face::Regular, 10.0, GREY, 0.0);
    } else {
        doc.bullets(&items);
    }
}
