//! Sizing an engagement can defend: the basis (peak, 95th percentile,
//! average) read from what the inventory has, the headroom and generation
//! chosen, stated beside the estimate with the same estimate on the other
//! bases.

mod common;
#[path = "common/estates.rs"]
mod estates;

use axum::http::StatusCode;
use common::TestApp;
use sixr::cost::{Basis, Generation, Sizing, SizingMode};
use sixr::db::{self, Db};

#[test]
fn imports_keep_the_average_utilisation_the_inventories_have() {
    let mpa = sixr::import::parse("mpa.xlsx", estates::MPA, &|_| None).unwrap();
    let server1 = mpa.workloads.iter().find(|w| w.name == "Server1").unwrap();
    // maxCpuUsagePctDec 0.5, avgCpuUsagePctDec 0.2 (fractions); RAM 50 and 40 (percent).
    assert_eq!((server1.cpu_util_peak_pct, server1.cpu_util_avg_pct), (Some(50.0), Some(20.0)));
    assert_eq!((server1.ram_util_peak_pct, server1.ram_util_avg_pct), (Some(50.0), Some(40.0)));
    let rv = sixr::import::parse("rvtools.xlsx", include_bytes!("inventories/rvtools-vcenter8-example.xlsx"), &|_| None).unwrap();
    let vm3 = rv.workloads.iter().find(|w| w.name == "vm-3").unwrap();
    // vCPU: 91 MHz of 9,180; vMemory: 3,103 MiB consumed of 4,096 — a sample, so an average.
    assert_eq!((vm3.cpu_util_avg_pct, vm3.ram_util_avg_pct), (Some(0.99), Some(75.76)));
    assert_eq!(vm3.cpu_util_peak_pct, None, "RVTools does not give a peak");
}

#[test]
fn the_mpa_estimate_on_every_basis_is_ordered_and_adds_up() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("t.db")).unwrap();
    let id = db.with_conn(|c| Ok(estates::mpa(c, "us-east-1"))).unwrap();
    let cat = sixr::cost::catalogue();
    let (archs, lz) = db.with_conn(|c| db::architecture::all(c, id, cat)).unwrap();
    let range = sixr::architecture::cost_range(&archs, lz.as_ref());
    let list = db.with_conn(|c| db::architecture::list(c, id, cat)).unwrap();
    assert_eq!(range, list.range(), "the list and the report quote the same range");
    let on = |mode: SizingMode, basis: Basis| {
        range.iter().find(|r| r.mode == mode && (mode == SizingMode::AsOnPrem || r.basis == basis)).unwrap().monthly[0]
    };
    let (peak, p95, avg, same) = (
        on(SizingMode::Performance, Basis::Peak),
        on(SizingMode::Performance, Basis::P95),
        on(SizingMode::Performance, Basis::Average),
        on(SizingMode::AsOnPrem, Basis::Peak),
    );
    assert!(avg < peak, "average {avg} below peak {peak}");
    assert_eq!(p95, peak, "no 95th percentile in the MPA workbook: the peak stands in");
    assert!(same >= peak, "as on premises {same}");
    // The chosen basis's figure is the estimate's total.
    let total: f64 = archs.iter().map(|a| a.cost.on_demand_monthly()).sum();
    assert!((total - peak).abs() < 1e-6, "{total} against {peak}");
    // Every sizing line of the average basis that lacked an average says the peak was used.
    db.with_conn(|c| {
        db::architecture::set_sizing(c, id, SizingMode::Performance, &Sizing { basis: Basis::P95, ..Sizing::default() }, "test")
    })
    .unwrap();
    let (archs, _) = db.with_conn(|c| db::architecture::all(c, id, cat)).unwrap();
    let line = archs.iter().flat_map(|a| &a.target.sizing).find(|l| l.service == "ec2").unwrap();
    assert!(line.demand.flags.contains(&sixr::cost::sizing::SizingFlag::P95FromPeak));
}

