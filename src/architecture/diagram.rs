//! The architecture diagram: a pure layout model (boxes, routed arrows and
//! their label boxes in pixels, origin top-left) built from a target or the
//! landing zone, and its SVG text. The PDF draws the same `Diagram` with its
//! own operations (scale and flip y).
//!
//! Arrows run in horizontal and vertical segments around the boxes
//! (`route`); their labels sit where they cover no box, no container title
//! and no other label. Parts the landing zone provides are drawn dashed and
//! marked shared: in the landing-zone diagram they are drawn once.

use serde::Serialize;

use super::landing_zone::{Env, LandingZone, Topology};
use super::route::{Area, Router, label_width, place_label};
use super::{Az, Component, Kind, Subnet, TargetArchitecture, Tier};
use crate::i18n::{Lang, Tr};

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
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// Which VPC row a zonal component goes in: public, application, data.
fn row_of(c: &Component) -> usize {
    match (c.subnet, c.tier) {
        (Subnet::Public, _) => 0,
        (_, Tier::Data) => 2,
        _ => 1,
    }
}

/// The layout of a target: region, VPC with two AZ columns and three subnet
/// rows, load balancers spanning the AZs, regional services on the right,
/// the customer's data centre on the left, users and CloudFront on top.
/// Labels in English; `layout_in` for another language.
pub fn layout(t: &TargetArchitecture) -> Diagram {
    layout_in(t, &Tr::new(Lang::En))
}

