//! Operating systems as inventories write them ("CentOS 4/5/6/7 (64-bit)",
//! "Microsoft Windows Server 2012 (64-bit)", "RHEL 8.6", "Win2k8 R2"): which
//! product, which version, and when it leaves support. A string sixr does
//! not recognise is reported as not recognised, never guessed.

use super::date::Date;
use super::eol::{self, Support, Until};
use super::products::{Product, catalogue, words};

/// An operating system read from a free text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OsRelease {
    /// The product id in `rules/products.toml` (`centos`, `windows-server`).
    pub product: String,
    /// How sentences name it (`CentOS`).
    pub name: String,
    /// The scoring tables' family (`centos`, `windows`, `linux`).
    pub family: String,
    /// The version as the text gives it (`4/5/6/7`, `2012 R2`, `8`); empty
    /// when the text names none, or names a range ("2016 or later").
    pub version: String,
    /// The release cycles that version may be (`["4", "5", "6", "7"]`).
    pub cycles: Vec<String>,
}

impl OsRelease {
    /// `CentOS 4/5/6/7`, or the name alone without a version.
    pub fn label(&self) -> String {
        if self.version.is_empty() { self.name.clone() } else { format!("{} {}", self.name, self.version) }
    }
}

/// Windows shorthand as admins write it: `2k8r2`, `w2k12`, `win2k3`.
fn windows_shorthand(word: &str) -> Option<String> {
    let w = word.trim_start_matches("win").trim_start_matches('w');
    let rest = w.strip_prefix("2k")?;
    let (digits, r2) = match rest.strip_suffix("r2") {
        Some(d) => (d, true),
        None => (rest, false),
    };
    let year = match digits {
        "3" | "03" => "2003",
        "8" | "08" => "2008",
        "12" => "2012",
        "16" => "2016",
        "19" => "2019",
        "22" => "2022",
        "25" => "2025",
        _ => return None,
    };
    Some(if r2 { format!("{year} R2") } else { year.to_string() })
}

