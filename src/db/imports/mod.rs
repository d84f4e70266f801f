//! Writing an imported inventory (one transaction, all or nothing), reading
//! an engagement back out as a backup, saved column mappings and uploads
//! waiting between preview and commit.
//!
//! This file has what an import is (its target, its outcome) and the
//! preview; `commit` writes a file, `backup` reads an engagement out as
//! one document and restores its extra tables, `saved` keeps what waits
//! between imports (column mappings, uploads, the list of imports).

use std::collections::HashSet;

use rusqlite::Connection;

use crate::db::suggestions;
use crate::error::{AppError, quoted};
use crate::import::identity::{self, Known, Plan};
use crate::import::{Parsed, Problem};

mod backup;
mod commit;
mod saved;

pub use backup::{answers, backup, strategy_codes};
pub use commit::commit;
pub use saved::{
    ImportRecord, SavedMapping, WAITING_UPLOADS_PER_USER, drop_upload, load_upload, recent, save_mapping, saved_mapping, store_upload,
};

/// Which engagement an import goes into.
#[derive(Debug, Clone)]
pub enum Target {
    Id(i64),
    /// By name, created when missing (the CLI and the sample loader).
    Name(String),
}

/// What an import did (or, for a preview, would do). Rows read =
/// templates skipped + created + updated + refused.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub engagement_id: i64,
    pub import_id: i64,
    pub rows_read: usize,
    pub templates_skipped: usize,
    pub created: usize,
    pub updated: usize,
    /// Matched rows that bring nothing new (counted within `updated` by the
    /// preview, apart once committed): an identical re-import changes nothing.
    pub unchanged: usize,
    pub dependencies: usize,
    pub answers: usize,
    /// Rows left out because they had errors (only with "valid rows only").
    pub rows_refused: usize,
    /// The suggestions waiting after the import (`db::suggestions::refresh`).
    pub suggestions: suggestions::Refreshed,
    /// The file's warnings plus those found against the database
    /// (dependencies naming no known workload, names already taken).
    pub warnings: Vec<Problem>,
}

impl Outcome {
    /// "212 rows read: 15 templates skipped, 197 created, 0 updated, 0 refused"
    /// (and "197 unchanged" when a re-import matched rows it left as they were).
    pub fn rows_line(&self) -> String {
        let unchanged = if self.unchanged > 0 { format!(", {} unchanged", self.unchanged) } else { String::new() };
        format!(
            "{} rows read: {} templates skipped, {} created, {} updated{unchanged}, {} refused",
            self.rows_read, self.templates_skipped, self.created, self.updated, self.rows_refused
        )
    }
}

/// The engagement's workloads as re-import matching sees them.
fn known(conn: &Connection, engagement_id: i64) -> Result<Vec<Known>, AppError> {
    let mut stmt = conn.prepare_cached("SELECT id, name, hostname, source_id FROM workloads WHERE engagement_id = ?1")?;
    let rows =
        stmt.query_map([engagement_id], |r| Ok(Known { id: r.get(0)?, name: r.get(1)?, hostname: r.get(2)?, source_id: r.get(3)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Warnings for dependencies whose ends are neither in the file nor in the engagement.
fn dependency_warnings(parsed: &Parsed, known: &dyn Fn(&str) -> bool) -> Vec<Problem> {
    let mut out = Vec::new();
    for d in &parsed.dependencies {
        for end in [&d.from, &d.to] {
            if !known(end) {
                out.push(Problem {
                    sheet: None,
                    line: None,
                    column: Some("dependencies".into()),
                    message: format!(
                        "{} depends on {}, but no workload is called {}; that dependency is left out",
                        quoted(&d.from),
                        quoted(&d.to),
                        quoted(end)
                    ),
                });
                break;
            }
        }
    }
    out
}

/// Counts what committing would create and update, without writing.
pub fn preview(conn: &Connection, engagement_id: i64, parsed: &Parsed) -> Result<Outcome, AppError> {
    Ok(preview_with_plan(conn, engagement_id, parsed)?.0)
}

fn preview_with_plan(conn: &Connection, engagement_id: i64, parsed: &Parsed) -> Result<(Outcome, Plan, Vec<Known>), AppError> {
    let existing = known(conn, engagement_id)?;
    let plan = identity::plan(&existing, &parsed.workloads);
    let names: HashSet<&str> = parsed
        .workloads
        .iter()
        .map(|w| w.name.as_str())
        .chain(existing.iter().flat_map(|k| [k.name.as_str(), k.hostname.as_str()]))
        .collect();
    let mut warnings = parsed.warnings.clone();
    warnings.extend(plan.warnings.iter().cloned());
    warnings.extend(dependency_warnings(parsed, &|n| names.contains(n)));
    let outcome = Outcome {
        engagement_id,
        rows_read: parsed.rows_read,
        templates_skipped: parsed.templates_skipped,
        created: plan.created(),
        updated: plan.updated(),
        dependencies: parsed.dependencies.len(),
        answers: parsed.answers.len(),
        rows_refused: parsed.rows_refused(),
        warnings,
        ..Outcome::default()
    };
    Ok((outcome, plan, existing))
}

/// The sentence an import refused for errors answers with.
pub fn errors_message(errors: &[Problem]) -> String {
    const SHOWN: usize = 50;
    let mut lines: Vec<String> = errors.iter().take(SHOWN).map(|p| p.to_string()).collect();
    if errors.len() > SHOWN {
        lines.push(format!("... and {} more", errors.len() - SHOWN));
    }
    lines.push(format!("{} problem(s) found; nothing was imported", errors.len()));
    lines.join("\n")
}
