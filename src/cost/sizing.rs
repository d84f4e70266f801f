//! Right-sizing: from a server's cores, memory and peak utilisation to the
//! smallest (cheapest) instance type or RDS class of the catalogue that fits.

use serde::{Deserialize, Serialize};

use super::catalogue::{Catalogue, Priced};
use crate::inventory::Workload;

/// How capacity is derived from the inventory (engagement preference "sizing").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SizingMode {
    /// Cores x peak CPU and memory x peak memory, plus headroom.
    #[default]
    Performance,
    /// The same cores and memory as on premises.
    AsOnPrem,
}

impl SizingMode {
    pub const ALL: [SizingMode; 2] = [SizingMode::Performance, SizingMode::AsOnPrem];

    pub fn code(self) -> &'static str {
        match self {
            SizingMode::Performance => "performance",
            SizingMode::AsOnPrem => "as_on_prem",
        }
    }

    pub fn parse(s: &str) -> Option<SizingMode> {
        SizingMode::ALL.into_iter().find(|m| m.code() == s.trim())
    }
}

/// Which utilisation figure performance-based sizing reads (engagement
/// preference "sizing"). The peak is the safe default; the 95th percentile
/// ignores the rare spikes; the average sizes for typical load and leans on
/// Auto Scaling or burst for the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    #[default]
    Peak,
    P95,
    Average,
}

impl Basis {
    pub const ALL: [Basis; 3] = [Basis::Peak, Basis::P95, Basis::Average];

    pub fn code(self) -> &'static str {
        match self {
            Basis::Peak => "peak",
            Basis::P95 => "p95",
            Basis::Average => "average",
        }
    }

    pub fn parse(s: &str) -> Option<Basis> {
        Basis::ALL.into_iter().find(|b| b.code() == s.trim())
    }

    /// CPU and memory utilisation of `w` on this basis; a basis the
    /// inventory lacks falls back to the peak (never smaller than the data
    /// supports), and says so.
    fn utilisation(self, w: &Workload) -> (Option<f64>, Option<f64>, Option<SizingFlag>) {
        let peak = (w.cpu_util_peak_pct, w.ram_util_peak_pct);
        let (figures, flag) = match self {
            Basis::Peak => return (peak.0, peak.1, None),
            Basis::P95 => ((w.cpu_util_p95_pct, w.ram_util_p95_pct), SizingFlag::P95FromPeak),
            Basis::Average => ((w.cpu_util_avg_pct, w.ram_util_avg_pct), SizingFlag::AverageFromPeak),
        };
        let fell_back = (figures.0.is_none() && peak.0.is_some()) || (figures.1.is_none() && peak.1.is_some());
        (figures.0.or(peak.0), figures.1.or(peak.1), fell_back.then_some(flag))
    }
}

/// Which EC2 families sizing picks from (the catalogue's
/// `[sizing.generations]`): the current Intel generation, Graviton (arm64)
/// where the operating system allows it, or the previous generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Generation {
    #[default]
    Current,
    Graviton,
    Previous,
}

impl Generation {
    pub const ALL: [Generation; 3] = [Generation::Current, Generation::Graviton, Generation::Previous];

    pub fn code(self) -> &'static str {
        match self {
            Generation::Current => "current",
            Generation::Graviton => "graviton",
            Generation::Previous => "previous",
        }
    }

    pub fn parse(s: &str) -> Option<Generation> {
        Generation::ALL.into_iter().find(|g| g.code() == s.trim())
    }
}

/// The engagement's sizing assumptions besides the mode: printed beside
/// every estimate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sizing {
    pub basis: Basis,
    pub headroom_pct: f64,
    pub generation: Generation,
}

impl Default for Sizing {
    fn default() -> Self {
        Sizing { basis: Basis::Peak, headroom_pct: 30.0, generation: Generation::Current }
    }
}

