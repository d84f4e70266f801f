//! The search index of the workloads' text (`workload_text`, FTS5 with the
//! trigram tokenizer): substrings of three characters or more, any script,
//! found through the index instead of reading every row.
//!
//! Kept in step by the writes of a workload (create, edit, delete); a large
//! import leaves its new rows to the background derivation's last stage
//! (`derivations.index_from`), and until then searches read the rows.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::AppError;

/// The text a workload is found by.
const TEXT: &str = "name || char(10) || hostname || char(10) || notes";

/// Indexes (again) the text of the workload `id` as it is stored now.
pub fn index(conn: &Connection, id: i64) -> Result<(), AppError> {
    unindex(conn, id)?;
    conn.prepare_cached(&format!("INSERT INTO workload_text (rowid, text) SELECT id, {TEXT} FROM workloads WHERE id = ?1"))?
        .execute([id])?;
    Ok(())
}

/// Takes the workload `id` out of the index.
pub fn unindex(conn: &Connection, id: i64) -> Result<(), AppError> {
    conn.prepare_cached("DELETE FROM workload_text WHERE rowid = ?1")?.execute([id])?;
    Ok(())
}

/// Indexes up to `limit` workloads of the engagement from id `from` on, in
/// id order; returns the last id indexed (None: none left).
pub fn index_from(conn: &Connection, engagement_id: i64, from: i64, limit: i64) -> Result<Option<i64>, AppError> {
    let last: Option<i64> = conn
        .prepare_cached("SELECT MAX(id) FROM (SELECT id FROM workloads WHERE engagement_id = ?1 AND id >= ?2 ORDER BY id LIMIT ?3)")?
        .query_row(params![engagement_id, from, limit], |r| r.get(0))?;
    let Some(last) = last else { return Ok(None) };
    conn.prepare_cached(&format!(
        "INSERT INTO workload_text (rowid, text) SELECT id, {TEXT} FROM workloads WHERE engagement_id = ?1 AND id BETWEEN ?2 AND ?3"
    ))?
    .execute(params![engagement_id, from, last])?;
    Ok(Some(last))
}

/// Merges the index into one segment: a search then reads one list of
/// rows per trigram instead of one per segment (a search at 100,000
/// workloads went from 0.17 to 0.05 ms). For when a large import's rows
/// are all indexed: it rewrites the whole index (half a second at 100,000).
pub fn optimize(conn: &Connection) -> Result<(), AppError> {
    conn.prepare_cached("INSERT INTO workload_text (workload_text) VALUES ('optimize')")?.execute([])?;
    Ok(())
}

/// Takes every workload of the engagement out of the index (before the
/// engagement goes: its rows go by cascade, the index would keep them).
pub fn unindex_engagement(conn: &Connection, engagement_id: i64) -> Result<(), AppError> {
    conn.prepare_cached("DELETE FROM workload_text WHERE rowid IN (SELECT id FROM workloads WHERE engagement_id = ?1)")?
        .execute([engagement_id])?;
    Ok(())
}

/// True when every workload of the engagement is in the index.
pub fn is_complete(conn: &Connection, engagement_id: i64) -> Result<bool, AppError> {
    let pending: Option<Option<i64>> = conn
        .prepare_cached("SELECT index_from FROM derivations WHERE engagement_id = ?1")?
        .query_row([engagement_id], |r| r.get(0))
        .optional()?;
    Ok(pending.flatten().is_none())
}

/// The index finds substrings of three characters or more.
pub fn indexable(text: &str) -> bool {
    text.chars().count() >= 3
}

