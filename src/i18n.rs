//! Korean and English: one message catalogue per language (`i18n/en.toml`,
//! `i18n/ko.toml`), loaded once. Keys are `section.key`.

use std::collections::HashMap;
use std::sync::OnceLock;

pub mod particle;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Ko,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ko => "ko",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "ko" => Some(Lang::Ko),
            _ => None,
        }
    }

    /// The best language for an `Accept-Language` header (English if none fits).
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, Lang)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = pieces.find_map(|p| p.trim().strip_prefix("q=").and_then(|v| v.parse::<f32>().ok())).unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            if let Some(lang) = Lang::parse(primary)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, lang));
            }
        }
        best.map(|(_, l)| l).unwrap_or(Lang::En)
    }
}

type Catalogue = HashMap<String, String>;

fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalogue) {
    for (key, value) in table {
        let full = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            toml::Value::Table(t) => flatten(&full, t, out),
            toml::Value::String(s) => {
                out.insert(full, s.clone());
            }
            other => {
                out.insert(full, other.to_string());
            }
        }
    }
}

fn load(source: &str, file: &str) -> Catalogue {
    let table: toml::Table = source.parse().unwrap_or_else(|e| panic!("{file} is not valid TOML: {e}"));
    let mut out = Catalogue::new();
    flatten("", &table, &mut out);
    out
}

fn catalogue(lang: Lang) -> &'static Catalogue {
    static EN: OnceLock<Catalogue> = OnceLock::new();
    static KO: OnceLock<Catalogue> = OnceLock::new();
    match lang {
        Lang::En => EN.get_or_init(|| load(include_str!("../i18n/en.toml"), "i18n/en.toml")),
        Lang::Ko => KO.get_or_init(|| load(include_str!("../i18n/ko.toml"), "i18n/ko.toml")),
    }
}

/// The translator handed to templates and reports: `t.t("nav.engagements")`.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }

    /// The message for `key`; a missing key shows itself so it gets noticed
    /// (a test checks that both catalogues have the same keys).
    pub fn t<'a>(&self, key: &'a str) -> &'a str
    where
        'static: 'a,
    {
        catalogue(self.lang).get(key).map(String::as_str).unwrap_or(key)
    }

    /// The message with `{name}` placeholders filled in, in one pass (a
    /// table page formats a hundred labels): a placeholder in a value (a
    /// workload named "{field}") is the value's text, and a brace that names
    /// no argument stays as written. Korean particles after a placeholder
    /// agree with its value (`particle`).
    pub fn fmt(&self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        particle::fill(self.t(key), self.lang, |name| args.iter().find(|(n, _)| *n == name).map(|(_, v)| *v))
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }
}

/// A count or amount that `thousands` groups; templates pass their fields by
/// reference, Rust code by value.
pub trait Whole {
    fn whole(&self) -> i64;
}

macro_rules! whole {
    ($($t:ty),*) => {$(
        impl Whole for $t {
            fn whole(&self) -> i64 {
                i64::try_from(*self).unwrap_or(i64::MAX)
            }
        }
    )*};
}
whole!(i64, i32, u32, u64, usize);

/// Amounts are shown without decimals.
impl Whole for f64 {
    fn whole(&self) -> i64 {
        self.round() as i64
    }
}

impl<T: Whole> Whole for &T {
    fn whole(&self) -> i64 {
        (**self).whole()
    }
}

/// 12345 -> "12,345" (the grouping both languages' readers expect).
pub fn thousands(n: impl Whole) -> String {
    let n = n.whole();
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// 16100.0 -> "16,100", 0.5 -> "0.5", 1234.567 -> "1,234.57": at most two
/// decimals, none when the value is whole.
pub fn amount(v: f64) -> String {
    let fixed = format!("{:.2}", v.abs());
    let fixed = fixed.trim_end_matches('0').trim_end_matches('.');
    let (whole, fraction) = fixed.split_once('.').unwrap_or((fixed, ""));
    let mut out = if v < 0.0 && fixed != "0" { "-".to_string() } else { String::new() };
    out.push_str(&thousands(whole.parse::<i64>().unwrap_or(0)));
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fmt_fills_each_placeholder_once_and_leaves_the_rest_as_written() {
        let t = Tr::new(Lang::En);
        let message = t.t("workloads.edit_cell");
        assert!(message.contains("{field}") && message.contains("{name}"), "{message}");
        let filled = t.fmt("workloads.edit_cell", &[("field", &"Role"), ("name", &"web-{field}-01")]);
        assert_eq!(filled, message.replace("{field}", "Role").replace("{name}", "web-{field}-01"), "a value's braces are its text");
        assert_eq!(t.fmt("workloads.edit_cell", &[]), message, "no arguments: the message as written");
        let ko = Tr::new(Lang::Ko);
        assert_eq!(ko.fmt("workloads.summary", &[("from", &1), ("to", &50), ("total", &"100,000")]), {
            ko.t("workloads.summary").replace("{from}", "1").replace("{to}", "50").replace("{total}", "100,000")
        });
        assert_eq!(t.fmt("{ unclosed {name", &[("name", &"x")]), "{ unclosed {name", "a key missing from the catalogue shows itself");
    }

    #[test]
    fn amounts_are_grouped_with_at_most_two_decimals() {
        assert_eq!(amount(16100.0), "16,100");
        assert_eq!(amount(0.5), "0.5");
        assert_eq!(amount(1234.567), "1,234.57");
        assert_eq!(amount(-2500.25), "-2,500.25");
        assert_eq!(amount(0.001), "0");
        assert_eq!(thousands(1_234_567usize), "1,234,567");
        assert_eq!(thousands(-1000i64), "-1,000");
    }

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let en = catalogue(Lang::En);
        let ko = catalogue(Lang::Ko);
        let missing_ko: Vec<_> = en.keys().filter(|k| !ko.contains_key(*k)).collect();
        let missing_en: Vec<_> = ko.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(missing_ko.is_empty(), "keys missing from ko.toml: {missing_ko:?}");
        assert!(missing_en.is_empty(), "keys missing from en.toml: {missing_en:?}");
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(Lang::from_accept_language("ko-KR,ko;q=0.9,en-US;q=0.8"), Lang::Ko);
        assert_eq!(Lang::from_accept_language("fr-FR,en;q=0.5,ko;q=0.4"), Lang::En);
        assert_eq!(Lang::from_accept_language("de"), Lang::En);
        assert_eq!(Tr::new(Lang::Ko).t("nav.engagements"), "고객 과제");
    }
}
