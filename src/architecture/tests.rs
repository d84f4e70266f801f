//! The generator for every strategy, engine and port mapping, and the
//! message catalogue coverage of codes the generator emits.

use super::*;
use crate::cost::catalogue::{Catalogue, SHIPPED};
use crate::i18n::{Lang, Tr};

fn cat() -> Catalogue {
    Catalogue::parse(SHIPPED).unwrap()
}

fn wl(id: i64, name: &str, role: &str) -> Workload {
    Workload {
        id,
        name: name.into(),
        application: "app".into(),
        role: role.into(),
        os: "Ubuntu Linux".into(),
        cpu_cores: Some(4),
        ram_gb: Some(16.0),
        storage_gb: Some(100.0),
        cpu_util_peak_pct: Some(50.0),
        ram_util_peak_pct: Some(50.0),
        ..Workload::default()
    }
}

fn estate(workloads: Vec<Workload>, strategies: &[(i64, Strategy)], deps: Vec<Dependency>) -> Estate {
    let mut apps: Vec<Application> = Vec::new();
    for w in &workloads {
        if !w.application.is_empty() && !apps.iter().any(|a| a.name == w.application) {
            apps.push(Application { id: apps.len() as i64 + 1, name: w.application.clone(), notes: String::new() });
        }
    }
    Estate {
        region: "us-east-1".into(),
        currency: "USD".into(),
        mode: SizingMode::Performance,
        sizing: Default::default(),
        landing: Default::default(),
        applications: apps,
        workloads,
        dependencies: deps,
        strategies: strategies.iter().copied().collect(),
        jump_host_elsewhere: false,
    }
}

fn first(e: &Estate) -> TargetArchitecture {
    generate(e, &e.application_list()[0], &cat())
}

fn dep(from: &str, to: &str, port: Option<i64>) -> Dependency {
    Dependency { from: from.into(), to: to.into(), port, ..Dependency::default() }
}

#[test]
fn engines_map_to_rds_and_their_ports() {
    let cases = [
        ("MySQL", Some(Engine::MySql), 3306),
        ("mysql 8.0", Some(Engine::MySql), 3306),
        ("MariaDB 10.6", Some(Engine::MariaDb), 3306),
        ("PostgreSQL", Some(Engine::PostgreSql), 5432),
        ("Postgres 14", Some(Engine::PostgreSql), 5432),
        ("Oracle Database 19c", Some(Engine::Oracle), 1521),
        ("Microsoft SQL Server 2019", Some(Engine::SqlServer), 1433),
        ("MSSQL", Some(Engine::SqlServer), 1433),
    ];
    for (raw, engine, port) in cases {
        assert_eq!(Engine::parse(raw), engine, "{raw}");
        assert_eq!(engine.unwrap().port(), port, "{raw}");
    }
    for other in ["DB2", "Sybase ASE", "MongoDB", ""] {
        assert_eq!(Engine::parse(other), None, "{other}");
    }
}

#[test]
fn postgres_replatform_opens_5432_and_an_unknown_engine_is_flagged() {
    let mut db = wl(2, "pg", "db");
    db.db_engine = "PostgreSQL 14".into();
    let mut legacy = wl(3, "legacy-db", "db");
    legacy.db_engine = "DB2".into();
    let e = estate(
        vec![wl(1, "app1", "app"), db, legacy],
        &[(1, Strategy::Replatform), (2, Strategy::Replatform), (3, Strategy::Replatform)],
        vec![dep("app1", "legacy-db", Some(50000))],
    );
    let t = first(&e);
    assert!(t.rules.iter().any(|r| r.source.key == "app" && r.destination.key == "db:pg" && r.port == 5432));
    // DB2 has no RDS engine: an EC2 host, flagged as a single database and as not on RDS.
    assert!(t.components.iter().any(|c| c.kind == Kind::Ec2 && c.tier == Tier::Data && c.label == "legacy-db"));
    assert!(t.findings_target.iter().any(|f| f.code == "engine_not_on_rds" && f.subject == "legacy-db"));
    assert!(t.findings_target.iter().any(|f| f.code == "single_database" && f.severity == Severity::High));
    assert!(t.rules.iter().any(|r| r.source.key == "app" && r.destination.key == "host:legacy-db" && r.port == 50000));
}

