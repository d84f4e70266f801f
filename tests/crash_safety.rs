//! A process killed in the middle of a large import leaves the database
//! whole: it opens, passes SQLite's integrity check, and holds exactly the
//! state from before the import (one transaction, WAL journal).

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sixr");

fn template_csv(rows: usize) -> String {
    let mut s = String::from("name,hostname,application,environment,role,os,os_version,cpu_cores,ram_gb,storage_gb\n");
    for i in 0..rows {
        s.push_str(&format!("vm-{i:07},vm-{i:07}.corp.local,app-{},production,app,Ubuntu Linux,22.04,4,16,200\n", i % 500));
    }
    s
}

fn count(db: &std::path::Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn sigkill_during_a_large_import_leaves_the_previous_state_intact() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.db");
    let small = dir.path().join("small.csv");
    std::fs::write(&small, template_csv(3)).unwrap();
    let ok = Command::new(BIN).args(["import", "--db"]).arg(&db).args(["--engagement", "Crash"]).arg(&small).output().unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM workloads"), 3);

    let large = dir.path().join("large.csv");
    std::fs::File::create(&large).unwrap().write_all(template_csv(300_000).as_bytes()).unwrap();
    let mut child = Command::new(BIN)
        .args(["import", "--db"])
        .arg(&db)
        .args(["--engagement", "Crash"])
        .arg(&large)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill once the import is writing: its transaction spills pages into the WAL.
    let wal = dir.path().join("crash.db-wal");
    let started = Instant::now();
    let mut killed_mid_write = false;
    while started.elapsed() < Duration::from_secs(60) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if std::fs::metadata(&wal).map(|m| m.len() > 4 * 1024 * 1024).unwrap_or(false) {
            child.kill().unwrap(); // SIGKILL on Unix
            killed_mid_write = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.wait();
    assert!(killed_mid_write, "the import finished before it could be killed; make the file larger");

    assert_eq!(count(&db, "SELECT COUNT(*) FROM workloads"), 3, "no partial import");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM imports"), 1, "only the first import is recorded");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let integrity: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
}
