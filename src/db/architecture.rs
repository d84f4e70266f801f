//! What the architecture and cost pages read: the estate of one engagement
//! (workloads, dependencies, strategies, sizing settings), or of one of its
//! applications, the sizing preference (engagement preferences key "sizing":
//! mode, basis, headroom, generation) and the landing-zone choices (key
//! "landing_zone").
//!
//! One application's target needs its own workloads, the dependencies
//! touching them, the workloads at their other ends (with their strategies:
//! a hybrid link, flows into retained servers) and one engagement-wide fact
//! (whether a bastion or jump host exists today). `application_estate` loads
//! exactly that, so a page about one application, or a pass over all of
//! them, never holds the whole inventory.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OptionalExtension};
use serde_json::json;

use crate::architecture::landing_zone::{self, Env, Footprint, FootprintGroup, LandingSettings, LandingZone};
use crate::architecture::overview::EstateOverview;
use crate::architecture::{self, Addends, AppArchitecture, AppSummary, ArchitectureList, Estate, KeptArrows, TargetArchitecture};
use crate::cost::catalogue::Catalogue;
use crate::cost::{Basis, Generation, Sizing, SizingMode};
use crate::error::AppError;
use crate::i18n::{Lang, Tr};
use crate::inventory::Application;

/// The engagement preferences key holding `{"mode": "performance" |
/// "as_on_prem", "basis": "peak" | "p95" | "average", "headroom_pct": 30,
/// "generation": "current" | "graviton" | "previous"}`.
pub const SIZING_KEY: &str = "sizing";
/// The engagement preferences key holding the landing-zone choices.
pub const LANDING_KEY: &str = "landing_zone";

/// The sizing mode of the engagement (performance-based unless set).
pub fn sizing_mode(conn: &Connection, engagement_id: i64) -> Result<SizingMode, AppError> {
    Ok(sizing(conn, engagement_id)?.0)
}

/// The sizing mode and assumptions of the engagement; what is not set is
/// the catalogue's default (peak, its headroom, the current generation).
pub fn sizing(conn: &Connection, engagement_id: i64) -> Result<(SizingMode, Sizing), AppError> {
    let prefs = super::engagements::preferences(conn, engagement_id)?;
    let s = prefs.get(SIZING_KEY);
    let text = |k: &str| s.and_then(|s| s.get(k)).and_then(|v| v.as_str()).unwrap_or_default();
    let headroom = s.and_then(|s| s.get("headroom_pct")).and_then(|v| v.as_f64()).filter(|h| (0.0..=300.0).contains(h));
    let sizing = Sizing {
        basis: Basis::parse(text("basis")).unwrap_or_default(),
        headroom_pct: headroom.unwrap_or(crate::cost::catalogue().sizing.headroom_pct),
        generation: Generation::parse(text("generation")).unwrap_or_default(),
    };
    Ok((SizingMode::parse(text("mode")).unwrap_or_default(), sizing))
}

/// Stores the mode, keeping the other sizing choices.
pub fn set_sizing_mode(conn: &Connection, engagement_id: i64, mode: SizingMode, actor: &str) -> Result<(), AppError> {
    let (_, sizing) = self::sizing(conn, engagement_id)?;
    set_sizing(conn, engagement_id, mode, &sizing, actor)
}

pub fn set_sizing(conn: &Connection, engagement_id: i64, mode: SizingMode, sizing: &Sizing, actor: &str) -> Result<(), AppError> {
    let value = json!({
        "mode": mode.code(),
        "basis": sizing.basis.code(),
        "headroom_pct": sizing.headroom_pct,
        "generation": sizing.generation.code(),
    });
    // Every application's sizing and cost follow it.
    super::derived::in_transaction(conn, |tx| {
        super::engagements::set_preference(tx, engagement_id, SIZING_KEY, &value, actor)?;
        super::derived::rederive_architectures(tx, engagement_id)
    })
}

/// The landing-zone choices (defaults: shared VPC per environment, bastion,
/// VPN, shared by workloads).
pub fn landing_settings(conn: &Connection, engagement_id: i64) -> Result<LandingSettings, AppError> {
    let prefs = super::engagements::preferences(conn, engagement_id)?;
    Ok(prefs.get(LANDING_KEY).and_then(|v| serde_json::from_value(v.clone()).ok()).unwrap_or_default())
}

pub fn set_landing_settings(conn: &Connection, engagement_id: i64, settings: &LandingSettings, actor: &str) -> Result<(), AppError> {
    let value = serde_json::to_value(settings).map_err(|e| AppError::Internal(e.to_string()))?;
    // The targets place their hosts and subnets by it (architecture::generate).
    super::derived::in_transaction(conn, |tx| {
        super::engagements::set_preference(tx, engagement_id, LANDING_KEY, &value, actor)?;
        super::derived::rederive_architectures(tx, engagement_id)
    })
}

