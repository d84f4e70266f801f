//! The target as AWS CloudFormation: a landing-zone stack (VPCs, subnets in
//! two AZs, route tables, internet and NAT gateways, network ACLs, the
//! management path, the link to the customer, logging and the alarm topic)
//! exporting what the applications need, and one stack per application
//! (security groups with exactly the rules sixr shows, load balancers,
//! launch templates and Auto Scaling groups, EC2 hosts, RDS Multi-AZ with
//! subnet and parameter groups, S3 with CloudFront through origin access
//! control, IAM roles, CloudWatch alarms) importing them. Pure: targets in,
//! file names and YAML text out.

mod app;
mod landing;
pub mod yaml;

use std::io::Write;

use crate::architecture::AppArchitecture;
use crate::architecture::landing_zone::LandingZone;
use yaml::Node;

/// The stack name the application stacks expect the landing zone under
/// (their `LandingZoneStack` parameter's default).
pub const LANDING_STACK: &str = "sixr-landing-zone";

/// One exported file.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub name: String,
    pub text: String,
}

/// `!Ref name`.
fn r(name: &str) -> Node {
    Node::Tag("!Ref", Box::new(name.into()))
}

/// `!GetAtt resource.attribute`.
fn att(resource: &str, attribute: &str) -> Node {
    Node::Tag("!GetAtt", Box::new(format!("{resource}.{attribute}").into()))
}

/// `!Sub text`.
fn sub(text: &str) -> Node {
    Node::Tag("!Sub", Box::new(text.into()))
}

/// The landing zone's export `name`, imported.
fn import(name: &str) -> Node {
    Node::map().with("Fn::ImportValue", sub(&format!("${{LandingZoneStack}}-{name}")))
}

/// The `n`th Availability Zone of the region.
fn az(n: i64) -> Node {
    Node::Tag("!Select", Box::new(Node::Seq(vec![n.into(), Node::Tag("!GetAZs", Box::new("".into()))])))
}

fn resource(kind: &str, properties: Node) -> Node {
    Node::map().with("Type", kind).with("Properties", properties)
}

fn tags(name: Node) -> Node {
    Node::Seq(vec![Node::map().with("Key", "Name").with("Value", name)])
}

/// An ARN of an AWS managed policy, in the stack's partition.
fn managed_policy(name: &str) -> Node {
    sub(&format!("arn:${{AWS::Partition}}:iam::aws:policy/{name}"))
}

/// An S3 bucket encrypted, versioned, private, owner-enforced, kept when
/// the stack goes, with an optional lifecycle rule.
fn bucket(lifecycle: Option<Node>) -> Node {
    let mut p = Node::map()
        .with(
            "BucketEncryption",
            Node::map().with(
                "ServerSideEncryptionConfiguration",
                vec![Node::map().with("ServerSideEncryptionByDefault", Node::map().with("SSEAlgorithm", "AES256"))],
            ),
        )
        .with("VersioningConfiguration", Node::map().with("Status", "Enabled"))
        .with(
            "PublicAccessBlockConfiguration",
            Node::map()
                .with("BlockPublicAcls", true)
                .with("BlockPublicPolicy", true)
                .with("IgnorePublicAcls", true)
                .with("RestrictPublicBuckets", true),
        )
        .with("OwnershipControls", Node::map().with("Rules", vec![Node::map().with("ObjectOwnership", "BucketOwnerEnforced")]));
    if let Some(l) = lifecycle {
        p.set("LifecycleConfiguration", Node::map().with("Rules", vec![l]));
    }
    retained(resource("AWS::S3::Bucket", p))
}

/// Kept when the stack is deleted or the resource replaced.
fn retained(resource: Node) -> Node {
    resource.with("DeletionPolicy", "Retain").with("UpdateReplacePolicy", "Retain")
}

/// The bucket policy statement refusing every request not over TLS.
fn tls_only(bucket: &str) -> Node {
    Node::map()
        .with("Sid", "TlsOnly")
        .with("Effect", "Deny")
        .with("Principal", "*")
        .with("Action", "s3:*")
        .with("Resource", vec![att(bucket, "Arn"), sub(&format!("${{{bucket}.Arn}}/*"))])
        .with("Condition", Node::map().with("Bool", Node::map().with("aws:SecureTransport", "false")))
}

/// A trust policy letting `service` assume the role.
fn assume(service: &str) -> Node {
    Node::map().with("Version", "2012-10-17").with(
        "Statement",
        vec![Node::map().with("Effect", "Allow").with("Principal", Node::map().with("Service", service)).with("Action", "sts:AssumeRole")],
    )
}

/// An inline policy `name` allowing `actions` on `resource`.
fn policy(name: &str, actions: &[&str], resource: Node) -> Node {
    Node::map().with("PolicyName", name).with(
        "PolicyDocument",
        Node::map().with("Version", "2012-10-17").with(
            "Statement",
            vec![
                Node::map()
                    .with("Effect", "Allow")
                    .with("Action", actions.iter().map(|a| Node::from(*a)).collect::<Vec<_>>())
                    .with("Resource", resource),
            ],
        ),
    )
}

/// A log group kept `days` days and a role `service` assumes to write to it.
fn log_group_with_writer(t: &mut Template, group: &str, role: &str, service: &str, days: i64, actions: &[&str]) {
    t.add(group, retained(resource("AWS::Logs::LogGroup", Node::map().with("RetentionInDays", days))));
    t.add(
        role,
        resource(
            "AWS::IAM::Role",
            Node::map()
                .with("AssumeRolePolicyDocument", assume(service))
                .with("Policies", vec![policy("write-logs", actions, att(group, "Arn"))]),
        ),
    );
}

