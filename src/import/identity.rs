//! Which existing workload an imported row is, on a re-import. Pure: the
//! engagement's workloads and the file's rows in, a plan out (`db::imports`
//! loads the one and writes the other).
//!
//! A row is the workload with the same source id (RVTools VM UUID, MPA
//! Serverid...), else the one with the same name (unless both have source
//! ids of one kind that differ: another VM of the same name), else the one
//! with the same hostname when that hostname is unique in the file and in
//! the engagement and says something (not empty, `localhost`, a
//! distribution's default). Each workload is matched once: two rows never
//! merge. Names stay unique: a created row whose name is taken gets
//! `name (2)` and a warning.

use std::collections::{HashMap, HashSet};

use super::Problem;
use crate::inventory::Workload;

/// An engagement's workload as matching sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Known {
    pub id: i64,
    pub name: String,
    pub hostname: String,
    pub source_id: String,
}

/// What becomes of one row of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Updates the workload of this id.
    Update(i64),
    Create,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Per row, in file order.
    pub fates: Vec<Fate>,
    /// Per row, the name it is written under (its own unless taken).
    pub names: Vec<String>,
    pub warnings: Vec<Problem>,
}

impl Plan {
    pub fn updated(&self) -> usize {
        self.fates.iter().filter(|f| matches!(f, Fate::Update(_))).count()
    }

    pub fn created(&self) -> usize {
        self.fates.len() - self.updated()
    }
}

/// Guest names that say nothing about which machine it is: what an
/// installer leaves when nobody names the machine.
const GENERIC_HOSTS: &[&str] = &[
    "localhost",
    "localhost.localdomain",
    "localhost6",
    "localhost6.localdomain6",
    "localdomain",
    "debian",
    "ubuntu",
    "centos",
    "rhel",
    "redhat",
    "fedora",
    "suse",
    "sles",
    "opensuse",
    "oracle",
    "ol",
    "amzn",
    "alpine",
    "photon",
    "rocky",
    "almalinux",
    "archlinux",
    "kali",
    "windows",
    "win",
    "desktop",
    "server",
    "vm",
    "template",
    "unknown",
    "none",
    "null",
    "n/a",
];

/// True for a hostname that cannot tell one machine from another.
pub fn is_generic_hostname(hostname: &str) -> bool {
    let h = hostname.trim().trim_end_matches('.').to_lowercase();
    if h.is_empty() {
        return true;
    }
    let first = h.split('.').next().unwrap_or("");
    let rest = h.split_once('.').map(|(_, r)| r).unwrap_or("");
    GENERIC_HOSTS.contains(&h.as_str()) || (GENERIC_HOSTS.contains(&first) && matches!(rest, "" | "localdomain" | "local" | "lan"))
}

fn host_key(hostname: &str) -> String {
    hostname.trim().trim_end_matches('.').to_lowercase()
}

/// The kind of a source id (`rvtools`, `mpa`...), the part before `:`.
fn kind(source_id: &str) -> &str {
    source_id.split_once(':').map_or("", |(k, _)| k)
}

/// Two source ids of the same kind that differ name two different things
/// (a template row's `name:` id is just its name, which may change).
fn conflicting(a: &str, b: &str) -> bool {
    !a.is_empty() && !b.is_empty() && kind(a) == kind(b) && kind(a) != "name" && a != b
}

