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

    pub fn parse(code: &str) -> Option<Env> {
        Env::ALL.into_iter().find(|e| e.code() == code)
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
    /// Some of those run Windows (administered over RDP, not SSH).
    #[serde(default)]
    pub windows_hosts: bool,
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
            // The generator admits the bastion to each host on its own
            // administration port (architecture::admin_port).
            windows_hosts: t.rules.iter().any(|r| r.why == "admin_from_bastion" && r.port == 3389),
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

/// Footprints alike but for their workloads and cores, counted and summed
/// (a store adds them up by a GROUP BY instead of reading every footprint).
#[derive(Debug, Clone, PartialEq)]
pub struct FootprintGroup {
    pub env: Env,
    pub mixed: bool,
    pub in_vpc: bool,
    pub private: bool,
    pub hosts: bool,
    pub windows_hosts: bool,
    /// How many footprints (at least one), and the sums of their `moving`
    /// and `cores`.
    pub applications: usize,
    pub moving: u64,
    pub cores: f64,
}

impl FootprintGroup {
    /// The sum of its footprints' `Footprint::key`.
    fn key(&self, allocation: Allocation) -> f64 {
        match allocation {
            Allocation::Workloads => self.moving as f64,
            Allocation::Cores => self.cores,
            Allocation::Equal => self.applications as f64,
        }
    }
}

/// Up to this many applications are named where a page lists them (in a VPC
/// of the landing-zone diagram, among the mixed ones); beyond, a page says
/// how many: 4,500 names made the landing-zone page 2 MB.
pub const NAMED: usize = 24;

/// What planning the landing zone reads of the applications' footprints
/// besides their names: kept with the engagement's overview, so that a page
/// about one application plans its share from these and its own footprint
/// instead of reading thousands (`plan_share`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Applications that move something.
    pub applications: usize,
    /// Those that move workloads of both environments.
    #[serde(default)]
    pub mixed: usize,
    /// Per allocation (`Allocation::ALL` order): the sum of every
    /// application's key.
    pub keys: Vec<f64>,
    /// Per environment (`Env::ALL` order).
    pub envs: Vec<EnvTotals>,
    /// Whether any application has EC2 hosts running Windows.
    #[serde(default)]
    pub windows_hosts: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnvTotals {
    /// Applications of the environment in a VPC.
    pub in_vpc: usize,
    /// Whether any of those has private subnets, EC2 hosts.
    pub private_in_vpc: bool,
    pub hosts_in_vpc: bool,
    /// Applications of the environment with private subnets (the NAT
    /// gateways' traffic).
    pub private: usize,
    /// Per allocation: the sum of the keys of those in a VPC.
    pub keys_in_vpc: Vec<f64>,
    /// The workloads those in a VPC move.
    #[serde(default)]
    pub moving_in_vpc: u64,
}

impl Totals {
    /// Sums in the footprints' order, as planning from them did, so that a
    /// share planned from the totals is the same to the last bit.
    pub fn of(footprints: &[Footprint]) -> Totals {
        let keys = |filter: &dyn Fn(&Footprint) -> bool| -> Vec<f64> {
            Allocation::ALL.iter().map(|a| footprints.iter().filter(|f| filter(f)).map(|f| f.key(*a)).sum()).collect()
        };
        Totals {
            applications: footprints.len(),
            mixed: footprints.iter().filter(|f| f.mixed).count(),
            keys: keys(&|_| true),
            envs: Env::ALL
                .iter()
                .map(|&e| {
                    let here = || footprints.iter().filter(move |f| f.env == e && f.in_vpc);
                    EnvTotals {
                        in_vpc: here().count(),
                        private_in_vpc: here().any(|f| f.private),
                        hosts_in_vpc: here().any(|f| f.hosts),
                        private: footprints.iter().filter(|f| f.env == e && f.private).count(),
                        keys_in_vpc: keys(&|f| f.env == e && f.in_vpc),
                        moving_in_vpc: here().map(|f| u64::from(f.moving)).sum(),
                    }
                })
                .collect(),
            windows_hosts: footprints.iter().any(|f| f.windows_hosts),
        }
    }

    /// The totals of the footprints counted by `FootprintGroup`: what `of`
    /// makes of them, to the last bit, as every key is a whole number
    /// (workloads, cores, 1), which add up exactly in any order.
    pub fn of_groups(groups: &[FootprintGroup]) -> Totals {
        let keys = |filter: &dyn Fn(&FootprintGroup) -> bool| -> Vec<f64> {
            Allocation::ALL.iter().map(|a| groups.iter().filter(|g| filter(g)).map(|g| g.key(*a)).sum()).collect()
        };
        let count =
            |filter: &dyn Fn(&FootprintGroup) -> bool| -> usize { groups.iter().filter(|g| filter(g)).map(|g| g.applications).sum() };
        Totals {
            applications: count(&|_| true),
            mixed: count(&|g| g.mixed),
            keys: keys(&|_| true),
            envs: Env::ALL
                .iter()
                .map(|&e| {
                    let here = || groups.iter().filter(move |g| g.env == e && g.in_vpc);
                    EnvTotals {
                        in_vpc: count(&|g| g.env == e && g.in_vpc),
                        private_in_vpc: here().any(|g| g.private),
                        hosts_in_vpc: here().any(|g| g.hosts),
                        private: count(&|g| g.env == e && g.private),
                        keys_in_vpc: keys(&|g| g.env == e && g.in_vpc),
                        moving_in_vpc: here().map(|g| g.moving).sum(),
                    }
                })
                .collect(),
            windows_hosts: groups.iter().any(|g| g.windows_hosts),
        }
    }

    /// Whether a page shows the applications' names: in a VPC of the
    /// diagram or among those placed in production though mixed, up to
    /// `NAMED` are named, more are counted.
    pub fn names_shown(&self) -> bool {
        self.envs.iter().any(|e| e.in_vpc > 0 && e.in_vpc <= NAMED) || (self.mixed > 0 && self.mixed <= NAMED)
    }

    pub fn env(&self, env: Env) -> Option<&EnvTotals> {
        self.envs.get(Env::ALL.iter().position(|e| *e == env)?)
    }

    /// The sum of the keys of the applications a line is shared among.
    fn key_total(&self, scope: Option<Env>, allocation: Allocation) -> f64 {
        let i = Allocation::ALL.iter().position(|a| *a == allocation).unwrap_or(0);
        let keys = match scope {
            None => Some(&self.keys),
            Some(e) => self.env(e).map(|t| &t.keys_in_vpc),
        };
        keys.and_then(|k| k.get(i)).copied().unwrap_or(0.0)
    }
}

/// One VPC of the landing zone and the shared parts in it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Network {
    /// `None`: the shared-services hub.
    pub env: Option<Env>,
    pub cidr: &'static str,
    pub components: Vec<Component>,
    /// The applications placed in it, by name, and the workloads each moves
    /// (empty when planned without names: `plan_with`).
    pub applications: Vec<String>,
    pub workloads: Vec<u32>,
    /// How many applications are placed in it, and the workloads they move,
    /// named or not.
    #[serde(skip)]
    pub placed: usize,
    #[serde(skip)]
    pub placed_workloads: u64,
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
    /// What it was planned from (kept with the overview).
    #[serde(skip)]
    pub totals: Totals,
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
    let sharing: Vec<&Footprint> = footprints.iter().filter(|f| only.is_none_or(|id| f.application_id == id)).collect();
    Some(plan_from(settings, estate, Totals::of(footprints), footprints, &sharing, cat))
}

