//! The executive summary's figures: key-figure tiles and the waves on a
//! timeline, drawn with page operations like the charts in `draw`.

use super::layout::{ACCENT, BLACK, CONTENT_W, Doc, Face, GREY, HEADER_FILL, MARGIN_X, RULE, Rgb8};

/// Figures in a grid of boxes, `per_row` to a row: the value large, its label below.
pub fn tiles(doc: &mut Doc, tiles: &[(String, String)], per_row: usize) {
    let per_row = per_row.max(1);
    let gap = 8.0;
    let w = (CONTENT_W - gap * (per_row as f32 - 1.0)) / per_row as f32;
    let h = 60.0;
    for row in tiles.chunks(per_row) {
        doc.ensure(h + gap);
        let top = doc.y;
        for (i, (value, label)) in row.iter().enumerate() {
            let x = MARGIN_X + i as f32 * (w + gap);
            doc.rect(x, top, w, h, Some(HEADER_FILL), None);
            let value = doc.clip(value, Face::Bold, 17.0, w - 12.0);
            doc.text_at(x + 7.0, top + 24.0, &value, Face::Bold, 17.0, ACCENT);
            for (k, line) in doc.wrap(label, Face::Regular, 7.5, w - 12.0).iter().take(3).enumerate() {
                doc.text_at(x + 7.0, top + 36.0 + k as f32 * 9.0, line, Face::Regular, 7.5, GREY);
            }
        }
        doc.y = top + h + gap;
    }
    doc.y += 2.0;
}

/// One bar of the timeline: from week `start` (0-based) for `weeks` weeks.
pub struct Span {
    pub label: String,
    pub start: u32,
    pub weeks: u32,
    /// Printed after the bar ("3 applications · 10 workloads").
    pub note: String,
    pub fill: Rgb8,
}

/// Bars on a week axis from 0 to `total_weeks`, one row each, with tick
/// labels (`tick(week)`, about six along the axis) above.
pub fn timeline(doc: &mut Doc, spans: &[Span], total_weeks: u32, tick: impl Fn(u32) -> String) {
    if spans.is_empty() {
        return;
    }
    let size = 8.0;
    let row_h = 15.0;
    let label_w = spans.iter().map(|s| doc.text_width(&s.label, Face::Regular, size)).fold(40.0_f32, f32::max).min(CONTENT_W * 0.25) + 8.0;
    let left = MARGIN_X + label_w;
    let width = CONTENT_W - label_w;
    let total = total_weeks.max(spans.iter().map(|s| s.start + s.weeks).max().unwrap_or(1)).max(1);
    let x_of = |week: u32| left + week as f32 / total as f32 * width;
    doc.ensure(row_h * (spans.len() + 1) as f32 + 10.0);
    let top = doc.y + 12.0;
    // Ticks at round steps: 1, 2, 5, 10, 20... weeks.
    let step = [1, 2, 5, 10, 20, 50, 100, 200, 500].into_iter().find(|s| total / s <= 6).unwrap_or(1000);
    let mut week = 0;
    while week <= total {
        let x = x_of(week);
        let label = tick(week + 1);
        let lw = doc.text_width(&label, Face::Regular, size - 1.0);
        doc.text_at((x - lw / 2.0).clamp(left, MARGIN_X + CONTENT_W - lw), top - 4.0, &label, Face::Regular, size - 1.0, GREY);
        doc.line(x, top, x, top + row_h * spans.len() as f32, RULE, 0.4);
        week += step;
    }
    for (i, s) in spans.iter().enumerate() {
        let y = top + i as f32 * row_h;
        let label = doc.clip(&s.label, Face::Regular, size, label_w - 8.0);
        doc.text_at(MARGIN_X, y + row_h * 0.68, &label, Face::Regular, size, BLACK);
        let (x0, x1) = (x_of(s.start), x_of(s.start + s.weeks.max(1)));
        doc.rect(x0, y + 3.0, (x1 - x0).max(1.5), row_h - 6.0, Some(s.fill), None);
        let nw = doc.text_width(&s.note, Face::Regular, size - 1.0);
        // After the bar when it fits, else before it.
        let nx = if x1 + 4.0 + nw <= MARGIN_X + CONTENT_W { x1 + 4.0 } else { (x0 - 4.0 - nw).max(left) };
        doc.text_at(nx, y + row_h * 0.68, &s.note, Face::Regular, size - 1.0, GREY);
    }
    doc.y = top + row_h * spans.len() as f32 + 10.0;
}
