//! A small YAML writer for CloudFormation templates: typed nodes in, block
//! YAML out, keys in the order they were built (CloudFormation readers
//! expect Parameters before Resources), intrinsic functions in their short
//! form (`!Ref`, `!GetAtt`, `!Sub`, `!Select`, `!GetAZs`).
//!
//! Why not a YAML crate: serde_yaml is deprecated and unmaintained,
//! serde_yml was withdrawn as unsound (RUSTSEC-2025-0068), and serde_norway
//! would bring a C-derived parser for a subset this file covers in a page:
//! block maps and sequences, and every string double-quoted with JSON's
//! escapes, which YAML reads the same way. cfn-lint parses every template
//! the tests export.

/// A YAML value.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Bool(bool),
    Int(i64),
    Str(String),
    Seq(Vec<Node>),
    /// Keys in insertion order.
    Map(Vec<(String, Node)>),
    /// A tagged value: `!Ref Name`, `!GetAZs ""`, `!Select [..]`.
    Tag(&'static str, Box<Node>),
}

impl Node {
    pub fn map() -> Node {
        Node::Map(Vec::new())
    }

    /// Adds (or replaces) `key` of a map.
    pub fn set(&mut self, key: &str, value: impl Into<Node>) {
        if let Node::Map(entries) = self {
            let value = value.into();
            match entries.iter_mut().find(|(k, _)| k == key) {
                Some(e) => e.1 = value,
                None => entries.push((key.to_string(), value)),
            }
        }
    }

    /// The map with `key` set, for building in one expression.
    pub fn with(mut self, key: &str, value: impl Into<Node>) -> Node {
        self.set(key, value);
        self
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        match self {
            Node::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn is_block(&self) -> bool {
        match self {
            Node::Seq(v) => !v.is_empty(),
            Node::Map(v) => !v.is_empty(),
            Node::Tag(_, inner) => inner.is_block(),
            _ => false,
        }
    }
}

impl From<&str> for Node {
    fn from(s: &str) -> Node {
        Node::Str(s.to_string())
    }
}

impl From<String> for Node {
    fn from(s: String) -> Node {
        Node::Str(s)
    }
}

impl From<bool> for Node {
    fn from(b: bool) -> Node {
        Node::Bool(b)
    }
}

impl From<i64> for Node {
    fn from(v: i64) -> Node {
        Node::Int(v)
    }
}

impl From<u32> for Node {
    fn from(v: u32) -> Node {
        Node::Int(v.into())
    }
}

impl From<u16> for Node {
    fn from(v: u16) -> Node {
        Node::Int(v.into())
    }
}

impl From<Vec<Node>> for Node {
    fn from(v: Vec<Node>) -> Node {
        Node::Seq(v)
    }
}

/// A key written plain when it is a simple name (`Type`, `Fn::ImportValue`).
fn key(k: &str) -> String {
    let plain = k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':' || c == '.' || c == '-' || c == '/')
        && !k.ends_with(':');
    if plain { k.to_string() } else { quote(k) }
}

/// A double-quoted scalar: JSON's escapes are YAML's.
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn scalar(n: &Node) -> String {
    match n {
        Node::Bool(b) => b.to_string(),
        Node::Int(i) => i.to_string(),
        Node::Str(s) => quote(s),
        Node::Seq(_) => "[]".into(),
        Node::Map(_) => "{}".into(),
        Node::Tag(tag, inner) => format!("{tag} {}", scalar(inner)),
    }
}

fn write(out: &mut String, n: &Node, indent: usize) {
    let pad = " ".repeat(indent);
    match n {
        Node::Map(entries) => {
            for (k, v) in entries {
                out.push_str(&pad);
                out.push_str(&key(k));
                out.push(':');
                value(out, v, indent);
            }
        }
        Node::Seq(items) => {
            for item in items {
                out.push_str(&pad);
                out.push('-');
                match item {
                    Node::Map(entries) if !entries.is_empty() => {
                        // The first entry on the dash's line, the rest below it.
                        let mut first = String::new();
                        write(&mut first, item, indent + 2);
                        out.push(' ');
                        out.push_str(first.trim_start());
                    }
                    _ => value(out, item, indent),
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&scalar(other));
            out.push('\n');
        }
    }
}

/// Writes what follows `key:` or `-`: a scalar on the same line, a
/// collection on the lines below, a tag before either.
fn value(out: &mut String, v: &Node, indent: usize) {
    match v {
        Node::Tag(tag, inner) if inner.is_block() => {
            out.push(' ');
            out.push_str(tag);
            out.push('\n');
            write(out, inner, indent + 2);
        }
        v if v.is_block() => {
            out.push('\n');
            write(out, v, indent + 2);
        }
        v => {
            out.push(' ');
            out.push_str(&scalar(v));
            out.push('\n');
        }
    }
}

/// The document as YAML text.
pub fn to_string(n: &Node) -> String {
    let mut out = String::new();
    write(&mut out, n, 0);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_yaml_with_tags_and_quoted_strings() {
        let n = Node::map().with("AWSTemplateFormatVersion", "2010-09-09").with("Description", "A \"quoted\" line\nand 한국어").with(
            "Resources",
            Node::map().with(
                "Subnet",
                Node::map().with("Type", "AWS::EC2::Subnet").with(
                    "Properties",
                    Node::map()
                        .with("VpcId", Node::Tag("!Ref", Box::new("Vpc".into())))
                        .with(
                            "AvailabilityZone",
                            Node::Tag("!Select", Box::new(Node::Seq(vec![0i64.into(), Node::Tag("!GetAZs", Box::new("".into()))]))),
                        )
                        .with("Tags", vec![Node::map().with("Key", "Name").with("Value", "a")])
                        .with("Empty", Node::Seq(vec![]))
                        .with("MapPublicIpOnLaunch", false),
                ),
            ),
        );
        let text = to_string(&n);
        let expected = r#"AWSTemplateFormatVersion: "2010-09-09"
Description: "A \"quoted\" line\nand 한국어"
Resources:
  Subnet:
    Type: "AWS::EC2::Subnet"
    Properties:
      VpcId: !Ref "Vpc"
      AvailabilityZone: !Select
        - 0
        - !GetAZs ""
      Tags:
        - Key: "Name"
          Value: "a"
      Empty: []
      MapPublicIpOnLaunch: false
"#;
        assert_eq!(text, expected);
    }
}
