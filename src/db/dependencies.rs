//! Dependencies between workloads, seen from one workload.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::json;

use crate::db::audit;
use crate::db::derived::{Touched, in_transaction, refresh};
use crate::error::AppError;
use crate::inventory::Dependency;

/// Dependency columns in the order `dependency_from_row` reads them, with
/// the workloads at both ends as `f` and `t`.
pub const SELECT_DEPENDENCY: &str = "SELECT f.name, t.name, d.port, d.protocol, d.description
     FROM dependencies d JOIN workloads f ON f.id = d.from_workload_id JOIN workloads t ON t.id = d.to_workload_id";

pub fn dependency_from_row(r: &Row) -> rusqlite::Result<Dependency> {
    Ok(Dependency { from: r.get(0)?, to: r.get(1)?, port: r.get(2)?, protocol: r.get(3)?, description: r.get(4)? })
}

/// Every dependency of the engagement, by workload name.
pub fn dependencies(conn: &Connection, engagement_id: i64) -> Result<Vec<Dependency>, AppError> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT_DEPENDENCY} WHERE d.engagement_id = ?1 ORDER BY f.name, t.name"))?;
    let rows = stmt.query_map([engagement_id], dependency_from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Adds (or updates) the dependency "from depends on to" between two
/// workload ids, without an audit line: for the import (whose audit line
/// covers the file) and for `add`, which audits each edge it writes.
pub fn insert_row(conn: &Connection, engagement_id: i64, from_id: i64, to_id: i64, d: &Dependency) -> Result<(), AppError> {
    if from_id == to_id {
        return Err(AppError::Invalid("a workload cannot depend on itself".into()));
    }
    conn.prepare_cached(
        "INSERT INTO dependencies (engagement_id, from_workload_id, to_workload_id, port, protocol, description)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (from_workload_id, to_workload_id) DO UPDATE SET
            port = COALESCE(excluded.port, port), protocol = excluded.protocol, description = excluded.description",
    )?
    .execute(params![engagement_id, from_id, to_id, d.port, d.protocol, d.description])?;
    Ok(())
}

/// `insert_row` for the edges of an import, many to a statement: one
/// statement per edge spent as long opening and closing its cursors as
/// writing. A statement's later rows see its earlier ones, so an edge the
/// list repeats updates the first, as `insert_row` one by one would.
pub fn insert_rows(conn: &Connection, engagement_id: i64, edges: &[(i64, i64, &Dependency)]) -> Result<(), AppError> {
    // Six parameters a row: far below SQLite's limit of 32,766.
    const ROWS: usize = 100;
    if edges.iter().any(|(from, to, _)| from == to) {
        return Err(AppError::Invalid("a workload cannot depend on itself".into()));
    }
    for chunk in edges.chunks(ROWS) {
        let sql = format!(
            "INSERT INTO dependencies (engagement_id, from_workload_id, to_workload_id, port, protocol, description)
             VALUES {}
             ON CONFLICT (from_workload_id, to_workload_id) DO UPDATE SET
                port = COALESCE(excluded.port, port), protocol = excluded.protocol, description = excluded.description",
            vec!["(?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ")
        );
        let mut values: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(chunk.len() * 6);
        for (from, to, d) in chunk {
            values.extend([&engagement_id as &dyn rusqlite::ToSql, from, to, &d.port, &d.protocol, &d.description]);
        }
        conn.prepare_cached(&sql)?.execute(values.as_slice())?;
    }
    Ok(())
}

/// One edge as the workload page shows it: the workload at the other end,
/// and the connection details.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct Link {
    /// The dependency row id (what removing it refers to).
    pub id: i64,
    pub workload_id: i64,
    pub workload_name: String,
    pub port: Option<i64>,
    pub protocol: String,
    pub description: String,
}

/// Both directions of a workload's dependencies.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Links {
    /// Workloads this one depends on (it calls them).
    pub depends_on: Vec<Link>,
    /// Workloads that depend on this one (they call it).
    pub used_by: Vec<Link>,
}

