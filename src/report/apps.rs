//! The applications, most important first: a page each for the first few
//! (decision and why, risks, cost, wave, the target architecture diagram),
//! one line each for all of them.
//!
//! The rule, printed in the report: business criticality first, then the
//! number of workloads with a high risk, then today's cost, then size.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use super::group::{self, Finding};
use super::layout::{Column, Doc, Face, GREY};
use super::model::ReportData;
use super::{Numbering, draw, more_note, percent, unassigned_label};
use crate::architecture::{AppArchitecture, layout_in};
use crate::cost::money;
use crate::i18n::{Tr, thousands};
use crate::inventory::Workload;
use crate::scoring::Severity;
use crate::strategy::{Strategy, application_strategy};

/// How many applications get a page of their own.
pub const FEATURED: usize = 8;
/// Reasons and risks on an application's page; the rest are in the estate's findings.
const PAGE_REASONS: usize = 8;
const PAGE_RISKS: usize = 4;

/// One application as the report ranks and shows it.
pub struct App<'a> {
    /// Empty for the workloads without an application.
    pub name: String,
    pub workloads: Vec<&'a Workload>,
    pub strategy: Option<Strategy>,
    /// Mean confidence of its scored workloads.
    pub confidence: Option<f64>,
    /// Workloads whose strategy the consultant decided.
    pub decided: usize,
    /// 1..10, from the plan (a decision's figure, else the inventory's word).
    pub criticality: Option<i64>,
    /// The waves its workloads move in, in order.
    pub waves: Vec<u32>,
    pub high_risk_workloads: usize,
    pub architecture: Option<&'a AppArchitecture>,
}

impl App<'_> {
    pub fn is_application(&self) -> bool {
        !self.name.is_empty()
    }

    pub fn label<'t>(&'t self, t: &'t Tr) -> &'t str {
        if self.is_application() { &self.name } else { unassigned_label(t) }
    }

    pub fn on_prem_annual(&self) -> f64 {
        self.architecture.map_or(0.0, |a| a.cost.on_prem_annual)
    }

    /// "3", "1–21", "" when it does not move.
    pub fn waves_text(&self) -> String {
        match (self.waves.first(), self.waves.last()) {
            (Some(a), Some(b)) if a == b => thousands(a),
            (Some(a), Some(b)) => format!("{}–{}", thousands(a), thousands(b)),
            _ => String::new(),
        }
    }
}

/// Every application, and last the workloads without one, ranked.
pub fn ranked(data: &ReportData) -> Vec<App<'_>> {
    let mut groups: BTreeMap<&str, Vec<&Workload>> = BTreeMap::new();
    for w in &data.workloads {
        groups.entry(w.application.trim()).or_default().push(w);
    }
    let mut apps: Vec<App> = groups
        .into_iter()
        .map(|(name, ws)| {
            let strategies: Vec<Strategy> = ws.iter().filter_map(|w| data.strategies.get(&w.id).copied()).collect();
            let confidences: Vec<f64> = ws.iter().filter_map(|w| data.assessments.get(&w.id)).map(|a| a.confidence).collect();
            // A workload without an application moves on its own, under its name.
            let plan_names: Vec<&str> = if name.is_empty() { ws.iter().map(|w| w.name.as_str()).collect() } else { vec![name] };
            let mut waves: Vec<u32> = plan_names.iter().filter_map(|n| data.plan.wave_of(n)).collect();
            waves.sort_unstable();
            waves.dedup();
            App {
                name: name.to_string(),
                strategy: application_strategy(&strategies),
                confidence: (!confidences.is_empty()).then(|| confidences.iter().sum::<f64>() / confidences.len() as f64),
                decided: ws.iter().filter(|w| data.decided.contains(&w.id)).count(),
                criticality: if name.is_empty() { None } else { data.plan.app(name).and_then(|a| a.criticality) },
                waves,
                high_risk_workloads: ws
                    .iter()
                    .filter(|w| data.assessments.get(&w.id).is_some_and(|a| a.risks.iter().any(|r| r.severity == Severity::High)))
                    .count(),
                architecture: data.architectures.iter().find(|a| a.target.application.trim() == name),
                workloads: ws,
            }
        })
        .collect();
    apps.sort_by(|a, b| {
        let key = |x: &App| (!x.is_application(), Reverse(x.criticality), Reverse(x.high_risk_workloads));
        key(a)
            .cmp(&key(b))
            .then(b.on_prem_annual().total_cmp(&a.on_prem_annual()))
            .then(b.workloads.len().cmp(&a.workloads.len()))
            .then(a.name.cmp(&b.name))
    });
    apps
}

/// The applications with a page of their own: the first `FEATURED` named ones.
pub fn featured<'a, 'b>(apps: &'b [App<'a>]) -> &'b [App<'a>] {
    let named = apps.iter().take_while(|a| a.is_application()).count();
    &apps[..named.min(FEATURED)]
}

/// "12/14" on an application's page: how many of its workloads a finding holds for.
fn share(f: &Finding, of: usize) -> String {
    format!("{}/{}", thousands(f.workloads.len()), thousands(of))
}

