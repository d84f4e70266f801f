//! The shipped price catalogue (`data/prices.toml`): parsed once, validated,
//! looked up by region. A consultant updates prices by editing the file.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The catalogue compiled into the binary.
pub const SHIPPED: &str = include_str!("../../data/prices.toml");
/// Environment variable naming a replacement catalogue file read at start.
pub const OVERRIDE_ENV: &str = "SIXR_PRICES";

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Catalogue {
    pub meta: Meta,
    pub fx: Fx,
    pub sizing: SizingRules,
    pub on_prem: OnPremDefaults,
    pub assumptions: Assumptions,
    pub pricing_models: Vec<PricingModel>,
    pub regions: BTreeMap<String, RegionPrices>,
    pub rds: RdsRules,
    pub instances: Instances,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Meta {
    pub source: String,
    pub retrieved: String,
    pub notice: String,
    pub currency: String,
    pub hours_per_month: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Fx {
    pub date: String,
    pub source: String,
    /// Units of the currency per US dollar, by currency code (KRW = 1400.0).
    #[serde(flatten)]
    pub per_usd: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SizingRules {
    /// The headroom an engagement starts with (it may choose another).
    pub headroom_pct: f64,
    pub burstable_max_peak_cpu_pct: f64,
    pub web_tier_share_pct: f64,
    pub rds_when_unknown: String,
    pub bastion: String,
    pub rds_allow_arm: bool,
    /// EC2 families per generation (`current`, `graviton`, `previous`).
    pub generations: BTreeMap<String, GenerationRule>,
}

/// The EC2 families one generation sizes from, and its type for a server
/// nothing is known about.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct GenerationRule {
    pub families: Vec<String>,
    pub when_unknown: String,
    /// The positions in `instances.ec2` of the types of these families,
    /// found once at parse: sizing reads them for every server.
    #[serde(skip)]
    types: Vec<usize>,
}

impl GenerationRule {
    /// The EC2 types of the generation's families.
    pub fn types<'c>(&'c self, cat: &'c Catalogue) -> impl Iterator<Item = &'c Ec2Type> + Clone + 'c {
        self.types.iter().map(|i| &cat.instances.ec2[*i])
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct OnPremDefaults {
    pub server_annual_usd: f64,
    pub db_server_annual_usd: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Assumptions {
    pub static_content_gb: f64,
    pub cloudfront_gb_month: f64,
    pub data_out_gb_month: f64,
    pub nat_processed_gb_month: f64,
    pub alb_lcu_per_hour: f64,
    pub archive_gb_default: f64,
    pub serverless_requests_million_month: f64,
    pub lambda_avg_duration_ms: f64,
    pub lambda_memory_gb: f64,
    pub dynamodb_storage_gb: f64,
    /// Per application: traffic through a Transit Gateway (hub and spoke).
    pub transit_gateway_gb_month: f64,
    /// Per application: traffic to the data centre over Direct Connect.
    pub direct_connect_gb_month: f64,
    /// CloudTrail and log archive in S3, for the whole landing zone.
    pub log_archive_gb: f64,
}

/// A way of paying: On-Demand, reservations, Savings Plans.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct PricingModel {
    pub code: String,
    pub label_en: String,
    pub label_ko: String,
    pub term_months: u32,
    pub ec2_discount_pct: f64,
    pub rds_discount_pct: f64,
    pub fargate_discount_pct: f64,
    pub lambda_discount_pct: f64,
}

impl PricingModel {
    pub fn label(&self, lang: crate::i18n::Lang) -> &str {
        match lang {
            crate::i18n::Lang::En => &self.label_en,
            crate::i18n::Lang::Ko => &self.label_ko,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RegionPrices {
    pub name: String,
    pub ebs_gp3_gb_month: f64,
    pub rds_storage_gb_month: f64,
    pub s3_standard_gb_month: f64,
    pub s3_glacier_deep_archive_gb_month: f64,
    pub alb_hour: f64,
    pub alb_lcu_hour: f64,
    pub nat_gateway_hour: f64,
    pub nat_gateway_gb: f64,
    pub data_transfer_out_gb: f64,
    pub cloudfront_gb: f64,
    pub vpn_connection_hour: f64,
    pub fargate_vcpu_hour: f64,
    pub fargate_gb_hour: f64,
    pub lambda_request_million: f64,
    pub lambda_gb_second: f64,
    pub api_gateway_http_million: f64,
    pub dynamodb_write_million: f64,
    pub dynamodb_read_million: f64,
    pub dynamodb_storage_gb_month: f64,
    pub sqs_request_million: f64,
    pub sns_request_million: f64,
    /// Interface VPC endpoint, per endpoint and AZ.
    pub vpc_endpoint_hour: f64,
    pub transit_gateway_attachment_hour: f64,
    pub transit_gateway_gb: f64,
    /// A dedicated 1 Gbps Direct Connect port.
    pub direct_connect_port_hour: f64,
    pub direct_connect_gb: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RdsRules {
    pub multi_az_factor: f64,
    pub engine_factor: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Instances {
    pub ec2: Vec<Ec2Type>,
    pub rds: Vec<RdsClass>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Ec2Type {
    #[serde(rename = "type")]
    pub name: String,
    pub category: String,
    pub arch: String,
    pub vcpu: u32,
    pub memory_gib: f64,
    /// On-Demand USD per hour, by region.
    pub hourly: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RdsClass {
    pub class: String,
    pub category: String,
    pub arch: String,
    pub vcpu: u32,
    pub memory_gib: f64,
    /// Engine codes (mysql, mariadb, postgresql, oracle, sqlserver) offered on it.
    pub engines: Vec<String>,
    /// Single-AZ On-Demand USD per hour for MySQL, by region.
    pub hourly: BTreeMap<String, f64>,
}

/// What the sizing and cost code needs from an instance type or class.
pub trait Priced {
    fn name(&self) -> &str;
    fn vcpu(&self) -> u32;
    fn memory_gib(&self) -> f64;
    fn is_burstable(&self) -> bool;
    fn is_arm(&self) -> bool;
    fn hourly_in(&self, region: &str) -> Option<f64>;
}

/// Both instance lists have the same shape; only the name field differs.
macro_rules! priced {
    ($t:ty, $name:ident) => {
        impl Priced for $t {
            fn name(&self) -> &str {
                &self.$name
            }
            fn vcpu(&self) -> u32 {
                self.vcpu
            }
            fn memory_gib(&self) -> f64 {
                self.memory_gib
            }
            fn is_burstable(&self) -> bool {
                self.category == "burstable"
            }
            fn is_arm(&self) -> bool {
                self.arch == "arm64"
            }
            fn hourly_in(&self, region: &str) -> Option<f64> {
                self.hourly.get(region).copied()
            }
        }
    };
}
priced!(Ec2Type, name);
priced!(RdsClass, class);

impl Ec2Type {
    /// The family: `m7i` of `m7i.large`.
    pub fn family(&self) -> &str {
        self.name.split_once('.').map(|(f, _)| f).unwrap_or(&self.name)
    }
}

const CATEGORIES: &[&str] = &["burstable", "general", "compute", "memory"];
const ARCHES: &[&str] = &["x86_64", "arm64"];

impl Catalogue {
    /// Parses and validates a catalogue; the error names what is wrong.
    pub fn parse(source: &str) -> Result<Catalogue, String> {
        let mut c: Catalogue = toml::from_str(source).map_err(|e| format!("price catalogue: {e}"))?;
        c.validate()?;
        let ec2 = &c.instances.ec2;
        for rule in c.sizing.generations.values_mut() {
            rule.types = (0..ec2.len()).filter(|i| rule.families.iter().any(|f| ec2[*i].family() == f)).collect();
        }
        Ok(c)
    }

    /// Checks what serde cannot: every region priced everywhere, no zero or
    /// negative prices, known categories, sane discounts and defaults.
    pub fn validate(&self) -> Result<(), String> {
        self.validate_regions_and_models()?;
        self.validate_instances()?;
        self.validate_sizing()?;
        if self.fx.per_usd.values().any(|r| *r <= 0.0) {
            return Err("price catalogue: an exchange rate must be positive".into());
        }
        Ok(())
    }

    /// Every region priced, the hours of a month, On-Demand first and the
    /// discounts between 0 and 100%.
    fn validate_regions_and_models(&self) -> Result<(), String> {
        for r in crate::inventory::REGIONS {
            if !self.regions.contains_key(*r) {
                return Err(format!("price catalogue: region {r} has no prices"));
            }
        }
        if self.meta.hours_per_month <= 0.0 {
            return Err("price catalogue: hours_per_month must be positive".into());
        }
        if self.pricing_models.first().is_none_or(|m| m.code != "on_demand") {
            return Err("price catalogue: the first pricing model must be on_demand".into());
        }
        for m in &self.pricing_models {
            for (what, pct) in [
                ("ec2", m.ec2_discount_pct),
                ("rds", m.rds_discount_pct),
                ("fargate", m.fargate_discount_pct),
                ("lambda", m.lambda_discount_pct),
            ] {
                if !(0.0..100.0).contains(&pct) {
                    return Err(format!("price catalogue: {} {what} discount {pct}% is not between 0 and 100", m.code));
                }
            }
        }
        Ok(())
    }

    /// Every EC2 type and RDS class: a known shape, a price in every region,
    /// listed once, and (RDS) engines with a factor.
    fn validate_instances(&self) -> Result<(), String> {
        let regions: Vec<&str> = self.regions.keys().map(String::as_str).collect();
        let check_hourly = |name: &str, hourly: &BTreeMap<String, f64>| -> Result<(), String> {
            for r in &regions {
                match hourly.get(*r) {
                    Some(p) if *p > 0.0 && p.is_finite() => {}
                    Some(p) => return Err(format!("price catalogue: {name} costs {p} in {r}")),
                    None => return Err(format!("price catalogue: {name} has no price in {r}")),
                }
            }
            Ok(())
        };
        let check_shape = |name: &str, category: &str, arch: &str, vcpu: u32, mem: f64| -> Result<(), String> {
            if !CATEGORIES.contains(&category) {
                return Err(format!("price catalogue: {name} has unknown category {category}"));
            }
            if !ARCHES.contains(&arch) {
                return Err(format!("price catalogue: {name} has unknown arch {arch}"));
            }
            if vcpu == 0 || mem <= 0.0 {
                return Err(format!("price catalogue: {name} needs vcpu and memory_gib"));
            }
            Ok(())
        };
        let mut seen = std::collections::BTreeSet::new();
        for t in &self.instances.ec2 {
            check_shape(&t.name, &t.category, &t.arch, t.vcpu, t.memory_gib)?;
            check_hourly(&t.name, &t.hourly)?;
            if !seen.insert(t.name.clone()) {
                return Err(format!("price catalogue: {} is listed twice", t.name));
            }
        }
        for c in &self.instances.rds {
            check_shape(&c.class, &c.category, &c.arch, c.vcpu, c.memory_gib)?;
            check_hourly(&c.class, &c.hourly)?;
            if !seen.insert(c.class.clone()) {
                return Err(format!("price catalogue: {} is listed twice", c.class));
            }
            for e in &c.engines {
                if !self.rds.engine_factor.contains_key(e) {
                    return Err(format!("price catalogue: {} offers engine {e} that has no engine_factor", c.class));
                }
            }
        }
        Ok(())
    }

    /// The sizing defaults name types and families the catalogue has, and
    /// their percentages are in range.
    fn validate_sizing(&self) -> Result<(), String> {
        if self.ec2(&self.sizing.bastion).is_none() {
            return Err(format!("price catalogue: sizing.bastion = {} is not an EC2 type in the catalogue", self.sizing.bastion));
        }
        for g in crate::cost::sizing::Generation::ALL {
            let Some(rule) = self.sizing.generations.get(g.code()) else {
                return Err(format!("price catalogue: sizing.generations.{} is missing", g.code()));
            };
            if self.ec2(&rule.when_unknown).is_none() {
                return Err(format!(
                    "price catalogue: sizing.generations.{}.when_unknown = {} is not an EC2 type",
                    g.code(),
                    rule.when_unknown
                ));
            }
            for f in &rule.families {
                if !self.instances.ec2.iter().any(|t| t.family() == f) {
                    return Err(format!("price catalogue: sizing.generations.{} names family {f} without any type", g.code()));
                }
            }
        }
        if self.rds_class(&self.sizing.rds_when_unknown).is_none() {
            return Err(format!("price catalogue: sizing.rds_when_unknown = {} is not an RDS class", self.sizing.rds_when_unknown));
        }
        if !(0.0..=100.0).contains(&self.sizing.web_tier_share_pct) || self.sizing.headroom_pct < 0.0 {
            return Err("price catalogue: sizing percentages are out of range".into());
        }
        Ok(())
    }

    pub fn ec2(&self, name: &str) -> Option<&Ec2Type> {
        self.instances.ec2.iter().find(|t| t.name == name)
    }

    pub fn rds_class(&self, name: &str) -> Option<&RdsClass> {
        self.instances.rds.iter().find(|c| c.class == name)
    }

    /// Prices of the region; unknown regions fall back to the first one the
    /// engagement form allows (the form validates regions, so this is a guard).
    pub fn region(&self, region: &str) -> (&str, &RegionPrices) {
        match self.regions.get_key_value(region) {
            Some((k, v)) => (k.as_str(), v),
            None => {
                let fallback = crate::inventory::REGIONS[0];
                (fallback, &self.regions[fallback])
            }
        }
    }

    /// Units of `currency` per US dollar (1 for USD or an unknown currency).
    pub fn rate(&self, currency: &str) -> f64 {
        if currency.eq_ignore_ascii_case("USD") {
            return 1.0;
        }
        self.fx.per_usd.get(&currency.to_ascii_uppercase()).copied().unwrap_or(1.0)
    }

    /// Whether sixr can express money in `currency`.
    pub fn knows_currency(&self, currency: &str) -> bool {
        currency.eq_ignore_ascii_case("USD") || self.fx.per_usd.contains_key(&currency.to_ascii_uppercase())
    }

    /// The catalogue as a file `Catalogue::parse` reads back.
    pub fn to_toml(&self) -> Result<String, String> {
        let body = toml::to_string_pretty(self).map_err(|e| format!("price catalogue: {e}"))?;
        Ok(format!(
            "# sixr price catalogue written by `sixr prices import` from AWS Price List offer files.\n# {}\n# Use it with SIXR_PRICES=<this file>.\n\n{body}",
            self.meta.source
        ))
    }

    /// The EC2 families of a generation (validated to exist).
    pub fn generation(&self, g: crate::cost::sizing::Generation) -> &GenerationRule {
        &self.sizing.generations[g.code()]
    }

    /// "2026-11-23": the date of the prices, printed on every estimate.
    pub fn date(&self) -> &str {
        &self.meta.retrieved
    }

    pub fn model(&self, code: &str) -> Option<&PricingModel> {
        self.pricing_models.iter().find(|m| m.code == code)
    }
}

/// The catalogue in use: the file named by `SIXR_PRICES` when set and valid,
/// else the shipped one. Parsed once.
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        if let Ok(path) = std::env::var(OVERRIDE_ENV) {
            match std::fs::read_to_string(&path).map_err(|e| e.to_string()).and_then(|s| Catalogue::parse(&s)) {
                Ok(c) => return c,
                Err(e) => tracing::error!(%path, error = %e, "ignoring the price catalogue override; using the shipped one"),
            }
        }
        Catalogue::parse(SHIPPED).expect("the shipped price catalogue is checked by a test")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalogue_parses_and_is_complete() {
        let c = Catalogue::parse(SHIPPED).unwrap();
        assert!(c.meta.notice.contains("verify before quoting"));
        assert!(!c.meta.retrieved.is_empty() && !c.meta.source.is_empty());
        for family in ["t3.", "t4g.", "m6i.", "m7i.", "m7g.", "c6i.", "c7i.", "c7g.", "r6i.", "r7i.", "r7g."] {
            assert!(c.instances.ec2.iter().any(|t| t.name.starts_with(family)), "{family} missing");
        }
        for family in ["db.t3.", "db.t4g.", "db.m6i.", "db.m7g.", "db.r6i."] {
            assert!(c.instances.rds.iter().any(|t| t.class.starts_with(family)), "{family} missing");
        }
        assert_eq!(c.ec2("m6i.large").unwrap().hourly["us-east-1"], 0.096);
        assert_eq!(c.rds_class("db.m6i.large").unwrap().hourly["us-east-1"], 0.171);
        let codes: Vec<&str> = c.pricing_models.iter().map(|m| m.code.as_str()).collect();
        assert_eq!(codes, ["on_demand", "reserved_1yr", "reserved_3yr", "savings_plan_3yr"]);
        assert!(c.rate("KRW") > 100.0);
        assert_eq!(c.rate("USD"), 1.0);
    }

    #[test]
    fn a_broken_catalogue_is_refused_with_the_reason() {
        let missing_region = SHIPPED.replace("[regions.\"ap-northeast-2\"]", "[regions.\"eu-west-9\"]");
        assert!(Catalogue::parse(&missing_region).unwrap_err().contains("ap-northeast-2"));
        let zero = SHIPPED.replace("\"us-east-1\" = 0.096,", "\"us-east-1\" = 0.0,");
        assert!(Catalogue::parse(&zero).unwrap_err().contains("m6i.large"));
        let bad_default = SHIPPED.replace("bastion = \"t3.micro\"", "bastion = \"t9.huge\"");
        assert!(Catalogue::parse(&bad_default).unwrap_err().contains("t9.huge"));
        let bad_family = SHIPPED.replace("\"m7g\", \"c7g\"", "\"m9z\", \"c7g\"");
        assert!(Catalogue::parse(&bad_family).unwrap_err().contains("m9z"));
        assert!(Catalogue::parse("not toml [").is_err());
    }
}
