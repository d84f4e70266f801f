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
            let e = Engagement {
                name: name.into(),
                region: "us-east-1".into(),
                currency: "USD".into(),
                language: "en".into(),
                ..Default::default()
            };
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
            let w = crate::inventory::Workload { name: "web-01".into(), ..Default::default() };
            crate::db::workloads::create(c, id, &w, "test")?;
            Ok(())
        })
        .unwrap();
        assert_eq!(*views.get(&db, id, counted(runs.clone())).await.unwrap(), 1, "a new workload shows at once");
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn every_change_to_what_pages_show_raises_the_revision() {
        use crate::db::{applications, assessment, decisions, dependencies, engagements, workloads};
        use crate::inventory::{Dependency, Workload};
        use crate::scoring::SubjectKind;
        use crate::scoring::decision::DecisionInput;

        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("t.db")).unwrap();
        let id = engagement(&db, "Revised");
        let other = engagement(&db, "Other");
        db.with_conn(|c| {
            let rev = |c: &Connection| engagements::revision(c, id).unwrap();
            let mut last = rev(c);
            let mut changed = |c: &Connection, what: &str| {
                let now = rev(c);
                assert!(now > last, "{what} did not raise the revision");
                last = now;
            };
            // Through the application's own paths (each audited)...
            let shop = applications::create(c, id, "Shop", "", "t")?.id;
            changed(c, "a new application");
            let w = |name: &str| Workload { name: name.into(), application: "Shop".into(), ..Workload::default() };
            let web = workloads::create(c, id, &w("web-01"), "t")?.id;
            changed(c, "a new workload");
            let data = workloads::create(c, id, &w("db-01"), "t")?.id;
            changed(c, "a second workload");
            dependencies::add(c, id, web, data, &Dependency::default(), "t")?;
            changed(c, "a dependency");
            let answer = [("still_used".to_string(), "yes".to_string())];
            assessment::set_answers(c, id, &[(SubjectKind::Application, shop)], &answer, "t")?;
            changed(c, "an answer");
            let rehost = DecisionInput { strategy: "rehost".into(), ..DecisionInput::default() };
            decisions::decide(c, id, &[web], &rehost, "t")?;
            changed(c, "a decision");
            // ...and by hand, as another process might.
            c.execute("UPDATE workloads SET cpu_cores = 8 WHERE engagement_id = ?1 AND name = 'web-01'", [id])?;
            changed(c, "an edited workload");
            c.execute("UPDATE answers SET value = 'no' WHERE engagement_id = ?1", [id])?;
            changed(c, "an edited answer");
            c.execute("UPDATE engagements SET preferences = '{\"x\":1}' WHERE id = ?1", [id])?;
            changed(c, "a setting");
            c.execute("DELETE FROM dependencies WHERE engagement_id = ?1", [id])?;
            changed(c, "a deleted dependency");
            c.execute("DELETE FROM workloads WHERE engagement_id = ?1 AND name = 'db-01'", [id])?;
            changed(c, "a deleted workload");
            assert_eq!(engagements::counts(c, id)?, (1, 1), "the counts follow inserts and deletes");
            let before = rev(c);
            workloads::create(c, other, &Workload { name: "elsewhere".into(), ..Workload::default() }, "t")?;
            assert_eq!(rev(c), before, "another engagement's change is not this one's");
            Ok(())
        })
        .unwrap();
    }
}
