//! Login, logout, first-administrator setup, user administration, and the
//! guard that checks every request against the user's role.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use askama::Template;
use axum::Router;
use axum::extract::{Form, FromRequestParts, MatchedPath, Path, Query, Request, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::client::Client;
use super::ctx::cookie;
use super::{AppState, PageCtx, redirect, redirect_as, render, safe_local_path};
use crate::accounts::{Access, Role, User, may_access_engagement, may_create_engagement};
use crate::db;
use crate::error::{AppError, quoted};

pub const SESSION_COOKIE: &str = "sixr_session";

/// Login attempts allowed within `LOGIN_WINDOW` for one username from one
/// address...
const MAX_ATTEMPTS_PER_ADDRESS: u32 = 5;
/// ...and for one username from any address (a guesser spreading over many).
const MAX_ATTEMPTS_PER_USERNAME: u32 = 20;
const LOGIN_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Login attempts per "address|username" and per "|username", kept in memory.
#[derive(Clone, Default)]
pub struct LoginLimiter(Arc<Mutex<HashMap<String, (u32, Instant)>>>);

impl LoginLimiter {
    /// Counts an attempt before its password is verified, so that attempts
    /// sent at once are limited like attempts sent one after another.
    /// `Err` says how long the username stays blocked (for this address).
    fn attempt(&self, address: &str, username: &str) -> Result<(), Duration> {
        let Ok(mut map) = self.0.lock() else { return Err(LOGIN_WINDOW) };
        if map.len() > 10_000 {
            map.retain(|_, (_, since)| since.elapsed() < LOGIN_WINDOW);
        }
        let keys = [(format!("{address}|{username}"), MAX_ATTEMPTS_PER_ADDRESS), (format!("|{username}"), MAX_ATTEMPTS_PER_USERNAME)];
        for (key, max) in &keys {
            if let Some((count, since)) = map.get(key)
                && *count >= *max
                && since.elapsed() < LOGIN_WINDOW
            {
                return Err(LOGIN_WINDOW - since.elapsed());
            }
        }
        for (key, _) in keys {
            let entry = map.entry(key).or_insert((0, Instant::now()));
            if entry.1.elapsed() >= LOGIN_WINDOW {
                *entry = (0, Instant::now());
            }
            entry.0 += 1;
        }
        Ok(())
    }

    /// The right password: this address's attempts are forgotten and this one
    /// is taken back from the username's count (failed guesses stay in it).
    fn succeeded(&self, address: &str, username: &str) {
        if let Ok(mut map) = self.0.lock() {
            map.remove(&format!("{address}|{username}"));
            if let Some((count, _)) = map.get_mut(&format!("|{username}")) {
                *count = count.saturating_sub(1);
            }
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login))
        .route("/logout", post(logout))
        .route("/setup", get(setup_page).post(setup))
        .route("/admin/users", get(users_page).post(create_user))
}

/// Paths anyone may reach without logging in.
fn is_public(path: &str) -> bool {
    matches!(path, "/healthz" | "/login" | "/setup" | "/lang" | "/favicon.ico") || path.starts_with("/static/")
}

pub(crate) fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE).filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit())).map(str::to_string)
}

fn unauthenticated(path: &str, htmx: bool) -> Response {
    if path.starts_with("/api/") {
        return (StatusCode::UNAUTHORIZED, "log in first").into_response();
    }
    let to = format!("/login?next={}", form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>());
    redirect_as(&to, htmx, StatusCode::UNAUTHORIZED)
}

