//! Errors as a person meets them. `AppError` answers with a small message
//! fragment that htmx swaps in place; a browser's own navigation (a typed
//! address, a plain form without JavaScript) gets that message on a page of
//! the app instead, in the reader's language, with a way back. axum's own
//! rejections (a path segment that is not a number, a form missing a field,
//! an unknown address) are plain text or empty: they get the same treatment.
//! Under `/api/` every error answers `{"error": "..."}` with its status.

use askama::Template;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::ctx::request_lang;
use crate::error::{ErrorMessage, error_fragment};
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
    let path = req.uri().path();
    // Static files answer browsers' asset loads; the JSON API answers
    // machines, in JSON.
    let api = path.starts_with("/api/");
    let asset = path.starts_with("/static/");
    let t = Tr::new(request_lang(req.headers()));
    let response = next.run(req).await;
    let status = response.status();
    if asset || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    // An `AppError` says so in an extension; anything else with an error
    // status is axum's (plain text or empty) or a whole page (a form shown
    // again with its errors), told apart by its content type.
    let marked = response.extensions().get::<ErrorMessage>().map(|m| m.0.clone());
    let (mut parts, body) = response.into_parts();
    let message = match marked {
        Some(message) => message,
        None => {
            let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
                return (status, Body::empty()).into_response();
            };
            if !(content_type.starts_with("text/plain") || bytes.is_empty()) {
                return Response::from_parts(parts, Body::from(bytes));
            }
            let detail = String::from_utf8_lossy(&bytes);
            match status {
                StatusCode::NOT_FOUND if detail.trim().is_empty() => t.t("errors.not_found").to_string(),
                StatusCode::PAYLOAD_TOO_LARGE => t.t("errors.too_large").to_string(),
                _ if detail.trim().is_empty() => t.t("errors.failed").to_string(),
                _ => format!("{} ({})", t.t("errors.unreadable"), detail.trim()),
            }
        }
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    if api {
        parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        return Response::from_parts(parts, Body::from(serde_json::json!({ "error": message }).to_string()));
    }
    let fragment = error_fragment(&message);
    let body = if htmx {
        fragment
    } else {
        let title = t.t("errors.title").to_string();
        match (ErrorPage { t, title, message: fragment.clone() }).render() {
            Ok(page) => page,
            Err(_) => fragment,
        }
    };
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    Response::from_parts(parts, Body::from(body))
}
