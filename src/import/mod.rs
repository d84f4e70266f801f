//! Inventory import: format detection, parsing and validation of the files
//! consultants receive (sixr template, RVTools, Migration Hub, MPA, sixr
//! backups). Pure: bytes in, a [`Parsed`] inventory or a [`Refusal`] out.
//! The all-or-nothing write is `db::imports`.

pub mod backup;
pub mod export;
pub mod formats;
pub mod identity;
pub mod mapping;
pub mod table;
pub mod workbook_check;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::inventory::{Application, Dependency, Workload};

/// The AnyCompany case of the seed, shipped with the binary.
pub const ANYCOMPANY_SAMPLE: &[u8] = include_bytes!("../../samples/anycompany.csv");
pub const ANYCOMPANY_ENGAGEMENT: &str = "AnyCompany";

/// Largest file accepted (the web upload limit too).
pub const MAX_FILE_BYTES: usize = 50 * 1024 * 1024;
/// Most data rows accepted in one file or sheet.
pub const MAX_ROWS: usize = 1_000_000;

/// Questionnaire columns of the sixr template, stored as answers under the
/// workload with these exact question names (the scoring rules read them).
pub const QUESTIONS: &[&str] = &[
    "still_used",
    "saas_alternative",
    "source_available",
    "must_stay_on_prem",
    "needs_new_features",
    "deadline_months",
    "usage_level",
    "must_stay_reason",
    "license_bound_to_hardware",
];

/// The file shapes sixr recognises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Template,
    RvtoolsCsv,
    RvtoolsXlsx,
    MigrationHub,
    Mpa,
    Backup,
    /// A file of unknown shape read through a column mapping the consultant confirmed.
    Mapped,
}

impl Format {
    pub fn code(self) -> &'static str {
        match self {
            Format::Template => "template",
            Format::RvtoolsCsv => "rvtools-csv",
            Format::RvtoolsXlsx => "rvtools-xlsx",
            Format::MigrationHub => "migration-hub",
            Format::Mpa => "mpa",
            Format::Backup => "backup",
            Format::Mapped => "mapped",
        }
    }

    /// What the preview says the file is.
    pub fn label(self) -> &'static str {
        match self {
            Format::Template => "sixr template CSV",
            Format::RvtoolsCsv => "RVTools vInfo (CSV)",
            Format::RvtoolsXlsx => "RVTools workbook (xlsx)",
            Format::MigrationHub => "AWS Migration Hub import template (CSV)",
            Format::Mpa => "AWS Migration Portfolio Assessment workbook (xlsx)",
            Format::Backup => "sixr engagement backup (JSON)",
            Format::Mapped => "CSV read with a saved column mapping",
        }
    }
}

/// One thing wrong (or worth knowing) about the file, located as precisely
/// as the file allows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub sheet: Option<String>,
    pub line: Option<usize>,
    pub column: Option<String>,
    pub message: String,
}

impl Problem {
    /// About the whole file.
    pub fn file(message: impl Into<String>) -> Problem {
        Problem { sheet: None, line: None, column: None, message: message.into() }
    }

    pub fn at_line(line: usize, message: impl Into<String>) -> Problem {
        Problem { sheet: None, line: Some(line), column: None, message: message.into() }
    }
}

impl fmt::Display for Problem {
    /// `line 3, cpu_cores: "-3" is not a positive number` (sheet first for workbooks).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut place = Vec::new();
        if let Some(sheet) = &self.sheet {
            place.push(format!("sheet {}", crate::error::quoted(sheet)));
        }
        if let Some(line) = self.line {
            place.push(format!("line {line}"));
        }
        if let Some(column) = &self.column {
            place.push(crate::error::shown(column).into_owned());
        }
        if place.is_empty() { write!(f, "{}", self.message) } else { write!(f, "{}: {}", place.join(", "), self.message) }
    }
}

/// A questionnaire answer about a workload or an application, by name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    /// `workload` or `application`.
    pub subject_kind: String,
    pub subject: String,
    pub question: String,
    pub value: String,
}

