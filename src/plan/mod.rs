//! Migration waves and the phased plan. Pure: the caller hands in
//! the inventory, the strategies and decisions, the settings and the moves
//! the consultant made; `build` answers with the plan and its warnings.
//!
//! Waves: an application moves as a whole (workloads without an application
//! move alone). A dependency must move before its dependent or in the same
//! wave; applications that depend on each other in a cycle share a wave.
//! Low-risk applications (low criticality, low effort) go first as pilots.

pub mod steps;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Tr, thousands};
use crate::inventory::Dependency;
use crate::strategy::{Strategy, application_strategy};
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

/// The group `members` make (all the workloads of one application, or one
/// workload without an application), or `None` when none of them moves.
pub fn group_input(
    key: i64,
    name: &str,
    is_application: bool,
    members: &[&PlanWorkload],
    strategies: &HashMap<i64, Strategy>,
    decisions: &HashMap<i64, DecisionFacts>,
) -> Option<GroupInput> {
    let moving: Vec<&PlanWorkload> =
        members.iter().copied().filter(|w| strategies.get(&w.id).is_some_and(|s| moves_in_a_wave(*s))).collect();
    let strategies_of: Vec<Strategy> = moving.iter().filter_map(|w| strategies.get(&w.id).copied()).collect();
    let strategy = application_strategy(&strategies_of)?;
    let (mut effort, mut criticality, mut priority) = (None, None, None);
    for w in &moving {
        let d = decisions.get(&w.id).copied().unwrap_or_default();
        effort = effort.max(d.effort);
        criticality = criticality.max(d.criticality.or_else(|| criticality_from_text(&w.criticality)));
        priority = priority.max(d.priority);
    }
    Some(GroupInput {
        key,
        name: name.to_string(),
        is_application,
        strategy,
        workloads: moving.iter().map(|w| w.name.clone()).collect(),
        workload_count: moving.len(),
        effort,
        criticality,
        priority,
        facts: facts_of(&moving),
    })
}

/// The plan from the workloads, one pass: who moves, in which group, and
/// the dependencies between groups. The same plan as `build_groups` makes
/// from the groups and links kept per application (db::derived).
pub fn build(input: &PlanInput) -> Plan {
    let by_name: HashMap<&str, usize> = input.workloads.iter().enumerate().map(|(i, w)| (w.name.as_str(), i)).collect();
    let mut not_migrated = Vec::new();
    let mut undecided = Vec::new();
    // Moving workloads by group, in order of first appearance.
    let mut members: Vec<((bool, &str), Vec<&PlanWorkload>)> = Vec::new();
    let mut group_index: HashMap<(bool, &str), usize> = HashMap::new();
    let mut key_of: HashMap<usize, i64> = HashMap::new();
    for (i, w) in input.workloads.iter().enumerate() {
        let unmoved = |strategy| Unmoved { workload: w.name.clone(), application: w.application.clone(), strategy };
        match input.strategies.get(&w.id) {
            None => undecided.push(unmoved(None)),
            Some(s) if !moves_in_a_wave(*s) => not_migrated.push(unmoved(Some(*s))),
            Some(_) => {
                let is_app = !w.application.trim().is_empty();
                let group = (is_app, if is_app { w.application.as_str() } else { w.name.as_str() });
                let g = *group_index.entry(group).or_insert_with(|| {
                    members.push((group, Vec::new()));
                    members.len() - 1
                });
                members[g].1.push(w);
                key_of.insert(i, g as i64 + 1);
            }
        }
    }
    let groups = members
        .iter()
        .enumerate()
        .filter_map(|(g, ((is_app, name), ws))| group_input(g as i64 + 1, name, *is_app, ws, input.strategies, input.decisions))
        .collect();
    let mut links = Vec::new();
    for d in input.dependencies {
        let (Some(&from), Some(&to)) = (by_name.get(d.from.as_str()), by_name.get(d.to.as_str())) else { continue };
        let (Some(&from_key), Some(&to_strategy)) = (key_of.get(&from), input.strategies.get(&input.workloads[to].id)) else { continue };
        let to_key = key_of.get(&to).copied().unwrap_or(0);
        if to_key != from_key {
            links.push(Link { from_key, to_key, from_workload: d.from.clone(), to_workload: d.to.clone(), to_strategy });
        }
    }
    let not_migrated_steps = unmoved_steps(not_migrated.iter().filter_map(|u: &Unmoved| u.strategy));
    Plan { not_migrated, not_migrated_steps, undecided, ..build_groups(groups, &links, input.settings) }
}

