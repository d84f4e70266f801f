//! Any bytes given as a .xlsx file: the importer answers with rows or a
//! refusal, and never panics.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = sixr::import::parse("inventory.xlsx", data, &|_| None);
});
