//! The embedded fonts and their glyph metrics. Nanum Gothic (SIL Open
//! Font License, see assets/fonts/OFL.txt) covers Hangul and Latin; it is
//! parsed once per process, and `check` parses it at start so that a broken
//! font stops `sixr` there rather than at the first PDF.

use std::collections::HashMap;
use std::sync::OnceLock;

use printpdf::ParsedFont;

use super::layout::Face;

static REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/NanumGothic.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/NanumGothicBold.ttf");

pub(super) struct Fonts {
    pub regular: ParsedFont,
    pub bold: ParsedFont,
}

/// Parsing a 4.7 MB font takes a while; do it once per process.
pub(super) fn fonts() -> &'static Fonts {
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
#[derive(Default)]
pub(super) struct Metrics {
    glyphs: HashMap<(Face, char), (u16, f32)>,
}

impl Metrics {
    /// Glyph id (0: not in the font) and width at 1 pt of `c`.
    pub fn glyph(&mut self, face: Face, c: char) -> (u16, f32) {
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

    pub fn advance(&mut self, face: Face, c: char) -> f32 {
        self.glyph(face, c).1
    }
}

/// Parses the embedded fonts (once); panics, naming them, when one is broken.
pub fn check() {
    let _ = fonts();
}
