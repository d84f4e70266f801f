//! The diagram as standalone SVG text.

use super::{BoxKind, Diagram};

fn esc(s: &str) -> String {
    crate::error::html_escape(s)
}

/// `s` shortened with an ellipsis to fit `width` pixels of 11 px text
/// (Hangul and other wide characters take about twice a Latin letter).
fn clip(s: &str, width: f64) -> String {
    let w = |c: char| if c.is_ascii() { 6.6 } else { 11.4 };
    if s.chars().map(w).sum::<f64>() <= width {
        return s.to_string();
    }
    let mut used = w('…');
    let mut out = String::new();
    for c in s.chars() {
        used += w(c);
        if used > width {
            break;
        }
        out.push(c);
    }
    format!("{out}…")
}

/// A number as `{:.1}` writes it, without the formatter's exact path
/// (slow, and most of what an SVG page costs) unless the value sits on a
/// rounding tie.
struct D1(f64);

impl std::fmt::Display for D1 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tenths = self.0 * 10.0;
        // Away from a tie, rounding the product picks the digit the exact
        // decimal value rounds to; on a tie `{:.1}` rounds to even.
        if !tenths.is_finite() || tenths.abs() >= 1e15 || tenths - tenths.floor() == 0.5 {
            return write!(f, "{:.1}", self.0);
        }
        let r = tenths.round().abs() as u64;
        let sign = if self.0.is_sign_negative() { "-" } else { "" };
        write!(f, "{sign}{}.{}", r / 10, r % 10)
    }
}

/// The diagram as standalone SVG text (no external references); `title`
/// names it for screen readers.
pub fn svg(d: &Diagram, title: &str) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" role="img" font-family="NanumGothic, 'Noto Sans KR', Arial, sans-serif" font-size="11"><defs><marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#232f3e"/></marker></defs><title>{title}</title><rect x="0" y="0" width="{w:.0}" height="{h:.0}" fill="#ffffff"/>"##,
        w = d.width,
        h = d.height,
        title = esc(title)
    );
    for b in &d.boxes {
        let (stroke, fill) = b.kind.colours();
        if b.kind.is_container() {
            let dash = if matches!(b.kind, BoxKind::Az) { r#" stroke-dasharray="6 4""# } else { "" };
            let _ = write!(
                s,
                r##"<g class="container"><rect x="{}" y="{}" width="{}" height="{}" rx="4" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/><text x="{}" y="{}" fill="{stroke}" font-weight="bold">{}</text></g>"##,
                D1(b.x),
                D1(b.y),
                D1(b.w),
                D1(b.h),
                D1(b.x + 8.0),
                D1(b.y + 15.0),
                esc(&b.label)
            );
        } else {
            let cx = D1(b.centre().0);
            let (class, dash) = if b.shared { ("box shared", r#" stroke-dasharray="5 3""#) } else { ("box", "") };
            let _ = write!(
                s,
                r##"<g class="{class}" data-key="{}"><rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/><text x="{cx}" y="{}" text-anchor="middle" font-weight="bold" fill="#1b2430">{}</text><text x="{cx}" y="{}" text-anchor="middle" fill="#5b6675">{}</text></g>"##,
                esc(&b.key),
                D1(b.x),
                D1(b.y),
                D1(b.w),
                D1(b.h),
                D1(b.y + 18.0),
                esc(&clip(&b.label, b.w - 8.0)),
                D1(b.y + 34.0),
                esc(&clip(&b.detail, b.w - 8.0))
            );
        }
    }
    for a in &d.arrows {
        let points: Vec<String> = a.points.iter().map(|(x, y)| format!("{},{}", D1(*x), D1(*y))).collect();
        let _ = write!(
            s,
            r##"<g class="flow"><polyline points="{}" fill="none" stroke="#232f3e" stroke-width="1.2" marker-end="url(#arrowhead)"/>"##,
            points.join(" ")
        );
        if let Some((x, y, w, h)) = a.label_box {
            let _ = write!(
                s,
                r##"<rect x="{}" y="{}" width="{}" height="{}" fill="#ffffff" stroke="#c9ced6" stroke-width="0.6" rx="2"/><text x="{}" y="{}" text-anchor="middle" fill="#232f3e" font-size="10">{}</text>"##,
                D1(x),
                D1(y),
                D1(w),
                D1(h),
                D1(x + w / 2.0),
                D1(y + h / 2.0 + 3.5),
                esc(&a.label)
            );
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod number_tests {
    use super::D1;

    #[test]
    fn coordinates_are_written_as_the_float_formatter_writes_them() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut values = vec![0.0, -0.0, 0.05, 0.15, 0.25, -0.25, 1.45, 2.5, 12.25, 24.6, 999.95, -3.04, 1e16, f64::NAN, f64::INFINITY];
        for _ in 0..200_000 {
            let n = next();
            values.push((n % 2_000_000) as f64 / 1000.0 - 1000.0);
            values.push((n % 40_000) as f64 / 100.0);
            values.push(f64::from_bits(0x4000_0000_0000_0000 | (n >> 12)) - 2.0);
            values.push((n % 300) as f64 * 6.2 + 6.0);
        }
        for v in values {
            assert_eq!(D1(v).to_string(), format!("{v:.1}"), "{v:e}");
        }
    }
}
