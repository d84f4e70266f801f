//! One application's stack: its security groups with exactly the rules
//! sixr shows, load balancers, tiers, hosts, databases, static content and
//! alarms, placed in the landing zone's VPC through its exports.

use std::collections::BTreeMap;

use super::yaml::Node;
use super::{Template, assume, att, bucket, import, logical, managed_policy, policy, r, resource, retained, sub, tags, tls_only};
use crate::architecture::landing_zone::{LandingZone, Management, Topology};
use crate::architecture::{AppArchitecture, Component, Engine, Kind, Peer, SgRule, Tier};
use crate::i18n::{Lang, Tr};

const AL2023_X86: &str = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";
const AL2023_ARM: &str = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";
/// CloudFront's managed cache policy CachingOptimized.
const CACHING_OPTIMIZED: &str = "658327ea-f89d-4fab-a63d-7e88639e58f6";

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

/// The subnet row of a component: public, application or data.
fn row(c: &Component) -> &'static str {
    match (c.subnet, c.tier) {
        (crate::architecture::Subnet::Public, _) => "Public",
        (_, Tier::Data) => "Data",
        _ => "App",
    }
}

fn subnets(env: &str, row: &str) -> Node {
    vec![import(&format!("{env}{row}SubnetA")), import(&format!("{env}{row}SubnetB"))].into()
}

fn graviton(size: &str) -> bool {
    size.split('.').next().is_some_and(|f| f.ends_with('g'))
}

/// RDS engine name, parameter group family and the version it pins, and
/// the licence model.
fn engine(e: Engine) -> (&'static str, &'static str, Option<&'static str>, Option<&'static str>) {
    match e {
        // Pinned so the parameter group's family matches: review and move
        // to the newest minor version when deploying.
        Engine::MySql => ("mysql", "mysql8.4", Some("8.4.7"), None),
        Engine::MariaDb => ("mariadb", "mariadb11.4", Some("11.4.9"), None),
        Engine::PostgreSql => ("postgres", "postgres17", Some("17.6"), None),
        // The catalogue prices Oracle as bring-your-own-licence and SQL
        // Server Standard with the licence included.
        Engine::Oracle => ("oracle-ee", "oracle-ee-19", None, Some("bring-your-own-license")),
        Engine::SqlServer => ("sqlserver-se", "sqlserver-se-16.0", None, Some("license-included")),
    }
}

/// Fargate's CPU units and memory (MiB) for a task: the nearest valid
/// combination at or above what sizing asked for.
fn fargate(vcpu: f64, gib: f64) -> (i64, i64) {
    let cpu = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0].into_iter().find(|c| *c >= vcpu - 1e-9).unwrap_or(16.0);
    let (min, max, step) = match cpu {
        c if c <= 0.25 => (0.5, 2.0, 0.5),
        c if c <= 0.5 => (1.0, 4.0, 1.0),
        c if c <= 1.0 => (2.0, 8.0, 1.0),
        c if c <= 2.0 => (4.0, 16.0, 1.0),
        c if c <= 4.0 => (8.0, 30.0, 1.0),
        c if c <= 8.0 => (16.0, 60.0, 4.0),
        _ => (32.0, 120.0, 8.0),
    };
    let gib = ((gib.max(min) / step).ceil() * step).min(max);
    ((cpu * 1024.0) as i64, (gib * 1024.0) as i64)
}

fn alarm(topic: &Node, namespace: &str, metric: &str, dimension: (&str, Node), statistic: &str, threshold: i64, above: bool) -> Node {
    resource(
        "AWS::CloudWatch::Alarm",
        Node::map()
            .with("Namespace", namespace)
            .with("MetricName", metric)
            .with("Dimensions", vec![Node::map().with("Name", dimension.0).with("Value", dimension.1)])
            .with("Statistic", statistic)
            .with("Period", 300i64)
            .with("EvaluationPeriods", 3i64)
            .with("Threshold", threshold)
            .with("ComparisonOperator", if above { "GreaterThanOrEqualToThreshold" } else { "LessThanThreshold" })
            .with("TreatMissingData", "notBreaching")
            .with("AlarmActions", vec![topic.clone()]),
    )
}

/// Hosts per stack: CloudFormation allows 500 resources and 200 parameters
/// a template, and a moved server takes an instance, its security group,
/// an alarm, its rules and an AMI parameter.
const HOSTS_PER_STACK: usize = 60;