pub fn plan(existing: &[Known], rows: &[Workload]) -> Plan {
    let by_source: HashMap<&str, usize> =
        existing.iter().enumerate().filter(|(_, k)| !k.source_id.is_empty()).map(|(i, k)| (k.source_id.as_str(), i)).collect();
    let by_name: HashMap<&str, usize> = existing.iter().enumerate().map(|(i, k)| (k.name.as_str(), i)).collect();
    let mut by_host: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, k) in existing.iter().enumerate() {
        by_host.entry(host_key(&k.hostname)).or_default().push(i);
    }
    // Into an empty engagement nothing matches: no hostname is looked at.
    let mut in_file: HashMap<String, usize> = HashMap::new();
    if !existing.is_empty() {
        for w in rows {
            *in_file.entry(host_key(&w.hostname)).or_default() += 1;
        }
    }
    let mut claimed: HashSet<usize> = HashSet::new();
    let mut fates = Vec::with_capacity(rows.len());
    for w in rows {
        let free = |i: &usize| !claimed.contains(i);
        let by_id = (!w.source_id.is_empty()).then(|| by_source.get(w.source_id.as_str()).copied().filter(free)).flatten();
        let by_own_name =
            || by_name.get(w.name.as_str()).copied().filter(free).filter(|i| !conflicting(&existing[*i].source_id, &w.source_id));
        let by_hostname = || {
            if existing.is_empty() {
                return None;
            }
            let key = host_key(&w.hostname);
            if is_generic_hostname(&key) || in_file.get(&key).copied().unwrap_or(0) != 1 {
                return None;
            }
            match by_host.get(&key).map(Vec::as_slice) {
                Some([i]) if free(i) && !conflicting(&existing[*i].source_id, &w.source_id) => Some(*i),
                _ => None,
            }
        };
        let found = by_id.or_else(by_own_name).or_else(by_hostname);
        fates.push(match found {
            Some(i) => {
                claimed.insert(i);
                Fate::Update(existing[i].id)
            }
            None => Fate::Create,
        });
    }
    // Names held by workloads this file leaves alone stay theirs.
    let mut taken: HashSet<String> =
        existing.iter().enumerate().filter(|(i, _)| !claimed.contains(i)).map(|(_, k)| k.name.clone()).collect();
    let mut names = Vec::with_capacity(rows.len());
    let mut warnings = Vec::new();
    for w in rows {
        let mut name = w.name.clone();
        if taken.contains(&name) {
            let unique = (2..).map(|n| format!("{} ({n})", w.name)).find(|n| !taken.contains(n)).expect("a free name");
            warnings.push(Problem {
                column: Some("name".into()),
                ..Problem::file(format!(
                    "{} is already the name of another workload of this engagement (a different machine: {}); this row is imported as {}",
                    crate::error::quoted(&w.name),
                    if w.source_id.is_empty() {
                        "matched neither by id nor by hostname".to_string()
                    } else {
                        format!("its source id {} is new", w.source_id)
                    },
                    crate::error::quoted(&unique)
                ))
            });
            name = unique;
        }
        taken.insert(name.clone());
        names.push(name);
    }
    Plan { fates, names, warnings }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known(id: i64, name: &str, host: &str, source: &str) -> Known {
        Known { id, name: name.into(), hostname: host.into(), source_id: source.into() }
    }

    fn row(name: &str, host: &str, source: &str) -> Workload {
        Workload { name: name.into(), hostname: host.into(), source_id: source.into(), ..Workload::default() }
    }

    #[test]
    fn source_ids_match_first_and_never_twice() {
        let existing = [known(1, "GV-Win-03", "", "rvtools:a"), known(2, "GV-Win-03 (2)", "", "rvtools:b")];
        let p = plan(&existing, &[row("GV-Win-03", "", "rvtools:a"), row("GV-Win-03 (2)", "", "rvtools:b")]);
        assert_eq!(p.fates, [Fate::Update(1), Fate::Update(2)]);
        assert!(p.warnings.is_empty());
    }

    #[test]
    fn a_new_vm_with_a_known_name_is_a_new_workload() {
        let existing = [known(1, "GV-Win-03", "", "rvtools:a")];
        let p = plan(&existing, &[row("GV-Win-03", "", "rvtools:c")]);
        assert_eq!(p.fates, [Fate::Create]);
        assert_eq!(p.names, ["GV-Win-03 (2)"]);
        assert!(p.warnings[0].message.contains("rvtools:c"), "{:?}", p.warnings);
    }

    #[test]
    fn hostnames_match_only_when_unique_and_telling() {
        let existing = [known(1, "db-1", "db1.local", ""), known(2, "vm-1", "localhost.localdomain", ""), known(3, "vm-2", "centos", "")];
        let p = plan(&existing, &[row("DB one", "db1.local", ""), row("vm-9", "localhost.localdomain", ""), row("vm-8", "centos", "")]);
        assert_eq!(p.fates, [Fate::Update(1), Fate::Create, Fate::Create]);
        // Twice in the file: neither row may claim it.
        let p = plan(&existing, &[row("a", "db1.local", ""), row("b", "db1.local", "")]);
        assert_eq!(p.fates, [Fate::Create, Fate::Create]);
        for generic in ["", "localhost", "LOCALHOST.localdomain", "debian", "ubuntu.local", "centos."] {
            assert!(is_generic_hostname(generic), "{generic}");
        }
        assert!(!is_generic_hostname("debian-mirror.corp.example"));
    }
}
