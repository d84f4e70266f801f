//! Discovery suggestions in storage: what source files said beyond sixr's
//! fields (`workload_discovery`), the suggestions `enrich` makes of it with
//! their evidence (`suggestions`), and the values consultants typed
//! (`edited_fields`). migrations/09-enrichment says how a field's source
//! (imported, suggested, confirmed, edited) is read from these.

use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, params};
use serde::Serialize;
use serde_json::json;

use crate::db::audit;
use crate::db::derived::{Touched, in_transaction};
use crate::db::workloads::WorkloadQuery;
use crate::enrich::{self, Evidence, Field, Subject};
use crate::error::AppError;
use crate::inventory::{Discovered, WORKLOAD_FIELDS, Workload};

/// Where a field's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    Imported,
    /// A pending suggestion fills the field.
    Suggested,
    /// The consultant accepted the suggestion in the field.
    Confirmed,
    /// The consultant typed the value.
    Edited,
    /// Several suggestions disagree; the field waits for the consultant's pick.
    Conflict,
}

impl Provenance {
    pub fn code(self) -> &'static str {
        match self {
            Provenance::Imported => "imported",
            Provenance::Suggested => "suggested",
            Provenance::Confirmed => "confirmed",
            Provenance::Edited => "edited",
            Provenance::Conflict => "conflict",
        }
    }
}

/// A suggested value with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub value: String,
    pub evidence: Vec<Evidence>,
}

/// A field of one workload whose value is not simply imported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldState {
    pub field: Field,
    pub source: Provenance,
    /// The suggestion in the field (suggested, confirmed) or the ones to
    /// pick from (conflict).
    pub candidates: Vec<Candidate>,
}

/// Suggestion statuses as stored.
const PENDING: &str = "pending";
const ACCEPTED: &str = "accepted";
const REJECTED: &str = "rejected";

/// A stored suggestion.
#[derive(Debug, Clone)]
struct Stored {
    value: String,
    status: String,
    evidence: String,
}

fn parse_evidence(raw: &str) -> Vec<Evidence> {
    serde_json::from_str(raw).unwrap_or_default()
}

fn evidence_json(evidence: &[Evidence]) -> String {
    serde_json::to_string(evidence).unwrap_or_else(|_| "[]".into())
}