/// Every request: find the user from the session cookie, send strangers to
/// the login (or the first-start setup), and run the rest with the user in
/// the request's extensions (handlers pass their name to every write as the
/// audit actor, [`PageCtx::actor`](super::PageCtx::actor)). What the user may
/// do is decided after routing, by [`authorize`].
pub async fn guard(State(st): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if is_public(&path) {
        return next.run(request).await;
    }
    let token = session_token(request.headers());
    let htmx = request.headers().contains_key("hx-request");
    let lookup = st
        .db
        .call(move |c| {
            let user = match token {
                Some(t) => db::accounts::session_user(c, &t)?,
                None => None,
            };
            let nobody_yet = user.is_none() && db::accounts::user_count(c)? == 0;
            Ok((user, nobody_yet))
        })
        .await;
    let (user, nobody_yet) = match lookup {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let Some(user) = user else {
        if nobody_yet {
            return redirect_as("/setup", htmx, StatusCode::OK);
        }
        return unauthenticated(&path, htmx);
    };

    request.extensions_mut().insert(user);
    let mut response = next.run(request).await;
    // What a logged-in user sees (pages, CSV, JSON, PDF) stays out of every
    // cache: the browser's, a proxy's, a shared computer's back button.
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// What a route asks of the user, read from its route template (what the
/// router matched, never the URL as sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Anyone, logged in or not (login, first start, health, language).
    Public,
    /// Any logged-in user (lists narrowed to their engagements, logout).
    LoggedIn,
    /// Administrators only.
    Admin,
    /// Consultants and administrators: a new engagement, the sample.
    CreateEngagement,
    /// Members of the engagement `{id}`: reading for GET and HEAD, writing otherwise.
    Engagement(Access),
}

/// The rule of a route. Every route under `/engagements/{id}` and
/// `/api/engagements/{id}` is engagement-scoped by its place; a write
/// anywhere else must be listed here, so a new one is refused until it is.
pub fn rule(template: &str, method: &Method) -> Option<Rule> {
    let read = matches!(*method, Method::GET | Method::HEAD);
    let access = if read { Access::Read } else { Access::Write };
    let rest = template.strip_prefix("/api").unwrap_or(template);
    if rest == "/engagements/{id}" || rest.starts_with("/engagements/{id}/") {
        return Some(Rule::Engagement(access));
    }
    if rest.starts_with("/engagements/{") {
        // An engagement's route whose id is named otherwise would escape the check.
        return None;
    }
    if template.starts_with("/admin/") {
        return Some(Rule::Admin);
    }
    match template {
        "/healthz" | "/login" | "/setup" | "/lang" => Some(Rule::Public),
        "/logout" => Some(Rule::LoggedIn),
        "/engagements" | "/engagements/sample" if !read => Some(Rule::CreateEngagement),
        _ if read => Some(Rule::LoggedIn),
        _ => None,
    }
}

#[derive(Deserialize)]
struct EngagementParam {
    id: i64,
}

/// After routing, on every route: applies the route's [`Rule`] to the user
/// the guard found. The engagement id is read with the extractor handlers
/// use (`Path`), so `%31`, `01` and `+1` are the engagement 1 here exactly
/// as they are in the handler; a refused request never reaches it.
pub async fn authorize(State(st): State<AppState>, mut request: Request, next: Next) -> Response {
    let template = request.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string()).unwrap_or_default();
    let Some(rule) = rule(&template, request.method()) else {
        tracing::error!(route = %template, method = %request.method(), "a route without an access rule was refused");
        return AppError::Forbidden("this address has no access rule".into()).into_response();
    };
    if rule == Rule::Public {
        return next.run(request).await;
    }
    let Some(user) = request.extensions().get::<User>().cloned() else {
        return unauthenticated(request.uri().path(), request.headers().contains_key("hx-request"));
    };
    let allowed = match rule {
        Rule::Public | Rule::LoggedIn => true,
        Rule::Admin => user.role == Role::Admin,
        Rule::CreateEngagement => may_create_engagement(&user),
        Rule::Engagement(access) => {
            let (mut parts, body) = request.into_parts();
            let id = match Path::<EngagementParam>::from_request_parts(&mut parts, &st).await {
                Ok(Path(p)) => p.id,
                Err(rejection) => return rejection.into_response(),
            };
            request = Request::from_parts(parts, body);
            let uid = user.id;
            match st.db.call(move |c| db::accounts::is_member(c, id, uid)).await {
                Ok(member) => may_access_engagement(&user, member, access),
                Err(e) => return e.into_response(),
            }
        }
    };
    if !allowed {
        return AppError::Forbidden(format!("your role ({}) does not allow this", user.role.code())).into_response();
    }
    next.run(request).await
}

