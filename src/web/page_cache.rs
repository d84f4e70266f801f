//! Rendered engagement pages kept per engagement revision.
//!
//! The table pages (workloads, applications, assessment dashboard,
//! architecture, plan) render 50 to 100 rows of markup each time: at 100,000
//! workloads a render costs about a millisecond, most of it building and
//! escaping strings, while the data behind the page changes far less often
//! than it is read (reloads, the back button, paging back and forth,
//! colleagues looking at the same table). A page is kept once rendered and
//! served again while the engagement's revision has not moved.
//!
//! Why this is safe: every change to what these pages show raises the
//! engagement's revision in the same transaction (`db::audit`, the triggers
//! of migrations/05-revision), and the revision is read *before* the handler
//! runs, so a kept page is never older than the revision it is kept under.
//! Everything else a render depends on is part of the key: the path and
//! query, the user (name and role appear in the header), the language, the
//! browser's CSRF token (it is written into the page's forms) and the htmx
//! headers that choose a fragment instead of the whole page. Only complete
//! 200 answers without cookies are kept.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::ctx::{CsrfToken, request_lang};
use crate::accounts::User;

/// The pages kept: `/engagements/{id}/<one of these>`, nothing deeper.
const KEPT_PAGES: &[&str] = &["workloads", "applications", "assessment", "architecture", "plan"];

/// Memory for kept pages, all engagements together. A workloads page of 50
/// rows is about 100 KB, so this is some 160 pages; the server stays under
/// its 150 MB goal at 100,000 workloads with the budget full.
const BUDGET_BYTES: usize = 16 * 1024 * 1024;

/// Larger answers (a workloads page of 500 rows) are rendered every time.
const LARGEST_KEPT_BYTES: usize = 1024 * 1024;

struct Kept {
    engagement_id: i64,
    revision: i64,
    headers: HeaderMap,
    body: Bytes,
    last_used: u64,
}

#[derive(Default)]
struct Pages {
    by_key: HashMap<String, Kept>,
    bytes: usize,
    clock: u64,
}

impl Pages {
    fn get(&mut self, key: &str) -> Option<(HeaderMap, Bytes)> {
        self.clock += 1;
        let kept = self.by_key.get_mut(key)?;
        kept.last_used = self.clock;
        Some((kept.headers.clone(), kept.body.clone()))
    }

    fn insert(&mut self, key: String, kept: Kept) {
        // Pages of an older revision of the same engagement can never be
        // asked for again.
        let (engagement_id, revision) = (kept.engagement_id, kept.revision);
        self.by_key.retain(|_, k| k.engagement_id != engagement_id || k.revision >= revision);
        self.clock += 1;
        let kept = Kept { last_used: self.clock, ..kept };
        self.by_key.insert(key, kept);
        self.bytes = self.by_key.values().map(|k| k.body.len()).sum();
        while self.bytes > BUDGET_BYTES {
            let Some(oldest) = self.by_key.iter().min_by_key(|(_, k)| k.last_used).map(|(key, _)| key.clone()) else { break };
            if let Some(gone) = self.by_key.remove(&oldest) {
                self.bytes -= gone.body.len();
            }
        }
    }
}

/// The kept pages of the whole application (one per server).
#[derive(Default)]
pub struct PageCache {
    pages: Mutex<Pages>,
}

/// The engagement of a kept page's path, if the path is one.
fn kept_page(path: &str) -> Option<i64> {
    let rest = path.strip_prefix("/engagements/")?;
    let (id, page) = rest.split_once('/')?;
    KEPT_PAGES.contains(&page).then(|| id.parse().ok()).flatten()
}

