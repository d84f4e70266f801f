//! One application's diagram: region, VPC with two AZ columns and three
//! subnet rows, regional services, the customer's data centre, and the
//! flows its security-group rules allow.

use super::{
    BOX_H, BOX_W, BoxKind, DC_W, Diagram, Flow, GAP, KeptArrows, PAD, Rect, SIDE_W, TITLE, WIDTH, component_box, drawn, flow,
    route_or_kept, say,
};
use crate::architecture::{Az, Component, Kind, Subnet, TargetArchitecture, Tier};
use crate::i18n::{Lang, Tr};

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
    layout_kept(t, tr, None).0
}

/// `layout_in` with the arrows `kept` when they were routed for the same
/// boxes and flows, and the fingerprint to keep its arrows by
/// (db::architecture keeps them when it derives the application's summary).
pub fn layout_kept(t: &TargetArchitecture, tr: &Tr, kept: Option<KeptArrows>) -> (Diagram, u64) {
    let parts = Parts::of(t);
    let f = Frame::new(parts.needs_customer, !parts.vpc_items.is_empty());
    let (users, edge_boxes) = top_band(&f, &parts.edge, tr);
    let mut inner = Vec::new();
    let vpc_h = vpc_rows(t, &f, &parts.vpc_items, tr, &mut inner);
    let (side, side_y, side_h) = regional_services(t, &f, &parts.regional, tr);
    let region_h = (f.vpc_y - f.region_y + vpc_h).max(side_y - f.region_y + side_h) + 2.0 * PAD;
    let (dc_boxes, dc_h) = if f.dc { data_centre(&f, &parts.on_prem, tr) } else { (Vec::new(), 0.0) };

    let mut boxes = Vec::new();
    // Users only where something is reachable from the internet.
    if t.has(Kind::CloudFront) || t.rules.iter().any(|r| r.source.key == "internet") {
        boxes.push(users);
    }
    boxes.extend(edge_boxes);
    boxes.extend(containers(t, &f, vpc_h, region_h, dc_h, tr));
    boxes.extend(inner);
    boxes.extend(side);
    boxes.extend(dc_boxes);

    let height = boxes.iter().map(|b| b.y + b.h).fold(0.0, f64::max) + PAD;
    let mut d = Diagram { width: WIDTH, height, boxes, arrows: Vec::new() };
    let flows = flows(t, &d.boxes, tr);
    let (arrows, fingerprint) = route_or_kept(&d, &flows, kept);
    d.arrows = arrows;
    (d, fingerprint)
}

/// A target's drawn components by where they go in the diagram.
struct Parts<'a> {
    /// Retained and retired servers, in the customer's data centre.
    on_prem: Vec<&'a Component>,
    /// CloudFront and SaaS, in the top band.
    edge: Vec<&'a Component>,
    /// In a subnet of the VPC.
    vpc_items: Vec<&'a Component>,
    /// Regional services, down the right.
    regional: Vec<&'a Component>,
    /// Whether the customer's data centre is drawn.
    needs_customer: bool,
}

impl<'a> Parts<'a> {
    fn of(t: &'a TargetArchitecture) -> Parts<'a> {
        let comps: Vec<&Component> = t.components.iter().filter(|c| drawn(c)).collect();
        let on_prem: Vec<&Component> =
            comps.iter().copied().filter(|c| matches!(c.kind, Kind::OnPremServer | Kind::Decommission)).collect();
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
        Parts { on_prem, edge, vpc_items, regional, needs_customer }
    }
}

/// Where a target's region, VPC, AZ columns and regional services go.
struct Frame {
    /// The customer's data centre is drawn on the left.
    dc: bool,
    /// There is a VPC.
    vpc: bool,
    region_x: f64,
    region_y: f64,
    region_w: f64,
    side_x: f64,
    side_w: f64,
    vpc_x: f64,
    vpc_y: f64,
    vpc_w: f64,
    col_w: f64,
    col_x: [f64; 2],
}

impl Frame {
    fn new(dc: bool, vpc: bool) -> Frame {
        let region_x = if dc { PAD + DC_W + GAP * 2.0 } else { PAD };
        let region_w = WIDTH - region_x - PAD;
        let side_x = if vpc { region_x + region_w - SIDE_W - PAD } else { region_x + PAD };
        let side_w = if vpc { SIDE_W } else { region_w - 2.0 * PAD };
        let region_y = PAD + BOX_H + 3.0 * GAP;
        let vpc_x = region_x + PAD;
        let vpc_w = side_x - GAP - vpc_x;
        let vpc_y = region_y + TITLE + 2.0 * GAP;
        let col_w = (vpc_w - 3.0 * PAD) / 2.0;
        let col_x = [vpc_x + PAD, vpc_x + 2.0 * PAD + col_w];
        Frame { dc, vpc, region_x, region_y, region_w, side_x, side_w, vpc_x, vpc_y, vpc_w, col_w, col_x }
    }
}

/// Top band: users, CloudFront / SaaS.
fn top_band(f: &Frame, edge: &[&Component], tr: &Tr) -> (Rect, Vec<Rect>) {
    let top = PAD;
    let users = Rect::node(
        say(tr, "users"),
        say(tr, "internet"),
        BoxKind::Users,
        "internet",
        if f.vpc { f.region_x + (f.side_x - f.region_x) / 2.0 - BOX_W / 2.0 } else { f.region_x + PAD },
        top,
    );
    let mut edge_x = users.x + BOX_W + GAP * 3.0;
    let mut edge_boxes = Vec::new();
    for c in edge {
        edge_boxes.push(component_box(c, edge_x.min(WIDTH - PAD - BOX_W), top, BOX_W, tr));
        edge_x += BOX_W + GAP;
    }
    (users, edge_boxes)
}

/// VPC: two AZ columns, three rows, and the internet gateway on its edge;
/// returns the VPC's height (0 without one).
fn vpc_rows(t: &TargetArchitecture, f: &Frame, vpc_items: &[&Component], tr: &Tr, inner: &mut Vec<Rect>) -> f64 {
    let (vpc_x, vpc_w, vpc_y, col_w, col_x) = (f.vpc_x, f.vpc_w, f.vpc_y, f.col_w, f.col_x);
    let mut y = vpc_y + TITLE + 2.0 * PAD;
    if !f.vpc {
        return 0.0;
    }
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
            0 => (say(tr, "public_subnet"), BoxKind::SubnetPublic),
            1 => (say(tr, "private_app"), BoxKind::SubnetPrivate),
            _ => (say(tr, "private_data"), BoxKind::SubnetPrivate),
        };
        for (i, placed) in cells.into_iter().enumerate() {
            inner.push(Rect::container(label.clone(), kind, col_x[i], y, col_w, cell_h));
            inner.extend(placed);
        }
        y += cell_h + GAP * 2.0;
    }
    if let Some(igw) = t.components.iter().find(|c| c.kind == Kind::InternetGateway) {
        // On the VPC's top edge, off-centre, clear of the users' column.
        let mut r = component_box(igw, vpc_x + vpc_w - BOX_W - 3.0 * PAD, vpc_y - BOX_H * 0.4, BOX_W, tr);
        r.h = BOX_H * 0.8;
        inner.push(r);
    }
    y - vpc_y
}