/// The chapter: the rule, the table of every application, then the pages.
pub fn chapter(doc: &mut Doc, n: &mut Numbering, data: &ReportData, apps: &[App], t: &Tr) {
    if apps.is_empty() {
        return;
    }
    n.chapter(doc, t.t("report.applications"));
    let featured = featured(apps);
    doc.paragraph_styled(&t.fmt("report.apps_rule", &[("n", &thousands(featured.len()))]), Face::Regular, 9.5, GREY, 0.0);
    let rows: Vec<Vec<String>> = apps
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let best = a.architecture.and_then(|x| x.cost.best().map(|m| money(m.monthly, &x.cost.currency)));
            vec![
                if i < featured.len() { n.upcoming(i + 1) } else { String::new() },
                a.label(t).to_string(),
                a.strategy.map_or(t.t("report.not_decided"), |s| s.label(t.lang)).to_string(),
                thousands(a.workloads.len()),
                a.confidence.map(percent).unwrap_or_default(),
                a.waves_text(),
                thousands(a.high_risk_workloads),
                a.architecture.map(|x| money(x.cost.on_prem_annual, &x.cost.currency)).unwrap_or_default(),
                best.unwrap_or_default(),
            ]
        })
        .collect();
    doc.table(
        &[
            Column::left(t.t("report.col_part"), 0.75),
            Column::left(t.t("report.col_app"), 2.3),
            Column::left(t.t("report.strategy"), 1.0),
            Column::right(t.t("report.workloads"), 1.05),
            Column::right(t.t("report.col_confidence"), 1.1),
            Column::right(t.t("report.wave"), 0.7),
            Column::right(t.t("report.col_high_risks"), 0.9),
            Column::right(t.t("report.col_today"), 1.3),
            Column::right(t.t("report.col_aws_month"), 1.3),
        ],
        &rows,
        8.0,
    );
    for a in featured {
        page(doc, n, data, a, t);
    }
}

/// One application on one page.
fn page(doc: &mut Doc, n: &mut Numbering, data: &ReportData, a: &App, t: &Tr) {
    let strategy = a.strategy.map_or(t.t("report.not_decided"), |s| s.label(t.lang));
    n.part(doc, &format!("{} — {strategy}", a.label(t)), true);
    let total = a.workloads.len();
    let mut facts = vec![super::counted(t, "workloads", total)];
    if let Some(c) = a.confidence {
        facts.push(t.fmt("report.confidence", &[("pct", &(c * 100.0).round())]));
    }
    if !a.waves.is_empty() {
        facts.push(format!("{} {}", t.t("report.wave"), a.waves_text()));
    }
    if let Some(c) = a.criticality {
        facts.push(format!("{}: {c}/10", t.t("plan.criticality")));
    }
    facts.push(t.fmt("report.decided_of", &[("n", &thousands(a.decided)), ("total", &thousands(total))]));
    doc.paragraph_styled(&facts.join(" · "), Face::Regular, 9.0, GREY, 0.0);

    let mut found = group::group(a.workloads.iter().copied(), &data.assessments);
    // The reasons for the decision first: what speaks most for it, on the most workloads.
    if let Some(s) = a.strategy {
        let weight = |f: &Finding| f.support(s) * f.workloads.len() as f64;
        found.reasons.sort_by(|x, y| weight(y).total_cmp(&weight(x)));
    }
    doc.paragraph_styled(t.t("report.decision_why"), Face::Bold, 10.0, super::layout::BLACK, 0.0);
    let mut rationale: Vec<&str> = Vec::new();
    for w in &a.workloads {
        if let Some(r) = data.rationales.get(&w.id)
            && !rationale.contains(&r.as_str())
        {
            rationale.push(r);
        }
    }
    if !rationale.is_empty() {
        doc.bullets(&rationale);
    }
    if found.reasons.is_empty() && rationale.is_empty() {
        doc.paragraph_styled(t.t("report.no_reasons"), Face::Regular, 9.5, GREY, 0.0);
    }
    let items: Vec<(String, String, String)> =
        found.reasons.iter().take(PAGE_REASONS).map(|f| (share(f, total), super::with_effect(f, t), String::new())).collect();
    doc.counted(&items);
    more_note(doc, found.reasons.len(), PAGE_REASONS, "report.more_findings", 44.0, t);
    if !found.risks.is_empty() {
        doc.paragraph_styled(t.t("report.risks"), Face::Bold, 10.0, super::layout::BLACK, 0.0);
        let items: Vec<(String, String, String)> =
            found.risks.iter().take(PAGE_RISKS).map(|f| (share(f, total), super::risk_text(f, t), String::new())).collect();
        doc.counted(&items);
        more_note(doc, found.risks.len(), PAGE_RISKS, "report.more_findings", 44.0, t);
    }
    if let Some(arch) = a.architecture {
        let c = &arch.cost;
        if let Some(best) = c.best() {
            doc.paragraph_styled(t.t("report.app_cost_title"), Face::Bold, 10.0, super::layout::BLACK, 0.0);
            doc.paragraph(&t.fmt(
                "report.app_cost",
                &[
                    ("onprem", &money(c.on_prem_annual, &c.currency)),
                    ("on_demand", &money(c.on_demand_monthly(), &c.currency)),
                    ("best", &money(best.monthly, &c.currency)),
                    ("model", &best.label(t)),
                ],
            ));
        }
        // The diagram takes the rest of the page.
        if doc.room() < 160.0 {
            doc.new_page();
        }
        let room = doc.room() - 14.0;
        draw::diagram(doc, &layout_in(&arch.target, t), room.min(560.0));
    }
}
