//! Target architecture, right-sizing and cost: the AnyCompany golden case
//! (samples/anycompany.csv, Replatform), cost arithmetic against the catalogue, and the pages.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use sixr::architecture::{self, Az, Engine, Kind, Severity, Subnet, Tier};
use sixr::cost::{self, SizingMode};
use sixr::db::{self, Db};
use sixr::inventory::Engagement;

/// Imports samples/anycompany.csv into a new engagement in `region` and
/// decides every workload Replatform, as the seed's consultant does.
/// Returns the engagement id and the application id.
fn anycompany(db: &Db, region: &str) -> (i64, i64) {
    db.with_conn(|c| {
        let e = db::engagements::create(
            c,
            &Engagement { name: format!("AnyCompany {region}"), region: region.into(), ..Engagement::default_new() },
            "test",
        )?;
        let parsed = sixr::import::parse("anycompany.csv", sixr::import::ANYCOMPANY_SAMPLE, &|_| None)?;
        db::imports::commit(c, db::imports::Target::Id(e.id), &parsed, "anycompany.csv", "test", false)?;
        for w in db::workloads::list_all(c, e.id)? {
            c.execute(
                "INSERT INTO decisions (workload_id, engagement_id, strategy) VALUES (?1, ?2, 'replatform')",
                rusqlite::params![w.id, e.id],
            )?;
        }
        // Decisions written directly: derived as a write would.
        db::derived::rederive(c, e.id)?;
        let app = db::applications::applications(c, e.id)?.into_iter().next().unwrap();
        Ok((e.id, app.id))
    })
    .unwrap()
}

fn build(db: &Db, eid: i64, app: i64) -> architecture::AppArchitecture {
    let estate = db.with_conn(|c| db::architecture::estate(c, eid)).unwrap();
    architecture::build_one(&estate, app, cost::catalogue()).unwrap()
}

