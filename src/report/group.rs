//! Findings stated once: a reason or a risk that holds for many workloads is
//! one entry with the workloads it holds for, instead of one sentence per
//! workload.
//!
//! What makes two findings the same is what they say, not how the sentence
//! reads: the rule that fired and the values filled into its sentence, read
//! back against the rule's own template (`rules/scoring.toml`). OS names are
//! normalised on the way (`os::normalise`), so "RHEL 5" and "LINUX RedHat EL
//! 5.11 64bit" are one finding, worded with the normalised name. A sentence
//! that no longer matches its rule (the rule book changed since the workload
//! was scored) is kept as it is and groups by its English text.

use std::collections::HashMap;

use super::os;
use crate::i18n::Lang;
use crate::inventory::Workload;
use crate::scoring::rules::{Kind as RuleKind, Piece, RuleBook};
use crate::scoring::{Assessment, Reason, Severity, Value, rulebook};
use crate::strategy::Strategy;

/// What a finding says, whatever the wording.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub rule: String,
    pub risk: bool,
    /// The values in the sentence, case-folded, OS names normalised.
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

/// The workload field a fact of that name is, as typed.
fn raw_field<'w>(w: &'w Workload, fact: &str) -> Option<&'w str> {
    Some(match fact {
        "role" => &w.role,
        "environment" => &w.environment,
        "os" => &w.os,
        "os_version" => &w.os_version,
        "db_engine" => &w.db_engine,
        "db_version" => &w.db_version,
        "middleware" => &w.middleware,
        "runtime" => &w.runtime,
        "license" => &w.license,
        "criticality" => &w.criticality,
        "data_classification" => &w.data_classification,
        _ => return None,
    })
}

/// A workload field as a sentence shows it: as typed, or the word for unknown.
fn field(w: &Workload, fact: &str, lang: Lang) -> Option<String> {
    let raw = raw_field(w, fact)?.trim();
    Some(if raw.is_empty() { Value::Unknown.display(lang) } else { raw.to_string() })
}

/// The values (by fact index) that fill `pieces` to read `text`. A value
/// runs to the text that follows it in the template; a workload field is
/// matched as the workload has it, since it may hold that very text ("SQL
/// Server" before " 2014").
fn values(book: &RuleBook, pieces: &[Piece], text: &str, known: impl Fn(&str) -> Option<String>) -> Option<Vec<(usize, String)>> {
    let mut rest = text;
    let mut out = Vec::new();
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Piece::Text(t) => rest = rest.strip_prefix(t.as_str())?,
            Piece::Fact(f) => {
                let end = match (known(&book.facts[*f]), pieces.get(i + 1)) {
                    (Some(v), _) if rest.starts_with(v.as_str()) => v.len(),
                    (_, Some(Piece::Text(next))) if !next.is_empty() => rest.find(next.as_str())?,
                    (_, None) => rest.len(),
                    _ => return None,
                };
                out.push((*f, rest[..end].to_string()));
                rest = &rest[end..];
            }
        }
    }
    rest.is_empty().then_some(out)
}

/// `pieces` filled with `values`; a value shown empty takes the space before it along.
fn render(pieces: &[Piece], values: &[String]) -> String {
    let mut out = String::new();
    let mut next = values.iter();
    for piece in pieces {
        match piece {
            Piece::Text(t) => out.push_str(t),
            Piece::Fact(_) => match next.next() {
                Some(v) if !v.is_empty() => out.push_str(v),
                _ => {
                    if out.ends_with(' ') {
                        out.pop();
                    }
                }
            },
        }
    }
    out
}

/// The key and both sentences of a rule's finding on `w`.
fn read(book: &RuleBook, rule: usize, w: &Workload, en: &str, ko: &str) -> (Key, String, String) {
    let r = &book.rules[rule];
    let risk = matches!(r.kind, RuleKind::Risk(_));
    let parsed = values(book, &r.en, en, |f| field(w, f, Lang::En)).zip(values(book, &r.ko, ko, |f| field(w, f, Lang::Ko)));
    let Some((en_values, ko_values)) = parsed else {
        return (Key { rule: r.id.clone(), risk, params: vec![en.to_string()] }, en.to_string(), ko.to_string());
    };
    let name = os::normalise(&w.os, &w.os_version);
    let shown = |values: Vec<(usize, String)>| -> Vec<String> {
        values
            .into_iter()
            .map(|(f, v)| match book.facts[f].as_str() {
                "os" => name.family.clone(),
                "os_version" => name.version.clone(),
                // "PostgreSQL unknown → …" reads better without the unknown version.
                fact if raw_field(w, fact).is_some_and(|r| r.trim().is_empty()) => String::new(),
                _ => v,
            })
            .collect()
    };
    let (en_shown, ko_shown) = (shown(en_values), shown(ko_values));
    let params = en_shown.iter().map(|v| v.to_lowercase()).collect();
    (Key { rule: r.id.clone(), risk, params }, render(&r.en, &en_shown), render(&r.ko, &ko_shown))
}

