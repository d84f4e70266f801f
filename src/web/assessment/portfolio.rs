//! Loading: everything the assessment pages read about an engagement, in
//! one database call.

use std::collections::HashMap;

use crate::db;
use crate::db::Scope;
use crate::db::assessment_summary::DashboardRow;
use crate::db::decisions::StoredDecision;
use crate::error::AppError;
use crate::inventory::{Application, Engagement, Workload};
use crate::scoring::{AnswerBook, Assessment, Rollup, SubjectKind, roll_up, rulebook};

use super::views::Row;

/// Everything the assessment pages read about an engagement.
pub(super) struct Portfolio {
    pub(super) engagement: Engagement,
    pub(super) items: Vec<(Workload, Option<i64>)>,
    pub(super) assessments: HashMap<i64, Assessment>,
    pub(super) decisions: HashMap<i64, StoredDecision>,
    pub(super) answers: AnswerBook,
    pub(super) applications: Vec<Application>,
}

impl Portfolio {
    /// The part of the portfolio one page is about: an application page
    /// reads that application's workloads and answers, not the engagement's.
    pub(super) fn load_in(conn: &rusqlite::Connection, id: i64, scope: Scope) -> Result<Portfolio, AppError> {
        let engagement = db::engagements::get(conn, id)?;
        let applications = match scope {
            Scope::Engagement => db::applications::applications(conn, id)?,
            Scope::Application(app) => vec![db::applications::get(conn, id, app)?],
            Scope::Workload(_) => Vec::new(),
        };
        // One snapshot: the workloads, their assessments and decisions agree.
        let snapshot = conn.unchecked_transaction()?;
        let portfolio = Portfolio {
            engagement,
            items: db::assessment::items_in(&snapshot, id, scope)?,
            assessments: db::assessment::stored_in(&snapshot, id, scope)?,
            decisions: db::decisions::list_in(&snapshot, id, scope)?,
            answers: db::assessment::answers_in(&snapshot, id, scope)?,
            applications,
        };
        snapshot.rollback()?;
        Ok(portfolio)
    }

    pub(super) fn row(&self, w: &Workload, app: Option<i64>, tr: &crate::i18n::Tr) -> Row {
        let a = self.assessments.get(&w.id);
        let row = DashboardRow {
            id: w.id,
            name: w.name.clone(),
            application: w.application.clone(),
            application_id: app,
            environment: w.environment.clone(),
            recommended: a.map(|a| a.recommended),
            decided: self.decisions.get(&w.id).map(|d| d.decision.strategy),
            confidence: a.map_or(0.0, |a| a.confidence),
            top_risk: a.and_then(|a| a.risks.iter().map(|r| r.severity).min()),
            main_reason: a.and_then(|a| a.main_reason()).cloned(),
        };
        Row::new(row, tr)
    }

    pub(super) fn rollup(&self, app: i64) -> Option<Rollup> {
        let list: Vec<&Assessment> =
            self.items.iter().filter(|(_, a)| *a == Some(app)).filter_map(|(w, _)| self.assessments.get(&w.id)).collect();
        if list.is_empty() { None } else { Some(roll_up(&list)) }
    }

    pub(super) fn application(&self, app: i64) -> Result<&Application, AppError> {
        self.applications.iter().find(|a| a.id == app).ok_or_else(|| AppError::NotFound(format!("application {app}")))
    }

    /// Evidence questions unanswered for an application (out of how many).
    pub(super) fn progress(&self, app: i64) -> (usize, usize) {
        let total = rulebook().questions.iter().filter(|q| q.evidence).count();
        (total - db::assessment::unanswered(&self.answers, SubjectKind::Application, &[app]), total)
    }
}