/// The workloads (of any engagement) whose text holds `text`, as a JSON
/// array of ids: asked of the index once, then bound to each statement
/// that needs them (`w.id IN (SELECT value FROM json_each(?))`).
pub fn matching(conn: &Connection, text: &str) -> Result<String, AppError> {
    let ids: Vec<i64> = conn
        .prepare_cached("SELECT rowid FROM workload_text WHERE workload_text MATCH ?1")?
        .query_map([phrase(text)], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(crate::db::id_list(ids))
}

/// The FTS5 query that finds `text` as typed, anywhere: one quoted string
/// (a quote inside is doubled), so nothing in it is read as query syntax.
pub fn phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;
    use crate::db::workloads::{self, WorkloadQuery};
    use crate::inventory::{Engagement, Workload};

    fn found(c: &Connection, eid: i64, q: &str) -> Vec<String> {
        let page = workloads::search(c, eid, &WorkloadQuery { q: q.into(), per_page: 200, ..WorkloadQuery::default() }).unwrap();
        page.items.into_iter().map(|w| w.name).collect()
    }

    /// What LIKE finds: what the index must find too.
    fn by_like(c: &Connection, eid: i64, q: &str) -> Vec<String> {
        let pattern = crate::db::like_pattern(q);
        c.prepare(
            "SELECT name FROM workloads WHERE engagement_id = ?1
               AND (name LIKE ?2 ESCAPE '\\' OR hostname LIKE ?2 ESCAPE '\\' OR notes LIKE ?2 ESCAPE '\\') ORDER BY name",
        )
        .unwrap()
        .query_map(params![eid, pattern], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    #[test]
    fn the_index_finds_substrings_in_any_script_and_follows_every_write() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("t.db")).unwrap();
        db.with_conn(|c| {
            let eid = crate::db::engagements::create(c, &Engagement { name: "Search".into(), ..Engagement::default_new() }, "t")?.id;
            let other = crate::db::engagements::create(c, &Engagement { name: "Other".into(), ..Engagement::default_new() }, "t")?.id;
            let w = |name: &str, hostname: &str, notes: &str| Workload {
                name: name.into(),
                hostname: hostname.into(),
                notes: notes.into(),
                ..Workload::default()
            };
            let seoul = workloads::create(c, eid, &w("web-seoul-01", "웹서버01.corp", "결제 시스템"), "t")?;
            workloads::create(c, eid, &w("db-busan-02", "db02.corp", "keeps \"quotes\" and 100% of_it"), "t")?;
            workloads::create(c, other, &w("web-seoul-99", "", ""), "t")?;
            for q in ["seoul", "SEOUL", "서버0", "결제 시", "\"quotes\"", "100%", "of_it", "corp", "zzz", "we"] {
                assert_eq!(found(c, eid, q), by_like(c, eid, q), "\"{q}\" finds what LIKE finds");
            }
            let in_index: i64 =
                c.query_row("SELECT COUNT(*) FROM workload_text WHERE workload_text MATCH '\"seoul\"'", [], |r| r.get(0))?;
            assert_eq!(in_index, 2, "each new workload's text is indexed as it is created");
            assert_eq!(found(c, eid, "seoul"), ["web-seoul-01"], "another engagement's workloads are not found");
            assert_eq!(found(c, eid, "서버0"), ["web-seoul-01"], "Hangul is found by any three characters");

            let renamed = Workload { name: "web-incheon-01".into(), ..seoul.clone() };
            workloads::save(c, eid, &renamed, "t")?;
            assert!(found(c, eid, "seoul").is_empty(), "the old name is gone from the index");
            assert_eq!(found(c, eid, "incheon"), ["web-incheon-01"]);
            workloads::delete(c, eid, seoul.id, "t")?;
            assert!(found(c, eid, "incheon").is_empty() && found(c, eid, "결제").is_empty(), "a deleted workload is not found");
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn matching_lists_the_ids_the_index_finds_as_a_json_array() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("t.db")).unwrap();
        db.with_conn(|c| {
            let eid = crate::db::engagements::create(c, &Engagement { name: "Ids".into(), ..Engagement::default_new() }, "t")?.id;
            let w = |name: &str| Workload { name: name.into(), ..Workload::default() };
            let a = workloads::create(c, eid, &w("app-\"one\""), "t")?.id;
            let b = workloads::create(c, eid, &w("app-two"), "t")?.id;
            assert_eq!(matching(c, "app-")?, format!("[{a},{b}]"));
            assert_eq!(matching(c, "\"one\"")?, format!("[{a}]"), "a quote is text, not query syntax");
            assert_eq!(matching(c, "three")?, "[]");
            let parsed: Vec<i64> = serde_json::from_str(&matching(c, "app")?).unwrap();
            assert_eq!(parsed, [a, b]);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn the_index_is_one_segment_once_a_large_import_is_indexed() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("t.db")).unwrap();
        db.with_conn(|c| {
            let eid = crate::db::engagements::create(c, &Engagement { name: "Merged".into(), ..Engagement::default_new() }, "t")?.id;
            let segments =
                || -> Result<i64, AppError> { Ok(c.query_row("SELECT COUNT(DISTINCT segid) FROM workload_text_idx", [], |r| r.get(0))?) };
            // Each write's own transaction adds a segment.
            workloads::create(c, eid, &Workload { name: "one-by-one-1".into(), ..Workload::default() }, "t")?;
            workloads::create(c, eid, &Workload { name: "one-by-one-2".into(), ..Workload::default() }, "t")?;
            let first = workloads::insert_row(c, eid, None, &Workload { name: "batch-1".into(), ..Workload::default() })?;
            crate::db::derived::record_derivation(c, eid)?;
            crate::db::derived::index_later(c, eid, first)?;
            crate::db::derived::complete_pending(c)?;
            assert_eq!(segments()?, 1);
            assert_eq!(found(c, eid, "by-one"), ["one-by-one-1", "one-by-one-2"]);
            assert_eq!(found(c, eid, "batch"), ["batch-1"]);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn rows_a_large_import_leaves_to_the_background_are_found_before_and_after() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("t.db")).unwrap();
        db.with_conn(|c| {
            let eid = crate::db::engagements::create(c, &Engagement { name: "Later".into(), ..Engagement::default_new() }, "t")?.id;
            // As the import writes them: rows first, text and scores later.
            let first = workloads::insert_row(c, eid, None, &Workload { name: "batch-017".into(), ..Workload::default() })?;
            workloads::insert_row(c, eid, None, &Workload { name: "batch-018".into(), ..Workload::default() })?;
            crate::db::derived::record_derivation(c, eid)?;
            crate::db::derived::index_later(c, eid, first)?;
            assert!(!is_complete(c, eid)?);
            assert_eq!(found(c, eid, "h-01"), ["batch-017", "batch-018"], "found while the index is built, by reading the rows");
            crate::db::derived::complete_pending(c)?;
            assert!(is_complete(c, eid)?);
            assert_eq!(found(c, eid, "h-017"), ["batch-017"], "and through the index once it is");
            let indexed: i64 = c.query_row("SELECT COUNT(*) FROM workload_text WHERE workload_text MATCH '\"batch\"'", [], |r| r.get(0))?;
            assert_eq!(indexed, 2);
            Ok(())
        })
        .unwrap();
    }
}
