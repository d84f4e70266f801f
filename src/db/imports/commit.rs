//! Writing an imported inventory: one transaction, all or nothing, in the
//! order `commit` reads (applications, workloads, dependencies, answers, a
//! backup's extra tables, suggestions, the record, the derivations).

use std::collections::HashMap;

use rusqlite::{Connection, params};
use serde_json::json;

use super::backup::restore_rows;
use super::{Outcome, Target, errors_message, preview_with_plan};
use crate::db::{applications, audit, dependencies, engagements, suggestions, workloads};
use crate::error::AppError;
use crate::import::Parsed;
use crate::import::backup::BackupExtras;
use crate::import::identity::{Fate, Known, Plan};
use crate::inventory::{Dependency, Workload};

/// Whether writing `incoming` over `before` would change nothing a user sees
/// (its id, version and raw source attributes are the database's own; an
/// empty source id keeps the stored one, as `update_row` does).
fn same_row(before: &Workload, incoming: &Workload) -> bool {
    let mut w = incoming.clone();
    w.id = before.id;
    w.version = before.version;
    w.discovered = before.discovered.clone();
    if w.source_id.is_empty() {
        w.source_id.clone_from(&before.source_id);
    }
    w == *before
}

/// Writes the parsed file in one transaction: workloads are created or
/// updated (matched as `import::identity` says: source id, name, a
/// telling and unique hostname; two rows never merge), applications, dependencies and
/// answers follow, one `imports` row and one audit entry record it. With
/// errors in the file nothing is written unless `valid_only` is set.
pub fn commit(
    conn: &mut Connection,
    target: Target,
    parsed: &Parsed,
    file_name: &str,
    actor: &str,
    valid_only: bool,
) -> Result<Outcome, AppError> {
    if !parsed.errors.is_empty() && !valid_only {
        return Err(AppError::Invalid(errors_message(&parsed.errors)));
    }
    // 100,000 rows and their dozen indexes outgrow SQLite's default page
    // cache (2 MB), which then writes pages into the log before the commit
    // and reads them back; the connection gets its own cache size back after.
    let cache_size: i64 = conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", -IMPORT_CACHE_KIB)?;
    let outcome = write(conn, target, parsed, file_name, actor);
    conn.pragma_update(None, "cache_size", cache_size)?;
    let outcome = outcome?;
    // A large import changes the row counts the query planner relies on
    // (e.g. filtering by application).
    crate::db::refresh_statistics(conn)?;
    Ok(outcome)
}

/// The page cache of an import, in KiB (SQLite takes it as it fills).
const IMPORT_CACHE_KIB: i64 = 64 * 1024;

/// `commit`'s transaction.
fn write(conn: &mut Connection, target: Target, parsed: &Parsed, file_name: &str, actor: &str) -> Result<Outcome, AppError> {
    let tx = conn.transaction()?;
    let engagement = match &target {
        Target::Id(id) => engagements::get(&tx, *id)?,
        Target::Name(name) => engagements::find_or_create(&tx, name, actor)?,
    };
    let eid = engagement.id;
    let (mut outcome, plan, existing) = preview_with_plan(&tx, eid, parsed)?;
    outcome.engagement_id = eid;
    if let Some(extras) = &parsed.backup {
        restore_settings(&tx, eid, extras)?;
    }

    let mut apps = land_applications(&tx, eid, parsed)?;
    // Rows from this id on are new: their text is indexed after them.
    let first_new: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM workloads", [], |r| r.get(0))?;
    let landed = land_workloads(&tx, eid, parsed, &plan, &existing, &mut apps)?;
    for (app, attributes) in &parsed.app_attributes {
        if let Some(id) = application_id(&tx, eid, &mut apps, app)? {
            crate::db::applications::set_attributes(&tx, id, attributes)?;
        }
    }

    let lookup = |name: &str| landed.lookup(name);
    let dependencies = land_dependencies(&tx, eid, parsed, &lookup)?;
    let answers = land_answers(&tx, eid, parsed, &lookup, &apps)?;

    // A backup's assessments are derived data: scored anew below.
    if let Some(extras) = &parsed.backup {
        restore_rows(&tx, eid, "decisions", &extras.decisions, &lookup)?;
        restore_rows(&tx, eid, "workload_discovery", &extras.discovery, &lookup)?;
        restore_rows(&tx, eid, "suggestions", &extras.suggestions, &lookup)?;
        restore_rows(&tx, eid, "edited_fields", &extras.edited_fields, &lookup)?;
    }
    // Suggestions from everything the engagement's files said, this one's
    // included, in the import's transaction.
    let refreshed = suggestions::refresh(&tx, eid)?;

    let Landed { created, updated, unchanged, .. } = landed;
    let outcome = Outcome { created, updated, unchanged, dependencies, answers, suggestions: refreshed, ..outcome };
    let import_id = record(&tx, parsed, file_name, actor, &outcome)?;
    // Scored, summed and indexed with the rows when the engagement is small,
    // else in the background right after (db::derived).
    match crate::db::derived::rederive(&tx, eid)? {
        Some(_) => {
            crate::db::search::index_from(&tx, eid, first_new, i64::MAX)?;
        }
        None => crate::db::derived::index_later(&tx, eid, first_new)?,
    }
    tx.commit()?;
    Ok(Outcome { import_id, ..outcome })
}