/// A file read and checked: what would be written, and what is wrong with it.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub format: Option<Format>,
    /// Workloads from the rows without errors, in file order, names unique.
    pub workloads: Vec<Workload>,
    /// Applications the file describes beyond their names (notes).
    pub applications: Vec<Application>,
    pub dependencies: Vec<Dependency>,
    pub answers: Vec<Answer>,
    /// Rows refused; the import is blocked unless only valid rows are asked for.
    pub errors: Vec<Problem>,
    /// Worth knowing, not blocking (powered-off VMs, unknown dependency names...).
    pub warnings: Vec<Problem>,
    /// Data rows read: templates and refused rows included.
    pub rows_read: usize,
    /// VM templates among the rows read (not workloads).
    pub templates_skipped: usize,
    /// Application attributes the file gives, by application name.
    pub app_attributes: Vec<(String, crate::inventory::AppAttributes)>,
    /// The rest of an engagement backup (settings, assessments, decisions).
    pub backup: Option<backup::BackupExtras>,
}

impl Parsed {
    pub fn format(&self) -> Format {
        self.format.unwrap_or(Format::Template)
    }

    /// Rows left out for their errors: every row read is a template, a
    /// workload or refused.
    pub fn rows_refused(&self) -> usize {
        self.rows_read.saturating_sub(self.templates_skipped + self.workloads.len())
    }
}

/// Why a file was not read at all.
#[derive(Debug, Clone)]
pub enum Refusal {
    /// Broken, empty, binary, too large...: the problems say what and where.
    Invalid(Vec<Problem>),
    /// Readable rows of a shape sixr does not know: offer a column mapping.
    UnknownFormat { headers: Vec<String>, signature: String },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Invalid(problems) => {
                let lines: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
                write!(f, "{}", lines.join("\n"))
            }
            Refusal::UnknownFormat { headers, .. } => write!(
                f,
                "the file is not a format sixr recognises (sixr template, RVTools vInfo, Migration Hub import \
                 template, MPA workbook, sixr backup); its columns are: {}. Map its columns on the web import page \
                 once, and files with the same columns import by themselves afterwards",
                column_list(headers)
            ),
        }
    }
}

/// A file's columns as a refusal lists them: each name cut, the first 40.
fn column_list(headers: &[String]) -> String {
    const LISTED: usize = 40;
    let mut names: Vec<String> = headers.iter().take(LISTED).map(|h| crate::error::shown(h).into_owned()).collect();
    if headers.len() > LISTED {
        names.push(format!("and {} more", crate::i18n::thousands((headers.len() - LISTED) as i64)));
    }
    names.join(", ")
}

impl From<Problem> for Refusal {
    fn from(p: Problem) -> Refusal {
        Refusal::Invalid(vec![p])
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> AppError {
        AppError::Invalid(r.to_string())
    }
}

/// Reads a file of any supported format. `mapping` is a saved column mapping
/// for files of unknown shape (see [`mapping`]), looked up by header signature.
pub fn parse(file_name: &str, bytes: &[u8], saved_mapping: &dyn Fn(&str) -> Option<mapping::Mapping>) -> Result<Parsed, Refusal> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(Problem::file(format!(
            "the file is {} MB; sixr imports files up to {} MB",
            bytes.len() / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        ))
        .into());
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(Problem::file("the file is empty").into());
    }
    parse_any(file_name, bytes, saved_mapping).map(note_unrecognised_os)
}

fn parse_any(file_name: &str, bytes: &[u8], saved_mapping: &dyn Fn(&str) -> Option<mapping::Mapping>) -> Result<Parsed, Refusal> {
    if table::is_zip(bytes) {
        return formats::parse_workbook(bytes).map(lift_shared_answers);
    }
    let lower = file_name.to_lowercase();
    if lower.ends_with(".xlsx") || lower.ends_with(".xls") || lower.ends_with(".ods") || bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return formats::parse_workbook(bytes).map(lift_shared_answers);
    }
    if table::looks_binary(bytes) {
        return Err(Problem::file(
            "the file is not text (it looks like a binary file); upload a CSV, an xlsx workbook or a sixr JSON backup",
        )
        .into());
    }
    let (text, _encoding) = table::decode(bytes)?;
    if text.trim_start().starts_with('{') {
        return backup::parse(&text);
    }
    let table = table::read_csv(&text)?;
    formats::parse_csv_table(table, saved_mapping).map(lift_shared_answers)
}

