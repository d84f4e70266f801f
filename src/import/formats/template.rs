//! The sixr template and files the consultant mapped: columns that name
//! sixr fields, and the questionnaire answers they carry.

use super::{Collector, finish_row, number_text, ragged, set};
use crate::error::quoted;
use crate::import::mapping::Target;
use crate::import::table::{Row, Table, header_key};
use crate::import::{Format, Parsed, Problem};
use crate::inventory::{Dependency, Workload};

/// Questionnaire values as the scoring rules read them: `yes`/`no`, a
/// whole number of months for `deadline_months`, one of a choice's options
/// (`usage_level`: high, medium, low, none; 높음, 보통, 낮음, 없음...).
pub fn answer_value(question: &str, raw: &str) -> Result<Option<String>, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if question == "deadline_months" {
        let v = crate::inventory::parse_number(text).ok_or_else(|| format!("{} is not a number of months", quoted(text)))?;
        if v < 0.0 || v.fract() != 0.0 {
            return Err(format!("{} is not a whole number of months", quoted(text)));
        }
        return Ok(Some(number_text(v)));
    }
    let low = text.to_lowercase();
    if matches!(low.as_str(), "unknown" | "?" | "모름") {
        return Ok(Some("unknown".into()));
    }
    let book = crate::scoring::rulebook();
    if let Some(q) = book.question(question).filter(|q| q.kind == crate::scoring::rules::QuestionKind::Choice) {
        // An option, its label in either language, or a usual synonym.
        let option = q
            .options
            .iter()
            .enumerate()
            .find(|(i, o)| {
                **o == low
                    || q.labels_en.get(*i).is_some_and(|l| l.to_lowercase() == low)
                    || q.labels_ko.get(*i).is_some_and(|l| *l == text)
            })
            .map(|(_, o)| o.clone())
            .or_else(|| CHOICE_SYNONYMS.iter().find(|(q2, k, _)| *q2 == question && *k == low).map(|(_, _, v)| v.to_string()));
        return option.map(Some).ok_or_else(|| format!("{} is not one of {}", quoted(text), q.options.join(", ")));
    }
    match low.as_str() {
        "yes" | "y" | "true" | "1" | "예" | "네" | "o" => Ok(Some("yes".into())),
        "no" | "n" | "false" | "0" | "아니오" | "아니요" | "x" => Ok(Some("no".into())),
        _ => Err(format!("{} is not yes or no", quoted(text))),
    }
}

/// How portfolios write choice answers: (question, as typed, option).
const CHOICE_SYNONYMS: &[(&str, &str, &str)] = &[
    ("usage_level", "heavy", "high"),
    ("usage_level", "daily", "high"),
    ("usage_level", "moderate", "medium"),
    ("usage_level", "weekly", "medium"),
    ("usage_level", "light", "low"),
    ("usage_level", "rare", "low"),
    ("usage_level", "rarely", "low"),
    ("usage_level", "little", "low"),
    ("usage_level", "monthly", "low"),
    ("usage_level", "unused", "none"),
    ("usage_level", "많음", "high"),
    ("usage_level", "적음", "low"),
    ("must_stay_reason", "compliance", "regulation"),
    ("must_stay_reason", "규제", "regulation"),
    ("must_stay_reason", "지연", "latency"),
];

