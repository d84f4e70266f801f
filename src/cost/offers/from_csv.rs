//! The published CSV shape of an offer file, read row by row.

use std::collections::HashMap;
use std::io::Read;

use super::{Offer, PriceRow, Term, norm, wanted};

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
