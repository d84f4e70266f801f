//! Inventory import: format detection, parsing and the all-or-nothing write.

pub mod cli;

use rusqlite::Connection;

use crate::error::AppError;

/// The AnyCompany case of the seed, shipped with the binary.
pub const ANYCOMPANY_SAMPLE: &[u8] = include_bytes!("../../samples/anycompany.csv");
pub const ANYCOMPANY_ENGAGEMENT: &str = "AnyCompany";

/// Imports the AnyCompany sample into the engagement of that name (created
/// when missing) and returns its id.
pub fn load_anycompany_sample(conn: &mut Connection, actor: &str) -> Result<i64, AppError> {
    let engagement = crate::db::engagements::find_or_create(conn, ANYCOMPANY_ENGAGEMENT, actor)?;
    let _ = (ANYCOMPANY_SAMPLE, engagement.id);
    Err(AppError::Internal("import is not built yet".into()))
}
