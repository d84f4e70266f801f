//! The landing-zone diagram: a VPC per environment (and the shared-services
//! hub) with its gateways, management path and the applications placed in
//! it, the Transit Gateway, the link to the customer's data centre and the
//! shared operations, each drawn once.

use super::{BOX_H, BOX_W, BoxKind, DC_W, Diagram, Flow, GAP, PAD, Rect, TITLE, WIDTH, component_box, drawn, flow, route_all, say};
use crate::architecture::landing_zone::{Env, LandingZone, NAMED, Network, Topology};
use crate::architecture::{Az, Component, Kind, Subnet};
use crate::i18n::{Tr, thousands};

/// The landing zone: a VPC per environment (and the shared-services hub)
/// with its gateways, management path and the applications placed in it,
/// the Transit Gateway, the link to the customer's data centre, and the
/// shared logging, each drawn once.
pub fn landing_zone_layout(lz: &LandingZone, tr: &Tr) -> Diagram {
    let f = Frame::new();
    let hub_spoke = lz.settings.topology == Topology::HubSpoke;
    let mut boxes: Vec<Rect> = Vec::new();
    let mut inner = Vec::new();
    let mut y = f.region_y + TITLE + 2.0 * GAP;
    if let Some(tgw) = lz.global.iter().find(|c| c.kind == Kind::TransitGateway) {
        inner.push(plain(tgw, f.vpc_x + f.vpc_w / 2.0 - BOX_W / 2.0, y, tr));
        y += BOX_H + 2.0 * GAP;
    }
    for net in &lz.networks {
        y = network(net, &f, y, hub_spoke, tr, &mut boxes, &mut inner);
    }
    // Shared operations down the right.
    let ops: Vec<&Component> =
        lz.global.iter().filter(|c| !matches!(c.kind, Kind::TransitGateway | Kind::HybridLink | Kind::DirectConnect)).collect();
    let mut side = Vec::new();
    let side_h = flow(&ops, f.side_x, f.region_y + TITLE + 2.0 * GAP, BOX_W, tr, &mut side);
    side.iter_mut().for_each(|r| r.shared = false);
    let region_h = (y - f.region_y).max(TITLE + 2.0 * GAP + side_h + PAD) + PAD;

    // The customer's data centre and the link on the left.
    let dc_x = PAD + PAD;
    let mut dc = vec![Rect::node(
        say(tr, "customer_network"),
        say(tr, "customer_network_detail"),
        BoxKind::CustomerNetwork,
        "customer_network",
        dc_x,
        f.region_y + TITLE + GAP,
    )];
    if let Some(link) = lz.global.iter().find(|c| matches!(c.kind, Kind::HybridLink | Kind::DirectConnect)) {
        dc.push(plain(link, dc_x, f.region_y + TITLE + 2.0 * GAP + BOX_H, tr));
    }
    let users = Rect::node(say(tr, "users"), say(tr, "internet"), BoxKind::Users, "internet", f.vpc_x + f.vpc_w / 2.0 - BOX_W / 2.0, PAD);
    boxes.insert(0, Rect::container(say(tr, "data_centre"), BoxKind::DataCentre, PAD, f.region_y, DC_W, region_h));
    boxes.insert(
        1,
        Rect::container(
            format!("{} · {}", say(tr, "aws_cloud"), lz.region),
            BoxKind::Region,
            f.region_x,
            f.region_y,
            WIDTH - f.region_x - PAD,
            region_h,
        ),
    );
    boxes.push(users);
    boxes.extend(inner);
    boxes.extend(side);
    boxes.extend(dc);
    let height = boxes.iter().map(|b| b.y + b.h).fold(0.0, f64::max) + PAD;
    let mut d = Diagram { width: WIDTH, height, boxes, arrows: Vec::new() };
    let flows = flows(lz, &d, hub_spoke);
    d.arrows = route_all(&d, &flows);
    d
}

/// Where the landing zone's region, VPCs, AZ columns and shared operations go.
struct Frame {
    region_x: f64,
    region_y: f64,
    side_x: f64,
    vpc_x: f64,
    vpc_w: f64,
    col_w: f64,
    col_x: [f64; 2],
}

impl Frame {
    fn new() -> Frame {
        let region_x = PAD + DC_W + GAP * 2.0;
        let region_y = PAD + BOX_H + 3.0 * GAP;
        let side_x = WIDTH - PAD - BOX_W - 2.0 * PAD;
        let vpc_x = region_x + PAD;
        let vpc_w = side_x - GAP - vpc_x;
        let col_w = (vpc_w - 3.0 * PAD) / 2.0;
        let col_x = [vpc_x + PAD, vpc_x + 2.0 * PAD + col_w];
        Frame { region_x, region_y, side_x, vpc_x, vpc_w, col_w, col_x }
    }
}

