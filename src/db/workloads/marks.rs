//! Page marks: every `EVERY`th workload of each indexed sort order, kept so
//! that any page number of the unfiltered table starts from a nearby mark.
//!
//! SQLite has no ranked index: `LIMIT 50 OFFSET 50000` steps through 50,000
//! index entries (2–3 ms a request at 100,000 workloads, most of a deep
//! page). From the mark at or before the page the walk is under `EVERY`.
//!
//! Marks are exact or absent, never stale: any write that could move a row
//! in an order deletes the engagement's marks in its own transaction (the
//! triggers of migration 16 for a workload removed, renamed or re-sorted;
//! `forget`, called by the insert itself, for one added), and the server's
//! background worker builds them again (`build_missing`).
//! Without marks a page is found by OFFSET, as before: slower, same rows.

use std::sync::LazyLock;

use rusqlite::{Connection, OptionalExtension, params};

use crate::error::AppError;

/// Rows between two marks: the longest walk a marked page takes.
pub const EVERY: i64 = 1000;

/// The orders marks are kept for: those with an (engagement_id, column,
/// name) index, which a walk from a mark follows (`browse::sort_column`).
pub static MARKED: LazyLock<Vec<&'static str>> = LazyLock::new(super::browse::indexed_sorts);

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

/// Removes an engagement's marks: a workload is added (every order moves).
/// The other writes that move rows remove them by trigger (migration 16);
/// an insert has none (migration 18), so `workloads::insert_row` calls this.
pub fn forget(conn: &Connection, engagement_id: i64) -> Result<(), AppError> {
    conn.prepare_cached("DELETE FROM sort_marks WHERE engagement_id = ?1")?.execute([engagement_id])?;
    Ok(())
}

/// Takes the marks of `sorts` (of `MARKED`) of an engagement. False when a
/// write committed while they were taken: they are taken again at the
/// worker's next step.
pub fn build(conn: &Connection, engagement_id: i64, sorts: &[&str]) -> Result<bool, AppError> {
    build_every(conn, engagement_id, sorts, EVERY)
}

