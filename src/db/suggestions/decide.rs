//! Decisions: accept and reject, one at a time or in bulk, and the fields
//! they put right.

use std::collections::HashMap;

use rusqlite::{Connection, params};
use serde_json::json;

use super::recompute::{Row, Target, write_fields};
use super::{ACCEPTED, Provenance, REJECTED, current};
use crate::db::audit;
use crate::db::derived::{Touched, in_transaction};
use crate::db::workloads::WorkloadQuery;
use crate::enrich::Field;
use crate::error::AppError;
use crate::inventory::Workload;

/// Accept or reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Reject,
}

impl Decision {
    pub fn code(self) -> &'static str {
        match self {
            Decision::Accept => "accept",
            Decision::Reject => "reject",
        }
    }
}

/// One decided suggestion, for the audit trail and the notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    pub workload_id: i64,
    pub workload: String,
    pub field: Field,
    pub value: String,
}

/// Decides one suggested value of one workload. Accepting a value of a
/// conflict picks it and rejects the others. One audit entry on the
/// workload.
pub fn decide_one(
    conn: &Connection,
    engagement_id: i64,
    workload_id: i64,
    field: Field,
    value: &str,
    decision: Decision,
    actor: &str,
) -> Result<(), AppError> {
    in_transaction(conn, |conn| {
        let w = crate::db::workloads::get(conn, engagement_id, workload_id)?;
        // Its group as it stands: an application suggestion moves it.
        let touched = Touched::new().workload(conn, engagement_id, workload_id)?;
        let n = conn
            .prepare_cached(
                "UPDATE suggestions SET status = ?4 WHERE workload_id = ?1 AND field = ?2 AND value = ?3 AND status = 'pending'",
            )?
            .execute(params![workload_id, field.code(), value, if decision == Decision::Accept { ACCEPTED } else { REJECTED }])?;
        if n == 0 {
            return Err(AppError::Conflict(format!(
                "the suggestion {} = {} for {} is no longer waiting (decided meanwhile, or suggested no more); reload the page",
                field.code(),
                crate::error::quoted(value),
                crate::error::quoted(&w.name)
            )));
        }
        if decision == Decision::Accept {
            conn.prepare_cached("UPDATE suggestions SET status = 'rejected' WHERE workload_id = ?1 AND field = ?2 AND status = 'pending'")?
                .execute(params![workload_id, field.code()])?;
        }
        settle(conn, engagement_id, &[(w.clone(), field)])?;
        let before = json!({ field.code(): format!("{}: {value}", Provenance::Suggested.code()) });
        let after = match decision {
            Decision::Accept => json!({ field.code(): format!("{}: {value}", Provenance::Confirmed.code()) }),
            Decision::Reject => json!({ field.code(): format!("rejected: {value}") }),
        };
        audit(conn, Some(engagement_id), actor, "workload", Some(workload_id), decision.code(), Some(&before), Some(&after))?;
        // A confirmed fact weighs more than a suggestion; a rejected one leaves the field.
        crate::db::derived::refresh(conn, engagement_id, touched)?;
        Ok(())
    })
}

/// Which suggestions a bulk decision covers: every kind (`fields` empty) or
/// some, of the workloads the table's filter finds.
#[derive(Debug, Clone)]
pub struct Selection {
    pub fields: Vec<Field>,
    pub query: WorkloadQuery,
}

