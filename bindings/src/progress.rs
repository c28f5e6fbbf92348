//! Progress and cancellation from the apps' side: a listener the app
//! implements, and a token the app can cancel from any thread.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Receives progress of a long operation (implemented in Kotlin or Swift).
#[uniffi::export(with_foreign)]
pub trait ProgressListener: Send + Sync {
    /// A short step name and a fraction from 0.0 to 1.0.
    fn on_progress(&self, step: String, fraction: f64);
}

/// Lets the app stop a long operation; it then fails with `Cancelled` and
/// changes nothing.
#[derive(uniffi::Object, Default)]
pub struct CancelToken {
    cancelled: AtomicBool,
}

#[uniffi::export]
impl CancelToken {
    /// A fresh token, not cancelled.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Asks the operation to stop.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    /// Whether `cancel` was called.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

/// Adapts the app's listener and token to the core's `Progress`.
pub struct Observer {
    pub listener: Option<Arc<dyn ProgressListener>>,
    pub token: Option<Arc<CancelToken>>,
}

impl haven_core::Progress for Observer {
    fn update(&self, step: &str, fraction: f64) {
        if let Some(l) = &self.listener {
            l.on_progress(step.to_string(), fraction);
        }
    }

    fn cancelled(&self) -> bool {
        self.token.as_ref().is_some_and(|t| t.is_cancelled())
    }
}
