//! Which file column feeds which sixr field: the template's own headers
//! (English and Korean), and mappings a consultant confirms for files of
//! unknown shape, with suggested matches.

use serde::{Deserialize, Serialize};

use super::QUESTIONS;
use super::table::header_key;
use crate::inventory::{APP_FIELDS, WORKLOAD_FIELDS};

/// What a column holds, in sixr's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A workload field (`WORKLOAD_FIELDS` name).
    Field(&'static str),
    /// `;`-separated names of the workloads this one depends on.
    Dependencies,
    /// A questionnaire answer (`QUESTIONS` name).
    Question(&'static str),
    /// An attribute of the row's application (`APP_FIELDS` name).
    App(&'static str),
}

impl Target {
    pub fn name(self) -> &'static str {
        match self {
            Target::Field(f) | Target::Question(f) | Target::App(f) => f,
            Target::Dependencies => "dependencies",
        }
    }

    /// The target called `name` (a field, `dependencies` or a question).
    pub fn parse(name: &str) -> Option<Target> {
        if name == "dependencies" {
            return Some(Target::Dependencies);
        }
        if let Some(f) = WORKLOAD_FIELDS.iter().find(|f| f.name == name) {
            return Some(Target::Field(f.name));
        }
        if let Some(f) = APP_FIELDS.iter().find(|f| **f == name) {
            return Some(Target::App(f));
        }
        QUESTIONS.iter().find(|q| **q == name).map(|q| Target::Question(q))
    }
}

/// Every column name of the sixr template, in template order.
pub fn template_columns() -> Vec<&'static str> {
    let mut cols: Vec<&'static str> = WORKLOAD_FIELDS.iter().map(|f| f.name).filter(|n| *n != "powered_off").collect();
    let at = cols.iter().position(|c| *c == "users").unwrap_or(cols.len());
    cols.insert(at, "dependencies");
    cols.push("powered_off");
    cols.extend(APP_FIELDS.iter().copied());
    cols.extend(QUESTIONS.iter().copied());
    cols
}