/// The plan of `groups` ordered by `links` (in dependency order: by the
/// depending workload's name, then the other's). Lists only moving groups:
/// `not_migrated` and `undecided` are left empty.
pub fn build_groups(mut groups: Vec<GroupInput>, links: &[Link], settings: &PlanSettings) -> Plan {
    let settings = settings.clone();
    let capacity = settings.wave_capacity.max(1) as usize;
    // One order whatever the groups came in.
    groups.sort_by(|a, b| (&a.name, a.is_application).cmp(&(&b.name, b.is_application)));
    let index: HashMap<i64, usize> = groups.iter().enumerate().map(|(i, g)| (g.key, i)).collect();

    // Group edges: `needs[a]` holds the groups `a` depends on.
    let mut warnings = Vec::new();
    let mut needs: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); groups.len()];
    let mut edge_example: HashMap<(usize, usize), (String, String)> = HashMap::new();
    for l in links {
        let Some(&a) = index.get(&l.from_key) else { continue };
        if !moves_in_a_wave(l.to_strategy) {
            warnings.push(PlanWarning::DependsOnUnmoved {
                app: groups[a].name.clone(),
                workload: l.from_workload.clone(),
                dependency: l.to_workload.clone(),
                strategy: l.to_strategy,
            });
        } else if let Some(&b) = index.get(&l.to_key).filter(|b| **b != a) {
            needs[a].insert(b);
            edge_example.entry((a, b)).or_insert_with(|| (l.from_workload.clone(), l.to_workload.clone()));
        }
    }

    // Cycles: strongly connected groups move as one unit.
    let components = strongly_connected(&needs);
    let mut unit_of = vec![0usize; groups.len()];
    for (u, comp) in components.iter().enumerate() {
        for g in comp {
            unit_of[*g] = u;
        }
        if comp.len() > 1 {
            let mut apps: Vec<String> = comp.iter().map(|g| groups[*g].name.clone()).collect();
            apps.sort();
            warnings.push(PlanWarning::Cycle { apps });
        }
    }
    let unit_needs: Vec<BTreeSet<usize>> = components
        .iter()
        .enumerate()
        .map(|(u, comp)| comp.iter().flat_map(|g| needs[*g].iter().map(|h| unit_of[*h])).filter(|v| *v != u).collect())
        .collect();
    let unit_size: Vec<usize> = components.iter().map(|c| c.iter().map(|g| groups[*g].workload_count).sum()).collect();
    let unit_risk: Vec<i64> = components.iter().map(|c| c.iter().map(|g| groups[*g].risk()).max().unwrap_or(0)).collect();
    let unit_low_risk: Vec<bool> = components.iter().map(|c| c.iter().all(|g| groups[*g].low_risk())).collect();
    let unit_priority: Vec<i64> = components.iter().map(|c| c.iter().filter_map(|g| groups[*g].priority).max().unwrap_or(0)).collect();
    let unit_name: Vec<String> = components.iter().map(|c| c.iter().map(|g| groups[*g].name.clone()).min().unwrap_or_default()).collect();

    // Topological order, least risky ready unit first, then pack the order
    // into waves. Waves only grow along the order, so every dependency lands
    // in the same wave or an earlier one.
    let mut waiting: Vec<usize> = unit_needs.iter().map(BTreeSet::len).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); components.len()];
    for (u, ns) in unit_needs.iter().enumerate() {
        for n in ns {
            dependents[*n].push(u);
        }
    }
    let key = |u: usize| Reverse((unit_risk[u], -unit_priority[u], unit_name[u].clone(), u));
    let mut ready: BinaryHeap<_> = (0..components.len()).filter(|u| waiting[*u] == 0).map(key).collect();
    let mut unit_wave = vec![0u32; components.len()];
    let (mut wave, mut used, mut pilot_open) = (1u32, 0usize, true);
    while let Some(Reverse((_, _, _, u))) = ready.pop() {
        let leave_pilot = wave == 1 && used > 0 && pilot_open && !unit_low_risk[u];
        if leave_pilot || (used > 0 && used + unit_size[u] > capacity) {
            wave += 1;
            used = 0;
        }
        if wave == 1 && !unit_low_risk[u] {
            pilot_open = false;
        }
        unit_wave[u] = wave;
        used += unit_size[u];
        for d in &dependents[u] {
            waiting[*d] -= 1;
            if waiting[*d] == 0 {
                ready.push(key(*d));
            }
        }
    }

    // The consultant's moves win; then check what they broke.
    let mut group_wave: Vec<u32> = (0..groups.len()).map(|g| unit_wave[unit_of[g]]).collect();
    let mut moved = vec![false; groups.len()];
    for (g, grp) in groups.iter().enumerate() {
        if let Some(w) = settings.moves.get(&grp.name).filter(|_| grp.is_application) {
            group_wave[g] = (*w).clamp(1, MAX_WAVE);
            moved[g] = group_wave[g] != unit_wave[unit_of[g]];
        }
    }
    for (a, ns) in needs.iter().enumerate() {
        for b in ns {
            if group_wave[*b] > group_wave[a] {
                let (from_workload, to_workload) = edge_example[&(a, *b)].clone();
                warnings.push(PlanWarning::BrokenDependency {
                    dependent: groups[a].name.clone(),
                    dependent_wave: group_wave[a],
                    dependency: groups[*b].name.clone(),
                    dependency_wave: group_wave[*b],
                    from_workload,
                    to_workload,
                });
            }
        }
    }

    // Waves, their applications and their weeks.
    let cat = steps::catalogue();
    let names: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
    let mut by_wave: BTreeMap<u32, Vec<PlanApp>> = BTreeMap::new();
    for (g, grp) in groups.into_iter().enumerate() {
        let comp = &components[unit_of[g]];
        let mut cycle_with: Vec<String> = comp.iter().filter(|h| **h != g).map(|h| names[*h].clone()).collect();
        cycle_with.sort();
        by_wave.entry(group_wave[g]).or_default().push(PlanApp {
            steps: steps::steps_for(grp.strategy, &grp.facts),
            name: grp.name,
            is_application: grp.is_application,
            strategy: grp.strategy,
            workloads: grp.workloads,
            workload_count: grp.workload_count,
            effort: grp.effort,
            criticality: grp.criticality,
            weeks: grp.effort.unwrap_or(Effort::M).weeks(),
            wave: group_wave[g],
            moved: moved[g],
            cycle_with,
        });
    }
    let phase_weeks = |key: &str| cat.phases.iter().find(|p| p.key == key).map_or(0, |p| p.weeks);
    let migrate_start = phase_weeks("assess") + phase_weeks("mobilize");
    let mut week = migrate_start;
    let mut waves = Vec::new();
    for (number, mut apps) in by_wave {
        apps.sort_by(|a, b| a.name.cmp(&b.name));
        let workload_count = apps.iter().map(|a| a.workload_count).sum();
        if workload_count > capacity && apps.len() > 1 {
            warnings.push(PlanWarning::OverCapacity { wave: number, workloads: workload_count, capacity: settings.wave_capacity });
        }
        let weeks = apps.iter().map(|a| a.weeks).max().unwrap_or(0);
        let pilot = number == 1 && apps.iter().all(|a| low_risk(a.criticality, a.effort));
        waves.push(Wave { number, pilot, app_count: apps.len(), apps, workload_count, start_week: week, weeks });
        week += weeks;
    }
    let (phases, total_weeks) = phases(week - migrate_start);
    Plan { settings, phases, waves, not_migrated: Vec::new(), not_migrated_steps: Vec::new(), undecided: Vec::new(), warnings, total_weeks }
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

