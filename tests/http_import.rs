//! The import page driven in-process: upload -> preview -> commit, refusals,
//! the column-mapping step, downloads and the sample loader.

mod common;

use common::TestApp;

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{}/samples/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

async fn engagement(app: &TestApp, name: &str) -> i64 {
    let r = app.post_form("/engagements", &[("name", name), ("region", "ap-northeast-2"), ("currency", "USD"), ("language", "en")]).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text());
    let location = r.headers["location"].to_str().unwrap();
    location.rsplit('/').next().unwrap().parse().unwrap()
}

fn workload_count(app: &TestApp) -> i64 {
    app.db.with_conn(|c| Ok(c.query_row("SELECT COUNT(*) FROM workloads", [], |r| r.get(0))?)).unwrap()
}

/// The commit form's action in a preview page.
fn commit_action(html: &str) -> String {
    let end = html.find("/commit\"").expect("a commit form") + "/commit".len();
    let from = html[..end].rfind("action=\"").unwrap() + "action=\"".len();
    html[from..end].to_string()
}

#[tokio::test]
async fn upload_preview_then_commit() {
    let app = TestApp::new();
    let id = engagement(&app, "Acme").await;
    let page = app.get(&format!("/engagements/{id}/import")).await;
    assert_eq!(page.status, 200);
    assert!(page.text().contains("enctype=\"multipart/form-data\""));

    let preview = app.post_file(&format!("/engagements/{id}/import"), "vInfo.csv", &sample("rvtools-vinfo-older.csv")).await;
    assert_eq!(preview.status, 200, "{}", preview.text());
    let html = preview.text();
    assert!(html.contains("RVTools vInfo (CSV)"), "{html}");
    assert!(html.contains("app-02 is powered off"));
    assert_eq!(workload_count(&app), 0, "a preview writes nothing");

    let action = commit_action(&html);
    let done = app.post_form(&action, &[]).await;
    assert_eq!(done.status, 200, "{}", done.text());
    assert!(done.text().contains("import-done"));
    assert_eq!(workload_count(&app), 3);

    // The upload is gone once imported: committing twice is refused.
    let again = app.post_form(&action, &[]).await;
    assert_eq!(again.status, 404);
    assert_eq!(workload_count(&app), 3);
}

/// The cells of the newest row of the import history, as text.
fn newest_import(html: &str) -> Vec<String> {
    let history = &html[html.find("import-history").expect("an import history")..];
    let body = &history[history.find("<tbody>").unwrap()..];
    let row = &body[..body.find("</tr>").unwrap()];
    row.split("<td").skip(1).map(|cell| cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()].to_string()).collect()
}

/// The history says what an import did to every row it read: the same
/// file again is three unchanged rows, not "3 read, 0 created, 0 updated".
#[tokio::test]
async fn the_import_history_counts_the_rows_left_unchanged() {
    let app = TestApp::new();
    let id = engagement(&app, "Twice").await;
    for _ in 0..2 {
        let preview = app.post_file(&format!("/engagements/{id}/import"), "anycompany.csv", &sample("anycompany.csv")).await;
        let done = app.post_form(&commit_action(&preview.text()), &[]).await;
        assert_eq!(done.status, 200, "{}", done.text());
    }
    let page = app.get(&format!("/engagements/{id}/import")).await.text();
    assert!(page.contains("<th scope=\"col\" class=\"num\">unchanged</th>"), "{page}");
    // When, file, format, read, templates, created, updated, unchanged, refused, warnings.
    assert_eq!(newest_import(&page)[3..9], ["3", "0", "0", "0", "3", "0"], "{page}");
}

#[tokio::test]
async fn errors_are_listed_with_line_and_column_and_valid_rows_can_be_imported() {
    let app = TestApp::new();
    let id = engagement(&app, "Acme").await;
    let file = b"name,cpu_cores,ram_gb\nweb-1,2,4\nweb-2,-3,4\nweb-3,4,<b>8</b>\n";
    let preview = app.post_file(&format!("/engagements/{id}/import"), "inv.csv", file).await;
    let html = preview.text();
    assert!(html.contains("line 3, cpu_cores"), "{html}");
    assert!(html.contains("&#34;-3&#34; is not a positive number") || html.contains("\"-3\" is not a positive number"), "{html}");
    assert!(html.contains("&#60;b&#62;8"), "the value is escaped");
    assert!(html.contains("name=\"valid_only\""));
    let action = commit_action(&html);
    // Without "valid rows only" the file is refused whole.
    let refused = app.post_form(&action, &[]).await;
    assert_eq!(refused.status, 422);
    assert_eq!(workload_count(&app), 0);
    let done = app.post_form(&action, &[("valid_only", "yes")]).await;
    assert_eq!(done.status, 200, "{}", done.text());
    assert_eq!(workload_count(&app), 1);
}

