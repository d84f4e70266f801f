//! Rules, gates, profile and confidence, on hand-built workloads.

use super::*;
use crate::inventory::AppAttributes;

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
    let portfolio_row = |name: &str, stack: &str, db: &str| Workload {
        name: name.into(),
        application: name.into(),
        middleware: stack.into(),
        db_engine: db.into(),
        users: Some(5),
        ..Workload::default()
    };
    type WithAttributes<'a> = (Workload, Vec<(&'a str, &'a str)>, AppAttributes);
    let with_attributes: Vec<WithAttributes> = vec![
        (portfolio_row("Zendesk", "Zendesk Suite", ""), vec![], attributes(&[("current_state", "SaaS")])),
        (portfolio_row("Salesforce", "", ""), vec![], AppAttributes::default()),
        (portfolio_row("Wiki", "Confluence Server 7.13", "PostgreSQL 10"), vec![], attributes(&[("complexity", "low")])),
        (portfolio_row("DWH", "Teradata", ""), vec![], attributes(&[("complexity", "high"), ("compliance", "SOX")])),
        (portfolio_row("Backup", "Veritas NetBackup", ""), vec![], AppAttributes::default()),
        (portfolio_row("Shop", "Java 11, Tomcat", "MySQL 8.0"), vec![], AppAttributes::default()),
        (
            portfolio_row("Reports", "VB6, Access", ""),
            vec![("usage_level", "low"), ("source_available", "yes")],
            attributes(&[("current_state", "EOL"), ("technical_debt", "very high")]),
        ),
        (
            Workload { os: "Windows Server".into(), os_version: "2016".into(), db_engine: "SQL Server 2017".into(), ..linux_server("db") },
            vec![("deadline_months", "24")],
            AppAttributes::default(),
        ),
    ];
    let mut fired_reasons = std::collections::HashSet::new();
    let mut fired_risks = std::collections::HashSet::new();
    let cases = cases
        .into_iter()
        .map(|(w, a, p)| (w, a, p, None))
        .chain(with_attributes.into_iter().map(|(w, a, t)| (w, a, Profile::default(), Some(t))));
    for (w, answers, profile, app) in cases {
        let mut book = AnswerBook::default();
        for (q, v) in answers {
            book.set(SubjectKind::Application, APP, q, v);
        }
        let a = score_with(&[w], &book, &profile, app).remove(0);
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

/// A strategy for a workload, with the reason that names a text.
fn reason_with(a: &Assessment, text: &str) -> bool {
    a.reasons_line(Lang::En).contains(text)
}

#[test]
fn product_knowledge_says_what_follows_for_the_6r() {
    let row = |stack: &str| Workload { name: "x".into(), application: "x".into(), middleware: stack.into(), ..Workload::default() };
    // Already SaaS: no migration.
    let saas = one(row("Salesforce Sales Cloud"), &[]);
    assert_eq!(saas.recommended, Strategy::Retain, "{:?}", saas.scores);
    assert!(reason_with(&saas, "Salesforce is a SaaS product already: no migration (Retain)"), "{}", saas.reasons_line(Lang::En));
    assert!(saas.reasons.iter().any(|r| r.rule == "product_is_saas" && r.points[&Strategy::Retain] == 5.0));
    // A SaaS successor: Repurchase.
    let wiki = one(row("Confluence Server 7.13, Java"), &[]);
    assert_eq!(wiki.recommended, Strategy::Repurchase, "{:?}", wiki.scores);
    assert!(reason_with(&wiki, "Confluence Server → Confluence Cloud"), "{}", wiki.reasons_line(Lang::En));
    // An AWS managed equivalent: Replatform, naming the service, with its points.
    for (stack, service) in [
        ("Teradata 16.20", "Amazon Redshift"),
        ("Nagios Core", "Amazon CloudWatch"),
        ("Jenkins", "AWS CodePipeline and AWS CodeBuild"),
        ("Kong 2.8", "Amazon API Gateway"),
        ("Cisco ASA 5525-X", "AWS Client VPN"),
        ("Veeam Backup & Replication", "AWS Backup"),
    ] {
        let a = one(row(stack), &[]);
        assert_eq!(a.recommended, Strategy::Replatform, "{stack}: {:?}", a.scores);
        let line = a.reasons_line(Lang::En);
        assert!(line.contains(&format!("→ {service}")) && line.contains("+3 Replatform"), "{stack}: {line}");
    }
    // Whole words only: an exchange-rates service is no mail server.
    let rates = one(row("Exchange rates service, Java"), &[]);
    assert!(!rates.reasons.iter().any(|r| r.rule.starts_with("product_")), "{}", rates.reasons_line(Lang::En));
}

#[test]
fn end_of_support_is_a_date_against_today_and_the_deadline() {
    let vm = |os: &str| Workload { os: os.into(), os_version: String::new(), ..linux_server("app") };
    let centos = one(vm("CentOS 8 (64-bit)"), &[]);
    assert!(reason_with(&centos, "CentOS 8 (64-bit) reached end of support on 2021-12-31"), "{}", centos.reasons_line(Lang::En));
    let old = one(vm("CentOS 4/5/6/7 (64-bit)"), &[]);
    assert!(old.risks.iter().any(|r| r.rule == "os_end_of_support" && r.text(Lang::En).contains("2024-06-30")), "{:?}", old.risks);
    let w2016 = one(vm("Microsoft Windows Server 2016 (64-bit)"), &[("deadline_months", "18")]);
    assert!(
        reason_with(&w2016, "Microsoft Windows Server 2016 (64-bit) leaves support on 2027-01-12, before the 18-month deadline"),
        "{}",
        w2016.reasons_line(Lang::En)
    );
    assert!(w2016.risks.iter().any(|r| r.rule == "os_end_of_support_before_deadline" && r.severity == Severity::Medium));
    // A deadline before the date: nothing to say yet.
    let short = one(vm("Microsoft Windows Server 2016 (64-bit)"), &[("deadline_months", "1")]);
    assert!(!short.reasons.iter().any(|r| r.rule.starts_with("os_end_of_support")));
    // The version in the OS string is read: no "unknown" in any sentence.
    for os in ["Red Hat Enterprise Linux 8 (64-bit)", "Debian GNU/Linux 7 (64-bit)", "Microsoft Windows Server 2012 (64-bit)"] {
        let a = one(vm(os), &[]);
        let text = format!("{} {:?}", a.reasons_line(Lang::En), a.risks);
        assert!(!text.contains("unknown"), "{os}: {text}");
        assert!(a.end_of_support.iter().any(|e| e.kind == "os" && e.date.is_some()), "{os}");
    }
    // The same workload scored on another day: the date is compared with that day.
    let items = [Item { workload: &vm("CentOS 8 (64-bit)"), application_id: None, suggested: &[] }];
    let back_then = Context { today: Date::parse("2020-01-01").unwrap(), applications: None };
    let a = score_portfolio_with(&items, &AnswerBook::default(), &Profile::default(), &back_then).remove(0);
    assert!(!a.risks.iter().any(|r| r.rule == "os_end_of_support"), "CentOS 8 was supported in 2020");
}

#[test]
fn a_tie_is_named_and_lowers_the_confidence() {
    // Nothing at all is known: every strategy scores 0.
    let a = one(Workload { name: "blank".into(), ..Workload::default() }, &[]);
    let tie = a.reasons.iter().find(|r| r.rule == "tie").expect("the tie is named");
    let (en, ko) = (tie.text(Lang::En), tie.text(Lang::Ko));
    assert!(en.contains("Rehost and Replatform") && en.contains("score the same (0)"), "{en}");
    assert!(ko.contains("리호스팅"), "{ko}");
    let decided = one(linux_server("app"), &[]);
    assert!(!decided.reasons.iter().any(|r| r.rule == "tie"));
    // Two strategies with equal points.
    let even = one(linux_server("app"), &[("saas_alternative", "yes"), ("still_used", "yes")]);
    let (rehost, repurchase) = (even.score(Strategy::Rehost), even.score(Strategy::Repurchase));
    if (rehost - repurchase).abs() < 0.005 {
        assert!(even.reasons.iter().any(|r| r.rule == "tie"));
    }
}

#[test]
fn every_rule_of_the_book_reads_back_from_what_a_reason_keeps() {
    // Whatever rule the book holds, now or added later: a reason keeps the
    // values its sentences name, and the stored form reads back as the
    // sentence with those values in either language.
    let book = rulebook();
    for rule in &book.rules {
        let named: Named = rule.named.iter().map(|i| (book.facts[*i].clone(), Value::from_text(&format!("value-{i}")))).collect();
        let (reason, risk);
        let texts: Vec<String> = match rule.kind {
            rules::Kind::Risk(severity) => {
                risk = Risk { rule: rule.id.clone(), severity, facts: named.clone(), suggested: Vec::new() };
                let stored: Risk = serde_json::from_str(&serde_json::to_string(&risk).unwrap()).unwrap();
                assert_eq!(stored, risk);
                vec![stored.text(Lang::En), stored.text(Lang::Ko)]
            }
            rules::Kind::Gate { force, ref block } => {
                let gate = Some(GateEffect { force, block: block.clone() });
                reason = Reason { rule: rule.id.clone(), gate, points: BTreeMap::new(), facts: named.clone(), suggested: Vec::new() };
                let stored: Reason = serde_json::from_str(&serde_json::to_string(&reason).unwrap()).unwrap();
                assert_eq!(stored, reason);
                vec![stored.text(Lang::En), stored.text(Lang::Ko)]
            }
            rules::Kind::Score => {
                reason = Reason { rule: rule.id.clone(), gate: None, points: BTreeMap::new(), facts: named.clone(), suggested: Vec::new() };
                let stored: Reason = serde_json::from_str(&serde_json::to_string(&reason).unwrap()).unwrap();
                vec![stored.text(Lang::En), stored.text(Lang::Ko)]
            }
        };
        for text in texts {
            assert!(!text.contains('{') && text != rule.id, "{}: {text}", rule.id);
            for i in &rule.named {
                assert!(text.contains(&format!("value-{i}")), "{}: {text} lacks fact {}", rule.id, book.facts[*i]);
            }
        }
    }
}

#[test]
fn an_application_gets_one_decision_and_a_database_differs_only_with_its_reason() {
    // A CRM replaced by SaaS as a whole: the server and its database agree.
    let server = Workload { id: 1, name: "crm-app".into(), middleware: "Tomcat".into(), ..linux_server("app") };
    let db = Workload { id: 2, name: "crm-db".into(), db_engine: "MySQL".into(), db_version: "8.4".into(), ..linux_server("db") };
    let mut answers = AnswerBook::default();
    answers.set(SubjectKind::Application, APP, "saas_alternative", "yes");
    answers.set(SubjectKind::Application, APP, "still_used", "yes");
    let result = score(&[server.clone(), db.clone()], &answers, &Profile::default());
    assert!(result.iter().all(|a| a.application_strategy.is_none()), "no workload differs: {:?}", result[1].scores);
    assert!(
        result.iter().all(|a| a.recommended == Strategy::Repurchase),
        "the database goes with it: {}",
        result[1].reasons_line(Lang::En)
    );
    assert!(result[1].reasons.iter().any(|r| r.rule == "application_decision"), "and says so");
    // Servers rehosted (a customer in a hurry), the database to Amazon RDS with its stated reason.
    let plain = Workload { id: 1, name: "app-1".into(), ..linux_server("app") };
    let plain2 = Workload { id: 3, name: "app-2".into(), ..linux_server("app") };
    let fast = Profile { speed: 5, ..Profile::default() };
    let result = score(&[plain, plain2, db], &AnswerBook::default(), &fast);
    assert_eq!(result[0].recommended, Strategy::Rehost, "{:?}", result[0].scores);
    assert_eq!(result[2].application_strategy, Some(Strategy::Rehost), "the database keeps its application's strategy beside its own");
    assert_eq!(result[2].recommended, Strategy::Replatform, "{:?}", result[2].reasons_line(Lang::En));
    let why = result[2].reasons.iter().find(|r| r.rule == "differs_from_application").expect("the database says why it differs");
    let why = why.text(Lang::En);
    assert!(why.starts_with("Its application goes Rehost; this workload differs:") && why.contains("Amazon RDS"), "{why}");
}

#[test]
fn portfolio_attributes_drive_the_rules() {
    let row = |name: &str, users: i64| Workload { name: name.into(), application: name.into(), users: Some(users), ..Workload::default() };
    let saas =
        score_with(&[row("Concur", 900)], &AnswerBook::default(), &Profile::default(), Some(attributes(&[("current_state", "SaaS")])));
    assert_eq!(saas[0].recommended, Strategy::Retain);
    assert!(saas[0].reasons[0].gate.is_some(), "already SaaS is a gate");
    let eol =
        score_with(&[row("Fax", 6)], &AnswerBook::default(), &Profile::default(), Some(attributes(&[("current_state", "End of Life")])));
    assert_eq!(eol[0].recommended, Strategy::Retire, "{:?}", eol[0].scores);
    assert!(eol[0].reasons_line(Lang::En).contains("only 6 users"));
    let mut answers = AnswerBook::default();
    answers.set(SubjectKind::Application, APP, "source_available", "yes");
    let debt = score_with(&[row("Claims", 300)], &answers, &Profile::default(), Some(attributes(&[("technical_debt", "Very High")])));
    assert!(debt[0].score(Strategy::Refactor) >= 3.0 && debt[0].score(Strategy::Repurchase) >= 1.0, "{:?}", debt[0].scores);
    assert!(matches!(debt[0].recommended, Strategy::Refactor | Strategy::Repurchase));
    let sox =
        score_with(&[row("Ledger", 30)], &AnswerBook::default(), &Profile::default(), Some(attributes(&[("compliance", "SOX, PCI DSS")])));
    assert!(sox[0].risks.iter().any(|r| r.rule == "compliance" && r.text(Lang::En).contains("SOX; PCI DSS")), "{:?}", sox[0].risks);
}

#[test]
fn a_stored_assessment_is_compact_and_reads_as_it_was_scored() {
    let result = score(&anycompany(), &anycompany_answers(), &Profile::default());
    let db = &result[2];
    let json = serde_json::to_string(db).unwrap();
    assert!(!json.contains("Amazon RDS for MySQL를"), "no sentence is stored, only the facts they name: {json}");
    let stored: Assessment = serde_json::from_str(&json).unwrap();
    assert_eq!(&stored, db);
    assert!(stored.reasons_line(Lang::Ko).contains("Amazon RDS for MySQL를 사용할 수 있습니다"));
    // Issue 11 adds dated end-of-support reasons (the 22.04 deadline rule and
    // its risk) and the dates the timeline reads: under 1.9 KB.
    assert!(json.len() < 1900, "{} bytes: {json}", json.len());
}
