//! HTTP: one module per page area, merged into one router here. Handlers are
//! thin: extract, call the domain and `db`, render a template.
//!
//! # Answering htmx: one convention
//!
//! Every page works without JavaScript; htmx only makes it swap less.
//!
//! - An element that swaps a region names it by id: `hx-target="#x"`
//!   (`hx-swap="outerHTML"`). htmx sends the id as `HX-Target`;
//!   [`PageCtx::wants`]`("x")` reads it.
//! - A handler that has a partial template for `x` answers it alone when
//!   `ctx.wants("x")` (the workloads table, the plan section). One without
//!   answers the whole page, and the element adds `hx-select="#x"` to pick
//!   `x` out of it (the assessment dashboard; the pager always does, so it
//!   works on either kind). A history restore always gets the whole page
//!   (`wants` is false then).
//! - After a write, the same: `ctx.wants("x")` gets the region `x` again
//!   (the workloads table after a bulk change, a row deleted in place, the
//!   dependencies section); anything else is sent on with [`redirect`],
//!   the one place [`PageCtx::htmx`] decides: 303 for a plain form,
//!   `HX-Redirect` for htmx.
//! - Errors are the same for both: an `AppError` is a fragment htmx swaps
//!   in place and a page of its own otherwise (`errors`); under `/api` JSON.

pub mod api;
pub mod applications;
pub mod architecture;
pub mod assessment;
pub mod audit;
pub mod auth;
pub mod client;
pub mod ctx;
pub mod engagements;
mod errors;
pub mod import;
pub mod members;
pub mod plan;
pub mod suggestions;
pub mod workloads;

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, State};
use axum::http::header::{LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::db::Db;
use crate::error::{AppError, quoted};
use crate::i18n::Lang;
pub use ctx::PageCtx;

/// Largest upload accepted (inventory files): the largest file the importer reads.
pub const MAX_UPLOAD_BYTES: usize = crate::import::MAX_FILE_BYTES;
/// Largest ordinary request body (forms, inline edits); also the largest
/// urlencoded form the CSRF guard reads to find its token.
pub const MAX_FORM_BYTES: usize = 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub login_limiter: auth::LoginLimiter,
    /// The server's secret for CSRF tokens, read from the database once.
    csrf_key: Arc<tokio::sync::OnceCell<[u8; 32]>>,
    /// Reverse proxies whose forwarded headers are believed (`--trusted-proxy`).
    pub trusted_proxies: Arc<[std::net::IpAddr]>,
}

impl AppState {
    pub fn new(db: Db) -> AppState {
        AppState { db, login_limiter: auth::LoginLimiter::default(), csrf_key: Arc::default(), trusted_proxies: Arc::new([]) }
    }

    /// Believes the forwarded headers (client address, HTTPS) of these proxies.
    pub fn with_trusted_proxies(self, proxies: Vec<std::net::IpAddr>) -> AppState {
        AppState { trusted_proxies: proxies.into(), ..self }
    }

    /// The secret CSRF tokens are made with (generated on the first start,
    /// kept in the database, never logged).
    pub async fn csrf_key(&self) -> Result<[u8; 32], AppError> {
        let db = self.db.clone();
        self.csrf_key.get_or_try_init(|| async move { db.call(|c| crate::db::accounts::server_secret(c, "csrf")).await }).await.copied()
    }
}

/// Links to the first, previous, next and last page of a paged table
/// (`templates/pager.html`); each works as a plain link and, with htmx,
/// swaps only `target` (an element id) taken from the answer.
pub struct Pager {
    pub page: usize,
    pub pages: usize,
    pub label: String,
    pub target: &'static str,
    pub first_url: String,
    pub prev_url: String,
    pub next_url: String,
    pub last_url: String,
}

impl Pager {
    /// `items` rows shown `per_page` at a time; `page` is clamped into range.
    /// `url(n)` is the address of page n with the table's filters.
    pub fn new(
        tr: &crate::i18n::Tr,
        items: usize,
        per_page: usize,
        page: usize,
        target: &'static str,
        url: impl Fn(usize) -> String,
    ) -> Pager {
        let pages = items.div_ceil(per_page.max(1)).max(1);
        let page = page.clamp(1, pages);
        Pager {
            page,
            pages,
            label: tr.fmt(
                "workloads.page_of",
                &[("page", &crate::i18n::thousands(page as i64)), ("pages", &crate::i18n::thousands(pages as i64))],
            ),
            target,
            first_url: url(1),
            prev_url: url(page.saturating_sub(1).max(1)),
            next_url: url((page + 1).min(pages)),
            last_url: url(pages),
        }
    }

    /// The rows of the current page as a range of indices.
    pub fn range(&self, items: usize, per_page: usize) -> std::ops::Range<usize> {
        let start = ((self.page - 1) * per_page).min(items);
        start..(start + per_page).min(items)
    }

    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    pub fn has_next(&self) -> bool {
        self.page < self.pages
    }
}

