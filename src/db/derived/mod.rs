//! Derived data, and the one rule that keeps it fresh.
//!
//! sixr derives from the inventory, the answers, the decisions and the
//! settings: per workload its assessment (`assessments`: the scores with
//! their reasons, the strategy in effect, what the pages count and filter
//! by), per application and for the engagement the sums the dashboard shows
//! (`figures`), per application the summary of its target architecture
//! (`architecture_summaries`, its landing-zone footprint in
//! `landing_footprints`, its diagram's arrows in `architecture_diagrams`)
//! and for the engagement the list's overview and the landing zone's totals (`architecture_overviews`,
//! `store_overview`, after any summary changed), and the wave plan (built from `plan_groups`
//! and `plan_links`, kept in `plans`, `plan_waves`, `plan_apps`,
//! `plan_warnings`).
//!
//! **The rule: a write re-derives, in its own transaction, what it touched.**
//! Every write function of `db` ends with `refresh` and the groups it
//! touched (an application, or a workload without one: a workload's score
//! depends on the other workloads of its application). A change that every
//! application is derived from (an import, the preference profile, region,
//! currency, a jump host appearing or going, a new rule book, a new day:
//! end of support is judged against today) re-derives the whole engagement
//! (`rederive`; sizing and landing-zone settings re-derive the architectures
//! only): in the same transaction when
//! the engagement is small, otherwise by recording a derivation carried out
//! a step at a time, while the pages show how far it got: an import carries
//! it on until the pages are whole (`complete_pages`), the server's
//! background worker (or the command line, before it reads) does the rest
//! and any other. A step's scoring and building run on every core
//! (`cores`). Reading never derives and never writes.
//!
//! Read this file for the entry points (`Touched`, `refresh`, `rederive`,
//! the background `step`), then `run.rs` for what one derivation does,
//! `figures.rs` for the sums, and `tests.rs` for the property that holds it
//! all: the kept data equals a computation from scratch.

mod cores;
pub mod figures;
mod run;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use rusqlite::{Connection, OptionalExtension, params};

use crate::db::Scope;
use crate::db::assessment::{Move, Rescore};
use crate::error::AppError;
use crate::inventory::{AppAttributes, Workload};
use crate::knowledge::Date;
use crate::scoring::{Assessment, Context, Item, Profile, Severity, SuggestedFact, score_portfolio_with};
use crate::strategy::Strategy;
pub(crate) use cores::pipeline;
pub use figures::Figures;
use figures::{Counted, Deltas, TOTALS};
use run::Run;

/// Up to this many workloads an engagement is derived whole inside the
/// write that asks for it; above, in the background, a step at a time.
pub const INLINE_WORKLOADS: i64 = 2_000;
/// Applications derived per background step (one transaction each).
const APPLICATIONS_PER_STEP: i64 = 25;
/// Workloads without an application derived per background step.
const LONE_WORKLOADS_PER_STEP: i64 = 1_000;
/// Workloads whose text is indexed per background step.
const INDEXED_PER_STEP: i64 = 5_000;
/// The pause after each step of a derivation carried on step after step:
/// another connection waiting to write (a login, an edit) takes the lock
/// then (`db::wait_for_the_writer` tries every millisecond).
pub const BETWEEN_STEPS: std::time::Duration = std::time::Duration::from_millis(3);

/// Workloads scored together: an application's, or one without an
/// application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    Application(i64),
    Lone(i64),
}

impl Group {
    /// The key of the group in `plan_groups` and `plan_links`.
    pub fn plan_key(self) -> i64 {
        match self {
            Group::Application(a) => a,
            Group::Lone(w) => -w,
        }
    }

    /// The application whose architecture it is part of (0: none).
    fn architecture(self) -> i64 {
        match self {
            Group::Application(a) => a,
            Group::Lone(_) => 0,
        }
    }

    /// The workloads of the group, as a scope of `db::assessment`.
    pub fn scope(self) -> Scope {
        match self {
            Group::Application(a) => Scope::Application(a),
            Group::Lone(w) => Scope::Workload(w),
        }
    }
}

/// What a write touched: the groups to derive again, and whether the plan
/// settings changed.
#[derive(Debug, Clone, Default)]
pub struct Touched {
    groups: BTreeSet<Group>,
    plan: bool,
}

impl Touched {
    pub fn new() -> Touched {
        Touched::default()
    }

    pub fn application(mut self, id: i64) -> Touched {
        self.groups.insert(Group::Application(id));
        self
    }

