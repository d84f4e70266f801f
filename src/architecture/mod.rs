//! Target architecture per application and decided strategy: components,
//! security-group rules, Well-Architected findings and the diagram layout.
//! Pure: the inventory, strategies and price catalogue come in as values.
//!
//! The AnyCompany pattern (seed M3 "AnyCompany의 솔루션 설계") is what a
//! Replatform of a web + database application becomes: three tiers, RDS
//! Multi-AZ, bastion, ALB + Auto Scaling over two AZs, S3 + CloudFront.

pub mod costing;
pub mod diagram;
pub mod findings;
mod generate;
pub mod landing_zone;
pub mod overview;
pub mod route;

use std::collections::HashMap;

use serde::Serialize;

pub use diagram::{Arrow, BoxKind, Diagram, Rect, layout, layout_in, svg};
pub use findings::{Finding, Pillar, Severity};
pub use generate::{generate, is_db, is_web};

use crate::cost::sizing::{Choice, Demand, Sizing, SizingMode};
use crate::inventory::{Application, Dependency, Workload};
use crate::strategy::Strategy;
use landing_zone::{Env, Footprint, LandingSettings, LandingZone};

/// Where a component sits in the layered design.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// Users, CloudFront: outside the region.
    Edge,
    Web,
    App,
    Data,
    /// Bastion host.
    Management,
    /// Gateways, NACLs, the hybrid link.
    Network,
    /// IAM, CloudWatch, CloudTrail, SNS, backups.
    Operations,
    /// What stays in the customer's data centre.
    OnPrem,
    /// A SaaS product replacing the workload.
    Saas,
}

impl Tier {
    pub fn code(self) -> &'static str {
        match self {
            Tier::Edge => "edge",
            Tier::Web => "web",
            Tier::App => "app",
            Tier::Data => "data",
            Tier::Management => "management",
            Tier::Network => "network",
            Tier::Operations => "operations",
            Tier::OnPrem => "on_prem",
            Tier::Saas => "saas",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subnet {
    Public,
    Private,
    /// Regional or global service, outside any subnet.
    None,
}

impl Subnet {
    pub fn code(self) -> &'static str {
        match self {
            Subnet::Public => "public",
            Subnet::Private => "private",
            Subnet::None => "",
        }
    }
}

/// Availability Zone: the design uses two, called a and b.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Az {
    A,
    B,
    /// Spans both (load balancers).
    Both,
    /// Not zonal.
    None,
}

impl Az {
    pub fn code(self) -> &'static str {
        match self {
            Az::A => "a",
            Az::B => "b",
            Az::Both => "a+b",
            Az::None => "",
        }
    }
}