/// A page number from a query string: 1 when missing or not a number.
pub fn page_number(raw: &str) -> usize {
    raw.trim().parse().ok().filter(|n| *n >= 1).unwrap_or(1)
}

/// `path?k=v&...` with the non-empty pairs, URL-encoded.
pub fn url_with(path: &str, pairs: &[(&str, &str)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
        query.append_pair(k, v);
    }
    let query = query.finish();
    if query.is_empty() { path.to_string() } else { format!("{path}?{query}") }
}

/// Headers every response carries: no inline script may run, nobody may
/// frame the app, browsers must not guess content types or leak paths.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// The whole web application. Tests drive it in-process with `oneshot`.
pub fn app(state: AppState) -> Router {
    let static_dir = concat!(env!("CARGO_MANIFEST_DIR"), "/static");
    Router::new()
        .route("/", get(|| async { Redirect::to("/engagements") }))
        .route("/healthz", get(healthz))
        .route("/lang", post(switch_language))
        .merge(auth::router())
        .merge(engagements::router())
        .merge(workloads::router())
        .merge(applications::router())
        .merge(suggestions::router())
        .merge(import::router())
        .merge(assessment::router())
        .merge(architecture::router())
        .merge(plan::router())
        .merge(audit::router())
        .merge(members::router())
        .merge(api::router())
        // After routing, on every route above: nothing reaches a handler
        // unauthorised.
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::authorize))
        .nest_service("/static", ServeDir::new(static_dir))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::guard))
        .layer(axum::middleware::from_fn_with_state(state.clone(), ctx::csrf_guard))
        // Ordinary requests stay small; upload routes raise this per route.
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_UPLOAD_BYTES + 64 * 1024))
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY)))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(axum::middleware::from_fn(errors::error_pages))
        .layer(axum::middleware::from_fn_with_state(state.clone(), transport_security))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Served over TLS (a trusted proxy says so): browsers are told to come back
/// over HTTPS only, for a year.
async fn transport_security(State(st): State<AppState>, request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let peer = request.extensions().get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0);
    let https = client::Client::of(peer, request.headers(), &st.trusted_proxies).https;
    let mut response = next.run(request).await;
    if https {
        response.headers_mut().insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
    response
}

/// Renders a template into a response, keeping render errors in `AppError`.
pub fn render(t: &impl Template) -> Result<Html<String>, AppError> {
    Ok(Html(t.render()?))
}

async fn healthz(State(state): State<AppState>) -> Response {
    let db = state.db.clone();
    let healthy = tokio::task::spawn_blocking(move || db.is_healthy()).await.unwrap_or(false);
    if healthy { (StatusCode::OK, "ok").into_response() } else { (StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response() }
}

#[derive(serde::Deserialize)]
struct LanguageForm {
    lang: String,
    #[serde(default)]
    back: String,
}

/// Sets the language cookie and goes back to the page the switch was on.
async fn switch_language(Form(form): Form<LanguageForm>) -> Result<Response, AppError> {
    let lang = Lang::parse(&form.lang).ok_or_else(|| AppError::Invalid(format!("unknown language {}", quoted(&form.lang))))?;
    let cookie = format!("{}={}; Path=/; Max-Age=31536000; SameSite=Lax", ctx::LANG_COOKIE, lang.code());
    let mut response = redirect_as(&safe_local_path(&form.back), false, StatusCode::OK);
    response.headers_mut().insert(SET_COOKIE, HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.to_string()))?);
    Ok(response)
}

/// A redirect target that stays on this site ("/x", never "//host" or "http:").
pub fn safe_local_path(p: &str) -> String {
    if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') && !p.chars().any(char::is_control) {
        p.to_string()
    } else {
        "/".to_string()
    }
}

/// Answers an htmx request with a client-side redirect, a plain one with 303.
pub fn redirect(ctx: &PageCtx, to: &str) -> Response {
    redirect_as(to, ctx.htmx, StatusCode::OK)
}

/// The one way to send the browser to `to`: a plain request gets a 303 with
/// `Location`; an htmx request gets `HX-Redirect` (htmx would follow a 303
/// itself and swap the new page into the old one) with `htmx_status`, 200
/// after a write, 401 when the session is missing so scripts see why.
pub fn redirect_as(to: &str, htmx: bool, htmx_status: StatusCode) -> Response {
    let value = HeaderValue::from_str(to).unwrap_or(HeaderValue::from_static("/"));
    let mut headers = HeaderMap::new();
    headers.insert(if htmx { HeaderName::from_static("hx-redirect") } else { LOCATION }, value);
    (if htmx { htmx_status } else { StatusCode::SEE_OTHER }, headers).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_stay_on_this_site() {
        assert_eq!(safe_local_path("/engagements/1"), "/engagements/1");
        assert_eq!(safe_local_path("//evil.example"), "/");
        assert_eq!(safe_local_path("https://evil.example"), "/");
        assert_eq!(safe_local_path("/\\evil"), "/");
    }
}