#[test]
fn rehost_mirrors_servers_with_zones_as_subnets_and_dependencies_as_rules() {
    let mut db = wl(3, "db1", "db");
    db.db_engine = "SQL Server".into();
    db.os = "Windows Server 2019".into();
    let e = estate(
        vec![wl(1, "web1", "web"), wl(2, "app1", "app"), db],
        &[(1, Strategy::Rehost), (2, Strategy::Rehost), (3, Strategy::Rehost)],
        vec![dep("web1", "app1", Some(8443)), dep("app1", "db1", None)],
    );
    let t = first(&e);
    assert_eq!(t.patterns, vec![Pattern::Ec2Mirror]);
    let host = |n: &str| t.components.iter().find(|c| c.key == format!("host-{n}")).unwrap();
    assert_eq!(host("web1").subnet, Subnet::Public);
    assert_eq!(host("app1").subnet, Subnet::Private);
    assert_eq!(host("db1").subnet, Subnet::Private);
    assert!(!host("web1").size.is_empty());
    let rule = |s: &str, d: &str, p: u16| t.rules.iter().any(|r| r.source.key == s && r.destination.key == d && r.port == p);
    assert!(rule("internet", "host:web1", 443));
    assert!(rule("host:web1", "host:app1", 8443));
    assert!(rule("host:app1", "host:db1", 1433), "{:#?}", t.rules);
    // A Windows host is administered over RDP from the bastion.
    assert!(rule("bastion", "host:db1", 3389));
    assert!(rule("customer_network", "bastion", 3389));
    assert!(!t.rules.iter().any(|r| r.source.key == "internet" && r.destination.tier == Tier::Data));
    // Single servers stay single: reliability findings remain.
    assert!(t.findings_target.iter().any(|f| f.code == "single_database"));
}

#[test]
fn refactor_picks_containers_for_a_java_monolith_and_serverless_for_small_scripts() {
    let mut java = wl(1, "shop", "web-app");
    java.runtime = "Java 11".into();
    let mut db = wl(2, "shopdb", "db");
    db.db_engine = "MySQL".into();
    let e = estate(vec![java, db], &[(1, Strategy::Refactor), (2, Strategy::Refactor)], vec![]);
    let t = first(&e);
    assert_eq!(t.patterns, vec![Pattern::Containers]);
    assert!(t.has(Kind::EcsFargate) && t.has(Kind::Sqs) && t.has(Kind::Sns) && t.has(Kind::Rds));
    assert!(t.rules.iter().any(|r| r.source.key == "service" && r.destination.key == "db:shopdb" && r.port == 3306));

    let mut node = wl(1, "api", "app");
    node.runtime = "Node.js 18".into();
    node.cpu_cores = Some(2);
    node.ram_gb = Some(4.0);
    let e = estate(vec![node], &[(1, Strategy::Refactor)], vec![]);
    let t = first(&e);
    assert_eq!(t.patterns, vec![Pattern::Serverless]);
    for k in [Kind::Lambda, Kind::ApiGateway, Kind::DynamoDb, Kind::Sqs, Kind::Sns] {
        assert!(t.has(k), "{k:?}");
    }
    assert!(!t.has(Kind::Bastion), "nothing to log in to");
}

#[test]
fn repurchase_retain_and_retire() {
    let mut crm = wl(1, "crm", "app");
    crm.application = "crm".into();
    let mut ledger = wl(2, "ledger", "app");
    ledger.application = "ledger".into();
    let mut old = wl(3, "old-reports", "app");
    old.application = "reports".into();
    old.storage_gb = Some(300.0);
    let mut shop = wl(4, "shop", "web");
    shop.application = "shop".into();
    let e = estate(
        vec![crm, ledger, old, shop],
        &[(1, Strategy::Repurchase), (2, Strategy::Retain), (3, Strategy::Retire), (4, Strategy::Rehost)],
        vec![dep("shop", "ledger", Some(1521))],
    );
    let apps = e.application_list();
    let by = |n: &str| generate(&e, apps.iter().find(|a| a.name == n).unwrap(), &cat());

    let crm = by("crm");
    assert_eq!(crm.patterns, vec![Pattern::Saas]);
    assert!(crm.has(Kind::Saas) && crm.has(Kind::DataMigration));

    // The ledger stays; the rehosted shop depends on it: a hybrid link.
    let ledger = by("ledger");
    assert_eq!(ledger.patterns, vec![Pattern::Hybrid]);
    assert!(ledger.has(Kind::OnPremServer) && ledger.has(Kind::HybridLink));
    let shop = by("shop");
    assert!(shop.rules.iter().any(|r| r.destination.key == "on_prem:ledger" && r.port == 1521 && r.why == "to_on_prem"));

    let reports = by("reports");
    assert_eq!(reports.patterns, vec![Pattern::Decommission]);
    let archive = reports.components.iter().find(|c| c.kind == Kind::Archive).unwrap();
    assert_eq!(archive.storage_gb, 300.0);
    assert!(reports.rules.is_empty());
}

