//! Recommendations and decisions as the rest of sixr reads them.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use crate::db::Scope;
use crate::db::audit;
use crate::error::AppError;
use crate::scoring::decision::{Decision, DecisionInput};
use crate::strategy::Strategy;

/// The strategy each workload goes with: the consultant's decision when
/// there is one, else the recommendation (as derived: `db::derived`).
/// Workloads not scored yet are absent.
pub fn effective_strategies(conn: &Connection, engagement_id: i64) -> Result<HashMap<i64, Strategy>, AppError> {
    strategies_where(conn, "", "w.engagement_id = ?1", [engagement_id])
}

/// The effective strategies of the workloads `filter` (on `workloads w`)
/// selects; `with` is an optional WITH clause the filter reads.
pub fn strategies_where<P: rusqlite::Params>(
    conn: &Connection,
    with: &str,
    filter: &str,
    params: P,
) -> Result<HashMap<i64, Strategy>, AppError> {
    let mut stmt = conn.prepare_cached(&format!(
        "{with} SELECT w.id, a.effective FROM workloads w JOIN assessments a ON a.workload_id = w.id WHERE {filter}"
    ))?;
    let rows = stmt.query_map(params, |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (id, code) = row?;
        let strategy =
            Strategy::parse(&code).ok_or_else(|| AppError::Internal(format!("workload {id} has an unknown strategy \"{code}\"")))?;
        out.insert(id, strategy);
    }
    Ok(out)
}

/// A decision as stored, with who made it and when.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StoredDecision {
    pub workload_id: i64,
    #[serde(flatten)]
    pub decision: Decision,
    pub decided_by: String,
    pub decided_at: String,
    pub version: i64,
}

const SELECT_DECISION: &str = "SELECT d.workload_id, d.strategy, d.rationale, d.effort, d.criticality, d.priority,
        d.decided_by, d.decided_at, d.version FROM decisions d";

fn decision_from_row(r: &rusqlite::Row) -> rusqlite::Result<(StoredDecision, String)> {
    let code: String = r.get(1)?;
    Ok((
        StoredDecision {
            workload_id: r.get(0)?,
            decision: Decision {
                strategy: Strategy::Retain,
                rationale: r.get(2)?,
                effort: r.get(3)?,
                criticality: r.get(4)?,
                priority: r.get(5)?,
            },
            decided_by: r.get(6)?,
            decided_at: r.get(7)?,
            version: r.get(8)?,
        },
        code,
    ))
}

fn with_strategy((mut d, code): (StoredDecision, String)) -> Result<StoredDecision, AppError> {
    d.decision.strategy = Strategy::parse(&code)
        .ok_or_else(|| AppError::Internal(format!("decision on workload {} has an unknown strategy \"{code}\"", d.workload_id)))?;
    Ok(d)
}

/// Every decision of the engagement, by workload id.
pub fn list(conn: &Connection, engagement_id: i64) -> Result<HashMap<i64, StoredDecision>, AppError> {
    list_in(conn, engagement_id, Scope::Engagement)
}

/// The decisions on the scope's workloads, by workload id.
pub fn list_in(conn: &Connection, engagement_id: i64, scope: Scope) -> Result<HashMap<i64, StoredDecision>, AppError> {
    let (sql, params) = match scope {
        Scope::Engagement => (format!("{SELECT_DECISION} WHERE engagement_id = ?1"), vec![engagement_id]),
        _ => scope.sql(engagement_id, &format!("{SELECT_DECISION} JOIN workloads w ON w.id = d.workload_id"), ""),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), decision_from_row)?;
    let mut out = HashMap::new();
    for row in rows {
        let d = with_strategy(row?)?;
        out.insert(d.workload_id, d);
    }
    Ok(out)
}

pub fn get(conn: &Connection, engagement_id: i64, workload_id: i64) -> Result<Option<StoredDecision>, AppError> {
    conn.prepare_cached(&format!("{SELECT_DECISION} WHERE engagement_id = ?1 AND workload_id = ?2"))?
        .query_row([engagement_id, workload_id], decision_from_row)
        .optional()?
        .map(with_strategy)
        .transpose()
}

