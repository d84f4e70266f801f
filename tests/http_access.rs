//! Who may reach which route, walked over the whole route table: every route
//! and method of the app, for each role, with and without membership of the
//! engagement, and with the engagement id spelled every way a URL allows
//! (`1`, `%31`, `01`, `+1`, `%2B1` all reach engagement 1 in a handler).
//! A refused request answers 403 and leaves the database as it was.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{TOKEN, TestApp};
use http_body_util::BodyExt;
use sixr::accounts::Role;
use sixr::db::Db;
use sixr::{AppState, app};
use tower::ServiceExt;

/// What a route asks of the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Needs {
    /// Anyone (login, first start, health, language).
    Nobody,
    /// Any logged-in user.
    Login,
    Admin,
    /// Consultant or administrator.
    Create,
    /// Member of the engagement (or administrator).
    Read,
    /// Member consultant (or administrator).
    Write,
}

use Needs::*;

/// Every route of the app. A route added without a line here fails the test.
const ROUTES: &[(&str, &str, Needs)] = &[
    ("GET", "/", Login),
    ("GET", "/healthz", Nobody),
    ("POST", "/lang", Nobody),
    ("GET", "/login", Nobody),
    ("POST", "/login", Nobody),
    ("POST", "/logout", Login),
    ("GET", "/setup", Nobody),
    ("POST", "/setup", Nobody),
    ("GET", "/admin/users", Admin),
    ("POST", "/admin/users", Admin),
    ("GET", "/engagements", Login),
    ("POST", "/engagements", Create),
    ("POST", "/engagements/sample", Create),
    ("GET", "/engagements/{id}", Read),
    ("POST", "/engagements/{id}", Write),
    ("POST", "/engagements/{id}/delete", Write),
    ("GET", "/engagements/{id}/workloads", Read),
    ("POST", "/engagements/{id}/workloads", Write),
    ("POST", "/engagements/{id}/workloads/bulk-application", Write),
    ("GET", "/engagements/{id}/workloads/application-names", Read),
    ("GET", "/engagements/{id}/workloads/{wid}", Read),
    ("POST", "/engagements/{id}/workloads/{wid}/delete", Write),
    ("GET", "/engagements/{id}/workloads/{wid}/cells/{field}", Read),
    ("POST", "/engagements/{id}/workloads/{wid}/cells/{field}", Write),
    ("GET", "/engagements/{id}/workloads/{wid}/cells/{field}/edit", Read),
    ("POST", "/engagements/{id}/workloads/{wid}/dependencies", Write),
    ("POST", "/engagements/{id}/workloads/{wid}/suggestions", Write),
    ("POST", "/engagements/{id}/suggestions/bulk", Write),
    ("POST", "/engagements/{id}/suggestions/refresh", Write),
    ("POST", "/engagements/{id}/workloads/{wid}/dependencies/{did}/delete", Write),
    ("GET", "/engagements/{id}/applications", Read),
    ("POST", "/engagements/{id}/applications", Write),
    ("POST", "/engagements/{id}/applications/{aid}", Write),
    ("POST", "/engagements/{id}/applications/{aid}/delete", Write),
    ("GET", "/engagements/{id}/import", Read),
    ("POST", "/engagements/{id}/import", Write),
    ("POST", "/engagements/{id}/import/{token}/commit", Write),
    ("GET", "/engagements/{id}/import/{token}/mapping", Read),
    ("POST", "/engagements/{id}/import/{token}/mapping", Write),
    ("GET", "/engagements/{id}/import/template.csv", Read),
    ("GET", "/engagements/{id}/export.csv", Read),
    ("GET", "/engagements/{id}/export.json", Read),
    ("GET", "/engagements/{id}/assessment", Read),
    ("POST", "/engagements/{id}/assessment/profile", Write),
    ("GET", "/engagements/{id}/assessment/questionnaire", Read),
    ("POST", "/engagements/{id}/assessment/questionnaire", Write),
    ("GET", "/engagements/{id}/assessment/applications/{app}", Read),
    ("POST", "/engagements/{id}/assessment/applications/{app}", Write),
    ("POST", "/engagements/{id}/assessment/applications/{app}/decision", Write),
    ("GET", "/engagements/{id}/assessment/workloads/{wid}", Read),
    ("POST", "/engagements/{id}/assessment/workloads/{wid}/answers", Write),
    ("POST", "/engagements/{id}/assessment/workloads/{wid}/decision", Write),
    ("POST", "/engagements/{id}/assessment/workloads/{wid}/decision/clear", Write),
    ("GET", "/engagements/{id}/architecture", Read),
    ("POST", "/engagements/{id}/architecture/sizing", Write),
    ("GET", "/engagements/{id}/architecture/landing-zone", Read),
    ("POST", "/engagements/{id}/architecture/landing-zone", Write),
    ("GET", "/engagements/{id}/architecture/landing-zone.svg", Read),
    ("GET", "/engagements/{id}/architecture/cloudformation.zip", Read),
    ("GET", "/engagements/{id}/architecture/{app_id}", Read),
    ("GET", "/engagements/{id}/architecture/{app_id}/diagram.svg", Read),
    ("GET", "/engagements/{id}/plan", Read),
    ("POST", "/engagements/{id}/plan/settings", Write),
    ("POST", "/engagements/{id}/plan/move", Write),
    ("GET", "/engagements/{id}/report.pdf", Read),
    ("GET", "/engagements/{id}/audit", Read),
    ("GET", "/engagements/{id}/members", Read),
    ("POST", "/engagements/{id}/members", Write),
    ("POST", "/engagements/{id}/members/{user_id}/remove", Write),
    ("GET", "/api/engagements", Login),
    ("GET", "/api/engagements/{id}", Read),
    ("GET", "/api/engagements/{id}/workloads", Read),
    ("GET", "/api/engagements/{id}/workloads/{wid}", Read),
    ("GET", "/api/engagements/{id}/assessment", Read),
    ("GET", "/api/engagements/{id}/architecture", Read),
    ("GET", "/api/engagements/{id}/plan", Read),
];

