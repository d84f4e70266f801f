//! Renders the PDF report of a 1,000-workload engagement and prints the time,
//! size and pages (goal: under 3 s and under 5 MB). Run: `cargo bench --bench report`.

#[path = "../tests/common/report_fixture.rs"]
mod fixture;

use std::time::Instant;

use sixr::db::Db;
use sixr::i18n::Lang;
use sixr::report::build;
use sixr::service::report as gather;

fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = Db::open(dir.path().join("bench.db")).expect("the database opens");
    let eid = db.with_conn(|c| Ok(fixture::large(c, 1000))).expect("the engagement is seeded");

    for (round, lang) in [(1, Lang::En), (2, Lang::Ko), (3, Lang::En)] {
        let start = Instant::now();
        let data = db.with_conn(|c| gather::report_data(c, eid, "2026-11-23")).expect("the report data loads");
        let gathered = start.elapsed();
        let report = build(&data, lang);
        let total = start.elapsed();
        let pdf = report.pdf;
        let path = dir.path().join(format!("report-{round}.pdf"));
        std::fs::write(&path, &pdf).expect("the PDF is written");
        println!(
            "round {round} ({}): {} workloads, gather {:.0} ms, total {:.2} s, {:.2} MB, {} pages{}",
            lang.code(),
            data.workloads.len(),
            gathered.as_secs_f64() * 1000.0,
            total.as_secs_f64(),
            pdf.len() as f64 / 1_048_576.0,
            report.pages,
            if round == 1 { " (includes parsing the fonts once)" } else { "" },
        );
    }
}
