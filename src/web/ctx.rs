//! What every page needs from the request: the language, the CSRF token and
//! whether htmx asked for a fragment. Plus the CSRF guard itself.

use axum::body::Bytes;
use axum::body::{Body, to_bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_core::Stream;

use crate::error::AppError;
use crate::i18n::{Lang, Tr};

pub const CSRF_COOKIE: &str = "sixr_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf";
pub const LANG_COOKIE: &str = "sixr_lang";

/// The CSRF token of this browser, put into request extensions by the guard.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

/// Per-request page context, extracted in every page handler.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub t: Tr,
    pub csrf: String,
    /// The request came from htmx: a redirect is `HX-Redirect` rather than
    /// a 303 (`web::redirect`). Which partial to answer is `wants`' call.
    pub htmx: bool,
    /// The id of the element htmx will swap (`HX-Target`), when it named
    /// one; never on a history restore, which needs the whole page.
    pub target: Option<String>,
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
            target: parts
                .headers
                .get("hx-target")
                .filter(|_| !parts.headers.contains_key("hx-history-restore-request"))
                .and_then(|v| v.to_str().ok())
                .map(str::to_string),
            path: parts.uri.path_and_query().map(|p| p.to_string()).unwrap_or_else(|| "/".into()),
            user: parts.extensions.get::<crate::accounts::User>().cloned(),
        })
    }
}

impl PageCtx {
    /// True when htmx asked for the element `id` alone: answer its partial
    /// template instead of the whole page.
    pub fn wants(&self, id: &str) -> bool {
        self.target.as_deref() == Some(id)
    }

