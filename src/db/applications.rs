//! Applications: named groups of workloads, with their notes.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

use crate::db::audit;
use crate::db::derived::{Touched, in_transaction, refresh};
use crate::error::{AppError, on_constraint, quoted};
use crate::inventory::{AppAttributes, Application};

/// The id of the application called `name`, created when missing; `None`
/// for an empty name.
pub fn ensure_application(conn: &Connection, engagement_id: i64, name: &str) -> Result<Option<i64>, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Ok(None);
    }
    conn.prepare_cached("INSERT INTO applications (engagement_id, name) VALUES (?1, ?2) ON CONFLICT DO NOTHING")?
        .execute(params![engagement_id, name])?;
    let id = conn
        .prepare_cached("SELECT id FROM applications WHERE engagement_id = ?1 AND name = ?2")?
        .query_row(params![engagement_id, name], |r| r.get(0))?;
    Ok(Some(id))
}

pub fn applications(conn: &Connection, engagement_id: i64) -> Result<Vec<Application>, AppError> {
    let mut stmt = conn.prepare_cached("SELECT id, name, notes FROM applications WHERE engagement_id = ?1 ORDER BY name")?;
    let rows = stmt.query_map([engagement_id], |r| Ok(Application { id: r.get(0)?, name: r.get(1)?, notes: r.get(2)? }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Application names in order, at most `limit` of them.
pub fn application_names(conn: &Connection, engagement_id: i64, limit: i64) -> Result<Vec<String>, AppError> {
    let mut stmt = conn.prepare_cached("SELECT name FROM applications WHERE engagement_id = ?1 ORDER BY name LIMIT ?2")?;
    let rows = stmt.query_map(params![engagement_id, limit], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// True when the engagement has more than `n` applications: counts no
/// further than `n + 1`, through the index, reading no name.
pub fn more_than(conn: &Connection, engagement_id: i64, n: i64) -> Result<bool, AppError> {
    let counted: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM (SELECT 1 FROM applications WHERE engagement_id = ?1 LIMIT ?2)")?
        .query_row(params![engagement_id, n + 1], |r| r.get(0))?;
    Ok(counted > n)
}

/// An application with how many workloads it groups.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ApplicationSummary {
    #[serde(flatten)]
    pub application: Application,
    pub workloads: i64,
}

pub fn list_with_counts(conn: &Connection, engagement_id: i64) -> Result<Vec<ApplicationSummary>, AppError> {
    Ok(find_with_counts(conn, engagement_id, "", 0, i64::MAX)?.0)
}

/// The applications whose name contains `search` (any case; all when
/// empty), `limit` of them from `offset` by name, each with its workload
/// count, and how many match in all.
pub fn find_with_counts(
    conn: &Connection,
    engagement_id: i64,
    search: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ApplicationSummary>, i64), AppError> {
    // Without a search, the kept count answers and no name is matched: a
    // LIKE '%' over 5,000 names was most of the applications page.
    let pattern = crate::db::like_pattern(search);
    let named = if search.is_empty() { "" } else { " AND a.name LIKE ?2 ESCAPE '\\'" };
    let total = if search.is_empty() {
        crate::db::engagements::counts(conn, engagement_id)?.1
    } else {
        conn.prepare_cached(&format!("SELECT COUNT(*) FROM applications a WHERE a.engagement_id = ?1{named}"))?
            .query_row(params![engagement_id, pattern], |r| r.get(0))?
    };
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT a.id, a.name, a.notes,
            (SELECT COUNT(*) FROM workloads w WHERE w.engagement_id = a.engagement_id AND w.application_id = a.id)
         FROM applications a WHERE a.engagement_id = ?1{named}
         ORDER BY a.name LIMIT ?3 OFFSET ?4"
    ))?;
    let rows = stmt.query_map(params![engagement_id, pattern, limit, offset], |r| {
        Ok(ApplicationSummary { application: Application { id: r.get(0)?, name: r.get(1)?, notes: r.get(2)? }, workloads: r.get(3)? })
    })?;
    Ok((rows.collect::<Result<_, _>>()?, total))
}

/// The workloads of an application, by name.
pub fn workload_ids(conn: &Connection, engagement_id: i64, id: i64) -> Result<Vec<i64>, AppError> {
    get(conn, engagement_id, id)?;
    let mut stmt = conn.prepare_cached("SELECT id FROM workloads WHERE engagement_id = ?1 AND application_id = ?2 ORDER BY name")?;
    let rows = stmt.query_map([engagement_id, id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many workloads belong to no application.
pub fn unassigned_count(conn: &Connection, engagement_id: i64) -> Result<i64, AppError> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM workloads WHERE engagement_id = ?1 AND application_id IS NULL")?
        .query_row([engagement_id], |r| r.get(0))?)
}

pub fn get(conn: &Connection, engagement_id: i64, id: i64) -> Result<Application, AppError> {
    conn.prepare_cached("SELECT id, name, notes FROM applications WHERE engagement_id = ?1 AND id = ?2")?
        .query_row([engagement_id, id], |r| Ok(Application { id: r.get(0)?, name: r.get(1)?, notes: r.get(2)? }))
        .optional()?
        .ok_or_else(|| AppError::NotFound(format!("application {id}")))
}

fn check_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::Invalid("name: an application needs a name".into()));
    }
    if name.chars().count() > 200 {
        return Err(AppError::Invalid("name: keep it under 200 characters".into()));
    }
    Ok(name.to_string())
}

