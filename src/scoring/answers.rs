//! The questionnaire's answers: an application's hold for its workloads
//! unless a workload has its own.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::rulebook;

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