/// What a component is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    InternetGateway,
    NatGateway,
    /// Application Load Balancer (internet-facing or internal).
    Alb,
    /// EC2 instances; with `scaling` an Auto Scaling group.
    Ec2,
    Bastion,
    Rds,
    S3,
    CloudFront,
    Nacl,
    IamRole,
    CloudWatch,
    CloudTrail,
    Sns,
    Sqs,
    EcsFargate,
    Lambda,
    ApiGateway,
    DynamoDb,
    /// Site-to-Site VPN.
    HybridLink,
    /// A dedicated Direct Connect link.
    DirectConnect,
    /// Transit Gateway: the hub of hub-and-spoke networks.
    TransitGateway,
    /// Systems Manager Session Manager through interface endpoints.
    SessionManager,
    Saas,
    DataMigration,
    OnPremServer,
    Decommission,
    /// Data archived before a server is switched off (S3 Glacier Deep Archive).
    Archive,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::InternetGateway => "internet_gateway",
            Kind::NatGateway => "nat_gateway",
            Kind::Alb => "alb",
            Kind::Ec2 => "ec2",
            Kind::Bastion => "bastion",
            Kind::Rds => "rds",
            Kind::S3 => "s3",
            Kind::CloudFront => "cloudfront",
            Kind::Nacl => "nacl",
            Kind::IamRole => "iam_role",
            Kind::CloudWatch => "cloudwatch",
            Kind::CloudTrail => "cloudtrail",
            Kind::Sns => "sns",
            Kind::Sqs => "sqs",
            Kind::EcsFargate => "ecs_fargate",
            Kind::Lambda => "lambda",
            Kind::ApiGateway => "api_gateway",
            Kind::DynamoDb => "dynamodb",
            Kind::HybridLink => "hybrid_link",
            Kind::DirectConnect => "direct_connect",
            Kind::TransitGateway => "transit_gateway",
            Kind::SessionManager => "session_manager",
            Kind::Saas => "saas",
            Kind::DataMigration => "data_migration",
            Kind::OnPremServer => "on_prem_server",
            Kind::Decommission => "decommission",
            Kind::Archive => "archive",
        }
    }

    /// The service's name in the translator's language (AWS product names
    /// stay as AWS writes them).
    pub fn service_name(self, t: &crate::i18n::Tr) -> String {
        t.t(&format!("architecture.service_name.{}", self.code())).to_string()
    }

    pub const ALL: [Kind; 27] = [
        Kind::InternetGateway,
        Kind::NatGateway,
        Kind::Alb,
        Kind::Ec2,
        Kind::Bastion,
        Kind::Rds,
        Kind::S3,
        Kind::CloudFront,
        Kind::Nacl,
        Kind::IamRole,
        Kind::CloudWatch,
        Kind::CloudTrail,
        Kind::Sns,
        Kind::Sqs,
        Kind::EcsFargate,
        Kind::Lambda,
        Kind::ApiGateway,
        Kind::DynamoDb,
        Kind::HybridLink,
        Kind::DirectConnect,
        Kind::TransitGateway,
        Kind::SessionManager,
        Kind::Saas,
        Kind::DataMigration,
        Kind::OnPremServer,
        Kind::Decommission,
        Kind::Archive,
    ];
}

/// A database engine RDS offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Engine {
    MySql,
    PostgreSql,
    MariaDb,
    Oracle,
    SqlServer,
}

impl Engine {
    /// The engine of an inventory's free-text `db_engine`; `None` for engines
    /// RDS does not run (DB2, Sybase, MongoDB...) or an empty field.
    pub fn parse(raw: &str) -> Option<Engine> {
        let s = raw.trim().to_lowercase();
        let s: String = s.chars().filter(|c| c.is_alphanumeric()).collect();
        if s.contains("mariadb") {
            Some(Engine::MariaDb)
        } else if s.contains("mysql") {
            Some(Engine::MySql)
        } else if s.contains("postgres") || s == "pg" || s.contains("pgsql") {
            Some(Engine::PostgreSql)
        } else if s.contains("oracle") {
            Some(Engine::Oracle)
        } else if s.contains("sqlserver") || s.contains("mssql") || s.starts_with("microsoftsql") {
            Some(Engine::SqlServer)
        } else {
            None
        }
    }

    /// The catalogue's engine code.
    pub fn code(self) -> &'static str {
        match self {
            Engine::MySql => "mysql",
            Engine::PostgreSql => "postgresql",
            Engine::MariaDb => "mariadb",
            Engine::Oracle => "oracle",
            Engine::SqlServer => "sqlserver",
        }
    }

    /// The port clients connect to.
    pub fn port(self) -> u16 {
        match self {
            Engine::MySql | Engine::MariaDb => 3306,
            Engine::PostgreSql => 5432,
            Engine::Oracle => 1521,
            Engine::SqlServer => 1433,
        }
    }

    pub fn rds_name(self) -> &'static str {
        match self {
            Engine::MySql => "RDS for MySQL",
            Engine::PostgreSql => "RDS for PostgreSQL",
            Engine::MariaDb => "RDS for MariaDB",
            Engine::Oracle => "RDS for Oracle",
            Engine::SqlServer => "RDS for SQL Server",
        }
    }
}

