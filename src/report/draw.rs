//! Charts and the architecture diagram, drawn with page operations (no SVG
//! rendering): bars for the 6R distribution and the TCO comparison, boxes,
//! frames and arrows for the diagram.

use super::layout::{ACCENT, BLACK, CONTENT_W, Doc, Face, GREY, MARGIN_X, RULE, Rgb8};
use super::model::Diagram;

/// One bar of a horizontal bar chart.
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// Printed after the bar ("3 (60%)", "$12,000").
    pub value_text: String,
    pub fill: Rgb8,
}

/// A horizontal bar chart: labels on the left, bars scaled to the largest value.
pub fn bar_chart(doc: &mut Doc, bars: &[Bar]) {
    let size = 9.0;
    let row_h = 18.0;
    let label_w = bars.iter().map(|b| doc.text_width(&b.label, Face::Regular, size)).fold(60.0_f32, f32::max).min(CONTENT_W * 0.35) + 8.0;
    let value_w = bars.iter().map(|b| doc.text_width(&b.value_text, Face::Regular, size)).fold(0.0_f32, f32::max) + 8.0;
    let bar_max = CONTENT_W - label_w - value_w;
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    doc.ensure(row_h * bars.len() as f32 + 10.0);
    let top = doc.y + 4.0;
    for (i, b) in bars.iter().enumerate() {
        let y = top + i as f32 * row_h;
        doc.text_at(MARGIN_X, y + row_h * 0.65, &b.label, Face::Regular, size, BLACK);
        let w = if max > 0.0 { (b.value / max) as f32 * bar_max } else { 0.0 };
        if w > 0.0 {
            doc.rect(MARGIN_X + label_w, y + 3.0, w.max(1.5), row_h - 6.0, Some(b.fill), None);
        }
        doc.text_at(MARGIN_X + label_w + w + 4.0, y + row_h * 0.65, &b.value_text, Face::Regular, size, GREY);
    }
    let axis_x = MARGIN_X + label_w;
    doc.line(axis_x, top, axis_x, top + row_h * bars.len() as f32, RULE, 0.8);
    doc.y = top + row_h * bars.len() as f32 + 10.0;
}

/// Fill colours per diagram box kind; unknown kinds get a neutral fill.
fn box_fill(kind: &str) -> Rgb8 {
    let k = kind.to_lowercase();
    if k.contains("public") {
        Rgb8(0xe6, 0xf4, 0xea)
    } else if k.contains("private") {
        Rgb8(0xe8, 0xf0, 0xfb)
    } else if k.contains("db") || k.contains("rds") || k.contains("database") {
        Rgb8(0xd6, 0xe4, 0xf7)
    } else if k.contains("bastion") || k.contains("security") {
        Rgb8(0xfd, 0xec, 0xd2)
    } else if k.contains("s3") || k.contains("storage") || k.contains("cloudfront") {
        Rgb8(0xe9, 0xf5, 0xdb)
    } else {
        Rgb8(0xf3, 0xf4, 0xf6)
    }
}

fn contains(outer: &super::model::DiagramRect, inner: &super::model::DiagramRect) -> bool {
    !std::ptr::eq(outer, inner)
        && inner.x >= outer.x
        && inner.y >= outer.y
        && inner.x + inner.w <= outer.x + outer.w
        && inner.y + inner.h <= outer.y + outer.h
}

