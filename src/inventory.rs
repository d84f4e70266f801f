//! The inventory: engagements, applications, workloads and dependencies.
//! Pure data and validation; storage is in `db`, HTTP in `web`.

use crate::error::quoted;
use serde::{Deserialize, Serialize};

/// Why a value is refused: a message of the catalogues (`validation.<key>`)
/// with its values, so the page says it in the reader's language. Displays
/// in English (import reports, the command line, logs).
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Invalid {
    /// The offending `value` is quoted and cut to 100 characters: a 4 MB
    /// cell must not come back whole in its error.
    fn new(key: &'static str, args: &[(&'static str, &str)]) -> Invalid {
        Invalid { key, args: args.iter().map(|(k, v)| (*k, if *k == "value" { quoted(v) } else { v.to_string() })).collect() }
    }

    pub fn text(&self, t: &crate::i18n::Tr) -> String {
        let args: Vec<(&str, &dyn std::fmt::Display)> = self.args.iter().map(|(k, v)| (*k, v as &dyn std::fmt::Display)).collect();
        t.fmt(&format!("validation.{}", self.key), &args)
    }
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text(&crate::i18n::Tr::new(crate::i18n::Lang::En)))
    }
}

impl From<Invalid> for String {
    fn from(e: Invalid) -> String {
        e.to_string()
    }
}

/// A customer assessment: everything sixr knows lives under one.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Engagement {
    #[serde(default)]
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub customer: String,
    #[serde(default)]
    pub consultant: String,
    #[serde(default = "default_region")]
    pub region: String,
    #[serde(default = "default_currency")]
    pub currency: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub created_at: String,
    #[serde(default)]
    pub updated_at: String,
}

fn default_region() -> String {
    "ap-northeast-2".into()
}
fn default_currency() -> String {
    "USD".into()
}
fn default_language() -> String {
    "en".into()
}

/// Regions sixr has prices for (see the price catalogue).
pub const REGIONS: &[&str] = &["us-east-1", "ap-northeast-2"];
pub const CURRENCIES: &[&str] = &["USD", "KRW"];
pub const LANGUAGES: &[&str] = &["en", "ko"];

impl Engagement {
    /// Checks what a consultant types into the engagement form.
    pub fn validate(&self) -> Result<(), Invalid> {
        if self.name.trim().is_empty() {
            return Err(Invalid::new("engagement_name_missing", &[]));
        }
        if self.name.chars().count() > 200 {
            return Err(Invalid::new("engagement_name_long", &[]));
        }
        for (key, value, allowed) in
            [("region", &self.region, REGIONS), ("currency", &self.currency, CURRENCIES), ("language", &self.language, LANGUAGES)]
        {
            if !allowed.contains(&value.as_str()) {
                return Err(Invalid::new(key, &[("value", value), ("allowed", &allowed.join(", "))]));
            }
        }
        Ok(())
    }
}

/// Workload roles sixr understands (free text is kept as typed, lower-case).
/// `web-app` is a web server that also runs the application (a 2-tier
/// estate such as AnyCompany's); the target architecture splits it.
/// `directory`, `mail`, `monitoring`, `ci` and `backup` are the shared
/// services discovery recognises in server names (see `rules/enrichment.toml`).
pub const ROLES: &[&str] = &[
    "web",
    "app",
    "web-app",
    "db",
    "cache",
    "file",
    "batch",
    "queue",
    "directory",
    "mail",
    "monitoring",
    "ci",
    "backup",
    "appliance",
    "other",
];

/// A group of workloads that serve one business purpose and usually move together.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Application {
    #[serde(default)]
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub notes: String,
}

/// What application portfolios say about an application beyond its
/// servers, as codes (see [`APP_FIELDS`]); empty when not known.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct AppAttributes {
    #[serde(default)]
    pub business_unit: String,
    /// low, medium, high.
    #[serde(default)]
    pub complexity: String,
    /// low, medium, high, very_high.
    #[serde(default)]
    pub technical_debt: String,
    /// stable, legacy, end_of_life, retiring, saas, modernising, or as typed.
    #[serde(default)]
    pub current_state: String,
    /// Regimes it must comply with, `; `-separated (PCI DSS; ISMS-P).
    #[serde(default)]
    pub compliance: String,
}

/// The application attributes a file column can feed.
pub const APP_FIELDS: &[&str] = &["business_unit", "complexity", "technical_debt", "current_state", "compliance"];

