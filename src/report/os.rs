//! One name per operating system for the report's counts: "RHEL",
//! "LINUX RedHat" and "Red Hat Enterprise Linux 8 (64-bit)" are one system
//! (RHEL), told apart only by version. The families and their spellings are
//! the scoring rule book's (`[[os]]` in rules/scoring.toml); this adds the
//! name a reader knows and the version worth grouping on.
//!
//! The seam for the inventory's OS parser (issue 11): when it lands,
//! `normalise` asks it first and keeps this only as the fallback.

use crate::scoring::rulebook;

/// An operating system as the report counts it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OsName {
    /// The family's usual name ("RHEL", "Windows"); what was typed when the
    /// family is not recognised (never guessed); empty when unknown.
    pub family: String,
    /// The version that tells releases apart ("6", "2012 R2", "22.04");
    /// empty when unknown.
    pub version: String,
}

impl OsName {
    /// "RHEL 6", "Windows", "" for nothing known.
    pub fn display(&self) -> String {
        format!("{} {}", self.family, self.version).trim().to_string()
    }
}

/// The reader's name for a rule-book family code.
fn family_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "windows" => "Windows",
        "ubuntu" => "Ubuntu",
        "centos" => "CentOS",
        "rhel" => "RHEL",
        "oracle_linux" => "Oracle Linux",
        "sles" => "SUSE Linux Enterprise",
        "debian" => "Debian",
        "amazon_linux" => "Amazon Linux",
        "aix" => "AIX",
        "solaris" => "Solaris",
        "hpux" => "HP-UX",
        "mainframe" => "z/OS",
        "ibm_i" => "IBM i",
        "openvms" => "OpenVMS",
        // The catch-all "linux" family (Rocky, Fedora...): what was typed says more.
        _ => return None,
    })
}

/// The release of `family` named in `text`: a Windows year with its R2, an
/// Ubuntu or SLES release as written (22.04, 15 SP4 → 15), else the major
/// number. Word sizes ("64bit", "(64-bit)") are not versions.
fn release(family: &str, text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    let token = lower
        .split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | ',' | '/' | '_'))
        .find(|t| t.starts_with(|c: char| c.is_ascii_digit()) && !t.contains("bit"))?;
    let digits: String = token.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    let digits = digits.trim_end_matches('.');
    Some(match family {
        "Windows" if lower.contains("r2") => format!("{digits} R2"),
        "Windows" | "Ubuntu" => digits.to_string(),
        _ => digits.split('.').next().unwrap_or(digits).to_string(),
    })
}

/// The report's name for an OS as an inventory gives it (OS and version fields).
pub fn normalise(os: &str, version: &str) -> OsName {
    let typed = os.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = typed.to_lowercase();
    let known = rulebook().os.iter().find(|e| e.patterns.iter().any(|p| lower.contains(p.as_str()))).and_then(|e| family_name(&e.family));
    let family = known.map_or(typed.clone(), str::to_string);
    // The version field first; some tools put the version in the OS name
    // only (an unrecognised name keeps it, as typed).
    let version = if typed.is_empty() { None } else { release(&family, version).or_else(|| known.and_then(|_| release(&family, &typed))) };
    let version = version.unwrap_or_default();
    OsName { family, version }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(os: &str, version: &str) -> String {
        normalise(os, version).display()
    }

    #[test]
    fn one_system_however_it_is_spelled() {
        let rhel = ["RHEL", "LINUX RedHat", "Red Hat Enterprise Linux 8 (64-bit)", "redhat"];
        for os in rhel {
            assert_eq!(normalise(os, "").family, "RHEL", "{os}");
        }
        assert_eq!(shown("Red Hat Enterprise Linux 8 (64-bit)", ""), "RHEL 8");
        assert_eq!(shown("LINUX RedHat", "EL 6.8 64bit"), "RHEL 6");
        assert_eq!(shown("RHEL", "5"), "RHEL 5");
        assert_eq!(shown("Windows", "2012 Standard R2"), "Windows 2012 R2");
        assert_eq!(shown("Microsoft Windows Server 2019 (64-bit)", ""), "Windows 2019");
        assert_eq!(shown("Ubuntu Linux", "22.04"), "Ubuntu 22.04");
        assert_eq!(shown("CentOS 4/5/6/7 (64-bit)", ""), "CentOS 4");
    }

    #[test]
    fn unknown_stays_as_typed_or_empty() {
        assert_eq!(shown("Rocky  Linux", "9.3"), "Rocky Linux 9");
        assert_eq!(shown("Plan 9", ""), "Plan 9");
        assert_eq!(normalise("", "7"), OsName { family: String::new(), version: String::new() });
        assert_eq!(shown("Windows", ""), "Windows");
    }
}