/// Other spellings of template headers, compared by `header_key` (so case,
/// spaces and units in parentheses don't matter): `메모리(GB)` is `ram_gb`.
const ALIASES: &[(&str, &str)] = &[
    ("이름", "name"),
    ("서버명", "name"),
    ("서버이름", "name"),
    ("워크로드", "name"),
    ("servername", "name"),
    ("호스트명", "hostname"),
    ("호스트", "hostname"),
    ("host", "hostname"),
    ("fqdn", "hostname"),
    ("애플리케이션", "application"),
    ("어플리케이션", "application"),
    ("응용프로그램", "application"),
    ("app", "application"),
    ("applicationname", "application"),
    ("환경", "environment"),
    ("env", "environment"),
    ("역할", "role"),
    ("서버역할", "role"),
    ("운영체제", "os"),
    ("operatingsystem", "os"),
    ("운영체제버전", "os_version"),
    ("os버전", "os_version"),
    ("cpu코어", "cpu_cores"),
    ("코어", "cpu_cores"),
    ("코어수", "cpu_cores"),
    ("cpu", "cpu_cores"),
    ("cores", "cpu_cores"),
    ("vcpu", "cpu_cores"),
    ("vcpus", "cpu_cores"),
    ("cpus", "cpu_cores"),
    ("메모리", "ram_gb"),
    ("ram", "ram_gb"),
    ("memory", "ram_gb"),
    ("memorygb", "ram_gb"),
    ("스토리지", "storage_gb"),
    ("디스크", "storage_gb"),
    ("storage", "storage_gb"),
    ("disk", "storage_gb"),
    ("cpu최대사용률", "cpu_util_peak_pct"),
    ("cpu사용률", "cpu_util_peak_pct"),
    ("cpupeak", "cpu_util_peak_pct"),
    ("메모리최대사용률", "ram_util_peak_pct"),
    ("메모리사용률", "ram_util_peak_pct"),
    ("rampeak", "ram_util_peak_pct"),
    ("db엔진", "db_engine"),
    ("데이터베이스", "db_engine"),
    ("database", "db_engine"),
    ("db버전", "db_version"),
    ("미들웨어", "middleware"),
    ("런타임", "runtime"),
    ("라이선스", "license"),
    ("라이센스", "license"),
    ("연간비용", "annual_cost"),
    ("비용", "annual_cost"),
    ("cost", "annual_cost"),
    ("중요도", "criticality"),
    ("데이터분류", "data_classification"),
    ("의존성", "dependencies"),
    ("의존대상", "dependencies"),
    ("dependson", "dependencies"),
    ("사용자수", "users"),
    ("사용자", "users"),
    ("메모", "notes"),
    ("비고", "notes"),
    ("notes", "notes"),
    ("note", "notes"),
    ("comments", "notes"),
    ("전원꺼짐", "powered_off"),
    ("poweredoff", "powered_off"),
    ("사용중", "still_used"),
    ("계속사용", "still_used"),
    ("saas대안", "saas_alternative"),
    ("소스코드보유", "source_available"),
    ("소스보유", "source_available"),
    ("온프레미스유지", "must_stay_on_prem"),
    ("온프레미스유지필수", "must_stay_on_prem"),
    ("신규기능필요", "needs_new_features"),
    ("마감", "deadline_months"),
    ("마감개월", "deadline_months"),
    ("기한", "deadline_months"),
    ("사용수준", "usage_level"),
    ("사용량", "usage_level"),
    ("usage", "usage_level"),
    ("라이선스하드웨어종속", "license_bound_to_hardware"),
    ("businessunit", "business_unit"),
    ("bu", "business_unit"),
    ("department", "business_unit"),
    ("division", "business_unit"),
    ("사업부", "business_unit"),
    ("사업부서", "business_unit"),
    ("부서", "business_unit"),
    ("담당부서", "business_unit"),
    ("complexity", "complexity"),
    ("복잡도", "complexity"),
    ("technicaldebt", "technical_debt"),
    ("techdebt", "technical_debt"),
    ("기술부채", "technical_debt"),
    ("currentstate", "current_state"),
    ("status", "current_state"),
    ("lifecyclestatus", "current_state"),
    ("lifecycle", "current_state"),
    ("현재상태", "current_state"),
    ("상태", "current_state"),
    ("compliance", "compliance"),
    ("regulatory", "compliance"),
    ("규정준수", "compliance"),
    ("컴플라이언스", "compliance"),
    ("규제", "compliance"),
    ("technologystack", "middleware"),
    ("techstack", "middleware"),
    ("기술스택", "middleware"),
    ("numberofusers", "users"),
    ("noofusers", "users"),
    ("businesscriticality", "criticality"),
    ("업무중요도", "criticality"),
];

/// The target a header names, by the template's own names or an alias.
pub fn known_target(header: &str) -> Option<Target> {
    let key = header_key(header);
    if key.is_empty() {
        return None;
    }
    let own = template_columns().into_iter().find(|c| header_key(c) == key);
    let alias = || ALIASES.iter().find(|(a, _)| header_key(a) == key).map(|(_, t)| *t);
    own.or_else(alias).and_then(Target::parse)
}

/// Column targets when the header is a sixr template (it names the
/// workload and at least one other template column); `None` otherwise.
pub fn template_targets(headers: &[String]) -> Option<Vec<Option<Target>>> {
    let mut targets: Vec<Option<Target>> = headers.iter().map(|h| known_target(h)).collect();
    // A column mapped twice keeps its first occurrence.
    for i in 0..targets.len() {
        if targets[i].is_some() && targets[..i].contains(&targets[i]) {
            targets[i] = None;
        }
    }
    let names_workload = targets.contains(&Some(Target::Field("name")));
    let known = targets.iter().flatten().count();
    (names_workload && known >= 2).then_some(targets)
}

/// The key a header row is remembered by: its normalised column names.
pub fn signature(headers: &[String]) -> String {
    headers.iter().map(|h| header_key(h)).collect::<Vec<_>>().join("|")
}

/// A confirmed mapping: file column header -> sixr target name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Mapping {
    pub columns: Vec<(String, String)>,
}

