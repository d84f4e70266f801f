//! Rules, gates, profile and confidence, on hand-built workloads.

use super::*;

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

fn score(ws: &[Workload], answers: &AnswerBook, profile: &Profile) -> Vec<Assessment> {
    let items: Vec<Item> = ws.iter().map(|w| Item { workload: w, application_id: Some(APP), suggested: &[] }).collect();
    score_portfolio(&items, answers, profile)
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

#[test]
fn anycompany_comes_out_replatform_for_the_seeds_reasons() {
    let result = score(&anycompany(), &anycompany_answers(), &Profile::default());
    for a in &result {
        assert_eq!(a.recommended, Strategy::Replatform, "workload {}: {:?}", a.workload_id, a.scores);
        assert_eq!(a.mark(Strategy::Replatform), Mark::Recommended);
        assert!(a.score(Strategy::Replatform) > a.score(Strategy::Rehost));
    }
    let web = &result[0];
    let web_text = web.reasons_line(Lang::En);
    assert!(web_text.contains("Apache HTTP Server 2.4, Java 11 → AWS Elastic Beanstalk"), "{web_text}");
    assert!(web_text.contains("Elastic Load Balancing with Auto Scaling across two Availability Zones"), "{web_text}");
    let db = &result[2];
    let db_text = db.reasons_line(Lang::En);
    assert!(db_text.contains("MySQL 8.0 → Amazon RDS for MySQL is available"), "{db_text}");
    assert!(db_text.contains("+3 Replatform"), "{db_text}");
    assert!(db_text.contains("Multi-AZ"), "{db_text}");
    assert!(db_text.contains("tape"), "{db_text}");
    assert!(db.risks.iter().any(|r| r.rule == "single_point_of_failure" && r.severity == Severity::High));
    assert!(db.reasons_line(Lang::Ko).contains("Amazon RDS for MySQL를 사용할 수 있습니다"));
    // Every question the sample answers is evidence that is known.
    assert!(!db.missing.iter().any(|m| m == "answer.still_used"), "{:?}", db.missing);
    assert!(db.confidence >= 0.75, "{}", db.confidence);
}

#[test]
fn gate_not_used_forces_retire() {
    let a = one(linux_server("app"), &[("still_used", "아니오")]);
    assert_eq!(a.recommended, Strategy::Retire);
    assert!(Strategy::ALL.iter().filter(|s| **s != Strategy::Retire).all(|s| a.mark(*s) == Mark::NotRecommended));
    assert!(a.reasons[0].gate.is_some());
}

#[test]
fn gate_must_stay_forces_retain_with_its_reason() {
    let a = one(linux_server("app"), &[("must_stay_on_prem", "yes"), ("must_stay_reason", "regulation")]);
    assert_eq!(a.recommended, Strategy::Retain);
    assert!(a.reasons_line(Lang::En).contains("reason: regulation"));
}

#[test]
fn retire_gate_comes_before_retain_gate() {
    let a = one(linux_server("app"), &[("still_used", "no"), ("must_stay_on_prem", "yes")]);
    assert_eq!(a.recommended, Strategy::Retire);
}

#[test]
fn gate_os_ec2_cannot_run_blocks_rehost() {
    for os in ["AIX", "Solaris 10 SPARC", "HP-UX 11i", "z/OS", "AS/400"] {
        let a = one(Workload { os: os.into(), role: "app".into(), ..Workload::default() }, &[]);
        assert_eq!(a.recommended, Strategy::Retain, "{os}: {:?}", a.scores);
        assert!(fired(&a, "os_cannot_move"));
        assert_eq!(a.mark(Strategy::Rehost), Mark::NotRecommended, "{os}");
        assert!(a.risks.iter().any(|r| r.rule == "os_not_on_ec2"), "{os}");
    }
}

#[test]
fn gate_no_source_blocks_refactor() {
    let a = one(linux_server("app"), &[("source_available", "no"), ("needs_new_features", "yes")]);
    assert_eq!(a.mark(Strategy::Refactor), Mark::NotRecommended);
    assert!(a.risks.iter().any(|r| r.rule == "features_without_source"));
}

#[test]
fn new_features_with_source_recommend_refactor() {
    let a = one(linux_server("app"), &[("source_available", "yes"), ("needs_new_features", "yes"), ("deadline_months", "24")]);
    assert_eq!(a.recommended, Strategy::Refactor, "{:?}", a.scores);
    assert!(fired(&a, "long_deadline"));
}

#[test]
fn saas_alternative_recommends_repurchase() {
    let a = one(linux_server("app"), &[("saas_alternative", "예")]);
    assert_eq!(a.recommended, Strategy::Repurchase, "{:?}", a.scores);
}

#[test]
fn powered_off_and_idle_servers_lean_to_retire() {
    let a = one(Workload { powered_off: true, ..linux_server("app") }, &[("usage_level", "none")]);
    assert_eq!(a.recommended, Strategy::Retire);
    assert!(fired(&a, "powered_off") && fired(&a, "low_usage"));
    let idle = one(Workload { cpu_util_peak_pct: Some(2.0), ..linux_server("app") }, &[]);
    assert!(fired(&idle, "idle"));
    assert!(idle.reasons_line(Lang::En).contains("only 2%"));
}

#[test]
fn end_of_support_os_and_database_are_high_risks() {
    for (os, version) in [("Windows Server 2012 R2", ""), ("CentOS", "7.9"), ("Ubuntu", "18.04"), ("Red Hat Enterprise Linux", "6")] {
        let a = one(Workload { os: os.into(), os_version: version.into(), ..linux_server("app") }, &[]);
        assert!(a.risks.iter().any(|r| r.rule == "os_end_of_support" && r.severity == Severity::High), "{os} {version}");
        assert!(fired(&a, "os_end_of_support"));
    }
    let current = one(Workload { os: "Windows Server 2022".into(), ..linux_server("app") }, &[]);
    assert!(!current.risks.iter().any(|r| r.rule == "os_end_of_support"));
    for (engine, version) in [("MySQL", "5.7"), ("Microsoft SQL Server 2012", ""), ("Oracle", "11g")] {
        let a = one(Workload { db_engine: engine.into(), db_version: version.into(), ..linux_server("db") }, &[]);
        assert!(a.risks.iter().any(|r| r.rule == "database_end_of_support"), "{engine} {version}");
        assert!(fired(&a, "database_end_of_support"));
    }
}

#[test]
fn managed_equivalents_are_found_for_middleware() {
    for (middleware, role, service) in [
        ("ActiveMQ 5.15", "queue", "Amazon MQ"),
        ("RabbitMQ", "queue", "Amazon MQ"),
        ("Apache Tomcat 9", "app", "Elastic Beanstalk (Java / Tomcat)"),
        ("IIS 10", "web", "Elastic Beanstalk (.NET"),
    ] {
        let a = one(Workload { middleware: middleware.into(), ..linux_server(role) }, &[]);
        assert_eq!(a.recommended, Strategy::Replatform, "{middleware}");
        assert!(a.reasons_line(Lang::En).contains(service), "{middleware}: {}", a.reasons_line(Lang::En));
    }
    let files = one(Workload { os: "Windows Server 2019".into(), role: "file".into(), ..Workload::default() }, &[]);
    assert!(files.reasons_line(Lang::En).contains("Amazon FSx for Windows File Server"));
    let sybase = one(Workload { db_engine: "Sybase ASE".into(), ..linux_server("db") }, &[]);
    assert!(fired(&sybase, "no_managed_database"));
    assert_eq!(sybase.recommended, Strategy::Rehost);
}

#[test]
fn a_database_with_a_replica_is_no_single_point_of_failure() {
    let primary = Workload { id: 1, db_engine: "PostgreSQL".into(), db_version: "16".into(), ..linux_server("db") };
    let replica = Workload { id: 2, name: "replica".into(), ..primary.clone() };
    let both = score(&[primary.clone(), replica], &AnswerBook::default(), &Profile::default());
    assert!(both.iter().all(|a| !a.risks.iter().any(|r| r.rule == "single_point_of_failure")));
    let alone = score(&[primary], &AnswerBook::default(), &Profile::default());
    assert!(alone[0].risks.iter().any(|r| r.rule == "single_point_of_failure"));
}

#[test]
fn licence_bound_to_hardware_is_a_medium_risk_and_leans_to_retain() {
    let a = one(linux_server("app"), &[("license_bound_to_hardware", "yes")]);
    assert!(a.risks.iter().any(|r| r.rule == "licence_bound_to_hardware" && r.severity == Severity::Medium));
    assert!(a.score(Strategy::Retain) > 0.0);
}

#[test]
fn unknown_answers_lower_confidence_without_moving_the_recommendation() {
    let answered = score(&anycompany(), &anycompany_answers(), &Profile::default());
    let unanswered = score(&anycompany(), &AnswerBook::default(), &Profile::default());
    for (a, u) in answered.iter().zip(&unanswered) {
        assert!(u.confidence < a.confidence, "{} !< {}", u.confidence, a.confidence);
        assert!(u.missing.iter().any(|m| m == "answer.still_used"));
    }
    let mut with_unknown = anycompany_answers();
    with_unknown.set(SubjectKind::Workload, 3, "deadline_months", "unknown");
    assert_eq!(score(&anycompany(), &with_unknown, &Profile::default())[2].confidence, answered[2].confidence);
}

#[test]
fn workload_answers_override_the_applications() {
    let mut answers = anycompany_answers();
    answers.set(SubjectKind::Workload, 2, "still_used", "no");
    let result = score(&anycompany(), &answers, &Profile::default());
    assert_eq!(result[0].recommended, Strategy::Replatform);
    assert_eq!(result[1].recommended, Strategy::Retire);
}

#[test]
fn preferences_move_recommendations() {
    let fast = Profile { speed: 5, managed: 1, ..Profile::default() };
    let plain = Workload { middleware: "Apache Tomcat 9".into(), ..linux_server("app") };
    let answers = AnswerBook::default();
    let neutral = score(std::slice::from_ref(&plain), &answers, &Profile::default());
    let hurried = score(std::slice::from_ref(&plain), &answers, &fast);
    assert_eq!(neutral[0].recommended, Strategy::Replatform, "{:?}", neutral[0].scores);
    assert_eq!(hurried[0].recommended, Strategy::Rehost, "{:?}", hurried[0].scores);

    let self_run = Profile { db_hosting: Hosting::SelfManaged, ..Profile::default() };
    let db = Workload { db_engine: "PostgreSQL".into(), db_version: "16".into(), notes: "replica".into(), ..linux_server("db") };
    assert_eq!(score(std::slice::from_ref(&db), &answers, &Profile::default())[0].recommended, Strategy::Replatform);
    let moved = score(std::slice::from_ref(&db), &answers, &self_run);
    assert_eq!(moved[0].recommended, Strategy::Rehost, "{:?}", moved[0].scores);
    assert!(fired(&moved[0], "prefers_self_managed_databases"));

    // Weights show in the points of the reasons.
    let heavy = score(std::slice::from_ref(&db), &answers, &Profile { managed: 5, ..Profile::default() });
    let reason = heavy[0].reasons.iter().find(|r| r.rule == "managed_database").unwrap();
    assert_eq!(reason.points[&Strategy::Replatform], 4.5);
}

#[test]
fn missing_role_and_os_lower_confidence() {
    let a = one(Workload { name: "mystery".into(), ..Workload::default() }, &[]);
    assert!(a.missing.contains(&"os".to_string()) && a.missing.contains(&"role".to_string()));
    assert!(a.confidence < 0.5);
    assert!(a.risks.iter().any(|r| r.rule == "unknown_os" && r.severity == Severity::Low));
}

#[test]
fn application_roll_up_takes_the_majority_and_means() {
    let result = score(&anycompany(), &anycompany_answers(), &Profile::default());
    let refs: Vec<&Assessment> = result.iter().collect();
    let r = roll_up(&refs);
    assert_eq!(r.recommended, Some(Strategy::Replatform));
    assert_eq!(r.workloads, 3);
    assert!(r.risks.get(&Severity::High).copied().unwrap_or(0) >= 1);
}

#[test]
fn assessment_round_trips_through_json() {
    let a = score(&anycompany(), &anycompany_answers(), &Profile::default()).remove(2);
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["recommended"], "replatform");
    assert_eq!(json["marks"]["replatform"], "recommended");
    let back: Assessment = serde_json::from_value(json).unwrap();
    assert_eq!(back, a);
}

