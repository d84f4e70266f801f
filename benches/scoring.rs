//! Scores 100,000 synthetic workloads (1,000 applications with answers) and
//! prints the median of several runs. Goal: under one second.
//! Run: `cargo bench --bench scoring`

use std::time::{Duration, Instant};

use sixr::inventory::Workload;
use sixr::scoring::{AnswerBook, Item, Profile, SubjectKind, score_portfolio};

const WORKLOADS: usize = 100_000;
const APPLICATIONS: i64 = 1_000;
const RUNS: usize = 7;

fn synthetic() -> (Vec<Workload>, Vec<Option<i64>>, AnswerBook) {
    let oses = [
        ("Ubuntu Linux", "22.04"),
        ("Windows Server 2012 R2", ""),
        ("CentOS", "7.9"),
        ("Red Hat Enterprise Linux", "9.2"),
        ("AIX", "7.2"),
        ("", ""),
    ];
    let roles = ["web", "app", "web-app", "db", "file", "queue", "batch", ""];
    let engines = [("MySQL", "5.7"), ("PostgreSQL", "16"), ("Microsoft SQL Server", "2014"), ("Oracle", "19c"), ("Sybase ASE", "16")];
    let stacks = [("Apache Tomcat 9", "Java 11"), ("IIS 10", ".NET 4.8"), ("nginx", "PHP 8"), ("ActiveMQ", ""), ("", "")];
    let mut workloads = Vec::with_capacity(WORKLOADS);
    let mut apps = Vec::with_capacity(WORKLOADS);
    for i in 0..WORKLOADS {
        let (os, os_version) = oses[i % oses.len()];
        let role = roles[i % roles.len()];
        let (db_engine, db_version) = if role == "db" { engines[i % engines.len()] } else { ("", "") };
        let (middleware, runtime) = stacks[i % stacks.len()];
        workloads.push(Workload {
            id: i as i64 + 1,
            name: format!("srv-{i:06}"),
            role: role.into(),
            os: os.into(),
            os_version: os_version.into(),
            db_engine: db_engine.into(),
            db_version: db_version.into(),
            middleware: middleware.into(),
            runtime: runtime.into(),
            cpu_util_peak_pct: Some((i % 100) as f64),
            powered_off: i % 37 == 0,
            notes: if i % 11 == 0 { "nightly backups to tape".into() } else { String::new() },
            ..Workload::default()
        });
        apps.push(if i % 50 == 0 { None } else { Some(i as i64 % APPLICATIONS) });
    }
    let mut answers = AnswerBook::default();
    for a in 0..APPLICATIONS {
        let yes_no = |n: i64| if n % 2 == 0 { "yes" } else { "no" };
        answers.set(SubjectKind::Application, a, "still_used", if a % 20 == 0 { "no" } else { "yes" });
        answers.set(SubjectKind::Application, a, "saas_alternative", yes_no(a / 7));
        answers.set(SubjectKind::Application, a, "source_available", yes_no(a / 3));
        answers.set(SubjectKind::Application, a, "needs_new_features", yes_no(a / 5));
        answers.set(SubjectKind::Application, a, "deadline_months", &(a % 30).to_string());
        if a % 3 == 0 {
            answers.set(SubjectKind::Application, a, "usage_level", "low");
        }
    }
    (workloads, apps, answers)
}

fn main() {
    let (workloads, apps, answers) = synthetic();
    let items: Vec<Item> = workloads.iter().zip(&apps).map(|(w, a)| Item { workload: w, application_id: *a, suggested: &[] }).collect();
    let profile = Profile::default();
    let _ = score_portfolio(&items[..100], &answers, &profile); // loads the rule book
    let mut times: Vec<Duration> = Vec::new();
    let mut recommended = std::collections::BTreeMap::new();
    for run in 0..RUNS {
        let start = Instant::now();
        let result = score_portfolio(&items, &answers, &profile);
        times.push(start.elapsed());
        assert_eq!(result.len(), WORKLOADS);
        if run == 0 {
            for a in &result {
                *recommended.entry(a.recommended.code()).or_insert(0usize) += 1;
            }
        }
    }
    times.sort();
    println!("scored {WORKLOADS} workloads, {RUNS} runs");
    println!("median {:.1} ms (min {:.1} ms, max {:.1} ms)", ms(times[RUNS / 2]), ms(times[0]), ms(times[RUNS - 1]));
    println!("recommendations: {recommended:?}");
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
