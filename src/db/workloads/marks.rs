//! Page marks: every `EVERY`th workload of each indexed sort order, kept so
//! that any page number of the unfiltered table starts from a nearby mark.
//!
//! SQLite has no ranked index: `LIMIT 50 OFFSET 50000` steps through 50,000
//! index entries (2–3 ms a request at 100,000 workloads, most of a deep
//! page). From the mark at or before the page the walk is under `EVERY`.
//!
//! Marks are exact or absent, never stale: the triggers of migration 16
//! delete an engagement's marks in the transaction of any write that could
//! move a row in an order (a workload added, removed, renamed, re-sorted),
//! and the server's background worker builds them again (`build_missing`).
//! Without marks a page is found by OFFSET, as before: slower, same rows.

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::AppError;

/// Rows between two marks: the longest walk a marked page takes.
pub const EVERY: i64 = 1000;

/// The orders marks are kept for: those with an (engagement_id, column,
/// name) index, which a walk from a mark follows.
pub const MARKED: &[&str] =
    &["name", "hostname", "application", "environment", "role", "os", "criticality", "cpu_cores", "ram_gb", "storage_gb"];

/// Where a page's rows are in ascending order: from the workload `from`
/// (included), skip `skip` rows and take `take`. A descending page is the
/// same rows read ascending, then reversed: SQLite seeks a row value as a
/// lower bound but walks an upper one from the top of its first column.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FromMark {
    pub from: i64,
    pub skip: i64,
    pub take: i64,
}

