//! A rules file parsed, checked and compiled: conditions to fact indices,
//! sentences to pieces, each mistake named with its rule.

use std::collections::{HashMap, HashSet};

use super::file::{QuestionKind, RawBook, RawRule};
use super::{
    Condition, DERIVED_FACTS, DERIVED_FROM, Kind, Literal, Op, PROFILE_FACTS, Piece, Rule, RuleBook, Section, WORKLOAD_FACTS, slot,
};
use crate::strategy::Strategy;

impl RuleBook {
    /// Parses and checks a rule book; the error names the rule and what is wrong.
    pub fn parse(source: &str) -> Result<RuleBook, String> {
        let raw: RawBook = toml::from_str(source).map_err(|e| format!("rules file: {e}"))?;
        let mut facts: Vec<String> = WORKLOAD_FACTS.iter().chain(DERIVED_FACTS).chain(PROFILE_FACTS).map(|s| s.to_string()).collect();
        let first_answer = facts.len();
        let mut seen_questions = HashSet::new();
        for q in &raw.question {
            if !seen_questions.insert(q.id.clone()) {
                return Err(format!("question \"{}\" is defined twice", q.id));
            }
            if q.kind == QuestionKind::Choice && q.options.is_empty() {
                return Err(format!("question \"{}\" is a choice without options", q.id));
            }
            for labels in [&q.labels_en, &q.labels_ko] {
                if !labels.is_empty() && labels.len() != q.options.len() {
                    return Err(format!("question \"{}\": give one label per option", q.id));
                }
            }
            facts.push(format!("answer.{}", q.id));
        }
        if facts.len() > 128 {
            return Err(format!("{} facts: evidence masks hold at most 128", facts.len()));
        }
        let index: HashMap<String, usize> = facts.iter().enumerate().map(|(i, f)| (f.clone(), i)).collect();
        if !(0.0..=1.0).contains(&raw.suggested_evidence) {
            return Err(format!("suggested_evidence = {}: give a share between 0 and 1", raw.suggested_evidence));
        }
        let mut sources: Vec<u128> = (0..facts.len()).map(|i| if i < WORKLOAD_FACTS.len() { 1 << i } else { 0 }).collect();
        for (derived, from) in DERIVED_FROM {
            let i = index.get(*derived).ok_or_else(|| format!("DERIVED_FROM names \"{derived}\", which is not a derived fact"))?;
            sources[*i] = from.iter().filter_map(|f| index.get(*f)).fold(0, |m, j| m | (1 << j));
        }
        if let Some(missing) = DERIVED_FACTS.iter().find(|d| !DERIVED_FROM.iter().any(|(x, _)| x == *d)) {
            return Err(format!("derived fact \"{missing}\" does not say which workload fields it is read from (DERIVED_FROM)"));
        }
        let mut book = RuleBook {
            questions: raw.question,
            rules: Vec::new(),
            os: raw.os,
            databases: raw.database,
            platforms: raw.platform,
            messages: raw.messages,
            facts,
            index,
            by_id: HashMap::new(),
            first_answer,
            sources,
            suggested_evidence: raw.suggested_evidence,
        };
        for (section, list) in [("gate", raw.gate), ("rule", raw.rule), ("risk", raw.risk)] {
            for r in list {
                let key = (Section::parse(section), r.id.clone());
                if book.by_id.insert(key, book.rules.len()).is_some() {
                    return Err(format!("{section} \"{}\" is defined twice", r.id));
                }
                let rule = book.compile(section, r)?;
                book.rules.push(rule);
            }
        }
        for id in &book.messages.may_differ {
            if !book.rules.iter().any(|r| r.id == *id && matches!(r.kind, Kind::Score)) {
                return Err(format!("messages.may_differ: \"{id}\" is not a rule"));
            }
        }
        for entry in &book.os {
            check_patterns("os", &entry.family, &entry.patterns)?;
        }
        for entry in &book.databases {
            check_patterns("database", &entry.family, &entry.patterns)?;
        }
        for entry in &book.platforms {
            if entry.patterns.is_empty() && entry.role.is_empty() && entry.os.is_empty() {
                return Err(format!("platform \"{}\" matches everything: give match, role or os", entry.family));
            }
        }
        Ok(book)
    }

