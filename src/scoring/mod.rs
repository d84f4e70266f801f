//! 6R scoring: questionnaire answers and inventory facts in, six scores with
//! reasons, gates, risks and a confidence out. Pure logic; the rules and
//! weights are data in `rules/scoring.toml`.

pub mod decision;
pub mod facts;
pub mod profile;
pub mod rules;

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::inventory::Workload;
use crate::strategy::Strategy;
pub use facts::Value;
pub use profile::{Hosting, Profile};
use rules::{Condition, Kind, Op, Piece, RuleBook, slot};
pub use rules::{Severity, rulebook};

/// How a strategy came out for a workload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Recommended,
    Viable,
    NotRecommended,
}

impl Mark {
    pub fn code(self) -> &'static str {
        match self {
            Mark::Recommended => "recommended",
            Mark::Viable => "viable",
            Mark::NotRecommended => "not_recommended",
        }
    }
}

/// A gate's effect, when the reason comes from a gate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GateEffect {
    #[serde(default)]
    pub force: Option<Strategy>,
    #[serde(default)]
    pub block: Vec<Strategy>,
}

/// One rule that fired: what it says and the points it gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub rule: String,
    #[serde(default)]
    pub gate: Option<GateEffect>,
    /// Points per strategy after the profile's weights (non-zero only).
    #[serde(default)]
    pub points: BTreeMap<Strategy, f64>,
    pub en: String,
    pub ko: String,
}

impl Reason {
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ko => &self.ko,
        }
    }

    /// "+3 Replatform, -2 Refactor" (or the gate's effect).
    pub fn effect(&self, lang: Lang) -> String {
        if let Some(g) = &self.gate {
            let mut parts = Vec::new();
            if let Some(s) = g.force {
                parts.push(match lang {
                    Lang::En => format!("→ {}", s.label_en()),
                    Lang::Ko => format!("→ {}", s.label_ko()),
                });
            }
            for s in &g.block {
                parts.push(match lang {
                    Lang::En => format!("{} not viable", s.label_en()),
                    Lang::Ko => format!("{} 불가", s.label_ko()),
                });
            }
            return parts.join(", ");
        }
        self.points
            .iter()
            .map(|(s, p)| format!("{}{} {}", if *p >= 0.0 { "+" } else { "" }, facts::format_number(*p), s.label(lang)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Risk {
    pub rule: String,
    pub severity: Severity,
    pub en: String,
    pub ko: String,
}

impl Risk {
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ko => &self.ko,
        }
    }
}

/// The scoring result for one workload (stored as the assessment detail).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub workload_id: i64,
    pub recommended: Strategy,
    /// Known evidence / needed evidence, 0..=1.
    pub confidence: f64,
    pub scores: BTreeMap<Strategy, f64>,
    pub marks: BTreeMap<Strategy, Mark>,
    pub reasons: Vec<Reason>,
    pub risks: Vec<Risk>,
    /// Facts the rules needed but nobody knows yet (`os`, `answer.still_used`...).
    #[serde(default)]
    pub missing: Vec<String>,
}

impl Assessment {
    pub fn score(&self, s: Strategy) -> f64 {
        self.scores.get(&s).copied().unwrap_or(0.0)
    }

    pub fn mark(&self, s: Strategy) -> Mark {
        self.marks.get(&s).copied().unwrap_or(Mark::NotRecommended)
    }

