//! The last chapters: the Well-Architected findings, the next steps, and
//! the inventory as an appendix.

use std::collections::HashMap;

use super::layout::{Column, Doc};
use super::model::ReportData;
use super::{NAMED_APPLICATIONS, Numbering, natural_cmp, opt_num, os, percent, some_names};
use crate::architecture::findings;
use crate::i18n::{Tr, thousands};
use crate::inventory::Workload;

/// Today's findings and what is left in the target, by the six
/// Well-Architected pillars, each finding once with the applications it
/// concerns.
pub(super) fn findings(doc: &mut Doc, n: &mut Numbering, data: &ReportData, t: &Tr) {
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

pub(super) fn next_steps(doc: &mut Doc, n: &mut Numbering, t: &Tr) {
    // Short: it follows the findings on their last page when it fits there whole.
    n.chapter_on(doc, t.t("report.next_steps"), doc.room() < NEXT_STEPS_HEIGHT);
    doc.bullets(&[t.t("report.next_poc"), t.t("report.next_mvp"), t.t("report.next_parallel"), t.t("report.next_cutover")]);
}

/// One line per workload, by application (those without one last), then by name.
pub(super) fn appendix(doc: &mut Doc, n: &mut Numbering, data: &ReportData, t: &Tr) {
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
