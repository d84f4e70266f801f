//! The landing-zone stack: what every application stack imports.
//!
//! `template` puts it together: per network `network` (VPC, subnets, routes,
//! NACLs, the bastion or Session Manager endpoints), then `link` (to the
//! customer's network) and `logging` (trail, flow logs, alarms).

mod link;
mod logging;
mod network;

use super::yaml::Node;
use super::{Template, assume, managed_policy, r, resource};
use crate::architecture::Kind;
use crate::architecture::landing_zone::{LandingZone, Link, Management, Network, Topology};
use link::link;
use logging::logging;
use network::{bastion, network, session_manager};

/// The AMI parameter default: the latest Amazon Linux 2023 (x86_64).
const AL2023: &str = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

/// Third octet of each subnet: public, application, data, in AZ a and b.
const SUBNETS: [(&str, [u8; 2]); 3] = [("Public", [0, 1]), ("App", [10, 11]), ("Data", [20, 21])];

/// `10.0.0.0/16` with the third octet `n`: `10.0.n.0/24`.
fn subnet_cidr(vpc: &str, n: u8) -> String {
    let mut octets: Vec<&str> = vpc.split(['.', '/']).collect();
    octets.truncate(2);
    format!("{}.{}.{n}.0/24", octets[0], octets[1])
}

/// Whether a network has NAT gateways (its private subnets reach out).
fn has_nat(net: &Network) -> bool {
    net.components.iter().any(|c| c.kind == Kind::NatGateway)
}

fn is_hub(net: &Network) -> bool {
    net.env.is_none()
}

/// The route tables of a network, by logical id: public, and private per AZ.
fn route_tables(net: &Network) -> Vec<String> {
    let p = net.short();
    vec![format!("{p}PublicRouteTable"), format!("{p}PrivateRouteTableA"), format!("{p}PrivateRouteTableB")]
}

pub fn template(engagement: &str, lz: &LandingZone) -> String {
    let mut t = Template::new(format!(
        "Landing zone for {engagement}: {} VPC(s) over two Availability Zones, shared NAT gateways, {}, {}, CloudTrail and alarms (sixr)",
        lz.networks.len(),
        match lz.settings.management {
            Management::Bastion => "a bastion host",
            Management::SessionManager => "Session Manager endpoints",
        },
        match lz.settings.link {
            Link::Vpn => "Site-to-Site VPN",
            Link::DirectConnect => "Direct Connect",
        },
    ));
    t.parameter(
        "CustomerNetworkCidr",
        "String",
        "The customer's on-premises network (administrators and data migration come from it)",
        Some("192.168.0.0/16"),
    );
    t.parameters.set(
        "CustomerNetworkCidr",
        t.parameters
            .get("CustomerNetworkCidr")
            .cloned()
            .unwrap_or_else(Node::map)
            .with("AllowedPattern", r"^(\d{1,3}\.){3}\d{1,3}/\d{1,2}$"),
    );
    let bastions: Vec<&Network> = lz.networks.iter().filter(|n| n.components.iter().any(|c| c.kind == Kind::Bastion)).collect();
    if !bastions.is_empty() {
        t.parameter("BastionKeyPair", "AWS::EC2::KeyPair::KeyName", "Key pair for the bastion host", None);
        t.parameter(
            "BastionAmi",
            "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
            "Bastion image (default: latest Amazon Linux 2023)",
            Some(AL2023),
        );
        t.add(
            "BastionRole",
            resource(
                "AWS::IAM::Role",
                Node::map()
                    .with("AssumeRolePolicyDocument", assume("ec2.amazonaws.com"))
                    .with("ManagedPolicyArns", vec![managed_policy("AmazonSSMManagedInstanceCore")]),
            ),
        );
        t.add("BastionProfile", resource("AWS::IAM::InstanceProfile", Node::map().with("Roles", vec![r("BastionRole")])));
    }
    for net in &lz.networks {
        network(&mut t, lz, net);
        if net.components.iter().any(|c| c.kind == Kind::Bastion) {
            bastion(&mut t, lz, net);
        }
        if net.components.iter().any(|c| c.kind == Kind::SessionManager) {
            session_manager(&mut t, net);
        }
    }
    if !lz.networks.is_empty() {
        link(&mut t, lz);
    }
    logging(&mut t, lz);
    t.output("CustomerNetworkCidr", r("CustomerNetworkCidr"), Some("CustomerNetworkCidr"));
    let mut not_generated = Vec::new();
    if lz.settings.link == Link::DirectConnect {
        not_generated.push(Node::from(
            "Direct Connect: order the connection and create the Direct Connect gateway outside CloudFormation, then associate it \
             with the virtual private gateways (or the Transit Gateway) this stack exports",
        ));
    }
    if lz.settings.topology == Topology::HubSpoke {
        not_generated.push(Node::from(
            "Transit Gateway route tables: every attachment uses the default route table; production and non-production are kept \
             apart by the network ACLs' deny entries",
        ));
    }
    if !not_generated.is_empty() {
        t.metadata.set("sixr:NotInTemplate", not_generated);
    }
    t.into_yaml()
}
