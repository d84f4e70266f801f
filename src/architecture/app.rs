//! An application's target with its cost (`AppArchitecture`) and how it is
//! built: alone, or with its share of the landing zone planned from the
//! whole engagement.

use serde::Serialize;

use super::landing_zone::{self, Env, Footprint, LandingZone};
use super::{Estate, TargetArchitecture, costing, generate};
use crate::cost::sizing::{Sizing, SizingMode};
use crate::inventory::Application;

/// An application's target with its cost: what the pages, the JSON API and
/// the PDF report show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppArchitecture {
    #[serde(flatten)]
    pub target: TargetArchitecture,
    pub cost: costing::CostEstimate,
    /// The sizing assumptions the estimate stands on.
    pub sizing: Sizing,
    /// Its own components' monthly cost per pricing model on every sizing
    /// basis (the chosen one included); add `shared_monthly` for the total.
    pub range: Vec<crate::cost::BasisCost>,
    /// Its share of the landing zone per pricing model (zeros without one).
    pub shared_monthly: Vec<f64>,
    /// What it needs from the landing zone; `None` when nothing moves.
    pub footprint: Option<Footprint>,
}

impl AppArchitecture {
    /// The VPC it is placed in.
    pub fn environment(&self) -> Option<Env> {
        self.footprint.as_ref().filter(|f| f.in_vpc).map(|f| f.env)
    }
}

/// Every application's target and cost, sharing the landing zone planned
/// from them all (`estate` holds the whole engagement).
pub fn build_all(estate: &Estate, cat: &crate::cost::catalogue::Catalogue) -> Vec<AppArchitecture> {
    let apps = estate.application_list();
    let own: Vec<AppArchitecture> = apps.iter().map(|a| build(estate, a, cat, None)).collect();
    let footprints: Vec<Footprint> = own.iter().filter_map(|a| a.footprint.clone()).collect();
    let Some(lz) = landing_zone::plan(estate.landing, estate, &footprints, cat) else { return own };
    own.into_iter()
        .map(|mut a| {
            a.share(&lz, cat);
            a
        })
        .collect()
}

/// The landing zone of an estate holding the whole engagement.
pub fn landing_zone_of(estate: &Estate, cat: &crate::cost::catalogue::Catalogue) -> Option<LandingZone> {
    let footprints: Vec<Footprint> = estate.application_list().iter().filter_map(|a| build(estate, a, cat, None).footprint).collect();
    landing_zone::plan(estate.landing, estate, &footprints, cat)
}

/// One application's target and cost (`app_id` 0: the workloads without an
/// application) in an estate holding the whole engagement; `None` when the
/// application has no workloads.
pub fn build_one(estate: &Estate, app_id: i64, cat: &crate::cost::catalogue::Catalogue) -> Option<AppArchitecture> {
    build_all(estate, cat).into_iter().find(|a| a.target.application_id == app_id)
}

/// `app`'s target and cost from an estate holding at least its workloads,
/// the dependencies touching them and the workloads at their other ends,
/// with its share of the landing zone when there is one.
pub fn build(estate: &Estate, app: &Application, cat: &crate::cost::catalogue::Catalogue, lz: Option<&LandingZone>) -> AppArchitecture {
    build_with_range(estate, app, cat, lz, None)
}

/// `build` with its own cost on every sizing basis given (`range`: the one
/// its kept summary holds) instead of worked out again, three more targets
/// generated and priced: a page about one application takes it from there.
pub fn build_with_range(
    estate: &Estate,
    app: &Application,
    cat: &crate::cost::catalogue::Catalogue,
    lz: Option<&LandingZone>,
    range: Option<Vec<crate::cost::BasisCost>>,
) -> AppArchitecture {
    let target = generate(estate, app, cat);
    let cost = costing::estimate(&target, estate, cat);
    let footprint = Footprint::of(&target);
    let range = range.unwrap_or_else(|| other_bases(estate, app, cat, &cost));
    let shared_monthly = vec![0.0; cost.models.len()];
    let mut a = AppArchitecture { target, cost, sizing: estate.sizing, range, shared_monthly, footprint };
    if let Some(lz) = lz {
        a.share(lz, cat);
    }
    a
}

/// The own monthly cost on every sizing basis, `cost` on the estate's own.
fn other_bases(
    estate: &Estate,
    app: &Application,
    cat: &crate::cost::catalogue::Catalogue,
    cost: &costing::CostEstimate,
) -> Vec<crate::cost::BasisCost> {
    // The same estimate on the other bases: only the sizing differs.
    let mut range = Vec::new();
    for (mode, basis) in
        crate::cost::sizing::Basis::ALL.iter().map(|b| (SizingMode::Performance, *b)).chain([(SizingMode::AsOnPrem, estate.sizing.basis)])
    {
        let own = if mode == estate.mode && (mode == SizingMode::AsOnPrem || basis == estate.sizing.basis) {
            cost.own_monthly()
        } else {
            let other = Estate { mode, sizing: Sizing { basis, ..estate.sizing }, ..estate.clone() };
            let t = generate(&other, app, cat);
            costing::estimate(&t, &other, cat).own_monthly()
        };
        range.push(crate::cost::BasisCost { mode, basis, monthly: own });
    }
    range
}

impl AppArchitecture {
    /// Adds its share of the landing zone to its cost.
    fn share(&mut self, lz: &LandingZone, cat: &crate::cost::catalogue::Catalogue) {
        self.cost.add_share(lz, self.target.application_id, cat);
        self.shared_monthly = lz.shared_monthly(self.target.application_id, self.cost.models.len());
    }

    /// Monthly per pricing model on every basis, its share included.
    pub fn full_range(&self) -> Vec<crate::cost::BasisCost> {
        self.range
            .iter()
            .map(|r| crate::cost::BasisCost {
                monthly: r.monthly.iter().zip(&self.shared_monthly).map(|(a, b)| a + b).collect(),
                ..r.clone()
            })
            .collect()
    }
}
