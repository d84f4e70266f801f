//! How the plan is built. Read `build` (workloads to groups and links),
//! then `build_groups`, whose phases follow it in order: the edges between
//! groups, the units that move together (dependency cycles), the waves the
//! units fill in dependency order, the consultant's moves and what they
//! broke, and last the waves laid out in weeks.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};

use super::steps::{self, AppFacts};
use super::{
    DecisionFacts, Effort, GroupInput, Link, MAX_WAVE, Plan, PlanApp, PlanInput, PlanSettings, PlanWarning, PlanWorkload, Unmoved, Wave,
    criticality_from_text, low_risk, moves_in_a_wave, phases, unmoved_steps,
};
use crate::strategy::{Strategy, application_strategy};

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
    let sorted = sort_workloads(input.workloads, input.strategies);
    let groups = sorted
        .members
        .iter()
        .enumerate()
        .filter_map(|(g, ((is_app, name), ws))| group_input(g as i64 + 1, name, *is_app, ws, input.strategies, input.decisions))
        .collect();
    let links = links_between(input, &sorted.key_of);
    let not_migrated_steps = unmoved_steps(sorted.not_migrated.iter().filter_map(|u: &Unmoved| u.strategy));
    Plan {
        not_migrated: sorted.not_migrated,
        not_migrated_steps,
        undecided: sorted.undecided,
        ..build_groups(groups, &links, input.settings)
    }
}

/// The workloads sorted by what happens to them.
struct Sorted<'a> {
    not_migrated: Vec<Unmoved>,
    undecided: Vec<Unmoved>,
    /// Moving workloads by group (is an application, its name), in order of
    /// first appearance.
    members: Vec<((bool, &'a str), Vec<&'a PlanWorkload>)>,
    /// Index of a moving workload -> key of its group (from 1).
    key_of: HashMap<usize, i64>,
}

fn sort_workloads<'a>(workloads: &'a [PlanWorkload], strategies: &HashMap<i64, Strategy>) -> Sorted<'a> {
    let mut sorted = Sorted { not_migrated: Vec::new(), undecided: Vec::new(), members: Vec::new(), key_of: HashMap::new() };
    let mut group_index: HashMap<(bool, &str), usize> = HashMap::new();
    for (i, w) in workloads.iter().enumerate() {
        let unmoved = |strategy| Unmoved { workload: w.name.clone(), application: w.application.clone(), strategy };
        match strategies.get(&w.id) {
            None => sorted.undecided.push(unmoved(None)),
            Some(s) if !moves_in_a_wave(*s) => sorted.not_migrated.push(unmoved(Some(*s))),
            Some(_) => {
                let is_app = !w.application.trim().is_empty();
                let group = (is_app, if is_app { w.application.as_str() } else { w.name.as_str() });
                let members = &mut sorted.members;
                let g = *group_index.entry(group).or_insert_with(|| {
                    members.push((group, Vec::new()));
                    members.len() - 1
                });
                members[g].1.push(w);
                sorted.key_of.insert(i, g as i64 + 1);
            }
        }
    }
    sorted
}

/// The dependencies from a moving workload to a workload of another group
/// (key 0 when that one does not move), in the order of the dependencies.
fn links_between(input: &PlanInput, key_of: &HashMap<usize, i64>) -> Vec<Link> {
    let by_name: HashMap<&str, usize> = input.workloads.iter().enumerate().map(|(i, w)| (w.name.as_str(), i)).collect();
    let mut links = Vec::new();
    for d in input.dependencies {
        let (Some(&from), Some(&to)) = (by_name.get(d.from.as_str()), by_name.get(d.to.as_str())) else { continue };
        let (Some(&from_key), Some(&to_strategy)) = (key_of.get(&from), input.strategies.get(&input.workloads[to].id)) else { continue };
        let to_key = key_of.get(&to).copied().unwrap_or(0);
        if to_key != from_key {
            links.push(Link { from_key, to_key, from_workload: d.from.clone(), to_workload: d.to.clone(), to_strategy });
        }
    }
    links
}