fn is_number(w: &str) -> bool {
    w.starts_with(|c: char| c.is_ascii_digit()) && w.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// The version words after the product's name: a number (`8`, `7.9.2009`,
/// `20.04`), a list vSphere writes (`4/5/6/7`), a Windows year with `R2`, a
/// service pack (`12 SP5`). "or later" makes it a range: no version.
fn version_after(product: &Product, w: &[String]) -> (String, Vec<String>) {
    let windows = product.family == "windows";
    let Some(at) = w.iter().position(|x| is_number(x) || (x.contains('/') && x.chars().next().is_some_and(|c| c.is_ascii_digit()))) else {
        return (String::new(), Vec::new());
    };
    let first = &w[at];
    if w.get(at + 1).is_some_and(|n| n == "or") && w.get(at + 2).is_some_and(|n| n == "later" || n == "newer") {
        return (String::new(), Vec::new());
    }
    if first.contains('/') {
        let cycles: Vec<String> = first.split('/').map(String::from).collect();
        return (first.clone(), cycles);
    }
    if windows {
        // Only a server year is a Windows Server version ("Windows 10" is a desktop).
        if first.len() != 4 || !first.starts_with("20") {
            return (String::new(), Vec::new());
        }
        // "2012 R2", also as "2012 Standard R2".
        let r2 = w.iter().skip(at + 1).take(2).any(|n| n == "r2");
        let v = if r2 { format!("{first} R2") } else { first.clone() };
        return (v.clone(), vec![v]);
    }
    // A kernel version after "other" is no distribution's version ("Other 3.x or later Linux").
    if first.contains('x') {
        return (String::new(), Vec::new());
    }
    match w.get(at + 1).and_then(|n| n.strip_prefix("sp")).filter(|n| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty()) {
        Some(sp) => {
            let v = format!("{first} SP{sp}");
            (v.clone(), vec![v])
        }
        None => (first.clone(), vec![first.clone()]),
    }
}

/// Reads an operating system out of what a tool or a person wrote. `None`
/// when no operating system of the product knowledge is named.
pub fn parse(text: &str) -> Option<OsRelease> {
    let w: Vec<String> = words(text)
        .into_iter()
        .flat_map(|x| match windows_shorthand(&x) {
            // "win2k8r2" reads as "windows 2008 r2".
            Some(v) => {
                std::iter::once("windows".to_string()).chain(v.to_lowercase().split(' ').map(String::from).collect::<Vec<_>>()).collect()
            }
            None => vec![x],
        })
        .collect();
    let joined = w.join(" ");
    let cat = catalogue();
    // "LINUX RedHat EL 6.8": the distribution says more than "linux".
    let found: Vec<_> = cat.find_with_end(&joined).into_iter().filter(|(p, _)| p.is_os()).collect();
    let (product, end) = found.iter().find(|(p, _)| p.id != "linux").or(found.first()).copied()?;
    // "Other 3.x or later Linux": a Linux of unnamed distribution, no version.
    let (version, cycles) =
        if product.id == "linux" { (String::new(), Vec::new()) } else { version_after(product, &w[end.min(w.len())..]) };
    Some(OsRelease { product: product.id.clone(), name: product.name.clone(), family: product.family.clone(), version, cycles })
}

/// When the release leaves support: the latest end among the cycles the
/// version may be (`CentOS 4/5/6/7` is past support only if 7 is). `None`
/// when the version is unknown or the data has no such release.
pub fn support(release: &OsRelease) -> Option<Support> {
    let product = catalogue().get(&release.product)?;
    if product.eol.is_empty() || release.cycles.is_empty() {
        return None;
    }
    let data = eol::data();
    // The newest of a list must be known; older ones the data no longer
    // lists (CentOS 4) ended before it anyway.
    data.support(&product.eol, release.cycles.last()?)?;
    let found: Vec<Support> = release.cycles.iter().filter_map(|c| data.support(&product.eol, c)).collect();
    found.into_iter().max_by_key(|s| match s.until {
        Until::Ended => (0, None),
        Until::Date(d) => (1, Some(d)),
        Until::Open => (2, None),
    })
}

/// The end of support of an OS text, with today's judgement: `Some(date)`
/// when dated, past or not (see [`Until::ended_by`]).
pub fn end_of_support(text: &str) -> Option<(OsRelease, Support)> {
    let release = parse(text)?;
    let support = support(&release)?;
    Some((release, support))
}

/// True when the date has passed on `today`.
pub fn is_past(support: &Support, today: Date) -> bool {
    support.until.ended_by(today)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (String, String, String) {
        let r = parse(text).unwrap_or_else(|| panic!("{text} not recognised"));
        (r.product, r.version, r.family)
    }

    #[test]
    fn what_vsphere_and_people_write_is_read() {
        assert_eq!(read("Microsoft Windows Server 2012 (64-bit)"), ("windows-server".into(), "2012".into(), "windows".into()));
        assert_eq!(read("Microsoft Windows Server 2008 R2 (64-bit)").1, "2008 R2");
        assert_eq!(read("Red Hat Enterprise Linux 8 (64-bit)"), ("rhel".into(), "8".into(), "rhel".into()));
        assert_eq!(read("Debian GNU/Linux 7 (64-bit)"), ("debian".into(), "7".into(), "debian".into()));
        assert_eq!(read("CentOS 4/5/6/7 (64-bit)").1, "4/5/6/7");
        assert_eq!(read("CentOS Linux release 7.9.2009").1, "7.9.2009");
        assert_eq!(read("SUSE Linux Enterprise 12 (64-bit)"), ("sles".into(), "12".into(), "sles".into()));
        assert_eq!(read("SLES 12 SP5").1, "12 SP5");
        assert_eq!(read("Ubuntu 20.04.6 LTS").1, "20.04.6");
        assert_eq!(read("win2k8r2").1, "2008 R2");
        assert_eq!(read("Red Hat Fedora (32-bit)").0, "fedora");
        assert_eq!(read("Amazon Linux 2 (64-bit)").1, "2");
        assert_eq!(read("LINUX RedHat EL 6.8 64bit"), ("rhel".into(), "6.8".into(), "rhel".into()));
        assert_eq!(read("Windows 2012 Standard R2").1, "2012 R2");
    }

    #[test]
    fn ranges_and_unnamed_distributions_have_no_version() {
        assert_eq!(read("Microsoft Windows Server 2016 or later (64-bit)").1, "");
        assert_eq!(read("Other 3.x or later Linux (64-bit)"), ("linux".into(), "".into(), "linux".into()));
        assert_eq!(read("Ubuntu Linux (64-bit)").1, "");
        assert_eq!(parse("Other (64-bit)"), None, "not recognised, not guessed");
        assert_eq!(parse("FreeDOS"), None);
    }

    #[test]
    fn end_of_support_is_a_date() {
        let date = |t: &str| end_of_support(t).map(|(_, s)| s.until.date().unwrap().to_string());
        assert_eq!(date("CentOS 8 (64-bit)").as_deref(), Some("2021-12-31"));
        assert_eq!(date("CentOS 4/5/6/7 (64-bit)").as_deref(), Some("2024-06-30"), "the latest of the four");
        assert_eq!(date("Microsoft Windows Server 2016 (64-bit)").as_deref(), Some("2027-01-12"));
        assert_eq!(date("Red Hat Enterprise Linux 8 (64-bit)").as_deref(), Some("2029-05-31"));
        assert_eq!(date("Ubuntu Linux (64-bit)"), None, "no version, no date");
        let (_, s) = end_of_support("Debian GNU/Linux 7 (64-bit)").unwrap();
        assert!(is_past(&s, Date::parse("2026-11-30").unwrap()));
        assert!(!is_past(&s, Date::parse("2010-01-01").unwrap()));
    }
}
