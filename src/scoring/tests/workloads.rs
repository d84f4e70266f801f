//! Single workloads: gates, rules, risks, answers, preferences and confidence.

use super::*;

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
    assert!(db.reasons_line(Lang::Ko).contains("Amazon RDS for MySQL을 사용할 수 있습니다"));
    // Every question the sample answers is evidence that is known.
    assert!(!db.missing.iter().any(|m| m == "answer.still_used"), "{:?}", db.missing);
    assert!(db.confidence >= 0.75, "{}", db.confidence);
    // The application's confidence as the pages show it: 85%, as on main.
    let mean = result.iter().map(|a| a.confidence).sum::<f64>() / result.len() as f64;
    assert_eq!((mean * 100.0).round(), 85.0, "{:?}", result.iter().map(|a| a.confidence).collect::<Vec<_>>());
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