/// An Auto Scaling group's bounds (instances across both AZs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Scaling {
    pub min: u32,
    pub max: u32,
}

/// One element of the target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Component {
    pub kind: Kind,
    /// Stable key within the application ("web-a", "rds-primary-anyco-db-01").
    pub key: String,
    /// What to call it: the tier or the workload it carries (English for
    /// generic labels; see `display_label`).
    pub label: String,
    /// For generic labels, the message code (`architecture.label.<code>`);
    /// empty when the label is a workload's name.
    pub label_code: &'static str,
    pub tier: Tier,
    pub subnet: Subnet,
    pub az: Az,
    /// Instance type, RDS class or empty.
    pub size: String,
    /// Instances (or tasks) in this component at the desired capacity.
    pub count: u32,
    pub storage_gb: f64,
    pub engine: Option<Engine>,
    /// RDS Multi-AZ standby (synchronous replica in the other AZ).
    pub standby: bool,
    pub scaling: Option<Scaling>,
    /// The inventory workloads it replaces or carries.
    pub workloads: Vec<String>,
    /// vCPU and GiB of one task (Fargate), else 0.
    pub task_vcpu: f64,
    pub task_memory_gib: f64,
    /// Provided by the landing zone the applications share (gateways, the
    /// management path, logging): drawn and priced once, there.
    pub shared: bool,
}

impl Component {
    pub fn new(kind: Kind, key: impl Into<String>, label: impl Into<String>, tier: Tier, subnet: Subnet, az: Az) -> Component {
        Component {
            kind,
            key: key.into(),
            label: label.into(),
            label_code: "",
            tier,
            subnet,
            az,
            size: String::new(),
            count: 1,
            storage_gb: 0.0,
            engine: None,
            standby: false,
            scaling: None,
            workloads: Vec::new(),
            task_vcpu: 0.0,
            task_memory_gib: 0.0,
            shared: false,
        }
    }
}

impl Component {
    /// A component with a generic label (a tier, a service's role) that the
    /// pages and the report show in their language.
    pub fn generic(kind: Kind, key: impl Into<String>, code: &'static str, tier: Tier, subnet: Subnet, az: Az) -> Component {
        let english = crate::i18n::Tr::new(crate::i18n::Lang::En).t(&format!("architecture.label.{code}")).to_string();
        Component { label_code: code, ..Component::new(kind, key, english, tier, subnet, az) }
    }

    /// The label in the translator's language.
    pub fn display_label(&self, t: &crate::i18n::Tr) -> String {
        if self.label_code.is_empty() { self.label.clone() } else { t.t(&format!("architecture.label.{}", self.label_code)).to_string() }
    }
}

/// One end of an allowed flow.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Peer {
    /// internet, customer_network, web_alb, web, app_alb, app, db, bastion,
    /// api_gateway, host:<workload>, on_prem:<workload>...
    pub key: String,
    pub name: String,
    pub tier: Tier,
}

impl Peer {
    pub fn new(key: impl Into<String>, name: impl Into<String>, tier: Tier) -> Peer {
        Peer { key: key.into(), name: name.into(), tier }
    }
    /// The name in the translator's language (generic peers are translated,
    /// hosts keep their names).
    pub fn display_name(&self, t: &crate::i18n::Tr) -> String {
        if self.key.contains(':') { self.name.clone() } else { t.t(&format!("architecture.peer.{}", self.key)).to_string() }
    }

    pub fn internet() -> Peer {
        Peer::new("internet", "Internet (0.0.0.0/0)", Tier::Edge)
    }
    pub fn customer_network() -> Peer {
        Peer::new("customer_network", "Customer network", Tier::OnPrem)
    }
}

