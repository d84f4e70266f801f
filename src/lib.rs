//! sixr: a 6R migration-assessment workbench.
//!
//! The layers, from the bottom: pure domain modules (`inventory`, `import`,
//! `knowledge`, `enrich`, `scoring`, `architecture`, `cost`, `plan`,
//! `report`, `cfn`) that take and return plain data; `db`, the SQL and the
//! derived data it keeps fresh; `service`, the use cases over `db`; `web`
//! (the HTTP app, `web::app`) and `cli` (the commands), which call them.
//! `tests/module_layers.rs` checks that no module cycle creeps in.
//!
//! A newcomer reads `inventory`, then `import`, `scoring`, `architecture`,
//! `plan`, `report`; then `db`, `service`, and a page area of `web`.

pub mod accounts;
pub mod architecture;
pub mod audit;
pub mod cfn;
pub mod cli;
pub mod cost;
pub mod data;
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
pub mod service;
pub mod strategy;
pub mod web;

pub use error::AppError;
pub use web::{AppState, app};