/// Why a size is less certain than it looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SizingFlag {
    /// Neither cores nor memory known: started at the catalogue's small default.
    NoCapacityData,
    CoresUnknown,
    MemoryUnknown,
    /// Performance mode without a measured utilisation: sized as on premises.
    NoUtilisation,
    /// No 95th percentile in the inventory: the peak was used.
    P95FromPeak,
    /// No average in the inventory: the peak was used.
    AverageFromPeak,
    /// Needs more than the largest type: the largest is shown; split or scale out.
    BeyondLargest,
    /// The region has no price for a type (catalogue gap).
    NotPriced,
    /// Graviton chosen, but the operating system needs x86: current generation used.
    NoGravitonForOs,
}

impl SizingFlag {
    pub fn code(self) -> &'static str {
        match self {
            SizingFlag::NoCapacityData => "no_capacity_data",
            SizingFlag::CoresUnknown => "cores_unknown",
            SizingFlag::MemoryUnknown => "memory_unknown",
            SizingFlag::NoUtilisation => "no_utilisation",
            SizingFlag::P95FromPeak => "p95_from_peak",
            SizingFlag::AverageFromPeak => "average_from_peak",
            SizingFlag::BeyondLargest => "beyond_largest",
            SizingFlag::NotPriced => "not_priced",
            SizingFlag::NoGravitonForOs => "no_graviton_for_os",
        }
    }
}

/// The capacity a workload (or its share of a split server) needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Demand {
    pub vcpu: f64,
    pub memory_gib: f64,
    /// The CPU utilisation % sizing read (peak, 95th percentile or average),
    /// when known: burstable types fit only when it stays low.
    pub cpu_pct: Option<f64>,
    /// The memory utilisation % sizing read, when known.
    pub ram_pct: Option<f64>,
    /// x86 only (Windows): no Graviton.
    pub x86_only: bool,
    pub flags: Vec<SizingFlag>,
}

impl Demand {
    /// True when nothing about the server's size is known.
    pub fn unknown(&self) -> bool {
        self.flags.contains(&SizingFlag::NoCapacityData)
    }
}

/// Smallest demand worth sizing for: one vCPU, half a GiB.
const MIN_VCPU: f64 = 1.0;
const MIN_MEMORY_GIB: f64 = 0.5;

/// What `w` needs in the cloud. `share` (0..=1] is the part of the server
/// the target carries (a web/app server split into two tiers).
pub fn demand(w: &Workload, mode: SizingMode, sizing: &Sizing, share: f64) -> Demand {
    let mut flags = Vec::new();
    let headroom = 1.0 + sizing.headroom_pct.max(0.0) / 100.0;
    let cores = w.cpu_cores.filter(|c| *c > 0).map(|c| c as f64);
    let memory = w.ram_gb.filter(|m| *m > 0.0);
    if cores.is_none() && memory.is_none() {
        flags.push(SizingFlag::NoCapacityData);
    } else {
        if cores.is_none() {
            flags.push(SizingFlag::CoresUnknown);
        }
        if memory.is_none() {
            flags.push(SizingFlag::MemoryUnknown);
        }
    }
    let (cpu_pct, ram_pct, fallback) = sizing.basis.utilisation(w);
    let measured = |size: Option<f64>, pct: Option<f64>| -> Option<f64> {
        let size = size?;
        Some(match (mode, pct) {
            (SizingMode::Performance, Some(p)) => size * (p / 100.0) * headroom,
            _ => size,
        })
    };
    if mode == SizingMode::Performance {
        if (cores.is_some() && cpu_pct.is_none()) || (memory.is_some() && ram_pct.is_none()) {
            flags.push(SizingFlag::NoUtilisation);
        }
        flags.extend(fallback);
    }
    let share = if share > 0.0 && share <= 1.0 { share } else { 1.0 };
    let vcpu = measured(cores, cpu_pct).map(|v| v * share).unwrap_or(0.0).max(MIN_VCPU);
    let memory_gib = measured(memory, ram_pct).map(|m| m * share).unwrap_or(0.0).max(MIN_MEMORY_GIB);
    let x86_only = w.os.to_lowercase().contains("windows");
    Demand { vcpu, memory_gib, cpu_pct, ram_pct, x86_only, flags }
}

/// The type or class chosen for a demand.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    pub name: String,
    pub vcpu: u32,
    pub memory_gib: f64,
    /// On-Demand USD per hour in the region (for RDS: Single-AZ, engine priced).
    pub hourly_usd: f64,
    pub flags: Vec<SizingFlag>,
}