/// Operating systems the product knowledge does not recognise are kept as
/// typed and listed, one warning per text: their end of support is unknown
/// rather than guessed.
pub fn note_unrecognised_os(mut parsed: Parsed) -> Parsed {
    let mut unknown: std::collections::BTreeMap<&str, Vec<&str>> = std::collections::BTreeMap::new();
    // A file repeats a handful of OS texts: each is read once.
    let mut recognised: std::collections::HashMap<&str, bool> = std::collections::HashMap::new();
    for w in &parsed.workloads {
        let os = w.os.trim();
        if !os.is_empty() && !*recognised.entry(os).or_insert_with(|| crate::knowledge::os::parse(os).is_some()) {
            unknown.entry(os).or_default().push(w.name.as_str());
        }
    }
    let warnings: Vec<Problem> = unknown
        .into_iter()
        .map(|(os, names)| {
            let shown: Vec<&str> = names.iter().take(5).copied().collect();
            let more = if names.len() > shown.len() { format!(" and {} more", names.len() - shown.len()) } else { String::new() };
            Problem {
                column: Some("os".into()),
                ..Problem::file(format!(
                    "operating system {} is not recognised ({}{more}): kept as typed; its end of support is unknown",
                    crate::error::quoted(os),
                    shown.join(", ")
                ))
            }
        })
        .collect();
    parsed.warnings.extend(warnings);
    parsed
}

/// Answers are asked per application and inherited by its workloads (the
/// questionnaire's model), but a template file answers them per row. Where
/// every workload of an application gives the same answer, it becomes the
/// application's answer; rows that differ keep their own.
pub fn lift_shared_answers(mut parsed: Parsed) -> Parsed {
    use std::collections::HashMap;
    let application_of: HashMap<&str, &str> =
        parsed.workloads.iter().filter(|w| !w.application.is_empty()).map(|w| (w.name.as_str(), w.application.as_str())).collect();
    // Applications and questions by number, so that the 600,000 answers of
    // 100,000 rows are tallied in a table instead of a map of string pairs.
    let mut apps: Vec<&str> = Vec::new();
    let mut app_number: HashMap<&str, usize> = HashMap::new();
    let mut members: Vec<usize> = Vec::new();
    for app in application_of.values() {
        let n = *app_number.entry(app).or_insert_with(|| {
            apps.push(app);
            members.push(0);
            apps.len() - 1
        });
        members[n] += 1;
    }
    let mut questions: Vec<&str> = Vec::new();
    // Per answer, its (application, question) when its subject is a workload
    // of an application; the rows of a file give their answers one after
    // the other, so the last subject's application is asked first.
    let mut last: Option<(&str, Option<usize>)> = None;
    let keys: Vec<Option<(usize, usize)>> = parsed
        .answers
        .iter()
        .map(|a| {
            if a.subject_kind != "workload" {
                return None;
            }
            let app = match last {
                Some((subject, app)) if subject == a.subject => app,
                _ => {
                    let app = application_of.get(a.subject.as_str()).map(|app| app_number[app]);
                    last = Some((a.subject.as_str(), app));
                    app
                }
            }?;
            let q = questions.iter().position(|q| *q == a.question).unwrap_or_else(|| {
                questions.push(a.question.as_str());
                questions.len() - 1
            });
            Some((app, q))
        })
        .collect();
    // (application, question) -> how many of its workloads answered, and
    // the value when they all gave the same.
    let mut given: Vec<(usize, Option<&str>)> = vec![(0, None); apps.len() * questions.len()];
    for (a, key) in parsed.answers.iter().zip(&keys) {
        if let Some((app, q)) = key {
            let (count, value) = &mut given[app * questions.len() + q];
            *value = if *count == 0 { Some(a.value.as_str()) } else { value.filter(|v| *v == a.value) };
            *count += 1;
        }
    }
    let lifted = |(app, q): (usize, usize)| match given[app * questions.len() + q] {
        (count, Some(value)) if count == members[app] => Some(value),
        _ => None,
    };
    let mut shared: Vec<(String, String, String)> = (0..apps.len())
        .flat_map(|app| (0..questions.len()).map(move |q| (app, q)))
        .filter_map(|(app, q)| lifted((app, q)).map(|value| (apps[app].to_string(), questions[q].to_string(), value.to_string())))
        .collect();
    if shared.is_empty() {
        return parsed;
    }
    let mut answers: Vec<Answer> =
        parsed.answers.iter().zip(&keys).filter(|(_, key)| !key.is_some_and(|k| lifted(k).is_some())).map(|(a, _)| a.clone()).collect();
    shared.sort();
    answers.extend(shared.into_iter().map(|(subject, question, value)| Answer {
        subject_kind: "application".into(),
        subject,
        question,
        value,
    }));
    parsed.answers = answers;
    parsed
}
