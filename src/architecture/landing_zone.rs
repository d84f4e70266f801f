//! The landing zone an engagement's applications share: one VPC per
//! environment (production, non-production) over two AZs with its internet
//! gateway, NAT gateway pair and network ACLs, one management path (a
//! bastion host or Systems Manager Session Manager), shared logging
//! (CloudTrail, CloudWatch, an SNS topic for alarms) and the link to the
//! customer's network (Site-to-Site VPN or Direct Connect). The consultant
//! picks the topology: a shared VPC per environment, or hub and spoke (a
//! Transit Gateway with a spoke VPC per environment and a shared-services hub
//! VPC for the bastion).
//!
//! Its cost appears once and is allocated to the applications by a stated
//! key: a network's cost among the applications placed in it, the rest
//! among every application that moves to AWS.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::costing::CostLine;
use super::{Az, Component, Estate, Kind, Peer, SgRule, Subnet, TargetArchitecture, Tier};
use crate::cost::catalogue::Catalogue;

macro_rules! choice {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            #[default]
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.code() == s.trim())
            }
        }
    };
}

choice!(
    /// How the VPCs are connected.
    Topology {
        /// One VPC per environment, each with its own link to the customer.
        SharedVpc => "shared_vpc",
        /// A Transit Gateway joining a spoke VPC per environment, the
        /// shared-services hub VPC and the customer's network.
        HubSpoke => "hub_spoke",
    }
);

choice!(
    /// How administrators reach the hosts.
    Management {
        /// A bastion host reachable only from the customer's network.
        Bastion => "bastion",
        /// Systems Manager Session Manager through interface endpoints: no
        /// open administration port at all.
        SessionManager => "session_manager",
    }
);

choice!(
    /// The link to the customer's data centre.
    Link {
        Vpn => "vpn",
        DirectConnect => "direct_connect",
    }
);

choice!(
    /// How shared costs are divided among the applications.
    Allocation {
        /// By the number of workloads each application moves to AWS.
        Workloads => "workloads",
        /// By the on-premises cores each application moves.
        Cores => "cores",
        /// An equal share each.
        Equal => "equal",
    }
);

/// The consultant's landing-zone choices (engagement preference
/// "landing_zone").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LandingSettings {
    #[serde(default)]
    pub topology: Topology,
    #[serde(default)]
    pub management: Management,
    #[serde(default)]
    pub link: Link,
    #[serde(default)]
    pub allocation: Allocation,
}

/// The environment a VPC serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Env {
    Production,
    NonProduction,
}

impl Env {
    pub const ALL: [Env; 2] = [Env::Production, Env::NonProduction];

    /// The environment of a workload's (normalised) `environment` field:
    /// development, test, staging and the like are non-production; anything
    /// else, unknown included, is treated as production.
    pub fn of(environment: &str) -> Env {
        let e = environment.trim().to_lowercase();
        let non = ["non-production", "nonprod", "non-prod", "staging", "test", "development", "dev", "qa", "uat", "sandbox", "lab"];
        if non.iter().any(|n| e == *n || e.starts_with(&format!("{n} "))) { Env::NonProduction } else { Env::Production }
    }

    pub fn code(self) -> &'static str {
        match self {
            Env::Production => "production",
            Env::NonProduction => "non_production",
        }
    }

    /// The name used in keys and CloudFormation logical ids.
    pub fn short(self) -> &'static str {
        match self {
            Env::Production => "Prod",
            Env::NonProduction => "NonProd",
        }
    }

    pub fn cidr(self) -> &'static str {
        match self {
            Env::Production => "10.0.0.0/16",
            Env::NonProduction => "10.1.0.0/16",
        }
    }
}

/// The shared-services hub VPC (hub and spoke with a bastion).
pub const HUB_CIDR: &str = "10.255.0.0/16";

/// What one application needs from the landing zone, read off its target
/// (kept with the application's summary: db::architecture::kept_list).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Footprint {
    pub application_id: i64,
    pub application: String,
    pub env: Env,
    /// Moves workloads of both environments (placed in production).
    pub mixed: bool,
    /// Workloads moving to AWS and their on-premises cores (unknown: 1).
    pub moving: u32,
    pub cores: f64,
    /// Has components in subnets; in private subnets (needs NAT).
    pub in_vpc: bool,
    pub private: bool,
    /// Has EC2 hosts to administer.
    pub hosts: bool,
}

