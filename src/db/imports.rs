//! Writing an imported inventory (one transaction, all or nothing), reading
//! an engagement back out as a backup, saved column mappings and uploads
//! waiting between preview and commit.

use std::collections::{HashMap, HashSet};

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

use crate::db::{applications, audit, dependencies, engagements, suggestions, workloads};
use crate::error::{AppError, quoted};
use crate::import::backup::{BACKUP_KIND, BACKUP_VERSION, Backup, BackupExtras};
use crate::import::identity::{self, Fate, Known, Plan};
use crate::import::mapping::Mapping;
use crate::import::{Answer, Parsed, Problem};
use crate::inventory::Workload;

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

    // Application ids by name, loaded once instead of looked up per row.
    let mut apps: HashMap<String, i64> = applications::applications(&tx, eid)?.into_iter().map(|a| (a.name, a.id)).collect();
    for a in &parsed.applications {
        let id = application_id(&tx, eid, &mut apps, &a.name)?;
        if let (Some(id), false) = (id, a.notes.is_empty()) {
            tx.prepare_cached("UPDATE applications SET notes = ?2 WHERE id = ?1 AND notes = ''")?.execute(params![id, a.notes])?;
        }
    }

    // Workload ids by name (and hostname, which files also use to name a
    // dependency's end), as the file's rows land.
    let mut by_name: HashMap<String, i64> = existing.iter().map(|k| (k.name.clone(), k.id)).collect();
    let mut by_host: HashMap<String, i64> = HashMap::new();
    for k in existing.iter().filter(|k| !k.hostname.is_empty()) {
        by_host.entry(k.hostname.clone()).or_insert(k.id);
    }
    // Rows from this id on are new: their text is indexed after them.
    let first_new: i64 = tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM workloads", [], |r| r.get(0))?;
    let (mut created, mut updated, mut unchanged) = (0, 0, 0);
    for ((w, fate), name) in parsed.workloads.iter().zip(&plan.fates).zip(&plan.names) {
        let renamed;
        let w = if *name == w.name {
            w
        } else {
            renamed = Workload { name: name.clone(), ..w.clone() };
            &renamed
        };
        let id = match fate {
            Fate::Update(id) => {
                // What the consultant typed or a suggestion gave survives a
                // file that leaves it empty.
                let before = workloads::get(&tx, eid, *id)?;
                let mut kept = w.clone();
                suggestions::keep_curated(&tx, &before, &mut kept)?;
                let app = application_id(&tx, eid, &mut apps, &kept.application)?;
                if same_row(&before, &kept) {
                    unchanged += 1;
                } else {
                    workloads::update_row(&tx, eid, *id, app, &kept)?;
                    crate::db::search::index(&tx, *id)?;
                    updated += 1;
                }
                *id
            }
            Fate::Create => {
                let app = application_id(&tx, eid, &mut apps, &w.application)?;
                created += 1;
                workloads::insert_row(&tx, eid, app, w)?
            }
        };
        suggestions::store_discovered(&tx, eid, id, &w.discovered)?;
        by_name.insert(w.name.clone(), id);
        if !w.hostname.is_empty() {
            by_host.entry(w.hostname.clone()).or_insert(id);
        }
    }
    for (app, attributes) in &parsed.app_attributes {
        if let Some(id) = application_id(&tx, eid, &mut apps, app)? {
            crate::db::applications::set_attributes(&tx, id, attributes)?;
        }
    }

    let lookup = |name: &str| by_name.get(name).or_else(|| by_host.get(name)).copied();
    let mut dependencies = 0;
    for d in &parsed.dependencies {
        if let (Some(from), Some(to)) = (lookup(&d.from), lookup(&d.to))
            && from != to
        {
            dependencies::insert_row(&tx, eid, from, to, d)?;
            dependencies += 1;
        }
    }

    let mut answers = 0;
    {
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
    }

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

    let format = parsed.format().code();
    tx.execute(
        "INSERT INTO imports (engagement_id, file_name, format, created, updated, warnings, actor, rows_read, templates_skipped, refused)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            eid,
            file_name,
            format,
            created as i64,
            updated as i64,
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
        "created": created, "updated": updated, "unchanged": unchanged, "rows_refused": parsed.rows_refused(),
        "dependencies": dependencies, "answers": answers, "warnings": outcome.warnings.len(),
        "suggestions": refreshed.pending, "conflicts": refreshed.conflicts,
    });
    audit(&tx, Some(eid), actor, "import", Some(import_id), "import", None, Some(&summary))?;
    // Scored, summed and indexed with the rows when the engagement is small,
    // else in the background right after (db::derived).
    match crate::db::derived::rederive(&tx, eid)? {
        Some(_) => {
            crate::db::search::index_from(&tx, eid, first_new, i64::MAX)?;
        }
        None => crate::db::derived::index_later(&tx, eid, first_new)?,
    }
    tx.commit()?;
    // A large import changes the row counts the query planner relies on
    // (e.g. filtering by application).
    crate::db::refresh_statistics(conn)?;
    Ok(Outcome { import_id, created, updated, unchanged, dependencies, answers, suggestions: refreshed, ..outcome })
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

