//! Change observation for the apps: `observe(listener)` reports journal and
//! document changes by id, whoever made them (this handle, a second handle,
//! another process on the same file: see core's `changes.rs`), and the
//! vault being locked or unlocked (by the app, or by a [`crate::Session`]'s
//! idle timeout). Events arrive on a background thread Haven owns, about
//! every `interval_ms`; the app hops to its main thread itself.
//!
//! The watcher thread holds the vault weakly: closing the vault ends it,
//! and so does cancelling (or closing) the returned [`TaskHandle`].

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use haven_core::{Change, HavenError};

use crate::guard::guard;
use crate::numbers::at_least;
use crate::vault::HavenVault;

/// Something that happened to the vault.
#[derive(uniffi::Enum, Debug, Clone, PartialEq, Eq)]
pub enum VaultEvent {
    /// Entries or documents were added, changed or removed.
    Changed {
        /// What changed, by id.
        changes: Vec<Change>,
    },
    /// The vault was locked (by the app, or the session's idle timeout).
    Locked,
    /// The vault was unlocked.
    Unlocked,
}

/// Receives vault events (implemented in Kotlin or Swift). Called on a
/// background thread; keep it short and do not call back into the vault
/// from it synchronously on that thread for long work.
#[uniffi::export(with_foreign)]
pub trait VaultListener: Send + Sync {
    /// One event.
    fn on_event(&self, event: VaultEvent);
}

/// A running background task (an observer, a session). Cancel it when done;
/// closing or dropping it also cancels it.
#[derive(uniffi::Object, Debug, Default)]
pub struct TaskHandle {
    stopped: Arc<AtomicBool>,
}

#[uniffi::export]
impl TaskHandle {
    /// Stops the task; it sends nothing more after its current tick.
    pub fn cancel(&self) {
        self.stopped.store(true, Ordering::SeqCst);
    }

    /// Whether it was cancelled (or its vault closed).
    pub fn is_cancelled(&self) -> bool {
        self.stopped.load(Ordering::SeqCst)
    }
}

impl TaskHandle {
    pub(crate) fn flag(&self) -> Arc<AtomicBool> {
        self.stopped.clone()
    }
}

impl Drop for TaskHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Runs `tick` every `interval` on a named thread until `stopped` is set or
/// `tick` returns false.
pub(crate) fn every(
    name: &str,
    interval: Duration,
    stopped: Arc<AtomicBool>,
    mut tick: impl FnMut() -> bool + Send + 'static,
) -> Result<(), HavenError> {
    std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            while !stopped.load(Ordering::SeqCst) {
                std::thread::sleep(interval);
                if stopped.load(Ordering::SeqCst) || !tick() {
                    break;
                }
            }
            stopped.store(true, Ordering::SeqCst);
        })
        .map(|_| ())
        .map_err(|_| HavenError::Internal {
            reason: "the system refused to start a background thread".into(),
        })
}

#[uniffi::export]
impl HavenVault {
    /// Reports changes and lock/unlock to `listener` until the returned
    /// handle is cancelled or the vault is closed. `interval_ms` (default
    /// 250, at least 20) is how often the file is checked: one cheap
    /// `PRAGMA data_version` when nothing changed.
    #[uniffi::method(default(interval_ms = 250))]
    pub fn observe(
        self: Arc<Self>,
        listener: Arc<dyn VaultListener>,
        interval_ms: i32,
    ) -> Result<Arc<TaskHandle>, HavenError> {
        guard(|| {
            let mut watcher = self.vault.watch_changes()?;
            let weak: Weak<HavenVault> = Arc::downgrade(&self);
            let mut unlocked = self.vault.is_unlocked();
            let handle = Arc::new(TaskHandle::default());
            let interval = Duration::from_millis(at_least(interval_ms, 20));
            every("haven-observe", interval, handle.flag(), move || {
                let Some(vault) = weak.upgrade() else {
                    return false;
                };
                // A failed look (the file briefly busy) is retried next tick.
                if let Ok(changes) = watcher.poll() {
                    if !changes.is_empty() {
                        listener.on_event(VaultEvent::Changed { changes });
                    }
                }
                let now = vault.vault.is_unlocked();
                if now != unlocked {
                    unlocked = now;
                    listener.on_event(if now {
                        VaultEvent::Unlocked
                    } else {
                        VaultEvent::Locked
                    });
                }
                true
            })?;
            Ok(handle)
        })
    }
}