/// Draws `d` scaled into the content width (and at most `max_h` points high),
/// starting at the current line. Boxes holding other boxes (region, VPC, AZ,
/// subnet) are frames with their label in the corner; the rest are filled
/// boxes with a centred label. Arrows join the nearest sides of their boxes.
pub fn diagram(doc: &mut Doc, d: &Diagram, max_h: f32) {
    let finite = |v: f32| v.is_finite();
    let sane = d.width > 0.0
        && d.height > 0.0
        && finite(d.width)
        && finite(d.height)
        && d.boxes.iter().all(|b| [b.x, b.y, b.w, b.h].into_iter().all(finite));
    if !sane || d.boxes.is_empty() {
        return;
    }
    let scale = (CONTENT_W / d.width).min(max_h / d.height);
    let height = d.height * scale;
    doc.ensure(height + 8.0);
    let (ox, oy) = (MARGIN_X, doc.y + 4.0);
    let map = |x: f32, y: f32| (ox + x * scale, oy + y * scale);

    // Frames from the largest down, so inner frames and boxes paint on top.
    let mut order: Vec<usize> = (0..d.boxes.len()).collect();
    order.sort_by(|a, b| (d.boxes[*b].w * d.boxes[*b].h).total_cmp(&(d.boxes[*a].w * d.boxes[*a].h)));
    let label_size = (8.0 * scale.max(0.6)).clamp(5.5, 9.0);
    for i in order {
        let r = &d.boxes[i];
        let frame = d.boxes.iter().any(|o| contains(r, o));
        let (x, y) = map(r.x, r.y);
        let (w, h) = (r.w * scale, r.h * scale);
        if frame {
            doc.rect(x, y, w, h, Some(box_fill(&r.kind)), Some(Rgb8(0x8c, 0x95, 0x9f)));
            let label = fit(doc, &r.label, Face::Bold, label_size, w - 6.0);
            doc.text_at(x + 3.0, y + label_size + 2.0, &label, Face::Bold, label_size, GREY);
        } else {
            doc.rect(x, y, w, h, Some(Rgb8(0xff, 0xff, 0xff)), Some(ACCENT));
            let lines = doc.wrap(&r.label, Face::Regular, label_size, w - 4.0);
            let lh = label_size * 1.2;
            let shown = lines.len().min(((h - 2.0) / lh).floor().max(1.0) as usize);
            let start = y + (h - shown as f32 * lh) / 2.0;
            for (k, l) in lines.iter().take(shown).enumerate() {
                let lw = doc.text_width(l, Face::Regular, label_size);
                doc.text_at(x + (w - lw) / 2.0, start + (k as f32 + 1.0) * lh - label_size * 0.25, l, Face::Regular, label_size, BLACK);
            }
        }
    }
    for a in &d.arrows {
        let (Some(from), Some(to)) = (d.boxes.get(a.from), d.boxes.get(a.to)) else { continue };
        let (x1, y1) = map(from.x + from.w / 2.0, from.y + from.h / 2.0);
        let (x2, y2) = map(to.x + to.w / 2.0, to.y + to.h / 2.0);
        let start = edge_point((x1, y1), (x2, y2), from.w * scale / 2.0, from.h * scale / 2.0);
        let end = edge_point((x2, y2), (x1, y1), to.w * scale / 2.0, to.h * scale / 2.0);
        doc.line(start.0, start.1, end.0, end.1, BLACK, 0.8);
        let (dx, dy) = (end.0 - start.0, end.1 - start.1);
        let len = (dx * dx + dy * dy).sqrt().max(0.001);
        let (ux, uy) = (dx / len, dy / len);
        let head = 5.0;
        doc.triangle(
            [
                end,
                (end.0 - ux * head - uy * head * 0.5, end.1 - uy * head + ux * head * 0.5),
                (end.0 - ux * head + uy * head * 0.5, end.1 - uy * head - ux * head * 0.5),
            ],
            BLACK,
        );
        if !a.label.is_empty() {
            let size = (label_size - 1.0).max(5.0);
            let lw = doc.text_width(&a.label, Face::Regular, size);
            let (mx, my) = ((start.0 + end.0) / 2.0, (start.1 + end.1) / 2.0);
            doc.rect(mx + 2.0, my - size - 1.0, lw + 2.0, size + 2.5, Some(Rgb8(0xff, 0xff, 0xff)), None);
            doc.text_at(mx + 3.0, my - 1.0, &a.label, Face::Regular, size, Rgb8(0x9a, 0x34, 0x12));
        }
    }
    doc.y = oy + height + 10.0;
}

/// Where the line from the centre `c` towards `other` leaves a box of
/// half-size `hw` x `hh`.
fn edge_point(c: (f32, f32), other: (f32, f32), hw: f32, hh: f32) -> (f32, f32) {
    let (dx, dy) = (other.0 - c.0, other.1 - c.1);
    if dx.abs() < f32::EPSILON && dy.abs() < f32::EPSILON {
        return c;
    }
    let tx = if dx.abs() > f32::EPSILON { hw / dx.abs() } else { f32::INFINITY };
    let ty = if dy.abs() > f32::EPSILON { hh / dy.abs() } else { f32::INFINITY };
    let t = tx.min(ty).min(1.0);
    (c.0 + dx * t, c.1 + dy * t)
}

/// `s` shortened with an ellipsis to fit `width`.
fn fit(doc: &mut Doc, s: &str, face: Face, size: f32, width: f32) -> String {
    if doc.text_width(s, face, size) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        out.push(c);
        if doc.text_width(&format!("{out}…"), face, size) > width {
            out.pop();
            break;
        }
    }
    format!("{out}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::model::{Arrow, DiagramRect};

    fn rect(x: f32, y: f32, w: f32, h: f32) -> DiagramRect {
        DiagramRect { x, y, w, h, label: "box".into(), kind: "service".into() }
    }

    #[test]
    fn a_diagram_scales_into_the_page_and_bad_geometry_is_skipped() {
        let mut doc = Doc::new("t");
        let start = doc.y;
        let d = Diagram {
            width: 2000.0,
            height: 1000.0,
            boxes: vec![rect(0.0, 0.0, 2000.0, 1000.0), rect(100.0, 100.0, 300.0, 100.0), rect(1500.0, 700.0, 300.0, 100.0)],
            arrows: vec![Arrow { from: 1, to: 2, label: "443".into() }, Arrow { from: 1, to: 99, label: String::new() }],
        };
        diagram(&mut doc, &d, 400.0);
        let used = doc.y - start;
        assert!(used > 100.0 && used <= 400.0 + 20.0, "scaled to the content width: {used}");

        let y = doc.y;
        let bad = Diagram { width: f32::NAN, height: 10.0, boxes: vec![rect(0.0, 0.0, 1.0, 1.0)], arrows: vec![] };
        diagram(&mut doc, &bad, 400.0);
        assert_eq!(doc.y, y, "nothing drawn for a diagram without usable geometry");
    }

    #[test]
    fn arrows_leave_boxes_at_their_edges() {
        assert_eq!(edge_point((0.0, 0.0), (100.0, 0.0), 10.0, 5.0), (10.0, 0.0));
        assert_eq!(edge_point((0.0, 0.0), (0.0, -50.0), 10.0, 5.0), (0.0, -5.0));
        assert_eq!(edge_point((0.0, 0.0), (0.0, 0.0), 10.0, 5.0), (0.0, 0.0));
    }
}
