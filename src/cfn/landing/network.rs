//! A network of the landing zone: its VPC, subnets and route tables, the
//! network ACLs keeping the environments apart, and its management path (a
//! bastion host or Session Manager endpoints).

use super::{SUBNETS, has_nat, is_hub, subnet_cidr};
use crate::architecture::Kind;
use crate::architecture::landing_zone::{Env, HUB_CIDR, LandingZone, Network, Topology};
use crate::cfn::yaml::Node;
use crate::cfn::{Template, att, az, r, resource, sub, tags};

fn nacl_entry(nacl: &str, number: i64, egress: bool, protocol: i64, cidr: Node, ports: Option<(i64, i64)>, allow: bool) -> Node {
    let mut p = Node::map()
        .with("NetworkAclId", r(nacl))
        .with("RuleNumber", number)
        .with("Protocol", protocol)
        .with("RuleAction", if allow { "allow" } else { "deny" })
        .with("Egress", egress)
        .with("CidrBlock", cidr);
    if let Some((from, to)) = ports {
        p.set("PortRange", Node::map().with("From", from).with("To", to));
    }
    resource("AWS::EC2::NetworkAclEntry", p)
}

/// A network's VPC with its subnets and route tables, network ACLs and
/// outputs.
pub(super) fn network(t: &mut Template, lz: &LandingZone, net: &Network) {
    let p = net.short();
    let vpc = format!("{p}Vpc");
    let rows = vpc_and_subnets(t, net);
    public_routes(t, net);
    private_routes(t, net, &rows);
    nacls(t, lz, net, &rows);
    t.output(&vpc, r(&vpc), Some(&format!("{p}VpcId")));
    t.output(&format!("{p}VpcCidr"), net.cidr.into(), Some(&format!("{p}VpcCidr")));
}

/// `${AWS::StackName}-<network>-<what>`: a resource's Name tag.
fn tag_name(net: &Network, what: &str) -> Node {
    sub(&format!("${{AWS::StackName}}-{}-{what}", net.short()))
}

/// The VPC, its internet gateway and the subnets of each row in both AZs;
/// returns the rows (the hub has no data tier).
fn vpc_and_subnets(t: &mut Template, net: &Network) -> Vec<&'static str> {
    let p = net.short();
    let vpc = format!("{p}Vpc");
    let name = |what: &str| tag_name(net, what);
    t.add(
        &vpc,
        resource(
            "AWS::EC2::VPC",
            Node::map()
                .with("CidrBlock", net.cidr)
                .with("EnableDnsSupport", true)
                .with("EnableDnsHostnames", true)
                .with("Tags", tags(name("vpc"))),
        ),
    );
    t.add(&format!("{p}Igw"), resource("AWS::EC2::InternetGateway", Node::map().with("Tags", tags(name("igw")))));
    t.add(
        &format!("{p}IgwAttachment"),
        resource("AWS::EC2::VPCGatewayAttachment", Node::map().with("VpcId", r(&vpc)).with("InternetGatewayId", r(&format!("{p}Igw")))),
    );
    // Subnets: public, application and data in each AZ (the hub has no data tier).
    let rows: Vec<&(&str, [u8; 2])> = SUBNETS.iter().filter(|(row, _)| !(is_hub(net) && *row == "Data")).collect();
    for (row, thirds) in rows.iter().map(|r| (r.0, r.1)) {
        for (i, letter) in ["A", "B"].into_iter().enumerate() {
            let id = format!("{p}{row}Subnet{letter}");
            t.add(
                &id,
                resource(
                    "AWS::EC2::Subnet",
                    Node::map()
                        .with("VpcId", r(&vpc))
                        .with("CidrBlock", subnet_cidr(net.cidr, thirds[i]))
                        .with("AvailabilityZone", az(i as i64))
                        .with("MapPublicIpOnLaunch", false)
                        .with("Tags", tags(name(&format!("{}-{}", row.to_lowercase(), letter.to_lowercase())))),
                ),
            );
            t.output(&id, r(&id), Some(&id));
        }
    }
    rows.iter().map(|r| r.0).collect()
}

/// Public route table: the internet through the internet gateway.
fn public_routes(t: &mut Template, net: &Network) {
    let p = net.short();
    let vpc = format!("{p}Vpc");
    let public_rt = format!("{p}PublicRouteTable");
    t.add(&public_rt, resource("AWS::EC2::RouteTable", Node::map().with("VpcId", r(&vpc)).with("Tags", tags(tag_name(net, "public")))));
    t.add(
        &format!("{p}PublicDefaultRoute"),
        resource(
            "AWS::EC2::Route",
            Node::map()
                .with("RouteTableId", r(&public_rt))
                .with("DestinationCidrBlock", "0.0.0.0/0")
                .with("GatewayId", r(&format!("{p}Igw"))),
        )
        .with("DependsOn", format!("{p}IgwAttachment")),
    );
    for letter in ["A", "B"] {
        t.add(
            &format!("{p}PublicSubnet{letter}Routes"),
            resource(
                "AWS::EC2::SubnetRouteTableAssociation",
                Node::map().with("SubnetId", r(&format!("{p}PublicSubnet{letter}"))).with("RouteTableId", r(&public_rt)),
            ),
        );
    }
}

