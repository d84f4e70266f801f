//! The engine on real names: the examples (DB01, App01,
//! AnyCo-WebServer, WordpresDB02), the MPA sample of tests/inventories
//! (Server10-Monitoring serves eleven applications; the Databases sheet
//! puts Oracle on Server1) and its RVTools export (vm-3's two OS columns).

use super::*;

/// The OS parser of the product knowledge, as storage passes it.
fn os_version(text: &str) -> Option<String> {
    crate::knowledge::os::parse(text).map(|r| r.version).filter(|v| !v.is_empty())
}

fn subject<'a>(id: i64, name: &'a str, os: &'a str, d: &'a Discovered) -> Subject<'a> {
    Subject { id, name, hostname: "", os, role: "", application: "", db_engine: "", os_version: "x", discovered: d }
}

fn run(subjects: &[Subject]) -> Vec<Suggestion> {
    suggest(subjects, &[], &os_version)
}

fn of(list: &[Suggestion], id: i64, field: Field) -> Vec<(String, Vec<String>)> {
    let t = Tr::new(crate::i18n::Lang::En);
    list.iter()
        .filter(|s| s.workload_id == id && s.field == field)
        .map(|s| (s.value.clone(), s.evidence.iter().map(|e| e.text(&t)).collect()))
        .collect()
}

#[test]
fn names_say_the_role_with_their_evidence() {
    let none = Discovered::default();
    let list = run(&[
        subject(1, "DB01", "", &none),
        subject(2, "App01", "", &none),
        subject(3, "AnyCo-WebServer", "", &none),
        subject(4, "WordpresDB02", "", &none),
        subject(5, "vm-1", "Amazon Linux 2 (64-bit)", &none),
    ]);
    assert_eq!(of(&list, 1, Field::Role), [("db".to_string(), vec!["name contains “db”".to_string()])]);
    assert_eq!(of(&list, 2, Field::Role), [("app".to_string(), vec!["name contains “app”".to_string()])]);
    assert_eq!(of(&list, 3, Field::Role), [("web".to_string(), vec!["name contains “webserver”".to_string()])]);
    assert_eq!(of(&list, 4, Field::Role)[0].0, "db");
    assert_eq!(of(&list, 4, Field::DbEngine), [("MySQL".to_string(), vec!["name contains “wordpres”".to_string()])]);
    assert!(of(&list, 5, Field::Role).is_empty(), "vm-1 says nothing about its role");
    assert!(of(&list, 1, Field::DbEngine).is_empty(), "DB01 names no engine");
}

#[test]
fn sql_in_a_windows_name_is_sql_server_and_nothing_on_linux() {
    let none = Discovered::default();
    let list = run(&[
        subject(1, "FIN-SQL01", "Microsoft Windows Server 2016 (64-bit)", &none),
        subject(2, "fin-sql02", "Red Hat Enterprise Linux 8 (64-bit)", &none),
    ]);
    assert_eq!(of(&list, 1, Field::Role)[0].0, "db");
    assert_eq!(of(&list, 1, Field::DbEngine), [("Microsoft SQL Server".to_string(), vec!["name contains “sql”".to_string()])]);
    assert_eq!(of(&list, 2, Field::Role)[0].0, "db");
    assert!(of(&list, 2, Field::DbEngine).is_empty(), "sql on Linux could be any engine");
}

#[test]
fn web_and_app_in_one_name_is_web_app() {
    let none = Discovered::default();
    let list = run(&[subject(1, "shop-webapp-01", "", &none), subject(2, "shop-web-app-02", "", &none)]);
    assert_eq!(of(&list, 1, Field::Role)[0].0, "web-app");
    let two = of(&list, 2, Field::Role);
    assert_eq!(two.len(), 1, "{two:?}");
    assert_eq!(two[0].0, "web-app");
    assert_eq!(two[0].1, ["name contains “web”", "name contains “app”"]);
}