    /// Who makes a change, as the audit trail records it: the logged-in
    /// user's name, passed to every `db` write a handler makes.
    pub fn actor(&self) -> Result<String, AppError> {
        self.user.as_ref().map(|u| u.username.clone()).ok_or_else(|| AppError::Forbidden("log in first".into()))
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

/// The CSRF token of a browser: a MAC, under the server's secret, of its
/// session cookie (logged in) or of its pre-login cookie. Nobody can make a
/// cookie and a matching token without the secret; a new session at login
/// means a new token.
pub fn csrf_token_for(key: &[u8; 32], binding: &str) -> String {
    use blake2::digest::{KeyInit, Mac};
    let mut mac = <blake2::Blake2sMac256 as KeyInit>::new_from_slice(key).expect("a 32-byte key fits Blake2s");
    mac.update(b"sixr csrf\0");
    mac.update(binding.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// Longest first part of a multipart body the guard reads to find the token.
const MAX_MULTIPART_HEAD: usize = 16 * 1024;

/// The token a multipart form sends as its first field (`csrf`, before the
/// file), read without buffering the rest: returns it and a body that
/// yields the bytes read, then the rest as it arrives.
async fn token_in_multipart(content_type: &str, body: Body) -> (Option<String>, Body) {
    let boundary = content_type
        .split(';')
        .filter_map(|p| p.trim().strip_prefix("boundary="))
        .next()
        .map(|b| b.trim_matches('"').to_string())
        .unwrap_or_default();
    let mut stream = body.into_data_stream();
    let mut head: Vec<u8> = Vec::new();
    let opening = format!("--{boundary}\r\n");
    let closing = format!("\r\n--{boundary}");
    let token = loop {
        if let Some(token) = first_field(&head, &opening, &closing) {
            break token;
        }
        if head.len() > MAX_MULTIPART_HEAD || boundary.is_empty() {
            break None;
        }
        match std::future::poll_fn(|cx| std::pin::Pin::new(&mut stream).poll_next(cx)).await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            _ => break None,
        }
    };
    (token, Body::from_stream(Prefixed { head: Some(Bytes::from(head)), rest: stream }))
}

/// `Some(Some(token))` once the first part is whole and is `csrf`,
/// `Some(None)` once it is whole and is not, `None` while it is not whole.
fn first_field(head: &[u8], opening: &str, closing: &str) -> Option<Option<String>> {
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    if head.len() < opening.len() {
        return None;
    }
    let Some(part) = head.strip_prefix(opening.as_bytes()) else { return Some(None) };
    let headers_end = find(part, b"\r\n\r\n")?;
    let value_start = headers_end + 4;
    let value_len = find(&part[value_start..], closing.as_bytes())?;
    let headers = String::from_utf8_lossy(&part[..headers_end]).to_ascii_lowercase();
    let is_csrf = headers.lines().any(|l| l.starts_with("content-disposition:") && l.contains(&format!("name=\"{CSRF_FIELD}\"")));
    Some(is_csrf.then(|| String::from_utf8_lossy(&part[value_start..value_start + value_len]).trim().to_string()))
}

/// The bytes the guard read, then the rest of the body.
struct Prefixed {
    head: Option<Bytes>,
    rest: axum::body::BodyDataStream,
}

impl Stream for Prefixed {
    type Item = Result<Bytes, axum::Error>;

    fn poll_next(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
        if let Some(head) = self.head.take().filter(|h| !h.is_empty()) {
            return std::task::Poll::Ready(Some(Ok(head)));
        }
        std::pin::Pin::new(&mut self.rest).poll_next(cx)
    }
}

/// CSRF guard. Every state-changing request must carry the browser's token
/// ([`csrf_token_for`]) in the `X-CSRF-Token` header (htmx sends it from
/// `hx-headers` on `<body>`), a `csrf` form field, or, in a multipart form,
/// a `csrf` field sent first. Never in the address: it would end up in logs
/// and histories.
pub async fn csrf_guard(State(st): State<super::AppState>, request: Request, next: Next) -> Response {
    let key = match st.csrf_key().await {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    let session = cookie(request.headers(), super::auth::SESSION_COOKIE).filter(|t| is_valid_token(t)).map(str::to_string);
    let existing = cookie(request.headers(), CSRF_COOKIE).filter(|t| is_valid_token(t)).map(str::to_string);
    let fresh = (session.is_none() && existing.is_none()).then(new_token);
    let binding = session.or(existing).or(fresh.clone()).unwrap_or_default();
    let expected = csrf_token_for(&key, &binding);
    let unsafe_method = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let (mut parts, body) = request.into_parts();

    let body = if unsafe_method {
        if fresh.is_some() {
            // A browser's first request is never a form it was given.
            return AppError::Csrf.into_response();
        }
        let provided = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
        let content_type = parts.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let (provided, body) = match provided {
            Some(p) => (Some(p), body),
            None if content_type.starts_with("application/x-www-form-urlencoded") => {
                // The largest ordinary body is the largest form the guard reads to
                // find the token; larger forms are refused with 413 (uploads are
                // multipart and carry the header).
                let bytes = match to_bytes(body, super::MAX_FORM_BYTES).await {
                    Ok(b) => b,
                    Err(_) => return (StatusCode::PAYLOAD_TOO_LARGE, "the form is too large").into_response(),
                };
                (form_urlencoded::parse(&bytes).find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v.into_owned()), Body::from(bytes))
            }
            None if content_type.starts_with("multipart/form-data") => token_in_multipart(&content_type, body).await,
            None => (None, body),
        };
        if !provided.is_some_and(|p| same(&p, &expected)) {
            return AppError::Csrf.into_response();
        }
        body
    } else {
        body
    };

    parts.extensions.insert(CsrfToken(expected));
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if let Some(nonce) = fresh {
        let cookie = format!("{CSRF_COOKIE}={nonce}; Path=/; HttpOnly; SameSite=Strict");
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

    #[test]
    fn tokens_depend_on_the_secret_and_the_binding() {
        let (k1, k2) = ([1u8; 32], [2u8; 32]);
        let t = csrf_token_for(&k1, "session");
        assert!(is_valid_token(&t));
        assert_eq!(t, csrf_token_for(&k1, "session"));
        assert_ne!(t, csrf_token_for(&k2, "session"));
        assert_ne!(t, csrf_token_for(&k1, "another session"));
    }

    #[test]
    fn the_token_is_read_from_the_first_multipart_field_only() {
        let (open, close) = ("--b\r\n", "\r\n--b");
        let form =
            b"--b\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n--b\r\nContent-Disposition: form-data; name=\"file\"";
        assert_eq!(first_field(form, open, close), Some(Some("abc".into())));
        assert_eq!(first_field(&form[..20], open, close), None, "not whole yet");
        let file_first = b"--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\ncsrf\r\n--b";
        assert_eq!(first_field(file_first, open, close), Some(None));
        assert_eq!(first_field(b"garbage that is long enough", open, close), Some(None));
    }
}
