//! `haven-relay`: stores share capsules (ciphertext), hashed tokens and
//! expiry for Haven; it can never decrypt what it holds. See README.md.
//!
//! `haven-relay --data DIR` (SQLite, the default) or `haven-relay
//! --database postgres://...` (several relays on one database). Prints
//! `listening on ADDR` once it accepts connections; a sweeper deletes
//! expired shares every `--sweep-secs`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Parser;
use haven_relay::store::{postgres::PgStore, sqlite::SqliteStore, Store};
use haven_relay::Settings;

/// Haven's relay.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Folder for the SQLite database (the default backend).
    #[arg(long, conflicts_with = "database")]
    data: Option<PathBuf>,
    /// PostgreSQL URL (`postgres://user@host:port/db`) instead of SQLite.
    #[arg(long, env = "HAVEN_RELAY_DATABASE")]
    database: Option<String>,
    /// Requests a second allowed per client address (0: no limit).
    #[arg(long, default_value_t = 20)]
    rate: u32,
    /// Requests allowed at once per client address.
    #[arg(long, default_value_t = 100)]
    burst: u32,
    /// Seconds between sweeps of expired shares.
    #[arg(long, default_value_t = 300)]
    sweep_secs: u64,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the runtime")?;
    runtime.block_on(async move {
        match (&args.database, &args.data) {
            (Some(url), _) => {
                let store = PgStore::connect(url)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))
                    .context("connecting to PostgreSQL")?;
                run(store, &args).await
            }
            (None, data) => {
                let dir = data
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("haven-relay-data"));
                let store = SqliteStore::open(&dir)
                    .map_err(|e| anyhow::anyhow!("{e}"))
                    .context("opening the SQLite database")?;
                run(store, &args).await
            }
        }
    })
}

async fn run<S: Store + Clone>(store: S, args: &Args) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    println!("listening on {}", listener.local_addr()?);
    let settings = Settings {
        rate: args.rate,
        burst: args.burst,
        sweep_every: Duration::from_secs(args.sweep_secs),
    };
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    haven_relay::serve(store, listener, settings, shutdown)
        .await
        .context("serving")
}
