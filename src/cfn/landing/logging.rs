//! Logging and alarms of the landing zone: the log archive bucket,
//! CloudTrail into it and CloudWatch Logs, VPC flow logs, and the SNS topic
//! every alarm notifies.

use crate::architecture::landing_zone::LandingZone;
use crate::cfn::yaml::Node;
use crate::cfn::{Template, att, bucket, log_group_with_writer, r, resource, sub, tls_only};

/// CloudTrail to the log archive bucket and CloudWatch Logs, VPC flow logs,
/// and the SNS topic every alarm notifies.
pub(super) fn logging(t: &mut Template, lz: &LandingZone) {
    log_archive(t);
    trail(t);
    if !lz.networks.is_empty() {
        flow_logs(t, lz);
    }
    alarms(t);
    t.output("AlarmTopicArn", r("AlarmTopic"), Some("AlarmTopicArn"));
    t.output("LogArchiveBucket", r("LogArchiveBucket"), Some("LogArchiveBucket"));
}

/// The log archive bucket (Glacier after 90 days, expired after seven
/// years) and the policy letting CloudTrail write to it over TLS only.
fn log_archive(t: &mut Template) {
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
}

/// The multi-region trail, into the archive and a CloudWatch Logs group.
fn trail(t: &mut Template) {
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
}

/// A flow log of every VPC into one CloudWatch Logs group.
fn flow_logs(t: &mut Template, lz: &LandingZone) {
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

/// The alarm topic and, when an address is given, its email subscription.
fn alarms(t: &mut Template) {
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
}
