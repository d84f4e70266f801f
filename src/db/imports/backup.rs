//! An engagement read out as one document (the JSON export), and the
//! per-workload tables a backup brings back.

use std::collections::HashMap;

use rusqlite::Connection;
use rusqlite::types::Value as SqlValue;
use serde_json::json;

use crate::db::{applications, dependencies, engagements, workloads};
use crate::error::AppError;
use crate::import::Answer;
use crate::import::backup::{BACKUP_KIND, BACKUP_VERSION, Backup};

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
pub(super) fn restore_rows(
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
