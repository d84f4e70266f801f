//! What the dashboard and the questionnaire read, at any size: the
//! engagement's figures (kept by `db::derived`), a page of workloads with
//! their assessment through the indexes, the applications with their
//! questionnaire progress. Nothing here computes a score.

use std::collections::HashSet;

use rusqlite::types::Value;
use rusqlite::{Connection, params, params_from_iter};

use crate::db::derived::figures::{self, Figures, LOW_CONFIDENCE_BELOW, TOTALS};
use crate::db::workloads::marks;
use crate::error::AppError;
use crate::knowledge::Date;
use crate::scoring::{Reason, Severity};
use crate::strategy::Strategy;

/// "high", "medium" or "low": how sure the recommendation is.
pub fn confidence_band(c: f64) -> &'static str {
    if c >= 0.8 {
        "high"
    } else if c >= LOW_CONFIDENCE_BELOW {
        "medium"
    } else {
        "low"
    }
}

/// Which workloads the dashboard's table shows. Every value is bound as a
/// parameter; one that names nothing (an unknown strategy) keeps no row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowFilter {
    /// A strategy code: the strategy in effect.
    pub strategy: String,
    pub application: ApplicationFilter,
    /// Part of the application's name, any case.
    pub application_name: String,
    pub environment: String,
    /// "high", "medium" or "low" (`confidence_band`).
    pub confidence: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub enum ApplicationFilter {
    #[default]
    Any,
    Id(i64),
    /// Workloads without an application.
    None,
    /// A value that names no application: nothing matches.
    Nothing,
}

impl RowFilter {
    pub fn is_empty(&self) -> bool {
        *self == RowFilter::default()
    }

    /// The WHERE clause over `workloads w` and `assessments a`, its parameters,
    /// and whether it needs the assessment.
    fn sql(&self, engagement_id: i64) -> (String, Vec<Value>) {
        let mut sql = String::from("w.engagement_id = ?");
        let mut args = vec![Value::Integer(engagement_id)];
        if !self.strategy.is_empty() {
            sql.push_str(" AND a.engagement_id = ? AND a.effective = ?");
            args.extend([Value::Integer(engagement_id), Value::Text(self.strategy.clone())]);
        }
        match self.application {
            ApplicationFilter::Any => {}
            ApplicationFilter::Id(id) => {
                sql.push_str(" AND w.application_id = ?");
                args.push(Value::Integer(id));
            }
            ApplicationFilter::None => sql.push_str(" AND w.application_id IS NULL"),
            ApplicationFilter::Nothing => sql.push_str(" AND 0"),
        }
        let needle = self.application_name.trim();
        if !needle.is_empty() {
            sql.push_str(" AND w.application_id IN (SELECT id FROM applications WHERE engagement_id = ? AND name LIKE ? ESCAPE '\\')");
            args.extend([Value::Integer(engagement_id), Value::Text(crate::db::like_pattern(needle))]);
        }
        if !self.environment.is_empty() {
            sql.push_str(" AND w.environment = ?");
            args.push(Value::Text(self.environment.clone()));
        }
        match self.confidence.as_str() {
            "" => {}
            "high" => sql.push_str(" AND a.confidence >= 0.8"),
            "medium" => sql.push_str(&format!(" AND a.confidence >= {LOW_CONFIDENCE_BELOW} AND a.confidence < 0.8")),
            "low" => sql.push_str(&format!(" AND (a.confidence IS NULL OR a.confidence < {LOW_CONFIDENCE_BELOW})")),
            _ => sql.push_str(" AND 0"),
        }
        (sql, args)
    }
}

/// One row of the dashboard's table.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DashboardRow {
    pub id: i64,
    pub name: String,
    pub application: String,
    pub application_id: Option<i64>,
    pub environment: String,
    pub recommended: Option<Strategy>,
    pub decided: Option<Strategy>,
    pub confidence: f64,
    pub top_risk: Option<Severity>,
    /// The reason that sums the recommendation up.
    pub main_reason: Option<Reason>,
}

impl DashboardRow {
    /// The strategy it goes with: the decision, else the recommendation.
    pub fn effective(&self) -> Option<Strategy> {
        self.decided.or(self.recommended)
    }
}