#[tokio::test]
async fn broken_files_are_refused_on_upload() {
    let app = TestApp::new();
    let id = engagement(&app, "Acme").await;
    for (file, expected) in [
        (&b""[..], "the file is empty"),
        (&b"name,notes\na,\"open\n"[..], "line 2: a quoted value starts here"),
        (&b"\0\x01\x02binary\0"[..], "not text"),
    ] {
        let r = app.post_file(&format!("/engagements/{id}/import"), "bad.csv", file).await;
        assert_eq!(r.status, 422);
        assert!(r.text().contains(expected), "{}", r.text());
    }
    let pending: i64 = app.db.with_conn(|c| Ok(c.query_row("SELECT COUNT(*) FROM import_uploads", [], |r| r.get(0))?)).unwrap();
    assert_eq!(pending, 0, "refused uploads are not kept");
}

#[tokio::test]
async fn unknown_columns_are_mapped_once_and_remembered() {
    let app = TestApp::new();
    let id = engagement(&app, "Acme").await;
    let file = sample("asset-list-unknown-format.csv");
    let r = app.post_file(&format!("/engagements/{id}/import"), "assets.csv", &file).await;
    let html = r.text();
    assert!(html.contains("import-mapping"), "{html}");
    // "Memory (GB)" is suggested as ram_gb.
    assert!(html.contains("<option value=\"ram_gb\" selected>"), "{html}");
    let start = html.find("/mapping").unwrap();
    let from = html[..start].rfind("action=\"").unwrap() + 8;
    let action = &html[from..start + "/mapping".len()];
    let saved =
        app.post_form(action, &[("col0", ""), ("col1", "name"), ("col2", "ram_gb"), ("col3", "os"), ("col4", ""), ("col5", "")]).await;
    assert!(saved.text().contains("CSV read with a saved column mapping"), "{}", saved.text());
    let done = app.post_form(&commit_action(&saved.text()), &[]).await;
    assert_eq!(done.status, 200, "{}", done.text());
    let ram: f64 =
        app.db.with_conn(|c| Ok(c.query_row("SELECT ram_gb FROM workloads WHERE name = 'lab-db-01'", [], |r| r.get(0))?)).unwrap();
    assert_eq!(ram, 64.0);
    // The next file with the same header goes straight to the preview.
    let next = app.post_file(&format!("/engagements/{id}/import"), "assets2.csv", &file).await;
    assert!(next.text().contains("import-preview"), "{}", next.text());
}

/// A mapping one team saved never reads another team's upload: it belongs
/// to its engagement, and when it is reused the preview shows it for
/// confirmation, with a way to change it.
#[tokio::test]
async fn a_saved_mapping_stays_with_its_engagement_and_is_shown_when_reused() {
    let app = TestApp::new();
    let (acme, globex) = (engagement(&app, "Acme").await, engagement(&app, "Globex").await);
    let file = sample("asset-list-unknown-format.csv");
    let r = app.post_file(&format!("/engagements/{acme}/import"), "assets.csv", &file).await;
    let html = r.text();
    let start = html.find("/mapping").unwrap();
    let from = html[..start].rfind("action=\"").unwrap() + 8;
    let fields = [("col0", ""), ("col1", "name"), ("col2", "ram_gb"), ("col3", "os"), ("col4", "notes"), ("col5", "")];
    let saved = app.post_form(&html[from..start + "/mapping".len()], &fields).await;
    assert!(saved.text().contains("import-preview"), "{}", saved.text());

    // Another engagement's upload of the same header asks for its own mapping.
    let other = app.post_file(&format!("/engagements/{globex}/import"), "assets.csv", &file).await.text();
    assert!(other.contains("import-mapping") && !other.contains("import-preview"), "{other}");

    // Acme's next file is read through Acme's mapping, shown before the import.
    let again = app.post_file(&format!("/engagements/{acme}/import"), "assets-2.csv", &file).await.text();
    assert!(again.contains("Read through this engagement&#39;s saved column mapping"), "{again}");
    assert!(again.contains("Saved by admin at "), "{again}");
    assert!(again.contains("<td>Rack</td><td>notes</td>"), "{again}");
    let change = again.find("/mapping\">Change the mapping").unwrap();
    let href = &again[again[..change].rfind("href=\"").unwrap() + 6..change + "/mapping".len()];
    let edit = app.get(href).await.text();
    assert!(edit.contains("<option value=\"notes\" selected>"), "the saved choice is preselected: {edit}");
}

