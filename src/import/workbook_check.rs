//! What an xlsx must satisfy before calamine reads it, so that reading it
//! takes bounded memory whatever the file declares.
//!
//! calamine reads some parts whole when it opens a workbook (shared strings,
//! styles, the sheet list, relationships), copies a font, fill and border
//! into every cell format, reserves what `uniqueCount` declares, and
//! gathers a cell's rich-text runs into one value. Nothing here trusts a
//! declaration: the zip's table of contents is bounded before the zip crate
//! reads it, each part's unpacked size is bounded (the zip crate refuses to
//! unpack more than an entry declares), and every XML part is scanned as a
//! stream, a chunk at a time, for the longest construct the XML reader would
//! buffer, the largest cell, shared string and style element, and the
//! number of shared strings and cell formats. Only a worksheet may be large:
//! calamine streams it. Every refusal names its limit.

use std::io::{Cursor, Read};

use super::Problem;
use crate::error::shown;
use crate::i18n::thousands;

/// The zip's table of contents, which the zip crate reads whole.
const MAX_ENTRIES: u64 = 10_000;
const MAX_DIRECTORY_BYTES: u64 = 4 * 1024 * 1024;
/// All parts unpacked together: bounds the time spent reading.
const MAX_UNPACKED_BYTES: u64 = 1024 * 1024 * 1024;
/// The shared strings, kept in memory while the workbook is read.
const MAX_SHARED_STRINGS_BYTES: u64 = 64 * 1024 * 1024;
const MAX_SHARED_STRINGS: u64 = 1_000_000;
/// Any other part read whole (styles, the sheet list, relationships, theme).
const MAX_PART_BYTES: u64 = 4 * 1024 * 1024;
/// Cell formats: calamine builds a style for each, with copies of its font,
/// fill and border.
const MAX_CELL_FORMATS: u64 = 20_000;
/// One tag, text run, comment or declaration: what the XML reader buffers at once.
const MAX_CONSTRUCT: u64 = 256 * 1024;

/// Elements whose whole extent is bounded (cells and shared strings first):
/// a cell and a shared string (their
/// rich-text runs become one value; 32,767 characters, Excel's limit, fit
/// many times over), and what every cell format gets a copy of.
const BOUNDED: &[(&[u8], u64)] =
    &[(b"c", 4 * 1024 * 1024), (b"si", 4 * 1024 * 1024), (b"font", 1024), (b"fill", 1024), (b"border", 1024), (b"numFmt", 1024)];

/// Elements calamine gathers from the parts it reads whole: a large part
/// may hold none of them (a worksheet) or only shared strings.
const GATHERED: &[&[u8]] = &[b"sst", b"si", b"xf", b"font", b"fill", b"border", b"numFmt", b"sheet", b"definedName", b"Relationship"];
const SHEET_ROOTS: &[&[u8]] = &[b"worksheet", b"chartsheet", b"dialogsheet", b"macrosheet"];

fn mb(bytes: u64) -> String {
    thousands((bytes / (1024 * 1024)) as i64)
}

fn kb(bytes: u64) -> String {
    thousands((bytes / 1024) as i64)
}

/// Checks the workbook's zip container and every XML part calamine may read.
pub fn check(bytes: &[u8]) -> Result<(), Problem> {
    let damaged =
        |why: String| Problem::file(format!("the workbook is damaged ({}); open it in Excel, save it again and retry", shown(&why)));
    let (entries, directory) = central_directory(bytes).ok_or_else(|| damaged("its zip table of contents cannot be found".into()))?;
    if entries > MAX_ENTRIES || directory > MAX_DIRECTORY_BYTES {
        return Err(Problem::file(format!(
            "the workbook's zip lists {} entries in {} KB; sixr reads workbooks of up to {} entries and {} KB of zip table of contents",
            thousands(entries as i64),
            kb(directory),
            thousands(MAX_ENTRIES as i64),
            kb(MAX_DIRECTORY_BYTES)
        )));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(e.to_string()))?;
    let total = (0..zip.len()).filter_map(|i| zip.by_index_raw(i).ok().map(|f| f.size())).fold(0, u64::saturating_add);
    if total > MAX_UNPACKED_BYTES {
        return Err(Problem::file(format!(
            "the workbook unpacks to {} MB; sixr reads workbooks that unpack to at most {} MB",
            mb(total),
            mb(MAX_UNPACKED_BYTES)
        )));
    }
    let mut counts = Counts::default();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| damaged(e.to_string()))?;
        let name = part.name().map_err(|e| damaged(e.to_string()))?.into_owned();
        let lower = name.to_ascii_lowercase();
        if !(lower.ends_with(".xml") || lower.ends_with(".rels")) {
            continue;
        }
        let declared = part.size();
        Scan::new(declared, &mut counts)
            .run(&mut part)
            .map_err(|why| Problem::file(format!("the workbook's part {} {why}", shown(&name))))?;
    }
    Ok(())
}

