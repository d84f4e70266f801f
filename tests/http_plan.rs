//! The plan page, moving applications between waves, the JSON API and the
//! PDF download, driven in-process.

mod common;
#[path = "common/report_fixture.rs"]
mod fixture;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{TOKEN, TestApp};
use sixr::db;
use sixr::inventory::{Dependency, Engagement, Workload};

/// Two applications: Shop's web server needs Data's database.
fn two_apps(app: &TestApp) -> i64 {
    app.db
        .with_conn(|c| {
            let eid = db::engagements::create(c, &Engagement { name: "Two apps".into(), ..Engagement::default_new() }, "t")?.id;
            let w = |name: &str, application: &str| Workload { name: name.into(), application: application.into(), ..Workload::default() };
            let web = db::workloads::create(c, eid, &w("shop-web", "Shop"), "t")?.id;
            let data = db::workloads::create(c, eid, &w("data-db", "Data"), "t")?.id;
            for id in [web, data] {
                c.execute(
                    "INSERT INTO decisions (workload_id, engagement_id, strategy, effort, criticality) VALUES (?1, ?2, 'rehost', 'S', 2)",
                    [id, eid],
                )?;
            }
            db::dependencies::insert_row(c, eid, web, data, &Dependency::default())?;
            // Written with an import's building blocks: derived as an import does.
            db::derived::rederive(c, eid)?;
            Ok(eid)
        })
        .unwrap()
}

