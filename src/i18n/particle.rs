//! Korean particles that agree with the word before them. A sentence is
//! written once with one form ("{os}는 …"); the value filled in decides
//! whether the word ends in a consonant (받침) and takes 은, 이, 을, 과,
//! 으로, or in a vowel and takes 는, 가, 를, 와, 로 ("Windows Server 2008은",
//! "Ubuntu는").

use super::Lang;

/// The pairs, the form after a consonant first. 으로/로 also takes 로 after
/// ㄹ ("MySQL로").
const PAIRS: &[(&str, &str)] = &[("은", "는"), ("이", "가"), ("을", "를"), ("과", "와"), ("으로", "로")];

/// How the end of a word sounds, as far as particles care.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ending {
    Vowel,
    Consonant,
    /// ㄹ: a consonant, but 으로/로 takes 로.
    Rieul,
}

/// If `rest` (the text right after a filled-in `value`) starts with a
/// particle followed by a word boundary, the form that agrees with `value`
/// and the length in bytes of the particle as written.
pub fn agreeing(value: &str, rest: &str) -> Option<(&'static str, usize)> {
    let (pair, written) = PAIRS.iter().find_map(|pair| {
        [pair.0, pair.1]
            .into_iter()
            .find(|form| {
                // "은(는)" already reads both ways.
                rest.strip_prefix(*form).is_some_and(|after| after.chars().next().is_none_or(|c| !is_hangul(c) && c != '('))
            })
            .map(|form| (pair, form.len()))
    })?;
    let ending = ending(value)?;
    let form = match (ending, pair.0) {
        (Ending::Rieul, "으로") | (Ending::Vowel, _) => pair.1,
        _ => pair.0,
    };
    Some((form, written))
}

fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c)
}

/// The ending of the last word of `value` as read aloud in Korean: a Hangul
/// syllable by its final consonant, a digit by its Korean name (일, 삼, 칠 …),
/// a capital after a capital or digit by its letter name (SQL: 엘), an
/// English word by how loanwords usually end (…n: 썬, …l: 엘, …ng: 엥,
/// …c/…k: 익). Unknown (`None`) for anything else; the sentence keeps its form.
fn ending(value: &str) -> Option<Ending> {
    // "$36,000.00" reads "36,000달러": the currency's name ends the word,
    // and the sentence is written for it.
    if value.trim_start().starts_with(['$', '€', '£', '¥', '₩']) {
        return None;
    }
    let word = value.trim_end_matches(|c: char| !c.is_alphanumeric());
    let mut chars = word.chars().rev();
    let last = chars.next()?;
    let before = chars.next();
    Some(match last {
        c if is_hangul(c) => match (c as u32 - 0xAC00) % 28 {
            0 => Ending::Vowel,
            8 => Ending::Rieul,
            _ => Ending::Consonant,
        },
        '1' | '7' | '8' => Ending::Rieul,
        '0' | '3' | '6' => Ending::Consonant,
        '2' | '4' | '5' | '9' => Ending::Vowel,
        c if c.is_ascii_uppercase() && before.is_none_or(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || !b.is_alphanumeric()) => {
            match c {
                'L' | 'R' => Ending::Rieul,
                'M' | 'N' => Ending::Consonant,
                _ => Ending::Vowel,
            }
        }
        c if c.is_ascii_alphabetic() => match c.to_ascii_lowercase() {
            'l' => Ending::Rieul,
            'm' | 'n' | 'c' | 'k' => Ending::Consonant,
            'g' if before.is_some_and(|b| b.eq_ignore_ascii_case(&'n')) => Ending::Consonant,
            _ => Ending::Vowel,
        },
        _ => return None,
    })
}