    /// All reasons in one line, each with its effect (for CSV export).
    pub fn reasons_line(&self, lang: Lang) -> String {
        self.reasons
            .iter()
            .map(|r| {
                let effect = r.effect(lang);
                if effect.is_empty() { r.text(lang).to_string() } else { format!("{}: {}", r.text(lang), effect) }
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Whose answer it is: an application's (inherited) or a workload's (override).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectKind {
    Application,
    Workload,
}

impl SubjectKind {
    pub fn code(self) -> &'static str {
        match self {
            SubjectKind::Application => "application",
            SubjectKind::Workload => "workload",
        }
    }
    pub fn parse(s: &str) -> Option<SubjectKind> {
        match s {
            "application" => Some(SubjectKind::Application),
            "workload" => Some(SubjectKind::Workload),
            _ => None,
        }
    }
}

/// Raw answers of one subject, by question index of the rule book.
pub type AnswerSet = Vec<Option<String>>;

/// False for an empty answer or "unknown": the question is still open.
pub fn is_known_answer(raw: &str) -> bool {
    let value = raw.trim();
    !(value.is_empty() || value.eq_ignore_ascii_case("unknown"))
}

/// Every answer of an engagement: the application's answer holds for its
/// workloads unless the workload has its own.
#[derive(Debug, Clone, Default)]
pub struct AnswerBook {
    pub applications: HashMap<i64, AnswerSet>,
    pub workloads: HashMap<i64, AnswerSet>,
}

impl AnswerBook {
    /// Records one raw answer; unknown questions and empty/"unknown" values are ignored.
    pub fn set(&mut self, kind: SubjectKind, id: i64, question: &str, raw: &str) {
        let book = rulebook();
        let Some(qi) = book.questions.iter().position(|q| q.id == question) else { return };
        if !is_known_answer(raw) {
            return;
        }
        let value = raw.trim();
        let map = match kind {
            SubjectKind::Application => &mut self.applications,
            SubjectKind::Workload => &mut self.workloads,
        };
        let set = map.entry(id).or_insert_with(|| vec![None; book.questions.len()]);
        set[qi] = Some(value.to_string());
    }

    /// The raw answer that holds for a workload (its own, else its application's).
    pub fn effective(&self, workload_id: i64, application_id: Option<i64>, qi: usize) -> Option<&str> {
        let own = self.workloads.get(&workload_id).and_then(|s| s.get(qi)).and_then(|v| v.as_deref());
        own.or_else(|| application_id.and_then(|a| self.applications.get(&a)).and_then(|s| s.get(qi)).and_then(|v| v.as_deref()))
    }

    pub fn get(&self, kind: SubjectKind, id: i64, question: &str) -> Option<&str> {
        let qi = rulebook().questions.iter().position(|q| q.id == question)?;
        let map = match kind {
            SubjectKind::Application => &self.applications,
            SubjectKind::Workload => &self.workloads,
        };
        map.get(&id).and_then(|s| s.get(qi)).and_then(|v| v.as_deref())
    }
}

/// One workload to score, with the application it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub workload: &'a Workload,
    pub application_id: Option<i64>,
    /// Its fields whose value is a discovery suggestion nobody confirmed yet.
    pub suggested: &'a [SuggestedFact],
}

/// A workload field whose value is an unconfirmed suggestion, with how the
/// reasons that rest on it say so ("role db (suggested: name contains
/// “db”)"), in both languages.
#[derive(Debug, Clone, PartialEq)]
pub struct SuggestedFact {
    /// A workload field (`rules::WORKLOAD_FACTS`); others are ignored.
    pub field: String,
    pub en: String,
    pub ko: String,
}

fn is_database_role(role: &str) -> bool {
    role.trim().eq_ignore_ascii_case("db")
}

/// The portfolio-wide fact the rules need: how many databases each
/// application has (a lone database without replica is a single point of
/// failure). Counted in a first pass over the workloads' roles.
#[derive(Debug, Default)]
struct DatabaseCount(HashMap<i64, usize>);

impl DatabaseCount {
    fn add(&mut self, role: &str, application_id: Option<i64>) {
        if let (true, Some(a)) = (is_database_role(role), application_id) {
            *self.0.entry(a).or_default() += 1;
        }
    }

    /// True when `w` is its application's only database and no replica is noted.
    fn alone(&self, w: &Workload, application_id: Option<i64>) -> bool {
        is_database_role(&w.role)
            && application_id.is_none_or(|a| self.0.get(&a).copied().unwrap_or(0) <= 1)
            && !facts::mentions_replica(&w.notes)
    }
}

/// Scores every workload of a portfolio. Portfolio-wide facts (is this the
/// only database of its application?) are computed here once: callers pass
/// whole applications (db::assessment scores one application at a time).
pub fn score_portfolio(items: &[Item], answers: &AnswerBook, profile: &Profile) -> Vec<Assessment> {
    let book = rulebook();
    let mut databases = DatabaseCount::default();
    for it in items {
        databases.add(&it.workload.role, it.application_id);
    }
    items.iter().map(|it| score_workload(book, it, answers, profile, databases.alone(it.workload, it.application_id))).collect()
}

fn eval(c: &Condition, facts: &[Value]) -> bool {
    let v = &facts[c.fact];
    let number = |v: &Value| match v {
        Value::Num(n) => Some(*n),
        Value::Text(_, low) => low.parse::<f64>().ok(),
        _ => None,
    };
    let equals = |lit: &rules::Literal| match v {
        Value::Bool(b) => lit.flag == Some(*b),
        Value::Num(n) => lit.number == Some(*n),
        Value::Text(_, low) => *low == lit.text,
        Value::Unknown => false,
    };
    match c.op {
        Op::Known => v.is_known(),
        Op::Unknown => !v.is_known(),
        // Unknown facts never make a condition true.
        _ if !v.is_known() => false,
        Op::Eq => equals(&c.values[0]),
        Op::Ne => !equals(&c.values[0]),
        Op::In => c.values.iter().any(equals),
        Op::NotIn => !c.values.iter().any(equals),
        Op::Contains => match v {
            Value::Text(_, low) => c.values.iter().any(|l| low.contains(l.text.as_str())),
            _ => false,
        },
        Op::Lt | Op::Le | Op::Gt | Op::Ge => {
            let (Some(x), Some(y)) = (number(v), c.values[0].number) else { return false };
            match c.op {
                Op::Lt => x < y,
                Op::Le => x <= y,
                Op::Gt => x > y,
                _ => x >= y,
            }
        }
    }
}

fn render(book: &RuleBook, pieces: &[Piece], facts: &[Value], lang: Lang) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Fact(i) => match (&facts[*i], i.checked_sub(book.first_answer).map(|q| &book.questions[q])) {
                // A choice answer reads as its label ("low" → "낮음").
                (Value::Text(_, low), Some(q)) => out.push_str(q.option_label(low, lang)),
                (v, _) => out.push_str(&v.display(lang)),
            },
        }
    }
    out
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Scores one workload. `alone`: it is the only database of its application
/// and nothing says it has a replica.
pub fn score_workload(book: &RuleBook, it: &Item, answers: &AnswerBook, profile: &Profile, alone: bool) -> Assessment {
    let w = it.workload;
    let facts = facts::gather(book, w, |qi| answers.effective(w.id, it.application_id, qi), profile, alone);
    let known = facts.iter().enumerate().filter(|(_, v)| v.is_known()).fold(0u64, |m, (i, _)| m | (1 << i));
    // Suggested workload fields, and every fact read from one of them.
    let suggested_fields: Vec<(u64, &SuggestedFact)> = it
        .suggested
        .iter()
        .filter_map(|s| book.fact_index(&s.field).filter(|i| *i < rules::WORKLOAD_FACTS.len()).map(|i| (1u64 << i, s)))
        .collect();
    let suggested_mask = suggested_fields.iter().fold(0u64, |m, (bit, _)| m | bit);
    let weak = book.sources.iter().enumerate().filter(|(_, src)| *src & suggested_mask != 0).fold(0u64, |m, (i, _)| m | (1 << i));
    // "...; role db (suggested: name contains “db”)" on a sentence that rests on suggestions.
    let note = |rule: &rules::Rule, en: &mut String, ko: &mut String| {
        let read = (0..book.facts.len()).filter(|i| rule.reads & (1 << i) != 0).fold(0u64, |m, i| m | book.sources[i]);
        for (bit, s) in &suggested_fields {
            if read & bit != 0 {
                en.push_str("; ");
                en.push_str(&s.en);
                ko.push_str("; ");
                ko.push_str(&s.ko);
            }
        }
    };

    let mut scores = [0.0f64; 6];
    let mut blocked = [false; 6];
    let mut forced: Option<Strategy> = None;
    let mut needed = 0u64;
    let mut reasons = Vec::new();
    let mut risks = Vec::new();
    for rule in &book.rules {
        if !rule.scope.iter().all(|c| eval(c, &facts)) {
            continue;
        }
        needed |= rule.evidence;
        if !rule.when.iter().all(|c| eval(c, &facts)) {
            continue;
        }
        let mut en = render(book, &rule.en, &facts, Lang::En);
        let mut ko = render(book, &rule.ko, &facts, Lang::Ko);
        note(rule, &mut en, &mut ko);
        match &rule.kind {
            Kind::Gate { force, block } => {
                if forced.is_none() {
                    forced = *force;
                }
                for b in block {
                    blocked[slot(*b)] = true;
                }
                let gate = Some(GateEffect { force: *force, block: block.clone() });
                reasons.push(Reason { rule: rule.id.clone(), gate, points: BTreeMap::new(), en, ko });
            }
            Kind::Score => {
                let weight = rule.goal.map_or(1.0, |g| profile.weight(g));
                let mut points = BTreeMap::new();
                for s in Strategy::ALL {
                    let p = round2(rule.points[slot(s)] * weight);
                    if p != 0.0 {
                        scores[slot(s)] += p;
                        points.insert(s, p);
                    }
                }
                reasons.push(Reason { rule: rule.id.clone(), gate: None, points, en, ko });
            }
            Kind::Risk(severity) => risks.push(Risk { rule: rule.id.clone(), severity: *severity, en, ko }),
        }
    }
    risks.sort_by_key(|r| r.severity);

    let recommended = forced.unwrap_or_else(|| {
        // Highest score not blocked; ties go to the earlier strategy.
        let mut best: Option<Strategy> = None;
        for s in Strategy::ALL {
            if !blocked[slot(s)] && best.is_none_or(|b| scores[slot(s)] > scores[slot(b)]) {
                best = Some(s);
            }
        }
        best.unwrap_or(Strategy::Retain)
    });
    let top = scores[slot(recommended)];
    let marks = Strategy::ALL
        .into_iter()
        .map(|s| {
            let i = slot(s);
            let mark = if s == recommended {
                Mark::Recommended
            } else if forced.is_none() && !blocked[i] && scores[i] > 0.0 && scores[i] >= top * 0.5 {
                Mark::Viable
            } else {
                Mark::NotRecommended
            };
            (s, mark)
        })
        .collect();
    // A suggested fact counts `suggested_evidence` of a confirmed one (rules/scoring.toml, step 5).
    let confirmed = f64::from((needed & known & !weak).count_ones());
    let suggested = f64::from((needed & known & weak).count_ones());
    let confidence =
        if needed == 0 { 1.0 } else { round2((confirmed + book.suggested_evidence * suggested) / f64::from(needed.count_ones())) };
    let missing = (0..book.facts.len()).filter(|i| needed & !known & (1 << i) != 0).map(|i| book.facts[i].clone()).collect();
    Assessment {
        workload_id: w.id,
        recommended,
        confidence,
        scores: Strategy::ALL.into_iter().map(|s| (s, round2(scores[slot(s)]))).collect(),
        marks,
        reasons,
        risks,
        missing,
    }
}

/// An application's view of its workloads' assessments.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rollup {
    pub workloads: usize,
    /// Mean score per strategy.
    pub scores: BTreeMap<Strategy, f64>,
    /// The most common recommendation (see `strategy::application_strategy`).
    pub recommended: Option<Strategy>,
    /// Mean confidence.
    pub confidence: f64,
    /// Risks found on its workloads, by severity.
    pub risks: BTreeMap<Severity, usize>,
}

pub fn roll_up(list: &[&Assessment]) -> Rollup {
    let n = list.len().max(1) as f64;
    let scores = Strategy::ALL.into_iter().map(|s| (s, round2(list.iter().map(|a| a.score(s)).sum::<f64>() / n))).collect();
    let recs: Vec<Strategy> = list.iter().map(|a| a.recommended).collect();
    let mut risks = BTreeMap::new();
    for r in list.iter().flat_map(|a| &a.risks) {
        *risks.entry(r.severity).or_insert(0) += 1;
    }
    Rollup {
        workloads: list.len(),
        scores,
        recommended: crate::strategy::application_strategy(&recs),
        confidence: round2(list.iter().map(|a| a.confidence).sum::<f64>() / n),
        risks,
    }
}

#[cfg(test)]
mod tests;
