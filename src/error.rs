//! The one error type of sixr. Domain and storage code return it; the web
//! layer turns it into a response that tells the user what to do and hides
//! internals (they go to the log instead).

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Something the user asked for does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The input is wrong; the message says what to fix.
    #[error("{0}")]
    Invalid(String),
    /// The change conflicts with another one (duplicate name, stale version).
    #[error("{0}")]
    Conflict(String),
    /// The request lacks a valid CSRF token.
    #[error("the form expired or came from another site; reload the page and try again")]
    Csrf,
    /// Not logged in, or not allowed.
    #[error("{0}")]
    Forbidden(String),
    #[error("database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("template error: {0}")]
    Template(#[from] askama::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Csrf | AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Db(rusqlite::Error::QueryReturnedNoRows) => StatusCode::NOT_FOUND,
            AppError::Db(_) | AppError::Template(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message shown to the user: internals are replaced by a generic line.
    pub fn public_message(&self) -> String {
        match self.status() {
            StatusCode::INTERNAL_SERVER_ERROR => "something went wrong on the server; the details are in its log".into(),
            _ if matches!(self, AppError::Db(rusqlite::Error::QueryReturnedNoRows)) => "not found".into(),
            _ => self.to_string(),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::Internal(format!("{e:#}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let message = self.public_message();
        // A small self-contained fragment: htmx swaps it in place, a full
        // page load shows it on its own.
        let body = format!("<div class=\"error\" role=\"alert\">{}</div>", html_escape(&message));
        (status, Html(body)).into_response()
    }
}

pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
