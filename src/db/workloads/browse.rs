//! Browsing the workloads table: the query a consultant builds (search,
//! filters, sort, page), the page of rows it finds through the indexes, and
//! the values the filters offer.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::{SELECT_TABLE_ROW, SELECT_WORKLOAD, from_row, table_row};
use crate::error::AppError;
use crate::inventory::Workload;
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

/// How the table orders by a sortable field.
struct SortColumn {
    /// The SQL expression, from this whitelist, never from the request.
    expr: &'static str,
    /// An (engagement_id, column, name) index holds the order (migrations
    /// 12, 15 and 16), so a page is a walk of index entries, not a sort.
    indexed: bool,
    /// The column is never NULL, so a page can start from a row's key
    /// (keyset paging): a NULL would drop out of the comparison.
    keyed: bool,
}

/// The sort of a field, if the table sorts by it.
fn sort_column(field: &str) -> Option<SortColumn> {
    let f = crate::inventory::field(field)?;
    let (expr, indexed, keyed) = match f.name {
        "application" => ("w.application_name", true, true),
        "name" => ("w.name", true, true),
        "hostname" => ("w.hostname", true, true),
        "environment" => ("w.environment", true, true),
        "role" => ("w.role", true, true),
        "os" => ("w.os", true, true),
        "criticality" => ("w.criticality", true, true),
        "cpu_cores" => ("w.cpu_cores", true, false),
        "ram_gb" => ("w.ram_gb", true, false),
        "storage_gb" => ("w.storage_gb", true, false),
        "os_version" => ("w.os_version", false, false),
        "cpu_util_peak_pct" => ("w.cpu_util_peak_pct", false, false),
        "ram_util_peak_pct" => ("w.ram_util_peak_pct", false, false),
        "cpu_util_p95_pct" => ("w.cpu_util_p95_pct", false, false),
        "ram_util_p95_pct" => ("w.ram_util_p95_pct", false, false),
        "cpu_util_avg_pct" => ("w.cpu_util_avg_pct", false, false),
        "ram_util_avg_pct" => ("w.ram_util_avg_pct", false, false),
        "db_engine" => ("w.db_engine", false, false),
        "db_version" => ("w.db_version", false, false),
        "middleware" => ("w.middleware", false, false),
        "runtime" => ("w.runtime", false, false),
        "license" => ("w.license", false, false),
        "annual_cost" => ("w.annual_cost", false, false),
        "data_classification" => ("w.data_classification", false, false),
        "users" => ("w.users", false, false),
        "notes" => ("w.notes", false, false),
        "powered_off" => ("w.powered_off", false, false),
        _ => return None,
    };
    Some(SortColumn { expr, indexed, keyed })
}

/// The fields whose order an index holds, in the inventory's field order.
pub(super) fn indexed_sorts() -> Vec<&'static str> {
    crate::inventory::WORKLOAD_FIELDS.iter().map(|f| f.name).filter(|f| sort_column(f).is_some_and(|s| s.indexed)).collect()
}

