//! The building blocks the strategies share: an Auto Scaling tier over two
//! AZs, the database tier (RDS Multi-AZ or a database host) and static
//! content (S3 behind CloudFront).

use super::Builder;
use crate::architecture::{Az, Component, Engine, Kind, Peer, Scaling, Subnet, Tier};
use crate::cost::sizing::{self, Choice};
use crate::inventory::Workload;

impl Builder<'_> {
    /// An Auto Scaling tier over two AZs: one EC2 component per AZ, sized by
    /// the largest of its workloads, at least one instance per AZ.
    pub(super) fn scaling_tier(&mut self, tier: Tier, subnet: Subnet, members: &[(&Workload, f64)], label: &'static str) {
        let key = tier.code();
        let mut best: Option<Choice> = None;
        for (w, share) in members {
            if let Some(c) = self.size_ec2(w, *share, &format!("{key}-a"))
                && best.as_ref().is_none_or(|b| c.hourly_usd > b.hourly_usd)
            {
                best = Some(c);
            }
        }
        let total = (members.len() as u32).max(2);
        let per_az = [total.div_ceil(2), total / 2];
        for (az, count) in [(Az::A, per_az[0]), (Az::B, per_az[1])] {
            let mut c = Component::generic(Kind::Ec2, format!("{key}-{}", az.code()), label, tier, subnet, az);
            c.size = best.as_ref().map(|b| b.name.clone()).unwrap_or_default();
            c.count = count;
            c.scaling = Some(Scaling { min: total, max: total * 2 });
            c.storage_gb = 20.0;
            c.workloads = members.iter().map(|(w, _)| w.name.clone()).collect();
            self.add(c);
        }
    }

    /// The database tier: RDS Multi-AZ with the matching engine, or an EC2
    /// database host when RDS does not run the engine. Returns the peers.
    pub(super) fn database_tier(&mut self, dbs: &[&Workload]) -> Vec<(Peer, u16)> {
        let mut peers = Vec::new();
        let mut any_rds = false;
        for w in dbs {
            match Engine::parse(&w.db_engine) {
                Some(engine) => {
                    any_rds = true;
                    let demand = self.demand(w, 1.0);
                    let choice = sizing::size_rds(self.cat, &self.region, engine.code(), &demand);
                    let key = format!("rds-{}", w.name);
                    self.record(w, 1.0, &key, "rds", demand, choice.clone());
                    let label = format!("{} ({})", engine.rds_name(), w.name);
                    for (az, standby) in [(Az::A, false), (Az::B, true)] {
                        let k = if standby { format!("rds-standby-{}", w.name) } else { key.clone() };
                        let mut c = Component::new(Kind::Rds, k, label.clone(), Tier::Data, Subnet::Private, az);
                        c.size = choice.as_ref().map(|c| c.name.clone()).unwrap_or_default();
                        c.engine = Some(engine);
                        c.standby = standby;
                        c.storage_gb = w.storage_gb.unwrap_or(20.0).max(20.0);
                        c.workloads = vec![w.name.clone()];
                        self.add(c);
                    }
                    let peer = Peer::new(format!("db:{}", w.name), label, Tier::Data);
                    self.endpoints.inbound.insert(w.name.clone(), (peer.clone(), engine.port()));
                    peers.push((peer, engine.port()));
                }
                None => {
                    let key = format!("db-host-{}", w.name);
                    let choice = self.size_ec2(w, 1.0, &key);
                    let mut c = Component::new(Kind::Ec2, key.clone(), w.name.clone(), Tier::Data, Subnet::Private, Az::A);
                    c.size = choice.map(|c| c.name).unwrap_or_default();
                    c.storage_gb = w.storage_gb.unwrap_or(20.0);
                    c.workloads = vec![w.name.clone()];
                    self.add(c);
                    let port = self.dependency_port(w).unwrap_or(0);
                    let peer = Peer::new(format!("host:{}", w.name), w.name.clone(), Tier::Data);
                    if port > 0 {
                        self.endpoints.inbound.insert(w.name.clone(), (peer.clone(), port));
                        peers.push((peer, port));
                    }
                }
            }
        }
        if any_rds && !self.components.iter().any(|c| c.key == "s3-backups") {
            let mut c = Component::generic(Kind::S3, "s3-backups", "backups", Tier::Operations, Subnet::None, Az::None);
            c.storage_gb = 0.0;
            self.add(c);
        }
        peers
    }

    pub(super) fn static_content(&mut self) {
        if self.components.iter().any(|c| c.key == "s3-static") {
            return;
        }
        let mut s3 = Component::generic(Kind::S3, "s3-static", "static_content", Tier::Edge, Subnet::None, Az::None);
        s3.storage_gb = self.cat.assumptions.static_content_gb;
        self.add(s3);
        self.add(Component::generic(Kind::CloudFront, "cloudfront", "static_delivery", Tier::Edge, Subnet::None, Az::None));
    }
}