/// The value of a suggestible field as the workload holds it.
fn current(w: &Workload, field: Field) -> &str {
    match field {
        Field::Role => &w.role,
        Field::Application => &w.application,
        Field::DbEngine => &w.db_engine,
        Field::OsVersion => &w.os_version,
    }
}

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
    let mut rows: HashMap<Field, Vec<Stored>> = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT field, value, status, evidence FROM suggestions WHERE workload_id = ?1 AND status != ?2")?;
    for row in stmt.query_map(params![w.id, REJECTED], |r| {
        Ok((r.get::<_, String>(0)?, Stored { value: r.get(1)?, status: r.get(2)?, evidence: r.get(3)? }))
    })? {
        let (field, stored) = row?;
        if let Some(f) = Field::parse(&field) {
            rows.entry(f).or_default().push(stored);
        }
    }
    let edited: HashSet<String> = conn
        .prepare_cached("SELECT field FROM edited_fields WHERE workload_id = ?1")?
        .query_map([w.id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::new();
    for field in Field::ALL {
        let list = rows.get(&field).map(Vec::as_slice).unwrap_or(&[]);
        if let Some((source, candidates)) = provenance(current(w, field), list, edited.contains(field.code())) {
            out.push(FieldState { field, source, candidates });
        }
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

/// Keeps what a source file said beyond sixr's fields, replacing what an
/// earlier file said (a file that says nothing more leaves it).
pub fn store_discovered(conn: &Connection, engagement_id: i64, workload_id: i64, d: &Discovered) -> Result<(), AppError> {
    if d.is_empty() {
        return Ok(());
    }
    let attributes = serde_json::to_string(d).map_err(|e| AppError::Internal(format!("discovered attributes: {e}")))?;
    conn.prepare_cached(
        "INSERT INTO workload_discovery (workload_id, engagement_id, attributes) VALUES (?1, ?2, ?3)
         ON CONFLICT (workload_id) DO UPDATE SET attributes = excluded.attributes",
    )?
    .execute(params![workload_id, engagement_id, attributes])?;
    Ok(())
}

/// What the source files said about one workload beyond sixr's fields.
pub fn discovered(conn: &Connection, workload_id: i64) -> Result<Discovered, AppError> {
    let raw: Option<String> = conn
        .prepare_cached("SELECT attributes FROM workload_discovery WHERE workload_id = ?1")?
        .query_row([workload_id], |r| r.get(0))
        .map(Some)
        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })?;
    Ok(raw.and_then(|r| serde_json::from_str(&r).ok()).unwrap_or_default())
}

/// A re-import of a workload: a field the file leaves empty keeps the value
/// the consultant typed or a suggestion gave (the file knows nothing new);
/// a field the file fills is the file's again (imported).
pub fn keep_curated(conn: &Connection, existing: &Workload, incoming: &mut Workload) -> Result<(), AppError> {
    let edited = edited(conn, existing.id)?;
    let suggested: HashSet<(String, String)> = conn
        .prepare_cached("SELECT field, value FROM suggestions WHERE workload_id = ?1 AND status != 'rejected'")?
        .query_map([existing.id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut now_imported = Vec::new();
    for f in WORKLOAD_FIELDS {
        let (old, new) = (existing.field_text(f.name), incoming.field_text(f.name));
        let curated = edited.contains(f.name) || suggested.contains(&(f.name.to_string(), old.clone()));
        if new.is_empty() && !old.is_empty() && curated {
            // Checked when it was saved; it reads back the same.
            let _ = incoming.set_field(f.name, &old);
        } else if !new.is_empty() && edited.contains(f.name) {
            now_imported.push(f.name);
        }
    }
    for field in now_imported {
        conn.prepare_cached("DELETE FROM edited_fields WHERE workload_id = ?1 AND field = ?2")?.execute(params![existing.id, field])?;
    }
    Ok(())
}

/// The OS version the product knowledge reads out of an OS string
/// ("Red Hat Enterprise Linux 8 (64-bit)" → "8"); none for a string it
/// does not recognise or that names no version ("2016 or later").
fn os_version_of(os: &str) -> Option<String> {
    crate::knowledge::os::parse(os).map(|r| r.version).filter(|v| !v.is_empty())
}

/// What a refresh did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Refreshed {
    /// Suggestions waiting for the consultant (conflicts counted per candidate).
    pub pending: usize,
    /// Fields with disagreeing suggestions.
    pub conflicts: usize,
    /// Workloads whose fields changed.
    pub workloads_changed: usize,
}

/// One workload as a refresh reads it.
struct Row {
    w: Workload,
    application_id: Option<i64>,
}

/// The new value of the four suggestible fields of a workload.
struct Target {
    values: [String; 4],
}

/// Computes the engagement's suggestions again (after the vocabulary in
/// rules/enrichment.toml changed, say), audited, and derives the engagement
/// anew: any workload's fields may have moved.
pub fn recompute(conn: &Connection, engagement_id: i64, actor: &str) -> Result<Refreshed, AppError> {
    in_transaction(conn, |tx| {
        crate::db::engagements::get(tx, engagement_id)?;
        let done = refresh(tx, engagement_id)?;
        let after = json!({ "waiting": done.pending, "conflicts": done.conflicts, "workloads_changed": done.workloads_changed });
        audit(tx, Some(engagement_id), actor, "suggestions", None, "refresh", None, Some(&after))?;
        if done.workloads_changed > 0 {
            crate::db::derived::rederive(tx, engagement_id)?;
        }
        Ok(done)
    })
}

/// Computes the engagement's suggestions again from what its files said
/// and writes the difference: new suggestions fill their empty fields,
/// suggestions no longer made leave them, conflicts empty them. Fields the
/// file or the consultant filled, accepted and rejected suggestions stay.
/// Call inside the caller's transaction (the import's).
pub fn refresh(conn: &Connection, engagement_id: i64) -> Result<Refreshed, AppError> {
    let rows = load_rows(conn, engagement_id)?;
    let discovered = load_discovered(conn, engagement_id)?;
    let mut stored: HashMap<(i64, Field), Vec<Stored>> = HashMap::new();
    {
        let mut stmt =
            conn.prepare_cached("SELECT workload_id, field, value, status, evidence FROM suggestions WHERE engagement_id = ?1")?;
        let it = stmt.query_map([engagement_id], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, Stored { value: r.get(2)?, status: r.get(3)?, evidence: r.get(4)? }))
        })?;
        for row in it {
            let (id, field, s) = row?;
            if let Some(f) = Field::parse(&field) {
                stored.entry((id, f)).or_default().push(s);
            }
        }
    }
    let mut edited: HashSet<(i64, Field)> = HashSet::new();
    for row in conn
        .prepare_cached("SELECT workload_id, field FROM edited_fields WHERE engagement_id = ?1")?
        .query_map([engagement_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?
    {
        let (id, field) = row?;
        if let Some(f) = Field::parse(&field) {
            edited.insert((id, f));
        }
    }
    let known: Vec<String> = conn
        .prepare_cached("SELECT name FROM applications WHERE engagement_id = ?1")?
        .query_map([engagement_id], |r| r.get(0))?
        .collect::<Result<_, _>>()?;

    // A field is open when nobody typed it and it is empty or a pending suggestion's.
    let open = |r: &Row, f: Field| -> bool {
        let value = current(&r.w, f);
        !edited.contains(&(r.w.id, f))
            && (value.is_empty() || stored.get(&(r.w.id, f)).is_some_and(|l| l.iter().any(|s| s.status == PENDING && s.value == value)))
    };
    let none = Discovered::default();
    let subjects: Vec<Subject> = rows
        .iter()
        .map(|r| {
            let settled = |f: Field| if open(r, f) { "" } else { current(&r.w, f) };
            Subject {
                id: r.w.id,
                name: &r.w.name,
                hostname: &r.w.hostname,
                os: &r.w.os,
                role: settled(Field::Role),
                application: settled(Field::Application),
                db_engine: settled(Field::DbEngine),
                os_version: settled(Field::OsVersion),
                discovered: discovered.get(&r.w.id).unwrap_or(&none),
            }
        })
        .collect();
    let known_refs: Vec<&str> = known.iter().map(String::as_str).collect();
    let mut found: HashMap<(i64, Field), Vec<enrich::Suggestion>> = HashMap::new();
    for s in enrich::suggest(&subjects, &known_refs, &os_version_of) {
        found.entry((s.workload_id, s.field)).or_default().push(s);
    }
    drop(subjects);

    let mut out = Refreshed::default();
    let mut delete = conn.prepare_cached("DELETE FROM suggestions WHERE workload_id = ?1 AND field = ?2 AND value = ?3")?;
    let mut upsert = conn.prepare_cached(
        "INSERT INTO suggestions (workload_id, field, value, engagement_id, status, evidence) VALUES (?1, ?2, ?3, ?4, 'pending', ?5)
         ON CONFLICT (workload_id, field, value) DO UPDATE SET evidence = excluded.evidence",
    )?;
    let mut apps: HashMap<String, i64> = HashMap::new();
    for r in &rows {
        let mut target = Target { values: Field::ALL.map(|f| current(&r.w, f).to_string()) };
        let mut changed = false;
        for (i, f) in Field::ALL.into_iter().enumerate() {
            let old = stored.get(&(r.w.id, f)).map(Vec::as_slice).unwrap_or(&[]);
            if !open(r, f) {
                // The file or the consultant filled it since: nothing waits for it.
                for s in old.iter().filter(|s| s.status == PENDING) {
                    delete.execute(params![r.w.id, f.code(), s.value])?;
                }
                continue;
            }
            let rejected: HashSet<String> = old.iter().filter(|s| s.status == REJECTED).map(|s| s.value.to_lowercase()).collect();
            let new: Vec<&enrich::Suggestion> =
                found.get(&(r.w.id, f)).into_iter().flatten().filter(|s| !rejected.contains(&s.value.to_lowercase())).collect();
            for s in old.iter().filter(|s| s.status == PENDING) {
                if !new.iter().any(|n| n.value == s.value) {
                    delete.execute(params![r.w.id, f.code(), s.value])?;
                }
            }
            for n in &new {
                let evidence = evidence_json(&n.evidence);
                match old.iter().find(|s| s.value == n.value) {
                    Some(s) if s.status != PENDING || s.evidence == evidence => {}
                    _ => {
                        upsert.execute(params![r.w.id, f.code(), n.value, engagement_id, evidence])?;
                    }
                }
            }
            out.pending += new.iter().filter(|n| !old.iter().any(|s| s.value == n.value && s.status == ACCEPTED)).count();
            if new.len() > 1 {
                out.conflicts += 1;
            }
            let value = if new.len() == 1 { new[0].value.clone() } else { String::new() };
            if target.values[i] != value {
                target.values[i] = value;
                changed = true;
            }
        }
        if changed {
            write_fields(conn, engagement_id, r, &target, &mut apps)?;
            out.workloads_changed += 1;
        }
    }
    Ok(out)
}

fn load_rows(conn: &Connection, engagement_id: i64) -> Result<Vec<Row>, AppError> {
    let sql = format!("{} WHERE w.engagement_id = ?1 ORDER BY w.id", crate::db::workloads::SELECT_WORKLOAD_AND_APPLICATION_ID);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([engagement_id], |r| {
        Ok(Row { w: crate::db::workloads::from_row(r)?, application_id: r.get(crate::db::workloads::APPLICATION_ID_COLUMN)? })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn load_discovered(conn: &Connection, engagement_id: i64) -> Result<HashMap<i64, Discovered>, AppError> {
    let mut stmt = conn.prepare_cached("SELECT workload_id, attributes FROM workload_discovery WHERE engagement_id = ?1")?;
    let rows = stmt.query_map([engagement_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = HashMap::new();
    for row in rows {
        let (id, raw) = row?;
        // Attributes an older sixr wrote and this one cannot read say nothing.
        if let Ok(d) = serde_json::from_str(&raw) {
            out.insert(id, d);
        }
    }
    Ok(out)
}

/// Writes the suggestible fields of one workload (creating a suggested
/// application when needed) and bumps its version, so its score, which
/// weighs suggestions, is computed again.
fn write_fields(conn: &Connection, engagement_id: i64, r: &Row, target: &Target, apps: &mut HashMap<String, i64>) -> Result<(), AppError> {
    let [role, application, db_engine, os_version] = &target.values;
    let application_id = if application.is_empty() {
        None
    } else if *application == r.w.application {
        r.application_id
    } else {
        match apps.get(application) {
            Some(id) => Some(*id),
            None => {
                let id = crate::db::applications::ensure_application(conn, engagement_id, application)?;
                if let Some(id) = id {
                    apps.insert(application.clone(), id);
                }
                id
            }
        }
    };
    conn.prepare_cached(
        "UPDATE workloads SET role = ?2, application_id = ?3, db_engine = ?4, os_version = ?5, version = version + 1,
            updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
         WHERE id = ?1",
    )?
    .execute(params![r.w.id, role, application_id, db_engine, os_version])?;
    if r.application_id.is_some() && r.application_id != application_id {
        drop_if_unused(conn, engagement_id, r.application_id)?;
    }
    Ok(())
}

/// Deletes an application a suggestion created once no workload, note or
/// answer uses it any more (a rejected or withdrawn suggestion leaves no
/// empty application behind).
fn drop_if_unused(conn: &Connection, engagement_id: i64, application_id: Option<i64>) -> Result<(), AppError> {
    let Some(id) = application_id else { return Ok(()) };
    conn.prepare_cached(
        "DELETE FROM applications WHERE id = ?1 AND engagement_id = ?2 AND notes = ''
           AND NOT EXISTS (SELECT 1 FROM workloads WHERE application_id = ?1)
           AND NOT EXISTS (SELECT 1 FROM answers WHERE subject_kind = 'application' AND subject_id = ?1)
           AND EXISTS (SELECT 1 FROM suggestions s JOIN applications a ON a.id = ?1
                       WHERE s.engagement_id = ?2 AND s.field = 'application' AND s.value = a.name)",
    )?
    .execute(params![id, engagement_id])?;
    Ok(())
}

// ---------------------------------------------------------------------------
// Decisions: accept and reject, one at a time or in bulk.

/// Accept or reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Reject,
}

impl Decision {
    pub fn code(self) -> &'static str {
        match self {
            Decision::Accept => "accept",
            Decision::Reject => "reject",
        }
    }
}

/// One decided suggestion, for the audit trail and the notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    pub workload_id: i64,
    pub workload: String,
    pub field: Field,
    pub value: String,
}

/// Decides one suggested value of one workload. Accepting a value of a
/// conflict picks it and rejects the others. One audit entry on the
/// workload.
pub fn decide_one(
    conn: &Connection,
    engagement_id: i64,
    workload_id: i64,
    field: Field,
    value: &str,
    decision: Decision,
    actor: &str,
) -> Result<(), AppError> {
    in_transaction(conn, |conn| {
        let w = crate::db::workloads::get(conn, engagement_id, workload_id)?;
        // Its group as it stands: an application suggestion moves it.
        let touched = Touched::new().workload(conn, engagement_id, workload_id)?;
        let n = conn
            .prepare_cached(
                "UPDATE suggestions SET status = ?4 WHERE workload_id = ?1 AND field = ?2 AND value = ?3 AND status = 'pending'",
            )?
            .execute(params![workload_id, field.code(), value, if decision == Decision::Accept { ACCEPTED } else { REJECTED }])?;
        if n == 0 {
            return Err(AppError::Conflict(format!(
                "the suggestion {} = {} for {} is no longer waiting (decided meanwhile, or suggested no more); reload the page",
                field.code(),
                crate::error::quoted(value),
                crate::error::quoted(&w.name)
            )));
        }
        if decision == Decision::Accept {
            conn.prepare_cached("UPDATE suggestions SET status = 'rejected' WHERE workload_id = ?1 AND field = ?2 AND status = 'pending'")?
                .execute(params![workload_id, field.code()])?;
        }
        settle(conn, engagement_id, &[(w.clone(), field)])?;
        let before = json!({ field.code(): format!("{}: {value}", Provenance::Suggested.code()) });
        let after = match decision {
            Decision::Accept => json!({ field.code(): format!("{}: {value}", Provenance::Confirmed.code()) }),
            Decision::Reject => json!({ field.code(): format!("rejected: {value}") }),
        };
        audit(conn, Some(engagement_id), actor, "workload", Some(workload_id), decision.code(), Some(&before), Some(&after))?;
        // A confirmed fact weighs more than a suggestion; a rejected one leaves the field.
        crate::db::derived::refresh(conn, engagement_id, touched)?;
        Ok(())
    })
}

/// Which suggestions a bulk decision covers: every kind (`fields` empty) or
/// some, of the workloads the table's filter finds.
#[derive(Debug, Clone)]
pub struct Selection {
    pub fields: Vec<Field>,
    pub query: WorkloadQuery,
}

/// Accepts or rejects every waiting suggestion of the selection in one
/// go. Accepting leaves conflicts alone (they need a pick); rejecting
/// rejects their candidates too. One audit entry lists every change.
pub fn decide_bulk(
    conn: &Connection,
    engagement_id: i64,
    selection: &Selection,
    decision: Decision,
    actor: &str,
) -> Result<Vec<Decided>, AppError> {
    in_transaction(conn, |conn| {
        let (filter, filter_args) = crate::db::workloads::query_filter(conn, engagement_id, &selection.query, false)?;
        let fields: Vec<&str> = if selection.fields.is_empty() {
            Field::ALL.map(Field::code).to_vec()
        } else {
            selection.fields.iter().map(|f| f.code()).collect()
        };
        let marks = vec!["?"; fields.len()].join(", ");
        let sql = format!(
            "SELECT s.workload_id, w.name, s.field, s.value,
            (SELECT COUNT(*) FROM suggestions o WHERE o.workload_id = s.workload_id AND o.field = s.field AND o.status = 'pending')
         FROM suggestions s JOIN workloads w ON w.id = s.workload_id
         WHERE s.status = 'pending' AND s.field IN ({marks}) AND {filter}
         ORDER BY w.name, s.field, s.value"
        );
        // Parameters in the order of their marks: the fields, then the filter's.
        let mut args: Vec<rusqlite::types::Value> = fields.iter().map(|f| rusqlite::types::Value::Text(f.to_string())).collect();
        args.extend(filter_args);
        let mut decided = Vec::new();
        {
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get::<_, i64>(4)?))
            })?;
            for row in rows {
                let (workload_id, workload, field, value, candidates) = row?;
                let Some(field) = Field::parse(&field) else { continue };
                if decision == Decision::Accept && candidates > 1 {
                    continue;
                }
                decided.push(Decided { workload_id, workload, field, value });
            }
        }
        if decided.is_empty() {
            return Ok(decided);
        }
        let status = if decision == Decision::Accept { ACCEPTED } else { REJECTED };
        let mut update = conn.prepare_cached("UPDATE suggestions SET status = ?4 WHERE workload_id = ?1 AND field = ?2 AND value = ?3")?;
        for d in &decided {
            update.execute(params![d.workload_id, d.field.code(), d.value, status])?;
        }
        let mut touched: Vec<(i64, Field)> = decided.iter().map(|d| (d.workload_id, d.field)).collect();
        touched.dedup();
        let ids: Vec<i64> = touched.iter().map(|(id, _)| *id).collect();
        let groups = Touched::new().workloads(conn, engagement_id, &ids)?;
        let mut with_workloads = Vec::with_capacity(touched.len());
        for (id, field) in touched {
            with_workloads.push((crate::db::workloads::get(conn, engagement_id, id)?, field));
        }
        settle(conn, engagement_id, &with_workloads)?;
        let list: Vec<String> = decided.iter().map(|d| format!("{}: {} = {}", d.workload, d.field.code(), d.value)).collect();
        let after = json!({
            "decision": decision.code(),
            "kinds": fields.join(", "),
            "filter": filter_text(&selection.query),
            "count": decided.len(),
            "suggestions": list.join("; "),
        });
        audit(conn, Some(engagement_id), actor, "suggestions", None, decision.code(), None, Some(&after))?;
        crate::db::derived::refresh(conn, engagement_id, groups)?;
        Ok(decided)
    })
}

