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
use crate::inventory::{AppAttributes, Workload};
use crate::knowledge::Date;
use crate::strategy::Strategy;
pub use facts::{EndOfSupport, Value};
pub use profile::{Hosting, Profile};
use rules::{Condition, Kind, Op, Piece, RuleBook, Section, slot};
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

/// The values of the facts a rule's sentences name, by fact name: what a
/// reason or risk keeps so that it can be put into words in the reader's
/// language when it is read (the sentences themselves stay in the rule book).
pub type Named = BTreeMap<String, Value>;

/// One rule that fired: which, the points it gave, and the facts its
/// sentence names. `text` renders the sentence from the rule book.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    pub rule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<GateEffect>,
    /// Points per strategy after the profile's weights (non-zero only).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub points: BTreeMap<Strategy, f64>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: Named,
    /// The unconfirmed suggestions among the facts the rule read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggested: Vec<SuggestedFact>,
}

impl Reason {
    /// The rule's sentence in `lang` with the kept fact values, and the
    /// suggestions it rests on ("...; role db (suggested: name contains “db”)").
    pub fn text(&self, lang: Lang) -> String {
        let section = if self.gate.is_some() { Section::Gate } else { Section::Rule };
        with_suggestions(sentence(section, &self.rule, &self.facts, lang), &self.suggested, lang)
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
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: Named,
    /// The unconfirmed suggestions among the facts the rule read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suggested: Vec<SuggestedFact>,
}

impl Risk {
    /// The risk's sentence in `lang` with the kept fact values and the
    /// suggestions it rests on.
    pub fn text(&self, lang: Lang) -> String {
        with_suggestions(sentence(Section::Risk, &self.rule, &self.facts, lang), &self.suggested, lang)
    }
}

/// A workload field whose value is a discovery suggestion nobody confirmed
/// yet, with the evidence it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SuggestedFact {
    /// A workload field (`rules::WORKLOAD_FACTS`); others are ignored.
    pub field: String,
    pub value: String,
    pub evidence: Vec<crate::enrich::Evidence>,
}

/// A sentence followed by the suggestions it rests on, in `lang`.
fn with_suggestions(mut text: String, suggested: &[SuggestedFact], lang: Lang) -> String {
    let t = crate::i18n::Tr::new(lang);
    for s in suggested {
        let field = t.t(&format!("enrich.fact_{}", s.field)).to_string();
        let evidence = crate::enrich::evidence_line(&s.evidence, &t);
        text.push_str("; ");
        text.push_str(&t.fmt("enrich.suggested_fact", &[("field", &field), ("value", &s.value), ("evidence", &evidence)]));
    }
    text
}

