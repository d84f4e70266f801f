//! What the columns of each known format mean, and reading rows into workloads.
//!
//! Read this file first: the `Collector` every format fills, the helpers
//! that set a field from a cell, and the two entries, `parse_csv_table`
//! (which tells a CSV's format by its headers) and `parse_workbook` (by its
//! sheets). Then one file per format: `template.rs` (the sixr template and
//! files mapped by the consultant, with the questionnaire values),
//! `rvtools.rs`, `migration_hub.rs` and `mpa.rs`.

mod migration_hub;
mod mpa;
mod rvtools;
mod template;

use std::collections::HashMap;

use super::mapping::{self, Mapping};
use super::table::{Row, Table, Workbook, header_key, header_unit};
use super::{Format, Parsed, Problem, Refusal};
use crate::error::quoted;
use crate::inventory::Workload;
use migration_hub::parse_migration_hub;
use mpa::parse_mpa;
use rvtools::{parse_rvtools, rvtools_utilisation};
pub use template::{answer_value, parse_with_targets};

/// Collects workloads in file order. Two rows never merge: a name seen
/// again gets a readable unique name (`GV-Win-03 (2)`) and a warning naming
/// both rows; a source id seen again gets `#2` so each row keeps its own.
struct Collector {
    parsed: Parsed,
    /// Name -> (index in `parsed.workloads`, line of its row).
    index: HashMap<String, (usize, usize)>,
    source_ids: HashMap<String, usize>,
}

impl Collector {
    fn new(format: Format) -> Collector {
        Collector { parsed: Parsed { format: Some(format), ..Parsed::default() }, index: HashMap::new(), source_ids: HashMap::new() }
    }

    fn push(&mut self, table: &Table, line: usize, mut w: Workload) {
        if !w.source_id.is_empty() {
            let seen = self.source_ids.entry(w.source_id.clone()).or_default();
            *seen += 1;
            if *seen > 1 {
                w.source_id = format!("{}#{seen}", w.source_id);
            }
        }
        if let Some(&(i, first_line)) = self.index.get(&w.name) {
            let original = w.name.clone();
            let unique = (2..).map(|n| format!("{original} ({n})")).find(|n| !self.index.contains_key(n)).expect("a free name");
            let ids = match (self.parsed.workloads[i].source_id.as_str(), w.source_id.as_str()) {
                ("", _) | (_, "") => String::new(),
                (a, b) => format!(" (two different rows: {} and {})", short_id(a), short_id(b)),
            };
            self.parsed.warnings.push(table.problem(
                line,
                "name",
                format!(
                    "{} is also the name of the row on line {first_line}{ids}; both are kept, this one as {}",
                    quoted(&original),
                    quoted(&unique)
                ),
            ));
            w.name = unique;
        }
        self.index.insert(w.name.clone(), (self.parsed.workloads.len(), line));
        self.parsed.workloads.push(w);
    }

    fn has(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut Workload> {
        let &(i, _) = self.index.get(name)?;
        self.parsed.workloads.get_mut(i)
    }
}

/// A source id as a warning shows it: without its format prefix.
fn short_id(id: &str) -> &str {
    id.split_once(':').map_or(id, |(_, rest)| rest)
}

/// A number with the file's separators and a unit in the value or the
/// header, in GB (`"500 GB"`, `"2,048"` MiB, `"1.5 TB"`).
pub fn size_gb(raw: &str, default_unit: &str) -> Result<Option<f64>, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let split = text.trim_end_matches(|c: char| c.is_alphabetic() || c.is_whitespace()).len();
    let (number, unit) = text.split_at(split);
    let unit = if unit.trim().is_empty() { default_unit.to_string() } else { unit.trim().to_lowercase() };
    let factor = match unit.as_str() {
        "tb" | "tib" | "t" => 1024.0,
        "gb" | "gib" | "g" | "" => 1.0,
        "mb" | "mib" | "m" => 1.0 / 1024.0,
        "kb" | "kib" | "k" => 1.0 / (1024.0 * 1024.0),
        _ => return Err(format!("{} is not a size (use GB, MB or TB)", quoted(text))),
    };
    let value = crate::inventory::parse_number(number).ok_or_else(|| format!("{} is not a number", quoted(text)))?;
    Ok(Some((value * factor * 100.0).round() / 100.0))
}

fn number_text(v: f64) -> String {
    if v.fract() == 0.0 { format!("{}", v as i64) } else { format!("{v}") }
}

/// Sets a workload field, recording the refusal against the file's column.
fn set(w: &mut Workload, errors: &mut Vec<Problem>, table: &Table, row: &Row, column: &str, field: &str, raw: &str) {
    if let Err(message) = w.set_field(field, raw) {
        errors.push(table.problem(row.line, column, message));
    }
}

/// Sets a size field (GB) from a value that may carry its own unit.
fn set_size(w: &mut Workload, errors: &mut Vec<Problem>, table: &Table, row: &Row, col: usize, field: &str, default_unit: &str) {
    let column = &table.headers[col];
    match size_gb(row.get(col), default_unit) {
        Ok(Some(v)) => set(w, errors, table, row, column, field, &number_text(v)),
        Ok(None) => {}
        Err(message) => errors.push(table.problem(row.line, column, message)),
    }
}

