//! Questionnaire answers, the preference profile and the stored
//! recommendations (`assessments`), kept up to date by `rescore_engagement`.

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;
use serde_json::json;

use crate::db::workloads::{APPLICATION_ID_COLUMN, SELECT_WORKLOAD_AND_APPLICATION_ID};
use crate::db::{audit, engagements, suggestions, workloads};
use crate::error::{AppError, quoted};
use crate::i18n::Lang;
use crate::inventory::Workload;
use crate::knowledge::Date;
use crate::scoring::facts::normalise_answer;
use crate::scoring::profile::PREFERENCE_KEY;
use crate::scoring::rules::QuestionKind;
use crate::scoring::{AnswerBook, Assessment, Context, Item, Profile, SubjectKind, SuggestedFact, rulebook, score_portfolio_with};
use crate::strategy::Strategy;

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
    fn workloads(self, engagement_id: i64) -> (&'static str, Vec<i64>) {
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

/// Every answer of the engagement.
pub fn answers(conn: &Connection, engagement_id: i64) -> Result<AnswerBook, AppError> {
    answers_in(conn, engagement_id, Scope::Engagement)
}

/// The answers that hold for the scope's workloads: their own and their
/// applications'.
pub fn answers_in(conn: &Connection, engagement_id: i64, scope: Scope) -> Result<AnswerBook, AppError> {
    let (sql, params) = match scope {
        Scope::Engagement => {
            ("SELECT subject_kind, subject_id, question, value FROM answers WHERE engagement_id = ?1".to_string(), vec![engagement_id])
        }
        _ => {
            let (condition, params) = scope.workloads(engagement_id);
            (
                format!(
                    "SELECT subject_kind, subject_id, question, value FROM answers
                     WHERE engagement_id = ?1 AND subject_kind = 'workload' AND subject_id IN (SELECT w.id FROM workloads w WHERE {condition})
                     UNION ALL
                     SELECT subject_kind, subject_id, question, value FROM answers
                     WHERE engagement_id = ?1 AND subject_kind = 'application'
                       AND subject_id IN (SELECT w.application_id FROM workloads w WHERE {condition}{also})",
                    also = if let Scope::Application(_) = scope { " UNION SELECT ?2" } else { "" }
                ),
                params,
            )
        }
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
    })?;
    let mut book = AnswerBook::default();
    for row in rows {
        let (kind, id, question, value) = row?;
        if let Some(kind) = SubjectKind::parse(&kind) {
            book.set(kind, id, &question, &value);
        }
    }
    Ok(book)
}

/// Checks one answer as typed; empty means "unknown" (the answer is removed).
pub fn check_answer(question: &str, raw: &str) -> Result<String, AppError> {
    let q = rulebook()
        .question(question)
        .ok_or_else(|| AppError::Invalid(format!("{} is not a question of the questionnaire", quoted(question))))?;
    let value = raw.trim();
    if value.is_empty() || value.eq_ignore_ascii_case("unknown") {
        return Ok(String::new());
    }
    if q.kind == QuestionKind::Text {
        if value.chars().count() > 10_000 {
            return Err(AppError::Invalid(format!("{}: keep it under 10,000 characters", q.en)));
        }
        return Ok(value.to_string());
    }
    let normal = normalise_answer(q.kind, &q.options, value);
    match normal {
        crate::scoring::Value::Unknown => Err(AppError::Invalid(match q.kind {
            QuestionKind::YesNo => format!("{}: answer yes, no or unknown, not {}", q.en, quoted(value)),
            QuestionKind::Number => format!("{}: give a number, not {}", q.en, quoted(value)),
            _ => format!("{}: choose one of {}, not {}", q.en, q.options.join(", "), quoted(value)),
        })),
        crate::scoring::Value::Num(n) if n < 0.0 => {
            Err(AppError::Invalid(format!("{}: give a positive number, not {}", q.en, quoted(value))))
        }
        other => Ok(other.display(Lang::En)),
    }
}

