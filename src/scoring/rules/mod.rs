//! The rule book: `rules/scoring.toml` parsed, checked and compiled once.
//! Conditions are compiled to fact indices so that scoring a workload does
//! no string lookups.
//!
//! This file has the compiled book (facts, conditions, rules) and the
//! shipped one; `file` the shape of the TOML (questions, the product
//! lists, the messages, the raw rules); `compile` the parsing and checks
//! that turn one into the other, naming the rule and what is wrong.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::strategy::Strategy;

mod compile;
mod file;

pub use file::{DatabaseEntry, Goal, Messages, OsEntry, PlatformEntry, Question, QuestionKind, Severity};

/// The rules shipped with sixr (documentation and data in one file).
pub const RULES_SOURCE: &str = include_str!("../../../rules/scoring.toml");

/// Workload fields a rule can read, in the order `facts::gather` fills them.
pub const WORKLOAD_FACTS: &[&str] = &[
    "role",
    "environment",
    "os",
    "os_version",
    "db_engine",
    "db_version",
    "middleware",
    "runtime",
    "license",
    "criticality",
    "data_classification",
    "notes",
    "cpu_util_peak_pct",
    "ram_util_peak_pct",
    "cpu_cores",
    "ram_gb",
    "storage_gb",
    "users",
    "annual_cost",
    "powered_off",
];

/// Facts derived from the inventory with the tables of the rule book, in
/// the order `facts::gather` fills them (after the workload fields).
pub const DERIVED_FACTS: &[&str] = &[
    "os_family",
    "os_on_ec2",
    "os_eos",
    "db_family",
    "db_managed",
    "db_managed_service",
    "db_eos",
    "stack",
    "platform_family",
    "platform_managed",
    "platform_managed_service",
    "db_alone_in_application",
    "os_label",
    "os_eos_date",
    "os_eos_soon",
    "db_label",
    "db_eos_date",
    "db_eos_soon",
    "product",
    "product_kind",
    "product_target",
    "product_licence",
    "app.business_unit",
    "app.complexity",
    "app.technical_debt",
    "app.current_state",
    "app.compliance",
];

/// The workload fields each derived fact is read from: a derived fact is
/// as sure as they are (a suggested role makes `db_alone_in_application` a
/// suggestion too).
pub const DERIVED_FROM: &[(&str, &[&str])] = &[
    ("os_family", &["os"]),
    ("os_on_ec2", &["os"]),
    ("os_eos", &["os", "os_version"]),
    ("db_family", &["db_engine"]),
    ("db_managed", &["db_engine"]),
    ("db_managed_service", &["db_engine"]),
    ("db_eos", &["db_engine", "db_version"]),
    ("stack", &["middleware", "runtime"]),
    ("platform_family", &["middleware", "runtime", "role", "os"]),
    ("platform_managed", &["middleware", "runtime", "role", "os"]),
    ("platform_managed_service", &["middleware", "runtime", "role", "os"]),
    ("db_alone_in_application", &["role"]),
    ("os_label", &["os", "os_version"]),
    ("os_eos_date", &["os", "os_version"]),
    ("os_eos_soon", &["os", "os_version"]),
    ("db_label", &["db_engine", "db_version"]),
    ("db_eos_date", &["db_engine", "db_version"]),
    ("db_eos_soon", &["db_engine", "db_version"]),
    ("product", &["middleware", "runtime", "db_engine", "role"]),
    ("product_kind", &["middleware", "runtime", "db_engine", "role"]),
    ("product_target", &["middleware", "runtime", "db_engine", "role"]),
    ("product_licence", &["middleware", "runtime", "db_engine", "role"]),
    // Attributes of the application, not of the workload's own fields.
    ("app.business_unit", &[]),
    ("app.complexity", &[]),
    ("app.technical_debt", &[]),
    ("app.current_state", &[]),
    ("app.compliance", &[]),
];

