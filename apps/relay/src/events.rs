//! Which access-log events an open writes, and sealing them.
//!
//! Every event is sealed (HPKE, `core::share::access_log`) to the share's
//! log key before it is stored, and stored in the same transaction as the
//! counters it goes with, so the log holds exactly one event per counted
//! read or wrong PIN, even if the relay is killed in between.
//!
//! Sealing costs two X25519 operations, the largest piece of an open's
//! CPU time. Done inside the transaction it would hold the share (and, on
//! SQLite, the one writer) for that long, so the HTTP layer seals the
//! likely event ("opened") *ahead* of the transaction when it already
//! knows the share's log key ([`LogKeys`], public keys remembered from
//! earlier opens): the transaction then only stores it. When the outcome
//! or the key turns out different, the sealed event is dropped unused and
//! the right one is sealed inside the transaction; nothing is lost or
//! counted twice either way.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use haven_core::share::access_log::{self, AccessEvent};

use crate::store::Open;

/// The events an open's outcome writes to the share's log, in order.
pub fn events_of(open: &Open) -> &'static [AccessEvent] {
    match open {
        Open::Capsule { revoked: true, .. } => &[AccessEvent::Revoked],
        Open::Capsule { revoked: false, .. } => &[AccessEvent::Opened],
        Open::WrongToken {
            locked_now: true, ..
        } => &[AccessEvent::WrongPin, AccessEvent::Locked],
        Open::WrongToken {
            locked_now: false, ..
        } => &[AccessEvent::WrongPin],
        Open::Expired { .. } => &[AccessEvent::Expired],
        Open::Locked | Open::ReadLimit { .. } | Open::NotFound => &[],
    }
}

/// An event sealed ahead of the transaction, and the key it was sealed to.
struct Ahead {
    log_key: String,
    event: AccessEvent,
    sealed: Vec<u8>,
}

/// Seals one open's events to its share's log key, at one time.
pub struct Sealer {
    share: String,
    at: DateTime<Utc>,
    ahead: Option<Ahead>,
}

impl Sealer {
    /// For an open of share `share` happening at `at`.
    pub fn new(share: &str, at: DateTime<Utc>) -> Self {
        Self {
            share: share.to_string(),
            at,
            ahead: None,
        }
    }

    /// Seals `event` to `log_key` now, to be stored by the transaction if
    /// the outcome and the share's key turn out to be these.
    pub fn seal_ahead(&mut self, log_key: &str, event: AccessEvent) {
        if let Some(sealed) = self.seal_now(log_key, event) {
            self.ahead = Some(Ahead {
                log_key: log_key.to_string(),
                event,
                sealed,
            });
        }
    }

    /// The sealed events `open` writes (see [`events_of`]). An event that
    /// cannot be sealed (a share stored with an unusable log key, which
    /// uploads refuse) is left out and said on stderr, without the key.
    pub fn sealed_for(&mut self, open: &Open) -> Vec<Vec<u8>> {
        let Some(log_key) = open.log_key() else {
            return Vec::new();
        };
        events_of(open)
            .iter()
            .filter_map(|&event| {
                match self
                    .ahead
                    .take_if(|a| a.event == event && a.log_key == log_key)
                {
                    Some(a) => Some(a.sealed),
                    None => self.seal_now(log_key, event),
                }
            })
            .collect()
    }

    fn seal_now(&self, log_key: &str, event: AccessEvent) -> Option<Vec<u8>> {
        match access_log::seal(event, self.at, &self.share, log_key) {
            Ok(sealed) => Some(sealed),
            Err(_) => {
                eprintln!("haven-relay: a share has an unusable log key");
                None
            }
        }
    }
}

/// Shares remembered before the memory is cleared and refilled.
const MAX_KEYS: usize = 50_000;

/// The log keys (public keys, also in the database) of recently opened
/// shares, so the next open can seal its event ahead. A stale key (the
/// share re-uploaded with another) only costs that open the fast path.
#[derive(Default)]
pub struct LogKeys(Mutex<HashMap<String, String>>);

impl LogKeys {
    /// The log key last seen for `share`.
    pub fn get(&self, share: &str) -> Option<String> {
        self.0.lock().ok()?.get(share).cloned()
    }

    /// Remembers `share`'s log key.
    pub fn remember(&self, share: &str, log_key: &str) {
        let Ok(mut keys) = self.0.lock() else {
            return;
        };
        if keys.get(share).is_some_and(|k| k == log_key) {
            return;
        }
        if keys.len() >= MAX_KEYS {
            keys.clear();
        }
        keys.insert(share.to_string(), log_key.to_string());
    }
}
