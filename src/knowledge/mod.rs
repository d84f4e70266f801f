//! Product knowledge as data: what the products in an inventory are, which
//! are already SaaS or have a SaaS successor or an AWS managed equivalent
//! (`rules/products.toml`), which operating system a free text names, and
//! when each release leaves support (`data/endoflife/products.json`, from
//! endoflife.date). Pure: texts and dates in, facts out. The scoring rules
//! read these facts; the enrichment suggestions and the report use the same
//! functions.

pub mod cli;
pub mod date;
pub mod eol;
pub mod os;
pub mod products;
pub mod timeline;

pub use date::Date;