/// Entry count and size of the zip's central directory, from its end
/// record (the Zip64 one when the classic fields overflow).
fn central_directory(bytes: &[u8]) -> Option<(u64, u64)> {
    let last = bytes.len().checked_sub(22)?;
    let at = (last.saturating_sub(65_535)..=last).rev().find(|&i| bytes[i..].starts_with(b"PK\x05\x06"))?;
    let le = |b: &[u8]| b.iter().rev().fold(0u64, |acc, &x| (acc << 8) | x as u64);
    let (entries, size) = (le(&bytes[at + 10..at + 12]), le(&bytes[at + 12..at + 16]));
    if entries != 0xFFFF && size != 0xFFFF_FFFF {
        return Some((entries, size));
    }
    // Zip64: the locator just before the end record points at the Zip64 end record.
    let locator = bytes.get(at.checked_sub(20)?..at)?;
    if !locator.starts_with(b"PK\x06\x07") {
        return None;
    }
    let record = bytes.get(usize::try_from(le(&locator[8..16])).ok()?..)?.get(..48)?;
    record.starts_with(b"PK\x06\x06").then(|| (le(&record[32..40]), le(&record[40..48])))
}

/// Shared strings and cell formats, counted over the whole workbook.
#[derive(Default)]
struct Counts {
    shared_strings: u64,
    cell_formats: u64,
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    Text,
    /// Just after `<`, with how many bytes of `!--` or `![CDATA[` have matched.
    Open(usize),
    /// Inside a tag, and inside a quoted attribute value if any.
    Tag(Option<u8>),
    Comment,
    CData,
    Instruction,
    /// `<!DOCTYPE ...>` and its kin: nested brackets and quotes.
    Declaration(usize, Option<u8>),
}

/// A streaming scan of one XML part.
struct Scan<'a> {
    declared: u64,
    counts: &'a mut Counts,
    state: State,
    pos: u64,
    /// Where the current construct began.
    construct_at: u64,
    tag: Vec<u8>,
    /// The two bytes before the current one.
    before: [u8; 2],
    /// Per bounded element: how deep we are in it and where the outermost began.
    open: Vec<(u32, u64)>,
    root: Option<Vec<u8>>,
}

impl<'a> Scan<'a> {
    fn new(declared: u64, counts: &'a mut Counts) -> Scan<'a> {
        Scan {
            declared,
            counts,
            state: State::Text,
            pos: 0,
            construct_at: 0,
            tag: Vec::new(),
            before: [0; 2],
            open: vec![(0, 0); BOUNDED.len()],
            root: None,
        }
    }

    fn run(mut self, part: &mut impl Read) -> Result<(), String> {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = part.read(&mut buf).map_err(|e| format!("cannot be unpacked ({e})"))?;
            if n == 0 {
                return Ok(());
            }
            for &b in &buf[..n] {
                self.byte(b)?;
            }
        }
    }

    fn byte(&mut self, b: u8) -> Result<(), String> {
        self.state = match self.state {
            State::Text if b == b'<' => {
                self.construct_at = self.pos;
                self.tag.clear();
                self.tag.push(b);
                State::Open(0)
            }
            State::Text => State::Text,
            State::Open(0) if b == b'?' => State::Instruction,
            State::Open(seen) => {
                const COMMENT: &[u8] = b"!--";
                const CDATA: &[u8] = b"![CDATA[";
                let comment = COMMENT.get(seen) == Some(&b);
                let cdata = CDATA.get(seen) == Some(&b);
                if comment && seen + 1 == COMMENT.len() {
                    State::Comment
                } else if cdata && seen + 1 == CDATA.len() {
                    State::CData
                } else if comment || cdata {
                    State::Open(seen + 1)
                } else if seen > 0 {
                    self.declaration(b, 0, None)
                } else {
                    self.in_tag(b, None)?
                }
            }
            State::Tag(quote) => self.in_tag(b, quote)?,
            State::Comment if b == b'>' && self.before == *b"--" => self.ended(),
            State::CData if b == b'>' && self.before == *b"]]" => self.ended(),
            State::Instruction if b == b'>' && self.before[1] == b'?' => self.ended(),
            State::Declaration(depth, quote) => self.declaration(b, depth, quote),
            other => other,
        };
        self.before = [self.before[1], b];
        self.pos += 1;
        if self.pos - self.construct_at > MAX_CONSTRUCT {
            let in_value = self.open[..2].iter().any(|&(depth, _)| depth > 0);
            return Err(if self.state == State::Text && in_value {
                too_long(b"c", MAX_CONSTRUCT)
            } else {
                format!(
                    "holds an XML element, text or comment longer than {} KB (a damaged or hand-made file); open it in Excel, save it again and retry",
                    kb(MAX_CONSTRUCT)
                )
            });
        }
        for (i, &(depth, at)) in self.open.iter().enumerate() {
            let (name, max) = BOUNDED[i];
            if depth > 0 && self.pos - at > max {
                return Err(too_long(name, max));
            }
        }
        Ok(())
    }

