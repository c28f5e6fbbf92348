//! Sync between one person's own devices through the relay (issue 12;
//! protocol, properties and limits: `docs/adr/0015-sync-protocol.md`).
//!
//! This is the pure part, with no storage and no network: the formats, the
//! checks and the merge, tested on their own and by a deterministic
//! simulation against a misbehaving relay (`core/tests/sync_sim.rs`). The
//! vault, the relay's endpoints, pairing and the CLI build on it.
//!
//! - [`op`]: the operations a device writes, and their encoding;
//! - [`entry`]: a log entry (signed, hash-chained, with the heads its
//!   writer had seen);
//! - [`chain`]: checking a device's log (gaps, replays, splices, forks,
//!   rollback);
//! - [`blob`]: an entry sealed and padded for the relay;
//! - [`merge`]: the merged records and the conflict rules;
//! - [`replica`]: a device's replica (causal delivery, what it knows it
//!   lacks, fork detection);
//! - [`round`]: one round with the relay, over the [`round::Relay`] trait;
//! - [`pair`]: pairing a new device (code, SPAKE2, the sealed welcome);
//! - [`alarm`]: what misbehaviour a device reports.

pub mod alarm;
pub mod blob;
pub mod chain;
pub mod entry;
mod error;
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) mod fuzz;
pub mod ids;
pub mod merge;
pub mod op;
pub mod pair;
pub mod replica;
pub mod round;
mod wire;

pub use alarm::Alarm;
pub use error::{DecodeError, PairError, SyncError};
pub use ids::{DeviceId, Dot, Head, SpaceId};
