//! Turning file bytes into rows of text: encoding, delimiter, CSV quoting and
//! spreadsheets. Nothing here knows what the columns mean.

use std::borrow::Cow;
use std::io::Cursor;

use calamine::{Data, Reader};

use super::{MAX_ROWS, Problem};
use crate::error::{quoted, shown};

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
/// CP949/EUC-KR. Returns the text (UTF-8 is read in place, not copied: a
/// 50 MB upload is held once) and the encoding used.
pub fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, &'static str), Problem> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(body) {
        return Ok((Cow::Borrowed(s), "UTF-8"));
    }
    let (text, _, had_errors) = encoding_rs::EUC_KR.decode(body);
    if had_errors {
        return Err(Problem::file("the file is neither UTF-8 nor CP949/EUC-KR text; save it from Excel as \"CSV UTF-8\" and try again"));
    }
    Ok((Cow::Owned(text.into_owned()), "CP949"))
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
    // A record per row, sized like the row before: the reader grows a
    // record's buffer to the longest row it held and a copy keeps all of
    // it, so one 1 MB cell made every later row cost 1 MB (1,500 short rows
    // after it, 1.6 GB).
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
                return Err(Problem::at_line(line, format!("the file cannot be read as CSV here ({})", shown(&e.to_string()))));
            }
        }
        let (text_bytes, fields) = (record.as_byte_record().as_slice().len(), record.len());
        let row = Row { line: line_at, cells: std::mem::replace(&mut record, csv::StringRecord::with_capacity(text_bytes, fields)) };
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

/// What one workbook may hold; each keeps the memory of reading it bounded
/// and each refusal names it. Cells are streamed, so a sheet that declares
/// (or places a cell at) XFD1048576 costs nothing until its cells come.
pub const MAX_COLUMNS: usize = 1_000;
/// Excel's own limit for one cell.
pub const MAX_CELL_CHARS: usize = 32_767;
/// All the cell text of the sheets read, together.
pub const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;
/// Cells of the tables read (each row as wide as its sheet), together.
pub const MAX_CELLS: usize = 8_000_000;

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

/// `A`, `B`, ... `Z`, `AA`, ... for a 0-based column.
pub fn column_name(col: u32) -> String {
    let mut n = col as u64 + 1;
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push(b'A' + (n % 26) as u8);
        n /= 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// An xlsx workbook, read a sheet at a time with bounded memory (see
/// [`super::workbook_check`] for what is refused before calamine reads it).
pub struct Workbook<'a> {
    xlsx: calamine::Xlsx<Cursor<&'a [u8]>>,
    /// Cell text and cells read so far, against [`MAX_TEXT_BYTES`] and [`MAX_CELLS`].
    text_bytes: usize,
    cells: usize,
}

impl<'a> Workbook<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<Workbook<'a>, Problem> {
        if !is_zip(bytes) {
            return Err(Problem::file(
                "sixr reads Excel workbooks as .xlsx; this is an older .xls or another kind of file: save it from Excel as \"Excel Workbook (.xlsx)\" and try again",
            ));
        }
        super::workbook_check::check(bytes)?;
        let xlsx = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| {
            Problem::file(format!(
                "the workbook cannot be opened as .xlsx ({}); save it from Excel or LibreOffice as \"Excel Workbook (.xlsx)\" and try again",
                shown(&e.to_string())
            ))
        })?;
        Ok(Workbook { xlsx, text_bytes: 0, cells: 0 })
    }

    pub fn sheet_names(&self) -> Vec<String> {
        self.xlsx.sheet_names().to_vec()
    }

    /// The sheet whose name matches `name` ignoring case and spaces.
    pub fn find_sheet(&self, name: &str) -> Option<String> {
        let key = header_key(name);
        self.sheet_names().into_iter().find(|s| header_key(s) == key)
    }

    /// Reads a sheet as a table: the first non-blank row is the header, and
    /// columns start at the leftmost cell used anywhere in the sheet.
    pub fn table(&mut self, sheet: &str) -> Result<Table, Problem> {
        let unreadable =
            |e: calamine::XlsxError| Problem::file(format!("sheet {} cannot be read ({})", quoted(sheet), shown(&e.to_string())));
        let mut reader = match self.xlsx.worksheet_cells_reader(sheet) {
            Ok(r) => r,
            // A chart sheet has no cells.
            Err(calamine::XlsxError::NotAWorksheet(_)) => {
                return Ok(Table { sheet: Some(sheet.to_string()), headers: vec![], rows: vec![] });
            }
            Err(e) => return Err(unreadable(e)),
        };
        let at = |row: u32, col: u32, message: String| Problem {
            sheet: Some(sheet.to_string()),
            line: Some(row as usize + 1),
            column: Some(column_name(col)),
            message,
        };
        // Rows as read, cells at their own columns; narrowed and padded below.
        let mut rows: Vec<Row> = Vec::new();
        let mut record = csv::StringRecord::new();
        let mut row_at: Option<u32> = None;
        let (mut first_col, mut last_col) = (u32::MAX, 0u32);
        let flush = |row: Option<u32>, record: &mut csv::StringRecord, rows: &mut Vec<Row>| {
            if let Some(r) = row {
                let row = Row { line: r as usize + 1, cells: std::mem::take(record) };
                if !row.is_blank() {
                    rows.push(row);
                }
            }
        };
        while let Some(cell) = reader.next_cell().map_err(unreadable)? {
            let (r, c) = cell.get_position();
            let Some(text) = checked_text(cell.get_value(), c).map_err(|m| at(r, c, m))? else { continue };
            match row_at {
                Some(current) if r < current || (r == current && (c as usize) < record.len()) => {
                    return Err(at(
                        r,
                        c,
                        "the cells are out of order here (a damaged or hand-made file); open it in Excel, save it again and retry".into(),
                    ));
                }
                Some(current) if r == current => {}
                _ => {
                    flush(row_at, &mut record, &mut rows);
                    if rows.len() > MAX_ROWS + 1 {
                        return Err(too_many_rows(sheet));
                    }
                    row_at = Some(r);
                }
            }
            self.cells += c as usize + 1 - record.len();
            self.text_bytes += text.len();
            if self.text_bytes > MAX_TEXT_BYTES {
                return Err(Problem::file(format!(
                    "the workbook holds more than {} MB of text in the sheets sixr reads; sixr reads at most that much",
                    MAX_TEXT_BYTES / (1024 * 1024)
                )));
            }
            while record.len() < c as usize {
                record.push_field("");
            }
            record.push_field(&text);
            (first_col, last_col) = (first_col.min(c), last_col.max(c));
            if self.cells > MAX_CELLS {
                return Err(too_many_cells());
            }
        }
        flush(row_at, &mut record, &mut rows);
        if rows.len() > MAX_ROWS + 1 {
            return Err(too_many_rows(sheet));
        }

        square(&mut self.cells, &mut rows, first_col, last_col)?;
        let mut rows = rows.into_iter();
        let headers = rows.next().map(|h| h.cells.iter().map(|c| c.trim().to_string()).collect()).unwrap_or_default();
        Ok(Table { sheet: Some(sheet.to_string()), headers, rows: rows.collect() })
    }
}

