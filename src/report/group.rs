//! Findings stated once: a reason or a risk that holds for many workloads is
//! one entry with the workloads it holds for, instead of one sentence per
//! workload.
//!
//! What makes two findings the same is what they say, not how the sentence
//! reads: the rule that fired and the values of the facts its sentence
//! names (kept with each reason and risk). OS names are normalised on the
//! way (`os::normalise`), so "RHEL 5" and "LINUX RedHat EL 5.11 64bit" are
//! one finding, worded with the normalised name; an inventory field nobody
//! filled in is left out of the sentence rather than read as "unknown".

use std::collections::HashMap;

use super::os;
use crate::i18n::Lang;
use crate::inventory::Workload;
use crate::scoring::facts::format_number;
use crate::scoring::rules::{Section, WORKLOAD_FACTS};
use crate::scoring::{Assessment, Named, Reason, Severity, Value, render_sentence as render, rulebook};
use crate::strategy::Strategy;

/// What a finding says, whatever the wording.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub rule: String,
    pub risk: bool,
    /// The values in the sentence by fact name, case-folded, OS names
    /// normalised; empty for one left out.
    pub params: Vec<String>,
}

/// One reason or risk and every workload it holds for.
#[derive(Debug, Clone)]
pub struct Finding {
    pub key: Key,
    /// A risk's severity (None for a reason).
    pub severity: Option<Severity>,
    en: String,
    ko: String,
    /// A reason as the first workload had it: its points or gate (the same
    /// rule gives the same points under one preference profile).
    reason: Option<Reason>,
    /// In the order the workloads were given.
    pub workloads: Vec<i64>,
    /// The rule's place in the rule book (gates, rules, risks).
    order: usize,
}

impl Finding {
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ko => &self.ko,
        }
    }

    /// "+2 Rehost" for a reason, empty for a risk.
    pub fn effect(&self, lang: Lang) -> String {
        self.reason.as_ref().map(|r| r.effect(lang)).unwrap_or_default()
    }

    /// How much the reason speaks for `s` on one workload: its points, or
    /// for a gate more than any points (for when forced, against when blocked).
    pub fn support(&self, s: Strategy) -> f64 {
        let Some(r) = &self.reason else { return 0.0 };
        match &r.gate {
            Some(g) if g.force == Some(s) => GATE_SUPPORT,
            Some(g) if g.block.contains(&s) => -GATE_SUPPORT,
            _ => r.points.get(&s).copied().unwrap_or(0.0),
        }
    }
}

/// A gate outweighs the points of any rule.
const GATE_SUPPORT: f64 = 1000.0;

/// The reasons and the risks of a set of workloads, each stated once.
#[derive(Debug, Clone, Default)]
pub struct Findings {
    /// Highest severity first, then the most workloads.
    pub risks: Vec<Finding>,
    /// The most workloads first.
    pub reasons: Vec<Finding>,
}

/// The values as the report says them: OS name and release normalised, an
/// unknown inventory field empty (the sentence drops it), the rest as kept.
fn shown(named: &Named) -> HashMap<&str, Option<Value>> {
    let text = |name: &str| match named.get(name) {
        Some(Value::Text(raw, _)) => raw.as_str(),
        _ => "",
    };
    let os = os::normalise(text("os"), text("os_version"));
    named
        .iter()
        .map(|(name, v)| {
            let v = match name.as_str() {
                "os" if !os.family.is_empty() => Some(Value::from_text(&os.family)),
                "os_version" if !os.version.is_empty() => Some(Value::from_text(&os.version)),
                "os" | "os_version" => None,
                // "LINUX RedHat EL 6.8 64bit reached end of support": the label as typed, normalised.
                "os_label" if !text("os_label").is_empty() => Some(Value::from_text(&os::normalise(text("os_label"), "").display())),
                field if WORKLOAD_FACTS.contains(&field) && matches!(v, Value::Unknown) => None,
                _ => Some(v.clone()),
            };
            (name.as_str(), v)
        })
        .collect()
}

/// The key of a value: its English words, case-folded ("" for one left out).
fn param(v: &Option<Value>) -> String {
    match v {
        Some(Value::Num(n)) => format_number(*n),
        Some(v) => v.display(Lang::En).to_lowercase(),
        None => String::new(),
    }
}

