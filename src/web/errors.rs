//! Errors as a person meets them. `AppError` answers with a small message
//! fragment that htmx swaps in place; a browser's own navigation (a typed
//! address, a plain form without JavaScript) gets that message on a page of
//! the app instead, in the reader's language, with a way back. axum's own
//! rejections (a path segment that is not a number, a form missing a field,
//! an unknown address) are plain text or empty: they get the same treatment.

use askama::Template;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ctx::request_lang;
use crate::error::html_escape;
use crate::i18n::Tr;

/// Error bodies are a sentence or two; anything longer is passed on as is.
const MAX_ERROR_BODY: usize = 64 * 1024;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    t: Tr,
    title: String,
    /// The message fragment, already escaped.
    message: String,
}

pub async fn error_pages(req: Request, next: Next) -> Response {
    let htmx = req.headers().contains_key("hx-request");
    // The JSON API and static files answer machines and browsers' asset loads.
    let path = req.uri().path();
    let passthrough = path.starts_with("/api/") || path.starts_with("/static/");
    let t = Tr::new(request_lang(req.headers()));
    let response = next.run(req).await;
    let status = response.status();
    if passthrough || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return (status, Body::empty()).into_response();
    };
    let message = if content_type.starts_with("text/html") {
        if !bytes.starts_with(b"<div class=\"error\"") {
            // A whole page with an error status (a form shown again with its errors).
            return Response::from_parts(parts, Body::from(bytes));
        }
        String::from_utf8_lossy(&bytes).into_owned()
    } else if content_type.starts_with("text/plain") || bytes.is_empty() {
        let detail = String::from_utf8_lossy(&bytes);
        let sentence = match status {
            StatusCode::NOT_FOUND if detail.trim().is_empty() => t.t("errors.not_found").to_string(),
            StatusCode::PAYLOAD_TOO_LARGE => t.t("errors.too_large").to_string(),
            _ if detail.trim().is_empty() => t.t("errors.failed").to_string(),
            _ => format!("{} ({})", t.t("errors.unreadable"), detail.trim()),
        };
        format!("<div class=\"error\" role=\"alert\">{}</div>", html_escape(&sentence))
    } else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let body = if htmx {
        message
    } else {
        let title = t.t("errors.title").to_string();
        match (ErrorPage { t, title, message: message.clone() }).render() {
            Ok(page) => page,
            Err(_) => message,
        }
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    Response::from_parts(parts, Body::from(body))
}