/// The plan of `groups` ordered by `links` (in dependency order: by the
/// depending workload's name, then the other's). Lists only moving groups:
/// `not_migrated` and `undecided` are left empty.
pub fn build_groups(mut groups: Vec<GroupInput>, links: &[Link], settings: &PlanSettings) -> Plan {
    let settings = settings.clone();
    let capacity = settings.wave_capacity.max(1) as usize;
    // One order whatever the groups came in.
    groups.sort_by(|a, b| (&a.name, a.is_application).cmp(&(&b.name, b.is_application)));
    let mut warnings = Vec::new();
    let edges = group_edges(&groups, links, &mut warnings);
    let units = Units::of(&groups, &edges.needs, &mut warnings);
    let unit_wave = fill_waves(&units, capacity);
    let (group_wave, moved) = apply_moves(&groups, &units, &unit_wave, &settings);
    warnings.extend(broken_dependencies(&groups, &edges, &group_wave));
    let apps = plan_apps(groups, &units, &group_wave, &moved);
    let (waves, migrate_weeks) = lay_out_waves(apps, capacity, &settings, &mut warnings);
    let (phases, total_weeks) = phases(migrate_weeks);
    Plan { settings, phases, waves, not_migrated: Vec::new(), not_migrated_steps: Vec::new(), undecided: Vec::new(), warnings, total_weeks }
}

/// The dependencies between moving groups, by index in the sorted groups.
struct Edges {
    /// `needs[a]` holds the groups `a` depends on.
    needs: Vec<BTreeSet<usize>>,
    /// The first pair of workloads (dependent, dependency) behind an edge,
    /// to name in a warning.
    example: HashMap<(usize, usize), (String, String)>,
}

/// Phase 1: the edges between groups; a link to a workload that does not
/// move is a warning, not an edge.
fn group_edges(groups: &[GroupInput], links: &[Link], warnings: &mut Vec<PlanWarning>) -> Edges {
    let index: HashMap<i64, usize> = groups.iter().enumerate().map(|(i, g)| (g.key, i)).collect();
    let mut edges = Edges { needs: vec![BTreeSet::new(); groups.len()], example: HashMap::new() };
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
            edges.needs[a].insert(b);
            edges.example.entry((a, b)).or_insert_with(|| (l.from_workload.clone(), l.to_workload.clone()));
        }
    }
    edges
}

/// The units that move together: groups in a dependency cycle are one
/// unit (strongly connected), every other group a unit of its own.
struct Units {
    components: Vec<Vec<usize>>,
    /// Group index -> its unit.
    unit_of: Vec<usize>,
    needs: Vec<BTreeSet<usize>>,
    size: Vec<usize>,
    risk: Vec<i64>,
    low_risk: Vec<bool>,
    priority: Vec<i64>,
    name: Vec<String>,
}

impl Units {
    /// Phase 2: the units, and a warning for every cycle.
    fn of(groups: &[GroupInput], needs: &[BTreeSet<usize>], warnings: &mut Vec<PlanWarning>) -> Units {
        let components = strongly_connected(needs);
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
        let needs = components
            .iter()
            .enumerate()
            .map(|(u, comp)| comp.iter().flat_map(|g| needs[*g].iter().map(|h| unit_of[*h])).filter(|v| *v != u).collect())
            .collect();
        fn of_groups<'g>(comp: &'g [usize], groups: &'g [GroupInput]) -> impl Iterator<Item = &'g GroupInput> {
            comp.iter().map(|g| &groups[*g])
        }
        Units {
            needs,
            size: components.iter().map(|c| of_groups(c, groups).map(|g| g.workload_count).sum()).collect(),
            risk: components.iter().map(|c| of_groups(c, groups).map(GroupInput::risk).max().unwrap_or(0)).collect(),
            low_risk: components.iter().map(|c| of_groups(c, groups).all(GroupInput::low_risk)).collect(),
            priority: components.iter().map(|c| of_groups(c, groups).filter_map(|g| g.priority).max().unwrap_or(0)).collect(),
            name: components.iter().map(|c| of_groups(c, groups).map(|g| g.name.clone()).min().unwrap_or_default()).collect(),
            unit_of,
            components,
        }
    }
}

