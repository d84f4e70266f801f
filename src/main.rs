use std::process::ExitCode;

/// mimalloc keeps a heap per thread: under 16 concurrent requests glibc's
/// malloc spent about a fifth of a table page's CPU in its arena locks and
/// free lists. Built without transparent huge pages (`no_thp`): with them
/// the server's peak RSS was 258 MB instead of 83 (benches/README.md §5).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    sixr::cli::main()
}
