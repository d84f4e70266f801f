//! Collects a `ReportData` from storage for `report::render` (the PDF) and
//! the plan page.

use rusqlite::Connection;

use crate::cost;
use crate::db;
use crate::error::AppError;
use crate::report::ReportData;

/// Everything the report shows, each part from the module that owns it:
/// inventory, scoring (reasons, risks, confidence), decisions, the plan, and
/// per application the target architecture with its cost and findings.
/// `generated_on` (YYYY-MM-DD) is the report's date.
pub fn report_data(conn: &Connection, engagement_id: i64, generated_on: &str) -> Result<ReportData, AppError> {
    let engagement = db::engagements::get(conn, engagement_id)?;
    let strategies = db::decisions::effective_strategies(conn, engagement_id)?;
    let assessments = db::assessment::stored(conn, engagement_id)?;
    let decided = db::decisions::list(conn, engagement_id)?.into_keys().collect();
    let workloads = db::workloads::list_all(conn, engagement_id)?;
    let dependencies = db::dependencies::dependencies(conn, engagement_id)?;
    let rationales = db::plan::rationales(conn, engagement_id)?;
    let plan = db::plan::full(conn, engagement_id)?;
    // One application at a time: the whole-estate build looks every
    // application's workloads up in the full list, slow at 100,000.
    let (architectures, landing_zone) = db::architecture::all(conn, engagement_id, cost::catalogue())?;

    Ok(ReportData {
        engagement,
        generated_on: generated_on.to_string(),
        workloads,
        dependencies,
        strategies,
        assessments,
        decided,
        rationales,
        plan,
        architectures,
        landing_zone,
    })
}

/// The report's date, YYYY-MM-DD: today in UTC, or the day `SIXR_TODAY`
/// pins (see `knowledge::Date::today`).
pub fn today() -> String {
    crate::knowledge::Date::today().to_string()
}
