//! End-of-support dates from endoflife.date (`data/endoflife/products.json`,
//! MIT): which release cycle a version belongs to, and when it leaves
//! support. The file is embedded; `sixr knowledge refresh-eol` checks a
//! newer copy and writes it in its place.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::date::Date;

/// The copy shipped with sixr.
pub const EOL_SOURCE: &str = include_str!("../../data/endoflife/products.json");

/// The whole file. Unknown fields are kept, so a checked copy is written
/// back as it came.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EolData {
    pub source: String,
    pub license: String,
    pub commit: String,
    pub commit_date: String,
    pub products: BTreeMap<String, EolProduct>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EolProduct {
    pub title: String,
    #[serde(default)]
    pub category: String,
    pub releases: Vec<EolRelease>,
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EolRelease {
    pub cycle: String,
    #[serde(rename = "releaseLabel", default, skip_serializing_if = "Option::is_none")]
    pub release_label: Option<String>,
    /// End of security support: a date, `true` (ended, no date) or `false`.
    pub eol: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eoes: Option<Value>,
    #[serde(flatten)]
    pub other: BTreeMap<String, Value>,
    /// `cycle` and `release_label` as `normalise` gives them, worked out
    /// once at parse: matching a version compares every release of a
    /// product, for each of 100,000 workloads a derivation scores.
    #[serde(skip)]
    normalised: (String, String),
}

/// When a release leaves (or left) support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    Date(Date),
    /// Ended; the project gives no date.
    Ended,
    /// Supported; no end announced.
    Open,
}

impl Until {
    fn read(v: &Value) -> Option<Until> {
        match v {
            Value::Bool(true) => Some(Until::Ended),
            Value::Bool(false) => Some(Until::Open),
            Value::String(s) => Date::parse(s).map(Until::Date),
            _ => None,
        }
    }

    pub fn date(self) -> Option<Date> {
        match self {
            Until::Date(d) => Some(d),
            _ => None,
        }
    }

    /// True when support ended before `day`.
    pub fn ended_by(self, day: Date) -> bool {
        match self {
            Until::Date(d) => d < day,
            Until::Ended => true,
            Until::Open => false,
        }
    }

    /// Later is more lenient: an open end beats any date, any date beats "ended".
    fn rank(self) -> (u8, Option<Date>) {
        match self {
            Until::Ended => (0, None),
            Until::Date(d) => (1, Some(d)),
            Until::Open => (2, None),
        }
    }
}

/// The support of one release cycle of a product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Support {
    /// endoflife.date product id (`rhel`).
    pub product: String,
    pub title: String,
    /// The cycle as the vendor names it (`2012 R2`, `8`, `2016 SP3`).
    pub cycle: String,
    pub until: Until,
    /// End of paid extended support, where the vendor sells it.
    pub extended: Option<Date>,
}

impl EolData {
    /// Reads and checks a file in the shape endoflife.date's front matter
    /// gives; the error names the product and release that is wrong.
    pub fn parse(text: &str) -> Result<EolData, String> {
        let mut data: EolData = serde_json::from_str(text).map_err(|e| format!("not an endoflife.date products file: {e}"))?;
        if data.products.is_empty() {
            return Err("the file lists no products".into());
        }
        for (id, p) in &data.products {
            if p.releases.is_empty() {
                return Err(format!("product \"{id}\" has no releases"));
            }
            for r in &p.releases {
                if r.cycle.trim().is_empty() {
                    return Err(format!("product \"{id}\": a release has no cycle"));
                }
                if Until::read(&r.eol).is_none() {
                    return Err(format!("product \"{id}\", cycle \"{}\": eol is {}, not a YYYY-MM-DD date, true or false", r.cycle, r.eol));
                }
            }
        }
        for r in data.products.values_mut().flat_map(|p| p.releases.iter_mut()) {
            r.normalised = (normalise(&r.cycle), r.release_label.as_deref().map(normalise).unwrap_or_default());
        }
        Ok(data)
    }

    /// The release cycle `version` belongs to (`"7.9"` → `7`, `"2012 R2"` →
    /// `2012-r2`, `"2016"` → `2016 SP3`). When several cycles fit (service
    /// packs), the one supported longest: sixr never claims an end of
    /// support earlier than the vendor's.
    pub fn support(&self, product: &str, version: &str) -> Option<Support> {
        let p = self.products.get(product)?;
        let v = normalise(version);
        if v.is_empty() {
            return None;
        }
        let alt = v.replace("-sp", ".");
        let fits = |r: &&EolRelease| {
            let (cycle, label) = &r.normalised;
            [v.as_str(), alt.as_str()].iter().any(|v| {
                cycle == v
                    || starts_at_boundary(v, cycle)
                    || starts_at_boundary(cycle, v)
                    || (!label.is_empty() && (label == v || starts_at_boundary(label, v)))
            })
        };
        let exact: Vec<&EolRelease> = p.releases.iter().filter(|r| r.normalised.0 == v || r.normalised.0 == alt).collect();
        let candidates: Vec<&EolRelease> = if exact.is_empty() { p.releases.iter().filter(fits).collect() } else { exact };
        // The most specific cycle a longer version names ("8.0.32" → 8.0, not 8).
        let longest = candidates.iter().filter(|r| starts_at_boundary(&v, &r.normalised.0)).max_by_key(|r| r.cycle.len()).copied();
        let chosen = match longest {
            Some(r) => r,
            None => candidates.into_iter().filter_map(|r| Until::read(&r.eol).map(|u| (u.rank(), r))).max_by_key(|(k, _)| *k)?.1,
        };
        Some(Support {
            product: product.to_string(),
            title: p.title.clone(),
            cycle: chosen.release_label.clone().filter(|l| !l.contains("__")).unwrap_or_else(|| chosen.cycle.clone()),
            until: Until::read(&chosen.eol)?,
            extended: chosen.eoes.as_ref().and_then(Until::read).and_then(Until::date),
        })
    }
}

