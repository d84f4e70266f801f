//! Facts about one workload as the rules read them: inventory fields,
//! facts derived with the rule book's tables, answers and the profile.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::profile::Profile;
use super::rules::{QuestionKind, RuleBook};
use crate::i18n::Lang;
use crate::inventory::{AppAttributes, Workload, parse_number};
use crate::knowledge::Date;
use crate::knowledge::eol::Support;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Unknown,
    /// As typed, and lower-cased for comparison.
    Text(String, String),
    Num(f64),
    Bool(bool),
}

impl Value {
    pub fn is_known(&self) -> bool {
        !matches!(self, Value::Unknown)
    }

    pub(crate) fn text(raw: &str) -> Value {
        let t = raw.trim();
        if t.is_empty() { Value::Unknown } else { Value::Text(t.to_string(), t.to_lowercase()) }
    }

    fn num(v: Option<f64>) -> Value {
        v.map_or(Value::Unknown, Value::Num)
    }

    /// A text value as stored or typed (lower-cased for comparison).
    pub fn from_text(raw: &str) -> Value {
        Value::Text(raw.to_string(), raw.to_lowercase())
    }

    /// How the value reads inside a reason sentence.
    pub fn display(&self, lang: Lang) -> String {
        match (self, lang) {
            (Value::Unknown, Lang::En) => "unknown".into(),
            (Value::Unknown, Lang::Ko) => "알 수 없음".into(),
            (Value::Text(raw, _), _) => raw.clone(),
            (Value::Num(n), _) => format_number(*n),
            (Value::Bool(b), Lang::En) => if *b { "yes" } else { "no" }.into(),
            (Value::Bool(b), Lang::Ko) => if *b { "예" } else { "아니오" }.into(),
        }
    }
}

/// Stored as plain JSON (text as typed, number, boolean, null for unknown):
/// a reason keeps the values of the facts its sentence names, typed, and is
/// put into words when read (`Reason::text`).
impl Serialize for Value {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Unknown => s.serialize_none(),
            Value::Text(raw, _) => s.serialize_str(raw),
            Value::Num(n) => s.serialize_f64(*n),
            Value::Bool(b) => s.serialize_bool(*b),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        Ok(match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(raw) => Value::from_text(&raw),
            serde_json::Value::Number(n) => n.as_f64().map_or(Value::Unknown, Value::Num),
            serde_json::Value::Bool(b) => Value::Bool(b),
            _ => Value::Unknown,
        })
    }
}

/// 6 → "6", 4.5 → "4.5" (no trailing ".0" in sentences).
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{:.2}", n).trim_end_matches('0').to_string() }
}

/// Normalises an answer as typed (yes/no/예/아니오/number...) for its
/// question; anything that does not read as an answer is unknown.
pub fn normalise_answer(kind: QuestionKind, options: &[String], raw: &str) -> Value {
    let t = raw.trim();
    let low = t.to_lowercase();
    if t.is_empty() || matches!(low.as_str(), "unknown" | "?" | "n/a" | "모름" | "알 수 없음" | "미정") {
        return Value::Unknown;
    }
    match kind {
        QuestionKind::YesNo => match low.as_str() {
            "yes" | "y" | "true" | "1" | "o" | "예" | "네" | "응" | "있음" | "사용" => Value::Text("yes".into(), "yes".into()),
            "no" | "n" | "false" | "0" | "x" | "아니오" | "아니요" | "아니" | "없음" | "미사용" => {
                Value::Text("no".into(), "no".into())
            }
            _ => Value::Unknown,
        },
        QuestionKind::Choice => {
            if options.contains(&low) {
                Value::Text(low.clone(), low)
            } else {
                Value::Unknown
            }
        }
        QuestionKind::Number => parse_number(t).map_or(Value::Unknown, Value::Num),
        QuestionKind::Text => Value::Text(t.to_string(), low),
    }
}

/// A dated end of support of a workload's operating system or database, as
/// an assessment keeps it (the timeline reads the dates).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndOfSupport {
    /// `os` or `db`.
    pub kind: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// `YYYY-MM-DD`; none when support ended without a date.
    #[serde(default)]
    pub date: Option<String>,
}

/// An end of support as scoring judges it on its day.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    pub kept: EndOfSupport,
    /// Ended before the day of scoring.
    pub past: bool,
}

