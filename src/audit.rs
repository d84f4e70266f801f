//! The audit trail as people read it: what changed, field by field.

use serde_json::Value;

/// One recorded change.
#[derive(Debug, Clone)]
pub struct Entry {
    pub at: String,
    pub actor: String,
    pub entity: String,
    pub entity_id: Option<i64>,
    pub action: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// One field that differs between before and after.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

fn show(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The fields that changed, in a stable order. Bookkeeping fields (version,
/// timestamps) are left out: they change every time and say nothing.
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<FieldChange> {
    const NOISE: &[&str] = &["version", "updated_at", "created_at"];
    let empty = serde_json::Map::new();
    let b = before.and_then(Value::as_object).unwrap_or(&empty);
    let a = after.and_then(Value::as_object).unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).filter(|k| !NOISE.contains(&k.as_str())).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| FieldChange { field: k.clone(), before: show(b.get(k)), after: show(a.get(k)) })
        .filter(|c| c.before != c.after)
        .collect()
}

impl Entry {
    pub fn changes(&self) -> Vec<FieldChange> {
        changes(self.before.as_ref(), self.after.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_changed_fields_only() {
        let before = json!({"name": "db01", "ram_gb": 16, "version": 1, "notes": ""});
        let after = json!({"name": "db01", "ram_gb": 32, "version": 2, "notes": null});
        let c = changes(Some(&before), Some(&after));
        assert_eq!(c, vec![FieldChange { field: "ram_gb".into(), before: "16".into(), after: "32".into() }]);
        let created = changes(None, Some(&json!({"name": "x"})));
        assert_eq!(created[0].after, "x");
    }
}
