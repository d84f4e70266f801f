//! The sixr JSON backup: a whole engagement in one document, written by
//! `sixr export --format json` and read back by the importer.

use serde::{Deserialize, Serialize};

use super::{Answer, Format, Parsed, Problem, Refusal};
use crate::error::quoted;
use crate::inventory::{Application, Dependency, Engagement, WORKLOAD_FIELDS, Workload};

/// Tells a sixr backup from any other JSON; bumped if the shape changes.
pub const BACKUP_KIND: &str = "sixr-engagement-backup";
pub const BACKUP_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Backup {
    pub kind: String,
    pub version: u32,
    pub engagement: Engagement,
    /// The engagement's settings document (`engagements.preferences`).
    #[serde(default)]
    pub preferences: serde_json::Value,
    #[serde(default)]
    pub applications: Vec<Application>,
    /// Portfolio attributes per application name (business unit, complexity...).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub application_attributes: std::collections::BTreeMap<String, crate::inventory::AppAttributes>,
    #[serde(default)]
    pub workloads: Vec<Workload>,
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
    #[serde(default)]
    pub answers: Vec<Answer>,
    /// Rows of the per-workload tables (assessments, decisions), column ->
    /// value, with `workload` naming the workload instead of its id.
    #[serde(default)]
    pub assessments: Vec<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    pub decisions: Vec<serde_json::Map<String, serde_json::Value>>,
    /// What the source files said beyond sixr's fields (`attributes`, JSON).
    #[serde(default)]
    pub discovery: Vec<serde_json::Map<String, serde_json::Value>>,
    /// Every suggestion with its status and evidence: fields' sources
    /// (suggested, confirmed) and rejections come back with them.
    #[serde(default)]
    pub suggestions: Vec<serde_json::Map<String, serde_json::Value>>,
    /// The fields consultants typed.
    #[serde(default)]
    pub edited_fields: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// What a backup restores beyond the inventory.
#[derive(Debug, Clone, Default)]
pub struct BackupExtras {
    pub engagement: Engagement,
    pub preferences: serde_json::Value,
    pub assessments: Vec<serde_json::Map<String, serde_json::Value>>,
    pub decisions: Vec<serde_json::Map<String, serde_json::Value>>,
    pub discovery: Vec<serde_json::Map<String, serde_json::Value>>,
    pub suggestions: Vec<serde_json::Map<String, serde_json::Value>>,
    pub edited_fields: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// Reads a backup, checking every workload value as if typed in.
pub fn parse(text: &str) -> Result<Parsed, Refusal> {
    let backup: Backup = serde_json::from_str(text).map_err(|e| Problem {
        sheet: None,
        line: Some(e.line()),
        column: Some(format!("character {}", e.column())),
        // serde_json's message repeats the offending value whole.
        message: format!("the JSON cannot be read as a sixr backup ({})", crate::error::shown(&e.to_string())),
    })?;
    if backup.kind != BACKUP_KIND {
        return Err(Problem::file(format!("this JSON is not a sixr backup (its kind is {})", quoted(&backup.kind))).into());
    }
    if backup.version > BACKUP_VERSION {
        return Err(Problem::file(format!(
            "this backup was written by a newer sixr (version {}); upgrade sixr to import it",
            backup.version
        ))
        .into());
    }
    let mut parsed = Parsed { format: Some(Format::Backup), ..Parsed::default() };
    for (i, w) in backup.workloads.into_iter().enumerate() {
        parsed.rows_read += 1;
        // Re-enter every value through the same checks as the template.
        let mut checked = Workload { source: w.source.clone(), source_id: w.source_id.clone(), ..Workload::default() };
        let mut ok = true;
        for f in WORKLOAD_FIELDS {
            if let Err(message) = checked.set_field(f.name, &w.field_text(f.name)) {
                ok = false;
                parsed.errors.push(Problem {
                    sheet: None,
                    line: None,
                    column: Some(f.name.to_string()),
                    message: format!("workload {} ({}): {message}", i + 1, quoted(&w.name)),
                });
            }
        }
        if ok {
            parsed.workloads.push(checked);
        }
    }
    if parsed.rows_read == 0 && backup.applications.is_empty() {
        parsed.warnings.push(Problem::file("the backup holds no workloads"));
    }
    parsed.applications = backup.applications;
    parsed.app_attributes = backup.application_attributes.into_iter().collect();
    parsed.dependencies = backup.dependencies;
    parsed.answers = backup.answers;
    parsed.backup = Some(BackupExtras {
        engagement: backup.engagement,
        preferences: backup.preferences,
        assessments: backup.assessments,
        decisions: backup.decisions,
        discovery: backup.discovery,
        suggestions: backup.suggestions,
        edited_fields: backup.edited_fields,
    });
    Ok(parsed)
}