impl Mapping {
    pub fn targets(&self, headers: &[String]) -> Vec<Option<Target>> {
        headers
            .iter()
            .map(|h| {
                let key = header_key(h);
                self.columns.iter().find(|(c, _)| header_key(c) == key).and_then(|(_, t)| Target::parse(t))
            })
            .collect()
    }

    /// A mapping must say which column names the workload.
    pub fn validate(&self) -> Result<(), String> {
        let targets: Vec<&str> = self.columns.iter().map(|(_, t)| t.as_str()).filter(|t| !t.is_empty()).collect();
        if !targets.iter().any(|t| *t == "name" || *t == "hostname") {
            return Err("choose the column that names the workload (name or hostname)".into());
        }
        for (i, t) in targets.iter().enumerate() {
            if Target::parse(t).is_none() {
                return Err(format!("{} is not a sixr field", crate::error::quoted(t)));
            }
            if targets[..i].contains(t) {
                return Err(format!("two columns are mapped to {}; keep one", crate::error::quoted(t)));
            }
        }
        Ok(())
    }
}

fn bigrams(s: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = s.chars().collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Dice similarity of the letter pairs of two normalised names, 0..1.
pub fn similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (header_key(a), header_key(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    if a.contains(&b) || b.contains(&a) {
        return 0.8;
    }
    let (x, mut y) = (bigrams(&a), bigrams(&b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let total = x.len() + y.len();
    let mut shared = 0;
    for pair in x {
        if let Some(i) = y.iter().position(|p| *p == pair) {
            y.swap_remove(i);
            shared += 1;
        }
    }
    2.0 * shared as f64 / total as f64
}

/// The suggested sixr target for each column (or none): a known spelling
/// first, else the most similar template column when similar enough. Each
/// target is suggested once, for the most similar column.
pub fn suggest(headers: &[String]) -> Vec<Option<&'static str>> {
    let columns = template_columns();
    let mut best: Vec<Option<(&'static str, f64)>> = headers
        .iter()
        .map(|h| {
            if let Some(t) = known_target(h) {
                return Some((t.name(), 2.0));
            }
            let spellings = columns.iter().map(|c| (*c, *c)).chain(ALIASES.iter().copied());
            spellings
                .filter_map(|(spelling, target)| Some((Target::parse(target)?.name(), similarity(h, spelling))))
                .filter(|(_, s)| *s >= 0.5)
                .max_by(|a, b| a.1.total_cmp(&b.1))
        })
        .collect();
    for i in 0..best.len() {
        let Some((target, score)) = best[i] else { continue };
        let beaten = best
            .iter()
            .enumerate()
            .any(|(j, other)| j != i && other.is_some_and(|(t, s)| t == target && (s > score || (s == score && j < i))));
        if beaten {
            best[i] = None;
        }
    }
    best.into_iter().map(|b| b.map(|(t, _)| t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn korean_and_english_template_headers_are_recognised() {
        let t = template_targets(&strings(&["이름", "호스트명", "CPU 코어", "메모리(GB)", "마감(개월)"])).unwrap();
        assert_eq!(t[0], Some(Target::Field("name")));
        assert_eq!(t[2], Some(Target::Field("cpu_cores")));
        assert_eq!(t[3], Some(Target::Field("ram_gb")));
        assert_eq!(t[4], Some(Target::Question("deadline_months")));
        assert!(template_targets(&strings(&["Name", "RAM_GB", "Environment"])).is_some());
        assert!(template_targets(&strings(&["Asset Tag", "Rack", "Owner"])).is_none());
    }

    #[test]
    fn suggestions_match_similar_names_once() {
        let s = suggest(&strings(&["Server", "Memory in GB", "Operating Sys", "Rack"]));
        assert_eq!(s[1], Some("ram_gb"));
        assert_eq!(s[3], None);
        assert_eq!(s[0], Some("name"));
        assert_eq!(s[2], Some("os"));
    }

    #[test]
    fn a_mapping_needs_a_name_column_and_no_duplicates() {
        let m = Mapping { columns: vec![("Asset".into(), "name".into()), ("Mem".into(), "ram_gb".into())] };
        assert!(m.validate().is_ok());
        let m = Mapping { columns: vec![("Mem".into(), "ram_gb".into())] };
        assert!(m.validate().is_err());
    }
}