/// The stored recommendation of a workload, if it was scored.
pub fn recommended(conn: &Connection, engagement_id: i64, workload_id: i64) -> Result<Option<Strategy>, AppError> {
    let code: Option<Option<String>> = conn
        .prepare_cached("SELECT recommended FROM assessments WHERE engagement_id = ?1 AND workload_id = ?2")?
        .query_row([engagement_id, workload_id], |r| r.get(0))
        .optional()?;
    Ok(code.flatten().and_then(|c| Strategy::parse(&c)))
}

/// Records the consultant's decision on each workload (one transaction,
/// audited). Choosing a strategy other than a workload's recommendation
/// needs a rationale; the recommendation itself is kept.
pub fn decide(
    conn: &Connection,
    engagement_id: i64,
    workload_ids: &[i64],
    input: &DecisionInput,
    actor: &str,
) -> Result<Vec<StoredDecision>, AppError> {
    if workload_ids.is_empty() {
        return Err(AppError::Invalid("select at least one workload".into()));
    }
    crate::db::derived::in_transaction(conn, |tx| {
        let out = decide_each(tx, engagement_id, workload_ids, input, actor)?;
        let touched = crate::db::derived::Touched::new().workloads(tx, engagement_id, workload_ids)?;
        crate::db::derived::refresh(tx, engagement_id, touched)?;
        Ok(out)
    })
}

fn decide_each(
    tx: &Connection,
    engagement_id: i64,
    workload_ids: &[i64],
    input: &DecisionInput,
    actor: &str,
) -> Result<Vec<StoredDecision>, AppError> {
    let mut out = Vec::new();
    for &id in workload_ids {
        crate::db::workloads::get(tx, engagement_id, id)?;
        let decision = input.check(recommended(tx, engagement_id, id)?).map_err(AppError::Invalid)?;
        let before = get(tx, engagement_id, id)?;
        let current = before.as_ref().map_or(0, |b| b.version);
        if input.version.is_some_and(|started_from| started_from != current) {
            return Err(AppError::Conflict(format!("the decision on workload {id} was changed meanwhile (now version {current})")));
        }
        tx.prepare_cached(
            "INSERT INTO decisions (workload_id, engagement_id, strategy, rationale, effort, criticality, priority, decided_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (workload_id) DO UPDATE SET strategy = excluded.strategy, rationale = excluded.rationale,
                 effort = excluded.effort, criticality = excluded.criticality, priority = excluded.priority,
                 decided_by = excluded.decided_by, decided_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
                 version = decisions.version + 1",
        )?
        .execute(rusqlite::params![
            id,
            engagement_id,
            decision.strategy.code(),
            decision.rationale,
            decision.effort,
            decision.criticality,
            decision.priority,
            actor
        ])?;
        let after = get(tx, engagement_id, id)?.ok_or_else(|| AppError::Internal("decision vanished".into()))?;
        let before_json = before.as_ref().map(|b| serde_json::json!(b));
        audit(tx, Some(engagement_id), actor, "decision", Some(id), "decide", before_json.as_ref(), Some(&serde_json::json!(after)))?;
        out.push(after);
    }
    Ok(out)
}

/// Removes the decision: the recommendation holds again.
pub fn clear(conn: &Connection, engagement_id: i64, workload_id: i64, actor: &str) -> Result<(), AppError> {
    crate::db::derived::in_transaction(conn, |tx| {
        if let Some(before) = get(tx, engagement_id, workload_id)? {
            tx.execute("DELETE FROM decisions WHERE engagement_id = ?1 AND workload_id = ?2", [engagement_id, workload_id])?;
            audit(tx, Some(engagement_id), actor, "decision", Some(workload_id), "clear", Some(&serde_json::json!(before)), None)?;
            let touched = crate::db::derived::Touched::new().workload(tx, engagement_id, workload_id)?;
            crate::db::derived::refresh(tx, engagement_id, touched)?;
        }
        Ok(())
    })
}
