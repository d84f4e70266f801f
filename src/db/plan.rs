//! What the migration plan reads besides the inventory: the consultant's
//! effort, criticality and priority per workload, the plan settings, and
//! the assessment confidence the report prints.

use std::collections::HashMap;

use rusqlite::Connection;

use crate::db::engagements;
use crate::error::AppError;
use crate::plan::{DecisionFacts, Effort, PREFERENCES_KEY, PlanSettings, PlanWorkload};

/// Effort, criticality and priority of every decided workload.
pub fn decision_facts(conn: &Connection, engagement_id: i64) -> Result<HashMap<i64, DecisionFacts>, AppError> {
    let mut stmt = conn.prepare_cached("SELECT workload_id, effort, criticality, priority FROM decisions WHERE engagement_id = ?1")?;
    let rows = stmt.query_map([engagement_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            DecisionFacts { effort: Effort::parse(&r.get::<_, String>(1)?), criticality: r.get(2)?, priority: r.get(3)? },
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The plan settings; defaults when none were saved.
pub fn settings(conn: &Connection, engagement_id: i64) -> Result<PlanSettings, AppError> {
    let prefs = engagements::preferences(conn, engagement_id)?;
    match prefs.get(PREFERENCES_KEY) {
        None | Some(serde_json::Value::Null) => Ok(PlanSettings::default()),
        Some(v) => {
            serde_json::from_value(v.clone()).map_err(|e| AppError::Internal(format!("engagement {engagement_id} plan settings: {e}")))
        }
    }
}

pub fn save_settings(conn: &Connection, engagement_id: i64, settings: &PlanSettings, actor: &str) -> Result<(), AppError> {
    settings.validate().map_err(AppError::Invalid)?;
    let value = serde_json::to_value(settings).map_err(|e| AppError::Internal(e.to_string()))?;
    engagements::set_preference(conn, engagement_id, PREFERENCES_KEY, &value, actor)
}

/// The consultant's rationale per decided workload, where written.
pub fn rationales(conn: &Connection, engagement_id: i64) -> Result<HashMap<i64, String>, AppError> {
    let mut stmt = conn.prepare_cached("SELECT workload_id, rationale FROM decisions WHERE engagement_id = ?1 AND rationale <> ''")?;
    let rows = stmt.query_map([engagement_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every workload of the engagement, by name, as the plan reads it.
pub fn workloads(conn: &Connection, engagement_id: i64) -> Result<Vec<PlanWorkload>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT w.id, w.name, COALESCE(a.name, ''), w.role, w.criticality, w.db_engine, w.storage_gb, w.application_id
         FROM workloads w LEFT JOIN applications a ON a.id = w.application_id
         WHERE w.engagement_id = ?1 ORDER BY w.name",
    )?;
    let rows = stmt.query_map([engagement_id], |r| {
        Ok(PlanWorkload {
            id: r.get(0)?,
            name: r.get(1)?,
            application: r.get(2)?,
            role: r.get(3)?,
            criticality: r.get(4)?,
            db_engine: r.get(5)?,
            storage_gb: r.get(6)?,
            application_id: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
