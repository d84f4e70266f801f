//! The kept derived data against a computation from scratch on the same
//! data, after every kind of write, in random sequences.

use std::collections::{BTreeMap, HashMap};

use super::*;
use crate::db::suggestions::{Decision, Selection};
use crate::db::{Db, applications, assessment, decisions, dependencies, engagements, imports, suggestions, workloads};
use crate::inventory::{Dependency, Engagement};
use crate::scoring::SubjectKind;
use crate::scoring::decision::DecisionInput;

/// A small deterministic generator (xorshift64*): the same seed, the same
/// sequence of writes, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        (!items.is_empty()).then(|| &items[self.below(items.len())])
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const ROLES: &[&str] = &["web", "app", "db", "db", "file", "cache", "", "web-app"];
const OSES: &[(&str, &str)] = &[("Ubuntu Linux", "22.04"), ("Windows Server", "2012 R2"), ("AIX", "7.2"), ("", ""), ("CentOS", "7")];
const ENGINES: &[(&str, &str)] = &[("MySQL", "5.7"), ("Oracle", "19c"), ("PostgreSQL", "15"), ("", "")];
const APPS: &[&str] = &["Shop", "Billing", "Wiki", "Reports", ""];
const STRATEGIES: &[&str] = &["rehost", "replatform", "refactor", "retire", "retain", "repurchase"];

fn engagement(db: &Db) -> i64 {
    db.with_conn(|c| Ok(engagements::create(c, &Engagement { name: "Derived".into(), ..Engagement::default_new() }, "t")?.id)).unwrap()
}

fn random_workload(rng: &mut Rng, name: String) -> Workload {
    let (os, os_version) = *rng.pick(OSES).unwrap();
    let role = *rng.pick(ROLES).unwrap();
    let (db_engine, db_version) = if role == "db" { *rng.pick(ENGINES).unwrap() } else { ("", "") };
    let notes = match rng.below(5) {
        0 => "bastion for the admins",
        1 => "backups to tape; streaming replica",
        _ => "",
    };
    Workload {
        hostname: format!("{name}.corp"),
        name,
        application: rng.pick(APPS).unwrap().to_string(),
        role: role.into(),
        os: os.into(),
        os_version: os_version.into(),
        db_engine: db_engine.into(),
        db_version: db_version.into(),
        middleware: if rng.chance(50) { "Apache Tomcat 9".into() } else { String::new() },
        cpu_cores: Some(1 + rng.below(16) as i64),
        ram_gb: Some(2.0 * (1 + rng.below(32)) as f64),
        cpu_util_peak_pct: Some(rng.below(100) as f64),
        annual_cost: rng.chance(70).then(|| 1000.0 * rng.below(20) as f64),
        criticality: rng.pick(&["high", "low", "", "medium"]).unwrap().to_string(),
        powered_off: rng.chance(10),
        notes: notes.into(),
        ..Workload::default()
    }
}

