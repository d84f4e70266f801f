//! Reading AWS Price List bulk offer files (AmazonEC2, AmazonRDS, AWSELB,
//! AmazonS3, AmazonVPC; the published JSON or CSV, one region at a time)
//! into the price catalogue.
//!
//! An EC2 offer file of one region is hundreds of megabytes, so neither
//! shape is read whole: the JSON is parsed as a stream that keeps only the
//! products sixr prices (and then only their terms), the CSV row by row.
//! What stays is a list of price rows: a product's attributes (keys
//! normalised so `instanceType` and `Instance Type` are the same), its term
//! (On-Demand, or Reserved with lease, purchase option and class), unit and
//! price.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::{BufRead, Read};

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::catalogue::Catalogue;

/// Attribute keys compared loosely: lower case, letters and digits.
fn norm(key: &str) -> String {
    key.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// How a price is bought.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    OnDemand,
    Reserved { lease: String, option: String, class: String },
}

/// One price dimension of one product.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceRow {
    pub sku: String,
    pub family: String,
    /// Normalised attribute keys (`instancetype`, `regioncode`...).
    pub attrs: HashMap<String, String>,
    pub term: Term,
    pub unit: String,
    pub usd: f64,
    pub begin: f64,
}

impl PriceRow {
    fn attr(&self, key: &str) -> &str {
        self.attrs.get(key).map(String::as_str).unwrap_or("")
    }
}

/// An offer file, cut down to what sixr prices.
#[derive(Debug, Clone, Default)]
pub struct Offer {
    pub code: String,
    /// As published: `2026-11-20T23:04:51Z`.
    pub published: String,
    pub rows: Vec<PriceRow>,
}

impl Offer {
    /// The publication date, `YYYY-MM-DD`.
    pub fn date(&self) -> &str {
        self.published.get(..10).unwrap_or(&self.published)
    }

    /// The regions its products are in (by region code, or the location
    /// name the catalogue knows).
    pub fn regions(&self, cat: &Catalogue) -> Vec<String> {
        let names = region_names(cat);
        let mut out: Vec<String> = self.rows.iter().filter_map(|r| region_of(r, &names)).collect::<HashSet<_>>().into_iter().collect();
        out.sort();
        out
    }
}

/// The catalogue's regions: code and the location name offer files use.
fn region_names(cat: &Catalogue) -> Vec<(String, String)> {
    cat.regions.iter().map(|(code, p)| (code.clone(), p.name.clone())).collect()
}

/// The region of a row: its region code, or (older files) its location.
fn region_of(r: &PriceRow, names: &[(String, String)]) -> Option<String> {
    let code = r.attr("regioncode");
    if !code.is_empty() {
        return Some(code.to_string());
    }
    names.iter().find(|(_, name)| name == r.attr("location")).map(|(k, _)| k.clone())
}

/// Whether sixr prices the product: the services and families the catalogue
/// holds, Linux shared-tenancy instances without pre-installed software,
/// MySQL Single-AZ database classes.
fn wanted(code: &str, family: &str, a: &HashMap<String, String>) -> bool {
    let get = |k: &str| a.get(k).map(String::as_str).unwrap_or("");
    let usage = get("usagetype");
    let optional = |k: &str, v: &str| get(k).is_empty() || get(k).eq_ignore_ascii_case(v);
    // Outposts, Local Zones and Wavelength sell the same products at other prices.
    if !optional("locationtype", "AWS Region") {
        return false;
    }
    match (code, family) {
        ("AmazonEC2", "Compute Instance") => {
            get("operatingsystem") == "Linux"
                && get("tenancy") == "Shared"
                && optional("preinstalledsw", "NA")
                && optional("capacitystatus", "Used")
                && optional("licensemodel", "No License required")
        }
        ("AmazonEC2", "Storage") => get("volumeapiname") == "gp3",
        ("AmazonEC2" | "AmazonVPC", "NAT Gateway") => usage.ends_with("NatGateway-Hours") || usage.ends_with("NatGateway-Bytes"),
        ("AmazonRDS", "Database Instance") => get("databaseengine") == "MySQL" && get("deploymentoption") == "Single-AZ",
        ("AmazonRDS", "Database Storage") => {
            get("deploymentoption") == "Single-AZ" && matches!(get("volumetype"), "General Purpose" | "General Purpose-GP3")
        }
        ("AWSELB", "Load Balancer-Application") => usage.ends_with("LoadBalancerUsage") || usage.ends_with("LCUUsage"),
        ("AmazonS3", "Storage") => matches!(get("volumetype"), "Standard" | "Glacier Deep Archive"),
        ("AmazonVPC", _) => ["VpcEndpoint-Hours", "TransitGateway-Hours", "TransitGateway-Bytes", "VPN-Usage-Hours:ipsec.1"]
            .iter()
            .any(|u| usage.ends_with(u)),
        _ => false,
    }
}