/// A security-group rule: `destination` accepts `protocol`/`port` from `source`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SgRule {
    pub source: Peer,
    pub destination: Peer,
    pub protocol: &'static str,
    pub port: u16,
    /// Reason code; the text is `architecture.why.<code>` in the catalogues.
    pub why: &'static str,
}

impl SgRule {
    /// Why the flow is allowed, in the translator's language.
    pub fn why_text(&self, t: &crate::i18n::Tr) -> String {
        t.t(&format!("architecture.why.{}", self.why)).to_string()
    }
}

/// Which target design a group of workloads gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pattern {
    /// The AnyCompany pattern (Replatform).
    ThreeTier,
    /// Rehost: EC2 instances mirroring the servers.
    Ec2Mirror,
    /// Refactor to containers (ECS on Fargate).
    Containers,
    /// Refactor to serverless (Lambda, API Gateway, DynamoDB).
    Serverless,
    /// Repurchase: SaaS and data migration.
    Saas,
    /// Retain: stays on premises, linked when cloud workloads depend on it.
    Hybrid,
    /// Retire: decommission with data archiving.
    Decommission,
}

impl Pattern {
    pub fn code(self) -> &'static str {
        match self {
            Pattern::ThreeTier => "three_tier",
            Pattern::Ec2Mirror => "ec2_mirror",
            Pattern::Containers => "containers",
            Pattern::Serverless => "serverless",
            Pattern::Saas => "saas",
            Pattern::Hybrid => "hybrid",
            Pattern::Decommission => "decommission",
        }
    }
}

/// How one workload (or its share of a split server) was sized.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SizingLine {
    pub workload: String,
    /// The component key it sized.
    pub component: String,
    /// "ec2", "rds" or "fargate".
    pub service: &'static str,
    pub cores: Option<i64>,
    pub ram_gb: Option<f64>,
    /// The utilisation figures the basis read (peak, 95th percentile or average).
    pub cpu_pct: Option<f64>,
    pub ram_pct: Option<f64>,
    pub share_pct: f64,
    pub demand: Demand,
    pub choice: Option<Choice>,
}

impl SizingLine {
    /// "4 cores / 16 GB" as the inventory says.
    pub fn on_prem_text(&self, t: &crate::i18n::Tr) -> String {
        let cores = self.cores.map_or_else(|| "?".to_string(), |c| c.to_string());
        let ram = self.ram_gb.map_or_else(|| "?".to_string(), crate::i18n::amount);
        t.fmt("architecture.on_prem_value", &[("cores", &cores), ("ram", &ram)])
    }

    /// "45% / 60%": the CPU and memory utilisation the basis read.
    pub fn utilisation_text(&self) -> String {
        let pct = |v: Option<f64>| v.map_or_else(|| "?".to_string(), |p| format!("{}%", crate::i18n::amount(p)));
        format!("{} / {}", pct(self.cpu_pct), pct(self.ram_pct))
    }

    /// "2.34 vCPU / 12.48 GiB".
    pub fn need_text(&self) -> String {
        format!("{} vCPU / {} GiB", crate::i18n::amount(self.demand.vcpu), crate::i18n::amount(self.demand.memory_gib))
    }
}

/// The sizing assumptions in a sentence, printed beside every estimate:
/// "Sized on the peak utilisation plus 30% headroom, from the current
/// generation (t3, m7i, c7i, r7i); prices as of 2026-11-23."
pub fn assumptions_text(mode: SizingMode, sizing: &Sizing, cat: &crate::cost::catalogue::Catalogue, t: &crate::i18n::Tr) -> String {
    let families = cat.generation(sizing.generation).families.join(", ");
    let generation = t.fmt(&format!("sizing.generation.{}", sizing.generation.code()), &[("families", &families)]);
    match mode {
        SizingMode::AsOnPrem => t.fmt("sizing.assumptions_as_on_prem", &[("generation", &generation), ("date", &cat.date())]),
        SizingMode::Performance => t.fmt(
            "sizing.assumptions",
            &[
                ("basis", &t.t(&format!("sizing.basis_phrase.{}", sizing.basis.code()))),
                ("headroom", &crate::i18n::amount(sizing.headroom_pct)),
                ("generation", &generation),
                ("date", &cat.date()),
            ],
        ),
    }
}