/// Spellings of the engagement id 1 that axum decodes to 1 for a handler.
const SPELLINGS: &[&str] = &["1", "%31", "01", "+1", "%2B1"];

/// Every (method, route template) the router answers. axum lists no
/// routes, but its `Debug` output names each path with its id and each
/// route's methods (the `Allow` header it would send) under the same id.
/// HEAD goes with GET; the nested static files are not routes of the app.
fn routed(router: &axum::Router) -> BTreeSet<(String, String)> {
    let debug = format!("{router:?}");
    // The fallback router numbers its own routes from 1 again.
    let debug = debug.split("fallback_router:").next().unwrap_or_default();
    let (mut paths, mut methods) = (BTreeMap::new(), BTreeMap::new());
    for piece in debug.split("RouteId(").skip(1) {
        let Some((id, rest)) = piece.split_once("): ") else { continue };
        if let Some(path) = rest.strip_prefix('"').and_then(|r| r.split_once('"')).map(|(p, _)| p) {
            paths.insert(id.to_string(), path.to_string());
        } else if let Some((_, allow)) = rest.split_once("allow_header: Bytes(b\"") {
            let allow = allow.split_once('"').map(|(a, _)| a).unwrap_or("");
            methods.insert(id.to_string(), allow.split(',').filter(|m| *m != "HEAD").map(str::to_string).collect::<Vec<_>>());
        }
    }
    let mut out = BTreeSet::new();
    for (id, path) in paths {
        if path.starts_with("/static") || path.contains("__private__axum") {
            continue;
        }
        let ms = methods.get(&id).unwrap_or_else(|| panic!("no methods found for {path} in the router's Debug output"));
        out.extend(ms.iter().map(|m| (m.clone(), path.clone())));
    }
    out
}