/// Picks the cheapest candidate that fits; when none does, the largest one
/// (flagged). `fixed` names the type to use for an unknown demand; `price`
/// is a candidate's price in the region (`None`: not sold there).
fn pick<'a, T: Priced + 'a>(
    candidates: impl Iterator<Item = &'a T> + Clone,
    demand: &Demand,
    extra: Option<SizingFlag>,
    burstable_max_pct: f64,
    fixed: &str,
    price: impl Fn(&T) -> Option<f64>,
) -> Option<Choice> {
    let mut flags = demand.flags.clone();
    flags.extend(extra);
    let choice = |t: &T, hourly: Option<f64>, flags: Vec<SizingFlag>| {
        let mut flags = flags;
        if hourly.is_none() {
            flags.push(SizingFlag::NotPriced);
        }
        Choice { name: t.name().to_string(), vcpu: t.vcpu(), memory_gib: t.memory_gib(), hourly_usd: hourly.unwrap_or(0.0), flags }
    };
    if demand.unknown()
        && let Some(t) = candidates.clone().find(|t| t.name() == fixed)
    {
        return Some(choice(t, price(t), flags));
    }
    let burstable_ok = demand.cpu_pct.is_some_and(|p| p <= burstable_max_pct);
    // Each price looked up once: sizing runs for every server of an estate.
    let priced: Vec<(&T, f64)> = candidates.filter(|t| burstable_ok || !t.is_burstable()).filter_map(|t| Some((t, price(t)?))).collect();
    let fits = priced
        .iter()
        .filter(|(t, _)| t.vcpu() as f64 >= demand.vcpu - 1e-9 && t.memory_gib() >= demand.memory_gib - 1e-9)
        .min_by(|(a, pa), (b, pb)| pa.total_cmp(pb).then(a.vcpu().cmp(&b.vcpu())).then(a.name().cmp(b.name())));
    if let Some((t, hourly)) = fits {
        return Some(choice(t, Some(*hourly), flags));
    }
    let (largest, hourly) = priced
        .iter()
        .max_by(|(a, _), (b, _)| (a.vcpu() as f64 * 1e6 + a.memory_gib()).total_cmp(&(b.vcpu() as f64 * 1e6 + b.memory_gib())))?;
    flags.push(SizingFlag::BeyondLargest);
    Some(choice(largest, Some(*hourly), flags))
}

/// The EC2 type for a demand in `region`, from the families of `generation`
/// (Graviton only where the demand may run on arm64).
pub fn size_ec2(cat: &Catalogue, region: &str, demand: &Demand, generation: Generation) -> Option<Choice> {
    let (generation, extra) = match generation {
        Generation::Graviton if demand.x86_only => (Generation::Current, Some(SizingFlag::NoGravitonForOs)),
        g => (g, None),
    };
    let rule = cat.generation(generation);
    pick(rule.types(cat), demand, extra, cat.sizing.burstable_max_peak_cpu_pct, &rule.when_unknown, |t| t.hourly_in(region))
}

