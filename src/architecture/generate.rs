//! The generator: one application's workloads and strategies in, its target
//! architecture out (components, security-group rules, sizing, findings).

use std::collections::HashMap;

use super::{
    Az, Component, Engine, Estate, Kind, Pattern, Peer, Scaling, SgRule, SizingLine, Subnet, TargetArchitecture, Tier, WorkloadStrategy,
    admin_port, app_port, findings,
};
use crate::cost::catalogue::Catalogue;
use crate::cost::sizing::{self, Choice, Demand};
use crate::inventory::{Application, Workload};
use crate::strategy::{Strategy, application_strategy};

/// Fargate task vCPU steps.
const FARGATE_VCPU: &[f64] = &[0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0];

fn role(w: &Workload) -> &str {
    w.role.trim()
}

/// A database server: role `db`, or a database engine on a server that is
/// not one of the web/app roles.
pub fn is_db(w: &Workload) -> bool {
    role(w) == "db" || (!w.db_engine.trim().is_empty() && !matches!(role(w), "web" | "app" | "web-app"))
}

/// Faces the internet today (web server or combined web/app server).
pub fn is_web(w: &Workload) -> bool {
    matches!(role(w), "web" | "web-app")
}

/// Carries application logic: app servers, the app half of web-app servers,
/// and anything else that is neither web nor database.
fn is_app(w: &Workload) -> bool {
    role(w) == "web-app" || (!is_web(w) && !is_db(w))
}

/// Who a workload's traffic comes from (outbound side) and where its
/// clients connect (inbound side, with the port) in the target.
#[derive(Default)]
struct Endpoints {
    outbound: HashMap<String, Peer>,
    inbound: HashMap<String, (Peer, u16)>,
}

struct Builder<'a> {
    estate: &'a Estate,
    cat: &'a Catalogue,
    region: String,
    components: Vec<Component>,
    rules: Vec<SgRule>,
    sizing: Vec<SizingLine>,
    patterns: Vec<Pattern>,
    endpoints: Endpoints,
}

pub fn generate(estate: &Estate, app: &Application, cat: &Catalogue) -> TargetArchitecture {
    let region = cat.region(&estate.region).0.to_string();
    let workloads: Vec<&Workload> = estate.workloads_of(app).collect();
    let strategies: Vec<Strategy> = workloads.iter().filter_map(|w| estate.strategy_of(w)).collect();
    let mut b = Builder {
        estate,
        cat,
        region: region.clone(),
        components: Vec::new(),
        rules: Vec::new(),
        sizing: Vec::new(),
        patterns: Vec::new(),
        endpoints: Endpoints::default(),
    };
    let with = |s: Strategy| -> Vec<&Workload> { workloads.iter().copied().filter(|w| estate.strategy_of(w) == Some(s)).collect() };
    let (replatform, rehost, refactor) = (with(Strategy::Replatform), with(Strategy::Rehost), with(Strategy::Refactor));
    if !replatform.is_empty() {
        b.replatform(&replatform);
    }
    if !rehost.is_empty() {
        b.rehost(&rehost);
    }
    if !refactor.is_empty() {
        b.refactor(&refactor);
    }
    let moving = !(replatform.is_empty() && rehost.is_empty() && refactor.is_empty());
    if moving {
        b.foundation();
    }
    for s in [Strategy::Repurchase, Strategy::Retain, Strategy::Retire] {
        let group = with(s);
        match s {
            _ if group.is_empty() => {}
            Strategy::Repurchase => b.repurchase(&group),
            Strategy::Retain => b.retain(&group),
            _ => b.retire(&group),
        }
    }
    b.dependency_rules(&workloads);
    // Design rule, whatever the inventory says: the internet never reaches
    // the data tier directly.
    b.rules.retain(|r| !(r.source.key == "internet" && r.destination.tier == Tier::Data));

    let mut target = TargetArchitecture {
        application_id: app.id,
        application: app.name.clone(),
        strategy: application_strategy(&strategies),
        patterns: b.patterns,
        workloads: workloads
            .iter()
            .map(|w| WorkloadStrategy {
                name: w.name.clone(),
                role: w.role.clone(),
                strategy: estate.strategy_of(w),
                environment: w.environment.clone(),
                cpu_cores: w.cpu_cores,
            })
            .collect(),
        components: b.components,
        rules: b.rules,
        sizing: b.sizing,
        findings_current: Vec::new(),
        findings_target: Vec::new(),
        region,
        mode: estate.mode,
    };
    target.findings_current = findings::current(&workloads, estate);
    target.findings_target = findings::target(&target);
    target
}

