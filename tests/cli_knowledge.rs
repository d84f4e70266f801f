//! `sixr knowledge refresh-eol`: a newer endoflife.date extract is checked
//! and written in the same shape; a broken one is refused, nothing written.

use std::process::Command;

fn sixr(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sixr")).args(args).output().unwrap()
}

fn shipped() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/endoflife/products.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_newer_extract_is_checked_and_written_as_it_came() {
    let dir = tempfile::tempdir().unwrap();
    let mut newer = shipped();
    newer["commit_date"] = "2027-01-15".into();
    newer["products"]["centos-stream"]["releases"]
        .as_array_mut()
        .unwrap()
        .insert(0, serde_json::json!({"cycle": "11", "releaseDate": "2026-12-01", "eoas": false, "eol": "2031-12-31", "latest": "11"}));
    let input = dir.path().join("products.json");
    let text = serde_json::to_string_pretty(&newer).unwrap();
    std::fs::write(&input, &text).unwrap();
    let out = dir.path().join("data/endoflife/products.json");
    let o = sixr(&["knowledge", "refresh-eol", input.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout.contains("102 products") && stdout.contains("2027-01-15 (was 2026-08-22)"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text, "written in the same shape, unchanged");
}

#[test]
fn a_broken_extract_is_refused_with_its_place_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("products.json");
    let mut broken = shipped();
    broken["products"]["centos"]["releases"][0]["eol"] = "end of 2021".into();
    let input = dir.path().join("broken.json");
    std::fs::write(&input, broken.to_string()).unwrap();
    let o = sixr(&["knowledge", "refresh-eol", input.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("\"centos\"") && stderr.contains("\"8\"") && stderr.contains("end of 2021"), "{stderr}");
    assert!(!out.exists());
    // A file that drops a product the knowledge needs is refused too.
    let mut short = shipped();
    short["products"].as_object_mut().unwrap().remove("rhel");
    std::fs::write(&input, short.to_string()).unwrap();
    let o = sixr(&["knowledge", "refresh-eol", input.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("rhel"));
    assert!(!out.exists());
}