    /// The workload's group as it stands (for a deleted workload: the group
    /// it was scored in). Call it before a change that moves or deletes the
    /// workload, or after: `refresh` follows a workload to where it went.
    pub fn workload(mut self, conn: &Connection, engagement_id: i64, id: i64) -> Result<Touched, AppError> {
        self.groups.extend(group_of(conn, engagement_id, id)?);
        Ok(self)
    }

    pub fn workloads(mut self, conn: &Connection, engagement_id: i64, ids: &[i64]) -> Result<Touched, AppError> {
        for id in ids {
            self.groups.extend(group_of(conn, engagement_id, *id)?);
        }
        Ok(self)
    }

    /// The groups of the workloads at the other ends of the workload's
    /// dependencies (whose targets and plan links show it).
    pub fn partners(mut self, conn: &Connection, engagement_id: i64, id: i64) -> Result<Touched, AppError> {
        let mut stmt = conn.prepare_cached(
            "SELECT o.id, o.application_id FROM dependencies d JOIN workloads o ON o.id = d.to_workload_id
             WHERE d.engagement_id = ?1 AND d.from_workload_id = ?2
             UNION SELECT o.id, o.application_id FROM dependencies d JOIN workloads o ON o.id = d.from_workload_id
             WHERE d.engagement_id = ?1 AND d.to_workload_id = ?2",
        )?;
        for row in stmt.query_map([engagement_id, id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?)))? {
            let (other, app) = row?;
            self.groups.insert(app.map_or(Group::Lone(other), Group::Application));
        }
        Ok(self)
    }

    /// The plan settings (capacity, moves) changed.
    pub fn plan(mut self) -> Touched {
        self.plan = true;
        self
    }
}

/// The group a workload is in now, else the one it was last scored in.
fn group_of(conn: &Connection, engagement_id: i64, id: i64) -> Result<Option<Group>, AppError> {
    let now: Option<Option<i64>> = conn
        .prepare_cached("SELECT application_id FROM workloads WHERE engagement_id = ?1 AND id = ?2")?
        .query_row([engagement_id, id], |r| r.get(0))
        .optional()?;
    let app = match now {
        Some(app) => app,
        None => conn
            .prepare_cached("SELECT application_id FROM assessments WHERE engagement_id = ?1 AND workload_id = ?2")?
            .query_row([engagement_id, id], |r| r.get::<_, i64>(0))
            .optional()?
            .map(|a| Some(a).filter(|a| *a != 0))
            .ok_or_else(|| AppError::NotFound(format!("workload {id}")))?,
    };
    Ok(Some(app.map_or(Group::Lone(id), Group::Application)))
}

/// Runs `f` inside the caller's transaction, or in one of its own.
pub fn in_transaction<T>(conn: &Connection, f: impl FnOnce(&Connection) -> Result<T, AppError>) -> Result<T, AppError> {
    if conn.is_autocommit() {
        let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    } else {
        f(conn)
    }
}

/// Re-derives what a write touched; call it in the write's transaction,
/// after the change. Returns how the recommendations moved.
pub fn refresh(conn: &Connection, engagement_id: i64, touched: Touched) -> Result<Rescore, AppError> {
    let mut run = Run::new(conn, engagement_id)?;
    run.groups(touched.groups, true)?;
    run.finish(touched.plan, false)
}

/// Re-derives the whole engagement: at once when it is small (the result
/// says what moved), else by recording a derivation for the background
/// (`None`). Call it in the write's transaction.
pub fn rederive(conn: &Connection, engagement_id: i64) -> Result<Option<Rescore>, AppError> {
    let workloads: i64 =
        conn.prepare_cached("SELECT COUNT(*) FROM workloads WHERE engagement_id = ?1")?.query_row([engagement_id], |r| r.get(0))?;
    if workloads > INLINE_WORKLOADS {
        record_derivation(conn, engagement_id)?;
        return Ok(None);
    }
    // A derivation recorded before is done here and now, its text indexing too.
    let index_from: Option<Option<i64>> = conn
        .prepare_cached("SELECT index_from FROM derivations WHERE engagement_id = ?1")?
        .query_row([engagement_id], |r| r.get(0))
        .optional()?;
    if let Some(from) = index_from.flatten() {
        crate::db::search::index_from(conn, engagement_id, from, i64::MAX)?;
    }
    conn.prepare_cached("DELETE FROM derivations WHERE engagement_id = ?1")?.execute([engagement_id])?;
    let mut run = Run::new(conn, engagement_id)?;
    let groups = all_groups(conn, engagement_id)?;
    run.groups(groups, false)?;
    run.architecture.insert(0);
    complete(conn, engagement_id)?;
    Ok(Some(run.finish(true, true)?))
}

