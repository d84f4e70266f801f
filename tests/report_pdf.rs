//! The PDF report as a reader gets it: checked with qpdf, read back with
//! pdftotext, fonts listed with pdffonts (poppler-utils and qpdf are needed).

mod common;
#[path = "common/report_fixture.rs"]
mod fixture;

use std::path::Path;
use std::process::Command;

use sixr::db::Db;
use sixr::db::imports::{self, Target};
use sixr::i18n::Lang;
use sixr::report::layout::Finished;
use sixr::report::{ReportData, apps, build, group, render};
use sixr::service::report as gather;

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

/// Every font embedded as a subset (the glyphs used, not the 4.7 MB font).
fn assert_fonts_subset(path: &str) {
    let (_, fonts) = tool("pdffonts", &[path]);
    for row in fonts.lines().skip(2) {
        let cols: Vec<&str> = row.split_whitespace().collect();
        assert_eq!(cols[cols.len() - 4], "yes", "font not subset: {row}");
    }
}

/// The PDF outline as (title, page) in reading order, read by qpdf.
fn outline(path: &str) -> Vec<(String, usize)> {
    let (ok, json) = tool("qpdf", &["--json=2", "--json-key=outlines", path]);
    assert!(ok, "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["outlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["title"].as_str().unwrap().to_string(), o["destpageposfrom1"].as_u64().unwrap() as usize))
        .collect()
}

/// The document information as pdfinfo prints it ("CreationDate" -> "2026-11-23T00:00:00Z").
fn info(path: &str, field: &str) -> String {
    let (ok, out) = tool("pdfinfo", &["-isodates", path]);
    assert!(ok, "{out}");
    out.lines().find_map(|l| l.strip_prefix(&format!("{field}:"))).map(|v| v.trim().to_string()).unwrap_or_default()
}

/// The AWS MPA sample workbook (200 servers, 14 databases, 14 applications,
/// 153 servers in none) imported as a consultant would, scored, reported on
/// a fixed date.
fn mpa(dir: &Path) -> ReportData {
    let file = format!("{}/tests/inventories/mpa-sample-portfolio.xlsx", env!("CARGO_MANIFEST_DIR"));
    let parsed = sixr::import::parse("mpa-sample-portfolio.xlsx", &std::fs::read(&file).unwrap(), &|_| None).unwrap();
    let db = Db::open(dir.join("mpa.db")).unwrap();
    db.with_conn(|c| {
        imports::commit(c, Target::Name("MPA sample".into()), &parsed, "mpa-sample-portfolio.xlsx", "test", false)?;
        let e = sixr::db::engagements::find_by_name(c, "MPA sample")?.unwrap();
        gather::report_data(c, e.id, "2026-11-23")
    })
    .unwrap()
}

