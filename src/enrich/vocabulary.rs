//! `rules/enrichment.toml` parsed and checked once: word → role, word →
//! database engine, and the words that never name an application.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use serde::Deserialize;

/// The vocabulary shipped with sixr.
pub const SOURCE: &str = include_str!("../../rules/enrichment.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    shared_application: String,
    shared_roles: Vec<String>,
    #[serde(default)]
    combine: Vec<RawCombine>,
    generic: RawWords,
    annotation: RawAnnotation,
    #[serde(default)]
    sheet: Vec<RawSheet>,
    role: Vec<RawRole>,
    engine: Vec<RawEngine>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSheet {
    sheet: String,
    role: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWords {
    words: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCombine {
    roles: Vec<String>,
    role: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAnnotation {
    application_keys: Vec<String>,
    names_only: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRole {
    role: String,
    words: Vec<String>,
    #[serde(default)]
    os: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEngine {
    engine: String,
    words: Vec<String>,
    #[serde(default)]
    os: Vec<String>,
}

/// An engine a word suggests, on any OS or only on OSes containing `os`.
#[derive(Debug, Clone)]
pub struct EngineWord {
    pub engine: String,
    pub os: Vec<String>,
}

#[derive(Debug)]
pub struct Vocabulary {
    pub shared_application: String,
    pub shared_roles: HashSet<String>,
    /// Role sets that are one role together.
    pub combine: Vec<(Vec<String>, String)>,
    pub roles: HashMap<String, String>,
    /// Pieces of an OS string and the role they say.
    pub os_roles: Vec<(String, String)>,
    pub engines: HashMap<String, Vec<EngineWord>>,
    /// Sheet name (lower-case) → the role of the servers it lists.
    pub sheets: HashMap<String, String>,
    pub generic: HashSet<String>,
    pub application_keys: Vec<String>,
    pub names_only: HashSet<String>,
}

impl Vocabulary {
    /// Parses and checks the file; the error says what is wrong where.
    pub fn parse(source: &str) -> Result<Vocabulary, String> {
        let raw: Raw = toml::from_str(source).map_err(|e| format!("enrichment rules: {e}"))?;
        let known_roles: HashSet<&str> = crate::inventory::ROLES.iter().copied().collect();
        let check_role = |r: &str, at: &str| {
            if known_roles.contains(r) { Ok(()) } else { Err(format!("{at}: \"{r}\" is not one of inventory::ROLES")) }
        };
        let lower = |w: &str, at: &str| {
            if w.to_lowercase() == w && !w.is_empty() { Ok(w.to_string()) } else { Err(format!("{at}: word \"{w}\" must be lower-case")) }
        };
        let mut roles = HashMap::new();
        let mut os_roles = Vec::new();
        for r in &raw.role {
            check_role(&r.role, "role")?;
            for w in &r.words {
                if let Some(other) = roles.insert(lower(w, &r.role)?, r.role.clone()) {
                    return Err(format!("role word \"{w}\" says both {other} and {}", r.role));
                }
            }
            for piece in &r.os {
                os_roles.push((lower(piece, &r.role)?, r.role.clone()));
            }
        }
        let mut engines: HashMap<String, Vec<EngineWord>> = HashMap::new();
        for e in &raw.engine {
            for w in &e.words {
                let os = e.os.iter().map(|p| lower(p, &e.engine)).collect::<Result<_, _>>()?;
                engines.entry(lower(w, &e.engine)?).or_default().push(EngineWord { engine: e.engine.clone(), os });
            }
        }
        for r in &raw.shared_roles {
            check_role(r, "shared_roles")?;
        }
        let mut combine = Vec::new();
        for c in raw.combine {
            for r in c.roles.iter().chain([&c.role]) {
                check_role(r, "combine")?;
            }
            combine.push((c.roles, c.role));
        }
        let mut sheets = HashMap::new();
        for s in raw.sheet {
            check_role(&s.role, "sheet")?;
            sheets.insert(s.sheet.to_lowercase(), s.role);
        }
        let generic = raw.generic.words.iter().map(|w| lower(w, "generic")).collect::<Result<_, _>>()?;
        let names_only = raw.annotation.names_only.iter().map(|w| lower(w, "annotation.names_only")).collect::<Result<_, _>>()?;
        if raw.shared_application.trim().is_empty() {
            return Err("shared_application: give the shared application a name".into());
        }
        Ok(Vocabulary {
            shared_application: raw.shared_application.trim().to_string(),
            shared_roles: raw.shared_roles.into_iter().collect(),
            combine,
            roles,
            os_roles,
            engines,
            sheets,
            generic,
            application_keys: raw.annotation.application_keys,
            names_only,
        })
    }

    /// The words of a text, keeping the words this vocabulary knows whole
    /// (`words::words`).
    pub fn words(&self, text: &str) -> Vec<String> {
        super::words::words(text, &|w| self.roles.contains_key(w) || self.engines.contains_key(w) || self.generic.contains(w))
    }

    /// A word that names no application: generic, an environment, a role.
    pub fn is_generic(&self, word: &str) -> bool {
        self.generic.contains(word) || self.roles.contains_key(word) || self.engines.contains_key(word)
    }
}

/// The shipped vocabulary, parsed on first use.
pub fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| Vocabulary::parse(SOURCE).unwrap_or_else(|e| panic!("rules/enrichment.toml: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_is_valid() {
        let v = Vocabulary::parse(SOURCE).unwrap();
        assert_eq!(v.roles["db"], "db");
        assert_eq!(v.roles["webserver"], "web");
        assert!(v.engines["sql"].iter().any(|e| e.os == ["windows"]));
        assert!(v.shared_roles.contains("monitoring"));
    }

    #[test]
    fn mistakes_are_named() {
        let base = "shared_application = \"S\"\nshared_roles = []\n[generic]\nwords = []\n[annotation]\napplication_keys = []\nnames_only = []\n[[engine]]\nengine = \"MySQL\"\nwords = [\"mysql\"]\n";
        let unknown_role = format!("{base}[[role]]\nrole = \"wizard\"\nwords = [\"magic\"]\n");
        assert!(Vocabulary::parse(&unknown_role).unwrap_err().contains("\"wizard\" is not one of"));
        let twice = format!("{base}[[role]]\nrole = \"web\"\nwords = [\"x\"]\n[[role]]\nrole = \"db\"\nwords = [\"x\"]\n");
        assert!(Vocabulary::parse(&twice).unwrap_err().contains("says both web and db"));
        let upper = format!("{base}[[role]]\nrole = \"web\"\nwords = [\"Web\"]\n");
        assert!(Vocabulary::parse(&upper).unwrap_err().contains("lower-case"));
    }
}
