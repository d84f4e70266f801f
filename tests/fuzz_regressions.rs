//! Every input the fuzzers kept (their minimised corpus, seeded with the
//! sample files) and every crash they found goes through the importer
//! again: it must answer with rows or a refusal, never panic.

use std::path::Path;

fn inputs(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(inputs(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn the_fuzz_corpus_and_crash_cases_import_or_are_refused() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut seen = 0;
    for (dir, name) in [
        ("corpus/import_csv", "inventory.csv"),
        ("corpus/import_xlsx", "inventory.xlsx"),
        ("corpus/import_json", "inventory.json"),
        ("regressions", "inventory.csv"),
    ] {
        for file in inputs(&root.join(dir)) {
            let bytes = std::fs::read(&file).unwrap();
            // The file name decides nothing for CSV and JSON (content does);
            // each case is also tried as the other kinds.
            for as_name in [name, "inventory.csv", "inventory.xlsx"] {
                let outcome = std::panic::catch_unwind(|| {
                    let _ = sixr::import::parse(as_name, &bytes, &|_| None);
                });
                assert!(outcome.is_ok(), "the importer panicked on {} read as {as_name}", file.display());
            }
            seen += 1;
        }
    }
    assert!(seen >= 10, "the fuzz corpus is missing ({seen} files)");
}