/// The layout with its labels in the translator's language.
pub fn layout_in(t: &TargetArchitecture, tr: &Tr) -> Diagram {
    let say = |key: &str| tr.t(&format!("architecture.diagram.{key}")).to_string();
    let mut boxes = Vec::new();
    let comps: Vec<&Component> = t.components.iter().filter(|c| drawn(c)).collect();
    let on_prem: Vec<&Component> = comps.iter().copied().filter(|c| matches!(c.kind, Kind::OnPremServer | Kind::Decommission)).collect();
    let edge: Vec<&Component> = comps.iter().copied().filter(|c| matches!(c.kind, Kind::CloudFront | Kind::Saas)).collect();
    let needs_customer = t.has(Kind::Bastion)
        || t.has(Kind::HybridLink)
        || !on_prem.is_empty()
        || t.rules.iter().any(|r| r.source.key == "customer_network");
    let vpc_items: Vec<&Component> = comps.iter().copied().filter(|c| c.subnet != Subnet::None && !on_prem.contains(c)).collect();
    let regional: Vec<&Component> = comps
        .iter()
        .copied()
        .filter(|c| c.subnet == Subnet::None && c.kind != Kind::InternetGateway && !on_prem.contains(c) && !edge.contains(c))
        .collect();

    // Top band: users, CloudFront / SaaS.
    let top = PAD;
    let dc = needs_customer;
    let region_x = if dc { PAD + DC_W + GAP * 2.0 } else { PAD };
    let region_w = WIDTH - region_x - PAD;
    let vpc = !vpc_items.is_empty();
    let side_x = if vpc { region_x + region_w - SIDE_W - PAD } else { region_x + PAD };
    let side_w = if vpc { SIDE_W } else { region_w - 2.0 * PAD };
    let users = Rect::node(
        say("users"),
        say("internet"),
        BoxKind::Users,
        "internet",
        if vpc { region_x + (side_x - region_x) / 2.0 - BOX_W / 2.0 } else { region_x + PAD },
        top,
    );
    let mut edge_x = users.x + BOX_W + GAP * 3.0;
    let mut edge_boxes = Vec::new();
    for c in &edge {
        edge_boxes.push(component_box(c, edge_x.min(WIDTH - PAD - BOX_W), top, BOX_W, tr));
        edge_x += BOX_W + GAP;
    }
    let region_y = top + BOX_H + 3.0 * GAP;

    // VPC: two AZ columns, three rows.
    let vpc_x = region_x + PAD;
    let vpc_w = side_x - GAP - vpc_x;
    let vpc_y = region_y + TITLE + 2.0 * GAP;
    let mut inner = Vec::new();
    let mut y = vpc_y + TITLE + 2.0 * PAD;
    let az_y = vpc_y + TITLE + PAD;
    let col_w = (vpc_w - 3.0 * PAD) / 2.0;
    let col_x = [vpc_x + PAD, vpc_x + 2.0 * PAD + col_w];
    if vpc {
        y += TITLE;
        for row in 0..3 {
            let in_row: Vec<&Component> = vpc_items.iter().copied().filter(|c| row_of(c) == row).collect();
            if in_row.is_empty() {
                continue;
            }
            let spanning: Vec<&Component> = in_row.iter().copied().filter(|c| c.az == Az::Both).collect();
            // Spanning boxes (load balancers) sit in a lane across both AZs.
            for (i, c) in spanning.iter().enumerate() {
                let w = vpc_w - 6.0 * PAD;
                inner.push(component_box(c, vpc_x + 3.0 * PAD, y + i as f64 * (BOX_H + GAP), w, tr));
            }
            if !spanning.is_empty() {
                y += spanning.len() as f64 * (BOX_H + GAP) + GAP;
            }
            let mut row_h: f64 = 0.0;
            let mut cells = Vec::new();
            for (i, az) in [Az::A, Az::B].into_iter().enumerate() {
                let here: Vec<&Component> = in_row.iter().copied().filter(|c| c.az == az || (i == 0 && c.az == Az::None)).collect();
                let mut placed = Vec::new();
                let used = flow(&here, col_x[i] + PAD, y + TITLE + PAD, col_w - 2.0 * PAD, tr, &mut placed);
                row_h = row_h.max(used);
                cells.push(placed);
            }
            let cell_h = TITLE + row_h.max(BOX_H) + 2.0 * PAD;
            let (label, kind) = match row {
                0 => (say("public_subnet"), BoxKind::SubnetPublic),
                1 => (say("private_app"), BoxKind::SubnetPrivate),
                _ => (say("private_data"), BoxKind::SubnetPrivate),
            };
            for (i, placed) in cells.into_iter().enumerate() {
                inner.push(Rect::container(label.clone(), kind, col_x[i], y, col_w, cell_h));
                inner.extend(placed);
            }
            y += cell_h + GAP * 2.0;
        }
    }
    let vpc_h = if vpc { y - vpc_y } else { 0.0 };

    // Regional services down the right (or across the region without a VPC).
    let mut side = Vec::new();
    let side_y = if vpc { vpc_y } else { region_y + TITLE + GAP };
    let mut side_h = flow(&regional, side_x + GAP, side_y, side_w - GAP, tr, &mut side);
    // Dashed parts come from the landing zone: say so once, under the services.
    if t.components.iter().any(|c| c.shared && drawn(c)) {
        let y = side_y + side_h + if side_h > 0.0 { GAP } else { 0.0 };
        side.push(Rect {
            x: side_x + GAP,
            y,
            w: BOX_W,
            h: BOX_H,
            label: say("legend_shared"),
            kind: BoxKind::Legend,
            detail: say("legend_shared_detail"),
            key: "legend".into(),
            shared: true,
        });
        side_h = y + BOX_H - side_y;
    }
    let region_h = (vpc_y - region_y + vpc_h).max(side_y - region_y + side_h) + 2.0 * PAD;

    // Customer data centre on the left.
    let mut dc_boxes = Vec::new();
    let mut dc_h = 0.0;
    if dc {
        let x = PAD + PAD;
        let mut yy = region_y + TITLE + GAP;
        dc_boxes.push(Rect {
            x,
            y: yy,
            w: BOX_W,
            h: BOX_H,
            label: say("customer_network"),
            kind: BoxKind::CustomerNetwork,
            detail: say("customer_network_detail"),
            key: "customer_network".into(),
            shared: false,
        });
        yy += BOX_H + GAP;
        let used = flow(&on_prem, x, yy, BOX_W, tr, &mut dc_boxes);
        dc_h = yy + used - region_y + PAD;
    }

    // Users only where something is reachable from the internet.
    if t.has(Kind::CloudFront) || t.rules.iter().any(|r| r.source.key == "internet") {
        boxes.push(users);
    }
    boxes.extend(edge_boxes);
    if dc {
        boxes.push(Rect::container(say("data_centre"), BoxKind::DataCentre, PAD, region_y, DC_W, dc_h.max(region_h)));
    }
    boxes.push(Rect::container(format!("{} · {}", say("aws_cloud"), t.region), BoxKind::Region, region_x, region_y, region_w, region_h));
    if vpc {
        let shared = t.components.iter().any(|c| c.shared && c.subnet != Subnet::None);
        let title = if shared { format!("VPC ({})", tr.t("landing_zone.shared")) } else { "VPC".into() };
        boxes.push(Rect::container(title, BoxKind::Vpc, vpc_x, vpc_y, vpc_w, vpc_h));
        for (i, az) in ["a", "b"].into_iter().enumerate() {
            boxes.push(Rect::container(
                tr.fmt("architecture.diagram.az", &[("az", &az)]),
                BoxKind::Az,
                col_x[i] - PAD / 2.0,
                az_y,
                col_w + PAD,
                vpc_y + vpc_h - az_y - PAD / 2.0,
            ));
        }
        if let Some(igw) = t.components.iter().find(|c| c.kind == Kind::InternetGateway) {
            // On the VPC's top edge, off-centre, clear of the users' column.
            let mut r = component_box(igw, vpc_x + vpc_w - BOX_W - 3.0 * PAD, vpc_y - BOX_H * 0.4, BOX_W, tr);
            r.h = BOX_H * 0.8;
            inner.push(r);
        }
    }
    boxes.extend(inner);
    boxes.extend(side);
    boxes.extend(dc_boxes);

    let height = boxes.iter().map(|b| b.y + b.h).fold(0.0, f64::max) + PAD;
    let mut d = Diagram { width: WIDTH, height, boxes, arrows: Vec::new() };
    let flows = flows(t, &d.boxes, tr);
    d.arrows = route_all(&d, &flows);
    d
}