/// The file's applications (with their notes, where the stored ones have
/// none), and the engagement's application ids by name.
fn land_applications(tx: &Connection, eid: i64, parsed: &Parsed) -> Result<HashMap<String, i64>, AppError> {
    // Application ids by name, loaded once instead of looked up per row.
    let mut apps: HashMap<String, i64> = applications::applications(tx, eid)?.into_iter().map(|a| (a.name, a.id)).collect();
    for a in &parsed.applications {
        let id = application_id(tx, eid, &mut apps, &a.name)?;
        if let (Some(id), false) = (id, a.notes.is_empty()) {
            tx.prepare_cached("UPDATE applications SET notes = ?2 WHERE id = ?1 AND notes = ''")?.execute(params![id, a.notes])?;
        }
    }
    Ok(apps)
}

/// The workloads as they landed: their ids by name and by hostname, and
/// how many were created, updated or left as they were. The names are the
/// plan's and the file's, borrowed: 100,000 copies took 0.1 s.
struct Landed<'a> {
    by_name: HashMap<&'a str, i64>,
    by_host: HashMap<&'a str, i64>,
    created: usize,
    updated: usize,
    unchanged: usize,
}

impl Landed<'_> {
    /// A workload by the name or hostname a dependency or an answer gives.
    fn lookup(&self, name: &str) -> Option<i64> {
        self.by_name.get(name).or_else(|| self.by_host.get(name)).copied()
    }
}

/// Creates or updates the file's workloads as the plan says.
fn land_workloads<'a>(
    tx: &Connection,
    eid: i64,
    parsed: &'a Parsed,
    plan: &'a Plan,
    existing: &'a [Known],
    apps: &mut HashMap<String, i64>,
) -> Result<Landed<'a>, AppError> {
    // Workload ids by name (and hostname, which files also use to name a
    // dependency's end), as the file's rows land.
    let mut by_name: HashMap<&str, i64> = existing.iter().map(|k| (k.name.as_str(), k.id)).collect();
    let mut by_host: HashMap<&str, i64> = HashMap::new();
    for k in existing.iter().filter(|k| !k.hostname.is_empty()) {
        by_host.entry(k.hostname.as_str()).or_insert(k.id);
    }
    let mut new_rows = workloads::NewRows::new(tx, eid)?;
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    for ((row, fate), name) in parsed.workloads.iter().zip(&plan.fates).zip(&plan.names) {
        let renamed;
        let w = if *name == row.name {
            row
        } else {
            renamed = Workload { name: name.clone(), ..row.clone() };
            &renamed
        };
        let id = match fate {
            Fate::Update(id) => {
                // What the consultant typed or a suggestion gave survives a
                // file that leaves it empty.
                let before = workloads::get(tx, eid, *id)?;
                let mut kept = w.clone();
                suggestions::keep_curated(tx, &before, &mut kept)?;
                let app = application_id(tx, eid, apps, &kept.application)?;
                if same_row(&before, &kept) {
                    unchanged += 1;
                } else {
                    workloads::update_row(tx, eid, *id, app, &kept)?;
                    crate::db::search::index(tx, *id)?;
                    updated += 1;
                }
                *id
            }
            Fate::Create => {
                let app = application_id(tx, eid, apps, &w.application)?;
                created += 1;
                new_rows.insert(app, w)?
            }
        };
        suggestions::store_discovered(tx, eid, id, &w.discovered)?;
        by_name.insert(name.as_str(), id);
        if !row.hostname.is_empty() {
            by_host.entry(row.hostname.as_str()).or_insert(id);
        }
    }
    Ok(Landed { by_name, by_host, created, updated, unchanged })
}

