//! One derivation (`Run`): scores the groups a write touched (an
//! application, or a workload without one), stores their assessments,
//! moves their counts in the figures, and re-derives what follows from them
//! (the applications' rows, their architectures, the plan's inputs).

use super::*;

/// A stored assessment as the figures count it.
fn counted_of(r: &rusqlite::Row) -> rusqlite::Result<Option<Counted>> {
    let strategy =
        |i: usize| -> rusqlite::Result<Option<Strategy>> { Ok(r.get::<_, Option<String>>(i)?.and_then(|c| Strategy::parse(&c))) };
    let (Some(recommended), Some(effective)) = (strategy(1)?, strategy(3)?) else { return Ok(None) };
    Ok(Some(Counted {
        application_id: r.get(0)?,
        recommended,
        decided: strategy(2)?,
        effective,
        confidence: r.get(4)?,
        risks: [r.get(5)?, r.get(6)?, r.get(7)?],
        jump_host: r.get(8)?,
    }))
}

const SELECT_COUNTED: &str = "SELECT application_id, recommended, decided, effective, confidence, risks_high, risks_medium, risks_low,
        jump_host, workload_id FROM assessments";

/// One derivation: the groups it derived, and what follows from them.
pub(super) struct Run<'c> {
    conn: &'c Connection,
    engagement_id: i64,
    profile: Profile,
    /// What the rules read beside the workloads: the applications'
    /// portfolio attributes, and today (end of support).
    applications: HashMap<i64, AppAttributes>,
    today: Date,
    deltas: Deltas,
    done: BTreeSet<Group>,
    /// Applications whose architecture to build again (0: the workloads
    /// without one).
    pub(super) architecture: BTreeSet<i64>,
    plan_changed: bool,
    scored: usize,
    moves: BTreeMap<(Option<Strategy>, Strategy), usize>,
    jump_hosts_before: i64,
}