impl Judged {
    fn from(kind: &str, version: String, support: &Support, today: Date) -> Judged {
        Judged {
            kept: EndOfSupport { kind: kind.into(), version, date: support.until.date().map(|d| d.to_string()) },
            past: support.until.ended_by(today),
        }
    }
}

impl EndOfSupport {
    pub fn day(&self) -> Option<Date> {
        self.date.as_deref().and_then(Date::parse)
    }
}

/// The OS text as the workload gives it: the OS field, with its version
/// field when there is one ("Ubuntu Linux 22.04").
fn os_text(w: &Workload) -> String {
    [w.os.trim(), w.os_version.trim()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ")
}

fn db_text(w: &Workload) -> String {
    [w.db_engine.trim(), w.db_version.trim()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ")
}

/// The version in a database text after the engine's name: `12c` → `12`,
/// `2008 R2` kept, `11.2.0.4` kept.
fn db_version(text: &str) -> Option<String> {
    let words = crate::knowledge::products::words(text);
    let at = words.iter().position(|w| w.starts_with(|c: char| c.is_ascii_digit()))?;
    let first = words[at].trim_end_matches(['c', 'g', 'i']);
    if !first.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    Some(match words.get(at + 1) {
        Some(next) if next == "r2" || next.starts_with("sp") => format!("{first} {next}"),
        _ => first.to_string(),
    })
}

/// The dated ends of support of a workload: its OS (from the OS text, the
/// version field or the version in the OS string) and its database engine.
pub fn end_of_support(book: &RuleBook, w: &Workload, today: Date) -> (Option<Judged>, Option<Judged>) {
    let os =
        crate::knowledge::os::end_of_support(&os_text(w)).map(|(release, support)| Judged::from("os", release.version, &support, today));
    let engine = w.db_engine.trim().to_lowercase();
    let db = book.databases.iter().find(|e| contains_any(&engine, &e.patterns)).filter(|e| !e.eol.is_empty()).and_then(|e| {
        let version = db_version(&db_text(w))?;
        let support = crate::knowledge::eol::data().support(&e.eol, &version)?;
        Some(Judged::from("db", version, &support, today))
    });
    (os, db)
}

/// What an end of support means on the day of scoring: past (true), or
/// still to come (false); unknown without a date.
fn eos_facts(eos: &Option<Judged>, deadline: Option<Date>, today: Date) -> [Value; 3] {
    match eos {
        None => [Value::Unknown, Value::Unknown, Value::Unknown],
        Some(e) => {
            let date = e.kept.date.as_deref().map_or(Value::Unknown, Value::text);
            // Not past yet, but before the migration deadline.
            let soon = match (e.kept.day(), deadline) {
                (Some(d), Some(deadline)) => Value::Bool(d >= today && d <= deadline),
                _ => Value::Unknown,
            };
            [Value::Bool(e.past), date, soon]
        }
    }
}

fn contains_any(text: &str, pieces: &[String]) -> bool {
    pieces.iter().any(|p| text.contains(p.as_str()))
}

/// What the scoring knows beyond the workload itself.
#[derive(Debug, Clone, Copy)]
pub struct Situation<'a> {
    pub today: Date,
    /// The attributes of the workload's application, when the portfolio gives any.
    pub application: Option<&'a AppAttributes>,
    pub db_alone_in_application: bool,
    pub os_eos: &'a Option<Judged>,
    pub db_eos: &'a Option<Judged>,
}

/// Every fact of one workload, indexed like `book.facts`.
/// `answer(question index)` gives the effective raw answer.
pub fn gather<'a>(
    book: &RuleBook,
    w: &Workload,
    answer: impl Fn(usize) -> Option<&'a str>,
    profile: &Profile,
    at: &Situation,
) -> Vec<Value> {
    let mut f = Vec::with_capacity(book.facts.len());
    // WORKLOAD_FACTS, in order.
    workload_facts(&mut f, w);

    // DERIVED_FACTS, in order.
    table_facts(&mut f, book, w, at);
    f.push(Value::Bool(at.db_alone_in_application));
    // The migration deadline, when the questionnaire gives one.
    let deadline = book
        .questions
        .iter()
        .position(|q| q.id == "deadline_months")
        .and_then(&answer)
        .and_then(parse_number)
        .filter(|m| (0.0..1200.0).contains(m))
        .map(|m| at.today.add_months(m as i32));
    f.push(Value::text(&os_text(w)));
    let [_, date, soon] = eos_facts(at.os_eos, deadline, at.today);
    f.extend([date, soon]);
    f.push(Value::text(&db_text(w)));
    let [_, date, soon] = eos_facts(at.db_eos, deadline, at.today);
    f.extend([date, soon]);
    knowledge_facts(&mut f, book, w);
    let none = AppAttributes::default();
    let app = at.application.unwrap_or(&none);
    for field in crate::inventory::APP_FIELDS {
        f.push(Value::text(app.get(field)));
    }

    // PROFILE_FACTS.
    f.push(Value::Text(profile.app_hosting.code().into(), profile.app_hosting.code().into()));
    f.push(Value::Text(profile.db_hosting.code().into(), profile.db_hosting.code().into()));

    debug_assert_eq!(f.len(), book.first_answer, "fact order matches rules::*_FACTS");
    for (i, q) in book.questions.iter().enumerate() {
        f.push(answer(i).map_or(Value::Unknown, |raw| normalise_answer(q.kind, &q.options, raw)));
    }
    f
}