impl Footprint {
    /// `None` when nothing of the application moves to AWS.
    pub fn of(t: &TargetArchitecture) -> Option<Footprint> {
        let moving: Vec<&super::WorkloadStrategy> = t.workloads.iter().filter(|w| w.strategy.is_some_and(|s| s.moves_to_aws())).collect();
        if moving.is_empty() {
            return None;
        }
        let envs: std::collections::BTreeSet<Env> = moving.iter().map(|w| Env::of(&w.environment)).collect();
        let own = || t.components.iter().filter(|c| !c.shared);
        Some(Footprint {
            application_id: t.application_id,
            application: t.application.clone(),
            env: *envs.iter().next().unwrap_or(&Env::Production),
            mixed: envs.len() > 1,
            moving: moving.len() as u32,
            cores: moving.iter().map(|w| w.cpu_cores.filter(|c| *c > 0).unwrap_or(1) as f64).sum(),
            in_vpc: own().any(|c| c.subnet != Subnet::None),
            private: own().any(|c| c.subnet == Subnet::Private),
            hosts: own().any(|c| c.kind == Kind::Ec2),
        })
    }

    fn key(&self, allocation: Allocation) -> f64 {
        match allocation {
            Allocation::Workloads => self.moving as f64,
            Allocation::Cores => self.cores,
            Allocation::Equal => 1.0,
        }
    }
}

/// One VPC of the landing zone and the shared parts in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Network {
    /// `None`: the shared-services hub.
    pub env: Option<Env>,
    pub cidr: &'static str,
    pub components: Vec<Component>,
    /// The applications placed in it, by name, and the workloads each moves.
    pub applications: Vec<String>,
    pub workloads: Vec<u32>,
}

impl Network {
    /// "Prod", "NonProd" or "Hub": key prefix and CloudFormation name.
    pub fn short(&self) -> &'static str {
        self.env.map_or("Hub", Env::short)
    }
}

/// A line of the landing zone's cost and whom it is shared among.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SharedLine {
    /// The environment whose applications share it; `None`: all of them.
    pub scope: Option<Env>,
    pub line: CostLine,
}

/// One application's part of the shared cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub application_id: i64,
    pub application: String,
    pub env: Env,
    /// Its value of the allocation key (workloads, cores or 1).
    pub key: f64,
    /// Per shared line (same order as `LandingZone::lines`), 0..=1.
    pub fractions: Vec<f64>,
    /// Per pricing model, in the estimate's currency.
    pub monthly: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LandingZone {
    pub settings: LandingSettings,
    pub region: String,
    pub networks: Vec<Network>,
    /// Not in a VPC: Transit Gateway, the link, logging and notifications.
    pub global: Vec<Component>,
    /// Flows into the shared parts (administrators to the bastion).
    pub rules: Vec<SgRule>,
    pub lines: Vec<SharedLine>,
    pub shares: Vec<Share>,
    /// Application id → its index in `shares`: every page, report and
    /// template asks for thousands of applications' shares.
    #[serde(skip)]
    share_index: HashMap<i64, usize>,
    /// Per pricing model: the whole landing zone per month.
    pub monthly: Vec<f64>,
    pub currency: String,
    /// Applications that move workloads of both environments.
    pub mixed: Vec<String>,
}

impl LandingZone {
    pub fn network(&self, env: Env) -> Option<&Network> {
        self.networks.iter().find(|n| n.env == Some(env))
    }

    pub fn share_of(&self, application_id: i64) -> Option<&Share> {
        self.share_index.get(&application_id).map(|&i| &self.shares[i])
    }

    /// The lines an application pays part of, with its fraction of each.
    pub fn lines_of(&self, application_id: i64) -> Vec<(&SharedLine, f64)> {
        self.share_of(application_id).map(|share| self.lines_for(share)).unwrap_or_default()
    }

    fn lines_for(&self, share: &Share) -> Vec<(&SharedLine, f64)> {
        self.lines
            .iter()
            .zip(share.fractions.iter().copied())
            .filter(|(l, f)| *f > 0.0 && l.line.monthly.iter().any(|v| *v != 0.0))
            .collect()
    }

    /// An application's share per pricing model (zero when it shares none).
    pub fn shared_monthly(&self, application_id: i64, models: usize) -> Vec<f64> {
        match self.share_of(application_id) {
            Some(share) if share.monthly.len() == models => share.monthly.clone(),
            _ => vec![0.0; models],
        }
    }

    /// Every shared component, networks first.
    pub fn components(&self) -> impl Iterator<Item = &Component> {
        self.networks.iter().flat_map(|n| n.components.iter()).chain(self.global.iter())
    }
}

fn shared(mut c: Component) -> Component {
    c.shared = true;
    c
}

