//! One decision per application, and an application's view of its
//! workloads' assessments.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::strategy::Strategy;

use super::rules::RuleBook;
use super::sentence::{APPLICATION_DECISION, DIFFERS, TIE};
use super::workload::{best, marks};
use super::{Assessment, Item, Named, Reason, Severity, Value, round2};

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
    for members in groups.values().filter(|g| g.len() > 1) {
        let free: Vec<usize> = members.iter().copied().filter(|i| !out[*i].forced).collect();
        if free.is_empty() {
            continue;
        }
        let (chosen, tie) = choose(book, &free, out);
        for &i in members {
            settle(book, &mut out[i], chosen, tie.as_ref());
        }
    }
}

/// The strategy the mean scores of an application's free workloads (no gate
/// decided them) favour, and the tie reason when there is one.
fn choose(book: &RuleBook, free: &[usize], out: &[Assessment]) -> (Strategy, Option<Reason>) {
    let m = &book.messages;
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
    let blocked_for_all: Vec<Strategy> = Strategy::ALL.into_iter().filter(|s| free.iter().all(|i| out[*i].blocked.contains(s))).collect();
    let chosen = best(book, &mut mean, &blocked_for_all);
    let tie = mean.reasons.pop();
    (chosen, tie)
}

/// One workload of the application after its choice: it takes the
/// application's strategy, or keeps its own with the reason it differs.
fn settle(book: &RuleBook, a: &mut Assessment, chosen: Strategy, tie: Option<&Reason>) {
    let m = &book.messages;
    if a.recommended != chosen {
        a.application_strategy = Some(chosen);
    }
    if a.forced || a.recommended == chosen && tie.is_none() {
        return;
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
            let why =
                differs_by_rule.or_else(|| a.reasons.iter().find(|r| r.gate.as_ref().is_some_and(|g| g.block.contains(&chosen))).cloned());
            let mut facts = why.as_ref().map(|r| r.facts.clone()).unwrap_or_default();
            facts.insert("strategy".into(), Value::from_text(chosen.code()));
            if let Some(r) = &why {
                facts.insert("reason".into(), Value::from_text(&r.rule));
                facts.insert("reason_gate".into(), Value::Bool(r.gate.is_some()));
            }
            a.reasons.push(Reason { rule: DIFFERS.into(), gate: None, points: BTreeMap::new(), facts, suggested: Vec::new() });
        }
        return;
    }
    // Its own tie, if any, is settled by the application.
    if let Some(pos) = a.reasons.iter().position(|r| r.rule == TIE) {
        a.reasons.remove(pos);
        a.confidence = round2((a.confidence / m.tie_confidence).min(1.0));
    }
    if own != chosen {
        let facts =
            Named::from([("strategy".to_string(), Value::from_text(chosen.code())), ("own".to_string(), Value::from_text(own.code()))]);
        a.reasons.push(Reason { rule: APPLICATION_DECISION.into(), gate: None, points: BTreeMap::new(), facts, suggested: Vec::new() });
    }
    if let Some(t) = tie {
        a.reasons.push(t.clone());
        a.confidence = round2(a.confidence * m.tie_confidence);
    }
    a.recommended = chosen;
    a.application_strategy = None;
    let blocked = a.blocked.clone();
    a.marks = marks(a, false, &blocked);
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
