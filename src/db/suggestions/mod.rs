//! Discovery suggestions in storage: what source files said beyond sixr's
//! fields (`workload_discovery`), the suggestions `enrich` makes of it with
//! their evidence (`suggestions`), and the values consultants typed
//! (`edited_fields`). migrations/09-enrichment says how a field's source
//! (imported, suggested, confirmed, edited) is read from these.
//!
//! Read in this order: this file (the types and the stored statuses),
//! `fields` (a field's source and the suggestions in effect), `discovery`
//! (what the files said, and what a re-import keeps), `recompute` (making
//! the suggestions again and writing the difference), `decide` (accept and
//! reject), `waiting` (the counts the pages show).

use serde::Serialize;

use crate::enrich::{Evidence, Field};
use crate::inventory::Workload;

mod decide;
mod discovery;
mod fields;
mod recompute;
mod waiting;

pub use decide::{Decided, Decision, Selection, decide_bulk, decide_one};
pub use discovery::{discovered, keep_curated, store_discovered};
pub use fields::{InEffect, edited, in_effect, in_effect_for, scoring_facts, scoring_facts_by_workload, states, states_of, unconfirmed};
pub use recompute::{Refreshed, recompute, refresh};
/// The counts from scratch, which `db::derived::tests` compares with those kept.
#[cfg(test)]
pub(crate) use waiting::counted;
pub(crate) use waiting::waiting_in;
pub use waiting::{Waiting, waiting};

/// Where a field's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    Imported,
    /// A pending suggestion fills the field.
    Suggested,
    /// The consultant accepted the suggestion in the field.
    Confirmed,
    /// The consultant typed the value.
    Edited,
    /// Several suggestions disagree; the field waits for the consultant's pick.
    Conflict,
}

impl Provenance {
    pub fn code(self) -> &'static str {
        match self {
            Provenance::Imported => "imported",
            Provenance::Suggested => "suggested",
            Provenance::Confirmed => "confirmed",
            Provenance::Edited => "edited",
            Provenance::Conflict => "conflict",
        }
    }
}

/// A suggested value with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub value: String,
    pub evidence: Vec<Evidence>,
}

/// A field of one workload whose value is not simply imported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldState {
    pub field: Field,
    pub source: Provenance,
    /// The suggestion in the field (suggested, confirmed) or the ones to
    /// pick from (conflict).
    pub candidates: Vec<Candidate>,
}

/// Suggestion statuses as stored.
const PENDING: &str = "pending";
const ACCEPTED: &str = "accepted";
const REJECTED: &str = "rejected";

/// A stored suggestion.
#[derive(Debug, Clone)]
struct Stored {
    value: String,
    status: String,
    evidence: String,
}

fn parse_evidence(raw: &str) -> Vec<Evidence> {
    serde_json::from_str(raw).unwrap_or_default()
}

fn evidence_json(evidence: &[Evidence]) -> String {
    serde_json::to_string(evidence).unwrap_or_else(|_| "[]".into())
}

/// The value of a suggestible field as the workload holds it.
fn current(w: &Workload, field: Field) -> &str {
    match field {
        Field::Role => &w.role,
        Field::Application => &w.application,
        Field::DbEngine => &w.db_engine,
        Field::OsVersion => &w.os_version,
    }
}
