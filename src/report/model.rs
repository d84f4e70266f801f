//! Everything the report shows, in one plain struct. The report renders
//! from this alone (no storage access), so each section can be fed by the
//! module that owns its data. Optional parts are left out of the PDF when
//! they are `None` or empty.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::inventory::{Dependency, Engagement, Workload};
use crate::plan::Plan;
use crate::strategy::Strategy;

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
    /// Target architecture: diagrams and security-group rules.
    pub architecture: Option<ArchitectureSection>,
    /// Right-sizing and TCO.
    pub costs: Option<CostSection>,
    /// Well-Architected findings against the best practices.
    pub findings: Vec<Finding>,
}

/// The decision for one application, with the evidence behind it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AppDecision {
    pub name: String,
    pub strategy: Option<Strategy>,
    pub workloads: usize,
    /// Why the strategy (scoring reasons or the consultant's rationale).
    pub reasons: Vec<String>,
    /// 0.0..=1.0: how much of the evidence the rules needed was known.
    pub confidence: Option<f64>,
    pub risks: Vec<Risk>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    High,
    Medium,
    Low,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Risk {
    pub severity: Severity,
    pub text: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArchitectureSection {
    /// One diagram per application (title, layout).
    pub diagrams: Vec<(String, Diagram)>,
    pub security_groups: Vec<SecurityGroupRule>,
}

/// A diagram as laid out for the web page: pixels, origin top-left.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Diagram {
    pub width: f32,
    pub height: f32,
    pub boxes: Vec<DiagramRect>,
    pub arrows: Vec<Arrow>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DiagramRect {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub label: String,
    /// What the box is (region, vpc, az, subnet-public, subnet-private,
    /// service, ...). Boxes that contain other boxes are drawn as frames.
    pub kind: String,
}

/// An allowed flow between two boxes (indices into `boxes`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Arrow {
    pub from: usize,
    pub to: usize,
    pub label: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroupRule {
    pub group: String,
    pub source: String,
    pub port: String,
    pub purpose: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CostSection {
    pub currency: String,
    /// The price catalogue's date, printed with the figures.
    pub price_date: String,
    pub sizing: Vec<SizingRow>,
    pub onprem_annual: Option<f64>,
    /// Annual AWS cost per pricing model (On-Demand, 1-year RI, ...).
    pub models: Vec<PricingModelCost>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SizingRow {
    pub workload: String,
    /// Today's shape ("4 vCPU, 16 GB").
    pub current: String,
    /// The AWS target ("m6i.xlarge", "db.r6g.large Multi-AZ").
    pub target: String,
    pub monthly: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PricingModelCost {
    pub model: String,
    pub annual: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// operational excellence, security, reliability, ...
    pub pillar: String,
    pub severity: Severity,
    pub title: String,
    pub recommendation: String,
}

impl CostSection {
    /// The cheapest pricing model, for the executive summary.
    pub fn cheapest(&self) -> Option<&PricingModelCost> {
        self.models.iter().min_by(|a, b| a.annual.total_cmp(&b.annual))
    }
}
