//! What discovery enrichment makes of real inventories: per file, the share
//! of workloads with a suggested role and a suggested application (in
//! effect, or a conflict to pick), and the mean confidence without
//! enrichment (every suggestion rejected), with the suggestions pending,
//! and once they are all accepted. Not a speed figure: a table for
//! benches/README.md.
//!
//! Run: `cargo bench --bench enrichment_quality`

use std::collections::HashSet;

use rusqlite::Connection;
use sixr::db::Db;
use sixr::db::imports::{self, Target};
use sixr::db::suggestions::{Decision, Selection};
use sixr::db::workloads::WorkloadQuery;

const FILES: &[(&str, &str)] = &[
    ("RVTools example (xlsx)", "tests/inventories/rvtools-vcenter8-example.xlsx"),
    ("MPA workbook", "tests/inventories/mpa-sample-portfolio.xlsx"),
    ("RVTools messy fixture", "tests/fixtures/rvtools-messy-vInfo.csv"),
    ("RVTools roles-unknown fixture", "tests/fixtures/rvtools-roles-unknown-vInfo.csv"),
];

fn mean_confidence(c: &Connection, eid: i64) -> f64 {
    let stored = sixr::db::assessment::stored(c, eid).unwrap();
    stored.values().map(|a| a.confidence).sum::<f64>() / stored.len().max(1) as f64
}

/// Workloads with a suggestion of `field` waiting (in effect or in conflict).
fn with_suggestion(c: &Connection, eid: i64, field: &str) -> usize {
    let ids: HashSet<i64> = c
        .prepare("SELECT workload_id FROM suggestions WHERE engagement_id = ?1 AND field = ?2 AND status = 'pending'")
        .unwrap()
        .query_map(rusqlite::params![eid, field], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    ids.len()
}

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    println!(
        "| file | workloads | suggested role | suggested application | conflicts | mean confidence: without enrichment → suggestions pending → all accepted |"
    );
    println!("|---|---|---|---|---|---|");
    for (label, rel) in FILES {
        let bytes = std::fs::read(format!("{root}/{rel}")).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let parsed = sixr::import::parse(rel, &bytes, &|_| None).unwrap_or_else(|r| panic!("{rel}: {r}"));
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("q.db")).unwrap();
        db.with_conn(|c| {
            let all = Selection { fields: vec![], query: WorkloadQuery::default() };
            let pending = imports::commit(c, Target::Name("Pending".into()), &parsed, rel, "bench", false)?.engagement_id;
            let without = imports::commit(c, Target::Name("Without".into()), &parsed, rel, "bench", false)?.engagement_id;
            sixr::db::suggestions::decide_bulk(c, without, &all, Decision::Reject, "bench")?;
            let n: i64 = c.query_row("SELECT COUNT(*) FROM workloads WHERE engagement_id = ?1", [pending], |r| r.get(0))?;
            let role = with_suggestion(c, pending, "role");
            let app = with_suggestion(c, pending, "application");
            let conflicts: i64 = c.query_row(
                "SELECT COUNT(*) FROM (SELECT 1 FROM suggestions WHERE engagement_id = ?1 AND status = 'pending'
                 GROUP BY workload_id, field HAVING COUNT(*) > 1)",
                [pending],
                |r| r.get(0),
            )?;
            let (none, suggested) = (mean_confidence(c, without), mean_confidence(c, pending));
            sixr::db::suggestions::decide_bulk(c, pending, &all, Decision::Accept, "bench")?;
            let accepted = mean_confidence(c, pending);
            let share = |k: usize| format!("{k} ({:.0}%)", 100.0 * k as f64 / n.max(1) as f64);
            println!(
                "| {label} | {n} | {} | {} | {conflicts} | {:.0}% → {:.0}% → {:.0}% |",
                share(role),
                share(app),
                100.0 * none,
                100.0 * suggested,
                100.0 * accepted
            );
            Ok(())
        })
        .unwrap();
    }
    println!("(conflicts are left as they are by the bulk accept: they need a pick)");
}
