//! Target architecture per application and decided strategy: components,
//! security-group rules, Well-Architected findings and the diagram layout.
//! Pure: the inventory, strategies and price catalogue come in as values.
//!
//! The AnyCompany pattern (seed M3 "AnyCompany의 솔루션 설계") is what a
//! Replatform of a web + database application becomes: three tiers, RDS
//! Multi-AZ, bastion, ALB + Auto Scaling over two AZs, S3 + CloudFront.
//!
//! Read `model` (the vocabulary: tiers, kinds, components, rules), then
//! `generate` (a target from workloads and strategies), `app` (a target with
//! its cost and landing-zone share), `list` (the engagement's list and
//! totals); `landing_zone`, `costing`, `findings`, `diagram` and `route` each
//! say what they add.

mod app;
pub mod costing;
pub mod diagram;
pub mod findings;
mod generate;
pub mod landing_zone;
mod list;
mod model;
pub mod overview;
pub mod route;

use std::collections::HashMap;

use serde::Serialize;

pub use app::{AppArchitecture, build, build_all, build_one, build_with_range, landing_zone_of};
pub use diagram::{Arrow, BoxKind, Diagram, KeptArrows, Rect, layout, layout_in, layout_kept, svg};
pub use findings::{Finding, Pillar, Severity};
pub use generate::{generate, is_db, is_web};
pub use list::{Addends, AppSummary, ArchitectureList, cost_range};
pub use model::{Az, Component, Engine, Kind, Pattern, Peer, Scaling, SgRule, Subnet, Tier};

use crate::cost::sizing::{Choice, Demand, Sizing, SizingMode};
use crate::inventory::{Application, Dependency, Workload};
use crate::strategy::Strategy;
use landing_zone::LandingSettings;

/// How one workload (or its share of a split server) was sized.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SizingLine {
    pub workload: String,
    /// The component key it sized.
    pub component: String,
    /// "ec2", "rds" or "fargate".
    pub service: &'static str,
    pub cores: Option<i64>,
    pub ram_gb: Option<f64>,
    /// The utilisation figures the basis read (peak, 95th percentile or average).
    pub cpu_pct: Option<f64>,
    pub ram_pct: Option<f64>,
    pub share_pct: f64,
    pub demand: Demand,
    pub choice: Option<Choice>,
}

impl SizingLine {
    /// "4 cores / 16 GB" as the inventory says.
    pub fn on_prem_text(&self, t: &crate::i18n::Tr) -> String {
        let cores = self.cores.map_or_else(|| "?".to_string(), |c| c.to_string());
        let ram = self.ram_gb.map_or_else(|| "?".to_string(), crate::i18n::amount);
        t.fmt("architecture.on_prem_value", &[("cores", &cores), ("ram", &ram)])
    }

    /// "45% / 60%": the CPU and memory utilisation the basis read.
    pub fn utilisation_text(&self) -> String {
        let pct = |v: Option<f64>| v.map_or_else(|| "?".to_string(), |p| format!("{}%", crate::i18n::amount(p)));
        format!("{} / {}", pct(self.cpu_pct), pct(self.ram_pct))
    }

    /// "2.34 vCPU / 12.48 GiB".
    pub fn need_text(&self) -> String {
        format!("{} vCPU / {} GiB", crate::i18n::amount(self.demand.vcpu), crate::i18n::amount(self.demand.memory_gib))
    }
}

/// The sizing assumptions in a sentence, printed beside every estimate:
/// "Sized on the peak utilisation plus 30% headroom, from the current
/// generation (t3, m7i, c7i, r7i); prices as of 2026-11-23."
pub fn assumptions_text(mode: SizingMode, sizing: &Sizing, cat: &crate::cost::catalogue::Catalogue, t: &crate::i18n::Tr) -> String {
    let families = cat.generation(sizing.generation).families.join(", ");
    let generation = t.fmt(&format!("sizing.generation.{}", sizing.generation.code()), &[("families", &families)]);
    match mode {
        SizingMode::AsOnPrem => t.fmt("sizing.assumptions_as_on_prem", &[("generation", &generation), ("date", &cat.date())]),
        SizingMode::Performance => t.fmt(
            "sizing.assumptions",
            &[
                ("basis", &t.t(&format!("sizing.basis_phrase.{}", sizing.basis.code()))),
                ("headroom", &crate::i18n::amount(sizing.headroom_pct)),
                ("generation", &generation),
                ("date", &cat.date()),
            ],
        ),
    }
}

