//! Reasons and risks put into words when they are read, in the reader's
//! language: a rule's sentence from the rule book with the fact values the
//! reason kept, and the sentences of the reasons the scoring itself gives
//! (a tie, the application's decision, a workload differing from it).

use crate::i18n::{Lang, particle};
use crate::strategy::Strategy;

use super::rules::{Piece, RuleBook, Section};
use super::{Named, SuggestedFact, Value, rulebook};

/// A sentence followed by the suggestions it rests on, in `lang`.
pub(super) fn with_suggestions(mut text: String, suggested: &[SuggestedFact], lang: Lang) -> String {
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
pub(super) fn sentence(section: Section, id: &str, named: &Named, lang: Lang) -> String {
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
            render(book, pieces, |i| Some(named.get(&book.facts[i]).unwrap_or(&Value::Unknown)), lang)
        }
        None => id.to_string(),
    }
}

/// Puts a sentence's pieces into words, `fact(i)` giving the value of fact i
/// or `None` for a value left out, which takes the space before it along
/// (the report's grouped sentences leave out what differs between rows).
pub(crate) fn render<'v>(book: &RuleBook, pieces: &[Piece], fact: impl Fn(usize) -> Option<&'v Value>, lang: Lang) -> String {
    let mut out = String::new();
    // Where the last fact's value begins in `out`: a Korean particle right
    // after it agrees with it (i18n::particle).
    let mut fact_at: Option<usize> = None;
    for p in pieces {
        match p {
            Piece::Text(t) => {
                let agreeing = fact_at.filter(|_| lang == Lang::Ko).and_then(|at| particle::agreeing(&out[at..], t));
                match agreeing {
                    Some((form, written)) => {
                        out.push_str(form);
                        out.push_str(&t[written..]);
                    }
                    None => out.push_str(t),
                }
                fact_at = None;
            }
            Piece::Fact(i) => match (fact(*i), i.checked_sub(book.first_answer).map(|q| &book.questions[q])) {
                (None, _) => {
                    if out.ends_with(' ') {
                        out.pop();
                    }
                    fact_at = None;
                }
                (Some(v), question) => {
                    fact_at = Some(out.len());
                    match (v, question) {
                        // A choice answer reads as its label ("low" → "낮음").
                        (Value::Text(_, low), Some(q)) => out.push_str(q.option_label(low, lang)),
                        (v, _) => out.push_str(&v.display(lang)),
                    }
                }
            },
        }
    }
    out
}

/// Reasons the scoring gives beyond single rules; their sentences are in
/// the rule book's `[messages]`.
pub(super) const TIE: &str = "tie";
pub(super) const APPLICATION_DECISION: &str = "application_decision";
pub(super) const DIFFERS: &str = "differs_from_application";

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
            particle::fill(pick(&m.tie_en, &m.tie_ko).as_str(), lang, |n| match n {
                "a" => Some(a),
                "b" => Some(b.as_str()),
                "points" => Some(points.as_str()),
                _ => None,
            })
        }
        APPLICATION_DECISION => particle::fill(pick(&m.application_en, &m.application_ko).as_str(), lang, |n| match n {
            "strategy" => Some(first("strategy")),
            "own" => Some(first("own")),
            _ => None,
        }),
        DIFFERS => {
            let section = if named.get("reason_gate") == Some(&Value::Bool(true)) { Section::Gate } else { Section::Rule };
            let why = match named.get("reason") {
                Some(Value::Text(rule, _)) => sentence(section, rule, named, lang),
                _ => String::new(),
            };
            particle::fill(pick(&m.differs_en, &m.differs_ko).as_str(), lang, |n| match n {
                "strategy" => Some(first("strategy")),
                "reason" => Some(why.as_str()),
                _ => None,
            })
        }
        _ => return None,
    })
}
