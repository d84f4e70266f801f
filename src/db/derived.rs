//! Whole-portfolio views (dashboard figures, architecture list, plan) kept in
//! memory, computed once per engagement revision.
//!
//! At 100,000 workloads such a view takes seconds to compute and hundreds of
//! megabytes while it is computed; the pages that show it are read far more
//! often than the data changes. Each request reads the engagement's revision
//! (one indexed integer) and gets the kept view while it is current. When it
//! is not, one request computes it and the others for the same engagement
//! wait for that result instead of computing their own.

use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use super::Db;
use crate::error::AppError;

/// How many engagements' views of one kind are kept; the least recently used
/// goes first. A consultant works on a few engagements at a time.
const KEPT_ENGAGEMENTS: usize = 4;

type Slot<V> = Arc<tokio::sync::Mutex<Option<(i64, Arc<V>)>>>;

/// One kind of view, per engagement.
pub struct Derived<V> {
    slots: Mutex<Vec<(i64, Slot<V>)>>,
}

impl<V> Default for Derived<V> {
    fn default() -> Self {
        Derived { slots: Mutex::new(Vec::new()) }
    }
}

impl<V: Send + Sync + 'static> Derived<V> {
    /// The view of `engagement_id` at its current revision: the kept one, or
    /// `compute`d now on a scored portfolio inside one read snapshot, so that
    /// the revision it is kept under is never newer than its data.
    pub async fn get<F>(&self, db: &Db, engagement_id: i64, compute: F) -> Result<Arc<V>, AppError>
    where
        F: FnOnce(&Connection) -> Result<V, AppError> + Send + 'static,
    {
        let slot = self.slot(engagement_id)?;
        // Held across the computation: concurrent requests queue here.
        let mut kept = slot.lock().await;
        let known = kept.as_ref().map(|(revision, _)| *revision);
        let fresh = db
            .call(move |c| {
                if Some(super::engagements::revision(c, engagement_id)?) == known {
                    return Ok(None);
                }
                super::assessment::ensure_scored(c, engagement_id)?;
                let snapshot = c.unchecked_transaction()?;
                let revision = super::engagements::revision(&snapshot, engagement_id)?;
                let view = compute(&snapshot)?;
                snapshot.rollback()?;
                release_freed_memory();
                Ok(Some((revision, view)))
            })
            .await?;
        if let Some((revision, view)) = fresh {
            *kept = Some((revision, Arc::new(view)));
        }
        kept.as_ref().map(|(_, view)| view.clone()).ok_or_else(|| AppError::Internal("view not computed".into()))
    }

    /// The engagement's slot, made most recently used.
    fn slot(&self, engagement_id: i64) -> Result<Slot<V>, AppError> {
        let mut slots = self.slots.lock().map_err(|_| AppError::Internal("view cache poisoned".into()))?;
        let slot = match slots.iter().position(|(id, _)| *id == engagement_id) {
            Some(i) => slots.remove(i).1,
            None => Slot::default(),
        };
        slots.push((engagement_id, slot.clone()));
        if slots.len() > KEPT_ENGAGEMENTS {
            slots.remove(0);
        }
        Ok(slot)
    }
}

/// Hands the heap freed by a computation back to the system. glibc keeps
/// freed pages for reuse, so after one view of 100,000 workloads the server
/// would hold on to a hundred megabytes it no longer uses.
fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the kernel; it
    // touches no memory that is in use.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::Engagement;

    fn engagement(db: &Db, name: &str) -> i64 {
        db.with_conn(|c| {
            let e = Engagement { name: name.into(), region: "us-east-1".into(), currency: "USD".into(), language: "en".into(), ..Default::default() };
            Ok(crate::db::engagements::create(c, &e, "test")?.id)
        })
        .unwrap()
    }

    #[tokio::test]
    async fn computes_once_per_revision_and_again_after_a_change() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("t.db")).unwrap();
        let id = engagement(&db, "Kept");
        let views: Derived<i64> = Derived::default();
        let count = |c: &Connection| Ok(c.query_row("SELECT count(*) FROM workloads", [], |r| r.get::<_, i64>(0))?);
        let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = |runs: Arc<std::sync::atomic::AtomicUsize>| {
            move |c: &Connection| {
                runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                count(c)
            }
        };
        assert_eq!(*views.get(&db, id, counted(runs.clone())).await.unwrap(), 0);
        assert_eq!(*views.get(&db, id, counted(runs.clone())).await.unwrap(), 0);
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1, "an unchanged engagement is not computed twice");

        db.with_conn(|c| {
            c.execute("INSERT INTO workloads (engagement_id, name) VALUES (?1, 'web-01')", [id])?;
            Ok(())
        })
        .unwrap();
        assert_eq!(*views.get(&db, id, counted(runs.clone())).await.unwrap(), 1, "a new workload shows at once");
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn every_change_to_what_pages_show_raises_the_revision() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("t.db")).unwrap();
        let id = engagement(&db, "Revised");
        let other = engagement(&db, "Other");
        db.with_conn(|c| {
            let rev = |c: &Connection| crate::db::engagements::revision(c, id).unwrap();
            let mut last = rev(c);
            let mut changed = |c: &Connection, what: &str, sql: &str| {
                c.execute(sql, [id]).unwrap();
                let now = rev(c);
                assert!(now > last, "{what} did not raise the revision");
                last = now;
            };
            changed(c, "a new application", "INSERT INTO applications (engagement_id, name) VALUES (?1, 'Shop')");
            changed(c, "a new workload", "INSERT INTO workloads (engagement_id, name) VALUES (?1, 'web-01')");
            changed(c, "a second workload", "INSERT INTO workloads (engagement_id, name) VALUES (?1, 'db-01')");
            changed(c, "an edited workload", "UPDATE workloads SET cpu_cores = 8 WHERE engagement_id = ?1 AND name = 'web-01'");
            changed(
                c,
                "a dependency",
                "INSERT INTO dependencies (engagement_id, from_workload_id, to_workload_id)
                 SELECT ?1, a.id, b.id FROM workloads a, workloads b WHERE a.name = 'web-01' AND b.name = 'db-01'",
            );
            changed(
                c,
                "an answer",
                "INSERT INTO answers (engagement_id, subject_kind, subject_id, question, value)
                 SELECT ?1, 'application', id, 'still_used', 'yes' FROM applications WHERE name = 'Shop'",
            );
            changed(
                c,
                "a decision",
                "INSERT INTO decisions (workload_id, engagement_id, strategy) SELECT id, ?1, 'rehost' FROM workloads WHERE name = 'web-01'",
            );
            changed(c, "a setting", "UPDATE engagements SET preferences = '{\"x\":1}' WHERE id = ?1");
            changed(c, "a deleted workload", "DELETE FROM workloads WHERE engagement_id = ?1 AND name = 'db-01'");
            assert_eq!(crate::db::engagements::counts(c, id)?, (1, 1), "the kept counts follow inserts and deletes");
            let before = rev(c);
            c.execute("INSERT INTO workloads (engagement_id, name) VALUES (?1, 'elsewhere')", [other])?;
            assert_eq!(rev(c), before, "another engagement's change is not this one's");
            Ok(())
        })
        .unwrap();
    }
}
