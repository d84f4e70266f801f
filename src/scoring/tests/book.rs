//! Every rule of the book fires in some case and reads back from what its
//! reason keeps; sentences, product knowledge and end-of-support dates.

use super::*;

/// Every gate, rule and risk of the rule book fires on at least one of
/// these workloads: a new rule without a case here fails the test.
#[test]
fn every_rule_in_the_book_fires_somewhere() {
    let mut fired_reasons = std::collections::HashSet::new();
    let mut fired_risks = std::collections::HashSet::new();
    let cases = cases_by_profile()
        .into_iter()
        .map(|(w, a, p)| (w, a, p, None))
        .chain(cases_by_portfolio().into_iter().map(|(w, a, t)| (w, a, Profile::default(), Some(t))));
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

/// A workload, the answers of its application and the preferences.
type Case<'a> = (Workload, Vec<(&'a str, &'a str)>, Profile);

/// The cases of `every_rule_in_the_book_fires_somewhere` that workload
/// fields, answers and preferences decide.
fn cases_by_profile() -> Vec<Case<'static>> {
    let db = |engine: &str, version: &str| Workload { db_engine: engine.into(), db_version: version.into(), ..linux_server("db") };
    vec![
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
    ]
}

/// A workload, the answers of its application and the application's portfolio attributes.
type WithAttributes<'a> = (Workload, Vec<(&'a str, &'a str)>, AppAttributes);

/// The cases of `every_rule_in_the_book_fires_somewhere` that portfolio
/// attributes decide.
fn cases_by_portfolio() -> Vec<WithAttributes<'static>> {
    let portfolio_row = |name: &str, stack: &str, db: &str| Workload {
        name: name.into(),
        application: name.into(),
        middleware: stack.into(),
        db_engine: db.into(),
        users: Some(5),
        ..Workload::default()
    };
    vec![
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
    ]
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
