//! Accounts, roles, sessions and the security headers, driven in-process.

mod common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use common::{TOKEN, TestApp};
use sixr::accounts::Role;

fn form(fields: &[(&str, &str)]) -> String {
    let mut body = form_urlencoded::Serializer::new(String::new());
    body.append_pair("csrf", TOKEN);
    for (k, v) in fields {
        body.append_pair(k, v);
    }
    body.finish()
}

fn post_from(uri: &str, fields: &[(&str, &str)], peer: &str) -> Request<Body> {
    let mut req =
        Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from(form(fields))).unwrap();
    req.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
    req
}

fn session_from(reply: &common::Reply) -> Option<String> {
    reply
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("sixr_session=").map(|rest| rest.split(';').next().unwrap().to_string()))
}

#[tokio::test]
async fn first_start_sends_everyone_to_setup_which_only_loopback_may_use() {
    let app = TestApp::anonymous();
    let r = app.get("/engagements").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/setup");

    let fields = [("username", "maria"), ("password", "a long password!"), ("confirm", "a long password!")];
    let remote = app.send(post_from("/setup", &fields, "203.0.113.9:5000")).await;
    assert_eq!(remote.status, StatusCode::FORBIDDEN);
    assert!(remote.text().contains("sixr user add"));
    // Through a reverse proxy on this machine the connection is local, but
    // the request is not: refused, whether the proxy is trusted or not.
    for app in [app.as_session(None), app.behind_proxy("127.0.0.1")] {
        let mut proxied = post_from("/setup", &fields, "127.0.0.1:5000");
        proxied.headers_mut().insert("x-forwarded-for", "203.0.113.9".parse().unwrap());
        assert_eq!(app.send(proxied).await.status, StatusCode::FORBIDDEN);
        let mut get = from("/setup", "127.0.0.1:5000", &[("x-forwarded-for", "203.0.113.9")]);
        get.headers_mut().insert("x-real-ip", "203.0.113.9".parse().unwrap());
        assert_eq!(app.send(get).await.status, StatusCode::FORBIDDEN);
    }

    let local = app.send(post_from("/setup", &fields, "127.0.0.1:5000")).await;
    assert_eq!(local.status, StatusCode::SEE_OTHER, "{}", local.text());
    let session = session_from(&local).expect("setup logs the administrator in");
    let admin = app.as_session(Some(session));
    assert_eq!(admin.get("/engagements").await.status, StatusCode::OK);

    // Setup is closed once an administrator exists.
    let again = app
        .send(post_from(
            "/setup",
            &[("username", "eve"), ("password", "another long one"), ("confirm", "another long one")],
            "127.0.0.1:5000",
        ))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn login_rate_limit_and_logout() {
    let app = TestApp::new();
    app.login_as("kim", Role::Consultant);
    let anon = app.as_session(None);
    let good = anon.send(post_from("/login", &[("username", "kim"), ("password", "a long test password")], "10.0.0.1:1")).await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    let cookie = good.headers[header::SET_COOKIE].to_str().unwrap().to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let kim = app.as_session(session_from(&good));
    assert_eq!(kim.get("/engagements").await.status, StatusCode::OK);

    for _ in 0..5 {
        let bad = anon.send(post_from("/login", &[("username", "kim"), ("password", "wrong password")], "10.0.0.2:1")).await;
        assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused for a while after five failures.
    let blocked = anon.send(post_from("/login", &[("username", "kim"), ("password", "a long test password")], "10.0.0.2:1")).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);

    let out = kim.post_form("/logout", &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(kim.get("/engagements").await.status, StatusCode::SEE_OTHER, "the session is gone after logout");
}

/// Attempts sent at once are counted before any is verified: of 24 wrong
/// passwords for one user from one address, at most five are verified.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_wrong_passwords_are_limited_too() {
    let app = TestApp::new();
    app.login_as("kim", Role::Consultant);
    let attempts: Vec<_> = (0..24)
        .map(|_| {
            let anon = app.as_session(None);
            let req = post_from("/login", &[("username", "kim"), ("password", "wrong password")], "10.0.0.3:1");
            tokio::spawn(async move { anon.send(req).await.status })
        })
        .collect();
    let mut statuses = Vec::new();
    for a in attempts {
        statuses.push(a.await.unwrap());
    }
    let limited = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    let verified = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    assert_eq!((verified, limited), (5, 19), "{statuses:?}");
}

/// A guesser spreading over many addresses meets the username's own limit.
#[tokio::test]
async fn a_username_is_limited_whatever_the_address() {
    let app = TestApp::new();
    app.login_as("kim", Role::Consultant);
    let anon = app.as_session(None);
    for i in 0..20 {
        let r = anon.send(post_from("/login", &[("username", "Kim"), ("password", "wrong password")], &format!("10.1.0.{i}:1"))).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let r = anon.send(post_from("/login", &[("username", "kim"), ("password", "a long test password")], "10.2.0.1:1")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "the 21st attempt for kim, from a new address");
    let other = anon.send(post_from("/login", &[("username", "admin"), ("password", "wrong password")], "10.2.0.1:1")).await;
    assert_eq!(other.status, StatusCode::UNAUTHORIZED, "other usernames are not blocked");
}

#[tokio::test]
async fn each_role_is_refused_what_it_may_not_do() {
    let admin = TestApp::new();
    let r = admin.post_form("/engagements", &[("name", "Admin's"), ("region", "us-east-1"), ("currency", "USD"), ("language", "en")]).await;
    let admins = r.headers[header::LOCATION].to_str().unwrap().to_string();

    let consultant = admin.as_session(Some(admin.login_as("lee", Role::Consultant)));
    let r =
        consultant.post_form("/engagements", &[("name", "Lee's"), ("region", "us-east-1"), ("currency", "USD"), ("language", "en")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let lees = r.headers[header::LOCATION].to_str().unwrap().to_string();

    // A consultant sees and changes only their own engagements.
    let list = consultant.get("/engagements").await.text();
    assert!(list.contains("Lee&#39;s") && !list.contains("Admin&#39;s"), "{list}");
    assert_eq!(consultant.get(&admins).await.status, StatusCode::FORBIDDEN);
    assert_eq!(consultant.post_form(&format!("{admins}/delete"), &[]).await.status, StatusCode::FORBIDDEN);
    assert_eq!(consultant.get("/admin/users").await.status, StatusCode::FORBIDDEN);
    let api = consultant.get("/api/engagements").await.text();
    assert!(api.contains("Lee's") && !api.contains("Admin's"), "{api}");
    assert_eq!(consultant.get(&format!("/api{admins}")).await.status, StatusCode::FORBIDDEN);

    // A viewer added to Lee's engagement may read it and change nothing.
    let viewer_token = admin.login_as("customer", Role::Viewer);
    let lees_id: i64 = lees.rsplit('/').next().unwrap().parse().unwrap();
    // Lee shares the engagement with the customer from its People page.
    let r = consultant.post_form(&format!("{lees}/members"), &[("username", "customer")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(consultant.get(&format!("{lees}/members")).await.text().contains("<td>customer</td>"));
    let r = consultant.post_form(&format!("{lees}/members"), &[("username", "nobody")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let viewer = admin.as_session(Some(viewer_token));
    assert_eq!(viewer.get(&lees).await.status, StatusCode::OK);
    assert_eq!(viewer.get(&admins).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        viewer.post_form(&lees, &[("name", "Renamed"), ("region", "us-east-1"), ("currency", "USD"), ("language", "en")]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        viewer
            .post_form("/engagements", &[("name", "Mine"), ("region", "us-east-1"), ("currency", "USD"), ("language", "en")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(viewer.post_form(&format!("{lees}/members"), &[("username", "customer")]).await.status, StatusCode::FORBIDDEN);

    // The administrator sees everything; the audit trail names who did what.
    let all = admin.get("/engagements").await.text();
    assert!(all.contains("Lee&#39;s") && all.contains("Admin&#39;s"));
    let actor: String = admin
        .db
        .with_conn(|c| {
            Ok(c.query_row(
                "SELECT actor FROM audit_log WHERE entity = 'engagement' AND entity_id = ?1 AND action = 'create'",
                [lees_id],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert_eq!(actor, "lee");
    // Every change Lee made (the engagement, its members) names Lee: the
    // handler passes the logged-in user to each write.
    let actors: Vec<String> = admin
        .db
        .with_conn(|c| {
            let mut stmt = c.prepare("SELECT DISTINCT actor FROM audit_log WHERE engagement_id = ?1")?;
            Ok(stmt.query_map([lees_id], |r| r.get(0))?.collect::<Result<_, _>>()?)
        })
        .unwrap();
    assert_eq!(actors, ["lee"]);
}

#[tokio::test]
async fn anonymous_api_calls_get_401_and_pages_redirect_to_login() {
    let app = TestApp::new();
    let anon = app.as_session(None);
    assert_eq!(anon.get("/api/engagements").await.status, StatusCode::UNAUTHORIZED);
    let r = anon.get("/engagements/1").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], "/login?next=%2Fengagements%2F1");
    assert_eq!(anon.get("/healthz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::new();
    let r = app.get("/engagements").await;
    let csp = r.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-eval") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(r.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(r.headers[header::REFERRER_POLICY], "same-origin");
    let html = r.text();
    assert!(!html.contains("<script>") && !html.contains(" onclick="), "no inline script in pages");
}

/// Nothing a login shows is kept by a browser or proxy cache: pages,
/// fragments, CSV, JSON and the PDF all say `no-store`; static files may be kept.
#[tokio::test]
async fn what_needs_a_login_is_never_stored() {
    let app = TestApp::new();
    let id = app.db.with_conn(|c| sixr::service::import::load_anycompany_sample(c, "test")).unwrap();
    for uri in [
        "/engagements".to_string(),
        format!("/engagements/{id}"),
        format!("/engagements/{id}/workloads"),
        format!("/engagements/{id}/export.csv"),
        format!("/engagements/{id}/export.json"),
        format!("/api/engagements/{id}/workloads"),
        format!("/engagements/{id}/report.pdf"),
        "/no/such/page".to_string(),
    ] {
        let r = app.get(&uri).await;
        assert_eq!(r.headers.get(header::CACHE_CONTROL).map(|v| v.to_str().unwrap()), Some("no-store"), "{uri} ({})", r.status);
    }
    let r = app.get_htmx(&format!("/engagements/{id}/workloads"), "workloads-table").await;
    assert_eq!(r.headers[header::CACHE_CONTROL], "no-store", "an htmx fragment");
    let css = app.get("/static/app.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.headers.get(header::CACHE_CONTROL).is_none_or(|v| v != "no-store"), "static files may be cached");
}

fn from(uri: &str, peer: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut req = Request::get(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut req = req.body(Body::empty()).unwrap();
    req.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
    req
}

/// HTTPS is believed only from the trusted proxy: then browsers get HSTS and
/// the session cookie is Secure; the same header from anyone else changes nothing.
#[tokio::test]
async fn https_is_believed_from_the_trusted_proxy_only() {
    let app = TestApp::new();
    app.login_as("kim", Role::Consultant);
    let proxied = app.behind_proxy("127.0.0.1");
    let tls = [("x-forwarded-proto", "https"), ("x-forwarded-for", "203.0.113.7")];
    let r = proxied.send(from("/engagements", "127.0.0.1:40000", &tls)).await;
    assert_eq!(r.headers[header::STRICT_TRANSPORT_SECURITY], "max-age=31536000");
    let login = proxied
        .as_session(None)
        .send({
            let mut req = post_from("/login", &[("username", "kim"), ("password", "a long test password")], "127.0.0.1:40000");
            req.headers_mut().insert("x-forwarded-proto", "https".parse().unwrap());
            req
        })
        .await;
    assert!(login.headers[header::SET_COOKIE].to_str().unwrap().contains("; Secure"));

    for (app, peer) in [(&proxied, "198.51.100.4:40000"), (&app, "127.0.0.1:40000")] {
        let r = app.send(from("/engagements", peer, &tls)).await;
        assert!(r.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(), "{peer}");
    }
}

/// Behind the trusted proxy each client has its own login limit: five wrong
/// passwords from one do not lock the name for the others.
#[tokio::test]
async fn behind_the_proxy_the_limiter_counts_each_client() {
    let app = TestApp::new();
    app.login_as("kim", Role::Consultant);
    let proxied = app.behind_proxy("127.0.0.1").as_session(None);
    let attempt = |client: &str, password: &str| {
        let mut req = post_from("/login", &[("username", "kim"), ("password", password)], "127.0.0.1:40000");
        req.headers_mut().insert("x-forwarded-for", client.parse().unwrap());
        req
    };
    for _ in 0..5 {
        assert_eq!(proxied.send(attempt("203.0.113.7", "wrong password")).await.status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(proxied.send(attempt("203.0.113.7", "a long test password")).await.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(proxied.send(attempt("198.51.100.4", "a long test password")).await.status, StatusCode::SEE_OTHER, "another client");
    // A client cannot pick its own address: what it wrote before the proxy's entry is ignored.
    assert_eq!(proxied.send(attempt("198.51.100.99, 203.0.113.7", "a long test password")).await.status, StatusCode::TOO_MANY_REQUESTS);
}

/// The CSP forbids inline script and eval, which htmx needs for `js:` values,
/// `hx-on` handlers and trigger filters (`keydown[key=='Enter']`); a template
/// that used them would silently misbehave in the browser.
#[test]
fn templates_use_nothing_the_content_security_policy_blocks() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
    let handler = regex_lite_inline_handler();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display();
        for tag in text.split("<script").skip(1) {
            let attributes = tag.split('>').next().unwrap();
            assert!(attributes.contains("src=\"/static/"), "{name}: inline <script> (only files from /static/)");
        }
        assert!(!text.contains("js:") && !text.contains("javascript:"), "{name}: js: / javascript: value");
        assert!(!text.contains("hx-on"), "{name}: hx-on handler");
        for trigger in text.split("hx-trigger=\"").skip(1) {
            let value = trigger.split('"').next().unwrap();
            assert!(!value.contains('['), "{name}: trigger filter in hx-trigger=\"{value}\"");
        }
        assert!(!handler(&text), "{name}: inline on…= event handler");
    }
}

/// True when the text has an inline event-handler attribute (` onclick=`...).
fn regex_lite_inline_handler() -> impl Fn(&str) -> bool {
    |text: &str| {
        text.match_indices(" on").any(|(i, _)| {
            let rest = &text[i + 3..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_lowercase()).collect();
            !name.is_empty() && rest[name.len()..].starts_with('=')
        })
    }
}