/// The engagement's settings the generator reads (region, currency, sizing,
/// landing zone), with no inventory yet.
pub fn settings(conn: &Connection, engagement_id: i64) -> Result<Estate, AppError> {
    let engagement = super::engagements::get(conn, engagement_id)?;
    let (mode, sizing) = sizing(conn, engagement_id)?;
    Ok(Estate {
        region: engagement.region,
        currency: engagement.currency,
        mode,
        sizing,
        landing: landing_settings(conn, engagement_id)?,
        ..Estate::default()
    })
}

/// Everything the generator needs for the engagement. At 100,000 workloads
/// this is hundreds of megabytes: pages use `application_estate`.
pub fn estate(conn: &Connection, engagement_id: i64) -> Result<Estate, AppError> {
    Ok(Estate {
        applications: super::applications::applications(conn, engagement_id)?,
        workloads: super::workloads::list_all(conn, engagement_id)?,
        dependencies: super::dependencies::dependencies(conn, engagement_id)?,
        strategies: super::decisions::effective_strategies(conn, engagement_id)?,
        ..settings(conn, engagement_id)?
    })
}

/// Whether any workload of the engagement is a bastion or jump host today
/// (`findings::is_jump_host`). SQL's LIKE narrows the rows (it matches a
/// superset: ASCII case folding), the shared rule decides.
pub fn has_jump_host(conn: &Connection, engagement_id: i64) -> Result<bool, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, role, notes FROM workloads WHERE engagement_id = ?1
           AND (name LIKE '%bastion%' OR role LIKE '%bastion%' OR notes LIKE '%bastion%'
             OR name LIKE '%jump%' OR role LIKE '%jump%' OR notes LIKE '%jump%')",
    )?;
    let mut rows = stmt.query([engagement_id])?;
    while let Some(r) = rows.next()? {
        let (name, role, notes): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if architecture::findings::is_jump_host(&name, &role, &notes) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The applications that have workloads, in the list's order: the named ones
/// by name, then (id 0) the workloads without an application.
pub fn applications_with_workloads(conn: &Connection, engagement_id: i64) -> Result<Vec<Application>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.name, a.notes FROM applications a WHERE a.engagement_id = ?1
           AND EXISTS (SELECT 1 FROM workloads w WHERE w.engagement_id = ?1 AND w.application_id = a.id)
         ORDER BY a.name",
    )?;
    let rows = stmt.query_map([engagement_id], |r| Ok(Application { id: r.get(0)?, name: r.get(1)?, notes: r.get(2)? }))?;
    let mut apps: Vec<Application> = rows.collect::<Result<_, _>>()?;
    let unassigned: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM workloads WHERE engagement_id = ?1 AND application_id IS NULL)")?
        .query_row([engagement_id], |r| r.get(0))?;
    if unassigned {
        apps.push(unassigned_application());
    }
    Ok(apps)
}

fn unassigned_application() -> Application {
    Application { id: 0, name: String::new(), notes: String::new() }
}

/// The application `app_id` of the engagement (0: the workloads without an
/// application), whether or not it has workloads.
fn application(conn: &Connection, engagement_id: i64, app_id: i64) -> Result<Application, AppError> {
    if app_id == 0 {
        return Ok(unassigned_application());
    }
    super::applications::get(conn, engagement_id, app_id)
}

/// `mine`: the workloads of application ?2 of engagement ?1 (0: without an
/// application); `near`: those and the workloads at the other end of their
/// dependencies.
const NEAR: &str = "WITH mine(id) AS (
       SELECT id FROM workloads WHERE engagement_id = ?1 AND application_id IS nullif(?2, 0)),
     near(id) AS (
       SELECT id FROM mine
       UNION SELECT to_workload_id FROM dependencies WHERE from_workload_id IN mine
       UNION SELECT from_workload_id FROM dependencies WHERE to_workload_id IN mine)";

