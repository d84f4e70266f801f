//! One name per operating system for the report's counts: "RHEL",
//! "LINUX RedHat" and "Red Hat Enterprise Linux 8 (64-bit)" are one system,
//! told apart only by release. The product knowledge reads the text
//! (`knowledge::os::parse`); this keeps its product name and cuts
//! its version to the release worth grouping on. A text it does not
//! recognise stays as typed, never guessed.

use crate::knowledge;

/// An operating system as the report counts it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OsName {
    /// The product's name ("Red Hat Enterprise Linux"); what was typed when
    /// it is not recognised; empty when unknown.
    pub family: String,
    /// The release that tells versions apart ("6", "2012 R2", "22.04");
    /// empty when unknown.
    pub version: String,
}

impl OsName {
    /// "Red Hat Enterprise Linux 6", "Ubuntu", "" for nothing known.
    pub fn display(&self) -> String {
        format!("{} {}", self.family, self.version).trim().to_string()
    }
}

/// The release in a version: a list ("4/5/6/7") or a Windows year with its
/// R2 as it is, an Ubuntu release to its month (22.04.3 → 22.04), else the
/// major number (6.8 → 6, 12 SP5 → 12). Word sizes ("64bit") are not versions.
fn release(version: &str, whole_years: bool, to_month: bool) -> String {
    let lower = version.to_lowercase();
    let Some(token) = lower
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | '_'))
        .find(|t| t.starts_with(|c: char| c.is_ascii_digit()) && !t.contains("bit"))
    else {
        return String::new();
    };
    if token.contains('/') {
        return token.to_string();
    }
    let digits = token.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect::<String>();
    let parts: Vec<&str> = digits.trim_end_matches('.').split('.').collect();
    match (whole_years, to_month) {
        (true, _) if lower.contains("r2") => format!("{} R2", parts[0]),
        (true, _) => parts[0].to_string(),
        (_, true) => parts.iter().take(2).copied().collect::<Vec<_>>().join("."),
        _ => parts[0].to_string(),
    }
}

/// The report's name for an OS as an inventory gives it (OS and version fields).
pub fn normalise(os: &str, version: &str) -> OsName {
    let typed = os.split_whitespace().collect::<Vec<_>>().join(" ");
    if typed.is_empty() {
        return OsName { family: String::new(), version: String::new() };
    }
    match knowledge::os::parse(&format!("{typed} {version}")) {
        Some(r) => OsName { version: release(&r.version, r.family == "windows", r.product == "ubuntu"), family: r.name },
        None => OsName { version: release(version, false, false), family: typed },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(os: &str, version: &str) -> String {
        normalise(os, version).display()
    }

    #[test]
    fn one_system_however_it_is_spelled() {
        for os in ["RHEL", "LINUX RedHat", "Red Hat Enterprise Linux 8 (64-bit)", "redhat"] {
            assert_eq!(normalise(os, "").family, "Red Hat Enterprise Linux", "{os}");
        }
        assert_eq!(shown("Red Hat Enterprise Linux 8 (64-bit)", ""), "Red Hat Enterprise Linux 8");
        assert_eq!(shown("LINUX RedHat", "EL 6.8 64bit"), "Red Hat Enterprise Linux 6");
        assert_eq!(shown("RHEL", "5"), "Red Hat Enterprise Linux 5");
        assert_eq!(shown("Windows", "2012 Standard R2"), "Microsoft Windows Server 2012 R2");
        assert_eq!(shown("Microsoft Windows Server 2019 (64-bit)", ""), "Microsoft Windows Server 2019");
        assert_eq!(shown("Ubuntu Linux", "22.04.3"), "Ubuntu 22.04");
        assert_eq!(shown("CentOS 4/5/6/7 (64-bit)", ""), "CentOS 4/5/6/7");
        assert_eq!(shown("SLES", "12 SP5"), "SUSE Linux Enterprise Server 12");
    }

    #[test]
    fn unknown_stays_as_typed_or_empty() {
        assert_eq!(shown("Plan  9", "4"), "Plan 9 4");
        assert_eq!(normalise("", "7"), OsName { family: String::new(), version: String::new() });
        assert_eq!(shown("Windows", ""), "Microsoft Windows Server");
    }
}