/// The box a security-group peer is drawn as.
fn peer_box(boxes: &[Rect], peer: &str) -> Option<usize> {
    let candidates: Vec<String> = match peer {
        "internet" => vec!["internet".into()],
        "customer_network" => vec!["customer_network".into()],
        "web_alb" => vec!["web-alb".into()],
        "app_alb" => vec!["app-alb".into()],
        "web" => vec!["web-a".into()],
        "app" => vec!["app-a".into()],
        "service" => vec!["service-a".into()],
        "bastion" => vec!["bastion".into()],
        "api_gateway" => vec!["api-gateway".into()],
        "lambda" => vec!["lambda".into()],
        p => {
            let name = p.split_once(':').map(|(_, n)| n).unwrap_or(p);
            vec![format!("rds-{name}"), format!("host-{name}"), format!("db-host-{name}"), format!("on-prem-{name}")]
        }
    };
    candidates.iter().find_map(|k| boxes.iter().position(|b| &b.key == k))
}

/// One arrow to draw: from box, to box (indices), label.
type Flow = (usize, usize, String);

/// The target's flows: one per source/destination pair of its rules, ports
/// joined ("80/443"), and the data paths rules don't name.
fn flows(t: &TargetArchitecture, boxes: &[Rect], tr: &Tr) -> Vec<Flow> {
    let mut pairs: Vec<(String, String, Vec<u16>)> = Vec::new();
    for r in &t.rules {
        match pairs.iter_mut().find(|(s, d, _)| *s == r.source.key && *d == r.destination.key) {
            Some((_, _, ports)) => {
                if !ports.contains(&r.port) {
                    ports.push(r.port)
                }
            }
            None => pairs.push((r.source.key.clone(), r.destination.key.clone(), vec![r.port])),
        }
    }
    let mut out = Vec::new();
    for (s, d, mut ports) in pairs {
        let (Some(a), Some(b)) = (peer_box(boxes, &s), peer_box(boxes, &d)) else { continue };
        ports.sort_unstable();
        out.push((a, b, ports.iter().map(u16::to_string).collect::<Vec<_>>().join("/")));
    }
    let find = |key: &str| boxes.iter().position(|b| b.key == key);
    let say = |key: &str| tr.t(&format!("architecture.diagram.flow_{key}")).to_string();
    let mut extra = |a: Option<usize>, b: Option<usize>, label: String| {
        if let (Some(a), Some(b)) = (a, b) {
            out.push((a, b, label));
        }
    };
    extra(find("internet"), find("cloudfront"), "443".into());
    extra(find("cloudfront"), find("s3-static"), say("static"));
    extra(find("customer_network"), find("hybrid-link"), "VPN".into());
    extra(find("lambda"), find("dynamodb"), "IAM".into());
    for c in t.components.iter().filter(|c| c.kind == Kind::Rds && !c.standby) {
        let standby = format!("rds-standby-{}", c.key.trim_start_matches("rds-"));
        extra(find(&c.key), find(&standby), say("sync"));
        extra(find(&c.key), find("s3-backups"), say("backup"));
    }
    out
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

/// The landing zone: a VPC per environment (and the shared-services hub)
/// with its gateways, management path and the applications placed in it,
/// the Transit Gateway, the link to the customer's data centre, and the
/// shared logging, each drawn once.
pub fn landing_zone_layout(lz: &LandingZone, tr: &Tr) -> Diagram {
    let say = |key: &str| tr.t(&format!("architecture.diagram.{key}")).to_string();
    let mut boxes: Vec<Rect> = Vec::new();
    let region_x = PAD + DC_W + GAP * 2.0;
    let region_y = PAD + BOX_H + 3.0 * GAP;
    let side_x = WIDTH - PAD - BOX_W - 2.0 * PAD;
    let vpc_x = region_x + PAD;
    let vpc_w = side_x - GAP - vpc_x;
    let mut y = region_y + TITLE + 2.0 * GAP;
    let mut inner = Vec::new();
    let hub_spoke = lz.settings.topology == Topology::HubSpoke;
    let tgw = lz.global.iter().find(|c| c.kind == Kind::TransitGateway);
    // The landing zone's own parts are drawn plain here: they are what it is.
    let plain = |c: &Component, x: f64, y: f64| Rect { shared: false, ..component_box(c, x, y, BOX_W, tr) };
    if let Some(tgw) = tgw {
        inner.push(plain(tgw, vpc_x + vpc_w / 2.0 - BOX_W / 2.0, y));
        y += BOX_H + 2.0 * GAP;
    }
    for net in &lz.networks {
        let vpc_y = y;
        let title = match net.env {
            Some(Env::Production) => say("vpc_production"),
            Some(Env::NonProduction) => say("vpc_non_production"),
            None => say("vpc_hub"),
        };
        let col_w = (vpc_w - 3.0 * PAD) / 2.0;
        let col_x = [vpc_x + PAD, vpc_x + 2.0 * PAD + col_w];
        let mut yy = vpc_y + 2.0 * TITLE + 2.0 * PAD;
        // Public row: NAT gateway per AZ, the bastion in AZ a.
        let public: Vec<&Component> = net.components.iter().filter(|c| c.subnet == Subnet::Public && drawn(c)).collect();
        if !public.is_empty() {
            let mut cells = Vec::new();
            let mut row_h: f64 = 0.0;
            for (i, az) in [Az::A, Az::B].into_iter().enumerate() {
                let here: Vec<&Component> = public.iter().copied().filter(|c| c.az == az).collect();
                let mut placed = Vec::new();
                row_h = row_h.max(flow(&here, col_x[i] + PAD, yy + TITLE + PAD, col_w - 2.0 * PAD, tr, &mut placed));
                placed.iter_mut().for_each(|r| r.shared = false);
                cells.push(placed);
            }
            let cell_h = TITLE + row_h.max(BOX_H) + 2.0 * PAD;
            for (i, placed) in cells.into_iter().enumerate() {
                inner.push(Rect::container(say("public_subnet"), BoxKind::SubnetPublic, col_x[i], yy, col_w, cell_h));
                inner.extend(placed);
            }
            yy += cell_h + GAP;
        }
        // Private row across both AZs: the applications and the endpoints.
        let endpoints: Vec<&Component> = net.components.iter().filter(|c| c.kind == Kind::SessionManager).collect();
        if !net.applications.is_empty() || !endpoints.is_empty() {
            let x = vpc_x + PAD;
            let w = vpc_w - 2.0 * PAD;
            let mut placed = Vec::new();
            let mut used = flow(&endpoints, x + PAD, yy + TITLE + PAD, w - 2.0 * PAD, tr, &mut placed);
            placed.iter_mut().for_each(|r| r.shared = false);
            if !endpoints.is_empty() {
                used += GAP;
            }
            let per_line = (((w - 2.0 * PAD + GAP) / (BOX_W + GAP)).floor() as usize).max(1);
            let app_y = yy + TITLE + PAD + used;
            for (i, name) in net.applications.iter().enumerate() {
                let (row, col) = (i / per_line, i % per_line);
                placed.push(Rect {
                    x: x + PAD + col as f64 * (BOX_W + GAP),
                    y: app_y + row as f64 * (BOX_H + GAP),
                    w: BOX_W,
                    h: BOX_H,
                    label: if name.is_empty() { tr.t("architecture.unassigned").to_string() } else { name.clone() },
                    kind: BoxKind::Application,
                    detail: tr.fmt("architecture.diagram.application_detail", &[("n", &net.workloads.get(i).copied().unwrap_or(0))]),
                    key: format!("app:{name}"),
                    shared: false,
                });
            }
            let rows = net.applications.len().div_ceil(per_line) as f64;
            let apps_h = if net.applications.is_empty() { 0.0 } else { rows * (BOX_H + GAP) - GAP };
            let cell_h = TITLE + used + apps_h + 2.0 * PAD;
            inner.push(Rect::container(say("private_subnets"), BoxKind::SubnetPrivate, x, yy, w, cell_h));
            inner.extend(placed);
            yy += cell_h + GAP;
        }
        let vpc_h = yy - vpc_y + PAD;
        boxes.push(Rect::container(format!("{title} · {}", net.cidr), BoxKind::Vpc, vpc_x, vpc_y, vpc_w, vpc_h));
        for (i, az) in ["a", "b"].into_iter().enumerate() {
            boxes.push(Rect::container(
                tr.fmt("architecture.diagram.az", &[("az", &az)]),
                BoxKind::Az,
                col_x[i] - PAD / 2.0,
                vpc_y + TITLE + PAD,
                col_w + PAD,
                vpc_h - TITLE - 1.5 * PAD,
            ));
        }
        if let Some(igw) = net.components.iter().find(|c| c.kind == Kind::InternetGateway) {
            let mut r = plain(igw, vpc_x + vpc_w - BOX_W - 3.0 * PAD, vpc_y - BOX_H * 0.4);
            r.h = BOX_H * 0.8;
            inner.push(r);
        }
        // Where the link enters the VPC: its virtual private gateway, or its
        // Transit Gateway attachment; on the top edge, clear of the title.
        let (label, kind) = if hub_spoke { ("tgw_attachment", Kind::TransitGateway) } else { ("vgw", Kind::HybridLink) };
        inner.push(Rect {
            x: vpc_x + 260.0,
            y: vpc_y - BOX_H * 0.4,
            w: BOX_W,
            h: BOX_H * 0.8,
            label: say(label),
            kind: BoxKind::Component(kind),
            detail: String::new(),
            key: format!("{}-edge", net.short()),
            shared: false,
        });
        y = vpc_y + vpc_h + 2.0 * GAP;
    }
    // Shared operations down the right.
    let ops: Vec<&Component> =
        lz.global.iter().filter(|c| !matches!(c.kind, Kind::TransitGateway | Kind::HybridLink | Kind::DirectConnect)).collect();
    let mut side = Vec::new();
    let side_h = flow(&ops, side_x, region_y + TITLE + 2.0 * GAP, BOX_W, tr, &mut side);
    side.iter_mut().for_each(|r| r.shared = false);
    let region_h = (y - region_y).max(TITLE + 2.0 * GAP + side_h + PAD) + PAD;

    // The customer's data centre and the link on the left.
    let dc_x = PAD + PAD;
    let mut dc = vec![Rect::node(
        say("customer_network"),
        say("customer_network_detail"),
        BoxKind::CustomerNetwork,
        "customer_network",
        dc_x,
        region_y + TITLE + GAP,
    )];
    if let Some(link) = lz.global.iter().find(|c| matches!(c.kind, Kind::HybridLink | Kind::DirectConnect)) {
        dc.push(plain(link, dc_x, region_y + TITLE + 2.0 * GAP + BOX_H));
    }
    let users = Rect::node(say("users"), say("internet"), BoxKind::Users, "internet", vpc_x + vpc_w / 2.0 - BOX_W / 2.0, PAD);
    boxes.insert(0, Rect::container(say("data_centre"), BoxKind::DataCentre, PAD, region_y, DC_W, region_h));
    boxes.insert(
        1,
        Rect::container(
            format!("{} · {}", say("aws_cloud"), lz.region),
            BoxKind::Region,
            region_x,
            region_y,
            WIDTH - region_x - PAD,
            region_h,
        ),
    );
    boxes.push(users);
    boxes.extend(inner);
    boxes.extend(side);
    boxes.extend(dc);
    let height = boxes.iter().map(|b| b.y + b.h).fold(0.0, f64::max) + PAD;
    let mut d = Diagram { width: WIDTH, height, boxes, arrows: Vec::new() };

    // Flows: users to each internet gateway, the customer over the link to
    // each VPC (through the Transit Gateway in hub and spoke), administrators
    // to the bastions.
    let find = |key: &str| d.boxes.iter().position(|b| b.key == key);
    let mut flows: Vec<Flow> = Vec::new();
    let link = find("link");
    let link_label = match lz.global.iter().find(|c| c.key == "link").map(|c| c.kind) {
        Some(Kind::DirectConnect) => "Direct Connect",
        _ => "VPN",
    };
    if let (Some(c), Some(l)) = (find("customer_network"), link) {
        flows.push((c, l, link_label.into()));
    }
    for net in &lz.networks {
        let p = net.short();
        if let (Some(u), Some(g), Some(_)) = (find("internet"), find(&format!("{p}-igw")), net.env) {
            flows.push((u, g, "80/443".into()));
        }
        let from = if hub_spoke { find("tgw") } else { link };
        if let (Some(f), Some(v)) = (from, find(&format!("{p}-edge"))) {
            flows.push((f, v, String::new()));
        }
        if let (Some(c), Some(b)) =
            (find("customer_network"), net.components.iter().find(|c| c.kind == Kind::Bastion).and_then(|c| find(&c.key)))
        {
            let port = lz.rules.first().map(|r| r.port.to_string()).unwrap_or_else(|| "22".into());
            flows.push((c, b, port));
        }
    }
    if hub_spoke && let (Some(l), Some(t)) = (link, find("tgw")) {
        flows.push((l, t, String::new()));
    }
    d.arrows = route_all(&d, &flows);
    d
}

fn esc(s: &str) -> String {
    crate::error::html_escape(s)
}

/// `s` shortened with an ellipsis to fit `width` pixels of 11 px text
/// (Hangul and other wide characters take about twice a Latin letter).
fn clip(s: &str, width: f64) -> String {
    let w = |c: char| if c.is_ascii() { 6.6 } else { 11.4 };
    if s.chars().map(w).sum::<f64>() <= width {
        return s.to_string();
    }
    let mut used = w('…');
    let mut out = String::new();
    for c in s.chars() {
        used += w(c);
        if used > width {
            break;
        }
        out.push(c);
    }
    format!("{out}…")
}

/// A number as `{:.1}` writes it, without the formatter's exact path
/// (slow, and most of what an SVG page costs) unless the value sits on a
/// rounding tie.
struct D1(f64);

impl std::fmt::Display for D1 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tenths = self.0 * 10.0;
        // Away from a tie, rounding the product picks the digit the exact
        // decimal value rounds to; on a tie `{:.1}` rounds to even.
        if !tenths.is_finite() || tenths.abs() >= 1e15 || tenths - tenths.floor() == 0.5 {
            return write!(f, "{:.1}", self.0);
        }
        let r = tenths.round().abs() as u64;
        let sign = if self.0.is_sign_negative() { "-" } else { "" };
        write!(f, "{sign}{}.{}", r / 10, r % 10)
    }
}

