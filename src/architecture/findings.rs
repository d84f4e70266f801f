//! Well-Architected findings for today's estate and for the target, by the
//! six pillars, each with a severity and the fix. Texts live in the message
//! catalogues (`architecture.finding.<code>` and `architecture.fix.<code>`,
//! with `{subject}` filled in), so the page and the PDF speak both languages.

use serde::Serialize;

use super::generate::{is_db, is_web};
use super::{Estate, Kind, Pattern, Subnet, TargetArchitecture, Tier};
use crate::cost::sizing::SizingFlag;
use crate::i18n::Tr;
use crate::inventory::Workload;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pillar {
    OperationalExcellence,
    Security,
    Reliability,
    PerformanceEfficiency,
    CostOptimisation,
    Sustainability,
}

impl Pillar {
    pub const ALL: [Pillar; 6] = [
        Pillar::OperationalExcellence,
        Pillar::Security,
        Pillar::Reliability,
        Pillar::PerformanceEfficiency,
        Pillar::CostOptimisation,
        Pillar::Sustainability,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Pillar::OperationalExcellence => "operational_excellence",
            Pillar::Security => "security",
            Pillar::Reliability => "reliability",
            Pillar::PerformanceEfficiency => "performance_efficiency",
            Pillar::CostOptimisation => "cost_optimisation",
            Pillar::Sustainability => "sustainability",
        }
    }

    pub fn label(self, t: &Tr) -> String {
        t.t(&format!("architecture.pillar.{}", self.code())).to_string()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn code(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

/// One finding: `code` picks the message, `subject` names what it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub pillar: Pillar,
    pub severity: Severity,
    pub code: &'static str,
    pub subject: String,
}

impl Finding {
    fn new(pillar: Pillar, severity: Severity, code: &'static str, subject: impl Into<String>) -> Finding {
        Finding { pillar, severity, code, subject: subject.into() }
    }

    /// What is wrong, in the translator's language.
    pub fn title(&self, t: &Tr) -> String {
        t.fmt(&format!("architecture.finding.{}", self.code), &[("subject", &self.subject)])
    }

    /// What to do about it.
    pub fn fix(&self, t: &Tr) -> String {
        t.fmt(&format!("architecture.fix.{}", self.code), &[("subject", &self.subject)])
    }
}

/// Every finding code, for the test that checks both catalogues carry them.
pub const CODES: &[&str] = &[
    "single_database",
    "tape_backups",
    "hard_coded_ip_rules",
    "no_bastion",
    "app_on_public_host",
    "no_elasticity",
    "end_of_life_os",
    "saturated",
    "overprovisioned",
    "idle_capacity",
    "powered_off",
    "single_az_host",
    "engine_not_on_rds",
    "beyond_largest_type",
    "sized_without_data",
    "measure_then_commit",
    "consider_graviton",
    "review_after_go_live",
    "single_hybrid_link",
    "saas_due_diligence",
    "archive_retention",
    "undecided",
    "mixed_environments",
];

fn names(ws: &[&Workload]) -> String {
    ws.iter().map(|w| w.name.as_str()).collect::<Vec<_>>().join(", ")
}

fn mentions(w: &Workload, words: &[&str]) -> bool {
    let text = format!("{} {}", w.notes, w.middleware).to_lowercase();
    words.iter().any(|k| text.contains(k))
}

/// Operating systems past their vendor's end of standard support.
fn end_of_life(w: &Workload) -> bool {
    let os = format!("{} {}", w.os, w.os_version).to_lowercase();
    const OLD: &[&str] = &[
        "windows server 2003",
        "windows server 2008",
        "windows server 2012",
        "windows 2003",
        "windows 2008",
        "windows 2012",
        "centos 6",
        "centos 7",
        "centos 8",
        "rhel 6",
        "red hat enterprise linux 6",
        "ubuntu 14.04",
        "ubuntu 16.04",
        "ubuntu 18.04",
        "ubuntu linux 14.04",
        "ubuntu linux 16.04",
        "ubuntu linux 18.04",
        "sles 11",
        "debian 8",
        "debian 9",
    ];
    OLD.iter().any(|o| os.contains(o))
}

/// A bastion or jump host today, by its name, role or notes.
pub fn is_jump_host(name: &str, role: &str, notes: &str) -> bool {
    let t = format!("{name} {role} {notes}").to_lowercase();
    t.contains("bastion") || t.contains("jump")
}

/// Findings about today's estate of one application, from the inventory.
pub fn current(ws: &[&Workload], estate: &Estate) -> Vec<Finding> {
    use Pillar::*;
    use Severity::*;
    let mut out = Vec::new();
    let dbs: Vec<&Workload> = ws.iter().copied().filter(|w| is_db(w)).collect();
    if dbs.len() == 1 || dbs.iter().any(|w| mentions(w, &["without redundancy", "no redundancy", "이중화 없"])) {
        let single: Vec<&Workload> = if dbs.len() == 1 {
            dbs.clone()
        } else {
            dbs.iter().copied().filter(|w| mentions(w, &["without redundancy", "no redundancy", "이중화 없"])).collect()
        };
        out.push(Finding::new(Reliability, High, "single_database", names(&single)));
    }
    let tape: Vec<&Workload> = ws.iter().copied().filter(|w| mentions(w, &["tape", "테이프"])).collect();
    if !tape.is_empty() {
        out.push(Finding::new(Reliability, Medium, "tape_backups", names(&tape)));
    }
    let hard: Vec<&Workload> =
        ws.iter().copied().filter(|w| mentions(w, &["hard-coded", "hard coded", "hardcoded", "하드 코딩", "하드코딩"])).collect();
    if !hard.is_empty() {
        out.push(Finding::new(Security, Medium, "hard_coded_ip_rules", names(&hard)));
    }
    if !estate.has_jump_host() && !ws.is_empty() {
        out.push(Finding::new(Security, Medium, "no_bastion", names(ws)));
    }
    let combined: Vec<&Workload> = ws.iter().copied().filter(|w| w.role.trim() == "web-app").collect();
    if !combined.is_empty() {
        out.push(Finding::new(Security, Medium, "app_on_public_host", names(&combined)));
    }
    let web: Vec<&Workload> = ws.iter().copied().filter(|w| is_web(w)).collect();
    if !web.is_empty() {
        out.push(Finding::new(PerformanceEfficiency, Low, "no_elasticity", names(&web)));
    }
    let eol: Vec<&Workload> = ws.iter().copied().filter(|w| end_of_life(w)).collect();
    if !eol.is_empty() {
        out.push(Finding::new(Security, High, "end_of_life_os", names(&eol)));
    }
    let hot: Vec<&Workload> = ws.iter().copied().filter(|w| w.cpu_util_peak_pct.is_some_and(|p| p >= 85.0)).collect();
    if !hot.is_empty() {
        out.push(Finding::new(PerformanceEfficiency, High, "saturated", names(&hot)));
    }
    let idle: Vec<&Workload> = ws.iter().copied().filter(|w| w.cpu_util_peak_pct.is_some_and(|p| p < 20.0) && !w.powered_off).collect();
    if !idle.is_empty() {
        out.push(Finding::new(CostOptimisation, Medium, "overprovisioned", names(&idle)));
        out.push(Finding::new(Sustainability, Low, "idle_capacity", names(&idle)));
    }
    let off: Vec<&Workload> = ws.iter().copied().filter(|w| w.powered_off).collect();
    if !off.is_empty() {
        out.push(Finding::new(CostOptimisation, Low, "powered_off", names(&off)));
    }
    sort(&mut out);
    out
}

/// Findings left in the target design.
pub fn target(t: &TargetArchitecture) -> Vec<Finding> {
    let mut out = Vec::new();
    single_points(t, &mut out);
    access(t, &mut out);
    sizing(t, &mut out);
    practice(t, &mut out);
    sort(&mut out);
    out
}

/// Single points of failure the design keeps: databases without a standby,
/// hosts alone in one AZ.
fn single_points(t: &TargetArchitecture, out: &mut Vec<Finding>) {
    use Pillar::*;
    use Severity::*;
    // A data-tier server with no standby is still a single point of failure.
    for c in t.components.iter().filter(|c| c.tier == Tier::Data && c.kind == Kind::Ec2) {
        out.push(Finding::new(Reliability, High, "single_database", c.label.clone()));
        if t.patterns.contains(&Pattern::ThreeTier) || t.patterns.contains(&Pattern::Containers) {
            out.push(Finding::new(Reliability, Medium, "engine_not_on_rds", c.label.clone()));
        }
    }
    // Hosts that are one instance in one AZ (Rehost mirrors of single servers).
    let single: Vec<String> = t
        .components
        .iter()
        .filter(|c| c.kind == Kind::Ec2 && c.scaling.is_none() && c.tier != Tier::Data)
        .filter(|c| !t.components.iter().any(|o| o.kind == Kind::Ec2 && o.tier == c.tier && o.az != c.az && o.scaling.is_none()))
        .map(|c| c.label.clone())
        .collect();
    if !single.is_empty() {
        out.push(Finding::new(Reliability, Medium, "single_az_host", single.join(", ")));
    }
}

/// Administration without a bastion or Session Manager, hosts in public
/// subnets that do not serve the web.
fn access(t: &TargetArchitecture, out: &mut Vec<Finding>) {
    use Pillar::*;
    use Severity::*;
    let hosts = t.components.iter().any(|c| c.kind == Kind::Ec2);
    if hosts && !t.has(Kind::Bastion) && !t.has(Kind::SessionManager) {
        out.push(Finding::new(Security, Medium, "no_bastion", t.application.clone()));
    }
    let public_non_web: Vec<String> = t
        .components
        .iter()
        .filter(|c| c.kind == Kind::Ec2 && c.subnet == Subnet::Public && c.tier != Tier::Web)
        .map(|c| c.label.clone())
        .collect();
    if !public_non_web.is_empty() {
        out.push(Finding::new(Security, Medium, "app_on_public_host", public_non_web.join(", ")));
    }
}

/// Workloads sized beyond the largest type, or without the data to size them.
fn sizing(t: &TargetArchitecture, out: &mut Vec<Finding>) {
    use Pillar::*;
    use Severity::*;
    for line in &t.sizing {
        let flags = line.choice.as_ref().map(|c| c.flags.as_slice()).unwrap_or(&line.demand.flags);
        if flags.contains(&SizingFlag::BeyondLargest) {
            out.push(Finding::new(PerformanceEfficiency, High, "beyond_largest_type", line.workload.clone()));
        } else if flags.iter().any(|f| matches!(f, SizingFlag::NoCapacityData | SizingFlag::CoresUnknown | SizingFlag::MemoryUnknown)) {
            out.push(Finding::new(PerformanceEfficiency, Low, "sized_without_data", line.workload.clone()));
        }
    }
}

/// What to do once moved: commit after measuring, review, Graviton, the
/// link, SaaS, archives, environments apart, decisions still open.
fn practice(t: &TargetArchitecture, out: &mut Vec<Finding>) {
    use Pillar::*;
    use Severity::*;
    let moving = t.components.iter().any(|c| matches!(c.kind, Kind::Ec2 | Kind::Rds | Kind::EcsFargate | Kind::Lambda));
    if moving {
        out.push(Finding::new(CostOptimisation, Low, "measure_then_commit", t.application.clone()));
        out.push(Finding::new(OperationalExcellence, Low, "review_after_go_live", t.application.clone()));
    }
    let x86: Vec<String> = t
        .components
        .iter()
        .filter(|c| c.kind == Kind::Ec2 && !c.size.is_empty() && !c.size.split('.').next().unwrap_or("").ends_with('g'))
        .map(|c| c.size.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if !x86.is_empty() {
        out.push(Finding::new(Sustainability, Low, "consider_graviton", x86.join(", ")));
    }
    if t.has(Kind::HybridLink) {
        out.push(Finding::new(Reliability, Medium, "single_hybrid_link", t.application.clone()));
    }
    if t.has(Kind::Saas) {
        out.push(Finding::new(Security, Low, "saas_due_diligence", t.application.clone()));
    }
    if t.has(Kind::Archive) {
        out.push(Finding::new(OperationalExcellence, Low, "archive_retention", t.application.clone()));
    }
    let envs: std::collections::BTreeSet<super::landing_zone::Env> = t
        .workloads
        .iter()
        .filter(|w| w.strategy.is_some_and(|s| s.moves_to_aws()))
        .map(|w| super::landing_zone::Env::of(&w.environment))
        .collect();
    if envs.len() > 1 {
        out.push(Finding::new(Security, Medium, "mixed_environments", t.application.clone()));
    }
    let undecided: Vec<String> = t.workloads.iter().filter(|w| w.strategy.is_none()).map(|w| w.name.clone()).collect();
    if !undecided.is_empty() {
        out.push(Finding::new(OperationalExcellence, Medium, "undecided", undecided.join(", ")));
    }
}

fn sort(out: &mut [Finding]) {
    out.sort_by(|a, b| a.pillar.cmp(&b.pillar).then(a.severity.cmp(&b.severity)).then(a.code.cmp(b.code)));
}

/// Findings grouped by pillar, in pillar order, empty pillars left out.
pub fn by_pillar(findings: &[Finding]) -> Vec<(Pillar, Vec<&Finding>)> {
    Pillar::ALL
        .into_iter()
        .map(|p| (p, findings.iter().filter(|f| f.pillar == p).collect::<Vec<_>>()))
        .filter(|(_, fs)| !fs.is_empty())
        .collect()
}
