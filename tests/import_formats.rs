//! Every import format against the real files in tests/inventories and
//! the samples; bad input refused with line and column and the database
//! unchanged; re-import; JSON round trip; CSV export.

use sixr::db::Db;
use sixr::db::imports::{self, Outcome, Target};
use sixr::import::{self, Format, Parsed, Refusal};
use sixr::inventory::Workload;

/// A real tool's export from tests/inventories (copied unchanged from the
/// project's shared inventories, with their sources and licences in its
/// README), so a clone anywhere runs these tests.
pub fn inventory(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/inventories/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The workload's answer to `question`, given for it or for its application.
fn answered(parsed: &Parsed, workload: &str, question: &str, value: &str) -> bool {
    let app = find(&parsed.workloads, workload).application.clone();
    parsed.answers.iter().any(|a| {
        a.question == question
            && a.value == value
            && ((a.subject_kind == "workload" && a.subject == workload) || (a.subject_kind == "application" && a.subject == app))
    })
}

fn parse(name: &str, bytes: &[u8]) -> Result<Parsed, Refusal> {
    import::parse(name, bytes, &|_| None)
}

fn fresh() -> (Db, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    (Db::open(dir.path().join("t.db")).unwrap(), dir)
}

fn commit(db: &Db, engagement: &str, name: &str, bytes: &[u8]) -> Outcome {
    let parsed = parse(name, bytes).unwrap_or_else(|r| panic!("{name}: {r}"));
    db.with_conn(|c| imports::commit(c, Target::Name(engagement.into()), &parsed, name, "test", false)).unwrap()
}

fn workloads(db: &Db, engagement: &str) -> Vec<Workload> {
    db.with_conn(|c| {
        let e = sixr::db::engagements::find_by_name(c, engagement)?.unwrap();
        sixr::db::workloads::list_all(c, e.id)
    })
    .unwrap()
}

fn find<'a>(ws: &'a [Workload], name: &str) -> &'a Workload {
    ws.iter().find(|w| w.name == name).unwrap_or_else(|| panic!("no workload {name}"))
}

/// Row counts of every table an import writes.
fn snapshot(db: &Db) -> Vec<i64> {
    db.with_conn(|c| {
        let mut out = Vec::new();
        for t in ["engagements", "applications", "workloads", "dependencies", "answers", "imports", "audit_log"] {
            out.push(c.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))?);
        }
        Ok(out)
    })
    .unwrap()
}

#[test]
fn rvtools_csv_reads_mib_and_flags_powered_off_vms() {
    let parsed = parse("vInfo.csv", &inventory("rvtools-vcenter8-example-vInfo.csv")).unwrap();
    assert_eq!(parsed.format, Some(Format::RvtoolsCsv));
    assert_eq!(parsed.workloads.len(), 9);
    let vm3 = find(&parsed.workloads, "vm-3");
    assert_eq!(vm3.cpu_cores, Some(3));
    assert_eq!(vm3.ram_gb, Some(3.44));
    assert_eq!(vm3.os, "Debian GNU/Linux 9 (64-bit)");
    assert!(!vm3.powered_off);
    assert!(find(&parsed.workloads, "vm-1").powered_off);
    let off_warnings = parsed.warnings.iter().filter(|w| w.message.contains("powered off")).count();
    assert_eq!(off_warnings, 6);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
}

#[test]
fn rvtools_xlsx_gives_the_same_vms_as_its_csv() {
    let xlsx = parse("example.xlsx", &inventory("rvtools-vcenter8-example.xlsx")).unwrap();
    let csv = parse("vInfo.csv", &inventory("rvtools-vcenter8-example-vInfo.csv")).unwrap();
    assert_eq!(xlsx.format, Some(Format::RvtoolsXlsx));
    assert_eq!(xlsx.workloads.len(), 9);
    for (a, b) in xlsx.workloads.iter().zip(&csv.workloads) {
        assert_eq!((a.name.as_str(), a.cpu_cores, a.ram_gb, a.powered_off), (b.name.as_str(), b.cpu_cores, b.ram_gb, b.powered_off));
    }
    // The warnings point at the sheet row.
    assert!(xlsx.warnings.iter().any(|w| w.to_string().starts_with("sheet \"vInfo\", line 3")), "{:?}", xlsx.warnings);
}

