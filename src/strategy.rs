//! The six migration strategies (the 6R of the seed, M3 "마이그레이션 전략").

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    Rehost,
    Replatform,
    Refactor,
    Retire,
    Retain,
    Repurchase,
}

impl Strategy {
    pub const ALL: [Strategy; 6] =
        [Strategy::Rehost, Strategy::Replatform, Strategy::Refactor, Strategy::Retire, Strategy::Retain, Strategy::Repurchase];

    /// The lower-case code used in storage, URLs, CSV and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Strategy::Rehost => "rehost",
            Strategy::Replatform => "replatform",
            Strategy::Refactor => "refactor",
            Strategy::Retire => "retire",
            Strategy::Retain => "retain",
            Strategy::Repurchase => "repurchase",
        }
    }

    pub fn parse(s: &str) -> Option<Strategy> {
        let s = s.trim().to_lowercase();
        Strategy::ALL.into_iter().find(|r| r.code() == s || r.label_en().to_lowercase() == s || r.label_ko() == s)
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Strategy::Rehost => "Rehost",
            Strategy::Replatform => "Replatform",
            Strategy::Refactor => "Refactor",
            Strategy::Retire => "Retire",
            Strategy::Retain => "Retain",
            Strategy::Repurchase => "Repurchase",
        }
    }

    /// The seed's Korean names.
    pub fn label_ko(self) -> &'static str {
        match self {
            Strategy::Rehost => "리호스팅",
            Strategy::Replatform => "리플랫폼",
            Strategy::Refactor => "리팩터링",
            Strategy::Retire => "사용 중지",
            Strategy::Retain => "유지",
            Strategy::Repurchase => "재구매",
        }
    }

    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match lang {
            crate::i18n::Lang::En => self.label_en(),
            crate::i18n::Lang::Ko => self.label_ko(),
        }
    }

    /// Whether the workload moves to AWS under this strategy.
    pub fn moves_to_aws(self) -> bool {
        matches!(self, Strategy::Rehost | Strategy::Replatform | Strategy::Refactor)
    }
}

impl std::fmt::Display for Strategy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The strategy of an application from its workloads' strategies: the most
/// common one; ties go to the strategy that keeps more of the application
/// moving together (the order of `Strategy::ALL`). `None` for no workloads.
pub fn application_strategy(workloads: &[Strategy]) -> Option<Strategy> {
    let mut counts = [0usize; 6];
    for s in workloads {
        counts[Strategy::ALL.iter().position(|x| x == s).expect("every strategy is in ALL")] += 1;
    }
    let best = *counts.iter().max()?;
    if best == 0 {
        return None;
    }
    Strategy::ALL.iter().zip(counts).find(|(_, c)| *c == best).map(|(s, _)| *s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_labels_parse_back() {
        for s in Strategy::ALL {
            assert_eq!(Strategy::parse(s.code()), Some(s));
            assert_eq!(Strategy::parse(s.label_ko()), Some(s));
        }
        assert_eq!(Strategy::parse("lift and shift"), None);
    }

    #[test]
    fn application_strategy_is_the_majority() {
        use Strategy::*;
        assert_eq!(application_strategy(&[Replatform, Replatform, Rehost]), Some(Replatform));
        assert_eq!(application_strategy(&[Retire, Rehost]), Some(Rehost));
        assert_eq!(application_strategy(&[]), None);
    }
}
