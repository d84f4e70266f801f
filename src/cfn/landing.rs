//! The landing-zone stack: what every application stack imports.

use super::yaml::Node;
use super::{Template, assume, att, az, bucket, log_group_with_writer, managed_policy, r, resource, sub, tags, tls_only};
use crate::architecture::Kind;
use crate::architecture::landing_zone::{Env, HUB_CIDR, LandingZone, Link, Management, Network, Topology};

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

fn network(t: &mut Template, lz: &LandingZone, net: &Network) {
    let p = net.short();
    let vpc = format!("{p}Vpc");
    let name = |what: &str| sub(&format!("${{AWS::StackName}}-{p}-{what}"));
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
    // Public route table: the internet through the internet gateway.
    let public_rt = format!("{p}PublicRouteTable");
    t.add(&public_rt, resource("AWS::EC2::RouteTable", Node::map().with("VpcId", r(&vpc)).with("Tags", tags(name("public")))));
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
    // Private route tables per AZ: the internet through that AZ's NAT gateway.
    {
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
            for (row, _) in rows.iter().map(|r| (r.0, r.1)).filter(|(row, _)| *row != "Public") {
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
    nacls(t, lz, net, &rows.iter().map(|r| r.0).collect::<Vec<_>>());
    t.output(&vpc, r(&vpc), Some(&format!("{p}VpcId")));
    t.output(&format!("{p}VpcCidr"), net.cidr.into(), Some(&format!("{p}VpcCidr")));
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
fn bastion(t: &mut Template, lz: &LandingZone, net: &Network) {
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
fn session_manager(t: &mut Template, net: &Network) {
    let p = net.short();
    let sg = format!("{p}EndpointSg");
    one_rule_group(t, &sg, net, "Systems Manager endpoints: HTTPS from the VPC", 443, net.cidr.into(), "Hosts reach Session Manager");
    for service in ["ssm", "ssmmessages", "ec2messages"] {
        t.add(
            &format!("{p}{}Endpoint", super::logical(service)),
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

/// The link: per VPC a virtual private gateway (VPN connection or Direct
/// Connect gateway association), or the Transit Gateway with the VPN on it.
fn link(t: &mut Template, lz: &LandingZone) {
    let vpn = lz.settings.link == Link::Vpn;
    if vpn {
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
    if lz.settings.topology == Topology::HubSpoke {
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
        return;
    }
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

/// CloudTrail to the log archive bucket and CloudWatch Logs, VPC flow logs,
/// and the SNS topic every alarm notifies.
fn logging(t: &mut Template, lz: &LandingZone) {
    t.add(
        "LogArchiveBucket",
        bucket(Some(
            Node::map()
                .with("Id", "archive-then-expire")
                .with("Status", "Enabled")
                .with("Transitions", vec![Node::map().with("StorageClass", "GLACIER").with("TransitionInDays", 90i64)])
                .with("ExpirationInDays", 2555i64),
        )),
    );
    let statement = |sid: &str, action: &str, resource_arn: Node, condition: Option<Node>| {
        let mut s = Node::map()
            .with("Sid", sid)
            .with("Effect", "Allow")
            .with("Principal", Node::map().with("Service", "cloudtrail.amazonaws.com"))
            .with("Action", action)
            .with("Resource", resource_arn);
        if let Some(c) = condition {
            s.set("Condition", c);
        }
        s
    };
    t.add(
        "LogArchiveBucketPolicy",
        resource(
            "AWS::S3::BucketPolicy",
            Node::map().with("Bucket", r("LogArchiveBucket")).with(
                "PolicyDocument",
                Node::map().with("Version", "2012-10-17").with(
                    "Statement",
                    vec![
                        statement("CloudTrailAclCheck", "s3:GetBucketAcl", att("LogArchiveBucket", "Arn"), None),
                        statement(
                            "CloudTrailWrite",
                            "s3:PutObject",
                            sub("${LogArchiveBucket.Arn}/AWSLogs/${AWS::AccountId}/*"),
                            Some(Node::map().with("StringEquals", Node::map().with("s3:x-amz-acl", "bucket-owner-full-control"))),
                        ),
                        tls_only("LogArchiveBucket"),
                    ],
                ),
            ),
        ),
    );
    log_group_with_writer(
        t,
        "TrailLogGroup",
        "TrailLogsRole",
        "cloudtrail.amazonaws.com",
        365,
        &["logs:CreateLogStream", "logs:PutLogEvents"],
    );
    t.add(
        "Trail",
        resource(
            "AWS::CloudTrail::Trail",
            Node::map()
                .with("IsLogging", true)
                .with("IsMultiRegionTrail", true)
                .with("IncludeGlobalServiceEvents", true)
                .with("EnableLogFileValidation", true)
                .with("S3BucketName", r("LogArchiveBucket"))
                .with("CloudWatchLogsLogGroupArn", att("TrailLogGroup", "Arn"))
                .with("CloudWatchLogsRoleArn", att("TrailLogsRole", "Arn")),
        )
        .with("DependsOn", "LogArchiveBucketPolicy"),
    );
    if !lz.networks.is_empty() {
        let actions = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"];
        log_group_with_writer(t, "FlowLogGroup", "FlowLogsRole", "vpc-flow-logs.amazonaws.com", 90, &actions);
        for net in &lz.networks {
            let p = net.short();
            t.add(
                &format!("{p}FlowLog"),
                resource(
                    "AWS::EC2::FlowLog",
                    Node::map()
                        .with("ResourceId", r(&format!("{p}Vpc")))
                        .with("ResourceType", "VPC")
                        .with("TrafficType", "ALL")
                        .with("LogGroupName", r("FlowLogGroup"))
                        .with("DeliverLogsPermissionArn", att("FlowLogsRole", "Arn")),
                ),
            );
        }
    }
    t.parameter("AlarmEmail", "String", "Where alarm notifications go (empty: subscribe later)", Some(""));
    t.conditions.set("HasAlarmEmail", Node::map().with("Fn::Not", vec![Node::map().with("Fn::Equals", vec![r("AlarmEmail"), "".into()])]));
    t.add(
        "AlarmTopic",
        resource("AWS::SNS::Topic", Node::map().with("KmsMasterKeyId", "alias/aws/sns").with("DisplayName", "sixr alarms")),
    );
    t.add(
        "AlarmSubscription",
        resource(
            "AWS::SNS::Subscription",
            Node::map().with("TopicArn", r("AlarmTopic")).with("Protocol", "email").with("Endpoint", r("AlarmEmail")),
        )
        .with("Condition", "HasAlarmEmail"),
    );
    t.output("AlarmTopicArn", r("AlarmTopic"), Some("AlarmTopicArn"));
    t.output("LogArchiveBucket", r("LogArchiveBucket"), Some("LogArchiveBucket"));
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
