//! The products consultants meet (`rules/products.toml`), found in free text
//! on whole words: what is already SaaS, what has a SaaS successor or an AWS
//! managed equivalent, commercial or open source, and the endoflife.date id.

use std::sync::OnceLock;

use serde::Deserialize;

/// The product knowledge shipped with sixr (data, not code).
pub const PRODUCTS_SOURCE: &str = include_str!("../../rules/products.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Licence {
    #[default]
    Commercial,
    OpenSource,
}

impl Licence {
    pub fn code(self) -> &'static str {
        match self {
            Licence::Commercial => "commercial",
            Licence::OpenSource => "open_source",
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    pub id: String,
    pub name: String,
    pub category: String,
    pub aliases: Vec<String>,
    #[serde(default)]
    pub licence: Licence,
    /// Already a SaaS product.
    #[serde(default)]
    pub saas: bool,
    /// The SaaS product that replaces it.
    #[serde(default)]
    pub successor: String,
    /// The AWS managed service that replaces it.
    #[serde(default)]
    pub managed: String,
    /// endoflife.date product id.
    #[serde(default)]
    pub eol: String,
    /// OS family as the scoring tables name it (operating systems only).
    #[serde(default)]
    pub family: String,
}

/// What a product means for the 6R.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Already SaaS: nothing to migrate.
    Saas,
    /// A SaaS successor exists: Repurchase.
    SaasSuccessor,
    /// An AWS managed service replaces it: Replatform.
    Managed,
    /// Known by name (and end-of-support dates) only.
    Plain,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::Saas => "saas",
            Kind::SaasSuccessor => "saas_successor",
            Kind::Managed => "managed",
            Kind::Plain => "none",
        }
    }
}

impl Product {
    pub fn kind(&self) -> Kind {
        if self.saas {
            Kind::Saas
        } else if !self.successor.is_empty() {
            Kind::SaasSuccessor
        } else if !self.managed.is_empty() {
            Kind::Managed
        } else {
            Kind::Plain
        }
    }

    /// Where it goes: the SaaS successor or the managed service (empty otherwise).
    pub fn target(&self) -> &str {
        match self.kind() {
            Kind::SaasSuccessor => &self.successor,
            Kind::Managed => &self.managed,
            _ => "",
        }
    }

    pub fn is_os(&self) -> bool {
        self.category == "os"
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    product: Vec<Product>,
}

/// Every product with its aliases split into words once.
#[derive(Debug)]
pub struct Catalogue {
    pub products: Vec<Product>,
    /// First word -> (alias words, product index), longest aliases first:
    /// one lookup per word of a text, whatever the catalogue's size.
    aliases: std::collections::HashMap<String, Vec<(Vec<String>, usize)>>,
}

/// Lower-case words of a free text: split on spaces and punctuation, but
/// `.`, `+` and `#` stay inside a word (`.net`, `node.js`, `c#`) and a `/`
/// between digits too (`4/5/6/7`).
pub fn words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let mut out = Vec::new();
    for raw in lower.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '[' | ']' | '"' | '\'' | ':' | '|' | '_')) {
        let parts: Vec<&str> = if raw.contains('/') && !raw.split('/').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())) {
            raw.split('/').collect()
        } else {
            vec![raw]
        };
        for p in parts {
            // A dash joins words that stand alone too (`big-ip`, `e-business`):
            // keep the whole and let aliases written with a dash match it.
            let w = p.trim_matches(|c: char| matches!(c, '.' | '-' | '!' | '?' | '*'));
            if !w.is_empty() {
                out.push(w.to_string());
            }
        }
    }
    out
}

impl Catalogue {
    pub fn parse(source: &str) -> Result<Catalogue, String> {
        let raw: RawCatalogue = toml::from_str(source).map_err(|e| format!("products file: {e}"))?;
        let mut seen = std::collections::HashSet::new();
        let mut aliases = Vec::new();
        for (i, p) in raw.product.iter().enumerate() {
            if !seen.insert(p.id.clone()) {
                return Err(format!("product \"{}\" is defined twice", p.id));
            }
            if p.aliases.is_empty() {
                return Err(format!("product \"{}\" has no aliases", p.id));
            }
            if [p.saas, !p.successor.is_empty(), !p.managed.is_empty()].iter().filter(|b| **b).count() > 1 {
                return Err(format!("product \"{}\": give one of saas, successor and managed", p.id));
            }
            if p.is_os() == p.family.is_empty() {
                return Err(format!("product \"{}\": operating systems, and only they, have a family", p.id));
            }
            for a in &p.aliases {
                if a.to_lowercase() != *a {
                    return Err(format!("product \"{}\": alias \"{a}\" must be lower case", p.id));
                }
                let w = words(a);
                if w.is_empty() {
                    return Err(format!("product \"{}\": an alias is empty", p.id));
                }
                aliases.push((w, i));
            }
        }
        aliases.sort_by_key(|(w, i)| (std::cmp::Reverse(w.len()), *i));
        let mut index: std::collections::HashMap<String, Vec<(Vec<String>, usize)>> = std::collections::HashMap::new();
        for (w, i) in aliases {
            index.entry(w[0].clone()).or_default().push((w, i));
        }
        Ok(Catalogue { products: raw.product, aliases: index })
    }

