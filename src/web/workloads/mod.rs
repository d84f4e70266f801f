//! Pages under /engagements/{id}/workloads:
//! the workloads table (search, filters, sort, pages), inline editing of
//! every field, and the workload page with its dependencies. The
//! applications page is `web::applications`.
//!
//! Read this file first (the routes, the fields the table shows, the query
//! in the URL), then `table`, `cells` (one field shown or edited) and
//! `detail` (one workload).

mod cells;
mod detail;
mod table;

pub use cells::cells_url;
pub(super) use table::results_with_notice;
pub use table::{TablePage, load_table};

use axum::Router;
use axum::routing::{get, post};
use rusqlite::Connection;

use super::AppState;
use crate::db::workloads::{PAGE_SIZES, WorkloadQuery};
use crate::error::AppError;
use crate::i18n::Tr;
use crate::inventory::FieldKind;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/engagements/{id}/workloads", get(table::list_page).post(table::create))
        .route("/engagements/{id}/workloads/bulk-application", post(table::bulk_application))
        .route("/engagements/{id}/workloads/application-names", get(detail::application_names))
        .route("/engagements/{id}/workloads/{wid}", get(detail::detail_page))
        .route("/engagements/{id}/workloads/{wid}/delete", post(table::delete))
        .route("/engagements/{id}/workloads/{wid}/cells/{field}", get(cells::show_cell).post(cells::save_cell))
        .route("/engagements/{id}/workloads/{wid}/cells/{field}/edit", get(cells::edit_cell))
        .route("/engagements/{id}/workloads/{wid}/dependencies", post(detail::add_dependency))
        .route("/engagements/{id}/workloads/{wid}/dependencies/{did}/delete", post(detail::remove_dependency))
}

/// The fields shown as columns of the workloads table; the workload page
/// shows every field.
pub const TABLE_FIELDS: &[&str] =
    &["name", "hostname", "application", "environment", "role", "os", "cpu_cores", "ram_gb", "storage_gb", "criticality", "notes"];

/// The fields the "add a workload" form asks for (the rest are edited later).
const ADD_FIELDS: &[&str] = &["name", "hostname", "application", "environment", "role", "os", "cpu_cores", "ram_gb", "storage_gb"];

/// Environment spellings offered while typing (others are kept as typed).
const ENVIRONMENTS: &[&str] = &["production", "staging", "test", "development", "dr", "non-production"];

/// The id of the element the table fragment replaces.
pub(in crate::web) const RESULTS_ID: &str = "workload-results";

/// The translated column label of a workload field.
pub fn field_label(t: &Tr, field: &str) -> String {
    t.t(&format!("workloads.field_{field}")).to_string()
}

/// The id of the `<datalist>` (workload_datalists.html) offering values
/// for a field while typing, or "" for none.
fn suggestions_for(field: &str) -> &'static str {
    match field {
        "application" => "dl-application",
        "environment" => "dl-environment",
        "role" => "dl-role",
        "os" => "dl-os",
        _ => "",
    }
}

fn is_numeric(field: &str) -> bool {
    crate::inventory::field(field).is_some_and(|f| matches!(f.kind, FieldKind::Count | FieldKind::Amount | FieldKind::Percent))
}

/// Reads the table query from a query string or form body, leniently: a
/// value that does not parse falls back to the default instead of failing.
pub fn parse_query(raw: &[u8]) -> WorkloadQuery {
    let mut q = WorkloadQuery::default();
    for (k, v) in form_urlencoded::parse(raw) {
        let v = v.into_owned();
        match &*k {
            "q" => q.q = v,
            "application" => q.application = v,
            "environment" => q.environment = v,
            "role" => q.role = v,
            "os" => q.os = v,
            "pending" => q.pending = !v.is_empty(),
            "sort" => q.sort = v,
            "dir" => q.dir = v,
            "page" => q.page = v.trim().parse().unwrap_or(1),
            "after" => q.after = v.trim().parse().ok(),
            "before" => q.before = v.trim().parse().ok(),
            "end" => q.end = !v.is_empty(),
            "per_page" => q.per_page = v.trim().parse().unwrap_or(PAGE_SIZES[0]),
            _ => {}
        }
    }
    q.normalised()
}

