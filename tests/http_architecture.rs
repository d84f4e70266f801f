//! The architecture pages of a portfolio bigger than a page: the list pages,
//! its totals cover every application, it follows every change at once, and
//! an application's page built from its own workloads and their neighbours
//! is the one built from the whole estate.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use sixr::architecture::{self, AppSummary};
use sixr::cost::{self, SizingMode};
use sixr::db::{self, Db};
use sixr::inventory::{Dependency, Engagement, Workload};
use sixr::scoring::decision::DecisionInput;

/// Applications in the paged engagement: more than two pages of 50.
const APPS: usize = 120;

fn workload(name: &str, application: &str, role: &str) -> Workload {
    Workload {
        name: name.into(),
        application: application.into(),
        role: role.into(),
        os: "Ubuntu Linux".into(),
        os_version: "22.04".into(),
        cpu_cores: Some(8),
        ram_gb: Some(32.0),
        storage_gb: Some(100.0),
        cpu_util_peak_pct: Some(15.0),
        ram_util_peak_pct: Some(30.0),
        db_engine: if role == "db" { "MySQL".into() } else { String::new() },
        middleware: if role == "db" { String::new() } else { "Tomcat 9".into() },
        runtime: if role == "db" { String::new() } else { "Java 11".into() },
        annual_cost: Some(1000.0),
        ..Workload::default()
    }
}

fn engagement(db: &Db, name: &str) -> i64 {
    db.with_conn(|c| Ok(db::engagements::create(c, &Engagement { name: name.into(), ..Engagement::default_new() }, "test")?.id)).unwrap()
}

/// `APPS` applications "App 000".. of a web server depending on a database,
/// and one workload without an application. Every workload costs 1,000 a
/// year today.
fn portfolio(db: &Db) -> i64 {
    let id = engagement(db, "Portfolio");
    db.with_conn(|c| {
        let tx = c.unchecked_transaction()?;
        for i in 0..APPS {
            let app = format!("App {i:03}");
            let web = db::workloads::upsert(&tx, id, &workload(&format!("w-{i:03}-web"), &app, "web"))?;
            let dbw = db::workloads::upsert(&tx, id, &workload(&format!("w-{i:03}-db"), &app, "db"))?;
            let (db::workloads::Upsert::Created(web), db::workloads::Upsert::Created(dbw)) = (web, dbw) else { panic!("new rows") };
            db::dependencies::insert_row(&tx, id, web, dbw, &Dependency { port: Some(3306), ..Dependency::default() })?;
        }
        db::workloads::upsert(&tx, id, &workload("loose-01", "", "app"))?;
        db::derived::rederive(&tx, id)?;
        tx.commit()?;
        Ok(())
    })
    .unwrap();
    id
}

fn names_on(html: &str) -> Vec<String> {
    (0..APPS).map(|i| format!("App {i:03}")).filter(|n| html.contains(&format!(">{n}</a>"))).collect()
}

/// The href of the pager link with that text, as the page writes it.
fn pager_link(html: &str, text: &str) -> String {
    let nav = &html[html.find("class=\"pager\"").expect("a pager")..];
    let at = nav.find(text).unwrap_or_else(|| panic!("no \"{text}\" link in {nav}"));
    let start = nav[..at].rfind("<a href=\"").unwrap() + "<a href=\"".len();
    nav[start..].split('"').next().unwrap().replace("&#38;", "&")
}

