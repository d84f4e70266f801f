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
            db::workloads::add_dependency(c, eid, web, data, &Dependency::default())?;
            Ok(eid)
        })
        .unwrap()
}

async fn htmx_post(app: &TestApp, uri: &str, fields: &[(&str, &str)]) -> common::Reply {
    let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    app.send(
        Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("hx-request", "true")
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
    for needle in ["Wave 1", "<svg class=\"timeline\"", "Mobilize: prepare and plan", "Create the VPC and subnets", "AWS DMS", "report.pdf?lang=ko"] {
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
        .send(Request::post(format!("/engagements/{eid}/plan/settings")).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from("wave_capacity=5")).unwrap())
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