fn ids(c: &Connection, sql: &str, eid: i64) -> Vec<i64> {
    c.prepare(sql).unwrap().query_map([eid], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

/// One random write through the application's own write paths.
fn random_write(c: &Connection, eid: i64, rng: &mut Rng, n: &mut usize) -> Result<(), AppError> {
    let workload_ids = ids(c, "SELECT id FROM workloads WHERE engagement_id = ?1 ORDER BY id", eid);
    let app_ids = ids(c, "SELECT id FROM applications WHERE engagement_id = ?1 ORDER BY id", eid);
    match rng.below(13) {
        0 | 1 => add_workload(c, eid, rng, n),
        2 | 3 => edit_workload(c, eid, rng, &workload_ids),
        4 => delete_workload(c, eid, rng, &workload_ids),
        5 => answer(c, eid, rng, &workload_ids, &app_ids),
        6 => decide(c, eid, rng, &workload_ids),
        7 => clear_decision(c, eid, rng, &workload_ids),
        8 | 9 => add_dependency(c, eid, rng, &workload_ids),
        10 => remove_dependency(c, eid, rng),
        11 => other_write(c, eid, rng, n, &workload_ids, &app_ids),
        _ => import_rows(c, eid, rng, n, &workload_ids),
    }
}

/// A new random workload, the next `w...` name.
fn add_workload(c: &Connection, eid: i64, rng: &mut Rng, n: &mut usize) -> Result<(), AppError> {
    *n += 1;
    workloads::create(c, eid, &random_workload(rng, format!("w{n:03}")), "t")?;
    Ok(())
}

/// A workload edited: its role, its application, its notes, or all of it.
fn edit_workload(c: &Connection, eid: i64, rng: &mut Rng, workload_ids: &[i64]) -> Result<(), AppError> {
    if let Some(&id) = rng.pick(workload_ids) {
        let before = workloads::get(c, eid, id)?;
        let fresh = random_workload(rng, before.name.clone());
        let edited = match rng.below(4) {
            0 => Workload { role: fresh.role, db_engine: fresh.db_engine, db_version: fresh.db_version, ..before },
            1 => Workload { application: fresh.application, ..before },
            2 => Workload { notes: fresh.notes, powered_off: fresh.powered_off, ..before },
            _ => Workload { id, version: before.version, ..fresh },
        };
        crate::db::applications::ensure_audited(c, eid, &edited.application, "t")?;
        workloads::save(c, eid, &edited, "t")?;
    }
    Ok(())
}

/// A workload deleted.
fn delete_workload(c: &Connection, eid: i64, rng: &mut Rng, workload_ids: &[i64]) -> Result<(), AppError> {
    if let Some(&id) = rng.pick(workload_ids) {
        workloads::delete(c, eid, id, "t")?;
    }
    Ok(())
}

/// An assessment question answered for an application or a workload.
fn answer(c: &Connection, eid: i64, rng: &mut Rng, workload_ids: &[i64], app_ids: &[i64]) -> Result<(), AppError> {
    let question = *rng.pick(&["still_used", "saas_alternative", "must_stay_on_prem", "deadline_months", "source_available"]).unwrap();
    let value = match question {
        "deadline_months" => rng.pick(&["3", "24", ""]).unwrap().to_string(),
        _ => rng.pick(&["yes", "no", ""]).unwrap().to_string(),
    };
    let subject = if rng.chance(60) {
        rng.pick(app_ids).map(|a| (SubjectKind::Application, *a))
    } else {
        rng.pick(workload_ids).map(|w| (SubjectKind::Workload, *w))
    };
    if let Some(subject) = subject {
        assessment::set_answers(c, eid, &[subject], &[(question.to_string(), value)], "t")?;
    }
    Ok(())
}

/// A workload decided: a strategy, an effort and a criticality.
fn decide(c: &Connection, eid: i64, rng: &mut Rng, workload_ids: &[i64]) -> Result<(), AppError> {
    if let Some(&id) = rng.pick(workload_ids) {
        let strategy = rng.pick(STRATEGIES).unwrap().to_string();
        let input = DecisionInput {
            strategy,
            rationale: "decided in the meeting".into(),
            effort: rng.pick(&["S", "M", "L", "XL", ""]).unwrap().to_string(),
            criticality: rng.pick(&["2", "9", ""]).unwrap().to_string(),
            ..DecisionInput::default()
        };
        decisions::decide(c, eid, &[id], &input, "t")?;
    }
    Ok(())
}

/// A workload's decision cleared.
fn clear_decision(c: &Connection, eid: i64, rng: &mut Rng, workload_ids: &[i64]) -> Result<(), AppError> {
    if let Some(&id) = rng.pick(workload_ids) {
        decisions::clear(c, eid, id, "t")?;
    }
    Ok(())
}

/// A dependency added between two workloads.
fn add_dependency(c: &Connection, eid: i64, rng: &mut Rng, workload_ids: &[i64]) -> Result<(), AppError> {
    if let (Some(&from), Some(&to)) = (rng.pick(workload_ids), rng.pick(workload_ids))
        && from != to
    {
        dependencies::add(c, eid, from, to, &Dependency { port: Some(3306), ..Dependency::default() }, "t")?;
    }
    Ok(())
}

/// A dependency removed.
fn remove_dependency(c: &Connection, eid: i64, rng: &mut Rng) -> Result<(), AppError> {
    let dependency_ids = ids(c, "SELECT id FROM dependencies WHERE engagement_id = ?1 ORDER BY id", eid);
    if let Some(id) = rng.pick(&dependency_ids) {
        dependencies::remove(c, eid, *id, "t")?;
    }
    Ok(())
}

/// One of the rarer writes: an application's, a suggestion's, or a setting's.
fn other_write(c: &Connection, eid: i64, rng: &mut Rng, n: &mut usize, workload_ids: &[i64], app_ids: &[i64]) -> Result<(), AppError> {
    match rng.below(10) {
        4 => set_profile(c, eid, rng),
        5 => set_region(c, eid, rng),
        6 => set_sizing_mode(c, eid, rng),
        7 => decide_all_suggestions(c, eid, rng),
        8 => decide_one_suggestion(c, eid, rng),
        9 => set_sizing_and_landing(c, eid, rng),
        0 => delete_application(c, eid, rng, app_ids),
        1 => rename_application(c, eid, rng, n, app_ids),
        2 => assign_application(c, eid, rng, workload_ids),
        _ => save_plan_settings(c, eid, rng, app_ids),
    }
}

/// The assessment profile changed.
fn set_profile(c: &Connection, eid: i64, rng: &mut Rng) -> Result<(), AppError> {
    let profile = crate::scoring::Profile {
        managed: 1 + rng.below(5) as u8,
        speed: 1 + rng.below(5) as u8,
        db_hosting: *rng.pick(&crate::scoring::Hosting::ALL).unwrap(),
        ..crate::scoring::Profile::default()
    };
    assessment::set_profile(c, eid, &profile, "t")?;
    Ok(())
}

/// The sizing mode changed.
fn set_sizing_mode(c: &Connection, eid: i64, rng: &mut Rng) -> Result<(), AppError> {
    let mode = *rng.pick(&crate::cost::SizingMode::ALL).unwrap();
    crate::db::architecture::set_sizing_mode(c, eid, mode, "t")?;
    Ok(())
}

/// The engagement's region changed.
fn set_region(c: &Connection, eid: i64, rng: &mut Rng) -> Result<(), AppError> {
    let mut e = engagements::get(c, eid)?;
    e.region = rng.pick(&["us-east-1", "ap-northeast-2"]).unwrap().to_string();
    engagements::update(c, &e, "t")?;
    Ok(())
}

/// Every waiting suggestion accepted or rejected at once.
fn decide_all_suggestions(c: &Connection, eid: i64, rng: &mut Rng) -> Result<(), AppError> {
    let decision = *rng.pick(&[Decision::Accept, Decision::Reject]).unwrap();
    let all = Selection { fields: Vec::new(), query: workloads::WorkloadQuery::default() };
    suggestions::decide_bulk(c, eid, &all, decision, "t")?;
    Ok(())
}

/// One waiting suggestion decided (an application one moves its workload).
fn decide_one_suggestion(c: &Connection, eid: i64, rng: &mut Rng) -> Result<(), AppError> {
    let waiting: Vec<(i64, String, String)> = c
        .prepare("SELECT workload_id, field, value FROM suggestions WHERE engagement_id = ?1 AND status = 'pending' ORDER BY 1, 2, 3")?
        .query_map([eid], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    if let Some((id, field, value)) = rng.pick(&waiting) {
        let decision = *rng.pick(&[Decision::Accept, Decision::Reject]).unwrap();
        let field = crate::enrich::Field::parse(field).unwrap();
        suggestions::decide_one(c, eid, *id, field, value, decision, "t")?;
    }
    Ok(())
}

/// The sizing basis and generation, and the landing zone's topology and management, changed.
fn set_sizing_and_landing(c: &Connection, eid: i64, rng: &mut Rng) -> Result<(), AppError> {
    let (mode, mut sizing) = crate::db::architecture::sizing(c, eid)?;
    sizing.basis = *rng.pick(&crate::cost::Basis::ALL).unwrap();
    sizing.generation = *rng.pick(&crate::cost::Generation::ALL).unwrap();
    crate::db::architecture::set_sizing(c, eid, mode, &sizing, "t")?;
    let landing = crate::architecture::landing_zone::LandingSettings {
        topology: *rng.pick(crate::architecture::landing_zone::Topology::ALL).unwrap(),
        management: *rng.pick(crate::architecture::landing_zone::Management::ALL).unwrap(),
        ..Default::default()
    };
    crate::db::architecture::set_landing_settings(c, eid, &landing, "t")?;
    Ok(())
}

/// An application deleted.
fn delete_application(c: &Connection, eid: i64, rng: &mut Rng, app_ids: &[i64]) -> Result<(), AppError> {
    if let Some(app) = rng.pick(app_ids) {
        applications::delete(c, eid, *app, "t")?;
    }
    Ok(())
}

/// An application renamed.
fn rename_application(c: &Connection, eid: i64, rng: &mut Rng, n: &mut usize, app_ids: &[i64]) -> Result<(), AppError> {
    if let Some(app) = rng.pick(app_ids) {
        *n += 1;
        applications::update(c, eid, *app, &format!("Renamed {n}"), "", "t")?;
    }
    Ok(())
}

/// Up to three workloads moved to an application.
fn assign_application(c: &Connection, eid: i64, rng: &mut Rng, workload_ids: &[i64]) -> Result<(), AppError> {
    let picked: Vec<i64> = (0..3).filter_map(|_| rng.pick(workload_ids).copied()).collect();
    workloads::assign_application(c, eid, &picked, rng.pick(APPS).unwrap(), "t")?;
    Ok(())
}

/// The plan settings changed: the wave capacity, and maybe an application moved to a wave.
fn save_plan_settings(c: &Connection, eid: i64, rng: &mut Rng, app_ids: &[i64]) -> Result<(), AppError> {
    let mut settings = crate::db::plan::settings(c, eid)?;
    settings.wave_capacity = 1 + rng.below(6) as u32;
    if let Some(app) = rng.pick(app_ids) {
        let name = applications::get(c, eid, *app)?.name;
        settings.moves.insert(name, 1 + rng.below(4) as u32);
    }
    crate::db::plan::save_settings(c, eid, &settings, "t")?;
    Ok(())
}

/// An import of a few rows: new ones and re-imported ones.
fn import_rows(c: &Connection, eid: i64, rng: &mut Rng, n: &mut usize, workload_ids: &[i64]) -> Result<(), AppError> {
    let mut csv = String::from("name,application,role,os,os_version,db_engine,db_version,dependencies,still_used\n");
    for _ in 0..1 + rng.below(4) {
        *n += 1;
        // Some names suggest a role (db-..., web-...): the suggestions to decide.
        let name = format!("{}i{:03}", rng.pick(&["", "db-", "web-"]).unwrap(), rng.below(*n + 1));
        let w = random_workload(rng, name);
        let dep = rng.pick(workload_ids).map(|id| workloads::get(c, eid, *id).map(|d| d.name)).transpose()?.unwrap_or_default();
        csv.push_str(&format!(
            "{},{},{},{},{},{},{},{dep},{}\n",
            w.name,
            w.application,
            w.role,
            w.os,
            w.os_version,
            w.db_engine,
            w.db_version,
            rng.pick(&["yes", "no", ""]).unwrap()
        ));
    }
    let parsed = crate::import::parse("more.csv", csv.as_bytes(), &|_| None).map_err(|e| AppError::Invalid(format!("{e:?}")))?;
    if parsed.errors.is_empty() {
        // The import opens its own transaction.
        let mut own = Connection::open(c.path().unwrap())?;
        own.busy_timeout(std::time::Duration::from_secs(5))?;
        imports::commit(&mut own, imports::Target::Id(eid), &parsed, "more.csv", "t", false)?;
    }
    Ok(())
}

/// Every derived datum of the engagement as kept.
#[derive(Debug, PartialEq)]
struct Derived {
    assessments: BTreeMap<i64, (String, i64, Assessment, Option<Strategy>, Strategy)>,
    figures: BTreeMap<i64, Figures>,
    architectures: crate::architecture::ArchitectureList,
    /// What the list page reads: the overview and every row with its share.
    overview: crate::architecture::overview::EstateOverview,
    rows: Vec<crate::architecture::AppSummary>,
    /// The suggestions waiting, as the workloads page counts them.
    waiting: suggestions::Waiting,
    /// Workloads per earliest end-of-support date, as the dashboard counts them.
    end_of_support: Vec<(crate::knowledge::Date, usize)>,
    plan: crate::plan::Plan,
}

fn kept(c: &Connection, eid: i64) -> Derived {
    let mut assessments = BTreeMap::new();
    let mut stmt = c
        .prepare("SELECT workload_id, name, application_id, detail, decided, effective FROM assessments WHERE engagement_id = ?1")
        .unwrap();
    let rows = stmt
        .query_map([eid], |r| {
            let detail: String = r.get(3)?;
            Ok((
                r.get::<_, i64>(0)?,
                (
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    serde_json::from_str::<Assessment>(&detail).unwrap(),
                    r.get::<_, Option<String>>(4)?.and_then(|s| Strategy::parse(&s)),
                    Strategy::parse(&r.get::<_, String>(5)?).unwrap(),
                ),
            ))
        })
        .unwrap();
    for row in rows {
        let (id, a) = row.unwrap();
        assessments.insert(id, a);
    }
    let figures = figures::all(c, eid).unwrap().into_iter().chain([(TOTALS, figures::get(c, eid, TOTALS).unwrap())]);
    let architectures = crate::db::architecture::kept_list(c, eid, crate::cost::catalogue()).unwrap();
    Derived {
        assessments,
        figures: figures.filter(|(_, f)| *f != Figures::default()).collect(),
        architectures,
        overview: crate::db::architecture::overview(c, eid).unwrap(),
        rows: crate::db::architecture::list_page(c, eid, 0, usize::MAX >> 1).unwrap(),
        waiting: suggestions::waiting(c, eid, &Default::default()).unwrap(),
        end_of_support: crate::db::assessment_summary::end_of_support(c, eid).unwrap(),
        plan: crate::db::plan::full(c, eid).unwrap(),
    }
}

/// The same computed from the inventory, answers, decisions and settings alone.
fn from_scratch(c: &Connection, eid: i64) -> Derived {
    let items = assessment::items(c, eid).unwrap();
    let decided: HashMap<i64, Strategy> = decisions::list(c, eid).unwrap().into_iter().map(|(id, d)| (id, d.decision.strategy)).collect();
    let mut assessments = BTreeMap::new();
    for (a, (w, app)) in assessment::score(c, eid).unwrap().into_iter().zip(&items) {
        let d = decided.get(&w.id).copied();
        assessments.insert(w.id, (w.name.clone(), app.unwrap_or(0), a.clone(), d, d.unwrap_or(a.recommended)));
    }
    let figures = figures::from_scratch(c, eid).unwrap();
    let architectures = crate::db::architecture::list(c, eid, crate::cost::catalogue()).unwrap();
    let mut end_of_support = BTreeMap::new();
    for date in assessments.values().filter_map(|(_, _, a, _, _)| earliest_end_of_support(a)) {
        *end_of_support.entry(date).or_insert(0) += 1;
    }
    Derived {
        assessments,
        figures: figures.into_iter().filter(|(_, f)| *f != Figures::default()).collect(),
        overview: crate::architecture::overview::EstateOverview::of(&architectures),
        rows: architectures.rows.clone(),
        waiting: suggestions::counted(c, eid, &Default::default()).unwrap(),
        end_of_support: end_of_support.into_iter().collect(),
        architectures,
        plan: plan_from_scratch(c, eid).unwrap(),
    }
}

/// The engagement's migration plan computed from the inventory (what the
/// kept plan must equal: the tests compare).
fn plan_from_scratch(conn: &Connection, engagement_id: i64) -> Result<crate::plan::Plan, AppError> {
    let workloads = crate::db::plan::workloads(conn, engagement_id)?;
    let dependencies = crate::db::dependencies::dependencies(conn, engagement_id)?;
    let strategies = crate::db::decisions::effective_strategies(conn, engagement_id)?;
    let decisions = crate::db::plan::decision_facts(conn, engagement_id)?;
    let settings = crate::db::plan::settings(conn, engagement_id)?;
    Ok(crate::plan::build(&crate::plan::PlanInput {
        workloads: &workloads,
        dependencies: &dependencies,
        strategies: &strategies,
        decisions: &decisions,
        settings: &settings,
    }))
}

fn assert_fresh(c: &Connection, eid: i64, after: &str) {
    let (kept, scratch) = (kept(c, eid), from_scratch(c, eid));
    assert_eq!(kept.assessments, scratch.assessments, "assessments after {after}");
    assert_eq!(kept.figures, scratch.figures, "figures after {after}");
    assert_eq!(kept.architectures, scratch.architectures, "architectures after {after}");
    assert_eq!(kept.overview, scratch.overview, "architecture overview after {after}");
    assert_eq!(kept.rows, scratch.rows, "architecture list rows after {after}");
    assert_eq!(kept.waiting, scratch.waiting, "suggestions waiting after {after}");
    assert_eq!(kept.end_of_support, scratch.end_of_support, "end-of-support counts after {after}");
    let waves = |p: &crate::plan::Plan| -> Vec<String> {
        p.waves
            .iter()
            .map(|w| {
                let apps: Vec<String> = w
                    .apps
                    .iter()
                    .map(|a| {
                        format!(
                            "{} {:?} {:?} eff={:?} crit={:?} moved={} cycle={:?}",
                            a.name, a.strategy, a.workloads, a.effort, a.criticality, a.moved, a.cycle_with
                        )
                    })
                    .collect();
                format!(
                    "wave {} pilot={} apps={} workloads={} start={} weeks={}: {apps:?}",
                    w.number, w.pilot, w.app_count, w.workload_count, w.start_week, w.weeks
                )
            })
            .collect()
    };
    assert_eq!(waves(&kept.plan), waves(&scratch.plan), "waves after {after}");
    assert_eq!(kept.plan.warnings, scratch.plan.warnings, "plan warnings after {after}");
    assert_eq!(kept.plan.not_migrated, scratch.plan.not_migrated, "not migrated after {after}");
    assert_eq!(kept.plan.undecided, scratch.plan.undecided, "undecided after {after}");
    assert_eq!(kept.plan.not_migrated_steps, scratch.plan.not_migrated_steps, "steps of the unmoved after {after}");
    assert_eq!(kept.plan, scratch.plan, "plan after {after}");
    let (workloads, apps) = engagements::counts(c, eid).unwrap();
    let count = |sql: &str| c.query_row(sql, [eid], |r| r.get::<_, i64>(0)).unwrap();
    assert_eq!(workloads, count("SELECT COUNT(*) FROM workloads WHERE engagement_id = ?1"), "workload count after {after}");
    assert_eq!(apps, count("SELECT COUNT(*) FROM applications WHERE engagement_id = ?1"), "application count after {after}");
}

#[test]
fn after_any_sequence_of_writes_the_kept_data_equals_a_computation_from_scratch() {
    for seed in [1u64, 7, 42, 2026] {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("t.db")).unwrap();
        let eid = engagement(&db);
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let mut n = 0;
        db.with_conn(|c| {
            for step in 0..100 {
                let what = format!("step {step} of seed {seed}");
                match random_write(c, eid, &mut rng, &mut n) {
                    // Refused writes (a duplicate name, a decision without
                    // its rationale...) change nothing.
                    Ok(()) | Err(AppError::Invalid(_) | AppError::Conflict(_) | AppError::NotFound(_)) => {}
                    Err(e) => panic!("{what}: {e}"),
                }
                assert_fresh(c, eid, &what);
            }
            Ok(())
        })
        .unwrap();
    }
}

#[test]
fn a_derivation_in_steps_ends_where_one_at_once_does() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("t.db")).unwrap();
    let eid = engagement(&db);
    let mut rng = Rng(99);
    let mut n = 0;
    db.with_conn(|c| {
        for _ in 0..40 {
            let _ = random_write(c, eid, &mut rng, &mut n);
        }
        // As a large import or a new profile leaves it: everything to do again.
        c.execute("DELETE FROM assessments WHERE engagement_id = ?1", [eid])?;
        c.execute("DELETE FROM figures WHERE engagement_id = ?1", [eid])?;
        record_derivation(c, eid)?;
        assert_eq!(progress(c, eid)?, Some(0));
        let mut steps = 0;
        while !step(c, eid)? {
            steps += 1;
            // Under way (none once only the search index is left to build).
            assert!(progress(c, eid)?.is_none_or(|p| p < 100), "under way after {steps} steps");
        }
        assert_eq!(progress(c, eid)?, None, "done");
        assert_fresh(c, eid, "a derivation in steps");
        Ok(())
    })
    .unwrap();
}

