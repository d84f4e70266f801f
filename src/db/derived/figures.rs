//! The `figures` table: sums of the assessments per application (0: the
//! workloads without one) and for the engagement (-1), kept by deltas.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params_from_iter};

use crate::error::AppError;
use crate::scoring::rules::slot;
use crate::scoring::{Severity, rulebook};
use crate::strategy::Strategy;

/// The engagement's own row.
pub const TOTALS: i64 = -1;

/// The columns, in the order of `Figures`.
pub const COLUMNS: [&str; 27] = [
    "applications",
    "workloads",
    "recommended_rehost",
    "recommended_replatform",
    "recommended_refactor",
    "recommended_retire",
    "recommended_retain",
    "recommended_repurchase",
    "decided_rehost",
    "decided_replatform",
    "decided_refactor",
    "decided_retire",
    "decided_retain",
    "decided_repurchase",
    "effective_rehost",
    "effective_replatform",
    "effective_refactor",
    "effective_retire",
    "effective_retain",
    "effective_repurchase",
    "risks_high",
    "risks_medium",
    "risks_low",
    "low_confidence",
    "jump_hosts",
    "answered",
    "open_applications",
];

const APPLICATIONS: usize = 0;
const WORKLOADS: usize = 1;
const RECOMMENDED: usize = 2;
const DECIDED: usize = 8;
const EFFECTIVE: usize = 14;
const RISKS: usize = 20;
const LOW_CONFIDENCE: usize = 23;
const JUMP_HOSTS: usize = 24;
const ANSWERED: usize = 25;
const OPEN_APPLICATIONS: usize = 26;

/// Below this confidence a recommendation counts as uncertain.
pub const LOW_CONFIDENCE_BELOW: f64 = 0.5;

/// One row of `figures` (or a change to one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Figures(pub [i64; 27]);

impl Figures {
    pub fn applications(&self) -> i64 {
        self.0[APPLICATIONS]
    }
    pub fn workloads(&self) -> i64 {
        self.0[WORKLOADS]
    }
    pub fn recommended(&self, s: Strategy) -> i64 {
        self.0[RECOMMENDED + slot(s)]
    }
    pub fn decided(&self, s: Strategy) -> i64 {
        self.0[DECIDED + slot(s)]
    }
    pub fn effective(&self, s: Strategy) -> i64 {
        self.0[EFFECTIVE + slot(s)]
    }
    pub fn risks(&self, s: Severity) -> i64 {
        self.0[RISKS + Severity::ALL.iter().position(|x| *x == s).unwrap_or(0)]
    }
    pub fn low_confidence(&self) -> i64 {
        self.0[LOW_CONFIDENCE]
    }
    pub fn jump_hosts(&self) -> i64 {
        self.0[JUMP_HOSTS]
    }
    pub fn answered(&self) -> i64 {
        self.0[ANSWERED]
    }
    pub fn open_applications(&self) -> i64 {
        self.0[OPEN_APPLICATIONS]
    }

    /// The strategy most of its workloads go with (`strategy::application_strategy`).
    pub fn application_strategy(&self, count: impl Fn(&Figures, Strategy) -> i64) -> Option<Strategy> {
        let best = Strategy::ALL.iter().map(|s| count(self, *s)).max()?;
        if best <= 0 {
            return None;
        }
        Strategy::ALL.into_iter().find(|s| count(self, *s) == best)
    }

    fn add(&mut self, other: &Figures, sign: i64) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a += sign * b;
        }
    }

    fn is_zero(&self) -> bool {
        self.0.iter().all(|v| *v == 0)
    }
}

/// What one assessed workload counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Counted {
    /// The figures row it is counted in (0: no application).
    pub application_id: i64,
    pub recommended: Strategy,
    pub decided: Option<Strategy>,
    pub effective: Strategy,
    pub confidence: f64,
    /// Risks per severity, in `Severity::ALL` order.
    pub risks: [i64; 3],
    pub jump_host: bool,
}