/// Accepts or rejects every waiting suggestion of the selection in one
/// go. Accepting leaves conflicts alone (they need a pick); rejecting
/// rejects their candidates too. One audit entry lists every change.
pub fn decide_bulk(
    conn: &Connection,
    engagement_id: i64,
    selection: &Selection,
    decision: Decision,
    actor: &str,
) -> Result<Vec<Decided>, AppError> {
    in_transaction(conn, |conn| {
        let (filter, filter_args) = crate::db::workloads::query_filter(conn, engagement_id, &selection.query, false)?;
        let fields: Vec<&str> = if selection.fields.is_empty() {
            Field::ALL.map(Field::code).to_vec()
        } else {
            selection.fields.iter().map(|f| f.code()).collect()
        };
        let marks = vec!["?"; fields.len()].join(", ");
        let sql = format!(
            "SELECT s.workload_id, w.name, s.field, s.value,
            (SELECT COUNT(*) FROM suggestions o WHERE o.workload_id = s.workload_id AND o.field = s.field AND o.status = 'pending')
         FROM suggestions s JOIN workloads w ON w.id = s.workload_id
         WHERE s.status = 'pending' AND s.field IN ({marks}) AND {filter}
         ORDER BY w.name, s.field, s.value"
        );
        // Parameters in the order of their marks: the fields, then the filter's.
        let mut args: Vec<rusqlite::types::Value> = fields.iter().map(|f| rusqlite::types::Value::Text(f.to_string())).collect();
        args.extend(filter_args);
        let mut decided = Vec::new();
        {
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, i64>(4)?))
            })?;
            for row in rows {
                let (workload_id, workload, field, value, candidates) = row?;
                let Some(field) = Field::parse(&field) else { continue };
                if decision == Decision::Accept && candidates > 1 {
                    continue;
                }
                decided.push(Decided { workload_id, workload, field, value });
            }
        }
        if decided.is_empty() {
            return Ok(decided);
        }
        let status = if decision == Decision::Accept { ACCEPTED } else { REJECTED };
        let mut update = conn.prepare_cached("UPDATE suggestions SET status = ?4 WHERE workload_id = ?1 AND field = ?2 AND value = ?3")?;
        for d in &decided {
            update.execute(params![d.workload_id, d.field.code(), d.value, status])?;
        }
        let mut touched: Vec<(i64, Field)> = decided.iter().map(|d| (d.workload_id, d.field)).collect();
        touched.dedup();
        let ids: Vec<i64> = touched.iter().map(|(id, _)| *id).collect();
        let groups = Touched::new().workloads(conn, engagement_id, &ids)?;
        let mut with_workloads = Vec::with_capacity(touched.len());
        for (id, field) in touched {
            with_workloads.push((crate::db::workloads::get(conn, engagement_id, id)?, field));
        }
        settle(conn, engagement_id, &with_workloads)?;
        let list: Vec<String> = decided.iter().map(|d| format!("{}: {} = {}", d.workload, d.field.code(), d.value)).collect();
        let after = json!({
            "decision": decision.code(),
            "kinds": fields.join(", "),
            "filter": filter_text(&selection.query),
            "count": decided.len(),
            "suggestions": list.join("; "),
        });
        audit(conn, Some(engagement_id), actor, "suggestions", None, decision.code(), None, Some(&after))?;
        crate::db::derived::refresh(conn, engagement_id, groups)?;
        Ok(decided)
    })
}

/// The table filter a bulk decision applied to, as the audit trail shows it.
fn filter_text(q: &WorkloadQuery) -> String {
    let parts: Vec<String> =
        [("search", &q.q), ("application", &q.application), ("environment", &q.environment), ("role", &q.role), ("os", &q.os)]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
    if parts.is_empty() { "all workloads".into() } else { parts.join(", ") }
}

/// After decisions, puts each touched field right: the value of its one
/// waiting or accepted suggestion, or empty when all were rejected; and
/// bumps the workload's version so it is scored again (a confirmed fact
/// weighs more than a suggestion).
fn settle(conn: &Connection, engagement_id: i64, touched: &[(Workload, Field)]) -> Result<(), AppError> {
    let mut by_workload: Vec<(&Workload, Vec<Field>)> = Vec::new();
    for (w, f) in touched {
        match by_workload.iter_mut().find(|(x, _)| x.id == w.id) {
            Some((_, list)) => list.push(*f),
            None => by_workload.push((w, vec![*f])),
        }
    }
    let mut apps = HashMap::new();
    for (w, fields) in by_workload {
        let mut target = Target { values: Field::ALL.map(|f| current(w, f).to_string()) };
        for f in fields {
            let live: Vec<String> = conn
                .prepare_cached(
                    "SELECT value FROM suggestions WHERE workload_id = ?1 AND field = ?2 AND status IN ('pending', 'accepted')",
                )?
                .query_map(params![w.id, f.code()], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let i = Field::ALL.iter().position(|x| *x == f).unwrap_or(0);
            let value = &target.values[i];
            // A value nobody suggested (imported or typed since) stays.
            let ours = value.is_empty()
                || conn
                    .prepare_cached("SELECT EXISTS (SELECT 1 FROM suggestions WHERE workload_id = ?1 AND field = ?2 AND value = ?3)")?
                    .query_row(params![w.id, f.code(), value], |r| r.get::<_, bool>(0))?;
            if ours {
                target.values[i] = if live.len() == 1 { live[0].clone() } else { String::new() };
            }
        }
        let application_id =
            conn.prepare_cached("SELECT application_id FROM workloads WHERE id = ?1")?.query_row([w.id], |r| r.get::<_, Option<i64>>(0))?;
        write_fields(conn, engagement_id, &Row { w: w.clone(), application_id }, &target, &mut apps)?;
    }
    Ok(())
}
