//! Engagements for the report tests and the report benchmark: AnyCompany
//! from the shipped sample, a large one written through the `db` modules
//! (decisions directly, as the scoring module would store them).
#![allow(dead_code)]

use rusqlite::{Connection, params};
use sixr::db;
use sixr::inventory::{Dependency, Engagement, Workload};

fn engagement(conn: &Connection, name: &str, language: &str) -> i64 {
    let e = Engagement {
        name: name.into(),
        customer: "AnyCompany".into(),
        consultant: "Maria".into(),
        language: language.into(),
        ..Engagement::default_new()
    };
    db::engagements::create(conn, &e, "test").unwrap().id
}

fn decide(conn: &Connection, eid: i64, wid: i64, strategy: &str, effort: &str, criticality: i64) {
    conn.execute(
        "INSERT INTO decisions (workload_id, engagement_id, strategy, effort, criticality, priority, rationale)
         VALUES (?1, ?2, ?3, ?4, ?5, 5, ?6)",
        params![wid, eid, strategy, effort, criticality, format!("Chosen {strategy} in the workshop")],
    )
    .unwrap();
}

fn dep(conn: &Connection, eid: i64, from: i64, to: i64, port: i64) {
    let d = Dependency { port: Some(port), protocol: "tcp".into(), ..Dependency::default() };
    db::dependencies::insert_row(conn, eid, from, to, &d).unwrap();
}

/// The AnyCompany case as the consultant loads `samples/anycompany.csv`
/// (two web/app servers and a MySQL server, the web servers depending on
/// the database), plus what the report tests need and the sample lacks.
pub fn anycompany(conn: &mut Connection) -> i64 {
    let eid = sixr::service::import::load_anycompany_sample(conn, "test").unwrap();
    // The sample names no consultant and no language: the report tests read
    // the author (Maria) and expect Korean by default, and the command line
    // test asks for the engagement by this name.
    let mut e = db::engagements::get(conn, eid).unwrap();
    e.name = "AnyCompany e-commerce".into();
    e.customer = "AnyCompany".into();
    e.consultant = "Maria".into();
    e.language = "ko".into();
    db::engagements::update(conn, &e, "test").unwrap();
    let id = |name: &str| -> i64 {
        conn.query_row("SELECT id FROM workloads WHERE engagement_id = ?1 AND name = ?2", params![eid, name], |r| r.get(0)).unwrap()
    };
    let (w1, w2, d1) = (id("anyco-web-01"), id("anyco-web-02"), id("anyco-db-01"));
    // The workshop's decision, all Replatform: the sample has none, and the
    // plan and the report follow decisions.
    for w in [w1, w2, d1] {
        decide(conn, eid, w, "replatform", "M", 8);
    }
    // The sample says the web servers depend on the database, not on which
    // port: the security groups and the plan's steps name MySQL's.
    dep(conn, eid, w1, d1, 3306);
    dep(conn, eid, w2, d1, 3306);
    // Decisions and dependencies written by hand: derived as the write paths would.
    db::derived::rederive(conn, eid).unwrap();
    eid
}

/// `n` workloads in applications of five, with a chain of dependencies
/// between applications and every strategy represented.
pub fn large(conn: &Connection, n: usize) -> i64 {
    let eid = engagement(conn, &format!("Portfolio {n}"), "en");
    let strategies = ["rehost", "replatform", "refactor", "retire", "retain", "repurchase", "rehost", "replatform"];
    let efforts = ["S", "M", "L", "XL"];
    let tx = conn.unchecked_transaction().unwrap();
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let w = Workload {
            name: format!("srv-{i:04}-application-server"),
            application: format!("Business application {:03}", i / 5),
            environment: ["production", "staging", "development"][i % 3].into(),
            role: ["web", "app", "db", "file", "batch"][i % 5].into(),
            os: ["Windows Server", "Red Hat Enterprise Linux", "Ubuntu Linux"][i % 3].into(),
            os_version: ["2019", "8", "22.04"][i % 3].into(),
            cpu_cores: Some(2 + (i % 8) as i64),
            ram_gb: Some(8.0 + (i % 4) as f64 * 8.0),
            storage_gb: Some(100.0 + (i % 10) as f64 * 50.0),
            db_engine: if i % 5 == 2 { ["Oracle", "MySQL", "SQL Server"][i % 3].into() } else { String::new() },
            criticality: ["low", "medium", "high"][i % 3].into(),
            ..Workload::default()
        };
        let id = db::workloads::create(&tx, eid, &w, "test").unwrap().id;
        decide(&tx, eid, id, strategies[(i / 5) % strategies.len()], efforts[i % 4], 1 + (i % 10) as i64);
        ids.push(id);
    }
    for i in (5..n).step_by(5) {
        dep(&tx, eid, ids[i], ids[i - 3], 443);
    }
    db::derived::rederive(&tx, eid).unwrap();
    db::derived::complete_pending(&tx).unwrap();
    tx.commit().unwrap();
    eid
}
