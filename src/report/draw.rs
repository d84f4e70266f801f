//! Charts and the architecture diagram, drawn with page operations (no SVG
//! rendering): bars for the 6R distribution and the TCO comparison, boxes,
//! frames and arrows for the diagram.

use super::layout::{BLACK, CONTENT_W, Doc, Face, GREY, MARGIN_X, RULE, Rgb8};
use crate::architecture::diagram::{Arrow, BoxKind, Diagram, Rect};

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
    let label_w = bars.iter().map(|b| doc.text_width(&b.label, Face::Regular, size)).fold(60.0_f32, f32::max).min(CONTENT_W * 0.45) + 8.0;
    let value_w = bars.iter().map(|b| doc.text_width(&b.value_text, Face::Regular, size)).fold(0.0_f32, f32::max) + 8.0;
    let bar_max = CONTENT_W - label_w - value_w;
    let max = bars.iter().map(|b| b.value).fold(0.0_f64, f64::max);
    doc.ensure(row_h * bars.len() as f32 + 10.0);
    let top = doc.y + 4.0;
    for (i, b) in bars.iter().enumerate() {
        let y = top + i as f32 * row_h;
        let label = fit(doc, &b.label, Face::Regular, size, label_w - 8.0);
        doc.text_at(MARGIN_X, y + row_h * 0.65, &label, Face::Regular, size, BLACK);
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

/// "#rrggbb" as a colour; anything else ("none") is no colour.
fn hex(s: &str) -> Option<Rgb8> {
    let h = s.strip_prefix('#').filter(|h| h.len() == 6)?;
    let byte = |i: usize| u8::from_str_radix(h.get(i..i + 2)?, 16).ok();
    Some(Rgb8(byte(0)?, byte(2)?, byte(4)?))
}

/// Draws the architecture module's diagram (the one the web page shows as
/// SVG) scaled into the content width (and at most `max_h` points high),
/// starting at the current line: containers (region, VPC, AZ, subnets) as
/// outlined frames with their title in the corner, components as filled
/// boxes with their label and detail (shared landing-zone parts dashed),
/// arrows along their routed segments with their ports in the label boxes
/// the layout placed. The boxes come containers first, so painting in order
/// puts inner boxes on top.
pub fn diagram(doc: &mut Doc, d: &Diagram, max_h: f32) {
    if !sane(d) || d.boxes.is_empty() {
        return;
    }
    let scale = (CONTENT_W / d.width as f32).min(max_h / d.height as f32);
    let height = d.height as f32 * scale;
    doc.ensure(height + 8.0);
    let (ox, oy) = (MARGIN_X, doc.y + 4.0);
    let place = Place { ox, oy, scale };
    // The SVG's 11 px text, scaled with the drawing.
    let label_size = (11.0 * scale).clamp(4.5, 9.0);
    for b in &d.boxes {
        diagram_box(doc, b, place, label_size);
    }
    for a in &d.arrows {
        diagram_arrow(doc, a, place);
    }
    doc.y = oy + height + 10.0;
}

/// Whether a diagram has a size and finite coordinates to draw.
fn sane(d: &Diagram) -> bool {
    let finite = |v: f64| v.is_finite();
    d.width > 0.0
        && d.height > 0.0
        && finite(d.width)
        && finite(d.height)
        && d.boxes.iter().all(|b| [b.x, b.y, b.w, b.h].into_iter().all(finite))
        && d.arrows.iter().all(|a| a.points.iter().all(|(x, y)| finite(*x) && finite(*y)))
}

/// Where a diagram sits on the page: its top-left corner and its scale.
#[derive(Clone, Copy)]
struct Place {
    ox: f32,
    oy: f32,
    scale: f32,
}

impl Place {
    /// A diagram point on the page.
    fn map(self, x: f64, y: f64) -> (f32, f32) {
        (self.ox + x as f32 * self.scale, self.oy + y as f32 * self.scale)
    }
}

/// One box: its frame (dashed for shared parts and AZs) and its title, or
/// its label and detail centred.
fn diagram_box(doc: &mut Doc, b: &Rect, place: Place, label_size: f32) {
    let (map, scale) = (|x: f64, y: f64| place.map(x, y), place.scale);
    let ink = Rgb8(0x1b, 0x24, 0x30);
    let (stroke, fill) = b.kind.colours();
    let (stroke, fill) = (hex(stroke), hex(fill));
    let (x, y) = map(b.x, b.y);
    let (w, h) = (b.w as f32 * scale, b.h as f32 * scale);
    // Dashed as on the page: shared parts and the AZ frames.
    if b.shared || b.kind == BoxKind::Az {
        doc.rect(x, y, w, h, fill, None);
        if let Some(s) = stroke {
            doc.dashed_rect(x, y, w, h, s);
        }
    } else {
        doc.rect(x, y, w, h, fill, stroke);
    }
    if b.kind.is_container() {
        let label = fit(doc, &b.label, Face::Bold, label_size, w - 6.0);
        doc.text_at(x + 8.0 * scale, y + label_size + 3.0 * scale, &label, Face::Bold, label_size, stroke.unwrap_or(GREY));
    } else {
        let lines = [(b.label.as_str(), Face::Bold, ink), (b.detail.as_str(), Face::Regular, GREY)];
        for (k, (text, face, colour)) in lines.into_iter().enumerate() {
            if text.is_empty() {
                continue;
            }
            let shown = fit(doc, text, face, label_size, w - 4.0);
            let lw = doc.text_width(&shown, face, label_size);
            // Baselines at 18 and 34 px as on the web page.
            let baseline = y + (18.0 + 16.0 * k as f32) * scale;
            doc.text_at(x + (w - lw) / 2.0, baseline, &shown, face, label_size, colour);
        }
    }
}

/// One arrow: its segments, its head and its label box.
fn diagram_arrow(doc: &mut Doc, a: &Arrow, place: Place) {
    let (map, scale) = (|x: f64, y: f64| place.map(x, y), place.scale);
    let arrow_ink = Rgb8(0x23, 0x2f, 0x3e);
    let points: Vec<(f32, f32)> = a.points.iter().map(|(x, y)| map(*x, *y)).collect();
    for w in points.windows(2) {
        doc.line(w[0].0, w[0].1, w[1].0, w[1].1, arrow_ink, 0.7);
    }
    if let [.., start, end] = points.as_slice() {
        let (dx, dy) = (end.0 - start.0, end.1 - start.1);
        let len = (dx * dx + dy * dy).sqrt();
        if len > 0.001 {
            let (ux, uy) = (dx / len, dy / len);
            let head = 4.0;
            doc.triangle(
                [
                    *end,
                    (end.0 - ux * head - uy * head * 0.5, end.1 - uy * head + ux * head * 0.5),
                    (end.0 - ux * head + uy * head * 0.5, end.1 - uy * head - ux * head * 0.5),
                ],
                arrow_ink,
            );
        }
    }
    if let Some((x, y, w, h)) = a.label_box {
        let (x, y) = map(x, y);
        let (w, h) = (w as f32 * scale, h as f32 * scale);
        doc.rect(x, y, w, h, Some(Rgb8(0xff, 0xff, 0xff)), Some(RULE));
        let size = (10.0 * scale).clamp(4.0, 8.0);
        let shown = fit(doc, &a.label, Face::Regular, size, w);
        let lw = doc.text_width(&shown, Face::Regular, size);
        doc.text_at(x + (w - lw) / 2.0, y + h / 2.0 + size * 0.35, &shown, Face::Regular, size, arrow_ink);
    }
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
    use crate::architecture::diagram::{Arrow, Rect};

    fn rect(x: f64, y: f64, w: f64, h: f64, kind: BoxKind) -> Rect {
        Rect { x, y, w, h, label: "box".into(), kind, detail: "t3.small".into(), key: String::new(), shared: false }
    }

    #[test]
    fn a_diagram_scales_into_the_page_and_bad_geometry_is_skipped() {
        let mut doc = Doc::new("t");
        let start = doc.y;
        let d = Diagram {
            width: 2000.0,
            height: 1000.0,
            boxes: vec![
                rect(0.0, 0.0, 2000.0, 1000.0, BoxKind::Region),
                rect(100.0, 100.0, 300.0, 100.0, BoxKind::Component(crate::architecture::Kind::Ec2)),
                rect(1500.0, 700.0, 300.0, 100.0, BoxKind::Component(crate::architecture::Kind::Rds)),
            ],
            arrows: vec![Arrow {
                points: vec![(400.0, 150.0), (1000.0, 150.0), (1000.0, 750.0), (1500.0, 750.0)],
                label: "3306".into(),
                label_box: Some((980.0, 400.0, 40.0, 14.0)),
            }],
        };
        diagram(&mut doc, &d, 400.0);
        let used = doc.y - start;
        assert!(used > 100.0 && used <= 400.0 + 20.0, "scaled to the content width: {used}");

        let y = doc.y;
        let bad = Diagram { width: f64::NAN, height: 10.0, boxes: vec![rect(0.0, 0.0, 1.0, 1.0, BoxKind::Vpc)], arrows: vec![] };
        diagram(&mut doc, &bad, 400.0);
        assert_eq!(doc.y, y, "nothing drawn for a diagram without usable geometry");
    }

    #[test]
    fn box_colours_read_from_the_diagram_palette() {
        assert_eq!(hex("#147eba"), Some(Rgb8(0x14, 0x7e, 0xba)));
        assert_eq!(hex("none"), None);
        assert_eq!(hex("#12"), None);
    }
}