/// Everything besides the data that the answer depends on.
fn key_of(request: &Request, revision: i64) -> String {
    let headers = request.headers();
    let user = request.extensions().get::<User>().map(|u| format!("{}:{}", u.id, u.role.code())).unwrap_or_default();
    let csrf = request.extensions().get::<CsrfToken>().map(|t| t.0.as_str()).unwrap_or("");
    let mut key = format!("{revision}\n{user}\n{}\n{csrf}\n", request_lang(headers).code());
    for (name, value) in headers.iter().filter(|(name, _)| name.as_str().starts_with("hx-")) {
        key.push_str(name.as_str());
        key.push('=');
        key.push_str(value.to_str().unwrap_or("?"));
        key.push('\n');
    }
    key.push_str(request.uri().path_and_query().map(|p| p.as_str()).unwrap_or(""));
    key
}

/// Middleware: answers a kept page from memory, or keeps the page the
/// handler renders. Runs inside the login guard (the user is known and
/// allowed) and the CSRF guard (the token is known).
pub async fn keep_pages(State(st): State<AppState>, request: Request, next: Next) -> Response {
    let engagement_id = match kept_page(request.uri().path()) {
        Some(id) if request.method() == Method::GET => id,
        _ => return next.run(request).await,
    };
    let revision = match st.db.call(move |c| crate::db::engagements::revision(c, engagement_id)).await {
        Ok(r) => r,
        // A missing engagement: the handler answers that.
        Err(_) => return next.run(request).await,
    };
    let key = key_of(&request, revision);
    let hit = st.pages.pages.lock().ok().and_then(|mut p| p.get(&key));
    if let Some((headers, body)) = hit {
        let mut response = Response::new(Body::from(body));
        *response.headers_mut() = headers;
        return response;
    }

    let response = next.run(request).await;
    let keepable = response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && response.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !keepable {
        return response;
    }
    let (parts, body) = response.into_parts();
    // The handler's body is one string already in memory: collecting it
    // copies nothing.
    let body = match to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(e) => return crate::error::AppError::Internal(format!("page body: {e}")).into_response(),
    };
    if body.len() > LARGEST_KEPT_BYTES {
        return Response::from_parts(parts, Body::from(body));
    }
    if let Ok(mut pages) = st.pages.pages.lock() {
        pages.insert(key, Kept { engagement_id, revision, headers: parts.headers.clone(), body: body.clone(), last_used: 0 });
    }
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(engagement_id: i64, revision: i64, bytes: usize) -> Kept {
        Kept { engagement_id, revision, headers: HeaderMap::new(), body: Bytes::from(vec![b'x'; bytes]), last_used: 0 }
    }

    #[test]
    fn only_the_table_pages_of_an_engagement_are_kept() {
        assert_eq!(kept_page("/engagements/7/workloads"), Some(7));
        assert_eq!(kept_page("/engagements/7/plan"), Some(7));
        assert_eq!(kept_page("/engagements/7"), None);
        assert_eq!(kept_page("/engagements/7/workloads/3"), None, "a workload's own page is not a table page");
        assert_eq!(kept_page("/engagements/x/workloads"), None);
        assert_eq!(kept_page("/engagements/7/audit"), None);
    }

    #[test]
    fn a_new_revision_drops_the_pages_of_the_old_one() {
        let mut pages = Pages::default();
        pages.insert("a".into(), page(1, 5, 10));
        pages.insert("b".into(), page(2, 5, 10));
        pages.insert("c".into(), page(1, 6, 10));
        assert!(pages.get("a").is_none(), "revision 5 of engagement 1 can't be asked for again");
        assert!(pages.get("b").is_some(), "another engagement keeps its pages");
        assert!(pages.get("c").is_some());
        assert_eq!(pages.bytes, 20);
    }

    #[test]
    fn over_budget_the_least_recently_read_page_goes() {
        let mut pages = Pages::default();
        let third = BUDGET_BYTES / 3 + 1;
        pages.insert("a".into(), page(1, 1, third));
        pages.insert("b".into(), page(2, 1, third));
        assert!(pages.get("a").is_some());
        pages.insert("c".into(), page(3, 1, third));
        assert!(pages.get("b").is_none(), "b was read least recently");
        assert!(pages.get("a").is_some() && pages.get("c").is_some());
        assert!(pages.bytes <= BUDGET_BYTES);
    }
}
