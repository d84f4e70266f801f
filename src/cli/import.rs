//! `sixr import` and `sixr export`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::db::Db;
use crate::error::quoted;
use crate::import::MAX_FILE_BYTES;
use crate::service;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// SQLite database file (created when missing).
    #[arg(long)]
    pub db: PathBuf,
    /// Engagement name (created when missing).
    #[arg(long)]
    pub engagement: String,
    /// Import the rows without errors and leave out the others (default: any error refuses the whole file).
    #[arg(long)]
    pub valid_only: bool,
    /// Inventory file: sixr template CSV, RVTools (xlsx/CSV), Migration Hub CSV, MPA xlsx, sixr JSON backup.
    pub file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[arg(long)]
    pub db: PathBuf,
    #[arg(long)]
    pub engagement: String,
    /// csv (assessed inventory), json (the whole engagement; re-importable
    /// backup) or cloudformation (templates of the target, into the --out directory).
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// Output file (default: standard output); the directory for cloudformation.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Imports one file. Errors go to stderr with exit status 1 and nothing
/// written; warnings go to stderr with exit status 0.
pub fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let size = std::fs::metadata(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?.len();
    if size > MAX_FILE_BYTES as u64 {
        eprintln!(
            "error: {} is {} MB; sixr imports files up to {} MB",
            args.file.display(),
            size / (1024 * 1024),
            MAX_FILE_BYTES / (1024 * 1024)
        );
        return Ok(ExitCode::FAILURE);
    }
    let bytes = std::fs::read(&args.file).with_context(|| format!("cannot read {}", args.file.display()))?;
    let file_name = args.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let db = Db::open(&args.db)?;
    let parsed = db.with_conn(|conn| service::import::parse_for(conn, &args.engagement, &file_name, &bytes))?;
    let parsed = match parsed {
        Ok(p) => p,
        Err(refusal) => {
            for line in refusal.to_string().lines() {
                eprintln!("error: {line}");
            }
            eprintln!("nothing was imported");
            return Ok(ExitCode::FAILURE);
        }
    };
    if !parsed.errors.is_empty() && !args.valid_only {
        for p in &parsed.errors {
            eprintln!("error: {p}");
        }
        eprintln!(
            "{} problem(s) found; nothing was imported (fix them, or pass --valid-only to import the other rows)",
            parsed.errors.len()
        );
        return Ok(ExitCode::FAILURE);
    }
    let outcome = db.with_conn(|conn| service::import::commit_to(conn, &args.engagement, &parsed, &file_name, "cli", args.valid_only))?;
    for w in &outcome.warnings {
        eprintln!("warning: {w}");
    }
    for p in &parsed.errors {
        eprintln!("left out: {p}");
    }
    println!(
        "imported {} ({}) into \"{}\": {}; {} dependencies, {} answers, {} warning(s)",
        file_name,
        parsed.format().label(),
        args.engagement,
        outcome.rows_line(),
        outcome.dependencies,
        outcome.answers,
        outcome.warnings.len(),
    );
    // Freed string by string, 100,000 parsed rows take 0.2 s: a thread of
    // their own frees them while the derivation starts, which would
    // otherwise hold them (about 250 MB) until the command ends.
    drop(bytes);
    std::thread::spawn(move || drop(parsed));
    // A large import leaves its scores, architectures and plan to a
    // derivation in steps; the pages are whole when the command ends, so
    // the consultant opens them ready. The diagrams' arrows and the search
    // index follow in the server's background (pages are correct meanwhile).
    let started = std::time::Instant::now();
    let deriving = db.with_conn(|conn| crate::db::derived::progress(conn, outcome.engagement_id))?.is_some();
    db.complete_pages(outcome.engagement_id)?;
    if deriving {
        println!("scored, planned and priced in {:.1} s", started.elapsed().as_secs_f64());
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the engagement as CSV (one row per workload) or JSON (backup).
pub fn export(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let db = Db::open(&args.db)?;
    db.complete_derivations()?;
    let name = args.engagement.clone();
    let format = args.format.to_lowercase();
    if format == "cloudformation" {
        return super::cloudformation::export(&db, &args.engagement, args.out.as_deref());
    }
    if format != "csv" && format != "json" {
        eprintln!("error: --format must be csv, json or cloudformation, not {}", quoted(&args.format));
        return Ok(ExitCode::FAILURE);
    }
    let bytes = db.with_conn(|conn| {
        let Some(e) = crate::db::engagements::find_by_name(conn, &name)? else {
            return Ok(None);
        };
        service::export::export_bytes(conn, e.id, &format).map(Some)
    })?;
    let Some(bytes) = bytes else {
        eprintln!("error: there is no engagement called {}", quoted(&args.engagement));
        return Ok(ExitCode::FAILURE);
    };
    match &args.out {
        Some(path) => std::fs::write(path, &bytes).with_context(|| format!("cannot write {}", path.display()))?,
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}
