//! The assessment: AnyCompany scored through storage, the dashboard, the
//! questionnaire, the reasons page, decisions, the profile and the JSON API.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::TestApp;
use sixr::db;
use sixr::i18n::Lang;
use sixr::inventory::Workload;
use sixr::scoring::SubjectKind;
use sixr::strategy::Strategy;

/// The AnyCompany engagement as the consultant loads `samples/anycompany.csv`
/// (with the sample's questionnaire answers). Returns (engagement id,
/// application id, [web-01, web-02, db-01] ids).
fn anycompany(app: &TestApp) -> (i64, i64, Vec<i64>) {
    app.db
        .with_conn(|c| {
            let e = sixr::service::import::load_anycompany_sample(c, "test")?;
            let app_id = db::applications::ensure_application(c, e, "AnyCompany e-commerce")?.unwrap();
            let mut ids = Vec::new();
            for name in ["anyco-web-01", "anyco-web-02", "anyco-db-01"] {
                let sql = "SELECT id FROM workloads WHERE engagement_id = ?1 AND name = ?2";
                ids.push(c.query_row(sql, rusqlite::params![e, name], |r| r.get(0))?);
            }
            Ok((e, app_id, ids))
        })
        .unwrap()
}

#[tokio::test]
async fn anycompany_is_replatform_in_storage_export_and_effective_strategies() {
    let app = TestApp::new();
    let (e, _, ids) = anycompany(&app);
    let (effective, rows) =
        app.db.with_conn(|c| Ok((db::decisions::effective_strategies(c, e)?, db::assessment::assessment_rows(c, e)?))).unwrap();
    for id in &ids {
        assert_eq!(effective[id], Strategy::Replatform);
        assert_eq!(rows[id].recommended_strategy, "replatform");
        assert_eq!(rows[id].chosen_strategy, "");
        assert!(rows[id].confidence.unwrap() > 0.5);
    }
    let db_reasons = &rows[&ids[2]].reasons;
    assert!(db_reasons.contains("MySQL 8.0 → Amazon RDS for MySQL is available"), "{db_reasons}");
    assert!(db_reasons.contains("Multi-AZ") && db_reasons.contains("tape"), "{db_reasons}");
    assert!(rows[&ids[0]].reasons.contains("Elastic Beanstalk"));
    assert!(rows[&ids[2]].reasons_ko.contains("다중 AZ"));
}