/// The RDS class for a demand in `region` running `engine` (an engine code
/// of the catalogue: mysql, mariadb, postgresql, oracle, sqlserver).
pub fn size_rds(cat: &Catalogue, region: &str, engine: &str, demand: &Demand) -> Option<Choice> {
    let rules = &cat.sizing;
    let factor = *cat.rds.engine_factor.get(engine)?;
    let candidates = cat.instances.rds.iter().filter(|c| (rules.rds_allow_arm || !c.is_arm()) && c.engines.iter().any(|e| e == engine));
    pick(candidates, demand, None, rules.burstable_max_peak_cpu_pct, &rules.rds_when_unknown, |c| c.hourly_in(region).map(|h| h * factor))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::catalogue::{Catalogue, SHIPPED};

    fn cat() -> Catalogue {
        Catalogue::parse(SHIPPED).unwrap()
    }

    fn server(cores: Option<i64>, ram: Option<f64>, cpu: Option<f64>, mem: Option<f64>) -> Workload {
        Workload { name: "s".into(), cpu_cores: cores, ram_gb: ram, cpu_util_peak_pct: cpu, ram_util_peak_pct: mem, ..Workload::default() }
    }

    /// Peak basis, 30% headroom, on the given generation.
    fn on(generation: Generation) -> Sizing {
        Sizing { basis: Basis::Peak, headroom_pct: 30.0, generation }
    }

    fn peak(w: &Workload) -> Demand {
        demand(w, SizingMode::Performance, &on(Generation::Current), 1.0)
    }

    #[test]
    fn performance_sizing_uses_peaks_and_headroom() {
        // 4 cores at 45% peak, 16 GB at 60% peak, 30% headroom:
        // 4 x 0.45 x 1.3 = 2.34 vCPU, 16 x 0.60 x 1.3 = 12.48 GiB.
        let d = peak(&server(Some(4), Some(16.0), Some(45.0), Some(60.0)));
        assert!((d.vcpu - 2.34).abs() < 1e-9 && (d.memory_gib - 12.48).abs() < 1e-9);
        // 45% is above the burstable limit: the cheapest non-burstable type
        // with >= 3 vCPU and >= 12.48 GiB. Previous generation m6i.xlarge
        // ($0.192), current m7i.xlarge ($0.2016), Graviton m7g.xlarge ($0.1632).
        let c = size_ec2(&cat(), "us-east-1", &d, Generation::Previous).unwrap();
        assert_eq!((c.name.as_str(), c.hourly_usd), ("m6i.xlarge", 0.192));
        assert_eq!(size_ec2(&cat(), "us-east-1", &d, Generation::Current).unwrap().name, "m7i.xlarge");
        assert_eq!(size_ec2(&cat(), "us-east-1", &d, Generation::Graviton).unwrap().name, "m7g.xlarge");
        let same = demand(&server(Some(4), Some(16.0), Some(45.0), Some(60.0)), SizingMode::AsOnPrem, &on(Generation::Current), 1.0);
        assert_eq!((same.vcpu, same.memory_gib), (4.0, 16.0));
    }

    #[test]
    fn the_basis_picks_the_utilisation_figure_and_falls_back_to_the_peak() {
        let mut w = server(Some(8), Some(32.0), Some(75.0), Some(50.0));
        w.cpu_util_avg_pct = Some(27.0);
        w.ram_util_avg_pct = Some(40.0);
        let at = |basis: Basis, headroom: f64| {
            demand(&w, SizingMode::Performance, &Sizing { basis, headroom_pct: headroom, ..Sizing::default() }, 1.0)
        };
        // Peak: 8 x 0.75 x 1.3 = 7.8 vCPU; average: 8 x 0.27 x 1.3 = 2.808.
        assert!((at(Basis::Peak, 30.0).vcpu - 7.8).abs() < 1e-9);
        let avg = at(Basis::Average, 30.0);
        assert!((avg.vcpu - 2.808).abs() < 1e-9 && (avg.memory_gib - 16.64).abs() < 1e-9);
        assert!(avg.flags.is_empty(), "{:?}", avg.flags);
        // No 95th percentile in the inventory: the peak, and a flag saying so.
        let p95 = at(Basis::P95, 30.0);
        assert!((p95.vcpu - 7.8).abs() < 1e-9);
        assert_eq!(p95.flags, vec![SizingFlag::P95FromPeak]);
        // Headroom is the engagement's: 0% sizes on the figure itself.
        assert!((at(Basis::Peak, 0.0).vcpu - 6.0).abs() < 1e-9);
        // 7.8 vCPU / 20.8 GiB on the peak: m7i.2xlarge ($0.4032); 2.8 vCPU /
        // 16.64 GiB on the average: r7i.xlarge ($0.2646).
        let name = |d: &Demand| size_ec2(&cat(), "us-east-1", d, Generation::Current).unwrap().name;
        assert_eq!(name(&at(Basis::Peak, 30.0)), "m7i.2xlarge");
        assert_eq!(name(&avg), "r7i.xlarge");
    }

    #[test]
    fn windows_stays_on_x86_when_graviton_is_chosen() {
        let mut w = server(Some(4), Some(16.0), Some(60.0), Some(60.0));
        w.os = "Windows Server 2019".into();
        let d = peak(&w);
        let c = size_ec2(&cat(), "us-east-1", &d, Generation::Graviton).unwrap();
        assert_eq!(c.name, "m7i.xlarge");
        assert!(c.flags.contains(&SizingFlag::NoGravitonForOs));
    }

    #[test]
    fn a_quiet_small_server_gets_a_burstable_type() {
        let d = peak(&server(Some(2), Some(4.0), Some(10.0), Some(40.0)));
        let c = size_ec2(&cat(), "us-east-1", &d, Generation::Current).unwrap();
        // 1 vCPU minimum, 2.08 GiB: t3.medium (2 vCPU, 4 GiB) at $0.0416.
        assert_eq!(c.name, "t3.medium");
        assert_eq!(size_ec2(&cat(), "us-east-1", &d, Generation::Graviton).unwrap().name, "t4g.medium");
    }

    #[test]
    fn no_cores_known_sizes_from_memory_and_says_so() {
        let d = peak(&server(None, Some(64.0), None, None));
        assert!(d.flags.contains(&SizingFlag::CoresUnknown));
        assert!(d.flags.contains(&SizingFlag::NoUtilisation));
        // 64 GiB, 1 vCPU: r6i.2xlarge (8 vCPU, 64 GiB, $0.504) beats m6i.4xlarge ($0.768).
        assert_eq!(size_ec2(&cat(), "us-east-1", &d, Generation::Previous).unwrap().name, "r6i.2xlarge");
        assert_eq!(size_ec2(&cat(), "us-east-1", &d, Generation::Current).unwrap().name, "r7i.2xlarge");
    }

    #[test]
    fn nothing_known_starts_small() {
        let d = peak(&server(None, None, None, None));
        let c = size_ec2(&cat(), "ap-northeast-2", &d, Generation::Current).unwrap();
        assert_eq!(c.name, "t3.medium");
        assert!(c.flags.contains(&SizingFlag::NoCapacityData));
        assert_eq!(size_ec2(&cat(), "ap-northeast-2", &d, Generation::Graviton).unwrap().name, "t4g.medium");
        let r = size_rds(&cat(), "ap-northeast-2", "mysql", &d).unwrap();
        assert_eq!(r.name, "db.t3.medium");
    }

    #[test]
    fn tiny_servers_get_the_smallest_fit() {
        let d = peak(&server(Some(1), Some(0.5), Some(5.0), Some(20.0)));
        assert_eq!((d.vcpu, d.memory_gib), (1.0, 0.5));
        assert_eq!(size_ec2(&cat(), "us-east-1", &d, Generation::Current).unwrap().name, "t3.micro");
    }

    #[test]
    fn beyond_the_largest_type_is_flagged() {
        let d = peak(&server(Some(512), Some(4096.0), Some(90.0), Some(90.0)));
        let c = size_ec2(&cat(), "us-east-1", &d, Generation::Current).unwrap();
        assert!(c.flags.contains(&SizingFlag::BeyondLargest), "{c:?}");
        assert_eq!(c.vcpu, 192);
        let r = size_rds(&cat(), "us-east-1", "mysql", &d).unwrap();
        assert!(r.flags.contains(&SizingFlag::BeyondLargest));
    }

    #[test]
    fn rds_classes_follow_the_engine() {
        let d = peak(&server(Some(8), Some(32.0), Some(55.0), Some(70.0)));
        // 5.72 vCPU, 29.12 GiB: 8 vCPU / 32 GiB classes. MySQL may use Graviton
        // (db.m7g.2xlarge $0.672 < db.m6i.2xlarge $0.684); SQL Server may not.
        let my = size_rds(&cat(), "us-east-1", "mysql", &d).unwrap();
        assert_eq!(my.name, "db.m7g.2xlarge");
        assert!((my.hourly_usd - 0.672).abs() < 1e-9);
        let ss = size_rds(&cat(), "us-east-1", "sqlserver", &d).unwrap();
        assert_eq!(ss.name, "db.m6i.2xlarge");
        assert!((ss.hourly_usd - 0.684 * 2.9).abs() < 1e-9);
        assert!(size_rds(&cat(), "us-east-1", "db2", &d).is_none());
    }
}