    pub fn get(&self, id: &str) -> Option<&Product> {
        self.products.iter().find(|p| p.id == id)
    }

    /// The products named in `text`, in the order they appear, each once;
    /// at each place the longest alias wins ("apache tomcat" is Tomcat, not
    /// Apache HTTP Server). With the word index just after the alias.
    pub fn find_with_end<'a>(&'a self, text: &str) -> Vec<(&'a Product, usize)> {
        let w = words(text);
        let mut out: Vec<(&Product, usize)> = Vec::new();
        let mut at = 0;
        while at < w.len() {
            let hit = self.aliases.get(&w[at]).and_then(|list| list.iter().find(|(alias, _)| w[at..].starts_with(alias)));
            match hit {
                Some((alias, i)) => {
                    let p = &self.products[*i];
                    if !out.iter().any(|(q, _)| q.id == p.id) {
                        out.push((p, at + alias.len()));
                    }
                    at += alias.len();
                }
                None => at += 1,
            }
        }
        out
    }

    /// The products named in `text` (see [`Catalogue::find_with_end`]).
    pub fn find<'a>(&'a self, text: &str) -> Vec<&'a Product> {
        self.find_with_end(text).into_iter().map(|(p, _)| p).collect()
    }

    /// The product that decides most about the 6R among those named in the
    /// texts: already SaaS, then a SaaS successor, then a managed
    /// equivalent, then any other (operating systems left out), first
    /// named first.
    pub fn decisive<'a>(&'a self, texts: &[&str]) -> Option<&'a Product> {
        let found: Vec<&Product> = texts.iter().flat_map(|t| self.find(t)).filter(|p| !p.is_os()).collect();
        [Kind::Saas, Kind::SaasSuccessor, Kind::Managed, Kind::Plain]
            .into_iter()
            .find_map(|k| found.iter().find(|p| p.kind() == k).copied())
    }
}

/// The shipped catalogue, parsed once (a test keeps it valid).
pub fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| Catalogue::parse(PRODUCTS_SOURCE).unwrap_or_else(|e| panic!("rules/products.toml: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<String> {
        catalogue().find(text).iter().map(|p| p.id.clone()).collect()
    }

    #[test]
    fn the_products_file_is_valid_and_large_enough() {
        let c = Catalogue::parse(PRODUCTS_SOURCE).unwrap();
        assert!(c.products.len() >= 100, "{}", c.products.len());
        for p in &c.products {
            if !p.eol.is_empty() {
                assert!(crate::knowledge::eol::data().products.contains_key(&p.eol), "{}: no endoflife.date product {}", p.id, p.eol);
            }
        }
    }

    #[test]
    fn aliases_match_whole_words_only() {
        assert_eq!(ids("MS SQL Server 2016"), ["sqlserver"]);
        assert_eq!(ids("Java 11, Apache Tomcat 9"), ["tomcat"]);
        assert_eq!(ids("Exchange rates service"), Vec::<String>::new(), "\"exchange\" alone is no mail server");
        assert_eq!(ids("Microsoft Exchange 2013"), ["exchange"]);
        assert_eq!(ids("mongoose ODM"), Vec::<String>::new(), "not MongoDB");
        assert_eq!(ids("Teradata, Informatica"), ["teradata", "informatica"]);
        assert_eq!(ids("Cisco ASA 5525-X, AnyConnect"), ["vpn-appliance"]);
        assert_eq!(ids("Confluence Server 7.13, Java"), ["confluence"]);
    }

    #[test]
    fn the_decisive_product_is_the_one_that_says_most() {
        let c = catalogue();
        let d = |t: &[&str]| c.decisive(t).map(|p| (p.id.clone(), p.kind(), p.target().to_string()));
        assert_eq!(d(&["Nagios Core, NRPE", "MySQL 5.7"]), Some(("nagios".into(), Kind::Managed, "Amazon CloudWatch".into())));
        assert_eq!(d(&["Salesforce"]).unwrap().1, Kind::Saas);
        assert_eq!(d(&["Jenkins"]).unwrap().2, "AWS CodePipeline and AWS CodeBuild");
        assert_eq!(d(&["Kong 2.8"]).unwrap().2, "Amazon API Gateway");
        assert_eq!(d(&["Windows Server 2019"]), None, "operating systems decide nothing here");
        assert_eq!(d(&["Microsoft Exchange 2013"]).unwrap().2, "Exchange Online (Microsoft 365)");
    }
}
