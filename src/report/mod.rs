//! The PDF report (issue 5): `render` turns a `ReportData` into PDF bytes,
//! section by section; `gather` collects the data from storage.

pub mod cli;
pub mod draw;
pub mod gather;
pub mod layout;
pub mod model;

use std::collections::BTreeMap;

use crate::architecture::diagram::landing_zone_layout;
use crate::architecture::landing_zone::LandingZone;
use crate::architecture::{AppArchitecture, assumptions_text, cost_range, findings, layout_in};
use crate::cost::{ModelCost, money};
use crate::i18n::{Lang, Tr, amount, thousands};
use crate::plan::warning_text;
use crate::strategy::Strategy;
use draw::Bar;
use layout::{Column, Doc, Face, GREY, Rgb8};
pub use model::ReportData;
use model::Severity;

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

fn severity_label(t: &Tr, s: Severity) -> &'static str {
    match s {
        Severity::High => t.t("report.high"),
        Severity::Medium => t.t("report.medium"),
        Severity::Low => t.t("report.low"),
    }
}

fn opt_num(v: Option<f64>) -> String {
    v.map(|x| if x.fract() == 0.0 { thousands(x) } else { format!("{x:.1}") }).unwrap_or_default()
}

/// Renders the whole report.
pub fn render(data: &ReportData, lang: Lang) -> Vec<u8> {
    let t = Tr::new(lang);
    let title = format!("{} · {}", t.t("report.title"), data.engagement.name);
    let mut doc = Doc::new(&title);
    cover(&mut doc, data, &t);
    summary(&mut doc, data, &t);
    inventory(&mut doc, data, &t);
    decisions(&mut doc, data, &t);
    architecture(&mut doc, data, &t);
    costs(&mut doc, data, &t);
    plan(&mut doc, data, &t);
    findings(&mut doc, data, &t);
    next_steps(&mut doc, &t);
    appendix(&mut doc, data, &t);
    doc.finish(|n, total| t.fmt("report.page", &[("n", &thousands(n)), ("total", &thousands(total))]))
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
}

fn strategy_counts(data: &ReportData) -> BTreeMap<Strategy, usize> {
    let mut counts = BTreeMap::new();
    for w in &data.workloads {
        if let Some(s) = data.strategies.get(&w.id) {
            *counts.entry(*s).or_insert(0) += 1;
        }
    }
    counts
}