impl<'a> Builder<'a> {
    fn add(&mut self, c: Component) {
        self.components.push(c);
    }

    fn rule(&mut self, source: &Peer, destination: &Peer, port: u16, why: &'static str) {
        let exists = self.rules.iter().any(|r| r.source.key == source.key && r.destination.key == destination.key && r.port == port);
        if !exists {
            self.rules.push(SgRule { source: source.clone(), destination: destination.clone(), protocol: "tcp", port, why });
        }
    }

    fn demand(&self, w: &Workload, share: f64) -> Demand {
        sizing::demand(w, self.estate.mode, &self.estate.sizing, share)
    }

    /// Sizes `w` (its `share` of the server) as EC2 and records the line.
    fn size_ec2(&mut self, w: &Workload, share: f64, component: &str) -> Option<Choice> {
        let demand = self.demand(w, share);
        let choice = sizing::size_ec2(self.cat, &self.region, &demand, self.estate.sizing.generation);
        self.record(w, share, component, "ec2", demand, choice.clone());
        choice
    }

    fn record(&mut self, w: &Workload, share: f64, component: &str, service: &'static str, demand: Demand, choice: Option<Choice>) {
        self.sizing.push(SizingLine {
            workload: w.name.clone(),
            component: component.to_string(),
            service,
            cores: w.cpu_cores,
            ram_gb: w.ram_gb,
            cpu_pct: demand.cpu_pct,
            ram_pct: demand.ram_pct,
            share_pct: share * 100.0,
            demand,
            choice,
        });
    }

    /// An Auto Scaling tier over two AZs: one EC2 component per AZ, sized by
    /// the largest of its workloads, at least one instance per AZ.
    fn scaling_tier(&mut self, tier: Tier, subnet: Subnet, members: &[(&Workload, f64)], label: &'static str) {
        let key = tier.code();
        let mut best: Option<Choice> = None;
        for (w, share) in members {
            if let Some(c) = self.size_ec2(w, *share, &format!("{key}-a"))
                && best.as_ref().is_none_or(|b| c.hourly_usd > b.hourly_usd)
            {
                best = Some(c);
            }
        }
        let total = (members.len() as u32).max(2);
        let per_az = [total.div_ceil(2), total / 2];
        for (az, count) in [(Az::A, per_az[0]), (Az::B, per_az[1])] {
            let mut c = Component::generic(Kind::Ec2, format!("{key}-{}", az.code()), label, tier, subnet, az);
            c.size = best.as_ref().map(|b| b.name.clone()).unwrap_or_default();
            c.count = count;
            c.scaling = Some(Scaling { min: total, max: total * 2 });
            c.storage_gb = 20.0;
            c.workloads = members.iter().map(|(w, _)| w.name.clone()).collect();
            self.add(c);
        }
    }