/// Spellings of each attribute's values (lower case, spaces and dashes as
/// typed) and the code they mean; closed scales refuse anything else.
const COMPLEXITY: &[(&str, &str)] = &[
    ("low", "low"),
    ("l", "low"),
    ("simple", "low"),
    ("낮음", "low"),
    ("하", "low"),
    ("medium", "medium"),
    ("m", "medium"),
    ("moderate", "medium"),
    ("보통", "medium"),
    ("중간", "medium"),
    ("중", "medium"),
    ("high", "high"),
    ("h", "high"),
    ("complex", "high"),
    ("높음", "high"),
    ("상", "high"),
];
const TECHNICAL_DEBT: &[(&str, &str)] = &[
    ("low", "low"),
    ("l", "low"),
    ("낮음", "low"),
    ("medium", "medium"),
    ("m", "medium"),
    ("moderate", "medium"),
    ("보통", "medium"),
    ("중간", "medium"),
    ("high", "high"),
    ("h", "high"),
    ("높음", "high"),
    ("very high", "very_high"),
    ("very_high", "very_high"),
    ("very-high", "very_high"),
    ("vh", "very_high"),
    ("critical", "very_high"),
    ("severe", "very_high"),
    ("매우 높음", "very_high"),
    ("매우높음", "very_high"),
];
const CURRENT_STATE: &[(&str, &str)] = &[
    ("stable", "stable"),
    ("active", "stable"),
    ("supported", "stable"),
    ("current", "stable"),
    ("안정", "stable"),
    ("운영", "stable"),
    ("legacy", "legacy"),
    ("레거시", "legacy"),
    ("eol", "end_of_life"),
    ("end of life", "end_of_life"),
    ("end-of-life", "end_of_life"),
    ("end_of_life", "end_of_life"),
    ("end of support", "end_of_life"),
    ("eos", "end_of_life"),
    ("unsupported", "end_of_life"),
    ("단종", "end_of_life"),
    ("지원 종료", "end_of_life"),
    ("지원종료", "end_of_life"),
    ("retiring", "retiring"),
    ("sunset", "retiring"),
    ("sunsetting", "retiring"),
    ("decommissioning", "retiring"),
    ("to be retired", "retiring"),
    ("폐기 예정", "retiring"),
    ("폐기예정", "retiring"),
    ("saas", "saas"),
    ("cloud", "saas"),
    ("already saas", "saas"),
    ("subscription", "saas"),
    ("modernising", "modernising"),
    ("modernizing", "modernising"),
    ("in development", "modernising"),
    ("현대화", "modernising"),
];

impl AppAttributes {
    /// Sets one attribute from text as typed; the error says what is
    /// accepted. An unknown current state is kept as typed (lower case).
    pub fn set(&mut self, name: &str, raw: &str) -> Result<(), String> {
        let text = raw.trim();
        let key = text.to_lowercase();
        let coded = |table: &[(&str, &str)], what: &str| -> Result<String, String> {
            if text.is_empty() {
                return Ok(String::new());
            }
            table
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, c)| c.to_string())
                .ok_or_else(|| format!("{} is not a {what}", crate::error::quoted(text)))
        };
        match name {
            "business_unit" => self.business_unit = text.to_string(),
            "complexity" => self.complexity = coded(COMPLEXITY, "complexity (low, medium or high)")?,
            "technical_debt" => self.technical_debt = coded(TECHNICAL_DEBT, "technical debt (low, medium, high or very high)")?,
            "current_state" => {
                self.current_state = CURRENT_STATE.iter().find(|(k, _)| *k == key).map(|(_, c)| c.to_string()).unwrap_or(key)
            }
            "compliance" => {
                let items: Vec<&str> = text.split([';', ',', '/', '\n']).map(str::trim).filter(|s| !s.is_empty()).collect();
                self.compliance = items.join("; ")
            }
            _ => return Err(format!("{} is not an application attribute", crate::error::quoted(name))),
        }
        Ok(())
    }

    pub fn get(&self, name: &str) -> &str {
        match name {
            "business_unit" => &self.business_unit,
            "complexity" => &self.complexity,
            "technical_debt" => &self.technical_debt,
            "current_state" => &self.current_state,
            "compliance" => &self.compliance,
            _ => "",
        }
    }

    pub fn is_empty(&self) -> bool {
        APP_FIELDS.iter().all(|f| self.get(f).is_empty())
    }
}

