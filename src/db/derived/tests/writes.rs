//! The writes the property test applies at random, each through the
//! application's own write path, and the generator that picks them.

use super::*;

/// A small deterministic generator (xorshift64*): the same seed, the same
/// sequence of writes, so a failure can be replayed.
pub(super) struct Rng(pub(super) u64);

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

pub(super) const ROLES: &[&str] = &["web", "app", "db", "db", "file", "cache", "", "web-app"];
pub(super) const OSES: &[(&str, &str)] =
    &[("Ubuntu Linux", "22.04"), ("Windows Server", "2012 R2"), ("AIX", "7.2"), ("", ""), ("CentOS", "7")];
pub(super) const ENGINES: &[(&str, &str)] = &[("MySQL", "5.7"), ("Oracle", "19c"), ("PostgreSQL", "15"), ("", "")];
pub(super) const APPS: &[&str] = &["Shop", "Billing", "Wiki", "Reports", ""];
pub(super) const STRATEGIES: &[&str] = &["rehost", "replatform", "refactor", "retire", "retain", "repurchase"];

pub(super) fn engagement(db: &Db) -> i64 {
    db.with_conn(|c| Ok(engagements::create(c, &Engagement { name: "Derived".into(), ..Engagement::default_new() }, "t")?.id)).unwrap()
}

pub(super) fn random_workload(rng: &mut Rng, name: String) -> Workload {
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

pub(super) fn ids(c: &Connection, sql: &str, eid: i64) -> Vec<i64> {
    c.prepare(sql).unwrap().query_map([eid], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

/// One random write through the application's own write paths.
pub(super) fn random_write(c: &Connection, eid: i64, rng: &mut Rng, n: &mut usize) -> Result<(), AppError> {
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
pub(super) fn add_workload(c: &Connection, eid: i64, rng: &mut Rng, n: &mut usize) -> Result<(), AppError> {
    *n += 1;
    workloads::create(c, eid, &random_workload(rng, format!("w{n:03}")), "t")?;
    Ok(())
}

/// A workload edited: its role, its application, its notes, or all of it.
pub(super) fn edit_workload(c: &Connection, eid: i64, rng: &mut Rng, workload_ids: &[i64]) -> Result<(), AppError> {
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
pub(super) fn delete_workload(c: &Connection, eid: i64, rng: &mut Rng, workload_ids: &[i64]) -> Result<(), AppError> {
    if let Some(&id) = rng.pick(workload_ids) {
        workloads::delete(c, eid, id, "t")?;
    }
    Ok(())
}

/// An assessment question answered for an application or a workload.
pub(super) fn answer(c: &Connection, eid: i64, rng: &mut Rng, workload_ids: &[i64], app_ids: &[i64]) -> Result<(), AppError> {
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
pub(super) fn decide(c: &Connection, eid: i64, rng: &mut Rng, workload_ids: &[i64]) -> Result<(), AppError> {
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
pub(super) fn clear_decision(c: &Connection, eid: i64, rng: &mut Rng, workload_ids: &[i64]) -> Result<(), AppError> {
    if let Some(&id) = rng.pick(workload_ids) {
        decisions::clear(c, eid, id, "t")?;
    }
    Ok(())
}

/// A dependency added between two workloads.
pub(super) fn add_dependency(c: &Connection, eid: i64, rng: &mut Rng, workload_ids: &[i64]) -> Result<(), AppError> {
    if let (Some(&from), Some(&to)) = (rng.pick(workload_ids), rng.pick(workload_ids))
        && from != to
    {
        dependencies::add(c, eid, from, to, &Dependency { port: Some(3306), ..Dependency::default() }, "t")?;
    }
    Ok(())
}

/// A dependency removed.
pub(super) fn remove_dependency(c: &Connection, eid: i64, rng: &mut Rng) -> Result<(), AppError> {
    let dependency_ids = ids(c, "SELECT id FROM dependencies WHERE engagement_id = ?1 ORDER BY id", eid);
    if let Some(id) = rng.pick(&dependency_ids) {
        dependencies::remove(c, eid, *id, "t")?;
    }
    Ok(())
}

/// One of the rarer writes: an application's, a suggestion's, or a setting's.
pub(super) fn other_write(
    c: &Connection,
    eid: i64,
    rng: &mut Rng,
    n: &mut usize,
    workload_ids: &[i64],
    app_ids: &[i64],
) -> Result<(), AppError> {
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
pub(super) fn set_profile(c: &Connection, eid: i64, rng: &mut Rng) -> Result<(), AppError> {
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
pub(super) fn set_sizing_mode(c: &Connection, eid: i64, rng: &mut Rng) -> Result<(), AppError> {
    let mode = *rng.pick(&crate::cost::SizingMode::ALL).unwrap();
    crate::db::architecture::set_sizing_mode(c, eid, mode, "t")?;
    Ok(())
}

/// The engagement's region changed.
pub(super) fn set_region(c: &Connection, eid: i64, rng: &mut Rng) -> Result<(), AppError> {
    let mut e = engagements::get(c, eid)?;
    e.region = rng.pick(&["us-east-1", "ap-northeast-2"]).unwrap().to_string();
    engagements::update(c, &e, "t")?;
    Ok(())
}

/// Every waiting suggestion accepted or rejected at once.
pub(super) fn decide_all_suggestions(c: &Connection, eid: i64, rng: &mut Rng) -> Result<(), AppError> {
    let decision = *rng.pick(&[Decision::Accept, Decision::Reject]).unwrap();
    let all = Selection { fields: Vec::new(), query: workloads::WorkloadQuery::default() };
    suggestions::decide_bulk(c, eid, &all, decision, "t")?;
    Ok(())
}

/// One waiting suggestion decided (an application one moves its workload).
pub(super) fn decide_one_suggestion(c: &Connection, eid: i64, rng: &mut Rng) -> Result<(), AppError> {
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
pub(super) fn set_sizing_and_landing(c: &Connection, eid: i64, rng: &mut Rng) -> Result<(), AppError> {
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
pub(super) fn delete_application(c: &Connection, eid: i64, rng: &mut Rng, app_ids: &[i64]) -> Result<(), AppError> {
    if let Some(app) = rng.pick(app_ids) {
        applications::delete(c, eid, *app, "t")?;
    }
    Ok(())
}

/// An application renamed.
pub(super) fn rename_application(c: &Connection, eid: i64, rng: &mut Rng, n: &mut usize, app_ids: &[i64]) -> Result<(), AppError> {
    if let Some(app) = rng.pick(app_ids) {
        *n += 1;
        applications::update(c, eid, *app, &format!("Renamed {n}"), "", "t")?;
    }
    Ok(())
}

/// Up to three workloads moved to an application.
pub(super) fn assign_application(c: &Connection, eid: i64, rng: &mut Rng, workload_ids: &[i64]) -> Result<(), AppError> {
    let picked: Vec<i64> = (0..3).filter_map(|_| rng.pick(workload_ids).copied()).collect();
    workloads::assign_application(c, eid, &picked, rng.pick(APPS).unwrap(), "t")?;
    Ok(())
}

/// The plan settings changed: the wave capacity, and maybe an application moved to a wave.
pub(super) fn save_plan_settings(c: &Connection, eid: i64, rng: &mut Rng, app_ids: &[i64]) -> Result<(), AppError> {
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
pub(super) fn import_rows(c: &Connection, eid: i64, rng: &mut Rng, n: &mut usize, workload_ids: &[i64]) -> Result<(), AppError> {
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
