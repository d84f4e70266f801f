//! The published JSON shape of an offer file, parsed as a stream: products
//! are kept only when sixr prices them, and then only their terms.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;

use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::{Offer, PriceRow, Term, norm, wanted};

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
