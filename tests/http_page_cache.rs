//! Kept pages (web::page_cache): a table page is rendered once per
//! engagement revision, and every change a user can see shows at once.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::TestApp;
use sixr::accounts::Role;

fn with_workloads() -> (TestApp, i64, i64) {
    let app = TestApp::new();
    let id = app.seed_engagement("Kept Co");
    let w = app.seed_workload(id, &[("name", "web-01"), ("hostname", "old.example"), ("application", "Shop")]);
    app.seed_workload(id, &[("name", "db-01"), ("role", "db"), ("application", "Shop")]);
    (app, id, w.id)
}

#[tokio::test]
async fn a_page_read_twice_is_the_same_page() {
    let (app, id, _) = with_workloads();
    for page in ["workloads", "applications", "assessment", "architecture", "plan"] {
        let uri = format!("/engagements/{id}/{page}");
        let first = app.get(&uri).await;
        assert_eq!(first.status, StatusCode::OK, "{uri}");
        let again = app.get(&uri).await;
        assert_eq!(again.status, StatusCode::OK, "{uri}");
        assert_eq!(first.text(), again.text(), "{uri} changed while nothing changed");
        assert_eq!(first.headers.get(header::CONTENT_TYPE), again.headers.get(header::CONTENT_TYPE), "{uri}");
        assert!(again.headers.get(header::CONTENT_SECURITY_POLICY).is_some(), "a kept page keeps the security headers");
    }
}

#[tokio::test]
async fn an_inline_edit_shows_on_the_next_read() {
    let (app, id, wid) = with_workloads();
    let uri = format!("/engagements/{id}/workloads");
    assert!(app.get(&uri).await.text().contains("old.example"));
    let version = app.workload(id, wid).unwrap().version.to_string();
    let r = app
        .post_htmx(&format!("/engagements/{id}/workloads/{wid}/cells/hostname"), &[("value", "new.example"), ("version", &version)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = app.get(&uri).await.text();
    assert!(page.contains("new.example") && !page.contains("old.example"), "the table still shows the old hostname");
}

#[tokio::test]
async fn a_change_made_outside_the_app_shows_too() {
    // The revision triggers (migrations/05-revision) cover changes made with
    // plain SQL, e.g. by a script on the database file.
    let (app, id, wid) = with_workloads();
    let uri = format!("/engagements/{id}/workloads");
    assert!(app.get(&uri).await.text().contains("old.example"));
    app.db.with_conn(|c| Ok(c.execute("UPDATE workloads SET hostname = 'sql.example' WHERE id = ?1", [wid])?)).unwrap();
    assert!(app.get(&uri).await.text().contains("sql.example"));

    let apps = format!("/engagements/{id}/applications");
    assert!(app.get(&apps).await.text().contains("Shop"));
    app.db.with_conn(|c| Ok(c.execute("UPDATE applications SET name = 'Storefront' WHERE engagement_id = ?1", [id])?)).unwrap();
    let page = app.get(&apps).await.text();
    assert!(page.contains("Storefront") && !page.contains("value=\"Shop\""), "the applications page kept the old name");
}

#[tokio::test]
async fn a_renamed_engagement_is_renamed_on_every_page() {
    let (app, id, _) = with_workloads();
    let uri = format!("/engagements/{id}/assessment");
    assert!(app.get(&uri).await.text().contains("Kept Co"));
    let r = app
        .post_form(
            &format!("/engagements/{id}"),
            &[("name", "Renamed Co"), ("region", "us-east-1"), ("currency", "USD"), ("language", "en")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = app.get(&uri).await.text();
    assert!(page.contains("Renamed Co") && !page.contains("Kept Co"));
}

#[tokio::test]
async fn each_language_user_and_fragment_gets_its_own_page() {
    let (app, id, _) = with_workloads();
    let uri = format!("/engagements/{id}/workloads");
    let english = app.get(&uri).await.text();
    let korean = app.send(Request::get(&uri).header(header::ACCEPT_LANGUAGE, "ko-KR,ko;q=0.9").body(Body::empty()).unwrap()).await.text();
    assert!(english.contains("<html lang=\"en\""));
    assert!(korean.contains("<html lang=\"ko\""), "a Korean browser got the English page");

    let viewer = app.as_session(Some(app.login_as("vera", Role::Viewer)));
    app.db
        .with_conn(|c| {
            let vera = sixr::db::accounts::find_user(c, "vera")?.unwrap();
            sixr::db::accounts::add_member(c, id, vera.id, "test")
        })
        .unwrap();
    let theirs = viewer.get(&uri).await;
    assert_eq!(theirs.status, StatusCode::OK);
    assert!(theirs.text().contains("vera") && !theirs.text().contains(">admin ·"), "the viewer sees the admin's header");

    let fragment = app.get_htmx(&uri, "workload-results").await.text();
    assert!(!fragment.contains("<html"), "htmx asked for the table and got the whole page");
    assert!(app.get(&uri).await.text().contains("<html"), "the whole page after a fragment was kept");
}

#[tokio::test]
async fn a_user_who_may_not_see_the_engagement_never_gets_its_kept_page() {
    let (app, id, _) = with_workloads();
    let uri = format!("/engagements/{id}/workloads");
    assert!(app.get(&uri).await.text().contains("web-01"));
    let outsider = app.as_session(Some(app.login_as("otto", Role::Consultant)));
    let r = outsider.get(&uri).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.text().contains("web-01"));
}
