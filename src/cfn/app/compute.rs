//! Compute of the application's stack: load balancers, Auto Scaling tiers,
//! moved servers, containers, functions and the work queue.

use super::{Stack, alarm, host_id, row, subnets, windows};
use crate::architecture::landing_zone::Management;
use crate::architecture::{Component, Kind, Tier};
use crate::cfn::yaml::Node;
use crate::cfn::{assume, att, import, logical, managed_policy, policy, r, resource, retained, sub, tags};

const AL2023_X86: &str = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

const AL2023_ARM: &str = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64";

pub(super) fn graviton(size: &str) -> bool {
    size.split('.').next().is_some_and(|f| f.ends_with('g'))
}

/// Fargate's CPU units and memory (MiB) for a task: the nearest valid
/// combination at or above what sizing asked for.
pub(super) fn fargate(vcpu: f64, gib: f64) -> (i64, i64) {
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

impl Stack<'_> {
    /// The main part's compute: load balancers first (tiers and hosts
    /// register with their target groups), the tiers, the moved servers,
    /// and the moved web servers as the web load balancer's targets.
    pub(super) fn compute(&mut self, comps: &[&Component]) {
        for c in comps.iter().filter(|c| c.kind == Kind::Alb) {
            self.load_balancer(c);
        }
        let tier_total = |tier: Tier| {
            comps.iter().filter(|c| c.kind == Kind::Ec2 && c.tier == tier && c.scaling.is_some()).map(|c| c.count).sum::<u32>()
        };
        for c in comps.iter().filter(|c| c.kind == Kind::Ec2 && c.scaling.is_some() && c.key.ends_with("-a")) {
            self.tier(c, tier_total(c.tier));
        }
        let web_hosts: Vec<String> = comps
            .iter()
            .filter(|c| c.kind == Kind::Ec2 && c.scaling.is_none() && c.tier == Tier::Web)
            .map(|c| format!("Host{}", logical(c.key.trim_start_matches("host-"))))
            .collect();
        self.hosts(comps);
        if !web_hosts.is_empty()
            && let Some(mut tg) = self.t.resources.get("WebAlbTg").cloned()
            && let Some(props) = tg.get("Properties").cloned()
        {
            tg.set("Properties", props.with("Targets", web_hosts.iter().map(|h| Node::map().with("Id", r(h))).collect::<Vec<_>>()));
            self.t.add("WebAlbTg", tg);
        }
    }

    /// The moved servers whose security group this part owns.
    pub(super) fn hosts(&mut self, comps: &[&Component]) {
        let a = self.a;
        for c in comps.iter().filter(|c| c.kind == Kind::Ec2 && c.scaling.is_none()) {
            if self.owner_of(&format!("{}Sg", host_id(c))) == self.part {
                self.host(c, windows(a, c));
            }
        }
    }

    /// The main part's services: containers, functions and the work queue.
    pub(super) fn services(&mut self, comps: &[&Component]) {
        let service_total = comps.iter().filter(|c| c.kind == Kind::EcsFargate).map(|c| c.count).sum::<u32>();
        if let Some(c) = comps.iter().find(|c| c.kind == Kind::EcsFargate) {
            self.containers(c, service_total);
        }
        if comps.iter().any(|c| c.kind == Kind::Lambda) {
            self.serverless();
        }
        if comps.iter().any(|c| c.kind == Kind::Sqs) {
            self.t.add(
                "WorkDeadLetterQueue",
                resource("AWS::SQS::Queue", Node::map().with("SqsManagedSseEnabled", true).with("MessageRetentionPeriod", 1_209_600i64)),
            );
            self.t.add(
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
    }

    pub(super) fn key_pair(&mut self) -> Option<Node> {
        if self.lz.settings.management != Management::Bastion {
            return None;
        }
        self.t.parameter("KeyPairName", "AWS::EC2::KeyPair::KeyName", "Key pair for administrators' logins through the bastion", None);
        Some(r("KeyPairName"))
    }

    pub(super) fn role(&mut self, id: &str) -> String {
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

    pub(super) fn app_port(&self) -> u16 {
        self.a.target.rules.iter().find(|r| r.source.key == "app_alb").map(|r| r.port).unwrap_or(8080)
    }

    pub(super) fn web_port(&self) -> u16 {
        self.a.target.rules.iter().find(|r| r.source.key == "web_alb").map(|r| r.port).unwrap_or(80)
    }

    /// A load balancer with its target group and listener; the web one also
    /// listens on HTTPS and raises an alarm.
    pub(super) fn load_balancer(&mut self, c: &Component) {
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
            self.https_listener_and_alarm(id, forward);
        }
    }

    /// The web load balancer's HTTPS listener (once a certificate is given),
    /// its 5xx alarm and its address.
    fn https_listener_and_alarm(&mut self, id: &str, forward: Vec<Node>) {
        self.t.parameter(
            "CertificateArn",
            "String",
            "ACM certificate for HTTPS on the web load balancer (empty: HTTP only until one is issued)",
            Some(""),
        );
        self.t
            .conditions
            .set("HasCertificate", Node::map().with("Fn::Not", vec![Node::map().with("Fn::Equals", vec![r("CertificateArn"), "".into()])]));
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

    /// A tier's launch template and Auto Scaling group over both AZs.
    pub(super) fn tier(&mut self, c: &Component, total: u32) {
        let id = if c.tier == Tier::Web { "Web" } else { "App" };
        let sg = format!("{id}Sg");
        self.group(&sg, &c.label);
        self.launch_template(c, id, &sg);
        self.auto_scaling_group(c, id, total);
    }

    /// The tier's image parameter, instance profile and launch template
    /// (IMDSv2, encrypted gp3 disk).
    fn launch_template(&mut self, c: &Component, id: &str, sg: &str) {
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
                vec![Node::map().with("DeviceIndex", 0i64).with("AssociatePublicIpAddress", true).with("Groups", vec![r(sg)])],
            );
        } else {
            data.set("SecurityGroupIds", vec![r(sg)]);
        }
        if let Some(k) = self.key_pair() {
            data.set("KeyName", k);
        }
        self.t.add(&format!("{id}LaunchTemplate"), resource("AWS::EC2::LaunchTemplate", Node::map().with("LaunchTemplateData", data)));
    }

    /// The Auto Scaling group behind the tier's target group, its CPU
    /// target tracking and alarm.
    fn auto_scaling_group(&mut self, c: &Component, id: &str, total: u32) {
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
    pub(super) fn host(&mut self, c: &Component, windows: bool) {
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

    pub(super) fn containers(&mut self, c: &Component, total: u32) {
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

    pub(super) fn serverless(&mut self) {
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
