//! The data sixr is built with: the i18n strings, the scoring rules, the
//! product knowledge and enrichment vocabulary, the end-of-support dates,
//! the plan steps, the price catalogue (or the file `SIXR_PRICES` names)
//! and the report's embedded fonts. Each module parses its file once, on
//! first use; `check` parses them all at once, so that `sixr serve` and
//! every command stop at start with the file's name and what is wrong with
//! it, instead of a panic on the first request (or PDF) that needs it.

use crate::i18n::{Lang, Tr};

/// Parses every data file; the first broken one is the error.
pub fn check() -> Result<(), String> {
    let parts: [(&str, fn()); 9] = [
        ("i18n/en.toml", || {
            let _ = Tr::new(Lang::En).t("app.name");
        }),
        ("i18n/ko.toml", || {
            let _ = Tr::new(Lang::Ko).t("app.name");
        }),
        ("rules/scoring.toml", || {
            let _ = crate::scoring::rulebook();
        }),
        ("rules/products.toml", || {
            let _ = crate::knowledge::products::catalogue();
        }),
        ("rules/enrichment.toml", || {
            let _ = crate::enrich::vocabulary::vocabulary();
        }),
        ("data/endoflife/products.json", || {
            let _ = crate::knowledge::eol::data();
        }),
        ("data/plan_steps.toml", || {
            let _ = crate::plan::steps::catalogue();
        }),
        ("data/prices.toml", || {
            let _ = crate::cost::catalogue();
        }),
        ("assets/fonts/NanumGothic*.ttf", crate::report::fonts::check),
    ];
    for (file, load) in parts {
        std::panic::catch_unwind(load).map_err(|panic| {
            let why = panic.downcast_ref::<String>().cloned().or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()));
            format!("{file} cannot be read: {}", why.unwrap_or_default())
        })?;
    }
    // A price catalogue named by SIXR_PRICES that does not parse is
    // replaced by the shipped one with a log line; at start it is an error.
    if let Ok(path) = std::env::var(crate::cost::catalogue::OVERRIDE_ENV) {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}={path}: {e}", crate::cost::catalogue::OVERRIDE_ENV))?;
        crate::cost::catalogue::Catalogue::parse(&text).map_err(|e| format!("{}={path}: {e}", crate::cost::catalogue::OVERRIDE_ENV))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_shipped_data_file_reads() {
        assert_eq!(super::check(), Ok(()));
    }
}
