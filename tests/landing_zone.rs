//! The landing zone the applications share: one NAT pair per environment
//! however many applications, shared costs counted once and allocated by
//! the stated key, the AnyCompany case unchanged, the choices on its page.

mod common;
#[path = "common/estates.rs"]
mod estates;

use axum::http::StatusCode;
use common::TestApp;
use sixr::architecture::landing_zone::{self, Allocation, Env, Footprint, LandingSettings, LandingZone, Management, Topology, Totals};
use sixr::architecture::{AppArchitecture, Kind};
use sixr::db::{self, Db};

fn all(db: &Db, id: i64) -> (Vec<AppArchitecture>, LandingZone) {
    let (archs, lz) = db.with_conn(|c| db::architecture::all(c, id, sixr::cost::catalogue())).unwrap();
    (archs, lz.expect("a landing zone"))
}

fn app<'a>(archs: &'a [AppArchitecture], name: &str) -> &'a AppArchitecture {
    archs.iter().find(|a| a.target.application == name).unwrap()
}

/// The sum of the cost lines for `kind` marked shared, per pricing model.
fn shared_cost(a: &AppArchitecture, kind: Kind) -> Vec<f64> {
    (0..a.cost.models.len()).map(|i| a.cost.lines.iter().filter(|l| l.shared && l.kind == kind).map(|l| l.monthly[i]).sum()).collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6
}

#[test]
fn three_applications_share_one_nat_pair_per_environment() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("t.db")).unwrap();
    let id = db.with_conn(|c| Ok(estates::three_apps(c))).unwrap();
    let (archs, lz) = all(&db, id);

    // A VPC per environment: Shop and Billing in production, Intranet (test) apart.
    let prod = lz.network(Env::Production).unwrap();
    let non = lz.network(Env::NonProduction).unwrap();
    assert_eq!(prod.applications, ["Billing", "Shop"]);
    assert_eq!(non.applications, ["Intranet"]);
    for net in [prod, non] {
        let nats: Vec<&str> = net.components.iter().filter(|c| c.kind == Kind::NatGateway).map(|c| c.key.as_str()).collect();
        assert_eq!(nats.len(), 2, "one NAT gateway per AZ in {:?}: {nats:?}", net.env);
        assert_eq!(net.components.iter().filter(|c| c.kind == Kind::Bastion).count(), 1);
        assert_eq!(net.components.iter().filter(|c| c.kind == Kind::InternetGateway).count(), 1);
    }
    assert_eq!(lz.components().filter(|c| c.kind == Kind::NatGateway).count(), 4, "not a pair per application");
    let link = lz.global.iter().find(|c| c.kind == Kind::HybridLink).unwrap();
    assert_eq!(link.count, 2, "a VPN connection to each VPC");

    // Each application lists the NAT pair it uses, shared, and pays no NAT of its own.
    for a in &archs {
        let nats: Vec<_> = a.target.components_of(Kind::NatGateway).collect();
        assert_eq!(nats.len(), 2);
        assert!(nats.iter().all(|c| c.shared));
        assert!(!a.cost.lines.iter().any(|l| l.kind == Kind::NatGateway && !l.shared), "{}: an own NAT line", a.target.application);
    }
    // The shared cost appears once: the applications' shares add up to it.
    let nat_lines = |env: Env| -> Vec<f64> {
        (0..lz.monthly.len())
            .map(|i| lz.lines.iter().filter(|l| l.scope == Some(env) && l.line.kind == Kind::NatGateway).map(|l| l.line.monthly[i]).sum())
            .collect()
    };
    let (shop, billing, intranet) = (app(&archs, "Shop"), app(&archs, "Billing"), app(&archs, "Intranet"));
    for i in 0..lz.monthly.len() {
        assert!(close(shared_cost(shop, Kind::NatGateway)[i] + shared_cost(billing, Kind::NatGateway)[i], nat_lines(Env::Production)[i]));
        assert!(close(shared_cost(intranet, Kind::NatGateway)[i], nat_lines(Env::NonProduction)[i]));
        let shares: f64 = archs.iter().map(|a| a.cost.lines.iter().filter(|l| l.shared).map(|l| l.monthly[i]).sum::<f64>()).sum();
        assert!(close(shares, lz.monthly[i]), "model {i}: shares {shares} against the landing zone's {}", lz.monthly[i]);
    }
    // By workloads moved: Shop 3 and Billing 2 of production's 5.
    let share = |name: &str| lz.shares.iter().find(|s| s.application == name).unwrap();
    assert_eq!((share("Shop").key, share("Billing").key, share("Intranet").key), (3.0, 2.0, 2.0));
    let prod_nat = lz.lines.iter().position(|l| l.scope == Some(Env::Production) && l.line.kind == Kind::NatGateway).unwrap();
    assert!(close(share("Shop").fractions[prod_nat], 0.6) && close(share("Billing").fractions[prod_nat], 0.4));
    assert_eq!(share("Intranet").fractions[prod_nat], 0.0, "production's NAT is not the test application's");
    // Two processed-data assumptions per production NAT pair (two private applications), one in non-production.
    let cat = sixr::cost::catalogue();
    let per_nat = |apps: f64| {
        cat.regions["us-east-1"].nat_gateway_hour * 730.0
            + cat.assumptions.nat_processed_gb_month * apps / 2.0 * cat.regions["us-east-1"].nat_gateway_gb
    };
    assert!(close(nat_lines(Env::Production)[0], 2.0 * per_nat(2.0)));
    assert!(close(nat_lines(Env::NonProduction)[0], 2.0 * per_nat(1.0)));

    // Equal shares: the same for Shop and Billing.
    let equal = LandingSettings { allocation: Allocation::Equal, ..LandingSettings::default() };
    db.with_conn(|c| db::architecture::set_landing_settings(c, id, &equal, "test")).unwrap();
    let (_, lz) = all(&db, id);
    let share = |name: &str| lz.shares.iter().find(|s| s.application == name).unwrap().clone();
    assert!(close(share("Shop").fractions[prod_nat], 0.5));
}