/// The shared parts a VPC holds: gateways, NACLs, the management path.
fn network_parts(
    prefix: &str,
    private: bool,
    hosts: bool,
    settings: &LandingSettings,
    hub_bastion: bool,
    cat: &Catalogue,
) -> Vec<Component> {
    let key = |k: &str| format!("{prefix}-{k}");
    let mut out =
        vec![shared(Component::generic(Kind::InternetGateway, key("igw"), "internet_gateway", Tier::Network, Subnet::None, Az::None))];
    if private {
        for az in [Az::A, Az::B] {
            out.push(shared(Component::generic(
                Kind::NatGateway,
                key(&format!("nat-{}", az.code())),
                "nat_gateway",
                Tier::Network,
                Subnet::Public,
                az,
            )));
        }
    }
    out.push(shared(Component::generic(Kind::Nacl, key("nacl-public"), "public_subnets", Tier::Network, Subnet::Public, Az::Both)));
    if private {
        out.push(shared(Component::generic(Kind::Nacl, key("nacl-private"), "private_subnets", Tier::Network, Subnet::Private, Az::Both)));
    }
    if hosts {
        match settings.management {
            Management::Bastion if !hub_bastion => out.push(bastion(&key("bastion"), cat)),
            Management::Bastion => {}
            Management::SessionManager => out.push(shared(Component::generic(
                Kind::SessionManager,
                key("ssm"),
                "session_manager",
                Tier::Management,
                Subnet::Private,
                Az::Both,
            ))),
        }
    }
    out
}

fn bastion(key: &str, cat: &Catalogue) -> Component {
    let mut b = shared(Component::generic(Kind::Bastion, key, "bastion", Tier::Management, Subnet::Public, Az::A));
    b.size = cat.sizing.bastion.clone();
    b.storage_gb = 8.0;
    b
}

/// The landing zone for the applications' footprints, priced and shared.
pub fn plan(settings: LandingSettings, estate: &Estate, footprints: &[Footprint], cat: &Catalogue) -> Option<LandingZone> {
    plan_sharing(settings, estate, footprints, cat, None)
}

/// `plan` with the share of application `only` worked out, or every
/// application's (`None`): a page about one application needs its own share
/// alone, and 5,000 shares were most of the planning.
pub fn plan_sharing(
    settings: LandingSettings,
    estate: &Estate,
    footprints: &[Footprint],
    cat: &Catalogue,
    only: Option<i64>,
) -> Option<LandingZone> {
    if footprints.is_empty() {
        return None;
    }
    let region = cat.region(&estate.region).0.to_string();
    let any_hosts = footprints.iter().any(|f| f.hosts && f.in_vpc);
    let networks = networks(&settings, footprints, any_hosts, cat);
    let global = global_parts(&settings, &networks, cat);
    let rules = admin_rules(&settings, estate, any_hosts);

    let currency = if cat.knows_currency(&estate.currency) { estate.currency.to_ascii_uppercase() } else { "USD".into() };
    let mut lz = LandingZone {
        settings,
        region,
        networks,
        global,
        rules,
        lines: Vec::new(),
        shares: Vec::new(),
        share_index: HashMap::new(),
        monthly: Vec::new(),
        currency,
        mixed: footprints.iter().filter(|f| f.mixed).map(|f| f.application.clone()).collect(),
    };
    lz.lines = super::costing::landing_zone_lines(&lz, footprints, cat);
    allocate(&mut lz, footprints, cat.pricing_models.len(), only);
    Some(lz)
}

/// A VPC per environment with applications in a VPC, and the hub VPC when
/// its bastion serves hosts.
fn networks(settings: &LandingSettings, footprints: &[Footprint], any_hosts: bool, cat: &Catalogue) -> Vec<Network> {
    let hub_bastion = settings.topology == Topology::HubSpoke && settings.management == Management::Bastion;
    let mut networks = Vec::new();
    for env in Env::ALL {
        let here: Vec<&Footprint> = footprints.iter().filter(|f| f.env == env && f.in_vpc).collect();
        if here.is_empty() {
            continue;
        }
        let private = here.iter().any(|f| f.private);
        let hosts = here.iter().any(|f| f.hosts);
        networks.push(Network {
            env: Some(env),
            cidr: env.cidr(),
            components: network_parts(env.short(), private, hosts, settings, hub_bastion, cat),
            applications: here.iter().map(|f| f.application.clone()).collect(),
            workloads: here.iter().map(|f| f.moving).collect(),
        });
    }
    if hub_bastion && any_hosts {
        let mut hub =
            vec![shared(Component::generic(Kind::InternetGateway, "Hub-igw", "internet_gateway", Tier::Network, Subnet::None, Az::None))];
        hub.push(shared(Component::generic(Kind::Nacl, "Hub-nacl-public", "public_subnets", Tier::Network, Subnet::Public, Az::Both)));
        hub.push(bastion("Hub-bastion", cat));
        networks.push(Network { env: None, cidr: HUB_CIDR, components: hub, applications: Vec::new(), workloads: Vec::new() });
    }
    networks
}

