//! `sixr import` and `sixr export`.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// SQLite database file (created when missing).
    #[arg(long)]
    pub db: PathBuf,
    /// Engagement name (created when missing).
    #[arg(long)]
    pub engagement: String,
    /// Inventory file: sixr template CSV, RVTools (xlsx/CSV), Migration Hub CSV, MPA xlsx, sixr JSON backup.
    pub file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[arg(long)]
    pub db: PathBuf,
    #[arg(long)]
    pub engagement: String,
    /// csv (assessed inventory) or json (the whole engagement; re-importable backup).
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// Output file (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("import is not built yet ({args:?})")
}

pub fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("export is not built yet ({args:?})")
}