/// The mark a page of `limit` rows at `offset` (in the page's direction)
/// starts from, if the order is marked. `total` is the engagement's workload
/// count, which the marks were taken over.
///
/// Marks sit at ascending positions `first + k × EVERY`, where `first` is
/// the first row whose key is not NULL (NULLs sort first): a walk from a
/// mark compares keys, and NULL compares as nothing. A page starting among
/// the NULLs has no mark before it and is left to OFFSET.
pub fn start(
    conn: &Connection,
    engagement_id: i64,
    sort: &str,
    ascending: bool,
    offset: i64,
    limit: i64,
    total: i64,
) -> Result<Option<FromMark>, AppError> {
    let (low, take) = if ascending {
        (offset, limit)
    } else {
        let low = (total - offset - limit).max(0);
        (low, total - offset - low)
    };
    if take <= 0 {
        return Ok(None);
    }
    let mark: Option<(i64, i64)> = conn
        .prepare_cached(
            "SELECT position, workload_id FROM sort_marks WHERE engagement_id = ?1 AND sort = ?2 AND position <= ?3
             ORDER BY position DESC LIMIT 1",
        )?
        .query_row(params![engagement_id, sort, low], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(mark.map(|(position, from)| FromMark { from, skip: low - position, take }))
}

/// Takes the marks of every order of an engagement, in one transaction so
/// that they are all of the same rows.
pub fn build(conn: &Connection, engagement_id: i64) -> Result<(), AppError> {
    build_every(conn, engagement_id, EVERY)
}

pub(crate) fn build_every(conn: &Connection, engagement_id: i64, every: i64) -> Result<(), AppError> {
    let tx = conn.unchecked_transaction()?;
    tx.execute("DELETE FROM sort_marks WHERE engagement_id = ?1", [engagement_id])?;
    for sort in MARKED {
        let key = super::browse::order_key(sort);
        let first_column = key.split(',').next().unwrap_or(&key);
        let nulls: i64 = tx.query_row(
            &format!("SELECT COUNT(*) FROM workloads w WHERE w.engagement_id = ?1 AND {first_column} IS NULL"),
            [engagement_id],
            |r| r.get(0),
        )?;
        let ids: Vec<i64> = tx
            .prepare(&format!("SELECT w.id FROM workloads w WHERE w.engagement_id = ?1 ORDER BY {key} LIMIT -1 OFFSET ?2"))?
            .query_map([engagement_id, nulls], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut insert =
            tx.prepare_cached("INSERT INTO sort_marks (engagement_id, sort, position, workload_id) VALUES (?1, ?2, ?3, ?4)")?;
        for (k, id) in ids.iter().enumerate().step_by(every as usize) {
            insert.execute(params![engagement_id, sort, nulls + k as i64, id])?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// Builds the marks of each engagement that has workloads and no marks (a
/// write removed them): the background worker's step after the derivations.
pub fn build_missing(conn: &mut Connection) -> Result<(), AppError> {
    let missing: Vec<i64> = conn
        .prepare_cached(
            "SELECT e.id FROM engagements e
             WHERE EXISTS (SELECT 1 FROM workloads w WHERE w.engagement_id = e.id)
               AND NOT EXISTS (SELECT 1 FROM sort_marks m WHERE m.engagement_id = e.id)",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in missing {
        build(conn, id)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;
    use crate::db::workloads::{WorkloadQuery, search};

    fn setup(rows: usize) -> (tempfile::TempDir, Db, i64) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("t.db")).unwrap();
        let eid = db
            .with_conn(|c| {
                c.execute("INSERT INTO engagements (name) VALUES ('Marks')", [])?;
                let eid = c.last_insert_rowid();
                for a in 0..7 {
                    c.execute("INSERT INTO applications (engagement_id, name) VALUES (?1, ?2)", params![eid, format!("app {a}")])?;
                }
                // Ties in every key, NULL cores and RAM on some rows, a few
                // rows in no application.
                for i in 0..rows {
                    let app: Option<i64> = (i % 9 != 0).then_some((i % 7) as i64 + 1);
                    let cores: Option<i64> = (i % 5 != 0).then_some((i % 4) as i64);
                    let ram: Option<f64> = (i % 3 != 0).then_some((i % 6) as f64);
                    c.execute(
                        "INSERT INTO workloads (engagement_id, application_id, name, hostname, environment, role, os, criticality, cpu_cores, ram_gb, storage_gb)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                        params![
                            eid,
                            app,
                            format!("w{:04}", (i * 37) % rows),
                            format!("h{}", i % 11),
                            ["prod", "test", ""][i % 3],
                            ["web", "db"][i % 2],
                            ["linux", "windows", "aix"][i % 3],
                            ["high", "low"][i % 2],
                            cores,
                            ram,
                            (i % 13) as f64
                        ],
                    )?;
                }
                // The kept counts the pager reads.
                crate::db::derived::record_derivation(c, eid)?;
                crate::db::derived::complete_pending(c)?;
                Ok(eid)
            })
            .unwrap();
        (dir, db, eid)
    }

    fn pages(db: &Db, eid: i64, sort: &str, dir: &str) -> Vec<Vec<String>> {
        db.with_conn(|c| {
            let mut out = Vec::new();
            for page in 1..=12 {
                let q = WorkloadQuery { sort: sort.into(), dir: dir.into(), page, ..WorkloadQuery::default() };
                let found = search(c, eid, &q)?;
                assert_eq!(found.page, page, "{sort} {dir}: page {page} of {}", found.pages);
                out.push(found.items.into_iter().map(|w| w.name).collect());
            }
            Ok(out)
        })
        .unwrap()
    }

    #[test]
    fn every_page_from_a_mark_holds_the_rows_offset_finds() {
        let (_dir, db, eid) = setup(563);
        for sort in MARKED {
            for dir in ["asc", "desc"] {
                db.with_conn(|c| Ok(c.execute("DELETE FROM sort_marks", [])?)).unwrap();
                let by_offset = pages(&db, eid, sort, dir);
                // Marks every 7 rows: every page starts from one, and pages
                // cross marks, NULLs and ties.
                db.with_conn(|c| build_every(c, eid, 7)).unwrap();
                let marked: i64 =
                    db.with_conn(|c| Ok(c.query_row("SELECT COUNT(*) FROM sort_marks WHERE sort = ?1", [sort], |r| r.get(0))?)).unwrap();
                assert!(marked > 40, "{sort}: {marked} marks");
                assert_eq!(pages(&db, eid, sort, dir), by_offset, "{sort} {dir}");
                // The pages did come from the marks: a wrong one shows.
                db.with_conn(|c| {
                    Ok(c.execute(
                        "UPDATE sort_marks SET workload_id = (SELECT MAX(id) FROM workloads) WHERE sort = ?1 AND position > 300",
                        [sort],
                    )?)
                })
                .unwrap();
                assert_ne!(pages(&db, eid, sort, dir), by_offset, "{sort} {dir} with wrong marks");
            }
        }
    }

    #[test]
    fn dashboard_pages_from_marks_hold_the_rows_offset_finds() {
        use crate::db::assessment_summary::{RowFilter, Start, rows};
        let (_dir, db, eid) = setup(563);
        let names = |db: &Db| -> Vec<Vec<String>> {
            db.with_conn(|c| {
                (0..30)
                    .map(|k| Ok(rows(c, eid, &RowFilter::default(), Start::Offset(k * 19), 20)?.into_iter().map(|r| r.name).collect()))
                    .collect()
            })
            .unwrap()
        };
        let by_offset = names(&db);
        db.with_conn(|c| build_every(c, eid, 7)).unwrap();
        assert_eq!(names(&db), by_offset);
        db.with_conn(|c| Ok(c.execute("UPDATE sort_marks SET workload_id = (SELECT MAX(id) FROM workloads) WHERE position > 300", [])?))
            .unwrap();
        assert_ne!(names(&db), by_offset, "with wrong marks");
    }

    #[test]
    fn a_write_that_can_move_a_row_removes_the_marks_and_one_that_cannot_keeps_them() {
        let (_dir, db, eid) = setup(50);
        let marks = |db: &Db| db.with_conn(|c| Ok(c.query_row("SELECT COUNT(*) FROM sort_marks", [], |r| r.get::<_, i64>(0))?)).unwrap();
        let writes = [
            "UPDATE workloads SET notes = 'seen' WHERE name = 'w0001'",
            "UPDATE workloads SET cpu_cores = 64 WHERE name = 'w0001'",
            "UPDATE workloads SET name = 'zz' WHERE name = 'w0002'",
            "UPDATE applications SET name = 'renamed' WHERE name = 'app 3'",
            "DELETE FROM applications WHERE name = 'app 4'",
            "INSERT INTO workloads (engagement_id, name) VALUES (1, 'new')",
            "DELETE FROM workloads WHERE name = 'w0003'",
        ];
        for (i, sql) in writes.iter().enumerate() {
            db.with_conn(|c| build_every(c, eid, 7)).unwrap();
            assert!(marks(&db) > 0);
            db.with_conn(|c| Ok(c.execute(sql, [])?)).unwrap();
            assert_eq!(marks(&db) > 0, i == 0, "after {sql}");
        }
        db.with_conn(build_missing).unwrap();
        assert!(marks(&db) > 0, "built again");
    }
}
