//! Making the engagement's suggestions again from what its files said and
//! writing the difference into the suggestions and the workloads' fields.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, params};
use serde::Serialize;
use serde_json::json;

use super::{ACCEPTED, PENDING, REJECTED, Stored, current, evidence_json};
use crate::db::audit;
use crate::db::derived::in_transaction;
use crate::enrich::{self, Field, Subject};
use crate::error::AppError;
use crate::inventory::{Discovered, Workload};

/// The OS version the product knowledge reads out of an OS string
/// ("Red Hat Enterprise Linux 8 (64-bit)" → "8"); none for a string it
/// does not recognise or that names no version ("2016 or later").
fn os_version_of(os: &str) -> Option<String> {
    crate::knowledge::os::parse(os).map(|r| r.version).filter(|v| !v.is_empty())
}

/// What a refresh did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Refreshed {
    /// Suggestions waiting for the consultant (conflicts counted per candidate).
    pub pending: usize,
    /// Fields with disagreeing suggestions.
    pub conflicts: usize,
    /// Workloads whose fields changed.
    pub workloads_changed: usize,
}

/// One workload as a refresh reads it.
pub(super) struct Row {
    pub(super) w: Workload,
    pub(super) application_id: Option<i64>,
}

/// The new value of the four suggestible fields of a workload.
pub(super) struct Target {
    pub(super) values: [String; 4],
}

/// Computes the engagement's suggestions again (after the vocabulary in
/// rules/enrichment.toml changed, say), audited, and derives the engagement
/// anew: any workload's fields may have moved.
pub fn recompute(conn: &Connection, engagement_id: i64, actor: &str) -> Result<Refreshed, AppError> {
    in_transaction(conn, |tx| {
        crate::db::engagements::get(tx, engagement_id)?;
        let done = refresh(tx, engagement_id)?;
        let after = json!({ "waiting": done.pending, "conflicts": done.conflicts, "workloads_changed": done.workloads_changed });
        audit(tx, Some(engagement_id), actor, "suggestions", None, "refresh", None, Some(&after))?;
        if done.workloads_changed > 0 {
            crate::db::derived::rederive(tx, engagement_id)?;
        }
        Ok(done)
    })
}

