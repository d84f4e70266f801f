//! SQLite storage: opening, migrations, a small connection pool, and one
//! repository module per domain concept. SQL lives here and nowhere else.

pub mod accounts;
pub mod applications;
pub mod architecture;
pub mod assessment;
pub mod assessment_summary;
pub mod decisions;
pub mod dependencies;
pub mod derived;
pub mod engagements;
pub mod imports;
pub mod plan;
pub mod search;
pub mod suggestions;
pub mod workloads;

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use include_dir::{Dir, include_dir};
use rusqlite::Connection;
use rusqlite_migration::Migrations;

use crate::error::AppError;

static MIGRATIONS_DIR: Dir = include_dir!("$CARGO_MANIFEST_DIR/migrations");

/// How many idle connections are kept for reuse. SQLite in WAL mode serves
/// many readers and one writer; a handful of connections is plenty.
const POOL_SIZE: usize = 8;

/// How many requests may work on the database at once. Each holds a
/// connection and whatever it loaded; without a bound, a burst of requests
/// for whole-portfolio pages multiplies memory by the number of clients.
const MAX_CONCURRENT_WORK: usize = 4;

/// A handle to one SQLite database file, cheap to clone.
#[derive(Clone)]
pub struct Db {
    path: Arc<PathBuf>,
    idle: Arc<Mutex<Vec<Connection>>>,
    permits: Arc<tokio::sync::Semaphore>,
}

