//! Haven's relay as a library: the `haven-relay` binary (`main.rs`) and a
//! loopback relay inside another process (`haven tour`) run the same code.
//! See README.md and `docs/adr/0009-relay.md`.

pub mod events;
pub mod http;
pub mod limits;
pub mod store;
pub mod viewer;

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use store::{sqlite::SqliteStore, Store};

/// How a relay runs (beyond its storage).
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// Requests a second per client address (0: no limit).
    pub rate: u32,
    /// Requests at once per client address.
    pub burst: u32,
    /// Time between sweeps of expired shares.
    pub sweep_every: Duration,
}

/// Serves `store` on `listener` until `shutdown` completes, sweeping
/// expired shares in the background.
pub async fn serve<S: Store + Clone>(
    store: S,
    listener: tokio::net::TcpListener,
    settings: Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let sweeper = store.clone();
    let every = settings.sweep_every.max(Duration::from_secs(1));
    let sweeping = tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match sweeper.sweep(chrono::Utc::now().timestamp()).await {
                Ok(0) => {}
                Ok(n) => eprintln!("haven-relay: swept {n} expired shares"),
                Err(e) => eprintln!("haven-relay: sweep failed: {e}"),
            }
        }
    });
    let app = Arc::new(http::App {
        store,
        limiter: limits::RateLimiter::new(settings.rate, settings.burst),
        log_keys: events::LogKeys::default(),
    });
    let served = axum::serve(
        listener,
        http::router(app).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    sweeping.abort();
    served
}

/// A relay on a free loopback port, on its own thread, with SQLite in
/// `dir`; it stops when dropped.
pub struct LocalRelay {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LocalRelay {
    /// Starts one.
    pub fn start(dir: &Path) -> Result<Self, String> {
        let store = SqliteStore::open(dir).map_err(|e| e.to_string())?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let (ready, address) = std::sync::mpsc::channel::<Result<SocketAddr, String>>();
        let thread = std::thread::spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    let _ = ready.send(Err(e.to_string()));
                    return;
                }
            };
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
                    Ok(l) => l,
                    Err(e) => {
                        let _ = ready.send(Err(e.to_string()));
                        return;
                    }
                };
                let _ = ready.send(listener.local_addr().map_err(|e| e.to_string()));
                let settings = Settings {
                    rate: 0,
                    burst: 1,
                    sweep_every: Duration::from_secs(300),
                };
                let shutdown = async {
                    let _ = stopped.await;
                };
                if let Err(e) = serve(store, listener, settings, shutdown).await {
                    eprintln!("haven-relay: {e}");
                }
            });
        });
        let addr = address
            .recv()
            .map_err(|_| "the relay thread ended".to_string())??;
        Ok(Self {
            url: format!("http://{addr}"),
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for LocalRelay {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