#[test]
fn a_concurrent_edit_never_leaves_stale_scores() {
    // The race this guards against: an edit committed between a reader's
    // scoring and its snapshot was read under the new state with old scores
    // and kept. Here edits score themselves before they commit, so every
    // snapshot a reader takes holds scores of exactly the workloads it sees.
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("t.db")).unwrap();
    let eid = engagement(&db);
    let (web, data) = db
        .with_conn(|c| {
            let w = |name: &str, role: &str| Workload {
                name: name.into(),
                application: "Shop".into(),
                role: role.into(),
                ..Workload::default()
            };
            Ok((workloads::create(c, eid, &w("web", "web"), "t")?.id, workloads::create(c, eid, &w("db", "db"), "t")?.id))
        })
        .unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let editor = {
        let (db, stop) = (db.clone(), stop.clone());
        std::thread::spawn(move || {
            for i in 0..60 {
                db.with_conn(|c| {
                    let w = workloads::get(c, eid, if i % 2 == 0 { web } else { data })?;
                    let edited = Workload { powered_off: !w.powered_off, notes: format!("edit {i}"), ..w };
                    workloads::save(c, eid, &edited, "t").map(|_| ())
                })
                .unwrap();
            }
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
        })
    };
    let mut snapshots = 0;
    while !stop.load(std::sync::atomic::Ordering::SeqCst) || snapshots == 0 {
        db.with_conn(|c| {
            let snapshot = c.unchecked_transaction()?;
            let kept = assessment::stored(&snapshot, eid)?;
            for a in assessment::score(&snapshot, eid)? {
                assert_eq!(
                    kept.get(&a.workload_id),
                    Some(&a),
                    "snapshot {snapshots}: a kept score is not the workload's as the snapshot shows it"
                );
            }
            snapshot.rollback()?;
            Ok(())
        })
        .unwrap();
        snapshots += 1;
    }
    editor.join().unwrap();
    db.with_conn(|c| {
        assert_fresh(c, eid, "the concurrent edits");
        Ok(())
    })
    .unwrap();
}

