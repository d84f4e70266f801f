//! The assessment portfolio in compact form, for the dashboard and the
//! questionnaire at any size: per workload only what the figures and the
//! table filters need (ids, codes, numbers), per application its progress,
//! and the portfolio's totals. Kept per engagement revision (`web::Views`);
//! names and reason texts of the rows a page shows are read per request.
//!
//! At 100,000 workloads this is a few megabytes, computed by streaming one
//! query (no `Workload` structs, no full assessment details in memory).

use std::collections::{BTreeMap, HashMap, HashSet};

use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use serde::de::IgnoredAny;

use crate::error::AppError;
use crate::i18n::Lang;
use crate::knowledge::Date;
use crate::scoring::{Reason, Severity, is_known_answer, rulebook};
use crate::strategy::{Strategy, application_strategy};

/// No environment (the workload's field is empty).
const NO_ENVIRONMENT: u32 = u32::MAX;

/// One workload as the dashboard filters and counts it.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryRow {
    pub id: i64,
    pub application: Option<i64>,
    /// Index into `AssessmentSummary::environments`, or `NO_ENVIRONMENT`.
    environment: u32,
    pub confidence: f64,
    pub recommended: Option<Strategy>,
    pub decided: Option<Strategy>,
    pub top_risk: Option<Severity>,
    /// Index of the reason that sums the recommendation up (the first gate,
    /// or the first reason giving points to the recommended strategy).
    pub summary_reason: Option<u16>,
}

impl SummaryRow {
    /// The strategy the workload goes with: the decision, else the recommendation.
    pub fn effective(&self) -> Option<Strategy> {
        self.decided.or(self.recommended)
    }
}

/// "high", "medium" or "low": how sure the recommendation is.
pub fn confidence_band(c: f64) -> &'static str {
    if c >= 0.8 {
        "high"
    } else if c >= 0.5 {
        "medium"
    } else {
        "low"
    }
}

/// An application with its questionnaire progress and roll-up.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationSummary {
    pub id: i64,
    pub name: String,
    pub workloads: usize,
    /// Evidence questions answered for the application.
    pub answered: usize,
    /// The strategy most of its workloads are recommended.
    pub recommended: Option<Strategy>,
}

/// The whole portfolio's figures, language-independent.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AssessmentSummary {
    /// Every workload, by name (the table's order).
    pub rows: Vec<SummaryRow>,
    /// Distinct non-empty environments, sorted.
    pub environments: Vec<String>,
    /// Every application, by name.
    pub applications: Vec<ApplicationSummary>,
    /// (strategy, recommended, decided) in `Strategy::ALL` order.
    pub counts: Vec<(Strategy, usize, usize)>,
    /// Risks of all workloads per severity, in `Severity::ALL` order.
    pub risks: Vec<(Severity, usize)>,
    /// How many evidence questions the questionnaire asks per application.
    pub evidence_questions: usize,
    pub unassigned: usize,
    pub low_confidence: usize,
    /// Per workload with a dated end of support (OS or database), the
    /// earliest: what the end-of-support timeline counts.
    pub end_of_support: Vec<Date>,
}

impl AssessmentSummary {
    /// Evidence questions still open, summed over the applications.
    pub fn open_questions(&self) -> usize {
        self.applications.iter().map(|a| self.evidence_questions.saturating_sub(a.answered)).sum()
    }

    /// Applications with at least one open evidence question.
    pub fn applications_with_open_questions(&self) -> usize {
        self.applications.iter().filter(|a| a.answered < self.evidence_questions).count()
    }

    /// Evidence questions answered over all applications.
    pub fn answered(&self) -> usize {
        self.applications.iter().map(|a| a.answered.min(self.evidence_questions)).sum()
    }

    /// The environment of a row ("" when none).
    pub fn environment(&self, row: &SummaryRow) -> &str {
        self.environments.get(row.environment as usize).map_or("", String::as_str)
    }

    /// The index a row holds for an environment name, if any workload has it.
    pub fn environment_index(&self, name: &str) -> Option<u32> {
        self.environments.binary_search_by(|e| e.as_str().cmp(name)).ok().map(|i| i as u32)
    }

    /// True when the row has the environment of this index.
    pub fn in_environment(row: &SummaryRow, index: u32) -> bool {
        row.environment == index
    }
}

/// Only what the summary reads of an assessment detail; the texts and
/// scores are skipped without being kept.
#[derive(Deserialize)]
struct DetailDigest {
    #[serde(default)]
    reasons: Vec<ReasonDigest>,
    #[serde(default)]
    risks: Vec<RiskDigest>,
    #[serde(default)]
    end_of_support: Vec<EosDigest>,
}

#[derive(Deserialize)]
struct EosDigest {
    #[serde(default)]
    date: Option<String>,
}

#[derive(Deserialize)]
struct ReasonDigest {
    #[serde(default)]
    gate: Option<IgnoredAny>,
    #[serde(default)]
    points: BTreeMap<Strategy, IgnoredAny>,
}