impl Counted {
    pub fn figures(&self) -> Figures {
        let mut f = [0i64; 27];
        f[WORKLOADS] = 1;
        f[RECOMMENDED + slot(self.recommended)] = 1;
        if let Some(d) = self.decided {
            f[DECIDED + slot(d)] = 1;
        }
        f[EFFECTIVE + slot(self.effective)] = 1;
        f[RISKS..RISKS + 3].copy_from_slice(&self.risks);
        f[LOW_CONFIDENCE] = i64::from(self.confidence < LOW_CONFIDENCE_BELOW);
        f[JUMP_HOSTS] = i64::from(self.jump_host);
        Figures(f)
    }
}

/// How many evidence questions the questionnaire asks per application.
pub fn evidence_questions() -> i64 {
    rulebook().questions.iter().filter(|q| q.evidence).count() as i64
}

/// What an application counts by itself: one application, its answered
/// evidence questions, and whether some are still open.
pub fn application_part(exists: bool, answered: i64) -> Figures {
    let mut f = [0i64; 27];
    if exists {
        f[APPLICATIONS] = 1;
        f[ANSWERED] = answered;
        f[OPEN_APPLICATIONS] = i64::from(answered < evidence_questions());
    }
    Figures(f)
}

/// The application part of a stored row.
pub fn application_part_of(f: &Figures) -> Figures {
    let mut out = [0i64; 27];
    for i in [APPLICATIONS, ANSWERED, OPEN_APPLICATIONS] {
        out[i] = f.0[i];
    }
    Figures(out)
}

/// Changes to figures rows gathered during one derivation, written at once.
#[derive(Debug, Default)]
pub struct Deltas(HashMap<i64, Figures>);

impl Deltas {
    /// Adds `f` (`sign` 1) or takes it away (-1) from the application's row
    /// and the engagement's.
    pub fn change(&mut self, application_id: i64, f: &Figures, sign: i64) {
        self.0.entry(application_id).or_default().add(f, sign);
        self.0.entry(TOTALS).or_default().add(f, sign);
    }

    /// Writes the changes.
    pub fn flush(&mut self, conn: &Connection, engagement_id: i64) -> Result<(), AppError> {
        let sql = format!(
            "INSERT INTO figures (engagement_id, application_id, {cols}) VALUES (?1, ?2, {marks})
             ON CONFLICT (engagement_id, application_id) DO UPDATE SET {sums}",
            cols = COLUMNS.join(", "),
            marks = (3..3 + COLUMNS.len()).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", "),
            sums = COLUMNS.iter().map(|c| format!("{c} = {c} + excluded.{c}")).collect::<Vec<_>>().join(", "),
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        for (app, f) in self.0.drain() {
            if f.is_zero() {
                continue;
            }
            let values = [engagement_id, app].into_iter().chain(f.0);
            stmt.execute(params_from_iter(values))?;
        }
        Ok(())
    }
}

fn select_columns() -> String {
    COLUMNS.join(", ")
}

fn from_row(r: &rusqlite::Row, first: usize) -> rusqlite::Result<Figures> {
    let mut f = [0i64; 27];
    for (i, v) in f.iter_mut().enumerate() {
        *v = r.get(first + i)?;
    }
    Ok(Figures(f))
}

/// The row of one application (0: no application; `TOTALS`), zeros when none.
pub fn get(conn: &Connection, engagement_id: i64, application_id: i64) -> Result<Figures, AppError> {
    let sql = format!("SELECT {} FROM figures WHERE engagement_id = ?1 AND application_id = ?2", select_columns());
    Ok(conn.prepare_cached(&sql)?.query_row([engagement_id, application_id], |r| from_row(r, 0)).optional()?.unwrap_or_default())
}

