//! One application's stack: its security groups with exactly the rules
//! sixr shows, load balancers, tiers, hosts, databases, static content and
//! alarms, placed in the landing zone's VPC through its exports.
//!
//! Read `templates` and `template` here (which part of the application a
//! stack holds, and in which order its resources are made), then
//! `security.rs` (security groups and their rules), `compute.rs` (load
//! balancers, tiers, moved servers, containers, functions, queues) and
//! `storage.rs` (databases, static content, buckets).

mod compute;
mod security;
mod storage;

use std::collections::BTreeMap;

use super::yaml::Node;
use super::{Template, import, logical, resource};
use crate::architecture::landing_zone::LandingZone;
use crate::architecture::{AppArchitecture, Component, Kind, Tier};
use crate::i18n::{Lang, Tr};

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

/// A stack being written: the template and what its parts share.
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

/// Part `part` of the application's `parts` stacks, as YAML. A later part
/// holds only its moved servers and their rules; the main one holds the rest.
fn template(
    engagement: &str,
    a: &AppArchitecture,
    lz: &LandingZone,
    slug: &str,
    part: usize,
    parts: usize,
    owner: &BTreeMap<String, usize>,
) -> String {
    let mut s = Stack::new(engagement, a, lz, slug, (part, parts), owner);
    let comps: Vec<&Component> = a.target.components.iter().filter(|c| !c.shared).collect();
    if part > 0 {
        s.hosts(&comps);
        s.rules();
        s.security_groups(true);
        return s.t.into_yaml();
    }
    s.compute(&comps);
    s.data(&comps);
    s.services(&comps);
    s.rules();
    s.security_groups(parts > 1);
    s.not_in_template(&comps);
    s.t.into_yaml()
}

impl<'a> Stack<'a> {
    /// An empty stack of part `part.0` of `part.1`, with its description
    /// and the parameter naming the landing-zone stack.
    fn new(
        engagement: &str,
        a: &'a AppArchitecture,
        lz: &'a LandingZone,
        slug: &'a str,
        (part, parts): (usize, usize),
        owner: &'a BTreeMap<String, usize>,
    ) -> Stack<'a> {
        let name =
            if a.target.application.is_empty() { "Workloads without an application".to_string() } else { a.target.application.clone() };
        let env = a.environment().map(|e| e.short()).unwrap_or("Prod").to_string();
        let of = if parts > 1 { format!(", stack {} of {parts}", part + 1) } else { String::new() };
        let mut t = Template::new(format!("{name} ({engagement}{of}): target architecture placed in the landing zone (sixr)"));
        t.parameter(
            "LandingZoneStack",
            "String",
            "Name of the landing-zone stack whose exports this stack imports",
            Some(super::LANDING_STACK),
        );
        Stack {
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
        }
    }

    /// What the stack does not create, in its metadata: rules enforced
    /// outside AWS, and the components that are no infrastructure of its.
    fn not_in_template(&mut self, comps: &[&Component]) {
        let mut not_generated: Vec<Node> = std::mem::take(&mut self.outside)
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
            self.t.metadata.set("sixr:NotInTemplate", not_generated);
        }
    }
}
