//! The PDF report: `build` turns a `ReportData` into a
//! PDF written the way an assessment deliverable is: an executive summary on
//! two pages, the findings of the estate stated once each, a page per
//! application that matters most and a line for every one, the details
//! (security groups, sizing and cost, plan, Well-Architected findings), and
//! the inventory as a compact appendix; a table of contents and an outline
//! to find one's way. The data comes from `service::report`.
//!
//! Read `build` here (the chapters in the order the PDF has them) and the
//! helpers they share, then each chapter's file: `summary.rs`, `apps.rs`,
//! `target.rs`, `costs.rs`, `waves.rs`, `details.rs`. `layout/` is the
//! page engine under them all (its `mod.rs` says which file does what),
//! `draw.rs` and `charts.rs` its figures.

pub mod apps;
mod charts;
mod costs;
mod details;
pub mod draw;
pub(crate) mod fonts;
pub mod group;
pub mod layout;
pub mod model;
pub mod os;
mod summary;
mod target;
mod waves;

use std::collections::{BTreeMap, HashMap};

use crate::architecture::AppArchitecture;
use crate::i18n::{Lang, Tr, thousands};
use crate::inventory::Workload;
use crate::strategy::Strategy;
use costs::EstateTco;
pub use costs::cost_range_table;
use group::{Finding, Findings};
use layout::{Doc, Face, Finished, GREY, Meta, Rgb8};
pub use model::ReportData;
pub use target::landing_zone_section;

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

fn app_title(t: &Tr, a: &AppArchitecture) -> String {
    let name = if a.target.application.trim().is_empty() { unassigned_label(t) } else { a.target.application.as_str() };
    let strategy = a.target.strategy.map_or(t.t("report.not_decided"), |s| s.label(t.lang));
    format!("{name} — {strategy}")
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
    target::architecture(&mut doc, &mut n, &featured, data.landing_zone.as_ref(), &t);
    costs::costs(&mut doc, &mut n, data, &apps, &featured, &t);
    waves::plan(&mut doc, &mut n, data, &t);
    details::findings(&mut doc, &mut n, data, &t);
    details::next_steps(&mut doc, &mut n, &t);
    details::appendix(&mut doc, &mut n, data, &t);
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