#[derive(Deserialize)]
struct RiskDigest {
    severity: Severity,
}

/// Computes the summary in one pass over the workloads (call inside one
/// read snapshot; `Derived::get` does).
pub fn compute(conn: &Connection, engagement_id: i64) -> Result<AssessmentSummary, AppError> {
    let book = rulebook();
    let evidence: HashSet<&str> = book.questions.iter().filter(|q| q.evidence).map(|q| q.id.as_str()).collect();

    let mut answered: HashMap<i64, usize> = HashMap::new();
    {
        let mut stmt = conn
            .prepare_cached("SELECT subject_id, question, value FROM answers WHERE engagement_id = ?1 AND subject_kind = 'application'")?;
        let mut rows = stmt.query([engagement_id])?;
        while let Some(r) = rows.next()? {
            let question = text_at(r, 1)?.unwrap_or_default();
            if evidence.contains(question) && is_known_answer(text_at(r, 2)?.unwrap_or_default()) {
                *answered.entry(r.get(0)?).or_default() += 1;
            }
        }
    }

    let environments: Vec<String> = {
        let mut stmt = conn.prepare_cached(
            "SELECT DISTINCT environment FROM workloads WHERE engagement_id = ?1 AND environment <> '' ORDER BY environment",
        )?;
        let rows = stmt.query_map([engagement_id], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()?
    };
    let environment_index: HashMap<&str, u32> = environments.iter().enumerate().map(|(i, e)| (e.as_str(), i as u32)).collect();

    let mut summary = AssessmentSummary { evidence_questions: evidence.len(), ..AssessmentSummary::default() };
    let mut recommended = [0usize; 6];
    let mut decided = [0usize; 6];
    let mut risks = [0usize; 3];
    let mut per_application: HashMap<i64, Vec<Strategy>> = HashMap::new();
    let mut workloads_per_application: HashMap<i64, usize> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT w.id, w.application_id, w.environment, a.recommended, a.confidence, a.detail, d.strategy
             FROM workloads w
             LEFT JOIN assessments a ON a.workload_id = w.id
             LEFT JOIN decisions d ON d.workload_id = w.id
             WHERE w.engagement_id = ?1 ORDER BY w.name",
        )?;
        let mut rows = stmt.query([engagement_id])?;
        while let Some(r) = rows.next()? {
            let application: Option<i64> = r.get(1)?;
            let rec = text_at(r, 3)?.and_then(Strategy::parse);
            let dec = text_at(r, 6)?.and_then(Strategy::parse);
            // A detail an older rule book wrote that no longer reads counts
            // as no reasons and no risks until the next re-score.
            let digest = text_at(r, 5)?.and_then(|detail| serde_json::from_str::<DetailDigest>(detail).ok());
            if let Some(first) = digest.iter().flat_map(|d| &d.end_of_support).filter_map(|e| e.date.as_deref().and_then(Date::parse)).min()
            {
                summary.end_of_support.push(first);
            }
            let (top_risk, summary_reason) = match (&digest, rec) {
                (Some(d), Some(rec)) => {
                    for risk in &d.risks {
                        risks[Severity::ALL.iter().position(|s| *s == risk.severity).unwrap_or(0)] += 1;
                    }
                    let summary_reason = d
                        .reasons
                        .iter()
                        .position(|reason| reason.gate.is_some() || reason.points.contains_key(&rec))
                        .and_then(|i| u16::try_from(i).ok());
                    (d.risks.iter().map(|risk| risk.severity).min(), summary_reason)
                }
                _ => (None, None),
            };
            let confidence: f64 = if rec.is_some() { r.get::<_, Option<f64>>(4)?.unwrap_or(0.0) } else { 0.0 };
            if let Some(s) = rec {
                recommended[strategy_index(s)] += 1;
            }
            if let Some(s) = dec {
                decided[strategy_index(s)] += 1;
            }
            match application {
                Some(app) => {
                    *workloads_per_application.entry(app).or_default() += 1;
                    if let Some(s) = rec {
                        per_application.entry(app).or_default().push(s);
                    }
                }
                None => summary.unassigned += 1,
            }
            if confidence < 0.5 {
                summary.low_confidence += 1;
            }
            let environment = environment_index.get(text_at(r, 2)?.unwrap_or_default()).copied().unwrap_or(NO_ENVIRONMENT);
            summary.rows.push(SummaryRow {
                id: r.get(0)?,
                application,
                environment,
                confidence,
                recommended: rec,
                decided: dec,
                top_risk,
                summary_reason,
            });
        }
    }
    summary.rows.shrink_to_fit();
    drop(environment_index);
    summary.environments = environments;
    summary.counts = Strategy::ALL.iter().enumerate().map(|(i, s)| (*s, recommended[i], decided[i])).collect();
    summary.risks = Severity::ALL.iter().enumerate().map(|(i, s)| (*s, risks[i])).collect();

    let mut stmt = conn.prepare_cached("SELECT id, name FROM applications WHERE engagement_id = ?1 ORDER BY name")?;
    let mut rows = stmt.query([engagement_id])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        summary.applications.push(ApplicationSummary {
            id,
            name: r.get(1)?,
            workloads: workloads_per_application.get(&id).copied().unwrap_or(0),
            answered: answered.get(&id).copied().unwrap_or(0),
            recommended: per_application.get(&id).and_then(|recs| application_strategy(recs)),
        });
    }
    Ok(summary)
}

