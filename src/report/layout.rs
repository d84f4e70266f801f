//! A small layout engine on top of printpdf's page operations: text measured
//! with the embedded font's glyph widths, wrapped paragraphs, tables whose
//! header repeats on every page they continue on, page breaks, and headers and
//! footers with page numbers. Positions are in points from the top-left of
//! the page (PDF's origin is bottom-left; only this module converts).

use printpdf::{
    Codepoint, Color, FontId, Line, LinePoint, Mm, Op, PaintMode, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Polygon,
    PolygonRing, Pt, Rect, Rgb, TextItem, WindingOrder,
};

use super::fonts::{Metrics, fonts};

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

/// A titled place in the document: a line of the table of contents and an
/// entry of the PDF outline.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    /// 1: a chapter, 2: a part of one.
    pub level: u8,
    pub title: String,
    /// Page number: 1-based in the finished document (while laying out, the
    /// 0-based index among the pages laid out so far).
    pub page: usize,
}

/// What a PDF reader shows under File → Properties.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// The program that wrote the report, with its version.
    pub creator: String,
    /// The report's date (year, month, day): creation and modification date.
    pub date: Option<(i32, u8, u8)>,
}

/// The finished report: its bytes and what its navigation points to.
#[derive(Debug, Clone)]
pub struct Finished {
    pub pdf: Vec<u8>,
    /// The table of contents, in order, with final page numbers (the outline
    /// holds these and the contents page itself).
    pub contents: Vec<Anchor>,
    pub pages: usize,
}