struct Fixture {
    /// The database every case starts from (copied before each case that may write).
    template: std::path::PathBuf,
    sessions: Vec<((Role, bool), String)>,
    /// The server's CSRF secret (copied with the database).
    key: [u8; 32],
    params: BTreeMap<&'static str, String>,
    _dir: tempfile::TempDir,
}

/// Engagement 1 with two workloads in an application, a dependency and an
/// upload waiting; a user of each role in and out of it.
fn fixture() -> Fixture {
    let app = TestApp::new();
    let eid = app.seed_engagement("Target");
    assert_eq!(eid, 1);
    let w1 = app.seed_workload(eid, &[("name", "web-01"), ("application", "Shop")]);
    let w2 = app.seed_workload(eid, &[("name", "db-01"), ("application", "Shop")]);
    let mut sessions = vec![((Role::Admin, false), app.session.clone().unwrap())];
    for (role, name) in [(Role::Admin, "admin"), (Role::Consultant, "consultant"), (Role::Viewer, "viewer")] {
        for member in [true, false] {
            if role == Role::Admin && !member {
                continue;
            }
            let username = format!("{name}_{}", if member { "in" } else { "out" });
            sessions.push(((role, member), app.login_as(&username, role)));
            if member {
                app.db
                    .with_conn(|c| {
                        let user = sixr::db::accounts::find_user(c, &username)?.unwrap();
                        sixr::db::accounts::add_member(c, eid, user.id, "test")
                    })
                    .unwrap();
            }
        }
    }
    let (did, aid, token, uid, key) = app
        .db
        .with_conn(|c| {
            let d = sixr::inventory::Dependency { port: Some(5432), protocol: "tcp".into(), ..Default::default() };
            sixr::db::dependencies::insert_row(c, eid, w1.id, w2.id, &d)?;
            let did: i64 = c.query_row("SELECT id FROM dependencies", [], |r| r.get(0))?;
            let aid: i64 = c.query_row("SELECT id FROM applications WHERE name = 'Shop'", [], |r| r.get(0))?;
            let token = sixr::db::imports::store_upload(c, eid, None, "inventory.csv", b"name,cpu_cores\nnew-01,2\n")?;
            let uid = sixr::db::accounts::find_user(c, "viewer_in")?.unwrap().id;
            let key = sixr::db::accounts::server_secret(c, "csrf")?;
            c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
            Ok((did, aid, token, uid, key))
        })
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("template.db");
    std::fs::copy(app.db.path(), &template).unwrap();
    let params = BTreeMap::from([
        ("wid", w1.id.to_string()),
        ("did", did.to_string()),
        ("aid", aid.to_string()),
        ("app", aid.to_string()),
        ("app_id", aid.to_string()),
        ("field", "name".to_string()),
        ("token", token),
        ("user_id", uid.to_string()),
    ]);
    Fixture { template, sessions, key, params, _dir: dir }
}

/// A fresh copy of the fixture's database, served by a fresh app.
struct Copy {
    router: axum::Router,
    db: Db,
    _dir: tempfile::TempDir,
}

fn fresh(f: &Fixture) -> Copy {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.db");
    std::fs::copy(&f.template, &path).unwrap();
    let db = Db::open(&path).unwrap();
    Copy { router: app(AppState::new(db.clone())), db, _dir: dir }
}

/// Every row of every table but the sessions (a request may touch its own).
fn fingerprint(db: &Db) -> Vec<String> {
    db.with_conn(|c| {
        let tables: Vec<String> = c
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('sessions') ORDER BY name")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut out = Vec::new();
        for t in tables {
            let mut stmt = c.prepare(&format!("SELECT * FROM \"{t}\""))?;
            let n = stmt.column_count();
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let cells: Vec<String> = (0..n).map(|i| format!("{:?}", r.get_ref(i).map(|v| v.data_type()))).collect();
                let values: Vec<String> = (0..n).map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).ok())).collect();
                out.push(format!("{t}: {} {}", cells.join(","), values.join(",")));
            }
        }
        out.sort();
        Ok(out)
    })
    .unwrap()
}

