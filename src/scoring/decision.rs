//! The consultant's decision on a workload: checked here, stored in `db::decisions`.

use serde::{Deserialize, Serialize};

use crate::error::quoted;
use crate::strategy::Strategy;

pub const EFFORTS: &[&str] = &["S", "M", "L", "XL"];

/// What the decision form sends (text as typed).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct DecisionInput {
    #[serde(default)]
    pub strategy: String,
    #[serde(default)]
    pub rationale: String,
    #[serde(default)]
    pub effort: String,
    #[serde(default)]
    pub criticality: String,
    #[serde(default)]
    pub priority: String,
    /// The version of the stored decision the form started from (0: none);
    /// when given, a decision saved by someone else since is not overwritten.
    #[serde(default)]
    pub version: Option<i64>,
}

/// A checked decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub strategy: Strategy,
    pub rationale: String,
    /// S, M, L, XL or empty.
    pub effort: String,
    pub criticality: Option<i64>,
    pub priority: Option<i64>,
}

fn one_to_ten(name: &str, raw: &str) -> Result<Option<i64>, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<i64>() {
        Ok(v) if (1..=10).contains(&v) => Ok(Some(v)),
        _ => Err(format!("{name}: give a whole number from 1 to 10, not {}", quoted(t))),
    }
}

impl DecisionInput {
    /// Checks the input against the recommendation: choosing another
    /// strategy needs a rationale the customer can read later.
    pub fn check(&self, recommended: Option<Strategy>) -> Result<Decision, String> {
        let strategy = Strategy::parse(&self.strategy)
            .ok_or_else(|| format!("strategy: choose one of the six strategies, not {}", quoted(self.strategy.trim())))?;
        let rationale = self.rationale.trim().to_string();
        if recommended != Some(strategy) && rationale.is_empty() {
            let rec = recommended.map_or("no recommendation".to_string(), |r| r.label_en().to_string());
            return Err(format!(
                "rationale: {} differs from the recommendation ({rec}); say why, so the customer can follow the decision",
                strategy.label_en()
            ));
        }
        if rationale.chars().count() > 4000 {
            return Err("rationale: keep it under 4000 characters".into());
        }
        let effort = self.effort.trim().to_uppercase();
        if !effort.is_empty() && !EFFORTS.contains(&effort.as_str()) {
            return Err(format!("effort: choose S, M, L or XL, not {}", quoted(self.effort.trim())));
        }
        Ok(Decision {
            strategy,
            rationale,
            effort,
            criticality: one_to_ten("business criticality", &self.criticality)?,
            priority: one_to_ten("priority", &self.priority)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(strategy: &str, rationale: &str) -> DecisionInput {
        DecisionInput {
            strategy: strategy.into(),
            rationale: rationale.into(),
            effort: "m".into(),
            criticality: "8".into(),
            priority: "".into(),
            version: None,
        }
    }

    #[test]
    fn accepting_the_recommendation_needs_no_rationale() {
        let d = input("replatform", "").check(Some(Strategy::Replatform)).unwrap();
        assert_eq!((d.strategy, d.effort.as_str(), d.criticality, d.priority), (Strategy::Replatform, "M", Some(8), None));
    }

    #[test]
    fn another_strategy_needs_a_rationale() {
        let err = input("rehost", " ").check(Some(Strategy::Replatform)).unwrap_err();
        assert!(err.contains("rationale") && err.contains("Replatform"), "{err}");
        assert!(input("rehost", "Data-centre exit in 3 months").check(Some(Strategy::Replatform)).is_ok());
    }

    #[test]
    fn bad_values_are_named() {
        assert!(input("lift", "x").check(None).unwrap_err().contains("strategy"));
        let mut i = input("retire", "x");
        i.criticality = "11".into();
        assert!(i.check(None).unwrap_err().contains("criticality"));
        i.criticality = "".into();
        i.effort = "huge".into();
        assert!(i.check(None).unwrap_err().contains("effort"));
    }
}
