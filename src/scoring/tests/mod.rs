//! Rules, gates, profile and confidence, on hand-built workloads: the
//! estate and helpers here; `workloads` scores single workloads, `book`
//! checks every rule of the book, `applications` the decision per
//! application and what is stored.

use std::collections::HashMap;

use super::*;
use crate::inventory::{AppAttributes, Workload};
use crate::knowledge::Date;

mod applications;
mod book;
mod workloads;

const APP: i64 = 1;

/// The AnyCompany estate as `samples/anycompany.csv` describes it.
pub(crate) fn anycompany() -> Vec<Workload> {
    let web = |id: i64, name: &str| Workload {
        id,
        name: name.into(),
        application: "AnyCompany e-commerce".into(),
        environment: "production".into(),
        role: "web-app".into(),
        os: "Ubuntu Linux".into(),
        os_version: "22.04".into(),
        cpu_cores: Some(4),
        ram_gb: Some(16.0),
        cpu_util_peak_pct: Some(45.0),
        middleware: "Apache HTTP Server 2.4".into(),
        runtime: "Java 11".into(),
        notes: "Monolithic Java e-commerce application; one of the load-balanced web/app pair".into(),
        ..Workload::default()
    };
    let db = Workload {
        id: 3,
        name: "anyco-db-01".into(),
        application: "AnyCompany e-commerce".into(),
        environment: "production".into(),
        role: "db".into(),
        os: "Ubuntu Linux".into(),
        os_version: "22.04".into(),
        cpu_cores: Some(8),
        ram_gb: Some(32.0),
        cpu_util_peak_pct: Some(55.0),
        db_engine: "MySQL".into(),
        db_version: "8.0".into(),
        notes: "Single MySQL server without redundancy; private subnet behind a firewall that allows only 3306 \
                from the web/app servers by hard-coded IP rules; weekly full and nightly incremental backups to \
                tape with commercial backup software"
            .into(),
        ..Workload::default()
    };
    vec![web(1, "anyco-web-01"), web(2, "anyco-web-02"), db]
}

/// The answers the seed's discovery meeting gives, as the template has them.
pub(crate) fn anycompany_answers() -> AnswerBook {
    let mut a = AnswerBook::default();
    for (q, v) in [
        ("still_used", "yes"),
        ("saas_alternative", "no"),
        ("source_available", "yes"),
        ("must_stay_on_prem", "no"),
        ("needs_new_features", "no"),
        ("deadline_months", "6"),
    ] {
        a.set(SubjectKind::Application, APP, q, v);
    }
    a
}

/// The day the tests score on: dated sentences must not move with the calendar.
fn today() -> Date {
    Date::parse("2026-11-30").unwrap()
}

fn score(ws: &[Workload], answers: &AnswerBook, profile: &Profile) -> Vec<Assessment> {
    score_with(ws, answers, profile, None)
}

fn score_with(ws: &[Workload], answers: &AnswerBook, profile: &Profile, app: Option<AppAttributes>) -> Vec<Assessment> {
    let items: Vec<Item> = ws.iter().map(|w| Item { workload: w, application_id: Some(APP), suggested: &[] }).collect();
    let applications: HashMap<i64, AppAttributes> = app.into_iter().map(|a| (APP, a)).collect();
    score_portfolio_with(&items, answers, profile, &Context { today: today(), applications: Some(&applications) })
}

fn attributes(pairs: &[(&str, &str)]) -> AppAttributes {
    let mut a = AppAttributes::default();
    for (k, v) in pairs {
        a.set(k, v).unwrap();
    }
    a
}

fn one(w: Workload, answers: &[(&str, &str)]) -> Assessment {
    let mut book = AnswerBook::default();
    for (q, v) in answers {
        book.set(SubjectKind::Application, APP, q, v);
    }
    score(&[Workload { id: 9, ..w }], &book, &Profile::default()).remove(0)
}

fn fired(a: &Assessment, rule: &str) -> bool {
    a.reasons.iter().any(|r| r.rule == rule)
}

fn linux_server(role: &str) -> Workload {
    Workload { name: "s".into(), role: role.into(), os: "Red Hat Enterprise Linux".into(), os_version: "9.2".into(), ..Workload::default() }
}
