//! A small layout engine on top of printpdf's page operations: text measured
//! with the embedded font's glyph widths, wrapped paragraphs, tables whose
//! header repeats on every page they continue on, page breaks, and headers and
//! footers with page numbers. Positions are in points from the top-left of
//! the page (PDF's origin is bottom-left; only this module converts).

use std::collections::HashMap;
use std::sync::OnceLock;

use printpdf::{
    Codepoint, Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point,
    Polygon, PolygonRing, Pt, Rect, Rgb, TextItem, WindingOrder,
};

/// Nanum Gothic (SIL Open Font License, see assets/fonts/OFL.txt): Hangul and Latin.
static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/NanumGothic.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/NanumGothicBold.ttf");

pub const PAGE_W: f32 = 595.28; // A4 in points
pub const PAGE_H: f32 = 841.89;
pub const MARGIN_X: f32 = 50.0;
pub const TOP: f32 = 64.0;
pub const BOTTOM: f32 = PAGE_H - 56.0;
pub const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN_X;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    Regular,
    Bold,
}

/// A colour as 0..255 RGB.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb8(pub u8, pub u8, pub u8);

pub const BLACK: Rgb8 = Rgb8(0x1f, 0x23, 0x28);
pub const GREY: Rgb8 = Rgb8(0x6a, 0x73, 0x7d);
pub const RULE: Rgb8 = Rgb8(0xd0, 0xd7, 0xde);
pub const HEADER_FILL: Rgb8 = Rgb8(0xea, 0xee, 0xf2);
pub const STRIPE: Rgb8 = Rgb8(0xf6, 0xf8, 0xfa);
pub const ACCENT: Rgb8 = Rgb8(0x23, 0x5a, 0x9f);

fn color(c: Rgb8) -> Color {
    Color::Rgb(Rgb { r: c.0 as f32 / 255.0, g: c.1 as f32 / 255.0, b: c.2 as f32 / 255.0, icc_profile: None })
}

struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
}

/// Parsing a 4.7 MB font takes a while; do it once per process.
fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        let mut warnings = Vec::new();
        let parse = |bytes: &[u8], warnings: &mut Vec<_>| {
            ParsedFont::from_bytes(bytes, 0, warnings).expect("the vendored Nanum Gothic font parses")
        };
        Fonts { regular: parse(REGULAR_TTF, &mut warnings), bold: parse(BOLD_TTF, &mut warnings) }
    })
}

/// Glyph ids and advance widths per character, looked up in the font once.
/// The font's character map is searched linearly (slow for Hangul), so the
/// text is handed to printpdf as glyph ids from this cache rather than as
/// strings it would look up again, character by character.
struct Metrics {
    glyphs: HashMap<(Face, char), (u16, f32)>,
}

impl Metrics {
    /// Glyph id (0: not in the font) and width at 1 pt of `c`.
    fn glyph(&mut self, face: Face, c: char) -> (u16, f32) {
        *self.glyphs.entry((face, c)).or_insert_with(|| {
            let f = fonts();
            let font = match face {
                Face::Regular => &f.regular,
                Face::Bold => &f.bold,
            };
            let upem = font.pdf_font_metrics.units_per_em.max(1) as f32;
            match font.lookup_glyph_index(c as u32) {
                Some(gid) => (gid, font.get_horizontal_advance(gid) as f32 / upem),
                // Not in the font: the PDF shows .notdef; reserve a square.
                None => (0, 1.0),
            }
        })
    }

    fn advance(&mut self, face: Face, c: char) -> f32 {
        self.glyph(face, c).1
    }
}

/// One column of a table: its heading and share of the table width.
pub struct Column<'a> {
    pub title: &'a str,
    pub width: f32,
    pub right: bool,
}

impl<'a> Column<'a> {
    pub fn left(title: &'a str, width: f32) -> Self {
        Column { title, width, right: false }
    }
    pub fn right(title: &'a str, width: f32) -> Self {
        Column { title, width, right: true }
    }
}

/// The document being laid out: finished pages plus the current one.
pub struct Doc {
    pdf: PdfDocument,
    regular: FontId,
    bold: FontId,
    metrics: Metrics,
    pages: Vec<Vec<Op>>,
    ops: Vec<Op>,
    /// Distance from the top of the page to the next free line.
    pub y: f32,
    running_title: String,
}

impl Doc {
    pub fn new(title: &str) -> Doc {
        let mut pdf = PdfDocument::new(title);
        let f = fonts();
        let regular = pdf.add_font(&f.regular);
        let bold = pdf.add_font(&f.bold);
        Doc {
            pdf,
            regular,
            bold,
            metrics: Metrics { glyphs: HashMap::new() },
            pages: Vec::new(),
            ops: Vec::new(),
            y: TOP,
            running_title: title.to_string(),
        }
    }