fn summary(doc: &mut Doc, data: &ReportData, t: &Tr) {
    doc.heading(t.t("report.summary"), 1);
    let plan = &data.plan;
    let migrating: usize = plan.waves.iter().map(|w| w.workload_count).sum();
    let applications: std::collections::BTreeSet<&str> =
        data.workloads.iter().map(|w| w.application.trim()).filter(|a| !a.is_empty()).collect();
    let mut figures = vec![
        (t.t("report.kf_workloads"), data.workloads.len()),
        (t.t("report.kf_applications"), applications.len()),
        (t.t("report.kf_migrating"), migrating),
        (t.t("report.kf_waves"), plan.waves.len()),
        (t.t("report.kf_weeks"), plan.total_weeks as usize),
        (t.t("report.kf_unmoved"), plan.not_migrated.len()),
    ];
    if !plan.undecided.is_empty() {
        figures.push((t.t("report.kf_undecided"), plan.undecided.len()));
    }
    let rows: Vec<Vec<String>> = figures.into_iter().map(|(k, v)| vec![k.to_string(), thousands(v)]).collect();
    doc.table(&[Column::left(t.t("report.figure"), 4.0), Column::right(t.t("report.value"), 1.0)], &rows, 9.5);
    if let Some(tco) = EstateTco::of(&data.architectures)
        && let Some(best) = tco.models.iter().min_by(|a, b| a.three_year.total_cmp(&b.three_year))
    {
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

    doc.heading(t.t("report.strategy_counts"), 2);
    let counts = strategy_counts(data);
    let total: usize = counts.values().sum();
    let rows: Vec<Vec<String>> = counts
        .iter()
        .map(|(s, n)| vec![s.label(t.lang).to_string(), thousands(n), format!("{:.0}%", *n as f64 / total.max(1) as f64 * 100.0)])
        .collect();
    doc.table(
        &[Column::left(t.t("report.strategy"), 3.0), Column::right(t.t("report.workloads"), 1.0), Column::right(t.t("report.share"), 1.0)],
        &rows,
        9.5,
    );

    doc.heading(t.t("report.top_risks"), 2);
    let mut risks: Vec<(Severity, String)> = data
        .applications
        .iter()
        .flat_map(|a| a.risks.iter().map(move |r| (r.severity, format!("{}: {}", a.name, r.text(t.lang)))))
        .collect();
    risks.sort();
    if risks.is_empty() {
        doc.paragraph_styled(t.t("report.no_risks"), Face::Regular, 10.0, GREY, 0.0);
    } else {
        let items: Vec<String> = risks.iter().take(5).map(|(s, text)| format!("[{}] {text}", severity_label(t, *s))).collect();
        doc.bullets(&items);
    }
}

fn count_by<'a>(values: impl Iterator<Item = &'a str>, unknown: &str) -> Vec<Vec<String>> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for v in values {
        let key = if v.trim().is_empty() { unknown.to_string() } else { v.trim().to_string() };
        *counts.entry(key).or_insert(0) += 1;
    }
    let mut rows: Vec<(String, usize)> = counts.into_iter().collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    rows.into_iter().map(|(k, n)| vec![k, n.to_string()]).collect()
}

fn inventory(doc: &mut Doc, data: &ReportData, t: &Tr) {
    doc.heading(t.t("report.inventory"), 1);
    let ws = &data.workloads;
    let cores: i64 = ws.iter().filter_map(|w| w.cpu_cores).sum();
    let ram: f64 = ws.iter().filter_map(|w| w.ram_gb).sum();
    let storage: f64 = ws.iter().filter_map(|w| w.storage_gb).sum();
    doc.paragraph(
        &t.fmt("report.totals", &[("cores", &thousands(cores as f64)), ("ram", &thousands(ram)), ("storage", &thousands(storage))]),
    );
    let unknown = t.t("report.unknown");
    for (title, rows) in [
        (t.t("report.by_environment"), count_by(ws.iter().map(|w| w.environment.as_str()), unknown)),
        (t.t("report.by_os"), count_by(ws.iter().map(|w| w.os.as_str()), unknown)),
        (t.t("report.by_role"), count_by(ws.iter().map(|w| w.role.as_str()), unknown)),
    ] {
        doc.table(&[Column::left(title, 4.0), Column::right(t.t("report.count"), 1.0)], &rows, 9.0);
    }

    doc.heading(t.t("report.distribution"), 2);
    doc.paragraph_styled(t.t("report.distribution_text"), Face::Regular, 9.5, GREY, 0.0);
    let counts = strategy_counts(data);
    let total: usize = counts.values().sum();
    let bars: Vec<Bar> = Strategy::ALL
        .iter()
        .map(|s| {
            let n = counts.get(s).copied().unwrap_or(0);
            Bar {
                label: s.label(t.lang).to_string(),
                value: n as f64,
                value_text: format!("{n} ({:.0}%)", n as f64 / total.max(1) as f64 * 100.0),
                fill: strategy_colour(*s),
            }
        })
        .collect();
    draw::bar_chart(doc, &bars);
}

