//! One method per strategy: what its workloads become in the target
//! (Replatform, Rehost, Refactor to serverless or containers, Repurchase,
//! Retain, Retire).

use std::collections::HashMap;

use super::{Builder, FARGATE_VCPU, is_app, is_db, is_web, role};
use crate::architecture::{Az, Component, Engine, Kind, Pattern, Peer, Scaling, Subnet, Tier, app_port};
use crate::cost::sizing::Choice;
use crate::inventory::Workload;

impl Builder<'_> {
    /// Replatform: the AnyCompany pattern.
    pub(super) fn replatform(&mut self, ws: &[&Workload]) {
        self.patterns.push(Pattern::ThreeTier);
        let share = self.cat.sizing.web_tier_share_pct / 100.0;
        let web: Vec<(&Workload, f64)> =
            ws.iter().filter(|w| is_web(w)).map(|w| (*w, if role(w) == "web-app" { share } else { 1.0 })).collect();
        let app: Vec<(&Workload, f64)> =
            ws.iter().filter(|w| is_app(w)).map(|w| (*w, if role(w) == "web-app" { 1.0 - share } else { 1.0 })).collect();
        let dbs: Vec<&Workload> = ws.iter().copied().filter(|w| is_db(w)).collect();
        let port = app.first().map(|(w, _)| app_port(w)).unwrap_or(8080);

        let internet = Peer::internet();
        let web_alb = Peer::new("web_alb", "Web ALB (internet-facing)", Tier::Web);
        let web_peer = Peer::new("web", "Web tier", Tier::Web);
        let app_alb = Peer::new("app_alb", "App ALB (internal)", Tier::App);
        let app_peer = Peer::new("app", "App tier", Tier::App);

        if !web.is_empty() {
            self.add(Component::generic(Kind::Alb, "web-alb", "web_alb", Tier::Web, Subnet::Public, Az::Both));
            self.scaling_tier(Tier::Web, Subnet::Public, &web, "web_tier");
            self.static_content();
            self.rule(&internet, &web_alb, 443, "web_from_internet");
            self.rule(&internet, &web_alb, 80, "web_from_internet");
            self.rule(&web_alb, &web_peer, 80, "web_from_alb");
        }
        if !app.is_empty() {
            self.add(Component::generic(Kind::Alb, "app-alb", "app_alb", Tier::App, Subnet::Private, Az::Both));
            self.scaling_tier(Tier::App, Subnet::Private, &app, "app_tier");
            let client = if web.is_empty() { Peer::customer_network() } else { web_peer.clone() };
            self.rule(&client, &app_alb, port, "app_from_web");
            self.rule(&app_alb, &app_peer, port, "app_from_alb");
        }
        let db_client = if app.is_empty() { web_peer.clone() } else { app_peer.clone() };
        for (db, db_port) in self.database_tier(&dbs) {
            self.rule(&db_client, &db, db_port, "db_from_app");
        }
        for (w, _) in &web {
            self.endpoints.inbound.insert(w.name.clone(), (web_alb.clone(), 443));
            self.endpoints.outbound.insert(w.name.clone(), if role(w) == "web-app" { app_peer.clone() } else { web_peer.clone() });
        }
        for (w, _) in &app {
            if role(w) != "web-app" {
                self.endpoints.inbound.insert(w.name.clone(), (app_alb.clone(), port));
                self.endpoints.outbound.insert(w.name.clone(), app_peer.clone());
            }
        }
        for w in &dbs {
            self.endpoints.outbound.entry(w.name.clone()).or_insert_with(|| db_client.clone());
        }
    }

    /// Rehost: one EC2 instance per server; web servers in public subnets,
    /// the rest private; an ALB where a pair of web servers was load balanced.
    pub(super) fn rehost(&mut self, ws: &[&Workload]) {
        self.patterns.push(Pattern::Ec2Mirror);
        let internet = Peer::internet();
        let web_count = ws.iter().filter(|w| is_web(w)).count();
        let alb = Peer::new("web_alb", "Web ALB (internet-facing)", Tier::Web);
        if web_count >= 2 && !self.components.iter().any(|c| c.key == "web-alb") {
            self.add(Component::generic(Kind::Alb, "web-alb", "web_alb", Tier::Web, Subnet::Public, Az::Both));
            self.rule(&internet, &alb, 443, "web_from_internet");
            self.rule(&internet, &alb, 80, "web_from_internet");
        }
        let mut per_tier: HashMap<Tier, usize> = HashMap::new();
        for w in ws {
            let (tier, subnet) = if is_db(w) {
                (Tier::Data, Subnet::Private)
            } else if is_web(w) {
                (Tier::Web, Subnet::Public)
            } else {
                (Tier::App, Subnet::Private)
            };
            let n = per_tier.entry(tier).or_default();
            let az = if n.is_multiple_of(2) { Az::A } else { Az::B };
            *n += 1;
            let key = format!("host-{}", w.name);
            let choice = self.size_ec2(w, 1.0, &key);
            let mut c = Component::new(Kind::Ec2, key, w.name.clone(), tier, subnet, az);
            c.size = choice.map(|c| c.name).unwrap_or_default();
            c.storage_gb = w.storage_gb.unwrap_or(20.0);
            c.workloads = vec![w.name.clone()];
            self.add(c);
            let peer = Peer::new(format!("host:{}", w.name), w.name.clone(), tier);
            self.endpoints.outbound.insert(w.name.clone(), peer.clone());
            let port = match Engine::parse(&w.db_engine) {
                Some(e) if is_db(w) => e.port(),
                _ if is_web(w) => 80,
                _ => self.dependency_port(w).unwrap_or_else(|| app_port(w)),
            };
            if is_web(w) {
                if web_count >= 2 {
                    self.rule(&alb, &peer, 80, "web_from_alb");
                } else {
                    self.rule(&internet, &peer, 443, "web_from_internet");
                    self.rule(&internet, &peer, 80, "web_from_internet");
                }
            }
            self.endpoints.inbound.insert(w.name.clone(), (peer, port));
        }
    }

    /// Refactor: serverless when the facts suggest small, event-driven or
    /// script-runtime services; containers on Fargate otherwise.
    pub(super) fn refactor(&mut self, ws: &[&Workload]) {
        let serverless = ws.iter().all(|w| {
            let rt = format!("{} {}", w.runtime, w.middleware).to_lowercase();
            is_db(w)
                || matches!(role(w), "batch" | "queue")
                || ["node", "python", "lambda", "go "].iter().any(|k| rt.contains(k))
                || (w.cpu_cores.is_some_and(|c| c <= 2) && w.ram_gb.is_some_and(|r| r <= 4.0))
        }) && ws.iter().any(|w| !is_db(w));
        let dbs: Vec<&Workload> = ws.iter().copied().filter(|w| is_db(w)).collect();
        let services: Vec<&Workload> = ws.iter().copied().filter(|w| !is_db(w)).collect();
        let has_web = services.iter().any(|w| is_web(w));
        if serverless {
            self.serverless(ws, &services, &dbs, has_web);
        } else {
            self.containers(&services, &dbs, has_web);
        }
        self.add(Component::generic(Kind::Sqs, "sqs", "work_queues", Tier::App, Subnet::None, Az::None));
        if !self.components.iter().any(|c| c.kind == Kind::Sns) {
            let sns = Component::generic(Kind::Sns, "sns", "notifications", Tier::Operations, Subnet::None, Az::None);
            self.add(Component { shared: true, ..sns });
        }
    }

    /// Refactor to serverless: API Gateway, Lambda functions, DynamoDB tables
    /// (with the data migrated from the databases).
    fn serverless(&mut self, ws: &[&Workload], services: &[&Workload], dbs: &[&Workload], has_web: bool) {
        let internet = Peer::internet();
        self.patterns.push(Pattern::Serverless);
        let api = Peer::new("api_gateway", "API Gateway", Tier::Web);
        let lambda = Peer::new("lambda", "Lambda functions", Tier::App);
        self.add(Component::generic(Kind::ApiGateway, "api-gateway", "http_api", Tier::Web, Subnet::None, Az::None));
        let mut f = Component::generic(Kind::Lambda, "lambda", "functions", Tier::App, Subnet::None, Az::None);
        f.workloads = services.iter().map(|w| w.name.clone()).collect();
        self.add(f);
        let mut table = Component::generic(Kind::DynamoDb, "dynamodb", "tables", Tier::Data, Subnet::None, Az::None);
        table.storage_gb = self.cat.assumptions.dynamodb_storage_gb;
        table.workloads = dbs.iter().map(|w| w.name.clone()).collect();
        self.add(table);
        if !dbs.is_empty() {
            let mut m = Component::generic(Kind::DataMigration, "data-migration", "db_to_dynamodb", Tier::Data, Subnet::None, Az::None);
            m.workloads = dbs.iter().map(|w| w.name.clone()).collect();
            self.add(m);
        }
        if has_web {
            self.static_content();
        }
        self.rule(&internet, &api, 443, "api_from_internet");
        self.rule(&api, &lambda, 443, "lambda_from_api");
        for w in ws {
            self.endpoints.outbound.insert(w.name.clone(), lambda.clone());
            self.endpoints.inbound.insert(w.name.clone(), (api.clone(), 443));
        }
    }

    /// Refactor to containers: ECS services on Fargate over two AZs behind an
    /// ALB, tasks sized by the largest service, the database tier.
    fn containers(&mut self, services: &[&Workload], dbs: &[&Workload], has_web: bool) {
        let internet = Peer::internet();
        self.patterns.push(Pattern::Containers);
        let alb = Peer::new("web_alb", "Web ALB (internet-facing)", Tier::Web);
        let svc = Peer::new("service", "ECS services", Tier::App);
        self.add(Component::generic(Kind::Alb, "web-alb", "alb", Tier::Web, Subnet::Public, Az::Both));
        let port = services.first().map(|w| app_port(w)).unwrap_or(8080);
        let mut task = (0.25f64, 0.5f64);
        for w in services {
            let d = self.demand(w, 1.0);
            let vcpu = FARGATE_VCPU.iter().copied().find(|v| *v >= d.vcpu).unwrap_or(16.0);
            let mem = d.memory_gib.max(vcpu * 2.0).ceil().min(120.0);
            task = (task.0.max(vcpu), task.1.max(mem));
            let choice = Choice {
                name: format!("{vcpu} vCPU / {mem} GB"),
                vcpu: vcpu.ceil() as u32,
                memory_gib: mem,
                hourly_usd: 0.0,
                flags: d.flags.clone(),
            };
            self.record(w, 1.0, "service-a", "fargate", d, Some(choice));
        }
        let total = (services.len() as u32).max(2);
        for (az, count) in [(Az::A, total.div_ceil(2)), (Az::B, total / 2)] {
            let mut c =
                Component::generic(Kind::EcsFargate, format!("service-{}", az.code()), "ecs_service", Tier::App, Subnet::Private, az);
            c.count = count;
            c.task_vcpu = task.0;
            c.task_memory_gib = task.1;
            c.size = format!("{} vCPU / {} GB", task.0, task.1);
            c.scaling = Some(Scaling { min: total, max: total * 2 });
            c.workloads = services.iter().map(|w| w.name.clone()).collect();
            self.add(c);
        }
        self.rule(&internet, &alb, 443, "web_from_internet");
        self.rule(&alb, &svc, port, "app_from_alb");
        for (db, db_port) in self.database_tier(dbs) {
            self.rule(&svc, &db, db_port, "db_from_app");
        }
        if has_web {
            self.static_content();
        }
        for w in services {
            self.endpoints.outbound.insert(w.name.clone(), svc.clone());
            self.endpoints.inbound.insert(w.name.clone(), (alb.clone(), 443));
        }
    }

    pub(super) fn repurchase(&mut self, ws: &[&Workload]) {
        self.patterns.push(Pattern::Saas);
        let names: Vec<String> = ws.iter().map(|w| w.name.clone()).collect();
        let mut saas = Component::generic(Kind::Saas, "saas", "saas", Tier::Saas, Subnet::None, Az::None);
        saas.workloads = names.clone();
        self.add(saas);
        let mut m = Component::generic(Kind::DataMigration, "saas-data-migration", "saas_migration", Tier::Saas, Subnet::None, Az::None);
        m.storage_gb = ws.iter().filter_map(|w| w.storage_gb).sum();
        m.workloads = names;
        self.add(m);
    }

    /// Retain: the servers stay; a hybrid link when cloud workloads (of any
    /// application) depend on them or they depend on cloud workloads.
    pub(super) fn retain(&mut self, ws: &[&Workload]) {
        self.patterns.push(Pattern::Hybrid);
        self.on_prem_servers(ws, Kind::OnPremServer, "on-prem");
        let linked = self.estate.dependencies.iter().any(|d| {
            let moves = |n: &str| self.estate.strategy_by_name(n).is_some_and(|s| s.moves_to_aws());
            (ws.iter().any(|w| w.name == d.to) && moves(&d.from)) || (ws.iter().any(|w| w.name == d.from) && moves(&d.to))
        });
        if linked {
            // The landing zone's link carries it.
            let link = Component::generic(Kind::HybridLink, "hybrid-link", "hybrid_link", Tier::Network, Subnet::None, Az::None);
            self.add(Component { shared: true, ..link });
        }
        for w in ws {
            let peer = Peer::new(format!("on_prem:{}", w.name), format!("{} (on premises)", w.name), Tier::OnPrem);
            let port = self.dependency_port(w).unwrap_or(0);
            self.endpoints.inbound.insert(w.name.clone(), (peer.clone(), port));
            self.endpoints.outbound.insert(w.name.clone(), Peer::customer_network());
        }
    }

    pub(super) fn retire(&mut self, ws: &[&Workload]) {
        self.patterns.push(Pattern::Decommission);
        self.on_prem_servers(ws, Kind::Decommission, "retire");
        let mut archive = Component::generic(Kind::Archive, "archive", "archive", Tier::Operations, Subnet::None, Az::None);
        let known: f64 = ws.iter().filter_map(|w| w.storage_gb).sum();
        archive.storage_gb = if known > 0.0 { known } else { self.cat.assumptions.archive_gb_default };
        archive.workloads = ws.iter().map(|w| w.name.clone()).collect();
        self.add(archive);
    }

    /// One component per server that stays in the data centre (`kind`: kept
    /// or retired), keyed `<prefix>-<name>`.
    fn on_prem_servers(&mut self, ws: &[&Workload], kind: Kind, prefix: &str) {
        for w in ws {
            let mut c = Component::new(kind, format!("{prefix}-{}", w.name), w.name.clone(), Tier::OnPrem, Subnet::None, Az::None);
            c.workloads = vec![w.name.clone()];
            self.add(c);
        }
    }
}
