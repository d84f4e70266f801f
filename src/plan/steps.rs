//! The phases and the steps per strategy, read from `data/plan_steps.toml`.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::i18n::Lang;
use crate::strategy::Strategy;

#[derive(Debug, Clone, Deserialize)]
pub struct StepCatalogue {
    /// Above this much storage (TB), data goes offline on a Snow device.
    pub large_data_tb: f64,
    #[serde(rename = "phase")]
    pub phases: Vec<PhaseDef>,
    #[serde(rename = "step")]
    pub steps: Vec<StepDef>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PhaseDef {
    pub key: String,
    pub weeks: u32,
    pub en: String,
    pub ko: String,
    pub activities_en: Vec<String>,
    pub activities_ko: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct StepDef {
    pub strategies: Vec<Strategy>,
    #[serde(default)]
    pub when: Option<Condition>,
    pub en: String,
    pub ko: String,
    pub tools: Vec<String>,
}

/// A fact about an application that makes a step apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    Database,
    HomogeneousDatabase,
    HeterogeneousDatabase,
    FileData,
    LargeData,
}

/// One step of an application's migration, in both languages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanStep {
    pub en: String,
    pub ko: String,
    pub tools: Vec<String>,
}

impl PlanStep {
    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ko => &self.ko,
        }
    }

    /// The tools, joined; the few that are generic words rather than AWS
    /// product names (security groups, NAT gateway...) in the translator's
    /// language (`plan.tool.<name>`).
    pub fn tools_text(&self, t: &crate::i18n::Tr) -> String {
        let name = |tool: &String| {
            let key = format!("plan.tool.{}", tool.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
            let text = t.t(&key);
            if text == key { tool.clone() } else { text.to_string() }
        };
        self.tools.iter().map(name).collect::<Vec<_>>().join(", ")
    }

    /// For templates, which know the language by its code.
    pub fn text_for(&self, code: &str) -> &str {
        self.text(Lang::parse(code).unwrap_or(Lang::En))
    }
}

/// What the step conditions look at, gathered from an application's workloads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppFacts {
    /// Database engines as the inventory names them ("MySQL").
    pub db_engines: Vec<String>,
    pub has_file_data: bool,
    pub storage_gb: f64,
}

/// Engines a refactor moves off (to Aurora or an open-source engine), so the
/// schema must be converted; open-source engines keep their engine.
const COMMERCIAL_ENGINES: &[&str] = &["oracle", "sql server", "mssql", "db2", "sybase", "informix"];

impl AppFacts {
    fn heterogeneous(&self, strategy: Strategy) -> bool {
        strategy == Strategy::Refactor
            && self.db_engines.iter().any(|e| {
                let e = e.to_lowercase();
                COMMERCIAL_ENGINES.iter().any(|c| e.contains(c))
            })
    }

    fn holds(&self, condition: Condition, strategy: Strategy, large_data_tb: f64) -> bool {
        match condition {
            Condition::Database => !self.db_engines.is_empty(),
            Condition::HeterogeneousDatabase => self.heterogeneous(strategy),
            Condition::HomogeneousDatabase => !self.db_engines.is_empty() && !self.heterogeneous(strategy),
            Condition::FileData => self.has_file_data,
            Condition::LargeData => self.storage_gb > large_data_tb * 1000.0,
        }
    }
}

pub fn catalogue() -> &'static StepCatalogue {
    static CATALOGUE: OnceLock<StepCatalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        toml::from_str(include_str!("../../data/plan_steps.toml")).unwrap_or_else(|e| panic!("data/plan_steps.toml is invalid: {e}"))
    })
}

/// The steps of one application under `strategy`, in order.
pub fn steps_for(strategy: Strategy, facts: &AppFacts) -> Vec<PlanStep> {
    let cat = catalogue();
    // `{engine}` only appears in steps that require a database.
    let engine = facts.db_engines.join(", ");
    let tb = format!("{}", cat.large_data_tb);
    let fill = |s: &str, engine: &str| s.replace("{engine}", engine).replace("{large_data_tb}", &tb).replace("  ", " ");
    cat.steps
        .iter()
        .filter(|s| s.strategies.contains(&strategy))
        .filter(|s| s.when.is_none_or(|c| facts.holds(c, strategy, cat.large_data_tb)))
        .map(|s| PlanStep { en: fill(&s.en, &engine), ko: fill(&s.ko, &engine), tools: s.tools.clone() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_strategy_has_steps_and_the_catalogue_has_four_phases() {
        let cat = catalogue();
        assert_eq!(cat.phases.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), ["assess", "mobilize", "migrate", "operate"]);
        for s in Strategy::ALL {
            assert!(!steps_for(s, &AppFacts::default()).is_empty(), "{s} has no steps");
        }
        for p in &cat.phases {
            assert_eq!(p.activities_en.len(), p.activities_ko.len(), "phase {} activities differ per language", p.key);
        }
    }

    #[test]
    fn replatform_follows_the_anycompany_order_and_names_dms_for_mysql() {
        let facts = AppFacts { db_engines: vec!["MySQL".into()], ..AppFacts::default() };
        let steps = steps_for(Strategy::Replatform, &facts);
        let texts: Vec<&str> = steps.iter().map(|s| s.en.as_str()).collect();
        let pos =
            |needle: &str| texts.iter().position(|t| t.contains(needle)).unwrap_or_else(|| panic!("no step with {needle}: {texts:?}"));
        let order = [
            pos("VPC and subnets"),
            pos("security groups and network ACLs"),
            pos("NAT gateway"),
            pos("web tier and an application tier"),
            pos("bastion"),
            pos("AMI templates"),
            pos("Auto Scaling groups"),
            pos("S3 buckets"),
            pos("code and data"),
            pos("MySQL database onto Amazon RDS"),
            pos("in parallel"),
            pos("Cut over"),
            pos("Well-Architected review"),
        ];
        assert!(order.windows(2).all(|w| w[0] < w[1]), "steps out of order: {texts:?}");
        let dms = &steps[pos("MySQL database")];
        assert!(dms.tools.iter().any(|t| t == "AWS DMS"));
        assert!(dms.ko.starts_with("MySQL 데이터베이스"), "{}", dms.ko);
        // No database: no DMS step.
        assert!(!steps_for(Strategy::Replatform, &AppFacts::default()).iter().any(|s| s.tools.contains(&"AWS DMS".to_string())));
    }

    #[test]
    fn tools_follow_the_facts() {
        let tools = |s: Strategy, f: &AppFacts| steps_for(s, f).into_iter().flat_map(|s| s.tools).collect::<Vec<_>>();
        let oracle = AppFacts { db_engines: vec!["Oracle".into()], ..AppFacts::default() };
        assert!(tools(Strategy::Refactor, &oracle).contains(&"AWS SCT".to_string()));
        assert!(!tools(Strategy::Replatform, &oracle).contains(&"AWS SCT".to_string()));
        let rehost = tools(Strategy::Rehost, &AppFacts::default());
        assert!(rehost.contains(&"AWS Application Migration Service".to_string()) && rehost.contains(&"VM Import/Export".to_string()));
        let big = AppFacts { storage_gb: 12_000.0, has_file_data: true, ..AppFacts::default() };
        let t = tools(Strategy::Rehost, &big);
        assert!(t.contains(&"AWS Snow Family".to_string()) && t.contains(&"AWS DataSync".to_string()));
        assert!(
            !tools(Strategy::Rehost, &AppFacts { storage_gb: 9_000.0, ..AppFacts::default() }).contains(&"AWS Snow Family".to_string())
        );
    }
}