/// The unit a size column is in: named in its header, else `default`.
fn unit_of(table: &Table, col: usize, default: &str) -> String {
    let header = &table.headers[col];
    if let Some(unit) = header_unit(header) {
        return unit;
    }
    let key = header_key(header);
    for unit in ["mib", "mb", "gib", "gb", "tib", "tb"] {
        if key.ends_with(unit) {
            return unit.to_string();
        }
    }
    default.to_string()
}

/// A data row must have as many values as the header has columns.
fn ragged(table: &Table, row: &Row) -> Option<Problem> {
    let n = row.cells.len();
    let expected = table.headers.len();
    (n != expected).then(|| {
        Problem {
            sheet: table.sheet.clone(),
            line: Some(row.line),
            column: None,
            message: format!(
                "this row has {n} values but the header has {expected} columns (a missing or extra delimiter, or an unquoted value containing one)"
            ),
        }
    })
}

/// Finishes one row: refused rows go to errors, others to the collector.
fn finish_row(out: &mut Collector, table: &Table, row: &Row, w: Workload, errors: Vec<Problem>) -> bool {
    out.parsed.rows_read += 1;
    if errors.is_empty() {
        out.push(table, row.line, w);
        true
    } else {
        out.parsed.errors.extend(errors);
        false
    }
}

// ---------------------------------------------------------------- CSV shapes

/// Detects the shape of a CSV table and reads it.
pub fn parse_csv_table(table: Table, saved_mapping: &dyn Fn(&str) -> Option<Mapping>) -> Result<Parsed, Refusal> {
    let keys: Vec<String> = table.headers.iter().map(|h| header_key(h)).collect();
    let has = |k: &str| keys.iter().any(|x| x == k);
    let parsed = if has("vm") && (has("powerstate") || has("cpus")) {
        parse_rvtools(&table, Format::RvtoolsCsv)
    } else if has("externalid") || (has("hostname") && (has("cpunumberofcores") || has("ramtotalsizeinmb"))) {
        parse_migration_hub(&table)
    } else if let Some(targets) = mapping::template_targets(&table.headers) {
        parse_with_targets(&table, &targets, Format::Template)
    } else {
        let signature = mapping::signature(&table.headers);
        match saved_mapping(&signature) {
            Some(m) => parse_with_targets(&table, &m.targets(&table.headers), Format::Mapped),
            None => return Err(Refusal::UnknownFormat { headers: table.headers.clone(), signature }),
        }
    };
    finish(parsed, &table)
}

/// Refuses a file with a header and no data rows.
fn finish(parsed: Parsed, table: &Table) -> Result<Parsed, Refusal> {
    if parsed.rows_read == 0 {
        let what = table.sheet.as_ref().map(|s| format!("sheet {}", quoted(s))).unwrap_or_else(|| "the file".into());
        return Err(Problem::file(format!("{what} has a header row but no data rows")).into());
    }
    Ok(parsed)
}

/// The applications a source says a server serves: one is its application;
/// several make it a shared server, kept apart for discovery enrichment to
/// model (`enrich`: the shared-services application) instead of putting it
/// in whichever came first.
fn set_applications(w: &mut Workload, apps: Vec<String>) {
    match apps.len() {
        0 => {}
        1 => w.application = apps.into_iter().next().unwrap_or_default(),
        _ => w.discovered.applications = apps,
    }
}

// ---------------------------------------------------------------- workbooks

/// Reads an xlsx: an RVTools export (vInfo), an MPA workbook (Servers...), or
/// a template/Migration Hub table on the first sheet.
pub fn parse_workbook(bytes: &[u8]) -> Result<Parsed, Refusal> {
    // calamine can panic on a damaged workbook (the fuzzer found an
    // arithmetic overflow in its xlsx reader): that is a refusal for the
    // consultant, never a crash of the import or the server.
    std::panic::catch_unwind(|| read_workbook(bytes)).unwrap_or_else(|_| {
        Err(Problem::file("the workbook is damaged and could not be read; open it in Excel, save it again and retry").into())
    })
}

fn read_workbook(bytes: &[u8]) -> Result<Parsed, Refusal> {
    let mut book = Workbook::open(bytes)?;
    if let Some(sheet) = book.find_sheet("vInfo") {
        let table = book.table(&sheet)?;
        let mut parsed = parse_rvtools(&table, Format::RvtoolsXlsx);
        rvtools_utilisation(&mut book, &mut parsed)?;
        return finish(parsed, &table);
    }
    if book.find_sheet("Servers").is_some() {
        return parse_mpa(&mut book);
    }
    let names = book.sheet_names();
    let Some(first) = names.first() else {
        return Err(Problem::file("the workbook has no sheets").into());
    };
    let table = book.table(first)?;
    if table.headers.is_empty() {
        return Err(Problem::file(format!("the first sheet {} is empty", quoted(first))).into());
    }
    parse_csv_table(table, &|_| None).map_err(|r| match r {
        Refusal::UnknownFormat { .. } => Problem::file(format!(
            "the workbook is neither an RVTools export (a vInfo sheet) nor an MPA workbook (a Servers sheet), and its \
             first sheet is not a sixr template; its sheets are: {}",
            names.join(", ")
        ))
        .into(),
        other => other,
    })
}

#[cfg(test)]
mod tests;