/// The order a field sorts by, as the SQL after ORDER BY: ties go by name
/// (unique in an engagement), as the indexes hold them.
pub(super) fn order_key(field: &str) -> String {
    let expr = sort_column(field).map_or("w.name", |s| s.expr);
    if expr == "w.name" { expr.to_string() } else { format!("{expr}, w.name") }
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

/// The WHERE clause (over `workloads w`) of a query, with its parameters.
///
/// Made once per request and used by every statement of the page (the
/// count, the page, the suggestions waiting): a text search asks the index
/// once, and the workloads it finds are bound to each statement as a list.
pub(crate) struct Filter {
    /// The conditions after the engagement's (each begins " AND ").
    rest: String,
    /// The engagement's id, then the parameters of `rest`.
    args: Vec<rusqlite::types::Value>,
}

impl Filter {
    pub(crate) fn new(conn: &Connection, engagement_id: i64, q: &WorkloadQuery) -> Result<Filter, AppError> {
        use rusqlite::types::Value;
        let mut sql = String::new();
        let mut args = vec![Value::Integer(engagement_id)];
        if !q.q.is_empty() && crate::db::search::indexable(&q.q) && crate::db::search::is_complete(conn, engagement_id)? {
            // Through the trigram index: the same substrings LIKE finds.
            sql.push_str(" AND w.id IN (SELECT value FROM json_each(?))");
            args.push(Value::Text(crate::db::search::matching(conn, &q.q)?));
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
        Ok(Filter { rest: sql, args })
    }

    /// The clause and its parameters.
    ///
    /// With `scan`, the engagement test is written `+w.engagement_id` so SQLite
    /// reads the table in order instead of looking every row up through an
    /// index: when each row must be read anyway (a text search, a sort on a
    /// column without an index) one pass is several times cheaper at 100,000.
    pub(crate) fn clause(&self, scan: bool) -> (String, Vec<rusqlite::types::Value>) {
        let engagement = if scan { "+w.engagement_id = ?" } else { "w.engagement_id = ?" };
        (format!("{engagement}{}", self.rest), self.args.clone())
    }
}

/// The WHERE clause (over `workloads w`) and its parameters for a query
/// (`Filter::clause`), for a statement that runs once.
pub(crate) fn query_filter(
    conn: &Connection,
    engagement_id: i64,
    q: &WorkloadQuery,
    scan: bool,
) -> Result<(String, Vec<rusqlite::types::Value>), AppError> {
    Ok(Filter::new(conn, engagement_id, q)?.clause(scan))
}

/// One page of workloads matching `q`, with the total count.
///
/// Two steps keep deep pages cheap at 100,000 workloads: the page's ids are
/// found first (an index-only walk when the sort column is indexed), then
/// only those rows are read in full.
pub fn search(conn: &Connection, engagement_id: i64, q: &WorkloadQuery) -> Result<WorkloadPage, AppError> {
    let q = q.clone().normalised();
    search_in(conn, engagement_id, &q, &Filter::new(conn, engagement_id, &q)?, Fields::All)
}

/// Which of each workload's fields a page reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fields {
    All,
    /// Only those the workloads table shows (`SELECT_TABLE_ROW`), the
    /// others left empty: less than half the columns, and no join.
    Table,
}

/// `search` of a normalised query with its filter made already
/// (`Filter::new`): the page's other statements share it.
pub(crate) fn search_in(
    conn: &Connection,
    engagement_id: i64,
    q: &WorkloadQuery,
    clause: &Filter,
    fields: Fields,
) -> Result<WorkloadPage, AppError> {
    let (by_key, indexed_sort) = sort_column(&q.sort).map_or((true, true), |s| (s.keyed, s.indexed));
    let narrowed_by_index = !(q.application.is_empty() && q.environment.is_empty() && q.role.is_empty() && q.os.is_empty());
    let count_scan = !q.q.is_empty() && !narrowed_by_index;
    let (filter, args) = clause.clause(count_scan);
    // Unfiltered, the count the triggers keep saves counting every row.
    let total: i64 = if q.q.is_empty() && !narrowed_by_index && !q.pending {
        crate::db::engagements::counts(conn, engagement_id)?.0
    } else {
        conn.prepare_cached(&format!("SELECT COUNT(*) FROM workloads w WHERE {filter}"))?
            .query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?
    };
    let page_scan = !indexed_sort && !narrowed_by_index;
    let (filter, args) = if page_scan == count_scan { (filter, args) } else { clause.clause(page_scan) };
    let pages = ((total + q.per_page - 1) / q.per_page).max(1);
    let page = q.page.min(pages);
    let key = order_key(&q.sort);
    let ascending = !q.descending();
    let run = |cursor: Option<(&str, i64)>, ascending: bool, limit: i64, offset: i64| -> Result<Vec<i64>, AppError> {
        let dir = if ascending { "ASC" } else { "DESC" };
        let mut all = args.clone();
        let mut from_key = String::new();
        if let Some((cmp, id)) = cursor {
            // The row's key is read first and bound as values: SQLite seeks
            // the index on a whole row value only when it is bound, and on
            // its first column alone when it comes from a subquery (a walk
            // through every workload with the same number of cores).
            let columns = key.split(", ").count();
            let of_row: Option<Vec<rusqlite::types::Value>> = conn
                .prepare_cached(&format!("SELECT {key} FROM workloads w WHERE w.engagement_id = ?1 AND w.id = ?2"))?
                .query_row([engagement_id, id], |r| (0..columns).map(|i| r.get(i)).collect())
                .optional()?;
            let Some(of_row) = of_row else { return Ok(Vec::new()) };
            let marks = vec!["?"; columns].join(", ");
            from_key = format!(" AND ({key}) {cmp} ({marks})");
            all.extend(of_row);
        }
        let order_by = key.split(", ").map(|k| format!("{k} {dir}")).collect::<Vec<_>>().join(", ");
        let sql = format!("SELECT w.id FROM workloads w WHERE {filter}{from_key} ORDER BY {order_by} LIMIT ? OFFSET ?");
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
    // A cursor that names no row (deleted since) falls back to the page
    // number: from the nearest page mark when the table is unfiltered.
    let offset = (page - 1) * q.per_page;
    let marked = !q.is_filtered() && offset > 0 && super::marks::MARKED.contains(&q.sort.as_str());
    let ids = match keyed {
        Some(ids) if !ids.is_empty() || total == 0 => ids,
        _ => match marked.then(|| super::marks::start(conn, engagement_id, &q.sort, ascending, offset, q.per_page, total)).transpose()? {
            Some(Some(mark)) => {
                let ids = run(Some((">=", mark.from)), true, mark.take, mark.skip)?;
                if ascending { ids } else { ids.into_iter().rev().collect() }
            }
            _ => run(None, ascending, q.per_page, offset)?,
        },
    };
    let items = in_order(conn, engagement_id, &ids, fields)?;
    Ok(WorkloadPage { items, by_key, total, page, per_page: q.per_page, pages })
}

/// The workloads `ids` of the engagement, in the order given: one
/// statement for the page's rows, not one per row.
fn in_order(conn: &Connection, engagement_id: i64, ids: &[i64], fields: Fields) -> Result<Vec<Workload>, AppError> {
    let list = crate::db::id_list(ids.iter().copied());
    let (select, read): (&str, fn(&rusqlite::Row) -> rusqlite::Result<Workload>) = match fields {
        Fields::All => (SELECT_WORKLOAD, from_row),
        Fields::Table => (SELECT_TABLE_ROW, table_row),
    };
    let mut found: HashMap<i64, Workload> = conn
        .prepare_cached(&format!("{select} WHERE w.engagement_id = ?1 AND w.id IN (SELECT value FROM json_each(?2))"))?
        .query_map(params![engagement_id, list], read)?
        .map(|w| w.map(|w| (w.id, w)))
        .collect::<Result<_, _>>()?;
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
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