/// Computes the engagement's suggestions again from what its files said
/// and writes the difference: new suggestions fill their empty fields,
/// suggestions no longer made leave them, conflicts empty them. Fields the
/// file or the consultant filled, accepted and rejected suggestions stay.
/// Call inside the caller's transaction (the import's).
pub fn refresh(conn: &Connection, engagement_id: i64) -> Result<Refreshed, AppError> {
    let rows = load_rows(conn, engagement_id)?;
    let discovered = load_discovered(conn, engagement_id)?;
    let kept = Kept::load(conn, engagement_id)?;
    let known: Vec<String> = conn
        .prepare_cached("SELECT name FROM applications WHERE engagement_id = ?1")?
        .query_map([engagement_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let found = suggest(&rows, &discovered, &known, &kept);
    write_difference(conn, engagement_id, &rows, &kept, &found)
}

/// The engagement's stored suggestions and the fields the consultant typed.
struct Kept {
    stored: HashMap<(i64, Field), Vec<Stored>>,
    edited: HashSet<(i64, Field)>,
}

impl Kept {
    fn load(conn: &Connection, engagement_id: i64) -> Result<Kept, AppError> {
        let mut stored: HashMap<(i64, Field), Vec<Stored>> = HashMap::new();
        {
            let mut stmt =
                conn.prepare_cached("SELECT workload_id, field, value, status, evidence FROM suggestions WHERE engagement_id = ?1")?;
            let it = stmt.query_map([engagement_id], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, Stored { value: r.get(2)?, status: r.get(3)?, evidence: r.get(4)? }))
            })?;
            for row in it {
                let (id, field, s) = row?;
                if let Some(f) = Field::parse(&field) {
                    stored.entry((id, f)).or_default().push(s);
                }
            }
        }
        let mut edited: HashSet<(i64, Field)> = HashSet::new();
        for row in conn
            .prepare_cached("SELECT workload_id, field FROM edited_fields WHERE engagement_id = ?1")?
            .query_map([engagement_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
        {
            let (id, field) = row?;
            if let Some(f) = Field::parse(&field) {
                edited.insert((id, f));
            }
        }
        Ok(Kept { stored, edited })
    }

    /// A field is open when nobody typed it and it is empty or a pending suggestion's.
    fn open(&self, r: &Row, f: Field) -> bool {
        let value = current(&r.w, f);
        !self.edited.contains(&(r.w.id, f))
            && (value.is_empty()
                || self.stored.get(&(r.w.id, f)).is_some_and(|l| l.iter().any(|s| s.status == PENDING && s.value == value)))
    }

    fn stored(&self, r: &Row, f: Field) -> &[Stored] {
        self.stored.get(&(r.w.id, f)).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// What `enrich` suggests now for the open fields, per workload and field.
fn suggest(
    rows: &[Row],
    discovered: &HashMap<i64, Discovered>,
    known: &[String],
    kept: &Kept,
) -> HashMap<(i64, Field), Vec<enrich::Suggestion>> {
    let none = Discovered::default();
    let subjects: Vec<Subject> = rows
        .iter()
        .map(|r| {
            let settled = |f: Field| if kept.open(r, f) { "" } else { current(&r.w, f) };
            Subject {
                id: r.w.id,
                name: &r.w.name,
                hostname: &r.w.hostname,
                os: &r.w.os,
                role: settled(Field::Role),
                application: settled(Field::Application),
                db_engine: settled(Field::DbEngine),
                os_version: settled(Field::OsVersion),
                discovered: discovered.get(&r.w.id).unwrap_or(&none),
            }
        })
        .collect();
    let known_refs: Vec<&str> = known.iter().map(String::as_str).collect();
    let mut found: HashMap<(i64, Field), Vec<enrich::Suggestion>> = HashMap::new();
    for s in enrich::suggest(&subjects, &known_refs, &os_version_of) {
        found.entry((s.workload_id, s.field)).or_default().push(s);
    }
    found
}

/// Writes what changed: the suggestions of each field and, where its value
/// moved, the workload's fields.
fn write_difference(
    conn: &Connection,
    engagement_id: i64,
    rows: &[Row],
    kept: &Kept,
    found: &HashMap<(i64, Field), Vec<enrich::Suggestion>>,
) -> Result<Refreshed, AppError> {
    let mut out = Refreshed::default();
    let mut delete = conn.prepare_cached("DELETE FROM suggestions WHERE workload_id = ?1 AND field = ?2 AND value = ?3")?;
    let mut upsert = conn.prepare_cached(
        "INSERT INTO suggestions (workload_id, field, value, engagement_id, status, evidence) VALUES (?1, ?2, ?3, ?4, 'pending', ?5)
         ON CONFLICT (workload_id, field, value) DO UPDATE SET evidence = excluded.evidence",
    )?;
    let mut apps: HashMap<String, i64> = HashMap::new();
    for r in rows {
        let mut target = Target { values: Field::ALL.map(|f| current(&r.w, f).to_string()) };
        let mut changed = false;
        for (i, f) in Field::ALL.into_iter().enumerate() {
            let old = kept.stored(r, f);
            if !kept.open(r, f) {
                // The file or the consultant filled it since: nothing waits for it.
                for s in old.iter().filter(|s| s.status == PENDING) {
                    delete.execute(params![r.w.id, f.code(), s.value])?;
                }
                continue;
            }
            let rejected: HashSet<String> = old.iter().filter(|s| s.status == REJECTED).map(|s| s.value.to_lowercase()).collect();
            let new: Vec<&enrich::Suggestion> =
                found.get(&(r.w.id, f)).into_iter().flatten().filter(|s| !rejected.contains(&s.value.to_lowercase())).collect();
            for s in old.iter().filter(|s| s.status == PENDING) {
                if !new.iter().any(|n| n.value == s.value) {
                    delete.execute(params![r.w.id, f.code(), s.value])?;
                }
            }
            for n in &new {
                let evidence = evidence_json(&n.evidence);
                match old.iter().find(|s| s.value == n.value) {
                    Some(s) if s.status != PENDING || s.evidence == evidence => {}
                    _ => {
                        upsert.execute(params![r.w.id, f.code(), n.value, engagement_id, evidence])?;
                    }
                }
            }
            out.pending += new.iter().filter(|n| !old.iter().any(|s| s.value == n.value && s.status == ACCEPTED)).count();
            if new.len() > 1 {
                out.conflicts += 1;
            }
            let value = if new.len() == 1 { new[0].value.clone() } else { String::new() };
            if target.values[i] != value {
                target.values[i] = value;
                changed = true;
            }
        }
        if changed {
            write_fields(conn, engagement_id, r, &target, &mut apps)?;
            out.workloads_changed += 1;
        }
    }
    Ok(out)
}

/// The engagement's workloads with the fields a refresh reads (the four it
/// suggests, and the name, hostname and OS it suggests from); the others
/// stay empty. Reading every column of 100,000 rows was half its time.
fn load_rows(conn: &Connection, engagement_id: i64) -> Result<Vec<Row>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT w.id, w.name, w.hostname, w.os, w.role, COALESCE(a.name, ''), w.db_engine, w.os_version, w.application_id
         FROM workloads w LEFT JOIN applications a ON a.id = w.application_id
         WHERE w.engagement_id = ?1 ORDER BY w.id",
    )?;
    let rows = stmt.query_map([engagement_id], |r| {
        let w = Workload {
            id: r.get(0)?,
            name: r.get(1)?,
            hostname: r.get(2)?,
            os: r.get(3)?,
            role: r.get(4)?,
            application: r.get(5)?,
            db_engine: r.get(6)?,
            os_version: r.get(7)?,
            ..Workload::default()
        };
        Ok(Row { w, application_id: r.get(8)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn load_discovered(conn: &Connection, engagement_id: i64) -> Result<HashMap<i64, Discovered>, AppError> {
    let mut stmt = conn.prepare_cached("SELECT workload_id, attributes FROM workload_discovery WHERE engagement_id = ?1")?;
    let rows = stmt.query_map([engagement_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (id, raw) = row?;
        // Attributes an older sixr wrote and this one cannot read say nothing.
        if let Ok(d) = serde_json::from_str(&raw) {
            out.insert(id, d);
        }
    }
    Ok(out)
}

/// Writes the suggestible fields of one workload (creating a suggested
/// application when needed) and bumps its version, so its score, which
/// weighs suggestions, is computed again.
pub(super) fn write_fields(
    conn: &Connection,
    engagement_id: i64,
    r: &Row,
    target: &Target,
    apps: &mut HashMap<String, i64>,
) -> Result<(), AppError> {
    let [role, application, db_engine, os_version] = &target.values;
    let application_id = if application.is_empty() {
        None
    } else if *application == r.w.application {
        r.application_id
    } else {
        match apps.get(application) {
            Some(id) => Some(*id),
            None => {
                let id = crate::db::applications::ensure_application(conn, engagement_id, application)?;
                if let Some(id) = id {
                    apps.insert(application.clone(), id);
                }
                id
            }
        }
    };
    conn.prepare_cached(
        "UPDATE workloads SET role = ?2, application_id = ?3, db_engine = ?4, os_version = ?5, version = version + 1,
            updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
         WHERE id = ?1",
    )?
    .execute(params![r.w.id, role, application_id, db_engine, os_version])?;
    if r.application_id.is_some() && r.application_id != application_id {
        drop_if_unused(conn, engagement_id, r.application_id)?;
    }
    Ok(())
}

/// Deletes an application a suggestion created once no workload, note or
/// answer uses it any more (a rejected or withdrawn suggestion leaves no
/// empty application behind).
fn drop_if_unused(conn: &Connection, engagement_id: i64, application_id: Option<i64>) -> Result<(), AppError> {
    let Some(id) = application_id else { return Ok(()) };
    conn.prepare_cached(
        "DELETE FROM applications WHERE id = ?1 AND engagement_id = ?2 AND notes = ''
           AND NOT EXISTS (SELECT 1 FROM workloads WHERE application_id = ?1)
           AND NOT EXISTS (SELECT 1 FROM answers WHERE subject_kind = 'application' AND subject_id = ?1)
           AND EXISTS (SELECT 1 FROM suggestions s JOIN applications a ON a.id = ?1
                       WHERE s.engagement_id = ?2 AND s.field = 'application' AND s.value = a.name)",
    )?
    .execute(params![id, engagement_id])?;
    Ok(())
}