#[tokio::test]
async fn the_list_pages_through_every_application_with_totals_for_all() {
    let app = TestApp::new();
    let id = portfolio(&app.db);

    let first = app.get(&format!("/engagements/{id}/architecture")).await;
    assert_eq!(first.status, StatusCode::OK);
    let html = first.text();
    let shown = names_on(&html);
    assert_eq!(shown.len(), 50, "one page of applications");
    assert_eq!(shown[0], "App 000");
    assert!(!html.contains(">App 050</a>"));
    assert!(html.contains(&format!("/engagements/{id}/architecture/")), "links to each application's page");
    assert!(html.contains("Applications 1–50 of 121"), "{html}");
    assert!(html.contains("Page 1 of 3"));
    // Totals cover all 121 applications (241 workloads at 1,000 a year).
    assert!(html.contains("Total, all applications (USD)"));
    assert!(html.contains("$241,000.00"), "today's total over every application");

    // The last page, through the pager as a user clicks it (plain link; htmx
    // swaps the same list out of the same page).
    let last_url = pager_link(&html, "Last");
    assert_eq!(last_url, format!("/engagements/{id}/architecture?page=3"));
    let last = app.get(&last_url).await;
    assert_eq!(last.status, StatusCode::OK);
    let html = last.text();
    assert_eq!(names_on(&html), (100..APPS).map(|i| format!("App {i:03}")).collect::<Vec<_>>());
    assert!(html.contains("Workloads without an application"), "the unassigned workloads come last");
    assert!(html.contains("Applications 101–121 of 121") && html.contains("Page 3 of 3"));
    assert!(html.contains("$241,000.00"), "the same totals on every page");
    assert!(html.contains("hx-select=\"#architecture-list\""));
    assert!(html.contains(&format!("name=\"back\" value=\"/engagements/{id}/architecture?page=3\"")), "the sizing form comes back here");
    assert_eq!(pager_link(&html, "Previous"), format!("/engagements/{id}/architecture?page=2"));
    assert!(!html.contains("rel=\"next\""), "no next page after the last");

    // Out of range or not a number: the nearest page there is.
    assert!(app.get(&format!("/engagements/{id}/architecture?page=99")).await.text().contains("Page 3 of 3"));
    assert!(app.get(&format!("/engagements/{id}/architecture?page=x")).await.text().contains("Page 1 of 3"));

    // In Korean.
    let ko = app
        .send(
            axum::http::Request::get(format!("/engagements/{id}/architecture?page=2"))
                .header("cookie", "sixr_lang=ko")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .text();
    assert!(ko.contains("애플리케이션 121개 중 51–100") && ko.contains("3쪽 중 2쪽"), "{ko}");
}

/// The figures in the list's row of `app`.
fn row_of(html: &str, app: &str) -> String {
    let at = html.find(&format!(">{app}</a>")).unwrap_or_else(|| panic!("{app} not listed"));
    html[at..at + html[at..].find("</tr>").unwrap()].to_string()
}

fn footer(html: &str) -> String {
    let at = html.find("<tfoot>").unwrap();
    html[at..at + html[at..].find("</tfoot>").unwrap()].to_string()
}

#[tokio::test]
async fn the_list_shows_every_change_at_once() {
    let app = TestApp::new();
    let id = portfolio(&app.db);
    let url = format!("/engagements/{id}/architecture");
    let before = app.get(&url).await.text();

    // A decision that changes an application's strategy.
    app.db
        .with_conn(|c| {
            let ids: Vec<i64> = db::workloads::list_all(c, id)?.iter().filter(|w| w.application == "App 001").map(|w| w.id).collect();
            let retire = DecisionInput { strategy: "retire".into(), rationale: "replaced by App 000".into(), ..DecisionInput::default() };
            db::decisions::decide(c, id, &ids, &retire, "test")?;
            Ok(())
        })
        .unwrap();
    let after = app.get(&url).await.text();
    let row = row_of(&after, "App 001");
    assert!(row.contains("Retire"), "{row}");
    assert_ne!(row_of(&before, "App 001"), row);
    assert_ne!(footer(&before), footer(&after), "the totals follow the decision");

    // The sizing mode, through the form on the list.
    let r = app
        .post_form(&format!("/engagements/{id}/architecture/sizing"), &[("mode", "as_on_prem"), ("back", &format!("{url}?page=2"))])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers["location"], format!("{url}?page=2").as_str(), "back to the page it was on");
    let sized = app.get(&url).await.text();
    assert!(sized.contains("value=\"as_on_prem\" checked"), "the chosen mode is shown");
    // Servers peaking at 15% CPU: sized as on premises they cost more.
    assert_ne!(row_of(&after, "App 000"), row_of(&sized, "App 000"));
    assert_ne!(footer(&after), footer(&sized));

    // Region and currency are engagement settings too.
    app.db
        .with_conn(|c| {
            let mut e = db::engagements::get(c, id)?;
            e.currency = "KRW".into();
            db::engagements::update(c, &e, "test")?;
            Ok(())
        })
        .unwrap();
    let krw = app.get(&url).await.text();
    assert!(footer(&krw).contains("(KRW)") && footer(&krw).contains('₩'), "{}", footer(&krw));
    app.db
        .with_conn(|c| {
            let mut e = db::engagements::get(c, id)?;
            e.currency = "USD".into();
            e.region = "us-east-1".into();
            db::engagements::update(c, &e, "test")?;
            Ok(())
        })
        .unwrap();
    let moved = app.get(&url).await.text();
    assert!(footer(&moved).contains("(USD)"));
    assert_ne!(row_of(&sized, "App 000"), row_of(&moved, "App 000"), "prices of another region");

    // A new application shows, and so does an edit of a workload's cost.
    app.db
        .with_conn(|c| {
            let w = db::workloads::find_by_name_or_hostname(c, id, "w-000-web")?.unwrap();
            db::workloads::save(c, id, &Workload { annual_cost: Some(5000.0), ..w }, "t")?;
            Ok(())
        })
        .unwrap();
    let edited = app.get(&url).await.text();
    assert!(row_of(&edited, "App 000").contains("$6,000.00"), "{}", row_of(&edited, "App 000"));
}

