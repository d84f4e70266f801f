//! The architecture list of an engagement: one summary per application
//! (codes and figures, kept and read back), the landing zone they share and
//! the engagement's totals and cost range.

use serde::Serialize;

use super::landing_zone::{self, Env, Footprint, LandingZone};
use super::{AppArchitecture, Estate, Finding, Pattern, Severity};
use crate::cost::sizing::{Sizing, SizingMode};
use crate::strategy::Strategy;

/// What the architecture list shows of one application: codes and figures,
/// no text, so one kept row serves both languages.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct AppSummary {
    pub application_id: i64,
    /// Empty for the workloads without an application.
    pub application: String,
    pub strategy: Option<Strategy>,
    pub patterns: Vec<Pattern>,
    pub environment: Option<Env>,
    pub on_prem_annual: f64,
    pub retained_annual: f64,
    /// What the figures are in.
    pub currency: String,
    /// Per pricing model, its own components and (once the landing zone is
    /// known) its share of it.
    pub monthly: Vec<f64>,
    pub shared_monthly: Vec<f64>,
    /// Per sizing basis (own components only), as `AppArchitecture::range`.
    pub range: Vec<crate::cost::BasisCost>,
    pub findings_current: u32,
    pub high_current: u32,
    pub findings_target: u32,
    pub high_target: u32,
}

impl AppSummary {
    pub fn of(a: &AppArchitecture) -> AppSummary {
        let high = |fs: &[Finding]| fs.iter().filter(|f| f.severity == Severity::High).count() as u32;
        AppSummary {
            application_id: a.target.application_id,
            application: a.target.application.clone(),
            strategy: a.target.strategy,
            patterns: a.target.patterns.clone(),
            environment: a.environment(),
            on_prem_annual: a.cost.on_prem_annual,
            retained_annual: a.cost.retained_annual,
            currency: a.cost.currency.clone(),
            monthly: a.cost.own_monthly(),
            shared_monthly: a.shared_monthly.clone(),
            range: a.range.clone(),
            findings_current: a.target.findings_current.len() as u32,
            high_current: high(&a.target.findings_current),
            findings_target: a.target.findings_target.len() as u32,
            high_target: high(&a.target.findings_target),
        }
    }

    /// What the engagement's overview adds up of it.
    pub fn addends(&self) -> Addends {
        Addends {
            on_prem_annual: self.on_prem_annual,
            on_demand_monthly: self.monthly.first().copied().unwrap_or(0.0),
            range: self.range.iter().map(|b| b.monthly.clone()).collect(),
        }
    }

    pub fn on_demand_monthly(&self) -> f64 {
        self.monthly.first().copied().unwrap_or(0.0) + self.shared_monthly.first().copied().unwrap_or(0.0)
    }

    /// The cheapest pricing model over three years: its index in the
    /// catalogue's `pricing_models` and its monthly figure.
    pub fn best_model(&self) -> Option<(usize, f64)> {
        self.monthly
            .iter()
            .zip(&self.shared_monthly)
            .map(|(a, b)| a + b)
            .enumerate()
            .min_by(|(_, x), (_, y)| (x * 36.0).total_cmp(&(y * 36.0)))
    }
}

/// What the engagement's overview adds up of one application's summary
/// (`overview::EstateOverview::summed`): kept beside the summary, so that
/// the overview is summed without reading every summary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Addends {
    pub on_prem_annual: f64,
    /// Its own components on demand per month.
    pub on_demand_monthly: f64,
    /// Per sizing basis, as `AppSummary::range`: its own components per
    /// pricing model.
    pub range: Vec<Vec<f64>>,
}

/// The architecture list of an engagement: one summary per application, the
/// landing zone they share and the engagement's totals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ArchitectureList {
    pub currency: String,
    pub mode: SizingMode,
    pub sizing: Sizing,
    pub rows: Vec<AppSummary>,
    pub total_on_prem_annual: f64,
    pub landing_zone: Option<LandingZone>,
    footprints: Vec<Footprint>,
}

