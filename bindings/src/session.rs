//! A session: locks the vault after the app has been idle for a while.
//! The app calls `touch()` on user activity (a tap, a keystroke); a
//! background tick locks the vault once `idle_timeout_seconds` pass without
//! one. Lock-state changes reach the app through `observe` (a
//! `VaultEvent::Locked` follows an idle lock).

use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use haven_core::HavenError;

use crate::guard::guard;
use crate::numbers::at_least;
use crate::observe::{every, TaskHandle, VaultListener};
use crate::vault::HavenVault;

/// An idle auto-lock for one vault. Closing (or dropping) it stops the
/// timer; the vault stays as it is.
#[derive(uniffi::Object, Debug)]
pub struct Session {
    vault: Weak<HavenVault>,
    state: Arc<Mutex<Idle>>,
    task: Arc<TaskHandle>,
}

#[derive(Debug)]
struct Idle {
    last_touch: Instant,
    timeout: Duration,
}

impl Idle {
    fn remaining(&self) -> Duration {
        self.timeout.saturating_sub(self.last_touch.elapsed())
    }
}

fn lock_state(m: &Mutex<Idle>) -> std::sync::MutexGuard<'_, Idle> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[uniffi::export]
impl HavenVault {
    /// Starts an idle auto-lock: the vault is locked once
    /// `idle_timeout_seconds` (at least 1) pass without [`Session::touch`].
    pub fn start_session(
        self: Arc<Self>,
        idle_timeout_seconds: i32,
    ) -> Result<Arc<Session>, HavenError> {
        guard(|| {
            let state = Arc::new(Mutex::new(Idle {
                last_touch: Instant::now(),
                timeout: Duration::from_secs(at_least(idle_timeout_seconds, 1)),
            }));
            let task = Arc::new(TaskHandle::default());
            let weak = Arc::downgrade(&self);
            let tick_state = state.clone();
            every(
                "haven-session",
                Duration::from_millis(100),
                task.flag(),
                move || {
                    let Some(vault) = weak.upgrade() else {
                        return false;
                    };
                    let idle_out = lock_state(&tick_state).remaining().is_zero();
                    if idle_out && vault.vault.is_unlocked() {
                        vault.vault.lock();
                    }
                    true
                },
            )?;
            Ok(Arc::new(Session {
                vault: Arc::downgrade(&self),
                state,
                task,
            }))
        })
    }
}

#[uniffi::export]
impl Session {
    /// Records user activity: the idle timer starts again.
    pub fn touch(&self) {
        lock_state(&self.state).last_touch = Instant::now();
    }

    /// Changes the idle timeout (at least 1 second); counts from the last
    /// touch.
    pub fn set_idle_timeout(&self, seconds: i32) {
        lock_state(&self.state).timeout = Duration::from_secs(at_least(seconds, 1));
    }

    /// Seconds left before an idle lock (0 when due).
    pub fn seconds_until_lock(&self) -> i32 {
        let secs = lock_state(&self.state).remaining().as_secs();
        i32::try_from(secs).unwrap_or(i32::MAX)
    }

    /// Lock and unlock events (and changes) of the session's vault: the
    /// lock-state observer. See `HavenVault.observe`.
    pub fn observe(&self, listener: Arc<dyn VaultListener>) -> Result<Arc<TaskHandle>, HavenError> {
        match self.vault.upgrade() {
            Some(v) => v.observe(listener, 100),
            None => Err(HavenError::Locked),
        }
    }

    /// Stops the idle timer (the vault is left as it is).
    pub fn stop(&self) {
        self.task.cancel();
    }
}
