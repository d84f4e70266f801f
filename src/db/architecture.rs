//! What the architecture and cost pages read: the estate of one engagement
//! (workloads, dependencies, strategies, sizing mode) and the sizing-mode
//! preference (engagement preferences key "sizing").

use rusqlite::Connection;
use serde_json::json;

use crate::architecture::Estate;
use crate::cost::SizingMode;
use crate::error::AppError;

/// The engagement preferences key holding `{"mode": "performance" | "as_on_prem"}`.
pub const SIZING_KEY: &str = "sizing";

/// The sizing mode of the engagement (performance-based unless set).
pub fn sizing_mode(conn: &Connection, engagement_id: i64) -> Result<SizingMode, AppError> {
    let prefs = super::engagements::preferences(conn, engagement_id)?;
    Ok(prefs
        .get(SIZING_KEY)
        .and_then(|s| s.get("mode"))
        .and_then(|m| m.as_str())
        .and_then(SizingMode::parse)
        .unwrap_or_default())
}

pub fn set_sizing_mode(conn: &Connection, engagement_id: i64, mode: SizingMode, actor: &str) -> Result<(), AppError> {
    super::engagements::set_preference(conn, engagement_id, SIZING_KEY, &json!({ "mode": mode.code() }), actor)
}

/// Everything the generator needs for the engagement.
pub fn estate(conn: &Connection, engagement_id: i64) -> Result<Estate, AppError> {
    let engagement = super::engagements::get(conn, engagement_id)?;
    Ok(Estate {
        region: engagement.region,
        currency: engagement.currency,
        mode: sizing_mode(conn, engagement_id)?,
        applications: super::workloads::applications(conn, engagement_id)?,
        workloads: super::workloads::list_all(conn, engagement_id)?,
        dependencies: super::workloads::dependencies(conn, engagement_id)?,
        strategies: super::decisions::effective_strategies(conn, engagement_id)?,
    })
}
