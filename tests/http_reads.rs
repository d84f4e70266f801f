//! Reading never writes (issue 12 item 10, issue 13): a viewer going
//! through every page of an engagement leaves the database file as it was.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use sixr::accounts::Role;
use sixr::db;

fn wal_bytes(app: &TestApp) -> u64 {
    let mut wal = app.db.path().as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).map_or(0, |m| m.len())
}

/// Everything written so far into the main file, and that file's bytes.
fn checkpointed(app: &TestApp) -> Vec<u8> {
    app.db.with_conn(|c| Ok(c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get::<_, i64>(0))?)).unwrap();
    assert_eq!(wal_bytes(app), 0, "the checkpoint emptied the write-ahead log");
    std::fs::read(app.db.path()).unwrap()
}

#[tokio::test]
async fn a_viewers_reads_leave_the_database_file_unchanged() {
    let app = TestApp::new();
    let (e, wid, aid) = app
        .db
        .with_conn(|c| {
            let e = sixr::service::import::load_anycompany_sample(c, "test")?;
            let wid: i64 = c.query_row("SELECT id FROM workloads WHERE engagement_id = ?1 ORDER BY name", [e], |r| r.get(0))?;
            let aid: i64 = c.query_row("SELECT id FROM applications WHERE engagement_id = ?1", [e], |r| r.get(0))?;
            Ok((e, wid, aid))
        })
        .unwrap();
    let session = app.login_as("vera", Role::Viewer);
    app.db
        .with_conn(|c| {
            let vera = db::accounts::find_user(c, "vera")?.unwrap();
            db::accounts::add_member(c, e, vera.id, "test")
        })
        .unwrap();
    let viewer = app.as_session(Some(session));
    let before = checkpointed(&app);

    let pages = [
        "/engagements".to_string(),
        format!("/engagements/{e}"),
        format!("/engagements/{e}/workloads"),
        format!("/engagements/{e}/workloads?q=web&sort=cpu_cores&dir=desc"),
        format!("/engagements/{e}/workloads/{wid}"),
        format!("/engagements/{e}/workloads/{wid}/cells/notes/edit"),
        format!("/engagements/{e}/workloads/application-names"),
        format!("/engagements/{e}/applications"),
        format!("/engagements/{e}/assessment"),
        format!("/engagements/{e}/assessment?strategy=replatform&confidence=high&page=2"),
        format!("/engagements/{e}/assessment/questionnaire"),
        format!("/engagements/{e}/assessment/questionnaire?q=any"),
        format!("/engagements/{e}/assessment/applications/{aid}"),
        format!("/engagements/{e}/assessment/workloads/{wid}"),
        format!("/engagements/{e}/architecture"),
        format!("/engagements/{e}/architecture/{aid}"),
        format!("/engagements/{e}/architecture/{aid}/diagram.svg"),
        format!("/engagements/{e}/plan"),
        format!("/engagements/{e}/plan?wave=1"),
        format!("/engagements/{e}/audit"),
        format!("/engagements/{e}/export.csv"),
        format!("/engagements/{e}/export.json"),
        format!("/engagements/{e}/report.pdf?lang=ko"),
        "/api/engagements".to_string(),
        format!("/api/engagements/{e}"),
        format!("/api/engagements/{e}/workloads"),
        format!("/api/engagements/{e}/workloads/{wid}"),
        format!("/api/engagements/{e}/assessment"),
        format!("/api/engagements/{e}/architecture"),
        format!("/api/engagements/{e}/plan"),
    ];
    for page in &pages {
        let r = viewer.get(page).await;
        assert_eq!(r.status, StatusCode::OK, "{page}: {}", r.text());
        assert_eq!(wal_bytes(&app), 0, "{page} wrote to the database");
    }
    assert!(checkpointed(&app) == before, "the database file changed while a viewer read");
}
