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

/// Today's date (UTC) as YYYY-MM-DD, without a date crate.
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()) as i64;
    let days = secs.div_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