/// Every gate, rule and risk of the rule book fires on at least one of
/// these workloads: a new rule without a case here fails the test.
#[test]
fn every_rule_in_the_book_fires_somewhere() {
    let db = |engine: &str, version: &str| Workload { db_engine: engine.into(), db_version: version.into(), ..linux_server("db") };
    type Case<'a> = (Workload, Vec<(&'a str, &'a str)>, Profile);
    let cases: Vec<Case> = vec![
        (
            anycompany()[0].clone(),
            vec![("still_used", "yes"), ("saas_alternative", "no"), ("needs_new_features", "no"), ("deadline_months", "6")],
            Profile::default(),
        ),
        (anycompany()[2].clone(), vec![], Profile { db_hosting: Hosting::Managed, ..Profile::default() }),
        (
            db("Oracle", "11g"),
            vec![("license_bound_to_hardware", "yes")],
            Profile { db_hosting: Hosting::SelfManaged, ..Profile::default() },
        ),
        (db("Sybase ASE", "16"), vec![], Profile::default()),
        (
            Workload { middleware: "Tomcat".into(), ..linux_server("app") },
            vec![("usage_level", "high")],
            Profile { app_hosting: Hosting::Managed, ..Profile::default() },
        ),
        (
            Workload { middleware: "Tomcat".into(), ..linux_server("app") },
            vec![],
            Profile { app_hosting: Hosting::SelfManaged, ..Profile::default() },
        ),
        (
            Workload { middleware: "RabbitMQ".into(), cpu_util_peak_pct: Some(95.0), ..linux_server("queue") },
            vec![("still_used", "no")],
            Profile::default(),
        ),
        (
            Workload { os: "CentOS".into(), os_version: "6".into(), cpu_util_peak_pct: Some(1.0), ..linux_server("app") },
            vec![("must_stay_on_prem", "yes"), ("usage_level", "low")],
            Profile::default(),
        ),
        (
            Workload { os: "AIX".into(), powered_off: true, ..Workload::default() },
            vec![("source_available", "no"), ("needs_new_features", "yes"), ("saas_alternative", "yes")],
            Profile::default(),
        ),
        (
            linux_server("app"),
            vec![("source_available", "yes"), ("needs_new_features", "yes"), ("deadline_months", "24")],
            Profile::default(),
        ),
        (Workload { name: "mystery".into(), ..Workload::default() }, vec![], Profile::default()),
    ];
    let mut fired_reasons = std::collections::HashSet::new();
    let mut fired_risks = std::collections::HashSet::new();
    for (w, answers, profile) in cases {
        let mut book = AnswerBook::default();
        for (q, v) in answers {
            book.set(SubjectKind::Application, APP, q, v);
        }
        let a = score(&[w], &book, &profile).remove(0);
        fired_reasons.extend(a.reasons.iter().map(|r| r.rule.clone()));
        fired_risks.extend(a.risks.iter().map(|r| r.rule.clone()));
    }
    let never: Vec<&str> = rulebook()
        .rules
        .iter()
        .filter(|r| match r.kind {
            rules::Kind::Risk(_) => !fired_risks.contains(&r.id),
            _ => !fired_reasons.contains(&r.id),
        })
        .map(|r| r.id.as_str())
        .collect();
    assert!(never.is_empty(), "rules no case fires: {never:?}");
}

#[test]
fn choice_answers_read_as_their_labels_in_sentences() {
    let a = one(linux_server("app"), &[("usage_level", "low"), ("must_stay_on_prem", "yes"), ("must_stay_reason", "hardware")]);
    assert!(a.reasons_line(Lang::Ko).contains("하드웨어 종속성"), "{}", a.reasons_line(Lang::Ko));
    assert!(a.reasons_line(Lang::En).contains("reason: hardware dependency"));
    let low = one(linux_server("app"), &[("usage_level", "low")]);
    assert!(low.reasons_line(Lang::Ko).contains("'낮음'"), "{}", low.reasons_line(Lang::Ko));
}
