//! The `sixr` command line: the web app and its headless twins.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
    },
    /// Import an inventory file into an engagement (all or nothing).
    Import(crate::import::cli::ImportArgs),
    /// Export an engagement as CSV (assessed inventory) or JSON (backup).
    Export(crate::import::cli::ExportArgs),
    /// Write the engagement's migration plan as a PDF report.
    Report(crate::report::cli::ReportArgs),
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
    match command {
        Command::Serve { db, addr } => serve(db, addr),
        Command::Import(args) => crate::import::cli::import(args),
        Command::Export(args) => crate::import::cli::export(args),
        Command::Report(args) => crate::report::cli::run(args),
    }
}

fn serve(db_path: PathBuf, addr: SocketAddr) -> anyhow::Result<ExitCode> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "sixr=info,tower_http=warn".into()),
        )
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
        axum::serve(listener, app(AppState { db })).with_graceful_shutdown(shutdown_signal()).await?;
        anyhow::Ok(())
    })?;
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