#[test]
fn the_anycompany_case_keeps_the_seed_design_and_pays_the_whole_landing_zone() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("t.db")).unwrap();
    let id = db.with_conn(|c| Ok(estates::anycompany(c))).unwrap();
    let (archs, lz) = all(&db, id);
    assert_eq!(archs.len(), 1);
    let a = &archs[0];
    assert_eq!(lz.networks.len(), 1, "one production VPC");
    assert!(
        lz.shares[0].fractions.iter().zip(&lz.lines).all(|(f, l)| *f == 1.0 || l.line.monthly.iter().all(|v| *v == 0.0)),
        "it pays all of it"
    );
    // The seed's parts, in its own target: gateways, bastion, logging; priced as before.
    for k in [Kind::InternetGateway, Kind::NatGateway, Kind::Nacl, Kind::Bastion, Kind::CloudWatch, Kind::CloudTrail, Kind::Sns] {
        assert!(a.target.has(k), "{k:?}");
    }
    let cat = sixr::cost::catalogue();
    let p = &cat.regions["ap-northeast-2"];
    let nat_each = p.nat_gateway_hour * 730.0 + cat.assumptions.nat_processed_gb_month / 2.0 * p.nat_gateway_gb;
    assert!(close(shared_cost(a, Kind::NatGateway)[0], 2.0 * nat_each));
    assert!(a.target.rules.iter().any(|r| r.source.key == "customer_network" && r.destination.key == "bastion" && r.port == 22));
    assert_eq!(a.environment(), Some(Env::Production));
}

/// A page about one application plans its share from the totals kept with
/// the overview and its own footprint: the same lines, parts and share as
/// planning from every footprint, whatever the choices.
#[test]
fn one_share_planned_from_the_kept_totals_is_the_one_planned_from_every_footprint() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("t.db")).unwrap();
    let id = db.with_conn(|c| Ok(estates::three_apps(c))).unwrap();
    let cat = sixr::cost::catalogue();
    for &topology in Topology::ALL {
        for &management in Management::ALL {
            for &allocation in Allocation::ALL {
                let settings = LandingSettings { topology, management, allocation, ..LandingSettings::default() };
                db.with_conn(|c| db::architecture::set_landing_settings(c, id, &settings, "test")).unwrap();
                let (archs, _) = all(&db, id);
                let footprints: Vec<Footprint> = archs.iter().filter_map(|a| a.footprint.clone()).collect();
                let estate = db.with_conn(|c| db::architecture::settings(c, id)).unwrap();
                let totals = Totals::of(&footprints);
                let kept = db.with_conn(|c| db::architecture::overview(c, id)).unwrap();
                assert_eq!(kept.landing.and_then(|l| l.totals).as_ref(), Some(&totals), "{settings:?}");
                let whole = landing_zone::plan(settings, &estate, &footprints, cat).unwrap();
                for f in &footprints {
                    let one = landing_zone::plan_share(settings, &estate, &totals, Some(f), cat).unwrap();
                    assert_eq!(one.lines, whole.lines, "{settings:?}");
                    assert_eq!(one.monthly, whole.monthly);
                    assert_eq!(one.components().collect::<Vec<_>>(), whole.components().collect::<Vec<_>>());
                    assert_eq!(one.rules, whole.rules);
                    assert_eq!(one.share_of(f.application_id), whole.share_of(f.application_id), "{settings:?} {}", f.application);
                    assert_eq!(one.shares.len(), 1);
                }
            }
        }
    }
}