/// A workload of the application and the strategy it goes with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkloadStrategy {
    pub name: String,
    pub role: String,
    pub strategy: Option<Strategy>,
    /// As the inventory says (production, staging...).
    pub environment: String,
    pub cpu_cores: Option<i64>,
}

/// The target for one application.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetArchitecture {
    /// 0 for the workloads without an application.
    pub application_id: i64,
    pub application: String,
    /// The application's strategy (majority of its workloads).
    pub strategy: Option<Strategy>,
    pub patterns: Vec<Pattern>,
    pub workloads: Vec<WorkloadStrategy>,
    pub components: Vec<Component>,
    pub rules: Vec<SgRule>,
    pub sizing: Vec<SizingLine>,
    pub findings_current: Vec<Finding>,
    pub findings_target: Vec<Finding>,
    pub region: String,
    pub mode: SizingMode,
}

impl TargetArchitecture {
    pub fn has(&self, kind: Kind) -> bool {
        self.components.iter().any(|c| c.kind == kind)
    }

    pub fn components_of(&self, kind: Kind) -> impl Iterator<Item = &Component> {
        self.components.iter().filter(move |c| c.kind == kind)
    }
}

/// Everything the generator reads about one engagement.
#[derive(Debug, Clone, Default)]
pub struct Estate {
    pub region: String,
    pub currency: String,
    pub mode: SizingMode,
    /// Basis, headroom and generation of performance-based sizing.
    pub sizing: Sizing,
    pub landing: LandingSettings,
    pub applications: Vec<Application>,
    pub workloads: Vec<Workload>,
    pub dependencies: Vec<Dependency>,
    /// Decision else recommendation, by workload id.
    pub strategies: HashMap<i64, Strategy>,
    /// A bastion or jump host is among the engagement's workloads left out
    /// of `workloads` (an estate loaded for one application).
    pub jump_host_elsewhere: bool,
}

impl Estate {
    /// The applications to show: the named ones that have workloads, then
    /// (id 0) the workloads without an application.
    pub fn application_list(&self) -> Vec<Application> {
        let used: std::collections::HashSet<&str> = self.workloads.iter().map(|w| w.application.as_str()).collect();
        let mut apps: Vec<Application> = self.applications.iter().filter(|a| used.contains(a.name.as_str())).cloned().collect();
        if used.contains("") {
            apps.push(Application { id: 0, name: String::new(), notes: String::new() });
        }
        apps
    }

    /// Whether the engagement has a bastion or jump host today.
    pub fn has_jump_host(&self) -> bool {
        self.jump_host_elsewhere || self.workloads.iter().any(|w| findings::is_jump_host(&w.name, &w.role, &w.notes))
    }

    pub fn workloads_of<'a>(&'a self, app: &'a Application) -> impl Iterator<Item = &'a Workload> + 'a {
        self.workloads.iter().filter(move |w| w.application == app.name)
    }

    pub fn strategy_of(&self, w: &Workload) -> Option<Strategy> {
        self.strategies.get(&w.id).copied()
    }

    pub fn strategy_by_name(&self, name: &str) -> Option<Strategy> {
        self.workloads.iter().find(|w| w.name == name).and_then(|w| self.strategy_of(w))
    }
}

/// The port an application server listens on, from its runtime and
/// middleware (8080 for Java application servers).
pub fn app_port(w: &Workload) -> u16 {
    let facts = format!("{} {}", w.runtime, w.middleware).to_lowercase();
    if facts.contains("node") {
        3000
    } else if facts.contains("python") || facts.contains("django") || facts.contains("gunicorn") {
        8000
    } else if facts.contains("php") {
        9000
    } else if facts.contains(".net") || facts.contains("iis") || facts.contains("asp") {
        443
    } else {
        8080
    }
}