impl ArchitectureList {
    /// An empty list (its figures in USD until an application says otherwise).
    pub fn new(mode: SizingMode) -> ArchitectureList {
        ArchitectureList { currency: "USD".into(), mode, ..ArchitectureList::default() }
    }

    pub fn push(&mut self, a: &AppArchitecture) {
        self.push_summary(AppSummary::of(a), a.footprint.clone());
    }

    /// Adds an application's summary (kept or just built) and footprint.
    pub fn push_summary(&mut self, row: AppSummary, footprint: Option<Footprint>) {
        if self.rows.is_empty() {
            self.currency = row.currency.clone();
        }
        self.total_on_prem_annual += row.on_prem_annual;
        self.rows.push(row);
        self.footprints.extend(footprint);
    }

    /// Plans the landing zone from the applications pushed and adds each
    /// one's share to its figures.
    pub fn finish(&mut self, estate: &Estate, cat: &crate::cost::catalogue::Catalogue) {
        self.mode = estate.mode;
        self.sizing = estate.sizing;
        self.landing_zone = landing_zone::plan(estate.landing, estate, &self.footprints, cat);
        if let Some(lz) = &self.landing_zone {
            for row in &mut self.rows {
                row.shared_monthly = lz.shared_monthly(row.application_id, row.monthly.len());
            }
        }
    }

    pub fn total_on_demand_monthly(&self) -> f64 {
        self.rows.iter().map(|r| r.monthly.first().copied().unwrap_or(0.0)).sum::<f64>()
            + self.landing_zone.as_ref().and_then(|lz| lz.monthly.first().copied()).unwrap_or(0.0)
    }

    /// The engagement's monthly cost per pricing model on every sizing
    /// basis: the applications' own components on that basis plus the
    /// landing zone (the same on every basis).
    pub fn range(&self) -> Vec<crate::cost::BasisCost> {
        estate_range(self.rows.iter().map(|r| r.range.as_slice()), self.landing_zone.as_ref(), |r| r.iter().map(|b| &b.monthly).collect())
    }
}

/// Adds up per-application ranges and the landing zone. `own` gives each
/// application's range without its share.
pub(super) fn estate_range<'a, T: 'a>(
    apps: impl Iterator<Item = T>,
    lz: Option<&LandingZone>,
    own: impl Fn(&T) -> Vec<&Vec<f64>>,
) -> Vec<crate::cost::BasisCost> {
    let mut out: Vec<crate::cost::BasisCost> = Vec::new();
    for app in apps {
        let own = own(&app);
        if out.is_empty() {
            out = own
                .iter()
                .map(|m| crate::cost::BasisCost { mode: SizingMode::Performance, basis: Default::default(), monthly: vec![0.0; m.len()] })
                .collect();
        }
        for (sum, m) in out.iter_mut().zip(own) {
            for (s, v) in sum.monthly.iter_mut().zip(m) {
                *s += v;
            }
        }
    }
    let bases =
        crate::cost::sizing::Basis::ALL.iter().map(|b| (SizingMode::Performance, *b)).chain([(SizingMode::AsOnPrem, Default::default())]);
    for (r, (mode, basis)) in out.iter_mut().zip(bases) {
        r.mode = mode;
        r.basis = basis;
        if let Some(lz) = lz {
            for (s, v) in r.monthly.iter_mut().zip(&lz.monthly) {
                *s += v;
            }
        }
    }
    out
}

/// The engagement's cost range (every sizing basis, per pricing model) from
/// its applications' estimates and their landing zone: what an executive
/// summary quotes.
pub fn cost_range(archs: &[AppArchitecture], lz: Option<&LandingZone>) -> Vec<crate::cost::BasisCost> {
    estate_range(archs.iter(), lz, |a| a.range.iter().map(|b| &b.monthly).collect())
}