/// Phase 3: the wave of every unit. A topological order, least risky ready
/// unit first, packed into waves of `capacity` workloads. Waves only grow
/// along the order, so every dependency lands in the same wave or an
/// earlier one. The first wave takes only low-risk units while it can.
fn fill_waves(units: &Units, capacity: usize) -> Vec<u32> {
    let n = units.components.len();
    let mut waiting: Vec<usize> = units.needs.iter().map(BTreeSet::len).collect();
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (u, ns) in units.needs.iter().enumerate() {
        for d in ns {
            dependents[*d].push(u);
        }
    }
    let key = |u: usize| Reverse((units.risk[u], -units.priority[u], units.name[u].clone(), u));
    let mut ready: BinaryHeap<_> = (0..n).filter(|u| waiting[*u] == 0).map(key).collect();
    let mut unit_wave = vec![0u32; n];
    let (mut wave, mut used, mut pilot_open) = (1u32, 0usize, true);
    while let Some(Reverse((_, _, _, u))) = ready.pop() {
        let leave_pilot = wave == 1 && used > 0 && pilot_open && !units.low_risk[u];
        if leave_pilot || (used > 0 && used + units.size[u] > capacity) {
            wave += 1;
            used = 0;
        }
        if wave == 1 && !units.low_risk[u] {
            pilot_open = false;
        }
        unit_wave[u] = wave;
        used += units.size[u];
        for d in &dependents[u] {
            waiting[*d] -= 1;
            if waiting[*d] == 0 {
                ready.push(key(*d));
            }
        }
    }
    unit_wave
}

/// Phase 4: the wave of every group, where the consultant's moves win
/// (only applications are moved by hand), and which groups were moved.
fn apply_moves(groups: &[GroupInput], units: &Units, unit_wave: &[u32], settings: &PlanSettings) -> (Vec<u32>, Vec<bool>) {
    let mut group_wave: Vec<u32> = (0..groups.len()).map(|g| unit_wave[units.unit_of[g]]).collect();
    let mut moved = vec![false; groups.len()];
    for (g, grp) in groups.iter().enumerate() {
        if let Some(w) = settings.moves.get(&grp.name).filter(|_| grp.is_application) {
            group_wave[g] = (*w).clamp(1, MAX_WAVE);
            moved[g] = group_wave[g] != unit_wave[units.unit_of[g]];
        }
    }
    (group_wave, moved)
}

/// Phase 5: the dependencies the moves broke (a group now before one it needs).
fn broken_dependencies(groups: &[GroupInput], edges: &Edges, group_wave: &[u32]) -> Vec<PlanWarning> {
    let mut warnings = Vec::new();
    for (a, ns) in edges.needs.iter().enumerate() {
        for b in ns {
            if group_wave[*b] > group_wave[a] {
                let (from_workload, to_workload) = edges.example[&(a, *b)].clone();
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
    warnings
}

/// Phase 6a: every group as the plan shows it, by wave.
fn plan_apps(groups: Vec<GroupInput>, units: &Units, group_wave: &[u32], moved: &[bool]) -> BTreeMap<u32, Vec<PlanApp>> {
    let names: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
    let mut by_wave: BTreeMap<u32, Vec<PlanApp>> = BTreeMap::new();
    for (g, grp) in groups.into_iter().enumerate() {
        let comp = &units.components[units.unit_of[g]];
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
    by_wave
}

/// Phase 6b: the waves one after the other from the end of mobilisation,
/// each as long as its longest application; with the weeks they take and a
/// warning for each wave over capacity.
fn lay_out_waves(
    by_wave: BTreeMap<u32, Vec<PlanApp>>,
    capacity: usize,
    settings: &PlanSettings,
    warnings: &mut Vec<PlanWarning>,
) -> (Vec<Wave>, u32) {
    let cat = steps::catalogue();
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
    (waves, week - migrate_start)
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