/// Regional services down the right (or across the region without a VPC),
/// with the legend of shared parts; returns the boxes, their top and height.
fn regional_services(t: &TargetArchitecture, f: &Frame, regional: &[&Component], tr: &Tr) -> (Vec<Rect>, f64, f64) {
    let mut side = Vec::new();
    let side_y = if f.vpc { f.vpc_y } else { f.region_y + TITLE + GAP };
    let mut side_h = flow(regional, f.side_x + GAP, side_y, f.side_w - GAP, tr, &mut side);
    // Dashed parts come from the landing zone: say so once, under the services.
    if t.components.iter().any(|c| c.shared && drawn(c)) {
        let y = side_y + side_h + if side_h > 0.0 { GAP } else { 0.0 };
        side.push(Rect {
            x: f.side_x + GAP,
            y,
            w: BOX_W,
            h: BOX_H,
            label: say(tr, "legend_shared"),
            kind: BoxKind::Legend,
            detail: say(tr, "legend_shared_detail"),
            key: "legend".into(),
            shared: true,
        });
        side_h = y + BOX_H - side_y;
    }
    (side, side_y, side_h)
}

/// Customer data centre on the left: its network and the servers that stay
/// or are retired; returns the boxes and the height they need.
fn data_centre(f: &Frame, on_prem: &[&Component], tr: &Tr) -> (Vec<Rect>, f64) {
    let mut dc_boxes = Vec::new();
    let x = PAD + PAD;
    let mut yy = f.region_y + TITLE + GAP;
    dc_boxes.push(Rect {
        x,
        y: yy,
        w: BOX_W,
        h: BOX_H,
        label: say(tr, "customer_network"),
        kind: BoxKind::CustomerNetwork,
        detail: say(tr, "customer_network_detail"),
        key: "customer_network".into(),
        shared: false,
    });
    yy += BOX_H + GAP;
    let used = flow(on_prem, x, yy, BOX_W, tr, &mut dc_boxes);
    let dc_h = yy + used - f.region_y + PAD;
    (dc_boxes, dc_h)
}

/// The frames: data centre, region, VPC and its AZ columns.
fn containers(t: &TargetArchitecture, f: &Frame, vpc_h: f64, region_h: f64, dc_h: f64, tr: &Tr) -> Vec<Rect> {
    let mut boxes = Vec::new();
    if f.dc {
        boxes.push(Rect::container(say(tr, "data_centre"), BoxKind::DataCentre, PAD, f.region_y, DC_W, dc_h.max(region_h)));
    }
    boxes.push(Rect::container(
        format!("{} · {}", say(tr, "aws_cloud"), t.region),
        BoxKind::Region,
        f.region_x,
        f.region_y,
        f.region_w,
        region_h,
    ));
    if f.vpc {
        let az_y = f.vpc_y + TITLE + PAD;
        let shared = t.components.iter().any(|c| c.shared && c.subnet != Subnet::None);
        let title = if shared { format!("VPC ({})", tr.t("landing_zone.shared")) } else { "VPC".into() };
        boxes.push(Rect::container(title, BoxKind::Vpc, f.vpc_x, f.vpc_y, f.vpc_w, vpc_h));
        for (i, az) in ["a", "b"].into_iter().enumerate() {
            boxes.push(Rect::container(
                tr.fmt("architecture.diagram.az", &[("az", &az)]),
                BoxKind::Az,
                f.col_x[i] - PAD / 2.0,
                az_y,
                f.col_w + PAD,
                f.vpc_y + vpc_h - az_y - PAD / 2.0,
            ));
        }
    }
    boxes
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