fn name_taken(e: rusqlite::Error, name: &str) -> AppError {
    on_constraint(|| AppError::Conflict(format!("name: an application called {} already exists", quoted(name))))(e)
}

pub fn create(conn: &Connection, engagement_id: i64, name: &str, notes: &str, actor: &str) -> Result<Application, AppError> {
    let name = check_name(name)?;
    in_transaction(conn, |tx| {
        tx.prepare_cached("INSERT INTO applications (engagement_id, name, notes) VALUES (?1, ?2, ?3)")?
            .execute(params![engagement_id, name, notes.trim()])
            .map_err(|e| name_taken(e, &name))?;
        let created = get(tx, engagement_id, tx.last_insert_rowid())?;
        audit(tx, Some(engagement_id), actor, "application", Some(created.id), "create", None, Some(&json!(created)))?;
        refresh(tx, engagement_id, Touched::new().application(created.id))?;
        Ok(created)
    })
}

/// Renames the application and replaces its notes.
pub fn update(conn: &Connection, engagement_id: i64, id: i64, name: &str, notes: &str, actor: &str) -> Result<Application, AppError> {
    let name = check_name(name)?;
    in_transaction(conn, |tx| {
        let before = get(tx, engagement_id, id)?;
        tx.prepare_cached("UPDATE applications SET name = ?3, notes = ?4, version = version + 1 WHERE engagement_id = ?1 AND id = ?2")?
            .execute(params![engagement_id, id, name, notes.trim()])
            .map_err(|e| name_taken(e, &name))?;
        let after = get(tx, engagement_id, id)?;
        if after != before {
            audit(tx, Some(engagement_id), actor, "application", Some(id), "update", Some(&json!(before)), Some(&json!(after)))?;
        }
        if after.name != before.name {
            // The name is in the plan and the architecture list.
            refresh(tx, engagement_id, Touched::new().application(id))?;
        }
        Ok(after)
    })
}

/// Deletes the application; its workloads stay, in no application.
pub fn delete(conn: &Connection, engagement_id: i64, id: i64, actor: &str) -> Result<(), AppError> {
    in_transaction(conn, |tx| {
        delete_one(tx, engagement_id, id, actor)?;
        // Its workloads, now without an application, follow from its rows.
        refresh(tx, engagement_id, Touched::new().application(id))?;
        Ok(())
    })
}

