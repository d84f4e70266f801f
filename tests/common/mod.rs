//! Shared test plumbing: an app on a fresh database, driven in-process.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sixr::accounts::Role;
use sixr::db::Db;
use sixr::{AppState, app};
use tower::ServiceExt;

/// The browser's pre-login cookie, and in requests the stand-in for the
/// CSRF token its page would hold: [`TestApp::send`] puts the real token
/// (made from the session, or from this cookie, with the server's secret)
/// wherever a request carries this value.
pub const TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

pub struct TestApp {
    pub router: Router,
    pub db: Db,
    /// Session cookie value of the user requests are sent as (None: anonymous).
    pub session: Option<String>,
    _dir: tempfile::TempDir,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl TestApp {
    /// A fresh database with an administrator "admin" who is logged in.
    pub fn new() -> TestApp {
        let mut app = TestApp::anonymous();
        app.session = Some(app.login_as("admin", Role::Admin));
        app
    }

    /// A fresh database with no account (the first-start state).
    pub fn anonymous() -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path().join("test.db")).unwrap();
        TestApp { router: app(AppState::new(db.clone())), db, session: None, _dir: dir }
    }

    /// Creates a user with that role and returns a live session token for them.
    pub fn login_as(&self, username: &str, role: Role) -> String {
        self.db
            .with_conn(|c| {
                let user = match sixr::db::accounts::find_user(c, username)? {
                    Some(u) => u,
                    None => sixr::db::accounts::create_user(c, username, "a long test password", role, "test")?,
                };
                sixr::db::accounts::create_session(c, user.id)
            })
            .unwrap()
    }

    /// The same database served by an app that believes the forwarded
    /// headers of a reverse proxy at `proxy` (`sixr serve --trusted-proxy`).
    pub fn behind_proxy(&self, proxy: &str) -> TestApp {
        let state = AppState::new(self.db.clone()).with_trusted_proxies(vec![proxy.parse().unwrap()]);
        TestApp { router: app(state), db: self.db.clone(), session: self.session.clone(), _dir: tempfile::tempdir().unwrap() }
    }

    /// The same app and database, acting as another session.
    pub fn as_session(&self, session: Option<String>) -> TestApp {
        TestApp { router: self.router.clone(), db: self.db.clone(), session, _dir: tempfile::tempdir().unwrap() }
    }

    /// The CSRF token pages give this browser (its session's, or its
    /// pre-login cookie's when logged out).
    pub fn csrf(&self) -> String {
        let key = self.db.with_conn(|c| sixr::db::accounts::server_secret(c, "csrf")).unwrap();
        sixr::web::ctx::csrf_token_for(&key, self.session.as_deref().unwrap_or(TOKEN))
    }

    /// Sends a request as a browser that holds the CSRF cookie (and the
    /// session, if any), with [`TOKEN`] replaced by the page's token.
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let (mut parts, body) = req.into_parts();
        let token = self.csrf();
        if parts.headers.get("x-csrf-token").is_some_and(|v| v == TOKEN) {
            parts.headers.insert("x-csrf-token", token.parse().unwrap());
        }
        let mut bytes = body.collect().await.unwrap().to_bytes().to_vec();
        // Form fields come first (a multipart form's token too).
        let head = bytes.len().min(64 * 1024);
        let mut at = 0;
        while let Some(i) = bytes[at..head].windows(TOKEN.len()).position(|w| w == TOKEN.as_bytes()) {
            bytes[at + i..at + i + TOKEN.len()].copy_from_slice(token.as_bytes());
            at += i + TOKEN.len();
        }
        let mut req = Request::from_parts(parts, Body::from(bytes));
        req.headers_mut().append(header::COOKIE, format!("sixr_csrf={TOKEN}").parse().unwrap());
        if let Some(s) = &self.session {
            req.headers_mut().append(header::COOKIE, format!("sixr_session={s}").parse().unwrap());
        }
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        Reply { status, headers, body }
    }

    pub async fn get(&self, uri: &str) -> Reply {
        self.send(Request::get(uri).body(Body::empty()).unwrap()).await
    }

    /// POSTs an urlencoded form with the CSRF token in it.
    pub async fn post_form(&self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let mut body = form_urlencoded::Serializer::new(String::new());
        body.append_pair("csrf", TOKEN);
        for (k, v) in fields {
            body.append_pair(k, v);
        }
        self.send(
            Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from(body.finish())).unwrap(),
        )
        .await
    }
}

