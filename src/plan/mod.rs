//! Migration waves and the phased plan. Pure: the caller hands in
//! the inventory, the strategies and decisions, the settings and the moves
//! the consultant made; `build` answers with the plan and its warnings.
//!
//! Waves: an application moves as a whole (workloads without an application
//! move alone). A dependency must move before its dependent or in the same
//! wave; applications that depend on each other in a cycle share a wave.
//! Low-risk applications (low criticality, low effort) go first as pilots.
//!
//! Read this file for the plan's types (settings, input, waves, warnings),
//! then `build.rs` for how the waves are made, phase by phase, and
//! `steps.rs` for the phases and steps per strategy (`data/plan_steps.toml`).

mod build;
pub mod steps;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Tr, thousands};
use crate::inventory::Dependency;
use crate::strategy::Strategy;
pub use build::{build, build_groups, group_input};
pub use steps::{AppFacts, PlanStep};

/// The consultant's sizing of the work (decisions.effort).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Effort {
    S,
    M,
    L,
    #[serde(rename = "XL")]
    Xl,
}

impl Effort {
    pub fn parse(s: &str) -> Option<Effort> {
        match s.trim().to_ascii_uppercase().as_str() {
            "S" => Some(Effort::S),
            "M" => Some(Effort::M),
            "L" => Some(Effort::L),
            "XL" => Some(Effort::Xl),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Effort::S => "S",
            Effort::M => "M",
            Effort::L => "L",
            Effort::Xl => "XL",
        }
    }

    /// Planning weeks for one application of this size, from design to cut-over.
    pub fn weeks(self) -> u32 {
        match self {
            Effort::S => 2,
            Effort::M => 4,
            Effort::L => 8,
            Effort::Xl => 12,
        }
    }
}

/// What the consultant decided about a workload besides the strategy.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DecisionFacts {
    pub effort: Option<Effort>,
    /// Business criticality 1..10.
    pub criticality: Option<i64>,
    /// Priority 1..10 (higher moves earlier among equally risky applications).
    pub priority: Option<i64>,
}

/// Engagement-wide plan settings and the consultant's moves (preferences
/// key "plan"). Moves are kept by application name: a move for an
/// application that no longer exists is ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanSettings {
    /// Most workloads one wave migrates.
    #[serde(default = "default_capacity")]
    pub wave_capacity: u32,
    /// Application name -> wave the consultant moved it to.
    #[serde(default)]
    pub moves: BTreeMap<String, u32>,
}

pub const PREFERENCES_KEY: &str = "plan";
pub const MAX_WAVE_CAPACITY: u32 = 500;
/// Highest wave number a consultant may move an application to.
pub const MAX_WAVE: u32 = 99;

fn default_capacity() -> u32 {
    10
}

impl Default for PlanSettings {
    fn default() -> Self {
        PlanSettings { wave_capacity: default_capacity(), moves: BTreeMap::new() }
    }
}

impl PlanSettings {
    pub fn validate(&self) -> Result<(), String> {
        if self.wave_capacity == 0 || self.wave_capacity > MAX_WAVE_CAPACITY {
            return Err(format!("wave capacity: give a number of workloads from 1 to {MAX_WAVE_CAPACITY}"));
        }
        if let Some((app, wave)) = self.moves.iter().find(|(_, w)| !(1..=MAX_WAVE).contains(*w)) {
            return Err(format!("{app}: wave {wave} is not between 1 and {MAX_WAVE}"));
        }
        Ok(())
    }
}

/// Everything the plan is computed from.
pub struct PlanInput<'a> {
    pub workloads: &'a [PlanWorkload],
    pub dependencies: &'a [Dependency],
    pub strategies: &'a HashMap<i64, Strategy>,
    pub decisions: &'a HashMap<i64, DecisionFacts>,
    pub settings: &'a PlanSettings,
}

/// What the plan reads of a workload, and nothing more: at 100,000
/// workloads whole `Workload`s cost the plan fifty megabytes it never reads.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlanWorkload {
    pub id: i64,
    pub name: String,
    pub application: String,
    pub application_id: Option<i64>,
    pub role: String,
    /// As the inventory says it (high, 높음, 8...); a decision's number wins.
    pub criticality: String,
    pub db_engine: String,
    pub storage_gb: Option<f64>,
}

