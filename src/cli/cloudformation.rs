//! `sixr export --format cloudformation --out DIR`.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::db::Db;

/// Writes the engagement's templates into `out` (created when missing).
pub fn export(db: &Db, engagement: &str, out: Option<&Path>) -> anyhow::Result<ExitCode> {
    let Some(dir) = out else {
        eprintln!("error: --format cloudformation writes several files: name the directory with --out DIR");
        return Ok(ExitCode::FAILURE);
    };
    let Some(files) = db.with_conn(|conn| crate::service::export::cloudformation(conn, engagement))? else {
        eprintln!("error: there is no engagement called \"{engagement}\"");
        return Ok(ExitCode::FAILURE);
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for f in &files {
        let path = dir.join(&f.name);
        std::fs::write(&path, &f.text).with_context(|| format!("cannot write {}", path.display()))?;
        println!("{}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
