//! The architecture diagram: a pure layout model (boxes, routed arrows and
//! their label boxes in pixels, origin top-left) built from a target or the
//! landing zone, and its SVG text. The PDF draws the same `Diagram` with its
//! own operations (scale and flip y).
//!
//! Arrows run in horizontal and vertical segments around the boxes
//! (`route`); their labels sit where they cover no box, no container title
//! and no other label. Parts the landing zone provides are drawn dashed and
//! marked shared: in the landing-zone diagram they are drawn once.
//!
//! `target` lays out one application's target, `landing` the landing zone,
//! `svg` writes either as SVG; this file holds the model and what both
//! layouts share (sizes, component boxes, rows of boxes, routing).

mod landing;
mod svg;
mod target;

pub use landing::landing_zone_layout;
pub use svg::svg;
pub use target::{layout, layout_in, layout_kept};

use serde::{Deserialize, Serialize};

use super::route::{Area, Router, label_width, place_label};
use super::{Az, Component, Kind};
use crate::i18n::Tr;

/// What a box stands for; containers come before the boxes they contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "kind")]
pub enum BoxKind {
    Region,
    Vpc,
    Az,
    SubnetPublic,
    SubnetPrivate,
    /// The customer's data centre (retained and retired servers).
    DataCentre,
    /// Internet users.
    Users,
    /// An application placed in the landing zone (its own diagram has the detail).
    Application,
    /// What the dashed outline means.
    Legend,
    CustomerNetwork,
    Component(Kind),
}

impl BoxKind {
    /// True for boxes that contain others (drawn as outlined frames).
    pub fn is_container(self) -> bool {
        matches!(self, BoxKind::Region | BoxKind::Vpc | BoxKind::Az | BoxKind::SubnetPublic | BoxKind::SubnetPrivate | BoxKind::DataCentre)
    }

    /// Stroke and fill colours (AWS architecture icon palette, lightened fills).
    pub fn colours(self) -> (&'static str, &'static str) {
        match self {
            BoxKind::Region => ("#147eba", "none"),
            BoxKind::Vpc => ("#8c4fff", "none"),
            BoxKind::Az => ("#147eba", "none"),
            BoxKind::SubnetPublic => ("#7aa116", "#f2f8e6"),
            BoxKind::SubnetPrivate => ("#147eba", "#e6f2f8"),
            BoxKind::DataCentre => ("#5b6675", "#f3f4f6"),
            BoxKind::Users | BoxKind::CustomerNetwork => ("#232f3e", "#ffffff"),
            BoxKind::Application => ("#ed7100", "#fdf0e4"),
            BoxKind::Legend => ("#5b6675", "#ffffff"),
            BoxKind::Component(k) => match k {
                Kind::Ec2 | Kind::EcsFargate | Kind::Lambda | Kind::Bastion => ("#ed7100", "#fdf0e4"),
                Kind::Rds | Kind::DynamoDb => ("#3b48cc", "#eceefb"),
                Kind::S3 | Kind::Archive => ("#3f8624", "#edf5ea"),
                Kind::Alb
                | Kind::CloudFront
                | Kind::InternetGateway
                | Kind::NatGateway
                | Kind::HybridLink
                | Kind::DirectConnect
                | Kind::TransitGateway
                | Kind::ApiGateway => ("#8c4fff", "#f3edff"),
                Kind::SessionManager => ("#e7157b", "#fde8f2"),
                Kind::Nacl | Kind::IamRole => ("#dd344c", "#fcebed"),
                Kind::CloudWatch | Kind::CloudTrail => ("#e7157b", "#fde8f2"),
                Kind::Sns | Kind::Sqs => ("#e7157b", "#fde8f2"),
                Kind::Saas | Kind::DataMigration => ("#01a88d", "#e5f6f3"),
                Kind::OnPremServer => ("#5b6675", "#ffffff"),
                Kind::Decommission => ("#8a8f98", "#f3f4f6"),
            },
        }
    }
}

/// A box: position and size in pixels, origin top-left.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
    /// First line (containers: top-left title).
    pub label: String,
    pub kind: BoxKind,
    /// Second line: instance type and count, class, "standby"...
    pub detail: String,
    /// The component key it draws ("" for containers).
    pub key: String,
    /// Provided by the landing zone (drawn dashed, marked shared).
    pub shared: bool,
}

