//! `sixr report`.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// SQLite database file.
    #[arg(long)]
    pub db: PathBuf,
    /// Engagement name.
    #[arg(long)]
    pub engagement: String,
    /// Where to write the PDF.
    #[arg(long)]
    pub out: PathBuf,
    /// Report language (default: the engagement's).
    #[arg(long)]
    pub lang: Option<String>,
}

pub fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("the PDF report is not built yet ({args:?})")
}