// ------------------------------------------------------------------- JSON

#[derive(Deserialize)]
struct RawProduct {
    #[serde(rename = "productFamily", default)]
    family: String,
    #[serde(default)]
    attributes: HashMap<String, String>,
}

#[derive(Deserialize)]
struct RawDimension {
    #[serde(default)]
    unit: String,
    #[serde(rename = "pricePerUnit", default)]
    price: HashMap<String, String>,
    #[serde(rename = "beginRange", default)]
    begin: Option<String>,
}

#[derive(Deserialize)]
struct RawTerm {
    #[serde(rename = "priceDimensions", default)]
    dimensions: HashMap<String, RawDimension>,
    #[serde(rename = "termAttributes", default)]
    attributes: HashMap<String, String>,
}

type Products = HashMap<String, (String, HashMap<String, String>)>;

struct ProductsSeed<'a> {
    code: &'a str,
}

impl<'de> DeserializeSeed<'de> for ProductsSeed<'_> {
    type Value = Products;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Products, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ProductsSeed<'_> {
    type Value = Products;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the products of an offer file")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Products, A::Error> {
        let mut out = Products::new();
        while let Some(sku) = map.next_key::<String>()? {
            let p: RawProduct = map.next_value()?;
            let attrs: HashMap<String, String> = p.attributes.into_iter().map(|(k, v)| (norm(&k), v)).collect();
            if wanted(self.code, &p.family, &attrs) {
                out.insert(sku, (p.family, attrs));
            }
        }
        Ok(out)
    }
}

/// `terms`: term type, then SKU, then offer term; only the kept products'.
struct TermsSeed<'a> {
    products: &'a Products,
    rows: &'a mut Vec<PriceRow>,
}

impl<'de> DeserializeSeed<'de> for TermsSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TermsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the terms of an offer file")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(kind) = map.next_key::<String>()? {
            map.next_value_seed(SkuTermsSeed { products: self.products, rows: &mut *self.rows, reserved: kind == "Reserved" })?;
        }
        Ok(())
    }
}

struct SkuTermsSeed<'a> {
    products: &'a Products,
    rows: &'a mut Vec<PriceRow>,
    reserved: bool,
}

impl<'de> DeserializeSeed<'de> for SkuTermsSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SkuTermsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("terms by SKU")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(sku) = map.next_key::<String>()? {
            let Some((family, attrs)) = self.products.get(&sku) else {
                map.next_value::<IgnoredAny>()?;
                continue;
            };
            let terms: HashMap<String, RawTerm> = map.next_value()?;
            for t in terms.into_values() {
                let ta: HashMap<String, String> = t.attributes.into_iter().map(|(k, v)| (norm(&k), v)).collect();
                let term = if self.reserved {
                    let get = |k: &str| ta.get(k).cloned().unwrap_or_default();
                    Term::Reserved { lease: get("leasecontractlength"), option: get("purchaseoption"), class: get("offeringclass") }
                } else {
                    Term::OnDemand
                };
                for d in t.dimensions.into_values() {
                    let Some(usd) = d.price.get("USD").and_then(|p| p.trim().parse::<f64>().ok()) else { continue };
                    self.rows.push(PriceRow {
                        sku: sku.clone(),
                        family: family.clone(),
                        attrs: attrs.clone(),
                        term: term.clone(),
                        unit: d.unit,
                        usd,
                        begin: d.begin.and_then(|b| b.parse().ok()).unwrap_or(0.0),
                    });
                }
            }
        }
        Ok(())
    }
}

struct OfferVisitor;

impl<'de> Visitor<'de> for OfferVisitor {
    type Value = Offer;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an AWS Price List offer file (offerCode, publicationDate, products, terms)")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Offer, A::Error> {
        let mut offer = Offer::default();
        let mut products: Option<Products> = None;
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "offerCode" => offer.code = map.next_value()?,
                "publicationDate" => offer.published = map.next_value()?,
                "products" => {
                    if offer.code.is_empty() {
                        return Err(serde::de::Error::custom("offerCode must come before products"));
                    }
                    products = Some(map.next_value_seed(ProductsSeed { code: &offer.code })?);
                }
                "terms" => {
                    let Some(p) = products.as_ref() else {
                        return Err(serde::de::Error::custom("products must come before terms"));
                    };
                    map.next_value_seed(TermsSeed { products: p, rows: &mut offer.rows })?;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(offer)
    }
}