/// The administration port of a host: RDP on Windows, SSH elsewhere.
pub fn admin_port(w: &Workload) -> u16 {
    if w.os.to_lowercase().contains("windows") { 3389 } else { 22 }
}

/// An application's target with its cost: what the pages, the JSON API and
/// the PDF report show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppArchitecture {
    #[serde(flatten)]
    pub target: TargetArchitecture,
    pub cost: costing::CostEstimate,
    /// The sizing assumptions the estimate stands on.
    pub sizing: Sizing,
    /// Its own components' monthly cost per pricing model on every sizing
    /// basis (the chosen one included); add `shared_monthly` for the total.
    pub range: Vec<crate::cost::BasisCost>,
    /// Its share of the landing zone per pricing model (zeros without one).
    pub shared_monthly: Vec<f64>,
    /// What it needs from the landing zone; `None` when nothing moves.
    pub footprint: Option<Footprint>,
}

impl AppArchitecture {
    /// The VPC it is placed in.
    pub fn environment(&self) -> Option<Env> {
        self.footprint.as_ref().filter(|f| f.in_vpc).map(|f| f.env)
    }
}

/// Every application's target and cost, sharing the landing zone planned
/// from them all (`estate` holds the whole engagement).
pub fn build_all(estate: &Estate, cat: &crate::cost::catalogue::Catalogue) -> Vec<AppArchitecture> {
    let apps = estate.application_list();
    let own: Vec<AppArchitecture> = apps.iter().map(|a| build(estate, a, cat, None)).collect();
    let footprints: Vec<Footprint> = own.iter().filter_map(|a| a.footprint.clone()).collect();
    let Some(lz) = landing_zone::plan(estate.landing, estate, &footprints, cat) else { return own };
    own.into_iter()
        .map(|mut a| {
            a.share(&lz, cat);
            a
        })
        .collect()
}

/// The landing zone of an estate holding the whole engagement.
pub fn landing_zone_of(estate: &Estate, cat: &crate::cost::catalogue::Catalogue) -> Option<LandingZone> {
    let footprints: Vec<Footprint> = estate.application_list().iter().filter_map(|a| build(estate, a, cat, None).footprint).collect();
    landing_zone::plan(estate.landing, estate, &footprints, cat)
}

/// One application's target and cost (`app_id` 0: the workloads without an
/// application) in an estate holding the whole engagement; `None` when the
/// application has no workloads.
pub fn build_one(estate: &Estate, app_id: i64, cat: &crate::cost::catalogue::Catalogue) -> Option<AppArchitecture> {
    build_all(estate, cat).into_iter().find(|a| a.target.application_id == app_id)
}

/// `app`'s target and cost from an estate holding at least its workloads,
/// the dependencies touching them and the workloads at their other ends,
/// with its share of the landing zone when there is one.
pub fn build(estate: &Estate, app: &Application, cat: &crate::cost::catalogue::Catalogue, lz: Option<&LandingZone>) -> AppArchitecture {
    let target = generate(estate, app, cat);
    let cost = costing::estimate(&target, estate, cat);
    let footprint = Footprint::of(&target);
    // The same estimate on the other bases: only the sizing differs.
    let mut range = Vec::new();
    for (mode, basis) in
        crate::cost::sizing::Basis::ALL.iter().map(|b| (SizingMode::Performance, *b)).chain([(SizingMode::AsOnPrem, estate.sizing.basis)])
    {
        let own = if mode == estate.mode && (mode == SizingMode::AsOnPrem || basis == estate.sizing.basis) {
            cost.own_monthly()
        } else {
            let other = Estate { mode, sizing: Sizing { basis, ..estate.sizing }, ..estate.clone() };
            let t = generate(&other, app, cat);
            costing::estimate(&t, &other, cat).own_monthly()
        };
        range.push(crate::cost::BasisCost { mode, basis, monthly: own });
    }
    let shared_monthly = vec![0.0; cost.models.len()];
    let mut a = AppArchitecture { target, cost, sizing: estate.sizing, range, shared_monthly, footprint };
    if let Some(lz) = lz {
        a.share(lz, cat);
    }
    a
}

