use super::mpa::database_key;
use super::*;

#[test]
fn sizes_take_units_from_values_or_headers() {
    assert_eq!(size_gb("500 GB", "gb"), Ok(Some(500.0)));
    assert_eq!(size_gb("3526", "mib"), Ok(Some(3.44)));
    assert_eq!(size_gb("1.5 TB", "gb"), Ok(Some(1536.0)));
    assert_eq!(size_gb("2,048", "mb"), Ok(Some(2.0)));
    assert_eq!(size_gb("", "gb"), Ok(None));
    assert!(size_gb("lots", "gb").is_err());
    assert!(size_gb("5 parsecs", "gb").is_err());
}

#[test]
fn answers_are_yes_no_or_months() {
    assert_eq!(answer_value("still_used", "Y"), Ok(Some("yes".into())));
    assert_eq!(answer_value("saas_alternative", "아니오"), Ok(Some("no".into())));
    assert_eq!(answer_value("deadline_months", "6"), Ok(Some("6".into())));
    assert!(answer_value("deadline_months", "soon").is_err());
    assert!(answer_value("still_used", "maybe").is_err());
}

#[test]
fn database_ids_match_across_spellings() {
    assert_eq!(database_key("DB1"), database_key("D1"));
    assert_ne!(database_key("DB1"), database_key("D10"));
}
