//! The use cases, over `db`, for the web app and the command line alike:
//! import a file or the AnyCompany sample, export an engagement, collect
//! what the report and the CloudFormation templates are built from.
//!
//! The layers, from the bottom: the domain modules (`inventory`, `import`,
//! `enrich`, `scoring`, `architecture`, `cost`, `plan`, `report`, `cfn`, ...)
//! take and return plain data; `db` stores it (and keeps derived data fresh)
//! with the SQL; `service` strings a use case together over `db`; `web` and
//! `cli` translate requests and arguments into those calls. A module calls
//! only the layers below it: `tests/module_layers.rs` checks that there is
//! no cycle.
//!
//! Read `import` first (files in, an inventory out), then `report`.

pub mod export;
pub mod import;
pub mod report;
