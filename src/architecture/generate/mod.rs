//! The generator: one application's workloads and strategies in, its target
//! architecture out (components, security-group rules, sizing, findings).
//!
//! `Builder` collects components, rules and sizing lines; its steps are
//! spread by what they build: `strategies` (one method per strategy),
//! `tiers` (the building blocks they share: an Auto Scaling tier, the
//! database tier, static content) and `foundation` (network, management
//! path and operations, shared with the landing zone).

mod foundation;
mod strategies;
mod tiers;

use std::collections::BTreeMap;

use super::{Component, Estate, Pattern, Peer, SgRule, SizingLine, TargetArchitecture, Tier, WorkloadStrategy, findings};
use crate::cost::catalogue::Catalogue;
use crate::cost::sizing::{self, Choice, Demand};
use crate::inventory::{Application, Workload};
use crate::strategy::{Strategy, application_strategy};

/// Fargate task vCPU steps.
const FARGATE_VCPU: &[f64] = &[0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0];

fn role(w: &Workload) -> &str {
    w.role.trim()
}

/// A database server: role `db`, or a database engine on a server that is
/// not one of the web/app roles.
pub fn is_db(w: &Workload) -> bool {
    role(w) == "db" || (!w.db_engine.trim().is_empty() && !matches!(role(w), "web" | "app" | "web-app"))
}

/// Faces the internet today (web server or combined web/app server).
pub fn is_web(w: &Workload) -> bool {
    matches!(role(w), "web" | "web-app")
}

/// Carries application logic: app servers, the app half of web-app servers,
/// and anything else that is neither web nor database.
fn is_app(w: &Workload) -> bool {
    role(w) == "web-app" || (!is_web(w) && !is_db(w))
}

/// Who a workload's traffic comes from (outbound side) and where its
/// clients connect (inbound side, with the port) in the target, by workload
/// name. Ordered maps: rules are made by walking them (the bastion's rule to
/// each database), and a hash map's order changed the security groups, the
/// CloudFormation and the diagram from one run to the next.
#[derive(Default)]
struct Endpoints {
    outbound: BTreeMap<String, Peer>,
    inbound: BTreeMap<String, (Peer, u16)>,
}

struct Builder<'a> {
    estate: &'a Estate,
    cat: &'a Catalogue,
    region: String,
    components: Vec<Component>,
    rules: Vec<SgRule>,
    sizing: Vec<SizingLine>,
    patterns: Vec<Pattern>,
    endpoints: Endpoints,
}

pub fn generate(estate: &Estate, app: &Application, cat: &Catalogue) -> TargetArchitecture {
    let region = cat.region(&estate.region).0.to_string();
    let workloads: Vec<&Workload> = estate.workloads_of(app).collect();
    let strategies: Vec<Strategy> = workloads.iter().filter_map(|w| estate.strategy_of(w)).collect();
    let mut b = Builder {
        estate,
        cat,
        region: region.clone(),
        components: Vec::new(),
        rules: Vec::new(),
        sizing: Vec::new(),
        patterns: Vec::new(),
        endpoints: Endpoints::default(),
    };
    let with = |s: Strategy| -> Vec<&Workload> { workloads.iter().copied().filter(|w| estate.strategy_of(w) == Some(s)).collect() };
    let (replatform, rehost, refactor) = (with(Strategy::Replatform), with(Strategy::Rehost), with(Strategy::Refactor));
    if !replatform.is_empty() {
        b.replatform(&replatform);
    }
    if !rehost.is_empty() {
        b.rehost(&rehost);
    }
    if !refactor.is_empty() {
        b.refactor(&refactor);
    }
    let moving = !(replatform.is_empty() && rehost.is_empty() && refactor.is_empty());
    if moving {
        b.foundation();
    }
    for s in [Strategy::Repurchase, Strategy::Retain, Strategy::Retire] {
        let group = with(s);
        match s {
            _ if group.is_empty() => {}
            Strategy::Repurchase => b.repurchase(&group),
            Strategy::Retain => b.retain(&group),
            _ => b.retire(&group),
        }
    }
    b.dependency_rules(&workloads);
    // Design rule, whatever the inventory says: the internet never reaches
    // the data tier directly.
    b.rules.retain(|r| !(r.source.key == "internet" && r.destination.tier == Tier::Data));

    let mut target = TargetArchitecture {
        application_id: app.id,
        application: app.name.clone(),
        strategy: application_strategy(&strategies),
        patterns: b.patterns,
        workloads: workloads
            .iter()
            .map(|w| WorkloadStrategy {
                name: w.name.clone(),
                role: w.role.clone(),
                strategy: estate.strategy_of(w),
                environment: w.environment.clone(),
                cpu_cores: w.cpu_cores,
            })
            .collect(),
        components: b.components,
        rules: b.rules,
        sizing: b.sizing,
        findings_current: Vec::new(),
        findings_target: Vec::new(),
        region,
        mode: estate.mode,
    };
    target.findings_current = findings::current(&workloads, estate);
    target.findings_target = findings::target(&target);
    target
}