    /// The database tier: RDS Multi-AZ with the matching engine, or an EC2
    /// database host when RDS does not run the engine. Returns the peers.
    fn database_tier(&mut self, dbs: &[&Workload]) -> Vec<(Peer, u16)> {
        let mut peers = Vec::new();
        let mut any_rds = false;
        for w in dbs {
            match Engine::parse(&w.db_engine) {
                Some(engine) => {
                    any_rds = true;
                    let demand = self.demand(w, 1.0);
                    let choice = sizing::size_rds(self.cat, &self.region, engine.code(), &demand);
                    let key = format!("rds-{}", w.name);
                    self.record(w, 1.0, &key, "rds", demand, choice.clone());
                    let label = format!("{} ({})", engine.rds_name(), w.name);
                    for (az, standby) in [(Az::A, false), (Az::B, true)] {
                        let k = if standby { format!("rds-standby-{}", w.name) } else { key.clone() };
                        let mut c = Component::new(Kind::Rds, k, label.clone(), Tier::Data, Subnet::Private, az);
                        c.size = choice.as_ref().map(|c| c.name.clone()).unwrap_or_default();
                        c.engine = Some(engine);
                        c.standby = standby;
                        c.storage_gb = w.storage_gb.unwrap_or(20.0).max(20.0);
                        c.workloads = vec![w.name.clone()];
                        self.add(c);
                    }
                    let peer = Peer::new(format!("db:{}", w.name), label, Tier::Data);
                    self.endpoints.inbound.insert(w.name.clone(), (peer.clone(), engine.port()));
                    peers.push((peer, engine.port()));
                }
                None => {
                    let key = format!("db-host-{}", w.name);
                    let choice = self.size_ec2(w, 1.0, &key);
                    let mut c = Component::new(Kind::Ec2, key.clone(), w.name.clone(), Tier::Data, Subnet::Private, Az::A);
                    c.size = choice.map(|c| c.name).unwrap_or_default();
                    c.storage_gb = w.storage_gb.unwrap_or(20.0);
                    c.workloads = vec![w.name.clone()];
                    self.add(c);
                    let port = self.dependency_port(w).unwrap_or(0);
                    let peer = Peer::new(format!("host:{}", w.name), w.name.clone(), Tier::Data);
                    if port > 0 {
                        self.endpoints.inbound.insert(w.name.clone(), (peer.clone(), port));
                        peers.push((peer, port));
                    }
                }
            }
        }
        if any_rds && !self.components.iter().any(|c| c.key == "s3-backups") {
            let mut c = Component::generic(Kind::S3, "s3-backups", "backups", Tier::Operations, Subnet::None, Az::None);
            c.storage_gb = 0.0;
            self.add(c);
        }
        peers
    }

    /// A port some dependency names for `w` (its clients' port).
    fn dependency_port(&self, w: &Workload) -> Option<u16> {
        self.estate.dependencies.iter().filter(|d| d.to == w.name).find_map(|d| d.port.and_then(|p| u16::try_from(p).ok()))
    }

    fn static_content(&mut self) {
        if self.components.iter().any(|c| c.key == "s3-static") {
            return;
        }
        let mut s3 = Component::generic(Kind::S3, "s3-static", "static_content", Tier::Edge, Subnet::None, Az::None);
        s3.storage_gb = self.cat.assumptions.static_content_gb;
        self.add(s3);
        self.add(Component::generic(Kind::CloudFront, "cloudfront", "static_delivery", Tier::Edge, Subnet::None, Az::None));
    }