/// The page URL for a query, writing only what differs from the defaults.
pub fn query_url(engagement_id: i64, q: &WorkloadQuery) -> String {
    let d = WorkloadQuery::default();
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v, default) in [
        ("q", &q.q, &d.q),
        ("application", &q.application, &d.application),
        ("environment", &q.environment, &d.environment),
        ("role", &q.role, &d.role),
        ("os", &q.os, &d.os),
        ("sort", &q.sort, &d.sort),
        ("dir", &q.dir, &d.dir),
    ] {
        if v != default {
            s.append_pair(k, v);
        }
    }
    if q.pending {
        s.append_pair("pending", "1");
    }
    if q.per_page != d.per_page {
        s.append_pair("per_page", &q.per_page.to_string());
    }
    if q.page != 1 {
        s.append_pair("page", &q.page.to_string());
    }
    for (k, v) in [("after", q.after), ("before", q.before)] {
        if let Some(id) = v {
            s.append_pair(k, &id.to_string());
        }
    }
    if q.end {
        s.append_pair("end", "1");
    }
    let qs = s.finish();
    if qs.is_empty() { format!("/engagements/{engagement_id}/workloads") } else { format!("/engagements/{engagement_id}/workloads?{qs}") }
}

/// Runs a change in one transaction on the blocking pool: all of it or none.
pub(in crate::web) async fn write<T: Send + 'static>(
    st: &AppState,
    change: impl FnOnce(&Connection) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    st.db
        .call(move |c| {
            let tx = c.transaction()?;
            let out = change(&tx)?;
            tx.commit()?;
            Ok(out)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::thousands;

    #[test]
    fn query_urls_round_trip_and_omit_defaults() {
        let q = WorkloadQuery {
            q: "web & db".into(),
            role: "db".into(),
            pending: true,
            sort: "cpu_cores".into(),
            dir: "desc".into(),
            page: 3,
            per_page: 100,
            ..WorkloadQuery::default()
        };
        let url = query_url(7, &q);
        let raw = url.split_once('?').unwrap().1;
        assert_eq!(parse_query(raw.as_bytes()), q);
        assert_eq!(query_url(7, &WorkloadQuery::default()), "/engagements/7/workloads");
    }

    #[test]
    fn hand_edited_queries_fall_back_to_defaults() {
        let q = parse_query(b"sort=name;DROP TABLE workloads&dir=sideways&page=-4&per_page=7&page=x");
        assert_eq!(q.sort, "name");
        assert_eq!(q.dir, "asc");
        assert_eq!(q.page, 1);
        assert_eq!(q.per_page, 50);
    }

    /// The table reads fewer columns than a workload has: every field it
    /// shows must read the same as the whole row.
    #[test]
    fn the_table_reads_every_field_it_shows() {
        use crate::inventory::{Engagement, WORKLOAD_FIELDS, Workload};
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::Db::open(dir.path().join("t.db")).unwrap();
        db.with_conn(|c| {
            let eid = crate::db::engagements::create(c, &Engagement { name: "Table".into(), ..Engagement::default_new() }, "t")?.id;
            let mut w = Workload::default();
            for f in WORKLOAD_FIELDS {
                let sample = match f.kind {
                    FieldKind::Text => format!("{} text", f.name),
                    FieldKind::Count => "4".into(),
                    FieldKind::Amount => "12.5".into(),
                    FieldKind::Percent => "55".into(),
                    FieldKind::Flag => "yes".into(),
                };
                w.set_field(f.name, &sample).unwrap();
            }
            let created = crate::db::workloads::create(c, eid, &w, "t")?;
            let whole = crate::db::workloads::get(c, eid, created.id)?;
            let table = load_table(c, eid, &WorkloadQuery::default())?;
            let shown = &table.page.items[0];
            let suggested = crate::enrich::Field::ALL.map(|f| f.code());
            for f in TABLE_FIELDS.iter().chain(suggested.iter()) {
                assert!(!whole.field_text(f).is_empty(), "{f} has a sample");
                assert_eq!(shown.field_text(f), whole.field_text(f), "{f}");
            }
            assert_eq!((shown.id, shown.version, shown.powered_off), (whole.id, whole.version, whole.powered_off));
            Ok(())
        })
        .unwrap();
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(100000), "100,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
