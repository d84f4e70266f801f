//! A field's source (imported, suggested, confirmed, edited, conflict) read
//! from its stored suggestions and edit mark, and the suggestions in effect
//! as the export and the scoring read them.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, params};

use super::{ACCEPTED, Candidate, FieldState, PENDING, Provenance, REJECTED, Stored, current, parse_evidence};
use crate::enrich::{Evidence, Field};
use crate::error::AppError;
use crate::inventory::Workload;

/// The source of a field from its stored suggestions and edit mark.
fn provenance(value: &str, rows: &[Stored], edited: bool) -> Option<(Provenance, Vec<Candidate>)> {
    let candidate = |s: &Stored| Candidate { value: s.value.clone(), evidence: parse_evidence(&s.evidence) };
    if edited {
        return Some((Provenance::Edited, Vec::new()));
    }
    let pending: Vec<&Stored> = rows.iter().filter(|s| s.status == PENDING).collect();
    if !value.is_empty() {
        if let Some(s) = pending.iter().find(|s| s.value == value) {
            return Some((Provenance::Suggested, vec![candidate(s)]));
        }
        if let Some(s) = rows.iter().find(|s| s.status == ACCEPTED && s.value == value) {
            return Some((Provenance::Confirmed, vec![candidate(s)]));
        }
        return None;
    }
    (!pending.is_empty()).then(|| (Provenance::Conflict, pending.into_iter().map(candidate).collect()))
}

/// The fields of `w` that suggestions filled, confirmed or wait on, and
/// those the consultant typed (any field); imported values are left out.
pub fn states(conn: &Connection, w: &Workload) -> Result<Vec<FieldState>, AppError> {
    Ok(states_of(conn, std::slice::from_ref(w))?.remove(&w.id).unwrap_or_default())
}

/// `states` of each workload (a page of the table), by id: two statements
/// for them all, not two per workload.
pub fn states_of(conn: &Connection, workloads: &[Workload]) -> Result<HashMap<i64, Vec<FieldState>>, AppError> {
    let ids = crate::db::id_list(workloads.iter().map(|w| w.id));
    let mut rows: HashMap<(i64, Field), Vec<Stored>> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT workload_id, field, value, status, evidence FROM suggestions
         WHERE workload_id IN (SELECT value FROM json_each(?1)) AND status != ?2",
    )?;
    for row in stmt.query_map(params![ids, REJECTED], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, Stored { value: r.get(2)?, status: r.get(3)?, evidence: r.get(4)? }))
    })? {
        let (id, field, stored) = row?;
        if let Some(f) = Field::parse(&field) {
            rows.entry((id, f)).or_default().push(stored);
        }
    }
    let mut edited: HashMap<i64, HashSet<String>> = HashMap::new();
    let mut stmt =
        conn.prepare_cached("SELECT workload_id, field FROM edited_fields WHERE workload_id IN (SELECT value FROM json_each(?1))")?;
    for row in stmt.query_map([&ids], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))? {
        let (id, field) = row?;
        edited.entry(id).or_default().insert(field);
    }
    let mut out = HashMap::new();
    for w in workloads {
        let mut states = Vec::new();
        for field in Field::ALL {
            let list = rows.get(&(w.id, field)).map(Vec::as_slice).unwrap_or(&[]);
            let typed = edited.get(&w.id).is_some_and(|typed| typed.contains(field.code()));
            if let Some((source, candidates)) = provenance(current(w, field), list, typed) {
                states.push(FieldState { field, source, candidates });
            }
        }
        out.insert(w.id, states);
    }
    Ok(out)
}

