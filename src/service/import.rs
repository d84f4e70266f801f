//! Importing: a file the consultant received, or the AnyCompany sample,
//! parsed by `import` and written all or nothing by `db::imports`.

use rusqlite::Connection;

use crate::db::imports::{self, Outcome, Target};
use crate::error::AppError;
use crate::import::{ANYCOMPANY_ENGAGEMENT, ANYCOMPANY_SAMPLE, Parsed, Refusal, parse};

/// Imports the AnyCompany sample into the engagement of that name (created
/// when missing) and returns its id. Loading it again refreshes it.
pub fn load_anycompany_sample(conn: &mut Connection, actor: &str) -> Result<i64, AppError> {
    let parsed = parse("anycompany.csv", ANYCOMPANY_SAMPLE, &|_| None)?;
    let target = Target::Name(ANYCOMPANY_ENGAGEMENT.to_string());
    let outcome = imports::commit(conn, target, &parsed, "anycompany.csv", actor, false)?;
    Ok(outcome.engagement_id)
}

/// Parses `bytes` for the engagement called `engagement`, with the column
/// mappings saved for it (on the web import page) when it exists.
pub fn parse_for(conn: &Connection, engagement: &str, file_name: &str, bytes: &[u8]) -> Result<Result<Parsed, Refusal>, AppError> {
    let engagement = crate::db::engagements::find_by_name(conn, engagement)?.map(|e| e.id);
    let lookup = |sig: &str| engagement.and_then(|eid| imports::saved_mapping(conn, eid, sig).ok().flatten()).map(|saved| saved.mapping);
    Ok(parse(file_name, bytes, &lookup))
}

/// Writes a parsed file into the engagement called `engagement` (created
/// when missing); with `valid_only` the rows with errors are left out.
pub fn commit_to(
    conn: &mut Connection,
    engagement: &str,
    parsed: &Parsed,
    file_name: &str,
    actor: &str,
    valid_only: bool,
) -> Result<Outcome, AppError> {
    imports::commit(conn, Target::Name(engagement.to_string()), parsed, file_name, actor, valid_only)
}
