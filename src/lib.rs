//! sixr: a 6R migration-assessment workbench.
//!
//! Domain modules (`inventory`, `import`, ...) are pure logic; `db` holds
//! the SQL; `web` the HTTP layer; `cli` the headless commands.

pub mod accounts;
pub mod architecture;
pub mod audit;
pub mod cfn;
pub mod cli;
pub mod cost;
pub mod db;
pub mod enrich;
pub mod error;
pub mod i18n;
pub mod import;
pub mod inventory;
pub mod knowledge;
pub mod plan;
pub mod report;
pub mod scoring;
pub mod strategy;
pub mod web;

pub use error::AppError;
pub use web::{AppState, app};