/// Every row as wide as the sheet's used columns, as Excel shows them
/// (the padding counted with the cells read against [`MAX_CELLS`]).
fn square(cells_read: &mut usize, rows: &mut [Row], first_col: u32, last_col: u32) -> Result<(), Problem> {
    let (first, width) = if rows.is_empty() { (0, 0) } else { (first_col as usize, (last_col - first_col) as usize + 1) };
    *cells_read = cells_read.saturating_add(rows.iter().map(|r| width.saturating_sub(r.cells.len().saturating_sub(first))).sum());
    if *cells_read > MAX_CELLS {
        return Err(too_many_cells());
    }
    for row in rows {
        if first > 0 || row.cells.len() < first + width {
            let mut cells: csv::StringRecord = row.cells.iter().skip(first).collect();
            while cells.len() < width {
                cells.push_field("");
            }
            row.cells = cells;
        }
    }
    Ok(())
}

/// A cell's text, none when it is empty; refused (with the message) when
/// it is longer than Excel allows or beyond [`MAX_COLUMNS`]. A shared string
/// is measured before it is copied.
fn checked_text(value: &calamine::DataRef<'_>, c: u32) -> Result<Option<String>, String> {
    if let calamine::DataRef::SharedString(s) = value
        && s.len() > MAX_CELL_CHARS * 4
    {
        return Err(too_long_cell(s.chars().count()));
    }
    let text = cell_text(&Data::from(value.clone()));
    if text.is_empty() {
        return Ok(None);
    }
    let chars = text.chars().count();
    if chars > MAX_CELL_CHARS {
        return Err(too_long_cell(chars));
    }
    if c as usize >= MAX_COLUMNS {
        return Err(format!(
            "a value in column {} (column {}); sixr reads at most {} columns",
            column_name(c),
            crate::i18n::thousands(c as i64 + 1),
            crate::i18n::thousands(MAX_COLUMNS as i64)
        ));
    }
    Ok(Some(text))
}

fn too_long_cell(chars: usize) -> String {
    format!(
        "this value is {} characters long; sixr reads at most {} characters per cell (Excel's own limit)",
        crate::i18n::thousands(chars as i64),
        crate::i18n::thousands(MAX_CELL_CHARS as i64)
    )
}

/// More data rows than [`MAX_ROWS`] (the header row is not one).
fn too_many_rows(sheet: &str) -> Problem {
    Problem::file(format!(
        "sheet {} has more than {} rows; split it into smaller files",
        quoted(sheet),
        crate::i18n::thousands(MAX_ROWS as i64)
    ))
}

fn too_many_cells() -> Problem {
    Problem::file(format!(
        "the sheets sixr reads hold more than {} cells (rows times columns); sixr reads at most that many: split the workbook",
        crate::i18n::thousands(MAX_CELLS as i64)
    ))
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
    fn columns_are_named_as_excel_names_them() {
        let names: Vec<String> = [0, 25, 26, 701, 702, 16_383].into_iter().map(column_name).collect();
        assert_eq!(names, ["A", "Z", "AA", "ZZ", "AAA", "XFD"]);
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