/// How many workloads the filter keeps.
pub fn matching(conn: &Connection, engagement_id: i64, filter: &RowFilter) -> Result<i64, AppError> {
    let pending = crate::db::derived::progress(conn, engagement_id)?.is_some();
    if filter.is_empty() {
        return Ok(super::engagements::counts(conn, engagement_id)?.0);
    }
    // A strategy alone: the engagement's figures count it.
    if let (false, Some(s)) = (pending, Strategy::parse(&filter.strategy))
        && *filter == (RowFilter { strategy: filter.strategy.clone(), ..RowFilter::default() })
    {
        return Ok(figures::get(conn, engagement_id, TOTALS)?.effective(s));
    }
    let (condition, args) = filter.sql(engagement_id);
    let sql = format!("SELECT COUNT(*) FROM workloads w LEFT JOIN assessments a ON a.workload_id = w.id WHERE {condition}");
    Ok(conn.prepare_cached(&sql)?.query_row(params_from_iter(args), |r| r.get(0))?)
}

/// Where a page of rows starts in name order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Start {
    /// After skipping this many rows.
    Offset(i64),
    /// Right after (before) the workload with this id: the pager's next
    /// (previous) link, found through the index however deep.
    After(i64),
    Before(i64),
    /// From the workload with this id (included), skipping this many rows.
    From(i64, i64),
    /// The last rows.
    End,
}

/// `limit` rows the filter keeps, from `start`, by name.
pub fn rows(conn: &Connection, engagement_id: i64, filter: &RowFilter, start: Start, limit: i64) -> Result<Vec<DashboardRow>, AppError> {
    let (condition, mut args) = filter.sql(engagement_id);
    // With a strategy the index of assessments by strategy and name gives
    // the order; else the workloads' by name.
    let (join, order) = if filter.strategy.is_empty() { ("LEFT JOIN", "w.name") } else { ("JOIN", "a.name") };
    let key = |cmp: &str| format!(" AND {order} {cmp} (SELECT name FROM workloads WHERE engagement_id = ? AND id = ?)");
    // Unfiltered, a deep page starts from the nearest page mark of the name
    // order (db::workloads::marks) instead of counting every row before it.
    let start = match start {
        Start::Offset(n) if filter.is_empty() && n > 0 => match marks::start(conn, engagement_id, "name", true, n, limit, 0)? {
            Some(mark) => Start::From(mark.from, mark.skip),
            None => start,
        },
        _ => start,
    };
    let (cursor, dir, offset) = match start {
        Start::Offset(n) => (String::new(), "ASC", n),
        Start::From(_, skip) => (key(">="), "ASC", skip),
        Start::After(_) => (key(">"), "ASC", 0),
        Start::Before(_) => (key("<"), "DESC", 0),
        Start::End => (String::new(), "DESC", 0),
    };
    if let Start::After(id) | Start::Before(id) | Start::From(id, _) = start {
        args.extend([Value::Integer(engagement_id), Value::Integer(id)]);
    }
    // The page's rows are picked first, reading only what the filter and
    // the order need (an index walk, however deep the page), then read in
    // full: joined for every row skipped, a deep page cost 0.1 s at 100,000.
    let sql = format!(
        "SELECT w.id, w.name, COALESCE(p.name, ''), w.application_id, w.environment, a.recommended, a.decided, a.confidence,
            a.top_risk, a.main_reason_detail
         FROM workloads w {join} assessments a ON a.workload_id = w.id LEFT JOIN applications p ON p.id = w.application_id
         WHERE w.id IN (SELECT w.id FROM workloads w {join} assessments a ON a.workload_id = w.id
                        WHERE {condition}{cursor} ORDER BY {order} {dir} LIMIT ? OFFSET ?)
         ORDER BY {order} {dir}"
    );
    args.extend([Value::Integer(limit), Value::Integer(offset)]);
    let mut stmt = conn.prepare_cached(&sql)?;
    let strategy = |v: Option<String>| v.and_then(|c| Strategy::parse(&c));
    let rows = stmt.query_map(params_from_iter(args), |r| {
        Ok(DashboardRow {
            id: r.get(0)?,
            name: r.get(1)?,
            application: r.get(2)?,
            application_id: r.get(3)?,
            environment: r.get(4)?,
            recommended: strategy(r.get(5)?),
            decided: strategy(r.get(6)?),
            confidence: r.get::<_, Option<f64>>(7)?.unwrap_or(0.0),
            top_risk: r.get::<_, Option<String>>(8)?.and_then(|c| Severity::ALL.into_iter().find(|s| s.code() == c)),
            main_reason: r.get::<_, Option<String>>(9)?.and_then(|json| serde_json::from_str(&json).ok()),
        })
    })?;
    let mut rows: Vec<DashboardRow> = rows.collect::<Result<_, _>>()?;
    if dir == "DESC" {
        rows.reverse();
    }
    Ok(rows)
}

