//! The CSV export (the template's columns plus the strategy) and the
//! template download. Pure: the caller brings the backup, the assessment
//! columns and the strategies (`service::export`).

use std::collections::HashMap;

use super::backup::Backup;
use super::mapping::template_columns;
use crate::inventory::Workload;
use serde::Serialize;

/// The assessment columns of the CSV export, per workload.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AssessmentRow {
    /// Strategy code (rehost, ...) or empty when unscored.
    pub recommended_strategy: String,
    /// The decision's strategy code, or empty.
    pub chosen_strategy: String,
    /// 0..=1, None when unscored.
    pub confidence: Option<f64>,
    /// S, M, L, XL or empty.
    pub effort: String,
    pub criticality: Option<i64>,
    pub priority: Option<i64>,
    /// All reasons with their points in one line (English).
    pub reasons: String,
    /// The same in Korean.
    pub reasons_ko: String,
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, or a
/// leading tab/CR) gets a leading `'` so it stays text.
pub fn neutralise(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_string() }
}

fn write_rows(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut out = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = out.write_record(header);
    for row in rows {
        let _ = out.write_record(row.iter().map(|c| neutralise(c)));
    }
    out.into_inner().unwrap_or_default()
}

/// The columns after the template's, in this order. They are output: a
/// re-import ignores them. `suggested` lists the fields whose value is a
/// discovery suggestion nobody confirmed yet (`role; application`): the
/// template columns hold the value in effect, suggestion or not. The
/// decision's 1–10 criticality is `business_criticality`, since the
/// template's `criticality` is the inventory's own (high / medium / low).
pub const ASSESSMENT_COLUMNS: [&str; 9] = [
    "suggested",
    "strategy",
    "recommended_strategy",
    "chosen_strategy",
    "confidence",
    "effort",
    "business_criticality",
    "priority",
    "reasons",
];

/// One row per workload: the template columns (so the file imports back as
/// a template), which of them are unconfirmed suggestions (`suggested`:
/// workload id to field names), the strategy in effect (`strategies`:
/// workload id to code) and the assessment: recommendation, decision,
/// confidence and reasons.
pub fn inventory_csv(
    backup: &Backup,
    suggested: &HashMap<i64, Vec<&str>>,
    strategies: &HashMap<i64, String>,
    assessments: &HashMap<i64, AssessmentRow>,
) -> Vec<u8> {
    let mut header = template_columns();
    header.extend(ASSESSMENT_COLUMNS);
    let mut depends: HashMap<&str, Vec<&str>> = HashMap::new();
    for d in &backup.dependencies {
        depends.entry(d.from.as_str()).or_default().push(d.to.as_str());
    }
    let mut answers: HashMap<(&str, &str), &str> = HashMap::new();
    for a in backup.answers.iter().filter(|a| a.subject_kind == "workload") {
        answers.insert((a.subject.as_str(), a.question.as_str()), a.value.as_str());
    }
    let rows = backup.workloads.iter().map(|w| {
        header
            .iter()
            .map(|col| match *col {
                "dependencies" => depends.get(w.name.as_str()).map(|v| v.join(";")).unwrap_or_default(),
                "suggested" => suggested.get(&w.id).map(|fields| fields.join("; ")).unwrap_or_default(),
                "strategy" => strategies.get(&w.id).cloned().unwrap_or_default(),
                c if ASSESSMENT_COLUMNS.contains(&c) => assessments.get(&w.id).map(|a| assessment_cell(a, c)).unwrap_or_default(),
                c if super::QUESTIONS.contains(&c) => answers.get(&(w.name.as_str(), c)).map(|v| v.to_string()).unwrap_or_default(),
                c if crate::inventory::APP_FIELDS.contains(&c) => {
                    backup.application_attributes.get(&w.application).map(|a| a.get(c).to_string()).unwrap_or_default()
                }
                c => w.field_text(c),
            })
            .collect()
    });
    write_rows(&header, rows)
}

fn assessment_cell(a: &AssessmentRow, column: &str) -> String {
    let number = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    match column {
        "recommended_strategy" => a.recommended_strategy.clone(),
        "chosen_strategy" => a.chosen_strategy.clone(),
        "confidence" => a.confidence.map(|c| format!("{c:.2}")).unwrap_or_default(),
        "effort" => a.effort.clone(),
        "business_criticality" => number(a.criticality),
        "priority" => number(a.priority),
        "reasons" => a.reasons.clone(),
        _ => String::new(),
    }
}

/// The template with one example row, offered on the import page.
pub fn template_csv() -> Vec<u8> {
    let mut w = Workload::default();
    let example = [
        ("name", "shop-web-01"),
        ("hostname", "web01.example.local"),
        ("application", "Online shop"),
        ("environment", "production"),
        ("role", "web-app"),
        ("os", "Ubuntu Linux"),
        ("os_version", "22.04"),
        ("cpu_cores", "4"),
        ("ram_gb", "16"),
        ("storage_gb", "200"),
        ("cpu_util_peak_pct", "45"),
        ("ram_util_peak_pct", "60"),
        ("middleware", "Apache HTTP Server 2.4"),
        ("runtime", "Java 11"),
        ("annual_cost", "9600"),
        ("criticality", "high"),
        ("data_classification", "confidential"),
        ("users", "20000"),
        ("notes", "one of a load-balanced pair"),
    ];
    for (field, value) in example {
        let _ = w.set_field(field, value);
    }
    let header = template_columns();
    let row = header
        .iter()
        .map(|col| match *col {
            "dependencies" => "shop-db-01".to_string(),
            "still_used" => "yes".into(),
            "saas_alternative" | "must_stay_on_prem" | "needs_new_features" => "no".into(),
            "source_available" => "yes".into(),
            "deadline_months" => "6".into(),
            "business_unit" => "E-commerce".into(),
            "complexity" => "medium".into(),
            "technical_debt" => "medium".into(),
            "current_state" => "stable".into(),
            "compliance" => "PCI DSS".into(),
            c => w.field_text(c),
        })
        .collect();
    write_rows(&header, std::iter::once(row))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_plain_text_is_not() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+1"), "'+1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("-2"), "'-2");
        assert_eq!(neutralise("\tcmd"), "'\tcmd");
        assert_eq!(neutralise("web-01"), "web-01");
    }

    #[test]
    fn the_template_reads_back_as_a_template() {
        let bytes = template_csv();
        let parsed = crate::import::parse("t.csv", &bytes, &|_| None).unwrap();
        assert_eq!(parsed.format, Some(crate::import::Format::Template));
        assert_eq!(parsed.workloads.len(), 1);
        assert_eq!(parsed.workloads[0].ram_gb, Some(16.0));
        assert_eq!(parsed.answers.len(), 6);
    }
}