/// A 4 MB value is named in an error by its first 100 characters and its
/// length: the answer stays small (it was the whole 4 MB, twice).
#[tokio::test]
async fn a_huge_value_is_cut_in_the_error_that_names_it() {
    let app = TestApp::new();
    let id = engagement(&app, "Acme").await;
    let huge = "9x".repeat(2 * 1024 * 1024);
    let header = format!("name,cpu_cores,{}", "h".repeat(20_000));
    let file = format!("{header}\nweb-01,{huge},\n");
    let r = app.post_file(&format!("/engagements/{id}/import"), "big-cell.csv", file.as_bytes()).await;
    assert_eq!(r.status, 200);
    let page = r.text();
    assert!(page.contains(&format!("&#34;{}…&#34; (4,194,304 characters) is not a number", "9x".repeat(50))), "the cut value");
    assert!(page.len() < 100_000, "the preview is {} bytes", page.len());
    // The unknown-format refusal lists the columns, each cut too.
    let unknown = format!("{},b\nx,y\n", "q".repeat(50_000));
    let r = app.post_file(&format!("/engagements/{id}/import"), "odd.csv", unknown.as_bytes()).await;
    assert!(r.text().len() < 100_000, "{} bytes", r.text().len());
    // An edit of one cell with a huge value: the editor keeps what was
    // typed, the message names it cut.
    let w = app.seed_workload(id, &[("name", "db-01")]);
    let big = "z".repeat(40_000);
    let r = app.post_htmx(&format!("/engagements/{id}/workloads/{}/cells/cpu_cores", w.id), &[("value", &big), ("version", "1")]).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.text().matches(&big).count(), 1, "once, in the editor, not again in the message");
    assert!(r.text().contains("(40,000 characters) is not a number"));
}

/// Files waiting between preview and commit are bounded per user: the
/// 21st upload drops the oldest, whose commit then asks for the file again.
#[tokio::test]
async fn waiting_uploads_are_bounded_per_user() {
    let app = TestApp::new();
    let id = engagement(&app, "Acme").await;
    let kim = app.as_session(Some(app.login_as("kim", sixr::accounts::Role::Consultant)));
    app.db.with_conn(|c| sixr::db::accounts::add_member(c, id, sixr::db::accounts::find_user(c, "kim")?.unwrap().id, "test")).unwrap();
    let file = sample("anycompany.csv");
    let first = kim.post_file(&format!("/engagements/{id}/import"), "first.csv", &file).await.text();
    let admins = app.post_file(&format!("/engagements/{id}/import"), "admins.csv", &file).await;
    assert_eq!(admins.status, 200);
    for i in 0..20 {
        let r = kim.post_file(&format!("/engagements/{id}/import"), &format!("more-{i}.csv"), &file).await;
        assert_eq!(r.status, 200);
    }
    let per_user: Vec<(String, i64)> = app
        .db
        .with_conn(|c| {
            let mut stmt =
                c.prepare("SELECT u.username, COUNT(*) FROM import_uploads i JOIN users u ON u.id = i.user_id GROUP BY 1 ORDER BY 1")?;
            Ok(stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<_, _>>()?)
        })
        .unwrap();
    assert_eq!(per_user, [("admin".to_string(), 1), ("kim".to_string(), 20)]);
    let stale = kim.post_form(&commit_action(&first), &[]).await;
    assert_eq!(stale.status, 404);
    assert!(stale.text().contains("upload the file again"), "{}", stale.text());
}