/// A CloudFormation template being built.
struct Template {
    description: String,
    metadata: Node,
    parameters: Node,
    conditions: Node,
    resources: Node,
    outputs: Node,
}

impl Template {
    fn new(description: String) -> Template {
        Template {
            description,
            metadata: Node::map(),
            parameters: Node::map(),
            conditions: Node::map(),
            resources: Node::map(),
            outputs: Node::map(),
        }
    }

    fn parameter(&mut self, name: &str, kind: &str, description: &str, default: Option<&str>) {
        let mut p = Node::map().with("Type", kind).with("Description", description);
        if let Some(d) = default {
            p.set("Default", d);
        }
        self.parameters.set(name, p);
    }

    fn add(&mut self, name: &str, node: Node) {
        self.resources.set(name, node);
    }

    fn has(&self, name: &str) -> bool {
        self.resources.get(name).is_some()
    }

    fn output(&mut self, name: &str, value: Node, export: Option<&str>) {
        let mut o = Node::map().with("Value", value);
        if let Some(e) = export {
            o.set("Export", Node::map().with("Name", sub(&format!("${{AWS::StackName}}-{e}"))));
        }
        self.outputs.set(name, o);
    }

    fn into_yaml(self) -> String {
        let mut doc = Node::map().with("AWSTemplateFormatVersion", "2010-09-09").with("Description", self.description);
        for (k, v) in [("Metadata", self.metadata), ("Parameters", self.parameters), ("Conditions", self.conditions)] {
            if v != Node::map() {
                doc.set(k, v);
            }
        }
        doc.set("Resources", self.resources);
        if self.outputs != Node::map() {
            doc.set("Outputs", self.outputs);
        }
        format!("# Generated by sixr from the target architecture; review before deploying.\n{}", yaml::to_string(&doc))
    }
}

/// A CloudFormation logical id (letters and digits) from any name:
/// `anyco-db-01` becomes `AnycoDb01`.
pub fn logical(name: &str) -> String {
    let mut out = String::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'X');
    }
    out
}

/// A file-name slug: `AnyCompany e-commerce` becomes `anycompany-e-commerce`.
pub fn slug(name: &str) -> String {
    let s: String = name.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let s = s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    if s.is_empty() { "unnamed".into() } else { s.chars().take(60).collect() }
}

/// The landing-zone stack and one stack per application that moves to AWS,
/// with a README saying in which order to deploy them.
pub fn export(engagement: &str, archs: &[AppArchitecture], lz: Option<&LandingZone>) -> Vec<File> {
    let mut files = Vec::new();
    let Some(lz) = lz else {
        return vec![File { name: "README.md".into(), text: "Nothing moves to AWS yet: no templates to deploy.\n".into() }];
    };
    files.push(File { name: "landing-zone.yaml".into(), text: landing::template(engagement, lz) });
    let mut names = Vec::new();
    let mut slugs: Vec<String> = Vec::new();
    for a in archs.iter().filter(|a| a.footprint.is_some()) {
        let base = if a.target.application.is_empty() { "unassigned".to_string() } else { slug(&a.target.application) };
        let mut unique = base.clone();
        let mut n = 2;
        while slugs.contains(&unique) {
            unique = format!("{base}-{n}");
            n += 1;
        }
        slugs.push(unique.clone());
        for (part, text) in app::templates(engagement, a, lz, &unique).into_iter().enumerate() {
            let name = if part == 0 { format!("app-{unique}.yaml") } else { format!("app-{unique}-part-{}.yaml", part + 1) };
            names.push((name.clone(), app::stack_name(&unique, part)));
            files.push(File { name, text });
        }
    }
    let mut readme = format!(
        "# CloudFormation for {engagement}\n\nGenerated by sixr from the target architecture. Review, then deploy in this order:\n\n\
         1. `landing-zone.yaml` as the stack `{LANDING_STACK}` (the application stacks import its exports by that name;\n   \
         another name goes into their `LandingZoneStack` parameter).\n"
    );
    for (i, (name, stack)) in names.iter().enumerate() {
        readme.push_str(&format!("{}. `{name}` as the stack `{stack}`\n", i + 2));
    }
    readme.push_str(
        "\nEvery template passes `cfn-lint`. Parameters name the AMIs (the ones the migration tooling builds), key pairs,\n\
         the customer's network and certificate; each template's Metadata lists what sixr does not generate.\n",
    );
    files.push(File { name: "README.md".into(), text: readme });
    files
}

/// The files in a zip (the zip crate calamine already brings).
pub fn zip(files: &[File]) -> Result<Vec<u8>, zip::result::ZipError> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for f in files {
        out.start_file(f.name.as_str(), options)?;
        out.write_all(f.text.as_bytes())?;
    }
    Ok(out.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_logical_ids_and_slugs() {
        assert_eq!(logical("anyco-db-01"), "AnycoDb01");
        assert_eq!(logical("01 db"), "X01Db");
        assert_eq!(logical("---"), "X");
        assert_eq!(slug("AnyCompany e-commerce"), "anycompany-e-commerce");
        assert_eq!(slug("한국어"), "unnamed");
    }
}