    /// Replatform: the AnyCompany pattern.
    fn replatform(&mut self, ws: &[&Workload]) {
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
    fn rehost(&mut self, ws: &[&Workload]) {
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
    fn refactor(&mut self, ws: &[&Workload]) {
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
        let internet = Peer::internet();
        if serverless {
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
        } else {
            self.patterns.push(Pattern::Containers);
            let alb = Peer::new("web_alb", "Web ALB (internet-facing)", Tier::Web);
            let svc = Peer::new("service", "ECS services", Tier::App);
            self.add(Component::generic(Kind::Alb, "web-alb", "alb", Tier::Web, Subnet::Public, Az::Both));
            let port = services.first().map(|w| app_port(w)).unwrap_or(8080);
            let mut task = (0.25f64, 0.5f64);
            for w in &services {
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
            for (db, db_port) in self.database_tier(&dbs) {
                self.rule(&svc, &db, db_port, "db_from_app");
            }
            if has_web {
                self.static_content();
            }
            for w in &services {
                self.endpoints.outbound.insert(w.name.clone(), svc.clone());
                self.endpoints.inbound.insert(w.name.clone(), (alb.clone(), 443));
            }
        }
        self.add(Component::generic(Kind::Sqs, "sqs", "work_queues", Tier::App, Subnet::None, Az::None));
        if !self.components.iter().any(|c| c.kind == Kind::Sns) {
            let sns = Component::generic(Kind::Sns, "sns", "notifications", Tier::Operations, Subnet::None, Az::None);
            self.add(Component { shared: true, ..sns });
        }
    }

    /// The network and operations every AWS target gets: gateways, NACLs,
    /// least-privilege IAM roles, monitoring, audit and notifications, and the
    /// management path (a bastion host or Session Manager) when there are
    /// servers to administer. All but the IAM roles belong to the landing
    /// zone the applications share: listed here as shared, priced there.
    fn foundation(&mut self) {
        use super::landing_zone::{Management, Topology};
        let landing = self.estate.landing;
        let shared = |c: Component| Component { shared: true, ..c };
        let mut base = Vec::new();
        let in_vpc = self.components.iter().any(|c| c.subnet != Subnet::None);
        let private = self.components.iter().any(|c| c.subnet == Subnet::Private);
        let hosts: Vec<Peer> = {
            let mut seen = Vec::new();
            for c in self.components.iter().filter(|c| c.kind == Kind::Ec2) {
                let peer = match c.tier {
                    Tier::Web if c.key.starts_with("web-") => Peer::new("web", "Web tier", Tier::Web),
                    Tier::App if c.key.starts_with("app-") => Peer::new("app", "App tier", Tier::App),
                    _ => Peer::new(format!("host:{}", c.label), c.label.clone(), c.tier),
                };
                if !seen.contains(&peer) {
                    seen.push(peer);
                }
            }
            seen
        };
        if in_vpc {
            base.push(shared(Component::generic(Kind::InternetGateway, "igw", "internet_gateway", Tier::Network, Subnet::None, Az::None)));
            if private {
                for az in [Az::A, Az::B] {
                    base.push(shared(Component::generic(
                        Kind::NatGateway,
                        format!("nat-{}", az.code()),
                        "nat_gateway",
                        Tier::Network,
                        Subnet::Public,
                        az,
                    )));
                }
            }
            base.push(shared(Component::generic(Kind::Nacl, "nacl-public", "public_subnets", Tier::Network, Subnet::Public, Az::Both)));
            if private {
                base.push(shared(Component::generic(
                    Kind::Nacl,
                    "nacl-private",
                    "private_subnets",
                    Tier::Network,
                    Subnet::Private,
                    Az::Both,
                )));
            }
            if landing.topology == Topology::HubSpoke {
                base.push(shared(Component::generic(
                    Kind::TransitGateway,
                    "tgw",
                    "transit_gateway",
                    Tier::Network,
                    Subnet::None,
                    Az::None,
                )));
            }
        }
        let windows = self
            .estate
            .workloads
            .iter()
            .any(|w| self.components.iter().any(|c| c.kind == Kind::Ec2 && c.workloads.contains(&w.name)) && admin_port(w) == 3389);
        if !hosts.is_empty() && landing.management == Management::SessionManager {
            base.push(shared(Component::generic(
                Kind::SessionManager,
                "ssm",
                "session_manager",
                Tier::Management,
                Subnet::Private,
                Az::Both,
            )));
        } else if !hosts.is_empty() {
            // In hub and spoke the bastion lives in the shared-services hub VPC.
            let subnet = if landing.topology == Topology::HubSpoke { Subnet::None } else { Subnet::Public };
            let mut bastion = shared(Component::generic(Kind::Bastion, "bastion", "bastion", Tier::Management, subnet, Az::A));
            bastion.size = self.cat.sizing.bastion.clone();
            bastion.storage_gb = 8.0;
            base.push(bastion);
            let bastion = Peer::new("bastion", "Bastion host", Tier::Management);
            let admin = if windows { 3389 } else { 22 };
            self.rule(&Peer::customer_network(), &bastion, admin, "bastion_from_customer");
            for host in &hosts {
                let port = self.estate.workloads.iter().find(|w| host.key == format!("host:{}", w.name)).map(admin_port).unwrap_or(admin);
                self.rule(&bastion, host, port, "admin_from_bastion");
            }
            let dbs: Vec<(Peer, u16)> = self.endpoints.inbound.values().filter(|(p, _)| p.key.starts_with("db:")).cloned().collect();
            for (db, port) in dbs {
                self.rule(&bastion, &db, port, "db_admin_from_bastion");
            }
        }
        let roles = self
            .components
            .iter()
            .filter(|c| matches!(c.kind, Kind::Ec2 | Kind::EcsFargate | Kind::Lambda))
            .map(|c| c.tier)
            .collect::<std::collections::BTreeSet<_>>();
        let mut iam = Component::generic(Kind::IamRole, "iam", "iam", Tier::Operations, Subnet::None, Az::None);
        iam.count = (roles.len() as u32 + u32::from(!hosts.is_empty())).max(1);
        base.push(iam);
        base.push(shared(Component::generic(Kind::CloudWatch, "cloudwatch", "cloudwatch", Tier::Operations, Subnet::None, Az::None)));
        base.push(shared(Component::generic(Kind::CloudTrail, "cloudtrail", "cloudtrail", Tier::Operations, Subnet::None, Az::None)));
        if !self.components.iter().any(|c| c.kind == Kind::Sns) {
            base.push(shared(Component::generic(Kind::Sns, "sns", "notifications", Tier::Operations, Subnet::None, Az::None)));
        }
        base.append(&mut self.components);
        self.components = base;
    }

    fn repurchase(&mut self, ws: &[&Workload]) {
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
    fn retain(&mut self, ws: &[&Workload]) {
        self.patterns.push(Pattern::Hybrid);
        for w in ws {
            let mut c =
                Component::new(Kind::OnPremServer, format!("on-prem-{}", w.name), w.name.clone(), Tier::OnPrem, Subnet::None, Az::None);
            c.workloads = vec![w.name.clone()];
            self.add(c);
        }
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

    fn retire(&mut self, ws: &[&Workload]) {
        self.patterns.push(Pattern::Decommission);
        for w in ws {
            let mut c =
                Component::new(Kind::Decommission, format!("retire-{}", w.name), w.name.clone(), Tier::OnPrem, Subnet::None, Az::None);
            c.workloads = vec![w.name.clone()];
            self.add(c);
        }
        let mut archive = Component::generic(Kind::Archive, "archive", "archive", Tier::Operations, Subnet::None, Az::None);
        let known: f64 = ws.iter().filter_map(|w| w.storage_gb).sum();
        archive.storage_gb = if known > 0.0 { known } else { self.cat.assumptions.archive_gb_default };
        archive.workloads = ws.iter().map(|w| w.name.clone()).collect();
        self.add(archive);
    }

    /// Recorded dependencies become flows between the peers that carry them
    /// in the target (dependencies into retained servers go over the link).
    fn dependency_rules(&mut self, ws: &[&Workload]) {
        let names: Vec<&str> = ws.iter().map(|w| w.name.as_str()).collect();
        let deps: Vec<_> = self.estate.dependencies.iter().filter(|d| names.contains(&d.from.as_str())).cloned().collect();
        for d in deps {
            let Some(source) = self.endpoints.outbound.get(&d.from).cloned() else { continue };
            let target = match self.endpoints.inbound.get(&d.to).cloned() {
                Some(t) => Some(t),
                // A dependency on a retained server of another application.
                None if self.estate.strategy_by_name(&d.to) == Some(Strategy::Retain) => {
                    Some((Peer::new(format!("on_prem:{}", d.to), format!("{} (on premises)", d.to), Tier::OnPrem), 0))
                }
                None => None,
            };
            let Some((destination, inferred)) = target else { continue };
            let port = d.port.and_then(|p| u16::try_from(p).ok()).filter(|p| *p > 0).unwrap_or(inferred);
            if port == 0 || source.key == destination.key {
                continue;
            }
            let why = if destination.tier == Tier::OnPrem { "to_on_prem" } else { "dependency" };
            self.rule(&source, &destination, port, why);
        }
    }
}
