//! A small layout engine on top of printpdf's page operations: text measured
//! with the embedded font's glyph widths, wrapped paragraphs, tables whose
//! header repeats on every page they continue on, page breaks, and headers and
//! footers with page numbers. Positions are in points from the top-left of
//! the page (PDF's origin is bottom-left; only this module converts).//!
//! `Doc` is the document; its methods are spread by what they do: `text`
//! (measuring, wrapping, headings, paragraphs, lists), `primitives` (boxes,
//! lines and text at a position), `table` (tables over pages) and `finish`
//! (contents, headers and footers, the PDF bytes).

mod finish;
mod primitives;
mod table;
mod text;

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
}

#[cfg(test)]
mod tests;
