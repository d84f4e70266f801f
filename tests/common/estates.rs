//! Engagements the landing-zone, CloudFormation, diagram and language tests
//! share: the AnyCompany sample as a consultant loads it, three
//! applications over both environments, and the AWS MPA sample workbook.
#![allow(dead_code)]

use rusqlite::{Connection, params};
use sixr::db;
use sixr::inventory::{Dependency, Engagement, Workload};

pub const MPA: &[u8] = include_bytes!("../inventories/mpa-sample-portfolio.xlsx");

/// The AnyCompany sample imported (strategies as the scoring recommends).
pub fn anycompany(conn: &mut Connection) -> i64 {
    sixr::service::import::load_anycompany_sample(conn, "test").unwrap()
}

/// The MPA sample workbook imported into an engagement in `region`.
pub fn mpa(conn: &mut Connection, region: &str) -> i64 {
    let e = Engagement { name: format!("MPA {region}"), region: region.into(), ..Engagement::default_new() };
    let id = db::engagements::create(conn, &e, "test").unwrap().id;
    let parsed = sixr::import::parse("mpa-sample-portfolio.xlsx", MPA, &|_| None).unwrap();
    db::imports::commit(conn, db::imports::Target::Id(id), &parsed, "mpa-sample-portfolio.xlsx", "test", false).unwrap();
    id
}

pub fn server(name: &str, app: &str, env: &str, role: &str) -> Workload {
    Workload {
        name: name.into(),
        application: app.into(),
        environment: env.into(),
        role: role.into(),
        os: "Ubuntu Linux".into(),
        os_version: "22.04".into(),
        cpu_cores: Some(8),
        ram_gb: Some(32.0),
        storage_gb: Some(200.0),
        cpu_util_peak_pct: Some(60.0),
        ram_util_peak_pct: Some(55.0),
        cpu_util_avg_pct: Some(25.0),
        ram_util_avg_pct: Some(40.0),
        middleware: if role == "db" { String::new() } else { "Tomcat 9".into() },
        runtime: if role == "db" { String::new() } else { "Java 17".into() },
        db_engine: if role == "db" { "PostgreSQL".into() } else { String::new() },
        annual_cost: Some(8000.0),
        ..Workload::default()
    }
}

/// Three applications: Shop (production, Replatform: web, app, database),
/// Billing (production, Rehost: two servers) and Intranet (test, Replatform:
/// a web/app server and a database).
pub fn three_apps(conn: &Connection) -> i64 {
    let e = Engagement { name: "Three applications".into(), region: "us-east-1".into(), ..Engagement::default_new() };
    let id = db::engagements::create(conn, &e, "test").unwrap().id;
    let rows = [
        ("shop-web", "Shop", "production", "web", "replatform"),
        ("shop-app", "Shop", "production", "app", "replatform"),
        ("shop-db", "Shop", "production", "db", "replatform"),
        ("billing-app", "Billing", "production", "app", "rehost"),
        ("billing-db", "Billing", "production", "db", "rehost"),
        ("intranet-web", "Intranet", "test", "web-app", "replatform"),
        ("intranet-db", "Intranet", "test", "db", "replatform"),
    ];
    let mut ids = std::collections::HashMap::new();
    for (name, app, env, role, strategy) in rows {
        let w = db::workloads::create(conn, id, &server(name, app, env, role), "test").unwrap();
        conn.execute("INSERT INTO decisions (workload_id, engagement_id, strategy) VALUES (?1, ?2, ?3)", params![w.id, id, strategy])
            .unwrap();
        ids.insert(name, w.id);
    }
    for (from, to, port) in [
        ("shop-web", "shop-app", 8080),
        ("shop-app", "shop-db", 5432),
        ("billing-app", "billing-db", 5432),
        ("intranet-web", "intranet-db", 5432),
    ] {
        let d = Dependency { port: Some(port), protocol: "tcp".into(), ..Dependency::default() };
        db::dependencies::insert_row(conn, id, ids[from], ids[to], &d).unwrap();
    }
    id
}

/// `n` production applications of one rehosted server each, "App 001"...,
/// derived (each one's summary and footprint kept).
pub fn many_apps(conn: &Connection, n: usize) -> i64 {
    let e = Engagement { name: format!("{n} applications"), region: "us-east-1".into(), ..Engagement::default_new() };
    let id = db::engagements::create(conn, &e, "test").unwrap().id;
    for i in 1..=n {
        let w =
            db::workloads::create(conn, id, &server(&format!("app-{i:03}"), &format!("App {i:03}"), "production", "app"), "test").unwrap();
        conn.execute("INSERT INTO decisions (workload_id, engagement_id, strategy) VALUES (?1, ?2, 'rehost')", params![w.id, id]).unwrap();
    }
    // The decisions went in behind the repositories' back: derive again.
    db::architecture::set_landing_settings(conn, id, &Default::default(), "test").unwrap();
    id
}

/// The three applications and one per other target design: serverless and
/// container refactors, a retained ledger the shop calls, a retired
/// reporting server, a CRM replaced by SaaS.
pub fn every_pattern(conn: &Connection) -> i64 {
    let id = three_apps(conn);
    let small = |name: &str, app: &str, role: &str, runtime: &str, cores: i64| Workload {
        runtime: runtime.into(),
        cpu_cores: Some(cores),
        ram_gb: Some(4.0 * cores as f64),
        environment: "production".into(),
        ..server(name, app, "production", role)
    };
    let rows = [
        (small("api-fn", "Events API", "app", "Node.js 20", 2), "refactor"),
        (small("api-db", "Events API", "db", "", 2), "refactor"),
        (small("orders-svc", "Orders", "web-app", "Java 17", 8), "refactor"),
        (small("ledger-01", "Ledger", "app", "COBOL", 4), "retain"),
        (small("reports-01", "Reports", "app", "", 2), "retire"),
        (small("crm-01", "CRM", "app", "", 4), "repurchase"),
    ];
    let mut ids = std::collections::HashMap::new();
    for (w, strategy) in rows {
        let saved = db::workloads::create(conn, id, &w, "test").unwrap();
        conn.execute("INSERT INTO decisions (workload_id, engagement_id, strategy) VALUES (?1, ?2, ?3)", params![saved.id, id, strategy])
            .unwrap();
        ids.insert(w.name.clone(), saved.id);
    }
    let shop = db::workloads::list_all(conn, id).unwrap().into_iter().find(|w| w.name == "shop-app").unwrap();
    let d = Dependency { port: Some(1521), protocol: "tcp".into(), ..Dependency::default() };
    db::dependencies::insert_row(conn, id, shop.id, ids["ledger-01"], &d).unwrap();
    id
}
