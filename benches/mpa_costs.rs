//! The AWS MPA sample workbook (tests/inventories/mpa-sample-portfolio.xlsx,
//! 200 servers, strategies as the scoring recommends) priced in us-east-1:
//! the monthly cost on each sizing basis and pricing model, the landing
//! zone's share of it, and how long the architecture list (every
//! application on every basis, the landing zone) takes to build.
//! Run: `cargo bench --bench mpa_costs`.

#[path = "../tests/common/estates.rs"]
mod estates;

use std::time::Instant;

use sixr::cost::{Basis, Sizing, SizingMode, money};
use sixr::db::{self, Db};

fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = Db::open(dir.path().join("bench.db")).expect("the database opens");
    let id = db.with_conn(|c| Ok(estates::mpa(c, "us-east-1"))).expect("the workbook imports");
    let cat = sixr::cost::catalogue();
    let models: Vec<&str> = cat.pricing_models.iter().map(|m| m.label_en.as_str()).collect();
    println!("prices as of {}; {} headroom; current generation", cat.date(), cat.sizing.headroom_pct);
    println!("| Sizing basis | {} |", models.join(" | "));
    println!("|---|{}", "---:|".repeat(models.len()));
    let list = db.with_conn(|c| db::architecture::list(c, id, cat)).expect("the architectures build");
    for r in list.range() {
        let label = match r.mode {
            SizingMode::AsOnPrem => "As on premises".to_string(),
            SizingMode::Performance => format!("{:?}", r.basis),
        };
        println!("| {label} | {} |", r.monthly.iter().map(|v| money(*v, "USD")).collect::<Vec<_>>().join(" | "));
    }
    let lz = list.landing_zone.as_ref().expect("a landing zone");
    let total = list.total_on_demand_monthly();
    println!(
        "landing zone: {} per month On-Demand, {:.1}% of the {} total ({} VPCs, {} NAT gateways, {} applications sharing it)",
        money(lz.monthly[0], "USD"),
        lz.monthly[0] / total * 100.0,
        money(total, "USD"),
        lz.networks.len(),
        lz.components().filter(|c| c.kind == sixr::architecture::Kind::NatGateway).count(),
        lz.shares.len(),
    );
    // Speed: the list as the pages keep it, on each basis in turn, 5 times each.
    for basis in Basis::ALL {
        db.with_conn(|c| db::architecture::set_sizing(c, id, SizingMode::Performance, &Sizing { basis, ..Sizing::default() }, "bench"))
            .unwrap();
        let mut times: Vec<f64> = (0..5)
            .map(|_| {
                let start = Instant::now();
                db.with_conn(|c| db::architecture::list(c, id, cat)).unwrap();
                start.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!("architecture list on {basis:?}: median {:.0} ms (min {:.0}, max {:.0})", times[2], times[0], times[4]);
    }
}