/// Private route tables per AZ: the internet through that AZ's NAT gateway.
fn private_routes(t: &mut Template, net: &Network, rows: &[&str]) {
    let p = net.short();
    let vpc = format!("{p}Vpc");
    let name = |what: &str| tag_name(net, what);
    for letter in ["A", "B"] {
        let rt = format!("{p}PrivateRouteTable{letter}");
        t.add(
            &rt,
            resource(
                "AWS::EC2::RouteTable",
                Node::map().with("VpcId", r(&vpc)).with("Tags", tags(name(&format!("private-{}", letter.to_lowercase())))),
            ),
        );
        if has_nat(net) {
            let eip = format!("{p}NatEip{letter}");
            let nat = format!("{p}Nat{letter}");
            t.add(
                &eip,
                resource(
                    "AWS::EC2::EIP",
                    Node::map().with("Domain", "vpc").with("Tags", tags(name(&format!("nat-{}", letter.to_lowercase())))),
                )
                .with("DependsOn", format!("{p}IgwAttachment")),
            );
            t.add(
                &nat,
                resource(
                    "AWS::EC2::NatGateway",
                    Node::map()
                        .with("AllocationId", att(&eip, "AllocationId"))
                        .with("SubnetId", r(&format!("{p}PublicSubnet{letter}")))
                        .with("Tags", tags(name(&format!("nat-{}", letter.to_lowercase())))),
                ),
            );
            t.add(
                &format!("{p}PrivateDefaultRoute{letter}"),
                resource(
                    "AWS::EC2::Route",
                    Node::map().with("RouteTableId", r(&rt)).with("DestinationCidrBlock", "0.0.0.0/0").with("NatGatewayId", r(&nat)),
                ),
            );
        }
        for row in rows.iter().filter(|row| **row != "Public") {
            t.add(
                &format!("{p}{row}Subnet{letter}Routes"),
                resource(
                    "AWS::EC2::SubnetRouteTableAssociation",
                    Node::map().with("SubnetId", r(&format!("{p}{row}Subnet{letter}"))).with("RouteTableId", r(&rt)),
                ),
            );
        }
    }
}

/// Network ACLs: the other environment's network denied first (production
/// and non-production stay apart whatever the routes allow), then what the
/// subnets serve, return traffic and everything outbound.
fn nacls(t: &mut Template, lz: &LandingZone, net: &Network, rows: &[&str]) {
    let p = net.short();
    let other: Vec<&str> = match net.env {
        Some(Env::Production) => vec![Env::NonProduction.cidr()],
        Some(Env::NonProduction) => vec![Env::Production.cidr()],
        None => vec![],
    };
    let admin = lz.rules.first().map(|r| i64::from(r.port));
    for (kind, subnet_rows) in [("Public", vec!["Public"]), ("Private", rows.iter().copied().filter(|r| *r != "Public").collect())] {
        if subnet_rows.is_empty() {
            continue;
        }
        let nacl = format!("{p}{kind}Nacl");
        t.add(
            &nacl,
            resource(
                "AWS::EC2::NetworkAcl",
                Node::map()
                    .with("VpcId", r(&format!("{p}Vpc")))
                    .with("Tags", tags(sub(&format!("${{AWS::StackName}}-{p}-{}", kind.to_lowercase())))),
            ),
        );
        let mut n = 10;
        let entry = |t: &mut Template, what: &str, node: Node| {
            t.add(&format!("{nacl}{what}"), node);
        };
        for (i, cidr) in other.iter().enumerate() {
            entry(t, &format!("DenyOtherEnvIn{i}"), nacl_entry(&nacl, n, false, -1, (*cidr).into(), None, false));
            entry(t, &format!("DenyOtherEnvOut{i}"), nacl_entry(&nacl, n, true, -1, (*cidr).into(), None, false));
            n += 10;
        }
        if kind == "Public" {
            if net.env.is_some() {
                entry(t, "Https", nacl_entry(&nacl, 100, false, 6, "0.0.0.0/0".into(), Some((443, 443)), true));
                entry(t, "Http", nacl_entry(&nacl, 110, false, 6, "0.0.0.0/0".into(), Some((80, 80)), true));
            }
            if let Some(port) = admin.filter(|_| net.components.iter().any(|c| c.kind == Kind::Bastion)) {
                entry(t, "Admin", nacl_entry(&nacl, 120, false, 6, r("CustomerNetworkCidr"), Some((port, port)), true));
            }
            entry(t, "FromVpc", nacl_entry(&nacl, 130, false, -1, net.cidr.into(), None, true));
        } else {
            entry(t, "FromVpc", nacl_entry(&nacl, 100, false, -1, net.cidr.into(), None, true));
            entry(t, "FromCustomer", nacl_entry(&nacl, 110, false, -1, r("CustomerNetworkCidr"), None, true));
            if lz.settings.topology == Topology::HubSpoke {
                entry(t, "FromHub", nacl_entry(&nacl, 120, false, -1, HUB_CIDR.into(), None, true));
            }
        }
        // Replies to connections the subnets opened (ephemeral ports).
        entry(t, "Return", nacl_entry(&nacl, 140, false, 6, "0.0.0.0/0".into(), Some((1024, 65535)), true));
        entry(t, "Out", nacl_entry(&nacl, 100, true, -1, "0.0.0.0/0".into(), None, true));
        for row in subnet_rows {
            for letter in ["A", "B"] {
                t.add(
                    &format!("{p}{row}Subnet{letter}Nacl"),
                    resource(
                        "AWS::EC2::SubnetNetworkAclAssociation",
                        Node::map().with("SubnetId", r(&format!("{p}{row}Subnet{letter}"))).with("NetworkAclId", r(&nacl)),
                    ),
                );
            }
        }
    }
}