impl<'c> Run<'c> {
    pub(super) fn new(conn: &'c Connection, engagement_id: i64) -> Result<Run<'c>, AppError> {
        Ok(Run {
            conn,
            engagement_id,
            profile: crate::db::assessment::profile(conn, engagement_id)?,
            applications: crate::db::applications::attributes(conn, engagement_id)?,
            today: Date::today(),
            deltas: Deltas::default(),
            done: BTreeSet::new(),
            architecture: BTreeSet::new(),
            plan_changed: false,
            scored: 0,
            moves: BTreeMap::new(),
            jump_hosts_before: figures::get(conn, engagement_id, TOTALS)?.jump_hosts(),
        })
    }

    /// Derives `groups` and every group a workload moved from or to; with
    /// `neighbours`, also the architectures of the applications their
    /// workloads have dependencies with.
    pub(super) fn groups(&mut self, groups: BTreeSet<Group>, neighbours: bool) -> Result<(), AppError> {
        let mut queue: VecDeque<Group> = groups.into_iter().collect();
        let mut derived = Vec::new();
        while !queue.is_empty() {
            // What is queued is scored together, on every core; storing it
            // queues the groups workloads moved from or to, derived next.
            // A group's inputs are what the write changed, never what a
            // derivation stores, so reading them all first changes nothing.
            let batch: Vec<Group> = queue.drain(..).filter(|g| self.done.insert(*g)).collect();
            // Lent to the scoring threads while `self` reads and stores.
            let (profile, applications) = (self.profile, std::mem::take(&mut self.applications));
            let ctx = Context { today: self.today, applications: Some(&applications) };
            let stored = pipeline(
                batch.len(),
                |i: &Inputs| i.assess(&profile, &ctx),
                |scoring| {
                    for g in &batch {
                        scoring.give(self.inputs(*g, &mut queue)?);
                    }
                    for (g, (input, assessed)) in batch.iter().zip(std::iter::from_fn(|| scoring.take())) {
                        let scored = self.store(&input, assessed?, &mut queue)?;
                        self.left_behind(*g, &scored, &mut queue)?;
                        derived.push(*g);
                    }
                    Ok::<_, AppError>(())
                },
            );
            self.applications = applications;
            stored?;
        }
        for g in &derived {
            self.architecture.insert(g.architecture());
            if neighbours {
                self.architecture.extend(neighbour_applications(self.conn, self.engagement_id, g.scope())?);
            }
        }
        self.applications(&derived)?;
        self.deltas.flush(self.conn, self.engagement_id)?;
        self.plan_inputs(&derived)?;
        Ok(())
    }

    /// What a group is scored from. A lone workload that joined an
    /// application is scored with it instead (queued): it has no members.
    fn inputs(&self, g: Group, queue: &mut VecDeque<Group>) -> Result<Inputs, AppError> {
        let (conn, eid) = (self.conn, self.engagement_id);
        let items = crate::db::assessment::items_in(conn, eid, g.scope())?;
        let members = match (g, items.first()) {
            (Group::Lone(_), Some((_, Some(app)))) => {
                queue.push_back(Group::Application(*app));
                Vec::new()
            }
            _ => items,
        };
        // Suggestions in effect weigh less than confirmed facts.
        let suggested = members
            .iter()
            .map(|(w, _)| Ok(crate::db::suggestions::scoring_facts(&crate::db::suggestions::in_effect_for(conn, w)?)))
            .collect::<Result<_, AppError>>()?;
        Ok(Inputs {
            answers: crate::db::assessment::answers_in(conn, eid, g.scope())?,
            decisions: crate::db::decisions::list_in(conn, eid, g.scope())?,
            members,
            suggested,
        })
    }

    /// Stores each member's assessment, moving its counts from where it was
    /// counted to where it is; queues the group a workload left. Returns the
    /// ids scored.
    fn store(&mut self, input: &Inputs, assessed: Vec<Assessed>, queue: &mut VecDeque<Group>) -> Result<HashSet<i64>, AppError> {
        let (conn, eid) = (self.conn, self.engagement_id);
        let mut old_row = conn.prepare_cached(&format!("{SELECT_COUNTED} WHERE workload_id = ?1"))?;
        let mut scored = HashSet::new();
        for (a, (w, app)) in assessed.iter().zip(&input.members) {
            scored.insert(w.id);
            let decided = input.decisions.get(&w.id).map(|d| d.decision.strategy);
            let new = counted(a, app.unwrap_or(0), decided, w);
            let old = old_row.query_row([w.id], counted_of).optional()?.flatten();
            if let Some(old) = &old {
                self.deltas.change(old.application_id, &old.figures(), -1);
                if old.application_id != new.application_id {
                    // Where it was goes again: the application's other
                    // workloads score anew, a lone workload's plan group goes.
                    queue.push_back(match old.application_id {
                        0 => Group::Lone(w.id),
                        app => Group::Application(app),
                    });
                }
            }
            self.deltas.change(new.application_id, &new.figures(), 1);
            if old.as_ref().map(|o| o.recommended) != Some(a.recommended) {
                *self.moves.entry((old.map(|o| o.recommended), a.recommended)).or_default() += 1;
            }
            self.scored += 1;
            store_assessment(conn, eid, w, a, &new, decided)?;
        }
        Ok(scored)
    }

    /// Rows counted in this group whose workload is no longer in it: moved
    /// away (scored where it went, queued) or deleted (taken out).
    fn left_behind(&mut self, g: Group, scored: &HashSet<i64>, queue: &mut VecDeque<Group>) -> Result<(), AppError> {
        let (conn, eid) = (self.conn, self.engagement_id);
        let (sql, key) = match g {
            Group::Application(a) => (format!("{SELECT_COUNTED} WHERE engagement_id = ?1 AND application_id = ?2"), a),
            Group::Lone(w) => (format!("{SELECT_COUNTED} WHERE engagement_id = ?1 AND workload_id = ?2 AND application_id = 0"), w),
        };
        let left: Vec<(i64, Option<Counted>)> = conn
            .prepare_cached(&sql)?
            .query_map([eid, key], |r| Ok((r.get::<_, i64>(9)?, counted_of(r)?)))?
            .filter(|row| !row.as_ref().is_ok_and(|(id, _)| scored.contains(id)))
            .collect::<Result<_, _>>()?;
        for (id, old) in left {
            let now: Option<Option<i64>> = conn
                .prepare_cached("SELECT application_id FROM workloads WHERE engagement_id = ?1 AND id = ?2")?
                .query_row([eid, id], |r| r.get(0))
                .optional()?;
            match now {
                // Its row moves with it when its new group is scored.
                Some(app) => queue.push_back(app.map_or(Group::Lone(id), Group::Application)),
                None => {
                    if let Some(old) = old {
                        self.deltas.change(old.application_id, &old.figures(), -1);
                    }
                    conn.prepare_cached("DELETE FROM assessments WHERE workload_id = ?1")?.execute([id])?;
                }
            }
        }
        Ok(())
    }

    /// The applications' own part of their figures rows (being one, their
    /// answered questions); the row of an application that is gone goes.
    fn applications(&mut self, derived: &[Group]) -> Result<(), AppError> {
        let (conn, eid) = (self.conn, self.engagement_id);
        for g in derived {
            let Group::Application(a) = *g else { continue };
            let exists: bool = conn
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM applications WHERE engagement_id = ?1 AND id = ?2)")?
                .query_row([eid, a], |r| r.get(0))?;
            let now = figures::application_part(exists, if exists { figures::answered(conn, eid, a)? } else { 0 });
            let before = figures::application_part_of(&figures::get(conn, eid, a)?);
            self.deltas.change(a, &before, -1);
            self.deltas.change(a, &now, 1);
            if !exists {
                self.deltas.flush(conn, eid)?;
                figures::remove(conn, eid, a)?;
            }
        }
        Ok(())
    }

