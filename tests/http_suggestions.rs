//! Discovery suggestions over HTTP: the table marks them with their
//! evidence, a filter accepts or rejects them in one action (audited once),
//! a cell or the workload page decides one, and the workload page shows
//! every field's source and what the file said.

mod common;

use common::TestApp;
use sixr::db::imports::{self, Target};

const FIXTURE: &[u8] = include_bytes!("fixtures/rvtools-roles-unknown-vInfo.csv");

/// The fixture imported into a new engagement.
fn imported(app: &TestApp) -> i64 {
    let id = app.seed_engagement("Discovery");
    let parsed = sixr::import::parse("vInfo.csv", FIXTURE, &|_| None).unwrap();
    app.db.with_conn(|c| imports::commit(c, Target::Id(id), &parsed, "vInfo.csv", "test", false)).unwrap();
    id
}

fn workload(app: &TestApp, eid: i64, name: &str) -> sixr::inventory::Workload {
    app.db.with_conn(|c| sixr::db::workloads::find_by_name_or_hostname(c, eid, name)).unwrap().unwrap()
}

fn bulk_entries(app: &TestApp, eid: i64) -> Vec<String> {
    app.db
        .with_conn(|c| {
            let mut stmt = c.prepare("SELECT after FROM audit_log WHERE engagement_id = ?1 AND entity = 'suggestions' ORDER BY id")?;
            let rows = stmt.query_map([eid], |r| r.get(0))?;
            Ok(rows.collect::<Result<Vec<String>, _>>()?)
        })
        .unwrap()
}

