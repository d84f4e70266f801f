//! The PDF report as a reader gets it: checked with qpdf, read back with
//! pdftotext, fonts listed with pdffonts (poppler-utils and qpdf are needed).

mod common;
#[path = "common/report_fixture.rs"]
mod fixture;

use std::path::Path;
use std::process::Command;

use sixr::db::Db;
use sixr::i18n::Lang;
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

/// The AnyCompany sample as a consultant loads it: imported, then scored
/// (no decisions taken by hand), reported in both languages.
#[test]
fn the_anycompany_report_reads_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("r.db")).unwrap();
    let data = db
        .with_conn(|c| {
            let eid = sixr::import::load_anycompany_sample(c, "test")?;
            gather::report_data(c, eid, "2026-11-23")
        })
        .unwrap();

    let en = write(dir.path(), "anycompany-en.pdf", &render(&data, Lang::En));
    assert_opens_cleanly(&en);
    let t = text(&en, None);
    for needle in [
        "Migration assessment and plan",
        "Replatform",
        "RDS for MySQL",
        "Wave 1",
        "Mobilize: prepare and plan",
        "Migrate and validate",
        "Operate and optimise",
        "Create the VPC and subnets",
        "Add the bastion host",
        "AWS DMS",
        "Security groups",
        "Multi-AZ",
        "Bastion host",
        // The diagram's boxes: the RDS standby in the second AZ, the internet-facing ALB.
        "standby",
        "Web ALB (internet-facing)",
        "TCO over 3 years",
        "Well-Architected findings",
        "Reliability",
        "Page 2 of",
    ] {
        assert!(t.contains(needle), "English report lacks {needle:?}:\n{t}");
    }
    // A security-group row: MySQL from the application tier on 3306.
    assert!(t.contains(" TCP 3306 ") || t.contains(" tcp 3306 "), "no security-group row for 3306:\n{t}");
    // The TCO headline: the sample's annual costs add up to $36,000; the cheapest model against them.
    assert!(t.contains("a year (") && t.contains("against $36,000.00 on premises today."), "no TCO headline:\n{t}");
    // Risks with their severity, in the summary and per application.
    assert!(t.contains("[High] AnyCompany e-commerce: MySQL 8.0 reached end of support on 2026-04-30"), "no top risk:\n{t}");
    assert!(t.matches('$').count() > 10, "TCO figures in dollars:\n{t}");
    // Reading order: the phases in sequence, the VPC before the cut-over.
    let at = |s: &str| t.find(s).unwrap();
    assert!(at("Mobilize: prepare and plan") < at("Migrate and validate"));
    assert!(at("Create the VPC and subnets") < at("Cut over to AWS"));

    let ko = write(dir.path(), "anycompany-ko.pdf", &render(&data, Lang::Ko));
    assert_opens_cleanly(&ko);
    let t = text(&ko, None);
    for needle in [
        "마이그레이션 평가 및 계획",
        "리플랫폼",
        "RDS for MySQL",
        "웨이브 1",
        "준비 및 계획",
        "운영 및 최적화",
        "베스천",
        "다중 AZ",
        "AWS DMS",
        "보안 그룹",
        "병렬로 운영",
        "Well-Architected",
        "[높음]",
        "$36,000.00",
    ] {
        assert!(t.contains(needle), "Korean report lacks {needle:?}:\n{t}");
    }
    assert!(t.contains(" TCP 3306 ") || t.contains(" tcp 3306 "), "no security-group row for 3306:\n{t}");
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