/// Which fields of `w` the consultant typed (every field, not only the suggestible ones).
pub fn edited(conn: &Connection, workload_id: i64) -> Result<HashSet<String>, AppError> {
    Ok(conn
        .prepare_cached("SELECT field FROM edited_fields WHERE workload_id = ?1")?
        .query_map([workload_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?)
}

/// Per workload, the fields whose value is a suggestion nobody confirmed
/// yet (for the CSV export's `suggested` column), in `Field::ALL` order.
pub fn unconfirmed(conn: &Connection, engagement_id: i64) -> Result<HashMap<i64, Vec<&'static str>>, AppError> {
    let mut out: HashMap<i64, Vec<&'static str>> = HashMap::new();
    for (id, fact) in in_effect(conn, engagement_id)? {
        out.entry(id).or_default().push(fact.field.code());
    }
    for list in out.values_mut() {
        list.sort_by_key(|f| Field::ALL.iter().position(|x| x.code() == *f));
    }
    Ok(out)
}

/// A suggestion in effect: the workload's field holds its value and nobody
/// has confirmed it.
#[derive(Debug, Clone)]
pub struct InEffect {
    pub field: Field,
    pub value: String,
    pub evidence: Vec<Evidence>,
}

/// The suggestions in effect for every workload of the engagement.
pub fn in_effect(conn: &Connection, engagement_id: i64) -> Result<Vec<(i64, InEffect)>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.workload_id, s.field, s.value, s.evidence FROM suggestions s
         JOIN workloads w ON w.id = s.workload_id LEFT JOIN applications a ON a.id = w.application_id
         WHERE s.engagement_id = ?1 AND s.status = 'pending'
           AND s.value = CASE s.field WHEN 'role' THEN w.role WHEN 'db_engine' THEN w.db_engine
                                      WHEN 'os_version' THEN w.os_version WHEN 'application' THEN a.name END",
    )?;
    let rows = stmt.query_map([engagement_id], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, field, value, evidence) = row?;
        if let Some(field) = Field::parse(&field) {
            out.push((id, InEffect { field, value, evidence: parse_evidence(&evidence) }));
        }
    }
    Ok(out)
}

/// The suggestions in effect for one workload (a few index look-ups: for
/// scoring one application again without reading the engagement's).
pub fn in_effect_for(conn: &Connection, w: &Workload) -> Result<Vec<InEffect>, AppError> {
    let mut stmt = conn.prepare_cached("SELECT field, value, evidence FROM suggestions WHERE workload_id = ?1 AND status = 'pending'")?;
    let rows = stmt.query_map([w.id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (field, value, evidence) = row?;
        if let Some(field) = Field::parse(&field).filter(|f| current(w, *f) == value) {
            out.push(InEffect { field, value, evidence: parse_evidence(&evidence) });
        }
    }
    Ok(out)
}

/// The suggestions in effect as the scoring reads them.
pub fn scoring_facts(list: &[InEffect]) -> Vec<crate::scoring::SuggestedFact> {
    list.iter()
        .map(|f| crate::scoring::SuggestedFact { field: f.field.code().to_string(), value: f.value.clone(), evidence: f.evidence.clone() })
        .collect()
}

/// The scoring facts of every workload of the engagement with suggestions in effect.
pub fn scoring_facts_by_workload(
    conn: &Connection,
    engagement_id: i64,
) -> Result<HashMap<i64, Vec<crate::scoring::SuggestedFact>>, AppError> {
    let mut grouped: HashMap<i64, Vec<InEffect>> = HashMap::new();
    for (id, f) in in_effect(conn, engagement_id)? {
        grouped.entry(id).or_default().push(f);
    }
    Ok(grouped.into_iter().map(|(id, list)| (id, scoring_facts(&list))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(value: &str, status: &str) -> Stored {
        Stored { value: value.into(), status: status.into(), evidence: "[]".into() }
    }

    #[test]
    fn a_fields_source_is_read_from_its_suggestions_and_edit_mark() {
        let rows = [stored("db", PENDING)];
        assert_eq!(provenance("db", &rows, false).map(|p| p.0), Some(Provenance::Suggested));
        assert_eq!(provenance("web", &rows, false), None, "a value nobody suggested is imported");
        assert_eq!(provenance("db", &[stored("db", ACCEPTED)], false).map(|p| p.0), Some(Provenance::Confirmed));
        assert_eq!(provenance("db", &rows, true).map(|p| p.0), Some(Provenance::Edited));
        let two = [stored("db", PENDING), stored("web", PENDING)];
        let conflict = provenance("", &two, false).unwrap();
        assert_eq!(conflict.0, Provenance::Conflict);
        assert_eq!(conflict.1.len(), 2);
        assert_eq!(provenance("", &[stored("db", REJECTED)], false), None);
    }
}
