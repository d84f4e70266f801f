//! Questionnaire answers, the preference profile and the stored
//! recommendations (`assessments`), kept up to date by `rescore_engagement`.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, params};
use serde::Serialize;
use serde_json::json;

use crate::db::derived::Touched;
use crate::db::workloads::{APPLICATION_ID_COLUMN, SELECT_WORKLOAD_AND_APPLICATION_ID};
use crate::db::{Scope, applications, audit, engagements, suggestions, workloads};
use crate::error::{AppError, quoted};
use crate::i18n::Lang;
use crate::import::export::AssessmentRow;
use crate::inventory::Workload;
use crate::knowledge::Date;
use crate::scoring::facts::normalise_answer;
use crate::scoring::profile::PREFERENCE_KEY;
use crate::scoring::rules::QuestionKind;
use crate::scoring::{AnswerBook, Assessment, Context, Item, Profile, SubjectKind, rulebook, score_portfolio_with};
use crate::strategy::Strategy;

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
/// transaction, audited) and re-scores what they hold for. An empty value
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
    crate::db::derived::in_transaction(conn, |tx| set_checked_answers(tx, engagement_id, subjects, &checked, actor))
}

fn set_checked_answers(
    tx: &Connection,
    engagement_id: i64,
    subjects: &[(SubjectKind, i64)],
    checked: &[(String, String)],
    actor: &str,
) -> Result<Rescore, AppError> {
    let mut touched = Touched::new();
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
        for (question, value) in checked {
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
            audit(tx, Some(engagement_id), actor, "answers", Some(*id), kind.code(), Some(&before.into()), Some(&after.into()))?;
            touched = match kind {
                SubjectKind::Application => touched.application(*id),
                SubjectKind::Workload => touched.workload(tx, engagement_id, *id)?,
            };
        }
    }
    crate::db::derived::refresh(tx, engagement_id, touched)
}

/// The engagement's preference profile (defaults when never set).
pub fn profile(conn: &Connection, engagement_id: i64) -> Result<Profile, AppError> {
    Ok(Profile::from_preferences(&engagements::preferences(conn, engagement_id)?))
}

/// Saves the profile and re-scores the engagement: the result says what
/// moved, or is `None` while a large engagement is re-scored in the
/// background (`derived::rederive`).
pub fn set_profile(conn: &Connection, engagement_id: i64, profile: &Profile, actor: &str) -> Result<Option<Rescore>, AppError> {
    profile.validate().map_err(AppError::Invalid)?;
    crate::db::derived::in_transaction(conn, |tx| {
        engagements::set_preference(tx, engagement_id, PREFERENCE_KEY, &json!(profile), actor)?;
        crate::db::derived::rederive(tx, engagement_id)
    })
}

/// Workloads with the application each belongs to.
pub fn items(conn: &Connection, engagement_id: i64) -> Result<Vec<(Workload, Option<i64>)>, AppError> {
    items_in(conn, engagement_id, Scope::Engagement)
}

/// Scores the engagement from scratch without storing anything (what the
/// derived assessments must equal: the tests compare).
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

/// The scope's workloads, by name, with the application each belongs to.
pub fn items_in(conn: &Connection, engagement_id: i64, scope: Scope) -> Result<Vec<(Workload, Option<i64>)>, AppError> {
    let (sql, params) = scope.sql(engagement_id, SELECT_WORKLOAD_AND_APPLICATION_ID, "ORDER BY w.name");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), with_application_id)?;
    Ok(rows.collect::<Result<_, _>>()?)
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

fn with_application_id(r: &rusqlite::Row) -> rusqlite::Result<(Workload, Option<i64>)> {
    Ok((workloads::from_row(r)?, r.get(APPLICATION_ID_COLUMN)?))
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
/// application its roll-up and answers; the preference profile.
pub fn assessment_json(conn: &Connection, engagement_id: i64) -> Result<serde_json::Value, AppError> {
    engagements::get(conn, engagement_id)?;
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
    let applications: Vec<serde_json::Value> = applications::applications(conn, engagement_id)?
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
    fn a_new_workload_is_scored_by_the_write_that_creates_it() {
        let (_dir, db, id) = portfolio();
        db.with_conn(|c| {
            assert_eq!(stored(c, id)?.len(), 3, "every workload has its assessment as soon as it exists");
            let edited = workloads::find_by_name_or_hostname(c, id, "shop-web")?.unwrap();
            let before = detail(c, "shop-web");
            workloads::save(c, id, &Workload { powered_off: true, ..edited }, "t")?;
            assert_ne!(detail(c, "shop-web"), before, "the edit re-scored it");
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
            Ok(())
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
            assert!(single_point_of_failure(c, "shop-db"), "shop-db is now Shop's only database");
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
            assert!(single_point_of_failure(c, "shop-db"), "shop-db is now Shop's only database");
            assert!(single_point_of_failure(c, "shop-db-replica"), "and the moved one is Reports' only database");
            Ok(())
        })
        .unwrap();
    }
}
