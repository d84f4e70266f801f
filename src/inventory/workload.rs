//! The workload, one server of the estate, what its source file said
//! beyond sixr's fields, and the dependency between two workloads.

use serde::{Deserialize, Serialize};

/// Workload roles sixr understands (free text is kept as typed, lower-case).
/// `web-app` is a web server that also runs the application (a 2-tier
/// estate such as AnyCompany's); the target architecture splits it.
/// `directory`, `mail`, `monitoring`, `ci` and `backup` are the shared
/// services discovery recognises in server names (see `rules/enrichment.toml`).
pub const ROLES: &[&str] = &[
    "web",
    "app",
    "web-app",
    "db",
    "cache",
    "file",
    "batch",
    "queue",
    "directory",
    "mail",
    "monitoring",
    "ci",
    "backup",
    "appliance",
    "other",
];

/// One server, database or appliance of the on-premises estate.
/// Text fields are empty when unknown; numbers are `None` when unknown.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Workload {
    #[serde(default)]
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub hostname: String,
    /// Name of the application the workload belongs to (empty: none).
    #[serde(default)]
    pub application: String,
    #[serde(default)]
    pub environment: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub os_version: String,
    #[serde(default)]
    pub cpu_cores: Option<i64>,
    #[serde(default)]
    pub ram_gb: Option<f64>,
    #[serde(default)]
    pub storage_gb: Option<f64>,
    #[serde(default)]
    pub cpu_util_peak_pct: Option<f64>,
    #[serde(default)]
    pub ram_util_peak_pct: Option<f64>,
    /// Average and 95th-percentile utilisation, where the inventory has them
    /// (MPA average columns, RVTools vCPU/vMemory sheets): other sizing bases.
    #[serde(default)]
    pub cpu_util_avg_pct: Option<f64>,
    #[serde(default)]
    pub ram_util_avg_pct: Option<f64>,
    #[serde(default)]
    pub cpu_util_p95_pct: Option<f64>,
    #[serde(default)]
    pub ram_util_p95_pct: Option<f64>,
    #[serde(default)]
    pub db_engine: String,
    #[serde(default)]
    pub db_version: String,
    #[serde(default)]
    pub middleware: String,
    #[serde(default)]
    pub runtime: String,
    #[serde(default)]
    pub license: String,
    #[serde(default)]
    pub annual_cost: Option<f64>,
    #[serde(default)]
    pub criticality: String,
    #[serde(default)]
    pub data_classification: String,
    #[serde(default)]
    pub users: Option<i64>,
    #[serde(default)]
    pub notes: String,
    /// Seen powered off in the source inventory (a Retire candidate).
    #[serde(default)]
    pub powered_off: bool,
    /// Which importer wrote it last (template, rvtools, mpa, ...).
    #[serde(default)]
    pub source: String,
    /// Its identity in the file it came from (`rvtools:<VM UUID>`,
    /// `mpa:<Serverid>`, `name:<name>`...): re-imports match on it first.
    #[serde(default)]
    pub source_id: String,
    /// Optimistic-locking version, bumped on every change.
    #[serde(default)]
    pub version: i64,
    /// What the source file said beyond sixr's fields, kept for discovery
    /// enrichment (`enrich`). Filled by the importers; rows read back from
    /// the database leave it empty (it is stored apart, `db::suggestions`).
    #[serde(default, skip_serializing_if = "Discovered::is_empty")]
    pub discovered: Discovered,
}

/// Raw attributes of a source row that sixr has no field for but that say
/// what a server is or which application it belongs to.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Discovered {
    /// RVTools `Annotation` (the VM's notes in vCenter).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub annotation: String,
    /// RVTools `Folder` (the VM folder path, `/Prod/Alpha`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub folder: String,
    /// RVTools `vApp`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub vapp: String,
    /// RVTools `Resource pool` (path).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub resource_pool: String,
    /// RVTools `OS according to the configuration file`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub os_config: String,
    /// RVTools `OS according to the VMware Tools`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub os_tools: String,
    /// Sheets of a workbook that list the server (MPA `Databases`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sheets: Vec<String>,
    /// Engines of the databases a workbook puts on the server (MPA
    /// `Databases` sheet, `Source Engine Type` of the rows naming it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub databases: Vec<String>,
    /// Every application the source says the server serves, when it names
    /// more than one (MPA `Server to application`, Migration Hub `Applications`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applications: Vec<String>,
    /// Installed software or products, where an export lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub software: Vec<String>,
}

impl Discovered {
    pub fn is_empty(&self) -> bool {
        *self == Discovered::default()
    }
}

/// A "from depends on to" edge between two workloads, by name.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Dependency {
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub port: Option<i64>,
    #[serde(default)]
    pub protocol: String,
    #[serde(default)]
    pub description: String,
}
