use super::*;

struct Estate {
    workloads: Vec<PlanWorkload>,
    dependencies: Vec<Dependency>,
    strategies: HashMap<i64, Strategy>,
    decisions: HashMap<i64, DecisionFacts>,
    settings: PlanSettings,
}

impl Estate {
    fn new() -> Estate {
        Estate {
            workloads: Vec::new(),
            dependencies: Vec::new(),
            strategies: HashMap::new(),
            decisions: HashMap::new(),
            settings: PlanSettings::default(),
        }
    }

    fn add(&mut self, name: &str, app: &str, strategy: Strategy, effort: Effort, criticality: i64) -> &mut Self {
        let id = self.workloads.len() as i64 + 1;
        self.workloads.push(PlanWorkload { id, name: name.into(), application: app.into(), ..PlanWorkload::default() });
        self.strategies.insert(id, strategy);
        self.decisions.insert(id, DecisionFacts { effort: Some(effort), criticality: Some(criticality), priority: None });
        self
    }

    fn dep(&mut self, from: &str, to: &str) -> &mut Self {
        self.dependencies.push(Dependency { from: from.into(), to: to.into(), ..Dependency::default() });
        self
    }

    fn plan(&self) -> Plan {
        build(&PlanInput {
            workloads: &self.workloads,
            dependencies: &self.dependencies,
            strategies: &self.strategies,
            decisions: &self.decisions,
            settings: &self.settings,
        })
    }
}

use Strategy::*;

#[test]
fn an_application_moves_as_one_and_dependencies_go_first() {
    let mut e = Estate::new();
    e.add("shop-web-1", "Shop", Replatform, Effort::M, 8)
        .add("shop-web-2", "Shop", Replatform, Effort::M, 8)
        .add("billing-db", "Billing", Rehost, Effort::L, 9)
        .add("wiki", "Wiki", Rehost, Effort::S, 2)
        .dep("shop-web-1", "billing-db");
    e.settings.wave_capacity = 2;
    let plan = e.plan();
    let wave = |n: &str| plan.wave_of(n).unwrap();
    assert_eq!(plan.app("Shop").unwrap().workloads.len(), 2, "both Shop servers move together");
    assert!(wave("Billing") <= wave("Shop"), "Billing (needed by Shop) moves first: {:?}", plan.waves);
    assert_eq!(wave("Wiki"), 1, "the low-risk Wiki is the pilot");
    assert!(plan.waves[0].pilot);
    assert!(plan.warnings.is_empty(), "{:?}", plan.warnings);
    assert!(plan.waves.iter().all(|w| w.workload_count <= 2));
}

#[test]
fn a_dependency_chain_is_ordered_even_against_risk() {
    let mut e = Estate::new();
    // The risky database is needed by the harmless front end.
    e.add("front", "Front", Rehost, Effort::S, 1).add("core-db", "Core", Replatform, Effort::Xl, 10).dep("front", "core-db");
    e.settings.wave_capacity = 1;
    let plan = e.plan();
    assert_eq!(plan.wave_of("Core"), Some(1));
    assert_eq!(plan.wave_of("Front"), Some(2));
    assert!(!plan.waves[0].pilot, "a risky first wave is not called a pilot");
}

#[test]
fn a_cycle_moves_in_one_wave_and_is_reported() {
    let mut e = Estate::new();
    e.add("a1", "A", Rehost, Effort::S, 3)
        .add("b1", "B", Rehost, Effort::S, 3)
        .add("c1", "C", Rehost, Effort::S, 3)
        .add("d1", "D", Rehost, Effort::S, 3)
        .dep("a1", "b1")
        .dep("b1", "c1")
        .dep("c1", "a1")
        .dep("d1", "a1");
    e.settings.wave_capacity = 1;
    let plan = e.plan();
    let (a, b, c, d) = (plan.wave_of("A"), plan.wave_of("B"), plan.wave_of("C"), plan.wave_of("D"));
    assert!(a == b && b == c, "the cycle shares a wave: {a:?} {b:?} {c:?}");
    assert!(d > a, "D depends on the cycle and follows it");
    assert!(plan.warnings.contains(&PlanWarning::Cycle { apps: vec!["A".into(), "B".into(), "C".into()] }), "{:?}", plan.warnings);
    assert_eq!(plan.app("A").unwrap().cycle_with, ["B", "C"]);
    assert!(plan.broken_dependencies().next().is_none());
}