/// One assertion per element of the seed's AnyCompany design (M3): as long
/// as the design is, and read against it line by line, so kept in one piece.
#[test]
fn anycompany_replatform_has_every_element_of_the_seed_design() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("t.db")).unwrap();
    let (eid, app) = anycompany(&db, "ap-northeast-2");
    let a = build(&db, eid, app);
    let t = &a.target;
    assert_eq!(t.strategy, Some(sixr::strategy::Strategy::Replatform));
    let of = |k: Kind| t.components.iter().filter(move |c| c.kind == k);

    // 2-tier becomes 3-tier: web, application, database.
    for tier in [Tier::Web, Tier::App, Tier::Data] {
        assert!(t.components.iter().any(|c| c.tier == tier && matches!(c.kind, Kind::Ec2 | Kind::Rds)), "{tier:?} tier");
    }
    // RDS for MySQL, Multi-AZ: primary in AZ a, standby in AZ b, private subnets.
    let rds: Vec<_> = of(Kind::Rds).collect();
    assert_eq!(rds.len(), 2);
    assert!(rds.iter().all(|c| c.engine == Some(Engine::MySql) && c.subnet == Subnet::Private));
    assert!(rds.iter().any(|c| !c.standby && c.az == Az::A) && rds.iter().any(|c| c.standby && c.az == Az::B));
    // Automated backups to S3 replace tape.
    assert!(t.components.iter().any(|c| c.kind == Kind::S3 && c.key == "s3-backups"));
    // Bastion host: in a public subnet, admin only from the customer network.
    let bastion = of(Kind::Bastion).next().expect("bastion host");
    assert_eq!(bastion.subnet, Subnet::Public);
    // ALB + Auto Scaling on web and app tiers, across two AZs.
    for tier in [Tier::Web, Tier::App] {
        assert!(of(Kind::Alb).any(|c| c.tier == tier && c.az == Az::Both), "{tier:?} ALB");
        for az in [Az::A, Az::B] {
            assert!(of(Kind::Ec2).any(|c| c.tier == tier && c.az == az && c.scaling.is_some()), "{tier:?} in {az:?}");
        }
    }
    // Static content on S3 behind CloudFront.
    assert!(t.components.iter().any(|c| c.kind == Kind::S3 && c.key == "s3-static"));
    assert!(t.has(Kind::CloudFront));
    // Only web hosts in public subnets; app and RDS private.
    for c in of(Kind::Ec2) {
        match c.tier {
            Tier::Web => assert_eq!(c.subnet, Subnet::Public),
            _ => assert_eq!(c.subnet, Subnet::Private, "{}", c.key),
        }
    }
    // Generic labels come from the message catalogue.
    assert!(t.components.iter().all(|c| !c.label.starts_with("architecture.")), "a label code without a message");
    // NAT and internet gateways, NACLs, IAM, monitoring, audit, notifications.
    assert_eq!(of(Kind::NatGateway).count(), 2);
    for k in [Kind::InternetGateway, Kind::Nacl, Kind::IamRole, Kind::CloudWatch, Kind::CloudTrail, Kind::Sns] {
        assert!(t.has(k), "{k:?}");
    }

    // Security groups.
    let rule = |src: &str, dst: &str, port: u16| t.rules.iter().any(|r| r.source.key == src && r.destination.key == dst && r.port == port);
    assert!(rule("internet", "web_alb", 443) && rule("internet", "web_alb", 80));
    assert!(rule("web", "app_alb", 8080), "web → app on the Java port: {:#?}", t.rules);
    assert!(rule("app", "db:anyco-db-01", 3306), "app tier → RDS 3306");
    assert!(rule("customer_network", "bastion", 22));
    assert!(rule("bastion", "web", 22) && rule("bastion", "app", 22));
    assert!(!t.rules.iter().any(|r| r.source.key == "internet" && r.destination.tier == Tier::Data), "internet → RDS");
    assert!(!t.rules.iter().any(|r| r.destination.tier == Tier::Data && !matches!(r.source.key.as_str(), "app" | "bastion")));
    assert!(!t.rules.iter().any(|r| r.port == 22 && r.source.key != "bastion" && r.source.key != "customer_network"));

    // Findings: today's single MySQL, tape, hard-coded IPs, no bastion; none high left.
    let current = |code: &str| t.findings_current.iter().find(|f| f.code == code);
    let single = current("single_database").expect("single database finding");
    assert_eq!((single.pillar, single.severity), (architecture::Pillar::Reliability, Severity::High));
    for code in ["tape_backups", "hard_coded_ip_rules", "no_bastion"] {
        assert!(current(code).is_some(), "{code}");
    }
    assert!(!t.findings_target.is_empty());
    assert!(t.findings_target.iter().all(|f| f.severity != Severity::High), "{:#?}", t.findings_target);

    // Sizing: the web/app pair is split 30/70, the database gets an RDS class.
    let web = t.sizing.iter().find(|l| l.component == "web-a" && l.workload == "anyco-web-01").unwrap();
    assert_eq!(web.share_pct, 30.0);
    let db_line = t.sizing.iter().find(|l| l.service == "rds").unwrap();
    assert!(db_line.choice.as_ref().unwrap().name.starts_with("db."));

    // The diagram has the region, the VPC, both AZs and arrows for the flows.
    let d = architecture::layout(t);
    assert!(d.boxes.iter().any(|b| b.kind == architecture::BoxKind::Vpc));
    assert_eq!(d.boxes.iter().filter(|b| b.kind == architecture::BoxKind::Az).count(), 2);
    assert!(d.boxes.iter().any(|b| b.key == "rds-standby-anyco-db-01"));
    assert!(d.arrows.iter().any(|a| a.label == "3306"));
    assert!(d.arrows.iter().any(|a| a.label == "80/443"));
    for b in &d.boxes {
        assert!(b.x >= 0.0 && b.y >= 0.0 && b.x + b.w <= d.width + 0.1 && b.y + b.h <= d.height + 0.1, "{b:?} outside");
    }
    let svg = architecture::svg(&d, "diagram");
    assert!(svg.starts_with("<svg") && svg.contains("RDS for MySQL"));
}