/// What `app`'s target needs (see the module comment), on top of the
/// engagement's `settings`. `jump_host`: whether the engagement has a jump
/// host (its figures count them).
pub fn application_estate(
    conn: &Connection,
    engagement_id: i64,
    settings: &Estate,
    app: &Application,
    jump_host: bool,
) -> Result<Estate, AppError> {
    use super::dependencies::{SELECT_DEPENDENCY, dependency_from_row};
    use super::workloads::{SELECT_WORKLOAD, from_row};
    let params = [engagement_id, app.id];
    let workloads = conn
        .prepare_cached(&format!("{NEAR} {SELECT_WORKLOAD} WHERE w.id IN near ORDER BY w.name"))?
        .query_map(params, from_row)?
        .collect::<Result<_, _>>()?;
    // Each dependency once, in the order of the whole estate's list.
    let dependencies = conn
        .prepare_cached(&format!(
            "{NEAR} {SELECT_DEPENDENCY} WHERE d.from_workload_id IN mine
             UNION {SELECT_DEPENDENCY} WHERE d.to_workload_id IN mine ORDER BY 1, 2"
        ))?
        .query_map(params, dependency_from_row)?
        .collect::<Result<_, _>>()?;
    let strategies = super::decisions::strategies_where(conn, NEAR, "w.id IN near", params)?;
    Ok(Estate {
        region: settings.region.clone(),
        currency: settings.currency.clone(),
        mode: settings.mode,
        sizing: settings.sizing,
        landing: settings.landing,
        applications: vec![app.clone()],
        workloads,
        dependencies,
        strategies,
        jump_host_elsewhere: jump_host,
    })
}

/// One application's target and cost (`app_id` 0: the workloads without an
/// application) with its share of the engagement's landing zone, loading only
/// what it needs besides (the landing zone is planned from every
/// application: pages pass the one they keep, see `one_application_in`);
/// `jump_host` as `has_jump_host` says. NotFound when it has no workloads.
pub fn one_application(
    conn: &Connection,
    engagement_id: i64,
    app_id: i64,
    jump_host: bool,
    cat: &Catalogue,
) -> Result<(Estate, AppArchitecture), AppError> {
    let lz = landing_zone_share(conn, engagement_id, cat, app_id)?;
    one_application_in(conn, engagement_id, app_id, jump_host, cat, lz.as_ref())
}

/// `one_application` with the engagement's landing zone already planned.
pub fn one_application_in(
    conn: &Connection,
    engagement_id: i64,
    app_id: i64,
    jump_host: bool,
    cat: &Catalogue,
    lz: Option<&LandingZone>,
) -> Result<(Estate, AppArchitecture), AppError> {
    let settings = settings(conn, engagement_id)?;
    let app = application(conn, engagement_id, app_id)?;
    let estate = application_estate(conn, engagement_id, &settings, &app, jump_host)?;
    if estate.workloads_of(&app).next().is_none() {
        return Err(AppError::NotFound(format!("application {app_id}")));
    }
    // The own cost on the other sizing bases as kept with its summary, unless
    // a derivation is under way (kept summaries may be older than the rest).
    let range = match super::derived::progress(conn, engagement_id)? {
        None => kept_range(conn, engagement_id, app_id)?,
        Some(_) => None,
    };
    let built = architecture::build_with_range(&estate, &app, cat, lz, range);
    Ok((settings, built))
}

/// The own cost on every sizing basis kept in the application's summary.
fn kept_range(conn: &Connection, engagement_id: i64, app_id: i64) -> Result<Option<Vec<crate::cost::BasisCost>>, AppError> {
    let kept: Option<String> = conn
        .prepare_cached("SELECT summary FROM architecture_summaries WHERE engagement_id = ?1 AND application_id = ?2")?
        .query_row([engagement_id, app_id], |r| r.get(0))
        .optional()?;
    kept.map(|s| serde_json::from_str::<AppSummary>(&s).map(|s| s.range)).transpose().map_err(json_error)
}

/// Every application's target and cost in the list's order, handed to
/// `each` one at a time, with its share of `lz`: at most one application's
/// inventory and target are in memory. Returns the engagement's settings.
pub fn each_application(
    conn: &Connection,
    engagement_id: i64,
    cat: &Catalogue,
    lz: Option<&LandingZone>,
    mut each: impl FnMut(AppArchitecture) -> Result<(), AppError>,
) -> Result<Estate, AppError> {
    let settings = settings(conn, engagement_id)?;
    let jump_host = has_jump_host(conn, engagement_id)?;
    for app in applications_with_workloads(conn, engagement_id)? {
        let estate = application_estate(conn, engagement_id, &settings, &app, jump_host)?;
        each(architecture::build(&estate, &app, cat, lz))?;
    }
    Ok(settings)
}

/// Whether any workload of the engagement is a bastion or jump host today,
/// as its figures count them.
pub fn jump_host(conn: &Connection, engagement_id: i64) -> Result<bool, AppError> {
    Ok(super::derived::figures::get(conn, engagement_id, super::derived::figures::TOTALS)?.jump_hosts() > 0)
}

