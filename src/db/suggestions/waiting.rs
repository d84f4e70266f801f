//! How many suggestions wait, per kind, and how many fields are conflicts.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::Serialize;

use crate::db::workloads::{Filter, WorkloadQuery};
use crate::enrich::Field;
use crate::error::AppError;

/// How many suggestions wait in the workloads the filter finds, per kind,
/// and how many fields are conflicts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Waiting {
    /// (field, suggestions waiting) for the kinds with any, in `Field::ALL` order.
    pub by_field: Vec<(Field, i64)>,
    pub conflicts: i64,
}

impl Waiting {
    pub fn total(&self) -> i64 {
        self.by_field.iter().map(|(_, n)| n).sum()
    }
}

pub fn waiting(conn: &Connection, engagement_id: i64, query: &WorkloadQuery) -> Result<Waiting, AppError> {
    match kept_if_they_answer(conn, engagement_id, query)? {
        Some(kept) => Ok(kept),
        None => counted(conn, engagement_id, query),
    }
}

/// `waiting` with the query's filter made already (the table page shares
/// it with its other statements).
pub(crate) fn waiting_in(conn: &Connection, engagement_id: i64, query: &WorkloadQuery, filter: &Filter) -> Result<Waiting, AppError> {
    match kept_if_they_answer(conn, engagement_id, query)? {
        Some(kept) => Ok(kept),
        None => counted_in(conn, filter),
    }
}

/// The engagement's kept counts, when they are the answer: the query
/// narrows nothing, or nothing waits in the whole engagement (then a
/// search need not count its workloads' suggestions).
fn kept_if_they_answer(conn: &Connection, engagement_id: i64, query: &WorkloadQuery) -> Result<Option<Waiting>, AppError> {
    let kept = waiting_in_engagement(conn, engagement_id)?;
    Ok((kept.total() == 0 || !narrowed(query)).then_some(kept))
}

/// Only pending suggestions count, so "with suggestions waiting" narrows
/// nothing here.
fn narrowed(query: &WorkloadQuery) -> bool {
    (WorkloadQuery { pending: false, ..query.clone() }).is_filtered()
}

/// With no other filter the counts the triggers keep answer (counting
/// 300,000 suggestions took 0.1 s a request).
fn waiting_in_engagement(conn: &Connection, engagement_id: i64) -> Result<Waiting, AppError> {
    let sql = "SELECT field, pending, conflicts FROM suggestions_waiting WHERE engagement_id = ? AND pending > 0";
    waiting_from(conn, sql, vec![rusqlite::types::Value::Integer(engagement_id)])
}

/// `waiting` counted from the suggestions of the workloads the filter finds.
pub(crate) fn counted(conn: &Connection, engagement_id: i64, query: &WorkloadQuery) -> Result<Waiting, AppError> {
    counted_in(conn, &Filter::new(conn, engagement_id, query)?)
}

fn counted_in(conn: &Connection, filter: &Filter) -> Result<Waiting, AppError> {
    let (filter, args) = filter.clause(false);
    let sql = format!(
        "SELECT s.field, COUNT(*), COUNT(*) - COUNT(DISTINCT s.workload_id) FROM suggestions s JOIN workloads w ON w.id = s.workload_id
         WHERE s.status = 'pending' AND {filter} GROUP BY s.field"
    );
    waiting_from(conn, &sql, args)
}

/// Reads (field, waiting, conflicts) rows.
fn waiting_from(conn: &Connection, sql: &str, args: Vec<rusqlite::types::Value>) -> Result<Waiting, AppError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?;
    let mut out = Waiting::default();
    let mut found: HashMap<Field, i64> = HashMap::new();
    for row in rows {
        let (field, n, extra) = row?;
        if let Some(f) = Field::parse(&field) {
            found.insert(f, n);
            out.conflicts += extra;
        }
    }
    out.by_field = Field::ALL.into_iter().filter_map(|f| found.get(&f).map(|n| (f, *n))).collect();
    Ok(out)
}