/// POSTs a plan form the way htmx does from the page.
async fn htmx_post(app: &TestApp, uri: &str, fields: &[(&str, &str)]) -> common::Reply {
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    app.send(
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("hx-request", "true")
            // The plan's forms swap #plan (templates/plan_partial.html).
            .header("hx-target", "plan")
            .header("x-csrf-token", TOKEN)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn the_plan_page_shows_waves_timeline_phases_and_steps() {
    let app = TestApp::new();
    let eid = app.db.with_conn(|c| Ok(fixture::anycompany(c))).unwrap();
    let r = app.get(&format!("/engagements/{eid}/plan")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    for needle in
        ["Wave 1", "<svg class=\"timeline\"", "Mobilize: prepare and plan", "Create the VPC and subnets", "AWS DMS", "report.pdf?lang=ko"]
    {
        assert!(html.contains(needle), "plan page lacks {needle:?}");
    }

    let ko = app
        .send(Request::get(format!("/engagements/{eid}/plan")).header(header::ACCEPT_LANGUAGE, "ko-KR").body(Body::empty()).unwrap())
        .await
        .text();
    assert!(ko.contains("웨이브 1") && ko.contains("베스천 호스트"), "Korean page");
}

#[tokio::test]
async fn moving_an_application_before_its_dependency_warns_and_can_be_undone() {
    let app = TestApp::new();
    let eid = two_apps(&app);
    let plan: serde_json::Value = serde_json::from_slice(&app.get(&format!("/api/engagements/{eid}/plan")).await.body).unwrap();
    let wave_of = |plan: &serde_json::Value, name: &str| {
        plan["waves"].as_array().unwrap().iter().find(|w| w["apps"].as_array().unwrap().iter().any(|a| a["name"] == name)).unwrap()["number"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(wave_of(&plan, "Data"), 1, "both fit in wave 1 together: {plan}");
    assert_eq!(wave_of(&plan, "Shop"), 1);

    let r = htmx_post(&app, &format!("/engagements/{eid}/plan/move"), &[("app", "Data"), ("wave", "3")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    assert!(html.contains("role=\"alert\""), "the warning is announced");
    assert!(html.contains("Shop (wave 1) needs Data, which now moves later, in wave 3"), "{html}");
    assert!(!html.contains("<html"), "htmx gets the fragment only");

    let plan: serde_json::Value = serde_json::from_slice(&app.get(&format!("/api/engagements/{eid}/plan")).await.body).unwrap();
    assert_eq!(wave_of(&plan, "Data"), 3);
    assert_eq!(plan["warnings"][0]["kind"], "broken_dependency");

    // Back to the automatic wave.
    let r = htmx_post(&app, &format!("/engagements/{eid}/plan/move"), &[("app", "Data"), ("wave", "")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.text().contains("needs Data"));

    let r = htmx_post(&app, &format!("/engagements/{eid}/plan/move"), &[("app", "Data"), ("wave", "0")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("from 1 to 99"));
    let r = htmx_post(&app, &format!("/engagements/{eid}/plan/move"), &[("app", "Nope"), ("wave", "2")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("no application called"));
}

#[tokio::test]
async fn the_wave_capacity_splits_the_waves() {
    let app = TestApp::new();
    let eid = two_apps(&app);
    let r = app.post_form(&format!("/engagements/{eid}/plan/settings"), &[("wave_capacity", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let html = app.get(&format!("/engagements/{eid}/plan")).await.text();
    assert!(html.contains("Wave 2"), "one workload per wave makes two waves");
    assert!(html.contains("value=\"1\""));
    let r = app.post_form(&format!("/engagements/{eid}/plan/settings"), &[("wave_capacity", "many")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.post_form(&format!("/engagements/{eid}/plan/settings"), &[("wave_capacity", "0")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Without the CSRF token nothing changes.
    let r = app
        .send(
            Request::post(format!("/engagements/{eid}/plan/settings"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("wave_capacity=5"))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_report_downloads_as_a_pdf() {
    let app = TestApp::new();
    let eid = app.db.with_conn(|c| Ok(fixture::anycompany(c))).unwrap();
    let r = app.get(&format!("/engagements/{eid}/report.pdf?lang=en")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(r.headers[header::CONTENT_DISPOSITION].to_str().unwrap().contains("-en.pdf"));
    assert!(r.body.starts_with(b"%PDF-"));
    assert_eq!(app.get(&format!("/engagements/{eid}/report.pdf?lang=fr")).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/engagements/999/report.pdf").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/engagements/999/plan").await.status, StatusCode::NOT_FOUND);
}

/// `n` one-workload applications, all decided Rehost, none depending on another.
fn many_apps(app: &TestApp, n: usize) -> i64 {
    app.db
        .with_conn(|c| {
            let eid = db::engagements::create(c, &Engagement { name: "Many apps".into(), ..Engagement::default_new() }, "t")?.id;
            for i in 0..n {
                let w = Workload { name: format!("wl-{i:03}"), application: format!("App {i:03}"), ..Workload::default() };
                let id = db::workloads::create(c, eid, &w, "t")?.id;
                c.execute(
                    "INSERT INTO decisions (workload_id, engagement_id, strategy, effort, criticality) VALUES (?1, ?2, 'rehost', 'S', 2)",
                    [id, eid],
                )?;
            }
            db::derived::rederive(c, eid)?;
            Ok(eid)
        })
        .unwrap()
}

/// The applications the page lists (one `<details class="plan-app">` each).
fn listed(html: &str) -> usize {
    html.matches("<details class=\"plan-app\">").count()
}

#[tokio::test]
async fn a_wave_of_many_applications_lists_the_first_and_pages_through_the_rest() {
    let app = TestApp::new();
    let eid = many_apps(&app, 130);
    let r = app.post_form(&format!("/engagements/{eid}/plan/settings"), &[("wave_capacity", "500")]).await;
    assert!(r.status.is_success() || r.status.is_redirection(), "{}", r.text());
    let plan: serde_json::Value = app.json(&app.get(&format!("/api/engagements/{eid}/plan")).await);
    let big = plan["waves"].as_array().unwrap().iter().max_by_key(|w| w["apps"].as_array().unwrap().len()).unwrap();
    let (wave, apps) = (big["number"].as_u64().unwrap(), big["apps"].as_array().unwrap().len());
    assert!(apps > 100, "one wave holds more applications than a page: {apps}");

    let html = app.get(&format!("/engagements/{eid}/plan")).await.text();
    assert!(html.contains(&format!("All {apps} applications of wave {wave}")), "the wave links to all its applications");
    assert!(listed(&html) < 130, "the overview does not list every application: {}", listed(&html));

    let first = app.get(&format!("/engagements/{eid}/plan?wave={wave}")).await.text();
    assert_eq!(listed(&first), 100, "a page of the wave lists 100 applications");
    assert!(first.contains(&format!("Page 1 of 2 ({apps} applications)")), "the pager says where we are");
    let next = format!("href=\"/engagements/{eid}/plan?wave={wave}&#38;page=2\"");
    assert!(first.contains("rel=\"next\"") && first.contains(&next), "and links to the next page");
    let last = app.get(&format!("/engagements/{eid}/plan?wave={wave}&page=2")).await.text();
    assert_eq!(listed(&last), apps - 100, "the last page lists the rest");
    let last_app = big["apps"].as_array().unwrap().last().unwrap()["name"].as_str().unwrap();
    assert!(last.contains(last_app), "the last application is reachable");

    // A nonsense page or wave shows something sensible, not an error.
    assert_eq!(app.get(&format!("/engagements/{eid}/plan?wave={wave}&page=99")).await.status, StatusCode::OK);
    assert_eq!(app.get(&format!("/engagements/{eid}/plan?wave=abc&page=-1")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_plan_follows_a_change_at_once() {
    let app = TestApp::new();
    let eid = many_apps(&app, 3);
    let before = app.get(&format!("/engagements/{eid}/plan")).await.text();
    assert!(before.contains("App 002 — Rehost"), "{before}");
    app.db
        .with_conn(|c| {
            let ids: Vec<i64> = c
                .prepare("SELECT id FROM workloads WHERE engagement_id = ?1")?
                .query_map([eid], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let input = sixr::scoring::decision::DecisionInput {
                strategy: "replatform".into(),
                rationale: "managed platform".into(),
                ..Default::default()
            };
            db::decisions::decide(c, eid, &ids, &input, "t")?;
            Ok(())
        })
        .unwrap();
    let after = app.get(&format!("/engagements/{eid}/plan")).await.text();
    assert!(after.contains("App 002 — Replatform"), "the kept plan was not recomputed after a decision changed");
}

#[tokio::test]
async fn many_waves_page_ten_at_a_time_and_a_moved_application_stays_in_sight() {
    let app = TestApp::new();
    // Ten workloads per wave (the default) and 130 one-workload applications.
    let eid = many_apps(&app, 130);
    let plan: serde_json::Value = app.json(&app.get(&format!("/api/engagements/{eid}/plan")).await);
    let waves = plan["waves"].as_array().unwrap().len();
    assert!(waves > 10, "more waves than a page shows: {waves}");

    let html = app.get(&format!("/engagements/{eid}/plan")).await.text();
    assert_eq!(html.matches("class=\"card wave\"").count(), 10, "a page shows ten waves");
    assert!(html.contains(&format!("Waves, page 1 of {} ({waves} waves)", waves.div_ceil(10))), "the waves pager says where we are");
    let last = app.get(&format!("/engagements/{eid}/plan?page={}", waves.div_ceil(10))).await.text();
    assert!(last.contains(&format!("id=\"wave-{waves}\"")), "the last page shows the last wave");

    // Moved into the last wave, the application is on the page htmx swaps in.
    let r = htmx_post(&app, &format!("/engagements/{eid}/plan/move"), &[("app", "App 000"), ("wave", &waves.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let html = r.text();
    assert!(
        html.contains("App 000 — Rehost") && html.contains(&format!("id=\"wave-{waves}\"")),
        "the moved application is shown in its new wave"
    );
}