/// The landing zone planned from the kept `totals` with the share of
/// `footprint` alone (none without one): what `plan_sharing` makes of every
/// footprint for that application, except that its networks name no
/// applications and `mixed` is empty (those need every name).
pub fn plan_share(
    settings: LandingSettings,
    estate: &Estate,
    totals: &Totals,
    footprint: Option<&Footprint>,
    cat: &Catalogue,
) -> Option<LandingZone> {
    plan_with(settings, estate, totals, &[], footprint.map_or(&[], std::slice::from_ref), cat)
}

/// The landing zone planned from the kept `totals`, naming the applications
/// of `named` (every footprint, in the list's order, or none) with the
/// shares of `sharing` (a page of the allocation table).
pub fn plan_with(
    settings: LandingSettings,
    estate: &Estate,
    totals: &Totals,
    named: &[Footprint],
    sharing: &[Footprint],
    cat: &Catalogue,
) -> Option<LandingZone> {
    if totals.applications == 0 {
        return None;
    }
    Some(plan_from(settings, estate, totals.clone(), named, &sharing.iter().collect::<Vec<_>>(), cat))
}

/// The landing zone from the `totals` of the footprints, naming the
/// applications of `named`, with the shares of `sharing`.
fn plan_from(
    settings: LandingSettings,
    estate: &Estate,
    totals: Totals,
    named: &[Footprint],
    sharing: &[&Footprint],
    cat: &Catalogue,
) -> LandingZone {
    let region = cat.region(&estate.region).0.to_string();
    let any_hosts = totals.envs.iter().any(|e| e.hosts_in_vpc);
    let networks = networks(&settings, &totals, named, any_hosts, cat);
    let global = global_parts(&settings, &networks, cat);
    let rules = admin_rules(&settings, &totals, any_hosts);

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
        mixed: named.iter().filter(|f| f.mixed).map(|f| f.application.clone()).collect(),
        totals,
    };
    lz.lines = super::costing::landing_zone_lines(&lz, cat);
    allocate(&mut lz, sharing, cat.pricing_models.len());
    lz
}