#[test]
fn anycompany_costs_follow_the_catalogue_and_the_sizing_mode() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("t.db")).unwrap();
    let (eid, app) = anycompany(&db, "us-east-1");
    let a = build(&db, eid, app);
    // Today: 9,600 + 9,600 + 16,800 a year from the inventory.
    assert_eq!(a.cost.on_prem_annual, 36000.0);
    assert_eq!(a.cost.on_prem_three_year, 108000.0);
    assert!(a.cost.on_prem_defaulted.is_empty());
    // Every model: monthly = sum of its lines; 3 years = 36 months.
    for (i, m) in a.cost.models.iter().enumerate() {
        let sum: f64 = a.cost.lines.iter().map(|l| l.monthly[i]).sum();
        assert!((m.monthly - sum).abs() < 1e-6);
        assert!((m.three_year - m.monthly * 36.0).abs() < 1e-6);
        assert!((m.saving_three_year - (108000.0 - m.three_year)).abs() < 1e-6);
    }
    let od = a.cost.models[0].monthly;
    assert!(a.cost.models.iter().skip(1).all(|m| m.monthly < od));
    // RDS Multi-AZ: the standby line costs what the primary does.
    let rds: Vec<_> = a.cost.lines.iter().filter(|l| l.kind == Kind::Rds).collect();
    assert_eq!(rds.len(), 2);
    assert!((rds[0].monthly[0] - rds[1].monthly[0]).abs() < 1e-9);

    // Sizing as on premises never costs less than performance-based.
    db.with_conn(|c| db::architecture::set_sizing_mode(c, eid, SizingMode::AsOnPrem, "test")).unwrap();
    let same = build(&db, eid, app);
    assert_eq!(same.target.mode, SizingMode::AsOnPrem);
    assert!(same.cost.models[0].monthly > od, "{} vs {od}", same.cost.models[0].monthly);
}

#[test]
fn cost_arithmetic_matches_hand_computed_figures() {
    use architecture::{Component, Estate, TargetArchitecture};
    let cat = cost::catalogue();
    let mut web = Component::new(Kind::Ec2, "web-a", "Web tier", Tier::Web, Subnet::Public, Az::A);
    web.size = "m6i.large".into();
    web.count = 2;
    web.storage_gb = 50.0;
    let mut rds = Component::new(Kind::Rds, "rds-db", "RDS for MySQL (db)", Tier::Data, Subnet::Private, Az::A);
    rds.size = "db.m6i.large".into();
    rds.engine = Some(Engine::MySql);
    rds.storage_gb = 100.0;
    let mut standby = rds.clone();
    standby.key = "rds-standby-db".into();
    standby.az = Az::B;
    standby.standby = true;
    let alb = Component::new(Kind::Alb, "web-alb", "ALB", Tier::Web, Subnet::Public, Az::Both);
    let nat_a = Component::new(Kind::NatGateway, "nat-a", "NAT", Tier::Network, Subnet::Public, Az::A);
    let nat_b = Component::new(Kind::NatGateway, "nat-b", "NAT", Tier::Network, Subnet::Public, Az::B);
    let t = TargetArchitecture {
        application_id: 1,
        application: "shop".into(),
        strategy: None,
        patterns: vec![],
        workloads: vec![],
        components: vec![web, rds, standby, alb, nat_a, nat_b],
        rules: vec![],
        sizing: vec![],
        findings_current: vec![],
        findings_target: vec![],
        region: "us-east-1".into(),
        mode: SizingMode::Performance,
    };
    let usd = Estate { region: "us-east-1".into(), currency: "USD".into(), ..Estate::default() };
    let e = sixr::architecture::costing::estimate(&t, &usd, cat);
    // EC2 0.096 × 2 × 730 = 140.16, EBS 100 GB × 0.08 = 8.00
    // RDS 0.171 × 730 = 124.83 + 100 GB × 0.115 = 11.50, twice (Multi-AZ)
    // ALB 0.0225 × 730 + 1 LCU × 0.008 × 730 = 22.265
    // NAT (0.045 × 730 + 25 GB × 0.045) × 2 = 67.95
    let on_demand = 140.16 + 8.0 + 2.0 * (124.83 + 11.5) + 22.265 + 67.95;
    assert!((e.models[0].monthly - on_demand).abs() < 1e-6, "{} vs {on_demand}", e.models[0].monthly);
    assert!((on_demand - 511.035).abs() < 1e-9);
    // 3-year reserved: EC2 61% off, RDS 55% off, the rest unchanged.
    let reserved = 140.16 * 0.39 + 8.0 + 2.0 * (124.83 * 0.45 + 11.5) + 22.265 + 67.95;
    let r3 = e.models.iter().find(|m| m.code == "reserved_3yr").unwrap();
    assert!((r3.monthly - reserved).abs() < 1e-6, "{} vs {reserved}", r3.monthly);
    // Savings Plans discount EC2 (48%) but not RDS.
    let sp = e.models.iter().find(|m| m.code == "savings_plan_3yr").unwrap();
    let sp_expected = 140.16 * 0.52 + 8.0 + 2.0 * (124.83 + 11.5) + 22.265 + 67.95;
    assert!((sp.monthly - sp_expected).abs() < 1e-6);
    assert!((sp.three_year - sp_expected * 36.0).abs() < 1e-6);

    // In KRW everything is converted with the catalogue's rate.
    let krw = Estate { currency: "KRW".into(), ..usd };
    let k = sixr::architecture::costing::estimate(&t, &krw, cat);
    assert_eq!(k.currency, "KRW");
    assert!((k.models[0].monthly - on_demand * cat.rate("KRW")).abs() < 1e-6);
}

