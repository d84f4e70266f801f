//! Engagement rows.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::json;

use crate::db::audit;
use crate::error::{AppError, on_constraint, quoted};
use crate::inventory::Engagement;

/// An engagement with the counts shown on the engagements list.
#[derive(Debug, Clone)]
pub struct EngagementSummary {
    pub engagement: Engagement,
    pub workloads: i64,
    pub applications: i64,
}

const COLUMNS: &str = "id, name, customer, consultant, region, currency, language, notes, created_at, updated_at";

fn from_row(r: &Row) -> rusqlite::Result<Engagement> {
    Ok(Engagement {
        id: r.get(0)?,
        name: r.get(1)?,
        customer: r.get(2)?,
        consultant: r.get(3)?,
        region: r.get(4)?,
        currency: r.get(5)?,
        language: r.get(6)?,
        notes: r.get(7)?,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
    })
}

fn as_json(e: &Engagement) -> serde_json::Value {
    json!(e)
}

pub fn list(conn: &Connection) -> Result<Vec<EngagementSummary>, AppError> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM engagements ORDER BY updated_at DESC, id DESC"))?;
    let engagements = stmt.query_map([], from_row)?.collect::<Result<Vec<_>, _>>()?;
    engagements
        .into_iter()
        .map(|engagement| {
            let (workloads, applications) = counts(conn, engagement.id)?;
            Ok(EngagementSummary { engagement, workloads, applications })
        })
        .collect()
}

pub fn get(conn: &Connection, id: i64) -> Result<Engagement, AppError> {
    // Cached: every page reads its engagement (the architecture page three times).
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM engagements WHERE id = ?1"))?
        .query_row([id], from_row)
        .optional()?
        .ok_or_else(|| AppError::NotFound(format!("engagement {id}")))
}

pub fn find_by_name(conn: &Connection, name: &str) -> Result<Option<Engagement>, AppError> {
    Ok(conn.query_row(&format!("SELECT {COLUMNS} FROM engagements WHERE name = ?1"), [name], from_row).optional()?)
}

fn name_taken(e: rusqlite::Error, name: &str) -> AppError {
    on_constraint(|| AppError::Conflict(format!("name: an engagement called {} already exists", quoted(name))))(e)
}

pub fn create(conn: &Connection, e: &Engagement, actor: &str) -> Result<Engagement, AppError> {
    e.validate().map_err(|e| AppError::Invalid(e.to_string()))?;
    // Nothing to score yet: derived as of today (db::derived::check_day).
    let today = crate::knowledge::Date::today().to_string();
    conn.execute(
        "INSERT INTO engagements (name, customer, consultant, region, currency, language, notes, scored_on)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![e.name.trim(), e.customer, e.consultant, e.region, e.currency, e.language, e.notes, today],
    )
    .map_err(|err| name_taken(err, &e.name))?;
    let created = get(conn, conn.last_insert_rowid())?;
    audit(conn, Some(created.id), actor, "engagement", Some(created.id), "create", None, Some(&as_json(&created)))?;
    Ok(created)
}

/// Finds the engagement by name, creating it with defaults when missing
/// (what `sixr import --engagement NAME` needs).
pub fn find_or_create(conn: &Connection, name: &str, actor: &str) -> Result<Engagement, AppError> {
    match find_by_name(conn, name)? {
        Some(e) => Ok(e),
        None => create(conn, &Engagement { name: name.to_string(), ..Engagement::default_new() }, actor),
    }
}

pub fn update(conn: &Connection, e: &Engagement, actor: &str) -> Result<Engagement, AppError> {
    e.validate().map_err(|e| AppError::Invalid(e.to_string()))?;
    let before = get(conn, e.id)?;
    conn.execute(
        "UPDATE engagements SET name = ?2, customer = ?3, consultant = ?4, region = ?5, currency = ?6,
             language = ?7, notes = ?8, version = version + 1,
             updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
         WHERE id = ?1",
        params![e.id, e.name.trim(), e.customer, e.consultant, e.region, e.currency, e.language, e.notes],
    )
    .map_err(|err| name_taken(err, &e.name))?;
    let after = get(conn, e.id)?;
    audit(conn, Some(e.id), actor, "engagement", Some(e.id), "update", Some(&as_json(&before)), Some(&as_json(&after)))?;
    if (&after.region, &after.currency) != (&before.region, &before.currency) {
        // Every application's sizing and prices follow the region and currency.
        crate::db::derived::rederive(conn, e.id)?;
    }
    Ok(after)
}

pub fn delete(conn: &Connection, id: i64, actor: &str) -> Result<(), AppError> {
    let before = get(conn, id)?;
    crate::db::search::unindex_engagement(conn, id)?;
    conn.execute("DELETE FROM engagements WHERE id = ?1", [id])?;
    // The engagement's own audit rows go with it (cascade); the deletion is
    // recorded without an engagement so it stays visible.
    audit(conn, None, actor, "engagement", Some(id), "delete", Some(&as_json(&before)), None)?;
    Ok(())
}

/// The engagement's settings document (preference profile, sizing mode...).
pub fn preferences(conn: &Connection, id: i64) -> Result<serde_json::Value, AppError> {
    let raw: String = conn
        .prepare_cached("SELECT preferences FROM engagements WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| AppError::NotFound(format!("engagement {id}")))?;
    serde_json::from_str(&raw).map_err(|e| AppError::Internal(format!("engagement {id} preferences: {e}")))
}

/// Replaces one top-level key of the settings document, leaving the others.
pub fn set_preference(conn: &Connection, id: i64, key: &str, value: &serde_json::Value, actor: &str) -> Result<(), AppError> {
    let mut prefs = preferences(conn, id)?;
    let before = prefs.get(key).cloned();
    if !prefs.is_object() {
        prefs = json!({});
    }
    prefs[key] = value.clone();
    conn.execute(
        "UPDATE engagements SET preferences = ?2, version = version + 1,
             updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') WHERE id = ?1",
        params![id, prefs.to_string()],
    )?;
    audit(conn, Some(id), actor, "preferences", Some(id), key, before.as_ref(), Some(value))?;
    Ok(())
}

impl Engagement {
    /// A new engagement with the defaults the form starts from.
    pub fn default_new() -> Engagement {
        Engagement { region: "ap-northeast-2".into(), currency: "USD".into(), language: "en".into(), ..Engagement::default() }
    }
}

/// How many workloads and applications the engagement has (its figures:
/// `db::derived`).
/// While the engagement is derived anew in the background its figures lag
/// behind: then the rows are counted.
pub fn counts(conn: &Connection, id: i64) -> Result<(i64, i64), AppError> {
    if crate::db::derived::progress(conn, id)?.is_some() {
        let count = |sql: &str| -> Result<i64, AppError> { Ok(conn.prepare_cached(sql)?.query_row([id], |r| r.get(0))?) };
        return Ok((
            count("SELECT COUNT(*) FROM workloads WHERE engagement_id = ?1")?,
            count("SELECT COUNT(*) FROM applications WHERE engagement_id = ?1")?,
        ));
    }
    let totals = crate::db::derived::figures::get(conn, id, crate::db::derived::figures::TOTALS)?;
    Ok((totals.workloads(), totals.applications()))
}
