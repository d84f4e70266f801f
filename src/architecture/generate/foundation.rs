//! The foundation every moving application gets: network, management path
//! and operations, each its own step.

use super::Builder;
use crate::architecture::landing_zone::{Management, Topology};
use crate::architecture::{Az, Component, Kind, Peer, Subnet, Tier, admin_port};

/// A component the landing zone provides.
fn shared(c: Component) -> Component {
    Component { shared: true, ..c }
}

impl Builder<'_> {
    /// The network and operations every AWS target gets: gateways, NACLs,
    /// least-privilege IAM roles, monitoring, audit and notifications, and the
    /// management path (a bastion host or Session Manager) when there are
    /// servers to administer. All but the IAM roles belong to the landing
    /// zone the applications share: listed here as shared, priced there.
    pub(super) fn foundation(&mut self) {
        let hosts = self.administered_hosts();
        let mut base = self.network();
        self.management(&hosts, &mut base);
        self.operations(&hosts, &mut base);
        base.append(&mut self.components);
        self.components = base;
    }

    /// The peers an administrator reaches: the web and app tiers, and each
    /// other EC2 host.
    fn administered_hosts(&self) -> Vec<Peer> {
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
    }

    /// Gateways, NACLs and the Transit Gateway, when anything sits in a VPC.
    fn network(&self) -> Vec<Component> {
        let landing = self.estate.landing;
        let mut base = Vec::new();
        let in_vpc = self.components.iter().any(|c| c.subnet != Subnet::None);
        let private = self.components.iter().any(|c| c.subnet == Subnet::Private);
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
        base
    }

    /// The management path to `hosts`: Session Manager endpoints, or a
    /// bastion host with its rules.
    fn management(&mut self, hosts: &[Peer], base: &mut Vec<Component>) {
        let landing = self.estate.landing;
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
            for host in hosts {
                let port = self.estate.workloads.iter().find(|w| host.key == format!("host:{}", w.name)).map(admin_port).unwrap_or(admin);
                self.rule(&bastion, host, port, "admin_from_bastion");
            }
            let dbs: Vec<(Peer, u16)> = self.endpoints.inbound.values().filter(|(p, _)| p.key.starts_with("db:")).cloned().collect();
            for (db, port) in dbs {
                self.rule(&bastion, &db, port, "db_admin_from_bastion");
            }
        }
    }

    /// Least-privilege IAM roles (one per compute tier, one for the
    /// administered hosts), CloudWatch, CloudTrail and notifications.
    fn operations(&self, hosts: &[Peer], base: &mut Vec<Component>) {
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
    }
}