#[tokio::test]
async fn dashboard_shows_chart_counts_risks_and_links_to_reasons() {
    let app = TestApp::new();
    let (e, _, ids) = anycompany(&app);
    let r = app.get(&format!("/engagements/{e}/assessment")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = r.text();
    assert!(page.contains("<svg") && page.contains("#2f9e6f"), "chart in the strategy colour");
    assert!(page.contains("Replatform · Recommended: 3"));
    assert!(page.contains(&format!("/engagements/{e}/assessment/workloads/{}#reasons", ids[2])));
    assert!(page.contains("high risks"));
    assert!(page.contains("3 of 3 workloads"));

    let filtered = app.get(&format!("/engagements/{e}/assessment?strategy=rehost")).await.text();
    assert!(filtered.contains("0 of 3 workloads"));
    let low = app.get(&format!("/engagements/{e}/assessment?confidence=low&environment=production")).await.text();
    assert!(low.contains("0 of 3 workloads"));

    let ko = app
        .send(Request::get(format!("/engagements/{e}/assessment")).header(header::ACCEPT_LANGUAGE, "ko").body(Body::empty()).unwrap())
        .await
        .text();
    assert!(ko.contains("리플랫폼") && ko.contains("선호 프로필"));
}

/// An RVTools export's OS strings give dated ends of support: the dashboard
/// draws how many workloads reach it per period, the past marked.
#[tokio::test]
async fn dashboard_draws_the_end_of_support_timeline() {
    let app = TestApp::new();
    let bytes = std::fs::read(format!("{}/tests/fixtures/rvtools-messy-vInfo.csv", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let parsed = sixr::import::parse("vInfo.csv", &bytes, &|_| None).unwrap();
    let target = db::imports::Target::Name("Messy".into());
    let e = app.db.with_conn(|c| db::imports::commit(c, target, &parsed, "vInfo.csv", "test", false)).unwrap().engagement_id;
    let page = app.get(&format!("/engagements/{e}/assessment")).await.text();
    let start = page.find("eos-timeline").expect("the timeline section");
    let section = &page[start..start + page[start..].find("</section>").unwrap()];
    assert!(section.contains("<svg") && section.contains("End of support: workloads per period"), "{section}");
    // CentOS 7 left support on 2024-06-30: counted as past in 2024.
    assert!(section.contains("<title>2024: past "), "{section}");
    assert!(section.contains("#b3261e") && section.contains("#e8a317"), "past and coming in their colours");
    // Without any dated OS or database the page says why there is no timeline.
    let (plain, _, _) = anycompany(&app);
    // Written past the write paths: derived again as a write would.
    app.db
        .with_conn(|c| {
            c.execute("UPDATE workloads SET os = '', os_version = '', db_engine = '', version = version + 1", [])?;
            db::derived::rederive(c, plain).map(drop)
        })
        .unwrap();
    let none = app.get(&format!("/engagements/{plain}/assessment")).await.text();
    assert!(none.contains("No workload has a dated end of support yet"), "{none}");
}

#[tokio::test]
async fn an_inventory_edit_is_scored_by_the_edit_itself() {
    let app = TestApp::new();
    let (e, _, ids) = anycompany(&app);
    let version = app.db.with_conn(|c| Ok(db::workloads::get(c, e, ids[1])?.version)).unwrap();
    let r = app
        .post_form(
            &format!("/engagements/{e}/workloads/{}/cells/powered_off", ids[1]),
            &[("value", "yes"), ("version", &version.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // Straight from storage: no page has been read since the edit.
    let stored = app.db.with_conn(|c| db::assessment::stored(c, e)).unwrap();
    assert!(stored[&ids[1]].reasons.iter().any(|r| r.rule == "powered_off"), "re-scored in the edit's own transaction");
    let page = app.get(&format!("/engagements/{e}/assessment/workloads/{}", ids[1])).await.text();
    assert!(page.contains("powered off in the inventory"));
    let effective = app.db.with_conn(|c| db::decisions::effective_strategies(c, e)).unwrap();
    assert_eq!(effective[&ids[1]], Strategy::Replatform, "a powered-off server still used is not retired by that alone");
}

#[tokio::test]
async fn workload_page_shows_scores_reasons_and_risks() {
    let app = TestApp::new();
    let (e, _, ids) = anycompany(&app);
    let page = app.get(&format!("/engagements/{e}/assessment/workloads/{}", ids[2])).await.text();
    assert!(page.contains("MySQL 8.0 → Amazon RDS for MySQL is available"));
    assert!(page.contains("+3 Replatform"));
    assert!(page.contains("Single point of failure"));
    assert!(page.contains("mark-recommended"));
    assert_eq!(app.get(&format!("/engagements/{e}/assessment/workloads/999999")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn two_people_deciding_at_once_do_not_overwrite_each_other() {
    let app = TestApp::new();
    let (e, _, ids) = anycompany(&app);
    let page = format!("/engagements/{e}/assessment/workloads/{}", ids[2]);
    let uri = format!("{page}/decision");
    // Both open the page before either decides: their forms say version 0.
    assert!(app.get(&page).await.text().contains("name=\"version\" value=\"0\""));
    let bob = app.as_session(Some(app.login_as("bob", sixr::accounts::Role::Consultant)));
    app.db
        .with_conn(|c| {
            let bob = db::accounts::find_user(c, "bob")?.unwrap();
            db::accounts::add_member(c, e, bob.id, "test")
        })
        .unwrap();
    let first = bob.post_form(&uri, &[("strategy", "replatform"), ("effort", "M"), ("version", "0")]).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text());

    let second = app.post_form(&uri, &[("strategy", "rehost"), ("rationale", "lease ends"), ("version", "0")]).await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    let text = second.text();
    assert!(text.contains("bob saved a decision on this workload"), "{text}");
    assert!(text.contains("lease ends"), "the refused choice stays in the form");
    assert!(text.contains("name=\"version\" value=\"1\""), "the form now starts from bob's decision");
    let kept = app.db.with_conn(|c| db::decisions::effective_strategies(c, e)).unwrap();
    assert_eq!(kept[&ids[2]], Strategy::Replatform, "bob's decision was not overwritten");

    let again = app.post_form(&uri, &[("strategy", "rehost"), ("rationale", "lease ends"), ("version", "1")]).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "having seen it, saving again replaces it");
    let now = app.db.with_conn(|c| db::decisions::effective_strategies(c, e)).unwrap();
    assert_eq!(now[&ids[2]], Strategy::Rehost);
}

#[tokio::test]
async fn a_different_decision_needs_a_rationale_and_then_wins() {
    let app = TestApp::new();
    let (e, _, ids) = anycompany(&app);
    let uri = format!("/engagements/{e}/assessment/workloads/{}/decision", ids[0]);
    let refused = app.post_form(&uri, &[("strategy", "rehost"), ("rationale", ""), ("effort", "M")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("differs from the recommendation"));

    let ok = app
        .post_form(
            &uri,
            &[
                ("strategy", "rehost"),
                ("rationale", "Data-centre lease ends in 3 months"),
                ("effort", "S"),
                ("criticality", "9"),
                ("priority", "1"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    let accept = app.post_form(&format!("/engagements/{e}/assessment/workloads/{}/decision", ids[1]), &[("strategy", "replatform")]).await;
    assert_eq!(accept.status, StatusCode::SEE_OTHER, "accepting needs no rationale");

    let (effective, rows, audited) = app
        .db
        .with_conn(|c| {
            let audited: i64 = c.query_row("SELECT COUNT(*) FROM audit_log WHERE entity = 'decision'", [], |r| r.get(0))?;
            Ok((db::decisions::effective_strategies(c, e)?, db::assessment::assessment_rows(c, e)?, audited))
        })
        .unwrap();
    assert_eq!(effective[&ids[0]], Strategy::Rehost, "the decision wins");
    assert_eq!(rows[&ids[0]].recommended_strategy, "replatform", "the recommendation is kept");
    assert_eq!((rows[&ids[0]].effort.as_str(), rows[&ids[0]].criticality, rows[&ids[0]].priority), ("S", Some(9), Some(1)));
    assert_eq!(audited, 2);

    let dashboard = app.get(&format!("/engagements/{e}/assessment")).await.text();
    assert!(dashboard.contains("Rehost · Decided: 1"));

    let cleared = app.post_form(&format!("{uri}/clear"), &[]).await;
    assert_eq!(cleared.status, StatusCode::SEE_OTHER);
    let effective = app.db.with_conn(|c| db::decisions::effective_strategies(c, e)).unwrap();
    assert_eq!(effective[&ids[0]], Strategy::Replatform);

    let bad = app.post_form(&uri, &[("strategy", "replatform"), ("criticality", "eleven")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("criticality"));
}

#[tokio::test]
async fn application_decision_applies_to_all_its_workloads() {
    let app = TestApp::new();
    let (e, a, ids) = anycompany(&app);
    let r = app
        .post_form(&format!("/engagements/{e}/assessment/applications/{a}/decision"), &[("strategy", "replatform"), ("effort", "L")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let rows = app.db.with_conn(|c| db::assessment::assessment_rows(c, e)).unwrap();
    assert!(ids.iter().all(|id| rows[id].chosen_strategy == "replatform" && rows[id].effort == "L"));
}

#[tokio::test]
async fn profile_change_rescores_and_says_what_moved() {
    let app = TestApp::new();
    let (e, _, ids) = anycompany(&app);
    let r = app
        .post_form(
            &format!("/engagements/{e}/assessment/profile"),
            &[("speed", "5"), ("managed", "1"), ("modernise", "3"), ("licence", "3"), ("app_hosting", "self"), ("db_hosting", "self")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("3 workloads moved from Replatform to Rehost"), "{}", r.text());
    let effective = app.db.with_conn(|c| db::decisions::effective_strategies(c, e)).unwrap();
    assert!(ids.iter().all(|id| effective[id] == Strategy::Rehost));
    let stored = app.db.with_conn(|c| db::assessment::profile(c, e)).unwrap();
    assert_eq!(stored.speed, 5);

    let bad = app
        .post_form(&format!("/engagements/{e}/assessment/profile"), &[("speed", "9"), ("app_hosting", "none"), ("db_hosting", "none")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn questionnaire_bulk_answers_and_progress() {
    let app = TestApp::new();
    let (e, a, ids) = anycompany(&app);
    let page = app.get(&format!("/engagements/{e}/assessment/questionnaire")).await.text();
    assert!(page.contains("AnyCompany e-commerce") && page.contains("<progress"));
    assert!(page.contains("6 / 8"), "six of the eight evidence questions are answered: {page}");

    let r = app
        .post_form(
            &format!("/engagements/{e}/assessment/questionnaire"),
            &[("ids", &a.to_string()), ("q.still_used", "no"), ("q.saas_alternative", ""), ("q.notes", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("3 workloads moved from Replatform to Retire"), "{}", r.text());
    let answers = app.db.with_conn(|c| db::assessment::answers(c, e)).unwrap();
    assert_eq!(answers.get(SubjectKind::Application, a, "still_used"), Some("no"));
    assert_eq!(answers.get(SubjectKind::Application, a, "saas_alternative"), Some("no"), "left alone in bulk mode");

    // Single workloads can be selected too: their answer overrides the application's.
    let r = app
        .post_form(&format!("/engagements/{e}/assessment/questionnaire"), &[("wids", &ids[0].to_string()), ("q.still_used", "yes")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let effective = app.db.with_conn(|c| db::decisions::effective_strategies(c, e)).unwrap();
    assert_eq!((effective[&ids[0]], effective[&ids[1]]), (Strategy::Replatform, Strategy::Retire));

    let none = app.post_form(&format!("/engagements/{e}/assessment/questionnaire"), &[("q.still_used", "no")]).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad =
        app.post_form(&format!("/engagements/{e}/assessment/questionnaire"), &[("ids", &a.to_string()), ("q.still_used", "maybe")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("answer yes, no or unknown"));
}

#[tokio::test]
async fn application_questionnaire_saves_and_workload_overrides() {
    let app = TestApp::new();
    let (e, a, ids) = anycompany(&app);
    let page = app.get(&format!("/engagements/{e}/assessment/applications/{a}")).await.text();
    assert!(page.contains("Is the application still used?"));
    assert!(page.contains(r#"name="q.still_used" value="yes" checked"#), "current answer pre-selected");
    assert!(page.contains("unanswered"));

    let r = app
        .post_form(
            &format!("/engagements/{e}/assessment/applications/{a}"),
            &[("q.usage_level", "high"), ("q.license_bound_to_hardware", "no"), ("q.notes", "Why tape? The vendor contract. Why? ...")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("Saved and re-scored."));

    // The database alone stays on premises.
    let r = app
        .post_form(
            &format!("/engagements/{e}/assessment/workloads/{}/answers", ids[2]),
            &[("q.must_stay_on_prem", "yes"), ("q.must_stay_reason", "regulation")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let effective = app.db.with_conn(|c| db::decisions::effective_strategies(c, e)).unwrap();
    assert_eq!(effective[&ids[2]], Strategy::Retain);
    assert_eq!(effective[&ids[0]], Strategy::Replatform);
    let page = app.get(&format!("/engagements/{e}/assessment/workloads/{}", ids[2])).await.text();
    assert!(page.contains("reason: regulation"));
}

#[tokio::test]
async fn json_api_carries_scores_reasons_answers_and_decisions() {
    let app = TestApp::new();
    let (e, a, ids) = anycompany(&app);
    app.post_form(&format!("/engagements/{e}/assessment/workloads/{}/decision", ids[2]), &[("strategy", "replatform"), ("priority", "2")])
        .await;
    let r = app.get(&format!("/api/engagements/{e}/assessment")).await;
    assert_eq!(r.status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let workloads = json["workloads"].as_array().unwrap();
    assert_eq!(workloads.len(), 3);
    let db_row = workloads.iter().find(|w| w["id"] == ids[2]).unwrap();
    assert_eq!(db_row["assessment"]["recommended"], "replatform");
    assert!(db_row["assessment"]["scores"]["replatform"].as_f64().unwrap() > 0.0);
    assert!(!db_row["assessment"]["reasons"].as_array().unwrap().is_empty());
    assert_eq!(db_row["decision"]["priority"], 2);
    assert_eq!(db_row["effective_strategy"], "replatform");
    let application = &json["applications"][0];
    assert_eq!(application["id"], a);
    assert_eq!(application["answers"]["still_used"], "yes", "as the sample says it");
    assert_eq!(application["rollup"]["recommended"], "replatform");
    assert_eq!(app.get("/api/engagements/424242/assessment").await.status, StatusCode::NOT_FOUND);
}

/// An engagement of `n` workloads `wl-000`... spread over `apps` applications
/// (`App 00`...; workload i in application i % apps), every odd one in
/// "test", the others in "production"; scored. Returns the engagement id.
fn portfolio(app: &TestApp, n: usize, apps: usize) -> i64 {
    app.db
        .with_conn(|c| {
            let e = db::engagements::find_or_create(c, "Large", "test")?;
            let tx = c.unchecked_transaction()?;
            for i in 0..n {
                let w = Workload {
                    name: format!("wl-{i:03}"),
                    application: format!("App {:02}", i % apps),
                    environment: if i % 2 == 1 { "test" } else { "production" }.into(),
                    role: if i % 5 == 0 { "db" } else { "web-app" }.into(),
                    os: "Ubuntu Linux".into(),
                    os_version: "22.04".into(),
                    db_engine: if i % 5 == 0 { "MySQL".into() } else { String::new() },
                    db_version: if i % 5 == 0 { "8.0".into() } else { String::new() },
                    cpu_cores: Some(4),
                    ram_gb: Some(16.0),
                    ..Workload::default()
                };
                db::workloads::upsert(&tx, e.id, &w)?;
            }
            db::derived::rederive(&tx, e.id)?;
            tx.commit()?;
            Ok(e.id)
        })
        .unwrap()
}

/// The text as the page writes it (askama escapes markup characters).
fn escaped(text: &str) -> String {
    text.replace('&', "&#38;").replace('<', "&#60;").replace('>', "&#62;").replace('"', "&#34;").replace('\'', "&#39;")
}

/// "n open questions" as the dashboard's figures say it.
fn open_questions(page: &str) -> usize {
    let end = page.find("</strong> open questions").expect("the open-questions figure");
    page[..end].rsplit("<strong>").next().unwrap().trim().parse().unwrap()
}

#[tokio::test]
async fn dashboard_pages_a_portfolio_larger_than_a_page_and_counts_it_all() {
    let app = TestApp::new();
    let e = portfolio(&app, 250, 5);
    let first = app.get(&format!("/engagements/{e}/assessment")).await.text();
    assert!(first.contains("250 of 250 workloads"), "the count covers every workload");
    assert!(first.contains(">wl-000<") && first.contains(">wl-099<"), "the first page holds the first 100 by name");
    assert!(!first.contains(">wl-100<"), "the second page's rows are not on the first");
    assert!(first.contains("Page 1 of 3"));
    assert!(first.contains(&format!("href=\"/engagements/{e}/assessment?page=3&#38;end=1\"")), "a link to the last page");
    // The next links start from the last row shown: the index finds a deep
    // page without counting the rows before it.
    let next = |html: &str| {
        let at = html.find("rel=\"next\"").expect("a next link");
        let href = &html[html[..at].rfind("href=\"").unwrap() + 6..at];
        href[..href.find('"').unwrap()].replace("&#38;", "&")
    };
    let second_url = next(&first);
    assert!(second_url.contains("page=2") && second_url.contains("after="), "{second_url}");
    let second = app.get(&second_url).await.text();
    assert!(second.contains(">wl-100<") && second.contains(">wl-199<") && !second.contains(">wl-099<") && second.contains("Page 2 of 3"));
    let third = app.get(&next(&second)).await.text();
    assert!(third.contains(">wl-200<") && third.contains(">wl-249<") && !third.contains(">wl-199<"));

    // Every workload is counted in the chart, not only the page's.
    let rows = app.db.with_conn(|c| db::assessment::assessment_rows(c, e)).unwrap();
    for s in Strategy::ALL {
        let n = rows.values().filter(|r| r.recommended_strategy == s.code()).count();
        if n > 0 {
            assert!(first.contains(&format!("{} · Recommended: {n}", s.label_en())), "{} counted {n} times", s.label_en());
        }
    }

    let last = app.get(&format!("/engagements/{e}/assessment?page=3")).await.text();
    assert!(last.contains(">wl-249<") && last.contains(">wl-200<") && !last.contains(">wl-199<"));
    assert!(last.contains("Page 3 of 3") && last.contains("rel=\"prev\""));
    let beyond = app.get(&format!("/engagements/{e}/assessment?page=99")).await.text();
    assert!(beyond.contains(">wl-249<"), "a page past the end shows the last one");

    // Each row's main reason, in the page's language.
    let stored = app.db.with_conn(|c| db::assessment::stored(c, e)).unwrap();
    let id = app.db.with_conn(|c| Ok(c.query_row("SELECT id FROM workloads WHERE name = 'wl-205'", [], |r| r.get::<_, i64>(0))?)).unwrap();
    let a = &stored[&id];
    let reason = a.reasons.iter().find(|r| r.gate.is_some() || r.points.contains_key(&a.recommended)).expect("a main reason");
    let (en, ko_text) = (reason.text(Lang::En), reason.text(Lang::Ko));
    assert!(last.contains(&escaped(&en)), "the English reason of wl-205: {en}");
    let ko = app
        .send(
            Request::get(format!("/engagements/{e}/assessment?page=3")).header(header::ACCEPT_LANGUAGE, "ko").body(Body::empty()).unwrap(),
        )
        .await
        .text();
    assert!(ko.contains(&escaped(&ko_text)), "the Korean reason of wl-205: {ko_text}");

    // The questionnaire offers a bounded number of single workloads; the search finds the rest.
    let questionnaire = app.get(&format!("/engagements/{e}/assessment/questionnaire")).await.text();
    assert!(questionnaire.contains(">wl-099<") && !questionnaire.contains(">wl-100<"));
    assert!(questionnaire.contains("Only the first 100 workloads are listed"));
    let searched = app.get(&format!("/engagements/{e}/assessment/questionnaire?q=wl-24")).await.text();
    assert!(searched.contains(">wl-240<") && searched.contains(">wl-249<") && !searched.contains(">wl-239<"));
    assert!(!searched.contains("Only the first 100 workloads are listed"));
}

#[tokio::test]
async fn a_dashboard_filter_applies_across_pages_and_is_kept_by_the_pager() {
    let app = TestApp::new();
    let e = portfolio(&app, 250, 5);
    let test_only = app.get(&format!("/engagements/{e}/assessment?environment=test")).await.text();
    assert!(test_only.contains("125 of 250 workloads"));
    assert!(test_only.contains(">wl-001<") && !test_only.contains(">wl-000<"), "only the filter's rows");
    assert!(test_only.contains("Page 1 of 2"));
    let next = format!("href=\"/engagements/{e}/assessment?environment=test&#38;page=2&#38;after=");
    let at = test_only.find(&next).expect("the pager keeps the filter");
    let href = &test_only[at + 6..];
    let second = app.get(&href[..href.find('"').unwrap()].replace("&#38;", "&")).await.text();
    assert!(second.contains(">wl-249<") && !second.contains(">wl-248<"));
    assert!(second.contains("125 of 250 workloads") && second.contains("Page 2 of 2"));
    assert!(second.contains(r#"<option value="test" selected>"#), "the filter form shows the filter");

    // Filters combine: one application in one environment.
    let app_id =
        app.db.with_conn(|c| Ok(c.query_row("SELECT id FROM applications WHERE name = 'App 01'", [], |r| r.get::<_, i64>(0))?)).unwrap();
    let narrow = app.get(&format!("/engagements/{e}/assessment?environment=test&application={app_id}")).await.text();
    assert!(narrow.contains("25 of 250 workloads"), "half of App 01's 50 workloads are in test");
    assert!(!narrow.contains("Page 1 of"), "one page needs no pager");
    let nothing = app.get(&format!("/engagements/{e}/assessment?environment=staging")).await.text();
    assert!(nothing.contains("0 of 250 workloads") && nothing.contains("No workload matches"));
}

#[tokio::test]
async fn dashboard_figures_change_at_once_after_a_decision_or_an_answer() {
    let app = TestApp::new();
    let (e, a, ids) = anycompany(&app);
    let before = app.get(&format!("/engagements/{e}/assessment")).await.text();
    assert!(before.contains("Rehost · Decided: 0"));
    let open = open_questions(&before);
    assert_eq!(open, 2, "two of AnyCompany's eight evidence questions are open");

    let decided = app
        .post_form(
            &format!("/engagements/{e}/assessment/workloads/{}/decision", ids[0]),
            &[("strategy", "rehost"), ("rationale", "Lease ends before a re-platform could be tested")],
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.text());
    let after_decision = app.get(&format!("/engagements/{e}/assessment")).await.text();
    assert!(after_decision.contains("Rehost · Decided: 1"), "the decision counts at once");
    let rehost_row = format!("/engagements/{e}/assessment?strategy=rehost");
    assert!(app.get(&rehost_row).await.text().contains("1 of 3 workloads"), "and the filter on the effective strategy sees it");

    let answered =
        app.post_form(&format!("/engagements/{e}/assessment/applications/{a}"), &[("q.usage_level", "high"), ("q.still_used", "no")]).await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.text());
    let after_answer = app.get(&format!("/engagements/{e}/assessment")).await.text();
    assert_eq!(open_questions(&after_answer), open - 1, "the answered question is no longer open");
    assert!(after_answer.contains("Retire · Recommended: 3"), "no longer used: re-scored to Retire at once");

    // An edit made outside the assessment pages shows too.
    app.db
        .with_conn(|c| {
            db::decisions::clear(c, e, ids[0], "test")?;
            Ok(())
        })
        .unwrap();
    assert!(app.get(&format!("/engagements/{e}/assessment")).await.text().contains("Rehost · Decided: 0"));
}

#[tokio::test]
async fn questionnaire_pages_applications_searches_and_answers_all_matching() {
    let app = TestApp::new();
    let e = portfolio(&app, 60, 60);
    let page = app.get(&format!("/engagements/{e}/assessment/questionnaire")).await.text();
    assert!(page.contains(">App 00</a>") && page.contains(">App 49</a>") && !page.contains(">App 50</a>"), "50 applications a page");
    assert!(page.contains("60 of 60 applications") && page.contains("Page 1 of 2"));
    assert!(page.contains("0 / 480"), "progress over all 60 applications: {}", &page[..page.len().min(3000)]);
    let second = app.get(&format!("/engagements/{e}/assessment/questionnaire?page=2")).await.text();
    assert!(second.contains(">App 59</a>") && !second.contains(">App 00</a>"));

    let found = app.get(&format!("/engagements/{e}/assessment/questionnaire?q=app+5")).await.text();
    assert!(found.contains("10 of 60 applications"), "App 50 to App 59");
    assert!(found.contains(">App 50</a>") && found.contains(">App 59</a>") && !found.contains(">App 05</a>"));
    assert!(found.contains(">wl-050<") && !found.contains(">wl-049<"), "the single workloads offered are those of the applications found");

    // One answer for every application the search finds, not only those ticked.
    let r = app
        .post_form(&format!("/engagements/{e}/assessment/questionnaire"), &[("q", "app 5"), ("all_matching", "1"), ("q.still_used", "yes")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("10 of 60 applications"), "the search is kept after saving");
    let answers = app.db.with_conn(|c| db::assessment::answers(c, e)).unwrap();
    let apps = app.db.with_conn(|c| db::applications::applications(c, e)).unwrap();
    for a in &apps {
        let expected = if a.name.starts_with("App 5") { Some("yes") } else { None };
        assert_eq!(answers.get(SubjectKind::Application, a.id, "still_used"), expected, "{}", a.name);
    }
    let progress = app.get(&format!("/engagements/{e}/assessment/questionnaire")).await.text();
    assert!(progress.contains("10 / 480"), "the progress counts the new answers at once");
}

#[tokio::test]
async fn application_page_shows_only_its_own_workloads() {
    let app = TestApp::new();
    let e = portfolio(&app, 20, 2);
    let apps = app.db.with_conn(|c| db::applications::applications(c, e)).unwrap();
    let page = app.get(&format!("/engagements/{e}/assessment/applications/{}", apps[0].id)).await.text();
    assert!(page.contains(">wl-000<") && page.contains(">wl-018<"));
    assert!(!page.contains(">wl-001<") && !page.contains(">wl-019<"), "App 01's workloads are not App 00's");
    let other = app.get(&format!("/engagements/{e}/assessment/applications/424242")).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
}
