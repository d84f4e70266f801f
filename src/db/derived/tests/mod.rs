//! The kept derived data against a computation from scratch on the same
//! data, after every kind of write, in random sequences.

use std::collections::{BTreeMap, HashMap};

use super::run::earliest_end_of_support;
use super::*;
use crate::db::suggestions::{Decision, Selection};
use crate::db::{Db, applications, assessment, decisions, dependencies, engagements, imports, suggestions, workloads};
use crate::inventory::{Dependency, Engagement};
use crate::scoring::SubjectKind;
use crate::scoring::decision::DecisionInput;

mod writes;

use writes::*;

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
    let overview = crate::db::architecture::overview(c, eid).unwrap();
    // As the list page reads its rows: with the totals kept in the overview.
    let settings = crate::db::architecture::settings(c, eid).unwrap();
    let totals = overview.landing.as_ref().and_then(|l| l.totals.as_ref());
    let rows = crate::db::architecture::list_page(c, eid, &settings, totals, crate::cost::catalogue(), 0, usize::MAX >> 1).unwrap();
    Derived {
        assessments,
        figures: figures.filter(|(_, f)| *f != Figures::default()).collect(),
        architectures,
        overview,
        rows,
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

/// Page marks every few rows, so that a small engagement has many.
const MARKS_EVERY: i64 = 3;

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
    let count = |sql: &str| c.query_row(sql, [eid], |r| r.get::<_, i64>(0)).unwrap();
    let misnamed = count(
        "SELECT COUNT(*) FROM workloads w LEFT JOIN applications a ON a.id = w.application_id
         WHERE w.engagement_id = ?1 AND w.application_name IS NOT COALESCE(a.name, '')",
    );
    assert_eq!(misnamed, 0, "workloads carrying another application's name after {after}");
    // Page marks are exact or absent: the orders kept equal the same orders
    // taken now.
    let marks = || -> BTreeMap<String, Vec<i64>> {
        let mut by_sort: BTreeMap<String, Vec<i64>> = BTreeMap::new();
        let mut stmt = c.prepare("SELECT sort, workload_id FROM sort_marks WHERE engagement_id = ?1 ORDER BY sort, position").unwrap();
        for row in stmt.query_map([eid], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).unwrap() {
            let (sort, id) = row.unwrap();
            by_sort.entry(sort).or_default().push(id);
        }
        by_sort
    };
    let kept_marks = marks();
    let sorts: Vec<&str> = kept_marks.keys().map(String::as_str).collect();
    assert!(workloads::marks::build_every(c, eid, &sorts, MARKS_EVERY).unwrap());
    assert_eq!(kept_marks, marks(), "page marks after {after}");
    let (workloads, apps) = engagements::counts(c, eid).unwrap();
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
                // As the server's background worker does after a write.
                if step % 5 == 0 {
                    workloads::marks::build_every(c, eid, &workloads::marks::MARKED, MARKS_EVERY)?;
                }
            }
            Ok(())
        })
        .unwrap();
    }
}

/// Every application's kept diagram arrows, in each language, are those
/// routing its target draws.
fn assert_arrows_routed(c: &Connection, eid: i64) {
    use crate::i18n::{Lang, Tr};
    let (archs, _) = crate::db::architecture::all(c, eid, crate::cost::catalogue()).unwrap();
    assert!(!archs.is_empty());
    for a in &archs {
        for lang in [Lang::En, Lang::Ko] {
            let kept = crate::db::architecture::kept_arrows(c, eid, a.target.application_id, lang).unwrap();
            let routed = crate::architecture::layout_in(&a.target, &Tr::new(lang)).arrows;
            assert_eq!(kept.map(|k| k.arrows), Some(routed), "{} {lang:?}", a.target.application);
        }
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
        // As new applications have none: the arrows are routed at the end.
        c.execute("DELETE FROM architecture_diagrams WHERE engagement_id = ?1", [eid])?;
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
        assert_arrows_routed(c, eid);
        Ok(())
    })
    .unwrap();
}

/// Summaries kept before their addends were (migration 19) get them from
/// the next overview kept, which is the one computed from scratch.
#[test]
fn summaries_kept_without_addends_get_them_with_the_next_overview() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("t.db")).unwrap();
    let eid = engagement(&db);
    let mut rng = Rng(5);
    let mut n = 0;
    db.with_conn(|c| {
        for _ in 0..40 {
            let _ = random_write(c, eid, &mut rng, &mut n);
        }
        c.execute("UPDATE architecture_summaries SET addends = NULL WHERE engagement_id = ?1", [eid])?;
        c.execute("DELETE FROM architecture_overviews WHERE engagement_id = ?1", [eid])?;
        crate::db::architecture::store_overview(c, eid, crate::cost::catalogue())?;
        let without: i64 =
            c.query_row("SELECT COUNT(*) FROM architecture_summaries WHERE engagement_id = ?1 AND addends IS NULL", [eid], |r| r.get(0))?;
        assert_eq!(without, 0);
        assert_fresh(c, eid, "an overview kept from summaries without addends");
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