/// Sets the same answers on several applications or workloads at once (one
/// transaction, audited), then re-scores the engagement. An empty value
/// clears the answer (back to unknown, or to the application's answer).
pub fn set_answers(
    conn: &Connection,
    engagement_id: i64,
    subjects: &[(SubjectKind, i64)],
    values: &[(String, String)],
    actor: &str,
) -> Result<Rescore, AppError> {
    if subjects.is_empty() {
        return Err(AppError::Invalid("select at least one application or workload".into()));
    }
    let checked: Vec<(String, String)> =
        values.iter().map(|(q, v)| Ok((q.clone(), check_answer(q, v)?))).collect::<Result<_, AppError>>()?;
    let tx = conn.unchecked_transaction()?;
    for &(kind, ref id) in subjects {
        let table = match kind {
            SubjectKind::Application => "applications",
            SubjectKind::Workload => "workloads",
        };
        let exists: bool = tx.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE id = ?1 AND engagement_id = ?2)"),
            params![id, engagement_id],
            |r| r.get(0),
        )?;
        if !exists {
            return Err(AppError::NotFound(format!("{} {id}", kind.code())));
        }
        let mut before = serde_json::Map::new();
        let mut after = serde_json::Map::new();
        for (question, value) in &checked {
            let old: Option<String> = tx
                .prepare_cached("SELECT value FROM answers WHERE subject_kind = ?1 AND subject_id = ?2 AND question = ?3")?
                .query_row(params![kind.code(), id, question], |r| r.get(0))
                .ok();
            if old.as_deref().unwrap_or("") == value {
                continue;
            }
            before.insert(question.clone(), json!(old));
            after.insert(question.clone(), json!(value));
            if value.is_empty() {
                tx.prepare_cached("DELETE FROM answers WHERE subject_kind = ?1 AND subject_id = ?2 AND question = ?3")?
                    .execute(params![kind.code(), id, question])?;
            } else {
                tx.prepare_cached(
                    "INSERT INTO answers (engagement_id, subject_kind, subject_id, question, value)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (subject_kind, subject_id, question) DO UPDATE SET value = excluded.value",
                )?
                .execute(params![engagement_id, kind.code(), id, question, value])?;
            }
        }
        if !after.is_empty() {
            audit(&tx, Some(engagement_id), actor, "answers", Some(*id), kind.code(), Some(&before.into()), Some(&after.into()))?;
        }
    }
    let rescore = rescore_engagement(&tx, engagement_id)?;
    tx.commit()?;
    Ok(rescore)
}

/// The engagement's preference profile (defaults when never set).
pub fn profile(conn: &Connection, engagement_id: i64) -> Result<Profile, AppError> {
    Ok(Profile::from_preferences(&engagements::preferences(conn, engagement_id)?))
}

/// Saves the profile and re-scores; the result says what moved.
pub fn set_profile(conn: &Connection, engagement_id: i64, profile: &Profile, actor: &str) -> Result<Rescore, AppError> {
    profile.validate().map_err(AppError::Invalid)?;
    let tx = conn.unchecked_transaction()?;
    engagements::set_preference(&tx, engagement_id, PREFERENCE_KEY, &json!(profile), actor)?;
    let rescore = rescore_engagement(&tx, engagement_id)?;
    tx.commit()?;
    Ok(rescore)
}

/// Workloads with the application each belongs to.
pub fn items(conn: &Connection, engagement_id: i64) -> Result<Vec<(Workload, Option<i64>)>, AppError> {
    items_in(conn, engagement_id, Scope::Engagement)
}

/// The scope's workloads, by name, with the application each belongs to.
pub fn items_in(conn: &Connection, engagement_id: i64, scope: Scope) -> Result<Vec<(Workload, Option<i64>)>, AppError> {
    let (sql, params) = scope.sql(engagement_id, SELECT_WORKLOAD_AND_APPLICATION_ID, "ORDER BY w.name");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), with_application_id)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Scores the engagement without storing anything.
