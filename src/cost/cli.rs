//! `sixr prices import`: refreshes the price catalogue from AWS Price List
//! bulk offer files.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use super::catalogue::{Catalogue, SHIPPED};
use super::offers;

#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Catalogue file to write (use it with SIXR_PRICES=FILE).
    #[arg(long)]
    pub out: PathBuf,
    /// Catalogue to start from (default: the one shipped in sixr).
    #[arg(long)]
    pub base: Option<PathBuf>,
    /// The region to read from files that hold several.
    #[arg(long)]
    pub region: Option<String>,
    /// Offer files (JSON or CSV) of AmazonEC2, AmazonRDS, AWSELB, AmazonS3, AmazonVPC.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub fn import(args: ImportArgs) -> anyhow::Result<ExitCode> {
    let base = match &args.base {
        Some(p) => std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?,
        None => SHIPPED.to_string(),
    };
    let mut cat = Catalogue::parse(&base).map_err(anyhow::Error::msg)?;
    let mut offers = Vec::new();
    for f in &args.files {
        let file = std::fs::File::open(f).with_context(|| format!("cannot read {}", f.display()))?;
        match offers::read(file) {
            Ok(o) => offers.push((f.display().to_string(), o)),
            Err(e) => {
                eprintln!("error: {}: {e}", f.display());
                return Ok(ExitCode::FAILURE);
            }
        }
    }
    let lines = match offers::import(&mut cat, &offers, args.region.as_deref()) {
        Ok(lines) => lines,
        Err(e) => {
            eprintln!("error: {e}; nothing was written");
            return Ok(ExitCode::FAILURE);
        }
    };
    let text = cat.to_toml().map_err(anyhow::Error::msg)?;
    std::fs::write(&args.out, text).with_context(|| format!("cannot write {}", args.out.display()))?;
    for l in lines {
        println!("{l}");
    }
    println!("wrote {} (prices as of {}); use it with SIXR_PRICES={}", args.out.display(), cat.meta.retrieved, args.out.display());
    Ok(ExitCode::SUCCESS)
}
