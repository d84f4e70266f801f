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
    let built = db.with_conn(|conn| {
        let Some(e) = crate::db::engagements::find_by_name(conn, engagement)? else { return Ok(None) };
        let (archs, lz) = crate::db::architecture::all(conn, e.id, crate::cost::catalogue())?;
        Ok(Some((e.name, archs, lz)))
    })?;
    let Some((name, archs, lz)) = built else {
        eprintln!("error: there is no engagement called \"{engagement}\"");
        return Ok(ExitCode::FAILURE);
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let files = super::export(&name, &archs, lz.as_ref());
    for f in &files {
        let path = dir.join(&f.name);
        std::fs::write(&path, &f.text).with_context(|| format!("cannot write {}", path.display()))?;
        println!("{}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
