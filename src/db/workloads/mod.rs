//! Workload rows: reading and writing (audited) here, the workloads table
//! (search, filters, sort, pages) in `browse`. Applications are
//! `db::applications`, dependencies `db::dependencies`.

mod browse;
pub mod marks;

pub(crate) use browse::{Fields, Filter, query_filter, search_in};
pub use browse::{FilterColumn, NO_APPLICATION, PAGE_SIZES, WorkloadPage, WorkloadQuery, distinct_values, search};

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde_json::json;

use crate::db::audit;
use crate::db::derived::{Touched, in_transaction, refresh};
use crate::error::{AppError, quoted};
use crate::inventory::Workload;

/// Workload columns in the order `from_row` reads them; `a.name` is the
/// application name from the joined `applications a`.
macro_rules! workload_columns {
    () => {
        "w.id, w.name, w.hostname, COALESCE(a.name, ''), w.environment, w.role,
        w.os, w.os_version, w.cpu_cores, w.ram_gb, w.storage_gb, w.cpu_util_peak_pct, w.ram_util_peak_pct,
        w.db_engine, w.db_version, w.middleware, w.runtime, w.license, w.annual_cost, w.criticality,
        w.data_classification, w.users, w.notes, w.powered_off, w.source, w.version, w.source_id,
        w.cpu_util_p95_pct, w.ram_util_p95_pct, w.cpu_util_avg_pct, w.ram_util_avg_pct"
    };
}
pub const SELECT_WORKLOAD: &str =
    concat!("SELECT ", workload_columns!(), " FROM workloads w LEFT JOIN applications a ON a.id = w.application_id");
/// The same, with the application id after the workload's columns.
pub const SELECT_WORKLOAD_AND_APPLICATION_ID: &str =
    concat!("SELECT ", workload_columns!(), ", w.application_id FROM workloads w LEFT JOIN applications a ON a.id = w.application_id");
/// Where `SELECT_WORKLOAD_AND_APPLICATION_ID` puts the application id.
pub const APPLICATION_ID_COLUMN: usize = 31;

pub fn from_row(r: &Row) -> rusqlite::Result<Workload> {
    Ok(Workload {
        id: r.get(0)?,
        name: r.get(1)?,
        hostname: r.get(2)?,
        application: r.get(3)?,
        environment: r.get(4)?,
        role: r.get(5)?,
        os: r.get(6)?,
        os_version: r.get(7)?,
        cpu_cores: r.get(8)?,
        ram_gb: r.get(9)?,
        storage_gb: r.get(10)?,
        cpu_util_peak_pct: r.get(11)?,
        ram_util_peak_pct: r.get(12)?,
        db_engine: r.get(13)?,
        db_version: r.get(14)?,
        middleware: r.get(15)?,
        runtime: r.get(16)?,
        license: r.get(17)?,
        annual_cost: r.get(18)?,
        criticality: r.get(19)?,
        data_classification: r.get(20)?,
        users: r.get(21)?,
        notes: r.get(22)?,
        powered_off: r.get(23)?,
        source: r.get(24)?,
        version: r.get(25)?,
        source_id: r.get(26)?,
        cpu_util_p95_pct: r.get(27)?,
        ram_util_p95_pct: r.get(28)?,
        cpu_util_avg_pct: r.get(29)?,
        ram_util_avg_pct: r.get(30)?,
        discovered: Default::default(),
    })
}

/// The fields the workloads table shows (`web::workloads::TABLE_FIELDS`)
/// and those discovery suggests (`enrich::Field`, whose state each row
/// shows), with the id, version and power state of each row, read by
/// `table_row`. The application's name is the one kept on the workload
/// (migration 16).
pub const SELECT_TABLE_ROW: &str = "SELECT w.id, w.name, w.hostname, w.application_name, w.environment, w.role, w.os,
    w.cpu_cores, w.ram_gb, w.storage_gb, w.criticality, w.notes, w.powered_off, w.version, w.os_version, w.db_engine
    FROM workloads w";

/// A row of `SELECT_TABLE_ROW`: the other fields are left empty.
pub fn table_row(r: &Row) -> rusqlite::Result<Workload> {
    Ok(Workload {
        id: r.get(0)?,
        name: r.get(1)?,
        hostname: r.get(2)?,
        application: r.get(3)?,
        environment: r.get(4)?,
        role: r.get(5)?,
        os: r.get(6)?,
        cpu_cores: r.get(7)?,
        ram_gb: r.get(8)?,
        storage_gb: r.get(9)?,
        criticality: r.get(10)?,
        notes: r.get(11)?,
        powered_off: r.get(12)?,
        version: r.get(13)?,
        os_version: r.get(14)?,
        db_engine: r.get(15)?,
        ..Workload::default()
    })
}