/// The table filter a bulk decision applied to, as the audit trail shows it.
fn filter_text(q: &WorkloadQuery) -> String {
    let parts: Vec<String> =
        [("search", &q.q), ("application", &q.application), ("environment", &q.environment), ("role", &q.role), ("os", &q.os)]
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
    if parts.is_empty() { "all workloads".into() } else { parts.join(", ") }
}

/// After decisions, puts each touched field right: the value of its one
/// waiting or accepted suggestion, or empty when all were rejected; and
/// bumps the workload's version so it is scored again (a confirmed fact
/// weighs more than a suggestion).
fn settle(conn: &Connection, engagement_id: i64, touched: &[(Workload, Field)]) -> Result<(), AppError> {
    let mut by_workload: Vec<(&Workload, Vec<Field>)> = Vec::new();
    for (w, f) in touched {
        match by_workload.iter_mut().find(|(x, _)| x.id == w.id) {
            Some((_, list)) => list.push(*f),
            None => by_workload.push((w, vec![*f])),
        }
    }
    let mut apps = HashMap::new();
    for (w, fields) in by_workload {
        let mut target = Target { values: Field::ALL.map(|f| current(w, f).to_string()) };
        for f in fields {
            let live: Vec<String> = conn
                .prepare_cached(
                    "SELECT value FROM suggestions WHERE workload_id = ?1 AND field = ?2 AND status IN ('pending', 'accepted')",
                )?
                .query_map(params![w.id, f.code()], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let i = Field::ALL.iter().position(|x| *x == f).unwrap_or(0);
            let value = &target.values[i];
            // A value nobody suggested (imported or typed since) stays.
            let ours = value.is_empty()
                || conn
                    .prepare_cached("SELECT EXISTS (SELECT 1 FROM suggestions WHERE workload_id = ?1 AND field = ?2 AND value = ?3)")?
                    .query_row(params![w.id, f.code(), value], |r| r.get::<_, bool>(0))?;
            if ours {
                target.values[i] = if live.len() == 1 { live[0].clone() } else { String::new() };
            }
        }
        let application_id =
            conn.prepare_cached("SELECT application_id FROM workloads WHERE id = ?1")?.query_row([w.id], |r| r.get::<_, Option<i64>>(0))?;
        write_fields(conn, engagement_id, &Row { w: w.clone(), application_id }, &target, &mut apps)?;
    }
    Ok(())
}

/// How many suggestions wait in the workloads the filter finds, per kind,
/// and how many fields are conflicts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Waiting {
    /// (field, suggestions waiting) for the kinds with any, in `Field::ALL` order.
    pub by_field: Vec<(Field, i64)>,
    pub conflicts: i64,
}