pub fn score(conn: &Connection, engagement_id: i64) -> Result<Vec<Assessment>, AppError> {
    let items = items(conn, engagement_id)?;
    let answers = answers(conn, engagement_id)?;
    let profile = profile(conn, engagement_id)?;
    let suggested = suggestions::scoring_facts_by_workload(conn, engagement_id)?;
    let refs: Vec<Item> = items
        .iter()
        .map(|(w, a)| Item { workload: w, application_id: *a, suggested: suggested.get(&w.id).map(Vec::as_slice).unwrap_or(&[]) })
        .collect();
    let applications = crate::db::applications::attributes(conn, engagement_id)?;
    let ctx = Context { today: Date::today(), applications: Some(&applications) };
    Ok(score_portfolio_with(&refs, &answers, &profile, &ctx))
}

/// How many workloads moved from one recommendation to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Move {
    /// None: the workload had no recommendation before.
    pub from: Option<Strategy>,
    pub to: Strategy,
    pub count: usize,
}

/// What a re-score did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Rescore {
    pub scored: usize,
    /// Workloads whose recommendation changed (new workloads included).
    pub moves: Vec<Move>,
}

/// Scores every workload of the engagement and stores the recommendations
/// in `assessments`. Call after imports and edits; joins the caller's
/// transaction when there is one.
pub fn rescore_engagement(conn: &Connection, engagement_id: i64) -> Result<Rescore, AppError> {
    rescore(conn, engagement_id, &[Scope::Engagement])
}

/// Above this many applications with a stale workload, re-scoring them one
/// by one costs more than one pass over the engagement.
const PARTIAL_RESCORE_LIMIT: usize = 200;

/// Re-scores what changed since the last scoring: the applications of the
/// stale workloads (a workload's score depends on its application's other
/// workloads), the stale workloads without one, and the applications a
/// workload left (migrations/06-rescore-applications). One edit at 100,000
/// workloads re-scores twenty, not everything.
fn rescore_stale(conn: &Connection, engagement_id: i64) -> Result<Rescore, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT w.id, w.application_id FROM workloads w LEFT JOIN assessments a ON a.workload_id = w.id
         WHERE w.engagement_id = ?1 AND (a.workload_id IS NULL OR a.workload_version IS NOT w.version)",
    )?;
    let mut scopes: HashSet<Scope> = conn
        .prepare_cached("SELECT application_id FROM applications_to_rescore WHERE engagement_id = ?1")?
        .query_map([engagement_id], |r| r.get(0).map(Scope::Application))?
        .collect::<Result<_, _>>()?;
    for row in stmt.query_map([engagement_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?)))? {
        scopes.insert(match row? {
            (_, Some(app)) => Scope::Application(app),
            (workload, None) => Scope::Workload(workload),
        });
        if scopes.len() > PARTIAL_RESCORE_LIMIT {
            return rescore_engagement(conn, engagement_id);
        }
    }
    rescore(conn, engagement_id, &scopes.into_iter().collect::<Vec<_>>())
}