#[test]
fn older_rvtools_columns_in_mb_and_templates_skipped() {
    let parsed = parse("old.csv", &sample("rvtools-vinfo-older.csv")).unwrap();
    assert_eq!(parsed.workloads.len(), 3, "the template row is skipped");
    assert!(parsed.workloads.iter().all(|w| w.name != "tmpl-win2019"));
    let app = find(&parsed.workloads, "app-01");
    assert_eq!(app.ram_gb, Some(8.0));
    assert_eq!(app.storage_gb, Some(100.0));
    assert_eq!(app.hostname, "app-01.lab.local");
    assert!(find(&parsed.workloads, "app-02").powered_off);
    assert!(parsed.warnings.iter().any(|w| w.message.contains("template")));
}

#[test]
fn mpa_workbook_gives_servers_databases_applications_and_dependencies() {
    let (db, _dir) = fresh();
    let outcome = commit(&db, "MPA", "mpa.xlsx", &inventory("mpa-sample-portfolio.xlsx"));
    assert_eq!(outcome.created, 214, "200 servers and 14 databases");
    let ws = workloads(&db, "MPA");
    // The servers they run on hold the role db too, as a suggestion
    // (tests/enrichment.rs): count the sheet's databases.
    let dbs: Vec<&Workload> = ws.iter().filter(|w| w.role == "db" && !w.name.starts_with("Server")).collect();
    assert_eq!(dbs.len(), 14);
    let server1 = find(&ws, "Server1");
    assert_eq!(server1.cpu_cores, Some(16), "8 CPUs x 2 cores");
    assert_eq!(server1.storage_gb, Some(500.0), "\"500 GB\" in the value");
    assert_eq!(server1.environment, "production");
    assert_eq!(find(&ws, "Server3").environment, "non-production");
    let customer_db = find(&ws, "Customer Database");
    assert_eq!(customer_db.db_engine, "Oracle");
    assert_eq!(customer_db.application, "CRM Application");
    let apps = db.with_conn(|c| sixr::db::applications::applications(c, 1)).unwrap();
    // The sheet's 14, and the shared-services application the servers that
    // serve several of them are suggested into (tests/enrichment.rs).
    assert_eq!(apps.len(), 15);
    assert!(apps.iter().any(|a| a.name == "Shared services"));
    assert!(ws.iter().filter(|w| !w.application.is_empty()).count() > 50);
    let deps = db.with_conn(|c| sixr::db::dependencies::dependencies(c, 1)).unwrap();
    assert!(deps.iter().any(|d| d.from == "Server1" && d.to == "Server111" && d.port == Some(80)), "server communication");
    assert!(deps.iter().any(|d| d.description.contains("depends on")), "application dependency");
    // Server10 is the HOSTNAME of Server10-Monitoring.
    assert!(deps.iter().any(|d| d.to == "Server10-Monitoring"));
}

#[test]
fn migration_hub_template_is_read() {
    let parsed = parse("mh.csv", &sample("migration-hub-import.csv")).unwrap();
    assert_eq!(parsed.format, Some(Format::MigrationHub));
    assert_eq!(parsed.workloads.len(), 3);
    let db = find(&parsed.workloads, "crm-db-01");
    assert_eq!(db.cpu_cores, Some(8));
    assert_eq!(db.ram_gb, Some(64.0));
    assert_eq!(db.ram_util_peak_pct, Some(92.0));
    // It serves two applications: a shared server, not CRM's alone
    // (discovery enrichment suggests the shared-services application).
    assert_eq!(db.application, "");
    assert_eq!(db.discovered.applications, ["CRM", "Reporting"]);
    assert_eq!(find(&parsed.workloads, "crm-web-01").application, "CRM");
    assert_eq!(find(&parsed.workloads, "srv-003").os_version, "2012 R2");
}

