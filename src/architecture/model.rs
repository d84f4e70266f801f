//! The vocabulary of a target: where a component sits (tier, subnet,
//! Availability Zone), what it is (kind, database engine), the component
//! itself, the peers and security-group rules between components, and the
//! pattern a group of workloads gets.

use serde::Serialize;

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