/// How a table treats a cell wider than its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cells {
    Wrap,
    /// One line per row: a cell is cut with an ellipsis, but for the first
    /// column's (what the row is about: never cut, wrapped if it must).
    Clip,
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
    anchors: Vec<Anchor>,
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
            metrics: Metrics::default(),
            pages: Vec::new(),
            ops: Vec::new(),
            y: TOP,
            running_title: title.to_string(),
            anchors: Vec::new(),
        }
    }

    pub fn page_count(&self) -> usize {
        self.pages.len() + 1
    }

    /// Points left on this page below the current line.
    pub fn room(&self) -> f32 {
        BOTTOM - self.y
    }

    /// Marks the current page as where `title` is, for the contents and the outline.
    pub fn anchor(&mut self, level: u8, title: &str) {
        self.anchors.push(Anchor { level, title: title.to_string(), page: self.pages.len() });
    }

    /// `s` shortened with an ellipsis to fit `width`.
    pub fn clip(&mut self, s: &str, face: Face, size: f32, width: f32) -> String {
        if self.text_width(s, face, size) <= width {
            return s.to_string();
        }
        let room = width - self.text_width("…", face, size);
        let mut out = String::new();
        let mut w = 0.0;
        for c in s.chars() {
            w += self.metrics.advance(face, c) * size;
            if w > room {
                break;
            }
            out.push(c);
        }
        format!("{}…", out.trim_end())
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
        self.heading_on(s, level, level == 1);
    }

    /// A section title, on a new page when `new_page` (and this one has anything on it).
    pub fn heading_on(&mut self, s: &str, level: u8, new_page: bool) {
        let (size, before, after) = match level {
            1 => (18.0, 0.0, 10.0),
            2 => (13.0, 10.0, 6.0),
            _ => (11.0, 6.0, 4.0),
        };
        if new_page && (self.y > TOP || !self.ops.is_empty()) {
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

    /// Findings stated once each: the count in bold in a narrow left column,
    /// the text beside it and, in grey below the text, where it holds.
    pub fn counted(&mut self, items: &[(String, String, String)]) {
        let size = 9.5;
        let lh = size * 1.4;
        let indent = 44.0;
        let width = CONTENT_W - indent;
        for (count, text, detail) in items {
            let lines = self.wrap(text, Face::Regular, size, width);
            let details = if detail.is_empty() { Vec::new() } else { self.wrap(detail, Face::Regular, size - 1.0, width) };
            // Keep a short item on one page.
            self.ensure(lh * (lines.len() + details.len()).min(4) as f32);
            for (i, l) in lines.iter().enumerate() {
                self.ensure(lh);
                self.y += lh;
                if i == 0 {
                    let w = self.text_width(count, Face::Bold, size);
                    self.text_at(MARGIN_X + indent - 10.0 - w, self.y - size * 0.3, count, Face::Bold, size, ACCENT);
                }
                self.text_at(MARGIN_X + indent, self.y - size * 0.3, l, Face::Regular, size, BLACK);
            }
            for l in &details {
                self.ensure(lh);
                self.y += lh - 1.0;
                self.text_at(MARGIN_X + indent, self.y - size * 0.3, l, Face::Regular, size - 1.0, GREY);
            }
            self.y += 4.0;
        }
        self.y += size * 0.5;
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
        self.table_of(columns, rows, size, Cells::Wrap);
    }

    /// A table of one line per row (a long cell ends in an ellipsis, but for
    /// the first column's), for listings such as the inventory, where a
    /// reader scans rows.
    pub fn compact_table(&mut self, columns: &[Column], rows: &[Vec<String>], size: f32) {
        self.table_of(columns, rows, size, Cells::Clip);
    }

    fn table_of(&mut self, columns: &[Column], rows: &[Vec<String>], size: f32, cells: Cells) {
        let pad = 3.0;
        let widths = match cells {
            Cells::Wrap => shares(columns.iter().map(|c| c.width)),
            Cells::Clip => self.fitted_widths(columns, rows, size, pad),
        };
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
                .map(|(c, w)| {
                    let text = row.get(c).map_or("", String::as_str);
                    match cells {
                        Cells::Clip if c > 0 => vec![self.clip(text, Face::Regular, size, w - 2.0 * pad)],
                        _ => self.wrap(text, Face::Regular, size, w - 2.0 * pad),
                    }
                })
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

    /// Column widths for a table of one line per row, from what is in it:
    /// each column as wide as its heading and its widest cell. When that is
    /// too wide for the page, the widest columns after the first are cut to
    /// one width (the narrow ones keep all they need), never narrower than
    /// their heading: headings stay on one line, the first column whole.
    /// Room left over is shared out in proportion. The shares of `columns`
    /// count only when even the headings do not fit.
    fn fitted_widths(&mut self, columns: &[Column], rows: &[Vec<String>], size: f32, pad: f32) -> Vec<f32> {
        // A point to spare: wrapping must not find a measured width too wide by a rounding error.
        let room = |w: f32| w + 2.0 * pad + 1.0;
        let mut natural: Vec<f32> = columns.iter().map(|c| room(self.text_width(c.title, Face::Bold, size))).collect();
        let least = natural.clone();
        for row in rows {
            for (c, cell) in row.iter().enumerate().take(natural.len()) {
                natural[c] = natural[c].max(room(self.text_width(cell, Face::Regular, size)));
            }
        }
        let floor: Vec<f32> = least.iter().zip(&natural).enumerate().map(|(c, (l, n))| if c == 0 { *n } else { *l }).collect();
        if floor.iter().sum::<f32>() > CONTENT_W {
            return shares(columns.iter().map(|c| c.width));
        }
        // The cap on the columns after the first, found by halving.
        let capped = |cap: f32| -> Vec<f32> {
            natural.iter().zip(&floor).enumerate().map(|(c, (n, f))| if c == 0 { *n } else { n.min(cap.max(*f)) }).collect()
        };
        let (mut low, mut high) = (0.0_f32, natural.iter().copied().fold(0.0, f32::max));
        for _ in 0..40 {
            let mid = (low + high) / 2.0;
            if capped(mid).iter().sum::<f32>() > CONTENT_W {
                high = mid;
            } else {
                low = mid;
            }
        }
        let widths = capped(low);
        let total: f32 = widths.iter().sum();
        widths.iter().map(|w| w + (CONTENT_W - total) * w / total).collect()
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

    /// Finishes the document: the table of contents after the cover, running
    /// header and page numbers on every page but the cover, the outline, the
    /// document information, then the PDF bytes with the fonts subset and
    /// embedded.
    ///
    /// The contents are laid out last, when the pages of what they list are
    /// known; their own length moves those pages, so they are laid out again
    /// with that offset (one more pass: one line per entry, whatever its number).
    pub fn finish(mut self, meta: &Meta, contents_title: &str, page_label: impl Fn(usize, usize) -> String) -> Finished {
        self.pages.push(std::mem::take(&mut self.ops));
        let body = std::mem::take(&mut self.pages);
        let laid_out = std::mem::take(&mut self.anchors);
        let mut contents = Vec::new();
        let mut toc: Vec<Vec<Op>> = Vec::new();
        for _ in 0..3 {
            let offset = toc.len();
            // The cover stays page 1; everything after it moves behind the contents.
            contents = laid_out.iter().map(|a| Anchor { page: if a.page == 0 { 1 } else { a.page + 1 + offset }, ..a.clone() }).collect();
            let pages = self.contents_pages(contents_title, &contents);
            let settled = pages.len() == offset;
            toc = pages;
            if settled {
                break;
            }
        }
        let toc_len = toc.len();
        let mut page_ops = body;
        let rest = page_ops.split_off(1.min(page_ops.len()));
        page_ops.extend(toc);
        page_ops.extend(rest);

        let total = page_ops.len();
        let mut pages = Vec::with_capacity(total);
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

        // Readers list outline entries of one page by name: the titles are
        // numbered ("3", "3.1") so that order is the document's.
        if toc_len > 0 {
            self.pdf.add_bookmark(contents_title, 2);
        }
        for a in &contents {
            self.pdf.add_bookmark(&a.title, a.page);
        }
        let info = &mut self.pdf.metadata.info;
        info.document_title = meta.title.clone();
        info.author = meta.author.clone();
        info.subject = meta.subject.clone();
        info.keywords = meta.keywords.clone();
        info.creator = meta.creator.clone();
        info.producer = meta.creator.clone();
        if let Some((year, month, day)) = meta.date {
            let date = printpdf::date::DateTime {
                date: printpdf::date::Date { year, month, day },
                time: printpdf::date::Time { hour: 0, minute: 0, second: 0, millisecond: 0 },
                offset: printpdf::date::Offset { hours: 0, minutes: 0, seconds: 0, milliseconds: 0 },
            };
            info.creation_date = date;
            info.modification_date = date;
            info.metadata_date = date;
        }
        let mut warnings = Vec::new();
        let pdf = self.pdf.with_pages(pages).save(&PdfSaveOptions::default(), &mut warnings);
        Finished { pdf, contents, pages: total }
    }

    /// The table of contents on pages of its own: one line per entry, the
    /// title (cut to fit), a leader and the page number.
    fn contents_pages(&mut self, title: &str, entries: &[Anchor]) -> Vec<Vec<Op>> {
        self.pages = Vec::new();
        self.ops = Vec::new();
        self.y = TOP;
        if entries.is_empty() {
            return Vec::new();
        }
        self.heading(title, 1);
        for e in entries {
            let (face, size, indent, before) = if e.level <= 1 { (Face::Bold, 10.5, 0.0, 5.0) } else { (Face::Regular, 9.5, 16.0, 0.0) };
            let lh = size * 1.55;
            self.ensure(before + lh);
            self.y += before + lh;
            let number = e.page.to_string();
            let number_w = self.text_width(&number, face, size);
            let room = CONTENT_W - indent - number_w - 24.0;
            let shown = self.clip(&e.title, face, size, room);
            let shown_w = self.text_width(&shown, face, size);
            let baseline = self.y - size * 0.3;
            self.text_at(MARGIN_X + indent, baseline, &shown, face, size, BLACK);
            self.line(MARGIN_X + indent + shown_w + 6.0, baseline, MARGIN_X + CONTENT_W - number_w - 6.0, baseline, RULE, 0.5);
            self.text_at(MARGIN_X + CONTENT_W - number_w, baseline, &number, face, size, BLACK);
        }
        self.pages.push(std::mem::take(&mut self.ops));
        std::mem::take(&mut self.pages)
    }
}

/// Widths in proportion to `weights`, filling the content width.
fn shares(weights: impl Iterator<Item = f32> + Clone) -> Vec<f32> {
    let total = weights.clone().sum::<f32>().max(f32::EPSILON);
    weights.map(|w| w / total * CONTENT_W).collect()
}

#[cfg(test)]
mod tests;