/// The diagram as standalone SVG text (no external references); `title`
/// names it for screen readers.
pub fn svg(d: &Diagram, title: &str) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" role="img" font-family="NanumGothic, 'Noto Sans KR', Arial, sans-serif" font-size="11"><defs><marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#232f3e"/></marker></defs><title>{title}</title><rect x="0" y="0" width="{w:.0}" height="{h:.0}" fill="#ffffff"/>"##,
        w = d.width,
        h = d.height,
        title = esc(title)
    );
    for b in &d.boxes {
        let (stroke, fill) = b.kind.colours();
        if b.kind.is_container() {
            let dash = if matches!(b.kind, BoxKind::Az) { r#" stroke-dasharray="6 4""# } else { "" };
            let _ = write!(
                s,
                r##"<g class="container"><rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/><text x="{}" y="{}" fill="{stroke}" font-weight="bold">{}</text></g>"##,
                D1(b.x),
                D1(b.y),
                D1(b.w),
                D1(b.h),
                D1(b.x + 8.0),
                D1(b.y + 15.0),
                esc(&b.label)
            );
        } else {
            let cx = D1(b.centre().0);
            let (class, dash) = if b.shared { ("box shared", r#" stroke-dasharray="5 3""#) } else { ("box", "") };
            let _ = write!(
                s,
                r##"<g class="{class}" data-key="{}"><rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/><text x="{cx}" y="{}" text-anchor="middle" font-weight="bold" fill="#1b2430">{}</text><text x="{cx}" y="{}" text-anchor="middle" fill="#5b6675">{}</text></g>"##,
                esc(&b.key),
                D1(b.x),
                D1(b.y),
                D1(b.w),
                D1(b.h),
                D1(b.y + 18.0),
                esc(&clip(&b.label, b.w - 8.0)),
                D1(b.y + 34.0),
                esc(&clip(&b.detail, b.w - 8.0))
            );
        }
    }
    for a in &d.arrows {
        let points: Vec<String> = a.points.iter().map(|(x, y)| format!("{},{}", D1(*x), D1(*y))).collect();
        let _ = write!(
            s,
            r##"<g class="flow"><polyline points="{}" fill="none" stroke="#232f3e" stroke-width="1.2" marker-end="url(#arrowhead)"/>"##,
            points.join(" ")
        );
        if let Some((x, y, w, h)) = a.label_box {
            let _ = write!(
                s,
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#ffffff" stroke="#c9ced6" stroke-width="0.6" rx="2"/><text x="{}" y="{}" text-anchor="middle" fill="#232f3e" font-size="10">{}</text>"##,
                D1(x),
                D1(y),
                D1(w),
                D1(h),
                D1(x + w / 2.0),
                D1(y + h / 2.0 + 3.5),
                esc(&a.label)
            );
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod number_tests {
    use super::D1;

    #[test]
    fn coordinates_are_written_as_the_float_formatter_writes_them() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut values = vec![0.0, -0.0, 0.05, 0.15, 0.25, -0.25, 1.45, 2.5, 12.25, 24.6, 999.95, -3.04, 1e16, f64::NAN, f64::INFINITY];
        for _ in 0..200_000 {
            let n = next();
            values.push((n % 2_000_000) as f64 / 1000.0 - 1000.0);
            values.push((n % 40_000) as f64 / 100.0);
            values.push(f64::from_bits(0x4000_0000_0000_0000 | (n >> 12)) - 2.0);
            values.push((n % 300) as f64 * 6.2 + 6.0);
        }
        for v in values {
            assert_eq!(D1(v).to_string(), format!("{v:.1}"), "{v:e}");
        }
    }
}
