//! Discovery enrichment at 100,000 workloads: an RVTools vInfo without
//! roles or applications (`benches/gen_inventory.py --rvtools`) imported,
//! then the suggestions computed again, medians of several runs:
//! - the engine alone (pure: subjects in, suggestions out);
//! - a refresh that finds nothing new (what "Suggest again" costs);
//! - a refresh from nothing (every suggestion written and every field it
//!   fills updated: what an import adds);
//! - the table page's suggestion figures: the count of what waits in the
//!   whole engagement, and a first page of the table with its cells' states;
//! - the baseline, same run: reading every workload of the engagement.
//!
//! Run: `cargo bench --bench enrichment` (`WORKLOADS=20000` for fewer).

use std::time::{Duration, Instant};

use sixr::db::Db;
use sixr::db::imports::{self, Target};
use sixr::enrich::{self, Subject};
use sixr::inventory::Discovered;

const RUNS: usize = 5;

fn median(mut times: Vec<Duration>) -> String {
    times.sort();
    format!("median {:.0} ms (min {:.0}, max {:.0})", ms(times[times.len() / 2]), ms(times[0]), ms(times[times.len() - 1]))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The benchmark's steps in the order it prints their figures: a script,
/// kept in one piece so that it reads as its output does.
fn main() {
    let n: usize = std::env::var("WORKLOADS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let root = env!("CARGO_MANIFEST_DIR");
    let out = std::process::Command::new("python3")
        .arg(format!("{root}/benches/gen_inventory.py"))
        .args(["--rvtools", &n.to_string()])
        .output()
        .expect("python3 runs benches/gen_inventory.py");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let parsed = sixr::import::parse("vInfo.csv", &out.stdout, &|_| None).unwrap_or_else(|r| panic!("{r}"));
    assert_eq!(parsed.workloads.len(), n);

    // The engine alone, on the parsed workloads.
    let none = Discovered::default();
    let subjects: Vec<Subject> = parsed
        .workloads
        .iter()
        .enumerate()
        .map(|(i, w)| Subject {
            id: i as i64,
            name: &w.name,
            hostname: &w.hostname,
            os: &w.os,
            role: &w.role,
            application: &w.application,
            db_engine: &w.db_engine,
            os_version: &w.os_version,
            discovered: if w.discovered.is_empty() { &none } else { &w.discovered },
        })
        .collect();
    let mut engine = Vec::new();
    let mut found = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        found = enrich::suggest(&subjects, &[], &|_| None).len();
        engine.push(start.elapsed());
    }

    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("bench.db")).unwrap();
    let start = Instant::now();
    let outcome = db.with_conn(|c| imports::commit(c, Target::Name("Bench".into()), &parsed, "vInfo.csv", "bench", false)).unwrap();
    let import = start.elapsed();
    let eid = outcome.engagement_id;

    let (mut baseline, mut unchanged, mut from_nothing) = (Vec::new(), Vec::new(), Vec::new());
    let (mut waiting, mut table) = (Vec::new(), Vec::new());
    let mut written = 0;
    db.with_conn(|c| {
        for _ in 0..RUNS {
            let start = Instant::now();
            let all = sixr::db::workloads::list_all(c, eid)?;
            baseline.push(start.elapsed());
            assert_eq!(all.len(), n);

            let start = Instant::now();
            let w = sixr::db::suggestions::waiting(c, eid, &sixr::db::workloads::WorkloadQuery::default())?;
            waiting.push(start.elapsed());
            assert!(w.total() > 0);
            let start = Instant::now();
            sixr::web::workloads::load_table(c, eid, &sixr::db::workloads::WorkloadQuery::default())?;
            table.push(start.elapsed());

            let start = Instant::now();
            let again = sixr::db::suggestions::refresh(c, eid)?;
            unchanged.push(start.elapsed());
            assert_eq!(again.workloads_changed, 0);

            // Back to before any suggestion, timed from there, then undone.
            let tx = c.transaction()?;
            tx.execute("DELETE FROM suggestions WHERE engagement_id = ?1", [eid])?;
            tx.execute(
                "UPDATE workloads SET role = '', application_id = NULL, db_engine = '', os_version = '' WHERE engagement_id = ?1",
                [eid],
            )?;
            let start = Instant::now();
            written = sixr::db::suggestions::refresh(&tx, eid)?.workloads_changed;
            from_nothing.push(start.elapsed());
            tx.rollback()?;
        }
        Ok(())
    })
    .unwrap();

    println!("{n} RVTools VMs without roles or applications; {RUNS} runs each");
    println!(
        "import (parse excluded, suggestions included): {:.0} ms; {} suggestions waiting, {} conflicts",
        ms(import),
        outcome.suggestions.pending,
        outcome.suggestions.conflicts
    );
    println!("engine alone ({found} suggestions): {}", median(engine));
    println!("refresh, nothing new: {}", median(unchanged));
    println!("refresh from nothing ({written} workloads filled): {}", median(from_nothing));
    println!("suggestions waiting, whole engagement counted: {}", median(waiting));
    println!("first table page with its cells' states and the count: {}", median(table));
    println!("baseline, every workload read: {}", median(baseline));
}
