//! Korean everywhere: the architecture pages and the PDF report of an
//! engagement with every target design, rendered in Korean, carry no
//! English label of the message catalogues or the price catalogue, and
//! refused values are explained in Korean.

mod common;
#[path = "common/estates.rs"]
mod estates;

use std::process::Command;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::TestApp;
use sixr::db;
use sixr::i18n::Lang;

/// Flattened `section.key` → text of a message catalogue.
fn catalogue(source: &str) -> Vec<(String, String)> {
    fn walk(prefix: &str, t: &toml::Table, out: &mut Vec<(String, String)>) {
        for (k, v) in t {
            let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
            match v {
                toml::Value::Table(t) => walk(&key, t, out),
                toml::Value::String(s) => out.push((key, s.clone())),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk("", &source.parse::<toml::Table>().unwrap(), &mut out);
    out
}

/// English phrases a Korean page must not show: the literal parts (two
/// words or more) of every English message of the areas these pages and
/// the report draw on that differs from its Korean message, and the price
/// catalogue's English pricing-model names.
fn english_phrases() -> Vec<(String, String)> {
    let en = catalogue(include_str!("../i18n/en.toml"));
    let ko = catalogue(include_str!("../i18n/ko.toml"));
    let ko_text: Vec<&str> = ko.iter().map(|(_, v)| v.as_str()).collect();
    let areas = ["architecture.", "cost.", "sizing.", "landing_zone.", "validation.", "report."];
    let mut out = Vec::new();
    for (key, text) in &en {
        if !areas.iter().any(|a| key.starts_with(a)) || ko.iter().any(|(k, v)| k == key && v == text) {
            continue;
        }
        for part in text.split(['{', '}']).step_by(2) {
            let part = part.trim_matches(|c: char| c.is_whitespace() || "+×/·,:;-".contains(c));
            let words = part.split_whitespace().filter(|w| w.chars().any(char::is_alphabetic)).count();
            // AWS product names and other phrases Korean messages use too are fine.
            if words >= 2 && !ko_text.iter().any(|k| k.contains(part)) {
                out.push((key.clone(), part.to_string()));
            }
        }
    }
    let cat = sixr::cost::catalogue();
    out.extend(
        cat.pricing_models.iter().filter(|m| m.label_en != m.label_ko).map(|m| (format!("pricing model {}", m.code), m.label_en.clone())),
    );
    out
}

fn assert_korean(page: &str, text: &str, phrases: &[(String, String)]) {
    let text = text.replace("&#39;", "'").replace("&quot;", "\"").replace("&amp;", "&");
    let found: Vec<String> = phrases.iter().filter(|(_, p)| text.contains(p.as_str())).map(|(k, p)| format!("{k}: \"{p}\"")).collect();
    assert!(found.is_empty(), "{page} shows English labels:\n{}", found.join("\n"));
}

async fn ko(app: &TestApp, uri: &str) -> String {
    let r = app.send(Request::get(uri).header("cookie", "sixr_lang=ko").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK, "{uri}");
    r.text()
}

#[tokio::test]
async fn the_korean_pages_and_report_carry_no_english_catalogue_label() {
    let phrases = english_phrases();
    assert!(phrases.iter().any(|(_, p)| p == "M requests (20% writes)"), "the checker knows the cost lines");
    let app = TestApp::new();
    let id = app.db.with_conn(|c| Ok(estates::every_pattern(c))).unwrap();
    let apps = app.db.with_conn(|c| db::architecture::applications_with_workloads(c, id)).unwrap();
    assert!(apps.len() >= 8);
    let list = ko(&app, &format!("/engagements/{id}/architecture")).await;
    assert!(list.contains("랜딩 존"));
    assert_korean("the architecture list", &list, &phrases);
    assert_korean("the landing zone", &ko(&app, &format!("/engagements/{id}/architecture/landing-zone")).await, &phrases);
    for a in &apps {
        let page = ko(&app, &format!("/engagements/{id}/architecture/{}", a.id)).await;
        assert!(page.contains("가격 기준일"), "{}: the assumptions and the prices' date", a.name);
        assert_korean(&format!("the page of {}", a.name), &page, &phrases);
    }
    // The DynamoDB line is there, in Korean.
    let events = apps.iter().find(|a| a.name == "Events API").unwrap();
    assert!(ko(&app, &format!("/engagements/{id}/architecture/{}", events.id)).await.contains("요청 10백만 건 (쓰기 20%)"));

    // The PDF report in Korean.
    let data = app.db.with_conn(|c| sixr::service::report::report_data(c, id, "2026-11-30")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("ko.pdf");
    std::fs::write(&pdf, sixr::report::render(&data, Lang::Ko)).unwrap();
    if let Ok(keep) = std::env::var("SIXR_KEEP_REPORTS") {
        std::fs::copy(&pdf, std::path::Path::new(&keep).join("every-pattern-ko.pdf")).unwrap();
        std::fs::write(std::path::Path::new(&keep).join("every-pattern-en.pdf"), sixr::report::render(&data, Lang::En)).unwrap();
    }
    let out = Command::new("pdftotext").args([pdf.to_str().unwrap(), "-"]).output().expect("pdftotext (poppler-utils) is needed");
    let text = String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("랜딩 존") && text.contains("산정 기준별 같은 견적"), "the landing zone and the range in the Korean report");
    assert_korean("the Korean report", &text, &phrases);

    // Refused values are explained in Korean.
    let r = app
        .send(
            Request::post(format!("/engagements/{id}/architecture/sizing"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", "sixr_lang=ko")
                .body(Body::from(format!("csrf={}&mode=performance&headroom=lots", common::TOKEN)))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("여유율: &quot;lots&quot;"), "{}", r.text());
    let r = app
        .send(
            Request::post("/engagements")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", "sixr_lang=ko")
                .body(Body::from(format!("csrf={}&name=&region=us-east-1&currency=USD&language=ko", common::TOKEN)))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("고객 과제에는 이름이 필요합니다"), "{}", r.text());
}