/// Reads an offer file in its published JSON shape, as a stream.
pub fn read_json(reader: impl Read) -> Result<Offer, String> {
    let mut de = serde_json::Deserializer::from_reader(reader);
    de.deserialize_map(OfferVisitor).map_err(|e| format!("not an AWS Price List offer file (JSON): {e}"))
}

// -------------------------------------------------------------------- CSV

/// Reads an offer file in its published CSV shape: five metadata lines
/// (`"Publication Date","..."`, `"OfferCode","..."`), the header row from
/// `SKU` on, then one row per price dimension.
pub fn read_csv(reader: impl Read) -> Result<Offer, String> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(reader);
    let mut offer = Offer::default();
    let mut header: Option<Vec<String>> = None;
    let mut record = csv::StringRecord::new();
    let mut line = 0usize;
    while rdr.read_record(&mut record).map_err(|e| format!("offer file (CSV): {e}"))? {
        line += 1;
        let Some(h) = &header else {
            match record.get(0).unwrap_or("").trim() {
                "Publication Date" => offer.published = record.get(1).unwrap_or("").to_string(),
                "OfferCode" => offer.code = record.get(1).unwrap_or("").to_string(),
                "SKU" => header = Some(record.iter().map(norm).collect()),
                _ => {}
            }
            continue;
        };
        if record.len() != h.len() {
            return Err(format!("offer file (CSV), line {line}: {} values for {} columns", record.len(), h.len()));
        }
        let mut attrs: HashMap<String, String> = HashMap::new();
        for (k, v) in h.iter().zip(record.iter()) {
            if !v.is_empty() {
                attrs.insert(k.clone(), v.to_string());
            }
        }
        let take = |attrs: &mut HashMap<String, String>, k: &str| attrs.remove(k).unwrap_or_default();
        let family = take(&mut attrs, "productfamily");
        if !wanted(&offer.code, &family, &attrs) {
            continue;
        }
        let term = match take(&mut attrs, "termtype").as_str() {
            "Reserved" => Term::Reserved {
                lease: take(&mut attrs, "leasecontractlength"),
                option: take(&mut attrs, "purchaseoption"),
                class: take(&mut attrs, "offeringclass"),
            },
            _ => Term::OnDemand,
        };
        if take(&mut attrs, "currency") != "USD" {
            continue;
        }
        let Ok(usd) = take(&mut attrs, "priceperunit").trim().parse::<f64>() else {
            return Err(format!("offer file (CSV), line {line}: PricePerUnit is not a number"));
        };
        offer.rows.push(PriceRow {
            sku: take(&mut attrs, "sku"),
            family,
            unit: take(&mut attrs, "unit"),
            begin: take(&mut attrs, "startingrange").parse().unwrap_or(0.0),
            usd,
            term,
            attrs,
        });
    }
    if header.is_none() {
        return Err("not an AWS Price List offer file (CSV): no header row starting with SKU".into());
    }
    Ok(offer)
}

/// Reads an offer file, JSON or CSV by its first character.
pub fn read(reader: impl Read) -> Result<Offer, String> {
    let mut buffered = std::io::BufReader::with_capacity(1 << 20, reader);
    let first = buffered
        .fill_buf()
        .map_err(|e| e.to_string())?
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && *b != 0xEF && *b != 0xBB && *b != 0xBF);
    let offer = if first == Some(b'{') { read_json(buffered)? } else { read_csv(buffered)? };
    if offer.code.is_empty() || offer.published.is_empty() {
        return Err("not an AWS Price List offer file: no offer code or publication date".into());
    }
    Ok(offer)
}

