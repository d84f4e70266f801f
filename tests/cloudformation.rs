//! The CloudFormation export as a customer's team gets it: the templates of
//! the AnyCompany sample, of three applications over both environments and
//! of the MPA sample workbook pass cfn-lint; the zip from the architecture
//! page and `sixr export --format cloudformation` carry the same files.

mod common;
#[path = "common/estates.rs"]
mod estates;

use std::path::Path;
use std::process::Command;

use axum::http::StatusCode;
use common::TestApp;
use sixr::architecture::landing_zone::{LandingSettings, Link, Management, Topology};
use sixr::db::{self, Db};

/// cfn-lint on every template of `dir`: no errors (exit bit 2). Skipped
/// where cfn-lint is not installed, except under CI (CI=1), where its
/// absence fails the test.
fn lint(dir: &Path) {
    let files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| p.display().to_string())
        .collect();
    assert!(files.len() >= 2, "a landing zone and at least one application: {files:?}");
    let run = match Command::new("cfn-lint").args(["--format", "parseable"]).args(&files).output() {
        Ok(run) => run,
        Err(e) => {
            assert!(std::env::var("CI").is_err(), "cfn-lint is needed under CI (pip install cfn-lint): {e}");
            eprintln!("cfn-lint not installed: templates not linted");
            return;
        }
    };
    let code = run.status.code().unwrap_or(2);
    let out = format!("{}{}", String::from_utf8_lossy(&run.stdout), String::from_utf8_lossy(&run.stderr));
    assert_eq!(code & 2, 0, "cfn-lint found errors:\n{out}");
    assert_eq!(code & !(2 | 4 | 8), 0, "cfn-lint failed to run:\n{out}");
}

fn export(db: &Db, id: i64, dir: &Path) -> Vec<sixr::cfn::File> {
    let (name, archs, lz) = db
        .with_conn(|c| {
            let e = db::engagements::get(c, id)?;
            let (archs, lz) = db::architecture::all(c, id, sixr::cost::catalogue())?;
            Ok((e.name, archs, lz))
        })
        .unwrap();
    let files = sixr::cfn::export(&name, &archs, lz.as_ref());
    std::fs::create_dir_all(dir).unwrap();
    for f in &files {
        std::fs::write(dir.join(&f.name), &f.text).unwrap();
    }
    if let Ok(keep) = std::env::var("SIXR_KEEP_TEMPLATES") {
        let keep = Path::new(&keep).join(dir.file_name().unwrap());
        std::fs::create_dir_all(&keep).unwrap();
        for f in &files {
            std::fs::write(keep.join(&f.name), &f.text).unwrap();
        }
    }
    files
}

#[test]
fn the_anycompany_templates_pass_cfn_lint() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("t.db")).unwrap();
    let id = db.with_conn(|c| Ok(estates::anycompany(c))).unwrap();
    let files = export(&db, id, &dir.path().join("anycompany"));
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["landing-zone.yaml", "app-anycompany-e-commerce.yaml", "README.md"]);
    let lz = &files[0].text;
    // One production VPC over two AZs, its NAT pair, the bastion, the VPN.
    for resource in [
        "ProdVpc:",
        "ProdPublicSubnetB:",
        "ProdDataSubnetA:",
        "ProdNatA:",
        "ProdNatB:",
        "ProdBastion:",
        "ProdVpn:",
        "Trail:",
        "AlarmTopic:",
    ] {
        assert!(lz.contains(&format!("  {resource}")), "{resource} in the landing zone");
    }
    assert!(!lz.contains("NonProdVpc"), "no non-production workloads: no non-production VPC");
    let app = &files[1].text;
    for resource in
        ["WebAlb:", "AppAlb:", "WebLaunchTemplate:", "WebAsg:", "AppAsg:", "StaticDistribution:", "StaticContentAccess:", "BackupBucket:"]
    {
        assert!(app.contains(&format!("  {resource}")), "{resource} in the application stack");
    }
    assert!(app.contains("MultiAZ: true") && app.contains("Engine: \"mysql\""), "RDS for MySQL, Multi-AZ");
    assert!(app.contains("Fn::ImportValue: !Sub \"${LandingZoneStack}-ProdVpcId\""), "placed in the landing zone's VPC");
    assert!(app.contains("ImageId: !Ref \"WebAmi\""), "AMIs are parameters");
    lint(&dir.path().join("anycompany"));
}

