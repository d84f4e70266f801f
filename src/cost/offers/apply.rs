//! Applying an offer file to the price catalogue: the On-Demand prices of
//! one region per service the file covers, and the reservation discounts
//! measured against them.

use super::{Offer, PriceRow, Term, region_names, region_of};
use crate::cost::catalogue::{Catalogue, PricingModel};

/// What an offer file changed in the catalogue.
#[derive(Debug, Default, PartialEq)]
pub struct Applied {
    pub updated: Vec<String>,
    /// Catalogue entries the file had no price for.
    pub missing: Vec<String>,
}

/// The On-Demand row of `region` that `pick` wants (the first tier of a
/// tiered price).
fn on_demand<'a>(rows: &'a [PriceRow], region: &str, names: &[(String, String)], pick: impl Fn(&PriceRow) -> bool) -> Option<&'a PriceRow> {
    rows.iter()
        .filter(|r| r.term == Term::OnDemand && region_of(r, names).as_deref() == Some(region) && pick(r))
        .min_by(|a, b| a.begin.total_cmp(&b.begin))
}

/// The effective hourly price of a reservation (upfront spread over the term).
fn reserved_hourly(rows: &[PriceRow], sku: &str, lease: &str, option: &str) -> Option<f64> {
    let of_term: Vec<&PriceRow> = rows
        .iter()
        .filter(|r| r.sku == sku && matches!(&r.term, Term::Reserved { lease: l, option: o, class } if l == lease && o == option && (class.is_empty() || class == "standard")))
        .collect();
    if of_term.is_empty() {
        return None;
    }
    let hours = if lease.starts_with('3') { 3.0 * 8760.0 } else { 8760.0 };
    let recurring: f64 = of_term.iter().filter(|r| r.unit == "Hrs").map(|r| r.usd).sum();
    let upfront: f64 = of_term.iter().filter(|r| r.unit == "Quantity").map(|r| r.usd).sum();
    Some(recurring + upfront / hours)
}

/// The average discount of reservations against On-Demand over `pairs`
/// (sku, On-Demand hourly), in percent with one decimal.
fn discount(rows: &[PriceRow], pairs: &[(String, f64)], lease: &str, option: &str) -> Option<f64> {
    let found: Vec<f64> = pairs.iter().filter_map(|(sku, od)| Some(1.0 - reserved_hourly(rows, sku, lease, option)? / od)).collect();
    if found.is_empty() {
        return None;
    }
    Some((found.iter().sum::<f64>() / found.len() as f64 * 1000.0).round() / 10.0)
}

/// Sets each instance type's (or class's) hourly price in `region` where
/// the file has it; returns the SKU and price of those found, for the
/// reservation discounts.
fn hourly_prices<'a>(
    rows: &[PriceRow],
    region: &str,
    names: &[(String, String)],
    family: &str,
    priced: impl Iterator<Item = (&'a str, &'a mut std::collections::BTreeMap<String, f64>)>,
    out: &mut Applied,
) -> Vec<(String, f64)> {
    let mut pairs = Vec::new();
    for (name, hourly) in priced {
        let row = on_demand(rows, region, names, |r| r.family == family && r.attr("instancetype") == name && r.unit == "Hrs");
        match row {
            Some(r) if r.usd > 0.0 => {
                hourly.insert(region.to_string(), r.usd);
                pairs.push((r.sku.clone(), r.usd));
                out.updated.push(name.to_string());
            }
            _ => out.missing.push(name.to_string()),
        }
    }
    pairs
}

/// The reserved pricing models' discounts from the file's reservations
/// (1 year no upfront, 3 years all upfront, standard class).
fn reserved_discounts(
    cat: &mut Catalogue,
    rows: &[PriceRow],
    pairs: &[(String, f64)],
    service: &str,
    slot: fn(&mut PricingModel) -> &mut f64,
    out: &mut Applied,
) {
    for (code, lease, option) in [("reserved_1yr", "1yr", "No Upfront"), ("reserved_3yr", "3yr", "All Upfront")] {
        if let (Some(d), Some(m)) = (discount(rows, pairs, lease, option), cat.pricing_models.iter_mut().find(|m| m.code == code)) {
            *slot(m) = d;
            out.updated.push(format!("{code} {service} discount {d}%"));
        }
    }
}

/// The rows of one offer file and the region whose prices are applied.
struct Prices<'a> {
    rows: &'a [PriceRow],
    region: &'a str,
    names: Vec<(String, String)>,
}

impl Prices<'_> {
    /// The On-Demand price of the row `pick` wants.
    fn price(&self, pick: &dyn Fn(&PriceRow) -> bool) -> Option<f64> {
        on_demand(self.rows, self.region, &self.names, pick).map(|r| r.usd)
    }
}

/// Picks the rows whose usage type ends with `suffix`.
fn usage(suffix: &'static str) -> impl Fn(&PriceRow) -> bool {
    move |r: &PriceRow| r.attr("usagetype").ends_with(suffix)
}

/// Sets `slot` to a price found (and positive), or records it missing.
fn set(name: &str, value: Option<f64>, slot: &mut f64, out: &mut Applied) {
    match value {
        Some(v) if v > 0.0 => {
            *slot = v;
            out.updated.push(name.to_string());
        }
        _ => out.missing.push(name.to_string()),
    }
}

