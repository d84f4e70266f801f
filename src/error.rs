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
    /// Any database failure, a query that found no row included: the `get`
    /// functions of `db` say `NotFound` themselves where none is an answer.
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
            AppError::Db(_) | AppError::Template(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message shown to the user: internals are replaced by a generic line.
    pub fn public_message(&self) -> String {
        match self.status() {
            StatusCode::INTERNAL_SERVER_ERROR => "something went wrong on the server; the details are in its log".into(),
            _ => self.to_string(),
        }
    }
}

impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::Internal(format!("{e:#}"))
    }
}

/// Turns a SQLite constraint violation (a unique name taken, a reference
/// that does not hold) into the error `make` builds, a 409 or 422 that says
/// what to change; any other database error stays what it is.
///
/// `conn.execute(..).map_err(on_constraint(|| AppError::Conflict(..)))`
pub fn on_constraint(make: impl FnOnce() -> AppError) -> impl FnOnce(rusqlite::Error) -> AppError {
    move |e| match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => make(),
        e => e.into(),
    }
}

/// The mark an `AppError` leaves on its response: the message the user is
/// shown. `web::errors` finds error answers by it (and puts them on a page,
/// or answers JSON on `/api`), never by reading the body.
#[derive(Debug, Clone)]
pub struct ErrorMessage(pub String);

/// The fragment an error message is shown in.
pub fn error_fragment(message: &str) -> String {
    format!("<div class=\"error\" role=\"alert\">{}</div>", html_escape(message))
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
        let mut response = (status, Html(error_fragment(&message))).into_response();
        response.extensions_mut().insert(ErrorMessage(message));
        response
    }
}

/// Most characters of an offending value a message repeats: enough to find
/// it, never the whole of a 4 MB cell.
pub const SHOWN_CHARS: usize = 100;

/// A value as a message quotes it: `"value"`, or its first 100 characters
/// and its length when longer (`"AAAA…" (4,194,304 characters)`). Every
/// message that repeats something a user or a file gave goes through here.
pub fn quoted(value: &str) -> String {
    match value.char_indices().nth(SHOWN_CHARS) {
        None => format!("\"{value}\""),
        Some((cut, _)) => format!("\"{}…\" ({} characters)", &value[..cut], crate::i18n::thousands(value.chars().count() as i64)),
    }
}

/// The same cut without quotes, for names shown as they are (a sheet, a
/// column, a library's error text).
pub fn shown(value: &str) -> std::borrow::Cow<'_, str> {
    match value.char_indices().nth(SHOWN_CHARS) {
        None => value.into(),
        Some((cut, _)) => format!("{}… ({} characters)", &value[..cut], crate::i18n::thousands(value.chars().count() as i64)).into(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_in_messages() {
        assert_eq!(quoted("web-01"), "\"web-01\"");
        let cell = "A".repeat(4 * 1024 * 1024);
        let q = quoted(&cell);
        assert!(q.starts_with(&format!("\"{}…\"", "A".repeat(100))), "{q}");
        assert!(q.ends_with("(4,194,304 characters)"));
        assert!(q.len() < 140);
        // Cut on a character, never inside one.
        assert_eq!(quoted(&"가".repeat(101)), format!("\"{}…\" (101 characters)", "가".repeat(100)));
        assert_eq!(shown("vInfo"), "vInfo");
    }
}
