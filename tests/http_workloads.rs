//! Browsing and editing the inventory over HTTP, driven in-process: the
//! workloads table, inline edits, applications, dependencies and the API.

mod common;

use axum::http::{StatusCode, header};
use common::TestApp;

/// 120 workloads srv-000..srv-119 with predictable attributes:
/// even i production / odd test; i % 3 == 0 db, else web; i < 40 Windows,
/// else Linux; every tenth has "legacy" in its notes; i < 30 belong to app-A;
/// cpu_cores = i % 8 + 1.
fn seeded() -> (TestApp, i64) {
    let app = TestApp::new();
    let id = app.seed_engagement("Bench Co");
    for i in 0..120 {
        let name = format!("srv-{i:03}");
        let host = format!("host{i}");
        let env = if i % 2 == 0 { "production" } else { "test" };
        let role = if i % 3 == 0 { "db" } else { "web" };
        let os = if i < 40 { "Windows Server" } else { "Ubuntu Linux" };
        let notes = if i % 10 == 0 { "legacy billing box" } else { "" };
        let application = if i < 30 { "app-A" } else { "" };
        let cpu = (i % 8 + 1).to_string();
        app.seed_workload(
            id,
            &[
                ("name", &name),
                ("hostname", &host),
                ("environment", env),
                ("role", role),
                ("os", os),
                ("notes", notes),
                ("application", application),
                ("cpu_cores", &cpu),
            ],
        );
    }
    (app, id)
}

