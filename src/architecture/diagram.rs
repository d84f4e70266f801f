//! The architecture diagram: a pure layout model (boxes, arrows, labels in
//! pixels, origin top-left) built from a target, and its SVG text. The PDF
//! draws the same `Diagram` with its own operations (scale and flip y).

use serde::Serialize;

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
            BoxKind::Component(k) => match k {
                Kind::Ec2 | Kind::EcsFargate | Kind::Lambda | Kind::Bastion => ("#ed7100", "#fdf0e4"),
                Kind::Rds | Kind::DynamoDb => ("#3b48cc", "#eceefb"),
                Kind::S3 | Kind::Archive => ("#3f8624", "#edf5ea"),
                Kind::Alb | Kind::CloudFront | Kind::InternetGateway | Kind::NatGateway | Kind::HybridLink | Kind::ApiGateway => {
                    ("#8c4fff", "#f3edff")
                }
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
}

impl Rect {
    fn centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// An allowed flow drawn as an arrow with its port(s).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Arrow {
    pub from: (f64, f64),
    pub to: (f64, f64),
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagram {
    pub width: f64,
    pub height: f64,
    pub boxes: Vec<Rect>,
    pub arrows: Vec<Arrow>,
}

const WIDTH: f64 = 1100.0;
const PAD: f64 = 12.0;
const BOX_W: f64 = 168.0;
const BOX_H: f64 = 44.0;
const GAP: f64 = 10.0;
const TITLE: f64 = 22.0;
const SIDE_W: f64 = 2.0 * BOX_W + 3.0 * GAP;
const DC_W: f64 = BOX_W + 2.0 * PAD;
const LABEL_CHARS: usize = 27;

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
        } else if title(c, tr) != c.kind.service_name() {
            parts.push(c.kind.service_name().to_string());
        }
    }
    parts.join(" · ")
}

fn title(c: &Component, tr: &Tr) -> String {
    match c.kind {
        Kind::Ec2 | Kind::Rds | Kind::OnPremServer | Kind::Decommission | Kind::EcsFargate | Kind::Alb => c.display_label(tr),
        _ => c.kind.service_name().to_string(),
    }
}

/// Whether a component is drawn as its own box (NACLs and IAM roles are
/// properties of subnets and hosts, listed in the tables instead).
fn drawn(c: &Component) -> bool {
    !matches!(c.kind, Kind::Nacl | Kind::IamRole)
}