impl AppArchitecture {
    /// Adds its share of the landing zone to its cost.
    fn share(&mut self, lz: &LandingZone, cat: &crate::cost::catalogue::Catalogue) {
        self.cost.add_share(lz, self.target.application_id, cat);
        self.shared_monthly = lz.shared_monthly(self.target.application_id, self.cost.models.len());
    }

    /// Monthly per pricing model on every basis, its share included.
    pub fn full_range(&self) -> Vec<crate::cost::BasisCost> {
        self.range
            .iter()
            .map(|r| crate::cost::BasisCost {
                monthly: r.monthly.iter().zip(&self.shared_monthly).map(|(a, b)| a + b).collect(),
                ..r.clone()
            })
            .collect()
    }
}

/// What the architecture list shows of one application: codes and figures,
/// no text, so one kept row serves both languages.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct AppSummary {
    pub application_id: i64,
    /// Empty for the workloads without an application.
    pub application: String,
    pub strategy: Option<Strategy>,
    pub patterns: Vec<Pattern>,
    pub environment: Option<Env>,
    pub on_prem_annual: f64,
    pub retained_annual: f64,
    /// What the figures are in.
    pub currency: String,
    /// Per pricing model, its own components and (once the landing zone is
    /// known) its share of it.
    pub monthly: Vec<f64>,
    pub shared_monthly: Vec<f64>,
    /// Per sizing basis (own components only), as `AppArchitecture::range`.
    pub range: Vec<crate::cost::BasisCost>,
    pub findings_current: u32,
    pub high_current: u32,
    pub findings_target: u32,
    pub high_target: u32,
}

impl AppSummary {
    pub fn of(a: &AppArchitecture) -> AppSummary {
        let high = |fs: &[Finding]| fs.iter().filter(|f| f.severity == Severity::High).count() as u32;
        AppSummary {
            application_id: a.target.application_id,
            application: a.target.application.clone(),
            strategy: a.target.strategy,
            patterns: a.target.patterns.clone(),
            environment: a.environment(),
            on_prem_annual: a.cost.on_prem_annual,
            retained_annual: a.cost.retained_annual,
            currency: a.cost.currency.clone(),
            monthly: a.cost.own_monthly(),
            shared_monthly: a.shared_monthly.clone(),
            range: a.range.clone(),
            findings_current: a.target.findings_current.len() as u32,
            high_current: high(&a.target.findings_current),
            findings_target: a.target.findings_target.len() as u32,
            high_target: high(&a.target.findings_target),
        }
    }

    pub fn on_demand_monthly(&self) -> f64 {
        self.monthly.first().copied().unwrap_or(0.0) + self.shared_monthly.first().copied().unwrap_or(0.0)
    }

    /// The cheapest pricing model over three years: its index in the
    /// catalogue's `pricing_models` and its monthly figure.
    pub fn best_model(&self) -> Option<(usize, f64)> {
        self.monthly
            .iter()
            .zip(&self.shared_monthly)
            .map(|(a, b)| a + b)
            .enumerate()
            .min_by(|(_, x), (_, y)| (x * 36.0).total_cmp(&(y * 36.0)))
    }
}

/// The architecture list of an engagement: one summary per application, the
/// landing zone they share and the engagement's totals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArchitectureList {
    pub currency: String,
    pub mode: SizingMode,
    pub sizing: Sizing,
    pub rows: Vec<AppSummary>,
    pub total_on_prem_annual: f64,
    pub landing_zone: Option<LandingZone>,
    footprints: Vec<Footprint>,
}