/// Scores the workloads of `scopes` one application at a time and stores
/// each result at once: memory holds one application's workloads and
/// scores, not the portfolio's (hundreds of megabytes at 100,000 workloads).
fn rescore(conn: &Connection, engagement_id: i64, scopes: &[Scope]) -> Result<Rescore, AppError> {
    let own_tx = write_transaction(conn)?;
    let answers = answers(conn, engagement_id)?;
    let profile = profile(conn, engagement_id)?;
    // The whole engagement's suggestions in one read; a few applications'
    // workload by workload.
    let everyone =
        if scopes.contains(&Scope::Engagement) { Some(suggestions::scoring_facts_by_workload(conn, engagement_id)?) } else { None };
    let applications = crate::db::applications::attributes(conn, engagement_id)?;
    let ctx = Context { today: Date::today(), applications: Some(&applications) };
    let mut moves: BTreeMap<(Option<Strategy>, Strategy), usize> = BTreeMap::new();
    let mut scored = 0;
    {
        let mut before = conn.prepare_cached("SELECT recommended FROM assessments WHERE workload_id = ?1")?;
        let mut upsert = conn.prepare_cached(
            "INSERT INTO assessments (workload_id, engagement_id, recommended, detail, confidence, workload_version, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
             ON CONFLICT (workload_id) DO UPDATE SET recommended = excluded.recommended, detail = excluded.detail,
                 confidence = excluded.confidence, workload_version = excluded.workload_version, updated_at = excluded.updated_at",
        )?;
        let mut store = |group: &[(Workload, Option<i64>)]| -> Result<(), AppError> {
            let suggested: Vec<Vec<SuggestedFact>> = group
                .iter()
                .map(|(w, _)| match &everyone {
                    Some(all) => Ok(all.get(&w.id).cloned().unwrap_or_default()),
                    None => Ok(suggestions::scoring_facts(&suggestions::in_effect_for(conn, w)?)),
                })
                .collect::<Result<_, AppError>>()?;
            let items: Vec<Item> =
                group.iter().zip(&suggested).map(|((w, a), s)| Item { workload: w, application_id: *a, suggested: s }).collect();
            // score_portfolio answers in the order of `items`.
            for (a, (w, _)) in score_portfolio_with(&items, &answers, &profile, &ctx).into_iter().zip(group) {
                let old: Option<String> = before.query_row([a.workload_id], |r| r.get(0)).optional()?.flatten();
                if old.as_deref().and_then(Strategy::parse) != Some(a.recommended) {
                    *moves.entry((old.as_deref().and_then(Strategy::parse), a.recommended)).or_default() += 1;
                }
                let detail = serde_json::to_string(&a).map_err(|e| AppError::Internal(format!("assessment detail: {e}")))?;
                upsert.execute(params![a.workload_id, engagement_id, a.recommended.code(), detail, a.confidence, w.version])?;
                scored += 1;
            }
            Ok(())
        };
        for scope in scopes {
            for_each_application(conn, engagement_id, *scope, &mut store)?;
        }
    }
    if scopes.contains(&Scope::Engagement) {
        mark_scored(conn, engagement_id)?;
        conn.prepare_cached("UPDATE engagements SET scored_on = ?2 WHERE id = ?1")?
            .execute(params![engagement_id, ctx.today.to_string()])?;
    }
    if let Some(tx) = own_tx {
        tx.commit()?;
    }
    Ok(Rescore { scored, moves: moves.into_iter().map(|((from, to), count)| Move { from, to, count }).collect() })
}

fn with_application_id(r: &rusqlite::Row) -> rusqlite::Result<(Workload, Option<i64>)> {
    Ok((workloads::from_row(r)?, r.get(APPLICATION_ID_COLUMN)?))
}

