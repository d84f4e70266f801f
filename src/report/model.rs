//! Everything the report shows, in one plain struct. The report renders
//! from this alone (no storage access), so each section is fed by the
//! module that owns its data, in that module's own types; the text is
//! picked in the report's language when it is drawn. Optional parts are
//! left out of the PDF when they are empty.

use std::collections::{HashMap, HashSet};

use crate::architecture::AppArchitecture;
use crate::inventory::{Dependency, Engagement, Workload};
use crate::plan::Plan;
use crate::scoring::Assessment;
use crate::strategy::Strategy;

pub use crate::scoring::rules::Severity;

#[derive(Debug, Clone)]
pub struct ReportData {
    pub engagement: Engagement,
    /// The report's date (YYYY-MM-DD): on the cover and in the PDF's
    /// document information. Given by the caller, so a test can fix it.
    pub generated_on: String,
    pub workloads: Vec<Workload>,
    pub dependencies: Vec<Dependency>,
    /// The strategy each workload goes with (decision, else recommendation).
    pub strategies: HashMap<i64, Strategy>,
    /// The scoring's result per workload: reasons, risks, confidence and the
    /// facts it still missed.
    pub assessments: HashMap<i64, Assessment>,
    /// The workloads whose strategy the consultant decided; the others go
    /// with the recommendation until someone does.
    pub decided: HashSet<i64>,
    /// The consultant's rationale per decided workload, where written.
    pub rationales: HashMap<i64, String>,
    pub plan: Plan,
    /// Per application: target architecture (diagram, security groups,
    /// sizing, Well-Architected findings) and its cost.
    pub architectures: Vec<AppArchitecture>,
    /// The landing zone the applications share (`None`: nothing moves).
    pub landing_zone: Option<crate::architecture::landing_zone::LandingZone>,
}
