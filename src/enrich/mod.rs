//! Discovery enrichment: suggestions for a workload's empty fields (role,
//! database engine, application, OS version), each with the evidence it
//! comes from. Pure: plain data in, suggestions out; storing them, and
//! which fields are open to suggestions, is `db::suggestions`.
//!
//! The words and what they mean are data: `rules/enrichment.toml`.

pub mod vocabulary;
pub mod words;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::i18n::{Tr, thousands};
use crate::inventory::Discovered;
pub use vocabulary::{Vocabulary, vocabulary};
use words::segments;

/// A workload field sixr suggests values for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Role,
    Application,
    DbEngine,
    OsVersion,
}

impl Field {
    pub const ALL: [Field; 4] = [Field::Role, Field::Application, Field::DbEngine, Field::OsVersion];

    /// The workload field's name (`inventory::WORKLOAD_FIELDS`).
    pub fn code(self) -> &'static str {
        match self {
            Field::Role => "role",
            Field::Application => "application",
            Field::DbEngine => "db_engine",
            Field::OsVersion => "os_version",
        }
    }

    pub fn parse(code: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.code() == code)
    }
}

/// Where a piece of evidence was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Name,
    Hostname,
    Os,
    OsConfig,
    OsTools,
    Annotation,
    Folder,
    Vapp,
    ResourcePool,
    Sheet,
    HostedDatabase,
    Column,
    Software,
    Prefix,
    Shared,
    SharedRole,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::Name => "name",
            Source::Hostname => "hostname",
            Source::Os => "os",
            Source::OsConfig => "os_config",
            Source::OsTools => "os_tools",
            Source::Annotation => "annotation",
            Source::Folder => "folder",
            Source::Vapp => "vapp",
            Source::ResourcePool => "resource_pool",
            Source::Sheet => "sheet",
            Source::HostedDatabase => "hosted_database",
            Source::Column => "column",
            Source::Software => "software",
            Source::Prefix => "prefix",
            Source::Shared => "shared",
            Source::SharedRole => "shared_role",
        }
    }
}

/// One reason for a suggestion: "name contains db", "folder /Prod/Alpha".
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Evidence {
    pub source: Source,
    /// The word, path, sheet or value found.
    pub detail: String,
    /// A count the sentence needs (workloads sharing a prefix, applications served).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub n: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Evidence {
    pub fn new(source: Source, detail: impl Into<String>) -> Evidence {
        Evidence { source, detail: detail.into(), n: 0 }
    }

    /// The evidence as a sentence fragment in the translator's language.
    pub fn text(&self, t: &Tr) -> String {
        t.fmt(&format!("enrich.evidence_{}", self.source.code()), &[("detail", &self.detail), ("n", &thousands(self.n))])
    }
}

/// Evidence pieces joined into one line ("name contains db; listed in the Databases sheet").
pub fn evidence_line(evidence: &[Evidence], t: &Tr) -> String {
    evidence.iter().map(|e| e.text(t)).collect::<Vec<_>>().join("; ")
}

/// One workload as the engine reads it. The four suggestible fields hold
/// the values that stand (imported, confirmed or typed); a field open to
/// suggestions (empty, or filled by a suggestion) is passed empty.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub id: i64,
    pub name: &'a str,
    pub hostname: &'a str,
    pub os: &'a str,
    pub role: &'a str,
    pub application: &'a str,
    pub db_engine: &'a str,
    pub os_version: &'a str,
    pub discovered: &'a Discovered,
}

/// A value suggested for an open field. Several suggestions for the same
/// workload and field are a conflict for the consultant to pick from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub workload_id: i64,
    pub field: Field,
    pub value: String,
    pub evidence: Vec<Evidence>,
}

/// Reads an OS version out of an OS string ("Red Hat Enterprise Linux 8
/// (64-bit)" → "8"); `None` when the string is not recognised. Storage
/// passes `knowledge::os`; tests pass what they need.
pub type OsVersionReader<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The distinct values found for one field, each with all its evidence;
/// values are compared case-insensitively.
#[derive(Default)]
struct Candidates(Vec<(String, Vec<Evidence>)>);

impl Candidates {
    fn add(&mut self, value: &str, evidence: Evidence) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        let key = value.to_lowercase();
        match self.0.iter_mut().find(|(v, _)| v.to_lowercase() == key) {
            Some((_, list)) => {
                if !list.contains(&evidence) {
                    list.push(evidence);
                }
            }
            None => self.0.push((value.to_string(), vec![evidence])),
        }
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The only value found, if exactly one.
    fn sole(&self) -> Option<&str> {
        match self.0.as_slice() {
            [(v, _)] => Some(v),
            _ => None,
        }
    }