#[test]
fn hub_and_spoke_with_session_manager_opens_no_admin_port() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("t.db")).unwrap();
    let id = db.with_conn(|c| Ok(estates::three_apps(c))).unwrap();
    let settings = LandingSettings { topology: Topology::HubSpoke, management: Management::SessionManager, ..LandingSettings::default() };
    db.with_conn(|c| db::architecture::set_landing_settings(c, id, &settings, "test")).unwrap();
    let (archs, lz) = all(&db, id);
    let tgw = lz.global.iter().find(|c| c.kind == Kind::TransitGateway).expect("a Transit Gateway");
    assert_eq!(tgw.count, 3, "two spoke VPCs and the link");
    assert!(lz.global.iter().any(|c| c.kind == Kind::HybridLink && c.count == 1), "one VPN, on the Transit Gateway");
    assert!(lz.components().all(|c| c.kind != Kind::Bastion));
    assert_eq!(lz.components().filter(|c| c.kind == Kind::SessionManager).count(), 2);
    for a in &archs {
        assert!(a.target.has(Kind::SessionManager) && !a.target.has(Kind::Bastion));
        assert!(
            !a.target.rules.iter().any(|r| r.port == 22 || r.source.key == "bastion"),
            "{}: {:?}",
            a.target.application,
            a.target.rules
        );
        assert!(!a.target.findings_target.iter().any(|f| f.code == "no_bastion"), "Session Manager is the management path");
    }
    assert!(lz.lines.iter().any(|l| l.line.kind == Kind::TransitGateway && l.line.monthly[0] > 0.0));
}

#[tokio::test]
async fn the_landing_zone_page_shows_it_once_and_takes_the_choices() {
    let app = TestApp::new();
    let id = app.db.with_conn(|c| Ok(estates::three_apps(c))).unwrap();
    let page = app.get(&format!("/engagements/{id}/architecture/landing-zone")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    assert!(html.contains("<svg") && html.contains("Production VPC") && html.contains("Non-production VPC"));
    assert_eq!(html.matches("data-key=\"Prod-nat-a\"").count(), 1, "the shared NAT gateway drawn once");
    assert!(html.contains("id=\"allocation\"") && html.contains(">Shop<") && html.contains(">Intranet<"));
    let list = app.get(&format!("/engagements/{id}/architecture")).await.text();
    assert!(list.contains("id=\"landing-zone-summary\"") && list.contains("A shared VPC per environment"));

    let r = app
        .post_form(
            &format!("/engagements/{id}/architecture/landing-zone"),
            &[("topology", "hub_spoke"), ("management", "bastion"), ("link", "direct_connect"), ("allocation", "cores")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let html = app.get(&format!("/engagements/{id}/architecture/landing-zone")).await.text();
    assert!(html.contains("Hub and spoke through a Transit Gateway") && html.contains("AWS Direct Connect"));
    assert!(html.contains("Shared-services hub VPC"), "the bastion's hub VPC is drawn");
    let svg = app.get(&format!("/engagements/{id}/architecture/landing-zone.svg")).await;
    assert!(svg.headers["content-type"].to_str().unwrap().starts_with("image/svg+xml"));
    let bad = app
        .post_form(
            &format!("/engagements/{id}/architecture/landing-zone"),
            &[("topology", "mesh"), ("management", "bastion"), ("link", "vpn"), ("allocation", "cores")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("Topology: &quot;mesh&quot;"), "{}", bad.text());
    let ko = app
        .send(
            axum::http::Request::get(format!("/engagements/{id}/architecture/landing-zone"))
                .header("cookie", "sixr_lang=ko")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .text();
    assert!(ko.contains("랜딩 존") && ko.contains("운영 VPC") && ko.contains("공유 비용 배분"));
}

/// At estate scale the page stays small: the allocation table a page at a
/// time, the diagram counting the applications of a VPC instead of naming
/// each; a small estate keeps its names.
#[tokio::test]
async fn the_landing_zone_page_pages_its_shares_and_counts_the_applications_of_a_large_vpc() {
    let app = TestApp::new();
    let id = app.db.with_conn(|c| Ok(estates::many_apps(c, 60))).unwrap();
    let html = app.get(&format!("/engagements/{id}/architecture/landing-zone")).await.text();
    assert!(html.contains("data-key=\"apps:Prod\"") && html.contains(">60 applications<"), "the VPC's applications counted");
    assert!(!html.contains("data-key=\"app:App 001\""), "not named one by one");
    assert!(html.contains("Applications 1–50 of 60") && html.contains(">App 050<") && !html.contains(">App 051<"));
    assert!(html.contains("landing-zone?page=2"), "a link to the next page");
    let second = app.get(&format!("/engagements/{id}/architecture/landing-zone?page=2")).await.text();
    assert!(second.contains("Applications 51–60 of 60") && second.contains(">App 060<") && !second.contains(">App 050<"));
    // The shares on the page are those planned from every footprint.
    let (_, lz) = all(&app.db, id);
    let cat = sixr::cost::catalogue();
    let paged = app.db.with_conn(|c| db::architecture::landing_zone_page(c, id, cat, |n| n - 10..n)).unwrap().unwrap();
    assert_eq!(paged.shares, lz.shares[50..]);
    assert_eq!(paged.lines, lz.lines);

    let small = app.db.with_conn(|c| Ok(estates::many_apps(c, 3))).unwrap();
    let html = app.get(&format!("/engagements/{small}/architecture/landing-zone")).await.text();
    assert!(html.contains("data-key=\"app:App 001\"") && !html.contains("data-key=\"apps:Prod\""), "a few are named");
    assert!(!html.contains("Applications 1–3"), "one page, no pager");
}