impl Db {
    /// Opens (creating if needed) the database at `path` and brings its
    /// schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Db, AppError> {
        let path = path.as_ref().to_path_buf();
        let mut conn = connect(&path)?;
        migrate(&mut conn)?;
        derived::check_fingerprint(&conn)?;
        derived::check_day(&conn)?;
        // The key CSRF tokens are made with exists before any request: the
        // first page read must not write it (reads never write).
        accounts::server_secret(&conn, "csrf")?;
        Ok(Db {
            path: Arc::new(path),
            idle: Arc::new(Mutex::new(vec![conn])),
            permits: Arc::new(tokio::sync::Semaphore::new(MAX_CONCURRENT_WORK)),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` with a connection on the blocking thread pool, so that SQLite
    /// never blocks the async runtime.
    pub async fn call<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, AppError> + Send + 'static,
    {
        let db = self.clone();
        let permit = self.permits.clone().acquire_owned().await.map_err(|e| AppError::Internal(format!("database closed: {e}")))?;
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            db.with_conn(f)
        })
        .await
        .map_err(|e| AppError::Internal(format!("database task failed: {e}")))?
    }

    /// `call` for a page's reads, in one read transaction: its statements
    /// see one snapshot (a count and the rows it counts agree while a write
    /// lands), and the WAL's read lock is taken once, not per statement.
    pub async fn read<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, AppError> + Send + 'static,
    {
        self.call(move |c| {
            c.prepare_cached("BEGIN")?.execute([])?;
            let out = f(c);
            let end = c.prepare_cached(if out.is_ok() { "COMMIT" } else { "ROLLBACK" }).and_then(|mut s| s.execute([]));
            // The reads' own error says more than a failed rollback (the
            // connection, still in its transaction, is then not pooled again).
            let out = out?;
            end?;
            Ok(out)
        })
        .await
    }

    /// Runs `f` with a connection on the current thread (CLI, tests, benches).
    pub fn with_conn<T>(&self, f: impl FnOnce(&mut Connection) -> Result<T, AppError>) -> Result<T, AppError> {
        let pooled = self.idle.lock().map_err(|_| AppError::Internal("pool poisoned".into()))?.pop();
        let mut conn = match pooled {
            Some(c) => c,
            None => connect(&self.path)?,
        };
        let result = f(&mut conn);
        // A connection left inside a transaction (a panic or an early return
        // mid-way) must not be reused.
        if conn.is_autocommit()
            && let Ok(mut idle) = self.idle.lock()
            && idle.len() < POOL_SIZE
        {
            idle.push(conn);
        }
        result
    }

    /// Carries out the derivations recorded (after an import, a new profile,
    /// a new rule book): the command line does before it reads.
    pub fn complete_derivations(&self) -> Result<(), AppError> {
        self.with_conn(|c| derived::complete_pending(c))
    }

    /// Carries the engagement's derivation on until its pages are whole
    /// (`derived::complete_pages`): `sixr import` does before it ends.
    pub fn complete_pages(&self, engagement_id: i64) -> Result<(), AppError> {
        self.with_conn(|c| derived::complete_pages(c, engagement_id))
    }

    /// Carries out recorded derivations a step at a time, for as long as the
    /// server runs: the background worker of `db::derived`.
    pub async fn derive_in_background(self) {
        loop {
            match self.call(|c| derived::step_any(c)).await {
                Ok(true) => tokio::time::sleep(derived::BETWEEN_STEPS).await,
                Ok(false) => {
                    tokio::time::sleep(IDLE_STEP).await;
                    let idle = async {
                        self.call(|c| derived::check_day(c)).await?;
                        // The page marks a write removed (db::workloads::marks).
                        self.call(workloads::marks::build_missing).await
                    };
                    if let Err(e) = idle.await {
                        tracing::error!("background work: {e}");
                        tokio::time::sleep(AFTER_ERROR).await;
                    }
                }
                Err(e) => {
                    tracing::error!("background derivation: {e}");
                    tokio::time::sleep(AFTER_ERROR).await;
                }
            }
        }
    }

    /// True when the database answers a trivial query.
    pub fn is_healthy(&self) -> bool {
        self.with_conn(|c| Ok(c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?)).is_ok()
    }
}

/// How often the idle background worker looks for work, and how long it
/// waits after an error (a damaged file logged one every step otherwise).
const IDLE_STEP: std::time::Duration = std::time::Duration::from_millis(100);
const AFTER_ERROR: std::time::Duration = std::time::Duration::from_secs(5);

/// SQLite counts every allocation under one global mutex for
/// `sqlite3_status`, which sixr never reads: a tenth of a derivation's
/// inserts went to it. Off before the library starts (after, SQLite refuses
/// the setting and keeps counting: slower, not wrong).
fn without_memory_statistics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // SAFETY: SQLITE_CONFIG_MEMSTATUS takes one int, as passed; the Once
    // runs it before this program opens its first connection.
    ONCE.call_once(|| unsafe {
        rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0 as std::ffi::c_int);
    });
}

/// While another connection writes, a write tries again every millisecond,
/// for ten seconds at most. SQLite's own wait backs off to 100 ms between
/// tries, and a derivation's steps, one transaction after another, left it
/// gaps of microseconds: a login behind the background worker failed with
/// "database is locked" after ten seconds. The worker leaves a gap of
/// `derived::BETWEEN_STEPS` after each step, longer than this wait's.
fn wait_for_the_writer(tries: i32) -> bool {
    const TRY_EVERY: std::time::Duration = std::time::Duration::from_millis(1);
    const TRIES: i32 = 10_000;
    if tries >= TRIES {
        return false;
    }
    std::thread::sleep(TRY_EVERY);
    true
}

fn connect(path: &Path) -> Result<Connection, AppError> {
    without_memory_statistics();
    let conn = Connection::open(path)?;
    // WAL: readers never block the writer and a killed process leaves the
    // database whole; foreign keys are off by default in SQLite.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_handler(Some(wait_for_the_writer))?;
    // A statement that fires a trigger first copies every page it changes
    // into a statement journal (to undo that statement alone), and beyond
    // 64 KB SQLite moves the journal into a temporary file: a system call
    // per page (see migration 18). In memory it stays a copy.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // The bundled SQLite keeps histogram statistics (STAT4), and with them a
    // statement whose plan could depend on a bound value is compiled again
    // each time a value is bound: every `engagement_id = ?` query, on every
    // request (a sixth of a table page's time). The stability guarantee
    // plans on the averages instead, once per statement.
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    // A page runs a few dozen distinct statements (the table's SQL varies
    // with its sort and filters); the default 16 kept recompiling them.
    conn.set_prepared_statement_cache_capacity(128);
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<(), AppError> {
    let migrations = Migrations::from_directory(&MIGRATIONS_DIR).map_err(|e| AppError::Internal(format!("migrations directory: {e}")))?;
    let version = |c: &Connection| c.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0));
    let before = version(conn)?;
    migrations.to_latest(conn).map_err(|e| AppError::Internal(format!("schema migration failed: {e}")))?;
    // A migration's new indexes have no statistics, and `PRAGMA optimize`
    // does not gather them: on a database the planner already has figures
    // for, the new sort indexes lost to a sort of 100,000 rows (0.14 s a
    // page) until the next import. The whole ANALYZE, once per upgrade
    // (about a second at 100,000 workloads): sampled, it saw only the first
    // engagement's rows and counted 1,001 workloads an engagement, and the
    // architecture list took 8 ms a page instead of 1.3.
    let analysed: bool = conn.query_row("SELECT COUNT(*) > 0 FROM sqlite_master WHERE name = 'sqlite_stat1'", [], |r| r.get(0))?;
    if version(conn)? != before && analysed {
        conn.execute_batch("PRAGMA analysis_limit = 0; ANALYZE;")?;
    }
    Ok(())
}

/// Records one change in the audit trail. `before`/`after` are JSON values.
/// `actor` is who made it: the logged-in user for the web (`PageCtx::actor`),
/// the command line's own name for the CLI.
#[allow(clippy::too_many_arguments)] // one audit row's columns, named at every call
pub fn audit(
    conn: &Connection,
    engagement_id: Option<i64>,
    actor: &str,
    entity: &str,
    entity_id: Option<i64>,
    action: &str,
    before: Option<&serde_json::Value>,
    after: Option<&serde_json::Value>,
) -> Result<(), AppError> {
    conn.prepare_cached(
        "INSERT INTO audit_log (engagement_id, actor, entity, entity_id, action, before, after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(rusqlite::params![
        engagement_id,
        actor,
        entity,
        entity_id,
        action,
        before.map(|v| v.to_string()),
        after.map(|v| v.to_string()),
    ])?;
    Ok(())
}

/// The latest audit entries of an engagement, newest first; narrowed to one
/// entity when `entity` is given (e.g. `("workload", 7)`).
pub fn audit_entries(
    conn: &Connection,
    engagement_id: i64,
    entity: Option<(&str, i64)>,
    limit: i64,
) -> Result<Vec<crate::audit::Entry>, AppError> {
    let (kind, id) = entity.map(|(k, i)| (Some(k.to_string()), Some(i))).unwrap_or((None, None));
    let mut stmt = conn.prepare_cached(
        "SELECT at, actor, entity, entity_id, action, before, after FROM audit_log
         WHERE engagement_id = ?1 AND (?2 IS NULL OR (entity = ?2 AND entity_id = ?3))
         ORDER BY id DESC LIMIT ?4",
    )?;
    let parse = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
    let rows = stmt.query_map(rusqlite::params![engagement_id, kind, id, limit], |r| {
        Ok(crate::audit::Entry {
            at: r.get(0)?,
            actor: r.get(1)?,
            entity: r.get(2)?,
            entity_id: r.get(3)?,
            action: r.get(4)?,
            before: parse(r.get(5)?),
            after: parse(r.get(6)?),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Refreshes the query planner's statistics after a large change (an
/// import, a whole derivation): planned on the counts of an empty table,
/// the architecture list read every summary of 5,000 applications per
/// request (85 requests a second instead of 1,300). Every table is looked
/// at; the sample limit keeps it to a fraction of a second at 100,000.
pub fn refresh_statistics(conn: &Connection) -> Result<(), AppError> {
    conn.execute_batch("PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Migration 20 keeps each assessment's main reason apart from its
    /// detail: what was read out of the detail before is what it holds.
    #[test]
    fn the_main_reason_moves_out_of_the_detail_as_it_was_read() {
        let mut conn = Connection::open_in_memory().unwrap();
        let migrations = Migrations::from_directory(&MIGRATIONS_DIR).unwrap();
        migrations.to_version(&mut conn, 19).unwrap();
        // The rows alone, without an engagement and workloads to refer to.
        conn.pragma_update(None, "foreign_keys", false).unwrap();
        let detail = r#"{"reasons":[{"rule":"a","points":{}},{"rule":"b","gate":"retire"}]}"#;
        conn.execute(
            "INSERT INTO assessments (workload_id, engagement_id, application_id, name, recommended, effective, confidence,
                risks_high, risks_medium, risks_low, jump_host, main_reason, detail)
             VALUES (1, 1, 0, 'w1', 'retire', 'retire', 0.5, 0, 0, 0, 0, 1, ?1), (2, 1, 0, 'w2', 'rehost', 'rehost', 0.5, 0, 0, 0, 0, NULL, ?1)",
            [detail],
        )
        .unwrap();
        migrations.to_latest(&mut conn).unwrap();
        let kept: Vec<Option<String>> = conn
            .prepare("SELECT main_reason_detail FROM assessments ORDER BY workload_id")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(kept, [Some(r#"{"rule":"b","gate":"retire"}"#.to_string()), None]);
    }

    #[test]
    fn an_id_list_is_read_back_by_json_each_in_its_order() {
        assert_eq!(id_list([]), "[]");
        assert_eq!(id_list([7]), "[7]");
        let conn = Connection::open_in_memory().unwrap();
        let back: Vec<i64> = conn
            .prepare("SELECT value FROM json_each(?1)")
            .unwrap()
            .query_map([id_list([3, -1, 9_007_199_254_740_993])], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(back, [3, -1, 9_007_199_254_740_993], "large ids are read back exactly");
    }

    #[test]
    fn opens_with_wal_foreign_keys_and_schema() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("t.db")).unwrap();
        db.with_conn(|c| {
            let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
            let fk: i64 = c.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
            let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            assert_eq!(mode, "wal");
            assert_eq!(fk, 1);
            assert!(version >= 1);
            Ok(())
        })
        .unwrap();
        assert!(db.is_healthy());
    }

    /// The tables an import fills row by row have no trigger on INSERT: with
    /// one, every row's insert copies the pages it changes into a statement
    /// journal (migration 18; it happened twice, 6.7 GB a 100,000-row import).
    #[test]
    fn no_trigger_fires_on_the_inserts_of_an_import() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("t.db")).unwrap();
        let triggers: Vec<String> = db
            .with_conn(|c| {
                Ok(c.prepare(
                    "SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name IN ('workloads', 'dependencies', 'answers')
                       AND sql LIKE '%INSERT ON%'",
                )?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?)
            })
            .unwrap();
        assert!(triggers.is_empty(), "{triggers:?}");
    }
}

/// Ids as one JSON array ("[3,17]"), bound as a single parameter and read
/// back by `w.id IN (SELECT value FROM json_each(?))`: a list of any length
/// in one statement, never spliced into the SQL.
pub(crate) fn id_list(ids: impl IntoIterator<Item = i64>) -> String {
    let mut out = String::from("[");
    for (i, id) in ids.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write!(out, "{id}").expect("writing to a String");
    }
    out.push(']');
    out
}

/// Escapes `%`, `_` and `\` so typed text matches literally in LIKE.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Which workloads of an engagement a page reads: all of them, one
/// application's, or one workload. Pages about one application or workload
/// load that, not the whole portfolio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Engagement,
    Application(i64),
    Workload(i64),
}

impl Scope {
    /// The condition on the workloads `w` (with `?1` the engagement id and
    /// `?2` the scope's id) and the parameters it needs.
    pub(crate) fn workloads(self, engagement_id: i64) -> (&'static str, Vec<i64>) {
        match self {
            Scope::Engagement => ("w.engagement_id = ?1", vec![engagement_id]),
            Scope::Application(app) => ("w.engagement_id = ?1 AND w.application_id = ?2", vec![engagement_id, app]),
            Scope::Workload(wid) => ("w.engagement_id = ?1 AND w.id = ?2", vec![engagement_id, wid]),
        }
    }

    /// The SQL of `select` (which reads from `w` joined as it needs) limited
    /// to the scope, and its parameters.
    pub fn sql(self, engagement_id: i64, select: &str, tail: &str) -> (String, Vec<i64>) {
        let (condition, params) = self.workloads(engagement_id);
        (format!("{select} WHERE {condition} {tail}"), params)
    }
}