/// Calls `each` with the scope's workloads one application at a time (a
/// workload without an application alone), streaming the rows in
/// application order.
fn for_each_application(
    conn: &Connection,
    engagement_id: i64,
    scope: Scope,
    each: &mut impl FnMut(&[(Workload, Option<i64>)]) -> Result<(), AppError>,
) -> Result<(), AppError> {
    let (sql, params) = scope.sql(engagement_id, SELECT_WORKLOAD_AND_APPLICATION_ID, "ORDER BY w.application_id, w.id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut group: Vec<(Workload, Option<i64>)> = Vec::new();
    for row in stmt.query_map(rusqlite::params_from_iter(params), with_application_id)? {
        let (w, app) = row?;
        if group.last().is_some_and(|(_, last)| last.is_none() || *last != app) {
            each(&group)?;
            group.clear();
        }
        group.push((w, app));
    }
    if !group.is_empty() {
        each(&group)?;
    }
    Ok(())
}

/// True when a workload was never scored or changed since its scoring (its
/// version moved; an edit that did not go through `rescore_engagement`).
/// Answered from the engagement's revision alone when nothing changed since
/// the last check; otherwise every workload is compared with its assessment.
pub fn is_stale(conn: &Connection, engagement_id: i64) -> Result<bool, AppError> {
    let (revision, scored, scored_on): (i64, i64, String) = conn
        .prepare_cached("SELECT revision, scored_revision, scored_on FROM engagements WHERE id = ?1")?
        .query_row([engagement_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?
        .ok_or_else(|| AppError::NotFound(format!("engagement {engagement_id}")))?;
    if scored_on != Date::today().to_string() {
        return Ok(true);
    }
    if revision == scored {
        return Ok(false);
    }
    let stale: bool = conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM workloads w LEFT JOIN assessments a ON a.workload_id = w.id
             WHERE w.engagement_id = ?1 AND (a.workload_id IS NULL OR a.workload_version IS NOT w.version))
             OR EXISTS (SELECT 1 FROM applications_to_rescore WHERE engagement_id = ?1)",
        )?
        .query_row([engagement_id], |r| r.get(0))?;
    if !stale {
        // Only if nothing changed while we looked.
        conn.prepare_cached("UPDATE engagements SET scored_revision = ?2 WHERE id = ?1 AND revision = ?2")?
            .execute([engagement_id, revision])?;
    }
    Ok(stale)
}

/// Remembers that the engagement is fully scored at its current revision:
/// no application waits to be scored again.
fn mark_scored(conn: &Connection, engagement_id: i64) -> Result<(), AppError> {
    conn.prepare_cached("UPDATE engagements SET scored_revision = revision WHERE id = ?1")?.execute([engagement_id])?;
    conn.prepare_cached("DELETE FROM applications_to_rescore WHERE engagement_id = ?1")?.execute([engagement_id])?;
    Ok(())
}

/// Re-scores what changed since the last scoring, if anything did.
pub fn ensure_scored(conn: &Connection, engagement_id: i64) -> Result<(), AppError> {
    if !is_stale(conn, engagement_id)? {
        return Ok(());
    }
    // Look again holding the write lock: no edit can slip in between the
    // re-score and the mark that says everything is scored.
    let own_tx = write_transaction(conn)?;
    if is_stale(conn, engagement_id)? {
        // End of support is judged against today: a new day scores everything once.
        let today = Date::today().to_string();
        let scored_on: String =
            conn.prepare_cached("SELECT scored_on FROM engagements WHERE id = ?1")?.query_row([engagement_id], |r| r.get(0))?;
        if scored_on == today {
            rescore_stale(conn, engagement_id)?;
        } else {
            rescore_engagement(conn, engagement_id)?;
        }
        mark_scored(conn, engagement_id)?;
    }
    if let Some(tx) = own_tx {
        tx.commit()?;
    }
    Ok(())
}

/// A transaction that takes the write lock at once (none when the caller's
/// transaction is open): a read-then-write one could find, when it comes to
/// write, that someone wrote since it read.
fn write_transaction(conn: &Connection) -> Result<Option<rusqlite::Transaction<'_>>, AppError> {
    Ok(if conn.is_autocommit() {
        Some(rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?)
    } else {
        None
    })
}

/// The stored assessments of the engagement, by workload id.
pub fn stored(conn: &Connection, engagement_id: i64) -> Result<HashMap<i64, Assessment>, AppError> {
    stored_in(conn, engagement_id, Scope::Engagement)
}

/// The stored assessments of the scope's workloads, by workload id.
pub fn stored_in(conn: &Connection, engagement_id: i64, scope: Scope) -> Result<HashMap<i64, Assessment>, AppError> {
    let (sql, params) = match scope {
        Scope::Engagement => ("SELECT workload_id, detail FROM assessments WHERE engagement_id = ?1".to_string(), vec![engagement_id]),
        _ => scope.sql(engagement_id, "SELECT a.workload_id, a.detail FROM assessments a JOIN workloads w ON w.id = a.workload_id", ""),
    };
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (id, detail) = row?;
        // A detail written by an older rule book that no longer reads is
        // simply absent until the next re-score.
        if let Ok(a) = serde_json::from_str::<Assessment>(&detail) {
            out.insert(id, a);
        }
    }
    Ok(out)
}

/// The assessment columns of the CSV export, per workload.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AssessmentRow {
    /// Strategy code (rehost, ...) or empty when unscored.
    pub recommended_strategy: String,
    /// The decision's strategy code, or empty.
    pub chosen_strategy: String,
    /// 0..=1, None when unscored.
    pub confidence: Option<f64>,
    /// S, M, L, XL or empty.
    pub effort: String,
    pub criticality: Option<i64>,
    pub priority: Option<i64>,
    /// All reasons with their points in one line (English).
    pub reasons: String,
    /// The same in Korean.
    pub reasons_ko: String,
}