fn fill(template: &str, id: &str, params: &BTreeMap<&'static str, String>) -> String {
    template
        .split('/')
        .map(|seg| match seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some("id") => id.to_string(),
            Some(name) => {
                params.get(name).unwrap_or_else(|| panic!("no value for {{{name}}} in {template}: add one to the fixture")).clone()
            }
            None => seg.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

async fn send(router: &axum::Router, method: &Method, uri: &str, session: &str, key: &[u8; 32]) -> (StatusCode, Option<String>) {
    let token = sixr::web::ctx::csrf_token_for(key, session);
    let mut req = Request::builder().method(method.clone()).uri(uri);
    req = req.header(header::COOKIE, format!("sixr_csrf={TOKEN}; sixr_session={session}")).header("x-csrf-token", &token);
    let body = if *method == Method::POST {
        req = req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        Body::from(format!("csrf={token}"))
    } else {
        Body::empty()
    };
    let res = router.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = res.status();
    let allow = res.headers().get(header::ALLOW).and_then(|v| v.to_str().ok()).map(str::to_string);
    let _ = res.into_body().collect().await;
    (status, allow)
}

fn allowed(needs: Needs, role: Role, member: bool) -> bool {
    match needs {
        Nobody | Login => true,
        Admin => role == Role::Admin,
        Create => role != Role::Viewer,
        Read => role == Role::Admin || member,
        Write => role == Role::Admin || (member && role == Role::Consultant),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_checks_access_on_the_id_the_handler_reads() {
    let f = fixture();
    let mut case = fresh(&f);

    // The table and the router agree: no route without an entry, no stale entry.
    let routed = routed(&case.router);
    assert!(routed.len() > 40, "axum's Debug output no longer lists the routes: {routed:?}");
    let listed: BTreeSet<(String, String)> = ROUTES.iter().map(|(m, t, _)| (m.to_string(), t.to_string())).collect();
    let missing: Vec<_> = routed.difference(&listed).collect();
    assert!(missing.is_empty(), "routes without an access entry in ROUTES (say who may use them): {missing:?}");
    let stale: Vec<_> = listed.difference(&routed).collect();
    assert!(stale.is_empty(), "ROUTES lists routes the app no longer has: {stale:?}");

    let mut wrong = Vec::new();
    let mut checked = 0;
    for ((role, member), session) in &f.sessions {
        let (role, member) = (*role, *member);
        for &(method, template, needs) in ROUTES {
            let spellings = if template.contains("{id}") { SPELLINGS } else { &SPELLINGS[..1] };
            let methods: &[Method] = if method == "GET" { &[Method::GET, Method::HEAD] } else { &[Method::POST] };
            for id in spellings {
                for m in methods {
                    let uri = fill(template, id, &f.params);
                    let before = fingerprint(&case.db);
                    let (status, _) = send(&case.router, m, &uri, session, &f.key).await;
                    checked += 1;
                    let who = format!("{} {}member", role.code(), if member { "" } else { "non-" });
                    if allowed(needs, role, member) {
                        if needs != Nobody && matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
                            wrong.push(format!("{who}: {m} {uri} answered {status}, expected to be let through"));
                        }
                        if status.is_server_error() {
                            wrong.push(format!("{who}: {m} {uri} answered {status}"));
                        }
                        if *m == Method::POST {
                            // It may have changed anything: start the next case afresh.
                            case = fresh(&f);
                        }
                    } else {
                        if status != StatusCode::FORBIDDEN {
                            wrong.push(format!("{who}: {m} {uri} answered {status}, expected 403"));
                        }
                        if fingerprint(&case.db) != before {
                            wrong.push(format!("{who}: {m} {uri} was refused ({status}) but changed the database"));
                            case = fresh(&f);
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "only {checked} requests walked");
    assert!(wrong.is_empty(), "{} of {checked} requests were answered wrongly:\n{}", wrong.len(), wrong.join("\n"));
}
