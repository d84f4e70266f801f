//! The application's security groups, with exactly the rules sixr shows:
//! each rule in the part that owns the later of its two groups.

use super::{Stack, stack_name};
use crate::architecture::landing_zone::{LandingZone, Topology};
use crate::architecture::{Peer, SgRule};
use crate::cfn::yaml::Node;
use crate::cfn::{import, logical, r, resource, sub, tags};

/// Where a security-group peer lives, for the stack.
enum Side {
    /// A security group of this stack (its logical id).
    Group(String),
    /// A network range (internet, the customer's network, the hub bastion).
    Cidr(Node),
    /// A security group of the landing zone.
    Imported(Node),
    /// Not a security group: on premises, API Gateway, Lambda.
    Outside,
}

/// The stack's security group for a peer key (`web`, `db:orders`...).
fn group_of(key: &str) -> Option<String> {
    Some(match key {
        "web_alb" => "WebAlbSg".into(),
        "web" => "WebSg".into(),
        "app_alb" => "AppAlbSg".into(),
        "app" => "AppSg".into(),
        "service" => "ServiceSg".into(),
        k => {
            let (kind, name) = k.split_once(':')?;
            match kind {
                "db" => format!("Db{}Sg", logical(name)),
                "host" => format!("Host{}Sg", logical(name)),
                _ => return None,
            }
        }
    })
}

fn side(peer: &Peer, env: &str, lz: &LandingZone) -> Side {
    if let Some(g) = group_of(&peer.key) {
        return Side::Group(g);
    }
    match peer.key.as_str() {
        "internet" => Side::Cidr("0.0.0.0/0".into()),
        "customer_network" => Side::Cidr(import("CustomerNetworkCidr")),
        "bastion" if lz.settings.topology == Topology::HubSpoke => Side::Cidr(import("BastionCidr")),
        "bastion" => Side::Imported(import(&format!("{env}BastionSg"))),
        _ => Side::Outside,
    }
}

impl Stack<'_> {
    pub(super) fn owner_of(&self, group: &str) -> usize {
        self.owner.get(group).copied().unwrap_or(0)
    }

    /// A security group's id here: its own, or the export of the part that owns it.
    pub(super) fn sg(&mut self, group: &str) -> Node {
        let part = self.owner_of(group);
        if part == self.part {
            return r(group);
        }
        let param = format!("Part{}Stack", part + 1);
        let default = stack_name(self.slug, part);
        self.t.parameter(
            &param,
            "String",
            &format!("Name of stack {} of this application (it exports its security groups)", part + 1),
            Some(&default),
        );
        Node::map().with("Fn::ImportValue", sub(&format!("${{{param}}}-{group}")))
    }

    pub(super) fn group(&mut self, id: &str, what: &str) {
        self.groups.entry(id.to_string()).or_insert_with(|| what.to_string());
    }

    /// The ingress rules this part carries: a rule lives in the later of
    /// the parts owning its two groups, and imports the other one.
    pub(super) fn rules(&mut self) {
        let rules: Vec<SgRule> = self.a.target.rules.clone();
        for (i, rule) in rules.iter().enumerate() {
            let source_part = match side(&rule.source, &self.env, self.lz) {
                Side::Group(g) => self.owner_of(&g),
                _ => 0,
            };
            let dest = match side(&rule.destination, &self.env, self.lz) {
                Side::Group(g) => g,
                _ => {
                    // Into the landing zone (administrators to the bastion: its
                    // stack has the rule) or outside AWS.
                    if rule.destination.key != "bastion" && self.part == 0 {
                        self.outside.push(self.describe(rule));
                    }
                    continue;
                }
            };
            if self.owner_of(&dest).max(source_part) != self.part {
                continue;
            }
            if self.owner_of(&dest) == self.part {
                self.group(&dest, &rule.destination.name);
            }
            let dest_id = self.sg(&dest);
            let mut ingress = Node::map()
                .with("GroupId", dest_id)
                .with("IpProtocol", rule.protocol)
                .with("FromPort", rule.port)
                .with("ToPort", rule.port)
                .with("Description", rule.why_text(&self.en));
            match side(&rule.source, &self.env, self.lz) {
                Side::Group(g) => {
                    if self.owner_of(&g) == self.part {
                        self.group(&g, &rule.source.name);
                    }
                    let source = self.sg(&g);
                    ingress.set("SourceSecurityGroupId", source);
                }
                Side::Cidr(c) => ingress.set("CidrIp", c),
                Side::Imported(sg) => ingress.set("SourceSecurityGroupId", sg),
                Side::Outside => {
                    self.outside.push(self.describe(rule));
                    continue;
                }
            }
            self.t.add(&format!("Rule{}", i + 1), resource("AWS::EC2::SecurityGroupIngress", ingress));
        }
    }

    pub(super) fn describe(&self, rule: &SgRule) -> Node {
        format!("{} -> {} tcp/{}: {}", rule.source.name, rule.destination.name, rule.port, rule.why_text(&self.en)).into()
    }

    pub(super) fn security_groups(&mut self, exported: bool) {
        let groups = std::mem::take(&mut self.groups);
        for (id, what) in &groups {
            if exported {
                self.t.output(id, r(id), Some(id));
            }
            self.t.add(
                id,
                resource(
                    "AWS::EC2::SecurityGroup",
                    Node::map()
                        .with("GroupDescription", format!("{}: {what}", self.a.target.application))
                        .with("VpcId", import(&format!("{}VpcId", self.env)))
                        .with("Tags", tags(sub(&format!("${{AWS::StackName}}-{}", id.trim_end_matches("Sg"))))),
                ),
            );
        }
    }
}