#[test]
fn moving_an_application_before_its_dependency_warns() {
    let mut e = Estate::new();
    e.add("web", "Web", Replatform, Effort::M, 5).add("db", "Data", Replatform, Effort::M, 5).dep("web", "db");
    e.settings.wave_capacity = 1;
    let before = e.plan();
    assert_eq!((before.wave_of("Data"), before.wave_of("Web")), (Some(1), Some(2)));

    e.settings.moves.insert("Data".into(), 3);
    let after = e.plan();
    assert_eq!(after.wave_of("Data"), Some(3));
    assert!(after.app("Data").unwrap().moved);
    let broken: Vec<_> = after.broken_dependencies().collect();
    assert_eq!(
        broken,
        [&PlanWarning::BrokenDependency {
            dependent: "Web".into(),
            dependent_wave: 2,
            dependency: "Data".into(),
            dependency_wave: 3,
            from_workload: "web".into(),
            to_workload: "db".into(),
        }]
    );

    // Moving the dependent later instead is fine.
    e.settings.moves.clear();
    e.settings.moves.insert("Web".into(), 5);
    assert!(e.plan().broken_dependencies().next().is_none());
}

#[test]
fn retire_retain_and_undecided_are_listed_apart() {
    let mut e = Estate::new();
    e.add("old-ftp", "FTP", Retire, Effort::S, 1).add("mainframe", "Ledger", Retain, Effort::S, 9).add("web", "Shop", Rehost, Effort::S, 2);
    e.dep("web", "mainframe");
    e.workloads.push(PlanWorkload { id: 99, name: "mystery".into(), ..PlanWorkload::default() });
    let plan = e.plan();
    let moved: Vec<&str> = plan.waves.iter().flat_map(|w| &w.apps).map(|a| a.name.as_str()).collect();
    assert_eq!(moved, ["Shop"]);
    assert_eq!(plan.not_migrated.len(), 2);
    assert_eq!(plan.undecided.iter().map(|u| u.workload.as_str()).collect::<Vec<_>>(), ["mystery"]);
    assert_eq!(plan.not_migrated_steps.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [Retire, Retain]);
    assert!(
        plan.warnings
            .iter()
            .any(|w| matches!(w, PlanWarning::DependsOnUnmoved { dependency, strategy: Retain, .. } if dependency == "mainframe"))
    );
}

#[test]
fn weeks_follow_effort_and_phases_line_up() {
    let mut e = Estate::new();
    e.add("a", "A", Rehost, Effort::S, 2).add("b", "B", Refactor, Effort::Xl, 9);
    e.settings.wave_capacity = 1;
    let plan = e.plan();
    assert_eq!(plan.waves.iter().map(|w| w.weeks).collect::<Vec<_>>(), [2, 12]);
    assert_eq!(plan.waves[1].start_week, plan.waves[0].start_week + 2);
    let keys: Vec<&str> = plan.phases.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["assess", "mobilize", "migrate", "operate"]);
    let migrate = &plan.phases[2];
    assert_eq!((migrate.start_week, migrate.weeks), (plan.waves[0].start_week, 14));
    assert_eq!(plan.total_weeks, plan.phases.iter().map(|p| p.weeks).sum::<u32>());
}

#[test]
fn a_long_chain_and_a_big_estate_plan_without_trouble() {
    let mut e = Estate::new();
    for i in 0..3000 {
        e.add(&format!("w{i}"), &format!("App{i}"), Rehost, Effort::S, 3);
        if i > 0 {
            e.dep(&format!("w{i}"), &format!("w{}", i - 1));
        }
    }
    let plan = e.plan();
    assert_eq!(plan.waves.iter().map(|w| w.apps.len()).sum::<usize>(), 3000);
    assert!(plan.wave_of("App0") <= plan.wave_of("App2999"));
    assert!(plan.broken_dependencies().next().is_none());
}

#[test]
fn an_oversized_application_takes_a_wave_alone_without_a_warning() {
    let mut e = Estate::new();
    for i in 0..5 {
        e.add(&format!("big{i}"), "Big", Rehost, Effort::M, 5);
    }
    e.add("small", "Small", Rehost, Effort::M, 5);
    e.settings.wave_capacity = 3;
    let plan = e.plan();
    assert_ne!(plan.wave_of("Big"), plan.wave_of("Small"));
    assert!(!plan.warnings.iter().any(|w| matches!(w, PlanWarning::OverCapacity { .. })));
    e.settings.moves.insert("Small".into(), plan.wave_of("Big").unwrap());
    assert!(e.plan().warnings.iter().any(|w| matches!(w, PlanWarning::OverCapacity { workloads: 6, capacity: 3, .. })));
}