fn component_box(c: &Component, x: f64, y: f64, w: f64, tr: &Tr) -> Rect {
    Rect { x, y, w, h: BOX_H, label: title(c, tr), kind: BoxKind::Component(c.kind), detail: detail(c, tr), key: c.key.clone() }
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
    let users = Rect {
        x: if vpc { region_x + (side_x - region_x) / 2.0 - BOX_W / 2.0 } else { region_x + PAD },
        y: top,
        w: BOX_W,
        h: BOX_H,
        label: say("users"),
        kind: BoxKind::Users,
        detail: say("internet"),
        key: "internet".into(),
    };
    let mut edge_x = users.x + BOX_W + GAP * 3.0;
    let mut edge_boxes = Vec::new();
    for c in &edge {
        edge_boxes.push(component_box(c, edge_x.min(WIDTH - PAD - BOX_W), top, BOX_W, tr));
        edge_x += BOX_W + GAP;
    }
    let region_y = top + BOX_H + 3.0 * GAP + 10.0;

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
                let used = flow(&here, col_x[i] + PAD, y + TITLE, col_w - 2.0 * PAD, tr, &mut placed);
                row_h = row_h.max(used);
                cells.push(placed);
            }
            let cell_h = TITLE + row_h.max(BOX_H) + PAD;
            let (label, kind) = match row {
                0 => (say("public_subnet"), BoxKind::SubnetPublic),
                1 => (say("private_app"), BoxKind::SubnetPrivate),
                _ => (say("private_data"), BoxKind::SubnetPrivate),
            };
            for (i, placed) in cells.into_iter().enumerate() {
                inner.push(Rect {
                    x: col_x[i],
                    y,
                    w: col_w,
                    h: cell_h,
                    label: label.clone(),
                    kind,
                    detail: String::new(),
                    key: String::new(),
                });
                inner.extend(placed);
            }
            y += cell_h + GAP * 2.0;
        }
    }
    let vpc_h = if vpc { y - vpc_y } else { 0.0 };

    // Regional services down the right (or across the region without a VPC).
    let mut side = Vec::new();
    let side_y = if vpc { vpc_y } else { region_y + TITLE + GAP };
    let side_h = flow(&regional, side_x + GAP, side_y, side_w - GAP, tr, &mut side);
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
        boxes.push(Rect {
            x: PAD,
            y: region_y,
            w: DC_W,
            h: dc_h.max(region_h),
            label: say("data_centre"),
            kind: BoxKind::DataCentre,
            detail: String::new(),
            key: String::new(),
        });
    }
    boxes.push(Rect {
        x: region_x,
        y: region_y,
        w: region_w,
        h: region_h,
        label: format!("{} · {}", say("aws_cloud"), t.region),
        kind: BoxKind::Region,
        detail: String::new(),
        key: String::new(),
    });
    if vpc {
        boxes.push(Rect {
            x: vpc_x,
            y: vpc_y,
            w: vpc_w,
            h: vpc_h,
            label: "VPC".into(),
            kind: BoxKind::Vpc,
            detail: String::new(),
            key: String::new(),
        });
        for (i, az) in ["a", "b"].into_iter().enumerate() {
            boxes.push(Rect {
                x: col_x[i] - PAD / 2.0,
                y: az_y,
                w: col_w + PAD,
                h: vpc_y + vpc_h - az_y - PAD / 2.0,
                label: tr.fmt("architecture.diagram.az", &[("az", &az)]),
                kind: BoxKind::Az,
                detail: String::new(),
                key: String::new(),
            });
        }
        if let Some(igw) = t.components.iter().find(|c| c.kind == Kind::InternetGateway) {
            // Off-centre, so the users' arrow down the middle stays clear.
            let mut r = component_box(igw, vpc_x + vpc_w - BOX_W - 3.0 * PAD, vpc_y - BOX_H / 2.0, BOX_W, tr);
            r.h = BOX_H * 0.8;
            inner.push(r);
        }
    }
    boxes.extend(inner);
    boxes.extend(side);
    boxes.extend(dc_boxes);

    let height = boxes.iter().map(|b| b.y + b.h).fold(0.0, f64::max) + PAD;
    let arrows = arrows(t, &boxes);
    Diagram { width: WIDTH, height, boxes, arrows }
}

/// The box a security-group peer is drawn as.
fn peer_box<'a>(boxes: &'a [Rect], peer: &str) -> Option<&'a Rect> {
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
    candidates.iter().find_map(|k| boxes.iter().find(|b| &b.key == k))
}

/// From the edge of `a` facing `b` to the edge of `b` facing `a`, moved
/// sideways by `offset` (kept inside both boxes) so parallel flows between
/// stacked boxes do not draw over each other.
fn connect(a: &Rect, b: &Rect, offset: f64) -> ((f64, f64), (f64, f64)) {
    let (ac, bc) = (a.centre(), b.centre());
    let along_x = |r: &Rect, x: f64| x.clamp(r.x + 8.0, r.x + r.w - 8.0);
    let along_y = |r: &Rect, y: f64| y.clamp(r.y + 6.0, r.y + r.h - 6.0);
    if b.y >= a.y + a.h {
        ((along_x(a, ac.0 + offset), a.y + a.h), (along_x(b, bc.0 + offset), b.y))
    } else if a.y >= b.y + b.h {
        ((along_x(a, ac.0 + offset), a.y), (along_x(b, bc.0 + offset), b.y + b.h))
    } else if b.x >= a.x + a.w {
        ((a.x + a.w, along_y(a, ac.1 + offset / 2.0)), (b.x, along_y(b, bc.1 + offset / 2.0)))
    } else {
        ((a.x, along_y(a, ac.1 + offset / 2.0)), (b.x + b.w, along_y(b, bc.1 + offset / 2.0)))
    }
}

/// 0, +18, -18, +36, -36...: the offset of the n-th flow at a box.
fn slot(n: usize) -> f64 {
    let step = n.div_ceil(2) as f64 * 18.0;
    if n % 2 == 1 { step } else { -step }
}