#[test]
fn three_applications_and_the_mpa_workbook_pass_cfn_lint_in_both_topologies() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("t.db")).unwrap();
    let three = db.with_conn(|c| Ok(estates::three_apps(c))).unwrap();
    let mpa = db.with_conn(|c| Ok(estates::mpa(c, "ap-northeast-2"))).unwrap();
    let files = export(&db, three, &dir.path().join("three"));
    let lz = &files.iter().find(|f| f.name == "landing-zone.yaml").unwrap().text;
    assert!(lz.contains("  ProdVpc:") && lz.contains("  NonProdVpc:"), "a VPC per environment");
    assert_eq!(lz.matches("Type: \"AWS::EC2::NatGateway\"").count(), 4, "one NAT pair per environment, shared");
    lint(&dir.path().join("three"));
    export(&db, mpa, &dir.path().join("mpa"));
    lint(&dir.path().join("mpa"));

    // Hub and spoke with Session Manager and Direct Connect.
    let hub = LandingSettings {
        topology: Topology::HubSpoke,
        management: Management::SessionManager,
        link: Link::DirectConnect,
        ..LandingSettings::default()
    };
    db.with_conn(|c| db::architecture::set_landing_settings(c, three, &hub, "test")).unwrap();
    let files = export(&db, three, &dir.path().join("hub"));
    let lz = &files.iter().find(|f| f.name == "landing-zone.yaml").unwrap().text;
    assert!(lz.contains("  TransitGateway:") && lz.contains("  ProdTgwAttachment:") && lz.contains("  ProdSsmEndpoint:"));
    assert!(!lz.contains("Bastion"), "Session Manager: no bastion");
    lint(&dir.path().join("hub"));
    let bastion_hub = LandingSettings { topology: Topology::HubSpoke, ..LandingSettings::default() };
    db.with_conn(|c| db::architecture::set_landing_settings(c, three, &bastion_hub, "test")).unwrap();
    let files = export(&db, three, &dir.path().join("hub-bastion"));
    let lz = &files.iter().find(|f| f.name == "landing-zone.yaml").unwrap().text;
    assert!(lz.contains("  HubVpc:") && lz.contains("  HubBastion:") && lz.contains("  Vpn:"));
    lint(&dir.path().join("hub-bastion"));
}

#[tokio::test]
async fn the_zip_download_and_the_command_line_export_carry_the_templates() {
    let app = TestApp::new();
    let id = app.db.with_conn(|c| Ok(estates::anycompany(c))).unwrap();
    let r = app.get(&format!("/engagements/{id}/architecture/cloudformation.zip")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/zip");
    assert!(r.headers["content-disposition"].to_str().unwrap().contains("cloudformation.zip"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.body.clone())).unwrap();
    let mut names: Vec<String> = (0..zip.len()).map(|i| zip.by_index(i).unwrap().name().unwrap().to_string()).collect();
    names.sort();
    assert_eq!(names, ["README.md", "app-anycompany-e-commerce.yaml", "landing-zone.yaml"]);
    let page = app.get(&format!("/engagements/{id}/architecture")).await.text();
    assert!(page.contains(&format!("/engagements/{id}/architecture/cloudformation.zip")), "the list links the download");

    // The command line writes the same files.
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("cli.db");
    let eid = Db::open(&db_path).unwrap().with_conn(|c| Ok(estates::anycompany(c))).unwrap();
    let name = Db::open(&db_path).unwrap().with_conn(|c| Ok(db::engagements::get(c, eid)?.name)).unwrap();
    let out = dir.path().join("cfn");
    let run = Command::new(env!("CARGO_BIN_EXE_sixr"))
        .args([
            "export",
            "--db",
            db_path.to_str().unwrap(),
            "--engagement",
            &name,
            "--format",
            "cloudformation",
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let mut written: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    written.sort();
    assert_eq!(written, names);
    let zipped = {
        let mut f = zip.by_name("landing-zone.yaml").unwrap();
        let mut s = String::new();
        std::io::Read::read_to_string(&mut f, &mut s).unwrap();
        s
    };
    assert_eq!(std::fs::read_to_string(out.join("landing-zone.yaml")).unwrap(), zipped);
    let missing = Command::new(env!("CARGO_BIN_EXE_sixr"))
        .args(["export", "--db", db_path.to_str().unwrap(), "--engagement", &name, "--format", "cloudformation"])
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--out DIR"));
}