    /// The plan's groups and links of the derived groups; notes whether
    /// anything the plan is built from changed.
    fn plan_inputs(&mut self, derived: &[Group]) -> Result<(), AppError> {
        for g in derived {
            let changed = crate::db::plan::store_group(self.conn, self.engagement_id, *g)?;
            self.plan_changed |= changed;
        }
        let keys: Vec<i64> = derived.iter().map(|g| g.plan_key()).collect();
        let changed = crate::db::plan::store_links(self.conn, self.engagement_id, &keys)?;
        self.plan_changed |= changed;
        Ok(())
    }

    /// Builds the architectures to build and the plan when its inputs (or
    /// its settings: `plan`) changed; says what moved. `whole`: part of a
    /// whole derivation, which builds every architecture with the final
    /// jump-host fact itself.
    pub(super) fn finish(self, plan: bool, whole: bool) -> Result<Rescore, AppError> {
        let (conn, eid) = (self.conn, self.engagement_id);
        let jump_hosts = figures::get(conn, eid, TOTALS)?.jump_hosts();
        let whole_pending = progress(conn, eid)?.is_some();
        if (jump_hosts > 0) != (self.jump_hosts_before > 0) && !whole {
            // Every application's findings and bastion depend on it.
            if whole_pending {
                record_derivation(conn, eid)?;
            } else {
                rederive_architectures(conn, eid)?;
            }
        } else if !self.architecture.is_empty() {
            let apps: Vec<i64> = self.architecture.iter().copied().collect();
            crate::db::architecture::store_summaries(conn, eid, &apps, jump_hosts > 0, true)?;
            // A whole derivation under way keeps it once, at its end.
            if !whole_pending {
                crate::db::architecture::store_overview(conn, eid, crate::cost::catalogue())?;
            }
        }
        // A whole derivation under way builds the plan once, at its end.
        if (self.plan_changed || plan) && !whole_pending {
            crate::db::plan::store_plan(conn, eid)?;
        }
        Ok(Rescore { scored: self.scored, moves: self.moves.into_iter().map(|((from, to), count)| Move { from, to, count }).collect() })
    }
}

/// What a group's workloads are scored from, read before scoring.
struct Inputs {
    members: Vec<(Workload, Option<i64>)>,
    answers: crate::scoring::AnswerBook,
    decisions: HashMap<i64, crate::db::decisions::StoredDecision>,
    suggested: Vec<Vec<SuggestedFact>>,
}

/// What is stored of a workload's assessment, written out where it was
/// scored (the whole assessment is dropped there too: freeing its reasons
/// was a sixth of the storing thread's time).
struct Assessed {
    recommended: Strategy,
    confidence: f64,
    top_risk: Option<Severity>,
    /// High, medium, low.
    risks: [i64; 3],
    end_of_support: Option<Date>,
    detail: String,
    main_reason: Option<String>,
}

impl Assessed {
    fn of(a: Assessment) -> Result<Assessed, AppError> {
        let json = |e: serde_json::Error| AppError::Internal(format!("assessment detail: {e}"));
        let mut risks = [0i64; 3];
        for r in &a.risks {
            risks[Severity::ALL.iter().position(|s| *s == r.severity).unwrap_or(0)] += 1;
        }
        Ok(Assessed {
            recommended: a.recommended,
            confidence: a.confidence,
            top_risk: a.risks.iter().map(|r| r.severity).min(),
            risks,
            end_of_support: earliest_end_of_support(&a),
            detail: serde_json::to_string(&a).map_err(json)?,
            main_reason: a.main_reason().map(serde_json::to_string).transpose().map_err(json)?,
        })
    }
}

