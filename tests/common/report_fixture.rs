//! Engagements for the report tests and the report benchmark, written
//! through the `db` modules (decisions directly, as the scoring module
//! would store them).
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

/// The AnyCompany case: two web/app servers and a MySQL server, all
/// Replatform, the web servers depending on the database.
pub fn anycompany(conn: &Connection) -> i64 {
    let eid = engagement(conn, "AnyCompany e-commerce", "ko");
    let app = "AnyCompany e-commerce";
    let web = |n: &str| Workload {
        name: n.into(),
        application: app.into(),
        environment: "production".into(),
        role: "web-app".into(),
        os: "Ubuntu Linux".into(),
        os_version: "22.04".into(),
        cpu_cores: Some(4),
        ram_gb: Some(16.0),
        storage_gb: Some(200.0),
        middleware: "Apache HTTP Server 2.4".into(),
        criticality: "high".into(),
        ..Workload::default()
    };
    let w1 = db::workloads::create(conn, eid, &web("anyco-web-01"), "test").unwrap().id;
    let w2 = db::workloads::create(conn, eid, &web("anyco-web-02"), "test").unwrap().id;
    let dbw = Workload {
        name: "anyco-db-01".into(),
        role: "db".into(),
        db_engine: "MySQL".into(),
        db_version: "8.0".into(),
        cpu_cores: Some(8),
        ram_gb: Some(32.0),
        storage_gb: Some(500.0),
        ..web("anyco-db-01")
    };
    let d1 = db::workloads::create(conn, eid, &dbw, "test").unwrap().id;
    for w in [w1, w2, d1] {
        decide(conn, eid, w, "replatform", "M", 8);
    }
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