/// The kept counts of waiting suggestions follow every way a suggestion
/// changes, conflicts (two values waiting for one field) included; the
/// random writes above rarely make a conflict.
#[test]
fn waiting_suggestions_are_counted_through_conflicts_decisions_and_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("t.db")).unwrap();
    let eid = engagement(&db);
    db.with_conn(|c| {
        for name in ["a", "b"] {
            c.execute("INSERT INTO workloads (engagement_id, name) VALUES (?1, ?2)", params![eid, name])?;
        }
        let ids = ids(c, "SELECT id FROM workloads WHERE engagement_id = ?1 ORDER BY name", eid);
        let same = |after: &str| {
            let kept = suggestions::waiting(c, eid, &Default::default()).unwrap();
            assert_eq!(kept, suggestions::counted(c, eid, &Default::default()).unwrap(), "after {after}");
            kept
        };
        let suggest = |w: i64, field: &str, value: &str| {
            c.execute(
                "INSERT INTO suggestions (workload_id, field, value, engagement_id, status) VALUES (?1, ?2, ?3, ?4, 'pending')",
                params![w, field, value, eid],
            )
        };
        suggest(ids[0], "role", "db")?;
        suggest(ids[0], "role", "web")?;
        suggest(ids[0], "role", "app")?;
        suggest(ids[1], "role", "db")?;
        suggest(ids[1], "db_engine", "mysql")?;
        assert_eq!(same("a three-way conflict").conflicts, 2);
        c.execute("UPDATE suggestions SET status = 'rejected' WHERE workload_id = ?1 AND value = 'web'", [ids[0]])?;
        assert_eq!(same("one value rejected").conflicts, 1);
        c.execute("UPDATE suggestions SET status = 'pending' WHERE workload_id = ?1 AND value = 'web'", [ids[0]])?;
        assert_eq!(same("reopened").conflicts, 2);
        c.execute("UPDATE suggestions SET evidence = '[]' WHERE workload_id = ?1", [ids[0]])?;
        same("evidence rewritten");
        c.execute("DELETE FROM suggestions WHERE workload_id = ?1 AND value = 'db'", [ids[0]])?;
        assert_eq!(same("a value deleted").conflicts, 1);
        c.execute("DELETE FROM workloads WHERE id = ?1", [ids[0]])?;
        let left = same("the workload deleted");
        assert_eq!((left.total(), left.conflicts), (2, 0));
        Ok(())
    })
    .unwrap();
}
