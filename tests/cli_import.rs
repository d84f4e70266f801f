//! `sixr import` and `sixr export` as a consultant runs them: exit codes,
//! stderr, and what ends up in the database.

use std::path::Path;
use std::process::{Command, Output};

fn sixr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sixr")).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn sample(name: &str) -> String {
    format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn import_creates_the_engagement_and_reports_counts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let db_arg = db.to_str().unwrap();
    let out = sixr(&["import", "--db", db_arg, "--engagement", "AnyCompany", &sample("anycompany.csv")]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("3 created"), "{}", stdout(&out));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM workloads"), 3);
    // Again: matched, not duplicated, and nothing in it is new.
    let again = sixr(&["import", "--db", db_arg, "--engagement", "AnyCompany", &sample("anycompany.csv")]);
    assert!(stdout(&again).contains("0 created, 0 updated, 3 unchanged"), "{}", stdout(&again));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM workloads"), 3);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM imports"), 2);
}

#[test]
fn warnings_go_to_stderr_with_exit_zero() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let out = sixr(&["import", "--db", db.to_str().unwrap(), "--engagement", "Lab", &sample("rvtools-vinfo-older.csv")]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("warning: line 3, Powerstate: app-02 is powered off"), "{}", stderr(&out));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM workloads WHERE powered_off = 1"), 1);
}

#[test]
fn errors_exit_non_zero_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "name,cpu_cores\nweb-1,2\nweb-2,-3\n").unwrap();
    let args = ["import", "--db", db.to_str().unwrap(), "--engagement", "Acme", bad.to_str().unwrap()];
    let out = sixr(&args);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("line 3, cpu_cores: \"-3\" is not a positive number"), "{}", stderr(&out));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM engagements"), 0, "not even the engagement");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM workloads"), 0);

    let mut valid_only = args.to_vec();
    valid_only.insert(5, "--valid-only");
    let out = sixr(&valid_only);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM workloads"), 1);

    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let out = sixr(&["import", "--db", db.to_str().unwrap(), "--engagement", "Acme", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("the file is empty"));
}

#[test]
fn export_csv_to_stdout_and_json_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let db_arg = db.to_str().unwrap();
    assert!(sixr(&["import", "--db", db_arg, "--engagement", "Ko", &sample("template-korean-cp949.csv")]).status.success());
    let csv = sixr(&["export", "--db", db_arg, "--engagement", "Ko", "--format", "csv"]);
    assert!(csv.status.success());
    let text = stdout(&csv);
    assert!(text.starts_with("name,"));
    assert_eq!(text.lines().count(), 4);
    assert!(text.contains("사내 ERP"));

    let json = dir.path().join("ko.json");
    let out = sixr(&["export", "--db", db_arg, "--engagement", "Ko", "--format", "json", "--out", json.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = sixr(&["import", "--db", db_arg, "--engagement", "Ko restored", json.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let restored = sixr(&["export", "--db", db_arg, "--engagement", "Ko restored", "--format", "csv"]);
    assert_eq!(stdout(&restored), text);

    let missing = sixr(&["export", "--db", db_arg, "--engagement", "Nope"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("no engagement called \"Nope\""));
}

/// The headless path a consultant scripts: import the AnyCompany sample and
/// export it; the export already carries the recommendation (Replatform).
#[test]
fn imported_workloads_are_scored_before_export() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("a.db");
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/samples/anycompany.csv");
    let bin = env!("CARGO_BIN_EXE_sixr");
    let out =
        std::process::Command::new(bin).args(["import", "--db"]).arg(&db).args(["--engagement", "AnyCompany", sample]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = std::process::Command::new(bin)
        .args(["export", "--db"])
        .arg(&db)
        .args(["--engagement", "AnyCompany", "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap_or_else(|| panic!("no {name} column in {headers:?}"));
    let (name, recommended) = (column("name"), column("recommended_strategy"));
    let rows: Vec<_> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 3);
    for r in rows {
        assert_eq!(&r[recommended], "replatform", "{}", &r[name]);
    }
}

#[test]
fn backup_and_restore_bring_the_data_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let saved = dir.path().join("saved.db");
    let (db_arg, saved_arg) = (db.to_str().unwrap(), saved.to_str().unwrap());
    assert!(sixr(&["import", "--db", db_arg, "--engagement", "AnyCompany", &sample("anycompany.csv")]).status.success());
    let out = sixr(&["backup", "--db", db_arg, "--out", saved_arg]);
    assert!(out.status.success(), "{}", stderr(&out));

    // Work goes on after the backup...
    assert!(sixr(&["import", "--db", db_arg, "--engagement", "Second", &sample("anycompany.csv")]).status.success());
    assert!(sixr(&["import", "--db", db_arg, "--engagement", "AnyCompany", &sample("anycompany.csv")]).status.success());

    // ...and the backup brings the earlier state back.
    let out = sixr(&["restore", "--db", db_arg, "--from", saved_arg]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM engagements"), 1, "the engagement made after the backup is gone");
    assert_eq!(count(&db, "SELECT COUNT(*) FROM workloads"), 3);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM assessments"), 3, "with its scores");

    let missing = sixr(&["restore", "--db", db_arg, "--from", dir.path().join("nope.db").to_str().unwrap()]);
    assert!(!missing.status.success() && stderr(&missing).contains("does not exist"), "{}", stderr(&missing));
}

/// A large import derives in steps; `sixr import` carries them on until
/// the pages are whole, so the consultant opens them ready: every workload
/// assessed, every application's architecture and the plan kept. Only the
/// diagrams' arrows and the search index are left to the server.
#[test]
fn a_large_import_ends_with_its_pages_ready() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("large.db");
    let csv = dir.path().join("large.csv");
    let mut text = String::from("name,application,environment,role,os,os_version,cpu_cores,ram_gb\n");
    for i in 0..2_500 {
        text += &format!("srv-{i:05},app-{:03},production,app,Ubuntu Linux,22.04,4,16\n", i / 25);
    }
    std::fs::write(&csv, text).unwrap();
    let out = sixr(&["import", "--db", db.to_str().unwrap(), "--engagement", "Large", csv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("2500 created"), "{}", stdout(&out));
    assert!(stdout(&out).contains("scored, planned and priced in"), "{}", stdout(&out));
    assert_eq!(count(&db, "SELECT COUNT(*) FROM assessments"), 2_500);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM architecture_summaries WHERE application_id <> 0"), 100);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM plans"), 1);
    // What is left (if anything) is past the pages' stages.
    assert_eq!(count(&db, "SELECT COUNT(*) FROM derivations WHERE stage < 4"), 0);
}