// ------------------------------------------------------------------ apply

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
    slot: fn(&mut super::catalogue::PricingModel) -> &mut f64,
    out: &mut Applied,
) {
    for (code, lease, option) in [("reserved_1yr", "1yr", "No Upfront"), ("reserved_3yr", "3yr", "All Upfront")] {
        if let (Some(d), Some(m)) = (discount(rows, pairs, lease, option), cat.pricing_models.iter_mut().find(|m| m.code == code)) {
            *slot(m) = d;
            out.updated.push(format!("{code} {service} discount {d}%"));
        }
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
    let rows = &offer.rows;
    let names = region_names(cat);
    let usage = |suffix: &'static str| move |r: &PriceRow| r.attr("usagetype").ends_with(suffix);
    let set = |name: &str, value: Option<f64>, slot: &mut f64, out: &mut Applied| match value {
        Some(v) if v > 0.0 => {
            *slot = v;
            out.updated.push(name.to_string());
        }
        _ => out.missing.push(name.to_string()),
    };
    let price = |pick: &dyn Fn(&PriceRow) -> bool| on_demand(rows, region, &names, pick).map(|r| r.usd);
    match offer.code.as_str() {
        "AmazonEC2" => {
            let priced = cat.instances.ec2.iter_mut().map(|t| (t.name.as_str(), &mut t.hourly));
            let pairs = hourly_prices(rows, region, &names, "Compute Instance", priced, &mut out);
            let gp3 = price(&|r: &PriceRow| r.family == "Storage" && r.attr("volumeapiname") == "gp3");
            let nat_hour = price(&usage("NatGateway-Hours"));
            let nat_gb = price(&usage("NatGateway-Bytes"));
            let p = cat.regions.get_mut(region).expect("checked above");
            set("EBS gp3", gp3, &mut p.ebs_gp3_gb_month, &mut out);
            set("NAT gateway hour", nat_hour, &mut p.nat_gateway_hour, &mut out);
            set("NAT gateway GB", nat_gb, &mut p.nat_gateway_gb, &mut out);
            reserved_discounts(cat, rows, &pairs, "EC2", |m| &mut m.ec2_discount_pct, &mut out);
        }
        "AmazonRDS" => {
            let priced = cat.instances.rds.iter_mut().map(|c| (c.class.as_str(), &mut c.hourly));
            let pairs = hourly_prices(rows, region, &names, "Database Instance", priced, &mut out);
            // gp3 where the file has it, the General Purpose (gp2) price otherwise.
            let storage = price(&|r: &PriceRow| r.family == "Database Storage" && r.attr("volumetype") == "General Purpose-GP3")
                .or_else(|| price(&|r: &PriceRow| r.family == "Database Storage" && r.attr("volumetype") == "General Purpose"));
            let p = cat.regions.get_mut(region).expect("checked above");
            set("RDS storage", storage, &mut p.rds_storage_gb_month, &mut out);
            reserved_discounts(cat, rows, &pairs, "RDS", |m| &mut m.rds_discount_pct, &mut out);
        }
        "AWSELB" => {
            let hour = price(&usage("LoadBalancerUsage"));
            let lcu = price(&usage("LCUUsage"));
            let p = cat.regions.get_mut(region).expect("checked above");
            set("ALB hour", hour, &mut p.alb_hour, &mut out);
            set("ALB LCU hour", lcu, &mut p.alb_lcu_hour, &mut out);
        }
        "AmazonS3" => {
            let standard = price(&|r: &PriceRow| r.attr("volumetype") == "Standard");
            let deep = price(&|r: &PriceRow| r.attr("volumetype") == "Glacier Deep Archive");
            let p = cat.regions.get_mut(region).expect("checked above");
            set("S3 Standard", standard, &mut p.s3_standard_gb_month, &mut out);
            set("S3 Glacier Deep Archive", deep, &mut p.s3_glacier_deep_archive_gb_month, &mut out);
        }
        "AmazonVPC" => {
            let endpoint = price(&usage("VpcEndpoint-Hours"));
            let tgw = price(&usage("TransitGateway-Hours"));
            let tgw_gb = price(&usage("TransitGateway-Bytes"));
            let vpn = price(&usage("VPN-Usage-Hours:ipsec.1"));
            let nat_hour = price(&usage("NatGateway-Hours"));
            let nat_gb = price(&usage("NatGateway-Bytes"));
            let p = cat.regions.get_mut(region).expect("checked above");
            set("VPC endpoint hour", endpoint, &mut p.vpc_endpoint_hour, &mut out);
            set("Transit Gateway attachment hour", tgw, &mut p.transit_gateway_attachment_hour, &mut out);
            set("Transit Gateway GB", tgw_gb, &mut p.transit_gateway_gb, &mut out);
            set("VPN connection hour", vpn, &mut p.vpn_connection_hour, &mut out);
            // Newer files carry the NAT gateway under VPC rather than EC2.
            if nat_hour.is_some() {
                set("NAT gateway hour", nat_hour, &mut p.nat_gateway_hour, &mut out);
                set("NAT gateway GB", nat_gb, &mut p.nat_gateway_gb, &mut out);
            }
        }
        other => return Err(format!("offer {other} is not one sixr prices (AmazonEC2, AmazonRDS, AWSELB, AmazonS3, AmazonVPC)")),
    }
    if out.updated.is_empty() {
        return Err(format!("{} has no price sixr uses for {region}", offer.code));
    }
    Ok(out)
}

/// Imports offer files into `cat`: each file's region (or `region` when the
/// file holds several), the catalogue dated with the oldest publication
/// date. Returns one summary line per file.
pub fn import(cat: &mut Catalogue, offers: &[(String, Offer)], region: Option<&str>) -> Result<Vec<String>, String> {
    let mut lines = Vec::new();
    let mut dates = Vec::new();
    let mut sources = Vec::new();
    for (name, offer) in offers {
        let regions = offer.regions(cat);
        let region = match (region, regions.as_slice()) {
            (Some(r), _) => r.to_string(),
            (None, [one]) => one.clone(),
            (None, []) => return Err(format!("{name}: no product of a region sixr prices")),
            (None, many) => return Err(format!("{name} holds several regions ({}): choose one with --region", many.join(", "))),
        };
        let applied = apply(cat, offer, &region).map_err(|e| format!("{name}: {e}"))?;
        lines.push(format!(
            "{name}: {} published {} for {region}: {} price(s) updated{}",
            offer.code,
            offer.date(),
            applied.updated.len(),
            if applied.missing.is_empty() { String::new() } else { format!("; not in the file, kept: {}", applied.missing.join(", ")) }
        ));
        dates.push(offer.date().to_string());
        sources.push(format!("{} {} ({region})", offer.code, offer.date()));
    }
    // The catalogue is as old as its oldest price: the files', or those it
    // started with and kept.
    let oldest = dates.iter().min().cloned().ok_or("no offer file given")?.min(cat.meta.retrieved.clone());
    const PREFIX: &str = "AWS Price List bulk offer files: ";
    cat.meta.source = match cat.meta.source.strip_prefix(PREFIX) {
        Some(earlier) => format!("{PREFIX}{}, {}", sources.join(", "), earlier),
        None => format!("{PREFIX}{}; the rest from: {} ({})", sources.join(", "), cat.meta.source, cat.meta.retrieved),
    };
    cat.meta.retrieved = oldest.clone();
    cat.meta.notice = format!("Prices from AWS Price List offer files, the oldest of {oldest}; verify before quoting.");
    cat.validate()?;
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_keys_of_both_shapes_meet() {
        assert_eq!(norm("instanceType"), norm("Instance Type"));
        assert_eq!(norm("preInstalledSw"), norm("Pre Installed S/W"));
        assert_eq!(norm("regionCode"), norm("Region Code"));
    }

    #[test]
    fn a_file_of_several_regions_needs_the_region_named() {
        let row = |region: &str| PriceRow {
            sku: region.into(),
            family: "Load Balancer-Application".into(),
            attrs: [("regioncode".to_string(), region.to_string()), ("usagetype".to_string(), "LoadBalancerUsage".to_string())].into(),
            term: Term::OnDemand,
            unit: "Hrs".into(),
            usd: 0.03,
            begin: 0.0,
        };
        let offer =
            Offer { code: "AWSELB".into(), published: "2026-11-01T00:00:00Z".into(), rows: vec![row("us-east-1"), row("ap-northeast-2")] };
        let mut cat = Catalogue::parse(super::super::catalogue::SHIPPED).unwrap();
        let files = [("elb.json".to_string(), offer)];
        assert!(import(&mut cat, &files, None).unwrap_err().contains("--region"));
        import(&mut cat, &files, Some("ap-northeast-2")).unwrap();
        assert_eq!(cat.regions["ap-northeast-2"].alb_hour, 0.03);
        assert_eq!(cat.regions["us-east-1"].alb_hour, 0.0225, "the other region is left alone");
        assert_eq!(cat.meta.retrieved, "2026-11-01");
    }

    #[test]
    fn a_file_that_is_not_an_offer_is_refused() {
        assert!(read("{\"hello\": 1}".as_bytes()).unwrap_err().contains("offer"));
        assert!(read("a,b\n1,2\n".as_bytes()).unwrap_err().contains("SKU"));
    }
}
