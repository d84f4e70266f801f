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
    /// Answers given row by row, until `lift_shared_answers` adds them to `answers`.
    pub(crate) row_answers: RowAnswers,
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

/// A file's answers given row by row (the template's questionnaire
/// columns), kept small until [`lift_shared_answers`] makes `Answer`s of
/// them: 100,000 rows answer 600,000 questions, and most become 30,000
/// applications' answers. A row's workload is its place in
/// `Parsed::workloads`; questions and values are numbered.
#[derive(Debug, Clone, Default)]
pub(crate) struct RowAnswers {
    questions: Vec<&'static str>,
    values: Vec<String>,
    value_numbers: std::collections::HashMap<String, u32>,
    /// (workload, question, value), in file order.
    given: Vec<(u32, u16, u32)>,
}

impl RowAnswers {
    pub(crate) fn reserve(&mut self, answers: usize) {
        self.given.reserve_exact(answers);
    }

    /// The answer of the workload at `workload` in `Parsed::workloads`.
    pub(crate) fn push(&mut self, workload: usize, question: &'static str, value: String) {
        let q = self.questions.iter().position(|q| *q == question).unwrap_or_else(|| {
            self.questions.push(question);
            self.questions.len() - 1
        });
        let v = match self.value_numbers.get(&value) {
            Some(v) => *v,
            None => {
                let v = self.values.len() as u32;
                self.value_numbers.insert(value.clone(), v);
                self.values.push(value);
                v
            }
        };
        self.given.push((workload as u32, q as u16, v));
    }
}

/// Answers are asked per application and inherited by its workloads (the
/// questionnaire's model), but a template file answers them per row. Where
/// every workload of an application gives the same answer, it becomes the
/// application's answer; rows that differ keep their own. The answers
/// follow those the file gave otherwise: the rows' own in file order, then
/// the applications' in order of name and question.
pub fn lift_shared_answers(mut parsed: Parsed) -> Parsed {
    use std::collections::HashMap;
    let rows = std::mem::take(&mut parsed.row_answers);
    if rows.given.is_empty() {
        return parsed;
    }
    // Applications by number, and each workload's; an application's members
    // are all its workloads, answering or not.
    let mut apps: Vec<&str> = Vec::new();
    let mut app_number: HashMap<&str, usize> = HashMap::new();
    let mut members: Vec<usize> = Vec::new();
    let app_of: Vec<Option<usize>> = parsed
        .workloads
        .iter()
        .map(|w| {
            (!w.application.is_empty()).then(|| {
                let n = *app_number.entry(w.application.as_str()).or_insert_with(|| {
                    apps.push(w.application.as_str());
                    members.push(0);
                    apps.len() - 1
                });
                members[n] += 1;
                n
            })
        })
        .collect();
    // (application, question) -> how many of its workloads answered, and
    // the value when they all gave the same.
    let questions = rows.questions.len();
    let mut tally: Vec<(usize, Option<u32>)> = vec![(0, None); apps.len() * questions];
    for &(w, q, v) in &rows.given {
        if let Some(app) = app_of[w as usize] {
            let (count, value) = &mut tally[app * questions + q as usize];
            *value = if *count == 0 { Some(v) } else { value.filter(|x| *x == v) };
            *count += 1;
        }
    }
    let shared = |app: usize, q: usize| match tally[app * questions + q] {
        (count, Some(value)) if count == members[app] => Some(value),
        _ => None,
    };
    let own = rows.given.iter().filter(|(w, q, _)| app_of[*w as usize].is_none_or(|app| shared(app, *q as usize).is_none()));
    let mut answers: Vec<Answer> = own
        .map(|&(w, q, v)| Answer {
            subject_kind: "workload".into(),
            subject: parsed.workloads[w as usize].name.clone(),
            question: rows.questions[q as usize].to_string(),
            value: rows.values[v as usize].clone(),
        })
        .collect();
    let mut lifted: Vec<(&str, &str, &str)> = (0..apps.len())
        .flat_map(|app| (0..questions).map(move |q| (app, q)))
        .filter_map(|(app, q)| shared(app, q).map(|v| (apps[app], rows.questions[q], rows.values[v as usize].as_str())))
        .collect();
    lifted.sort_unstable();
    answers.extend(lifted.into_iter().map(|(subject, question, value)| Answer {
        subject_kind: "application".into(),
        subject: subject.to_string(),
        question: question.to_string(),
        value: value.to_string(),
    }));
    parsed.answers.extend(answers);
    parsed
}