/// Every row of the engagement but the totals, by application id.
pub fn all(conn: &Connection, engagement_id: i64) -> Result<HashMap<i64, Figures>, AppError> {
    let sql = format!("SELECT application_id, {} FROM figures WHERE engagement_id = ?1 AND application_id <> -1", select_columns());
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([engagement_id], |r| Ok((r.get(0)?, from_row(r, 1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Removes the row of an application that no longer exists, taking what it
/// still counts out of the totals.
pub fn remove(conn: &Connection, engagement_id: i64, application_id: i64) -> Result<(), AppError> {
    let left = get(conn, engagement_id, application_id)?;
    conn.prepare_cached("DELETE FROM figures WHERE engagement_id = ?1 AND application_id = ?2")?
        .execute([engagement_id, application_id])?;
    let mut deltas = Deltas::default();
    deltas.0.entry(TOTALS).or_default().add(&left, -1);
    deltas.flush(conn, engagement_id)
}

/// Every row computed from the assessments and answers alone: what the
/// kept rows must equal (the tests compare), and what a whole derivation
/// writes at its end.
pub fn from_scratch(conn: &Connection, engagement_id: i64) -> Result<HashMap<i64, Figures>, AppError> {
    let mut rows: HashMap<i64, Figures> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT application_id, recommended, decided, effective, confidence, risks_high, risks_medium, risks_low, jump_host
         FROM assessments WHERE engagement_id = ?1",
    )?;
    let mut found = stmt.query([engagement_id])?;
    let strategy = |r: &rusqlite::Row, i: usize| -> rusqlite::Result<Option<Strategy>> {
        Ok(r.get::<_, Option<String>>(i)?.and_then(|c| Strategy::parse(&c)))
    };
    while let Some(r) = found.next()? {
        let (Some(recommended), Some(effective)) = (strategy(r, 1)?, strategy(r, 3)?) else { continue };
        let counted = Counted {
            application_id: r.get(0)?,
            recommended,
            decided: strategy(r, 2)?,
            effective,
            confidence: r.get(4)?,
            risks: [r.get(5)?, r.get(6)?, r.get(7)?],
            jump_host: r.get(8)?,
        };
        let f = counted.figures();
        rows.entry(counted.application_id).or_default().add(&f, 1);
        rows.entry(TOTALS).or_default().add(&f, 1);
    }
    let mut apps = conn.prepare_cached("SELECT id FROM applications WHERE engagement_id = ?1")?;
    let ids: Vec<i64> = apps.query_map([engagement_id], |r| r.get(0))?.collect::<Result<_, _>>()?;
    for id in ids {
        let part = application_part(true, answered(conn, engagement_id, id)?);
        rows.entry(id).or_default().add(&part, 1);
        rows.entry(TOTALS).or_default().add(&part, 1);
    }
    Ok(rows)
}

/// Replaces every row of the engagement with `rows`.
pub fn replace(conn: &Connection, engagement_id: i64, rows: HashMap<i64, Figures>) -> Result<(), AppError> {
    conn.prepare_cached("DELETE FROM figures WHERE engagement_id = ?1")?.execute([engagement_id])?;
    let mut deltas = Deltas(HashMap::new());
    for (app, f) in rows {
        // Straight in: no totals to add to, the totals row is among them.
        deltas.0.insert(app, f);
    }
    deltas.flush(conn, engagement_id)
}

/// The evidence questions answered (known answers) for an application.
pub fn answered(conn: &Connection, engagement_id: i64, application_id: i64) -> Result<i64, AppError> {
    let book = rulebook();
    let mut stmt = conn.prepare_cached(
        "SELECT question, value FROM answers WHERE engagement_id = ?1 AND subject_kind = 'application' AND subject_id = ?2",
    )?;
    let mut rows = stmt.query([engagement_id, application_id])?;
    let mut n = 0;
    while let Some(r) = rows.next()? {
        let (question, value): (String, String) = (r.get(0)?, r.get(1)?);
        if book.question(&question).is_some_and(|q| q.evidence) && crate::scoring::is_known_answer(&value) {
            n += 1;
        }
    }
    Ok(n)
}
