//! The `sixr` command line: the web app and its headless twins.

mod cloudformation;
pub mod import;
pub mod report;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::accounts::Role;
use crate::db::Db;
use crate::web::{AppState, app};

/// Where `sixr serve` keeps its data when `--db` is not given.
pub const DEFAULT_DB: &str = "sixr.db";
pub const DEFAULT_ADDR: &str = "127.0.0.1:8080";

#[derive(Debug, Parser)]
#[command(name = "sixr", version, about = "6R migration-assessment workbench")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start the web app on an embedded SQLite database.
    Serve {
        /// SQLite database file (created when missing).
        #[arg(long, default_value = DEFAULT_DB)]
        db: PathBuf,
        /// Address to listen on.
        #[arg(long, default_value = DEFAULT_ADDR)]
        addr: SocketAddr,
        /// Address of a reverse proxy in front of sixr (repeat for several):
        /// its X-Forwarded-For and X-Forwarded-Proto are believed. Without
        /// it, forwarded headers are ignored.
        #[arg(long = "trusted-proxy", value_name = "IP")]
        trusted_proxies: Vec<std::net::IpAddr>,
    },
    /// Import an inventory file into an engagement (all or nothing).
    Import(import::ImportArgs),
    /// Export an engagement as CSV (assessed inventory) or JSON (backup).
    Export(import::ExportArgs),
    /// Write the engagement's migration plan as a PDF report.
    Report(report::ReportArgs),
    /// The price catalogue.
    #[command(subcommand)]
    Prices(PricesCommand),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Product knowledge: refresh the end-of-support data.
    #[command(subcommand)]
    Knowledge(crate::knowledge::cli::KnowledgeCommand),
    /// Copy the database to a file while the server keeps running (SQLite online backup).
    Backup {
        #[arg(long)]
        db: PathBuf,
        /// Backup file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Replace the database with a backup (stop the server first).
    Restore {
        #[arg(long)]
        db: PathBuf,
        /// Backup file written by `sixr backup`.
        #[arg(long)]
        from: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum PricesCommand {
    /// Write a catalogue with the prices of AWS Price List bulk offer files (one region at a time).
    Import(crate::cost::cli::ImportArgs),
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from the first line of standard input.
    Add {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        username: String,
        /// admin, consultant or viewer.
        #[arg(long, default_value = "admin")]
        role: String,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(command: Command) -> anyhow::Result<ExitCode> {
    // Every data file is read now: a broken one stops here, named.
    crate::data::check().map_err(anyhow::Error::msg)?;
    match command {
        Command::Serve { db, addr, trusted_proxies } => serve(db, addr, trusted_proxies),
        Command::Import(args) => import::import(args),
        Command::Export(args) => import::export(args),
        Command::Report(args) => report::run(args),
        Command::Prices(PricesCommand::Import(args)) => crate::cost::cli::import(args),
        Command::User(UserCommand::Add { db, username, role }) => add_user(db, &username, &role),
        Command::Knowledge(command) => crate::knowledge::cli::run(command),
        Command::Backup { db, out } => backup(db, out),
        Command::Restore { db, from } => restore(db, from),
    }
}

fn serve(db_path: PathBuf, addr: SocketAddr, trusted_proxies: Vec<std::net::IpAddr>) -> anyhow::Result<ExitCode> {
    limit_malloc_arenas();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "sixr=info,tower_http=warn".into()))
        .init();
    let db = Db::open(&db_path)?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        // Without TCP_NODELAY a streamed body (ServeDir: headers, then the
        // file) waits for the client's delayed ACK: ~40 ms per static file on
        // a keep-alive connection.
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
            let _ = tcp.set_nodelay(true);
        });
        println!("sixr: database {}", db.path().display());
        println!("sixr: open http://{local}/");
        if crate::db::Db::with_conn(&db, |c| crate::db::accounts::user_count(c))? == 0 {
            println!("sixr: first start: open the page above on this machine to create the administrator (or run `sixr user add`)");
        }
        for proxy in &trusted_proxies {
            println!("sixr: trusting the forwarded headers of the proxy at {proxy}");
        }
        // Imports, new profiles and new rule books derive large engagements
        // here, a step at a time (db::derived).
        tokio::spawn(db.clone().derive_in_background());
        let state = AppState::new(db).with_trusted_proxies(trusted_proxies);
        let service = app(state).into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service).with_graceful_shutdown(shutdown_signal()).await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

/// SQLite allocates with glibc's malloc (Rust's allocations go to mimalloc,
/// main.rs). glibc gives each thread that allocates at once an arena of its
/// own, up to eight per core, and memory freed in one stays resident there:
/// under 16 concurrent requests the server's peak RSS was 168 MB, with two
/// arenas 87 MB (benches/README.md §5). Set before the runtime starts its
/// threads.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    // SAFETY: mallopt only sets an allocator parameter; called before any
    // other thread of this program exists.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

fn add_user(db_path: PathBuf, username: &str, role: &str) -> anyhow::Result<ExitCode> {
    let role =
        Role::parse(role).ok_or_else(|| anyhow::anyhow!("role: {} is not admin, consultant or viewer", crate::error::quoted(role)))?;
    eprintln!("password for {username} (first line of standard input):");
    let mut password = String::new();
    std::io::stdin().read_line(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']);
    let db = Db::open(&db_path)?;
    let user = db.with_conn(|c| crate::db::accounts::create_user(c, username, password, role, "cli"))?;
    println!("created {} ({})", user.username, user.role.code());
    Ok(ExitCode::SUCCESS)
}

fn backup(db_path: PathBuf, out: PathBuf) -> anyhow::Result<ExitCode> {
    if !db_path.exists() {
        anyhow::bail!("{} does not exist", db_path.display());
    }
    if out.exists() {
        anyhow::bail!("{} already exists; choose a new file name", out.display());
    }
    let db = Db::open(&db_path)?;
    // The online backup copies page by page and restarts if a writer
    // changes the database meanwhile, so the copy is always consistent.
    db.with_conn(|c| Ok(c.backup(rusqlite::MAIN_DB, &out, None)?))?;
    println!("backed up {} to {}", db_path.display(), out.display());
    Ok(ExitCode::SUCCESS)
}

fn restore(db_path: PathBuf, from: PathBuf) -> anyhow::Result<ExitCode> {
    if !from.exists() {
        anyhow::bail!("{} does not exist", from.display());
    }
    // Check that the backup is a sixr database before overwriting anything.
    Db::open(&from).map_err(|e| anyhow::anyhow!("{} is not a usable sixr backup: {e}", from.display()))?;
    let mut conn = rusqlite::Connection::open(&db_path)?;
    conn.restore(rusqlite::MAIN_DB, &from, None::<fn(rusqlite::backup::Progress)>)?;
    drop(conn);
    // The backup carries its own derived data; opening it brings the
    // schema (and, with another rule book, the derivations) up to date.
    Db::open(&db_path)?;
    println!("restored {} from {}", db_path.display(), from.display());
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C or SIGTERM: stop accepting, let in-flight requests finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
}