#[test]
fn korean_template_in_cp949_is_read_with_answers() {
    let parsed = parse("ko.csv", &sample("template-korean-cp949.csv")).unwrap();
    assert_eq!(parsed.format, Some(Format::Template));
    assert_eq!(parsed.workloads.len(), 3);
    let erp = find(&parsed.workloads, "erp-db-01");
    assert_eq!(erp.application, "사내 ERP");
    assert_eq!(erp.environment, "production");
    assert_eq!(erp.storage_gb, Some(1024.0));
    assert_eq!(erp.db_engine, "SQL Server");
    assert!(answered(&parsed, "groupware-01", "saas_alternative", "yes"));
    assert!(answered(&parsed, "erp-db-01", "deadline_months", "12"));
    assert_eq!(parsed.dependencies.len(), 1);
}

#[test]
fn semicolon_bom_crlf_template_with_units_and_blank_lines() {
    let parsed = parse("semi.csv", &sample("template-semicolon-bom.csv")).unwrap();
    assert_eq!(parsed.workloads.len(), 3);
    let app = find(&parsed.workloads, "billing-app-01");
    assert_eq!(app.ram_gb, Some(32.0));
    assert_eq!(app.storage_gb, Some(2048.0));
    assert_eq!(app.cpu_util_peak_pct, Some(75.0));
    assert_eq!(app.notes, "Batch jobs at night; peaks on the 1st");
    assert_eq!(find(&parsed.workloads, "billing-web-01").environment, "non-production");
}

#[test]
fn anycompany_sample_loads_and_reloads_without_duplicates() {
    let (db, _dir) = fresh();
    let id = db.with_conn(|c| sixr::service::import::load_anycompany_sample(c, "test")).unwrap();
    let again = db.with_conn(|c| sixr::service::import::load_anycompany_sample(c, "test")).unwrap();
    assert_eq!(id, again);
    let ws = workloads(&db, "AnyCompany");
    assert_eq!(ws.len(), 3);
    assert_eq!(find(&ws, "anyco-db-01").db_engine, "MySQL");
    let answers = db.with_conn(|c| imports::answers(c, id)).unwrap();
    // Six questions answered alike by the three workloads: the application's answers.
    assert_eq!(answers.len(), 6);
    assert!(answers.iter().any(|a| a.subject == "AnyCompany e-commerce" && a.question == "deadline_months" && a.value == "6"));
    let deps = db.with_conn(|c| sixr::db::dependencies::dependencies(c, id)).unwrap();
    assert_eq!(deps.len(), 2);
}