/// A workload of the application and the strategy it goes with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkloadStrategy {
    pub name: String,
    pub role: String,
    pub strategy: Option<Strategy>,
    /// As the inventory says (production, staging...).
    pub environment: String,
    pub cpu_cores: Option<i64>,
}

/// The target for one application.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetArchitecture {
    /// 0 for the workloads without an application.
    pub application_id: i64,
    pub application: String,
    /// The application's strategy (majority of its workloads).
    pub strategy: Option<Strategy>,
    pub patterns: Vec<Pattern>,
    pub workloads: Vec<WorkloadStrategy>,
    pub components: Vec<Component>,
    pub rules: Vec<SgRule>,
    pub sizing: Vec<SizingLine>,
    pub findings_current: Vec<Finding>,
    pub findings_target: Vec<Finding>,
    pub region: String,
    pub mode: SizingMode,
}

impl TargetArchitecture {
    pub fn has(&self, kind: Kind) -> bool {
        self.components.iter().any(|c| c.kind == kind)
    }

    pub fn components_of(&self, kind: Kind) -> impl Iterator<Item = &Component> {
        self.components.iter().filter(move |c| c.kind == kind)
    }
}

/// Everything the generator reads about one engagement.
#[derive(Debug, Clone, Default)]
pub struct Estate {
    pub region: String,
    pub currency: String,
    pub mode: SizingMode,
    /// Basis, headroom and generation of performance-based sizing.
    pub sizing: Sizing,
    pub landing: LandingSettings,
    pub applications: Vec<Application>,
    pub workloads: Vec<Workload>,
    pub dependencies: Vec<Dependency>,
    /// Decision else recommendation, by workload id.
    pub strategies: HashMap<i64, Strategy>,
    /// A bastion or jump host is among the engagement's workloads left out
    /// of `workloads` (an estate loaded for one application).
    pub jump_host_elsewhere: bool,
}

impl Estate {
    /// The applications to show: the named ones that have workloads, then
    /// (id 0) the workloads without an application.
    pub fn application_list(&self) -> Vec<Application> {
        let used: std::collections::HashSet<&str> = self.workloads.iter().map(|w| w.application.as_str()).collect();
        let mut apps: Vec<Application> = self.applications.iter().filter(|a| used.contains(a.name.as_str())).cloned().collect();
        if used.contains("") {
            apps.push(Application { id: 0, name: String::new(), notes: String::new() });
        }
        apps
    }

    /// Whether the engagement has a bastion or jump host today.
    pub fn has_jump_host(&self) -> bool {
        self.jump_host_elsewhere || self.workloads.iter().any(|w| findings::is_jump_host(&w.name, &w.role, &w.notes))
    }

    pub fn workloads_of<'a>(&'a self, app: &'a Application) -> impl Iterator<Item = &'a Workload> + 'a {
        self.workloads.iter().filter(move |w| w.application == app.name)
    }

    pub fn strategy_of(&self, w: &Workload) -> Option<Strategy> {
        self.strategies.get(&w.id).copied()
    }

    pub fn strategy_by_name(&self, name: &str) -> Option<Strategy> {
        self.workloads.iter().find(|w| w.name == name).and_then(|w| self.strategy_of(w))
    }
}

/// The port an application server listens on, from its runtime and
/// middleware (8080 for Java application servers).
pub fn app_port(w: &Workload) -> u16 {
    let facts = format!("{} {}", w.runtime, w.middleware).to_lowercase();
    if facts.contains("node") {
        3000
    } else if facts.contains("python") || facts.contains("django") || facts.contains("gunicorn") {
        8000
    } else if facts.contains("php") {
        9000
    } else if facts.contains(".net") || facts.contains("iis") || facts.contains("asp") {
        443
    } else {
        8080
    }
}

/// The administration port of a host: RDP on Windows, SSH elsewhere.
pub fn admin_port(w: &Workload) -> u16 {
    if w.os.to_lowercase().contains("windows") { 3389 } else { 22 }
}

#[cfg(test)]
mod tests;