/// The findings of `workloads` (those without an assessment have none).
pub fn group<'a>(workloads: impl IntoIterator<Item = &'a Workload>, assessments: &HashMap<i64, Assessment>) -> Findings {
    let book = rulebook();
    let position = |id: &str, risk: bool| book.rules.iter().position(|r| r.id == id && matches!(r.kind, RuleKind::Risk(_)) == risk);
    let mut found: Vec<Finding> = Vec::new();
    let mut index: HashMap<Key, usize> = HashMap::new();
    for w in workloads {
        let Some(a) = assessments.get(&w.id) else { continue };
        let reasons = a.reasons.iter().map(|r| (&r.rule, false, None, Some(r), &r.en, &r.ko));
        let risks = a.risks.iter().map(|r| (&r.rule, true, Some(r.severity), None, &r.en, &r.ko));
        for (rule, risk, severity, reason, en, ko) in reasons.chain(risks) {
            let (key, en, ko, order) = match position(rule, risk) {
                Some(i) => {
                    let (key, en, ko) = read(book, i, w, en, ko);
                    (key, en, ko, i)
                }
                None => (Key { rule: rule.clone(), risk, params: vec![en.clone()] }, en.clone(), ko.clone(), usize::MAX),
            };
            match index.get(&key) {
                Some(&i) => {
                    if found[i].workloads.last() != Some(&w.id) {
                        found[i].workloads.push(w.id);
                    }
                }
                None => {
                    index.insert(key.clone(), found.len());
                    found.push(Finding { key, severity, en, ko, reason: reason.cloned(), workloads: vec![w.id], order });
                }
            }
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
        let items: Vec<Item> = ws.iter().map(|w| Item { workload: w, application_id: None }).collect();
        score_portfolio(&items, &Default::default(), &Profile::default()).into_iter().map(|a| (a.workload_id, a)).collect()
    }

    #[test]
    fn a_sentence_shared_by_many_workloads_is_one_finding_with_all_of_them() {
        let ws: Vec<Workload> = (1..=42).map(|i| server(i, "RHEL", "4")).collect();
        let f = group(&ws, &scored(&ws));
        let ec2: Vec<&Finding> = f.reasons.iter().filter(|r| r.key.rule == "runs_on_ec2").collect();
        assert_eq!(ec2.len(), 1, "one finding, not 42");
        assert_eq!(ec2[0].workloads.len(), 42);
        assert_eq!(ec2[0].text(Lang::En), "RHEL 4 runs on Amazon EC2: the server can move as it is");
        assert_eq!(ec2[0].key.params, vec!["rhel", "4"]);
        assert_eq!(ec2[0].effect(Lang::En), "+2 Rehost");
        assert_eq!((ec2[0].support(Strategy::Rehost), ec2[0].support(Strategy::Replatform)), (2.0, 0.0));
        let eos = f.risks.iter().find(|r| r.key.rule == "os_end_of_support").expect("RHEL 4 is past end of support");
        assert_eq!((eos.workloads.len(), eos.severity), (42, Some(Severity::High)));
        assert!(eos.text(Lang::Ko).starts_with("RHEL 4는 지원이 종료되어"), "{}", eos.text(Lang::Ko));
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
                ("RHEL 5 runs on Amazon EC2: the server can move as it is".to_string(), 3),
                ("RHEL 4 runs on Amazon EC2: the server can move as it is".to_string(), 1),
                ("RHEL runs on Amazon EC2: the server can move as it is".to_string(), 1),
            ],
            "most workloads first; an unknown version reads as no version"
        );
        let unknown = f.reasons.iter().find(|r| r.text(Lang::En).starts_with("RHEL runs")).unwrap();
        assert!(unknown.text(Lang::Ko).starts_with("RHEL는 Amazon EC2에서"), "{}", unknown.text(Lang::Ko));
    }

    #[test]
    fn values_with_spaces_are_read_as_the_workload_has_them() {
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
        assert_eq!(managed.key.params, vec!["sql server", "2014", "amazon rds for sql server"]);

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
    fn a_sentence_its_rule_no_longer_makes_keeps_its_own_text() {
        let book = rulebook();
        let rule = book.rules.iter().position(|r| r.id == "runs_on_ec2").unwrap();
        let w = server(1, "RHEL", "5");
        let (key, en, _) = read(book, rule, &w, "Something else entirely", "다른 문장");
        assert_eq!(key.params, vec!["Something else entirely"]);
        assert_eq!(en, "Something else entirely");
    }
}