/// The architecture list from the summaries kept per application
/// (db::derived), in the list's order, with the landing zone planned from
/// their kept footprints and each one's share of it: the tests compare it
/// with the list computed from the inventory.
pub fn kept_list(conn: &Connection, engagement_id: i64, cat: &Catalogue) -> Result<ArchitectureList, AppError> {
    let settings = settings(conn, engagement_id)?;
    let mut list = ArchitectureList::new(settings.mode);
    let mut stmt = conn.prepare_cached(
        "SELECT s.summary, f.footprint FROM architecture_summaries s
         LEFT JOIN landing_footprints f ON f.engagement_id = s.engagement_id AND f.application_id = s.application_id
         WHERE s.engagement_id = ?1 ORDER BY s.sort_name, s.application_id",
    )?;
    let rows = stmt.query_map([engagement_id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?;
    for row in rows {
        let (summary, footprint) = row?;
        let summary: AppSummary = serde_json::from_str(&summary).map_err(json_error)?;
        let footprint: Option<Footprint> = footprint.map(|f| serde_json::from_str(&f)).transpose().map_err(json_error)?;
        list.push_summary(summary, footprint);
    }
    list.finish(&settings, cat);
    Ok(list)
}

/// A kept summary, share or overview that does not (de)serialise.
fn json_error(e: serde_json::Error) -> AppError {
    AppError::Internal(format!("architecture summary: {e}"))
}

/// Keeps the engagement's overview from what is kept of each application:
/// its addends in the list's order and its footprint's totals. Call it in
/// a write's transaction after the summaries it changed. Reads a narrow
/// covering index and a GROUP BY, not every summary: an edit of one
/// application read 4 MB of summaries here at 5,000 applications.
pub fn store_overview(conn: &Connection, engagement_id: i64, cat: &Catalogue) -> Result<(), AppError> {
    let settings = settings(conn, engagement_id)?;
    let apps = kept_addends(conn, engagement_id)?;
    // The list's currency is its first row's (USD when it has none).
    let first: Option<String> = conn
        .prepare_cached("SELECT summary FROM architecture_summaries WHERE engagement_id = ?1 ORDER BY sort_name, application_id LIMIT 1")?
        .query_row([engagement_id], |r| r.get(0))
        .optional()?;
    let currency = match first {
        Some(s) => serde_json::from_str::<AppSummary>(&s).map_err(json_error)?.currency,
        None => "USD".to_string(),
    };
    let totals = kept_totals(conn, engagement_id)?;
    let lz = landing_zone::plan_with(settings.landing, &settings, &totals, &[], &[], cat);
    let overview = serde_json::to_string(&EstateOverview::summed(&currency, &apps, lz.as_ref())).map_err(json_error)?;
    conn.prepare_cached("INSERT OR REPLACE INTO architecture_overviews (engagement_id, overview) VALUES (?1, ?2)")?
        .execute(rusqlite::params![engagement_id, overview])?;
    Ok(())
}

/// Every application's kept addends in the list's order. Those of summaries
/// kept before they were (migration 19) are worked out and kept, once.
fn kept_addends(conn: &Connection, engagement_id: i64) -> Result<Vec<Addends>, AppError> {
    let mut apps = Vec::new();
    let mut missing = Vec::new();
    let mut stmt = conn.prepare_cached(
        "SELECT application_id, addends FROM architecture_summaries WHERE engagement_id = ?1 ORDER BY sort_name, application_id",
    )?;
    let mut rows = stmt.query([engagement_id])?;
    while let Some(r) = rows.next()? {
        match r.get_ref(1)? {
            ValueRef::Blob(bytes) => apps.push(decode_addends(bytes)?),
            _ => {
                missing.push((apps.len(), r.get::<_, i64>(0)?));
                apps.push(Addends::default());
            }
        }
    }
    for (i, app_id) in missing {
        let summary: String = conn
            .prepare_cached("SELECT summary FROM architecture_summaries WHERE engagement_id = ?1 AND application_id = ?2")?
            .query_row([engagement_id, app_id], |r| r.get(0))?;
        apps[i] = serde_json::from_str::<AppSummary>(&summary).map_err(json_error)?.addends();
        conn.prepare_cached("UPDATE architecture_summaries SET addends = ?3 WHERE engagement_id = ?1 AND application_id = ?2")?
            .execute(rusqlite::params![engagement_id, app_id, encode_addends(&apps[i])])?;
    }
    Ok(apps)
}

/// `Addends` as little-endian f64s: on premises, on demand, the number of
/// sizing bases, then each basis's length and figures. Binary: 5,000 of
/// them are read on every write, and exactly as they were summed.
fn encode_addends(a: &Addends) -> Vec<u8> {
    let len = 3 + a.range.iter().map(|r| 1 + r.len()).sum::<usize>();
    let mut out = Vec::with_capacity(8 * len);
    let mut put = |v: f64| out.extend_from_slice(&v.to_le_bytes());
    put(a.on_prem_annual);
    put(a.on_demand_monthly);
    put(a.range.len() as f64);
    for r in &a.range {
        put(r.len() as f64);
        r.iter().for_each(|v| put(*v));
    }
    out
}

fn decode_addends(bytes: &[u8]) -> Result<Addends, AppError> {
    let bad = || AppError::Internal("architecture summary: addends malformed".into());
    if !bytes.len().is_multiple_of(8) {
        return Err(bad());
    }
    let mut values = bytes.chunks_exact(8).map(|c| f64::from_le_bytes(c.try_into().unwrap_or_default()));
    let mut next = || values.next().ok_or_else(bad);
    let on_prem_annual = next()?;
    let on_demand_monthly = next()?;
    let bases = next()? as usize;
    let mut range = Vec::with_capacity(bases.min(16));
    for _ in 0..bases {
        let models = next()? as usize;
        range.push((0..models).map(|_| next()).collect::<Result<Vec<f64>, _>>()?);
    }
    Ok(Addends { on_prem_annual, on_demand_monthly, range })
}

/// The totals of the engagement's kept footprints, by one GROUP BY over
/// their covering index.
fn kept_totals(conn: &Connection, engagement_id: i64) -> Result<landing_zone::Totals, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT env, mixed, in_vpc, private, hosts, windows_hosts, COUNT(*), SUM(moving), TOTAL(cores)
         FROM landing_footprints WHERE engagement_id = ?1 GROUP BY env, mixed, in_vpc, private, hosts, windows_hosts",
    )?;
    let groups = stmt
        .query_map([engagement_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                FootprintGroup {
                    env: Env::Production,
                    mixed: r.get(1)?,
                    in_vpc: r.get(2)?,
                    private: r.get(3)?,
                    hosts: r.get(4)?,
                    windows_hosts: r.get(5)?,
                    applications: r.get::<_, i64>(6)? as usize,
                    moving: r.get::<_, i64>(7)? as u64,
                    cores: r.get(8)?,
                },
            ))
        })?
        .map(|g| {
            let (env, group) = g?;
            let env = Env::parse(&env).ok_or_else(|| AppError::Internal(format!("landing footprint: environment {env}")))?;
            Ok(FootprintGroup { env, ..group })
        })
        .collect::<Result<Vec<_>, AppError>>()?;
    Ok(landing_zone::Totals::of_groups(&groups))
}

