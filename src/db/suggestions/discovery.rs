//! What a source file said beyond sixr's fields (`workload_discovery`),
//! and what a re-import keeps of the values the consultant typed or a
//! suggestion gave.

use std::collections::HashSet;

use rusqlite::{Connection, params};

use super::edited;
use crate::error::AppError;
use crate::inventory::{Discovered, WORKLOAD_FIELDS, Workload};

/// Keeps what a source file said beyond sixr's fields, replacing what an
/// earlier file said (a file that says nothing more leaves it).
pub fn store_discovered(conn: &Connection, engagement_id: i64, workload_id: i64, d: &Discovered) -> Result<(), AppError> {
    if d.is_empty() {
        return Ok(());
    }
    let attributes = serde_json::to_string(d).map_err(|e| AppError::Internal(format!("discovered attributes: {e}")))?;
    conn.prepare_cached(
        "INSERT INTO workload_discovery (workload_id, engagement_id, attributes) VALUES (?1, ?2, ?3)
         ON CONFLICT (workload_id) DO UPDATE SET attributes = excluded.attributes",
    )?
    .execute(params![workload_id, engagement_id, attributes])?;
    Ok(())
}

/// What the source files said about one workload beyond sixr's fields.
pub fn discovered(conn: &Connection, workload_id: i64) -> Result<Discovered, AppError> {
    let raw: Option<String> = conn
        .prepare_cached("SELECT attributes FROM workload_discovery WHERE workload_id = ?1")?
        .query_row([workload_id], |r| r.get(0))
        .map(Some)
        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
    Ok(raw.and_then(|r| serde_json::from_str(&r).ok()).unwrap_or_default())
}

/// A re-import of a workload: a field the file leaves empty keeps the value
/// the consultant typed or a suggestion gave (the file knows nothing new);
/// a field the file fills is the file's again (imported).
pub fn keep_curated(conn: &Connection, existing: &Workload, incoming: &mut Workload) -> Result<(), AppError> {
    let edited = edited(conn, existing.id)?;
    let suggested: HashSet<(String, String)> = conn
        .prepare_cached("SELECT field, value FROM suggestions WHERE workload_id = ?1 AND status != 'rejected'")?
        .query_map([existing.id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut now_imported = Vec::new();
    for f in WORKLOAD_FIELDS {
        let (old, new) = (existing.field_text(f.name), incoming.field_text(f.name));
        let curated = edited.contains(f.name) || suggested.contains(&(f.name.to_string(), old.clone()));
        if new.is_empty() && !old.is_empty() && curated {
            // Checked when it was saved; it reads back the same.
            let _ = incoming.set_field(f.name, &old);
        } else if !new.is_empty() && edited.contains(f.name) {
            now_imported.push(f.name);
        }
    }
    for field in now_imported {
        conn.prepare_cached("DELETE FROM edited_fields WHERE workload_id = ?1 AND field = ?2")?.execute(params![existing.id, field])?;
    }
    Ok(())
}