impl ArchitectureList {
    /// An empty list (its figures in USD until an application says otherwise).
    pub fn new(mode: SizingMode) -> ArchitectureList {
        ArchitectureList { currency: "USD".into(), mode, ..ArchitectureList::default() }
    }

    pub fn push(&mut self, a: &AppArchitecture) {
        self.push_summary(AppSummary::of(a), a.footprint.clone());
    }

    /// Adds an application's summary (kept or just built) and footprint.
    pub fn push_summary(&mut self, row: AppSummary, footprint: Option<Footprint>) {
        if self.rows.is_empty() {
            self.currency = row.currency.clone();
        }
        self.total_on_prem_annual += row.on_prem_annual;
        self.rows.push(row);
        self.footprints.extend(footprint);
    }

    /// Plans the landing zone from the applications pushed and adds each
    /// one's share to its figures.
    pub fn finish(&mut self, estate: &Estate, cat: &crate::cost::catalogue::Catalogue) {
        self.mode = estate.mode;
        self.sizing = estate.sizing;
        self.landing_zone = landing_zone::plan(estate.landing, estate, &self.footprints, cat);
        if let Some(lz) = &self.landing_zone {
            for row in &mut self.rows {
                row.shared_monthly = lz.shared_monthly(row.application_id, row.monthly.len());
            }
        }
    }

    pub fn total_on_demand_monthly(&self) -> f64 {
        self.rows.iter().map(|r| r.monthly.first().copied().unwrap_or(0.0)).sum::<f64>()
            + self.landing_zone.as_ref().and_then(|lz| lz.monthly.first().copied()).unwrap_or(0.0)
    }

    /// The engagement's monthly cost per pricing model on every sizing
    /// basis: the applications' own components on that basis plus the
    /// landing zone (the same on every basis).
    pub fn range(&self) -> Vec<crate::cost::BasisCost> {
        estate_range(self.rows.iter().map(|r| r.range.as_slice()), self.landing_zone.as_ref(), |r| r.iter().map(|b| &b.monthly).collect())
    }
}

/// Adds up per-application ranges and the landing zone. `own` gives each
/// application's range without its share.
fn estate_range<'a, T: 'a>(
    apps: impl Iterator<Item = T>,
    lz: Option<&LandingZone>,
    own: impl Fn(&T) -> Vec<&Vec<f64>>,
) -> Vec<crate::cost::BasisCost> {
    let mut out: Vec<crate::cost::BasisCost> = Vec::new();
    for app in apps {
        let own = own(&app);
        if out.is_empty() {
            out = own
                .iter()
                .map(|m| crate::cost::BasisCost { mode: SizingMode::Performance, basis: Default::default(), monthly: vec![0.0; m.len()] })
                .collect();
        }
        for (sum, m) in out.iter_mut().zip(own) {
            for (s, v) in sum.monthly.iter_mut().zip(m) {
                *s += v;
            }
        }
    }
    let bases =
        crate::cost::sizing::Basis::ALL.iter().map(|b| (SizingMode::Performance, *b)).chain([(SizingMode::AsOnPrem, Default::default())]);
    for (r, (mode, basis)) in out.iter_mut().zip(bases) {
        r.mode = mode;
        r.basis = basis;
        if let Some(lz) = lz {
            for (s, v) in r.monthly.iter_mut().zip(&lz.monthly) {
                *s += v;
            }
        }
    }
    out
}

/// The engagement's cost range (every sizing basis, per pricing model) from
/// its applications' estimates and their landing zone: what an executive
/// summary quotes.
pub fn cost_range(archs: &[AppArchitecture], lz: Option<&LandingZone>) -> Vec<crate::cost::BasisCost> {
    estate_range(archs.iter(), lz, |a| a.range.iter().map(|b| &b.monthly).collect())
}

#[cfg(test)]
mod tests;