/// What the networks share: the Transit Gateway, the link, logging and
/// notifications.
fn global_parts(settings: &LandingSettings, networks: &[Network], cat: &Catalogue) -> Vec<Component> {
    let mut global = Vec::new();
    if settings.topology == Topology::HubSpoke && !networks.is_empty() {
        let mut tgw = shared(Component::generic(Kind::TransitGateway, "tgw", "transit_gateway", Tier::Network, Subnet::None, Az::None));
        // Attachments: every VPC and the link.
        tgw.count = networks.len() as u32 + 1;
        global.push(tgw);
    }
    if !networks.is_empty() {
        let (kind, code) = match settings.link {
            Link::Vpn => (Kind::HybridLink, "vpn_link"),
            Link::DirectConnect => (Kind::DirectConnect, "direct_connect_link"),
        };
        let mut link = shared(Component::generic(kind, "link", code, Tier::Network, Subnet::None, Az::None));
        // A VPN connection per VPC without a Transit Gateway; one otherwise.
        link.count = match (settings.link, settings.topology) {
            (Link::Vpn, Topology::SharedVpc) => networks.len() as u32,
            _ => 1,
        };
        global.push(link);
    }
    global.push(shared(Component::generic(Kind::CloudTrail, "cloudtrail", "cloudtrail", Tier::Operations, Subnet::None, Az::None)));
    global.push(shared(Component::generic(Kind::CloudWatch, "cloudwatch", "cloudwatch", Tier::Operations, Subnet::None, Az::None)));
    global.push(shared(Component::generic(Kind::Sns, "sns", "notifications", Tier::Operations, Subnet::None, Az::None)));
    let mut logs = shared(Component::generic(Kind::S3, "log-archive", "log_archive", Tier::Operations, Subnet::None, Az::None));
    logs.storage_gb = cat.assumptions.log_archive_gb;
    global.push(logs);
    global
}

/// The rule admitting administrators from the customer's network to the
/// bastion (SSH, or RDP where any server runs Windows).
fn admin_rules(settings: &LandingSettings, estate: &Estate, any_hosts: bool) -> Vec<SgRule> {
    let mut rules = Vec::new();
    if settings.management == Management::Bastion && any_hosts {
        let admin = if estate.workloads.iter().any(|w| w.os.to_lowercase().contains("windows")) { 3389 } else { 22 };
        let why = "bastion_from_customer";
        rules.push(SgRule {
            source: Peer::customer_network(),
            destination: Peer::new("bastion", "Bastion host", Tier::Management),
            protocol: "tcp",
            port: admin,
            why,
        });
    }
    rules
}

/// Each application's share of each line: a network's lines among the
/// applications placed in it, the others among every moving application;
/// the shares of every application, or of `only`.
fn allocate(lz: &mut LandingZone, footprints: &[Footprint], models: usize, only: Option<i64>) {
    let allocation = lz.settings.allocation;
    lz.monthly = (0..models).map(|i| lz.lines.iter().map(|l| l.line.monthly[i]).sum()).collect();
    // Each line's total key over the applications it is shared by, once:
    // summed per application it made the list quadratic (5,000 applications,
    // 0.8 s a page).
    let in_scope = |l: &SharedLine, o: &Footprint| l.scope.is_none_or(|e| o.env == e && o.in_vpc);
    let totals: Vec<f64> = lz.lines.iter().map(|l| footprints.iter().filter(|o| in_scope(l, o)).map(|o| o.key(allocation)).sum()).collect();
    lz.shares = footprints
        .iter()
        .filter(|f| only.is_none_or(|id| f.application_id == id))
        .map(|f| {
            let fractions: Vec<f64> = lz
                .lines
                .iter()
                .zip(&totals)
                .map(|(l, &total)| if in_scope(l, f) && total > 0.0 { f.key(allocation) / total } else { 0.0 })
                .collect();
            let monthly = (0..models).map(|i| lz.lines.iter().zip(&fractions).map(|(l, share)| l.line.monthly[i] * share).sum()).collect();
            Share {
                application_id: f.application_id,
                application: f.application.clone(),
                env: f.env,
                key: f.key(allocation),
                fractions,
                monthly,
            }
        })
        .collect();
    lz.share_index = lz.shares.iter().enumerate().map(|(i, s)| (s.application_id, i)).collect();
}
