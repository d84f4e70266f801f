//! Prices and sizes: the price catalogue (`catalogue`, shipped or made
//! from AWS offer files by `offers`), right-sizing a workload against it
//! (`sizing`), and how money and per-model totals read. What a target
//! architecture costs is `architecture::costing`, built on these.

pub mod catalogue;
pub mod cli;
pub mod offers;

pub mod sizing;

use serde::Serialize;

pub use catalogue::{Catalogue, PricingModel, catalogue};
pub use sizing::{Basis, Generation, Sizing, SizingMode};

use crate::i18n::Tr;

/// One pricing model's totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelCost {
    pub code: String,
    pub label_en: String,
    pub label_ko: String,
    pub monthly: f64,
    /// Cloud for 36 months plus what stays on premises for 3 years.
    pub three_year: f64,
    /// Saving against today over 3 years (negative: costs more).
    pub saving_three_year: f64,
    pub saving_pct: f64,
}

impl ModelCost {
    pub fn label(&self, t: &Tr) -> &str {
        match t.lang {
            crate::i18n::Lang::En => &self.label_en,
            crate::i18n::Lang::Ko => &self.label_ko,
        }
    }
}

/// The same estimate on one sizing basis: monthly per pricing model.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct BasisCost {
    pub mode: SizingMode,
    pub basis: Basis,
    pub monthly: Vec<f64>,
}

impl BasisCost {
    /// "Peak", "95th percentile", "Average" or "As on premises".
    pub fn label(&self, t: &Tr) -> String {
        match self.mode {
            SizingMode::AsOnPrem => t.t("architecture.mode.as_on_prem_short").to_string(),
            SizingMode::Performance => t.t(&format!("sizing.basis.{}", self.basis.code())).to_string(),
        }
    }

    /// Whether it is the estimate's own basis.
    pub fn is(&self, mode: SizingMode, basis: Basis) -> bool {
        self.mode == mode && (mode == SizingMode::AsOnPrem || self.basis == basis)
    }
}

/// Money as people read it: thousands separated; KRW in whole won, others
/// with cents.
pub fn money(v: f64, currency: &str) -> String {
    let decimals: usize = if currency.eq_ignore_ascii_case("KRW") { 0 } else { 2 };
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').map(|(i, f)| (i.to_string(), Some(f.to_string()))).unwrap_or((s.clone(), None));
    let mut grouped = String::new();
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if v < 0.0 && v.abs() >= 0.5 * 10f64.powi(-(decimals as i32)) { "-" } else { "" };
    let symbol = match currency.to_ascii_uppercase().as_str() {
        "USD" => "$",
        "KRW" => "₩",
        _ => "",
    };
    match frac {
        Some(f) => format!("{sign}{symbol}{grouped}.{f}"),
        None => format!("{sign}{symbol}{grouped}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_per_currency() {
        assert_eq!(money(1234567.891, "USD"), "$1,234,567.89");
        assert_eq!(money(1234567.5, "KRW"), "₩1,234,568");
        assert_eq!(money(-950.0, "USD"), "-$950.00");
        assert_eq!(money(0.0, "KRW"), "₩0");
    }
}