struct Stack<'a> {
    t: Template,
    a: &'a AppArchitecture,
    lz: &'a LandingZone,
    env: String,
    topic: Node,
    /// Security groups to create: logical id to what it guards.
    groups: BTreeMap<String, String>,
    outside: Vec<Node>,
    en: Tr,
    /// Which stack of the application this is (0: the main one), and which
    /// stack owns each host's security group (the others are the main one's).
    part: usize,
    owner: &'a BTreeMap<String, usize>,
    slug: &'a str,
}

impl Stack<'_> {
    fn owner_of(&self, group: &str) -> usize {
        self.owner.get(group).copied().unwrap_or(0)
    }

    /// A security group's id here: its own, or the export of the part that owns it.
    fn sg(&mut self, group: &str) -> Node {
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

    fn key_pair(&mut self) -> Option<Node> {
        if self.lz.settings.management != Management::Bastion {
            return None;
        }
        self.t.parameter("KeyPairName", "AWS::EC2::KeyPair::KeyName", "Key pair for administrators' logins through the bastion", None);
        Some(r("KeyPairName"))
    }

    fn group(&mut self, id: &str, what: &str) {
        self.groups.entry(id.to_string()).or_insert_with(|| what.to_string());
    }

    fn role(&mut self, id: &str) -> String {
        let role = format!("{id}Role");
        if !self.t.has(&role) {
            self.t.add(
                &role,
                resource(
                    "AWS::IAM::Role",
                    Node::map().with("AssumeRolePolicyDocument", assume("ec2.amazonaws.com")).with(
                        "ManagedPolicyArns",
                        vec![managed_policy("AmazonSSMManagedInstanceCore"), managed_policy("CloudWatchAgentServerPolicy")],
                    ),
                ),
            );
            self.t.add(&format!("{id}Profile"), resource("AWS::IAM::InstanceProfile", Node::map().with("Roles", vec![r(&role)])));
        }
        format!("{id}Profile")
    }

    /// The ingress rules this part carries: a rule lives in the later of
    /// the parts owning its two groups, and imports the other one.
    fn rules(&mut self) {
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

    fn describe(&self, rule: &SgRule) -> Node {
        format!("{} -> {} tcp/{}: {}", rule.source.name, rule.destination.name, rule.port, rule.why_text(&self.en)).into()
    }

    fn security_groups(&mut self, exported: bool) {
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

    fn app_port(&self) -> u16 {
        self.a.target.rules.iter().find(|r| r.source.key == "app_alb").map(|r| r.port).unwrap_or(8080)
    }

    fn web_port(&self) -> u16 {
        self.a.target.rules.iter().find(|r| r.source.key == "web_alb").map(|r| r.port).unwrap_or(80)
    }

    fn load_balancer(&mut self, c: &Component) {
        let internal = c.key == "app-alb";
        let id = if internal { "AppAlb" } else { "WebAlb" };
        let sg = format!("{id}Sg");
        self.group(&sg, &c.label);
        let ecs = self.a.target.has(Kind::EcsFargate);
        let port = if internal { self.app_port() } else { self.web_port() };
        self.t.add(
            id,
            resource(
                "AWS::ElasticLoadBalancingV2::LoadBalancer",
                Node::map()
                    .with("Type", "application")
                    .with("Scheme", if internal { "internal" } else { "internet-facing" })
                    .with("Subnets", subnets(&self.env.clone(), if internal { "App" } else { "Public" }))
                    .with("SecurityGroups", vec![r(&sg)])
                    .with(
                        "LoadBalancerAttributes",
                        vec![Node::map().with("Key", "routing.http.drop_invalid_header_fields.enabled").with("Value", "true")],
                    ),
            ),
        );
        let tg = format!("{id}Tg");
        self.t.add(
            &tg,
            resource(
                "AWS::ElasticLoadBalancingV2::TargetGroup",
                Node::map()
                    .with("VpcId", import(&format!("{}VpcId", self.env)))
                    .with("Protocol", "HTTP")
                    .with("Port", port)
                    .with("TargetType", if ecs { "ip" } else { "instance" })
                    .with("HealthCheckPath", "/")
                    .with("Matcher", Node::map().with("HttpCode", "200-399")),
            ),
        );
        let forward = vec![Node::map().with("Type", "forward").with("TargetGroupArn", r(&tg))];
        self.t.add(
            &format!("{id}Listener"),
            resource(
                "AWS::ElasticLoadBalancingV2::Listener",
                Node::map()
                    .with("LoadBalancerArn", r(id))
                    .with("Protocol", "HTTP")
                    .with("Port", if internal { port } else { 80 })
                    .with("DefaultActions", forward.clone()),
            ),
        );
        if !internal {
            self.t.parameter(
                "CertificateArn",
                "String",
                "ACM certificate for HTTPS on the web load balancer (empty: HTTP only until one is issued)",
                Some(""),
            );
            self.t.conditions.set(
                "HasCertificate",
                Node::map().with("Fn::Not", vec![Node::map().with("Fn::Equals", vec![r("CertificateArn"), "".into()])]),
            );
            self.t.add(
                &format!("{id}HttpsListener"),
                resource(
                    "AWS::ElasticLoadBalancingV2::Listener",
                    Node::map()
                        .with("LoadBalancerArn", r(id))
                        .with("Protocol", "HTTPS")
                        .with("Port", 443i64)
                        .with("SslPolicy", "ELBSecurityPolicy-TLS13-1-2-2021-06")
                        .with("Certificates", vec![Node::map().with("CertificateArn", r("CertificateArn"))])
                        .with("DefaultActions", forward),
                )
                .with("Condition", "HasCertificate"),
            );
            self.t.add(
                "WebAlb5xxAlarm",
                alarm(
                    &self.topic,
                    "AWS/ApplicationELB",
                    "HTTPCode_ELB_5XX_Count",
                    ("LoadBalancer", att(id, "LoadBalancerFullName")),
                    "Sum",
                    10,
                    true,
                ),
            );
            self.t.output("WebAddress", att(id, "DNSName"), None);
        }
    }

    /// A tier's launch template and Auto Scaling group over both AZs.
    fn tier(&mut self, c: &Component, total: u32) {
        let id = if c.tier == Tier::Web { "Web" } else { "App" };
        let sg = format!("{id}Sg");
        self.group(&sg, &c.label);
        let ami = format!("{id}Ami");
        let path = if graviton(&c.size) { AL2023_ARM } else { AL2023_X86 };
        self.t.parameter(
            &ami,
            "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
            &format!("Image of the {} (the AMI built in step 2; default: latest Amazon Linux 2023)", c.label.to_lowercase()),
            Some(path),
        );
        let profile = self.role(id);
        let public = row(c) == "Public";
        let mut data = Node::map()
            .with("ImageId", r(&ami))
            .with("InstanceType", c.size.clone())
            .with("IamInstanceProfile", Node::map().with("Arn", att(&profile, "Arn")))
            .with("MetadataOptions", Node::map().with("HttpTokens", "required").with("HttpEndpoint", "enabled"))
            .with(
                "BlockDeviceMappings",
                vec![
                    Node::map().with("DeviceName", "/dev/xvda").with(
                        "Ebs",
                        Node::map()
                            .with("VolumeSize", (c.storage_gb.round() as i64).clamp(8, 16384))
                            .with("VolumeType", "gp3")
                            .with("Encrypted", true),
                    ),
                ],
            );
        if public {
            // Web hosts in public subnets reach out through the internet gateway.
            data.set(
                "NetworkInterfaces",
                vec![Node::map().with("DeviceIndex", 0i64).with("AssociatePublicIpAddress", true).with("Groups", vec![r(&sg)])],
            );
        } else {
            data.set("SecurityGroupIds", vec![r(&sg)]);
        }
        if let Some(k) = self.key_pair() {
            data.set("KeyName", k);
        }
        self.t.add(&format!("{id}LaunchTemplate"), resource("AWS::EC2::LaunchTemplate", Node::map().with("LaunchTemplateData", data)));
        let scaling = c.scaling.unwrap_or(crate::architecture::Scaling { min: total, max: total * 2 });
        let alb = if id == "Web" { "WebAlbTg" } else { "AppAlbTg" };
        let mut asg = Node::map()
            .with("MinSize", scaling.min.to_string())
            .with("MaxSize", scaling.max.to_string())
            .with("DesiredCapacity", total.max(scaling.min).to_string())
            .with("VPCZoneIdentifier", subnets(&self.env.clone(), row(c)))
            .with(
                "LaunchTemplate",
                Node::map()
                    .with("LaunchTemplateId", r(&format!("{id}LaunchTemplate")))
                    .with("Version", att(&format!("{id}LaunchTemplate"), "LatestVersionNumber")),
            )
            .with("HealthCheckGracePeriod", 300i64)
            .with(
                "Tags",
                vec![
                    Node::map()
                        .with("Key", "Name")
                        .with("Value", sub(&format!("${{AWS::StackName}}-{}", id.to_lowercase())))
                        .with("PropagateAtLaunch", true),
                ],
            );
        if self.t.has(alb) {
            asg.set("TargetGroupARNs", vec![r(alb)]);
            asg.set("HealthCheckType", "ELB");
        }
        self.t.add(&format!("{id}Asg"), resource("AWS::AutoScaling::AutoScalingGroup", asg));
        self.t.add(
            &format!("{id}CpuScaling"),
            resource(
                "AWS::AutoScaling::ScalingPolicy",
                Node::map().with("AutoScalingGroupName", r(&format!("{id}Asg"))).with("PolicyType", "TargetTrackingScaling").with(
                    "TargetTrackingConfiguration",
                    Node::map()
                        .with("PredefinedMetricSpecification", Node::map().with("PredefinedMetricType", "ASGAverageCPUUtilization"))
                        .with("TargetValue", 60i64),
                ),
            ),
        );
        self.t.add(
            &format!("{id}CpuAlarm"),
            alarm(&self.topic, "AWS/EC2", "CPUUtilization", ("AutoScalingGroupName", r(&format!("{id}Asg"))), "Average", 85, true),
        );
    }

    /// A server moved as it is (rehost) or a database RDS does not run.
    fn host(&mut self, c: &Component, windows: bool) {
        let id = host_id(c);
        let sg = format!("{id}Sg");
        self.group(&sg, &c.label);
        let ami = format!("{id}Ami");
        self.t.parameter(
            &ami,
            "AWS::EC2::Image::Id",
            &format!("Image of {} made by the migration tooling (AWS MGN or VM Import)", c.label),
            None,
        );
        let profile = self.role("Host");
        let letter = if c.az == crate::architecture::Az::B { "B" } else { "A" };
        let subnet = import(&format!("{}{}Subnet{letter}", self.env, row(c)));
        let mut p = Node::map()
            .with("ImageId", r(&ami))
            .with("InstanceType", c.size.clone())
            .with("IamInstanceProfile", r(&profile))
            .with("MetadataOptions", Node::map().with("HttpTokens", "required").with("HttpEndpoint", "enabled"))
            .with(
                "BlockDeviceMappings",
                vec![
                    Node::map().with("DeviceName", if windows { "/dev/sda1" } else { "/dev/xvda" }).with(
                        "Ebs",
                        Node::map()
                            .with("VolumeSize", (c.storage_gb.round() as i64).clamp(8, 16384))
                            .with("VolumeType", "gp3")
                            .with("Encrypted", true),
                    ),
                ],
            )
            .with("Tags", tags(c.label.clone().into()));
        if row(c) == "Public" {
            p.set(
                "NetworkInterfaces",
                vec![
                    Node::map()
                        .with("DeviceIndex", "0")
                        .with("SubnetId", subnet)
                        .with("GroupSet", vec![r(&sg)])
                        .with("AssociatePublicIpAddress", true),
                ],
            );
        } else {
            p.set("SubnetId", subnet);
            p.set("SecurityGroupIds", vec![r(&sg)]);
        }
        if let Some(k) = self.key_pair() {
            p.set("KeyName", k);
        }
        self.t.add(&id, resource("AWS::EC2::Instance", p));
        self.t.add(
            &format!("{id}StatusAlarm"),
            alarm(&self.topic, "AWS/EC2", "StatusCheckFailed", ("InstanceId", r(&id)), "Maximum", 1, true),
        );
    }

    fn database(&mut self, c: &Component) {
        let name = c.key.trim_start_matches("rds-");
        let id = format!("Db{}", logical(name));
        let sg = format!("{id}Sg");
        self.group(&sg, &c.label);
        let (engine, family, version, licence) = engine(c.engine.unwrap_or(Engine::MySql));
        self.t.add(
            &format!("{id}SubnetGroup"),
            resource(
                "AWS::RDS::DBSubnetGroup",
                Node::map()
                    .with("DBSubnetGroupDescription", format!("{}: data subnets in two AZs", c.label))
                    .with("SubnetIds", subnets(&self.env.clone(), "Data")),
            ),
        );
        let force_tls = match engine {
            "mysql" | "mariadb" => Some("require_secure_transport"),
            "postgres" | "sqlserver-se" => Some("rds.force_ssl"),
            _ => None,
        };
        let mut pg = Node::map().with("Family", family).with("Description", format!("{}: encrypted connections only", c.label));
        if let Some(p) = force_tls {
            pg.set("Parameters", Node::map().with(p, "1"));
        }
        self.t.add(&format!("{id}Parameters"), resource("AWS::RDS::DBParameterGroup", pg));
        if self.t.parameters.get("DbMasterUsername").is_none() {
            self.t.parameter(
                "DbMasterUsername",
                "String",
                "Master user of the databases (its password is generated and kept in Secrets Manager)",
                Some("dbadmin"),
            );
        }
        let mut p = Node::map()
            .with("Engine", engine)
            .with("DBInstanceClass", if c.size.is_empty() { "db.t3.medium".to_string() } else { c.size.clone() })
            .with("AllocatedStorage", (c.storage_gb.round() as i64).max(20).to_string())
            .with("StorageType", "gp3")
            .with("StorageEncrypted", true)
            .with("MultiAZ", true)
            .with("DBSubnetGroupName", r(&format!("{id}SubnetGroup")))
            .with("DBParameterGroupName", r(&format!("{id}Parameters")))
            .with("VPCSecurityGroups", vec![r(&sg)])
            .with("MasterUsername", r("DbMasterUsername"))
            .with("ManageMasterUserPassword", true)
            .with("BackupRetentionPeriod", 7i64)
            .with("CopyTagsToSnapshot", true)
            .with("DeletionProtection", true)
            .with("PubliclyAccessible", false)
            .with("AutoMinorVersionUpgrade", true);
        if let Some(v) = version {
            p.set("EngineVersion", v);
        }
        if let Some(l) = licence {
            p.set("LicenseModel", l);
        }
        self.t.add(&id, resource("AWS::RDS::DBInstance", p).with("DeletionPolicy", "Snapshot").with("UpdateReplacePolicy", "Snapshot"));
        self.t.add(
            &format!("{id}CpuAlarm"),
            alarm(&self.topic, "AWS/RDS", "CPUUtilization", ("DBInstanceIdentifier", r(&id)), "Average", 85, true),
        );
        let low = ((c.storage_gb.max(20.0) * 0.1) * 1024.0 * 1024.0 * 1024.0) as i64;
        self.t.add(
            &format!("{id}StorageAlarm"),
            alarm(&self.topic, "AWS/RDS", "FreeStorageSpace", ("DBInstanceIdentifier", r(&id)), "Minimum", low, false),
        );
        self.t.output(&format!("{id}Endpoint"), att(&id, "Endpoint.Address"), None);
    }

    fn static_content(&mut self) {
        self.t.add("StaticContentBucket", bucket(None));
        self.t.add(
            "StaticContentAccess",
            resource(
                "AWS::CloudFront::OriginAccessControl",
                Node::map().with(
                    "OriginAccessControlConfig",
                    Node::map()
                        .with("Name", sub("${AWS::StackName}-static"))
                        .with("OriginAccessControlOriginType", "s3")
                        .with("SigningBehavior", "always")
                        .with("SigningProtocol", "sigv4"),
                ),
            ),
        );
        self.t.add(
            "StaticDistribution",
            resource(
                "AWS::CloudFront::Distribution",
                Node::map().with(
                    "DistributionConfig",
                    Node::map()
                        .with("Enabled", true)
                        .with("Comment", format!("{}: static content", self.a.target.application))
                        .with("DefaultRootObject", "index.html")
                        .with("HttpVersion", "http2and3")
                        .with(
                            "Origins",
                            vec![
                                Node::map()
                                    .with("Id", "static")
                                    .with("DomainName", att("StaticContentBucket", "RegionalDomainName"))
                                    .with("OriginAccessControlId", att("StaticContentAccess", "Id"))
                                    .with("S3OriginConfig", Node::map().with("OriginAccessIdentity", "")),
                            ],
                        )
                        .with(
                            "DefaultCacheBehavior",
                            Node::map()
                                .with("TargetOriginId", "static")
                                .with("ViewerProtocolPolicy", "redirect-to-https")
                                .with("CachePolicyId", CACHING_OPTIMIZED)
                                .with("Compress", true),
                        ),
                ),
            ),
        );
        self.t.add(
            "StaticContentBucketPolicy",
            resource(
                "AWS::S3::BucketPolicy",
                Node::map().with("Bucket", r("StaticContentBucket")).with(
                    "PolicyDocument",
                    Node::map().with("Version", "2012-10-17").with(
                        "Statement",
                        vec![
                            Node::map()
                                .with("Sid", "CloudFrontOnly")
                                .with("Effect", "Allow")
                                .with("Principal", Node::map().with("Service", "cloudfront.amazonaws.com"))
                                .with("Action", "s3:GetObject")
                                .with("Resource", sub("${StaticContentBucket.Arn}/*"))
                                .with(
                                    "Condition",
                                    Node::map().with(
                                        "StringEquals",
                                        Node::map().with(
                                            "AWS:SourceArn",
                                            sub("arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${StaticDistribution}"),
                                        ),
                                    ),
                                ),
                            tls_only("StaticContentBucket"),
                        ],
                    ),
                ),
            ),
        );
        self.t.output("StaticContentUrl", sub("https://${StaticDistribution.DomainName}"), None);
    }

    fn containers(&mut self, c: &Component, total: u32) {
        self.group("ServiceSg", &c.label);
        let (cpu, memory) = fargate(c.task_vcpu, c.task_memory_gib);
        let port = self.a.target.rules.iter().find(|r| r.destination.key == "service").map(|r| r.port).unwrap_or(8080);
        self.t.parameter("ContainerImage", "String", "The application's container image (ECR URI)", None);
        self.t.add(
            "Cluster",
            resource(
                "AWS::ECS::Cluster",
                Node::map().with("ClusterSettings", vec![Node::map().with("Name", "containerInsights").with("Value", "enabled")]),
            ),
        );
        self.t.add(
            "TaskExecutionRole",
            resource(
                "AWS::IAM::Role",
                Node::map()
                    .with("AssumeRolePolicyDocument", assume("ecs-tasks.amazonaws.com"))
                    .with("ManagedPolicyArns", vec![managed_policy("service-role/AmazonECSTaskExecutionRolePolicy")]),
            ),
        );
        self.t.add("ServiceLogs", retained(resource("AWS::Logs::LogGroup", Node::map().with("RetentionInDays", 90i64))));
        self.t.add(
            "TaskDefinition",
            resource(
                "AWS::ECS::TaskDefinition",
                Node::map()
                    .with("RequiresCompatibilities", vec!["FARGATE".into()])
                    .with("NetworkMode", "awsvpc")
                    .with("Cpu", cpu.to_string())
                    .with("Memory", memory.to_string())
                    .with("ExecutionRoleArn", att("TaskExecutionRole", "Arn"))
                    .with(
                        "ContainerDefinitions",
                        vec![
                            Node::map()
                                .with("Name", "app")
                                .with("Image", r("ContainerImage"))
                                .with("Essential", true)
                                .with("PortMappings", vec![Node::map().with("ContainerPort", port)])
                                .with(
                                    "LogConfiguration",
                                    Node::map().with("LogDriver", "awslogs").with(
                                        "Options",
                                        Node::map()
                                            .with("awslogs-group", r("ServiceLogs"))
                                            .with("awslogs-region", r("AWS::Region"))
                                            .with("awslogs-stream-prefix", "app"),
                                    ),
                                ),
                        ],
                    ),
            ),
        );
        let mut service = Node::map()
            .with("Cluster", r("Cluster"))
            .with("LaunchType", "FARGATE")
            .with("DesiredCount", total)
            .with("TaskDefinition", r("TaskDefinition"))
            .with(
                "NetworkConfiguration",
                Node::map().with(
                    "AwsvpcConfiguration",
                    Node::map()
                        .with("AssignPublicIp", "DISABLED")
                        .with("Subnets", subnets(&self.env.clone(), "App"))
                        .with("SecurityGroups", vec![r("ServiceSg")]),
                ),
            );
        let mut svc = resource("AWS::ECS::Service", Node::map());
        if self.t.has("WebAlbTg") {
            service.set(
                "LoadBalancers",
                vec![Node::map().with("ContainerName", "app").with("ContainerPort", port).with("TargetGroupArn", r("WebAlbTg"))],
            );
            svc.set("DependsOn", "WebAlbListener");
        }
        svc.set("Properties", service);
        self.t.add("Service", svc);
    }

    fn serverless(&mut self) {
        self.t.parameter("FunctionCodeBucket", "String", "S3 bucket holding the functions' deployment package", None);
        self.t.parameter("FunctionCodeKey", "String", "Key of the deployment package in that bucket", None);
        self.t.parameter("FunctionRuntime", "String", "Lambda runtime of the refactored code", Some("python3.12"));
        self.t.parameter("FunctionHandler", "String", "Handler of the functions", Some("app.handler"));
        let table = self.a.target.has(Kind::DynamoDb);
        if table {
            self.t.add(
                "Table",
                retained(resource(
                    "AWS::DynamoDB::Table",
                    Node::map()
                        .with("BillingMode", "PAY_PER_REQUEST")
                        .with("AttributeDefinitions", vec![Node::map().with("AttributeName", "pk").with("AttributeType", "S")])
                        .with("KeySchema", vec![Node::map().with("AttributeName", "pk").with("KeyType", "HASH")])
                        .with("SSESpecification", Node::map().with("SSEEnabled", true))
                        .with("PointInTimeRecoverySpecification", Node::map().with("PointInTimeRecoveryEnabled", true)),
                )),
            );
        }
        let mut role = Node::map()
            .with("AssumeRolePolicyDocument", assume("lambda.amazonaws.com"))
            .with("ManagedPolicyArns", vec![managed_policy("service-role/AWSLambdaBasicExecutionRole")]);
        if table {
            let actions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query"];
            role.set("Policies", vec![policy("table-access", &actions, att("Table", "Arn"))]);
        }
        self.t.add("FunctionRole", resource("AWS::IAM::Role", role));
        let mut f = Node::map()
            .with("Runtime", r("FunctionRuntime"))
            .with("Handler", r("FunctionHandler"))
            .with("Role", att("FunctionRole", "Arn"))
            .with("Code", Node::map().with("S3Bucket", r("FunctionCodeBucket")).with("S3Key", r("FunctionCodeKey")))
            .with("MemorySize", 512i64)
            .with("Timeout", 30i64)
            .with("TracingConfig", Node::map().with("Mode", "Active"));
        if table {
            f.set("Environment", Node::map().with("Variables", Node::map().with("TABLE_NAME", r("Table"))));
        }
        self.t.add("Function", resource("AWS::Lambda::Function", f));
        self.t.add(
            "HttpApi",
            resource(
                "AWS::ApiGatewayV2::Api",
                Node::map().with("Name", sub("${AWS::StackName}-api")).with("ProtocolType", "HTTP").with("Target", att("Function", "Arn")),
            ),
        );
        self.t.add(
            "ApiInvokesFunction",
            resource(
                "AWS::Lambda::Permission",
                Node::map()
                    .with("Action", "lambda:InvokeFunction")
                    .with("FunctionName", r("Function"))
                    .with("Principal", "apigateway.amazonaws.com")
                    .with("SourceArn", sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*")),
            ),
        );
        self.t.add("FunctionErrorsAlarm", alarm(&self.topic, "AWS/Lambda", "Errors", ("FunctionName", r("Function")), "Sum", 5, true));
        self.t.output("ApiUrl", att("HttpApi", "ApiEndpoint"), None);
    }
}

/// The CloudFormation stack name of part `part` of an application.
pub fn stack_name(slug: &str, part: usize) -> String {
    if part == 0 { format!("sixr-{slug}") } else { format!("sixr-{slug}-part-{}", part + 1) }
}

/// The application's stacks: one, or the main one and a part per
/// `HOSTS_PER_STACK` more moved servers (web servers stay in the main one,
/// behind its load balancer).
pub fn templates(engagement: &str, a: &AppArchitecture, lz: &LandingZone, slug: &str) -> Vec<String> {
    let mut hosts: Vec<&Component> =
        a.target.components.iter().filter(|c| !c.shared && c.kind == Kind::Ec2 && c.scaling.is_none()).collect();
    hosts.sort_by_key(|c| c.tier != Tier::Web);
    let mut owner = BTreeMap::new();
    for (i, c) in hosts.iter().enumerate() {
        owner.insert(format!("{}Sg", host_id(c)), i / HOSTS_PER_STACK);
    }
    let parts = hosts.len().div_ceil(HOSTS_PER_STACK).max(1);
    (0..parts).map(|part| template(engagement, a, lz, slug, part, parts, &owner)).collect()
}

/// Whether a host runs Windows (its sizing said x86 only).
fn windows(a: &AppArchitecture, c: &Component) -> bool {
    c.workloads.iter().any(|w| a.target.sizing.iter().any(|l| &l.workload == w && l.demand.x86_only))
}

fn host_id(c: &Component) -> String {
    format!("Host{}", logical(c.key.trim_start_matches("db-host-").trim_start_matches("host-")))
}

fn template(
    engagement: &str,
    a: &AppArchitecture,
    lz: &LandingZone,
    slug: &str,
    part: usize,
    parts: usize,
    owner: &BTreeMap<String, usize>,
) -> String {
    let name = if a.target.application.is_empty() { "Workloads without an application".to_string() } else { a.target.application.clone() };
    let env = a.environment().map(|e| e.short()).unwrap_or("Prod").to_string();
    let of = if parts > 1 { format!(", stack {} of {parts}", part + 1) } else { String::new() };
    let mut t = Template::new(format!("{name} ({engagement}{of}): target architecture placed in the landing zone (sixr)"));
    t.parameter(
        "LandingZoneStack",
        "String",
        "Name of the landing-zone stack whose exports this stack imports",
        Some(super::LANDING_STACK),
    );
    let mut s = Stack {
        t,
        a,
        lz,
        env,
        topic: import("AlarmTopicArn"),
        groups: BTreeMap::new(),
        outside: Vec::new(),
        en: Tr::new(Lang::En),
        part,
        owner,
        slug,
    };
    let comps: Vec<&Component> = a.target.components.iter().filter(|c| !c.shared).collect();
    let mine = |c: &&&Component| owner.get(&format!("{}Sg", host_id(c))).copied().unwrap_or(0) == part;
    if part > 0 {
        for c in comps.iter().filter(|c| c.kind == Kind::Ec2 && c.scaling.is_none()).filter(mine) {
            s.host(c, windows(a, c));
        }
        s.rules();
        s.security_groups(true);
        return s.t.into_yaml();
    }
    // Load balancers first: tiers and hosts register with their target groups.
    for c in comps.iter().filter(|c| c.kind == Kind::Alb) {
        s.load_balancer(c);
    }
    let tier_total =
        |tier: Tier| comps.iter().filter(|c| c.kind == Kind::Ec2 && c.tier == tier && c.scaling.is_some()).map(|c| c.count).sum::<u32>();
    for c in comps.iter().filter(|c| c.kind == Kind::Ec2 && c.scaling.is_some() && c.key.ends_with("-a")) {
        s.tier(c, tier_total(c.tier));
    }
    let web_hosts: Vec<String> = comps
        .iter()
        .filter(|c| c.kind == Kind::Ec2 && c.scaling.is_none() && c.tier == Tier::Web)
        .map(|c| format!("Host{}", logical(c.key.trim_start_matches("host-"))))
        .collect();
    for c in comps.iter().filter(|c| c.kind == Kind::Ec2 && c.scaling.is_none()).filter(mine) {
        s.host(c, windows(a, c));
    }
    // Moved web servers behind the load balancer are its targets.
    if !web_hosts.is_empty()
        && let Some(mut tg) = s.t.resources.get("WebAlbTg").cloned()
        && let Some(props) = tg.get("Properties").cloned()
    {
        tg.set("Properties", props.with("Targets", web_hosts.iter().map(|h| Node::map().with("Id", r(h))).collect::<Vec<_>>()));
        s.t.add("WebAlbTg", tg);
    }
    for c in comps.iter().filter(|c| c.kind == Kind::Rds && !c.standby) {
        s.database(c);
    }
    if comps.iter().any(|c| c.key == "s3-static") {
        s.static_content();
    }
    if comps.iter().any(|c| c.key == "s3-backups") {
        s.t.add(
            "BackupBucket",
            bucket(Some(
                Node::map()
                    .with("Id", "snapshot-exports")
                    .with("Status", "Enabled")
                    .with("Transitions", vec![Node::map().with("StorageClass", "GLACIER_IR").with("TransitionInDays", 30i64)])
                    .with("NoncurrentVersionExpiration", Node::map().with("NoncurrentDays", 90i64)),
            )),
        );
    }
    if comps.iter().any(|c| c.kind == Kind::Archive) {
        s.t.add(
            "ArchiveBucket",
            bucket(Some(
                Node::map()
                    .with("Id", "deep-archive")
                    .with("Status", "Enabled")
                    .with("Transitions", vec![Node::map().with("StorageClass", "DEEP_ARCHIVE").with("TransitionInDays", 0i64)]),
            )),
        );
    }
    let service_total = comps.iter().filter(|c| c.kind == Kind::EcsFargate).map(|c| c.count).sum::<u32>();
    if let Some(c) = comps.iter().find(|c| c.kind == Kind::EcsFargate) {
        s.containers(c, service_total);
    }
    if comps.iter().any(|c| c.kind == Kind::Lambda) {
        s.serverless();
    }
    if comps.iter().any(|c| c.kind == Kind::Sqs) {
        s.t.add(
            "WorkDeadLetterQueue",
            resource("AWS::SQS::Queue", Node::map().with("SqsManagedSseEnabled", true).with("MessageRetentionPeriod", 1_209_600i64)),
        );
        s.t.add(
            "WorkQueue",
            resource(
                "AWS::SQS::Queue",
                Node::map().with("SqsManagedSseEnabled", true).with(
                    "RedrivePolicy",
                    Node::map().with("deadLetterTargetArn", att("WorkDeadLetterQueue", "Arn")).with("maxReceiveCount", 5i64),
                ),
            ),
        );
    }
    s.rules();
    s.security_groups(parts > 1);
    let mut not_generated: Vec<Node> = std::mem::take(&mut s.outside)
        .into_iter()
        .map(|n| match n {
            Node::Str(text) => Node::from(format!("Security-group rule enforced outside AWS: {text}")),
            other => other,
        })
        .collect();
    for c in comps.iter().filter(|c| matches!(c.kind, Kind::DataMigration | Kind::Saas | Kind::OnPremServer | Kind::Decommission)) {
        not_generated.push(Node::from(format!("{} ({}): not infrastructure this stack creates", c.label, c.kind.code())));
    }
    if !not_generated.is_empty() {
        s.t.metadata.set("sixr:NotInTemplate", not_generated);
    }
    s.t.into_yaml()
}