    fn compile(&self, section: &str, r: RawRule) -> Result<Rule, String> {
        let at = |msg: String| format!("{section} \"{}\": {msg}", r.id);
        let kind = match section {
            "gate" => {
                let force = r.force.as_deref().map(|s| parse_strategy(s).map_err(&at)).transpose()?;
                let block = r.block.iter().map(|s| parse_strategy(s).map_err(&at)).collect::<Result<Vec<_>, _>>()?;
                if force.is_none() && block.is_empty() {
                    return Err(at("a gate needs `force` or `block`".into()));
                }
                Kind::Gate { force, block }
            }
            "risk" => Kind::Risk(r.severity.ok_or_else(|| at("a risk needs a severity".into()))?),
            _ => Kind::Score,
        };
        if section != "gate" && (r.force.is_some() || !r.block.is_empty()) {
            return Err(at("only gates force or block strategies".into()));
        }
        if section != "risk" && r.severity.is_some() {
            return Err(at("only risks have a severity".into()));
        }
        if r.when.is_empty() {
            return Err(at("`when` needs at least one condition".into()));
        }
        let mut points = [0.0; 6];
        for (code, p) in &r.points {
            let s = parse_strategy(code).map_err(&at)?;
            points[slot(s)] = *p;
        }
        let scope = r.scope.iter().map(|c| self.condition(c).map_err(&at)).collect::<Result<Vec<_>, _>>()?;
        let when = r.when.iter().map(|c| self.condition(c).map_err(&at)).collect::<Result<Vec<_>, _>>()?;
        let mut evidence = 0u128;
        for name in &r.evidence {
            let i = self.fact_index(name).ok_or_else(|| at(format!("evidence \"{name}\" is not a fact")))?;
            if self.is_profile(i) {
                return Err(at(format!("\"{name}\" is a preference, not evidence")));
            }
            evidence |= 1u128 << i;
        }
        let en = self.sentence(&r.en).map_err(&at)?;
        let ko = self.sentence(&r.ko).map_err(&at)?;
        let mut named: Vec<usize> = en.iter().chain(&ko).filter_map(|p| if let Piece::Fact(i) = p { Some(*i) } else { None }).collect();
        named.sort_unstable();
        named.dedup();
        let reads = scope.iter().chain(&when).map(|c| c.fact).chain(named.iter().copied()).fold(0u128, |m, i| m | (1 << i));
        Ok(Rule { id: r.id, kind, scope, when, points, goal: r.goal, evidence, reads, en, ko, named })
    }

    fn is_profile(&self, i: usize) -> bool {
        (self.first_profile()..self.first_answer).contains(&i)
    }

    /// Parses "fact op value".
    fn condition(&self, source: &str) -> Result<Condition, String> {
        let s = source.trim();
        let (fact_name, rest) = s.split_once(' ').ok_or_else(|| format!("\"{s}\": write `fact op value`"))?;
        let fact = self.fact_index(fact_name).ok_or_else(|| format!("\"{s}\": \"{fact_name}\" is not a fact"))?;
        let rest = rest.trim();
        let ops: [(&str, Op); 11] = [
            ("is unknown", Op::Unknown),
            ("is known", Op::Known),
            ("not in ", Op::NotIn),
            ("in ", Op::In),
            ("contains ", Op::Contains),
            ("!=", Op::Ne),
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("<", Op::Lt),
            (">", Op::Gt),
            ("=", Op::Eq),
        ];
        let (op, value) = ops
            .iter()
            .find_map(|(word, op)| rest.strip_prefix(word).map(|v| (*op, v.trim())))
            .ok_or_else(|| format!("\"{s}\": unknown operator"))?;
        let values: Vec<Literal> = match op {
            Op::Known | Op::Unknown => {
                if !value.is_empty() {
                    return Err(format!("\"{s}\": nothing may follow `{}`", rest));
                }
                Vec::new()
            }
            Op::In | Op::NotIn | Op::Contains => {
                let inner = value
                    .strip_prefix('[')
                    .and_then(|v| v.strip_suffix(']'))
                    .ok_or_else(|| format!("\"{s}\": write the values as a list [a, b]"))?;
                inner.split(',').map(str::trim).filter(|v| !v.is_empty()).map(literal).collect()
            }
            _ => vec![literal(value)],
        };
        if matches!(op, Op::In | Op::NotIn | Op::Contains | Op::Eq | Op::Ne) && values.is_empty() {
            return Err(format!("\"{s}\": no value"));
        }
        if matches!(op, Op::Lt | Op::Le | Op::Gt | Op::Ge) && values[0].number.is_none() {
            return Err(format!("\"{s}\": compare with a number"));
        }
        // A choice answer can only equal one of its options: catch typos.
        if fact >= self.first_answer && matches!(op, Op::Eq | Op::Ne | Op::In | Op::NotIn) {
            let q = &self.questions[fact - self.first_answer];
            let allowed: Vec<&str> = match q.kind {
                QuestionKind::YesNo => vec!["yes", "no"],
                QuestionKind::Choice => q.options.iter().map(String::as_str).collect(),
                _ => Vec::new(),
            };
            if let Some(bad) = values.iter().find(|v| !allowed.is_empty() && !allowed.contains(&v.text.as_str())) {
                return Err(format!("\"{s}\": \"{}\" is not an answer to {} ({})", bad.text, q.id, allowed.join(", ")));
            }
        }
        Ok(Condition { fact, op, values, source: s.to_string() })
    }