/// `text` with its `{name}` placeholders filled in (`value_of` gives a
/// placeholder's value; a brace that names none stays as written) and, in
/// Korean, every particle right after one made to agree with the value.
pub fn fill<V: std::fmt::Display>(text: &str, lang: Lang, value_of: impl Fn(&str) -> Option<V>) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let inside = &rest[open + 1..];
        let found = inside.find('}').and_then(|close| value_of(&inside[..close]).map(|v| (close, v)));
        let Some((close, value)) = found else {
            out.push('{');
            rest = inside;
            continue;
        };
        let at = out.len();
        write!(out, "{value}").expect("writing to a String");
        let after = &inside[close + 1..];
        rest = match (lang == Lang::Ko).then(|| agreeing(&out[at..], after)).flatten() {
            Some((form, written)) => {
                out.push_str(form);
                &after[written..]
            }
            None => after,
        };
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(text: &str, value_of: impl Fn(&str) -> Option<String>) -> String {
        super::fill(text, Lang::Ko, value_of)
    }

    fn topic(value: &str) -> String {
        fill("{v}는 지원됩니다", |_| Some(value.to_string()))
    }

    #[test]
    fn the_particle_agrees_with_how_the_value_ends() {
        assert_eq!(topic("Ubuntu"), "Ubuntu는 지원됩니다");
        assert_eq!(topic("Windows Server 2008"), "Windows Server 2008은 지원됩니다");
        assert_eq!(topic("Windows Server 2019"), "Windows Server 2019는 지원됩니다");
        assert_eq!(topic("Windows Server 2008 R2"), "Windows Server 2008 R2는 지원됩니다");
        assert_eq!(topic("IIS"), "IIS는 지원됩니다");
        assert_eq!(topic("MySQL"), "MySQL은 지원됩니다");
        assert_eq!(topic("Oracle Database"), "Oracle Database는 지원됩니다");
        assert_eq!(topic("Python"), "Python은 지원됩니다");
        assert_eq!(topic("주문 시스템"), "주문 시스템은 지원됩니다");
        assert_eq!(topic("결제"), "결제는 지원됩니다");
        assert_eq!(topic("Red Hat Enterprise Linux 6 (64-bit)"), "Red Hat Enterprise Linux 6 (64-bit)는 지원됩니다");
        assert_eq!(fill("{v}을 옮깁니다", |_| Some("서버".into())), "서버를 옮깁니다");
        assert_eq!(fill("{v}가 필요합니다", |_| Some("인증 서비스".into())), "인증 서비스가 필요합니다");
        assert_eq!(fill("{v}이 필요합니다", |_| Some("결제".into())), "결제가 필요합니다");
        assert_eq!(fill("{v}와 함께", |_| Some("주문".into())), "주문과 함께");
        assert_eq!(fill("{v}으로 옮깁니다", |_| Some("MySQL".into())), "MySQL로 옮깁니다");
        assert_eq!(
            fill("{v}로 옮깁니다", |_| Some("Amazon RDS for PostgreSQL 엔진".into())),
            "Amazon RDS for PostgreSQL 엔진으로 옮깁니다"
        );
        assert_eq!(fill("{v}로 옮깁니다", |_| Some("웨이브 3".into())), "웨이브 3으로 옮깁니다");
    }

    #[test]
    fn only_a_particle_at_a_word_boundary_changes() {
        // "이전" and "가능" are words, not particles; 은(는) already reads both ways.
        assert_eq!(fill("{v}이전", |_| Some("서버".into())), "서버이전");
        assert_eq!(fill("{v}가능", |_| Some("결제".into())), "결제가능");
        assert_eq!(fill("{v}은(는) 숫자가 아닙니다", |_| Some("abc".into())), "abc은(는) 숫자가 아닙니다");
        // An unknown placeholder stays as written, and a value with nothing
        // readable at its end keeps the sentence's form.
        assert_eq!(fill("{x}는 {v}는", |n| (n == "v").then(|| "—".to_string())), "{x}는 —는");
        // An amount reads with its currency's name: the sentence's form.
        assert_eq!(fill("{v}와 비교됩니다", |_| Some("$36,000.00".into())), "$36,000.00와 비교됩니다");
        // English is filled as written.
        assert_eq!(super::fill("{v}는", Lang::En, |_| Some("MySQL")), "MySQL는");
    }
}