#[tokio::test]
async fn the_table_marks_suggestions_and_conflicts_with_their_evidence() {
    let app = TestApp::new();
    let eid = imported(&app);
    let page = app.get(&format!("/engagements/{eid}/workloads?q=alpha-db")).await.text();
    assert!(page.contains("class=\"suggested\""), "a suggested cell is marked");
    assert!(page.contains("<details class=\"suggestion\">"), "its evidence opens from the cell");
    assert!(page.contains("name contains “db”"), "with the evidence");
    assert!(page.contains("Role of alpha-db-01: db is a suggestion"), "the disclosure says what it is to a screen reader");
    assert!(page.contains("suggestions wait in this view"), "the bulk bar counts them");
    let conflict = app.get(&format!("/engagements/{eid}/workloads?q=shop-web-db")).await.text();
    assert!(conflict.contains("<details class=\"suggestion conflict\">"));
    assert!(conflict.contains("Pick db") && conflict.contains("Pick web"), "a conflict offers its candidates");
    assert!(conflict.contains("1 conflict(s) to pick one by one"));
    // Only the workloads with suggestions waiting: vm-3 has none (no OS parser yet) or some.
    let pending = app.get(&format!("/engagements/{eid}/workloads?pending=1&per_page=200")).await.text();
    assert!(pending.contains("alpha-db-01") && pending.contains("DB01"));
    let ko = app.as_session(app.session.clone());
    let korean = ko
        .send(
            axum::http::Request::get(format!("/engagements/{eid}/workloads?q=alpha-db"))
                .header("accept-language", "ko")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .text();
    assert!(korean.contains("이름에 “db” 포함") && korean.contains("이 보기의 제안 모두 수락"), "Korean evidence and buttons");
}

#[tokio::test]
async fn a_filter_is_accepted_in_one_action_and_audited_once() {
    let app = TestApp::new();
    let eid = imported(&app);
    let reply = app
        .post_htmx_to(
            &format!("/engagements/{eid}/suggestions/bulk"),
            "workload-results",
            &[("q", "alpha"), ("decision", "accept"), ("kind", "")],
        )
        .await;
    assert_eq!(reply.status, 200);
    let text = reply.text();
    assert!(text.contains("Accepted 7 suggestion(s)"), "{text}");
    assert!(!text.contains("class=\"suggested\""), "nothing waits in the filter any more");
    let entries = bulk_entries(&app, eid);
    assert_eq!(entries.len(), 1, "one audit entry for the action");
    assert!(entries[0].contains("alpha-web-01: role = web") && entries[0].contains("\"filter\":\"search = alpha\""), "{}", entries[0]);
    // Every role of the Marketing application rejected: one kind, one application.
    let reply = app
        .post_htmx_to(
            &format!("/engagements/{eid}/suggestions/bulk"),
            "workload-results",
            &[("application", "Marketing"), ("decision", "reject"), ("kind", "role")],
        )
        .await;
    assert!(reply.text().contains("Rejected 2 suggestion(s)"), "{}", reply.text());
    assert_eq!(workload(&app, eid, "WordpresWeb01").role, "");
    assert_eq!(workload(&app, eid, "WordpresWeb01").application, "Marketing", "the application was not part of it");
    assert_eq!(bulk_entries(&app, eid).len(), 2);
    // A bad kind is refused with the reason.
    let bad = app
        .post_htmx_to(&format!("/engagements/{eid}/suggestions/bulk"), "workload-results", &[("decision", "accept"), ("kind", "colour")])
        .await;
    assert_eq!(bad.status, 422);
}

#[tokio::test]
async fn a_cell_picks_a_conflict_and_the_workload_page_rejects_a_suggestion() {
    let app = TestApp::new();
    let eid = imported(&app);
    let shop = workload(&app, eid, "shop-web-db");
    let url = format!("/engagements/{eid}/workloads/{}/suggestions", shop.id);
    let reply =
        app.post_htmx_to(&url, "workload-results", &[("q", "shop"), ("field", "role"), ("value", "web"), ("decision", "accept")]).await;
    assert_eq!(reply.status, 200);
    assert!(reply.text().contains("Accepted Role web for shop-web-db"), "{}", reply.text());
    assert_eq!(workload(&app, eid, "shop-web-db").role, "web");
    let audit = app.audit_rows("workload", shop.id);
    assert_eq!(audit.last().unwrap().0, "accept");

    // The workload page: sources, the discovery card, its decision buttons.
    let db01 = workload(&app, eid, "DB01");
    let page = app.get(&format!("/engagements/{eid}/workloads/{}", db01.id)).await.text();
    assert!(page.contains("source-tag source-suggested") && page.contains("source-tag source-imported"), "each field says its source");
    assert!(page.contains("Discovery") && page.contains("SQL Server 2014 - finance") && page.contains("Production/Databases"));
    let form = app
        .post_form(
            &format!("/engagements/{eid}/workloads/{}/suggestions", db01.id),
            &[("field", "db_engine"), ("value", "Microsoft SQL Server"), ("decision", "reject")],
        )
        .await;
    assert_eq!(form.status, 303, "a plain form goes back to the workload page");
    assert_eq!(workload(&app, eid, "DB01").db_engine, "");
    let again = app
        .post_form(
            &format!("/engagements/{eid}/workloads/{}/suggestions", db01.id),
            &[("field", "db_engine"), ("value", "Microsoft SQL Server"), ("decision", "reject")],
        )
        .await;
    assert_eq!(again.status, 409, "it no longer waits");

    // A monitoring server is shared: the page lists nothing served (RVTools
    // does not say), and its application is the shared one.
    let nagios = workload(&app, eid, "nagios01");
    assert_eq!(nagios.application, "Shared services");
}

#[tokio::test]
async fn suggestions_are_computed_again_on_request_and_audited() {
    let app = TestApp::new();
    let eid = imported(&app);
    let reply = app.post_htmx_to(&format!("/engagements/{eid}/suggestions/refresh"), "workload-results", &[]).await;
    assert_eq!(reply.status, 200);
    assert!(reply.text().contains("Suggestions computed again"), "{}", reply.text());
    let entries = bulk_entries(&app, eid);
    assert_eq!(entries.len(), 1);
    assert!(entries[0].contains("\"workloads_changed\":0"), "nothing new to say: {}", entries[0]);
}

/// Scores weigh a suggestion less than a confirmed fact, and are kept by the
/// writes: the next page after a decision shows the workload scored anew.
#[tokio::test]
async fn accepting_a_suggestion_rescores_the_workload_for_the_next_page() {
    let app = TestApp::new();
    let eid = imported(&app);
    let db01 = workload(&app, eid, "DB01");
    let page = format!("/engagements/{eid}/assessment/workloads/{}", db01.id);
    let before = app.get(&page).await.text();
    assert!(before.contains("(suggested: name contains “db”"), "the reason says the role is a suggestion");
    let stored = |app: &TestApp| app.db.with_conn(|c| sixr::db::assessment::stored(c, eid)).unwrap()[&db01.id].confidence;
    let confidence = stored(&app);
    let reply = app
        .post_form(
            &format!("/engagements/{eid}/workloads/{}/suggestions", db01.id),
            &[("field", "role"), ("value", "db"), ("decision", "accept")],
        )
        .await;
    assert_eq!(reply.status, 303);
    let after = app.get(&page).await.text();
    assert!(!after.contains("(suggested: name contains “db”"), "the role is a confirmed fact now");
    assert!(stored(&app) > confidence, "a confirmed fact weighs more");
    let scratch = app.db.with_conn(|c| sixr::db::assessment::score(c, eid)).unwrap();
    let kept = app.db.with_conn(|c| sixr::db::assessment::stored(c, eid)).unwrap();
    for a in scratch {
        assert_eq!(kept.get(&a.workload_id), Some(&a), "kept scores equal scores from scratch");
    }
}