    pub fn page_count(&self) -> usize {
        self.pages.len() + 1
    }

    // --- measuring and wrapping ------------------------------------------------

    pub fn text_width(&mut self, s: &str, face: Face, size: f32) -> f32 {
        s.chars().map(|c| self.metrics.advance(face, c)).sum::<f32>() * size
    }

    /// Breaks `s` into lines no wider than `width`: at spaces where it can, inside
    /// a word only when the word alone is too wide. Newlines are kept.
    pub fn wrap(&mut self, s: &str, face: Face, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in s.split('\n') {
            let mut line = String::new();
            let mut line_w = 0.0;
            for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
                let word_w = self.text_width(word, face, size);
                let space_w = if line.is_empty() { 0.0 } else { self.text_width(" ", face, size) };
                if line_w + space_w + word_w <= width {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word);
                    line_w += space_w + word_w;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                if word_w <= width {
                    line.push_str(word);
                    line_w = word_w;
                } else {
                    for c in word.chars() {
                        let cw = self.metrics.advance(face, c) * size;
                        if line_w + cw > width && !line.is_empty() {
                            lines.push(std::mem::take(&mut line));
                            line_w = 0.0;
                        }
                        line.push(c);
                        line_w += cw;
                    }
                }
            }
            lines.push(line);
        }
        lines
    }

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

    // --- flow --------------------------------------------------------------------

    pub fn new_page(&mut self) {
        self.pages.push(std::mem::take(&mut self.ops));
        self.y = TOP;
    }

    /// Starts a new page unless `h` points still fit on this one.
    pub fn ensure(&mut self, h: f32) {
        if self.y + h > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    pub fn space(&mut self, h: f32) {
        self.y += h;
    }

    /// A section title; `level` 1 starts a new page.
    pub fn heading(&mut self, s: &str, level: u8) {
        let (size, before, after) = match level {
            1 => (18.0, 0.0, 10.0),
            2 => (13.0, 10.0, 6.0),
            _ => (11.0, 6.0, 4.0),
        };
        if level == 1 && (self.y > TOP || !self.ops.is_empty()) {
            self.new_page();
        }
        // Keep a heading with at least three lines of what follows it.
        self.ensure(before + size * 1.3 + 40.0);
        if self.y > TOP {
            self.y += before;
        }
        let lines = self.wrap(s, Face::Bold, size, CONTENT_W);
        for l in lines {
            self.y += size * 1.3;
            self.text_at(MARGIN_X, self.y - size * 0.25, &l, Face::Bold, size, if level == 1 { ACCENT } else { BLACK });
        }
        if level == 1 {
            self.y += 4.0;
            self.line(MARGIN_X, self.y, MARGIN_X + CONTENT_W, self.y, ACCENT, 1.0);
        }
        self.y += after;
    }

    pub fn paragraph(&mut self, s: &str) {
        self.paragraph_styled(s, Face::Regular, 10.0, BLACK, 0.0);
    }

    pub fn paragraph_styled(&mut self, s: &str, face: Face, size: f32, fill: Rgb8, indent: f32) {
        let lines = self.wrap(s, face, size, CONTENT_W - indent);
        let lh = size * 1.45;
        for l in lines {
            self.ensure(lh);
            self.y += lh;
            self.text_at(MARGIN_X + indent, self.y - size * 0.3, &l, face, size, fill);
        }
        self.y += size * 0.5;
    }

    pub fn bullets<S: AsRef<str>>(&mut self, items: &[S]) {
        self.list(items, |_| "•".to_string());
    }

    /// A list numbered 1., 2., ...
    pub fn numbered<S: AsRef<str>>(&mut self, items: &[S]) {
        self.list(items, |i| format!("{}.", i + 1));
    }

    fn list<S: AsRef<str>>(&mut self, items: &[S], marker: impl Fn(usize) -> String) {
        let size = 10.0;
        let lh = size * 1.45;
        let indent = 20.0;
        for (n, item) in items.iter().enumerate() {
            let lines = self.wrap(item.as_ref(), Face::Regular, size, CONTENT_W - indent);
            for (i, l) in lines.iter().enumerate() {
                self.ensure(lh);
                self.y += lh;
                if i == 0 {
                    self.text_at(MARGIN_X + 3.0, self.y - size * 0.3, &marker(n), Face::Regular, size, GREY);
                }
                self.text_at(MARGIN_X + indent, self.y - size * 0.3, l, Face::Regular, size, BLACK);
            }
        }
        self.y += size * 0.5;
    }

    /// A table: the header row repeats on every page the rows continue on.
    /// Column widths are shares of the content width (they need not sum to 1).
    pub fn table(&mut self, columns: &[Column], rows: &[Vec<String>], size: f32) {
        let total: f32 = columns.iter().map(|c| c.width).sum::<f32>().max(f32::EPSILON);
        let widths: Vec<f32> = columns.iter().map(|c| c.width / total * CONTENT_W).collect();
        let pad = 3.0;
        let lh = size * 1.35;
        let header: Vec<Vec<String>> =
            columns.iter().zip(&widths).map(|(c, w)| self.wrap(c.title, Face::Bold, size, w - 2.0 * pad)).collect();
        let header_h = header.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad;

        self.ensure(header_h + lh + 2.0 * pad);
        self.table_row(columns, &widths, &header, header_h, Face::Bold, size, Some(HEADER_FILL));
        for (i, row) in rows.iter().enumerate() {
            let cells: Vec<Vec<String>> = widths
                .iter()
                .enumerate()
                .map(|(c, w)| self.wrap(row.get(c).map_or("", String::as_str), Face::Regular, size, w - 2.0 * pad))
                .collect();
            let h = cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad;
            if self.y + h > BOTTOM {
                self.new_page();
                self.table_row(columns, &widths, &header, header_h, Face::Bold, size, Some(HEADER_FILL));
            }
            let stripe = (i % 2 == 1).then_some(STRIPE);
            self.table_row(columns, &widths, &cells, h, Face::Regular, size, stripe);
        }
        self.y += 8.0;
    }

    #[allow(clippy::too_many_arguments)]
    fn table_row(&mut self, columns: &[Column], widths: &[f32], cells: &[Vec<String>], h: f32, face: Face, size: f32, fill: Option<Rgb8>) {
        let pad = 3.0;
        let lh = size * 1.35;
        let top = self.y;
        if fill.is_some() {
            self.rect(MARGIN_X, top, CONTENT_W, h, fill, None);
        }
        let mut x = MARGIN_X;
        for ((col, w), lines) in columns.iter().zip(widths).zip(cells) {
            for (i, l) in lines.iter().enumerate() {
                let baseline = top + pad + (i as f32 + 1.0) * lh - size * 0.3;
                let tx = if col.right { x + w - pad - self.text_width(l, face, size) } else { x + pad };
                self.text_at(tx, baseline, l, face, size, BLACK);
            }
            x += w;
        }
        self.line(MARGIN_X, top + h, MARGIN_X + CONTENT_W, top + h, RULE, 0.5);
        self.y = top + h;
    }

    /// Finishes the document: running header and page numbers on every page
    /// but the cover, then the PDF bytes with the fonts subset and embedded.
    pub fn finish(mut self, page_label: impl Fn(usize, usize) -> String) -> Vec<u8> {
        self.pages.push(std::mem::take(&mut self.ops));
        let total = self.pages.len();
        let mut pages = Vec::with_capacity(total);
        let page_ops = std::mem::take(&mut self.pages);
        for (i, ops) in page_ops.into_iter().enumerate() {
            self.ops = ops;
            if i > 0 {
                let title = self.running_title.clone();
                self.text_at(MARGIN_X, 36.0, &title, Face::Regular, 8.0, GREY);
                self.line(MARGIN_X, 42.0, MARGIN_X + CONTENT_W, 42.0, RULE, 0.5);
                let label = page_label(i + 1, total);
                let w = self.text_width(&label, Face::Regular, 8.0);
                self.text_at((PAGE_W - w) / 2.0, PAGE_H - 30.0, &label, Face::Regular, 8.0, GREY);
            }
            let ops = std::mem::take(&mut self.ops);
            pages.push(PdfPage::new(Mm(210.0), Mm(297.0), ops));
        }
        let mut warnings = Vec::new();
        self.pdf.with_pages(pages).save(&PdfSaveOptions::default(), &mut warnings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_measures_the_font_and_keeps_words_whole() {
        let mut doc = Doc::new("t");
        let narrow = doc.text_width("iiii", Face::Regular, 10.0);
        let wide = doc.text_width("WWWW", Face::Regular, 10.0);
        assert!(narrow < wide, "glyph widths come from the font ({narrow} vs {wide})");
        let lines = doc.wrap("the quick brown fox jumps over the lazy dog", Face::Regular, 10.0, 60.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| doc.text_width(l, Face::Regular, 10.0) <= 60.0));
        assert_eq!(lines.join(" "), "the quick brown fox jumps over the lazy dog");
        let korean = doc.wrap("마이그레이션 계획을 웨이브별로 세웁니다", Face::Regular, 10.0, 50.0);
        assert!(korean.len() > 1 && korean.concat().contains("웨이브별로"));
        let long = doc.wrap("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", Face::Regular, 10.0, 40.0);
        assert!(long.len() > 1, "an over-long word is broken inside");
    }
}