impl Inputs {
    /// Scores the members, in their order, and writes out what is stored
    /// of each (no database: this runs on every core).
    fn assess(&self, profile: &Profile, ctx: &Context) -> Result<Vec<Assessed>, AppError> {
        let items: Vec<Item> =
            self.members.iter().zip(&self.suggested).map(|((w, a), s)| Item { workload: w, application_id: *a, suggested: s }).collect();
        // score_portfolio_with answers in the order of `items`.
        score_portfolio_with(&items, &self.answers, profile, ctx).into_iter().map(Assessed::of).collect()
    }
}

/// The applications (0: none) of the workloads at the other end of the
/// dependencies of a group's workloads: their targets show this group's.
fn neighbour_applications(conn: &Connection, engagement_id: i64, scope: Scope) -> Result<Vec<i64>, AppError> {
    let (mine, params) = scope.sql(engagement_id, "SELECT w.id FROM workloads w", "");
    let sql = format!(
        "WITH mine(id) AS ({mine})
         SELECT DISTINCT COALESCE(o.application_id, 0) FROM dependencies d JOIN workloads o ON o.id = d.to_workload_id
           WHERE d.from_workload_id IN mine
         UNION SELECT DISTINCT COALESCE(o.application_id, 0) FROM dependencies d JOIN workloads o ON o.id = d.from_workload_id
           WHERE d.to_workload_id IN mine"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(rusqlite::params_from_iter(params), |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Writes a workload's assessment row: what the pages list and count
/// (strategy, confidence, risks, end of support) beside the whole detail.
fn store_assessment(
    conn: &Connection,
    eid: i64,
    w: &Workload,
    a: &Assessed,
    new: &Counted,
    decided: Option<Strategy>,
) -> Result<(), AppError> {
    conn.prepare_cached(
        // An upsert, not INSERT OR REPLACE: a replaced row is deleted
        // without its delete trigger firing, and the end-of-support
        // counts (migration 15) would count it twice.
        "INSERT INTO assessments (workload_id, engagement_id, application_id, name, recommended, decided, effective,
            confidence, top_risk, risks_high, risks_medium, risks_low, jump_host, main_reason_detail, end_of_support, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
         ON CONFLICT (workload_id) DO UPDATE SET engagement_id = excluded.engagement_id,
            application_id = excluded.application_id, name = excluded.name, recommended = excluded.recommended,
            decided = excluded.decided, effective = excluded.effective, confidence = excluded.confidence,
            top_risk = excluded.top_risk, risks_high = excluded.risks_high, risks_medium = excluded.risks_medium,
            risks_low = excluded.risks_low, jump_host = excluded.jump_host, main_reason_detail = excluded.main_reason_detail,
            end_of_support = excluded.end_of_support, detail = excluded.detail",
    )?
    .execute(params![
        w.id,
        eid,
        new.application_id,
        w.name,
        a.recommended.code(),
        decided.map(Strategy::code),
        new.effective.code(),
        a.confidence,
        a.top_risk.map(Severity::code),
        new.risks[0],
        new.risks[1],
        new.risks[2],
        new.jump_host,
        a.main_reason,
        a.end_of_support.map(|d| d.to_string()),
        a.detail,
    ])?;
    Ok(())
}

/// The earliest dated end of support of an assessment (OS or database):
/// the date the dashboard's timeline counts it at.
pub(super) fn earliest_end_of_support(a: &Assessment) -> Option<Date> {
    a.end_of_support.iter().filter_map(|e| e.date.as_deref().and_then(Date::parse)).min()
}

/// What an assessed workload counts.
fn counted(a: &Assessed, application_id: i64, decided: Option<Strategy>, w: &Workload) -> Counted {
    Counted {
        application_id,
        recommended: a.recommended,
        decided,
        effective: decided.unwrap_or(a.recommended),
        confidence: a.confidence,
        risks: a.risks,
        jump_host: crate::architecture::findings::is_jump_host(&w.name, &w.role, &w.notes),
    }
}
