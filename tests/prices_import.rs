//! `sixr prices import` on offer files cut in the shape AWS publishes
//! (tests/prices): the catalogue it writes carries the files' prices, the
//! reservation discounts their terms imply and their publication date, and
//! that date is on the estimates made with it.

#[path = "common/estates.rs"]
mod estates;

use std::path::{Path, PathBuf};
use std::process::Command;

use sixr::cost::catalogue::Catalogue;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/prices").join(name).display().to_string()
}

fn import(out: &Path, base: Option<&Path>, files: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sixr"));
    cmd.args(["prices", "import", "--out", out.to_str().unwrap()]);
    if let Some(b) = base {
        cmd.args(["--base", b.to_str().unwrap()]);
    }
    cmd.args(files.iter().map(|f| fixture(f))).output().unwrap()
}

fn read(path: &PathBuf) -> Catalogue {
    Catalogue::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn offer_files_of_every_service_update_the_catalogue_with_their_date() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("prices.toml");
    let run = import(
        &out,
        None,
        &[
            "AmazonEC2-us-east-1.json",
            "AmazonRDS-us-east-1.csv",
            "AWSELB-us-east-1.json",
            "AmazonS3-us-east-1.json",
            "AmazonVPC-us-east-1.csv",
        ],
    );
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}{}", String::from_utf8_lossy(&run.stderr));
    assert!(stdout.contains("AmazonEC2 published 2026-11-20 for us-east-1"), "{stdout}");
    assert!(stdout.contains("not in the file, kept: t3.micro"), "what the file lacks is said: {stdout}");
    let cat = read(&out);
    let us = &cat.regions["us-east-1"];
    // Dated with the oldest file (the ELB offer of 2026-10-21).
    assert_eq!(cat.meta.retrieved, "2026-10-21");
    assert!(cat.meta.source.contains("AmazonRDS 2026-11-18 (us-east-1)"), "{}", cat.meta.source);
    // EC2: Linux, shared tenancy, used capacity only (not the Windows or the unused-reservation row).
    assert_eq!(cat.ec2("m7i.large").unwrap().hourly["us-east-1"], 0.1008);
    assert_eq!(cat.ec2("t3.medium").unwrap().hourly["us-east-1"], 0.0416);
    assert_eq!((us.ebs_gp3_gb_month, us.nat_gateway_hour, us.nat_gateway_gb), (0.08, 0.045, 0.045));
    // Standard reservations only, the upfront fee spread over the term:
    // 1 year no upfront: 1 - 0.0635/0.1008, 1 - 0.127/0.2016, 1 - 0.026/0.0416 → 37.2% on average;
    // 3 years all upfront: 1054, 2108 and 563 USD over 26,280 hours → 56.3%.
    let model = |code: &str| cat.model(code).unwrap().clone();
    assert_eq!(model("reserved_1yr").ec2_discount_pct, 37.2);
    assert_eq!(model("reserved_3yr").ec2_discount_pct, 56.3);
    // RDS: MySQL Single-AZ (not Multi-AZ, not PostgreSQL), gp3 storage; 35.2% and 55.3% reserved.
    assert_eq!(cat.rds_class("db.m6i.large").unwrap().hourly["us-east-1"], 0.171);
    assert_eq!(us.rds_storage_gb_month, 0.115);
    assert_eq!((model("reserved_1yr").rds_discount_pct, model("reserved_3yr").rds_discount_pct), (35.2, 55.3));
    // ELB in the region, not on Outposts; S3's first tier; VPC's hourly charges.
    assert_eq!((us.alb_hour, us.alb_lcu_hour), (0.0225, 0.008));
    assert_eq!((us.s3_standard_gb_month, us.s3_glacier_deep_archive_gb_month), (0.023, 0.00099));
    assert_eq!(
        (us.vpc_endpoint_hour, us.transit_gateway_attachment_hour, us.transit_gateway_gb, us.vpn_connection_hour),
        (0.01, 0.05, 0.02, 0.05)
    );

    // Seoul from an older CSV shape (location names, no region code), on
    // top of the first catalogue: Virginia's prices stay.
    let seoul = dir.path().join("prices-seoul.toml");
    let run = import(&seoul, Some(&out), &["AmazonEC2-ap-northeast-2.csv"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let both = read(&seoul);
    assert_eq!(both.ec2("m7i.large").unwrap().hourly["ap-northeast-2"], 0.1239);
    assert_eq!(both.ec2("m7i.large").unwrap().hourly["us-east-1"], 0.1008);
    assert_eq!((both.regions["ap-northeast-2"].ebs_gp3_gb_month, both.regions["ap-northeast-2"].nat_gateway_hour), (0.0912, 0.059));
    assert_eq!(both.model("reserved_3yr").unwrap().ec2_discount_pct, 56.3, "a file without reservations keeps the discounts");

    // The estimate made with the imported catalogue carries its date.
    let db_path = dir.path().join("r.db");
    let id = sixr::db::Db::open(&db_path).unwrap().with_conn(|c| Ok(estates::anycompany(c))).unwrap();
    let name = sixr::db::Db::open(&db_path).unwrap().with_conn(|c| Ok(sixr::db::engagements::get(c, id)?.name)).unwrap();
    let pdf = dir.path().join("r.pdf");
    let report = Command::new(env!("CARGO_BIN_EXE_sixr"))
        .env("SIXR_PRICES", &seoul)
        .args(["report", "--db", db_path.to_str().unwrap(), "--engagement", &name, "--out", pdf.to_str().unwrap(), "--lang", "en"])
        .output()
        .unwrap();
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
    let text = Command::new("pdftotext").args([pdf.to_str().unwrap(), "-"]).output().expect("pdftotext (poppler-utils) is needed");
    let text = String::from_utf8_lossy(&text.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("prices as of 2026-10-21"), "the imported catalogue's date on the estimate");
}

#[test]
fn a_file_that_is_not_an_offer_or_another_region_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("prices.toml");
    let not_offer = dir.path().join("inventory.csv");
    std::fs::write(&not_offer, "name,cpu_cores\nweb01,4\n").unwrap();
    let run = Command::new(env!("CARGO_BIN_EXE_sixr"))
        .args(["prices", "import", "--out", out.to_str().unwrap(), not_offer.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("not an AWS Price List offer file"));
    assert!(!out.exists());
    let run = Command::new(env!("CARGO_BIN_EXE_sixr"))
        .args(["prices", "import", "--out", out.to_str().unwrap(), "--region", "ap-northeast-2", &fixture("AWSELB-us-east-1.json")])
        .output()
        .unwrap();
    assert!(!run.status.success());
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("no price sixr uses for ap-northeast-2"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!out.exists());
}