/// The kept overview of the engagement (empty before anything is derived).
pub fn overview(conn: &Connection, engagement_id: i64) -> Result<EstateOverview, AppError> {
    let kept: Option<String> = conn
        .prepare_cached("SELECT overview FROM architecture_overviews WHERE engagement_id = ?1")?
        .query_row([engagement_id], |r| r.get(0))
        .optional()?;
    match kept {
        Some(json) => serde_json::from_str(&json).map_err(json_error),
        None => Ok(EstateOverview::default()),
    }
}

/// A page of the list: `limit` kept summaries from `offset` on, in the
/// list's order, each with its share of the landing zone, planned with the
/// engagement's `settings` from `totals` (those kept with the overview the
/// page shows; summed from the footprints when it has none) and the page's
/// footprints.
pub fn list_page(
    conn: &Connection,
    engagement_id: i64,
    settings: &Estate,
    totals: Option<&landing_zone::Totals>,
    cat: &Catalogue,
    offset: usize,
    limit: usize,
) -> Result<Vec<AppSummary>, AppError> {
    // The page's ids by a walk of the name index first, then each summary by
    // its key: OFFSET over the full rows would read every skipped summary,
    // and as one join the planner, not knowing the page is 50 rows, walked
    // all 5,000 summaries in order to look each up in the page.
    let ids: Vec<i64> = conn
        .prepare_cached(
            "SELECT application_id FROM architecture_summaries WHERE engagement_id = ?1
             ORDER BY sort_name, application_id LIMIT ?2 OFFSET ?3",
        )?
        .query_map(rusqlite::params![engagement_id, limit as i64, offset as i64], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut by_id = conn.prepare_cached(
        "SELECT s.summary, f.footprint FROM architecture_summaries s
         LEFT JOIN landing_footprints f ON f.engagement_id = s.engagement_id AND f.application_id = s.application_id
         WHERE s.engagement_id = ?1 AND s.application_id = ?2",
    )?;
    let mut out = Vec::with_capacity(ids.len());
    let mut footprints = Vec::new();
    for id in ids {
        let (summary, footprint) =
            by_id.query_row([engagement_id, id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))?;
        out.push(serde_json::from_str::<AppSummary>(&summary).map_err(json_error)?);
        footprints.extend(footprint.map(|f| serde_json::from_str::<Footprint>(&f)).transpose().map_err(json_error)?);
    }
    let summed;
    let totals = match totals {
        Some(totals) => totals,
        None => {
            summed = kept_totals(conn, engagement_id)?;
            &summed
        }
    };
    // Without a landing zone a summary's share is as built: none.
    if let Some(lz) = landing_zone::plan_with(settings.landing, settings, totals, &[], &footprints, cat) {
        for summary in &mut out {
            summary.shared_monthly = lz.shared_monthly(summary.application_id, summary.monthly.len());
        }
    }
    Ok(out)
}

/// The architecture list computed from the inventory (what the kept
/// summaries must equal: the tests compare).
pub fn list(conn: &Connection, engagement_id: i64, cat: &Catalogue) -> Result<ArchitectureList, AppError> {
    let mut list = ArchitectureList::new(SizingMode::default());
    let settings = each_application(conn, engagement_id, cat, None, |a| {
        list.push(&a);
        Ok(())
    })?;
    list.finish(&settings, cat);
    Ok(list)
}

/// Where the workloads without an application sort in the list: last.
const UNASSIGNED_SORT_NAME: &str = "\u{10FFFF}";

/// The application (0: the workloads without one) and what its target is
/// built from, as stored now; `None` when it has no workloads (or no longer
/// exists).
fn stored_estate(conn: &Connection, engagement_id: i64, app_id: i64, jump_host: bool) -> Result<Option<(Application, Estate)>, AppError> {
    match application(conn, engagement_id, app_id) {
        Ok(app) => {
            let settings = settings(conn, engagement_id)?;
            let estate = application_estate(conn, engagement_id, &settings, &app, jump_host)?;
            let has_workloads = estate.workloads_of(&app).next().is_some();
            Ok(has_workloads.then_some((app, estate)))
        }
        Err(AppError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Builds the application's target (0: the workloads without one) from
/// what is stored now and keeps its summary and landing-zone footprint for
/// the list, and with `diagrams` its diagram's arrows; they go when the
/// application has no workloads (or no longer exists). A whole derivation
/// routes the arrows last (`store_diagrams_of`): routing is most of an
/// application's time, and the pages route what is not kept yet.
pub fn store_summary(conn: &Connection, engagement_id: i64, app_id: i64, jump_host: bool, diagrams: bool) -> Result<(), AppError> {
    store_summaries(conn, engagement_id, &[app_id], jump_host, diagrams)
}

/// `store_summary` of each of `apps`: their targets are built on every
/// core while the next ones are read, and kept in order.
pub fn store_summaries(conn: &Connection, engagement_id: i64, apps: &[i64], jump_host: bool, diagrams: bool) -> Result<(), AppError> {
    let cat = crate::cost::catalogue();
    let build = |e: &Option<(Application, Estate)>| e.as_ref().map(|(app, estate)| architecture::build(estate, app, cat, None));
    crate::db::derived::pipeline(apps.len(), build, |targets| {
        for app in apps {
            targets.give(stored_estate(conn, engagement_id, *app, jump_host)?);
        }
        for (app, (_, built)) in apps.iter().zip(std::iter::from_fn(|| targets.take())) {
            keep_summary(conn, engagement_id, *app, built, diagrams)?;
        }
        Ok(())
    })
}

/// Keeps what `store_summary` keeps of an application's target as built
/// (`None`: it has no workloads).
fn keep_summary(
    conn: &Connection,
    engagement_id: i64,
    app_id: i64,
    built: Option<AppArchitecture>,
    diagrams: bool,
) -> Result<(), AppError> {
    let footprint = match built {
        None => {
            conn.prepare_cached("DELETE FROM architecture_summaries WHERE engagement_id = ?1 AND application_id = ?2")?
                .execute([engagement_id, app_id])?;
            conn.prepare_cached("DELETE FROM architecture_diagrams WHERE engagement_id = ?1 AND application_id = ?2")?
                .execute([engagement_id, app_id])?;
            None
        }
        Some(built) => {
            let summary = AppSummary::of(&built);
            let summary_json = serde_json::to_string(&summary).map_err(json_error)?;
            let addends = encode_addends(&summary.addends());
            let sort_name = if app_id == 0 { UNASSIGNED_SORT_NAME.to_string() } else { summary.application };
            conn.prepare_cached(
                "INSERT OR REPLACE INTO architecture_summaries (engagement_id, application_id, sort_name, summary, addends)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(rusqlite::params![engagement_id, app_id, sort_name, summary_json, addends])?;
            if diagrams {
                store_diagrams(conn, engagement_id, app_id, &built.target)?;
            }
            built.footprint.map(|f| (sort_name, f))
        }
    };
    match footprint {
        Some((sort_name, f)) => {
            let footprint = serde_json::to_string(&f).map_err(json_error)?;
            conn.prepare_cached(
                "INSERT OR REPLACE INTO landing_footprints
                   (engagement_id, application_id, sort_name, footprint, env, mixed, in_vpc, private, hosts, windows_hosts, moving, cores)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )?
            .execute(rusqlite::params![
                engagement_id,
                app_id,
                sort_name,
                footprint,
                f.env.code(),
                f.mixed,
                f.in_vpc,
                f.private,
                f.hosts,
                f.windows_hosts,
                f.moving,
                f.cores
            ])?;
        }
        None => {
            conn.prepare_cached("DELETE FROM landing_footprints WHERE engagement_id = ?1 AND application_id = ?2")?
                .execute([engagement_id, app_id])?;
        }
    }
    Ok(())
}

/// Keeps the diagram arrows of each of `apps`' targets as they stand (see
/// `store_summary`), routed on every core; nothing for an application
/// without workloads (`store_summary` removed its arrows then).
pub fn store_diagrams_of(conn: &Connection, engagement_id: i64, apps: &[i64], jump_host: bool) -> Result<(), AppError> {
    type Routing = (i64, Option<(Application, Estate)>, [Option<KeptArrows>; 2]);
    let cat = crate::cost::catalogue();
    // The target alone: `build` also prices it and three more on the other
    // sizing bases.
    let route = |(_, estate, kept): &Routing| match estate {
        Some((app, estate)) => routed(&architecture::generate(estate, app, cat), kept),
        None => Ok(Vec::new()),
    };
    crate::db::derived::pipeline(apps.len(), route, |routing| {
        for app in apps {
            routing.give((*app, stored_estate(conn, engagement_id, *app, jump_host)?, kept_in_both(conn, engagement_id, *app)?));
        }
        while let Some(((app, _, _), arrows)) = routing.take() {
            keep_arrows(conn, engagement_id, app, arrows?)?;
        }
        Ok(())
    })
}

/// Keeps the application's diagram arrows in each language
/// (`architecture::KeptArrows`): a page routes them only when its boxes or
/// flows differ from those they were routed for.
fn store_diagrams(conn: &Connection, engagement_id: i64, app_id: i64, target: &TargetArchitecture) -> Result<(), AppError> {
    keep_arrows(conn, engagement_id, app_id, routed(target, &kept_in_both(conn, engagement_id, app_id)?)?)
}

/// The application's kept arrows in English and in Korean, as `routed` takes them.
fn kept_in_both(conn: &Connection, engagement_id: i64, app_id: i64) -> Result<[Option<KeptArrows>; 2], AppError> {
    Ok([kept_arrows(conn, engagement_id, app_id, Lang::En)?, kept_arrows(conn, engagement_id, app_id, Lang::Ko)?])
}

/// The target's arrows in each language (`kept`: English, Korean) whose
/// boxes or flows differ from those the kept ones were routed for, with
/// their fingerprint. Arrows kept for the same boxes and flows stay as they
/// are: a derivation that changes nothing of the diagram (a new rule book,
/// an edited note) routes nothing.
fn routed(target: &TargetArchitecture, kept: &[Option<KeptArrows>; 2]) -> Result<Vec<(Lang, u64, String)>, AppError> {
    let mut out = Vec::new();
    for (lang, kept) in [Lang::En, Lang::Ko].into_iter().zip(kept) {
        let kept_for = kept.as_ref().map(|k| k.fingerprint);
        let (diagram, fingerprint) = architecture::layout_kept(target, &Tr::new(lang), kept.clone());
        if kept_for != Some(fingerprint) {
            out.push((lang, fingerprint, serde_json::to_string(&diagram.arrows).map_err(json_error)?));
        }
    }
    Ok(out)
}

fn keep_arrows(conn: &Connection, engagement_id: i64, app_id: i64, arrows: Vec<(Lang, u64, String)>) -> Result<(), AppError> {
    for (lang, fingerprint, arrows) in arrows {
        conn.prepare_cached(
            "INSERT OR REPLACE INTO architecture_diagrams (engagement_id, application_id, lang, fingerprint, arrows)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(rusqlite::params![engagement_id, app_id, lang.code(), fingerprint as i64, arrows])?;
    }
    Ok(())
}

/// The application's diagram arrows kept in `lang`, if any.
pub fn kept_arrows(conn: &Connection, engagement_id: i64, app_id: i64, lang: Lang) -> Result<Option<KeptArrows>, AppError> {
    let kept: Option<(i64, String)> = conn
        .prepare_cached(
            "SELECT fingerprint, arrows FROM architecture_diagrams WHERE engagement_id = ?1 AND application_id = ?2 AND lang = ?3",
        )?
        .query_row(rusqlite::params![engagement_id, app_id, lang.code()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    kept.map(|(fingerprint, arrows)| {
        Ok(KeptArrows { fingerprint: fingerprint as u64, arrows: serde_json::from_str(&arrows).map_err(json_error)? })
    })
    .transpose()
}

/// The engagement's landing zone, planned from every application's kept
/// footprint (in the list's order, as `kept_list` plans it).
pub fn landing_zone(conn: &Connection, engagement_id: i64, cat: &Catalogue) -> Result<Option<LandingZone>, AppError> {
    planned_landing_zone(conn, engagement_id, cat, None)
}

/// The engagement's landing zone with application `app_id`'s share alone,
/// planned from the totals kept with the overview and its own kept
/// footprint (`landing_zone::plan_share`): two rows instead of every
/// application's footprint. Before the overview keeps totals, from every
/// footprint.
fn landing_zone_share(conn: &Connection, engagement_id: i64, cat: &Catalogue, app_id: i64) -> Result<Option<LandingZone>, AppError> {
    let Some(totals) = overview(conn, engagement_id)?.landing.and_then(|l| l.totals) else {
        return planned_landing_zone(conn, engagement_id, cat, Some(app_id));
    };
    let settings = settings(conn, engagement_id)?;
    let footprint: Option<Footprint> = conn
        .prepare_cached("SELECT footprint FROM landing_footprints WHERE engagement_id = ?1 AND application_id = ?2")?
        .query_row([engagement_id, app_id], |r| r.get::<_, String>(0))
        .optional()?
        .map(|f| serde_json::from_str(&f))
        .transpose()
        .map_err(json_error)?;
    Ok(landing_zone::plan_share(settings.landing, &settings, &totals, footprint.as_ref(), cat))
}

/// The engagement's landing zone as its page shows it: the shares of the
/// applications in the range `page` gives for the number of shares (in the
/// list's order) and, where the page names them (`Totals::names_shown`),
/// every application's name; otherwise planned from the totals kept with
/// the overview, reading only the page's footprints.
pub fn landing_zone_page(
    conn: &Connection,
    engagement_id: i64,
    cat: &Catalogue,
    page: impl FnOnce(usize) -> std::ops::Range<usize>,
) -> Result<Option<LandingZone>, AppError> {
    let settings = settings(conn, engagement_id)?;
    let kept = overview(conn, engagement_id)?.landing.and_then(|l| l.totals);
    let (totals, named, page) = match kept {
        Some(totals) if !totals.names_shown() => {
            let range = page(totals.applications);
            let (offset, limit) = (range.start, range.len());
            let page = conn
                .prepare_cached(
                    "SELECT footprint FROM landing_footprints WHERE engagement_id = ?1
                     ORDER BY sort_name, application_id LIMIT ?2 OFFSET ?3",
                )?
                .query_map(rusqlite::params![engagement_id, limit as i64, offset as i64], |r| r.get::<_, String>(0))?
                .map(|f| serde_json::from_str::<Footprint>(&f?).map_err(json_error))
                .collect::<Result<Vec<_>, _>>()?;
            (totals, Vec::new(), page)
        }
        _ => {
            let all = footprints(conn, engagement_id)?;
            let page = all.get(page(all.len())).unwrap_or_default().to_vec();
            (landing_zone::Totals::of(&all), all, page)
        }
    };
    Ok(landing_zone::plan_with(settings.landing, &settings, &totals, &named, &page, cat))
}

/// Every application's kept footprint, in the list's order.
fn footprints(conn: &Connection, engagement_id: i64) -> Result<Vec<Footprint>, AppError> {
    let mut stmt =
        conn.prepare_cached("SELECT footprint FROM landing_footprints WHERE engagement_id = ?1 ORDER BY sort_name, application_id")?;
    stmt.query_map([engagement_id], |r| r.get::<_, String>(0))?
        .map(|f| serde_json::from_str::<Footprint>(&f?).map_err(json_error))
        .collect()
}

/// `landing_zone` with the share of application `only` alone, or every
/// application's (`landing_zone::plan_sharing`).
fn planned_landing_zone(
    conn: &Connection,
    engagement_id: i64,
    cat: &Catalogue,
    only: Option<i64>,
) -> Result<Option<LandingZone>, AppError> {
    let settings = settings(conn, engagement_id)?;
    let footprints = footprints(conn, engagement_id)?;
    Ok(landing_zone::plan_sharing(settings.landing, &settings, &footprints, cat, only))
}

/// Every application's target and cost with its share of the landing zone,
/// and the landing zone: what the report and the CloudFormation export read.
pub fn all(conn: &Connection, engagement_id: i64, cat: &Catalogue) -> Result<(Vec<AppArchitecture>, Option<LandingZone>), AppError> {
    let lz = landing_zone(conn, engagement_id, cat)?;
    let mut out = Vec::new();
    each_application(conn, engagement_id, cat, lz.as_ref(), |a| {
        out.push(a);
        Ok(())
    })?;
    Ok((out, lz))
}
