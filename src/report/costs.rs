//! The cost chapter: the estate's TCO per pricing model, the cost per
//! application, the range over the sizing bases, and the sizing and cost
//! lines of the applications with a page.

use super::draw::{self, Bar};
use super::layout::{self, Column, Doc, Face, GREY, Rgb8};
use super::model::ReportData;
use super::{Numbering, app_title, apps};
use crate::architecture::{AppArchitecture, assumptions_text, cost_range};
use crate::cost::{ModelCost, money};
use crate::i18n::{Tr, amount};

/// The estate's TCO: every application's figures added up per pricing model.
pub(super) struct EstateTco {
    pub currency: String,
    pub on_prem_annual: f64,
    pub on_prem_three_year: f64,
    pub models: Vec<ModelCost>,
}

impl EstateTco {
    pub fn of(archs: &[AppArchitecture]) -> Option<EstateTco> {
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

/// Model | per month | 3 years | saving | %, today's cost first.
pub(super) fn tco_table(doc: &mut Doc, t: &Tr, currency: &str, on_prem_three_year: f64, models: &[ModelCost]) {
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

/// The estate's TCO, the cost per application, and the sizing and cost
/// lines of the applications with a page, in the order the reader sees them.
pub(super) fn costs(doc: &mut Doc, n: &mut Numbering, data: &ReportData, apps: &[apps::App], featured: &[&AppArchitecture], t: &Tr) {
    let Some(tco) = EstateTco::of(&data.architectures) else { return };
    n.chapter(doc, t.t("report.costs"));
    estate_tco(doc, data, &tco, t);
    if data.architectures.len() > 1 {
        cost_per_app(doc, apps, &tco, t);
    }
    for a in featured {
        doc.heading(&app_title(t, a), 2);
        if !a.target.sizing.is_empty() {
            sizing_lines(doc, a, t);
        }
        cost_lines(doc, a, t);
    }
}

/// The headline saving, the sizing assumptions, the TCO table, the range
/// over the sizing bases and the 3-year bars.
fn estate_tco(doc: &mut Doc, data: &ReportData, tco: &EstateTco, t: &Tr) {
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
}

/// One row per application: today's cost, On-Demand and the best model.
fn cost_per_app(doc: &mut Doc, apps: &[apps::App], tco: &EstateTco, t: &Tr) {
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

/// How each workload of a featured application was sized.
fn sizing_lines(doc: &mut Doc, a: &AppArchitecture, t: &Tr) {
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

/// A featured application's monthly cost per component and pricing model.
fn cost_lines(doc: &mut Doc, a: &AppArchitecture, t: &Tr) {
    let cur = &a.cost.currency;
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