/// The dependencies whose two ends are known and differ; how many.
fn land_dependencies(tx: &Connection, eid: i64, parsed: &Parsed, lookup: &dyn Fn(&str) -> Option<i64>) -> Result<usize, AppError> {
    let edges: Vec<(i64, i64, &Dependency)> = parsed
        .dependencies
        .iter()
        .filter_map(|d| match (lookup(&d.from), lookup(&d.to)) {
            (Some(from), Some(to)) if from != to => Some((from, to, d)),
            _ => None,
        })
        .collect();
    dependencies::insert_rows(tx, eid, &edges)?;
    Ok(edges.len())
}

/// The answers whose subject is known, replacing earlier ones; how many.
fn land_answers(
    tx: &Connection,
    eid: i64,
    parsed: &Parsed,
    lookup: &dyn Fn(&str) -> Option<i64>,
    apps: &HashMap<String, i64>,
) -> Result<usize, AppError> {
    let mut answers = 0;
    let mut upsert_answer = tx.prepare_cached(
        "INSERT INTO answers (engagement_id, subject_kind, subject_id, question, value) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (subject_kind, subject_id, question) DO UPDATE SET value = excluded.value,
            updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
    )?;
    for a in &parsed.answers {
        let subject = match a.subject_kind.as_str() {
            "workload" => lookup(&a.subject),
            "application" => apps.get(&a.subject).copied(),
            _ => None,
        };
        if let Some(subject_id) = subject {
            upsert_answer.execute(params![eid, a.subject_kind, subject_id, a.question, a.value])?;
            answers += 1;
        }
    }
    Ok(answers)
}

/// The `imports` row and the audit entry that record the import; its id.
fn record(tx: &Connection, parsed: &Parsed, file_name: &str, actor: &str, outcome: &Outcome) -> Result<i64, AppError> {
    let eid = outcome.engagement_id;
    let format = parsed.format().code();
    tx.execute(
        "INSERT INTO imports (engagement_id, file_name, format, created, updated, warnings, actor, rows_read, templates_skipped, refused)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            eid,
            file_name,
            format,
            outcome.created as i64,
            outcome.updated as i64,
            outcome.warnings.len() as i64,
            actor,
            parsed.rows_read as i64,
            parsed.templates_skipped as i64,
            parsed.rows_refused() as i64
        ],
    )?;
    let import_id = tx.last_insert_rowid();
    let summary = json!({
        "file": file_name, "format": format, "rows_read": parsed.rows_read, "templates_skipped": parsed.templates_skipped,
        "created": outcome.created, "updated": outcome.updated, "unchanged": outcome.unchanged, "rows_refused": parsed.rows_refused(),
        "dependencies": outcome.dependencies, "answers": outcome.answers, "warnings": outcome.warnings.len(),
        "suggestions": outcome.suggestions.pending, "conflicts": outcome.suggestions.conflicts,
    });
    audit(tx, Some(eid), actor, "import", Some(import_id), "import", None, Some(&summary))?;
    Ok(import_id)
}

/// The id of the application called `name` (created when missing), cached.
fn application_id(conn: &Connection, eid: i64, cache: &mut HashMap<String, i64>, name: &str) -> Result<Option<i64>, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Ok(None);
    }
    if let Some(id) = cache.get(name) {
        return Ok(Some(*id));
    }
    let id = applications::ensure_application(conn, eid, name)?;
    if let Some(id) = id {
        cache.insert(name.to_string(), id);
    }
    Ok(id)
}

/// A backup brings the engagement's settings along (its name stays the target's).
fn restore_settings(conn: &Connection, eid: i64, extras: &BackupExtras) -> Result<(), AppError> {
    let e = &extras.engagement;
    let mut candidate = engagements::get(conn, eid)?;
    candidate.customer = e.customer.clone();
    candidate.consultant = e.consultant.clone();
    candidate.region = e.region.clone();
    candidate.currency = e.currency.clone();
    candidate.language = e.language.clone();
    candidate.notes = e.notes.clone();
    candidate.validate().map_err(|m| AppError::Invalid(format!("the backup's engagement settings: {m}")))?;
    let preferences = if extras.preferences.is_object() { extras.preferences.to_string() } else { "{}".to_string() };
    conn.execute(
        "UPDATE engagements SET customer = ?2, consultant = ?3, region = ?4, currency = ?5, language = ?6, notes = ?7,
            preferences = ?8, version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
         WHERE id = ?1",
        params![
            eid,
            candidate.customer,
            candidate.consultant,
            candidate.region,
            candidate.currency,
            candidate.language,
            candidate.notes,
            preferences
        ],
    )?;
    Ok(())
}