fn delete_one(conn: &Connection, engagement_id: i64, id: i64, actor: &str) -> Result<(), AppError> {
    let before = get(conn, engagement_id, id)?;
    let members: Vec<i64> = conn
        .prepare_cached("SELECT id FROM workloads WHERE engagement_id = ?1 AND application_id = ?2 ORDER BY id")?
        .query_map([engagement_id, id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    // The schema sets application_id to NULL; the versions are bumped here so
    // an edit form opened before the delete is refused as stale.
    conn.prepare_cached(
        "UPDATE workloads SET application_id = NULL, version = version + 1 WHERE engagement_id = ?1 AND application_id = ?2",
    )?
    .execute([engagement_id, id])?;
    conn.prepare_cached("DELETE FROM applications WHERE engagement_id = ?1 AND id = ?2")?.execute([engagement_id, id])?;
    let before = json!({ "application": before, "workload_ids": members });
    audit(conn, Some(engagement_id), actor, "application", Some(id), "delete", Some(&before), None)?;
    Ok(())
}

/// The id of the application called `name`, created (and audited) when
/// missing; `None` for an empty name. Edits that name a new application go
/// through here so the application's creation is in the audit trail too.
pub fn ensure_audited(conn: &Connection, engagement_id: i64, name: &str, actor: &str) -> Result<Option<i64>, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Ok(None);
    }
    let existing: Option<i64> = conn
        .prepare_cached("SELECT id FROM applications WHERE engagement_id = ?1 AND name = ?2")?
        .query_row(params![engagement_id, name], |r| r.get(0))
        .optional()?;
    match existing {
        Some(id) => Ok(Some(id)),
        None => create(conn, engagement_id, name, "", actor).map(|a| Some(a.id)),
    }
}

/// Writes the attributes an import gives (the ones it leaves empty keep
/// their value).
pub fn set_attributes(conn: &Connection, id: i64, a: &AppAttributes) -> Result<(), AppError> {
    conn.prepare_cached(
        "UPDATE applications SET
            business_unit = CASE WHEN ?2 = '' THEN business_unit ELSE ?2 END,
            complexity = CASE WHEN ?3 = '' THEN complexity ELSE ?3 END,
            technical_debt = CASE WHEN ?4 = '' THEN technical_debt ELSE ?4 END,
            current_state = CASE WHEN ?5 = '' THEN current_state ELSE ?5 END,
            compliance = CASE WHEN ?6 = '' THEN compliance ELSE ?6 END,
            version = version + 1
         WHERE id = ?1",
    )?
    .execute(params![id, a.business_unit, a.complexity, a.technical_debt, a.current_state, a.compliance])?;
    Ok(())
}

fn attributes_rows(conn: &Connection, engagement_id: i64) -> Result<Vec<(i64, String, AppAttributes)>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, name, business_unit, complexity, technical_debt, current_state, compliance FROM applications
         WHERE engagement_id = ?1 AND (business_unit <> '' OR complexity <> '' OR technical_debt <> '' OR current_state <> '' OR compliance <> '')",
    )?;
    let rows = stmt.query_map([engagement_id], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            AppAttributes {
                business_unit: r.get(2)?,
                complexity: r.get(3)?,
                technical_debt: r.get(4)?,
                current_state: r.get(5)?,
                compliance: r.get(6)?,
            },
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The attributes of the engagement's applications that have any, by id.
pub fn attributes(conn: &Connection, engagement_id: i64) -> Result<std::collections::HashMap<i64, AppAttributes>, AppError> {
    Ok(attributes_rows(conn, engagement_id)?.into_iter().map(|(id, _, a)| (id, a)).collect())
}

/// The same by application name (the JSON backup).
pub fn attributes_by_name(conn: &Connection, engagement_id: i64) -> Result<std::collections::BTreeMap<String, AppAttributes>, AppError> {
    Ok(attributes_rows(conn, engagement_id)?.into_iter().map(|(_, name, a)| (name, a)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;
    use crate::inventory::Engagement;

    #[test]
    fn more_than_counts_up_to_one_past_its_bound_in_one_engagement() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("t.db")).unwrap();
        db.with_conn(|c| {
            let eid = crate::db::engagements::create(c, &Engagement { name: "Apps".into(), ..Engagement::default_new() }, "t")?.id;
            let other = crate::db::engagements::create(c, &Engagement { name: "Other".into(), ..Engagement::default_new() }, "t")?.id;
            for i in 0..3 {
                create(c, eid, &format!("app-{i}"), "", "t")?;
                create(c, other, &format!("app-{i}"), "", "t")?;
            }
            create(c, other, "app-3", "", "t")?;
            assert!(more_than(c, eid, 2)?);
            assert!(!more_than(c, eid, 3)?, "three is not more than three");
            assert!(!more_than(c, eid, 4)?);
            assert!(more_than(c, other, 3)?, "each engagement counts its own");
            assert!(!more_than(c, eid + other + 1, 0)?, "none");
            Ok(())
        })
        .unwrap();
    }
}
