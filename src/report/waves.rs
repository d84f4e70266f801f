//! The plan chapter: the phases, the waves on a timeline and in a table,
//! the steps per strategy, and the plan's warnings.

use super::layout::{Column, Doc, Face, GREY};
use super::model::ReportData;
use super::{Numbering, more_note, some_names};
use crate::i18n::{Tr, thousands};
use crate::plan::{Plan, PlanApp, warning_text};

/// Applications named per wave in the waves table, and per group of steps.
const WAVE_NAMES: usize = 6;
const STEP_NAMES: usize = 12;
/// Plan warnings listed; the plan page and the JSON API have them all.
const WARNINGS: usize = 15;

/// The plan chapter, drawn top to bottom in the order the reader sees it:
/// phases, waves, steps per strategy, what does not migrate.
pub(super) fn plan(doc: &mut Doc, n: &mut Numbering, data: &ReportData, t: &Tr) {
    let plan = &data.plan;
    n.chapter(doc, t.t("report.plan"));
    phases(doc, plan, t);
    waves(doc, plan, t);
    steps(doc, plan, t);
    not_migrated(doc, plan, t);
}

/// Each phase with its weeks and activities.
fn phases(doc: &mut Doc, plan: &Plan, t: &Tr) {
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
}

/// The waves table and the plan's warnings.
fn waves(doc: &mut Doc, plan: &Plan, t: &Tr) {
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
}

/// The steps per group of applications that share them.
fn steps(doc: &mut Doc, plan: &Plan, t: &Tr) {
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
}

/// The steps of the workloads that do not migrate, per strategy.
fn not_migrated(doc: &mut Doc, plan: &Plan, t: &Tr) {
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