#[test]
fn a_sheet_that_disagrees_with_the_name_is_a_conflict() {
    let sheet = Discovered { sheets: vec!["Databases".into()], databases: vec!["Oracle".into()], ..Discovered::default() };
    let list = run(&[subject(1, "shop-web-01", "", &sheet)]);
    let roles = of(&list, 1, Field::Role);
    assert_eq!(roles.len(), 2, "two candidates, none chosen: {roles:?}");
    assert!(roles.contains(&("web".to_string(), vec!["name contains “web”".to_string()])));
    assert!(roles.contains(&("db".to_string(), vec!["listed in the Databases sheet".to_string()])));
    assert!(of(&list, 1, Field::DbEngine).is_empty(), "no engine while the role is in doubt");
}

#[test]
fn the_mpa_sample_database_host_and_shared_monitoring_server() {
    // Server1 hosts DB1 "Customer Database" (Oracle 11g) in the Databases sheet.
    let server1 = Discovered { sheets: vec!["Databases".into()], databases: vec!["Oracle".into()], ..Discovered::default() };
    let apps: Vec<String> = ["CRM Application", "CMDB Application", "Financial Application"].map(String::from).to_vec();
    let server10 = Discovered { applications: apps, ..Discovered::default() };
    let list = run(&[subject(1, "Server1", "LINUX RedHat", &server1), subject(10, "Server10-Monitoring", "Windows", &server10)]);
    assert_eq!(of(&list, 1, Field::Role), [("db".to_string(), vec!["listed in the Databases sheet".to_string()])]);
    assert_eq!(of(&list, 1, Field::DbEngine), [("Oracle Database".to_string(), vec!["hosts Oracle (Databases sheet)".to_string()])]);
    assert_eq!(of(&list, 10, Field::Role)[0].0, "monitoring");
    let shared = of(&list, 10, Field::Application);
    assert_eq!(shared.len(), 1);
    assert_eq!(shared[0].0, "Shared services");
    assert_eq!(shared[0].1, ["serves 3 applications: CRM Application, CMDB Application, Financial Application"]);
}

#[test]
fn a_monitoring_server_with_no_other_clue_is_a_shared_service() {
    let none = Discovered::default();
    let list = run(&[subject(1, "nagios01", "", &none), subject(2, "corp-dc01", "", &none)]);
    assert_eq!(of(&list, 1, Field::Application)[0].0, "Shared services");
    assert_eq!(of(&list, 1, Field::Application)[0].1, ["a monitoring server serves every application"]);
    assert_eq!(of(&list, 2, Field::Role)[0].0, "directory");
}

#[test]
fn applications_come_from_shared_prefixes_folders_vapps_pools_and_annotations() {
    let none = Discovered::default();
    let folder = Discovered { folder: "/Prod/Beta/DB".into(), ..Discovered::default() };
    let vapp = Discovered { vapp: "Gamma".into(), ..Discovered::default() };
    let pool = Discovered { resource_pool: "/Datacenter/Cluster/Resources/Delta".into(), ..Discovered::default() };
    let default_pool = Discovered { resource_pool: "/Datacenter/Cluster/Resources".into(), ..Discovered::default() };
    let note = Discovered { annotation: "Owner: Kim; App: Epsilon".into(), ..Discovered::default() };
    let list = run(&[
        subject(1, "alpha-web-01", "", &none),
        subject(2, "alpha-db-01", "", &none),
        subject(3, "lonely-web-01", "", &none),
        subject(4, "beta01", "", &folder),
        subject(5, "g1", "", &vapp),
        subject(6, "d1", "", &pool),
        subject(7, "vm-7", "", &default_pool),
        subject(8, "e1", "", &note),
    ]);
    assert_eq!(of(&list, 1, Field::Application), [("alpha".to_string(), vec!["name prefix “alpha” shared by 2 workloads".to_string()])]);
    assert_eq!(of(&list, 2, Field::Application)[0].0, "alpha");
    assert!(of(&list, 3, Field::Application).is_empty(), "a prefix of one workload groups nothing");
    assert_eq!(of(&list, 4, Field::Application), [("Beta".to_string(), vec!["folder /Prod/Beta/DB".to_string()])]);
    assert_eq!(of(&list, 4, Field::Role), [("db".to_string(), vec!["folder /Prod/Beta/DB".to_string()])]);
    assert_eq!(of(&list, 5, Field::Application)[0].0, "Gamma");
    assert_eq!(of(&list, 6, Field::Application)[0].0, "Delta");
    assert!(of(&list, 7, Field::Application).is_empty(), "vCenter's default pool names no application");
    assert_eq!(of(&list, 8, Field::Application), [("Epsilon".to_string(), vec!["annotation mentions “App: Epsilon”".to_string()])]);
    assert!(of(&list, 8, Field::Role).is_empty(), "the key App: is not a role");
}