/// Preference-profile facts (after the derived ones). Never evidence.
pub const PROFILE_FACTS: &[&str] = &["profile.app_hosting", "profile.db_hosting"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Contains,
    Known,
    Unknown,
}

/// One literal of a condition, pre-lowered and pre-parsed.
#[derive(Debug, Clone)]
pub struct Literal {
    pub text: String,
    pub number: Option<f64>,
    pub flag: Option<bool>,
}

#[derive(Debug, Clone)]
pub struct Condition {
    pub fact: usize,
    pub op: Op,
    pub values: Vec<Literal>,
    /// As written, for error messages and documentation.
    pub source: String,
}

/// A sentence with `{fact}` placeholders, split once.
#[derive(Debug, Clone)]
pub enum Piece {
    Text(String),
    Fact(usize),
}

#[derive(Debug, Clone)]
pub enum Kind {
    Gate { force: Option<Strategy>, block: Vec<Strategy> },
    Score,
    Risk(Severity),
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub kind: Kind,
    pub scope: Vec<Condition>,
    pub when: Vec<Condition>,
    /// Points per strategy in `Strategy::ALL` order.
    pub points: [f64; 6],
    pub goal: Option<Goal>,
    /// Bit i set: fact i is evidence this rule needs.
    pub evidence: u128,
    /// Bit i set: the rule reads fact i (its conditions and sentences).
    pub reads: u128,
    pub en: Vec<Piece>,
    pub ko: Vec<Piece>,
    /// The facts its sentences name (either language), in fact order: what
    /// a reason keeps to be put into words later.
    pub named: Vec<usize>,
}

/// Which list of the rules file a rule comes from; ids are unique within one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    Gate,
    Rule,
    Risk,
}

impl Section {
    fn parse(name: &str) -> Section {
        match name {
            "gate" => Section::Gate,
            "risk" => Section::Risk,
            _ => Section::Rule,
        }
    }
}

/// The compiled rule book.
#[derive(Debug)]
pub struct RuleBook {
    pub questions: Vec<Question>,
    /// Gates, then scoring rules, then risks (file order within each).
    pub rules: Vec<Rule>,
    pub os: Vec<OsEntry>,
    pub databases: Vec<DatabaseEntry>,
    pub platforms: Vec<PlatformEntry>,
    pub messages: Messages,
    /// Every fact name by index.
    pub facts: Vec<String>,
    index: HashMap<String, usize>,
    /// Position in `rules` by section and id.
    by_id: HashMap<(Section, String), usize>,
    /// Index of the first answer fact; answers follow in question order.
    pub first_answer: usize,
    /// Per fact, the workload fields (as fact bits) it is read from.
    pub sources: Vec<u128>,
    /// How much a suggested fact counts in the confidence (a confirmed one: 1).
    pub suggested_evidence: f64,
}

impl RuleBook {
    pub fn fact_index(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// The rule of `section` called `id`, if the rule book has it.
    pub fn rule(&self, section: Section, id: &str) -> Option<&Rule> {
        self.by_id.get(&(section, id.to_string())).map(|i| &self.rules[*i])
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    pub fn first_profile(&self) -> usize {
        WORKLOAD_FACTS.len() + DERIVED_FACTS.len()
    }
}

/// Position of a strategy in `Strategy::ALL` (and in score arrays).
pub fn slot(s: Strategy) -> usize {
    match s {
        Strategy::Rehost => 0,
        Strategy::Replatform => 1,
        Strategy::Refactor => 2,
        Strategy::Retire => 3,
        Strategy::Retain => 4,
        Strategy::Repurchase => 5,
    }
}

/// The shipped rule book, parsed on first use. `rules_file_is_valid` keeps
/// the shipped file loadable, and the web app loads it at start.
pub fn rulebook() -> &'static RuleBook {
    static BOOK: OnceLock<RuleBook> = OnceLock::new();
    BOOK.get_or_init(|| RuleBook::parse(RULES_SOURCE).unwrap_or_else(|e| panic!("rules/scoring.toml: {e}")))
}