    fn into_suggestions(self, workload_id: i64, field: Field, out: &mut Vec<Suggestion>) {
        out.extend(self.0.into_iter().map(|(value, evidence)| Suggestion { workload_id, field, value, evidence }));
    }
}

/// Suggestions for the open fields of every subject. `known_applications`
/// gives the spelling of applications that exist already (a prefix "alpha"
/// joins "Alpha"); `os_version` reads versions out of OS strings.
pub fn suggest(subjects: &[Subject], known_applications: &[&str], os_version: OsVersionReader) -> Vec<Suggestion> {
    let v = vocabulary();
    let prefixes = Prefixes::count(v, subjects);
    let known: HashMap<String, &str> = known_applications.iter().map(|a| (a.to_lowercase(), *a)).collect();
    let mut out = Vec::new();
    for s in subjects {
        // A row that is a whole application (a portfolio's, named as its
        // application) is no server: its database column names the
        // application's database, not its role.
        let application_row = !s.application.is_empty() && s.application.eq_ignore_ascii_case(s.name);
        let role = if s.role.is_empty() && !application_row { roles(v, s) } else { Candidates::default() };
        // The role that holds (or the only one suggested) decides the rest.
        let role_now = if s.role.is_empty() { role.sole().unwrap_or("") } else { s.role };
        if s.application.is_empty() {
            let mut apps = applications(v, s, &prefixes);
            if apps.is_empty() && v.shared_roles.contains(role_now) {
                apps.add(&v.shared_application, Evidence::new(Source::SharedRole, role_now));
            }
            for (value, _) in &mut apps.0 {
                if let Some(spelling) = known.get(&value.to_lowercase()) {
                    *value = spelling.to_string();
                }
            }
            apps.into_suggestions(s.id, Field::Application, &mut out);
        }
        if s.db_engine.is_empty() && role_now == "db" && !application_row {
            engines(v, s).into_suggestions(s.id, Field::DbEngine, &mut out);
        }
        if s.os_version.is_empty() {
            os_versions(s, os_version).into_suggestions(s.id, Field::OsVersion, &mut out);
        }
        role.into_suggestions(s.id, Field::Role, &mut out);
    }
    out.sort_by_key(|s| (s.workload_id, s.field));
    out
}

/// The first label of a host name, unless it only repeats the name.
fn host_label<'a>(s: &Subject<'a>) -> &'a str {
    let label = s.hostname.split('.').next().unwrap_or("");
    if label.eq_ignore_ascii_case(s.name) { "" } else { label }
}

/// The path segments of a folder or pool that belong to the customer: after
/// vCenter's own `vm` folder or `Resources` pool when the path has one.
fn own_segments<'a>(path: &'a str, root: &str) -> Vec<&'a str> {
    let parts: Vec<&str> = path.split(['/', '\\']).map(str::trim).filter(|p| !p.is_empty()).collect();
    match parts.iter().rposition(|p| p.eq_ignore_ascii_case(root)) {
        Some(i) => parts[i + 1..].to_vec(),
        None => parts,
    }
}

fn roles(v: &Vocabulary, s: &Subject) -> Candidates {
    let mut found = Candidates::default();
    // Each source's roles, web + app in one name meaning web-app.
    let mut from = |words: &[String], source: Source, detail: Option<&str>, annotation: bool| {
        let mut here = Candidates::default();
        for w in words {
            if annotation && v.names_only.contains(w) {
                continue;
            }
            if let Some(role) = v.roles.get(w) {
                here.add(role, Evidence::new(source, detail.unwrap_or(w)));
            }
        }
        if annotation && here.0.len() > 1 {
            return;
        }
        for (role, evidence) in combine(v, here).0 {
            for e in evidence {
                found.add(&role, e);
            }
        }
    };
    from(&v.words(s.name), Source::Name, None, false);
    from(&v.words(host_label(s)), Source::Hostname, None, false);
    from(&v.words(&s.discovered.annotation), Source::Annotation, None, true);
    for (path, source, root) in
        [(&s.discovered.folder, Source::Folder, "vm"), (&s.discovered.resource_pool, Source::ResourcePool, "resources")]
    {
        let own = own_segments(path, root).join("/");
        from(&v.words(&own), source, Some(path), false);
    }
    from(&v.words(&s.discovered.vapp), Source::Vapp, Some(&s.discovered.vapp), false);
    for item in &s.discovered.software {
        from(&v.words(item), Source::Software, Some(item), false);
    }
    for os in [s.os, &s.discovered.os_config, &s.discovered.os_tools] {
        let low = os.to_lowercase();
        if let Some((_, role)) = v.os_roles.iter().find(|(piece, _)| low.contains(piece.as_str())) {
            found.add(role, Evidence::new(Source::Os, os.trim()));
        }
    }
    for sheet in &s.discovered.sheets {
        if let Some(role) = v.sheets.get(&sheet.to_lowercase()) {
            found.add(role, Evidence::new(Source::Sheet, sheet.as_str()));
        }
    }
    if !s.db_engine.is_empty() {
        found.add("db", Evidence::new(Source::Column, s.db_engine));
    }
    combine(v, found)
}

