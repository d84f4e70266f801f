//! The workload's editable fields as one list, and setting and reading a
//! field as text.

use super::{Invalid, Workload};

/// What kind of value a workload field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    /// A whole number >= 0.
    Count,
    /// A decimal number >= 0 (GB, money).
    Amount,
    /// A percentage 0..=100.
    Percent,
    Flag,
}

/// One editable workload field: its column name (the sixr template header)
/// and what it holds. The template, the importer, inline editing and the CSV
/// export all read this one list.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: FieldKind,
}

pub const WORKLOAD_FIELDS: &[Field] = &[
    Field { name: "name", kind: FieldKind::Text },
    Field { name: "hostname", kind: FieldKind::Text },
    Field { name: "application", kind: FieldKind::Text },
    Field { name: "environment", kind: FieldKind::Text },
    Field { name: "role", kind: FieldKind::Text },
    Field { name: "os", kind: FieldKind::Text },
    Field { name: "os_version", kind: FieldKind::Text },
    Field { name: "cpu_cores", kind: FieldKind::Count },
    Field { name: "ram_gb", kind: FieldKind::Amount },
    Field { name: "storage_gb", kind: FieldKind::Amount },
    Field { name: "cpu_util_peak_pct", kind: FieldKind::Percent },
    Field { name: "ram_util_peak_pct", kind: FieldKind::Percent },
    Field { name: "cpu_util_p95_pct", kind: FieldKind::Percent },
    Field { name: "ram_util_p95_pct", kind: FieldKind::Percent },
    Field { name: "cpu_util_avg_pct", kind: FieldKind::Percent },
    Field { name: "ram_util_avg_pct", kind: FieldKind::Percent },
    Field { name: "db_engine", kind: FieldKind::Text },
    Field { name: "db_version", kind: FieldKind::Text },
    Field { name: "middleware", kind: FieldKind::Text },
    Field { name: "runtime", kind: FieldKind::Text },
    Field { name: "license", kind: FieldKind::Text },
    Field { name: "annual_cost", kind: FieldKind::Amount },
    Field { name: "criticality", kind: FieldKind::Text },
    Field { name: "data_classification", kind: FieldKind::Text },
    Field { name: "users", kind: FieldKind::Count },
    Field { name: "notes", kind: FieldKind::Text },
    Field { name: "powered_off", kind: FieldKind::Flag },
];

pub fn field(name: &str) -> Option<&'static Field> {
    WORKLOAD_FIELDS.iter().find(|f| f.name == name)
}