fn decisions(doc: &mut Doc, data: &ReportData, t: &Tr) {
    doc.heading(t.t("report.decisions"), 1);
    for a in &data.applications {
        let strategy = a.strategy.map_or(t.t("report.not_decided"), |s| s.label(t.lang));
        doc.heading(&format!("{} — {}", a.name, strategy), 3);
        let mut facts = vec![format!("{}: {}", t.t("report.workloads"), a.workloads)];
        if let Some(c) = a.confidence {
            facts.push(t.fmt("report.confidence", &[("pct", &(c * 100.0).round())]));
        }
        doc.paragraph_styled(&facts.join(" · "), Face::Regular, 9.0, GREY, 0.0);
        if a.reasons.is_empty() && a.rationale.is_empty() {
            doc.paragraph_styled(t.t("report.no_reasons"), Face::Regular, 9.5, GREY, 0.0);
        } else {
            doc.paragraph_styled(t.t("report.reasons"), Face::Bold, 9.5, layout::BLACK, 0.0);
            // The consultant's own words first, then the scoring's reasons with their effect.
            let mut items = a.rationale.clone();
            items.extend(a.reasons.iter().map(|r| {
                let effect = r.effect(t.lang);
                if effect.is_empty() { r.text(t.lang).to_string() } else { format!("{} ({effect})", r.text(t.lang)) }
            }));
            doc.bullets(&items);
        }
        if !a.risks.is_empty() {
            doc.paragraph_styled(t.t("report.risks"), Face::Bold, 9.5, layout::BLACK, 0.0);
            let items: Vec<String> = a.risks.iter().map(|r| format!("[{}] {}", severity_label(t, r.severity), r.text(t.lang))).collect();
            doc.bullets(&items);
        }
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
    let name = if a.target.application.trim().is_empty() { t.t("architecture.unassigned") } else { a.target.application.as_str() };
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

fn architecture(doc: &mut Doc, data: &ReportData, t: &Tr) {
    if data.architectures.is_empty() {
        return;
    }
    doc.heading(t.t("report.architecture"), 1);
    if let Some(lz) = &data.landing_zone {
        landing_zone_section(doc, lz, t);
    }
    for a in &data.architectures {
        doc.heading(&app_title(t, a), 2);
        draw::diagram(doc, &layout_in(&a.target, t), 620.0);
        if !a.target.rules.is_empty() {
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
}

fn costs(doc: &mut Doc, data: &ReportData, t: &Tr) {
    let Some(tco) = EstateTco::of(&data.architectures) else { return };
    doc.heading(t.t("report.costs"), 1);
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

    for a in &data.architectures {
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
        // Monthly cost per component under each pricing model, as on the web page.
        let mut lines: Vec<Vec<String>> = a
            .cost
            .lines
            .iter()
            .filter(|l| l.monthly.iter().any(|v| *v > 0.0) || l.quote_needed)
            .map(|l| {
                let c = a.target.components.iter().find(|c| c.key == l.component);
                let mut row = vec![l.title(c, t), l.basis.text(t)];
                row.extend(l.monthly.iter().map(|v| money(*v, cur)));
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
        // With one application its TCO is the estate's, shown above.
        if data.architectures.len() > 1 {
            doc.heading(t.t("architecture.tco"), 3);
            tco_table(doc, t, cur, a.cost.on_prem_three_year, &a.cost.models);
        }
    }
}

fn plan(doc: &mut Doc, data: &ReportData, t: &Tr) {
    let plan = &data.plan;
    doc.heading(t.t("report.plan"), 1);
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
                apps.join(", "),
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
        let items: Vec<String> = plan.warnings.iter().map(|w| warning_text(t, w)).collect();
        doc.bullets(&items);
    }

    for w in &plan.waves {
        let mut title = t.fmt("report.wave_title", &[("n", &thousands(w.number))]);
        if w.pilot {
            title = format!("{title} {}", t.t("report.pilot"));
        }
        doc.heading(&title, 2);
        for a in &w.apps {
            doc.heading(&t.fmt("report.steps_for", &[("app", &a.name), ("strategy", &a.strategy.label(t.lang))]), 3);
            let items: Vec<String> = a
                .steps
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
    }

    if !plan.not_migrated.is_empty() {
        doc.heading(t.t("report.not_migrated"), 2);
        for (s, steps) in &plan.not_migrated_steps {
            let names: Vec<&str> = plan.not_migrated.iter().filter(|u| u.strategy == Some(*s)).map(|u| u.workload.as_str()).collect();
            doc.heading(&format!("{} ({})", s.label(t.lang), names.len()), 3);
            doc.paragraph_styled(&names.join(", "), Face::Regular, 9.0, GREY, 0.0);
            let items: Vec<&str> = steps.iter().map(|st| st.text(t.lang)).collect();
            doc.numbered(&items);
        }
    }
}

/// Per application, today's findings against what is left in the target,
/// grouped by the six Well-Architected pillars.
fn findings(doc: &mut Doc, data: &ReportData, t: &Tr) {
    let with_findings: Vec<&AppArchitecture> =
        data.architectures.iter().filter(|a| !a.target.findings_current.is_empty() || !a.target.findings_target.is_empty()).collect();
    if with_findings.is_empty() {
        return;
    }
    doc.heading(t.t("report.findings"), 1);
    for a in with_findings {
        doc.heading(&app_title(t, a), 2);
        let current = findings::by_pillar(&a.target.findings_current);
        let target = findings::by_pillar(&a.target.findings_target);
        let mut rows: Vec<Vec<String>> = Vec::new();
        for pillar in findings::Pillar::ALL {
            let mut first = true;
            for (state, groups) in [(t.t("architecture.findings_current"), &current), (t.t("architecture.findings_target"), &target)] {
                for f in groups.iter().filter(|(p, _)| *p == pillar).flat_map(|(_, fs)| fs) {
                    let label = if first { pillar.label(t) } else { String::new() };
                    first = false;
                    rows.push(vec![
                        label,
                        state.to_string(),
                        t.t(&format!("architecture.severity.{}", f.severity.code())).to_string(),
                        f.title(t),
                        f.fix(t),
                    ]);
                }
            }
        }
        doc.table(
            &[
                Column::left(t.t("report.pillar"), 1.5),
                Column::left(&format!("{} / {}", t.t("architecture.findings_current"), t.t("architecture.findings_target")), 0.9),
                Column::left(t.t("report.severity"), 0.8),
                Column::left(t.t("report.finding"), 2.6),
                Column::left(t.t("report.recommendation"), 2.8),
            ],
            &rows,
            8.5,
        );
    }
}

fn next_steps(doc: &mut Doc, t: &Tr) {
    doc.heading(t.t("report.next_steps"), 1);
    doc.bullets(&[t.t("report.next_poc"), t.t("report.next_mvp"), t.t("report.next_parallel"), t.t("report.next_cutover")]);
}

fn appendix(doc: &mut Doc, data: &ReportData, t: &Tr) {
    doc.heading(t.t("report.appendix"), 1);
    let rows: Vec<Vec<String>> = data
        .workloads
        .iter()
        .map(|w| {
            let os = [w.os.as_str(), w.os_version.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ");
            let db = [w.db_engine.as_str(), w.db_version.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ");
            vec![
                w.name.clone(),
                w.application.clone(),
                w.environment.clone(),
                w.role.clone(),
                os,
                w.cpu_cores.map(|c| c.to_string()).unwrap_or_default(),
                opt_num(w.ram_gb),
                opt_num(w.storage_gb),
                db,
                data.strategies.get(&w.id).map(|s| s.label(t.lang).to_string()).unwrap_or_default(),
            ]
        })
        .collect();
    doc.table(
        &[
            Column::left(t.t("report.col_name"), 2.2),
            Column::left(t.t("report.col_app"), 2.0),
            Column::left(t.t("report.col_env"), 1.3),
            Column::left(t.t("report.col_role"), 1.0),
            Column::left(t.t("report.col_os"), 1.8),
            Column::right(t.t("report.col_cpu"), 0.8),
            Column::right(t.t("report.col_ram"), 1.0),
            Column::right(t.t("report.col_storage"), 1.1),
            Column::left(t.t("report.col_db"), 1.4),
            Column::left(t.t("report.strategy"), 1.4),
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
}