    fn sentence(&self, text: &str) -> Result<Vec<Piece>, String> {
        let mut out = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find('{') {
            let end = rest[start..].find('}').ok_or_else(|| format!("unclosed {{ in \"{text}\""))? + start;
            let name = &rest[start + 1..end];
            let fact = self.fact_index(name).ok_or_else(|| format!("placeholder {{{name}}} is not a fact"))?;
            if start > 0 {
                out.push(Piece::Text(rest[..start].to_string()));
            }
            out.push(Piece::Fact(fact));
            rest = &rest[end + 1..];
        }
        if !rest.is_empty() {
            out.push(Piece::Text(rest.to_string()));
        }
        Ok(out)
    }
}

fn check_patterns(section: &str, family: &str, patterns: &[String]) -> Result<(), String> {
    if patterns.is_empty() {
        return Err(format!("{section} \"{family}\" has no `match` pieces"));
    }
    if let Some(p) = patterns.iter().find(|p| p.to_lowercase() != **p) {
        return Err(format!("{section} \"{family}\": match piece \"{p}\" must be lower-case"));
    }
    Ok(())
}

fn literal(raw: &str) -> Literal {
    let text = raw.trim().trim_matches('"').to_lowercase();
    let flag = match text.as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    };
    Literal { number: text.parse::<f64>().ok(), flag, text }
}

fn parse_strategy(code: &str) -> Result<Strategy, String> {
    Strategy::ALL
        .into_iter()
        .find(|s| s.code() == code)
        .ok_or_else(|| format!("\"{code}\" is not a strategy (rehost, replatform, refactor, retire, retain, repurchase)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scoring::rules::{RULES_SOURCE, Severity, rulebook};

    #[test]
    fn rules_file_is_valid() {
        let book = RuleBook::parse(RULES_SOURCE).unwrap();
        assert!(book.rules.iter().any(|r| matches!(r.kind, Kind::Gate { force: Some(Strategy::Retire), .. })));
        assert!(book.rules.iter().any(|r| matches!(r.kind, Kind::Risk(Severity::High))));
        for q in ["still_used", "saas_alternative", "source_available", "must_stay_on_prem", "needs_new_features", "deadline_months"] {
            assert!(book.question(q).is_some(), "the importer's question {q} is in the rule book");
        }
    }

    #[test]
    fn mistakes_in_the_rules_file_are_named() {
        let base = "suggested_evidence = 0.5\n[[question]]\nid = \"still_used\"\nkind = \"yes_no\"\nen = \"a\"\nko = \"b\"\n";
        let bad_fact = format!("{base}[[rule]]\nid = \"x\"\nwhen = [\"colour = red\"]\nen = \"e\"\nko = \"k\"\n");
        assert!(RuleBook::parse(&bad_fact).unwrap_err().contains("\"colour\" is not a fact"));
        let bad_answer = format!("{base}[[rule]]\nid = \"x\"\nwhen = [\"answer.still_used = maybe\"]\nen = \"e\"\nko = \"k\"\n");
        assert!(RuleBook::parse(&bad_answer).unwrap_err().contains("not an answer"));
        let bad_strategy =
            format!("{base}[[rule]]\nid = \"x\"\nwhen = [\"os is known\"]\npoints = {{ lift = 1 }}\nen = \"e\"\nko = \"k\"\n");
        assert!(RuleBook::parse(&bad_strategy).unwrap_err().contains("\"lift\" is not a strategy"));
        let bad_placeholder = format!("{base}[[rule]]\nid = \"x\"\nwhen = [\"os is known\"]\nen = \"{{colour}}\"\nko = \"k\"\n");
        assert!(RuleBook::parse(&bad_placeholder).unwrap_err().contains("placeholder"));
        let gate_without_effect = format!("{base}[[gate]]\nid = \"g\"\nwhen = [\"os is known\"]\nen = \"e\"\nko = \"k\"\n");
        assert!(RuleBook::parse(&gate_without_effect).unwrap_err().contains("force"));
        let bad_number = format!("{base}[[rule]]\nid = \"x\"\nwhen = [\"cpu_cores > many\"]\nen = \"e\"\nko = \"k\"\n");
        assert!(RuleBook::parse(&bad_number).unwrap_err().contains("number"));
    }

    #[test]
    fn conditions_parse_every_operator() {
        let book = rulebook();
        for (src, op, n) in [
            ("db_engine in [mysql, postgresql]", Op::In, 2),
            ("role not in [db]", Op::NotIn, 1),
            ("notes contains [tape]", Op::Contains, 1),
            ("cpu_util_peak_pct >= 90", Op::Ge, 1),
            ("os is unknown", Op::Unknown, 0),
            ("answer.still_used = no", Op::Eq, 1),
            ("os_eos != true", Op::Ne, 1),
        ] {
            let c = book.condition(src).unwrap();
            assert_eq!((c.op, c.values.len()), (op, n), "{src}");
        }
    }
}
