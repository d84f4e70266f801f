//! Scoring one workload (every rule of the book against its facts), and a
//! portfolio: the portfolio-wide facts first, each workload, then one
//! decision per application.

use std::collections::{BTreeMap, HashMap};

use crate::inventory::{AppAttributes, Workload};
use crate::knowledge::Date;
use crate::strategy::Strategy;

use super::application::decide_applications;
use super::rules::{self, Condition, Kind, Op, RuleBook, slot};
use super::sentence::TIE;
use super::{AnswerBook, Assessment, GateEffect, Mark, Named, Profile, Reason, Risk, SuggestedFact, Value, facts, round2, rulebook};

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
    let suggestions = Suggestions::of(book, it.suggested);
    let Fired { scores, blocked, forced, needed, reasons, mut risks } = fire(book, &facts, profile, &suggestions);
    risks.sort_by_key(|r| r.severity);

    let blocked_list: Vec<Strategy> = Strategy::ALL.into_iter().filter(|s| blocked[slot(*s)]).collect();
    // A suggested fact counts `suggested_evidence` of a confirmed one (rules/scoring.toml, step 5).
    let weak = suggestions.weak;
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

/// The workload's suggested fields, and the facts read from one of them.
struct Suggestions<'a> {
    /// Each suggested workload field as its fact's bit.
    fields: Vec<(u128, &'a SuggestedFact)>,
    /// Every fact read from a suggested field.
    weak: u128,
}

impl<'a> Suggestions<'a> {
    fn of(book: &RuleBook, suggested: &'a [SuggestedFact]) -> Suggestions<'a> {
        // Suggested workload fields, and every fact read from one of them.
        let fields: Vec<(u128, &SuggestedFact)> = suggested
            .iter()
            .filter_map(|s| book.fact_index(&s.field).filter(|i| *i < rules::WORKLOAD_FACTS.len()).map(|i| (1u128 << i, s)))
            .collect();
        let suggested_mask = fields.iter().fold(0u128, |m, (bit, _)| m | bit);
        let weak = book.sources.iter().enumerate().filter(|(_, src)| *src & suggested_mask != 0).fold(0u128, |m, (i, _)| m | (1u128 << i));
        Suggestions { fields, weak }
    }

    /// The suggestions a rule rests on: those among the fields its facts are read from.
    fn rests_on(&self, book: &RuleBook, rule: &rules::Rule) -> Vec<SuggestedFact> {
        let read = (0..book.facts.len()).filter(|i| rule.reads & (1u128 << i) != 0).fold(0u128, |m, i| m | book.sources[i]);
        self.fields.iter().filter(|(bit, _)| read & bit != 0).map(|(_, s)| (*s).clone()).collect()
    }
}

/// What the rules gave a workload, per strategy slot.
struct Fired {
    scores: [f64; 6],
    blocked: [bool; 6],
    /// The first gate's forced strategy.
    forced: Option<Strategy>,
    /// The facts the rules in scope needed.
    needed: u128,
    reasons: Vec<Reason>,
    risks: Vec<Risk>,
}

/// Every rule of the book in scope and true for the facts: gates, points and risks.
fn fire(book: &RuleBook, facts: &[Value], profile: &Profile, suggestions: &Suggestions) -> Fired {
    let mut scores = [0.0f64; 6];
    let mut blocked = [false; 6];
    let mut forced: Option<Strategy> = None;
    let mut needed = 0u128;
    let mut reasons = Vec::new();
    let mut risks = Vec::new();
    for rule in &book.rules {
        if !rule.scope.iter().all(|c| eval(c, facts)) {
            continue;
        }
        needed |= rule.evidence;
        if !rule.when.iter().all(|c| eval(c, facts)) {
            continue;
        }
        let named: Named = rule.named.iter().map(|i| (book.facts[*i].clone(), facts[*i].clone())).collect();
        let suggested = suggestions.rests_on(book, rule);
        match &rule.kind {
            Kind::Gate { force, block } => {
                if forced.is_none() {
                    forced = *force;
                }
                for b in block {
                    blocked[slot(*b)] = true;
                }
                let gate = Some(GateEffect { force: *force, block: block.clone() });
                reasons.push(Reason { rule: rule.id.clone(), gate, points: BTreeMap::new(), facts: named, suggested });
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
                reasons.push(Reason { rule: rule.id.clone(), gate: None, points, facts: named, suggested });
            }
            Kind::Risk(severity) => risks.push(Risk { rule: rule.id.clone(), severity: *severity, facts: named, suggested }),
        }
    }
    Fired { scores, blocked, forced, needed, reasons, risks }
}

/// The highest score not blocked. A tie is named in the reasons and lowers
/// the confidence; the first tied strategy in `Strategy::ALL` order is shown.
pub(super) fn best(book: &RuleBook, a: &mut Assessment, blocked: &[Strategy]) -> Strategy {
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

/// Recommended, viable (at least half the recommended score, above zero,
/// not blocked, no gate decided) or not recommended.
pub(super) fn marks(a: &Assessment, forced: bool, blocked: &[Strategy]) -> BTreeMap<Strategy, Mark> {
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
