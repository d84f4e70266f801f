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
//!
//! `from_json` and `from_csv` read the two shapes, `apply` sets the
//! catalogue's prices from the rows; `read` and `import` here do both for a
//! set of files.

mod apply;
mod from_csv;
mod from_json;

pub use apply::{Applied, apply};
pub use from_csv::read_csv;
pub use from_json::read_json;

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, Read};

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
