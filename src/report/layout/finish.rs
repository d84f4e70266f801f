//! Finishing the document: the table of contents, running headers and
//! footers with page numbers, the outline and the PDF bytes.

use super::*;

impl Doc {
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
    pub(super) fn contents_pages(&mut self, title: &str, entries: &[Anchor]) -> Vec<Vec<Op>> {
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
