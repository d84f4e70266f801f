//! Ties, one decision per application, portfolio attributes, and the
//! assessment as stored.

use super::*;

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
    assert!(!json.contains("Amazon RDS for MySQL을"), "no sentence is stored, only the facts they name: {json}");
    let stored: Assessment = serde_json::from_str(&json).unwrap();
    assert_eq!(&stored, db);
    assert!(stored.reasons_line(Lang::Ko).contains("Amazon RDS for MySQL을 사용할 수 있습니다"));
    // With the dated end-of-support reasons (the 22.04 deadline rule and its
    // risk) and the dates the timeline reads: under 1.9 KB.
    assert!(json.len() < 1900, "{} bytes: {json}", json.len());
}