/// One server, database or appliance of the on-premises estate.
/// Text fields are empty when unknown; numbers are `None` when unknown.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Workload {
    #[serde(default)]
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub hostname: String,
    /// Name of the application the workload belongs to (empty: none).
    #[serde(default)]
    pub application: String,
    #[serde(default)]
    pub environment: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub os_version: String,
    #[serde(default)]
    pub cpu_cores: Option<i64>,
    #[serde(default)]
    pub ram_gb: Option<f64>,
    #[serde(default)]
    pub storage_gb: Option<f64>,
    #[serde(default)]
    pub cpu_util_peak_pct: Option<f64>,
    #[serde(default)]
    pub ram_util_peak_pct: Option<f64>,
    /// Average and 95th-percentile utilisation, where the inventory has them
    /// (MPA average columns, RVTools vCPU/vMemory sheets): other sizing bases.
    #[serde(default)]
    pub cpu_util_avg_pct: Option<f64>,
    #[serde(default)]
    pub ram_util_avg_pct: Option<f64>,
    #[serde(default)]
    pub cpu_util_p95_pct: Option<f64>,
    #[serde(default)]
    pub ram_util_p95_pct: Option<f64>,
    #[serde(default)]
    pub db_engine: String,
    #[serde(default)]
    pub db_version: String,
    #[serde(default)]
    pub middleware: String,
    #[serde(default)]
    pub runtime: String,
    #[serde(default)]
    pub license: String,
    #[serde(default)]
    pub annual_cost: Option<f64>,
    #[serde(default)]
    pub criticality: String,
    #[serde(default)]
    pub data_classification: String,
    #[serde(default)]
    pub users: Option<i64>,
    #[serde(default)]
    pub notes: String,
    /// Seen powered off in the source inventory (a Retire candidate).
    #[serde(default)]
    pub powered_off: bool,
    /// Which importer wrote it last (template, rvtools, mpa, ...).
    #[serde(default)]
    pub source: String,
    /// Its identity in the file it came from (`rvtools:<VM UUID>`,
    /// `mpa:<Serverid>`, `name:<name>`...): re-imports match on it first.
    #[serde(default)]
    pub source_id: String,
    /// Optimistic-locking version, bumped on every change.
    #[serde(default)]
    pub version: i64,
    /// What the source file said beyond sixr's fields, kept for discovery
    /// enrichment (`enrich`). Filled by the importers; rows read back from
    /// the database leave it empty (it is stored apart, `db::suggestions`).
    #[serde(default, skip_serializing_if = "Discovered::is_empty")]
    pub discovered: Discovered,
}

/// Raw attributes of a source row that sixr has no field for but that say
/// what a server is or which application it belongs to.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Discovered {
    /// RVTools `Annotation` (the VM's notes in vCenter).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub annotation: String,
    /// RVTools `Folder` (the VM folder path, `/Prod/Alpha`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub folder: String,
    /// RVTools `vApp`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub vapp: String,
    /// RVTools `Resource pool` (path).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource_pool: String,
    /// RVTools `OS according to the configuration file`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub os_config: String,
    /// RVTools `OS according to the VMware Tools`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub os_tools: String,
    /// Sheets of a workbook that list the server (MPA `Databases`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sheets: Vec<String>,
    /// Engines of the databases a workbook puts on the server (MPA
    /// `Databases` sheet, `Source Engine Type` of the rows naming it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub databases: Vec<String>,
    /// Every application the source says the server serves, when it names
    /// more than one (MPA `Server to application`, Migration Hub `Applications`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applications: Vec<String>,
    /// Installed software or products, where an export lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub software: Vec<String>,
}

impl Discovered {
    pub fn is_empty(&self) -> bool {
        *self == Discovered::default()
    }
}

/// A "from depends on to" edge between two workloads, by name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Dependency {
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub port: Option<i64>,
    #[serde(default)]
    pub protocol: String,
    #[serde(default)]
    pub description: String,
}

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

impl Workload {
    /// Sets one field from text, as typed by a consultant or read from a
    /// file. The error says what is wrong with the value, in a sentence.
    pub fn set_field(&mut self, name: &str, raw: &str) -> Result<(), Invalid> {
        let spec = field(name).ok_or_else(|| Invalid::new("not_a_field", &[("value", name)]))?;
        let text = raw.trim();
        let refused = |key: &'static str| Invalid::new(key, &[("value", text)]);
        let number = |text: &str| -> Result<Option<f64>, Invalid> {
            if text.is_empty() {
                return Ok(None);
            }
            let v = parse_number(text).ok_or_else(|| refused("not_a_number"))?;
            if v < 0.0 {
                return Err(refused("not_positive"));
            }
            Ok(Some(v))
        };
        match spec.kind {
            FieldKind::Count => {
                let v = number(text)?;
                if let Some(v) = v {
                    if v.fract() != 0.0 {
                        return Err(refused("not_whole"));
                    }
                    if v > 1e12 {
                        return Err(refused("too_large"));
                    }
                }
                let v = v.map(|v| v as i64);
                match name {
                    "cpu_cores" => {
                        if v == Some(0) {
                            return Err(refused("not_positive"));
                        }
                        self.cpu_cores = v
                    }
                    "users" => self.users = v,
                    _ => unreachable!("count field without a slot"),
                }
            }
            FieldKind::Amount | FieldKind::Percent => {
                let v = number(text)?;
                if spec.kind == FieldKind::Percent && v.is_some_and(|v| v > 100.0) {
                    return Err(refused("over_100"));
                }
                if v.is_some_and(|v| v > 1e15) {
                    return Err(refused("too_large"));
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
            }
            FieldKind::Flag => {
                self.powered_off = match text.to_lowercase().as_str() {
                    "" | "0" | "false" | "no" | "n" | "아니오" => false,
                    "1" | "true" | "yes" | "y" | "예" => true,
                    _ => return Err(refused("not_yes_no")),
                }
            }
            FieldKind::Text => {
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
            }
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