/// Roles that are one role together (web and app: web-app) merged, with
/// the evidence of both.
fn combine(v: &Vocabulary, found: Candidates) -> Candidates {
    if found.0.len() < 2 {
        return found;
    }
    for (parts, role) in &v.combine {
        let covered = found.0.iter().all(|(r, _)| parts.contains(r) || r == role);
        let complete = parts.iter().all(|p| found.0.iter().any(|(r, _)| r == p));
        if covered && complete {
            let mut merged = Candidates::default();
            for e in found.0.into_iter().flat_map(|(_, e)| e) {
                merged.add(role, e);
            }
            return merged;
        }
    }
    found
}

fn engines(v: &Vocabulary, s: &Subject) -> Candidates {
    let mut found = Candidates::default();
    let os = [s.os, &s.discovered.os_config, &s.discovered.os_tools].map(str::to_lowercase).join(" ");
    let mut from = |words: &[String], source: Source, detail: Option<&str>| {
        for w in words {
            for e in v.engines.get(w).into_iter().flatten() {
                if e.os.is_empty() || e.os.iter().any(|p| os.contains(p.as_str())) {
                    found.add(&e.engine, Evidence::new(source, detail.unwrap_or(w)));
                }
            }
        }
    };
    from(&v.words(s.name), Source::Name, None);
    from(&v.words(host_label(s)), Source::Hostname, None);
    let annotation: Vec<String> = v.words(&s.discovered.annotation).into_iter().filter(|w| !v.names_only.contains(w)).collect();
    from(&annotation, Source::Annotation, None);
    for item in &s.discovered.software {
        from(&v.words(item), Source::Software, Some(item));
    }
    for engine in &s.discovered.databases {
        // The workbook's own engine name, in the vocabulary's spelling when it has one.
        let known = v.words(engine).iter().find_map(|w| v.engines.get(w).and_then(|list| list.first()).map(|e| e.engine.clone()));
        found.add(known.as_deref().unwrap_or(engine), Evidence::new(Source::HostedDatabase, engine.trim()));
    }
    found
}

/// The application a folder or pool path names: its last own segment that
/// is not only generic or role words.
fn application_in(v: &Vocabulary, path: &str, root: &str) -> Option<String> {
    own_segments(path, root).into_iter().rev().find(|seg| names_application(v, seg)).map(str::to_string)
}

/// True when a name piece could be an application's name.
fn names_application(v: &Vocabulary, piece: &str) -> bool {
    let ws = v.words(piece);
    !ws.is_empty() && !ws.iter().all(|w| v.is_generic(w)) && piece.chars().count() >= 2
}

/// "App: Alpha; owner: Kim" → Alpha.
fn annotated_application(v: &Vocabulary, annotation: &str) -> Option<(String, String)> {
    for part in annotation.split(['\n', ';', '|', ',']) {
        let Some((key, value)) = part.split_once([':', '=']) else { continue };
        let (key, value) = (key.trim().to_lowercase(), value.trim());
        if v.application_keys.contains(&key) && (1..=60).contains(&value.chars().count()) {
            return Some((value.to_string(), part.trim().to_string()));
        }
    }
    None
}

fn applications(v: &Vocabulary, s: &Subject, prefixes: &Prefixes) -> Candidates {
    let mut found = Candidates::default();
    let d = s.discovered;
    if d.applications.len() > 1 {
        let evidence = Evidence { source: Source::Shared, detail: d.applications.join(", "), n: d.applications.len() };
        found.add(&v.shared_application, evidence);
    }
    if names_application(v, &d.vapp) {
        found.add(d.vapp.trim(), Evidence::new(Source::Vapp, d.vapp.trim()));
    }
    if let Some(app) = application_in(v, &d.folder, "vm") {
        found.add(&app, Evidence::new(Source::Folder, d.folder.trim()));
    }
    if let Some(app) = application_in(v, &d.resource_pool, "resources") {
        found.add(&app, Evidence::new(Source::ResourcePool, d.resource_pool.trim()));
    }
    if let Some((app, text)) = annotated_application(v, &d.annotation) {
        found.add(&app, Evidence::new(Source::Annotation, text));
    }
    if let Some((prefix, n)) = prefixes.of(v, s.name) {
        // A prefix adds evidence to an application named elsewhere, or
        // stands alone; it never opposes one (rules/enrichment.toml).
        if found.is_empty() || found.0.iter().any(|(app, _)| app.eq_ignore_ascii_case(prefix)) {
            found.add(prefix, Evidence { source: Source::Prefix, detail: prefix.to_string(), n });
        }
    }
    found
}

