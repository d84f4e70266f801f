//! The PDF report as a reader gets it: checked with qpdf, read back with
//! pdftotext, fonts listed with pdffonts (poppler-utils and qpdf are needed).

mod common;
#[path = "common/report_fixture.rs"]
mod fixture;

use std::path::Path;
use std::process::Command;

use sixr::db::Db;
use sixr::i18n::Lang;
use sixr::report::model::{
    Arrow, ArchitectureSection, CostSection, Diagram, DiagramRect, Finding, PricingModelCost, Risk, SecurityGroupRule, Severity, SizingRow,
};
use sixr::report::{gather, render};

fn tool(cmd: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| panic!("{cmd} is needed for this test: {e}"));
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn write(dir: &Path, name: &str, pdf: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    if let Ok(keep) = std::env::var("SIXR_KEEP_REPORTS") {
        std::fs::write(Path::new(&keep).join(name), pdf).unwrap();
    }
    path.to_string_lossy().into_owned()
}

/// Text of pages `first..=last` (all when None), in reading order.
fn text(path: &str, pages: Option<(usize, usize)>) -> String {
    let mut args = vec![];
    let (f, l);
    if let Some((first, last)) = pages {
        f = first.to_string();
        l = last.to_string();
        args.extend(["-f", f.as_str(), "-l", l.as_str()]);
    }
    args.extend([path, "-"]);
    let (ok, out) = tool("pdftotext", &args);
    assert!(ok, "pdftotext failed: {out}");
    // Lines wrap where the layout decides; compare text, not line breaks.
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn assert_opens_cleanly(path: &str) {
    let (ok, out) = tool("qpdf", &["--check", path]);
    assert!(ok, "qpdf --check failed: {out}");
    let (ok, fonts) = tool("pdffonts", &[path]);
    assert!(ok, "{fonts}");
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "no fonts listed: {fonts}");
    for row in rows {
        // Columns: name type encoding emb sub uni object ID
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(cols[n - 5], "yes", "font not embedded: {row}");
    }
}

fn pages(path: &str) -> usize {
    let (ok, out) = tool("qpdf", &["--show-npages", path]);
    assert!(ok, "{out}");
    out.trim().parse().unwrap()
}

/// The AnyCompany target as the architecture module will hand it over.
fn anycompany_architecture() -> ArchitectureSection {
    let b = |x: f32, y: f32, w: f32, h: f32, label: &str, kind: &str| DiagramRect { x, y, w, h, label: label.into(), kind: kind.into() };
    let diagram = Diagram {
        width: 800.0,
        height: 500.0,
        boxes: vec![
            b(10.0, 10.0, 780.0, 480.0, "AWS ap-northeast-2", "region"),
            b(30.0, 40.0, 740.0, 430.0, "VPC 10.0.0.0/16", "vpc"),
            b(50.0, 80.0, 330.0, 370.0, "Availability Zone A", "az"),
            b(420.0, 80.0, 330.0, 370.0, "Availability Zone B", "az"),
            b(70.0, 110.0, 290.0, 80.0, "Public subnet", "subnet-public"),
            b(90.0, 130.0, 120.0, 40.0, "Web tier (Auto Scaling)", "service"),
            b(230.0, 130.0, 110.0, 40.0, "Bastion host", "bastion"),
            b(70.0, 220.0, 290.0, 200.0, "Private subnet", "subnet-private"),
            b(90.0, 250.0, 120.0, 40.0, "App tier (Auto Scaling)", "service"),
            b(90.0, 340.0, 160.0, 50.0, "Amazon RDS MySQL primary", "rds"),
            b(440.0, 220.0, 290.0, 200.0, "Private subnet", "subnet-private"),
            b(460.0, 340.0, 160.0, 50.0, "RDS standby (Multi-AZ)", "rds"),
        ],
        arrows: vec![
            Arrow { from: 5, to: 8, label: "8080".into() },
            Arrow { from: 8, to: 9, label: "3306".into() },
            Arrow { from: 9, to: 11, label: "sync".into() },
        ],
    };
    let rule = |g: &str, s: &str, p: &str, why: &str| SecurityGroupRule { group: g.into(), source: s.into(), port: p.into(), purpose: why.into() };
    ArchitectureSection {
        diagrams: vec![("AnyCompany e-commerce".into(), diagram)],
        security_groups: vec![
            rule("web-sg", "0.0.0.0/0", "443", "HTTPS from the internet"),
            rule("app-sg", "web-sg", "8080", "Application port from the web tier only"),
            rule("db-sg", "app-sg", "3306", "MySQL from the application tier only"),
            rule("bastion-sg", "corporate network", "22", "Administration"),
        ],
    }
}

