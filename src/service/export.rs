//! Exporting an engagement: the CSV of the assessed inventory, the JSON
//! backup, the CloudFormation templates of its target.

use rusqlite::Connection;

use crate::db;
use crate::error::AppError;

/// The export in `format` (`csv` or `json`), shared by the CLI and the download buttons.
pub fn export_bytes(conn: &Connection, engagement_id: i64, format: &str) -> Result<Vec<u8>, AppError> {
    let backup = db::imports::backup(conn, engagement_id)?;
    if format == "json" {
        serde_json::to_vec_pretty(&backup).map_err(|e| AppError::Internal(e.to_string()))
    } else {
        let strategies = db::imports::strategy_codes(conn, engagement_id)?;
        let assessments = db::assessment::assessment_rows(conn, engagement_id)?;
        let suggested = db::suggestions::unconfirmed(conn, engagement_id)?;
        Ok(crate::import::export::inventory_csv(&backup, &suggested, &strategies, &assessments))
    }
}

/// The CloudFormation templates of the engagement called `engagement`, or
/// None when there is no such engagement.
pub fn cloudformation(conn: &Connection, engagement: &str) -> Result<Option<Vec<crate::cfn::File>>, AppError> {
    let Some(e) = db::engagements::find_by_name(conn, engagement)? else { return Ok(None) };
    let (archs, lz) = db::architecture::all(conn, e.id, crate::cost::catalogue())?;
    Ok(Some(crate::cfn::export(&e.name, &archs, lz.as_ref())))
}