/// Recommendation and decision columns for every workload that has either.
pub fn assessment_rows(conn: &Connection, engagement_id: i64) -> Result<HashMap<i64, AssessmentRow>, AppError> {
    let mut out: HashMap<i64, AssessmentRow> = HashMap::new();
    for (id, a) in stored(conn, engagement_id)? {
        out.insert(
            id,
            AssessmentRow {
                recommended_strategy: a.recommended.code().to_string(),
                confidence: Some(a.confidence),
                reasons: a.reasons_line(Lang::En),
                reasons_ko: a.reasons_line(Lang::Ko),
                ..AssessmentRow::default()
            },
        );
    }
    for (id, d) in crate::db::decisions::list(conn, engagement_id)? {
        let row = out.entry(id).or_default();
        row.chosen_strategy = d.decision.strategy.code().to_string();
        row.effort = d.decision.effort;
        row.criticality = d.decision.criticality;
        row.priority = d.decision.priority;
    }
    Ok(out)
}

/// Per question, how many of the given subjects have no answer.
pub fn unanswered(book: &AnswerBook, kind: SubjectKind, ids: &[i64]) -> usize {
    let questions: HashSet<&str> = rulebook().questions.iter().filter(|q| q.evidence).map(|q| q.id.as_str()).collect();
    ids.iter().map(|id| questions.iter().filter(|q| book.get(kind, *id, q).is_none()).count()).sum()
}