/// The sentence of rule `id` of `section` in `lang`, its placeholders
/// filled from `named`. A rule the rule book no longer has reads as its id
/// until the next scoring replaces the reason.
fn sentence(section: Section, id: &str, named: &Named, lang: Lang) -> String {
    if section == Section::Rule
        && let Some(text) = decision_sentence(id, named, lang)
    {
        return text;
    }
    let book = rulebook();
    match book.rule(section, id) {
        Some(rule) => {
            let pieces = match lang {
                Lang::En => &rule.en,
                Lang::Ko => &rule.ko,
            };
            render(book, pieces, |i| named.get(&book.facts[i]).unwrap_or(&Value::Unknown), lang)
        }
        None => id.to_string(),
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
    /// A gate decided the strategy.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub forced: bool,
    /// Strategies a gate marked not viable.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<Strategy>,
    /// Dated ends of support of its OS and database (the timeline reads them).
    #[serde(default)]
    pub end_of_support: Vec<EndOfSupport>,
    /// The strategy decided for its application as a whole, kept when this
    /// workload differs from it (with the reason why).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_strategy: Option<Strategy>,
}

impl Assessment {
    pub fn score(&self, s: Strategy) -> f64 {
        self.scores.get(&s).copied().unwrap_or(0.0)
    }

    pub fn mark(&self, s: Strategy) -> Mark {
        self.marks.get(&s).copied().unwrap_or(Mark::NotRecommended)
    }

    /// The assessment as readers outside sixr get it (the JSON API): as
    /// stored, each reason and risk with its sentence in both languages.
    pub fn with_sentences(&self) -> serde_json::Value {
        let mut out = serde_json::json!(self);
        let worded = |texts: [String; 2], item: &mut serde_json::Value| {
            let [en, ko] = texts;
            item["en"] = en.into();
            item["ko"] = ko.into();
        };
        for (r, item) in self.reasons.iter().zip(out["reasons"].as_array_mut().into_iter().flatten()) {
            worded([r.text(Lang::En), r.text(Lang::Ko)], item);
        }
        for (r, item) in self.risks.iter().zip(out["risks"].as_array_mut().into_iter().flatten()) {
            worded([r.text(Lang::En), r.text(Lang::Ko)], item);
        }
        out
    }

    /// All reasons in one line, each with its effect (for CSV export).
    pub fn reasons_line(&self, lang: Lang) -> String {
        self.reasons
            .iter()
            .map(|r| {
                let effect = r.effect(lang);
                if effect.is_empty() { r.text(lang) } else { format!("{}: {}", r.text(lang), effect) }
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

/// What scoring reads beyond workloads, answers and profile: the day (end
/// of support is compared with it) and the portfolio attributes of the
/// applications (by application id).
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub today: Date,
    pub applications: Option<&'a HashMap<i64, AppAttributes>>,
}

impl Context<'_> {
    /// Today, without application attributes.
    pub fn today() -> Context<'static> {
        Context { today: Date::today(), applications: None }
    }
}

/// Scores every workload of a portfolio, today, without application attributes.
pub fn score_portfolio(items: &[Item], answers: &AnswerBook, profile: &Profile) -> Vec<Assessment> {
    score_portfolio_with(items, answers, profile, &Context::today())
}

/// Scores every workload of a portfolio. Portfolio-wide facts (is this the
/// only database of its application?) are computed here once: callers pass
/// whole applications (db::assessment scores one application at a time).
/// Then each application gets one decision (see [`decide_applications`]).
pub fn score_portfolio_with(items: &[Item], answers: &AnswerBook, profile: &Profile, ctx: &Context) -> Vec<Assessment> {
    let book = rulebook();
    let mut databases = DatabaseCount::default();
    for it in items {
        databases.add(&it.workload.role, it.application_id);
    }
    let mut out: Vec<Assessment> = items
        .iter()
        .map(|it| {
            let application = it.application_id.and_then(|a| ctx.applications.and_then(|m| m.get(&a)));
            score_workload(book, it, answers, profile, databases.alone(it.workload, it.application_id), application, ctx.today)
        })
        .collect();
    decide_applications(book, items, &mut out);
    out
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

/// Puts a sentence's pieces into words, `fact(i)` giving the value of fact i.
fn render<'v>(book: &RuleBook, pieces: &[Piece], fact: impl Fn(usize) -> &'v Value, lang: Lang) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Fact(i) => match (fact(*i), i.checked_sub(book.first_answer).map(|q| &book.questions[q])) {
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
pub fn score_workload(
    book: &RuleBook,
    it: &Item,
    answers: &AnswerBook,
    profile: &Profile,
    alone: bool,
    application: Option<&AppAttributes>,
    today: Date,
) -> Assessment {
    let w = it.workload;
    let (os_eos, db_eos) = facts::end_of_support(book, w, today);
    let situation = facts::Situation { today, application, db_alone_in_application: alone, os_eos: &os_eos, db_eos: &db_eos };
    let facts = facts::gather(book, w, |qi| answers.effective(w.id, it.application_id, qi), profile, &situation);
    let known = facts.iter().enumerate().filter(|(_, v)| v.is_known()).fold(0u128, |m, (i, _)| m | (1u128 << i));
    // Suggested workload fields, and every fact read from one of them.
    let suggested_fields: Vec<(u128, &SuggestedFact)> = it
        .suggested
        .iter()
        .filter_map(|s| book.fact_index(&s.field).filter(|i| *i < rules::WORKLOAD_FACTS.len()).map(|i| (1u128 << i, s)))
        .collect();
    let suggested_mask = suggested_fields.iter().fold(0u128, |m, (bit, _)| m | bit);
    let weak = book.sources.iter().enumerate().filter(|(_, src)| *src & suggested_mask != 0).fold(0u128, |m, (i, _)| m | (1u128 << i));
    // The suggestions a rule rests on: those among the fields its facts are read from.
    let rests_on = |rule: &rules::Rule| -> Vec<SuggestedFact> {
        let read = (0..book.facts.len()).filter(|i| rule.reads & (1u128 << i) != 0).fold(0u128, |m, i| m | book.sources[i]);
        suggested_fields.iter().filter(|(bit, _)| read & bit != 0).map(|(_, s)| (*s).clone()).collect()
    };

    let mut scores = [0.0f64; 6];
    let mut blocked = [false; 6];
    let mut forced: Option<Strategy> = None;
    let mut needed = 0u128;
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
        let named: Named = rule.named.iter().map(|i| (book.facts[*i].clone(), facts[*i].clone())).collect();
        match &rule.kind {
            Kind::Gate { force, block } => {
                if forced.is_none() {
                    forced = *force;
                }
                for b in block {
                    blocked[slot(*b)] = true;
                }
                let gate = Some(GateEffect { force: *force, block: block.clone() });
                reasons.push(Reason { rule: rule.id.clone(), gate, points: BTreeMap::new(), facts: named, suggested: rests_on(rule) });
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
                reasons.push(Reason { rule: rule.id.clone(), gate: None, points, facts: named, suggested: rests_on(rule) });
            }
            Kind::Risk(severity) => {
                risks.push(Risk { rule: rule.id.clone(), severity: *severity, facts: named, suggested: rests_on(rule) })
            }
        }
    }
    risks.sort_by_key(|r| r.severity);

    let blocked_list: Vec<Strategy> = Strategy::ALL.into_iter().filter(|s| blocked[slot(*s)]).collect();
    // A suggested fact counts `suggested_evidence` of a confirmed one (rules/scoring.toml, step 5).
    let confirmed = f64::from((needed & known & !weak).count_ones());
    let suggested = f64::from((needed & known & weak).count_ones());
    let confidence =
        if needed == 0 { 1.0 } else { round2((confirmed + book.suggested_evidence * suggested) / f64::from(needed.count_ones())) };
    let missing = (0..book.facts.len()).filter(|i| needed & !known & (1u128 << i) != 0).map(|i| book.facts[i].clone()).collect();
    let end_of_support = [os_eos, db_eos].into_iter().flatten().map(|j| j.kept).collect();
    let mut a = Assessment {
        workload_id: w.id,
        recommended: Strategy::Retain,
        confidence,
        scores: Strategy::ALL.into_iter().map(|s| (s, round2(scores[slot(s)]))).collect(),
        marks: BTreeMap::new(),
        reasons,
        risks,
        missing,
        forced: forced.is_some(),
        blocked: blocked_list.clone(),
        end_of_support,
        application_strategy: None,
    };
    let recommended = match forced {
        Some(s) => s,
        None => best(book, &mut a, &blocked_list),
    };
    a.recommended = recommended;
    a.marks = marks(&a, forced.is_some(), &blocked_list);
    a
}

/// The highest score not blocked. A tie is named in the reasons and lowers
/// the confidence; the first tied strategy in `Strategy::ALL` order is shown.
fn best(book: &RuleBook, a: &mut Assessment, blocked: &[Strategy]) -> Strategy {
    let open: Vec<Strategy> = Strategy::ALL.into_iter().filter(|s| !blocked.contains(s)).collect();
    let Some(top) = open.iter().map(|s| a.score(*s)).max_by(f64::total_cmp) else { return Strategy::Retain };
    let tied: Vec<Strategy> = open.into_iter().filter(|s| (a.score(*s) - top).abs() < 0.005).collect();
    if tied.len() > 1 {
        note_tie(book, a, &tied, top);
    }
    tied[0]
}

fn note_tie(book: &RuleBook, a: &mut Assessment, tied: &[Strategy], points: f64) {
    let codes: Vec<&str> = tied.iter().map(|s| s.code()).collect();
    let facts = Named::from([("tied".to_string(), Value::from_text(&codes.join(","))), ("points".to_string(), Value::Num(points))]);
    a.reasons.push(Reason { rule: TIE.into(), gate: None, points: BTreeMap::new(), facts, suggested: Vec::new() });
    a.confidence = round2(a.confidence * book.messages.tie_confidence);
}

/// Reasons the scoring gives beyond single rules; their sentences are in
/// the rule book's `[messages]`.
const TIE: &str = "tie";
const APPLICATION_DECISION: &str = "application_decision";
const DIFFERS: &str = "differs_from_application";

/// The sentence of a reason the scoring itself gives (a tie, the
/// application's decision, a workload differing from it), from the kept
/// strategy codes and, for a difference, the reason it differs by.
fn decision_sentence(id: &str, named: &Named, lang: Lang) -> Option<String> {
    let m = &rulebook().messages;
    let pick = |en: &str, ko: &str| match lang {
        Lang::En => en.to_string(),
        Lang::Ko => ko.to_string(),
    };
    let labels = |key: &str| -> Vec<&'static str> {
        match named.get(key) {
            Some(Value::Text(raw, _)) => raw.split(',').filter_map(Strategy::parse).map(|s| s.label(lang)).collect(),
            _ => Vec::new(),
        }
    };
    let first = |key: &str| labels(key).first().copied().unwrap_or_default();
    Some(match id {
        TIE => {
            let names = labels("tied");
            let (a, b) = names.split_first().map(|(a, b)| (*a, b.join(", "))).unwrap_or_default();
            let points = named.get("points").map(|v| v.display(lang)).unwrap_or_default();
            pick(&m.tie_en, &m.tie_ko).replace("{a}", a).replace("{b}", &b).replace("{points}", &points)
        }
        APPLICATION_DECISION => {
            pick(&m.application_en, &m.application_ko).replace("{strategy}", first("strategy")).replace("{own}", first("own"))
        }
        DIFFERS => {
            let section = if named.get("reason_gate") == Some(&Value::Bool(true)) { Section::Gate } else { Section::Rule };
            let why = match named.get("reason") {
                Some(Value::Text(rule, _)) => sentence(section, rule, named, lang),
                _ => String::new(),
            };
            pick(&m.differs_en, &m.differs_ko).replace("{strategy}", first("strategy")).replace("{reason}", &why)
        }
        _ => return None,
    })
}

/// Recommended, viable (at least half the recommended score, above zero,
/// not blocked, no gate decided) or not recommended.
fn marks(a: &Assessment, forced: bool, blocked: &[Strategy]) -> BTreeMap<Strategy, Mark> {
    let top = a.score(a.recommended);
    Strategy::ALL
        .into_iter()
        .map(|s| {
            let score = a.score(s);
            let mark = if s == a.recommended {
                Mark::Recommended
            } else if !forced && !blocked.contains(&s) && score > 0.0 && score >= top * 0.5 {
                Mark::Viable
            } else {
                Mark::NotRecommended
            };
            (s, mark)
        })
        .collect()
}

/// One decision per application: the workloads of an application with
/// several get the strategy their mean scores favour, leaving out the
/// points of the rules that let a component differ (a tie is named and
/// lowers the confidence, as for a workload). A workload keeps its own
/// strategy only with a stated reason: a gate decided it, the
/// application's strategy is blocked for it, or a rule the rule book lets
/// differ (`messages.may_differ`: its database goes to RDS while the
/// servers are rehosted) makes its own strategy score higher.
pub fn decide_applications(book: &RuleBook, items: &[Item], out: &mut [Assessment]) {
    let mut groups: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (i, it) in items.iter().enumerate() {
        if let Some(app) = it.application_id {
            groups.entry(app).or_default().push(i);
        }
    }
    let m = &book.messages;
    for members in groups.values().filter(|g| g.len() > 1) {
        let free: Vec<usize> = members.iter().copied().filter(|i| !out[*i].forced).collect();
        if free.is_empty() {
            continue;
        }
        let mut mean = Assessment { scores: BTreeMap::new(), ..out[free[0]].clone() };
        mean.reasons.clear();
        mean.confidence = 1.0;
        // A component's own points (its database to Amazon RDS) are its
        // reason to differ, not a vote for the whole application.
        let shared = |a: &Assessment, s: Strategy| {
            a.score(s) - a.reasons.iter().filter(|r| m.may_differ.contains(&r.rule)).filter_map(|r| r.points.get(&s)).sum::<f64>()
        };
        for s in Strategy::ALL {
            mean.scores.insert(s, round2(free.iter().map(|i| shared(&out[*i], s)).sum::<f64>() / free.len() as f64));
        }
        let blocked_for_all: Vec<Strategy> =
            Strategy::ALL.into_iter().filter(|s| free.iter().all(|i| out[*i].blocked.contains(s))).collect();
        let chosen = best(book, &mut mean, &blocked_for_all);
        let tie = mean.reasons.pop();
        for &i in members {
            let a = &mut out[i];
            if a.recommended != chosen {
                a.application_strategy = Some(chosen);
            }
            if a.forced || a.recommended == chosen && tie.is_none() {
                continue;
            }
            let own = a.recommended;
            let differs_by_rule = a
                .reasons
                .iter()
                .find(|r| m.may_differ.contains(&r.rule) && r.points.get(&own).is_some_and(|p| *p > 0.0))
                // Only an application that moves to AWS leaves room for a
                // component to go its own way: one replaced by SaaS, kept or
                // retired goes as a whole.
                .filter(|_| chosen.moves_to_aws() && own != chosen && a.score(own) > a.score(chosen))
                .cloned();
            if a.blocked.contains(&chosen) || differs_by_rule.is_some() {
                if own != chosen {
                    let why = differs_by_rule
                        .or_else(|| a.reasons.iter().find(|r| r.gate.as_ref().is_some_and(|g| g.block.contains(&chosen))).cloned());
                    let mut facts = why.as_ref().map(|r| r.facts.clone()).unwrap_or_default();
                    facts.insert("strategy".into(), Value::from_text(chosen.code()));
                    if let Some(r) = &why {
                        facts.insert("reason".into(), Value::from_text(&r.rule));
                        facts.insert("reason_gate".into(), Value::Bool(r.gate.is_some()));
                    }
                    a.reasons.push(Reason { rule: DIFFERS.into(), gate: None, points: BTreeMap::new(), facts, suggested: Vec::new() });
                }
                continue;
            }
            // Its own tie, if any, is settled by the application.
            if let Some(pos) = a.reasons.iter().position(|r| r.rule == TIE) {
                a.reasons.remove(pos);
                a.confidence = round2((a.confidence / m.tie_confidence).min(1.0));
            }
            if own != chosen {
                let facts = Named::from([
                    ("strategy".to_string(), Value::from_text(chosen.code())),
                    ("own".to_string(), Value::from_text(own.code())),
                ]);
                a.reasons.push(Reason {
                    rule: APPLICATION_DECISION.into(),
                    gate: None,
                    points: BTreeMap::new(),
                    facts,
                    suggested: Vec::new(),
                });
            }
            if let Some(t) = &tie {
                a.reasons.push(t.clone());
                a.confidence = round2(a.confidence * m.tie_confidence);
            }
            a.recommended = chosen;
            a.application_strategy = None;
            let blocked = a.blocked.clone();
            a.marks = marks(a, false, &blocked);
        }
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