#[tokio::test]
async fn template_and_exports_download() {
    let app = TestApp::new();
    let id = app.db.with_conn(|c| sixr::service::import::load_anycompany_sample(c, "test")).unwrap();
    let t = app.get(&format!("/engagements/{id}/import/template.csv")).await;
    assert_eq!(t.status, 200);
    assert!(t.headers["content-disposition"].to_str().unwrap().contains("sixr-template.csv"));
    assert_eq!(t.text().lines().count(), 2, "header and one example row");
    let csv = app.get(&format!("/engagements/{id}/export.csv")).await;
    assert!(csv.text().starts_with("name,hostname,"));
    assert_eq!(csv.text().lines().count(), 4);
    let json = app.get(&format!("/engagements/{id}/export.json")).await;
    let doc: serde_json::Value = serde_json::from_slice(&json.body).unwrap();
    assert_eq!(doc["workloads"].as_array().unwrap().len(), 3);
    assert_eq!(doc["engagement"]["name"], "AnyCompany");
}

#[tokio::test]
async fn the_sample_button_loads_anycompany() {
    let app = TestApp::new();
    let r = app.post_form("/engagements/sample", &[]).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.text());
    assert_eq!(workload_count(&app), 3);
    let list = app.get("/engagements").await;
    assert!(list.text().contains("AnyCompany"));
}

#[tokio::test]
async fn uploads_need_the_csrf_token() {
    let app = TestApp::new();
    let id = engagement(&app, "Acme").await;
    let req = axum::http::Request::post(format!("/engagements/{id}/import"))
        .header("content-type", "multipart/form-data; boundary=x")
        .body(axum::body::Body::from("--x--\r\n"))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, 403);
    // The token travels in the form, first, never in the address.
    let page = app.get(&format!("/engagements/{id}/import")).await.text();
    let form = &page[page.find("enctype=\"multipart/form-data\"").unwrap()..];
    assert!(!page.contains("csrf="), "no token in an address: {page}");
    assert!(form.trim_start_matches(|c| c != '<').starts_with("<input type=\"hidden\" name=\"csrf\""), "{form}");
    // A token after the file is not looked for.
    let body = format!(
        "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nname\nweb-01\r\n\
         --x\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n--x--\r\n",
        common::TOKEN
    );
    let late = axum::http::Request::post(format!("/engagements/{id}/import"))
        .header("content-type", "multipart/form-data; boundary=x")
        .body(axum::body::Body::from(body))
        .unwrap();
    assert_eq!(app.send(late).await.status, 403);
    // Nor one in the address.
    let query = app.send(
        axum::http::Request::post(format!("/engagements/{id}/import?csrf={}", common::TOKEN))
            .header("content-type", "multipart/form-data; boundary=x")
            .body(axum::body::Body::from(
                "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nname\r\n--x--\r\n",
            ))
            .unwrap(),
    );
    assert_eq!(query.await.status, 403);
}

#[tokio::test]
async fn files_over_50_mb_are_answered_with_413() {
    let app = TestApp::new();
    let id = engagement(&app, "Acme").await;
    let big = vec![b'a'; sixr::web::MAX_UPLOAD_BYTES + 1024];
    let r = app.post_file(&format!("/engagements/{id}/import"), "big.csv", &big).await;
    assert_eq!(r.status, 413);
    assert_eq!(workload_count(&app), 0);
}