/// Roles and fields that mean "this workload holds files to copy".
fn is_file_workload(w: &PlanWorkload) -> bool {
    matches!(w.role.as_str(), "file")
}

fn facts_of(workloads: &[&PlanWorkload]) -> AppFacts {
    let mut db_engines: Vec<String> = Vec::new();
    for w in workloads {
        let engine = w.db_engine.trim();
        if !engine.is_empty() && !db_engines.iter().any(|e| e.eq_ignore_ascii_case(engine)) {
            db_engines.push(engine.to_string());
        }
    }
    AppFacts {
        db_engines,
        has_file_data: workloads.iter().any(|w| is_file_workload(w)),
        storage_gb: workloads.iter().filter_map(|w| w.storage_gb).sum(),
    }
}

/// Tarjan's strongly connected components over `edges[v]` (v depends on
/// each member). Iterative, so a long dependency chain cannot overflow the
/// stack. Components come out in no particular order.
fn strongly_connected(edges: &[BTreeSet<usize>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let adj: Vec<Vec<usize>> = edges.iter().map(|s| s.iter().copied().collect()).collect();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0usize; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut out = Vec::new();
    let mut next = 0;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut call: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut i)) = call.last_mut() {
            if *i < adj[v].len() {
                let w = adj[v][*i];
                *i += 1;
                if index[w] == usize::MAX {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    call.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
            } else {
                call.pop();
                if let Some(&(parent, _)) = call.last() {
                    low[parent] = low[parent].min(low[v]);
                }
                if low[v] == index[v] {
                    let mut comp = Vec::new();
                    while let Some(w) = stack.pop() {
                        on_stack[w] = false;
                        comp.push(w);
                        if w == v {
                            break;
                        }
                    }
                    comp.sort();
                    out.push(comp);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
