//! Text: measured with the embedded font's glyph widths, wrapped, and
//! laid out as headings, paragraphs and lists.

use super::*;

impl Doc {
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

    pub(super) fn list<S: AsRef<str>>(&mut self, items: &[S], marker: impl Fn(usize) -> String) {
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
}
