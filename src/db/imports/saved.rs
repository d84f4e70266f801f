//! What an engagement keeps between imports: the column mappings it saved,
//! the uploads waiting between preview and commit, the list of its imports.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;

use crate::db::audit;
use crate::error::AppError;
use crate::import::mapping::Mapping;

/// A column mapping an engagement saved, with who saved it and when.
#[derive(Debug, Clone)]
pub struct SavedMapping {
    pub mapping: Mapping,
    pub saved_by: String,
    pub saved_at: String,
}

/// The mapping this engagement saved for files with this header, if any.
/// Mappings are per engagement: another team's never applies.
pub fn saved_mapping(conn: &Connection, eid: i64, signature: &str) -> Result<Option<SavedMapping>, AppError> {
    let row: Option<(String, String, String)> = conn
        .query_row(
            "SELECT mapping, saved_by, saved_at FROM engagement_mappings WHERE engagement_id = ?1 AND header_signature = ?2",
            params![eid, signature],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(row.and_then(|(raw, saved_by, saved_at)| Some(SavedMapping { mapping: serde_json::from_str(&raw).ok()?, saved_by, saved_at })))
}

pub fn save_mapping(conn: &Connection, eid: i64, signature: &str, mapping: &Mapping, actor: &str) -> Result<(), AppError> {
    mapping.validate().map_err(AppError::Invalid)?;
    let value = serde_json::to_value(mapping).map_err(|e| AppError::Internal(e.to_string()))?;
    conn.execute(
        "INSERT INTO engagement_mappings (engagement_id, header_signature, mapping, saved_by) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (engagement_id, header_signature) DO UPDATE SET mapping = excluded.mapping, saved_by = excluded.saved_by,
            saved_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
        params![eid, signature, value.to_string(), actor],
    )?;
    audit(conn, Some(eid), actor, "import_mapping", None, "save", None, Some(&json!({"signature": signature, "mapping": value})))?;
    Ok(())
}

/// Files one user may keep waiting between preview and commit. Each may be
/// up to the 50 MB body limit, so without a bound one account could fill the
/// disk; the oldest goes first, as it is the one least likely to be committed.
pub const WAITING_UPLOADS_PER_USER: i64 = 20;

/// Keeps an uploaded file until the consultant commits it; returns its token.
/// Uploads older than a day are cleared here, and the user's oldest beyond
/// [`WAITING_UPLOADS_PER_USER`].
pub fn store_upload(conn: &Connection, eid: i64, user_id: Option<i64>, file_name: &str, bytes: &[u8]) -> Result<String, AppError> {
    conn.execute("DELETE FROM import_uploads WHERE created_at < strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-1 day')", [])?;
    let mut raw = [0u8; 16];
    getrandom::fill(&mut raw).map_err(|e| AppError::Internal(format!("no random source: {e}")))?;
    let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    conn.execute(
        "INSERT INTO import_uploads (token, engagement_id, user_id, file_name, bytes) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![token, eid, user_id, file_name, bytes],
    )?;
    conn.execute(
        "DELETE FROM import_uploads WHERE user_id IS ?1 AND rowid NOT IN
            (SELECT rowid FROM import_uploads WHERE user_id IS ?1 ORDER BY rowid DESC LIMIT ?2)",
        params![user_id, WAITING_UPLOADS_PER_USER],
    )?;
    Ok(token)
}

pub fn load_upload(conn: &Connection, eid: i64, token: &str) -> Result<(String, Vec<u8>), AppError> {
    conn.query_row("SELECT file_name, bytes FROM import_uploads WHERE token = ?1 AND engagement_id = ?2", params![token, eid], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })
    .optional()?
    .ok_or_else(|| AppError::NotFound("this upload (it expired or was already imported; upload the file again)".into()))
}

pub fn drop_upload(conn: &Connection, token: &str) -> Result<(), AppError> {
    conn.execute("DELETE FROM import_uploads WHERE token = ?1", [token])?;
    Ok(())
}

/// One past import, for the import page.
#[derive(Debug, Clone)]
pub struct ImportRecord {
    pub file_name: String,
    pub format: String,
    pub rows_read: i64,
    pub templates_skipped: i64,
    pub refused: i64,
    pub created: i64,
    pub updated: i64,
    pub warnings: i64,
    pub at: String,
}

impl ImportRecord {
    /// Rows that matched a workload already as the file says: every row
    /// read is a template, created, updated, unchanged or refused.
    pub fn unchanged(&self) -> i64 {
        (self.rows_read - self.templates_skipped - self.created - self.updated - self.refused).max(0)
    }
}

pub fn recent(conn: &Connection, eid: i64) -> Result<Vec<ImportRecord>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT file_name, format, created, updated, warnings, at, rows_read, templates_skipped, refused
         FROM imports WHERE engagement_id = ?1 ORDER BY id DESC LIMIT 20",
    )?;
    let rows = stmt.query_map([eid], |r| {
        Ok(ImportRecord {
            file_name: r.get(0)?,
            format: r.get(1)?,
            created: r.get(2)?,
            updated: r.get(3)?,
            warnings: r.get(4)?,
            at: r.get(5)?,
            rows_read: r.get(6)?,
            templates_skipped: r.get(7)?,
            refused: r.get(8)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mappings saved before they were per engagement go to the engagements
    /// that saved them, each with the mapping it saved last itself.
    #[test]
    fn global_mappings_are_given_to_the_engagements_that_saved_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            let migrations = rusqlite_migration::Migrations::from_directory(&crate::db::MIGRATIONS_DIR).unwrap();
            migrations.to_version(&mut conn, 6).unwrap();
            conn.execute_batch(
                r#"INSERT INTO engagements (id, name) VALUES (1, 'Acme'), (2, 'Globex'), (3, 'Initech');
                   INSERT INTO import_mappings (header_signature, mapping) VALUES ('server|rack', '{"columns":[["Server","name"]]}');
                   INSERT INTO audit_log (engagement_id, actor, entity, action, after) VALUES
                     (1, 'kim', 'import_mapping', 'save', '{"signature":"server|rack","mapping":{"columns":[["Server","hostname"]]}}'),
                     (1, 'kim', 'import_mapping', 'save', '{"signature":"server|rack","mapping":{"columns":[["Server","name"],["Rack","notes"]]}}'),
                     (2, 'lee', 'import_mapping', 'save', '{"signature":"server|rack","mapping":{"columns":[["Server","name"]]}}');"#,
            )
            .unwrap();
        }
        let db = crate::db::Db::open(&path).unwrap();
        db.with_conn(|c| {
            let acme = saved_mapping(c, 1, "server|rack")?.unwrap();
            assert_eq!(acme.mapping.columns, [("Server".to_string(), "name".to_string()), ("Rack".to_string(), "notes".to_string())]);
            assert_eq!(acme.saved_by, "kim");
            assert_eq!(saved_mapping(c, 2, "server|rack")?.unwrap().mapping.columns, [("Server".to_string(), "name".to_string())]);
            assert!(saved_mapping(c, 3, "server|rack")?.is_none(), "Initech never saved it");
            Ok(())
        })
        .unwrap();
    }
}