#[test]
fn reimport_updates_by_name_and_hostname() {
    let (db, _dir) = fresh();
    let first = commit(&db, "E", "a.csv", b"name,hostname,cpu_cores\nweb-1,web1.local,2\ndb-1,db1.local,4\n");
    assert_eq!((first.created, first.updated), (2, 0));
    // Same hostname under a new name counts as the same server.
    let second = commit(&db, "E", "a.csv", b"name,hostname,cpu_cores\nweb-1,web1.local,8\nDB one,db1.local,16\n");
    assert_eq!((second.created, second.updated), (0, 2));
    let ws = workloads(&db, "E");
    assert_eq!(ws.len(), 2);
    assert_eq!(find(&ws, "web-1").cpu_cores, Some(8));
    assert_eq!(find(&ws, "DB one").cpu_cores, Some(16));
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// 212 rows: 15 templates and 197 VMs whose guest DNS names repeat (empty,
/// localhost, debian, clones of one template) and two of which share a VM
/// name. Every VM is a workload (on main: 170 created, 26 updated).
#[test]
fn every_vm_of_a_messy_rvtools_export_is_kept() {
    for file in ["rvtools-messy-vInfo.csv", "rvtools-messy.xlsx"] {
        let parsed = parse(file, &fixture(file)).unwrap();
        assert_eq!((parsed.rows_read, parsed.templates_skipped, parsed.workloads.len()), (212, 15, 197), "{file}");
        assert_eq!(parsed.rows_refused(), 0);
        let twins: Vec<&Workload> = parsed.workloads.iter().filter(|w| w.name.starts_with("GV-Win-03")).collect();
        assert_eq!(twins.iter().map(|w| w.name.as_str()).collect::<Vec<_>>(), ["GV-Win-03", "GV-Win-03 (2)"], "{file}");
        assert_ne!(twins[0].source_id, twins[1].source_id);
        assert!(twins.iter().all(|w| w.source_id.starts_with("rvtools:")));
        let warning = parsed.warnings.iter().find(|w| w.message.contains("GV-Win-03 (2)")).expect("a warning names the renamed row");
        assert!(warning.message.contains("also the name of the row on line") && warning.line.is_some(), "{warning}");
    }
    let (db, _dir) = fresh();
    let first = commit(&db, "Messy", "vInfo.csv", &fixture("rvtools-messy-vInfo.csv"));
    assert_eq!((first.rows_read, first.templates_skipped, first.created, first.updated, first.rows_refused), (212, 15, 197, 0, 0));
    assert_eq!(first.rows_line(), "212 rows read: 15 templates skipped, 197 created, 0 updated, 0 refused");
    assert_eq!(workloads(&db, "Messy").len(), 197);
    // The same export again (here as the workbook): the same VMs, by their UUIDs.
    let again = commit(&db, "Messy", "RVTools.xlsx", &fixture("rvtools-messy.xlsx"));
    assert_eq!((again.created, again.updated + again.unchanged), (0, 197));
    // And once more: nothing in it is new, and the summary says so.
    let same = commit(&db, "Messy", "RVTools.xlsx", &fixture("rvtools-messy.xlsx"));
    assert_eq!((same.created, same.updated, same.unchanged), (0, 0, 197));
    assert_eq!(same.rows_line(), "212 rows read: 15 templates skipped, 0 created, 0 updated, 197 unchanged, 0 refused");
    let ws = workloads(&db, "Messy");
    assert_eq!(ws.len(), 197);
    let clones = ws.iter().filter(|w| w.hostname == "tmpl-web").count();
    assert_eq!(clones, 8, "clones of one template keep their own workloads");
}

/// A VM that is new to the engagement but carries an old VM's name is a new
/// workload under a name of its own, and the import says so.
#[test]
fn a_new_vm_under_a_known_name_is_not_merged() {
    let (db, _dir) = fresh();
    let header = "VM,Powerstate,Template,CPUs,Memory,DNS Name,VM UUID\n";
    commit(&db, "E", "a.csv", format!("{header}web,poweredOn,False,2,4096,localhost,uuid-a\n").as_bytes());
    let second = commit(&db, "E", "b.csv", format!("{header}web,poweredOn,False,4,4096,localhost,uuid-b\n").as_bytes());
    assert_eq!((second.created, second.updated), (1, 0));
    assert!(second.warnings.iter().any(|w| w.message.contains("imported as \"web (2)\"")), "{:?}", second.warnings);
    let ws = workloads(&db, "E");
    assert_eq!((find(&ws, "web").cpu_cores, find(&ws, "web (2)").cpu_cores), (Some(2), Some(4)));
}

/// Each kind of bad input: refused, located, and nothing written.
#[test]
fn bad_input_is_refused_with_its_place_and_leaves_the_database_unchanged() {
    let (db, _dir) = fresh();
    commit(&db, "E", "ok.csv", b"name,cpu_cores,ram_gb\nkeep-1,2,4\n");
    let before = snapshot(&db);
    let long_quote = b"name,notes\na,\"fine\"\nb,\"never closed\nc,x\n".to_vec();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty", b"".to_vec(), "empty"),
        ("header only", b"name,cpu_cores,ram_gb\r\n".to_vec(), "no data rows"),
        ("binary", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0".to_vec(), "not text"),
        ("unknown", b"Asset,Rack,Owner\nA1,R1,Ops\n".to_vec(), "not a format sixr recognises"),
        ("ragged", b"name,cpu_cores,ram_gb\na,2,4\nb,2\n".to_vec(), "line 3: this row has 2 values but the header has 3 columns"),
        ("unterminated quote", long_quote, "line 3: a quoted value starts here and is never closed"),
        ("negative", b"name,cpu_cores\na,2\nb,-3\n".to_vec(), "line 3, cpu_cores: \"-3\" is not a positive number"),
        ("not a number", b"name,ram_gb\na,lots\n".to_vec(), "line 2, ram_gb: \"lots\" is not a number"),
        ("too large", vec![b'a'; import::MAX_FILE_BYTES + 1], "up to 50 MB"),
    ];
    for (kind, bytes, expected) in cases {
        let message = match parse("bad.csv", &bytes) {
            Err(r) => r.to_string(),
            Ok(parsed) => {
                assert!(!parsed.errors.is_empty(), "{kind}: accepted");
                db.with_conn(|c| imports::commit(c, Target::Name("E".into()), &parsed, "bad.csv", "test", false)).unwrap_err().to_string()
            }
        };
        assert!(message.contains(expected), "{kind}: {message}");
        assert_eq!(snapshot(&db), before, "{kind} changed the database");
    }
}

#[test]
fn too_many_rows_are_refused() {
    let mut text = String::from("name\n");
    for i in 0..=import::MAX_ROWS {
        text.push_str(&format!("w{i}\n"));
    }
    let r = parse("big.csv", text.as_bytes()).unwrap_err();
    assert!(r.to_string().contains("more than 1000000 rows"), "{r}");
}

#[test]
fn valid_rows_only_imports_the_rest_and_warnings_do_not_block() {
    let (db, _dir) = fresh();
    let bytes = b"name,cpu_cores,dependencies\na,2,ghost\nb,-1,\nc,4,a\n";
    let parsed = parse("v.csv", bytes).unwrap();
    assert_eq!(parsed.errors.len(), 1);
    let outcome = db.with_conn(|c| imports::commit(c, Target::Name("E".into()), &parsed, "v.csv", "test", true)).unwrap();
    assert_eq!(outcome.created, 2);
    assert_eq!(outcome.dependencies, 1, "c -> a; a -> ghost left out");
    assert!(outcome.warnings.iter().any(|w| w.message.contains("\"ghost\"")));
    let names: Vec<String> = workloads(&db, "E").into_iter().map(|w| w.name).collect();
    assert_eq!(names, ["a", "c"]);
}

#[test]
fn json_backup_restores_the_engagement_in_a_new_one() {
    let (db, _dir) = fresh();
    let id = db.with_conn(|c| sixr::service::import::load_anycompany_sample(c, "test")).unwrap();
    db.with_conn(|c| {
        let wid: i64 = c.query_row("SELECT id FROM workloads WHERE name = 'anyco-db-01'", [], |r| r.get(0))?;
        c.execute("UPDATE engagements SET customer = 'AnyCompany Inc.', region = 'us-east-1' WHERE id = ?1", [id])?;
        c.execute(
            "INSERT INTO decisions (workload_id, engagement_id, strategy, rationale) VALUES (?1, ?2, 'replatform', 'move to RDS')",
            [wid, id],
        )?;
        sixr::db::engagements::set_preference(c, id, "sizing", &serde_json::json!({"mode": "peak"}), "test")?;
        // Written by hand: derived as a write path would.
        sixr::db::derived::rederive(c, id).map(|_| ())
    })
    .unwrap();
    let json = db.with_conn(|c| sixr::service::export::export_bytes(c, id, "json")).unwrap();
    commit(&db, "Restored", "backup.json", &json);
    let restored = db.with_conn(|c| Ok(sixr::db::engagements::find_by_name(c, "Restored")?.unwrap())).unwrap();
    assert_eq!(restored.customer, "AnyCompany Inc.");
    assert_eq!(restored.region, "us-east-1");
    let mut original = db.with_conn(|c| imports::backup(c, id)).unwrap();
    let mut copy = db.with_conn(|c| imports::backup(c, restored.id)).unwrap();
    for b in [&mut original, &mut copy] {
        for w in &mut b.workloads {
            (w.id, w.version) = (0, 0);
        }
        for a in &mut b.applications {
            a.id = 0;
        }
        for d in &mut b.decisions {
            d.remove("decided_at");
        }
    }
    assert_eq!(copy.workloads, original.workloads);
    assert_eq!(copy.applications, original.applications);
    assert_eq!(copy.dependencies, original.dependencies);
    assert_eq!(copy.answers, original.answers);
    assert_eq!(copy.decisions, original.decisions);
    assert_eq!(copy.decisions[0]["strategy"], "replatform");
    assert_eq!(copy.preferences["sizing"]["mode"], "peak");
}

#[test]
fn csv_export_neutralises_formulas_and_reimports_as_a_template() {
    let (db, _dir) = fresh();
    commit(&db, "E", "f.csv", b"name,notes,application\n=cmd|' /C calc'!A0,@SUM(1),+evil\nplain,\"-2 spaces\",App\n");
    let id = db.with_conn(|c| Ok(sixr::db::engagements::find_by_name(c, "E")?.unwrap().id)).unwrap();
    let csv = String::from_utf8(db.with_conn(|c| sixr::service::export::export_bytes(c, id, "csv")).unwrap()).unwrap();
    assert!(csv.starts_with("name,"));
    assert!(csv.contains("'=cmd|"), "{csv}");
    assert!(csv.contains("'@SUM(1)"));
    assert!(csv.contains("'+evil"));
    assert!(csv.contains("'-2 spaces"));
    assert!(!csv.lines().skip(1).any(|l| l.starts_with('=') || l.contains(",=") || l.contains(",@")));
    let parsed = parse("export.csv", csv.as_bytes()).unwrap();
    assert_eq!(parsed.format, Some(Format::Template));
    assert_eq!(parsed.workloads.len(), 2);
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
}

/// The template answers the questionnaire per row; where every workload of
/// an application agrees, the answer is the application's (inherited by its
/// workloads, as the questionnaire asks it); a row that differs keeps its own.
#[test]
fn shared_answers_become_the_applications_answers() {
    let sample = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/samples/anycompany.csv")).unwrap();
    let parsed = parse("anycompany.csv", &sample).unwrap();
    assert!(parsed.answers.iter().all(|a| a.subject_kind == "application" && a.subject == "AnyCompany e-commerce"));
    assert_eq!(parsed.answers.len(), 6, "{:?}", parsed.answers);
    assert!(parsed.answers.iter().any(|a| a.question == "still_used" && a.value == "yes"));

    let mixed = b"name,application,still_used,saas_alternative\na,App,yes,no\nb,App,yes,yes\n";
    let parsed = parse("mixed.csv", mixed).unwrap();
    let kinds: Vec<_> = parsed.answers.iter().map(|a| (a.subject_kind.as_str(), a.subject.as_str(), a.question.as_str())).collect();
    assert!(kinds.contains(&("application", "App", "still_used")));
    assert!(kinds.contains(&("workload", "a", "saas_alternative")) && kinds.contains(&("workload", "b", "saas_alternative")));
    assert!(!kinds.contains(&("workload", "a", "still_used")));
}
