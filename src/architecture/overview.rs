//! What the architecture list shows of the whole engagement: the totals, the
//! range over the sizing bases and the landing zone in a few lines. Kept
//! with the summaries (db::derived), so that a page of the list reads one
//! row and a page of summaries instead of every application.

use serde::{Deserialize, Serialize};

use super::ArchitectureList;
use super::landing_zone::{Env, LandingSettings, LandingZone, Totals};
use super::list::{Addends, AppSummary, estate_range};
use crate::cost::BasisCost;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EstateOverview {
    pub currency: String,
    /// Rows of the list: applications, and the workloads without one.
    pub applications: usize,
    pub total_on_prem_annual: f64,
    /// On-demand, the landing zone included.
    pub total_on_demand_monthly: f64,
    pub range: Vec<BasisCost>,
    pub landing: Option<LandingOverview>,
}

impl Default for EstateOverview {
    fn default() -> EstateOverview {
        EstateOverview::of(&ArchitectureList::new(Default::default()))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LandingOverview {
    pub settings: LandingSettings,
    /// Per pricing model: the whole landing zone per month.
    pub monthly: Vec<f64>,
    pub currency: String,
    pub networks: Vec<NetworkOverview>,
    /// What it was planned from: one application's share is planned from
    /// these (`landing_zone::plan_share`). Absent in what was kept before.
    #[serde(default)]
    pub totals: Option<Totals>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkOverview {
    /// `None`: the shared-services hub.
    pub env: Option<Env>,
    pub cidr: String,
    /// How many applications are placed in it.
    pub applications: usize,
}

impl EstateOverview {
    pub fn of(list: &ArchitectureList) -> EstateOverview {
        let apps: Vec<Addends> = list.rows.iter().map(AppSummary::addends).collect();
        EstateOverview::summed(&list.currency, &apps, list.landing_zone.as_ref())
    }

    /// The overview from every application's addends, in the list's order
    /// (a sum in another order may differ in its last bits), and their
    /// landing zone.
    pub fn summed(currency: &str, apps: &[Addends], lz: Option<&LandingZone>) -> EstateOverview {
        EstateOverview {
            currency: currency.to_string(),
            applications: apps.len(),
            total_on_prem_annual: apps.iter().fold(0.0, |sum, a| sum + a.on_prem_annual),
            total_on_demand_monthly: apps.iter().map(|a| a.on_demand_monthly).sum::<f64>()
                + lz.and_then(|lz| lz.monthly.first().copied()).unwrap_or(0.0),
            range: estate_range(apps.iter(), lz, |a| a.range.iter().collect()),
            landing: lz.map(LandingOverview::of),
        }
    }
}

impl LandingOverview {
    pub fn of(lz: &LandingZone) -> LandingOverview {
        LandingOverview {
            settings: lz.settings,
            monthly: lz.monthly.clone(),
            currency: lz.currency.clone(),
            networks: lz
                .networks
                .iter()
                .map(|n| NetworkOverview { env: n.env, cidr: n.cidr.to_string(), applications: n.placed })
                .collect(),
            totals: Some(lz.totals.clone()),
        }
    }
}