pub fn get(conn: &Connection, engagement_id: i64, id: i64) -> Result<Workload, AppError> {
    conn.query_row(&format!("{SELECT_WORKLOAD} WHERE w.engagement_id = ?1 AND w.id = ?2"), [engagement_id, id], from_row)
        .optional()?
        .ok_or_else(|| AppError::NotFound(format!("workload {id}")))
}

/// Every workload of the engagement, by name.
pub fn list_all(conn: &Connection, engagement_id: i64) -> Result<Vec<Workload>, AppError> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT_WORKLOAD} WHERE w.engagement_id = ?1 ORDER BY w.name"))?;
    let rows = stmt.query_map([engagement_id], from_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Records the fields a consultant changed on a workload (`before` →
/// `after`). Typing a field's pending suggestion confirms it; typing
/// something else rejects it, so it is not suggested again.
fn mark_edited(conn: &Connection, engagement_id: i64, before: &Workload, after: &Workload) -> Result<(), AppError> {
    for f in crate::inventory::WORKLOAD_FIELDS {
        let value = after.field_text(f.name);
        if before.field_text(f.name) == value {
            continue;
        }
        if let Some(field) = crate::enrich::Field::parse(f.name) {
            let confirmed = conn
                .prepare_cached(
                    "UPDATE suggestions SET status = 'accepted' WHERE workload_id = ?1 AND field = ?2 AND value = ?3 AND status = 'pending'",
                )?
                .execute(params![after.id, field.code(), value])?;
            conn.prepare_cached("UPDATE suggestions SET status = 'rejected' WHERE workload_id = ?1 AND field = ?2 AND status = 'pending'")?
                .execute(params![after.id, field.code()])?;
            if confirmed > 0 {
                continue;
            }
        }
        conn.prepare_cached("INSERT OR IGNORE INTO edited_fields (workload_id, field, engagement_id) VALUES (?1, ?2, ?3)")?
            .execute(params![after.id, f.name, engagement_id])?;
    }
    Ok(())
}

/// What an upsert did to the row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Upsert {
    Created(i64),
    Updated(i64),
}

/// Finds the workload a re-import means: same name, else same non-empty hostname.
pub fn find_existing(conn: &Connection, engagement_id: i64, name: &str, hostname: &str) -> Result<Option<i64>, AppError> {
    let by_name = conn
        .prepare_cached("SELECT id FROM workloads WHERE engagement_id = ?1 AND name = ?2")?
        .query_row(params![engagement_id, name], |r| r.get(0))
        .optional()?;
    if by_name.is_some() || hostname.is_empty() {
        return Ok(by_name);
    }
    Ok(conn
        .prepare_cached("SELECT id FROM workloads WHERE engagement_id = ?1 AND hostname = ?2 LIMIT 1")?
        .query_row(params![engagement_id, hostname], |r| r.get(0))
        .optional()?)
}

/// Inserts the workload, or updates the one with the same name/hostname.
/// Call inside a transaction when writing many.
pub fn upsert(conn: &Connection, engagement_id: i64, w: &Workload) -> Result<Upsert, AppError> {
    let application_id = crate::db::applications::ensure_application(conn, engagement_id, &w.application)?;
    let existing = find_existing(conn, engagement_id, &w.name, &w.hostname)?;
    match existing {
        None => Ok(Upsert::Created(insert_row(conn, engagement_id, application_id, w)?)),
        Some(id) => {
            update_row(conn, engagement_id, id, application_id, w)?;
            crate::db::search::index(conn, id)?;
            Ok(Upsert::Updated(id))
        }
    }
}

/// Saves an edited workload if nobody changed it since `w.version` was read.
pub fn save(conn: &Connection, engagement_id: i64, w: &Workload, actor: &str) -> Result<Workload, AppError> {
    let before = get(conn, engagement_id, w.id)?;
    if before.version != w.version {
        return Err(AppError::Conflict(format!(
            "someone else changed workload {} while you were editing (now version {}); reload to see their change",
            quoted(&before.name),
            before.version
        )));
    }
    if before.name != w.name && find_existing(conn, engagement_id, &w.name, "")?.is_some() {
        return Err(AppError::Conflict(format!("name: a workload called {} already exists", quoted(&w.name))));
    }
    in_transaction(conn, |tx| {
        upsert_by_id(tx, engagement_id, w)?;
        crate::db::search::index(tx, w.id)?;
        let after = get(tx, engagement_id, w.id)?;
        mark_edited(tx, engagement_id, &before, &after)?;
        audit(tx, Some(engagement_id), actor, "workload", Some(w.id), "update", Some(&json!(before)), Some(&json!(after)))?;
        refresh(tx, engagement_id, Touched::new().workload(tx, engagement_id, w.id)?)?;
        Ok(after)
    })
}

fn upsert_by_id(conn: &Connection, engagement_id: i64, w: &Workload) -> Result<(), AppError> {
    let application_id = crate::db::applications::ensure_application(conn, engagement_id, &w.application)?;
    update_row(conn, engagement_id, w.id, application_id, w)
}

/// The workload's fields in the order `insert_row` and `update_row` bind
/// them, as ?3 to ?30 (?1 is the engagement, ?2 the application).
fn field_params(w: &Workload) -> [&dyn rusqlite::ToSql; 28] {
    [
        &w.name,
        &w.hostname,
        &w.environment,
        &w.role,
        &w.os,
        &w.os_version,
        &w.cpu_cores,
        &w.ram_gb,
        &w.storage_gb,
        &w.cpu_util_peak_pct,
        &w.ram_util_peak_pct,
        &w.db_engine,
        &w.db_version,
        &w.middleware,
        &w.runtime,
        &w.license,
        &w.annual_cost,
        &w.criticality,
        &w.data_classification,
        &w.users,
        &w.notes,
        &w.powered_off,
        &w.source,
        &w.source_id,
        &w.cpu_util_p95_pct,
        &w.ram_util_p95_pct,
        &w.cpu_util_avg_pct,
        &w.ram_util_avg_pct,
    ]
}

/// The INSERT of a workload's fields (`field_params`, after the
/// engagement and the application), with the extra columns given.
macro_rules! insert_workload {
    ($columns:literal, $values:literal) => {
        concat!(
            "INSERT INTO workloads (engagement_id, application_id, name, hostname, environment, role, os,
                os_version, cpu_cores, ram_gb, storage_gb, cpu_util_peak_pct, ram_util_peak_pct, db_engine,
                db_version, middleware, runtime, license, annual_cost, criticality, data_classification,
                users, notes, powered_off, source, source_id, cpu_util_p95_pct, ram_util_p95_pct,
                cpu_util_avg_pct, ram_util_avg_pct, application_name",
            $columns,
            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
                ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30,
                COALESCE((SELECT name FROM applications WHERE id = ?2), '')",
            $values,
            ")"
        )
    };
}

/// Inserts `w` as a new row and returns its id (the statement is prepared
/// once per connection). A building block: the caller indexes the text
/// (`db::search`) and derives.
pub fn insert_row(conn: &Connection, engagement_id: i64, application_id: Option<i64>, w: &Workload) -> Result<i64, AppError> {
    // What the insert triggers did before migration 18 (see there why).
    marks::forget(conn, engagement_id)?;
    let mut values: Vec<&dyn rusqlite::ToSql> = vec![&engagement_id, &application_id];
    values.extend(field_params(w));
    conn.prepare_cached(insert_workload!("", ""))?.execute(values.as_slice())?;
    Ok(conn.last_insert_rowid())
}

/// The new workloads of one import, inserted as `insert_row` does, with
/// the engagement's page marks removed once rather than per row and one
/// creation time for all of them (the clock read twice per row was 0.3 s
/// of 100,000 rows).
pub struct NewRows<'c> {
    conn: &'c Connection,
    engagement_id: i64,
    at: String,
    marks_forgotten: bool,
}