#[test]
fn undecided_workloads_are_named_in_the_findings() {
    let e = estate(vec![wl(1, "a", "app"), wl(2, "b", "app")], &[(1, Strategy::Rehost)], vec![]);
    let t = first(&e);
    assert!(t.findings_target.iter().any(|f| f.code == "undecided" && f.subject == "b"));
}

#[test]
fn every_code_the_generator_emits_has_both_languages() {
    let whys = [
        "web_from_internet",
        "web_from_alb",
        "app_from_web",
        "app_from_alb",
        "db_from_app",
        "bastion_from_customer",
        "admin_from_bastion",
        "db_admin_from_bastion",
        "api_from_internet",
        "lambda_from_api",
        "dependency",
        "to_on_prem",
    ];
    for lang in [Lang::En, Lang::Ko] {
        let t = Tr::new(lang);
        let mut keys: Vec<String> = Vec::new();
        for c in findings::CODES {
            keys.push(format!("architecture.finding.{c}"));
            keys.push(format!("architecture.fix.{c}"));
        }
        keys.extend(whys.iter().map(|w| format!("architecture.why.{w}")));
        keys.extend(Pillar::ALL.iter().map(|p| format!("architecture.pillar.{}", p.code())));
        keys.extend(
            [
                Pattern::ThreeTier,
                Pattern::Ec2Mirror,
                Pattern::Containers,
                Pattern::Serverless,
                Pattern::Saas,
                Pattern::Hybrid,
                Pattern::Decommission,
            ]
            .iter()
            .map(|p| format!("architecture.pattern.{}", p.code())),
        );
        for k in keys {
            assert_ne!(t.t(&k), k.as_str(), "{k} missing in {lang:?}");
        }
    }
}

#[test]
fn every_strategy_and_role_combination_builds_draws_and_prices() {
    let roles = ["web", "app", "web-app", "db", "cache", "file", "batch", "queue", "appliance", "other", "", "weird role"];
    let mut workloads = Vec::new();
    let mut strategies = Vec::new();
    let mut id = 0;
    for (si, s) in Strategy::ALL.iter().enumerate() {
        for role in roles {
            id += 1;
            let mut w = wl(id, &format!("w{id}"), role);
            w.application = format!("app-{si}");
            if role == "db" {
                w.db_engine = ["MySQL", "Oracle", "DB2", ""][id as usize % 4].into();
            }
            if id % 3 == 0 {
                (w.cpu_cores, w.ram_gb, w.cpu_util_peak_pct, w.ram_util_peak_pct) = (None, None, None, None);
            }
            if id % 5 == 0 {
                w.os = "Windows Server 2012 R2".into();
            }
            strategies.push((id, *s));
            workloads.push(w);
        }
    }
    // Some without any strategy, and dependencies across everything.
    workloads.push(wl(999, "undecided", "app"));
    let deps = (1..id).map(|i| dep(&format!("w{i}"), &format!("w{}", i + 1), if i % 2 == 0 { Some(i) } else { None })).collect();
    let e = estate(workloads, &strategies, deps);
    for a in build_all(&e, &cat()) {
        let t = &a.target;
        assert!(!t.rules.iter().any(|r| r.source.key == "internet" && r.destination.tier == Tier::Data), "{}", t.application);
        let d = layout(t);
        assert!(d.width > 0.0 && d.height > 0.0);
        assert!(svg(&d, "diagram").ends_with("</svg>"));
        assert!(a.cost.models.iter().all(|m| m.monthly.is_finite() && m.monthly >= 0.0));
    }
}

#[test]
fn names_from_the_inventory_are_escaped_in_the_svg() {
    let e = estate(vec![wl(1, "<script>alert(1)</script>", "web")], &[(1, Strategy::Rehost)], vec![]);
    let text = svg(&layout(&first(&e)), "AnyCompany <shop>");
    assert!(text.contains("<title>AnyCompany &lt;shop&gt;</title>"), "the diagram is named for screen readers");
    assert!(!text.contains("<script>"));
    assert!(text.contains("&#60;script&#62;") || text.contains("&lt;script&gt;"), "{text}");
}