/// Column names of a table, from the schema itself.
fn table_columns(conn: &Connection, table: &str) -> Result<Vec<String>, AppError> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info(\"{table}\")"))?;
    let cols = stmt.query_map([], |r| r.get::<_, String>(1))?.collect::<Result<Vec<_>, _>>()?;
    Ok(cols)
}

fn json_to_sql(v: &serde_json::Value) -> SqlValue {
    match v {
        serde_json::Value::Null => SqlValue::Null,
        serde_json::Value::Bool(b) => SqlValue::Integer(*b as i64),
        serde_json::Value::Number(n) => n.as_i64().map(SqlValue::Integer).unwrap_or_else(|| SqlValue::Real(n.as_f64().unwrap_or(0.0))),
        serde_json::Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}

fn sql_to_json(v: SqlValue) -> serde_json::Value {
    match v {
        SqlValue::Null => serde_json::Value::Null,
        SqlValue::Integer(i) => json!(i),
        SqlValue::Real(f) => json!(f),
        SqlValue::Text(s) => json!(s),
        SqlValue::Blob(b) => json!(b),
    }
}

/// Restores rows of a per-workload table (decisions) whose
/// columns may have grown since the backup: only columns the table has are
/// written, `workload` (a name) becomes `workload_id`.
fn restore_rows(
    conn: &Connection,
    eid: i64,
    table: &str,
    rows: &[serde_json::Map<String, serde_json::Value>],
    lookup: &dyn Fn(&str) -> Option<i64>,
) -> Result<(), AppError> {
    if rows.is_empty() {
        return Ok(());
    }
    let columns = table_columns(conn, table)?;
    for row in rows {
        let Some(workload_id) = row.get("workload").and_then(|v| v.as_str()).and_then(lookup) else { continue };
        let mut names = vec!["workload_id".to_string(), "engagement_id".to_string()];
        let mut values = vec![SqlValue::Integer(workload_id), SqlValue::Integer(eid)];
        for (k, v) in row {
            if columns.contains(k) && !names.contains(k) && k != "id" {
                names.push(k.clone());
                values.push(json_to_sql(v));
            }
        }
        // Names come from the table's own schema, so quoting them is enough.
        let cols: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        let marks: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
        let sql = format!("INSERT OR REPLACE INTO \"{table}\" ({}) VALUES ({})", cols.join(", "), marks.join(", "));
        conn.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(values))?;
    }
    Ok(())
}

/// Rows of a per-workload table, keyed by workload name.
fn export_rows(conn: &Connection, eid: i64, table: &str) -> Result<Vec<serde_json::Map<String, serde_json::Value>>, AppError> {
    let columns = table_columns(conn, table)?;
    let sql = format!(
        "SELECT w.name, {} FROM \"{table}\" t JOIN workloads w ON w.id = t.workload_id WHERE t.engagement_id = ?1 ORDER BY w.name",
        columns.iter().map(|c| format!("t.\"{c}\"")).collect::<Vec<_>>().join(", ")
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([eid])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let mut map = serde_json::Map::new();
        map.insert("workload".into(), json!(r.get::<_, String>(0)?));
        for (i, c) in columns.iter().enumerate() {
            if c != "workload_id" && c != "engagement_id" {
                map.insert(c.clone(), sql_to_json(r.get::<_, SqlValue>(i + 1)?));
            }
        }
        out.push(map);
    }
    Ok(out)
}

