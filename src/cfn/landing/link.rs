//! The link to the customer's network: the customer gateway of a VPN, then
//! per VPC a virtual private gateway, or the Transit Gateway the VPCs and
//! the VPN attach to.

use super::route_tables;
use crate::architecture::landing_zone::{LandingZone, Link, Topology};
use crate::cfn::yaml::Node;
use crate::cfn::{Template, r, resource, sub, tags};

/// The link: per VPC a virtual private gateway (VPN connection or Direct
/// Connect gateway association), or the Transit Gateway with the VPN on it.
pub(super) fn link(t: &mut Template, lz: &LandingZone) {
    let vpn = lz.settings.link == Link::Vpn;
    if vpn {
        customer_gateway(t);
    }
    if lz.settings.topology == Topology::HubSpoke {
        transit_gateway(t, lz, vpn);
    } else {
        vpn_gateways(t, lz, vpn);
    }
}

/// The customer's VPN device, with its address and BGP ASN as parameters.
fn customer_gateway(t: &mut Template) {
    t.parameter("CustomerGatewayIp", "String", "Public IP address of the customer's VPN device", None);
    t.parameters.set(
        "CustomerGatewayIp",
        t.parameters.get("CustomerGatewayIp").cloned().unwrap_or_else(Node::map).with("AllowedPattern", r"^(\d{1,3}\.){3}\d{1,3}$"),
    );
    t.parameter("CustomerBgpAsn", "Number", "BGP ASN of the customer's VPN device", Some("65000"));
    t.add(
        "CustomerGateway",
        resource(
            "AWS::EC2::CustomerGateway",
            Node::map()
                .with("Type", "ipsec.1")
                .with("BgpAsn", r("CustomerBgpAsn"))
                .with("IpAddress", r("CustomerGatewayIp"))
                .with("Tags", tags(sub("${AWS::StackName}-customer"))),
        ),
    );
}

/// Hub and spoke: the Transit Gateway, each VPC attached with its routes
/// through it, and the VPN on it.
fn transit_gateway(t: &mut Template, lz: &LandingZone, vpn: bool) {
    t.add(
        "TransitGateway",
        resource(
            "AWS::EC2::TransitGateway",
            Node::map()
                .with("AmazonSideAsn", 64512i64)
                .with("DefaultRouteTableAssociation", "enable")
                .with("DefaultRouteTablePropagation", "enable")
                .with("DnsSupport", "enable")
                .with("VpnEcmpSupport", "enable")
                .with("Description", "Hub: the VPCs and the customer's network")
                .with("Tags", tags(sub("${AWS::StackName}-tgw"))),
        ),
    );
    for net in &lz.networks {
        let p = net.short();
        let attachment = format!("{p}TgwAttachment");
        t.add(
            &attachment,
            resource(
                "AWS::EC2::TransitGatewayVpcAttachment",
                Node::map()
                    .with("TransitGatewayId", r("TransitGateway"))
                    .with("VpcId", r(&format!("{p}Vpc")))
                    .with("SubnetIds", vec![r(&format!("{p}AppSubnetA")), r(&format!("{p}AppSubnetB"))])
                    .with("Tags", tags(sub(&format!("${{AWS::StackName}}-{p}")))),
            ),
        );
        // Everything that is not this VPC's goes through the hub: the
        // customer's network and the other VPCs.
        let mut destinations: Vec<Node> = vec![r("CustomerNetworkCidr")];
        destinations.extend(lz.networks.iter().filter(|o| o.short() != p).map(|o| Node::from(o.cidr)));
        for rt in route_tables(net) {
            for (i, d) in destinations.iter().enumerate() {
                t.add(
                    &format!("{rt}ViaTgw{i}"),
                    resource(
                        "AWS::EC2::Route",
                        Node::map()
                            .with("RouteTableId", r(&rt))
                            .with("DestinationCidrBlock", d.clone())
                            .with("TransitGatewayId", r("TransitGateway")),
                    )
                    .with("DependsOn", attachment.clone()),
                );
            }
        }
    }
    if vpn {
        t.add(
            "Vpn",
            resource(
                "AWS::EC2::VPNConnection",
                Node::map()
                    .with("Type", "ipsec.1")
                    .with("CustomerGatewayId", r("CustomerGateway"))
                    .with("TransitGatewayId", r("TransitGateway"))
                    .with("StaticRoutesOnly", false)
                    .with("Tags", tags(sub("${AWS::StackName}-vpn"))),
            ),
        );
    }
    t.output("TransitGatewayId", r("TransitGateway"), Some("TransitGatewayId"));
}

/// Per VPC a virtual private gateway with route propagation, and the VPN
/// connection on it.
fn vpn_gateways(t: &mut Template, lz: &LandingZone, vpn: bool) {
    for net in &lz.networks {
        let p = net.short();
        let vgw = format!("{p}Vgw");
        t.add(
            &vgw,
            resource(
                "AWS::EC2::VPNGateway",
                Node::map().with("Type", "ipsec.1").with("Tags", tags(sub(&format!("${{AWS::StackName}}-{p}-vgw")))),
            ),
        );
        t.add(
            &format!("{vgw}Attachment"),
            resource("AWS::EC2::VPCGatewayAttachment", Node::map().with("VpcId", r(&format!("{p}Vpc"))).with("VpnGatewayId", r(&vgw))),
        );
        t.add(
            &format!("{vgw}Propagation"),
            resource(
                "AWS::EC2::VPNGatewayRoutePropagation",
                Node::map()
                    .with("RouteTableIds", route_tables(net).iter().map(|rt| r(rt)).collect::<Vec<_>>())
                    .with("VpnGatewayId", r(&vgw)),
            )
            .with("DependsOn", format!("{vgw}Attachment")),
        );
        if vpn {
            t.add(
                &format!("{p}Vpn"),
                resource(
                    "AWS::EC2::VPNConnection",
                    Node::map()
                        .with("Type", "ipsec.1")
                        .with("CustomerGatewayId", r("CustomerGateway"))
                        .with("VpnGatewayId", r(&vgw))
                        .with("StaticRoutesOnly", false)
                        .with("Tags", tags(sub(&format!("${{AWS::StackName}}-{p}-vpn")))),
                ),
            );
        }
        t.output(&vgw, r(&vgw), Some(&format!("{p}VpnGatewayId")));
    }
}