/// The whole assessment of an engagement as JSON (the read API and the JSON
/// export): per workload its assessment (scores, marks, reasons, risks,
/// confidence), decision, own answers and effective strategy; per
/// application its roll-up and answers; the preference profile. Re-scores
/// first when the stored results are stale.
pub fn assessment_json(conn: &Connection, engagement_id: i64) -> Result<serde_json::Value, AppError> {
    engagements::get(conn, engagement_id)?;
    ensure_scored(conn, engagement_id)?;
    let items = items(conn, engagement_id)?;
    let stored = stored(conn, engagement_id)?;
    let decisions = crate::db::decisions::list(conn, engagement_id)?;
    let answers = answers(conn, engagement_id)?;
    let book = rulebook();
    let answers_of = |kind: SubjectKind, id: i64| -> serde_json::Map<String, serde_json::Value> {
        book.questions.iter().filter_map(|q| answers.get(kind, id, &q.id).map(|v| (q.id.clone(), json!(v)))).collect()
    };
    let workloads: Vec<serde_json::Value> = items
        .iter()
        .map(|(w, app)| {
            let assessment = stored.get(&w.id);
            let decision = decisions.get(&w.id);
            json!({
                "id": w.id,
                "name": w.name,
                "application": w.application,
                "application_id": app,
                "environment": w.environment,
                "assessment": assessment.map(Assessment::with_sentences),
                "decision": decision,
                "effective_strategy": decision.map(|d| d.decision.strategy).or(assessment.map(|a| a.recommended)),
                "answers": answers_of(SubjectKind::Workload, w.id),
            })
        })
        .collect();
    let applications: Vec<serde_json::Value> = workloads::applications(conn, engagement_id)?
        .iter()
        .map(|a| {
            let list: Vec<&Assessment> =
                items.iter().filter(|(_, app)| *app == Some(a.id)).filter_map(|(w, _)| stored.get(&w.id)).collect();
            json!({
                "id": a.id,
                "name": a.name,
                "rollup": if list.is_empty() { None } else { Some(crate::scoring::roll_up(&list)) },
                "answers": answers_of(SubjectKind::Application, a.id),
            })
        })
        .collect();
    Ok(json!({
        "engagement_id": engagement_id,
        "profile": profile(conn, engagement_id)?,
        "workloads": workloads,
        "applications": applications,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;
    use crate::inventory::Engagement;

    /// Shop (a web and a database server) and a lone file server.
    fn portfolio() -> (tempfile::TempDir, Db, i64) {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("t.db")).unwrap();
        let id = db
            .with_conn(|c| {
                let id = engagements::create(c, &Engagement { name: "Scored".into(), ..Engagement::default_new() }, "t")?.id;
                for (name, app, role) in [("shop-web", "Shop", "web"), ("shop-db", "Shop", "db"), ("files", "", "file")] {
                    let w = Workload { name: name.into(), application: app.into(), role: role.into(), ..Workload::default() };
                    workloads::create(c, id, &w, "t")?;
                }
                Ok(id)
            })
            .unwrap();
        (dir, db, id)
    }

    fn detail(c: &Connection, name: &str) -> String {
        c.query_row("SELECT a.detail FROM assessments a JOIN workloads w ON w.id = a.workload_id WHERE w.name = ?1", [name], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn an_edit_in_the_same_second_is_scored_and_only_its_application_again() {
        let (_dir, db, id) = portfolio();
        db.with_conn(|c| {
            ensure_scored(c, id)?;
            assert!(!is_stale(c, id)?);
            let before = detail(c, "shop-web");
            // Timestamps would not tell this edit from the scoring: same second.
            c.execute("UPDATE workloads SET powered_off = 1, version = version + 1 WHERE name = 'shop-web'", [])?;
            assert!(is_stale(c, id)?, "the edit makes the engagement stale");
            let rescore = rescore_stale(c, id)?;
            assert_eq!(rescore.scored, 2, "Shop's two workloads are scored again, the lone file server is not");
            mark_scored(c, id)?;
            assert!(!is_stale(c, id)?);
            assert_ne!(detail(c, "shop-web"), before, "the new score reflects the edit");
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn a_full_rescore_streams_every_application_and_the_lone_workloads() {
        let (_dir, db, id) = portfolio();
        db.with_conn(|c| {
            let rescore = rescore_engagement(c, id)?;
            assert_eq!(rescore.scored, 3);
            assert_eq!(rescore.moves.iter().map(|m| m.count).sum::<usize>(), 3, "three newly scored workloads");
            assert!(!is_stale(c, id)?);
            assert_eq!(rescore_engagement(c, id)?.moves, Vec::new(), "nothing moves the second time");
            Ok(())
        })
        .unwrap();
    }

    /// Shop with two databases: neither is the only one.
    fn two_databases() -> (tempfile::TempDir, Db, i64) {
        let (dir, db, id) = portfolio();
        db.with_conn(|c| {
            let w = Workload { name: "shop-db-replica".into(), application: "Shop".into(), role: "db".into(), ..Workload::default() };
            workloads::create(c, id, &w, "t")?;
            ensure_scored(c, id)
        })
        .unwrap();
        (dir, db, id)
    }

    fn single_point_of_failure(c: &Connection, name: &str) -> bool {
        detail(c, name).contains("\"rule\":\"single_point_of_failure\"")
    }

    fn workload_named(c: &Connection, id: i64, name: &str) -> Workload {
        workloads::find_by_name_or_hostname(c, id, name).unwrap().unwrap()
    }

    #[test]
    fn deleting_a_database_scores_the_one_left_in_its_application_again() {
        let (_dir, db, id) = two_databases();
        db.with_conn(|c| {
            assert!(!single_point_of_failure(c, "shop-db"), "two databases: no single point of failure");
            let replica = workload_named(c, id, "shop-db-replica");
            workloads::delete(c, id, replica.id, "t")?;
            assert!(is_stale(c, id)?, "no workload changed, but Shop did");
            ensure_scored(c, id)?;
            assert!(single_point_of_failure(c, "shop-db"), "shop-db is now Shop's only database");
            assert!(!is_stale(c, id)?);
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn moving_a_database_out_scores_the_application_it_left_again() {
        let (_dir, db, id) = two_databases();
        db.with_conn(|c| {
            let mut replica = workload_named(c, id, "shop-db-replica");
            replica.application = "Reports".into();
            crate::db::applications::ensure_audited(c, id, "Reports", "t")?;
            workloads::save(c, id, &replica, "t")?;
            ensure_scored(c, id)?;
            assert!(single_point_of_failure(c, "shop-db"), "shop-db is now Shop's only database");
            assert!(single_point_of_failure(c, "shop-db-replica"), "and the moved one is Reports' only database");
            Ok(())
        })
        .unwrap();
    }
}