/// An application with its questionnaire progress and roll-up.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationSummary {
    pub id: i64,
    pub name: String,
    pub workloads: usize,
    /// Evidence questions answered for the application.
    pub answered: usize,
    /// The strategy most of its workloads are recommended.
    pub recommended: Option<Strategy>,
}

/// The applications whose name contains `search` (any case), `limit` of
/// them from `offset` by name, with their figures, and how many match.
pub fn applications(
    conn: &Connection,
    engagement_id: i64,
    search: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ApplicationSummary>, i64), AppError> {
    let (found, total) = super::applications::find_with_counts(conn, engagement_id, search.trim(), offset, limit)?;
    let mut out = Vec::with_capacity(found.len());
    for a in found {
        let f = figures::get(conn, engagement_id, a.application.id)?;
        out.push(ApplicationSummary {
            id: a.application.id,
            name: a.application.name,
            workloads: a.workloads as usize,
            answered: f.answered() as usize,
            recommended: f.application_strategy(Figures::recommended),
        })
    }
    Ok((out, total))
}

/// The ids of every application whose name contains `search` (any case).
pub fn application_ids(conn: &Connection, engagement_id: i64, search: &str) -> Result<Vec<i64>, AppError> {
    let pattern = crate::db::like_pattern(search.trim());
    let mut stmt =
        conn.prepare_cached("SELECT id FROM applications WHERE engagement_id = ?1 AND name LIKE ?2 ESCAPE '\\' ORDER BY name")?;
    let rows = stmt.query_map(params![engagement_id, pattern], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many workloads reach their earliest dated end of support (OS or
/// database) on each date: what the end-of-support timeline counts. Kept
/// by triggers on the assessments (migration 15): a few rows, however many
/// workloads.
pub fn end_of_support(conn: &Connection, engagement_id: i64) -> Result<Vec<(Date, usize)>, AppError> {
    let mut stmt =
        conn.prepare_cached("SELECT day, workloads FROM end_of_support_counts WHERE engagement_id = ?1 AND workloads > 0 ORDER BY day")?;
    let mut out = Vec::new();
    for row in stmt.query_map([engagement_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))? {
        let (date, n) = row?;
        if let Some(d) = Date::parse(&date) {
            out.push((d, n as usize));
        }
    }
    Ok(out)
}

/// A workload offered for selection on the questionnaire.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadChoice {
    pub id: i64,
    pub name: String,
    pub application: String,
    pub environment: String,
    pub recommended: Option<Strategy>,
}

/// Up to `limit` workloads offered for selection: without a search the
/// first by name; with one, those whose name starts with `prefix`, then the
/// workloads of `applications` (the applications the search found, in
/// order). Every query follows an index and stops at `limit`: a search
/// never scans 100,000 names.
pub fn workload_choices(
    conn: &Connection,
    engagement_id: i64,
    prefix: &str,
    applications: &[i64],
    limit: usize,
) -> Result<Vec<WorkloadChoice>, AppError> {
    const SELECT: &str = "SELECT w.id, w.name, COALESCE(p.name, ''), w.environment, a.recommended
         FROM workloads w
         LEFT JOIN applications p ON p.id = w.application_id
         LEFT JOIN assessments a ON a.workload_id = w.id";
    let choice = |r: &rusqlite::Row| {
        Ok(WorkloadChoice {
            id: r.get(0)?,
            name: r.get(1)?,
            application: r.get(2)?,
            environment: r.get(3)?,
            recommended: r.get::<_, Option<String>>(4)?.and_then(|c| Strategy::parse(&c)),
        })
    };
    let mut out: Vec<WorkloadChoice> = Vec::new();
    let by_name = conn
        .prepare_cached(&format!(
            "{SELECT} WHERE w.engagement_id = ?1 AND w.name >= ?2 AND w.name < ?2 || char(1114111)
           AND substr(w.name, 1, length(?2)) = ?2 ORDER BY w.name LIMIT ?3"
        ))?
        .query_map(params![engagement_id, prefix, limit as i64], choice)?
        .collect::<Result<Vec<_>, _>>()?;
    out.extend(by_name);
    if prefix.is_empty() {
        return Ok(out);
    }
    let mut of_application =
        conn.prepare_cached(&format!("{SELECT} WHERE w.engagement_id = ?1 AND w.application_id = ?2 ORDER BY w.name LIMIT ?3"))?;
    let mut seen: HashSet<i64> = out.iter().map(|w| w.id).collect();
    for app in applications {
        if out.len() >= limit {
            break;
        }
        for w in of_application.query_map(params![engagement_id, app, limit as i64], choice)? {
            let w = w?;
            if seen.insert(w.id) {
                out.push(w);
            }
        }
    }
    out.truncate(limit);
    Ok(out)
}