/// The architecture pages read top to bottom as a consultant sees them;
/// one walk, so long, because the order of what they show is what it checks.
#[tokio::test]
async fn the_architecture_pages_show_the_diagram_tables_and_costs() {
    let app = TestApp::new();
    let (eid, app_id) = anycompany(&app.db, "ap-northeast-2");

    let list = app.get(&format!("/engagements/{eid}/architecture")).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    let text = list.text();
    assert!(text.contains("AnyCompany e-commerce") && text.contains("Replatform"), "{text}");
    assert!(text.contains(&format!("/engagements/{eid}/architecture/{app_id}")));

    let page = app.get(&format!("/engagements/{eid}/architecture/{app_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("<svg") && html.contains("</svg>"), "server-rendered diagram");
    assert!(html.contains("Availability Zone a") && html.contains("Availability Zone b"));
    assert!(html.contains("RDS for MySQL (anyco-db-01)"));
    assert!(html.contains("<td class=\"num\">3306</td>"), "SG table has the database port");
    assert!(html.contains("Bastion host"));
    assert!(html.contains("id=\"tco\""));
    assert!(html.contains("Single database instance without redundancy"));

    let svg = app.get(&format!("/engagements/{eid}/architecture/{app_id}/diagram.svg")).await;
    assert_eq!(svg.status, StatusCode::OK);
    assert!(svg.headers["content-type"].to_str().unwrap().starts_with("image/svg+xml"));

    // Korean page.
    let ko = app
        .send(
            axum::http::Request::get(format!("/engagements/{eid}/architecture/{app_id}"))
                .header("cookie", "sixr_lang=ko")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    let ko = ko.text();
    assert!(ko.contains("이중화 없는 단일 데이터베이스"));
    assert!(
        ko.contains("가용 영역 a") && ko.contains("베스천 호스트") && ko.contains("고객사 내부 네트워크"),
        "diagram and tables in Korean"
    );

    // The sizing switch is stored per engagement and changes the sizes.
    let before = app.get(&format!("/api/engagements/{eid}/architecture")).await;
    let json: serde_json::Value = serde_json::from_slice(&before.body).unwrap();
    assert_eq!(json["sizing_mode"], "performance");
    let apps = json["applications"].as_array().unwrap();
    let first = &apps[0];
    assert!(first["components"].as_array().unwrap().iter().any(|c| c["type"] == "rds" && c["subnet"] == "private"));
    assert!(first["security_group_rules"].as_array().unwrap().iter().any(|r| r["port"] == 3306 && r["source_key"] == "app"));
    assert!(first["costs"]["models"].as_array().unwrap().len() >= 4);
    assert!(!first["findings_current"].as_array().unwrap().is_empty());

    let r = app.post_form(&format!("/engagements/{eid}/architecture/sizing"), &[("mode", "as_on_prem")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let after: serde_json::Value = serde_json::from_slice(&app.get(&format!("/api/engagements/{eid}/architecture")).await.body).unwrap();
    assert_eq!(after["sizing_mode"], "as_on_prem");
    // From htmx (the radio buttons post on change): a client-side redirect back.
    let r = app
        .send(
            axum::http::Request::post(format!("/engagements/{eid}/architecture/sizing"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("hx-request", "true")
                .header("x-csrf-token", common::TOKEN)
                .body(axum::body::Body::from(format!("mode=performance&back=/engagements/{eid}/architecture/{app_id}")))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["hx-redirect"], format!("/engagements/{eid}/architecture/{app_id}").as_str());
    let r = app.post_form(&format!("/engagements/{eid}/architecture/sizing"), &[("mode", "bigger")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(app.get(&format!("/engagements/{eid}/architecture/999")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/engagements/999/architecture").await.status, StatusCode::NOT_FOUND);

    // An engagement without workloads says what to do first.
    let empty = app
        .db
        .with_conn(|c| Ok(db::engagements::create(c, &Engagement { name: "Empty".into(), ..Engagement::default_new() }, "test")?.id))
        .unwrap();
    let page = app.get(&format!("/engagements/{empty}/architecture")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("No workloads yet"));
}
