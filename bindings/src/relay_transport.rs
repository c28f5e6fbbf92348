//! How the sharing calls reach a relay from the apps. Core speaks to relays
//! only through its `Transport` trait; here the app may pass its own HTTP
//! stack ([`RelayTransport`], implemented in Kotlin or Swift: OkHttp,
//! URLSession) or none, for core's default (ureq over rustls, WebPKI roots).
//!
//! Every request of an async sharing call goes through [`Cancellable`]: it
//! refuses to start once the call is cancelled, and stops waiting for an
//! answer the moment it is (the request itself then ends on its own
//! timeout, on a thread nobody waits for), so a cancelled call returns
//! `ShareError::Cancelled` within milliseconds, not after a slow relay.
//!
//! The app's transport reports failures as [`RelayTransportError`], defined
//! here for the reason `KeyStoreError` is (uniffi 0.32 cannot lower a
//! haven-core error out of a callback); it becomes `ShareError::Transport`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;

use haven_core::share::transport::{Method, Request, Response, Transport, MAX_RESPONSE_BYTES};
use haven_core::share::ShareError;
use haven_core::{HavenError, Progress};

use crate::offload::Offloaded;

/// One request to a relay, for the app's transport to send.
#[derive(uniffi::Record)]
#[uniffi::export(Debug)]
pub struct RelayRequest {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: String,
    /// The full URL (never with a fragment).
    pub url: String,
    /// Send as `Authorization: Bearer <bearer>` when present. A secret:
    /// never log it, never send it to another host (follow no redirects).
    pub bearer: Option<String>,
    /// The body's `Content-Type`, when there is a body.
    pub content_type: Option<String>,
    /// The body (ciphertext or tokens; never log it).
    pub body: Vec<u8>,
}

impl std::fmt::Debug for RelayRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The bearer token and body are secrets or ciphertext: never shown.
        f.debug_struct("RelayRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// The relay's answer: any HTTP status is an answer.
#[derive(uniffi::Record, Debug)]
pub struct RelayResponse {
    /// The HTTP status code.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

/// What the app's transport throws when it got no answer at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum RelayTransportError {
    /// No answer (no network, DNS, TLS, timeout). `reason` must not
    /// contain the bearer token or body.
    #[error("{reason}")]
    Failed {
        /// What failed, in words safe to show.
        reason: String,
    },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for RelayTransportError {
    // The app's transport threw something other than a RelayTransportError.
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Failed { reason: e.reason }
    }
}

/// The app's own HTTP stack. Haven calls `send` on one of its worker
/// threads and waits for it (blocking there is expected). Do not follow
/// redirects, do not log bearer tokens or bodies, and answer every HTTP
/// status (4xx and 5xx too) as a [`RelayResponse`].
#[uniffi::export(with_foreign)]
pub trait RelayTransport: Send + Sync {
    /// Sends one request and returns the answer.
    fn send(&self, request: RelayRequest) -> Result<RelayResponse, RelayTransportError>;
}

/// Core's `Transport` over the app's [`RelayTransport`].
struct Foreign(Arc<dyn RelayTransport>);

impl Transport for Foreign {
    fn send(&self, request: Request) -> Result<Response, ShareError> {
        if request.url.contains('#') {
            return Err(ShareError::invalid(
                "a request URL must not carry a fragment",
            ));
        }
        let method = match request.method {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        };
        let r = self
            .0
            .send(RelayRequest {
                method: method.into(),
                url: request.url,
                bearer: request.bearer,
                content_type: request.content_type.map(Into::into),
                body: request.body,
            })
            .map_err(|e| ShareError::Transport {
                reason: e.to_string(),
            })?;
        if r.body.len() as u64 > MAX_RESPONSE_BYTES {
            return Err(ShareError::Transport {
                reason: "the answer was too large".into(),
            });
        }
        Ok(Response {
            status: r.status,
            body: r.body,
        })
    }
}

/// The transport a call uses: the app's, or core's default.
pub fn chosen(app: Option<Arc<dyn RelayTransport>>) -> Arc<dyn Transport> {
    match app {
        Some(t) => Arc::new(Foreign(t)),
        None => Arc::new(haven_core::share::transport::UreqTransport::default()),
    }
}

/// How often a waiting request looks at the cancel flag.
const CANCEL_POLL: Duration = Duration::from_millis(15);

/// A transport that stops at cancellation (see the module comment).
pub struct Cancellable<'a> {
    inner: Arc<dyn Transport>,
    progress: &'a Offloaded,
}

impl<'a> Cancellable<'a> {
    /// Wraps `inner` for the call observed by `progress`.
    pub fn new(inner: Arc<dyn Transport>, progress: &'a Offloaded) -> Self {
        Self { inner, progress }
    }
}

fn internal() -> ShareError {
    ShareError::Vault(HavenError::Internal {
        reason: "a relay request stopped without an answer".into(),
    })
}

impl Transport for Cancellable<'_> {
    fn send(&self, request: Request) -> Result<Response, ShareError> {
        if self.progress.cancelled() {
            return Err(ShareError::Cancelled);
        }
        let inner = self.inner.clone();
        let (tx, rx) = mpsc::channel();
        std::thread::Builder::new()
            .name("haven-relay".into())
            .spawn(move || {
                // A panic in a transport stays on this thread, typed.
                let r = catch_unwind(AssertUnwindSafe(|| inner.send(request)))
                    .unwrap_or_else(|_| Err(internal()));
                // The receiver is gone only if the call was cancelled.
                let _ = tx.send(r);
            })
            .map_err(|_| {
                ShareError::Vault(HavenError::Internal {
                    reason: "the system refused to start a worker thread".into(),
                })
            })?;
        loop {
            match rx.recv_timeout(CANCEL_POLL) {
                Ok(r) => return r,
                Err(RecvTimeoutError::Timeout) => {
                    if self.progress.cancelled() {
                        return Err(ShareError::Cancelled);
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return Err(internal()),
            }
        }
    }
}