/// An application (or a lone workload) as the plan moves it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanApp {
    pub name: String,
    /// False for a workload without an application, which moves alone.
    pub is_application: bool,
    pub strategy: Strategy,
    /// The moving workloads' names (read for the applications shown).
    pub workloads: Vec<String>,
    pub workload_count: usize,
    pub effort: Option<Effort>,
    pub criticality: Option<i64>,
    pub weeks: u32,
    pub wave: u32,
    /// The consultant put it in this wave by hand.
    pub moved: bool,
    /// Part of a dependency cycle (with the other applications named).
    pub cycle_with: Vec<String>,
    pub steps: Vec<PlanStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Wave {
    pub number: u32,
    /// The first wave, holding only low-risk applications to learn from.
    pub pilot: bool,
    /// Its applications (of a kept plan: those read).
    pub apps: Vec<PlanApp>,
    pub app_count: usize,
    pub workload_count: usize,
    pub start_week: u32,
    pub weeks: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Phase {
    pub key: String,
    pub en: String,
    pub ko: String,
    pub activities_en: Vec<String>,
    pub activities_ko: Vec<String>,
    pub start_week: u32,
    pub weeks: u32,
}

impl Phase {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Ko => &self.ko,
        }
    }

    pub fn activities(&self, lang: Lang) -> &[String] {
        match lang {
            Lang::En => &self.activities_en,
            Lang::Ko => &self.activities_ko,
        }
    }
}

/// A workload that does not move (Retire, Retain) or has no strategy yet.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unmoved {
    pub workload: String,
    pub application: String,
    pub strategy: Option<Strategy>,
}

/// Something the consultant should know about the plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlanWarning {
    /// `dependent` moves before `dependency`, which it needs.
    BrokenDependency {
        dependent: String,
        dependent_wave: u32,
        dependency: String,
        dependency_wave: u32,
        from_workload: String,
        to_workload: String,
    },
    /// These applications depend on each other in a circle.
    Cycle { apps: Vec<String> },
    /// The wave holds more workloads than its capacity.
    OverCapacity { wave: u32, workloads: usize, capacity: u32 },
    /// A migrating workload depends on one that stays or is retired.
    DependsOnUnmoved { app: String, workload: String, dependency: String, strategy: Strategy },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub settings: PlanSettings,
    pub phases: Vec<Phase>,
    pub waves: Vec<Wave>,
    /// Retire and Retain workloads, with the steps of their strategy.
    pub not_migrated: Vec<Unmoved>,
    pub not_migrated_steps: Vec<(Strategy, Vec<PlanStep>)>,
    pub undecided: Vec<Unmoved>,
    pub warnings: Vec<PlanWarning>,
    pub total_weeks: u32,
}

impl Plan {
    pub fn app(&self, name: &str) -> Option<&PlanApp> {
        self.waves.iter().flat_map(|w| &w.apps).find(|a| a.name == name)
    }

    pub fn wave_of(&self, name: &str) -> Option<u32> {
        self.app(name).map(|a| a.wave)
    }

    pub fn broken_dependencies(&self) -> impl Iterator<Item = &PlanWarning> {
        self.warnings.iter().filter(|w| matches!(w, PlanWarning::BrokenDependency { .. }))
    }
}

/// The text of a plan warning in the report's language (shared with the web page).
pub fn warning_text(t: &Tr, w: &PlanWarning) -> String {
    match w {
        PlanWarning::BrokenDependency { dependent, dependent_wave, dependency, dependency_wave, from_workload, to_workload } => t.fmt(
            "plan.broken_dependency",
            &[
                ("dependent", dependent),
                ("dependent_wave", dependent_wave),
                ("dependency", dependency),
                ("dependency_wave", dependency_wave),
                ("from", from_workload),
                ("to", to_workload),
            ],
        ),
        PlanWarning::Cycle { apps } => t.fmt("plan.cycle", &[("apps", &apps.join(", "))]),
        PlanWarning::OverCapacity { wave, workloads, capacity } => t.fmt(
            "plan.over_capacity",
            &[("wave", &thousands(wave)), ("workloads", &thousands(workloads)), ("capacity", &thousands(capacity))],
        ),
        PlanWarning::DependsOnUnmoved { app, workload, dependency, strategy } => t.fmt(
            "plan.depends_on_unmoved",
            &[("app", app), ("workload", workload), ("dependency", dependency), ("strategy", &strategy.label(t.lang))],
        ),
    }
}

