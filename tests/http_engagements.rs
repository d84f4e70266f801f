//! The engagement pages and the security plumbing, driven in-process.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{TOKEN, TestApp};

#[tokio::test]
async fn healthz_answers_ok() {
    let app = TestApp::new();
    let r = app.get("/healthz").await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn create_rename_and_delete_an_engagement() {
    let app = TestApp::new();
    let r = app
        .post_form(
            "/engagements",
            &[("name", "Acme <Corp>"), ("customer", "Acme"), ("region", "us-east-1"), ("currency", "USD"), ("language", "en")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let location = r.headers[header::LOCATION].to_str().unwrap().to_string();

    let list = app.get("/engagements").await.text();
    assert!(list.contains("Acme &#60;Corp&#62;"), "name is shown escaped: {list}");

    let r =
        app.post_form(&location, &[("name", "Acme renamed"), ("region", "ap-northeast-2"), ("currency", "KRW"), ("language", "ko")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(app.get("/engagements").await.text().contains("Acme renamed"));
    let trail = app.get(&format!("{location}/audit")).await.text();
    assert!(trail.contains("<code>name</code>: <del>Acme &#60;Corp&#62;</del> → <ins>Acme renamed</ins>"), "{trail}");
    assert!(trail.contains("<td>admin</td>"), "the logged-in user is the actor");

    let r = app.post_form(&format!("{location}/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(!app.get("/engagements").await.text().contains("Acme renamed"));
    assert_eq!(app.get(&location).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_duplicate_or_invalid_engagement_is_refused_with_a_reason() {
    let app = TestApp::new();
    let ok = [("name", "Dup"), ("region", "us-east-1"), ("currency", "USD"), ("language", "en")];
    assert_eq!(app.post_form("/engagements", &ok).await.status, StatusCode::SEE_OTHER);
    let r = app.post_form("/engagements", &ok).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("already exists"));
    let r = app.post_form("/engagements", &[("name", "X"), ("region", "mars-1"), ("currency", "USD"), ("language", "en")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("region"));
}

#[tokio::test]
async fn state_changes_without_the_csrf_token_are_refused() {
    let app = TestApp::new();
    // Right cookie, no token in the form.
    let req = Request::post("/engagements")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("name=Sneaky&region=us-east-1&currency=USD&language=en"))
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
    // A wrong token in the header.
    let req = Request::post("/engagements")
        .header("x-csrf-token", "f".repeat(64))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("name=Sneaky&region=us-east-1&currency=USD&language=en"))
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
    // The right token in the header (what htmx sends).
    let req = Request::post("/engagements")
        .header("x-csrf-token", TOKEN)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("name=Fine&region=us-east-1&currency=USD&language=en"))
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::SEE_OTHER);
    assert!(!app.get("/engagements").await.text().contains("Sneaky"));
}

/// A new engagement's form sent with exactly these cookies and token.
fn create_with(cookies: &str, token: &str, name: &str) -> Request<Body> {
    Request::post("/engagements")
        .header(header::COOKIE, cookies)
        .header("x-csrf-token", token)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("name={name}&region=us-east-1&currency=USD&language=en")))
        .unwrap()
}

/// A request exactly as given (no cookie or token added by the harness).
async fn raw(app: &TestApp, req: Request<Body>) -> StatusCode {
    use tower::ServiceExt;
    app.router.clone().oneshot(req).await.unwrap().status()
}

/// Double submit is not enough: a cookie the attacker chose (planted from a
/// sibling site, say) and the same value as the token are refused, logged in
/// or not; only a token made with the server's secret passes.
#[tokio::test]
async fn an_attacker_chosen_cookie_with_a_matching_token_is_refused() {
    let app = TestApp::new();
    let chosen = "a".repeat(64);
    let anonymous = Request::post("/lang")
        .header(header::COOKIE, format!("sixr_csrf={chosen}"))
        .header("x-csrf-token", &chosen)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("lang=ko&back=%2F"))
        .unwrap();
    assert_eq!(raw(&app, anonymous).await, StatusCode::FORBIDDEN);
    let session = app.session.clone().unwrap();
    let cookies = format!("sixr_csrf={chosen}; sixr_session={session}");
    for token in [chosen.as_str(), session.as_str()] {
        assert_eq!(raw(&app, create_with(&cookies, token, "Planted")).await, StatusCode::FORBIDDEN);
    }
    assert_eq!(raw(&app, create_with(&cookies, &app.csrf(), "Fine")).await, StatusCode::SEE_OTHER);
    assert!(!app.get("/engagements").await.text().contains("Planted"));
}

/// Logging in gives a new token: the one the login page carried no longer works.
#[tokio::test]
async fn the_token_changes_at_login() {
    let app = TestApp::new();
    app.login_as("kim", sixr::accounts::Role::Consultant);
    let anonymous = app.as_session(None);
    let page = anonymous.get("/login").await.text();
    let before = anonymous.csrf();
    assert!(page.contains(&format!("name=\"csrf\" value=\"{before}\"")), "{page}");
    let login = anonymous
        .send(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("csrf={TOKEN}&username=kim&password=a+long+test+password")))
                .unwrap(),
        )
        .await;
    assert_eq!(login.status, StatusCode::SEE_OTHER);
    let cookie = login.headers[header::SET_COOKIE].to_str().unwrap();
    let session = cookie.strip_prefix("sixr_session=").unwrap().split(';').next().unwrap().to_string();
    let kim = app.as_session(Some(session.clone()));
    let after = kim.csrf();
    assert_ne!(before, after);
    assert!(kim.get("/engagements").await.text().contains(&after));
    let stale = create_with(&format!("sixr_csrf={TOKEN}; sixr_session={session}"), &before, "Stale");
    assert_eq!(raw(&app, stale).await, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let app = TestApp::new();
    let big = "a".repeat(3 * 1024 * 1024);
    let req = Request::post("/engagements")
        .header("x-csrf-token", TOKEN)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("name={big}")))
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn language_follows_accept_language_and_the_switch() {
    let app = TestApp::new();
    let req = Request::get("/engagements").header(header::ACCEPT_LANGUAGE, "ko-KR,ko;q=0.9").body(Body::empty()).unwrap();
    assert!(app.send(req).await.text().contains("고객 과제"));
    let r = app.post_form("/lang", &[("lang", "ko"), ("back", "/engagements")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.headers[header::SET_COOKIE].to_str().unwrap().contains("sixr_lang=ko"));
}

#[tokio::test]
async fn a_bad_address_gets_a_page_of_the_app_not_a_developer_message() {
    let app = TestApp::new();
    let r = app.get("/engagements/abc").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let page = r.text();
    assert!(page.starts_with("<!doctype html>") && page.contains("That did not work"), "a whole page: {page}");
    assert!(page.contains("role=\"alert\"") && page.contains("abc"), "saying what was wrong: {page}");
    assert!(page.contains("href=\"/engagements\""), "with a way back");

    let missing = app.get("/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.text().contains("There is no page at this address"), "{}", missing.text());

    let gone = app.get("/engagements/987654").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert!(gone.text().starts_with("<!doctype html>"), "an application error is a page too: {}", gone.text());

    // htmx swaps the message alone into the page it came from.
    let swapped = app.get_htmx("/engagements/abc", "main").await;
    assert!(swapped.text().starts_with("<div class=\"error\" role=\"alert\">"), "{}", swapped.text());

    // In Korean for a Korean reader.
    let ko = app
        .send(
            axum::http::Request::get("/no/such/page")
                .header(axum::http::header::ACCEPT_LANGUAGE, "ko")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert!(ko.text().contains("이 주소에는 페이지가 없습니다") && ko.text().contains("lang=\"ko\""), "{}", ko.text());

    // The JSON API answers its errors in JSON, on every route under /api.
    let api = app.get("/api/engagements/abc").await;
    assert!(!api.text().contains("<!doctype html>"));
    assert_eq!(api.status, StatusCode::BAD_REQUEST);
    assert!(app.json(&api)["error"].as_str().is_some_and(|m| m.contains("abc")), "{}", api.text());
    for tail in ["", "/workloads", "/workloads/1", "/assessment", "/architecture", "/plan"] {
        let missing = app.get(&format!("/api/engagements/987654{tail}")).await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{tail}");
        assert!(missing.headers.get("content-type").is_some_and(|v| v == "application/json"), "{tail}: {:?}", missing.headers);
        assert!(app.json(&missing)["error"].is_string(), "{tail}: {}", missing.text());
    }
}
