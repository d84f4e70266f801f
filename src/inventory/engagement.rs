//! The engagement: one customer assessment, its region, currency and language.

use serde::{Deserialize, Serialize};

use super::Invalid;

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
