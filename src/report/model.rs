//! Everything the report shows, in one plain struct. The report renders
//! from this alone (no storage access), so each section is fed by the
//! module that owns its data, in that module's own types; the text is
//! picked in the report's language when it is drawn. Optional parts are
//! left out of the PDF when they are empty.

use std::collections::HashMap;

use crate::architecture::AppArchitecture;
use crate::inventory::{Dependency, Engagement, Workload};
use crate::plan::Plan;
use crate::scoring::{Reason, Risk};
use crate::strategy::Strategy;

pub use crate::scoring::rules::Severity;

#[derive(Debug, Clone)]
pub struct ReportData {
    pub engagement: Engagement,
    /// The date printed on the cover (YYYY-MM-DD).
    pub generated_on: String,
    pub workloads: Vec<Workload>,
    pub dependencies: Vec<Dependency>,
    /// The strategy each workload goes with (decision, else recommendation).
    pub strategies: HashMap<i64, Strategy>,
    /// One entry per application (and per workload without one), by name.
    pub applications: Vec<AppDecision>,
    pub plan: Plan,
    /// Per application: target architecture (diagram, security groups,
    /// sizing, Well-Architected findings) and its cost.
    pub architectures: Vec<AppArchitecture>,
    /// The landing zone the applications share (`None`: nothing moves).
    pub landing_zone: Option<crate::architecture::landing_zone::LandingZone>,
}

/// The decision for one application, with the evidence behind it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppDecision {
    pub name: String,
    pub strategy: Option<Strategy>,
    pub workloads: usize,
    /// The consultant's rationale for the decisions, as typed.
    pub rationale: Vec<String>,
    /// The scoring's reasons (both languages), each once.
    pub reasons: Vec<Reason>,
    /// 0.0..=1.0: how much of the evidence the rules needed was known.
    pub confidence: Option<f64>,
    /// The scoring's risks, highest first, each once.
    pub risks: Vec<Risk>,
}