/// Multipart uploads (the import page), with the CSRF token as the form's
/// first field, as the page's form sends it.
impl TestApp {
    pub async fn post_file(&self, uri: &str, file_name: &str, bytes: &[u8]) -> Reply {
        let boundary = "sixr-test-boundary-7d1f";
        let mut body = Vec::new();
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{TOKEN}\r\n").as_bytes());
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.send(
            Request::post(uri)
                .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }
}

// --- workloads helpers (inventory-ui) ---------------------------------------

impl TestApp {
    /// Sends what htmx sends for a GET aimed at the element `target`.
    pub async fn get_htmx(&self, uri: &str, target: &str) -> Reply {
        self.send(Request::get(uri).header("hx-request", "true").header("hx-target", target).body(Body::empty()).unwrap()).await
    }

    /// POSTs a form the way htmx does: token in the header, `HX-Request` set.
    pub async fn post_htmx(&self, uri: &str, fields: &[(&str, &str)]) -> Reply {
        self.post_htmx_at(uri, None, fields).await
    }

    /// POSTs a form the way htmx does when it swaps the element `target`
    /// with the answer (`HX-Target`).
    pub async fn post_htmx_to(&self, uri: &str, target: &str, fields: &[(&str, &str)]) -> Reply {
        self.post_htmx_at(uri, Some(target), fields).await
    }

    async fn post_htmx_at(&self, uri: &str, target: Option<&str>, fields: &[(&str, &str)]) -> Reply {
        let mut body = form_urlencoded::Serializer::new(String::new());
        for (k, v) in fields {
            body.append_pair(k, v);
        }
        let mut request = Request::post(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("x-csrf-token", TOKEN)
            .header("hx-request", "true");
        if let Some(target) = target {
            request = request.header("hx-target", target);
        }
        self.send(request.body(Body::from(body.finish())).unwrap()).await
    }

    /// Creates an engagement directly in the database and returns its id.
    pub fn seed_engagement(&self, name: &str) -> i64 {
        self.db
            .with_conn(|c| {
                let e = sixr::inventory::Engagement { name: name.into(), ..sixr::inventory::Engagement::default_new() };
                Ok(sixr::db::engagements::create(c, &e, "test")?.id)
            })
            .unwrap()
    }

    /// Creates a workload from `(field, value)` pairs, validated like an edit.
    pub fn seed_workload(&self, engagement_id: i64, fields: &[(&str, &str)]) -> sixr::inventory::Workload {
        let mut w = sixr::inventory::Workload::default();
        for (k, v) in fields {
            w.set_field(k, v).unwrap();
        }
        self.db.with_conn(|c| sixr::db::workloads::create(c, engagement_id, &w, "test")).unwrap()
    }

    pub fn workload(&self, engagement_id: i64, id: i64) -> Option<sixr::inventory::Workload> {
        self.db.with_conn(|c| sixr::db::workloads::get(c, engagement_id, id)).ok()
    }

    /// Audit rows of one entity as (action, before, after).
    pub fn audit_rows(&self, entity: &str, entity_id: i64) -> Vec<(String, Option<String>, Option<String>)> {
        self.db
            .with_conn(|c| {
                let mut stmt = c.prepare("SELECT action, before, after FROM audit_log WHERE entity = ?1 AND entity_id = ?2 ORDER BY id")?;
                let rows = stmt.query_map(rusqlite::params![entity, entity_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            })
            .unwrap()
    }

    pub fn json(&self, reply: &Reply) -> serde_json::Value {
        serde_json::from_slice(&reply.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", reply.text()))
    }
}
