//! What the assessment pages show, shared by them: the strategy and
//! end-of-support charts (SVG), a workload's row, questions as form fields.

use askama::Template;

use crate::db;
use crate::db::assessment::Move;
use crate::db::assessment_summary::{DashboardRow, confidence_band};
use crate::i18n::thousands;
use crate::scoring::rules::QuestionKind;
use crate::scoring::{Hosting, Severity, rulebook};
use crate::strategy::Strategy;

/// Strategy colours, the same as the `.badge` classes of static/app.css
/// (inline here so the SVG also renders outside the page, e.g. in the PDF).
pub fn strategy_colour(s: Strategy) -> &'static str {
    match s {
        Strategy::Rehost => "#4c78a8",
        Strategy::Replatform => "#2f9e6f",
        Strategy::Refactor => "#8e5cc2",
        Strategy::Retire => "#8a8f98",
        Strategy::Retain => "#c98a1b",
        Strategy::Repurchase => "#d1495b",
    }
}

pub struct ChartBar {
    pub x: i64,
    pub y: i64,
    pub width: i64,
    pub height: i64,
    pub colour: &'static str,
    pub opacity: &'static str,
    pub count: usize,
    pub title: String,
}

pub struct ChartLabel {
    pub x: i64,
    pub text: String,
}

/// Recommended vs decided counts per strategy as a bar chart.
#[derive(Template)]
#[template(path = "assessment_chart.svg")]
pub struct ChartSvg {
    pub title: String,
    pub width: i64,
    pub height: i64,
    pub baseline: i64,
    pub bars: Vec<ChartBar>,
    pub labels: Vec<ChartLabel>,
    pub legend_recommended: String,
    pub legend_decided: String,
}

impl ChartSvg {
    /// `counts`: (strategy, recommended, decided) in `Strategy::ALL` order.
    pub fn new(tr: &crate::i18n::Tr, counts: &[(Strategy, usize, usize)]) -> ChartSvg {
        const GROUP: i64 = 100;
        const BAR: i64 = 34;
        const TOP: i64 = 36;
        const BASE: i64 = 210;
        let max = counts.iter().map(|(_, r, d)| (*r).max(*d)).max().unwrap_or(0).max(1) as i64;
        let mut bars = Vec::new();
        let mut labels = Vec::new();
        for (i, (s, rec, dec)) in counts.iter().enumerate() {
            let x0 = 20 + i as i64 * GROUP;
            for (offset, count, opacity, what) in
                [(8, *rec, "0.45", tr.t("assessment.recommended")), (8 + BAR + 4, *dec, "1", tr.t("assessment.decided"))]
            {
                let height = (count as i64 * (BASE - TOP)) / max;
                bars.push(ChartBar {
                    x: x0 + offset,
                    y: BASE - height,
                    width: BAR,
                    height,
                    colour: strategy_colour(*s),
                    opacity,
                    count,
                    title: format!("{} · {what}: {}", s.label(tr.lang), thousands(count)),
                });
            }
            labels.push(ChartLabel { x: x0 + GROUP / 2 - 8, text: s.label(tr.lang).to_string() });
        }
        ChartSvg {
            title: tr.t("assessment.chart_title").to_string(),
            width: 20 + 6 * GROUP,
            height: BASE + 30,
            baseline: BASE,
            bars,
            labels,
            legend_recommended: tr.t("assessment.recommended").to_string(),
            legend_decided: tr.t("assessment.decided").to_string(),
        }
    }
}

pub struct EosBar {
    pub x: i64,
    pub width: i64,
    pub top: i64,
    pub past_y: i64,
    pub past_height: i64,
    pub coming_y: i64,
    pub coming_height: i64,
    pub total: usize,
    pub label: String,
    /// Quarter labels are longer: a smaller font.
    pub small: bool,
    pub title: String,
}

/// How many workloads reach end of support per period (knowledge::timeline),
/// the past in red, the rest in amber.
#[derive(Template)]
#[template(path = "assessment_eos.svg")]
pub struct EosChartSvg {
    pub title: String,
    pub width: i64,
    pub height: i64,
    pub baseline: i64,
    pub bars: Vec<EosBar>,
    pub legend_past: String,
    pub legend_coming: String,
}