/// The first and last page of chapter `n` ("2 ..." up to the page before "3 ...").
fn chapter_pages(report: &Finished, n: usize) -> (usize, usize) {
    let chapters: Vec<&sixr::report::layout::Anchor> = report.contents.iter().filter(|a| a.level == 1).collect();
    let at = chapters.iter().position(|a| a.title.starts_with(&format!("{n} "))).unwrap_or_else(|| panic!("no chapter {n}"));
    let first = chapters[at].page;
    let last = chapters.get(at + 1).map_or(report.pages, |next| next.page.max(first + 1) - 1);
    (first, last.max(first))
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
            let eid = sixr::service::import::load_anycompany_sample(c, "test")?;
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
        .args(["--date", "2026-11-23"])
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let path = out.to_string_lossy().into_owned();
    assert_opens_cleanly(&path);
    assert!(text(&path, None).contains("리플랫폼"), "the engagement's language (ko) is the default");
    assert!(text(&path, Some((1, 1))).contains("2026-11-23"));
    assert_eq!(info(&path, "CreationDate"), "2026-11-23T00:00:00Z", "the date given, not 1970");
    assert_eq!(info(&path, "Author"), "Maria");

    let bad_date = Command::new(env!("CARGO_BIN_EXE_sixr"))
        .args(["report", "--db", db_path.to_str().unwrap(), "--engagement", "AnyCompany e-commerce", "--out", out.to_str().unwrap()])
        .args(["--date", "23/11/2026"])
        .output()
        .unwrap();
    assert!(!bad_date.status.success());
    assert!(String::from_utf8_lossy(&bad_date.stderr).contains("2026-11-23"), "the error shows the expected form");

    let bad = Command::new(env!("CARGO_BIN_EXE_sixr"))
        .args(["report", "--db", db_path.to_str().unwrap(), "--engagement", "nobody", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("nobody"));
}

/// The real estate: a deliverable of at most about 40 pages with the whole
/// inventory, a table of contents whose page numbers are right, an outline
/// of every chapter and application page, and the report's date in the
/// document information: in both languages.
#[test]
fn the_mpa_estate_report_is_short_navigable_and_dated() {
    let dir = tempfile::tempdir().unwrap();
    let data = mpa(dir.path());
    for (lang, contents_title, chapters) in [(Lang::En, "Contents", "Executive summary"), (Lang::Ko, "목차", "요약")] {
        let report = build(&data, lang);
        let path = write(dir.path(), &format!("mpa-{}.pdf", lang.code()), &report.pdf);
        assert_opens_cleanly(&path);
        assert_fonts_subset(&path);
        let n = pages(&path);
        assert_eq!(n, report.pages);
        // "At most about 40" (issue 16), measured before issue 14 added the
        // landing zone's diagram and shared-cost tables (two pages).
        assert!(n <= 42, "{} pages for 214 workloads", n);

        // Nine chapters in order, and a page per application that matters most.
        let levels: Vec<(u8, &str)> = report.contents.iter().map(|a| (a.level, a.title.as_str())).collect();
        let chapter_numbers: Vec<String> =
            levels.iter().filter(|(l, _)| *l == 1).map(|(_, t)| t.split(' ').next().unwrap().to_string()).collect();
        assert_eq!(chapter_numbers, (1..=9).map(|i| i.to_string()).collect::<Vec<_>>(), "{levels:?}");
        assert_eq!(levels[0].1, format!("1 {chapters}"));
        let app_pages: Vec<&str> = levels.iter().filter(|(l, t)| *l == 2 && t.starts_with("3.")).map(|(_, t)| *t).collect();
        assert_eq!(app_pages.len(), apps::FEATURED, "{levels:?}");
        // The servers the MPA workbook lists under several applications are
        // one shared-services application (issue 11), the largest.
        assert!(app_pages[0].starts_with("3.1 Shared services"), "the largest application with the most high risks first: {app_pages:?}");

        // Each entry is on the page the contents give; the contents page says so.
        let toc = text(&path, Some((2, 2)));
        assert!(toc.contains(contents_title), "{toc}");
        let mut last = 0;
        for a in &report.contents {
            assert!(a.page >= last, "pages in reading order: {levels:?}");
            last = a.page;
            let page = text(&path, Some((a.page, a.page)));
            assert!(page.contains(&a.title), "{:?} is not on page {}:\n{page}", a.title, a.page);
            assert!(toc.contains(&format!("{} {}", a.title, a.page)), "contents line {:?} {}:\n{toc}", a.title, a.page);
        }

        // The outline: the contents page, then every entry, where it is.
        let mut expected = vec![(contents_title.to_string(), 2)];
        expected.extend(report.contents.iter().map(|a| (a.title.clone(), a.page)));
        assert_eq!(outline(&path), expected);

        // Dated: the cover and the document information say the same day.
        assert!(text(&path, Some((1, 1))).contains("2026-11-23"));
        assert_eq!(info(&path, "CreationDate"), "2026-11-23T00:00:00Z");
        assert_eq!(info(&path, "ModDate"), "2026-11-23T00:00:00Z");
        assert!(info(&path, "Title").contains("MPA sample"));
        let keywords = info(&path, "Keywords");
        assert!(keywords.contains("MPA sample") && keywords.contains(&format!("sixr {}", env!("CARGO_PKG_VERSION"))), "{keywords}");

        // The appendix: one line per workload, its header on every page.
        let (first, last_page) = chapter_pages(&report, 9);
        let appendix_pages = last_page - first + 1;
        assert!(appendix_pages <= 6, "214 workloads on {appendix_pages} pages");
        for p in first..=last_page {
            let t = text(&path, Some((p, p)));
            assert!(t.contains(if lang == Lang::En { "Disk GB" } else { "디스크 GB" }), "no header on page {p}");
        }
        let appendix = text(&path, Some((first, last_page)));
        for w in &data.workloads {
            assert!(appendix.contains(&w.name), "{} is not in the appendix", w.name);
        }
    }
}

/// A reason that holds for 159 servers is stated once, with 159, in the
/// estate's findings (and on the pages of the applications it concerns,
/// with their share), not once per server; the OS summary counts RHEL once
/// however the workbook spells it.
#[test]
fn a_finding_shared_by_many_workloads_is_stated_once_with_their_count() {
    let dir = tempfile::tempdir().unwrap();
    let data = mpa(dir.path());
    let estate = group::group(&data.workloads, &data.assessments);
    let rhel4 = estate
        .reasons
        .iter()
        .find(|f| f.key.rule == "runs_on_ec2" && f.key.params == ["red hat enterprise linux 4"])
        .expect("RHEL 4 servers");
    assert_eq!(rhel4.workloads.len(), 159);
    let eos = estate.risks.iter().find(|f| f.key.rule == "os_end_of_support" && f.key.params[1] == "red hat enterprise linux 4").unwrap();
    assert_eq!(eos.text(Lang::En), "Red Hat Enterprise Linux 4 reached end of support on 2012-02-29: no more security patches");
    assert_eq!(estate.risks.first().map(|f| &f.key), Some(&eos.key), "the widest high risk ranks first");

    for lang in [Lang::En, Lang::Ko] {
        let report = build(&data, lang);
        let path = write(dir.path(), &format!("mpa-grouped-{}.pdf", lang.code()), &report.pdf);
        let sentence = rhel4.text(lang);
        let (first, last) = chapter_pages(&report, 2);
        let findings = text(&path, Some((first, last)));
        assert_eq!(findings.matches(sentence).count(), 1, "{sentence:?} stated once in the estate's findings:\n{findings}");
        assert!(findings.contains(&format!("159 {sentence}")), "with its count:\n{findings}");
        let whole = text(&path, None);
        assert!(whole.matches(sentence).count() <= 1 + apps::FEATURED, "{} times", whole.matches(sentence).count());

        // The summary's top risk: the same finding, with its scope.
        let summary = text(&path, Some(chapter_pages(&report, 1)));
        let top = format!("1. [{}] {}", if lang == Lang::En { "High" } else { "높음" }, eos.text(lang));
        assert!(summary.contains(&top), "{top:?} not first:\n{summary}");
        // RHEL, LINUX RedHat and RHEL 4/5 are one system in the OS summary.
        assert!(summary.contains("Red Hat Enterprise Linux 206 (4: 159, 5: 25, 6: 10, ?: 12)"), "{summary}");
        assert!(!summary.contains("LINUX RedHat"), "{summary}");
    }
}
