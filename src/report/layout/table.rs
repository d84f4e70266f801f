//! Tables whose header repeats on every page they continue on, with column
//! widths fitted to their content.

use super::*;

impl Doc {
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

    pub(super) fn table_of(&mut self, columns: &[Column], rows: &[Vec<String>], size: f32, cells: Cells) {
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
    pub(super) fn fitted_widths(&mut self, columns: &[Column], rows: &[Vec<String>], size: f32, pad: f32) -> Vec<f32> {
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
    pub(super) fn table_row(
        &mut self,
        columns: &[Column],
        widths: &[f32],
        cells: &[Vec<String>],
        h: f32,
        face: Face,
        size: f32,
        fill: Option<Rgb8>,
    ) {
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
}

/// Widths in proportion to `weights`, filling the content width.
fn shares(weights: impl Iterator<Item = f32> + Clone) -> Vec<f32> {
    let total = weights.clone().sum::<f32>().max(f32::EPSILON);
    weights.map(|w| w / total * CONTENT_W).collect()
}