/// Criticality text of the inventory on the 1..10 scale of decisions.
fn criticality_from_text(s: &str) -> Option<i64> {
    match s.trim().to_lowercase().as_str() {
        "low" | "낮음" => Some(2),
        "medium" | "moderate" | "보통" => Some(5),
        "high" | "높음" => Some(8),
        "critical" | "mission-critical" | "mission critical" | "매우 높음" => Some(10),
        other => other.parse::<i64>().ok().filter(|n| (1..=10).contains(n)),
    }
}

const LOW_RISK_CRITICALITY: i64 = 4;
const UNKNOWN_CRITICALITY: i64 = 5;

/// A group as the plan moves it: an application, or a workload without one.
/// Only its workloads that move to AWS (not retired, retained or undecided)
/// count.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupInput {
    /// What `Link`s name the group by.
    pub key: i64,
    pub name: String,
    pub is_application: bool,
    pub strategy: Strategy,
    /// The moving workloads' names; left empty where only counted.
    pub workloads: Vec<String>,
    pub workload_count: usize,
    pub effort: Option<Effort>,
    pub criticality: Option<i64>,
    pub priority: Option<i64>,
    pub facts: AppFacts,
}

impl GroupInput {
    fn risk(&self) -> i64 {
        let effort = self.effort.unwrap_or(Effort::M) as i64;
        self.criticality.unwrap_or(UNKNOWN_CRITICALITY) + 2 * effort
    }

    fn low_risk(&self) -> bool {
        low_risk(self.criticality, self.effort)
    }
}

/// The pilot rule: low criticality and at most medium effort (unknown
/// criticality is not low; unknown effort counts as medium). The first wave
/// holds only such applications while there are any, and is then a pilot.
fn low_risk(criticality: Option<i64>, effort: Option<Effort>) -> bool {
    criticality.unwrap_or(UNKNOWN_CRITICALITY) <= LOW_RISK_CRITICALITY && effort.unwrap_or(Effort::M) <= Effort::M
}

/// A dependency the plan orders by: a moving workload of group `from_key`
/// depends on `to_workload`, of group `to_key` when that one moves too, or
/// retired or retained (`to_strategy`).
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub from_key: i64,
    pub to_key: i64,
    pub from_workload: String,
    pub to_workload: String,
    pub to_strategy: Strategy,
}

/// True for a strategy under which the workload moves in a wave.
pub fn moves_in_a_wave(s: Strategy) -> bool {
    !matches!(s, Strategy::Retire | Strategy::Retain)
}

/// The four phases when migrating takes `migrate_weeks`, and the weeks of all.
pub fn phases(migrate_weeks: u32) -> (Vec<Phase>, u32) {
    let mut start = 0;
    let phases = steps::catalogue()
        .phases
        .iter()
        .map(|p| {
            let weeks = if p.key == "migrate" { migrate_weeks } else { p.weeks };
            let phase = Phase {
                key: p.key.clone(),
                en: p.en.clone(),
                ko: p.ko.clone(),
                activities_en: p.activities_en.clone(),
                activities_ko: p.activities_ko.clone(),
                start_week: start,
                weeks,
            };
            start += weeks;
            phase
        })
        .collect();
    (phases, start)
}

/// The steps for the workloads that do not move, per strategy they have.
pub fn unmoved_steps(strategies: impl IntoIterator<Item = Strategy>) -> Vec<(Strategy, Vec<PlanStep>)> {
    let strategies: BTreeSet<Strategy> = strategies.into_iter().collect();
    strategies.into_iter().map(|s| (s, steps::steps_for(s, &AppFacts::default()))).collect()
}

#[cfg(test)]
mod tests;