#[tokio::test]
async fn the_sizing_choices_are_stated_beside_the_estimate() {
    let app = TestApp::new();
    let id = app.db.with_conn(|c| Ok(estates::three_apps(c))).unwrap();
    let r = app
        .post_form(
            &format!("/engagements/{id}/architecture/sizing"),
            &[("mode", "performance"), ("basis", "average"), ("headroom", "20"), ("generation", "graviton")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (mode, sizing) = app.db.with_conn(|c| db::architecture::sizing(c, id)).unwrap();
    assert_eq!(
        (mode, sizing),
        (SizingMode::Performance, Sizing { basis: Basis::Average, headroom_pct: 20.0, generation: Generation::Graviton })
    );
    let apps = app.db.with_conn(|c| db::architecture::applications_with_workloads(c, id)).unwrap();
    let shop = apps.iter().find(|a| a.name == "Shop").unwrap();
    let html = app.get(&format!("/engagements/{id}/architecture/{}", shop.id)).await.text();
    assert!(html.contains("Sized on the average utilisation plus 20% headroom, from Graviton (t4g, m7g, c7g, r7g"), "{html}");
    assert!(html.contains("prices as of 2026-11-23"));
    assert!(html.contains("id=\"cost-range\""));
    for basis in ["Peak", "95th percentile", "Average", "As on premises"] {
        assert!(html.contains(&format!("<th scope=\"row\">{basis}")), "{basis} in the range");
    }
    assert!(html.contains("Average <small>(in use)</small>"));
    assert!(html.contains("m7g.") || html.contains("t4g."), "Graviton types chosen");
    let json: serde_json::Value = serde_json::from_slice(&app.get(&format!("/api/engagements/{id}/architecture")).await.body).unwrap();
    assert_eq!(json["sizing"]["basis"], "average");
    assert_eq!(json["applications"][0]["sizing_range"].as_array().unwrap().len(), 4);
    // Nonsense is refused with what to type.
    let bad = app.post_form(&format!("/engagements/{id}/architecture/sizing"), &[("mode", "performance"), ("headroom", "-5")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("Headroom: &quot;-5&quot; is not one of 0–300"), "{}", bad.text());
}

/// The architecture list is kept per application by the writes (db::derived):
/// a new sizing basis or landing zone is on the very next page, and the kept
/// list equals one computed from the inventory.
#[tokio::test]
async fn the_list_follows_the_sizing_basis_and_the_landing_zone_at_once() {
    let app = TestApp::new();
    let id = app.db.with_conn(|c| Ok(estates::mpa(c, "us-east-1"))).unwrap();
    let cat = sixr::cost::catalogue();
    let url = format!("/engagements/{id}/architecture");
    let scratch = || app.db.with_conn(|c| db::architecture::list(c, id, cat)).unwrap();
    let kept = || app.db.with_conn(|c| db::architecture::kept_list(c, id, cat)).unwrap();
    // The list's footer: today's cost, then the On-Demand monthly total.
    let total = |l: &sixr::architecture::ArchitectureList| {
        format!(
            "<td class=\"num\">{}</td>\n    <td class=\"num\">{}</td>",
            sixr::cost::money(l.total_on_prem_annual, &l.currency),
            sixr::cost::money(l.total_on_demand_monthly(), &l.currency)
        )
    };

    let peak = scratch();
    assert_eq!(kept(), peak);
    assert!(app.get(&url).await.text().contains(&total(&peak)), "the peak-based total");

    let r = app.post_form(&format!("{url}/sizing"), &[("mode", "performance"), ("basis", "average")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let average = scratch();
    assert!(average.total_on_demand_monthly() < peak.total_on_demand_monthly(), "sized on the average, the estimate is lower");
    assert_eq!(kept(), average, "the kept list after a new basis");
    let page = app.get(&url).await.text();
    assert!(page.contains(&total(&average)) && !page.contains(&total(&peak)), "the next page shows the new total");

    let r = app
        .post_form(
            &format!("{url}/landing-zone"),
            &[("topology", "hub_spoke"), ("management", "bastion"), ("link", "direct_connect"), ("allocation", "cores")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let hub = scratch();
    assert_ne!(hub.landing_zone, average.landing_zone);
    assert_eq!(kept(), hub, "the kept list after new landing-zone choices");
    assert!(app.get(&url).await.text().contains(&total(&hub)));
}
