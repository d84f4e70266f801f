//! What the migration plan reads besides the inventory: the consultant's
//! effort, criticality and priority per workload, the plan settings, and
//! the assessment confidence the report prints.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{Connection, OptionalExtension, params};

use crate::db::derived::{Figures, Group};
use crate::db::engagements;
use crate::error::AppError;
use crate::plan::{self, AppFacts, DecisionFacts, Effort, GroupInput, Link, PREFERENCES_KEY, Plan, PlanSettings, PlanWorkload};
use crate::strategy::Strategy;

/// Effort, criticality and priority of every decided workload.
pub fn decision_facts(conn: &Connection, engagement_id: i64) -> Result<HashMap<i64, DecisionFacts>, AppError> {
    let mut stmt = conn.prepare_cached("SELECT workload_id, effort, criticality, priority FROM decisions WHERE engagement_id = ?1")?;
    let rows = stmt.query_map([engagement_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            DecisionFacts { effort: Effort::parse(&r.get::<_, String>(1)?), criticality: r.get(2)?, priority: r.get(3)? },
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The plan settings; defaults when none were saved.
pub fn settings(conn: &Connection, engagement_id: i64) -> Result<PlanSettings, AppError> {
    let prefs = engagements::preferences(conn, engagement_id)?;
    match prefs.get(PREFERENCES_KEY) {
        None | Some(serde_json::Value::Null) => Ok(PlanSettings::default()),
        Some(v) => {
            serde_json::from_value(v.clone()).map_err(|e| AppError::Internal(format!("engagement {engagement_id} plan settings: {e}")))
        }
    }
}

/// Saves the plan settings and builds the plan anew with them.
pub fn save_settings(conn: &Connection, engagement_id: i64, settings: &PlanSettings, actor: &str) -> Result<(), AppError> {
    settings.validate().map_err(AppError::Invalid)?;
    let value = serde_json::to_value(settings).map_err(|e| AppError::Internal(e.to_string()))?;
    crate::db::derived::in_transaction(conn, |tx| {
        engagements::set_preference(tx, engagement_id, PREFERENCES_KEY, &value, actor)?;
        crate::db::derived::refresh(tx, engagement_id, crate::db::derived::Touched::new().plan())?;
        Ok(())
    })
}

/// The consultant's rationale per decided workload, where written.
pub fn rationales(conn: &Connection, engagement_id: i64) -> Result<HashMap<i64, String>, AppError> {
    let mut stmt = conn.prepare_cached("SELECT workload_id, rationale FROM decisions WHERE engagement_id = ?1 AND rationale <> ''")?;
    let rows = stmt.query_map([engagement_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every workload of the engagement, by name, as the plan reads it.
pub fn workloads(conn: &Connection, engagement_id: i64) -> Result<Vec<PlanWorkload>, AppError> {
    workloads_in(conn, engagement_id, crate::db::Scope::Engagement)
}

/// The scope's workloads, by name, as the plan reads them.
fn workloads_in(conn: &Connection, engagement_id: i64, scope: crate::db::Scope) -> Result<Vec<PlanWorkload>, AppError> {
    let (sql, params) = scope.sql(
        engagement_id,
        "SELECT w.id, w.name, COALESCE(a.name, ''), w.role, w.criticality, w.db_engine, w.storage_gb, w.application_id
         FROM workloads w LEFT JOIN applications a ON a.id = w.application_id",
        "ORDER BY w.name",
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
        Ok(PlanWorkload {
            id: r.get(0)?,
            name: r.get(1)?,
            application: r.get(2)?,
            role: r.get(3)?,
            criticality: r.get(4)?,
            db_engine: r.get(5)?,
            storage_gb: r.get(6)?,
            application_id: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

// ---------------------------------------------------------------------------
// The plan kept per engagement (db::derived): its groups and links per
// application, and the plan built from them.

/// The workloads of a group as the plan reads them.
fn members(conn: &Connection, engagement_id: i64, group: Group) -> Result<Vec<PlanWorkload>, AppError> {
    let mut out = workloads_in(conn, engagement_id, group.scope())?;
    if let Group::Lone(_) = group {
        out.retain(|w| w.application_id.is_none());
    }
    Ok(out)
}

/// What `select` (the workload's id first) reads of each workload of the
/// group, by workload id.
fn by_workload<T>(
    conn: &Connection,
    engagement_id: i64,
    group: Group,
    select: &str,
    read: impl Fn(&rusqlite::Row) -> rusqlite::Result<T>,
) -> Result<HashMap<i64, T>, AppError> {
    let (sql, params) = group.scope().sql(engagement_id, select, "");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| Ok((r.get::<_, i64>(0)?, read(r)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The group's inputs to the plan as they stand, `None` when nothing of it moves.
fn group_input(conn: &Connection, engagement_id: i64, group: Group) -> Result<Option<GroupInput>, AppError> {
    let members = members(conn, engagement_id, group)?;
    // One query each for the group, not one per member: a derivation
    // stores the groups of 100,000 workloads.
    let strategies: HashMap<i64, Strategy> = by_workload(
        conn,
        engagement_id,
        group,
        "SELECT w.id, s.effective FROM workloads w JOIN assessments s ON s.workload_id = w.id",
        |r| Ok(Strategy::parse(&r.get::<_, String>(1)?)),
    )?
    .into_iter()
    .filter_map(|(id, s)| Some((id, s?)))
    .collect();
    let decisions = by_workload(
        conn,
        engagement_id,
        group,
        "SELECT w.id, d.effort, d.criticality, d.priority FROM workloads w JOIN decisions d ON d.workload_id = w.id",
        |r| Ok(DecisionFacts { effort: Effort::parse(&r.get::<_, String>(1)?), criticality: r.get(2)?, priority: r.get(3)? }),
    )?;
    let (name, is_application) = match (group, members.first()) {
        (_, None) => return Ok(None),
        (Group::Application(_), Some(w)) => (w.application.clone(), true),
        (Group::Lone(_), Some(w)) => (w.name.clone(), false),
    };
    let refs: Vec<&PlanWorkload> = members.iter().collect();
    Ok(plan::group_input(group.plan_key(), &name, is_application, &refs, &strategies, &decisions))
}

const SELECT_GROUP: &str = "SELECT group_key, name, strategy, workloads, effort, criticality, priority, db_engines, has_file_data,
        storage_gb FROM plan_groups";

fn stored_group(r: &rusqlite::Row) -> rusqlite::Result<GroupInput> {
    let key: i64 = r.get(0)?;
    let engines: String = r.get(7)?;
    Ok(GroupInput {
        key,
        name: r.get(1)?,
        is_application: key > 0,
        strategy: Strategy::parse(&r.get::<_, String>(2)?).unwrap_or(Strategy::Rehost),
        workloads: Vec::new(),
        workload_count: r.get::<_, i64>(3)? as usize,
        effort: r.get::<_, Option<String>>(4)?.and_then(|e| Effort::parse(&e)),
        criticality: r.get(5)?,
        priority: r.get(6)?,
        facts: AppFacts { db_engines: serde_json::from_str(&engines).unwrap_or_default(), has_file_data: r.get(8)?, storage_gb: r.get(9)? },
    })
}

/// Stores the group's plan inputs as they stand now; true when they changed.
pub fn store_group(conn: &Connection, engagement_id: i64, group: Group) -> Result<bool, AppError> {
    let now = group_input(conn, engagement_id, group)?.map(|g| GroupInput { workloads: Vec::new(), ..g });
    let before = conn
        .prepare_cached(&format!("{SELECT_GROUP} WHERE engagement_id = ?1 AND group_key = ?2"))?
        .query_row([engagement_id, group.plan_key()], stored_group)
        .optional()?;
    if before == now {
        return Ok(false);
    }
    conn.prepare_cached("DELETE FROM plan_groups WHERE engagement_id = ?1 AND group_key = ?2")?
        .execute([engagement_id, group.plan_key()])?;
    if let Some(g) = now {
        let engines = serde_json::to_string(&g.facts.db_engines).map_err(|e| AppError::Internal(e.to_string()))?;
        conn.prepare_cached(
            "INSERT INTO plan_groups (engagement_id, group_key, name, strategy, workloads, effort, criticality, priority,
                db_engines, has_file_data, storage_gb) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            engagement_id,
            g.key,
            g.name,
            g.strategy.code(),
            g.workload_count as i64,
            g.effort.map(Effort::code),
            g.criticality,
            g.priority,
            engines,
            g.facts.has_file_data,
            g.facts.storage_gb,
        ])?;
    }
    Ok(true)
}

type LinkRow = (i64, i64, String, String, String);

/// The links of the groups `keys` as the dependencies and strategies make
/// them now: their moving workloads' dependencies out of the group (or on a
/// workload that stays), and such dependencies of others into them.
fn links_now(conn: &Connection, engagement_id: i64, keys: &[i64]) -> Result<BTreeSet<LinkRow>, AppError> {
    const KEY: &str = "CASE WHEN {w}.application_id IS NULL THEN -{w}.id ELSE {w}.application_id END";
    let select = |side: &str| {
        format!(
            "SELECT {from_key}, {to_key}, f.name, t.name, ta.effective
             FROM workloads {side} CROSS JOIN dependencies d
             JOIN workloads {other} ON {other}.id = d.{other_end}
             JOIN assessments fa ON fa.workload_id = f.id JOIN assessments ta ON ta.workload_id = t.id
             WHERE {side}.engagement_id = ?1 AND d.{this_end} = {side}.id AND fa.effective NOT IN ('retire', 'retain')
               AND ((?2 > 0 AND {side}.application_id = ?2) OR (?2 < 0 AND {side}.id = -?2 AND {side}.application_id IS NULL))",
            from_key = KEY.replace("{w}", "f"),
            to_key = KEY.replace("{w}", "t"),
            other = if side == "f" { "t" } else { "f" },
            other_end = if side == "f" { "to_workload_id" } else { "from_workload_id" },
            this_end = if side == "f" { "from_workload_id" } else { "to_workload_id" },
        )
    };
    let mut out = BTreeSet::new();
    for side in ["f", "t"] {
        let mut stmt = conn.prepare_cached(&select(side))?;
        for key in keys {
            let rows = stmt.query_map([engagement_id, *key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
            for row in rows {
                let row: LinkRow = row?;
                let unmoved = Strategy::parse(&row.4).is_some_and(|s| !plan::moves_in_a_wave(s));
                if unmoved || row.0 != row.1 {
                    out.insert(row);
                }
            }
        }
    }
    Ok(out)
}

/// Stores the links of the groups `keys` as they stand now; true when they changed.
pub fn store_links(conn: &Connection, engagement_id: i64, keys: &[i64]) -> Result<bool, AppError> {
    let now = links_now(conn, engagement_id, keys)?;
    // The links from and to each key, one statement per index (the set
    // drops a link read twice): as a UNION, SQLite merged two sorted reads
    // of every link of the engagement, 0.8 ms a key at 5,000 links.
    let mut before = BTreeSet::new();
    for sql in [
        "SELECT from_key, to_key, from_workload, to_workload, to_strategy FROM plan_links WHERE engagement_id = ?1 AND from_key = ?2",
        "SELECT from_key, to_key, from_workload, to_workload, to_strategy FROM plan_links WHERE engagement_id = ?1 AND to_key = ?2",
    ] {
        let mut stmt = conn.prepare_cached(sql)?;
        for key in keys {
            for row in stmt.query_map([engagement_id, *key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))? {
                before.insert(row?);
            }
        }
    }
    if before == now {
        return Ok(false);
    }
    // Two statements, one per index: with `from_key = ?2 OR to_key = ?2`
    // SQLite read every link of the engagement for each key (0.5 ms a key
    // at 5,000 links).
    for sql in [
        "DELETE FROM plan_links WHERE engagement_id = ?1 AND from_key = ?2",
        "DELETE FROM plan_links WHERE engagement_id = ?1 AND to_key = ?2",
    ] {
        let mut delete = conn.prepare_cached(sql)?;
        for key in keys {
            delete.execute([engagement_id, *key])?;
        }
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO plan_links (engagement_id, from_key, to_key, from_workload, to_workload, to_strategy) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (from_key, to_key, from, to, strategy) in now {
        insert.execute(params![engagement_id, from_key, to_key, from, to, strategy])?;
    }
    Ok(true)
}

/// Every kept group and link of the engagement.
pub fn groups_and_links(conn: &Connection, engagement_id: i64) -> Result<(Vec<GroupInput>, Vec<Link>), AppError> {
    let groups = conn
        .prepare_cached(&format!("{SELECT_GROUP} WHERE engagement_id = ?1"))?
        .query_map([engagement_id], stored_group)?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT from_key, to_key, from_workload, to_workload, to_strategy FROM plan_links WHERE engagement_id = ?1
         ORDER BY from_workload, to_workload",
    )?;
    let rows = stmt.query_map([engagement_id], |r| {
        Ok(Link {
            from_key: r.get(0)?,
            to_key: r.get(1)?,
            from_workload: r.get(2)?,
            to_workload: r.get(3)?,
            to_strategy: Strategy::parse(&r.get::<_, String>(4)?).unwrap_or(Strategy::Rehost),
        })
    })?;
    Ok((groups, rows.collect::<Result<_, _>>()?))
}

/// Builds the plan from the kept groups and links and stores it.
pub fn store_plan(conn: &Connection, engagement_id: i64) -> Result<(), AppError> {
    let (groups, links) = groups_and_links(conn, engagement_id)?;
    let keys: HashMap<(String, bool), i64> = groups.iter().map(|g| ((g.name.clone(), g.is_application), g.key)).collect();
    let built = plan::build_groups(groups, &links, &settings(conn, engagement_id)?);
    for table in ["plan_waves", "plan_apps", "plan_warnings"] {
        conn.prepare_cached(&format!("DELETE FROM {table} WHERE engagement_id = ?1"))?.execute([engagement_id])?;
    }
    let migrate_weeks = built.phases.iter().find(|p| p.key == "migrate").map_or(0, |p| p.weeks);
    conn.prepare_cached(
        "INSERT OR REPLACE INTO plans (engagement_id, total_weeks, migrate_weeks, waves, warnings) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![engagement_id, built.total_weeks, migrate_weeks, built.waves.len() as i64, built.warnings.len() as i64])?;
    let mut wave_row = conn.prepare_cached(
        "INSERT INTO plan_waves (engagement_id, number, position, pilot, apps, workloads, start_week, weeks)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut app_row = conn.prepare_cached(
        "INSERT INTO plan_apps (engagement_id, wave, name, group_key, position, strategy, workloads, effort, criticality, weeks,
            moved, cycle_with) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?;
    for (position, w) in built.waves.iter().enumerate() {
        wave_row.execute(params![
            engagement_id,
            w.number,
            position as i64,
            w.pilot,
            w.apps.len() as i64,
            w.workload_count as i64,
            w.start_week,
            w.weeks
        ])?;
        for (i, a) in w.apps.iter().enumerate() {
            let key = keys.get(&(a.name.clone(), a.is_application)).copied().unwrap_or(0);
            let cycle = serde_json::to_string(&a.cycle_with).map_err(|e| AppError::Internal(e.to_string()))?;
            app_row.execute(params![
                engagement_id,
                w.number,
                a.name,
                key,
                i as i64,
                a.strategy.code(),
                a.workload_count as i64,
                a.effort.map(Effort::code),
                a.criticality,
                a.weeks,
                a.moved,
                cycle
            ])?;
        }
    }
    let mut warning_row = conn.prepare_cached("INSERT INTO plan_warnings (engagement_id, position, warning) VALUES (?1, ?2, ?3)")?;
    for (i, w) in built.warnings.iter().enumerate() {
        let json = serde_json::to_string(w).map_err(|e| AppError::Internal(e.to_string()))?;
        warning_row.execute(params![engagement_id, i as i64, json])?;
    }
    Ok(())
}

/// Which part of the kept plan to read.
#[derive(Debug, Clone, Copy)]
pub struct PlanRead {
    pub waves: WavesRead,
    /// Workload names per application, and per strategy that does not move.
    pub names: usize,
    pub warnings: usize,
}

#[derive(Debug, Clone, Copy)]
pub enum WavesRead {
    /// `count` waves from the `from`th, each with its first `apps` applications.
    Page { from: usize, count: usize, apps: usize },
    /// The wave numbered `number`, `count` of its applications from the `from`th.
    One { number: u32, from: usize, count: usize },
}

impl PlanRead {
    /// Everything (the report and the JSON API).
    pub const ALL: PlanRead =
        PlanRead { waves: WavesRead::Page { from: 0, count: usize::MAX, apps: usize::MAX }, names: usize::MAX, warnings: usize::MAX };
}

/// A part of the kept plan, and how much there is of each part.
#[derive(Debug, Clone)]
pub struct PlanView {
    /// Settings, phases and length whole; the waves, applications, names and
    /// warnings read.
    pub plan: Plan,
    pub waves: usize,
    pub warnings: usize,
    /// Workloads that do not move, per strategy.
    pub not_migrated: Vec<(Strategy, usize)>,
    pub undecided: usize,
}

fn limit(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Reads the part `read` of the kept plan.
pub fn view(conn: &Connection, engagement_id: i64, read: PlanRead) -> Result<PlanView, AppError> {
    use crate::db::derived::figures::{self, TOTALS};
    let settings = settings(conn, engagement_id)?;
    let (migrate_weeks, wave_count, warning_count) = kept_sizes(conn, engagement_id)?;
    let (phases, total_weeks) = plan::phases(migrate_weeks);
    let waves = read_waves(conn, engagement_id, read)?;
    let warnings = read_warnings(conn, engagement_id, read.warnings)?;
    let totals = figures::get(conn, engagement_id, TOTALS)?;
    let not_migrated: Vec<(Strategy, usize)> =
        [Strategy::Retire, Strategy::Retain].into_iter().map(|s| (s, totals.effective(s) as usize)).filter(|(_, n)| *n > 0).collect();
    let unmoved = not_migrated_workloads(conn, engagement_id, &not_migrated, read.names)?;
    let (undecided_count, undecided) = undecided(conn, engagement_id, &totals, read.names)?;
    Ok(PlanView {
        plan: Plan {
            settings,
            phases,
            waves,
            not_migrated_steps: plan::unmoved_steps(not_migrated.iter().map(|(s, _)| *s)),
            not_migrated: unmoved,
            undecided,
            warnings,
            total_weeks,
        },
        waves: wave_count as usize,
        warnings: warning_count as usize,
        not_migrated,
        undecided: undecided_count,
    })
}

/// The kept plan's migrate weeks and how many waves and warnings it keeps; zeros when none is kept.
fn kept_sizes(conn: &Connection, engagement_id: i64) -> Result<(u32, i64, i64), AppError> {
    Ok(conn
        .prepare_cached("SELECT migrate_weeks, waves, warnings FROM plans WHERE engagement_id = ?1")?
        .query_row([engagement_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .unwrap_or((0, 0, 0)))
}

/// The waves `read` picks, each with the applications it picks and their moving workloads' names.
fn read_waves(conn: &Connection, engagement_id: i64, read: PlanRead) -> Result<Vec<plan::Wave>, AppError> {
    let (mut waves, app_from, app_count) = pick_waves(conn, engagement_id, read.waves)?;
    let mut apps = conn.prepare_cached(
        "SELECT p.name, p.group_key, p.strategy, p.workloads, p.effort, p.criticality, p.weeks, p.moved, p.cycle_with,
            g.db_engines, g.has_file_data, g.storage_gb
         FROM plan_apps p LEFT JOIN plan_groups g ON g.engagement_id = p.engagement_id AND g.group_key = p.group_key
         WHERE p.engagement_id = ?1 AND p.wave = ?2 AND p.position >= ?3 ORDER BY p.position LIMIT ?4",
    )?;
    for w in &mut waves {
        let number = w.number;
        let rows = apps.query_map(params![engagement_id, number, limit(app_from), limit(app_count)], |r| plan_app(r, number))?;
        for row in rows {
            let (key, mut app) = row?;
            app.workloads = moving_names(conn, engagement_id, key, read.names)?;
            w.apps.push(app);
        }
    }
    Ok(waves)
}

/// The kept waves `read` picks, without their applications, and which of
/// each wave's applications to read (from which, how many).
fn pick_waves(conn: &Connection, engagement_id: i64, read: WavesRead) -> Result<(Vec<plan::Wave>, usize, usize), AppError> {
    const SELECT_WAVE: &str = "SELECT number, pilot, apps, workloads, start_week, weeks FROM plan_waves WHERE engagement_id = ?1";
    let wave = |r: &rusqlite::Row| -> rusqlite::Result<plan::Wave> {
        Ok(plan::Wave {
            number: r.get(0)?,
            pilot: r.get(1)?,
            apps: Vec::new(),
            app_count: r.get::<_, i64>(2)? as usize,
            workload_count: r.get::<_, i64>(3)? as usize,
            start_week: r.get(4)?,
            weeks: r.get(5)?,
        })
    };
    Ok(match read {
        WavesRead::Page { from, count, apps } => {
            let rows = conn
                .prepare_cached(&format!("{SELECT_WAVE} AND position >= ?2 ORDER BY position LIMIT ?3"))?
                .query_map(params![engagement_id, limit(from), limit(count)], wave)?
                .collect::<Result<_, _>>()?;
            (rows, 0, apps)
        }
        WavesRead::One { number, from, count } => {
            let rows = conn
                .prepare_cached(&format!("{SELECT_WAVE} AND number = ?2"))?
                .query_map(params![engagement_id, number], wave)?
                .collect::<Result<_, _>>()?;
            (rows, from, count)
        }
    })
}

/// One kept application row of wave `wave` (its group key, and the application without its workloads' names).
fn plan_app(r: &rusqlite::Row, wave: u32) -> rusqlite::Result<(i64, plan::PlanApp)> {
    let key: i64 = r.get(1)?;
    let strategy = Strategy::parse(&r.get::<_, String>(2)?).unwrap_or(Strategy::Rehost);
    let facts = AppFacts {
        db_engines: r.get::<_, Option<String>>(9)?.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default(),
        has_file_data: r.get::<_, Option<bool>>(10)?.unwrap_or(false),
        storage_gb: r.get::<_, Option<f64>>(11)?.unwrap_or(0.0),
    };
    Ok((
        key,
        plan::PlanApp {
            name: r.get(0)?,
            is_application: key > 0,
            strategy,
            workloads: Vec::new(),
            workload_count: r.get::<_, i64>(3)? as usize,
            effort: r.get::<_, Option<String>>(4)?.and_then(|e| Effort::parse(&e)),
            criticality: r.get(5)?,
            weeks: r.get(6)?,
            wave,
            moved: r.get(7)?,
            cycle_with: serde_json::from_str(&r.get::<_, String>(8)?).unwrap_or_default(),
            steps: plan::steps::steps_for(strategy, &facts),
        },
    ))
}

/// The first `limit_to` kept warnings.
fn read_warnings(conn: &Connection, engagement_id: i64, limit_to: usize) -> Result<Vec<plan::PlanWarning>, AppError> {
    conn.prepare_cached("SELECT warning FROM plan_warnings WHERE engagement_id = ?1 ORDER BY position LIMIT ?2")?
        .query_map(params![engagement_id, limit(limit_to)], |r| r.get::<_, String>(0))?
        .map(|json| serde_json::from_str(&json?).map_err(|e| AppError::Internal(format!("plan warning: {e}"))))
        .collect::<Result<Vec<_>, AppError>>()
}

/// The workloads of each strategy in `not_migrated` (at most `names` per
/// strategy), in name order.
fn not_migrated_workloads(
    conn: &Connection,
    engagement_id: i64,
    not_migrated: &[(Strategy, usize)],
    names: usize,
) -> Result<Vec<plan::Unmoved>, AppError> {
    let mut unmoved = Vec::new();
    let mut by_strategy = conn.prepare_cached(
        "SELECT a.name, COALESCE(p.name, '') FROM assessments a LEFT JOIN applications p ON p.id = a.application_id
         WHERE a.engagement_id = ?1 AND a.effective = ?2 ORDER BY a.name LIMIT ?3",
    )?;
    for (s, _) in not_migrated {
        for row in by_strategy.query_map(params![engagement_id, s.code(), limit(names)], |r| Ok((r.get(0)?, r.get(1)?)))? {
            let (workload, application) = row?;
            unmoved.push(plan::Unmoved { workload, application, strategy: Some(*s) });
        }
    }
    // In name order, as the plan lists them.
    unmoved.sort_by(|a, b| a.workload.cmp(&b.workload));
    Ok(unmoved)
}

/// How many workloads are undecided, and the first `names` of them by name.
fn undecided(conn: &Connection, engagement_id: i64, totals: &Figures, names: usize) -> Result<(usize, Vec<plan::Unmoved>), AppError> {
    let workloads = super::engagements::counts(conn, engagement_id)?.0;
    let undecided_count = (workloads - totals.workloads()).max(0) as usize;
    if undecided_count == 0 {
        return Ok((0, Vec::new()));
    }
    let undecided = conn
        .prepare_cached(
            "SELECT w.name, COALESCE(p.name, '') FROM workloads w LEFT JOIN applications p ON p.id = w.application_id
             WHERE w.engagement_id = ?1 AND NOT EXISTS (SELECT 1 FROM assessments a WHERE a.workload_id = w.id) ORDER BY w.name LIMIT ?2",
        )?
        .query_map(params![engagement_id, limit(names)], |r| {
            Ok(plan::Unmoved { workload: r.get(0)?, application: r.get(1)?, strategy: None })
        })?
        .collect::<Result<_, _>>()?;
    Ok((undecided_count, undecided))
}

/// The names of a group's moving workloads, by name, at most `limit`.
fn moving_names(conn: &Connection, engagement_id: i64, key: i64, limit_to: usize) -> Result<Vec<String>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT name FROM assessments WHERE engagement_id = ?1 AND application_id = ?2 AND effective NOT IN ('retire', 'retain')
         ORDER BY name LIMIT ?3",
    )?;
    if key > 0 {
        return Ok(stmt.query_map(params![engagement_id, key, limit(limit_to)], |r| r.get(0))?.collect::<Result<_, _>>()?);
    }
    Ok(conn
        .prepare_cached("SELECT name FROM workloads WHERE engagement_id = ?1 AND id = ?2")?
        .query_map([engagement_id, -key], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

/// The whole kept plan (the report, the JSON API).
pub fn full(conn: &Connection, engagement_id: i64) -> Result<Plan, AppError> {
    Ok(view(conn, engagement_id, PlanRead::ALL)?.plan)
}

/// The wave an application (or a workload without one) is in, its wave's
/// position among the waves, and its own position in the wave.
pub fn place_of(conn: &Connection, engagement_id: i64, name: &str) -> Result<Option<(u32, usize, usize)>, AppError> {
    Ok(conn
        .prepare_cached(
            "SELECT p.wave, w.position, p.position FROM plan_apps p JOIN plan_waves w ON w.engagement_id = p.engagement_id AND w.number = p.wave
             WHERE p.engagement_id = ?1 AND p.name = ?2 ORDER BY p.group_key DESC LIMIT 1",
        )?
        .query_row(params![engagement_id, name], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as usize, r.get::<_, i64>(2)? as usize)))
        .optional()?)
}

/// Every kept warning (to pick those a move caused).
pub fn warnings(conn: &Connection, engagement_id: i64) -> Result<Vec<plan::PlanWarning>, AppError> {
    Ok(view(conn, engagement_id, PlanRead { waves: WavesRead::Page { from: 0, count: 0, apps: 0 }, names: 0, warnings: usize::MAX })?
        .plan
        .warnings)
}