/// A security group in a network's VPC admitting TCP `port` from `cidr`.
fn one_rule_group(t: &mut Template, id: &str, net: &Network, description: &str, port: i64, cidr: Node, why: &str) {
    let ingress =
        Node::map().with("IpProtocol", "tcp").with("FromPort", port).with("ToPort", port).with("CidrIp", cidr).with("Description", why);
    t.add(
        id,
        resource(
            "AWS::EC2::SecurityGroup",
            Node::map()
                .with("GroupDescription", description)
                .with("VpcId", r(&format!("{}Vpc", net.short())))
                .with("SecurityGroupIngress", vec![ingress]),
        ),
    );
}

/// The bastion in a network's public subnet A: admin only from the
/// customer's network, SSM managed, IMDSv2, encrypted disk.
pub(super) fn bastion(t: &mut Template, lz: &LandingZone, net: &Network) {
    let p = net.short();
    let sg = format!("{p}BastionSg");
    let port = lz.rules.first().map(|r| i64::from(r.port)).unwrap_or(22);
    let (what, why) =
        ("Bastion host: administrators from the customer network only", "Administrators connect only from the customer's network");
    one_rule_group(t, &sg, net, what, port, r("CustomerNetworkCidr"), why);
    let size = net.components.iter().find(|c| c.kind == Kind::Bastion).map(|c| c.size.clone()).unwrap_or_else(|| "t3.micro".into());
    t.add(
        &format!("{p}Bastion"),
        resource(
            "AWS::EC2::Instance",
            Node::map()
                .with("ImageId", r("BastionAmi"))
                .with("InstanceType", size)
                .with("KeyName", r("BastionKeyPair"))
                .with("IamInstanceProfile", r("BastionProfile"))
                .with(
                    "NetworkInterfaces",
                    vec![
                        Node::map()
                            .with("DeviceIndex", "0")
                            .with("SubnetId", r(&format!("{p}PublicSubnetA")))
                            .with("GroupSet", vec![r(&sg)])
                            .with("AssociatePublicIpAddress", true),
                    ],
                )
                .with("MetadataOptions", Node::map().with("HttpTokens", "required").with("HttpEndpoint", "enabled"))
                .with(
                    "BlockDeviceMappings",
                    vec![
                        Node::map()
                            .with("DeviceName", "/dev/xvda")
                            .with("Ebs", Node::map().with("VolumeSize", 8i64).with("VolumeType", "gp3").with("Encrypted", true)),
                    ],
                )
                .with("Tags", tags(sub(&format!("${{AWS::StackName}}-{p}-bastion")))),
        ),
    );
    t.output(&sg, r(&sg), Some(&format!("{p}BastionSg")));
    if is_hub(net) {
        // Spokes admit the bastion by its subnet: security groups are not
        // referenced across a Transit Gateway.
        t.output("BastionCidr", subnet_cidr(net.cidr, 0).into(), Some("BastionCidr"));
    }
}

/// Session Manager's interface endpoints in a network's application subnets.
pub(super) fn session_manager(t: &mut Template, net: &Network) {
    let p = net.short();
    let sg = format!("{p}EndpointSg");
    one_rule_group(t, &sg, net, "Systems Manager endpoints: HTTPS from the VPC", 443, net.cidr.into(), "Hosts reach Session Manager");
    for service in ["ssm", "ssmmessages", "ec2messages"] {
        t.add(
            &format!("{p}{}Endpoint", crate::cfn::logical(service)),
            resource(
                "AWS::EC2::VPCEndpoint",
                Node::map()
                    .with("VpcId", r(&format!("{p}Vpc")))
                    .with("ServiceName", sub(&format!("com.amazonaws.${{AWS::Region}}.{service}")))
                    .with("VpcEndpointType", "Interface")
                    .with("PrivateDnsEnabled", true)
                    .with("SubnetIds", vec![r(&format!("{p}AppSubnetA")), r(&format!("{p}AppSubnetB"))])
                    .with("SecurityGroupIds", vec![r(&sg)]),
            ),
        );
    }
}