    /// After a construct's closing `>`: a text run starts.
    fn ended(&mut self) -> State {
        self.construct_at = self.pos + 1;
        State::Text
    }

    fn declaration(&mut self, b: u8, depth: usize, quote: Option<u8>) -> State {
        match (quote, b) {
            (Some(q), _) if b == q => State::Declaration(depth, None),
            (Some(_), _) => State::Declaration(depth, quote),
            (None, b'"' | b'\'') => State::Declaration(depth, Some(b)),
            (None, b'[') => State::Declaration(depth + 1, None),
            (None, b']') => State::Declaration(depth.saturating_sub(1), None),
            (None, b'>') if depth == 0 => self.ended(),
            _ => State::Declaration(depth, None),
        }
    }

    fn in_tag(&mut self, b: u8, quote: Option<u8>) -> Result<State, String> {
        if self.tag.len() as u64 <= MAX_CONSTRUCT {
            self.tag.push(b);
        }
        Ok(match (quote, b) {
            (Some(q), _) if b == q => State::Tag(None),
            (Some(_), _) => State::Tag(quote),
            (None, b'"' | b'\'') => State::Tag(Some(b)),
            (None, b'>') => {
                self.element()?;
                self.ended()
            }
            _ => State::Tag(None),
        })
    }

    /// A whole tag has been read: track its element.
    fn element(&mut self) -> Result<(), String> {
        let inner = &self.tag[1..self.tag.len() - 1];
        let closing = inner.starts_with(b"/");
        let self_closing = inner.trim_ascii_end().ends_with(b"/");
        let qualified = inner.strip_prefix(b"/").unwrap_or(inner);
        let end = qualified.iter().position(|&c| c.is_ascii_whitespace() || c == b'/').unwrap_or(qualified.len());
        let name = qualified[..end].rsplit(|&c| c == b':').next().unwrap_or_default().to_vec();
        let attributes = &qualified[end..];

        if let Some(i) = BOUNDED.iter().position(|(n, _)| *n == name.as_slice()) {
            let (depth, at) = &mut self.open[i];
            if self_closing {
                if self.tag.len() as u64 > BOUNDED[i].1 {
                    return Err(too_long(BOUNDED[i].0, BOUNDED[i].1));
                }
            } else if closing {
                *depth = depth.saturating_sub(1);
            } else {
                if *depth == 0 {
                    *at = self.construct_at;
                }
                *depth += 1;
            }
        }
        if closing {
            return Ok(());
        }
        let root = self.root.get_or_insert_with(|| name.clone()).clone();
        if self.declared > MAX_PART_BYTES && GATHERED.contains(&name.as_slice()) {
            let shared_strings = root == b"sst" && matches!(name.as_slice(), b"sst" | b"si");
            if !shared_strings {
                return Err(format!(
                    "unpacks to {} MB; sixr reads such parts up to {} MB (only worksheets may be larger)",
                    mb(self.declared),
                    mb(MAX_PART_BYTES)
                ));
            }
            if self.declared > MAX_SHARED_STRINGS_BYTES {
                return Err(format!(
                    "(the shared strings) unpacks to {} MB; sixr reads shared strings up to {} MB",
                    mb(self.declared),
                    mb(MAX_SHARED_STRINGS_BYTES)
                ));
            }
        }
        if self.declared > MAX_PART_BYTES && !SHEET_ROOTS.contains(&root.as_slice()) && root != b"sst" {
            return Err(format!(
                "unpacks to {} MB; sixr reads such parts up to {} MB (only worksheets may be larger)",
                mb(self.declared),
                mb(MAX_PART_BYTES)
            ));
        }
        match name.as_slice() {
            b"si" => {
                self.counts.shared_strings += 1;
                if self.counts.shared_strings > MAX_SHARED_STRINGS {
                    return Err(too_many_shared_strings(self.counts.shared_strings));
                }
            }
            b"sst" => {
                let declared = attribute(attributes, b"uniqueCount").and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
                if declared > MAX_SHARED_STRINGS {
                    return Err(too_many_shared_strings(declared));
                }
            }
            b"xf" => {
                self.counts.cell_formats += 1;
                if self.counts.cell_formats > MAX_CELL_FORMATS {
                    return Err(format!("holds more than {} cell formats; sixr reads up to that many", thousands(MAX_CELL_FORMATS as i64)));
                }
            }
            _ => {}
        }
        Ok(())
    }
}