/// Reads rows whose columns map onto sixr fields (the template, or a mapped file).
/// One loop over the rows; a field, a dependency list or an answer per column.
pub fn parse_with_targets(table: &Table, targets: &[Option<Target>], format: Format) -> Parsed {
    let mut out = Collector::new(format);
    if format == Format::Template {
        warn_unknown_columns(&mut out, table, targets);
    }
    let name_col = targets.iter().position(|t| *t == Some(Target::Field("name")));
    let host_col = targets.iter().position(|t| *t == Some(Target::Field("hostname")));
    // Sized once: a list grown by doubling leaves its outgrown copies to the
    // allocator (100,000 rows answer 600,000 questions).
    let questions = targets.iter().filter(|t| matches!(t, Some(Target::Question(_)))).count();
    out.parsed.workloads.reserve_exact(table.rows.len());
    out.parsed.row_answers.reserve(table.rows.len() * questions);
    for row in &table.rows {
        if let Some(p) = ragged(table, row) {
            out.parsed.rows_read += 1;
            out.parsed.errors.push(p);
            continue;
        }
        let Read { w, errors, depends_on, answers, attributes } = read_row(table, row, targets, (name_col, host_col), format);
        let application = w.application.clone();
        if finish_row(&mut out, table, row, w, errors) {
            // The collector may have renamed a repeated name.
            let at = out.parsed.workloads.len() - 1;
            let name = &out.parsed.workloads[at].name;
            if !attributes.is_empty() {
                out.parsed.app_attributes.push((application, attributes));
            }
            for to in depends_on {
                out.parsed.dependencies.push(Dependency { from: name.clone(), to, ..Dependency::default() });
            }
            for (question, value) in answers {
                out.parsed.row_answers.push(at, question, value);
            }
        }
    }
    out.parsed
}

/// A warning per column of the template that names no sixr field.
fn warn_unknown_columns(out: &mut Collector, table: &Table, targets: &[Option<Target>]) {
    for (col, header) in table.headers.iter().enumerate() {
        // The assessment columns sixr's own CSV export adds are output, not input.
        let own_output = crate::import::export::ASSESSMENT_COLUMNS.iter().any(|c| header_key(c) == header_key(header));
        if targets.get(col).copied().flatten().is_none() && !header.is_empty() && !own_output {
            out.parsed.warnings.push(Problem {
                sheet: table.sheet.clone(),
                line: None,
                column: Some(header.clone()),
                message: "not a sixr column; ignored".into(),
            });
        }
    }
}

/// What one row says: the workload, the problems of its cells, the
/// workloads it depends on, its answers and its application's attributes.
struct Read {
    w: Workload,
    errors: Vec<Problem>,
    depends_on: Vec<String>,
    answers: Vec<(&'static str, String)>,
    attributes: crate::inventory::AppAttributes,
}

/// Reads one row, a column at a time as its target says. `(name, hostname)`:
/// the columns of the two, the name falling back to the hostname.
fn read_row(
    table: &Table,
    row: &Row,
    targets: &[Option<Target>],
    (name_col, host_col): (Option<usize>, Option<usize>),
    format: Format,
) -> Read {
    let mut w = Workload { source: format.code().to_string(), ..Workload::default() };
    let mut errors = Vec::new();
    let mut depends_on = Vec::new();
    let mut answers = Vec::new();
    let mut attributes = crate::inventory::AppAttributes::default();
    // The name falls back to the hostname: many inventories have only one.
    let name = name_col.map(|c| row.get(c).trim()).filter(|s| !s.is_empty());
    let name = name.or_else(|| host_col.map(|c| row.get(c).trim()).filter(|s| !s.is_empty()));
    match name {
        Some(n) => w.name = n.to_string(),
        None => errors.push(table.problem(
            row.line,
            name_col.map(|c| table.headers[c].as_str()).unwrap_or("name"),
            "a workload needs a name (or at least a hostname)",
        )),
    }
    for (col, target) in targets.iter().enumerate() {
        let raw = row.get(col);
        match target {
            Some(Target::Field("name")) | None => {}
            Some(Target::Field(field)) => set(&mut w, &mut errors, table, row, &table.headers[col], field, raw),
            Some(Target::Dependencies) => {
                depends_on.extend(raw.split([';', '|', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(String::from))
            }
            Some(Target::Question(q)) => match answer_value(q, raw) {
                Ok(Some(v)) => answers.push((*q, v)),
                Ok(None) => {}
                Err(message) => errors.push(table.problem(row.line, &table.headers[col], message)),
            },
            Some(Target::App(field)) => {
                if let Err(message) = attributes.set(field, raw) {
                    errors.push(table.problem(row.line, &table.headers[col], message));
                }
            }
        }
    }
    if !w.name.is_empty() {
        w.source_id = format!("name:{}", w.name);
    }
    // A one-row-per-application portfolio: the row is the application.
    if !attributes.is_empty() && w.application.is_empty() {
        w.application = w.name.clone();
    }
    Read { w, errors, depends_on, answers, attributes }
}
