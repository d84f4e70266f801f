//! Turning file bytes into rows of text: encoding, delimiter, CSV quoting and
//! spreadsheets. Nothing here knows what the columns mean.

use std::io::Cursor;

use calamine::{Data, Reader};

use super::{MAX_ROWS, Problem};

/// One sheet (or a whole CSV file): a header row and the data rows under it.
#[derive(Debug, Clone)]
pub struct Table {
    /// Sheet name for spreadsheets, `None` for CSV (messages then say just "line N").
    pub sheet: Option<String>,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone)]
pub struct Row {
    /// Line (CSV) or row number (spreadsheet) where the row starts, 1-based.
    pub line: usize,
    pub cells: csv::StringRecord,
}

impl Row {
    pub fn get(&self, col: usize) -> &str {
        self.cells.get(col).unwrap_or("")
    }

    fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}

impl Table {
    pub fn problem(&self, line: usize, column: &str, message: impl Into<String>) -> Problem {
        Problem { sheet: self.sheet.clone(), line: Some(line), column: Some(column.to_string()), message: message.into() }
    }

    /// Index of the first header whose key (see [`header_key`]) is one of `keys`.
    pub fn column(&self, keys: &[&str]) -> Option<usize> {
        keys.iter().find_map(|k| self.headers.iter().position(|h| header_key(h) == *k))
    }
}

/// A header reduced to what identifies it: lower case, letters and digits
/// only, units in parentheses dropped (`" totalRAM (GB)"` -> `totalram`,
/// `CPU.NumberOfCores` -> `cpunumberofcores`, `메모리(GB)` -> `메모리`).
pub fn header_key(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut depth = 0usize;
    for ch in header.trim_start_matches('\u{feff}').chars() {
        match ch {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            c if depth == 0 && c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => {}
        }
    }
    out
}

/// The unit a header names in parentheses, lower case (`"totalRAM (GB)"` -> `gb`).
pub fn header_unit(header: &str) -> Option<String> {
    let open = header.rfind('(')?;
    let close = header[open..].find(')')? + open;
    Some(header[open + 1..close].trim().to_lowercase())
}

/// True for a zip container (xlsx) by its magic number.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// True for bytes that are not text: NUL bytes or many control characters
/// near the start. Checked before decoding so a PDF or image is refused
/// as what it is rather than as an oddly shaped CSV.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let control = head.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).count();
    control * 20 > head.len().max(1)
}

/// Decodes text: UTF-8 (BOM dropped) when valid, else Korean Excel's
/// CP949/EUC-KR. Returns the text and the encoding used.
pub fn decode(bytes: &[u8]) -> Result<(String, &'static str), Problem> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(body) {
        return Ok((s.to_string(), "UTF-8"));
    }
    let (text, _, had_errors) = encoding_rs::EUC_KR.decode(body);
    if had_errors {
        return Err(Problem::file("the file is neither UTF-8 nor CP949/EUC-KR text; save it from Excel as \"CSV UTF-8\" and try again"));
    }
    Ok((text.into_owned(), "CP949"))
}

/// Picks the delimiter from the header line: the most frequent of comma,
/// semicolon and tab outside quotes (comma on a tie).
pub fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in first.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], std::cmp::Reverse(i))).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// Finds a quoted field that never ends: the `csv` reader would silently
/// swallow the rest of the file into it. Returns the line it starts on.
fn unterminated_quote(text: &str, delimiter: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut line = 1usize;
    let mut at_field_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if at_field_start && b == b'"' {
            let start_line = line;
            i += 1;
            loop {
                match bytes.get(i) {
                    None => return Some(start_line),
                    Some(b'"') if bytes.get(i + 1) == Some(&b'"') => i += 2,
                    Some(b'"') => {
                        i += 1;
                        break;
                    }
                    Some(b'\n') => {
                        line += 1;
                        i += 1;
                    }
                    Some(_) => i += 1,
                }
            }
            at_field_start = false;
            continue;
        }
        if b == b'\n' {
            line += 1;
            at_field_start = true;
        } else {
            at_field_start = b == delimiter || (b == b'\r' && at_field_start);
        }
        i += 1;
    }
    None
}

