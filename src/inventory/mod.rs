//! The inventory: engagements, applications, workloads and dependencies.
//! Pure data and validation; storage is in `db`, HTTP in `web`.
//!
//! This file has `Invalid`, the refusal every check returns; `engagement`,
//! `application` and `workload` the types (with the dependency between two
//! workloads); `fields` the workload's editable fields as one list, and
//! setting and reading them as text (the template, the importer, inline
//! editing and the CSV export all go through it).

use crate::error::quoted;

mod application;
mod engagement;
mod fields;
mod workload;

pub use application::{APP_FIELDS, AppAttributes, Application};
pub use engagement::{CURRENCIES, Engagement, LANGUAGES, REGIONS};
pub use fields::{Field, FieldKind, WORKLOAD_FIELDS, field, normalise_environment, parse_number};
pub use workload::{Dependency, Discovered, ROLES, Workload};

/// Why a value is refused: a message of the catalogues (`validation.<key>`)
/// with its values, so the page says it in the reader's language. Displays
/// in English (import reports, the command line, logs).
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Invalid {
    /// The offending `value` is quoted and cut to 100 characters: a 4 MB
    /// cell must not come back whole in its error.
    fn new(key: &'static str, args: &[(&'static str, &str)]) -> Invalid {
        Invalid { key, args: args.iter().map(|(k, v)| (*k, if *k == "value" { quoted(v) } else { v.to_string() })).collect() }
    }

    pub fn text(&self, t: &crate::i18n::Tr) -> String {
        let args: Vec<(&str, &dyn std::fmt::Display)> = self.args.iter().map(|(k, v)| (*k, v as &dyn std::fmt::Display)).collect();
        t.fmt(&format!("validation.{}", self.key), &args)
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(&crate::i18n::Tr::new(crate::i18n::Lang::En)))
    }
}

impl From<Invalid> for String {
    fn from(e: Invalid) -> String {
        e.to_string()
    }
}