/// A one-row-per-application portfolio with the customer's own column names,
/// mapped once through the mapping step (application attributes and all): it
/// no longer comes out all Rehost at 0%, but as the product knowledge and the
/// portfolio's own attributes say.
#[tokio::test]
async fn an_application_portfolio_mapped_once_is_assessed_per_application() {
    let app = TestApp::new();
    let id = engagement(&app, "Portfolio").await;
    let file = std::fs::read(format!("{}/tests/fixtures/application-portfolio.csv", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let r = app.post_file(&format!("/engagements/{id}/import"), "portfolio.csv", &file).await;
    let html = r.text();
    assert!(html.contains("import-mapping"), "{html}");
    for suggested in ["business_unit", "complexity", "technical_debt", "current_state", "compliance"] {
        assert!(html.contains(&format!("<option value=\"{suggested}\" selected>")), "{suggested} is suggested");
    }
    let start = html.find("/mapping").unwrap();
    let from = html[..start].rfind("action=\"").unwrap() + 8;
    let action = html[from..start + "/mapping".len()].to_string();
    let targets = [
        "name",
        "business_unit",
        "criticality",
        "environment",
        "middleware",
        "db_engine",
        "users",
        "complexity",
        "dependencies",
        "current_state",
        "technical_debt",
        "compliance",
    ];
    let fields: Vec<(String, &str)> = targets.iter().enumerate().map(|(i, t)| (format!("col{i}"), *t)).collect();
    let form: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let saved = app.post_form(&action, &form).await;
    assert!(saved.text().contains("import-preview"), "{}", saved.text());
    let done = app.post_form(&commit_action(&saved.text()), &[]).await;
    assert_eq!(done.status, 200, "{}", done.text());

    let (recommended, confidence) = app
        .db
        .with_conn(|c| {
            let mut stmt =
                c.prepare("SELECT w.name, a.recommended, a.confidence FROM workloads w JOIN assessments a ON a.workload_id = w.id")?;
            let rows: Vec<(String, String, f64)> =
                stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect::<Result<_, _>>()?;
            let mean = rows.iter().map(|r| r.2).sum::<f64>() / rows.len() as f64;
            Ok((rows.into_iter().map(|(n, s, _)| (n, s)).collect::<std::collections::HashMap<_, _>>(), mean))
        })
        .unwrap();
    assert_eq!(recommended.len(), 25);
    let of = |name: &str| recommended.get(name).map(String::as_str).unwrap_or_else(|| panic!("no {name}"));
    for saas in ["Salesforce", "Zendesk", "Concur", "Workday"] {
        assert_eq!(of(saas), "retain", "{saas} is SaaS already");
    }
    for eol in ["Sales Reporting Tool", "Fax Server"] {
        assert_eq!(of(eol), "retire", "{eol} is at end of life and little used");
    }
    for managed in ["Enterprise Data Warehouse", "Infrastructure Monitoring", "Build Pipeline", "Remote Access VPN"] {
        assert_eq!(of(managed), "replatform", "{managed} has an AWS managed equivalent");
    }
    for successor in ["Team Wiki", "Corporate Email"] {
        assert_eq!(of(successor), "repurchase", "{successor} has a SaaS successor");
    }
    assert!(recommended.values().filter(|s| *s == "rehost").count() < 5, "{recommended:?}");
    assert!(confidence > 0.1, "mean confidence {confidence} (0 on main: nothing was known)");
    let attributes = app.db.with_conn(|c| sixr::db::applications::attributes_by_name(c, id)).unwrap();
    assert_eq!(attributes["Order Service"].technical_debt, "very_high");
    assert_eq!(attributes["Fax Server"].current_state, "end_of_life");
    assert_eq!(attributes["Order Service"].compliance, "PCI DSS; 개인정보보호법");
}

/// Above the size derived inside the import's transaction, the derivation
/// runs in steps; the commit carries them on before it answers, so the
/// summary and every page after it show the derived data whole (the
/// dashboard says nothing of being brought up to date).
#[tokio::test]
async fn a_large_import_answers_with_its_pages_ready() {
    let app = TestApp::new();
    let id = engagement(&app, "Large").await;
    let mut csv = String::from("name,application,environment,role,os,os_version,cpu_cores,ram_gb\n");
    for i in 0..2_500 {
        csv += &format!("srv-{i:05},app-{:03},production,app,Windows Server,2012 R2,4,16\n", i / 25);
    }
    let preview = app.post_file(&format!("/engagements/{id}/import"), "large.csv", csv.as_bytes()).await;
    assert_eq!(preview.status, 200, "{}", preview.text());
    let done = app.post_form(&commit_action(&preview.text()), &[]).await;
    assert_eq!(done.status, 200, "{}", done.text());
    let pending: i64 =
        app.db.with_conn(|c| Ok(c.query_row("SELECT COUNT(*) FROM derivations WHERE stage < 4", [], |r| r.get(0))?)).unwrap();
    assert_eq!(pending, 0);
    let dashboard = app.get(&format!("/engagements/{id}/assessment")).await.text();
    assert!(!dashboard.contains("being brought up to date"), "{dashboard}");
    assert!(dashboard.contains("2,500") || dashboard.contains("2500"), "{dashboard}");
}