/// Updates the catalogue's prices for `region` from an offer file.
pub fn apply(cat: &mut Catalogue, offer: &Offer, region: &str) -> Result<Applied, String> {
    if !cat.regions.contains_key(region) {
        return Err(format!(
            "the catalogue has no region {region}; it prices {}",
            cat.regions.keys().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    let mut out = Applied::default();
    let prices = Prices { rows: &offer.rows, region, names: region_names(cat) };
    match offer.code.as_str() {
        "AmazonEC2" => ec2(cat, &prices, &mut out),
        "AmazonRDS" => rds(cat, &prices, &mut out),
        "AWSELB" => elb(cat, &prices, &mut out),
        "AmazonS3" => s3(cat, &prices, &mut out),
        "AmazonVPC" => vpc(cat, &prices, &mut out),
        other => return Err(format!("offer {other} is not one sixr prices (AmazonEC2, AmazonRDS, AWSELB, AmazonS3, AmazonVPC)")),
    }
    if out.updated.is_empty() {
        return Err(format!("{} has no price sixr uses for {region}", offer.code));
    }
    Ok(out)
}

/// AmazonEC2: instance types, EBS gp3, the NAT gateway and the EC2
/// reservation discounts.
fn ec2(cat: &mut Catalogue, prices: &Prices, out: &mut Applied) {
    let priced = cat.instances.ec2.iter_mut().map(|t| (t.name.as_str(), &mut t.hourly));
    let pairs = hourly_prices(prices.rows, prices.region, &prices.names, "Compute Instance", priced, out);
    let gp3 = prices.price(&|r: &PriceRow| r.family == "Storage" && r.attr("volumeapiname") == "gp3");
    let nat_hour = prices.price(&usage("NatGateway-Hours"));
    let nat_gb = prices.price(&usage("NatGateway-Bytes"));
    let p = cat.regions.get_mut(prices.region).expect("checked above");
    set("EBS gp3", gp3, &mut p.ebs_gp3_gb_month, out);
    set("NAT gateway hour", nat_hour, &mut p.nat_gateway_hour, out);
    set("NAT gateway GB", nat_gb, &mut p.nat_gateway_gb, out);
    reserved_discounts(cat, prices.rows, &pairs, "EC2", |m| &mut m.ec2_discount_pct, out);
}

/// AmazonRDS: instance classes, storage and the RDS reservation discounts.
fn rds(cat: &mut Catalogue, prices: &Prices, out: &mut Applied) {
    let priced = cat.instances.rds.iter_mut().map(|c| (c.class.as_str(), &mut c.hourly));
    let pairs = hourly_prices(prices.rows, prices.region, &prices.names, "Database Instance", priced, out);
    // gp3 where the file has it, the General Purpose (gp2) price otherwise.
    let storage = prices
        .price(&|r: &PriceRow| r.family == "Database Storage" && r.attr("volumetype") == "General Purpose-GP3")
        .or_else(|| prices.price(&|r: &PriceRow| r.family == "Database Storage" && r.attr("volumetype") == "General Purpose"));
    let p = cat.regions.get_mut(prices.region).expect("checked above");
    set("RDS storage", storage, &mut p.rds_storage_gb_month, out);
    reserved_discounts(cat, prices.rows, &pairs, "RDS", |m| &mut m.rds_discount_pct, out);
}

/// AWSELB: the Application Load Balancer's hour and LCU hour.
fn elb(cat: &mut Catalogue, prices: &Prices, out: &mut Applied) {
    let hour = prices.price(&usage("LoadBalancerUsage"));
    let lcu = prices.price(&usage("LCUUsage"));
    let p = cat.regions.get_mut(prices.region).expect("checked above");
    set("ALB hour", hour, &mut p.alb_hour, out);
    set("ALB LCU hour", lcu, &mut p.alb_lcu_hour, out);
}

/// AmazonS3: Standard and Glacier Deep Archive storage.
fn s3(cat: &mut Catalogue, prices: &Prices, out: &mut Applied) {
    let standard = prices.price(&|r: &PriceRow| r.attr("volumetype") == "Standard");
    let deep = prices.price(&|r: &PriceRow| r.attr("volumetype") == "Glacier Deep Archive");
    let p = cat.regions.get_mut(prices.region).expect("checked above");
    set("S3 Standard", standard, &mut p.s3_standard_gb_month, out);
    set("S3 Glacier Deep Archive", deep, &mut p.s3_glacier_deep_archive_gb_month, out);
}

/// AmazonVPC: endpoints, the Transit Gateway, the VPN and (in newer files)
/// the NAT gateway.
fn vpc(cat: &mut Catalogue, prices: &Prices, out: &mut Applied) {
    let endpoint = prices.price(&usage("VpcEndpoint-Hours"));
    let tgw = prices.price(&usage("TransitGateway-Hours"));
    let tgw_gb = prices.price(&usage("TransitGateway-Bytes"));
    let vpn = prices.price(&usage("VPN-Usage-Hours:ipsec.1"));
    let nat_hour = prices.price(&usage("NatGateway-Hours"));
    let nat_gb = prices.price(&usage("NatGateway-Bytes"));
    let p = cat.regions.get_mut(prices.region).expect("checked above");
    set("VPC endpoint hour", endpoint, &mut p.vpc_endpoint_hour, out);
    set("Transit Gateway attachment hour", tgw, &mut p.transit_gateway_attachment_hour, out);
    set("Transit Gateway GB", tgw_gb, &mut p.transit_gateway_gb, out);
    set("VPN connection hour", vpn, &mut p.vpn_connection_hour, out);
    // Newer files carry the NAT gateway under VPC rather than EC2.
    if nat_hour.is_some() {
        set("NAT gateway hour", nat_hour, &mut p.nat_gateway_hour, out);
        set("NAT gateway GB", nat_gb, &mut p.nat_gateway_gb, out);
    }
}