/// Reads CSV text into a table. Blank lines are skipped; ragged rows are
/// kept as read (the format parsers report them with their line).
pub fn read_csv(text: &str) -> Result<Table, Problem> {
    let delimiter = sniff_delimiter(text);
    if let Some(line) = unterminated_quote(text, delimiter) {
        return Err(Problem::at_line(
            line,
            "a quoted value starts here and is never closed (a missing \" character); nothing was imported",
        ));
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // The reader's own line numbers drift around blank lines and quoted
    // newlines, so lines are counted from byte offsets instead.
    let bytes = text.as_bytes();
    let (mut counted_to, mut line_at) = (0usize, 1usize);
    loop {
        let mut start = reader.position().byte() as usize;
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        line_at += bytes[counted_to..start.min(bytes.len())].iter().filter(|&&b| b == b'\n').count();
        counted_to = start.min(bytes.len());
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
                return Err(Problem::at_line(line, format!("the file cannot be read as CSV here ({e})")));
            }
        }
        let row = Row { line: line_at, cells: record.clone() };
        if row.is_blank() {
            continue;
        }
        if headers.is_none() {
            headers = Some(row.cells.iter().map(|h| h.trim().trim_start_matches('\u{feff}').trim().to_string()).collect());
            continue;
        }
        if rows.len() >= MAX_ROWS {
            return Err(Problem::file(format!("the file has more than {MAX_ROWS} rows; split it into smaller files")));
        }
        rows.push(row);
    }
    let headers = headers.ok_or_else(|| Problem::file("the file is empty"))?;
    Ok(Table { sheet: None, headers, rows })
}

/// Cell text as a consultant would read it in Excel (whole numbers without `.0`).
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Bool(b) => {
            if *b {
                "True".into()
            } else {
                "False".into()
            }
        }
        other => other.to_string(),
    }
}

/// Opens a spreadsheet (xlsx, xls, ods).
pub struct Workbook {
    sheets: calamine::Sheets<Cursor<Vec<u8>>>,
}

impl Workbook {
    pub fn open(bytes: &[u8]) -> Result<Workbook, Problem> {
        let sheets = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
            .map_err(|e| Problem::file(format!("the spreadsheet cannot be opened ({e})")))?;
        Ok(Workbook { sheets })
    }

    pub fn sheet_names(&self) -> Vec<String> {
        self.sheets.sheet_names().to_vec()
    }

    /// The sheet whose name matches `name` ignoring case and spaces.
    pub fn find_sheet(&self, name: &str) -> Option<String> {
        let key = header_key(name);
        self.sheet_names().into_iter().find(|s| header_key(s) == key)
    }

    /// Reads a sheet as a table: the first non-blank row is the header.
    pub fn table(&mut self, sheet: &str) -> Result<Table, Problem> {
        let range = self.sheets.worksheet_range(sheet).map_err(|e| Problem::file(format!("sheet \"{sheet}\" cannot be read ({e})")))?;
        let first_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
        let mut headers: Option<Vec<String>> = None;
        let mut rows = Vec::new();
        for (i, cells) in range.rows().enumerate() {
            let record: csv::StringRecord = cells.iter().map(cell_text).collect();
            let row = Row { line: first_row + i + 1, cells: record };
            if row.is_blank() {
                continue;
            }
            if headers.is_none() {
                headers = Some(row.cells.iter().map(|h| h.trim().to_string()).collect());
                continue;
            }
            if rows.len() >= MAX_ROWS {
                return Err(Problem::file(format!("sheet \"{sheet}\" has more than {MAX_ROWS} rows")));
            }
            rows.push(row);
        }
        Ok(Table { sheet: Some(sheet.to_string()), headers: headers.unwrap_or_default(), rows })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_keys_ignore_case_spacing_and_units() {
        assert_eq!(header_key(" totalRAM (GB)"), "totalram");
        assert_eq!(header_key("CPU.NumberOfCores"), "cpunumberofcores");
        assert_eq!(header_key("메모리(GB)"), "메모리");
        assert_eq!(header_key("\u{feff}Name"), "name");
        assert_eq!(header_unit("totalRAM (GB)").as_deref(), Some("gb"));
    }

    #[test]
    fn delimiter_is_sniffed_outside_quotes() {
        assert_eq!(sniff_delimiter("name;ram_gb;notes\n"), b';');
        assert_eq!(sniff_delimiter("name,\"a;b;c\",x\n"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc\n"), b'\t');
    }

    #[test]
    fn rows_carry_their_file_line() {
        let t = read_csv("a,b\r\n1,2\r\n\r\n3,\"x\ny\"\r\n4,5\r\n").unwrap();
        let lines: Vec<usize> = t.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 4, 6]);
    }

    #[test]
    fn an_open_quote_is_found_with_its_line() {
        assert_eq!(unterminated_quote("a,b\n1,\"x\ny\"\n2,\"open\n3,4\n", b','), Some(4));
        assert_eq!(unterminated_quote("a,b\n1,\"say \"\"hi\"\"\"\n", b','), None);
        assert_eq!(unterminated_quote("a,b\r\n1,5\" disk\r\n", b','), None);
    }

    #[test]
    fn cp949_is_decoded_and_binary_is_spotted() {
        let (bytes, _, _) = encoding_rs::EUC_KR.encode("이름,호스트명\n");
        let (text, enc) = decode(&bytes).unwrap();
        assert_eq!(text, "이름,호스트명\n");
        assert_eq!(enc, "CP949");
        assert!(looks_binary(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
        assert!(!looks_binary("name,ram\r\nx,1\r\n".as_bytes()));
    }
}