/// The workload's own fields (`rules::WORKLOAD_FACTS`, in order).
fn workload_facts(f: &mut Vec<Value>, w: &Workload) {
    for text in [
        &w.role,
        &w.environment,
        &w.os,
        &w.os_version,
        &w.db_engine,
        &w.db_version,
        &w.middleware,
        &w.runtime,
        &w.license,
        &w.criticality,
        &w.data_classification,
        &w.notes,
    ] {
        f.push(Value::text(text));
    }
    f.push(Value::num(w.cpu_util_peak_pct));
    f.push(Value::num(w.ram_util_peak_pct));
    f.push(Value::num(w.cpu_cores.map(|c| c as f64)));
    f.push(Value::num(w.ram_gb));
    f.push(Value::num(w.storage_gb));
    f.push(Value::num(w.users.map(|u| u as f64)));
    f.push(Value::num(w.annual_cost));
    f.push(Value::Bool(w.powered_off));
}

/// What the rule book's OS, database and platform tables say of the
/// workload (the first derived facts, in order).
fn table_facts(f: &mut Vec<Value>, book: &RuleBook, w: &Workload, at: &Situation) {
    let os = w.os.trim().to_lowercase();
    let os_entry = book.os.iter().find(|e| contains_any(&os, &e.patterns));
    match (os.is_empty(), os_entry) {
        (true, _) => f.extend([Value::Unknown, Value::Unknown, Value::Unknown]),
        (false, None) => f.extend([Value::Text("other".into(), "other".into()), Value::Unknown, Value::Unknown]),
        (false, Some(e)) => {
            f.push(Value::Text(e.family.clone(), e.family.clone()));
            f.push(Value::Bool(e.ec2));
            f.push(at.os_eos.as_ref().map_or(Value::Unknown, |e| Value::Bool(e.past)));
        }
    }
    let engine = w.db_engine.trim().to_lowercase();
    let db_entry = book.databases.iter().find(|e| contains_any(&engine, &e.patterns));
    match (engine.is_empty(), db_entry) {
        (true, _) => f.extend([Value::Unknown, Value::Unknown, Value::Unknown, Value::Unknown]),
        (false, None) => f.extend([Value::Text("other".into(), "other".into()), Value::Unknown, Value::Unknown, Value::Unknown]),
        (false, Some(e)) => {
            f.push(Value::Text(e.family.clone(), e.family.clone()));
            f.push(Value::Bool(!e.managed.is_empty()));
            f.push(Value::text(&e.managed));
            f.push(at.db_eos.as_ref().map_or(Value::Unknown, |e| Value::Bool(e.past)));
        }
    }
    let stack: Vec<&str> = [w.middleware.trim(), w.runtime.trim()].into_iter().filter(|s| !s.is_empty()).collect();
    let stack = stack.join(", ");
    let stack_lower = stack.to_lowercase();
    let role = w.role.trim().to_lowercase();
    let platform = book.platforms.iter().find(|p| {
        (p.patterns.is_empty() || contains_any(&stack_lower, &p.patterns))
            && (p.role.is_empty() || p.role.contains(&role))
            && (p.os.is_empty() || contains_any(&os, &p.os))
    });
    f.push(Value::text(&stack));
    match platform {
        Some(p) => {
            f.push(Value::Text(p.family.clone(), p.family.clone()));
            f.push(Value::Bool(!p.managed.is_empty()));
            f.push(Value::text(&p.managed));
        }
        None if stack.is_empty() => f.extend([Value::Unknown, Value::Unknown, Value::Unknown]),
        None => f.extend([Value::Text("other".into(), "other".into()), Value::Bool(false), Value::Unknown]),
    }
}