fn arrows(t: &TargetArchitecture, boxes: &[Rect]) -> Vec<Arrow> {
    // One arrow per source/destination pair, its ports joined ("80/443").
    let mut pairs: Vec<(String, String, Vec<String>)> = Vec::new();
    for r in &t.rules {
        let port = r.port.to_string();
        match pairs.iter_mut().find(|(s, d, _)| *s == r.source.key && *d == r.destination.key) {
            Some((_, _, ports)) => {
                if !ports.contains(&port) {
                    ports.push(port)
                }
            }
            None => pairs.push((r.source.key.clone(), r.destination.key.clone(), vec![port])),
        }
    }
    let mut out = Vec::new();
    let mut at_box: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (s, d, mut ports) in pairs {
        let (Some(a), Some(b)) = (peer_box(boxes, &s), peer_box(boxes, &d)) else { continue };
        ports.sort_by_key(|p| p.parse::<u32>().unwrap_or(0));
        let n = at_box.get(&a.key).copied().unwrap_or(0).max(at_box.get(&b.key).copied().unwrap_or(0));
        *at_box.entry(a.key.clone()).or_default() += 1;
        *at_box.entry(b.key.clone()).or_default() += 1;
        let (from, to) = connect(a, b, slot(n));
        out.push(Arrow { from, to, label: ports.join("/") });
    }
    let find = |key: &str| boxes.iter().find(|b| b.key == key);
    let mut extra = |a: Option<&Rect>, b: Option<&Rect>, label: &str| {
        if let (Some(a), Some(b)) = (a, b) {
            let (from, to) = connect(a, b, 0.0);
            out.push(Arrow { from, to, label: label.into() });
        }
    };
    extra(find("internet"), find("cloudfront"), "443");
    extra(find("cloudfront"), find("s3-static"), "static");
    extra(find("customer_network"), find("hybrid-link"), "VPN");
    extra(find("lambda"), find("dynamodb"), "IAM");
    for c in t.components.iter().filter(|c| c.kind == Kind::Rds && !c.standby) {
        let standby = format!("rds-standby-{}", c.key.trim_start_matches("rds-"));
        extra(find(&c.key), find(&standby), "sync");
        extra(find(&c.key), find("s3-backups"), "backup");
    }
    out
}

fn esc(s: &str) -> String {
    crate::error::html_escape(s)
}

fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_string() } else { format!("{}…", s.chars().take(max - 1).collect::<String>()) }
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
            let _ = write!(
                s,
                r##"<g class="box" data-key="{}"><rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/><text x="{cx}" y="{}" text-anchor="middle" font-weight="bold" fill="#1b2430">{}</text><text x="{cx}" y="{}" text-anchor="middle" fill="#5b6675">{}</text></g>"##,
                esc(&b.key),
                D1(b.x),
                D1(b.y),
                D1(b.w),
                D1(b.h),
                D1(b.y + 18.0),
                esc(&clip(&b.label, LABEL_CHARS.max((b.w / 6.2) as usize))),
                D1(b.y + 34.0),
                esc(&clip(&b.detail, LABEL_CHARS.max((b.w / 6.2) as usize)))
            );
        }
    }
    for a in &d.arrows {
        let (mx, my) = ((a.from.0 + a.to.0) / 2.0, (a.from.1 + a.to.1) / 2.0);
        let lw = a.label.chars().count() as f64 * 6.2 + 6.0;
        let (x, label_w) = (D1(mx - lw / 2.0), D1(lw));
        let _ = write!(
            s,
            r##"<g class="flow"><line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#232f3e" stroke-width="1.2" marker-end="url(#arrowhead)"/><rect x="{}" y="{}" width="{label_w}" height="14" fill="#ffffff" opacity="0.9"/><text x="{}" y="{}" text-anchor="middle" fill="#232f3e" font-size="10">{}</text></g>"##,
            D1(a.from.0),
            D1(a.from.1),
            D1(a.to.0),
            D1(a.to.1),
            x,
            D1(my - 7.0),
            D1(mx),
            D1(my + 4.0),
            esc(&a.label)
        );
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