/// The findings of `workloads` (those without an assessment have none).
pub fn group<'a>(workloads: impl IntoIterator<Item = &'a Workload>, assessments: &HashMap<i64, Assessment>) -> Findings {
    let book = rulebook();
    let mut found: Vec<Finding> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    for w in workloads {
        let Some(a) = assessments.get(&w.id) else { continue };
        let reasons = a.reasons.iter().map(|r| {
            let section = if r.gate.is_some() { Section::Gate } else { Section::Rule };
            (section, &r.rule, &r.facts, None, Some(r), None)
        });
        let risks = a.risks.iter().map(|r| (Section::Risk, &r.rule, &r.facts, Some(r.severity), None, Some(r)));
        for (section, rule, named, severity, reason, risk) in reasons.chain(risks) {
            let values = shown(named);
            let params = named.keys().map(|name| param(&values[name.as_str()])).collect();
            let key = Key { rule: rule.clone(), risk: section == Section::Risk, params };
            if let Some(&i) = index.get(&key) {
                if found[i].workloads.last() != Some(&w.id) {
                    found[i].workloads.push(w.id);
                }
                continue;
            }
            // A sentence not in the rule book (the scoring's own, about a tie
            // or a workload that differs from its application) reads as the
            // scoring words it.
            // A value left out (None) takes the space before it along.
            let fact = |i: usize| match values.get(book.facts[i].as_str()) {
                Some(Some(v)) => Some(v),
                Some(None) => None,
                None => Some(&Value::Unknown),
            };
            let (en, ko, order) = match (book.rule(section, rule), reason, risk) {
                (Some(r), _, _) => (
                    render(book, &r.en, fact, Lang::En),
                    render(book, &r.ko, fact, Lang::Ko),
                    book.rules.iter().position(|x| std::ptr::eq(x, r)).unwrap_or(usize::MAX),
                ),
                (None, Some(r), _) => (r.text(Lang::En), r.text(Lang::Ko), usize::MAX),
                (None, _, Some(r)) => (r.text(Lang::En), r.text(Lang::Ko), usize::MAX),
                (None, None, None) => (rule.clone(), rule.clone(), usize::MAX),
            };
            index.insert(key.clone(), found.len());
            found.push(Finding { key, severity, en, ko, reason: reason.cloned(), workloads: vec![w.id], order });
        }
    }
    let (mut risks, mut reasons): (Vec<Finding>, Vec<Finding>) = found.into_iter().partition(|f| f.key.risk);
    risks.sort_by(|a, b| {
        (a.severity, std::cmp::Reverse(a.workloads.len()), a.order, &a.en).cmp(&(
            b.severity,
            std::cmp::Reverse(b.workloads.len()),
            b.order,
            &b.en,
        ))
    });
    reasons.sort_by(|a, b| {
        (std::cmp::Reverse(a.workloads.len()), a.order, &a.en).cmp(&(std::cmp::Reverse(b.workloads.len()), b.order, &b.en))
    });
    Findings { risks, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::{Item, Profile, score_portfolio};

    fn server(id: i64, os: &str, version: &str) -> Workload {
        Workload { id, name: format!("srv-{id}"), os: os.into(), os_version: version.into(), ..Workload::default() }
    }

    fn scored(ws: &[Workload]) -> HashMap<i64, Assessment> {
        let items: Vec<Item> = ws.iter().map(|w| Item { workload: w, application_id: None, suggested: &[] }).collect();
        score_portfolio(&items, &Default::default(), &Profile::default()).into_iter().map(|a| (a.workload_id, a)).collect()
    }

    #[test]
    fn a_sentence_shared_by_many_workloads_is_one_finding_with_all_of_them() {
        let ws: Vec<Workload> = (1..=42).map(|i| server(i, "RHEL", "4")).collect();
        let f = group(&ws, &scored(&ws));
        let ec2: Vec<&Finding> = f.reasons.iter().filter(|r| r.key.rule == "runs_on_ec2").collect();
        assert_eq!(ec2.len(), 1, "one finding, not 42");
        assert_eq!(ec2[0].workloads.len(), 42);
        assert_eq!(ec2[0].text(Lang::En), "Red Hat Enterprise Linux 4 runs on Amazon EC2: the server can move as it is");
        assert_eq!(ec2[0].key.params, vec!["red hat enterprise linux 4"]);
        assert_eq!(ec2[0].effect(Lang::En), "+2 Rehost");
        assert_eq!((ec2[0].support(Strategy::Rehost), ec2[0].support(Strategy::Replatform)), (2.0, 0.0));
        let eos = f.risks.iter().find(|r| r.key.rule == "os_end_of_support").expect("RHEL 4 is past end of support");
        assert_eq!((eos.workloads.len(), eos.severity), (42, Some(Severity::High)));
        assert_eq!(eos.text(Lang::En), "Red Hat Enterprise Linux 4 reached end of support on 2012-02-29: no more security patches");
        assert!(eos.text(Lang::Ko).starts_with("Red Hat Enterprise Linux 4는 2012-02-29에 지원이 종료되어"), "{}", eos.text(Lang::Ko));
    }

    #[test]
    fn spellings_of_one_system_group_together_and_versions_apart() {
        let ws =
            vec![server(1, "RHEL", "5"), server(2, "LINUX RedHat", "EL 5.11 64bit"), server(3, "Red Hat Enterprise Linux 5 (64-bit)", "")];
        let mut ws = ws;
        ws.push(server(4, "RHEL", "4"));
        ws.push(server(5, "LINUX RedHat", ""));
        let f = group(&ws, &scored(&ws));
        let ec2: Vec<(String, usize)> =
            f.reasons.iter().filter(|r| r.key.rule == "runs_on_ec2").map(|r| (r.text(Lang::En).to_string(), r.workloads.len())).collect();
        assert_eq!(
            ec2,
            vec![
                ("Red Hat Enterprise Linux 5 runs on Amazon EC2: the server can move as it is".to_string(), 3),
                ("Red Hat Enterprise Linux 4 runs on Amazon EC2: the server can move as it is".to_string(), 1),
                ("Red Hat Enterprise Linux runs on Amazon EC2: the server can move as it is".to_string(), 1),
            ],
            "most workloads first; an unknown version reads as no version"
        );
        let unknown = f.reasons.iter().find(|r| r.text(Lang::En).starts_with("Red Hat Enterprise Linux runs")).unwrap();
        let eos: Vec<(String, usize)> = f
            .risks
            .iter()
            .filter(|r| r.key.rule == "os_end_of_support")
            .map(|r| (r.text(Lang::En).to_string(), r.workloads.len()))
            .collect();
        assert_eq!(
            eos[0],
            (format!("{} 5 reached end of support on 2017-03-31: no more security patches", "Red Hat Enterprise Linux"), 3),
            "{eos:?}"
        );
        assert!(unknown.text(Lang::Ko).starts_with("Red Hat Enterprise Linux는 Amazon EC2에서"), "{}", unknown.text(Lang::Ko));
    }

    #[test]
    fn a_finding_is_keyed_by_its_facts_and_leaves_an_unknown_version_out() {
        let w = Workload {
            id: 1,
            name: "db".into(),
            role: "db".into(),
            db_engine: "SQL Server".into(),
            db_version: "2014".into(),
            ..server(1, "Windows", "2012 R2")
        };
        let f = group([&w], &scored(std::slice::from_ref(&w)));
        let managed = f.reasons.iter().find(|r| r.key.rule == "managed_database").expect("SQL Server goes to RDS");
        assert_eq!(managed.key.params, vec!["sql server 2014", "amazon rds for sql server"], "by fact name");

        let no_version = Workload { db_version: String::new(), db_engine: "PostgreSQL".into(), ..w };
        let f = group([&no_version], &scored(std::slice::from_ref(&no_version)));
        let managed = f.reasons.iter().find(|r| r.key.rule == "managed_database").unwrap();
        assert!(managed.text(Lang::En).starts_with("PostgreSQL → Amazon RDS for PostgreSQL"), "{}", managed.text(Lang::En));
    }

    #[test]
    fn risks_rank_by_severity_then_by_how_many_workloads() {
        let mut ws: Vec<Workload> = (1..=3).map(|i| server(i, "", "")).collect();
        ws.extend((4..=5).map(|i| server(i, "RHEL", "5")));
        let f = group(&ws, &scored(&ws));
        let ranked: Vec<(Option<Severity>, usize)> = f.risks.iter().map(|r| (r.severity, r.workloads.len())).collect();
        assert_eq!(ranked, vec![(Some(Severity::High), 2), (Some(Severity::Low), 3)]);
    }

    #[test]
    fn a_sentence_the_scoring_words_itself_reads_as_it_does() {
        let ws = vec![server(1, "RHEL", "5")];
        let mut scored = scored(&ws);
        let tie = crate::scoring::Reason { rule: "tie".into(), ..scored[&1].reasons[0].clone() };
        scored.get_mut(&1).unwrap().reasons.push(tie.clone());
        let f = group(&ws, &scored);
        let found = f.reasons.iter().find(|r| r.key.rule == "tie").unwrap();
        assert_eq!(found.text(Lang::En), tie.text(Lang::En));
        assert_ne!(found.text(Lang::En), "tie");
    }

    #[test]
    fn a_rule_the_book_no_longer_has_reads_as_its_id() {
        let ws = vec![server(1, "RHEL", "5")];
        let mut scored = scored(&ws);
        scored.get_mut(&1).unwrap().reasons[0].rule = "retired_rule".into();
        let f = group(&ws, &scored);
        assert!(f.reasons.iter().any(|r| r.text(Lang::En) == "retired_rule" && r.key.rule == "retired_rule"));
    }
}