#[test]
fn existing_applications_keep_their_spelling() {
    let none = Discovered::default();
    let subjects = [subject(1, "alpha-web-01", "", &none), subject(2, "alpha-db-01", "", &none)];
    let list = suggest(&subjects, &["Alpha"], &os_version);
    assert_eq!(of(&list, 1, Field::Application)[0].0, "Alpha");
}

#[test]
fn a_company_prefix_on_most_servers_is_skipped_for_the_next_segment() {
    let none = Discovered::default();
    let names: Vec<String> = (0..12).map(|i| format!("anyco-{}-{i:02}", if i < 6 { "shop" } else { "crm" })).collect();
    let subjects: Vec<Subject> = names.iter().enumerate().map(|(i, n)| subject(i as i64, n, "", &none)).collect();
    let list = run(&subjects);
    assert_eq!(of(&list, 0, Field::Application)[0].0, "shop");
    assert_eq!(of(&list, 11, Field::Application)[0].0, "crm");
}

#[test]
fn the_two_rvtools_os_columns_that_disagree_are_a_conflict() {
    // vm-3 of tests/inventories/rvtools-vcenter8-example-vInfo.csv.
    let vm3 = Discovered {
        os_config: "Debian GNU/Linux 7 (64-bit)".into(),
        os_tools: "Debian GNU/Linux 9 (64-bit)".into(),
        ..Discovered::default()
    };
    let vm4 = Discovered { os_config: "Red Hat Enterprise Linux 9 (64-bit)".into(), ..Discovered::default() };
    let mut s3 = subject(3, "vm-3", "Debian GNU/Linux 9 (64-bit)", &vm3);
    let mut s4 = subject(4, "vm-4", "Red Hat Enterprise Linux 9 (64-bit)", &vm4);
    s3.os_version = "";
    s4.os_version = "";
    let list = run(&[s3, s4]);
    let versions = of(&list, 3, Field::OsVersion);
    assert_eq!(versions.len(), 2, "{versions:?}");
    assert_eq!(versions[0], ("7".to_string(), vec!["OS according to the configuration file: Debian GNU/Linux 7 (64-bit)".to_string()]));
    assert_eq!(versions[1], ("9".to_string(), vec!["OS according to the VMware Tools: Debian GNU/Linux 9 (64-bit)".to_string()]));
    assert_eq!(of(&list, 4, Field::OsVersion).len(), 1, "the OS field repeats the column: one piece of evidence");
}

#[test]
fn settled_fields_are_never_suggested() {
    let none = Discovered::default();
    let mut s = subject(1, "alpha-db-01", "", &none);
    s.role = "web";
    s.application = "Shop";
    let list = run(&[s, subject(2, "alpha-db-02", "", &none)]);
    assert!(of(&list, 1, Field::Role).is_empty());
    assert!(of(&list, 1, Field::Application).is_empty());
    assert_eq!(of(&list, 2, Field::Application)[0].0, "alpha", "the settled one still counts for the prefix");
}

#[test]
fn a_db_engine_column_says_the_role() {
    let none = Discovered::default();
    let mut s = subject(1, "srv-0042", "", &none);
    s.db_engine = "PostgreSQL";
    let list = run(&[s]);
    assert_eq!(of(&list, 1, Field::Role), [("db".to_string(), vec!["db_engine column says PostgreSQL".to_string()])]);
}

