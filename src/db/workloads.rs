//! Workload rows: reading, writing (audited), and the workloads table
//! (search, filters, sort, pages). Applications are `db::applications`,
//! dependencies `db::dependencies`.

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

/// Inserts `w` as a new row and returns its id (the bulk import calls this
/// per row; the statement is prepared once per connection). A building
/// block: the caller indexes the text (`db::search`) and derives.
pub fn insert_row(conn: &Connection, engagement_id: i64, application_id: Option<i64>, w: &Workload) -> Result<i64, AppError> {
    conn.prepare_cached(
        "INSERT INTO workloads (engagement_id, application_id, name, hostname, environment, role, os,
            os_version, cpu_cores, ram_gb, storage_gb, cpu_util_peak_pct, ram_util_peak_pct, db_engine,
            db_version, middleware, runtime, license, annual_cost, criticality, data_classification,
            users, notes, powered_off, source, source_id, cpu_util_p95_pct, ram_util_p95_pct,
            cpu_util_avg_pct, ram_util_avg_pct)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
            ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30)",
    )?
    .execute(params![
        engagement_id,
        application_id,
        w.name,
        w.hostname,
        w.environment,
        w.role,
        w.os,
        w.os_version,
        w.cpu_cores,
        w.ram_gb,
        w.storage_gb,
        w.cpu_util_peak_pct,
        w.ram_util_peak_pct,
        w.db_engine,
        w.db_version,
        w.middleware,
        w.runtime,
        w.license,
        w.annual_cost,
        w.criticality,
        w.data_classification,
        w.users,
        w.notes,
        w.powered_off,
        w.source,
        w.source_id,
        w.cpu_util_p95_pct,
        w.ram_util_p95_pct,
        w.cpu_util_avg_pct,
        w.ram_util_avg_pct,
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Writes every field of `w` into the row `id` (addressed by id so renames
/// work); an empty source id keeps the one the row has.
pub fn update_row(conn: &Connection, engagement_id: i64, id: i64, application_id: Option<i64>, w: &Workload) -> Result<(), AppError> {
    conn.prepare_cached(
        "UPDATE workloads SET application_id = ?2, name = ?3, hostname = ?4, environment = ?5, role = ?6,
            os = ?7, os_version = ?8, cpu_cores = ?9, ram_gb = ?10, storage_gb = ?11,
            cpu_util_peak_pct = ?12, ram_util_peak_pct = ?13, db_engine = ?14, db_version = ?15,
            middleware = ?16, runtime = ?17, license = ?18, annual_cost = ?19, criticality = ?20,
            data_classification = ?21, users = ?22, notes = ?23, powered_off = ?24, source = ?25,
            source_id = CASE WHEN ?27 = '' THEN source_id ELSE ?27 END,
            cpu_util_p95_pct = ?28, ram_util_p95_pct = ?29, cpu_util_avg_pct = ?30, ram_util_avg_pct = ?31,
            version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
         WHERE engagement_id = ?1 AND id = ?26",
    )?
    .execute(params![
        engagement_id,
        application_id,
        w.name,
        w.hostname,
        w.environment,
        w.role,
        w.os,
        w.os_version,
        w.cpu_cores,
        w.ram_gb,
        w.storage_gb,
        w.cpu_util_peak_pct,
        w.ram_util_peak_pct,
        w.db_engine,
        w.db_version,
        w.middleware,
        w.runtime,
        w.license,
        w.annual_cost,
        w.criticality,
        w.data_classification,
        w.users,
        w.notes,
        w.powered_off,
        w.source,
        id,
        w.source_id,
        w.cpu_util_p95_pct,
        w.ram_util_p95_pct,
        w.cpu_util_avg_pct,
        w.ram_util_avg_pct,
    ])?;
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

// ---------------------------------------------------------------------------
// Browsing: the workloads table (search, filters, sort, pages).

/// Page sizes the workloads table offers; anything else falls back to the first.
pub const PAGE_SIZES: &[i64] = &[50, 100, 200];

/// The application filter value that means "workloads in no application".
pub const NO_APPLICATION: &str = "-";

/// What the consultant asked the workloads table for. Built from the query
/// string; every value is used as a bound parameter or checked against a
/// whitelist, never spliced into SQL.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct WorkloadQuery {
    /// Free text matched against name, hostname and notes.
    pub q: String,
    pub application: String,
    pub environment: String,
    pub role: String,
    pub os: String,
    /// Only workloads with discovery suggestions waiting for a decision.
    pub pending: bool,
    /// A workload field name (see `inventory::WORKLOAD_FIELDS`).
    pub sort: String,
    /// "asc" or "desc".
    pub dir: String,
    /// 1-based.
    pub page: i64,
    pub per_page: i64,
    /// Where the page starts, when the pager's links say (keyset paging):
    /// right after, or right before, this workload in the sort order, or
    /// at the end. A deep page is then found through the index, not by
    /// counting every row before it; `page` only labels it.
    pub after: Option<i64>,
    pub before: Option<i64>,
    pub end: bool,
}

impl Default for WorkloadQuery {
    fn default() -> Self {
        WorkloadQuery {
            q: String::new(),
            application: String::new(),
            environment: String::new(),
            role: String::new(),
            os: String::new(),
            pending: false,
            sort: "name".into(),
            dir: "asc".into(),
            page: 1,
            per_page: PAGE_SIZES[0],
            after: None,
            before: None,
            end: false,
        }
    }
}

impl WorkloadQuery {
    /// The same query with out-of-range values replaced by defaults, so a
    /// hand-edited URL still shows a sensible page.
    pub fn normalised(mut self) -> WorkloadQuery {
        if sort_column(&self.sort).is_none() {
            self.sort = "name".into();
        }
        if self.dir != "desc" {
            self.dir = "asc".into();
        }
        if !PAGE_SIZES.contains(&self.per_page) {
            self.per_page = PAGE_SIZES[0];
        }
        self.page = self.page.max(1);
        self.q = self.q.trim().to_string();
        self
    }

    pub fn descending(&self) -> bool {
        self.dir == "desc"
    }

    /// True when a search or filter narrows the list.
    pub fn is_filtered(&self) -> bool {
        !(self.q.is_empty()
            && self.application.is_empty()
            && self.environment.is_empty()
            && self.role.is_empty()
            && self.os.is_empty()
            && !self.pending)
    }
}

/// The SQL expression a sortable field orders by. The returned text comes
/// from this whitelist, never from the request.
fn sort_column(field: &str) -> Option<&'static str> {
    let f = crate::inventory::field(field)?;
    Some(match f.name {
        "application" => "a.name",
        "name" => "w.name",
        "hostname" => "w.hostname",
        "environment" => "w.environment",
        "role" => "w.role",
        "os" => "w.os",
        "os_version" => "w.os_version",
        "cpu_cores" => "w.cpu_cores",
        "ram_gb" => "w.ram_gb",
        "storage_gb" => "w.storage_gb",
        "cpu_util_peak_pct" => "w.cpu_util_peak_pct",
        "ram_util_peak_pct" => "w.ram_util_peak_pct",
        "cpu_util_p95_pct" => "w.cpu_util_p95_pct",
        "ram_util_p95_pct" => "w.ram_util_p95_pct",
        "cpu_util_avg_pct" => "w.cpu_util_avg_pct",
        "ram_util_avg_pct" => "w.ram_util_avg_pct",
        "db_engine" => "w.db_engine",
        "db_version" => "w.db_version",
        "middleware" => "w.middleware",
        "runtime" => "w.runtime",
        "license" => "w.license",
        "annual_cost" => "w.annual_cost",
        "criticality" => "w.criticality",
        "data_classification" => "w.data_classification",
        "users" => "w.users",
        "notes" => "w.notes",
        "powered_off" => "w.powered_off",
        _ => return None,
    })
}

/// One page of the workloads table.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WorkloadPage {
    pub items: Vec<Workload>,
    /// The sort order can be paged by key (`WorkloadQuery::after`...).
    pub by_key: bool,
    /// Rows matching the search and filters, over all pages.
    pub total: i64,
    /// The page actually shown (clamped to the last page).
    pub page: i64,
    pub per_page: i64,
    pub pages: i64,
}

/// The WHERE clause (over `workloads w`) and its parameters for a query.
///
/// With `scan`, the engagement test is written `+w.engagement_id` so SQLite
/// reads the table in order instead of looking every row up through an
/// index: when each row must be read anyway (a text search, a sort on a
/// column without an index) one pass is several times cheaper at 100,000.
pub(crate) fn query_filter(
    conn: &Connection,
    engagement_id: i64,
    q: &WorkloadQuery,
    scan: bool,
) -> Result<(String, Vec<rusqlite::types::Value>), AppError> {
    use rusqlite::types::Value;
    let mut sql = String::from(if scan { "+w.engagement_id = ?" } else { "w.engagement_id = ?" });
    let mut args = vec![Value::Integer(engagement_id)];
    if !q.q.is_empty() && crate::db::search::indexable(&q.q) && crate::db::search::is_complete(conn, engagement_id)? {
        // Through the trigram index: the same substrings LIKE finds.
        sql.push_str(" AND w.id IN (SELECT rowid FROM workload_text WHERE workload_text MATCH ?)");
        args.push(Value::Text(crate::db::search::phrase(&q.q)));
    } else if !q.q.is_empty() {
        sql.push_str(" AND (w.name LIKE ? ESCAPE '\\' OR w.hostname LIKE ? ESCAPE '\\' OR w.notes LIKE ? ESCAPE '\\')");
        let pattern = crate::db::like_pattern(&q.q);
        args.extend([Value::Text(pattern.clone()), Value::Text(pattern.clone()), Value::Text(pattern)]);
    }
    if q.application == NO_APPLICATION {
        sql.push_str(" AND w.application_id IS NULL");
    } else if !q.application.is_empty() {
        let id: Option<i64> = conn
            .prepare_cached("SELECT id FROM applications WHERE engagement_id = ?1 AND name = ?2")?
            .query_row(params![engagement_id, q.application], |r| r.get(0))
            .optional()?;
        sql.push_str(" AND w.application_id = ?");
        args.push(Value::Integer(id.unwrap_or(-1)));
    }
    for (column, value) in [("w.environment", &q.environment), ("w.role", &q.role), ("w.os", &q.os)] {
        if !value.is_empty() {
            sql.push_str(&format!(" AND {column} = ?"));
            args.push(Value::Text(value.clone()));
        }
    }
    if q.pending {
        sql.push_str(" AND EXISTS (SELECT 1 FROM suggestions s WHERE s.workload_id = w.id AND s.status = 'pending')");
    }
    Ok((sql, args))
}

/// One page of workloads matching `q`, with the total count.
///
/// Two steps keep deep pages cheap at 100,000 workloads: the page's ids are
/// found first (an index-only walk when the sort column is indexed), then
/// only those rows are read in full.
pub fn search(conn: &Connection, engagement_id: i64, q: &WorkloadQuery) -> Result<WorkloadPage, AppError> {
    let q = q.clone().normalised();
    // Columns with an (engagement_id, column, name) index (migrations 12 and
    // 15); the application's name is walked through the applications' index.
    // Keys never NULL page by key; a NULL would drop out of the comparison.
    let by_key = matches!(q.sort.as_str(), "name" | "hostname" | "environment" | "role" | "os" | "criticality");
    let indexed_sort = by_key || matches!(q.sort.as_str(), "cpu_cores" | "ram_gb" | "storage_gb" | "application");
    let narrowed_by_index = !(q.application.is_empty() && q.environment.is_empty() && q.role.is_empty() && q.os.is_empty());
    let count_scan = !q.q.is_empty() && !narrowed_by_index;
    let (filter, args) = query_filter(conn, engagement_id, &q, count_scan)?;
    // Unfiltered, the count the triggers keep saves counting every row.
    let total: i64 = if q.q.is_empty() && !narrowed_by_index && !q.pending {
        super::engagements::counts(conn, engagement_id)?.0
    } else {
        conn.prepare_cached(&format!("SELECT COUNT(*) FROM workloads w WHERE {filter}"))?
            .query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?
    };
    let page_scan = !indexed_sort && !narrowed_by_index;
    let (filter, args) = if page_scan == count_scan { (filter, args) } else { query_filter(conn, engagement_id, &q, page_scan)? };
    let pages = ((total + q.per_page - 1) / q.per_page).max(1);
    let page = q.page.min(pages);
    let order = sort_column(&q.sort).unwrap_or("w.name");
    // Ties go by name (unique in an engagement), as the indexes hold them.
    let key = if order == "w.name" { "w.name".to_string() } else { format!("{order}, w.name") };
    let ascending = !q.descending();
    let run = |cursor: Option<(&str, i64)>, ascending: bool, limit: i64, offset: i64| -> Result<Vec<i64>, AppError> {
        let dir = if ascending { "ASC" } else { "DESC" };
        let mut all = args.clone();
        let sql = if order == "a.name" {
            // The workloads without an application (a NULL name sorts
            // first), then each application's in name order: two index walks
            // SQLite merges, where a join sorted 100,000 rows per page. Not
            // paged by key (`by_key` is false).
            all.push(rusqlite::types::Value::Integer(engagement_id));
            all.extend(args.iter().cloned());
            format!(
                "SELECT w.id, NULL, w.name FROM workloads w WHERE {filter} AND w.application_id IS NULL
                 UNION ALL SELECT w.id, a.name, w.name FROM applications a JOIN workloads w ON w.application_id = a.id
                 WHERE a.engagement_id = ? AND {filter} ORDER BY 2 {dir}, 3 {dir} LIMIT ? OFFSET ?"
            )
        } else {
            let mut from_key = String::new();
            if let Some((cmp, id)) = cursor {
                let of_row = key.replace("w.", "c.");
                from_key = format!(" AND ({key}) {cmp} (SELECT {of_row} FROM workloads c WHERE c.engagement_id = ? AND c.id = ?)");
                all.extend([rusqlite::types::Value::Integer(engagement_id), rusqlite::types::Value::Integer(id)]);
            }
            let order_by = key.split(", ").map(|k| format!("{k} {dir}")).collect::<Vec<_>>().join(", ");
            format!("SELECT w.id FROM workloads w WHERE {filter}{from_key} ORDER BY {order_by} LIMIT ? OFFSET ?")
        };
        all.extend([rusqlite::types::Value::Integer(limit), rusqlite::types::Value::Integer(offset)]);
        Ok(conn.prepare_cached(&sql)?.query_map(rusqlite::params_from_iter(all.iter()), |r| r.get(0))?.collect::<Result<_, _>>()?)
    };
    let forward = if ascending { ">" } else { "<" };
    let backward = if ascending { "<" } else { ">" };
    let keyed = match (by_key, q.after, q.before, q.end) {
        (true, Some(id), _, _) => Some(run(Some((forward, id)), ascending, q.per_page, 0)?),
        (true, None, Some(id), _) => Some(run(Some((backward, id)), !ascending, q.per_page, 0)?.into_iter().rev().collect()),
        (true, None, None, true) => {
            let on_last = total - (pages - 1) * q.per_page;
            Some(run(None, !ascending, on_last.max(0), 0)?.into_iter().rev().collect())
        }
        _ => None,
    };
    // A cursor that names no row (deleted since) falls back to the page number.
    let ids = match keyed {
        Some(ids) if !ids.is_empty() || total == 0 => ids,
        _ => run(None, ascending, q.per_page, (page - 1) * q.per_page)?,
    };
    let mut by_id = conn.prepare_cached(&format!("{SELECT_WORKLOAD} WHERE w.id = ?1 AND w.engagement_id = ?2"))?;
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        items.push(by_id.query_row([id, engagement_id], from_row)?);
    }
    Ok(WorkloadPage { items, by_key, total, page, per_page: q.per_page, pages })
}

/// A column the workloads table can be filtered by exact value.
#[derive(Debug, Clone, Copy)]
pub enum FilterColumn {
    Environment,
    Role,
    Os,
}

/// The distinct non-empty values of a column, sorted. Walks the column's
/// index one distinct value at a time (a "skip scan"), so it costs one seek
/// per value rather than a pass over every workload.
pub fn distinct_values(conn: &Connection, engagement_id: i64, column: FilterColumn) -> Result<Vec<String>, AppError> {
    let col = match column {
        FilterColumn::Environment => "environment",
        FilterColumn::Role => "role",
        FilterColumn::Os => "os",
    };
    let sql = format!(
        "WITH RECURSIVE v(x) AS (
            SELECT MIN({col}) FROM workloads WHERE engagement_id = ?1 AND {col} > ''
            UNION ALL
            SELECT (SELECT MIN({col}) FROM workloads WHERE engagement_id = ?1 AND {col} > v.x) FROM v WHERE v.x IS NOT NULL
         ) SELECT x FROM v WHERE x IS NOT NULL"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([engagement_id], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
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