/// What the product knowledge says about the products the workload names
/// (after the table facts, which it reads).
fn knowledge_facts(f: &mut Vec<Value>, book: &RuleBook, w: &Workload) {
    let role = w.role.trim().to_lowercase();
    let catalogue = crate::knowledge::products::catalogue();
    let texts = [w.application.as_str(), w.middleware.as_str(), w.runtime.as_str(), w.db_engine.as_str()];
    match catalogue.decisive(&texts) {
        Some(p) => {
            // A managed service the database or platform tables already
            // gave this workload is not counted twice.
            let covered = (role == "db" && f[book.fact_index("db_managed").unwrap_or(0)] == Value::Bool(true))
                || (matches!(role.as_str(), "web" | "app" | "web-app" | "queue" | "cache" | "file")
                    && f[book.fact_index("platform_managed").unwrap_or(0)] == Value::Bool(true));
            let kind = match p.kind() {
                crate::knowledge::products::Kind::Managed if covered => "covered",
                k => k.code(),
            };
            f.push(Value::Text(p.name.clone(), p.name.to_lowercase()));
            f.push(Value::Text(kind.into(), kind.into()));
            f.push(Value::text(p.target()));
            f.push(Value::Text(p.licence.code().into(), p.licence.code().into()));
        }
        // No product named is itself known: rules can ask for a product that is not replaced.
        None => f.extend([Value::Unknown, Value::Text("none".into(), "none".into()), Value::Unknown, Value::Unknown]),
    }
}

/// Notes that say a database already has a replica or cluster partner.
pub fn mentions_replica(notes: &str) -> bool {
    let n = notes.to_lowercase();
    ["replica", "standby", "cluster", "mirror", "always on", "alwayson", "data guard", "복제", "이중화 구성"].iter().any(|p| n.contains(p))
        && !n.contains("no replica")
        && !n.contains("without redundancy")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_normalise_in_both_languages() {
        use QuestionKind::*;
        assert_eq!(normalise_answer(YesNo, &[], "예"), Value::Text("yes".into(), "yes".into()));
        assert_eq!(normalise_answer(YesNo, &[], "아니오"), Value::Text("no".into(), "no".into()));
        assert_eq!(normalise_answer(YesNo, &[], " No "), Value::Text("no".into(), "no".into()));
        assert_eq!(normalise_answer(YesNo, &[], "unknown"), Value::Unknown);
        assert_eq!(normalise_answer(YesNo, &[], "perhaps"), Value::Unknown);
        assert_eq!(normalise_answer(Number, &[], "6"), Value::Num(6.0));
        assert_eq!(normalise_answer(Number, &[], "soon"), Value::Unknown);
        let opts = vec!["low".to_string(), "high".to_string()];
        assert_eq!(normalise_answer(Choice, &opts, "Low"), Value::Text("low".into(), "low".into()));
        assert_eq!(normalise_answer(Choice, &opts, "lots"), Value::Unknown);
    }

    #[test]
    fn database_versions_are_read_after_the_engine() {
        assert_eq!(db_version("Oracle 12c").as_deref(), Some("12"));
        assert_eq!(db_version("SQL Server 2008 R2").as_deref(), Some("2008 r2"));
        assert_eq!(db_version("MySQL 5.7.44").as_deref(), Some("5.7.44"));
        assert_eq!(db_version("Teradata"), None);
    }

    #[test]
    fn values_keep_their_type_through_json() {
        for v in [Value::from_text("Ubuntu Linux"), Value::Num(4.5), Value::Num(6.0), Value::Bool(true), Value::Unknown] {
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(serde_json::from_str::<Value>(&json).unwrap(), v, "{json}");
        }
        assert_eq!(serde_json::to_string(&Value::from_text("Ubuntu")).unwrap(), "\"Ubuntu\"", "text is stored as typed, once");
    }

    #[test]
    fn replica_notes_are_read() {
        assert!(mentions_replica("Primary with a streaming replica"));
        assert!(!mentions_replica("Single MySQL server without redundancy"));
        assert!(!mentions_replica("no replica"));
    }
}