fn names(v: &serde_json::Value) -> Vec<String> {
    v["items"].as_array().unwrap().iter().map(|w| w["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn the_table_pages_through_workloads_by_name() {
    let (app, id) = seeded();
    let page1 = app.get(&format!("/engagements/{id}/workloads")).await;
    assert_eq!(page1.status, StatusCode::OK);
    let body = page1.text();
    assert!(body.contains("srv-000") && body.contains("srv-049"), "first 50 by name");
    assert!(!body.contains("srv-050"), "page size is 50 by default");
    assert!(body.contains("Showing 1–50 of 120 workloads"), "{body}");

    let page3 = app.get(&format!("/engagements/{id}/workloads?page=3")).await.text();
    assert!(page3.contains("srv-100") && page3.contains("srv-119"));
    assert!(!page3.contains("srv-099"));
    assert!(page3.contains("Page 3 of 3"));

    // A page past the end shows the last page rather than nothing.
    let past = app.get(&format!("/engagements/{id}/workloads?page=99")).await.text();
    assert!(past.contains("srv-119") && past.contains("Page 3 of 3"));

    let big = app.get(&format!("/api/engagements/{id}/workloads?per_page=100&page=2")).await;
    let v = app.json(&big);
    assert_eq!(v["total"], 120);
    assert_eq!(v["pages"], 2);
    assert_eq!(names(&v).first().map(String::as_str), Some("srv-100"));
    assert_eq!(names(&v).len(), 20);
}

#[tokio::test]
async fn search_and_filters_narrow_the_rows() {
    let (app, id) = seeded();
    let get = |q: &str| {
        let uri = format!("/api/engagements/{id}/workloads?per_page=200&{q}");
        let app = &app;
        async move { app.json(&app.get(&uri).await) }
    };
    // Notes.
    let v = get("q=legacy").await;
    assert_eq!(v["total"], 12);
    assert!(names(&v).iter().all(|n| n.ends_with('0')));
    // Hostname: host7 and host70..host79.
    assert_eq!(get("q=host7").await["total"], 11);
    // Name, case-insensitively.
    assert_eq!(get("q=SRV-11").await["total"], 10);
    // LIKE wildcards typed by the user match literally.
    assert_eq!(get("q=%25").await["total"], 0);
    assert_eq!(get("q=srv_0").await["total"], 0);
    // Exact filters, combined.
    let v = get("environment=production&role=db").await;
    assert_eq!(v["total"], 20, "i even and divisible by 3 below 120");
    assert!(v["items"].as_array().unwrap().iter().all(|w| w["environment"] == "production" && w["role"] == "db"));
    assert_eq!(get("os=Windows%20Server").await["total"], 40);
    assert_eq!(get("application=app-A").await["total"], 30);
    assert_eq!(get("application=-").await["total"], 90, "no application");
    assert_eq!(get("application=nope").await["total"], 0);

    // The page shows the same rows and fills the selects from the data.
    let page = app.get(&format!("/engagements/{id}/workloads?q=legacy&role=db")).await.text();
    assert!(page.contains("Showing 1–4 of 4 matching workloads"), "{page}");
    assert!(page.contains("<option selected>db</option>"));
    assert!(page.contains(">Ubuntu Linux</option>"));
}

#[tokio::test]
async fn sorting_follows_the_column_and_direction() {
    let (app, id) = seeded();
    let v = app.json(&app.get(&format!("/api/engagements/{id}/workloads?sort=name&dir=desc")).await);
    assert_eq!(names(&v)[0], "srv-119");
    let v = app.json(&app.get(&format!("/api/engagements/{id}/workloads?sort=cpu_cores&dir=desc&per_page=200")).await);
    let cpus: Vec<i64> = v["items"].as_array().unwrap().iter().map(|w| w["cpu_cores"].as_i64().unwrap()).collect();
    assert!(cpus.windows(2).all(|p| p[0] >= p[1]), "descending cpu: {cpus:?}");
    assert_eq!(cpus[0], 8);
    let v = app.json(&app.get(&format!("/api/engagements/{id}/workloads?sort=application&dir=desc")).await);
    assert_eq!(v["items"][0]["application"], "app-A");

    // In HTML, the header says how the table is sorted and links the flip.
    let page = app.get(&format!("/engagements/{id}/workloads?sort=hostname")).await.text();
    assert!(page.contains("aria-sort=\"ascending\""));
    assert!(page.contains("sort=hostname&#38;dir=desc"), "flip link");

    // Column names come from a whitelist; anything else sorts by name.
    let r = app.get(&format!("/api/engagements/{id}/workloads?sort=name%3BDROP%20TABLE%20workloads&dir=up")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(names(&app.json(&r))[0], "srv-000");
    assert_eq!(app.json(&app.get(&format!("/api/engagements/{id}/workloads")).await)["total"], 120);
}

#[tokio::test]
async fn htmx_gets_only_the_table_fragment_and_history_restores_get_the_page() {
    let (app, id) = seeded();
    let frag = app.get_htmx(&format!("/engagements/{id}/workloads?role=db"), "workload-results").await.text();
    assert!(frag.trim_start().starts_with("<div id=\"workload-results\""), "{}", &frag[..200.min(frag.len())]);
    assert!(!frag.contains("<html"));
    assert!(frag.contains("srv-003") && !frag.contains("srv-001"));

    let req = axum::http::Request::get(format!("/engagements/{id}/workloads?role=db"))
        .header("hx-request", "true")
        .header("hx-history-restore-request", "true")
        .body(axum::body::Body::empty())
        .unwrap();
    assert!(app.send(req).await.text().contains("<html"));
}

#[tokio::test]
async fn an_invalid_inline_edit_answers_422_in_place_and_changes_nothing() {
    let app = TestApp::new();
    let id = app.seed_engagement("E");
    let w = app.seed_workload(id, &[("name", "web01"), ("cpu_cores", "4")]);
    let uri = format!("/engagements/{id}/workloads/{}/cells/cpu_cores", w.id);

    let edit = app.get(&format!("{uri}/edit")).await.text();
    assert!(edit.contains(&format!("name=\"version\" value=\"{}\"", w.version)), "{edit}");
    assert!(edit.contains("value=\"4\""));

    let r = app.post_htmx(&uri, &[("value", "-3"), ("version", &w.version.to_string())]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text();
    assert!(body.contains("is not a positive number"), "{body}");
    assert!(body.contains("value=\"-3\""), "the typed value stays for correction");
    assert!(body.contains("role=\"alert\""));
    assert_eq!(app.workload(id, w.id).unwrap(), w, "database unchanged");

    let r = app.post_htmx(&uri.replace("cpu_cores", "ram_gb"), &[("value", "lots"), ("version", &w.version.to_string())]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("RAM (GB): &#34;lots&#34; is not a number"), "{}", r.text());

    assert_eq!(app.post_htmx(&uri.replace("cpu_cores", "bogus"), &[("value", "1"), ("version", "1")]).await.status, StatusCode::NOT_FOUND);
    assert!(app.audit_rows("workload", w.id).iter().all(|(action, _, _)| action == "create"));
}

#[tokio::test]
async fn a_good_inline_edit_persists_and_is_audited() {
    let app = TestApp::new();
    let id = app.seed_engagement("E");
    let w = app.seed_workload(id, &[("name", "web01"), ("ram_gb", "8")]);
    let uri = format!("/engagements/{id}/workloads/{}/cells/ram_gb", w.id);
    let r = app.post_htmx(&uri, &[("value", "16 GB"), ("version", &w.version.to_string()), ("via", "submit")]).await;
    assert_eq!(r.status, StatusCode::OK);
    let cell = r.text();
    assert!(cell.contains(">16</button>"), "{cell}");
    assert!(cell.contains("autofocus"), "Enter keeps the keyboard on the cell");

    let now = app.workload(id, w.id).unwrap();
    assert_eq!(now.ram_gb, Some(16.0));
    assert_eq!(now.version, w.version + 1);
    let detail = app.get(&format!("/engagements/{id}/workloads/{}", w.id)).await.text();
    assert!(detail.contains(">16</button>"));

    let audit = app.audit_rows("workload", w.id);
    let (action, before, after) = audit.last().unwrap();
    assert_eq!(action, "update");
    assert!(before.as_deref().unwrap().contains("\"ram_gb\":8.0"));
    assert!(after.as_deref().unwrap().contains("\"ram_gb\":16.0"));

    // Leaving a cell without changing it saves nothing.
    let r = app.post_htmx(&uri, &[("value", "16"), ("version", &now.version.to_string()), ("via", "focusout")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.text().contains("autofocus"));
    assert_eq!(app.workload(id, w.id).unwrap().version, now.version);
    assert_eq!(app.audit_rows("workload", w.id).len(), audit.len());

    // Text fields are normalised like the importer does; the application is
    // created on the fly.
    let v = now.version.to_string();
    let r = app.post_htmx(&format!("/engagements/{id}/workloads/{}/cells/environment", w.id), &[("value", "Prod"), ("version", &v)]).await;
    assert_eq!(r.status, StatusCode::OK);
    let now = app.workload(id, w.id).unwrap();
    assert_eq!(now.environment, "production");
    let r = app
        .post_htmx(
            &format!("/engagements/{id}/workloads/{}/cells/application", w.id),
            &[("value", "Shop"), ("version", &now.version.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(app.workload(id, w.id).unwrap().application, "Shop");
    let shop = app.json(&app.get(&format!("/api/engagements/{id}")).await)["applications"][0]["id"].as_i64().unwrap();
    assert_eq!(app.audit_rows("application", shop)[0].0, "create", "a new application named in an edit is audited");
}

#[tokio::test]
async fn a_stale_edit_gets_409_with_a_clear_message() {
    let app = TestApp::new();
    let id = app.seed_engagement("E");
    let w = app.seed_workload(id, &[("name", "db01"), ("os", "RHEL")]);
    let old = w.version.to_string();
    let uri = format!("/engagements/{id}/workloads/{}/cells/os", w.id);
    // Someone else saves first.
    assert_eq!(app.post_htmx(&uri, &[("value", "Oracle Linux"), ("version", &old)]).await.status, StatusCode::OK);
    let r = app.post_htmx(&uri, &[("value", "Ubuntu"), ("version", &old)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let body = r.text();
    assert!(body.contains("Someone else changed"), "{body}");
    assert!(body.contains("Press Escape"));
    assert!(body.contains("value=\"Ubuntu\""), "what the consultant typed is kept");
    assert_eq!(app.workload(id, w.id).unwrap().os, "Oracle Linux");

    // Renaming onto an existing name is refused in place too.
    app.seed_workload(id, &[("name", "db02")]);
    let v = app.workload(id, w.id).unwrap().version.to_string();
    let r = app.post_htmx(&format!("/engagements/{id}/workloads/{}/cells/name", w.id), &[("value", "db02"), ("version", &v)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("already exists"));
    assert_eq!(app.workload(id, w.id).unwrap().name, "db01");
}

#[tokio::test]
async fn add_and_delete_workloads() {
    let app = TestApp::new();
    let id = app.seed_engagement("E");
    let r = app.post_form(&format!("/engagements/{id}/workloads"), &[("name", "app01"), ("cpu_cores", "4"), ("environment", "prod")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let location = r.headers[header::LOCATION].to_str().unwrap().to_string();
    let detail = app.get(&location).await.text();
    assert!(detail.contains("app01") && detail.contains("production"));
    let wid: i64 = location.rsplit('/').next().unwrap().parse().unwrap();
    assert_eq!(app.audit_rows("workload", wid)[0].0, "create");

    // Bad values are refused with the field and the reason; nothing is added.
    let r = app.post_form(&format!("/engagements/{id}/workloads"), &[("name", "app02"), ("cpu_cores", "-3")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("vCPU: &#34;-3&#34; is not a positive number"), "{}", r.text());
    assert!(r.text().contains("value=\"app02\""), "typed values are kept");
    let r = app.post_form(&format!("/engagements/{id}/workloads"), &[("name", "app01")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("already exists"));
    let r = app.post_form(&format!("/engagements/{id}/workloads"), &[("name", "  ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.json(&app.get(&format!("/api/engagements/{id}/workloads")).await)["total"], 1);

    // A table row deletes itself (htmx swaps the row for nothing).
    let r = app.post_htmx_to(&format!("/engagements/{id}/workloads/{wid}/delete"), &format!("row-{wid}"), &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.is_empty());
    assert!(app.workload(id, wid).is_none());
    let audit = app.audit_rows("workload", wid);
    assert_eq!(audit.last().unwrap().0, "delete");
    assert!(audit.last().unwrap().1.as_deref().unwrap().contains("app01"));
    assert_eq!(
        app.post_htmx_to(&format!("/engagements/{id}/workloads/{wid}/delete"), &format!("row-{wid}"), &[]).await.status,
        StatusCode::NOT_FOUND
    );

    // From the workload page, delete goes back to the list.
    let w = app.seed_workload(id, &[("name", "app03")]);
    let r =
        app.post_form(&format!("/engagements/{id}/workloads/{}/delete", w.id), &[("back", &format!("/engagements/{id}/workloads"))]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[header::LOCATION], format!("/engagements/{id}/workloads").as_str());
}

#[tokio::test]
async fn workloads_are_grouped_into_applications() {
    let app = TestApp::new();
    let id = app.seed_engagement("E");
    let a = app.seed_workload(id, &[("name", "web01")]);
    let b = app.seed_workload(id, &[("name", "web02")]);
    let c = app.seed_workload(id, &[("name", "db01")]);

    let r = app.post_form(&format!("/engagements/{id}/applications"), &[("name", "Shop")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.post_form(&format!("/engagements/{id}/applications"), &[("name", "Shop")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("already exists"));

    // Bulk: two selected rows into Shop; the table comes back with a notice.
    let (ia, ib) = (a.id.to_string(), b.id.to_string());
    let r = app
        .post_htmx_to(
            &format!("/engagements/{id}/workloads/bulk-application"),
            "workload-results",
            &[("ids", &ia), ("ids", &ib), ("bulk_application", "Shop"), ("sort", "name")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("Moved 2 workload(s) into &#34;Shop&#34;"), "{}", r.text());
    assert_eq!(app.workload(id, a.id).unwrap().application, "Shop");
    assert_eq!(app.workload(id, c.id).unwrap().application, "");
    assert_eq!(app.audit_rows("workload", a.id).last().unwrap().0, "update");

    let r = app
        .post_htmx_to(&format!("/engagements/{id}/workloads/bulk-application"), "workload-results", &[("bulk_application", "Shop")])
        .await;
    assert!(r.text().contains("Select at least one row"));

    // The applications page counts members and links to the filtered table.
    let page = app.get(&format!("/engagements/{id}/applications")).await.text();
    assert!(page.contains("value=\"Shop\""));
    assert!(page.contains(">2</a>"), "{page}");
    assert!(page.contains("1 workload(s) belong to no application"));

    // Rename with notes.
    let shop_id = app.json(&app.get(&format!("/api/engagements/{id}")).await)["applications"][0]["id"].as_i64().unwrap();
    let r = app.post_form(&format!("/engagements/{id}/applications/{shop_id}"), &[("name", "Web shop"), ("notes", "Java on Tomcat")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.workload(id, b.id).unwrap().application, "Web shop");
    let api = app.json(&app.get(&format!("/api/engagements/{id}")).await);
    assert_eq!(api["applications"][0]["notes"], "Java on Tomcat");
    assert_eq!(api["applications"][0]["workloads"], 2);
    let audit = app.audit_rows("application", shop_id);
    assert_eq!(audit.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["create", "update"]);

    // Delete: the workloads stay, in no application.
    let r = app.post_htmx(&format!("/engagements/{id}/applications/{shop_id}/delete"), &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["hx-redirect"], format!("/engagements/{id}/applications").as_str());
    assert_eq!(app.workload(id, a.id).unwrap().application, "");
    assert_eq!(app.audit_rows("application", shop_id).last().unwrap().0, "delete");
}

#[tokio::test]
async fn dependencies_are_added_and_removed_both_ways() {
    let app = TestApp::new();
    let id = app.seed_engagement("E");
    let web = app.seed_workload(id, &[("name", "web01")]);
    let db = app.seed_workload(id, &[("name", "db01"), ("hostname", "db01.corp.local")]);
    let uri = format!("/engagements/{id}/workloads/{}/dependencies", web.id);

    let r = app
        .post_htmx_to(
            &uri,
            "dependencies",
            &[("direction", "depends_on"), ("other", "db01.corp.local"), ("port", "3306"), ("protocol", "tcp")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let frag = r.text();
    assert!(frag.contains("<section class=\"card dependencies\" id=\"dependencies\">") && !frag.contains("<html"));
    assert!(frag.contains("db01") && frag.contains("tcp/3306"), "{frag}");

    // Seen from the other side.
    let other = app.get(&format!("/engagements/{id}/workloads/{}", db.id)).await.text();
    assert!(other.contains("web01"));
    let api = app.json(&app.get(&format!("/api/engagements/{id}/workloads/{}", db.id)).await);
    assert_eq!(api["used_by"][0]["workload_name"], "web01");
    assert_eq!(api["used_by"][0]["port"], 3306);
    let dep_id = api["used_by"][0]["id"].as_i64().unwrap();
    assert_eq!(app.audit_rows("dependency", dep_id)[0].0, "create");

    // Refusals, in place.
    let r = app.post_htmx_to(&uri, "dependencies", &[("direction", "depends_on"), ("other", "nosuch")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("No workload is called"));
    assert!(r.text().contains("value=\"nosuch\""));
    let r = app.post_htmx_to(&uri, "dependencies", &[("direction", "depends_on"), ("other", "web01")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("cannot depend on itself"));
    let r = app.post_htmx_to(&uri, "dependencies", &[("direction", "depends_on"), ("other", "db01"), ("port", "99999")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Remove.
    let r = app.post_htmx_to(&format!("{uri}/{dep_id}/delete"), "dependencies", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.text().contains("tcp/3306"));
    let api = app.json(&app.get(&format!("/api/engagements/{id}/workloads/{}", web.id)).await);
    assert_eq!(api["depends_on"].as_array().unwrap().len(), 0);
    let audit = app.audit_rows("dependency", dep_id);
    assert_eq!(audit.last().unwrap().0, "delete");
    assert!(audit.last().unwrap().1.as_deref().unwrap().contains("\"port\":3306"));

    // The reverse direction from the web page records db -> web.
    let r = app.post_htmx_to(&uri, "dependencies", &[("direction", "used_by"), ("other", "db01")]).await;
    assert_eq!(r.status, StatusCode::OK);
    let api = app.json(&app.get(&format!("/api/engagements/{id}/workloads/{}", web.id)).await);
    assert_eq!(api["used_by"][0]["workload_name"], "db01");
}

#[tokio::test]
async fn workload_names_are_escaped_everywhere() {
    let app = TestApp::new();
    let id = app.seed_engagement("E");
    let w = app.seed_workload(id, &[("name", "<script>alert(1)</script>"), ("notes", "a \"quoted\" <b>note</b>")]);
    for uri in [
        format!("/engagements/{id}/workloads"),
        format!("/engagements/{id}/workloads/{}", w.id),
        format!("/engagements/{id}/workloads/{}/cells/name/edit", w.id),
    ] {
        let body = app.get(&uri).await.text();
        assert!(!body.contains("<script>alert"), "{uri}");
        assert!(!body.contains("<b>note"), "{uri}");
        assert!(body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"), "{uri}: {body}");
    }
    let api = app.json(&app.get(&format!("/api/engagements/{id}/workloads/{}", w.id)).await);
    assert_eq!(api["name"], "<script>alert(1)</script>");
}

#[tokio::test]
async fn the_api_answers_json_of_a_stable_shape() {
    let (app, id) = seeded();
    let list = app.get("/api/engagements").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("application/json"));
    let v = app.json(&list);
    assert_eq!(v[0]["id"], id);
    assert_eq!(v[0]["name"], "Bench Co");
    assert_eq!(v[0]["workloads"], 120);
    assert_eq!(v[0]["applications"], 1);

    let e = app.json(&app.get(&format!("/api/engagements/{id}")).await);
    assert_eq!(e["region"], "ap-northeast-2");
    assert_eq!(e["applications"][0]["name"], "app-A");
    assert_eq!(e["applications"][0]["workloads"], 30);

    let page = app.json(&app.get(&format!("/api/engagements/{id}/workloads?role=db&per_page=100")).await);
    for key in ["items", "total", "page", "per_page", "pages"] {
        assert!(page.get(key).is_some(), "missing {key}");
    }
    assert_eq!(page["per_page"], 100);
    let first = &page["items"][0];
    for f in sixr::inventory::WORKLOAD_FIELDS {
        assert!(first.get(f.name).is_some(), "workload JSON lacks {}", f.name);
    }
    let wid = first["id"].as_i64().unwrap();
    let one = app.json(&app.get(&format!("/api/engagements/{id}/workloads/{wid}")).await);
    assert_eq!(one["name"], first["name"]);
    assert!(one["depends_on"].is_array() && one["used_by"].is_array());

    let missing = app.get(&format!("/api/engagements/{id}/workloads/999999")).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(app.json(&missing)["error"].as_str().unwrap().contains("not found"));
    assert_eq!(app.get("/api/engagements/424242").await.status, StatusCode::NOT_FOUND);
    // A workload of another engagement is not reachable through this one.
    let other = app.seed_engagement("Other");
    assert_eq!(app.get(&format!("/api/engagements/{other}/workloads/{wid}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/engagements/{other}/workloads/{wid}")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_pages_speak_korean() {
    let (app, id) = seeded();
    let req = axum::http::Request::get(format!("/engagements/{id}/workloads"))
        .header(header::ACCEPT_LANGUAGE, "ko")
        .body(axum::body::Body::empty())
        .unwrap();
    let body = app.send(req).await.text();
    assert!(body.contains("워크로드 120개 중 1–50"), "{body}");
    assert!(body.contains("호스트명"));
}

#[tokio::test]
async fn thousands_of_applications_stay_out_of_the_page_until_a_field_wants_them() {
    let app = TestApp::new();
    let id = app.seed_engagement("Many Co");
    for i in 0..250 {
        app.seed_workload(id, &[("name", &format!("srv-{i:03}")), ("application", &format!("App {i:03}"))]);
    }
    let html = app.get(&format!("/engagements/{id}/workloads")).await.text();
    assert!(!html.contains("App 249"), "the page does not list every application");
    assert!(html.contains(&format!("data-src=\"/engagements/{id}/workloads/application-names\"")), "the names load on demand");
    assert!(html.contains("<input name=\"application\" list=\"dl-application\""), "the filter is a field to type in");

    let names = app.get(&format!("/engagements/{id}/workloads/application-names")).await;
    assert_eq!(names.status, StatusCode::OK);
    let names = names.text();
    assert_eq!(names.matches("<option").count(), 250, "every name is offered");
    assert!(names.contains("<option value=\"App 249\">"));

    // A typed name filters like a chosen one.
    let filtered = app.get(&format!("/engagements/{id}/workloads?application=App+123")).await.text();
    assert!(filtered.contains("srv-123") && !filtered.contains("srv-124"), "the typed application filters the table");
    assert!(filtered.contains("value=\"App 123\""), "and stays in the field");

    // A few applications are still a plain choice.
    let (small, sid) = seeded();
    let html = small.get(&format!("/engagements/{sid}/workloads")).await.text();
    assert!(html.contains("<select name=\"application\">") && html.contains("<option value=\"app-A\">"), "few applications stay a select");
}

#[tokio::test]
async fn the_applications_page_pages_and_finds_applications_by_name() {
    let app = TestApp::new();
    let id = app.seed_engagement("Apps Co");
    for i in 0..130 {
        app.seed_workload(id, &[("name", &format!("srv-{i:03}")), ("application", &format!("App {i:03}"))]);
    }
    let first = app.get(&format!("/engagements/{id}/applications")).await.text();
    assert!(first.contains("130 applications"), "says how many there are");
    assert!(first.contains("value=\"App 000\"") && !first.contains("value=\"App 100\""), "the first page holds the first hundred");
    assert!(first.contains("rel=\"next\""), "and links to the next page");

    let second = app.get(&format!("/engagements/{id}/applications?page=2")).await.text();
    assert!(second.contains("value=\"App 129\"") && !second.contains("value=\"App 000\""), "the second page holds the rest");
    let beyond = app.get(&format!("/engagements/{id}/applications?page=9")).await.text();
    assert!(beyond.contains("value=\"App 129\""), "past the end shows the last page");

    let found = app.get(&format!("/engagements/{id}/applications?q=app+12")).await.text();
    assert!(found.contains("10 applications"), "App 120 to App 129, any case");
    assert!(found.contains("value=\"App 125\"") && !found.contains("value=\"App 013\""));
    let literal = app.get(&format!("/engagements/{id}/applications?q=%25")).await.text();
    assert!(literal.contains("0 applications"), "a % in the search is a character, not a wildcard");
}

/// Every `href` of the pager that leads to `rel` ("next", "prev"), decoded.
fn pager_link(html: &str, rel: &str) -> Option<String> {
    let at = html.find(&format!("rel=\"{rel}\""))?;
    let tag_start = html[..at].rfind("<a ")?;
    let href = &html[tag_start..at];
    let start = href.find("href=\"")? + 6;
    let end = href[start..].find('"')? + start;
    Some(href[start..end].replace("&#38;", "&"))
}

fn row_names(html: &str) -> Vec<String> {
    html.match_indices("<tr id=\"row-")
        .filter_map(|(i, _)| {
            let row = &html[i..];
            let name = row.find("data-cell=\"name\"")?;
            let text = &row[name..];
            let start = text.find('>')? + 1;
            Some(text[start..start + text[start..].find('<')?].to_string())
        })
        .collect()
}

#[tokio::test]
async fn next_and_previous_links_page_by_key_through_every_row_once() {
    let (app, id) = seeded();
    for (sort, dir) in [("name", "asc"), ("role", "desc"), ("hostname", "asc"), ("cpu_cores", "desc")] {
        // The order the numbered pages give...
        let mut by_number = Vec::new();
        for page in 1..=3 {
            let html = app.get(&format!("/engagements/{id}/workloads?sort={sort}&dir={dir}&page={page}")).await.text();
            by_number.extend(row_names(&html));
        }
        assert_eq!(by_number.len(), 120, "{sort} {dir}");
        // ...is the order the next links walk, and the previous links walk it back.
        let mut url = format!("/engagements/{id}/workloads?sort={sort}&dir={dir}");
        let mut walked = Vec::new();
        let mut pages = Vec::new();
        loop {
            let html = app.get(&url).await.text();
            assert!(html.contains("Page ") && html.contains(" of 3"), "{url}");
            walked.extend(row_names(&html));
            pages.push(url.clone());
            match pager_link(&html, "next") {
                Some(next) => url = next,
                None => break,
            }
        }
        assert_eq!(walked, by_number, "{sort} {dir}: the next links visit every row once, in order");
        if sort != "cpu_cores" {
            assert!(pages[1].contains("after=") && pages[2].contains("after="), "{sort}: deep pages start from a key: {pages:?}");
        }
        let last = app.get(&pages[2]).await.text();
        let back = app.get(&pager_link(&last, "prev").unwrap()).await.text();
        assert_eq!(row_names(&back), by_number[50..100], "{sort} {dir}: the previous link shows page 2 again");
    }
    // The last-page link, and a cursor naming no workload (deleted since).
    let first = app.get(&format!("/engagements/{id}/workloads")).await.text();
    let last_url = first.split("href=\"").filter_map(|s| s.split('"').next()).find(|h| h.contains("end=1")).unwrap().replace("&#38;", "&");
    let last = app.get(&last_url).await.text();
    assert_eq!(row_names(&last).first().map(String::as_str), Some("srv-100"));
    assert!(last.contains("Page 3 of 3"));
    let gone = app.get(&format!("/engagements/{id}/workloads?page=2&after=999999")).await.text();
    assert_eq!(row_names(&gone).first().map(String::as_str), Some("srv-050"), "falls back to the page number");
}