#[test]
fn the_anycompany_report_reads_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("r.db")).unwrap();
    let mut data = db
        .with_conn(|c| {
            let eid = fixture::anycompany(c);
            gather::report_data(c, eid, "2026-11-23")
        })
        .unwrap();
    data.architecture = Some(anycompany_architecture());
    // What the cost and scoring modules will hand over.
    data.costs = Some(CostSection {
        currency: "USD".into(),
        price_date: "2026-10-01".into(),
        sizing: vec![SizingRow { workload: "anyco-db-01".into(), current: "8 vCPU, 32 GB".into(), target: "db.r6g.xlarge Multi-AZ".into(), monthly: Some(812.0) }],
        onprem_annual: Some(36000.0),
        models: vec![
            PricingModelCost { model: "On-Demand".into(), annual: 30000.0 },
            PricingModelCost { model: "Savings Plans 3-year".into(), annual: 18000.0 },
        ],
    });
    data.findings = vec![Finding {
        pillar: "Reliability".into(),
        severity: Severity::High,
        title: "Single MySQL server today".into(),
        recommendation: "RDS Multi-AZ with automatic failover".into(),
    }];
    data.applications[0].risks = vec![Risk { severity: Severity::High, text: "No database redundancy today".into() }];

    let en = write(dir.path(), "anycompany-en.pdf", &render(&data, Lang::En));
    assert_opens_cleanly(&en);
    let t = text(&en, None);
    for needle in [
        "Migration assessment and plan",
        "Replatform",
        "Wave 1",
        "Assess",
        "Mobilize: prepare and plan",
        "Migrate and validate",
        "Operate and optimise",
        "Create the VPC and subnets",
        "Add the bastion host",
        "Replatform the MySQL database onto Amazon RDS (Multi-AZ)",
        "AWS DMS",
        "run the new site in parallel",
        "Well-Architected review",
        "Security groups",
        "Application port from the web tier only",
        "RDS standby (Multi-AZ)",
        "anyco-db-01",
        "Page 2 of",
        "db.r6g.xlarge Multi-AZ",
        "$18,000 a year (Savings Plans 3-year), against $36,000 on premises today. That is 50% less.",
        "RDS Multi-AZ with automatic failover",
        "[High] AnyCompany e-commerce: No database redundancy today",
        "Chosen replatform in the workshop",
    ] {
        assert!(t.contains(needle), "English report lacks {needle:?}:\n{t}");
    }
    // Reading order: the phases in sequence, the VPC before the cut-over.
    let at = |s: &str| t.find(s).unwrap();
    assert!(at("Mobilize: prepare and plan") < at("Migrate and validate"));
    assert!(at("Create the VPC and subnets") < at("Cut over to AWS"));

    let ko = write(dir.path(), "anycompany-ko.pdf", &render(&data, Lang::Ko));
    assert_opens_cleanly(&ko);
    let t = text(&ko, None);
    for needle in ["마이그레이션 평가 및 계획", "리플랫폼", "웨이브 1", "준비 및 계획", "운영 및 최적화", "베스천 호스트", "다중 AZ", "AWS DMS", "보안 그룹", "병렬로 운영", "50% 절감됩니다", "[높음]"] {
        assert!(t.contains(needle), "Korean report lacks {needle:?}:\n{t}");
    }
}

#[test]
fn a_long_inventory_continues_over_pages_with_its_header() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("r.db")).unwrap();
    let data = db
        .with_conn(|c| {
            let eid = fixture::large(c, 300);
            gather::report_data(c, eid, "2026-11-23")
        })
        .unwrap();
    let path = write(dir.path(), "large-en.pdf", &render(&data, Lang::En));
    assert_opens_cleanly(&path);
    let n = pages(&path);
    assert!(n > 15, "300 workloads should take many pages, got {n}");
    let last = text(&path, Some((n, n)));
    assert!(last.contains("Workload") && last.contains("Disk GB"), "the appendix header repeats on the last page:\n{last}");
    assert!(last.contains(&format!("Page {n} of {n}")));
    assert!(text(&path, None).contains("srv-0299-application-server"), "every workload is listed");
}

#[test]
fn the_cli_writes_the_report_in_the_engagement_language() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("cli.db");
    let db = Db::open(&db_path).unwrap();
    db.with_conn(|c| Ok(fixture::anycompany(c))).unwrap();
    drop(db);
    let out = dir.path().join("out.pdf");
    let status = Command::new(env!("CARGO_BIN_EXE_sixr"))
        .args(["report", "--db", db_path.to_str().unwrap(), "--engagement", "AnyCompany e-commerce", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let path = out.to_string_lossy().into_owned();
    assert_opens_cleanly(&path);
    assert!(text(&path, None).contains("리플랫폼"), "the engagement's language (ko) is the default");

    let bad = Command::new(env!("CARGO_BIN_EXE_sixr"))
        .args(["report", "--db", db_path.to_str().unwrap(), "--engagement", "nobody", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("nobody"));
}
