//! The engagement's preference profile: how much each business goal matters
//! and whether the customer wants managed or self-managed platforms. Stored
//! under the engagement preferences key `profile`.

use serde::{Deserialize, Serialize};

use super::rules::Goal;

/// The engagement preferences key the profile is stored under.
pub const PREFERENCE_KEY: &str = "profile";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Hosting {
    /// No preference.
    #[default]
    None,
    Managed,
    #[serde(rename = "self")]
    SelfManaged,
}

impl Hosting {
    pub const ALL: [Hosting; 3] = [Hosting::None, Hosting::Managed, Hosting::SelfManaged];
    pub fn code(self) -> &'static str {
        match self {
            Hosting::None => "none",
            Hosting::Managed => "managed",
            Hosting::SelfManaged => "self",
        }
    }
    pub fn parse(s: &str) -> Option<Hosting> {
        Hosting::ALL.into_iter().find(|h| h.code() == s.trim())
    }
}

/// Importance of each goal from 1 (hardly matters) to 5 (matters most).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    pub speed: u8,
    pub managed: u8,
    pub modernise: u8,
    pub licence: u8,
    pub app_hosting: Hosting,
    pub db_hosting: Hosting,
}

impl Default for Profile {
    fn default() -> Self {
        Profile { speed: 3, managed: 3, modernise: 3, licence: 3, app_hosting: Hosting::None, db_hosting: Hosting::None }
    }
}

impl Profile {
    /// The multiplier for a rule's points: importance 1..5 gives 0.5..1.5.
    pub fn weight(&self, goal: Goal) -> f64 {
        let importance = match goal {
            Goal::Speed => self.speed,
            Goal::Managed => self.managed,
            Goal::Modernise => self.modernise,
            Goal::Licence => self.licence,
        };
        0.5 + 0.25 * (f64::from(importance.clamp(1, 5)) - 1.0)
    }

    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in [
            ("speed of migration", self.speed),
            ("less operational overhead", self.managed),
            ("modernisation", self.modernise),
            ("licence-cost reduction", self.licence),
        ] {
            if !(1..=5).contains(&v) {
                return Err(format!("{name}: importance goes from 1 to 5, not {v}"));
            }
        }
        Ok(())
    }

    /// The profile stored in an engagement's preferences (defaults when absent or unreadable).
    pub fn from_preferences(prefs: &serde_json::Value) -> Profile {
        prefs
            .get(PREFERENCE_KEY)
            .and_then(|v| serde_json::from_value::<Profile>(v.clone()).ok())
            .filter(|p| p.validate().is_ok())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_run_from_half_to_one_and_a_half() {
        let p = Profile { speed: 1, managed: 5, ..Profile::default() };
        assert_eq!(p.weight(Goal::Speed), 0.5);
        assert_eq!(p.weight(Goal::Managed), 1.5);
        assert_eq!(p.weight(Goal::Licence), 1.0);
        assert!(Profile { speed: 6, ..Profile::default() }.validate().is_err());
    }

    #[test]
    fn profile_reads_back_from_preferences() {
        let p = Profile { db_hosting: Hosting::SelfManaged, licence: 5, ..Profile::default() };
        let prefs = serde_json::json!({ "profile": p });
        assert_eq!(Profile::from_preferences(&prefs), p);
        assert_eq!(Profile::from_preferences(&serde_json::json!({})), Profile::default());
        assert_eq!(prefs["profile"]["db_hosting"], "self");
    }
}