impl<'a> Builder<'a> {
    pub(super) fn add(&mut self, c: Component) {
        self.components.push(c);
    }

    pub(super) fn rule(&mut self, source: &Peer, destination: &Peer, port: u16, why: &'static str) {
        let exists = self.rules.iter().any(|r| r.source.key == source.key && r.destination.key == destination.key && r.port == port);
        if !exists {
            self.rules.push(SgRule { source: source.clone(), destination: destination.clone(), protocol: "tcp", port, why });
        }
    }

    pub(super) fn demand(&self, w: &Workload, share: f64) -> Demand {
        sizing::demand(w, self.estate.mode, &self.estate.sizing, share)
    }

    /// Sizes `w` (its `share` of the server) as EC2 and records the line.
    pub(super) fn size_ec2(&mut self, w: &Workload, share: f64, component: &str) -> Option<Choice> {
        let demand = self.demand(w, share);
        let choice = sizing::size_ec2(self.cat, &self.region, &demand, self.estate.sizing.generation);
        self.record(w, share, component, "ec2", demand, choice.clone());
        choice
    }

    pub(super) fn record(
        &mut self,
        w: &Workload,
        share: f64,
        component: &str,
        service: &'static str,
        demand: Demand,
        choice: Option<Choice>,
    ) {
        self.sizing.push(SizingLine {
            workload: w.name.clone(),
            component: component.to_string(),
            service,
            cores: w.cpu_cores,
            ram_gb: w.ram_gb,
            cpu_pct: demand.cpu_pct,
            ram_pct: demand.ram_pct,
            share_pct: share * 100.0,
            demand,
            choice,
        });
    }
    /// A port some dependency names for `w` (its clients' port).
    pub(super) fn dependency_port(&self, w: &Workload) -> Option<u16> {
        self.estate.dependencies.iter().filter(|d| d.to == w.name).find_map(|d| d.port.and_then(|p| u16::try_from(p).ok()))
    }

    /// Recorded dependencies become flows between the peers that carry them
    /// in the target (dependencies into retained servers go over the link).
    fn dependency_rules(&mut self, ws: &[&Workload]) {
        let names: Vec<&str> = ws.iter().map(|w| w.name.as_str()).collect();
        let deps: Vec<_> = self.estate.dependencies.iter().filter(|d| names.contains(&d.from.as_str())).cloned().collect();
        for d in deps {
            let Some(source) = self.endpoints.outbound.get(&d.from).cloned() else { continue };
            let target = match self.endpoints.inbound.get(&d.to).cloned() {
                Some(t) => Some(t),
                // A dependency on a retained server of another application.
                None if self.estate.strategy_by_name(&d.to) == Some(Strategy::Retain) => {
                    Some((Peer::new(format!("on_prem:{}", d.to), format!("{} (on premises)", d.to), Tier::OnPrem), 0))
                }
                None => None,
            };
            let Some((destination, inferred)) = target else { continue };
            let port = d.port.and_then(|p| u16::try_from(p).ok()).filter(|p| *p > 0).unwrap_or(inferred);
            if port == 0 || source.key == destination.key {
                continue;
            }
            let why = if destination.tier == Tier::OnPrem { "to_on_prem" } else { "dependency" };
            self.rule(&source, &destination, port, why);
        }
    }
}
