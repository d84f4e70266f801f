//! How fast the workloads page renders at 100,000 workloads, in-process
//! through the router (no network), next to a trivial baseline measured in
//! the same run. Goal: under 50 ms per page.
//!
//! Run: `cargo bench --bench workloads_page` (release). `SIXR_BENCH_WORKLOADS`
//! changes the count, `SIXR_BENCH_RUNS` the samples per case.

use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use sixr::db::Db;
use sixr::inventory::{Engagement, Workload};
use sixr::{AppState, app};
use tower::ServiceExt;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// An estate shaped like a large customer's: 500 applications, a handful of
/// environments, roles and OS families, a note on one workload in 25.
fn fill(db: &Db, count: usize) -> i64 {
    const ENVS: &[&str] = &["production", "staging", "test", "development", "dr"];
    const ROLES: &[&str] = &["web", "app", "db", "cache", "file", "batch"];
    const OSES: &[&str] = &["Ubuntu Linux", "Red Hat Enterprise Linux", "Windows Server", "CentOS", "Oracle Linux", "SUSE"];
    db.with_conn(|c| {
        let tx = c.transaction()?;
        let e = sixr::db::engagements::create(&tx, &Engagement { name: "Bench".into(), ..Engagement::default_new() }, "bench")?;
        for i in 0..count {
            let w = Workload {
                name: format!("srv-{i:06}"),
                hostname: format!("host{i:06}.corp.example"),
                application: format!("app-{:03}", i % 500),
                environment: ENVS[i % ENVS.len()].into(),
                role: ROLES[i % ROLES.len()].into(),
                os: OSES[(i / 7) % OSES.len()].into(),
                os_version: format!("{}.{}", 6 + i % 4, i % 10),
                cpu_cores: Some((i % 32 + 1) as i64),
                ram_gb: Some(((i % 16) + 1) as f64 * 4.0),
                storage_gb: Some((i % 2000) as f64 + 50.0),
                criticality: ["high", "medium", "low"][i % 3].into(),
                notes: if i % 25 == 0 { "legacy billing, owner unknown".into() } else { String::new() },
                ..Workload::default()
            };
            sixr::db::workloads::upsert(&tx, e.id, &w)?;
        }
        tx.commit()?;
        Ok(e.id)
    })
    .expect("filling the bench database")
}

async fn get(router: &Router, uri: &str, htmx_target: Option<&str>) -> usize {
    let mut req = Request::get(uri).header("cookie", format!("sixr_csrf={}", "ab".repeat(32)));
    if let Some(t) = htmx_target {
        req = req.header("hx-request", "true").header("hx-target", t);
    }
    let res = router.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{uri}");
    res.into_body().collect().await.unwrap().to_bytes().len()
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing
    // useful either way: a quick run with few workloads keeps that cheap.
    let quick = !std::env::args().any(|a| a == "--bench");
    let count = env_number("SIXR_BENCH_WORKLOADS", if quick { 2_000 } else { 100_000 });
    let runs = env_number("SIXR_BENCH_RUNS", if quick { 3 } else { 25 });

    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(dir.path().join("bench.db")).unwrap();
    let started = Instant::now();
    let id = fill(&db, count);
    println!("filled {count} workloads in {:.1} s", started.elapsed().as_secs_f64());
    let router = app(AppState::new(db));
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();

    let deep = (count / 50).max(1) * 3 / 4;
    let cases: Vec<(String, String, Option<&str>)> = vec![
        ("baseline: GET /healthz".into(), "/healthz".into(), None),
        ("first page (50, by name)".into(), format!("/engagements/{id}/workloads"), None),
        ("first page, htmx fragment".into(), format!("/engagements/{id}/workloads"), Some("workload-results")),
        ("filtered: environment+role".into(), format!("/engagements/{id}/workloads?environment=production&role=db"), None),
        ("filtered: application".into(), format!("/engagements/{id}/workloads?application=app-042"), None),
        ("search: q=legacy".into(), format!("/engagements/{id}/workloads?q=legacy"), None),
        ("sorted: cpu_cores desc".into(), format!("/engagements/{id}/workloads?sort=cpu_cores&dir=desc"), None),
        ("sorted: hostname desc".into(), format!("/engagements/{id}/workloads?sort=hostname&dir=desc"), None),
        (format!("deep page {deep} (by name)"), format!("/engagements/{id}/workloads?page={deep}"), None),
        (format!("deep page {deep}, sorted by application"), format!("/engagements/{id}/workloads?page={deep}&sort=application"), None),
        ("200 rows per page".into(), format!("/engagements/{id}/workloads?per_page=200"), None),
        ("API: first page JSON".into(), format!("/api/engagements/{id}/workloads"), None),
    ];

    println!("{:<44} {:>10} {:>10} {:>9}", "case", "median ms", "x baseline", "bytes");
    let mut baseline = None;
    for (label, uri, target) in cases {
        let mut samples = Vec::with_capacity(runs);
        let mut bytes = 0;
        rt.block_on(async {
            bytes = get(&router, &uri, target).await; // warm the caches
            for _ in 0..runs {
                let t = Instant::now();
                get(&router, &uri, target).await;
                samples.push(t.elapsed());
            }
        });
        let m = median(samples);
        let base = *baseline.get_or_insert(m);
        println!("{label:<44} {:>10.2} {:>10.1} {bytes:>9}", m.as_secs_f64() * 1000.0, m.as_secs_f64() / base.as_secs_f64());
    }
}