/// A text column read in place (no copy), NULL as None.
fn text_at<'r>(r: &'r rusqlite::Row, i: usize) -> rusqlite::Result<Option<&'r str>> {
    r.get_ref(i)?.as_str_or_null().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::new(e)))
}

fn strategy_index(s: Strategy) -> usize {
    Strategy::ALL.iter().position(|x| *x == s).unwrap_or(0)
}

/// What a table row shows beyond the summary: read per request for the
/// rows of one page, the reason in the page's language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowText {
    pub name: String,
    pub application: String,
    pub summary: String,
}

/// The names and summary reasons of the given rows (one indexed lookup per
/// row; a workload deleted since the summary was kept reads as empty).
pub fn row_texts(conn: &Connection, engagement_id: i64, rows: &[&SummaryRow], lang: Lang) -> Result<Vec<RowText>, AppError> {
    let mut stmt = conn.prepare_cached(
        "SELECT w.name, COALESCE(p.name, ''), json_extract(a.detail, '$.reasons[' || ?3 || ']')
         FROM workloads w
         LEFT JOIN applications p ON p.id = w.application_id
         LEFT JOIN assessments a ON a.workload_id = w.id
         WHERE w.engagement_id = ?1 AND w.id = ?2",
    )?;
    rows.iter()
        .map(|row| {
            let found = stmt
                .query_row(params![engagement_id, row.id, row.summary_reason], |r| {
                    let reason = r.get::<_, Option<String>>(2)?.and_then(|json| serde_json::from_str::<Reason>(&json).ok());
                    Ok(RowText { name: r.get(0)?, application: r.get(1)?, summary: reason.map(|r| r.text(lang)).unwrap_or_default() })
                })
                .optional()?;
            Ok(found.unwrap_or_default())
        })
        .collect()
}

/// A workload offered for selection on the questionnaire.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadChoice {
    pub id: i64,
    pub name: String,
    pub application: String,
    pub environment: String,
    pub recommended: Option<Strategy>,
}

/// Up to `limit` workloads offered for selection: without a search the
/// first by name; with one, those whose name starts with `prefix`, then the
/// workloads of `applications` (the applications the search found, in
/// order). Every query follows an index and stops at `limit`: a search
/// never scans 100,000 names.
pub fn workload_choices(
    conn: &Connection,
    engagement_id: i64,
    prefix: &str,
    applications: &[i64],
    limit: usize,
) -> Result<Vec<WorkloadChoice>, AppError> {
    const SELECT: &str = "SELECT w.id, w.name, COALESCE(p.name, ''), w.environment, a.recommended
         FROM workloads w
         LEFT JOIN applications p ON p.id = w.application_id
         LEFT JOIN assessments a ON a.workload_id = w.id";
    let choice = |r: &rusqlite::Row| {
        Ok(WorkloadChoice {
            id: r.get(0)?,
            name: r.get(1)?,
            application: r.get(2)?,
            environment: r.get(3)?,
            recommended: r.get::<_, Option<String>>(4)?.and_then(|c| Strategy::parse(&c)),
        })
    };
    let mut out: Vec<WorkloadChoice> = Vec::new();
    let by_name = conn
        .prepare_cached(&format!(
            "{SELECT} WHERE w.engagement_id = ?1 AND w.name >= ?2 AND w.name < ?2 || char(1114111)
           AND substr(w.name, 1, length(?2)) = ?2 ORDER BY w.name LIMIT ?3"
        ))?
        .query_map(params![engagement_id, prefix, limit as i64], choice)?
        .collect::<Result<Vec<_>, _>>()?;
    out.extend(by_name);
    if prefix.is_empty() {
        return Ok(out);
    }
    let mut of_application =
        conn.prepare_cached(&format!("{SELECT} WHERE w.engagement_id = ?1 AND w.application_id = ?2 ORDER BY w.name LIMIT ?3"))?;
    let mut seen: HashSet<i64> = out.iter().map(|w| w.id).collect();
    for app in applications {
        if out.len() >= limit {
            break;
        }
        for w in of_application.query_map(params![engagement_id, app, limit as i64], choice)? {
            let w = w?;
            if seen.insert(w.id) {
                out.push(w);
            }
        }
    }
    out.truncate(limit);
    Ok(out)
}
