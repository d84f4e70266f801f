//! The target architecture chapter: the landing zone the applications
//! share, and the security groups of the applications with a page.

use super::layout::{Column, Doc, Face, GREY};
use super::{Numbering, app_title, draw};
use crate::architecture::AppArchitecture;
use crate::architecture::diagram::landing_zone_layout;
use crate::architecture::landing_zone::LandingZone;
use crate::cost::money;
use crate::i18n::Tr;

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

/// The landing zone the applications share, and the security groups of the
/// applications with a page (their diagram is there).
pub(super) fn architecture(doc: &mut Doc, n: &mut Numbering, archs: &[&AppArchitecture], lz: Option<&LandingZone>, t: &Tr) {
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
