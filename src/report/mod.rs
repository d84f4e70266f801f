//! The PDF report (issue 5).

pub mod cli;