/// AnyCompany and neighbours: a retained billing server AnyCompany's web
/// tier calls, a jump host in another application, workloads without an
/// application depending on both sides.
fn neighbours(db: &Db) -> i64 {
    let id = engagement(db, "Neighbours");
    db.with_conn(|c| {
        let mut ids = std::collections::HashMap::new();
        let mut add = |c: &rusqlite::Connection, w: Workload| -> Result<(), sixr::error::AppError> {
            let name = w.name.clone();
            if let db::workloads::Upsert::Created(wid) = db::workloads::upsert(c, id, &w)? {
                ids.insert(name, wid);
            }
            Ok(())
        };
        add(c, workload("shop-web", "Shop", "web"))?;
        add(c, workload("shop-app", "Shop", "app"))?;
        add(c, workload("shop-db", "Shop", "db"))?;
        add(c, Workload { os: "Windows Server".into(), os_version: "2012 R2".into(), ..workload("billing-01", "Billing", "app") })?;
        add(c, workload("billing-db", "Billing", "db"))?;
        add(c, Workload { notes: "jump host for the admins".into(), ..workload("adm-01", "Operations", "other") })?;
        add(c, workload("batch-01", "", "batch"))?;
        add(c, workload("report-db", "", "db"))?;
        let dep = |c: &rusqlite::Connection, from: &str, to: &str, port: Option<i64>| {
            db::dependencies::insert_row(c, id, ids[from], ids[to], &Dependency { port, ..Dependency::default() })
        };
        dep(c, "shop-web", "shop-app", None)?;
        dep(c, "shop-app", "shop-db", Some(3306))?;
        dep(c, "shop-app", "billing-01", Some(8443))?;
        dep(c, "billing-01", "billing-db", None)?;
        dep(c, "batch-01", "shop-db", None)?;
        dep(c, "batch-01", "report-db", Some(5432))?;
        dep(c, "billing-01", "report-db", Some(5432))?;
        let decide = |c: &rusqlite::Connection, names: &[&str], strategy: &str| {
            let ws: Vec<i64> = names.iter().map(|n| ids[*n]).collect();
            let input = DecisionInput { strategy: strategy.into(), rationale: "test".into(), ..DecisionInput::default() };
            db::decisions::decide(c, id, &ws, &input, "test").map(|_| ())
        };
        decide(c, &["shop-web", "shop-app", "shop-db"], "replatform")?;
        decide(c, &["billing-01", "billing-db"], "retain")?;
        decide(c, &["batch-01"], "refactor")?;
        decide(c, &["report-db"], "rehost")?;
        Ok(())
    })
    .unwrap();
    id
}

#[test]
fn one_application_built_from_its_neighbourhood_is_the_one_built_from_the_whole_estate() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("t.db")).unwrap();
    let id = neighbours(&db);
    let cat = cost::catalogue();
    for mode in [SizingMode::Performance, SizingMode::AsOnPrem] {
        db.with_conn(|c| db::architecture::set_sizing_mode(c, id, mode, "test")).unwrap();
        let estate = db.with_conn(|c| db::architecture::estate(c, id)).unwrap();
        let whole = architecture::build_all(&estate, cat);
        assert_eq!(whole.len(), 4, "Billing, Operations, Shop and the unassigned workloads");
        let jump_host = db.with_conn(|c| db::architecture::has_jump_host(c, id)).unwrap();
        assert!(jump_host);
        for expected in &whole {
            let app_id = expected.target.application_id;
            let (_, alone) = db.with_conn(|c| db::architecture::one_application(c, id, app_id, jump_host, cat)).unwrap();
            assert_eq!(&alone, expected, "application {app_id} ({})", expected.target.application);
        }
        // The cross-application facts made it in.
        let shop = whole.iter().find(|a| a.target.application == "Shop").unwrap();
        assert!(shop.target.rules.iter().any(|r| r.destination.key == "on_prem:billing-01" && r.port == 8443));
        assert!(!shop.target.findings_current.iter().any(|f| f.code == "no_bastion"), "the jump host is in Operations");
        let billing = whole.iter().find(|a| a.target.application == "Billing").unwrap();
        assert!(billing.target.has(architecture::Kind::HybridLink), "Shop, moving to AWS, calls a retained server");

        // The kept list is made of the same applications' summaries.
        let list = db.with_conn(|c| db::architecture::list(c, id, cat)).unwrap();
        assert_eq!(list.rows, whole.iter().map(AppSummary::of).collect::<Vec<_>>());
        assert_eq!(list.mode, mode);
        let total: f64 = whole.iter().map(|a| a.cost.on_prem_annual).sum();
        assert_eq!(list.total_on_prem_annual, total);
    }
    assert!(matches!(db.with_conn(|c| db::architecture::one_application(c, id, 999, false, cat)), Err(sixr::error::AppError::NotFound(_))));
}

#[tokio::test]
async fn the_json_export_has_every_application() {
    let app = TestApp::new();
    let id = neighbours(&app.db);
    let r = app.get(&format!("/api/engagements/{id}/architecture")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers["content-type"].to_str().unwrap().starts_with("application/json"));
    let json: serde_json::Value = serde_json::from_slice(&r.body).expect("one JSON document");
    let apps = json["applications"].as_array().unwrap();
    let names: Vec<&str> = apps.iter().map(|a| a["application"].as_str().unwrap()).collect();
    assert_eq!(names, ["Billing", "Operations", "Shop", ""]);
    assert_eq!(json["engagement_id"], id);
    assert_eq!(json["sizing_mode"], "performance");
    assert_eq!(json["region"], "ap-northeast-2");
    assert_eq!(app.get("/api/engagements/999/architecture").await.status, StatusCode::NOT_FOUND);
}