impl Rect {
    fn centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    pub fn area(&self) -> Area {
        Area::new(self.x, self.y, self.w, self.h)
    }

    /// Where a container's title is written (labels keep off it).
    pub fn title_area(&self) -> Area {
        Area::new(self.x + 4.0, self.y + 2.0, label_width(&self.label) + 8.0, 18.0)
    }

    /// A plain box of the standard size (users, the customer's network...).
    fn node(label: String, detail: String, kind: BoxKind, key: &str, x: f64, y: f64) -> Rect {
        Rect { x, y, w: BOX_W, h: BOX_H, label, kind, detail, key: key.into(), shared: false }
    }

    fn container(label: String, kind: BoxKind, x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h, label, kind, detail: String::new(), key: String::new(), shared: false }
    }
}

/// An allowed flow drawn as an arrow along `points` (horizontal and vertical
/// segments, the head at the last point) with its port(s) in a label box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Arrow {
    pub points: Vec<(f64, f64)>,
    pub label: String,
    /// Where the label is drawn: x, y, width, height.
    pub label_box: Option<(f64, f64, f64, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagram {
    pub width: f64,
    pub height: f64,
    pub boxes: Vec<Rect>,
    pub arrows: Vec<Arrow>,
}

const WIDTH: f64 = 1280.0;
const PAD: f64 = 12.0;
const BOX_W: f64 = 168.0;
const BOX_H: f64 = 44.0;
/// Room between boxes: wide enough for an arrow and its label to pass.
const GAP: f64 = 24.0;
const TITLE: f64 = 22.0;
const SIDE_W: f64 = 2.0 * BOX_W + 3.0 * GAP;
const DC_W: f64 = BOX_W + 2.0 * PAD;
/// Beyond this many flows a diagram is a tangle: the rest are in the table.
const MAX_ARROWS: usize = 60;

fn detail(c: &Component, tr: &Tr) -> String {
    let mut parts = Vec::new();
    if !c.size.is_empty() {
        parts.push(if c.kind == Kind::Ec2 || c.kind == Kind::EcsFargate { format!("{} × {}", c.count, c.size) } else { c.size.clone() });
    }
    if c.kind == Kind::Rds {
        parts.push(tr.t(if c.standby { "architecture.diagram.standby" } else { "architecture.diagram.primary" }).to_string());
    }
    if let Some(s) = c.scaling
        && (c.az == Az::A || c.az == Az::None)
    {
        parts.push(format!("ASG {}–{}", s.min, s.max));
    }
    if parts.is_empty() {
        let label = c.display_label(tr);
        if title(c, tr) != label {
            parts.push(label);
        } else if title(c, tr) != c.kind.service_name(tr) {
            parts.push(c.kind.service_name(tr));
        }
    }
    parts.join(" · ")
}

fn title(c: &Component, tr: &Tr) -> String {
    match c.kind {
        Kind::Ec2 | Kind::Rds | Kind::OnPremServer | Kind::Decommission | Kind::EcsFargate | Kind::Alb => c.display_label(tr),
        _ => c.kind.service_name(tr),
    }
}

/// Whether a component is drawn as its own box (NACLs and IAM roles are
/// properties of subnets and hosts, listed in the tables instead).
fn drawn(c: &Component) -> bool {
    !matches!(c.kind, Kind::Nacl | Kind::IamRole)
}

fn component_box(c: &Component, x: f64, y: f64, w: f64, tr: &Tr) -> Rect {
    Rect {
        x,
        y,
        w,
        h: BOX_H,
        label: title(c, tr),
        kind: BoxKind::Component(c.kind),
        detail: detail(c, tr),
        key: c.key.clone(),
        shared: c.shared,
    }
}

/// Places boxes left to right in rows inside a width; returns the height used.
fn flow(items: &[&Component], x: f64, y: f64, w: f64, tr: &Tr, out: &mut Vec<Rect>) -> f64 {
    if items.is_empty() {
        return 0.0;
    }
    let per_line = (((w + GAP) / (BOX_W + GAP)).floor() as usize).max(1);
    for (i, c) in items.iter().enumerate() {
        let (row, col) = (i / per_line, i % per_line);
        out.push(component_box(c, x + col as f64 * (BOX_W + GAP), y + row as f64 * (BOX_H + GAP), BOX_W, tr));
    }
    let rows = items.len().div_ceil(per_line) as f64;
    rows * (BOX_H + GAP) - GAP
}

/// A message of `architecture.diagram` in the translator's language.
fn say(tr: &Tr, key: &str) -> String {
    tr.t(&format!("architecture.diagram.{key}")).to_string()
}

/// One arrow to draw: from box, to box (indices), label.
type Flow = (usize, usize, String);

/// A diagram's routed arrows kept with the application's summary
/// (db::architecture::store_summary) and the fingerprint of the boxes and
/// flows they were routed for: a page uses them for the same boxes and flows
/// only, so it draws what routing would.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptArrows {
    pub fingerprint: u64,
    pub arrows: Vec<Arrow>,
}