/// Parses a number the way people type it: spaces trimmed, thousands
/// separators and a unit suffix such as "GB" or "%" dropped.
pub fn parse_number(raw: &str) -> Option<f64> {
    // A plain number ("12", "0.5") as most cells are: read as it is, without
    // the copies that strip separators and units (0.2 s of 100,000 rows).
    let plain = raw.trim();
    if !plain.is_empty() && plain.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-') {
        return plain.parse::<f64>().ok().filter(|v| v.is_finite());
    }
    let mut s: String = raw.trim().chars().filter(|c| *c != ',' && *c != '_' && !c.is_whitespace()).collect();
    for suffix in ["gib", "gb", "%", "usd", "$"] {
        if s.to_ascii_lowercase().ends_with(suffix) {
            s.truncate(s.len() - suffix.len());
        }
    }
    if let Some(rest) = s.strip_prefix('$') {
        s = rest.to_string();
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Normalises environment spellings (`prod`, `Production`, `운영`...) to
/// `production`, `staging`, `test`, `development` or `dr`; anything else is
/// kept as typed.
pub fn normalise_environment(raw: &str) -> String {
    let s = raw.trim().to_lowercase();
    let canonical = match s.as_str() {
        "prod" | "production" | "prd" | "live" | "운영" | "상용" => "production",
        "stage" | "staging" | "stg" | "pre-prod" | "preprod" | "pre-production" | "스테이징" => "staging",
        "test" | "testing" | "qa" | "uat" | "tst" | "테스트" | "검증" => "test",
        "dev" | "development" | "develop" | "개발" => "development",
        "dr" | "disaster recovery" | "재해복구" => "dr",
        "non-prod" | "nonprod" | "non-production" | "non prod" => "non-production",
        _ => return raw.trim().to_string(),
    };
    canonical.to_string()
}

/// The refusal of `text` for the reason `key`.
fn refused(key: &'static str, text: &str) -> Invalid {
    Invalid::new(key, &[("value", text)])
}

/// A number field's value: none when empty, refused when not a number or negative.
fn number(text: &str) -> Result<Option<f64>, Invalid> {
    if text.is_empty() {
        return Ok(None);
    }
    let v = parse_number(text).ok_or_else(|| refused("not_a_number", text))?;
    if v < 0.0 {
        return Err(refused("not_positive", text));
    }
    Ok(Some(v))
}

impl Workload {
    /// Sets one field from text, as typed by a consultant or read from a
    /// file. The error says what is wrong with the value, in a sentence.
    pub fn set_field(&mut self, name: &str, raw: &str) -> Result<(), Invalid> {
        let spec = field(name).ok_or_else(|| Invalid::new("not_a_field", &[("value", name)]))?;
        let text = raw.trim();
        match spec.kind {
            FieldKind::Count => self.set_count(name, text)?,
            FieldKind::Amount | FieldKind::Percent => self.set_amount(name, spec.kind, text)?,
            FieldKind::Flag => {
                self.powered_off = match text.to_lowercase().as_str() {
                    "" | "0" | "false" | "no" | "n" | "아니오" => false,
                    "1" | "true" | "yes" | "y" | "예" => true,
                    _ => return Err(refused("not_yes_no", text)),
                }
            }
            FieldKind::Text => self.set_text(name, text)?,
        }
        Ok(())
    }

    /// A whole number field (`FieldKind::Count`).
    fn set_count(&mut self, name: &str, text: &str) -> Result<(), Invalid> {
        let v = number(text)?;
        if let Some(v) = v {
            if v.fract() != 0.0 {
                return Err(refused("not_whole", text));
            }
            if v > 1e12 {
                return Err(refused("too_large", text));
            }
        }
        let v = v.map(|v| v as i64);
        match name {
            "cpu_cores" => {
                if v == Some(0) {
                    return Err(refused("not_positive", text));
                }
                self.cpu_cores = v
            }
            "users" => self.users = v,
            _ => unreachable!("count field without a slot"),
        }
        Ok(())
    }

    /// A decimal or percentage field (`FieldKind::Amount`, `Percent`).
    fn set_amount(&mut self, name: &str, kind: FieldKind, text: &str) -> Result<(), Invalid> {
        let v = number(text)?;
        if kind == FieldKind::Percent && v.is_some_and(|v| v > 100.0) {
            return Err(refused("over_100", text));
        }
        if v.is_some_and(|v| v > 1e15) {
            return Err(refused("too_large", text));
        }
        match name {
            "ram_gb" => self.ram_gb = v,
            "storage_gb" => self.storage_gb = v,
            "annual_cost" => self.annual_cost = v,
            "cpu_util_peak_pct" => self.cpu_util_peak_pct = v,
            "ram_util_peak_pct" => self.ram_util_peak_pct = v,
            "cpu_util_p95_pct" => self.cpu_util_p95_pct = v,
            "ram_util_p95_pct" => self.ram_util_p95_pct = v,
            "cpu_util_avg_pct" => self.cpu_util_avg_pct = v,
            "ram_util_avg_pct" => self.ram_util_avg_pct = v,
            _ => unreachable!("number field without a slot"),
        }
        Ok(())
    }

    /// A text field (`FieldKind::Text`): environments normalised, roles and
    /// criticality lower-case.
    fn set_text(&mut self, name: &str, text: &str) -> Result<(), Invalid> {
        if text.chars().count() > 10_000 {
            return Err(Invalid::new("text_too_long", &[]));
        }
        let value = text.to_string();
        match name {
            "name" => {
                if value.is_empty() {
                    return Err(Invalid::new("name_missing", &[]));
                }
                self.name = value
            }
            "hostname" => self.hostname = value,
            "application" => self.application = value,
            "environment" => self.environment = normalise_environment(&value),
            "role" => self.role = value.to_lowercase(),
            "os" => self.os = value,
            "os_version" => self.os_version = value,
            "db_engine" => self.db_engine = value,
            "db_version" => self.db_version = value,
            "middleware" => self.middleware = value,
            "runtime" => self.runtime = value,
            "license" => self.license = value,
            "criticality" => self.criticality = value.to_lowercase(),
            "data_classification" => self.data_classification = value,
            "notes" => self.notes = value,
            _ => unreachable!("text field without a slot"),
        }
        Ok(())
    }

    /// The field's value as text, the way the template and the CSV export write it.
    pub fn field_text(&self, name: &str) -> String {
        fn num(v: Option<f64>) -> String {
            v.map(|v| if v.fract() == 0.0 { format!("{}", v as i64) } else { format!("{v}") }).unwrap_or_default()
        }
        match name {
            "name" => self.name.clone(),
            "hostname" => self.hostname.clone(),
            "application" => self.application.clone(),
            "environment" => self.environment.clone(),
            "role" => self.role.clone(),
            "os" => self.os.clone(),
            "os_version" => self.os_version.clone(),
            "cpu_cores" => self.cpu_cores.map(|v| v.to_string()).unwrap_or_default(),
            "ram_gb" => num(self.ram_gb),
            "storage_gb" => num(self.storage_gb),
            "cpu_util_peak_pct" => num(self.cpu_util_peak_pct),
            "ram_util_peak_pct" => num(self.ram_util_peak_pct),
            "cpu_util_p95_pct" => num(self.cpu_util_p95_pct),
            "ram_util_p95_pct" => num(self.ram_util_p95_pct),
            "cpu_util_avg_pct" => num(self.cpu_util_avg_pct),
            "ram_util_avg_pct" => num(self.ram_util_avg_pct),
            "db_engine" => self.db_engine.clone(),
            "db_version" => self.db_version.clone(),
            "middleware" => self.middleware.clone(),
            "runtime" => self.runtime.clone(),
            "license" => self.license.clone(),
            "annual_cost" => num(self.annual_cost),
            "criticality" => self.criticality.clone(),
            "data_classification" => self.data_classification.clone(),
            "users" => self.users.map(|v| v.to_string()).unwrap_or_default(),
            "notes" => self.notes.clone(),
            "powered_off" => {
                if self.powered_off {
                    "yes".into()
                } else {
                    String::new()
                }
            }
            _ => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::Engagement;

    #[test]
    fn every_field_round_trips_through_text() {
        let mut w = Workload::default();
        for f in WORKLOAD_FIELDS {
            let sample = match f.kind {
                FieldKind::Text => "x1",
                FieldKind::Count => "4",
                FieldKind::Amount => "12.5",
                FieldKind::Percent => "55",
                FieldKind::Flag => "yes",
            };
            w.set_field(f.name, sample).unwrap();
            assert_eq!(w.field_text(f.name), sample, "field {}", f.name);
        }
    }

    #[test]
    fn numbers_accept_units_and_separators_and_refuse_nonsense() {
        assert_eq!(parse_number(" 1,024 "), Some(1024.0));
        assert_eq!(parse_number("500 GB"), Some(500.0));
        assert_eq!(parse_number("75%"), Some(75.0));
        let mut w = Workload::default();
        assert_eq!(w.set_field("cpu_cores", "-3").unwrap_err().to_string(), "\"-3\" is not a positive number");
        assert_eq!(w.set_field("ram_gb", "lots").unwrap_err().to_string(), "\"lots\" is not a number");
        let ko = crate::i18n::Tr::new(crate::i18n::Lang::Ko);
        assert_eq!(w.set_field("ram_gb", "lots").unwrap_err().text(&ko), "\"lots\"은(는) 숫자가 아닙니다");
        let e = Engagement { name: "x".into(), region: "mars-1".into(), ..Engagement::default() };
        assert_eq!(e.validate().unwrap_err().to_string(), "region: \"mars-1\" is not one of us-east-1, ap-northeast-2");
        assert!(e.validate().unwrap_err().text(&ko).starts_with("리전: \"mars-1\""));
        assert!(w.set_field("cpu_util_peak_pct", "130").is_err());
        assert!(w.set_field("cpu_cores", "2.5").is_err());
    }

    #[test]
    fn environment_spellings_are_normalised() {
        assert_eq!(normalise_environment("Prod"), "production");
        assert_eq!(normalise_environment("non-prod"), "non-production");
        assert_eq!(normalise_environment("운영"), "production");
        assert_eq!(normalise_environment("lab"), "lab");
    }
}
