//! What every page needs from the request: the language, the CSRF token and
//! whether htmx asked for a fragment. Plus the CSRF guard itself.

use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request};
use axum::http::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::AppError;
use crate::i18n::{Lang, Tr};

pub const CSRF_COOKIE: &str = "sixr_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf";
pub const LANG_COOKIE: &str = "sixr_lang";

/// Largest urlencoded form the CSRF guard reads to find the token; larger
/// forms are refused with 413 (uploads are multipart and carry the header).
const MAX_FORM_BYTES: usize = 1024 * 1024;

/// The CSRF token of this browser, put into request extensions by the guard.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// Per-request page context, extracted in every page handler.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub t: Tr,
    pub csrf: String,
    /// The request came from htmx (send a fragment, not a whole page).
    pub htmx: bool,
    /// Path and query of the request, for "back to where I was" links.
    pub path: String,
    /// The logged-in user (None only on the public pages).
    pub user: Option<crate::accounts::User>,
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The language of a request: the cookie set by the switcher, else the
/// browser's `Accept-Language`.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE).and_then(Lang::parse).unwrap_or_else(|| {
        headers.get(axum::http::header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).map(Lang::from_accept_language).unwrap_or(Lang::En)
    })
}

impl<S: Send + Sync> FromRequestParts<S> for PageCtx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let csrf = parts.extensions.get::<CsrfToken>().map(|t| t.0.clone()).unwrap_or_default();
        Ok(PageCtx {
            t: Tr::new(request_lang(&parts.headers)),
            csrf,
            htmx: parts.headers.contains_key("hx-request"),
            path: parts.uri.path_and_query().map(|p| p.to_string()).unwrap_or_else(|| "/".into()),
            user: parts.extensions.get::<crate::accounts::User>().cloned(),
        })
    }
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the operating system has no random source");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn is_valid_token(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Compares without stopping at the first difference, so timing says nothing.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn token_in_query(query: Option<&str>) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes()).find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v.into_owned())
}

/// Double-submit CSRF guard. Every browser gets a random token in a
/// SameSite=Strict cookie; every state-changing request must echo it in the
/// `X-CSRF-Token` header (htmx sends it from `hx-headers` on `<body>`), a
/// `csrf` form field or a `csrf` query parameter (multipart forms).
pub async fn csrf_guard(request: Request, next: Next) -> Response {
    let existing = cookie(request.headers(), CSRF_COOKIE).filter(|t| is_valid_token(t)).map(str::to_string);
    let unsafe_method = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let (mut parts, body) = request.into_parts();

    let body = if unsafe_method {
        let Some(expected) = existing.as_deref() else {
            return AppError::Csrf.into_response();
        };
        let mut provided =
            parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string).or_else(|| token_in_query(parts.uri.query()));
        let is_form = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/x-www-form-urlencoded"));
        let body = if provided.is_none() && is_form {
            let bytes = match to_bytes(body, MAX_FORM_BYTES).await {
                Ok(b) => b,
                Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "the form is too large").into_response(),
            };
            provided = form_urlencoded::parse(&bytes).find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v.into_owned());
            Body::from(bytes)
        } else {
            body
        };
        if !provided.is_some_and(|p| same(&p, expected)) {
            return AppError::Csrf.into_response();
        }
        body
    } else {
        body
    };

    let token = existing.clone().unwrap_or_else(new_token);
    parts.extensions.insert(CsrfToken(token.clone()));
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if existing.is_none() {
        let cookie = format!("{CSRF_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict");
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, v);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_hex_and_compared_exactly() {
        let a = new_token();
        let b = new_token();
        assert!(is_valid_token(&a));
        assert_ne!(a, b);
        assert!(same(&a, &a.clone()));
        assert!(!same(&a, &b));
        assert!(!same(&a, &a[..63]));
    }
}
