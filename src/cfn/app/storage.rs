//! Data of the application's stack: RDS databases with their subnet and
//! parameter groups, static content behind CloudFront, and buckets.

use super::{Stack, alarm, subnets};
use crate::architecture::{Component, Engine, Kind};
use crate::cfn::yaml::Node;
use crate::cfn::{att, bucket, logical, r, resource, sub, tls_only};

/// CloudFront's managed cache policy CachingOptimized.
const CACHING_OPTIMIZED: &str = "658327ea-f89d-4fab-a63d-7e88639e58f6";

/// RDS engine name, parameter group family and the version it pins, and
/// the licence model.
pub(super) fn engine(e: Engine) -> (&'static str, &'static str, Option<&'static str>, Option<&'static str>) {
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

impl Stack<'_> {
    /// The main part's data: databases (a standby is its primary's), static
    /// content, the bucket for snapshot exports and the archive.
    pub(super) fn data(&mut self, comps: &[&Component]) {
        for c in comps.iter().filter(|c| c.kind == Kind::Rds && !c.standby) {
            self.database(c);
        }
        if comps.iter().any(|c| c.key == "s3-static") {
            self.static_content();
        }
        if comps.iter().any(|c| c.key == "s3-backups") {
            self.t.add(
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
            self.t.add(
                "ArchiveBucket",
                bucket(Some(
                    Node::map()
                        .with("Id", "deep-archive")
                        .with("Status", "Enabled")
                        .with("Transitions", vec![Node::map().with("StorageClass", "DEEP_ARCHIVE").with("TransitionInDays", 0i64)]),
                )),
            );
        }
    }

    pub(super) fn database(&mut self, c: &Component) {
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

    /// Static content: a private bucket CloudFront alone reads (origin access
    /// control), behind a distribution.
    pub(super) fn static_content(&mut self) {
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
        self.static_distribution();
        self.static_bucket_policy();
        self.t.output("StaticContentUrl", sub("https://${StaticDistribution.DomainName}"), None);
    }

    /// The distribution serving the bucket over HTTPS.
    fn static_distribution(&mut self) {
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
    }

    /// The bucket admits reads from that distribution only, over TLS.
    fn static_bucket_policy(&mut self) {
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
    }
}