impl<'c> NewRows<'c> {
    pub fn new(conn: &'c Connection, engagement_id: i64) -> Result<Self, AppError> {
        let at: String = conn.query_row("SELECT strftime('%Y-%m-%dT%H:%M:%SZ', 'now')", [], |r| r.get(0))?;
        Ok(NewRows { conn, engagement_id, at, marks_forgotten: false })
    }

    /// Inserts `w` and returns its id.
    pub fn insert(&mut self, application_id: Option<i64>, w: &Workload) -> Result<i64, AppError> {
        if !self.marks_forgotten {
            marks::forget(self.conn, self.engagement_id)?;
            self.marks_forgotten = true;
        }
        let mut values: Vec<&dyn rusqlite::ToSql> = vec![&self.engagement_id, &application_id];
        values.extend(field_params(w));
        values.push(&self.at);
        self.conn.prepare_cached(insert_workload!(", created_at, updated_at", ", ?31, ?31"))?.execute(values.as_slice())?;
        Ok(self.conn.last_insert_rowid())
    }
}

/// Writes every field of `w` into the row `id` (addressed by id so renames
/// work); an empty source id keeps the one the row has.
pub fn update_row(conn: &Connection, engagement_id: i64, id: i64, application_id: Option<i64>, w: &Workload) -> Result<(), AppError> {
    let mut values: Vec<&dyn rusqlite::ToSql> = vec![&engagement_id, &application_id];
    values.extend(field_params(w));
    values.push(&id);
    conn.prepare_cached(
        "UPDATE workloads SET application_id = ?2, name = ?3, hostname = ?4, environment = ?5, role = ?6,
            os = ?7, os_version = ?8, cpu_cores = ?9, ram_gb = ?10, storage_gb = ?11,
            cpu_util_peak_pct = ?12, ram_util_peak_pct = ?13, db_engine = ?14, db_version = ?15,
            middleware = ?16, runtime = ?17, license = ?18, annual_cost = ?19, criticality = ?20,
            data_classification = ?21, users = ?22, notes = ?23, powered_off = ?24, source = ?25,
            source_id = CASE WHEN ?26 = '' THEN source_id ELSE ?26 END,
            cpu_util_p95_pct = ?27, ram_util_p95_pct = ?28, cpu_util_avg_pct = ?29, ram_util_avg_pct = ?30,
            version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
         WHERE engagement_id = ?1 AND id = ?31",
    )?
    .execute(values.as_slice())?;
    Ok(())
}

