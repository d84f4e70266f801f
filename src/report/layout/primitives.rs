//! Drawing primitives in top-left coordinates: text at a baseline,
//! rectangles, lines and triangles (converted to PDF's bottom-left origin).

use super::*;

impl Doc {
    // --- drawing primitives (top-left coordinates) ------------------------------

    /// Text with its baseline at `baseline` (from the top).
    pub fn text_at(&mut self, x: f32, baseline: f32, s: &str, face: Face, size: f32, fill: Rgb8) {
        if s.is_empty() {
            return;
        }
        let font = match face {
            Face::Regular => self.regular.clone(),
            Face::Bold => self.bold.clone(),
        };
        // `cid` carries the character for the ToUnicode map (copy and search).
        let glyphs = s.chars().map(|c| Codepoint { gid: self.metrics.glyph(face, c).0, offset: 0.0, cid: Some(c.to_string()) }).collect();
        self.ops.extend([
            Op::SetFillColor { col: color(fill) },
            Op::StartTextSection,
            Op::SetFont { font: PdfFontHandle::External(font), size: Pt(size) },
            Op::SetTextCursor { pos: Point { x: Pt(x), y: Pt(PAGE_H - baseline) } },
            Op::ShowText { items: vec![TextItem::GlyphIds(glyphs)] },
            Op::EndTextSection,
        ]);
    }

    pub fn rect(&mut self, x: f32, top: f32, w: f32, h: f32, fill: Option<Rgb8>, stroke: Option<Rgb8>) {
        let mode = match (fill, stroke) {
            (Some(_), Some(_)) => PaintMode::FillStroke,
            (Some(_), None) => PaintMode::Fill,
            (None, Some(_)) => PaintMode::Stroke,
            (None, None) => return,
        };
        if let Some(f) = fill {
            self.ops.push(Op::SetFillColor { col: color(f) });
        }
        if let Some(s) = stroke {
            self.ops.push(Op::SetOutlineColor { col: color(s) });
            self.ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
        }
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: Pt(x),
                y: Pt(PAGE_H - top - h),
                width: Pt(w),
                height: Pt(h),
                mode: Some(mode),
                winding_order: Some(WindingOrder::NonZero),
            },
        });
    }

    /// An outline drawn in dashes (the diagram's shared landing-zone parts).
    pub fn dashed_rect(&mut self, x: f32, top: f32, w: f32, h: f32, stroke: Rgb8) {
        self.ops.push(Op::SetLineDashPattern { dash: printpdf::LineDashPattern::new(0.0, &[2.5, 1.5]) });
        self.rect(x, top, w, h, None, Some(stroke));
        self.ops.push(Op::SetLineDashPattern { dash: printpdf::LineDashPattern::solid() });
    }

    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, stroke: Rgb8, thickness: f32) {
        let p = |x: f32, y: f32| LinePoint { p: Point { x: Pt(x), y: Pt(PAGE_H - y) }, bezier: false };
        self.ops.push(Op::SetOutlineColor { col: color(stroke) });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(thickness) });
        self.ops.push(Op::DrawLine { line: Line { points: vec![p(x1, y1), p(x2, y2)], is_closed: false } });
    }

    pub fn triangle(&mut self, pts: [(f32, f32); 3], fill: Rgb8) {
        let points = pts.iter().map(|(x, y)| LinePoint { p: Point { x: Pt(*x), y: Pt(PAGE_H - y) }, bezier: false }).collect();
        self.ops.push(Op::SetFillColor { col: color(fill) });
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon { rings: vec![PolygonRing { points }], mode: PaintMode::Fill, winding_order: WindingOrder::NonZero },
        });
    }
}