pub(crate) fn build_every(conn: &Connection, engagement_id: i64, sorts: &[&str], every: i64) -> Result<bool, AppError> {
    // Reads first and writes last, in one deferred transaction: the write
    // lock is held only for the inserts, not for the walks (0.15 s at
    // 100,000, when an edit waited for them). If a write committed since
    // the walks began, SQLite refuses to make the stale snapshot a write
    // (SQLITE_BUSY_SNAPSHOT) and nothing is written.
    let tx = conn.unchecked_transaction()?;
    let mut marks = Vec::new();
    for sort in sorts {
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
        marks.extend(ids.into_iter().enumerate().step_by(every as usize).map(|(k, id)| (*sort, nulls + k as i64, id)));
    }
    let written = (|| -> rusqlite::Result<()> {
        let mut delete = tx.prepare_cached("DELETE FROM sort_marks WHERE engagement_id = ?1 AND sort = ?2")?;
        for sort in sorts {
            delete.execute(params![engagement_id, sort])?;
        }
        let mut insert =
            tx.prepare_cached("INSERT INTO sort_marks (engagement_id, sort, position, workload_id) VALUES (?1, ?2, ?3, ?4)")?;
        for (sort, position, id) in &marks {
            insert.execute(params![engagement_id, sort, position, id])?;
        }
        Ok(())
    })();
    match written {
        Ok(()) => {
            tx.commit()?;
            Ok(true)
        }
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Builds the marks a write removed, of every engagement with workloads:
/// the background worker's step after the derivations.
pub fn build_missing(conn: &mut Connection) -> Result<(), AppError> {
    let engagements: Vec<i64> = conn
        .prepare_cached("SELECT e.id FROM engagements e WHERE EXISTS (SELECT 1 FROM workloads w WHERE w.engagement_id = e.id)")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in engagements {
        let kept: Vec<String> = conn
            .prepare_cached("SELECT DISTINCT sort FROM sort_marks WHERE engagement_id = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let missing: Vec<&str> = MARKED.iter().copied().filter(|s| !kept.iter().any(|k| k == s)).collect();
        if !missing.is_empty() {
            build(conn, id, &missing)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;
    use crate::db::workloads::{NewRows, WorkloadQuery, insert_row, search};
    use crate::inventory::Workload;

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
                        "INSERT INTO workloads (engagement_id, application_id, name, hostname, environment, role, os, criticality, cpu_cores, ram_gb, storage_gb,
                            application_name)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, COALESCE((SELECT name FROM applications WHERE id = ?2), ''))",
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
        for sort in MARKED.iter() {
            for dir in ["asc", "desc"] {
                db.with_conn(|c| Ok(c.execute("DELETE FROM sort_marks", [])?)).unwrap();
                let by_offset = pages(&db, eid, sort, dir);
                // Marks every 7 rows: every page starts from one, and pages
                // cross marks, NULLs and ties.
                db.with_conn(|c| build_every(c, eid, &MARKED, 7)).unwrap();
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
        db.with_conn(|c| build_every(c, eid, &MARKED, 7)).unwrap();
        assert_eq!(names(&db), by_offset);
        db.with_conn(|c| Ok(c.execute("UPDATE sort_marks SET workload_id = (SELECT MAX(id) FROM workloads) WHERE position > 300", [])?))
            .unwrap();
        assert_ne!(names(&db), by_offset, "with wrong marks");
    }

    #[test]
    fn a_write_that_can_move_a_row_removes_the_marks_of_its_orders_and_one_that_cannot_keeps_them() {
        let (_dir, db, eid) = setup(50);
        let kept = |db: &Db| -> Vec<String> {
            db.with_conn(|c| {
                Ok(c.prepare("SELECT DISTINCT sort FROM sort_marks ORDER BY sort")?
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?)
            })
            .unwrap()
        };
        let all: Vec<String> = {
            let mut all: Vec<String> = MARKED.iter().map(|s| s.to_string()).collect();
            all.sort();
            all
        };
        type Write = Box<dyn Fn(&Connection) -> Result<(), AppError>>;
        let sql = |sql: &'static str| -> Write { Box::new(move |c: &Connection| Ok(c.execute(sql, []).map(|_| ())?)) };
        let new = |name: &str| Workload { name: name.into(), ..Workload::default() };
        let writes: [(&str, Write, &[&str]); 9] = [
            ("notes", sql("UPDATE workloads SET notes = 'seen' WHERE name = 'w0001'"), &[]),
            ("cores", sql("UPDATE workloads SET cpu_cores = 64 WHERE name = 'w0001'"), &["cpu_cores"]),
            ("role and os", sql("UPDATE workloads SET role = 'cache', os = 'bsd' WHERE name = 'w0001'"), &["os", "role"]),
            ("rename", sql("UPDATE workloads SET name = 'zz' WHERE name = 'w0002'"), &MARKED),
            ("application renamed", sql("UPDATE applications SET name = 'renamed' WHERE name = 'app 3'"), &["application"]),
            ("application deleted", sql("DELETE FROM applications WHERE name = 'app 4'"), &["application"]),
            ("insert_row", Box::new(move |c: &Connection| insert_row(c, eid, None, &new("new")).map(|_| ())), &MARKED),
            (
                "an import's new rows",
                Box::new(move |c: &Connection| NewRows::new(c, eid)?.insert(None, &new("newer")).map(|_| ())),
                &MARKED,
            ),
            ("delete", sql("DELETE FROM workloads WHERE name = 'w0003'"), &MARKED),
        ];
        for (what, write, removed) in writes {
            db.with_conn(|c| build_every(c, eid, &MARKED, 7)).unwrap();
            assert_eq!(kept(&db), all);
            db.with_conn(|c| write(c)).unwrap();
            let left: Vec<String> = all.iter().filter(|s| !removed.contains(&s.as_str())).cloned().collect();
            assert_eq!(kept(&db), left, "after {what}");
        }
        db.with_conn(build_missing).unwrap();
        assert_eq!(kept(&db), all, "built again");
    }

    /// A walk from a mark follows an index: each marked order has one on
    /// (engagement_id, its column, name), as `browse::sort_column` says.
    #[test]
    fn every_marked_order_has_its_index() {
        let (_dir, db, _) = setup(1);
        let indexes: Vec<Vec<String>> = db
            .with_conn(|c| {
                let names: Vec<String> = c
                    .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'workloads'")?
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                let mut out = Vec::new();
                for name in names {
                    out.push(c.prepare(&format!("PRAGMA index_info('{name}')"))?.query_map([], |r| r.get(2))?.collect::<Result<_, _>>()?);
                }
                Ok(out)
            })
            .unwrap();
        assert!(MARKED.len() >= 10, "{:?}", *MARKED);
        for sort in MARKED.iter() {
            let column = super::super::browse::order_key(sort).split(',').next().unwrap().trim().trim_start_matches("w.").to_string();
            let wanted: Vec<String> = if column == "name" {
                vec!["engagement_id".into(), "name".into()]
            } else {
                vec!["engagement_id".into(), column, "name".into()]
            };
            assert!(indexes.iter().any(|i| i == &wanted), "{sort}: no index on {wanted:?}");
        }
    }
}