pub fn create(conn: &Connection, engagement_id: i64, w: &Workload, actor: &str) -> Result<Workload, AppError> {
    if find_existing(conn, engagement_id, &w.name, "")?.is_some() {
        return Err(AppError::Conflict(format!("name: a workload called {} already exists", quoted(&w.name))));
    }
    in_transaction(conn, |tx| {
        let Upsert::Created(id) = upsert(tx, engagement_id, w)? else {
            return Err(AppError::Conflict(format!("a workload with hostname {} already exists", quoted(&w.hostname))));
        };
        crate::db::search::index(tx, id)?;
        let created = get(tx, engagement_id, id)?;
        // Every value of a workload added by hand is typed.
        mark_edited(tx, engagement_id, &Workload { id, ..Workload::default() }, &created)?;
        audit(tx, Some(engagement_id), actor, "workload", Some(id), "create", None, Some(&json!(created)))?;
        refresh(tx, engagement_id, Touched::new().workload(tx, engagement_id, id)?)?;
        Ok(created)
    })
}

pub fn delete(conn: &Connection, engagement_id: i64, id: i64, actor: &str) -> Result<(), AppError> {
    in_transaction(conn, |tx| {
        let before = get(tx, engagement_id, id)?;
        // Its dependencies go with it: the groups at their other ends too.
        let touched = Touched::new().workload(tx, engagement_id, id)?.partners(tx, engagement_id, id)?;
        tx.execute("DELETE FROM workloads WHERE engagement_id = ?1 AND id = ?2", [engagement_id, id])?;
        crate::db::search::unindex(tx, id)?;
        audit(tx, Some(engagement_id), actor, "workload", Some(id), "delete", Some(&json!(before)), None)?;
        refresh(tx, engagement_id, touched)?;
        Ok(())
    })
}

/// Puts the given workloads into the application called `application`
/// (created when missing; empty takes them out of any application). One
/// audit row per workload that changed. Returns how many changed.
pub fn assign_application(
    conn: &Connection,
    engagement_id: i64,
    workload_ids: &[i64],
    application: &str,
    actor: &str,
) -> Result<usize, AppError> {
    in_transaction(conn, |tx| {
        let changed = assign_each(tx, engagement_id, workload_ids, application, actor)?;
        refresh(tx, engagement_id, Touched::new().workloads(tx, engagement_id, workload_ids)?)?;
        Ok(changed)
    })
}

fn assign_each(conn: &Connection, engagement_id: i64, workload_ids: &[i64], application: &str, actor: &str) -> Result<usize, AppError> {
    let application_id = crate::db::applications::ensure_audited(conn, engagement_id, application, actor)?;
    let mut changed = 0;
    for &id in workload_ids {
        let before = get(conn, engagement_id, id)?;
        if before.application == application.trim() {
            continue;
        }
        conn.prepare_cached(
            "UPDATE workloads SET application_id = ?3, version = version + 1,
                updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
             WHERE engagement_id = ?1 AND id = ?2",
        )?
        .execute(params![engagement_id, id, application_id])?;
        let after = get(conn, engagement_id, id)?;
        mark_edited(conn, engagement_id, &before, &after)?;
        audit(conn, Some(engagement_id), actor, "workload", Some(id), "update", Some(&json!(before)), Some(&json!(after)))?;
        changed += 1;
    }
    Ok(changed)
}

/// Finds a workload of the engagement by exact name, else by hostname.
pub fn find_by_name_or_hostname(conn: &Connection, engagement_id: i64, text: &str) -> Result<Option<Workload>, AppError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match find_existing(conn, engagement_id, text, text)? {
        Some(id) => Ok(Some(get(conn, engagement_id, id)?)),
        None => Ok(None),
    }
}