#[test]
fn the_same_estate_gives_the_same_rules_in_the_same_order_every_time() {
    // Databases on RDS beside a rehosted server: the bastion gets a rule to
    // each database, made by walking the databases' endpoints.
    let mut workloads = vec![wl(1, "web1", "web")];
    for (i, name) in ["db-d", "db-a", "db-c", "db-b"].into_iter().enumerate() {
        let mut db = wl(i as i64 + 2, name, "db");
        db.db_engine = "MySQL".into();
        workloads.push(db);
    }
    let strategies: Vec<(i64, Strategy)> = (1..=5).map(|id| (id, if id == 1 { Strategy::Rehost } else { Strategy::Replatform })).collect();
    let e = estate(workloads, &strategies, Vec::new());
    let to_databases = |t: &TargetArchitecture| -> Vec<String> {
        t.rules.iter().filter(|r| r.why == "db_admin_from_bastion").map(|r| r.destination.key.clone()).collect()
    };
    let once = first(&e);
    assert_eq!(to_databases(&once).len(), 4, "{:#?}", once.rules);
    assert!(to_databases(&once).windows(2).all(|w| w[0] < w[1]), "by name: {:?}", to_databases(&once));
    // Each build hashes with new keys: an order taken from a hash map
    // shows here as a different list.
    for _ in 0..8 {
        assert_eq!(first(&e).rules, once.rules);
    }
}

/// The landing zone admits administrators to the bastion over RDP when a
/// host moving to EC2 runs Windows, over SSH otherwise; planned from the
/// footprints or from the totals kept of them (a page about one application
/// plans with no workloads at hand, and said SSH for Windows estates).
#[test]
fn the_landing_zone_admits_administrators_on_the_port_of_the_hosts_os_from_kept_totals_too() {
    let admin_port = |os: &str| -> Vec<u16> {
        let mut db = wl(3, "db1", "db");
        db.os = os.into();
        let e = estate(vec![wl(1, "web1", "web"), db], &[(1, Strategy::Rehost), (3, Strategy::Rehost)], vec![]);
        let footprints: Vec<landing_zone::Footprint> = landing_zone::Footprint::of(&first(&e)).into_iter().collect();
        let from_footprints = landing_zone::plan(e.landing, &e, &footprints, &cat()).unwrap();
        let without_workloads = Estate { workloads: Vec::new(), ..e.clone() };
        let totals = landing_zone::Totals::of(&footprints);
        let from_totals = landing_zone::plan_share(e.landing, &without_workloads, &totals, None, &cat()).unwrap();
        let port = |lz: &landing_zone::LandingZone| {
            lz.rules.iter().find(|r| r.source.key == "customer_network" && r.destination.key == "bastion").map(|r| r.port)
        };
        vec![port(&from_footprints).unwrap(), port(&from_totals).unwrap()]
    };
    assert_eq!(admin_port("Windows Server 2019"), [3389, 3389]);
    assert_eq!(admin_port("Ubuntu Linux"), [22, 22]);
}

/// The totals summed by groups of alike footprints (what a store's GROUP BY
/// hands over) are those of the footprints one by one, to the last bit.
#[test]
fn totals_of_footprint_groups_are_the_totals_of_the_footprints() {
    use landing_zone::{Env, Footprint, FootprintGroup, Totals};
    let footprints: Vec<Footprint> = (0..60u32)
        .map(|i| Footprint {
            application_id: i64::from(i),
            application: format!("app {i}"),
            env: if i % 3 == 0 { Env::Production } else { Env::NonProduction },
            mixed: i % 7 == 0,
            moving: 1 + i % 5,
            cores: f64::from(1 + i * 37 % 101),
            in_vpc: i % 4 != 0,
            private: i % 5 != 0,
            hosts: i % 6 != 0,
            windows_hosts: i == 31,
        })
        .collect();
    let mut groups: Vec<FootprintGroup> = Vec::new();
    for f in &footprints {
        let alike = |g: &FootprintGroup| {
            (g.env, g.mixed, g.in_vpc, g.private, g.hosts, g.windows_hosts)
                == (f.env, f.mixed, f.in_vpc, f.private, f.hosts, f.windows_hosts)
        };
        match groups.iter_mut().find(|g| alike(g)) {
            Some(g) => {
                g.applications += 1;
                g.moving += u64::from(f.moving);
                g.cores += f.cores;
            }
            None => groups.push(FootprintGroup {
                env: f.env,
                mixed: f.mixed,
                in_vpc: f.in_vpc,
                private: f.private,
                hosts: f.hosts,
                windows_hosts: f.windows_hosts,
                applications: 1,
                moving: u64::from(f.moving),
                cores: f.cores,
            }),
        }
    }
    assert!(groups.len() > 4);
    assert_eq!(Totals::of_groups(&groups), Totals::of(&footprints));
    assert_eq!(Totals::of_groups(&[]), Totals::of(&[]));
}
