//! `sixr report`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::db::Db;
use crate::error::quoted;
use crate::i18n::Lang;

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
    /// The report's date, YYYY-MM-DD (default: today): on the cover and in
    /// the PDF's document information.
    #[arg(long)]
    pub date: Option<String>,
}

pub fn run(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let requested = match &args.lang {
        Some(code) => Some(Lang::parse(code).with_context(|| format!("--lang: {} is not ko or en", quoted(code)))?),
        None => None,
    };
    let date = match &args.date {
        Some(d) if crate::report::date_parts(d).is_some() => d.trim().to_string(),
        Some(d) => anyhow::bail!("--date: \"{d}\" is not a date like 2026-11-23"),
        None => crate::service::report::today(),
    };
    if !args.db.exists() {
        anyhow::bail!("no database at {}", args.db.display());
    }
    let db = Db::open(&args.db)?;
    db.complete_derivations()?;
    let data = db.with_conn(|conn| {
        let engagement = crate::db::engagements::find_by_name(conn, &args.engagement)?
            .ok_or_else(|| crate::AppError::NotFound(format!("engagement {}", quoted(&args.engagement))))?;
        crate::service::report::report_data(conn, engagement.id, &date)
    })?;
    let lang = requested.or_else(|| Lang::parse(&data.engagement.language)).unwrap_or(Lang::En);
    let pdf = crate::report::render(&data, lang);
    std::fs::write(&args.out, &pdf).with_context(|| format!("writing {}", args.out.display()))?;
    println!("sixr: wrote {} ({} KB, {} workloads)", args.out.display(), pdf.len() / 1024, data.workloads.len());
    Ok(ExitCode::SUCCESS)
}
