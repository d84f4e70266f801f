//! The application, a group of workloads that move together, and the
//! attributes a portfolio file gives it.

use serde::{Deserialize, Serialize};

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