/// Name prefixes shared by several workloads (alpha-web-01, alpha-db-01 →
/// alpha). A prefix on more than half of a large estate is the company's or
/// the site's, not an application's: the next segment is read instead.
struct Prefixes {
    /// Lower-cased prefix → (spelling first seen, workloads).
    groups: HashMap<String, (String, usize)>,
    /// Lower-cased prefixes too wide to be an application.
    wide: std::collections::HashSet<String>,
}

/// Estates smaller than this have no company-wide prefix to skip.
const WIDE_PREFIX_MIN_ESTATE: usize = 10;

impl Prefixes {
    fn count(v: &Vocabulary, subjects: &[Subject]) -> Prefixes {
        let first = |name: &str| -> Option<String> {
            let segs = segments(name);
            (segs.len() > 1 && names_application(v, segs[0])).then(|| segs[0].to_lowercase())
        };
        let mut firsts: HashMap<String, usize> = HashMap::new();
        for s in subjects {
            if let Some(p) = first(s.name) {
                *firsts.entry(p).or_default() += 1;
            }
        }
        let wide: std::collections::HashSet<String> = if subjects.len() > WIDE_PREFIX_MIN_ESTATE {
            firsts.iter().filter(|(_, n)| **n * 2 > subjects.len()).map(|(p, _)| p.clone()).collect()
        } else {
            Default::default()
        };
        let mut groups: HashMap<String, (String, usize)> = HashMap::new();
        for s in subjects {
            if let Some(p) = Self::pick(v, &wide, s.name) {
                groups.entry(p.to_lowercase()).or_insert_with(|| (p.to_string(), 0)).1 += 1;
            }
        }
        Prefixes { groups, wide }
    }

    /// The segment of a name that would name its application.
    fn pick<'a>(v: &Vocabulary, wide: &std::collections::HashSet<String>, name: &'a str) -> Option<&'a str> {
        let segs = segments(name);
        if segs.len() < 2 || !names_application(v, segs[0]) {
            return None;
        }
        if !wide.contains(&segs[0].to_lowercase()) {
            return Some(segs[0]);
        }
        (segs.len() > 2 && names_application(v, segs[1])).then_some(segs[1])
    }

    /// The shared prefix of a name and how many workloads share it.
    fn of(&self, v: &Vocabulary, name: &str) -> Option<(&str, usize)> {
        let p = Self::pick(v, &self.wide, name)?;
        let (spelling, n) = self.groups.get(&p.to_lowercase())?;
        (*n > 1).then_some((spelling.as_str(), *n))
    }
}

fn os_versions(s: &Subject, read: OsVersionReader) -> Candidates {
    let mut found = Candidates::default();
    let d = s.discovered;
    for (text, source) in [(d.os_config.as_str(), Source::OsConfig), (d.os_tools.as_str(), Source::OsTools), (s.os, Source::Os)] {
        let text = text.trim();
        // The OS field repeats one of the columns it was read from: once is enough.
        if text.is_empty() || (source == Source::Os && (text == d.os_config.trim() || text == d.os_tools.trim())) {
            continue;
        }
        if let Some(version) = read(text) {
            found.add(&version, Evidence::new(source, text));
        }
    }
    // "CentOS 4/5/6/7" (how vSphere names old CentOS) and "CentOS 7" (what
    // VMware Tools saw), or "2012" and "2012 R2", do not disagree: the
    // precise version stands.
    let precise: Vec<String> = found.0.iter().map(|(v, _)| v.clone()).collect();
    found.0.retain(|(v, _)| !precise.iter().any(|p| refines(p, v)));
    found
}

/// True when `precise` says more than `vague`: one of its listed versions,
/// or the same version with more after it.
fn refines(precise: &str, vague: &str) -> bool {
    if precise == vague {
        return false;
    }
    let listed = vague.contains('/') && vague.split('/').any(|part| part.trim() == precise);
    let longer = precise.strip_prefix(vague).is_some_and(|rest| rest.starts_with([' ', '.']));
    listed || longer
}

#[cfg(test)]
mod tests;