/// Every answer of the engagement, by subject name.
pub fn answers(conn: &Connection, eid: i64) -> Result<Vec<Answer>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.subject_kind, COALESCE(w.name, ap.name), a.question, a.value FROM answers a
         LEFT JOIN workloads w ON a.subject_kind = 'workload' AND w.id = a.subject_id
         LEFT JOIN applications ap ON a.subject_kind = 'application' AND ap.id = a.subject_id
         WHERE a.engagement_id = ?1 AND COALESCE(w.name, ap.name) IS NOT NULL
         ORDER BY a.subject_kind, 2, a.question",
    )?;
    let rows =
        stmt.query_map([eid], |r| Ok(Answer { subject_kind: r.get(0)?, subject: r.get(1)?, question: r.get(2)?, value: r.get(3)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The whole engagement as one document (the JSON export).
pub fn backup(conn: &Connection, eid: i64) -> Result<Backup, AppError> {
    Ok(Backup {
        kind: BACKUP_KIND.into(),
        version: BACKUP_VERSION,
        engagement: engagements::get(conn, eid)?,
        preferences: engagements::preferences(conn, eid)?,
        applications: applications::applications(conn, eid)?,
        application_attributes: crate::db::applications::attributes_by_name(conn, eid)?,
        workloads: workloads::list_all(conn, eid)?,
        dependencies: dependencies::dependencies(conn, eid)?,
        answers: answers(conn, eid)?,
        assessments: export_rows(conn, eid, "assessments")?,
        decisions: export_rows(conn, eid, "decisions")?,
        discovery: export_rows(conn, eid, "workload_discovery")?,
        suggestions: export_rows(conn, eid, "suggestions")?,
        edited_fields: export_rows(conn, eid, "edited_fields")?,
    })
}

/// The strategy in effect per workload id (decision, else recommendation), as codes.
pub fn strategy_codes(conn: &Connection, eid: i64) -> Result<HashMap<i64, String>, AppError> {
    Ok(crate::db::decisions::effective_strategies(conn, eid)?.into_iter().map(|(id, s)| (id, s.code().to_string())).collect())
}

/// A column mapping an engagement saved, with who saved it and when.
#[derive(Debug, Clone)]
pub struct SavedMapping {
    pub mapping: Mapping,
    pub saved_by: String,
    pub saved_at: String,
}

/// The mapping this engagement saved for files with this header, if any.
/// Mappings are per engagement: another team's never applies.
pub fn saved_mapping(conn: &Connection, eid: i64, signature: &str) -> Result<Option<SavedMapping>, AppError> {
    let row: Option<(String, String, String)> = conn
        .query_row(
            "SELECT mapping, saved_by, saved_at FROM engagement_mappings WHERE engagement_id = ?1 AND header_signature = ?2",
            params![eid, signature],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(row.and_then(|(raw, saved_by, saved_at)| Some(SavedMapping { mapping: serde_json::from_str(&raw).ok()?, saved_by, saved_at })))
}

pub fn save_mapping(conn: &Connection, eid: i64, signature: &str, mapping: &Mapping, actor: &str) -> Result<(), AppError> {
    mapping.validate().map_err(AppError::Invalid)?;
    let value = serde_json::to_value(mapping).map_err(|e| AppError::Internal(e.to_string()))?;
    conn.execute(
        "INSERT INTO engagement_mappings (engagement_id, header_signature, mapping, saved_by) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (engagement_id, header_signature) DO UPDATE SET mapping = excluded.mapping, saved_by = excluded.saved_by,
            saved_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
        params![eid, signature, value.to_string(), actor],
    )?;
    audit(conn, Some(eid), actor, "import_mapping", None, "save", None, Some(&json!({"signature": signature, "mapping": value})))?;
    Ok(())
}

/// Files one user may keep waiting between preview and commit. Each may be
/// up to the 50 MB body limit, so without a bound one account could fill the
/// disk; the oldest goes first, as it is the one least likely to be committed.
pub const WAITING_UPLOADS_PER_USER: i64 = 20;

/// Keeps an uploaded file until the consultant commits it; returns its token.
/// Uploads older than a day are cleared here, and the user's oldest beyond
/// [`WAITING_UPLOADS_PER_USER`].
pub fn store_upload(conn: &Connection, eid: i64, user_id: Option<i64>, file_name: &str, bytes: &[u8]) -> Result<String, AppError> {
    conn.execute("DELETE FROM import_uploads WHERE created_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 day')", [])?;
    let mut raw = [0u8; 16];
    getrandom::fill(&mut raw).map_err(|e| AppError::Internal(format!("no random source: {e}")))?;
    let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    conn.execute(
        "INSERT INTO import_uploads (token, engagement_id, user_id, file_name, bytes) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![token, eid, user_id, file_name, bytes],
    )?;
    conn.execute(
        "DELETE FROM import_uploads WHERE user_id IS ?1 AND rowid NOT IN
            (SELECT rowid FROM import_uploads WHERE user_id IS ?1 ORDER BY rowid DESC LIMIT ?2)",
        params![user_id, WAITING_UPLOADS_PER_USER],
    )?;
    Ok(token)
}

pub fn load_upload(conn: &Connection, eid: i64, token: &str) -> Result<(String, Vec<u8>), AppError> {
    conn.query_row("SELECT file_name, bytes FROM import_uploads WHERE token = ?1 AND engagement_id = ?2", params![token, eid], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .optional()?
    .ok_or_else(|| AppError::NotFound("this upload (it expired or was already imported; upload the file again)".into()))
}

pub fn drop_upload(conn: &Connection, token: &str) -> Result<(), AppError> {
    conn.execute("DELETE FROM import_uploads WHERE token = ?1", [token])?;
    Ok(())
}

/// One past import, for the import page.
#[derive(Debug, Clone)]
pub struct ImportRecord {
    pub file_name: String,
    pub format: String,
    pub rows_read: i64,
    pub templates_skipped: i64,
    pub refused: i64,
    pub created: i64,
    pub updated: i64,
    pub warnings: i64,
    pub at: String,
}

pub fn recent(conn: &Connection, eid: i64) -> Result<Vec<ImportRecord>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT file_name, format, created, updated, warnings, at, rows_read, templates_skipped, refused
         FROM imports WHERE engagement_id = ?1 ORDER BY id DESC LIMIT 20",
    )?;
    let rows = stmt.query_map([eid], |r| {
        Ok(ImportRecord {
            file_name: r.get(0)?,
            format: r.get(1)?,
            created: r.get(2)?,
            updated: r.get(3)?,
            warnings: r.get(4)?,
            at: r.get(5)?,
            rows_read: r.get(6)?,
            templates_skipped: r.get(7)?,
            refused: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mappings saved before they were per engagement go to the engagements
    /// that saved them, each with the mapping it saved last itself.
    #[test]
    fn global_mappings_are_given_to_the_engagements_that_saved_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            let migrations = rusqlite_migration::Migrations::from_directory(&crate::db::MIGRATIONS_DIR).unwrap();
            migrations.to_version(&mut conn, 6).unwrap();
            conn.execute_batch(
                r#"INSERT INTO engagements (id, name) VALUES (1, 'Acme'), (2, 'Globex'), (3, 'Initech');
                   INSERT INTO import_mappings (header_signature, mapping) VALUES ('server|rack', '{"columns":[["Server","name"]]}');
                   INSERT INTO audit_log (engagement_id, actor, entity, action, after) VALUES
                     (1, 'kim', 'import_mapping', 'save', '{"signature":"server|rack","mapping":{"columns":[["Server","hostname"]]}}'),
                     (1, 'kim', 'import_mapping', 'save', '{"signature":"server|rack","mapping":{"columns":[["Server","name"],["Rack","notes"]]}}'),
                     (2, 'lee', 'import_mapping', 'save', '{"signature":"server|rack","mapping":{"columns":[["Server","name"]]}}');"#,
            )
            .unwrap();
        }
        let db = crate::db::Db::open(&path).unwrap();
        db.with_conn(|c| {
            let acme = saved_mapping(c, 1, "server|rack")?.unwrap();
            assert_eq!(acme.mapping.columns, [("Server".to_string(), "name".to_string()), ("Rack".to_string(), "notes".to_string())]);
            assert_eq!(acme.saved_by, "kim");
            assert_eq!(saved_mapping(c, 2, "server|rack")?.unwrap().mapping.columns, [("Server".to_string(), "name".to_string())]);
            assert!(saved_mapping(c, 3, "server|rack")?.is_none(), "Initech never saved it");
            Ok(())
        })
        .unwrap();
    }
}