/// Records (or starts over) the background derivation of the engagement.
pub fn record_derivation(conn: &Connection, engagement_id: i64) -> Result<(), AppError> {
    // Applications are gone through twice: scored, then their architecture.
    let total: i64 = conn
        .prepare_cached(
            "SELECT 2 * (SELECT COUNT(*) FROM applications WHERE engagement_id = ?1)
                  + (SELECT COUNT(*) FROM workloads WHERE engagement_id = ?1 AND application_id IS NULL)",
        )?
        .query_row([engagement_id], |r| r.get(0))?;
    conn.prepare_cached(
        "INSERT INTO derivations (engagement_id, total, done, stage, last_id) VALUES (?1, ?2, 0, 0, 0)
         ON CONFLICT (engagement_id) DO UPDATE SET total = excluded.total, done = 0, stage = 0, last_id = 0",
    )?
    .execute([engagement_id, total])?;
    Ok(())
}

/// Leaves the search index of the engagement's workloads from id `from` on
/// to its background derivation (recorded already).
pub fn index_later(conn: &Connection, engagement_id: i64, from: i64) -> Result<(), AppError> {
    conn.prepare_cached("UPDATE derivations SET index_from = MIN(COALESCE(index_from, ?2), ?2) WHERE engagement_id = ?1")?
        .execute([engagement_id, from])?;
    Ok(())
}