#[test]
fn annotations_count_one_role_and_no_prose_abbreviations() {
    let one = Discovered { annotation: "Customer database for CRM, backed up to tape".into(), ..Discovered::default() };
    let two = Discovered { annotation: "web front end and its database".into(), ..Discovered::default() };
    let prose = Discovered { annotation: "This VM was cloned from the old one".into(), ..Discovered::default() };
    let list = run(&[subject(1, "x1", "", &one), subject(2, "x2", "", &two), subject(3, "x3", "", &prose)]);
    assert_eq!(of(&list, 1, Field::Role), [("db".to_string(), vec!["annotation mentions “database”".to_string()])]);
    assert!(of(&list, 2, Field::Role).is_empty(), "an annotation naming two roles says nothing sure");
    assert!(of(&list, 3, Field::Role).is_empty(), "“was” in prose is no WebSphere server");
}

#[test]
fn appliances_are_known_by_their_os_and_software_lists_count() {
    let none = Discovered::default();
    let sw = Discovered { software: vec!["MySQL Server 5.7".into(), "Percona Toolkit".into()], ..Discovered::default() };
    let list = run(&[subject(1, "vcsa01", "VMware Photon OS (64-bit)", &none), subject(2, "srv-17", "", &sw)]);
    assert_eq!(of(&list, 1, Field::Role)[0].0, "appliance");
    assert_eq!(of(&list, 2, Field::Role), [("db".to_string(), vec!["software list has MySQL Server 5.7".to_string()])]);
    assert_eq!(of(&list, 2, Field::DbEngine)[0].0, "MySQL");
}

#[test]
fn a_vague_os_version_gives_way_to_a_precise_one() {
    // CentOS as vSphere names it in the configuration file, and as the tools saw it.
    let centos = Discovered { os_config: "CentOS 4/5/6/7 (64-bit)".into(), os_tools: "CentOS 7 (64-bit)".into(), ..Discovered::default() };
    let windows = Discovered {
        os_config: "Microsoft Windows Server 2012 (64-bit)".into(),
        os_tools: "Microsoft Windows Server 2012 R2 (64-bit)".into(),
        ..Discovered::default()
    };
    let mut a = subject(1, "vm-2003", "CentOS 7 (64-bit)", &centos);
    let mut b = subject(2, "portal-app-180", "Microsoft Windows Server 2012 R2 (64-bit)", &windows);
    a.os_version = "";
    b.os_version = "";
    let list = suggest(&[a, b], &[], &os_version);
    assert_eq!(
        of(&list, 1, Field::OsVersion),
        [("7".to_string(), vec!["OS according to the VMware Tools: CentOS 7 (64-bit)".to_string()])]
    );
    assert_eq!(of(&list, 2, Field::OsVersion)[0].0, "2012 R2");
    assert_eq!(of(&list, 2, Field::OsVersion).len(), 1);
}

#[test]
fn a_folder_application_is_not_opposed_by_a_name_prefix() {
    // GV-Win-01..03 in the folder VDI (tests/fixtures/rvtools-messy-vInfo.csv of the inventory work).
    let vdi = Discovered { folder: "VDI".into(), ..Discovered::default() };
    let alpha = Discovered { folder: "Production/Alpha".into(), ..Discovered::default() };
    let list = run(&[
        subject(1, "GV-Win-01", "", &vdi),
        subject(2, "GV-Win-02", "", &vdi),
        subject(3, "alpha-web-01", "", &alpha),
        subject(4, "alpha-db-01", "", &alpha),
    ]);
    assert_eq!(of(&list, 1, Field::Application), [("VDI".to_string(), vec!["folder VDI".to_string()])]);
    assert_eq!(
        of(&list, 3, Field::Application),
        [("Alpha".to_string(), vec!["folder Production/Alpha".to_string(), "name prefix “alpha” shared by 2 workloads".to_string()])]
    );
}

#[test]
fn a_row_that_is_a_whole_application_gets_no_server_role() {
    // tests/fixtures/application-portfolio.csv: "Fax Server", database "SQL Server 2008".
    let none = Discovered::default();
    let mut fax = subject(1, "Fax Server", "", &none);
    fax.application = "Fax Server";
    fax.db_engine = "SQL Server 2008";
    let mut db = subject(2, "fax-db", "", &none);
    db.db_engine = "SQL Server 2008";
    let list = run(&[fax, db]);
    assert!(of(&list, 1, Field::Role).is_empty(), "the portfolio row names the application's database");
    assert_eq!(of(&list, 2, Field::Role)[0].0, "db", "a server row with an engine is a database server");
}