pub fn links(conn: &Connection, engagement_id: i64, workload_id: i64) -> Result<Links, AppError> {
    let read = |sql: &str| -> Result<Vec<Link>, AppError> {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map([engagement_id, workload_id], |r| {
            Ok(Link {
                id: r.get(0)?,
                workload_id: r.get(1)?,
                workload_name: r.get(2)?,
                port: r.get(3)?,
                protocol: r.get(4)?,
                description: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    };
    Ok(Links {
        depends_on: read(
            "SELECT d.id, o.id, o.name, d.port, d.protocol, d.description
             FROM dependencies d JOIN workloads o ON o.id = d.to_workload_id
             WHERE d.engagement_id = ?1 AND d.from_workload_id = ?2 ORDER BY o.name",
        )?,
        used_by: read(
            "SELECT d.id, o.id, o.name, d.port, d.protocol, d.description
             FROM dependencies d JOIN workloads o ON o.id = d.from_workload_id
             WHERE d.engagement_id = ?1 AND d.to_workload_id = ?2 ORDER BY o.name",
        )?,
    })
}

fn as_json(conn: &Connection, engagement_id: i64, id: i64) -> Result<Option<serde_json::Value>, AppError> {
    Ok(conn
        .prepare_cached(
            "SELECT d.id, d.from_workload_id, f.name, d.to_workload_id, t.name, d.port, d.protocol, d.description
             FROM dependencies d JOIN workloads f ON f.id = d.from_workload_id JOIN workloads t ON t.id = d.to_workload_id
             WHERE d.engagement_id = ?1 AND d.id = ?2",
        )?
        .query_row([engagement_id, id], |r| {
            Ok(json!({
                "id": r.get::<_, i64>(0)?,
                "from_id": r.get::<_, i64>(1)?, "from": r.get::<_, String>(2)?,
                "to_id": r.get::<_, i64>(3)?, "to": r.get::<_, String>(4)?,
                "port": r.get::<_, Option<i64>>(5)?, "protocol": r.get::<_, String>(6)?,
                "description": r.get::<_, String>(7)?,
            }))
        })
        .optional()?)
}

/// Records "from depends on to" (updating the details when it exists) and
/// audits it. Both workloads must belong to the engagement.
pub fn add(conn: &Connection, engagement_id: i64, from_id: i64, to_id: i64, d: &Dependency, actor: &str) -> Result<i64, AppError> {
    if let Some(port) = d.port
        && !(1..=65535).contains(&port)
    {
        return Err(AppError::Invalid(format!("port: {port} is not a port number (1 to 65535)")));
    }
    in_transaction(conn, |tx| {
        let id = add_one(tx, engagement_id, from_id, to_id, d, actor)?;
        refresh(tx, engagement_id, Touched::new().workloads(tx, engagement_id, &[from_id, to_id])?)?;
        Ok(id)
    })
}

fn add_one(conn: &Connection, engagement_id: i64, from_id: i64, to_id: i64, d: &Dependency, actor: &str) -> Result<i64, AppError> {
    // Both ends must be in this engagement (ids come from the request).
    crate::db::workloads::get(conn, engagement_id, from_id)?;
    crate::db::workloads::get(conn, engagement_id, to_id)?;
    let existing: Option<i64> = conn
        .prepare_cached("SELECT id FROM dependencies WHERE from_workload_id = ?1 AND to_workload_id = ?2")?
        .query_row([from_id, to_id], |r| r.get(0))
        .optional()?;
    let before = match existing {
        Some(id) => as_json(conn, engagement_id, id)?,
        None => None,
    };
    insert_row(conn, engagement_id, from_id, to_id, d)?;
    let id: i64 = conn
        .prepare_cached("SELECT id FROM dependencies WHERE from_workload_id = ?1 AND to_workload_id = ?2")?
        .query_row([from_id, to_id], |r| r.get(0))?;
    let after = as_json(conn, engagement_id, id)?;
    let action = if before.is_some() { "update" } else { "create" };
    audit(conn, Some(engagement_id), actor, "dependency", Some(id), action, before.as_ref(), after.as_ref())?;
    Ok(id)
}

pub fn remove(conn: &Connection, engagement_id: i64, id: i64, actor: &str) -> Result<(), AppError> {
    in_transaction(conn, |tx| {
        let before = as_json(tx, engagement_id, id)?.ok_or_else(|| AppError::NotFound(format!("dependency {id}")))?;
        let ends: Vec<i64> = ["from_id", "to_id"].iter().filter_map(|k| before[*k].as_i64()).collect();
        tx.prepare_cached("DELETE FROM dependencies WHERE engagement_id = ?1 AND id = ?2")?.execute(params![engagement_id, id])?;
        audit(tx, Some(engagement_id), actor, "dependency", Some(id), "delete", Some(&before), None)?;
        refresh(tx, engagement_id, Touched::new().workloads(tx, engagement_id, &ends)?)?;
        Ok(())
    })
}