/// Which router drew kept arrows: change it with anything that moves an
/// arrow for the same boxes and flows (`route`, `route_all`, `place_label`),
/// so arrows kept by an older build are routed afresh, not drawn.
const ROUTING_VERSION: u32 = 1;

/// FNV-1a over the bytes written to it.
struct Fnv(u64);

impl std::io::Write for Fnv {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 = buf.iter().fold(self.0, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3));
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What routing reads, hashed (FNV-1a over its JSON, written straight into
/// the hash: the same in every build), with the router's version: the
/// size, every box and the flows.
fn fingerprint(d: &Diagram, flows: &[Flow]) -> u64 {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    // Writing to a hash cannot fail, nor can serialising these types.
    let _ = serde_json::to_writer(&mut h, &(ROUTING_VERSION, d.width, d.height, &d.boxes, flows));
    h.0
}

/// `route_all`, or the `kept` arrows when they were routed for the same
/// boxes and flows; with the fingerprint to keep them by.
fn route_or_kept(d: &Diagram, flows: &[Flow], kept: Option<KeptArrows>) -> (Vec<Arrow>, u64) {
    let fingerprint = fingerprint(d, flows);
    match kept {
        Some(k) if k.fingerprint == fingerprint => (k.arrows, fingerprint),
        _ => (route_all(d, flows), fingerprint),
    }
}

/// Routes the flows around the diagram's boxes and places their labels.
fn route_all(d: &Diagram, flows: &[Flow]) -> Vec<Arrow> {
    // Every drawn component (and users, customer network) is in the way;
    // containers are frames an arrow may cross.
    let solid: Vec<usize> = (0..d.boxes.len()).filter(|i| !d.boxes[*i].kind.is_container()).collect();
    let mut areas: Vec<Area> = solid.iter().map(|i| d.boxes[*i].area()).collect();
    // Containers' titles are in the way too, so no line runs through one.
    let titles: Vec<Area> = d.boxes.iter().filter(|b| b.kind.is_container()).map(Rect::title_area).collect();
    let bounds = Area::new(0.0, 0.0, d.width, d.height);
    let flows = &flows[..flows.len().min(MAX_ARROWS)];
    let ends: Vec<usize> = flows.iter().flat_map(|(a, b, _)| [*a, *b]).filter_map(|i| solid.iter().position(|s| *s == i)).collect();
    areas.extend(titles);
    let mut router = Router::new(areas.clone(), &ends, bounds);
    let mut taken: Vec<Area> = areas;
    let mut arrows = Vec::new();
    for (from, to, label) in flows {
        let (Some(a), Some(b)) = (solid.iter().position(|i| i == from), solid.iter().position(|i| i == to)) else { continue };
        if a == b {
            continue;
        }
        let Some(points) = router.route(a, b) else { continue };
        let label_box = if label.is_empty() {
            None
        } else {
            place_label(&points, label_width(label), &taken, &bounds).map(|r| {
                taken.push(r);
                (r.x, r.y, r.w, r.h)
            })
        };
        arrows.push(Arrow { points, label: label.clone(), label_box });
    }
    arrows
}