/// A VPC per environment with applications in a VPC, and the hub VPC when
/// its bastion serves hosts; the applications placed in each named from
/// `named`.
fn networks(settings: &LandingSettings, totals: &Totals, named: &[Footprint], any_hosts: bool, cat: &Catalogue) -> Vec<Network> {
    let hub_bastion = settings.topology == Topology::HubSpoke && settings.management == Management::Bastion;
    let mut networks = Vec::new();
    for env in Env::ALL {
        let Some(t) = totals.env(env).filter(|t| t.in_vpc > 0) else { continue };
        let here: Vec<&Footprint> = named.iter().filter(|f| f.env == env && f.in_vpc).collect();
        networks.push(Network {
            env: Some(env),
            cidr: env.cidr(),
            components: network_parts(env.short(), t.private_in_vpc, t.hosts_in_vpc, settings, hub_bastion, cat),
            applications: here.iter().map(|f| f.application.clone()).collect(),
            workloads: here.iter().map(|f| f.moving).collect(),
            placed: t.in_vpc,
            placed_workloads: t.moving_in_vpc,
        });
    }
    if hub_bastion && any_hosts {
        let mut hub =
            vec![shared(Component::generic(Kind::InternetGateway, "Hub-igw", "internet_gateway", Tier::Network, Subnet::None, Az::None))];
        hub.push(shared(Component::generic(Kind::Nacl, "Hub-nacl-public", "public_subnets", Tier::Network, Subnet::Public, Az::Both)));
        hub.push(bastion("Hub-bastion", cat));
        networks.push(Network {
            env: None,
            cidr: HUB_CIDR,
            components: hub,
            applications: Vec::new(),
            workloads: Vec::new(),
            placed: 0,
            placed_workloads: 0,
        });
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
/// bastion (SSH, or RDP where any host moving to EC2 runs Windows). Read off
/// the footprints' totals: a page planning from the kept totals has no
/// workloads to look at (it said SSH for Windows estates).
fn admin_rules(settings: &LandingSettings, totals: &Totals, any_hosts: bool) -> Vec<SgRule> {
    let mut rules = Vec::new();
    if settings.management == Management::Bastion && any_hosts {
        let admin = if totals.windows_hosts { 3389 } else { 22 };
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
/// the shares of `sharing`.
fn allocate(lz: &mut LandingZone, sharing: &[&Footprint], models: usize) {
    let allocation = lz.settings.allocation;
    lz.monthly = (0..models).map(|i| lz.lines.iter().map(|l| l.line.monthly[i]).sum()).collect();
    // Each line's total key over the applications it is shared by, once:
    // summed per application it made the list quadratic (5,000 applications,
    // 0.8 s a page).
    let in_scope = |l: &SharedLine, o: &Footprint| l.scope.is_none_or(|e| o.env == e && o.in_vpc);
    let totals: Vec<f64> = lz.lines.iter().map(|l| lz.totals.key_total(l.scope, allocation)).collect();
    lz.shares = sharing
        .iter()
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
