//! `sixr knowledge refresh-eol FILE`: checks a newer endoflife.date extract
//! and writes it where the build embeds it from.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::eol::{self, EolData};

#[derive(Debug, clap::Subcommand)]
pub enum KnowledgeCommand {
    /// Check a newer endoflife.date products file (same shape as
    /// data/endoflife/products.json) and write it in place of the copy.
    RefreshEol {
        /// The new products.json.
        file: PathBuf,
        /// Where to write it (rebuild sixr afterwards to ship it).
        #[arg(long, default_value = "data/endoflife/products.json")]
        out: PathBuf,
    },
}

pub fn run(command: KnowledgeCommand) -> anyhow::Result<ExitCode> {
    match command {
        KnowledgeCommand::RefreshEol { file, out } => refresh_eol(&file, &out),
    }
}

fn refresh_eol(file: &PathBuf, out: &PathBuf) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let new = match EolData::parse(&text) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {}: {e}", file.display());
            eprintln!("nothing was written");
            return Ok(ExitCode::FAILURE);
        }
    };
    // What it replaces: the file at `out`, else the copy this binary embeds.
    let old = std::fs::read_to_string(out).ok().and_then(|t| EolData::parse(&t).ok()).unwrap_or_else(|| eol::data().clone());
    let missing: Vec<String> = super::products::catalogue()
        .products
        .iter()
        .filter(|p| !p.eol.is_empty() && !new.products.contains_key(&p.eol))
        .map(|p| format!("{} ({})", p.eol, p.id))
        .collect();
    if !missing.is_empty() {
        eprintln!("error: {}: rules/products.toml needs products this file does not list: {}", file.display(), missing.join(", "));
        eprintln!("nothing was written");
        return Ok(ExitCode::FAILURE);
    }
    if new.commit_date < old.commit_date {
        eprintln!("warning: this extract ({}) is older than the copy it replaces ({})", new.commit_date, old.commit_date);
    }
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // Written as it came: the file stays the extract of its commit.
    std::fs::write(out, &text).with_context(|| format!("cannot write {}", out.display()))?;
    println!("wrote {}: {}", out.display(), eol::changes(&old, &new));
    println!("rebuild sixr to ship it (the copy is embedded in the binary)");
    Ok(ExitCode::SUCCESS)
}
