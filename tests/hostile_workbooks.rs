//! The hostile workbooks of fuzz/regressions (written by
//! fuzz/hostile_workbooks.py) go through `sixr import` with its address
//! space limited: each is refused with a message naming the limit it
//! passed, and the process ends by itself (an allocation failure would be an
//! abort, not a refusal). The real RVTools and MPA exports import under the
//! same limit; a CSV built to multiply its memory is refused under it.

use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output};

/// Address space for the whole process: code, threads, allocator arenas and
/// the file. Before issue 12 each hostile file asked for gigabytes (the
/// first for 512 GiB).
const ADDRESS_SPACE: u64 = 768 * 1024 * 1024;

fn import_limited(file: &Path) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sixr"));
    cmd.args(["import", "--db"]).arg(dir.path().join("t.db")).args(["--engagement", "Hostile"]).arg(file);
    // SAFETY: setrlimit is async-signal-safe and touches only the child.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit { rlim_cur: ADDRESS_SPACE, rlim_max: ADDRESS_SPACE };
            if libc::setrlimit(libc::RLIMIT_AS, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    cmd.output().unwrap()
}

#[test]
fn hostile_workbooks_are_refused_by_name_under_a_memory_limit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let cases = [
        ("hostile-a1-xfd1048576.xlsx", "column XFD (column 16,384); sixr reads at most 1,000 columns"),
        ("hostile-one-200mb-cell.xlsx", "sixr reads at most 32,767 characters per cell"),
        ("hostile-shared-strings-bomb.xlsx", "unpacks to 128 MB; sixr reads shared strings up to 64 MB"),
        (
            "hostile-shared-strings-count.xlsx",
            "holds 1,000,000,000,000 shared strings; sixr reads workbooks of up to 1,000,000 distinct texts",
        ),
        ("hostile-many-columns.xlsx", "sixr reads at most 1,000 columns"),
        ("hostile-styles-bomb.xlsx", "holds a <font> style element longer than 1 KB"),
    ];
    for (name, says) in cases {
        let out = import_limited(&root.join("fuzz/regressions").join(name));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: the import must end with a refusal, it ended with {:?}: {stderr}", out.status);
        assert!(stderr.contains(says), "{name}: the refusal should say \"{says}\", it said: {stderr}");
        assert!(stderr.len() < 2_000, "{name}: the refusal is {} bytes long", stderr.len());
    }
}

/// A CSV whose first row holds one 1 MB cell and then 1,000 short rows
/// (1 MB in all): each row read after it kept a copy of the reader's 1 MB
/// buffer, a gigabyte. It is refused for its long cell, under the limit.
#[test]
fn a_long_cell_before_many_short_rows_is_refused_under_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("long-cell-then-rows.csv");
    let mut csv = format!("name,hostname,notes\nbig,big.local,\"{}\"\n", "x".repeat(1_000_000));
    for i in 0..1_000 {
        csv.push_str(&format!("srv-{i},srv-{i}.local,short\n"));
    }
    std::fs::write(&file, csv).unwrap();
    let out = import_limited(&file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "the import must end with a refusal, it ended with {:?}: {stderr}", out.status);
    assert!(stderr.contains("line 2, notes: the text is longer than 10,000 characters"), "the refusal said: {stderr}");
}

#[test]
fn real_exports_import_under_the_same_limit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["rvtools-vcenter8-example.xlsx", "mpa-sample-portfolio.xlsx"] {
        let out = import_limited(&root.join("tests/inventories").join(name));
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
    }
}