impl EosChartSvg {
    pub fn new(tr: &crate::i18n::Tr, buckets: &[crate::knowledge::timeline::Bucket]) -> EosChartSvg {
        const SLOT: i64 = 52;
        const BAR: i64 = 34;
        const TOP: i64 = 40;
        const BASE: i64 = 190;
        let max = buckets.iter().map(|b| b.total()).max().unwrap_or(0).max(1) as i64;
        let (past, coming) = (tr.t("assessment.eos_past"), tr.t("assessment.eos_coming"));
        let bars = buckets
            .iter()
            .enumerate()
            .map(|(i, b)| {
                let x = 12 + i as i64 * SLOT + (SLOT - BAR) / 2;
                let past_height = b.past as i64 * (BASE - TOP) / max;
                let coming_height = b.coming as i64 * (BASE - TOP) / max;
                EosBar {
                    x,
                    width: BAR,
                    top: BASE - past_height - coming_height,
                    past_y: BASE - past_height,
                    past_height,
                    coming_y: BASE - past_height - coming_height,
                    coming_height,
                    total: b.total(),
                    label: b.label.clone(),
                    small: b.label.contains('Q'),
                    title: format!("{}: {past} {}, {coming} {}", b.label, thousands(b.past), thousands(b.coming)),
                }
            })
            .collect();
        EosChartSvg {
            title: tr.t("assessment.eos_title").to_string(),
            width: 24 + buckets.len().max(6) as i64 * SLOT,
            height: BASE + 24,
            baseline: BASE,
            bars,
            legend_past: past.to_string(),
            legend_coming: coming.to_string(),
        }
    }
}

/// One row of the portfolio table.
/// A workload's row with its texts in the page's language.
pub struct Row {
    pub row: DashboardRow,
    pub risk_label: String,
    /// The main reason's sentence.
    pub summary: String,
}

impl std::ops::Deref for Row {
    type Target = DashboardRow;
    fn deref(&self) -> &DashboardRow {
        &self.row
    }
}

impl Row {
    pub(super) fn new(row: DashboardRow, tr: &crate::i18n::Tr) -> Row {
        Row {
            risk_label: row.top_risk.map(|s| severity_label(tr, s)).unwrap_or_default(),
            summary: row.main_reason.as_ref().map(|reason| reason.text(tr.lang)).unwrap_or_default(),
            row,
        }
    }
    pub fn confidence_pct(&self) -> i64 {
        (self.confidence * 100.0).round() as i64
    }
    pub fn confidence_band(&self) -> &'static str {
        confidence_band(self.confidence)
    }
}

/// A question as a form shows it.
pub struct QuestionView {
    pub id: String,
    pub text: String,
    pub kind: &'static str,
    /// (value, label) of the radio buttons / options.
    pub options: Vec<(String, String)>,
    /// The current answer (normalised), empty when unknown.
    pub value: String,
    /// What the workload inherits from its application (workload page).
    pub inherited: String,
    pub evidence: bool,
}

pub(super) fn question_views(
    tr: &crate::i18n::Tr,
    answer: impl Fn(&str) -> Option<String>,
    inherited: impl Fn(&str) -> Option<String>,
) -> Vec<QuestionView> {
    rulebook()
        .questions
        .iter()
        .map(|q| {
            let options = match q.kind {
                QuestionKind::YesNo => {
                    vec![("yes".to_string(), tr.t("assessment.yes").to_string()), ("no".to_string(), tr.t("assessment.no").to_string())]
                }
                QuestionKind::Choice => q.options.iter().map(|o| (o.clone(), capitalised(q.option_label(o, tr.lang)))).collect(),
                _ => Vec::new(),
            };
            let normal = |raw: Option<String>| raw.map(|r| db::assessment::check_answer(&q.id, &r).unwrap_or(r)).unwrap_or_default();
            QuestionView {
                id: q.id.clone(),
                text: q.text(tr.lang).to_string(),
                kind: match q.kind {
                    QuestionKind::YesNo => "yes_no",
                    QuestionKind::Choice => "choice",
                    QuestionKind::Number => "number",
                    QuestionKind::Text => "text",
                },
                options,
                value: normal(answer(&q.id)),
                inherited: normal(inherited(&q.id)),
                evidence: q.evidence,
            }
        })
        .collect()
}

/// "latency to local equipment" → "Latency to local equipment" (labels
/// are lower-case for use inside sentences).
pub(super) fn severity_label(tr: &crate::i18n::Tr, sev: Severity) -> String {
    tr.t(&format!("assessment.severity_{}", sev.code())).to_string()
}

pub(super) fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The message for `key`, or `fallback` when the catalogue has none.
pub(super) fn label_or(tr: &crate::i18n::Tr, key: &str, fallback: &str) -> String {
    let label = tr.t(key);
    if label == key { fallback.to_string() } else { label.to_string() }
}

pub(super) fn hosting_options(tr: &crate::i18n::Tr) -> Vec<(String, String)> {
    Hosting::ALL.iter().map(|h| (h.code().to_string(), tr.t(&format!("assessment.hosting_{}", h.code())).to_string())).collect()
}

/// "3 workloads moved from Rehost to Replatform".
pub(super) fn describe_moves(tr: &crate::i18n::Tr, moves: &[Move]) -> Vec<String> {
    moves
        .iter()
        .map(|m| match m.from {
            Some(from) => {
                tr.fmt("assessment.moved", &[("n", &thousands(m.count)), ("from", &from.label(tr.lang)), ("to", &m.to.label(tr.lang))])
            }
            None => tr.fmt("assessment.newly_scored", &[("n", &thousands(m.count)), ("to", &m.to.label(tr.lang))]),
        })
        .collect()
}