fn too_long(name: &[u8], max: u64) -> String {
    if matches!(name, b"c" | b"si") {
        format!("holds a value written in more than {} KB; sixr reads at most 32,767 characters per cell (Excel's own limit)", kb(max))
    } else {
        format!(
            "holds a <{}> style element longer than {} KB; sixr reads style elements up to that size",
            String::from_utf8_lossy(name),
            kb(max)
        )
    }
}

fn too_many_shared_strings(n: u64) -> String {
    format!(
        "holds {} shared strings; sixr reads workbooks of up to {} distinct texts",
        thousands(n as i64),
        thousands(MAX_SHARED_STRINGS as i64)
    )
}

/// The value of `name="..."` among a tag's attributes.
fn attribute<'t>(attributes: &'t [u8], name: &[u8]) -> Option<&'t str> {
    let mut rest = attributes;
    while let Some(i) = rest.windows(name.len()).position(|w| w == name) {
        let preceded = i == 0 || rest[i - 1].is_ascii_whitespace();
        let after = rest[i + name.len()..].trim_ascii_start();
        rest = &rest[i + name.len()..];
        if let (true, Some(value)) = (preceded, after.strip_prefix(b"=")) {
            let value = value.trim_ascii_start();
            let quote = *value.first()?;
            let body = &value[1..];
            let close = body.iter().position(|&c| c == quote)?;
            return std::str::from_utf8(&body[..close]).ok();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_text(xml: &[u8]) -> Result<(), String> {
        let mut counts = Counts::default();
        Scan::new(xml.len() as u64, &mut counts).run(&mut &xml[..])
    }

    #[test]
    fn constructs_are_measured_the_way_the_xml_reader_buffers_them() {
        let long = |open: &str, filler: &str, close: &str| {
            let mut x = format!("<worksheet>{open}").into_bytes();
            while x.len() < 300 * 1024 {
                x.extend_from_slice(filler.as_bytes());
            }
            x.extend_from_slice(format!("{close}</worksheet>").as_bytes());
            x
        };
        // '>' inside a comment, a CDATA section or a quoted value does not end them.
        for (open, close) in [("<!--", "-->"), ("<![CDATA[", "]]>"), ("<x a=\"", "\"/>"), ("<!DOCTYPE x [", "]>"), ("<?pi ", "?>")] {
            let err = scan_text(&long(open, "ab>", close)).unwrap_err();
            assert!(err.contains("longer than 256 KB"), "{open}: {err}");
        }
        // Many short constructs are fine.
        assert_eq!(scan_text(&long("", "<c><v>1</v></c>", "")), Ok(()));
    }

    #[test]
    fn a_style_element_is_bounded_wherever_it_sits() {
        let name = "F".repeat(2000);
        let inside_a_cell = format!("<styleSheet><fonts><c><font><name val=\"{name}\"/></font></c></fonts></styleSheet>");
        assert!(scan_text(inside_a_cell.as_bytes()).unwrap_err().contains("<font> style element longer than 1 KB"));
        let rich = format!("<sst><si>{}</si></sst>", "<r><t>abcdefghij</t></r>".repeat(200_000));
        assert!(scan_text(rich.as_bytes()).unwrap_err().contains("32,767 characters per cell"));
    }

    #[test]
    fn declared_and_counted_shared_strings_are_bounded() {
        assert!(scan_text(b"<sst uniqueCount=\"5000000\"><si><t>a</t></si></sst>").unwrap_err().contains("5,000,000 shared strings"));
        assert_eq!(scan_text(b"<sst count=\"2\" uniqueCount=\"2\"><si><t>a</t></si><si><t>b</t></si></sst>"), Ok(()));
        assert_eq!(attribute(b" xuniqueCount=\"9\" uniqueCount = '3'", b"uniqueCount"), Some("3"));
    }

    #[test]
    fn the_zip_table_of_contents_is_read_from_its_end_record() {
        let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/inventories/mpa-sample-portfolio.xlsx")).unwrap();
        let (entries, size) = central_directory(&bytes).unwrap();
        assert_eq!(entries, 21);
        assert!(size > 0 && size < 4096, "{size}");
        assert_eq!(central_directory(b"not a zip"), None);
        assert!(check(&bytes).is_ok());
    }
}
