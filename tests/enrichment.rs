//! Discovery enrichment through storage: an RVTools export without roles or
//! applications imported, its suggestions with their evidence, accepted and
//! rejected one by one and in bulk (audited), a rejection that survives a
//! re-import, confidence, the CSV export's `suggested` column and the JSON
//! backup.
//!
//! `tests/fixtures/rvtools-roles-unknown-vInfo.csv` is an RVTools 4.x vInfo
//! (the columns of tests/inventories/rvtools-vcenter8-example-vInfo.csv, with
//! DNS Name and Annotation) of twelve VMs named the way the real
//! export names them: DB01, App01, AnyCo-WebServer, WordpresDB02,
//! alpha-web-01 / alpha-db-01, a vApp, a monitoring server, a name that says
//! two roles (shop-web-db), and vm-3 of the real export.

use std::collections::HashMap;

use rusqlite::Connection;
use sixr::db::Db;
use sixr::db::imports::{self, Target};
use sixr::db::suggestions::{self, Decision, FieldState, Provenance, Selection};
use sixr::db::workloads::WorkloadQuery;
use sixr::enrich::Field;
use sixr::i18n::{Lang, Tr};
use sixr::import;
use sixr::inventory::Workload;

const FIXTURE: &str = "rvtools-roles-unknown-vInfo.csv";