/// Lower case, separators as `-`, a leading `v` dropped: `"2012 R2"` → `2012-r2`.
fn normalise(text: &str) -> String {
    let t = text.trim().to_lowercase();
    let t = t.strip_prefix('v').filter(|r| r.starts_with(|c: char| c.is_ascii_digit())).unwrap_or(&t);
    t.split(|c: char| c.is_whitespace() || c == '_' || c == '-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-")
}

/// `text` starts with `prefix` and the next character is a separator:
/// `7.9` starts with `7`, `70` does not.
fn starts_at_boundary(text: &str, prefix: &str) -> bool {
    !prefix.is_empty() && text.len() > prefix.len() && text.starts_with(prefix) && matches!(text.as_bytes()[prefix.len()], b'.' | b'-')
}

/// The shipped copy, parsed once (a test keeps it valid).
pub fn data() -> &'static EolData {
    static DATA: OnceLock<EolData> = OnceLock::new();
    DATA.get_or_init(|| EolData::parse(EOL_SOURCE).unwrap_or_else(|e| panic!("data/endoflife/products.json: {e}")))
}

/// What a newer copy changes against the current one, in a line.
pub fn changes(old: &EolData, new: &EolData) -> String {
    let releases = |d: &EolData| d.products.values().map(|p| p.releases.len()).sum::<usize>();
    let added: Vec<&str> = new.products.keys().filter(|k| !old.products.contains_key(*k)).map(String::as_str).collect();
    let removed: Vec<&str> = old.products.keys().filter(|k| !new.products.contains_key(*k)).map(String::as_str).collect();
    let mut line = format!(
        "{} products, {} releases (was {} and {}); commit {} of {} (was {})",
        new.products.len(),
        releases(new),
        old.products.len(),
        releases(old),
        new.commit,
        new.commit_date,
        old.commit_date
    );
    if !added.is_empty() {
        line.push_str(&format!("; new: {}", added.join(", ")));
    }
    if !removed.is_empty() {
        line.push_str(&format!("; no longer listed: {}", removed.join(", ")));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn until(product: &str, version: &str) -> (String, String) {
        let s = data().support(product, version).unwrap_or_else(|| panic!("{product} {version}"));
        (s.cycle, s.until.date().map(|d| d.to_string()).unwrap_or_else(|| format!("{:?}", s.until)))
    }

    #[test]
    fn versions_find_their_release_cycle_and_dates() {
        assert_eq!(until("centos", "8"), ("8".into(), "2021-12-31".into()));
        assert_eq!(until("centos", "7.9.2009"), ("7".into(), "2024-06-30".into()));
        assert_eq!(until("windows-server", "2016"), ("2016".into(), "2027-01-12".into()));
        assert_eq!(until("windows-server", "2012 R2").1, "2023-10-10");
        assert_eq!(until("mysql", "8.0.32"), ("8.0".into(), "2026-04-30".into()));
        assert_eq!(until("mssqlserver", "2016").0, "2016 SP3", "the latest service pack of the release");
        assert_eq!(until("sles", "12 SP5"), ("12.5".into(), "2024-10-31".into()));
        assert_eq!(until("rhel", "8"), ("8".into(), "2029-05-31".into()));
        assert!(data().support("centos", "70").is_none(), "70 is not 7");
        assert!(data().support("centos", "").is_none());
        assert!(data().support("no-such-product", "1").is_none());
    }

    #[test]
    fn a_file_of_another_shape_is_refused_with_the_place() {
        assert!(EolData::parse("{}").unwrap_err().contains("not an endoflife.date"));
        let bad = r#"{"source":"s","license":"MIT","commit":"c","commit_date":"2026-01-01",
            "products":{"x":{"title":"X","releases":[{"cycle":"1","eol":"soon"}]}}}"#;
        let err = EolData::parse(bad).unwrap_err();
        assert!(err.contains("\"x\"") && err.contains("\"1\"") && err.contains("soon"), "{err}");
    }

    #[test]
    fn the_shipped_copy_round_trips_unchanged() {
        let parsed = EolData::parse(EOL_SOURCE).unwrap();
        let again: serde_json::Value = serde_json::to_value(&parsed).unwrap();
        let original: serde_json::Value = serde_json::from_str(EOL_SOURCE).unwrap();
        assert_eq!(again, original, "nothing is lost when a checked copy is written");
    }
}
