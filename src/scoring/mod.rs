//! 6R scoring: questionnaire answers and inventory facts in, six scores with
//! reasons, gates, risks and a confidence out. Pure logic; the rules and
//! weights are data in `rules/scoring.toml`.
//!
//! Read in this order: this file (what an assessment is: scores, marks,
//! reasons, risks), `rules` (the rule book compiled from the TOML), `facts`
//! (a workload's facts as the rules read them), `answers` (the
//! questionnaire's answers per application and workload), `workload`
//! (scoring one workload, and a portfolio), `application` (one decision
//! per application, and an application's roll-up), `sentence` (reasons and
//! risks put into words when they are read). `profile` holds the
//! preferences that weigh the goals, `decision` the consultant's own.

mod answers;
mod application;
pub mod decision;
pub mod facts;
pub mod profile;
pub mod rules;
mod sentence;
mod workload;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::strategy::Strategy;
pub use answers::{AnswerBook, AnswerSet, SubjectKind, is_known_answer};
pub use application::{Rollup, decide_applications, roll_up};
pub use facts::{EndOfSupport, Value};
pub use profile::{Hosting, Profile};
use rules::Section;
pub use rules::{Severity, rulebook};
pub(crate) use sentence::render as render_sentence;
use sentence::{sentence, with_suggestions};
pub use workload::{Context, Item, score_portfolio, score_portfolio_with, score_workload};

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

    /// The reason that sums the recommendation up (a list's one line): the
    /// gate that decided it, else the first that scored its strategy.
    pub fn main_reason(&self) -> Option<&Reason> {
        self.reasons.iter().find(|r| r.gate.is_some() || r.points.contains_key(&self.recommended))
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

/// A score or confidence rounded to two decimals.
fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests;