impl Waiting {
    pub fn total(&self) -> i64 {
        self.by_field.iter().map(|(_, n)| n).sum()
    }
}

pub fn waiting(conn: &Connection, engagement_id: i64, query: &WorkloadQuery) -> Result<Waiting, AppError> {
    // Only pending suggestions count, so "with suggestions waiting" narrows
    // nothing here; with no other filter the counts the triggers keep answer
    // (counting 300,000 suggestions took 0.1 s a request).
    if (WorkloadQuery { pending: false, ..query.clone() }).is_filtered() {
        return counted(conn, engagement_id, query);
    }
    let sql = "SELECT field, pending, conflicts FROM suggestions_waiting WHERE engagement_id = ? AND pending > 0";
    waiting_from(conn, sql, vec![rusqlite::types::Value::Integer(engagement_id)])
}

/// `waiting` counted from the suggestions of the workloads the filter finds.
pub(crate) fn counted(conn: &Connection, engagement_id: i64, query: &WorkloadQuery) -> Result<Waiting, AppError> {
    let (filter, args) = crate::db::workloads::query_filter(conn, engagement_id, query, false)?;
    let sql = format!(
        "SELECT s.field, COUNT(*), COUNT(*) - COUNT(DISTINCT s.workload_id) FROM suggestions s JOIN workloads w ON w.id = s.workload_id
         WHERE s.status = 'pending' AND {filter} GROUP BY s.field"
    );
    waiting_from(conn, &sql, args)
}

/// Reads (field, waiting, conflicts) rows.
fn waiting_from(conn: &Connection, sql: &str, args: Vec<rusqlite::types::Value>) -> Result<Waiting, AppError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(args.iter()), |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?;
    let mut out = Waiting::default();
    let mut found: HashMap<Field, i64> = HashMap::new();
    for row in rows {
        let (field, n, extra) = row?;
        if let Some(f) = Field::parse(&field) {
            found.insert(f, n);
            out.conflicts += extra;
        }
    }
    out.by_field = Field::ALL.into_iter().filter_map(|f| found.get(&f).map(|n| (f, *n))).collect();
    Ok(out)
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