/// How far the background derivation of the engagement got, in percent;
/// `None` when there is none or when all that is left is indexing text
/// (the pages then show the derived data whole).
pub fn progress(conn: &Connection, engagement_id: i64) -> Result<Option<u8>, AppError> {
    Ok(conn
        .prepare_cached("SELECT total, done FROM derivations WHERE engagement_id = ?1 AND stage < 4")?
        .query_row([engagement_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
        .optional()?
        .map(|(total, done)| if total <= 0 { 0 } else { (done.min(total) * 100 / total).min(99) as u8 }))
}

/// The engagements with a derivation to carry out.
pub fn pending(conn: &Connection) -> Result<Vec<i64>, AppError> {
    let mut stmt = conn.prepare_cached("SELECT engagement_id FROM derivations ORDER BY engagement_id")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One step of the engagement's derivation, in a transaction of its own;
/// true when the derivation is complete (or there was none). The steps
/// score the applications (stage 0), then the workloads without one (1),
/// then build every application's architecture (2: it reads the strategies
/// of its neighbours and whether a jump host exists anywhere), then the
/// figures, the overview and the plan (3): the pages' data is whole. Then
/// each application's diagram arrows are routed (4: about five times an
/// architecture's build; until then a page routes what it shows) and the
/// text of new rows is indexed (5).
pub fn step(conn: &Connection, engagement_id: i64) -> Result<bool, AppError> {
    step_by(conn, engagement_id, 1)
}

/// `step` over `scale` times as many rows: fewer, longer transactions,
/// for the command line, where no page waits for the write lock.
fn step_by(conn: &Connection, engagement_id: i64, scale: i64) -> Result<bool, AppError> {
    in_transaction(conn, |tx| {
        let Some((stage, last_id)) = tx
            .prepare_cached("SELECT stage, last_id FROM derivations WHERE engagement_id = ?1")?
            .query_row([engagement_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
            .optional()?
        else {
            return Ok(true);
        };
        const APPLICATIONS: &str = "SELECT id FROM applications WHERE engagement_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3";
        const LONE: &str = "SELECT id FROM workloads WHERE engagement_id = ?1 AND application_id IS NULL AND id > ?2 ORDER BY id LIMIT ?3";
        let (sql, per_step) = match stage {
            0 | 2 | 4 => (APPLICATIONS, APPLICATIONS_PER_STEP * scale),
            1 => (LONE, LONE_WORKLOADS_PER_STEP * scale),
            3 => {
                complete(tx, engagement_id)?;
                crate::db::architecture::store_overview(tx, engagement_id, crate::cost::catalogue())?;
                crate::db::plan::store_plan(tx, engagement_id)?;
                tx.prepare_cached("UPDATE derivations SET stage = 4 WHERE engagement_id = ?1")?.execute([engagement_id])?;
                return Ok(false);
            }
            _ => {
                // Last, the text of the rows a large import brought.
                let from: Option<i64> = tx
                    .prepare_cached("SELECT index_from FROM derivations WHERE engagement_id = ?1")?
                    .query_row([engagement_id], |r| r.get(0))?;
                if let Some(last) =
                    from.map(|from| crate::db::search::index_from(tx, engagement_id, from, INDEXED_PER_STEP * scale)).transpose()?.flatten()
                {
                    tx.prepare_cached("UPDATE derivations SET index_from = ?2 WHERE engagement_id = ?1")?
                        .execute([engagement_id, last + 1])?;
                    return Ok(false);
                }
                crate::db::search::optimize(tx)?;
                tx.prepare_cached("DELETE FROM derivations WHERE engagement_id = ?1")?.execute([engagement_id])?;
                // The derived tables were empty or stale when the import
                // refreshed the statistics.
                crate::db::refresh_statistics(tx)?;
                return Ok(true);
            }
        };
        let ids: Vec<i64> =
            tx.prepare_cached(sql)?.query_map(params![engagement_id, last_id, per_step], |r| r.get(0))?.collect::<Result<_, _>>()?;
        let next = match ids.last() {
            Some(last) if ids.len() as i64 == per_step => (stage, *last),
            _ => (stage + 1, 0),
        };
        if stage == 2 || stage == 4 {
            let jump_host = figures::get(tx, engagement_id, TOTALS)?.jump_hosts() > 0;
            let apps: Vec<i64> = ids.iter().copied().chain((next.0 == stage + 1).then_some(0)).collect();
            if stage == 2 {
                crate::db::architecture::store_summaries(tx, engagement_id, &apps, jump_host, false)?;
            } else {
                crate::db::architecture::store_diagrams_of(tx, engagement_id, &apps, jump_host)?;
            }
        } else {
            let group = if stage == 0 { Group::Application } else { Group::Lone };
            let mut run = Run::new(tx, engagement_id)?;
            run.groups(ids.iter().map(|id| group(*id)).collect(), false)?;
            // Built in stage 2, once every strategy is known.
            run.architecture.clear();
            run.finish(false, true)?;
        }
        // `total` counts the rows of stages 0 to 2, the ones the progress shows.
        let counted = if stage < 3 { ids.len() as i64 } else { 0 };
        tx.prepare_cached("UPDATE derivations SET stage = ?2, last_id = ?3, done = done + ?4 WHERE engagement_id = ?1")?
            .execute(params![engagement_id, next.0, next.1, counted])?;
        Ok(false)
    })
}

/// One step of the first engagement with a derivation under way; false
/// when there is none (the background worker then waits a little).
pub fn step_any(conn: &Connection) -> Result<bool, AppError> {
    match pending(conn)?.first() {
        Some(id) => {
            step(conn, *id)?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Raise when what the code derives changes (not what the data files say:
/// those are in the fingerprint already).
const DERIVED_VERSION: &str = "3";

/// What derived data is computed with: the rule book, the price catalogue,
/// the plan steps' data and this code's version.
fn fingerprint() -> String {
    use blake2::{Blake2s256, Digest};
    let mut h = Blake2s256::new();
    for part in [DERIVED_VERSION, crate::scoring::rules::RULES_SOURCE, crate::cost::catalogue::SHIPPED] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// At start: when the derived data was computed with another rule book,
/// price catalogue or version of this code, every engagement is derived
/// anew (in the background).
pub fn check_fingerprint(conn: &Connection) -> Result<(), AppError> {
    let now = fingerprint();
    let stored: Option<String> =
        conn.prepare_cached("SELECT fingerprint FROM derived_with WHERE id = 1")?.query_row([], |r| r.get(0)).optional()?;
    if stored.as_deref() == Some(now.as_str()) {
        return Ok(());
    }
    in_transaction(conn, |tx| {
        let ids: Vec<i64> = tx.prepare_cached("SELECT id FROM engagements")?.query_map([], |r| r.get(0))?.collect::<Result<_, _>>()?;
        for id in ids {
            record_derivation(tx, id)?;
        }
        tx.prepare_cached("INSERT OR REPLACE INTO derived_with (id, fingerprint) VALUES (1, ?1)")?.execute([&now])?;
        Ok(())
    })
}

/// End of support is judged against today: on a new day every engagement
/// last derived whole on another is derived anew (in the background), once.
/// At start, and by the background worker while it waits.
pub fn check_day(conn: &Connection) -> Result<(), AppError> {
    let today = Date::today().to_string();
    let ids: Vec<i64> = conn
        .prepare_cached("SELECT id FROM engagements WHERE scored_on <> ?1 AND id NOT IN (SELECT engagement_id FROM derivations)")?
        .query_map([&today], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if ids.is_empty() {
        return Ok(());
    }
    in_transaction(conn, |tx| {
        for id in ids {
            record_derivation(tx, id)?;
        }
        Ok(())
    })
}

/// Carries out every recorded derivation to its end (the command line,
/// before it reads or exports).
pub fn complete_pending(conn: &Connection) -> Result<(), AppError> {
    for id in pending(conn)? {
        while !step(conn, id)? {
            std::thread::sleep(BETWEEN_STEPS);
        }
    }
    Ok(())
}

/// Carries the engagement's derivation on until its pages are whole
/// (stages 0–3), leaving the diagram arrows and the text index to the
/// server's background worker: pages route what is not kept yet, and search
/// reads the rows not indexed yet. `sixr import` ends with its pages ready.
pub fn complete_pages(conn: &Connection, engagement_id: i64) -> Result<(), AppError> {
    // Steps of a tenth of a second or so at 100,000 workloads: a server
    // running beside it waits that long at most to write.
    while progress(conn, engagement_id)?.is_some() {
        step_by(conn, engagement_id, 4)?;
        std::thread::sleep(BETWEEN_STEPS);
    }
    Ok(())
}

/// Every group of the engagement.
fn all_groups(conn: &Connection, engagement_id: i64) -> Result<BTreeSet<Group>, AppError> {
    let mut groups = BTreeSet::new();
    let mut apps = conn.prepare_cached("SELECT id FROM applications WHERE engagement_id = ?1")?;
    for a in apps.query_map([engagement_id], |r| r.get(0))? {
        groups.insert(Group::Application(a?));
    }
    let mut lone = conn.prepare_cached("SELECT id FROM workloads WHERE engagement_id = ?1 AND application_id IS NULL")?;
    for w in lone.query_map([engagement_id], |r| r.get(0))? {
        groups.insert(Group::Lone(w?));
    }
    Ok(groups)
}

/// The end of a whole derivation: what belongs to nothing any more goes,
/// and the figures are summed anew from the assessments.
fn complete(conn: &Connection, engagement_id: i64) -> Result<(), AppError> {
    for sql in [
        "DELETE FROM assessments WHERE engagement_id = ?1 AND workload_id NOT IN (SELECT id FROM workloads WHERE engagement_id = ?1)",
        "DELETE FROM plan_groups WHERE engagement_id = ?1 AND (
            (group_key > 0 AND group_key NOT IN (SELECT id FROM applications WHERE engagement_id = ?1))
            OR (group_key < 0 AND -group_key NOT IN (SELECT id FROM workloads WHERE engagement_id = ?1 AND application_id IS NULL)))",
        "DELETE FROM architecture_summaries WHERE engagement_id = ?1 AND application_id <> 0
            AND application_id NOT IN (SELECT id FROM applications WHERE engagement_id = ?1)",
        "DELETE FROM landing_footprints WHERE engagement_id = ?1 AND application_id <> 0
            AND application_id NOT IN (SELECT id FROM applications WHERE engagement_id = ?1)",
        "DELETE FROM architecture_diagrams WHERE engagement_id = ?1 AND application_id <> 0
            AND application_id NOT IN (SELECT id FROM applications WHERE engagement_id = ?1)",
    ] {
        conn.prepare_cached(sql)?.execute([engagement_id])?;
    }
    let rows = figures::from_scratch(conn, engagement_id)?;
    figures::replace(conn, engagement_id, rows)?;
    conn.prepare_cached("UPDATE engagements SET scored_on = ?2 WHERE id = ?1")?
        .execute(params![engagement_id, Date::today().to_string()])?;
    Ok(())
}

/// Every application's architecture again (after a change of the sizing or
/// landing-zone settings): at once when the engagement is small, else as
/// part of a whole derivation. Call it in the write's transaction.
pub fn rederive_architectures(conn: &Connection, engagement_id: i64) -> Result<(), AppError> {
    let workloads = figures::get(conn, engagement_id, TOTALS)?.workloads();
    if workloads > INLINE_WORKLOADS {
        return record_derivation(conn, engagement_id);
    }
    let jump_host = figures::get(conn, engagement_id, TOTALS)?.jump_hosts() > 0;
    let mut apps: Vec<i64> = conn
        .prepare_cached("SELECT id FROM applications WHERE engagement_id = ?1")?
        .query_map([engagement_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    apps.push(0);
    crate::db::architecture::store_summaries(conn, engagement_id, &apps, jump_host, true)?;
    crate::db::architecture::store_overview(conn, engagement_id, crate::cost::catalogue())
}