/// The landing zone's own parts are drawn plain here: they are what it is.
fn plain(c: &Component, x: f64, y: f64, tr: &Tr) -> Rect {
    Rect { shared: false, ..component_box(c, x, y, BOX_W, tr) }
}

/// One VPC from `y`: its rows, its frame with the AZ columns, the internet
/// gateway and where the link enters; returns where the next one starts.
fn network(net: &Network, f: &Frame, y: f64, hub_spoke: bool, tr: &Tr, boxes: &mut Vec<Rect>, inner: &mut Vec<Rect>) -> f64 {
    let (vpc_x, vpc_w, col_w, col_x) = (f.vpc_x, f.vpc_w, f.col_w, f.col_x);
    let vpc_y = y;
    let title = match net.env {
        Some(Env::Production) => say(tr, "vpc_production"),
        Some(Env::NonProduction) => say(tr, "vpc_non_production"),
        None => say(tr, "vpc_hub"),
    };
    let mut yy = vpc_y + 2.0 * TITLE + 2.0 * PAD;
    yy = public_row(net, f, yy, tr, inner);
    yy = private_row(net, f, yy, tr, inner);
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
        let mut r = plain(igw, vpc_x + vpc_w - BOX_W - 3.0 * PAD, vpc_y - BOX_H * 0.4, tr);
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
        label: say(tr, label),
        kind: BoxKind::Component(kind),
        detail: String::new(),
        key: format!("{}-edge", net.short()),
        shared: false,
    });
    vpc_y + vpc_h + 2.0 * GAP
}

/// Public row: NAT gateway per AZ, the bastion in AZ a; returns where the
/// next row starts.
fn public_row(net: &Network, f: &Frame, yy: f64, tr: &Tr, inner: &mut Vec<Rect>) -> f64 {
    let (col_w, col_x) = (f.col_w, f.col_x);
    let public: Vec<&Component> = net.components.iter().filter(|c| c.subnet == Subnet::Public && drawn(c)).collect();
    if public.is_empty() {
        return yy;
    }
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
        inner.push(Rect::container(say(tr, "public_subnet"), BoxKind::SubnetPublic, col_x[i], yy, col_w, cell_h));
        inner.extend(placed);
    }
    yy + cell_h + GAP
}

/// Private row across both AZs: the applications and the endpoints; returns
/// where the next row starts.
fn private_row(net: &Network, f: &Frame, yy: f64, tr: &Tr, inner: &mut Vec<Rect>) -> f64 {
    let endpoints: Vec<&Component> = net.components.iter().filter(|c| c.kind == Kind::SessionManager).collect();
    if net.placed == 0 && endpoints.is_empty() {
        return yy;
    }
    let x = f.vpc_x + PAD;
    let w = f.vpc_w - 2.0 * PAD;
    let mut placed = Vec::new();
    let mut used = flow(&endpoints, x + PAD, yy + TITLE + PAD, w - 2.0 * PAD, tr, &mut placed);
    placed.iter_mut().for_each(|r| r.shared = false);
    if !endpoints.is_empty() {
        used += GAP;
    }
    let per_line = (((w - 2.0 * PAD + GAP) / (BOX_W + GAP)).floor() as usize).max(1);
    let app_y = yy + TITLE + PAD + used;
    // More than a reader can take in, or not named: one box says how many.
    let counted = net.placed > NAMED || net.applications.len() != net.placed;
    if counted {
        placed.push(Rect {
            x: x + PAD,
            y: app_y,
            w: BOX_W,
            h: BOX_H,
            label: tr.fmt("landing_zone.applications", &[("n", &thousands(net.placed))]),
            kind: BoxKind::Application,
            detail: tr.fmt("architecture.diagram.application_detail", &[("n", &thousands(net.placed_workloads))]),
            key: format!("apps:{}", net.short()),
            shared: false,
        });
    }
    let names: &[String] = if counted { &[] } else { &net.applications };
    for (i, name) in names.iter().enumerate() {
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
    let rows = if counted { 1 } else { names.len().div_ceil(per_line) } as f64;
    let apps_h = if net.placed == 0 { 0.0 } else { rows * (BOX_H + GAP) - GAP };
    let cell_h = TITLE + used + apps_h + 2.0 * PAD;
    inner.push(Rect::container(say(tr, "private_subnets"), BoxKind::SubnetPrivate, x, yy, w, cell_h));
    inner.extend(placed);
    yy + cell_h + GAP
}

/// Flows: users to each internet gateway, the customer over the link to
/// each VPC (through the Transit Gateway in hub and spoke), administrators
/// to the bastions.
fn flows(lz: &LandingZone, d: &Diagram, hub_spoke: bool) -> Vec<Flow> {
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
    flows
}