fn file(path: &str) -> Vec<u8> {
    let path = format!("{}/tests/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn fresh() -> (Db, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (Db::open(dir.path().join("t.db")).unwrap(), dir)
}

/// Imports a file into the engagement of that name; returns its id.
fn import(c: &mut Connection, engagement: &str, name: &str, bytes: &[u8]) -> i64 {
    let parsed = import::parse(name, bytes, &|_| None).unwrap_or_else(|r| panic!("{name}: {r}"));
    imports::commit(c, Target::Name(engagement.into()), &parsed, name, "test", false).unwrap().engagement_id
}

fn workload(c: &Connection, eid: i64, name: &str) -> Workload {
    sixr::db::workloads::find_by_name_or_hostname(c, eid, name).unwrap().unwrap_or_else(|| panic!("no workload {name}"))
}

/// Suggested values, each with its evidence as sentences.
type Candidates = Vec<(String, Vec<String>)>;

/// The field's source and its candidates.
fn state(c: &Connection, eid: i64, name: &str, field: Field) -> Option<(Provenance, Candidates)> {
    let t = Tr::new(Lang::En);
    let states: Vec<FieldState> = suggestions::states(c, &workload(c, eid, name)).unwrap();
    states.into_iter().find(|s| s.field == field).map(|s| {
        let list = s.candidates.into_iter().map(|k| (k.value, k.evidence.iter().map(|e| e.text(&t)).collect())).collect();
        (s.source, list)
    })
}

fn audit_count(c: &Connection, eid: i64) -> i64 {
    c.query_row("SELECT COUNT(*) FROM audit_log WHERE engagement_id = ?1", [eid], |r| r.get(0)).unwrap()
}

fn query(q: &str) -> WorkloadQuery {
    WorkloadQuery { q: q.into(), ..WorkloadQuery::default() }
}

#[test]
fn an_export_without_roles_gets_roles_engines_and_applications_with_their_evidence() {
    let (db, _dir) = fresh();
    db.with_conn(|c| {
        let eid = import(c, "Fixture", "vInfo.csv", &file(&format!("fixtures/{FIXTURE}")));
        // The suggestions are in effect: the fields hold them.
        let db01 = workload(c, eid, "DB01");
        assert_eq!((db01.role.as_str(), db01.db_engine.as_str()), ("db", "Microsoft SQL Server"));
        let (source, candidates) = state(c, eid, "DB01", Field::Role).unwrap();
        assert_eq!(source, Provenance::Suggested);
        assert_eq!(candidates[0].1[0], "name contains “db”");
        assert!(candidates[0].1.contains(&"folder Production/Databases".to_string()), "{candidates:?}");
        let (_, engine) = state(c, eid, "DB01", Field::DbEngine).unwrap();
        assert_eq!(engine[0].1, ["annotation mentions “sql”"], "Windows + sql: SQL Server");

        assert_eq!(workload(c, eid, "App01").role, "app");
        assert_eq!(workload(c, eid, "AnyCo-WebServer").role, "web");
        let wp = workload(c, eid, "WordpresDB02");
        assert_eq!((wp.role.as_str(), wp.db_engine.as_str(), wp.application.as_str()), ("db", "MySQL", "Marketing"));
        assert_eq!(workload(c, eid, "alpha-db-01").application, "alpha");
        let (_, alpha) = state(c, eid, "alpha-web-01", Field::Application).unwrap();
        assert_eq!(alpha, [("alpha".to_string(), vec!["name prefix “alpha” shared by 2 workloads".to_string()])]);
        assert_eq!(workload(c, eid, "gamma-01").application, "Gamma");
        assert_eq!(workload(c, eid, "AnyCo-DB").application, "Shop", "the folder names the application");

        // A monitoring server serves every application: shared, not in the first.
        let nagios = workload(c, eid, "nagios01");
        assert_eq!((nagios.role.as_str(), nagios.application.as_str()), ("monitoring", "Shared services"));

        // The name says web and db: a conflict to pick, the field stays empty.
        let (source, candidates) = state(c, eid, "shop-web-db", Field::Role).unwrap();
        assert_eq!(source, Provenance::Conflict);
        assert_eq!(candidates.iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["db", "web"]);
        assert_eq!(workload(c, eid, "shop-web-db").role, "");
        assert!(state(c, eid, "vm-3", Field::Role).is_none(), "vm-3 says nothing of its role");
        // Its two OS columns disagree (Debian 7 configured, Debian 9 running): a conflict.
        let (source, versions) = state(c, eid, "vm-3", Field::OsVersion).unwrap();
        assert_eq!(source, Provenance::Conflict);
        assert_eq!(versions.iter().map(|v| v.0.as_str()).collect::<Vec<_>>(), ["7", "9"]);
        // "2012" configured, "2012 R2" running: the precise one, no conflict.
        assert_eq!(workload(c, eid, "DB01").os_version, "2012 R2");
        Ok(())
    })
    .unwrap();
}

#[test]
fn bulk_decisions_are_audited_once_and_a_rejection_survives_a_reimport() {
    let (db, _dir) = fresh();
    db.with_conn(|c| {
        let eid = import(c, "Fixture", "vInfo.csv", &file(&format!("fixtures/{FIXTURE}")));
        let before = audit_count(c, eid);
        // Accept every kind in the filter "alpha": roles, engine, application, OS versions.
        let accepted =
            suggestions::decide_bulk(c, eid, &Selection { fields: vec![], query: query("alpha") }, Decision::Accept, "consultant")?;
        assert_eq!(accepted.len(), 7, "{accepted:?}");
        assert_eq!(audit_count(c, eid), before + 1, "one entry for the bulk action");
        let (actor, after): (String, String) = c.query_row(
            "SELECT actor, after FROM audit_log WHERE engagement_id = ?1 AND entity = 'suggestions' ORDER BY id DESC LIMIT 1",
            [eid],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        assert_eq!(actor, "consultant");
        assert!(after.contains("alpha-db-01: role = db") && after.contains("alpha-web-01: application = alpha"), "{after}");
        assert_eq!(state(c, eid, "alpha-db-01", Field::Role).unwrap().0, Provenance::Confirmed);

        // Reject the roles of the whole Marketing application.
        let marketing = WorkloadQuery { application: "Marketing".into(), ..WorkloadQuery::default() };
        let rejected = suggestions::decide_bulk(c, eid, &Selection { fields: vec![Field::Role], query: marketing }, Decision::Reject, "c")?;
        assert_eq!(rejected.len(), 2);
        assert_eq!(audit_count(c, eid), before + 2);
        assert_eq!(workload(c, eid, "WordpresDB02").role, "", "a rejected suggestion leaves the field");
        assert_eq!(workload(c, eid, "WordpresDB02").db_engine, "MySQL", "the engine was not rejected");

        // The same file again: nothing rejected comes back, nothing accepted goes.
        import(c, "Fixture", "vInfo.csv", &file(&format!("fixtures/{FIXTURE}")));
        assert_eq!(workload(c, eid, "WordpresDB02").role, "");
        assert!(state(c, eid, "WordpresDB02", Field::Role).is_none());
        assert_eq!(workload(c, eid, "alpha-db-01").role, "db");
        assert_eq!(state(c, eid, "alpha-db-01", Field::Role).unwrap().0, Provenance::Confirmed);
        Ok(())
    })
    .unwrap();
}

#[test]
fn one_pick_settles_a_conflict_and_one_reject_clears_a_field() {
    let (db, _dir) = fresh();
    db.with_conn(|c| {
        let eid = import(c, "Fixture", "vInfo.csv", &file(&format!("fixtures/{FIXTURE}")));
        let id = workload(c, eid, "shop-web-db").id;
        suggestions::decide_one(c, eid, id, Field::Role, "db", Decision::Accept, "c")?;
        assert_eq!(workload(c, eid, "shop-web-db").role, "db");
        assert_eq!(state(c, eid, "shop-web-db", Field::Role).unwrap().0, Provenance::Confirmed);
        let history: String =
            c.query_row("SELECT after FROM audit_log WHERE entity = 'workload' AND entity_id = ?1 ORDER BY id DESC LIMIT 1", [id], |r| {
                r.get(0)
            })?;
        assert!(history.contains("confirmed: db"), "{history}");
        let gamma = workload(c, eid, "gamma-01").id;
        suggestions::decide_one(c, eid, gamma, Field::Application, "Gamma", Decision::Reject, "c")?;
        assert_eq!(workload(c, eid, "gamma-01").application, "");
        let apps = sixr::db::applications::application_names(c, eid, 100)?;
        assert!(!apps.contains(&"Gamma".to_string()), "the suggested application left with its only workload: {apps:?}");
        // Deciding it again: it no longer waits.
        assert!(suggestions::decide_one(c, eid, gamma, Field::Application, "Gamma", Decision::Reject, "c").is_err());
        Ok(())
    })
    .unwrap();
}

/// The fixture imported, App01's role then typed over its suggestion.
fn with_app01_typed(c: &mut Connection) -> i64 {
    let eid = import(c, "Fixture", "vInfo.csv", &file(&format!("fixtures/{FIXTURE}")));
    let mut app01 = workload(c, eid, "App01");
    app01.role = "web-app".into();
    sixr::db::workloads::save(c, eid, &app01, "c").unwrap();
    eid
}

#[test]
fn typing_over_a_suggestion_rejects_it_and_the_typed_value_survives_a_reimport() {
    let (db, _dir) = fresh();
    db.with_conn(|c| {
        let eid = with_app01_typed(c);
        assert_eq!(state(c, eid, "App01", Field::Role).unwrap().0, Provenance::Edited);
        let mut db01 = workload(c, eid, "DB01");
        db01.notes = "primary".into();
        sixr::db::workloads::save(c, eid, &db01, "c")?;
        import(c, "Fixture", "vInfo.csv", &file(&format!("fixtures/{FIXTURE}")));
        assert_eq!(workload(c, eid, "App01").role, "web-app", "the file leaves role empty: the typed value stays");
        assert_eq!(state(c, eid, "App01", Field::Role).unwrap().0, Provenance::Edited);
        assert_eq!(workload(c, eid, "DB01").notes, "SQL Server 2014 - finance", "the file's annotation is the file's");
        Ok(())
    })
    .unwrap();
}

#[test]
fn a_page_of_workloads_reads_the_states_each_reads_alone() {
    let (db, _dir) = fresh();
    db.with_conn(|c| {
        let eid = with_app01_typed(c);
        let all = sixr::db::workloads::list_all(c, eid)?;
        let page = suggestions::states_of(c, &all)?;
        assert_eq!(page.len(), all.len());
        let (mut suggested, mut edited) = (0, 0);
        for w in &all {
            let alone = suggestions::states(c, w)?;
            assert_eq!(page[&w.id], alone, "{}", w.name);
            suggested += alone.iter().filter(|s| s.source == Provenance::Suggested).count();
            edited += alone.iter().filter(|s| s.source == Provenance::Edited).count();
        }
        assert!(suggested > 1 && edited == 1, "the page holds suggestions and the one typed field ({suggested}, {edited})");
        Ok(())
    })
    .unwrap();
}

/// Mean confidence of the fixture's workloads as stored.
fn confidence(c: &Connection, eid: i64, names: &[&str]) -> f64 {
    let stored = sixr::db::assessment::stored(c, eid).unwrap();
    let list: Vec<f64> = names.iter().map(|n| stored[&workload(c, eid, n).id].confidence).collect();
    list.iter().sum::<f64>() / list.len() as f64
}

#[test]
fn confidence_is_highest_once_accepted_and_lowest_with_nothing() {
    let (db, _dir) = fresh();
    let names = ["DB01", "App01", "alpha-db-01", "alpha-web-01", "WordpresDB02"];
    db.with_conn(|c| {
        let bytes = file(&format!("fixtures/{FIXTURE}"));
        let pending = import(c, "Pending", "vInfo.csv", &bytes);
        let nothing = import(c, "Nothing", "vInfo.csv", &bytes);
        let all = Selection { fields: vec![], query: WorkloadQuery::default() };
        suggestions::decide_bulk(c, nothing, &all, Decision::Reject, "c")?;
        let with_nothing = confidence(c, nothing, &names);
        let with_pending = confidence(c, pending, &names);
        suggestions::decide_bulk(c, pending, &all, Decision::Accept, "c")?;
        let accepted = confidence(c, pending, &names);
        assert!(with_nothing < with_pending && with_pending < accepted, "{with_nothing} < {with_pending} < {accepted}");

        // The reasons say which facts are suggestions, and the role-unknown reason is gone.
        let nothing_reasons = sixr::db::assessment::stored(c, nothing)?[&workload(c, nothing, "DB01").id].reasons_line(Lang::En);
        assert!(nothing_reasons.contains("role (web, app, db...) is unknown"), "{nothing_reasons}");
        let fresh = import(c, "Fresh", "vInfo.csv", &bytes);
        let a = &sixr::db::assessment::stored(c, fresh)?[&workload(c, fresh, "DB01").id];
        let line = a.reasons_line(Lang::En);
        assert!(line.contains("role db (suggested: name contains “db”"), "{line}");
        assert!(!line.contains("is unknown"), "{line}");
        assert!(a.reasons_line(Lang::Ko).contains("역할 db (제안: 이름에 “db” 포함"));
        Ok(())
    })
    .unwrap();
}

/// The CSV export's rows as header → value maps.
fn csv_rows(bytes: &[u8]) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(bytes);
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records().map(|rec| header.iter().cloned().zip(rec.unwrap().iter().map(String::from)).collect()).collect()
}

#[test]
fn the_csv_holds_effective_values_and_says_which_are_suggestions() {
    let (db, _dir) = fresh();
    db.with_conn(|c| {
        let eid = import(c, "Fixture", "vInfo.csv", &file(&format!("fixtures/{FIXTURE}")));
        let id = workload(c, eid, "alpha-db-01").id;
        suggestions::decide_one(c, eid, id, Field::Role, "db", Decision::Accept, "c")?;
        let rows = csv_rows(&sixr::service::export::export_bytes(c, eid, "csv")?);
        let row = |name: &str| rows.iter().find(|r| r["name"] == name).unwrap().clone();
        let alpha = row("alpha-db-01");
        assert_eq!((alpha["role"].as_str(), alpha["db_engine"].as_str(), alpha["application"].as_str()), ("db", "PostgreSQL", "alpha"));
        assert_eq!(alpha["suggested"], "application; db_engine; os_version", "the role is confirmed now");
        assert_eq!(alpha["os_version"], "7", "read out of \"Red Hat Enterprise Linux 7 (64-bit)\"");
        assert_eq!(row("DB01")["suggested"], "role; db_engine; os_version");
        assert_eq!(row("shop-web-db")["role"], "", "a conflict holds no value");
        assert_eq!(row("vm-3")["suggested"], "");
        // The export reads back as a template; `suggested` is output, ignored.
        let parsed = import::parse("export.csv", &sixr::service::export::export_bytes(c, eid, "csv")?, &|_| None).unwrap();
        assert!(parsed.warnings.iter().all(|w| w.column.as_deref() != Some("suggested")), "{:?}", parsed.warnings);
        Ok(())
    })
    .unwrap();
}

#[test]
fn the_json_backup_keeps_sources_evidence_and_rejections() {
    let (db, _dir) = fresh();
    db.with_conn(|c| {
        let eid = import(c, "Fixture", "vInfo.csv", &file(&format!("fixtures/{FIXTURE}")));
        let alpha = workload(c, eid, "alpha-db-01").id;
        suggestions::decide_one(c, eid, alpha, Field::Role, "db", Decision::Accept, "c")?;
        let wp = workload(c, eid, "WordpresDB02").id;
        suggestions::decide_one(c, eid, wp, Field::Role, "db", Decision::Reject, "c")?;
        let mut app01 = workload(c, eid, "App01");
        app01.role = "web-app".into();
        sixr::db::workloads::save(c, eid, &app01, "c")?;

        let json = sixr::service::export::export_bytes(c, eid, "json")?;
        let restored = import(c, "Restored", "backup.json", &json);
        for (name, field) in [("alpha-db-01", Field::Role), ("DB01", Field::Role), ("App01", Field::Role), ("shop-web-db", Field::Role)] {
            assert_eq!(state(c, restored, name, field), state(c, eid, name, field), "{name} {field:?}");
        }
        assert_eq!(state(c, restored, "DB01", Field::Role).unwrap().0, Provenance::Suggested);
        assert_eq!(workload(c, restored, "WordpresDB02").role, "", "the rejection came back: no suggestion");
        assert!(state(c, restored, "WordpresDB02", Field::Role).is_none());
        Ok(())
    })
    .unwrap();
}

#[test]
fn the_mpa_sample_database_hosts_and_shared_servers() {
    let (db, _dir) = fresh();
    db.with_conn(|c| {
        let eid = import(c, "MPA", "mpa.xlsx", &file("inventories/mpa-sample-portfolio.xlsx"));
        // Server1 hosts DB1 (Oracle 11g) in the Databases sheet.
        let server1 = workload(c, eid, "Server1");
        assert_eq!((server1.role.as_str(), server1.db_engine.as_str()), ("db", "Oracle Database"));
        let (_, evidence) = state(c, eid, "Server1", Field::Role).unwrap();
        assert_eq!(evidence[0].1, ["listed in the Databases sheet"]);
        // Server10-Monitoring serves eleven applications; its name says
        // monitoring, the Databases sheet puts the Monitoring Database on it:
        // a conflict to pick.
        let monitoring = workload(c, eid, "Server10-Monitoring");
        assert_eq!((monitoring.role.as_str(), monitoring.application.as_str()), ("", "Shared services"));
        let (source, roles) = state(c, eid, "Server10-Monitoring", Field::Role).unwrap();
        assert_eq!(source, Provenance::Conflict);
        assert_eq!(roles.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["db", "monitoring"]);
        let (_, shared) = state(c, eid, "Server10-Monitoring", Field::Application).unwrap();
        assert!(shared[0].1[0].starts_with("serves 11 applications: CRM Application, "), "{shared:?}");
        let served = suggestions::discovered(c, monitoring.id)?.applications;
        assert_eq!(served.len(), 11);
        // A database the sheets give one application keeps it, imported.
        assert_eq!(workload(c, eid, "Customer Database").application, "CRM Application");
        assert!(state(c, eid, "Customer Database", Field::Application).is_none());
        Ok(())
    })
    .unwrap();
}
