//! The shape of `rules/scoring.toml`: the questions, the goals and
//! severities, the OS, database and platform lists, the messages, and the
//! rules as written (compiled by `compile`).

use std::collections::HashMap;

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    YesNo,
    Choice,
    Number,
    Text,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Question {
    pub id: String,
    pub kind: QuestionKind,
    #[serde(default)]
    pub options: Vec<String>,
    /// How each option reads inside a sentence (same order as `options`).
    #[serde(default)]
    pub labels_en: Vec<String>,
    #[serde(default)]
    pub labels_ko: Vec<String>,
    /// False for notes that never count towards confidence.
    #[serde(default = "yes")]
    pub evidence: bool,
    pub en: String,
    pub ko: String,
}

fn yes() -> bool {
    true
}

impl Question {
    pub fn text(&self, lang: crate::i18n::Lang) -> &str {
        match lang {
            crate::i18n::Lang::En => &self.en,
            crate::i18n::Lang::Ko => &self.ko,
        }
    }

    /// How a choice answer reads in `lang` (the option itself without a label).
    pub fn option_label<'a>(&'a self, option: &'a str, lang: crate::i18n::Lang) -> &'a str {
        let labels = match lang {
            crate::i18n::Lang::En => &self.labels_en,
            crate::i18n::Lang::Ko => &self.labels_ko,
        };
        self.options.iter().position(|o| o == option).and_then(|i| labels.get(i)).map_or(option, String::as_str)
    }
}

/// A business goal of the preference profile that scales a rule's points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Goal {
    Speed,
    Managed,
    Modernise,
    Licence,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    High,
    Medium,
    Low,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::High, Severity::Medium, Severity::Low];
    pub fn code(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRule {
    pub(super) id: String,
    #[serde(default)]
    pub(super) scope: Vec<String>,
    pub(super) when: Vec<String>,
    #[serde(default)]
    pub(super) points: HashMap<String, f64>,
    #[serde(default)]
    pub(super) goal: Option<Goal>,
    #[serde(default)]
    pub(super) evidence: Vec<String>,
    #[serde(default)]
    pub(super) force: Option<String>,
    #[serde(default)]
    pub(super) block: Vec<String>,
    #[serde(default)]
    pub(super) severity: Option<Severity>,
    pub(super) en: String,
    pub(super) ko: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OsEntry {
    pub family: String,
    #[serde(rename = "match")]
    pub patterns: Vec<String>,
    pub ec2: bool,
}

/// Sentences and settings of the decisions the scoring makes beyond single
/// rules: ties, and one decision per application.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Messages {
    /// `{a}`, `{b}`: the tied strategies; `{points}`: their score.
    pub tie_en: String,
    pub tie_ko: String,
    /// What a tie multiplies the confidence by.
    pub tie_confidence: f64,
    /// `{strategy}`: the application's; `{own}`: the workload's own best.
    pub application_en: String,
    pub application_ko: String,
    /// `{strategy}`: the application's; `{reason}`: why this workload differs.
    pub differs_en: String,
    pub differs_ko: String,
    /// Rules whose points let a workload differ from its application (a
    /// database to a managed service while the servers are rehosted).
    pub may_differ: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseEntry {
    pub family: String,
    #[serde(rename = "match")]
    pub patterns: Vec<String>,
    /// The managed AWS service; empty when there is none.
    pub managed: String,
    /// The endoflife.date product id its end-of-support dates come from.
    #[serde(default)]
    pub eol: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformEntry {
    pub family: String,
    #[serde(rename = "match", default)]
    pub patterns: Vec<String>,
    #[serde(default)]
    pub role: Vec<String>,
    #[serde(default)]
    pub os: Vec<String>,
    pub managed: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBook {
    pub(super) suggested_evidence: f64,
    #[serde(default)]
    pub(super) question: Vec<Question>,
    #[serde(default)]
    pub(super) gate: Vec<RawRule>,
    #[serde(default)]
    pub(super) rule: Vec<RawRule>,
    #[serde(default)]
    pub(super) risk: Vec<RawRule>,
    #[serde(default)]
    pub(super) os: Vec<OsEntry>,
    #[serde(default)]
    pub(super) database: Vec<DatabaseEntry>,
    #[serde(default)]
    pub(super) platform: Vec<PlatformEntry>,
    #[serde(default)]
    pub(super) messages: Messages,
}