/// The user of the request (the guard put it there).
pub fn current_user(ctx: &PageCtx) -> Result<&User, AppError> {
    ctx.user.as_ref().ok_or_else(|| AppError::Forbidden("log in first".into()))
}

fn session_cookie(token: &str, secure: bool, max_age: i64) -> String {
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}", if secure { "; Secure" } else { "" })
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: PageCtx,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    ctx: PageCtx,
    username: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    ctx: PageCtx,
    users: Vec<(User, bool)>,
    roles: [Role; 3],
    error: Option<String>,
}

#[derive(Deserialize)]
struct NextQuery {
    #[serde(default)]
    next: String,
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

async fn login_page(ctx: PageCtx, Query(q): Query<NextQuery>) -> Result<Html<String>, AppError> {
    render(&LoginPage { ctx, next: q.next, username: String::new(), error: None })
}

async fn login(State(st): State<AppState>, ctx: PageCtx, client: Client, Form(form): Form<LoginForm>) -> Result<Response, AppError> {
    // Behind a trusted proxy, the client's own address: the proxy's would
    // make five wrong passwords lock a name for everyone.
    let address = client.address.map(|a| a.to_string()).unwrap_or_default();
    let username = form.username.to_lowercase();
    if let Err(wait) = st.login_limiter.attempt(&address, &username) {
        let minutes = wait.as_secs().div_ceil(60);
        let error = ctx.t.fmt("auth.too_many", &[("minutes", &minutes)]);
        let page = LoginPage { ctx, next: form.next, username: form.username, error: Some(error) };
        return Ok((StatusCode::TOO_MANY_REQUESTS, render(&page)?).into_response());
    }
    let name = form.username.clone();
    let candidate = st.db.call(move |c| db::accounts::login_candidate(c, &name)).await?;
    // Verified off the database's workers (argon2 takes a while by design),
    // against a dummy hash when the username is unknown: the answer takes
    // as long either way.
    let password = form.password.clone();
    let user = tokio::task::spawn_blocking(move || crate::accounts::verify_login(&password, candidate))
        .await
        .map_err(|e| AppError::Internal(format!("password check failed: {e}")))?;
    let Some(user) = user else {
        let error = ctx.t.t("auth.wrong").to_string();
        let page = LoginPage { ctx, next: form.next, username: form.username, error: Some(error) };
        return Ok((StatusCode::UNAUTHORIZED, render(&page)?).into_response());
    };
    let token = st.db.call(move |c| db::accounts::create_session(c, user.id)).await?;
    st.login_limiter.succeeded(&address, &username);
    tracing::info!(user = %form.username, "logged in");
    let next = if form.next.is_empty() { "/engagements".to_string() } else { safe_local_path(&form.next) };
    Ok(with_session(&next, &token, client.https, db::accounts::SESSION_MAX_SECS))
}

fn with_session(to: &str, token: &str, secure: bool, max_age: i64) -> Response {
    let mut response = redirect_as(to, false, StatusCode::OK);
    response.headers_mut().insert(SET_COOKIE, HeaderValue::from_str(&session_cookie(token, secure, max_age)).expect("hex token"));
    response
}

async fn logout(State(st): State<AppState>, client: Client, headers: HeaderMap) -> Result<Response, AppError> {
    if let Some(token) = session_token(&headers) {
        st.db.call(move |c| db::accounts::delete_session(c, &token)).await?;
    }
    Ok(with_session("/login", "", client.https, 0))
}

#[derive(Deserialize)]
struct SetupForm {
    username: String,
    password: String,
    confirm: String,
}

async fn setup_page(State(st): State<AppState>, ctx: PageCtx, client: Client) -> Result<Response, AppError> {
    if st.db.call(|c| db::accounts::user_count(c)).await? > 0 {
        return Ok(redirect(&ctx, "/login"));
    }
    if !client.is_local() {
        return Err(AppError::Forbidden(ctx.t.t("auth.setup_remote").to_string()));
    }
    Ok(render(&SetupPage { ctx, username: String::new(), error: None })?.into_response())
}

async fn setup(State(st): State<AppState>, ctx: PageCtx, client: Client, Form(form): Form<SetupForm>) -> Result<Response, AppError> {
    // Only from the machine sixr runs on, and never through a proxy: until
    // an administrator exists, whoever reaches this page becomes one.
    if !client.is_local() {
        return Err(AppError::Forbidden(ctx.t.t("auth.setup_remote").to_string()));
    }
    if form.password != form.confirm {
        let error = ctx.t.t("auth.mismatch").to_string();
        let page = SetupPage { ctx, username: form.username, error: Some(error) };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    let (username, password) = (form.username.clone(), form.password.clone());
    let result = st
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            // Checked inside the transaction: two racing setups make one admin.
            if db::accounts::user_count(&tx)? > 0 {
                return Err(AppError::Conflict("an administrator already exists; log in instead".into()));
            }
            let user = db::accounts::create_user(&tx, &username, &password, Role::Admin, "setup")?;
            let token = db::accounts::create_session(&tx, user.id)?;
            tx.commit()?;
            Ok(token)
        })
        .await;
    match result {
        Ok(token) => Ok(with_session("/engagements", &token, client.https, db::accounts::SESSION_MAX_SECS)),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            let page = SetupPage { ctx, username: form.username, error: Some(e.public_message()) };
            Ok((e.status(), render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct NewUserForm {
    username: String,
    password: String,
    role: String,
}

async fn users_page(State(st): State<AppState>, ctx: PageCtx) -> Result<Html<String>, AppError> {
    let users = st.db.call(|c| db::accounts::list_users(c)).await?;
    render(&UsersPage { ctx, users, roles: Role::ALL, error: None })
}

async fn create_user(State(st): State<AppState>, ctx: PageCtx, Form(form): Form<NewUserForm>) -> Result<Response, AppError> {
    let role = Role::parse(&form.role).ok_or_else(|| AppError::Invalid(format!("role: {} is not a role", quoted(&form.role))))?;
    let actor = ctx.actor()?;
    let result = st.db.call(move |c| db::accounts::create_user(c, &form.username, &form.password, role, &actor)).await;
    let error = match result {
        Ok(_) => None,
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => Some(e.public_message()),
        Err(e) => return Err(e),
    };
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let users = st.db.call(|c| db::accounts::list_users(c)).await?;
    Ok((status, render(&UsersPage { ctx, users, roles: Role::ALL, error })?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_come_from_the_route_template() {
        assert_eq!(rule("/engagements/{id}/plan", &Method::GET), Some(Rule::Engagement(Access::Read)));
        assert_eq!(rule("/api/engagements/{id}", &Method::HEAD), Some(Rule::Engagement(Access::Read)));
        assert_eq!(rule("/engagements/{id}", &Method::POST), Some(Rule::Engagement(Access::Write)));
        assert_eq!(rule("/engagements", &Method::POST), Some(Rule::CreateEngagement));
        assert_eq!(rule("/admin/users", &Method::GET), Some(Rule::Admin));
        assert_eq!(rule("/engagements/{eid}/notes", &Method::GET), None, "an engagement route must call its id {{id}}");
        assert_eq!(rule("/something/new", &Method::POST), None, "a new write outside engagements needs a rule");
    }
}
