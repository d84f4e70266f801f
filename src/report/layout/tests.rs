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

#[test]
fn the_contents_go_after_the_cover_and_move_the_pages_they_list() {
    let mut doc = Doc::new("t");
    doc.paragraph("cover");
    for i in 1..=70 {
        let title = format!("{i} Chapter");
        doc.heading(&title, 1);
        doc.anchor(1, &title);
    }
    let done = doc.finish(&Meta::default(), "Contents", |n, total| format!("{n}/{total}"));
    // The cover and 70 chapter pages, and the contents: 70 lines need more than one page.
    let toc = done.pages - 71;
    assert!(toc >= 2, "{toc} pages of contents");
    let pages: Vec<usize> = done.contents.iter().map(|a| a.page).collect();
    assert_eq!(pages, (1..=70).map(|i| i + 1 + toc).collect::<Vec<_>>(), "chapter i was laid out on page i + 1");
    assert_eq!(done.contents[0].title, "1 Chapter");
}

#[test]
fn a_one_line_table_keeps_its_headings_and_first_column_whole() {
    let mut doc = Doc::new("t");
    let columns = [Column::left("Workload", 1.0), Column::left("Application", 1.0), Column::right("디스크 GB", 1.0)];
    let long = "x".repeat(400);
    let rows = vec![vec!["srv-0299-application-server".to_string(), long, "500".to_string()]];
    let widths = doc.fitted_widths(&columns, &rows, 6.5, 3.0);
    assert!((widths.iter().sum::<f32>() - CONTENT_W).abs() < 0.5, "{widths:?}");
    assert!(widths[0] >= doc.text_width("srv-0299-application-server", Face::Regular, 6.5) + 6.0, "{widths:?}");
    assert!(widths[2] >= doc.text_width("디스크 GB", Face::Bold, 6.5) + 6.0, "{widths:?}");
    let short = vec![vec!["a".to_string(), "b".to_string(), "1".to_string()]];
    let widths = doc.fitted_widths(&columns, &short, 6.5, 3.0);
    assert!((widths.iter().sum::<f32>() - CONTENT_W).abs() < 0.5, "what is left over is shared out: {widths:?}");
}

#[test]
fn a_clipped_cell_keeps_one_line_and_ends_in_an_ellipsis() {
    let mut doc = Doc::new("t");
    assert_eq!(doc.clip("short", Face::Regular, 7.0, 100.0), "short");
    let cut = doc.clip("Sales Pipeline Management Application", Face::Regular, 7.0, 60.0);
    assert!(cut.ends_with('…') && cut.starts_with("Sales"), "{cut}");
    assert!(doc.text_width(&cut, Face::Regular, 7.0) <= 60.0);
}
