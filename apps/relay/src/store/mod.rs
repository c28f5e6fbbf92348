//! Storage behind one trait, so the HTTP layer does not know which database
//! it runs on. Two backends: SQLite (one machine, the default) and
//! PostgreSQL (several stateless relays behind a load balancer). Both hold
//! only what the relay may know: ciphertext (capsules, sealed replies,
//! sealed log events), hashes of tokens, expiry, counters and a public key.
//!
//! The decisions that must be the same on both (what an open does to the
//! counters) are one pure function, [`decide_open`]; each backend runs it
//! inside one transaction holding the share's row (SQLite: the write lock;
//! PostgreSQL: `SELECT ... FOR UPDATE`), so two relays on one database
//! count every read and every wrong PIN exactly once. The same transaction
//! stores the sealed access-log events of that open (`crate::events`).

use std::future::Future;

use crate::events::Sealer;

pub mod postgres;
pub mod sqlite;
mod writer;

/// One share as stored.
#[derive(Clone)]
pub struct Share {
    /// Hash of the owner token.
    pub owner: Vec<u8>,
    /// The capsule's sequence number.
    pub seq: i64,
    /// The capsule (ciphertext).
    pub capsule: Vec<u8>,
    /// Hashes of the access tokens (32 bytes each, concatenated).
    pub access: Vec<u8>,
    /// Unix seconds after which it is deleted.
    pub expires_at: i64,
    /// Opens allowed, if limited.
    pub read_limit: Option<i64>,
    /// The capsule is the signed revocation.
    pub revoked: bool,
    /// The HPKE public key events are sealed to.
    pub log_key: String,
}

/// The counters and state an open reads and changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counters {
    /// Opens so far.
    pub reads: i64,
    /// Wrong tokens so far.
    pub wrong: i64,
}

/// What an upload did.
#[derive(Debug, PartialEq, Eq)]
pub enum Put {
    /// Stored (new share, newer version, or the same version again).
    Stored,
    /// Another owner token.
    NotOwner,
    /// Older than the stored version.
    Stale,
}

/// What an open found. Each carries the log key to seal the event to.
#[derive(Debug, PartialEq, Eq)]
pub enum Open {
    /// The capsule; `revoked` when it is the signed revocation.
    Capsule {
        /// The capsule.
        capsule: Vec<u8>,
        /// Whether it is the revocation.
        revoked: bool,
        /// Log key.
        log_key: String,
    },
    /// A wrong token; `locked_now` when this one locked the share.
    WrongToken {
        /// Whether this try locked it.
        locked_now: bool,
        /// Log key.
        log_key: String,
    },
    /// Locked by earlier wrong tokens.
    Locked,
    /// Expired (not yet swept).
    Expired {
        /// When (unix seconds).
        at: i64,
        /// Log key.
        log_key: String,
    },
    /// The read limit was reached.
    ReadLimit {
        /// Log key.
        log_key: String,
    },
    /// No such share.
    NotFound,
}

impl Open {
    /// The share's log key, when there is a share.
    pub fn log_key(&self) -> Option<&str> {
        match self {
            Open::Capsule { log_key, .. }
            | Open::WrongToken { log_key, .. }
            | Open::Expired { log_key, .. }
            | Open::ReadLimit { log_key } => Some(log_key),
            Open::Locked | Open::NotFound => None,
        }
    }
}

/// What adding a reply did.
#[derive(Debug, PartialEq, Eq)]
pub enum AddReply {
    /// Stored.
    Added,
    /// No such share.
    NotFound,
    /// The share holds as many replies as allowed.
    Full,
}

/// A storage failure (the message is the library's; no values are in it,
/// since every value is bound as a parameter).
#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        Self(format!("sqlite: {e}"))
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        Self(format!("postgres: {e}"))
    }
}

/// Result of storage calls.
pub type StoreResult<T> = Result<T, StoreError>;

/// The relay's storage. Every method is one transaction.
pub trait Store: Send + Sync + 'static {
    /// Stores a share's capsule: creates it (setting its owner), or replaces
    /// it with a newer (or the same) version for the same owner. Counters
    /// are kept across versions.
    fn put(&self, id: &str, share: Share) -> impl Future<Output = StoreResult<Put>> + Send;
    /// One open with an access token hash, at `now`, locking after
    /// `max_wrong` wrong tokens (see [`decide_open`]), storing the events
    /// it writes to the access log (sealed by `sealer`) in the same
    /// transaction.
    fn open(
        &self,
        id: &str,
        token_hash: &[u8],
        now: i64,
        max_wrong: i64,
        sealer: Sealer,
    ) -> impl Future<Output = StoreResult<Open>> + Send;
    /// Whether `owner_hash` owns the share; `None` if there is no share.
    fn is_owner(
        &self,
        id: &str,
        owner_hash: &[u8],
    ) -> impl Future<Output = StoreResult<Option<bool>>> + Send;
    /// Adds a sealed reply (at most `max` per share).
    fn add_reply(
        &self,
        id: &str,
        reply_id: &str,
        body: Vec<u8>,
        max: i64,
    ) -> impl Future<Output = StoreResult<AddReply>> + Send;
    /// The share's replies, oldest first.
    fn replies(&self, id: &str)
        -> impl Future<Output = StoreResult<Vec<(String, Vec<u8>)>>> + Send;
    /// Deletes one reply.
    fn delete_reply(
        &self,
        id: &str,
        reply_id: &str,
    ) -> impl Future<Output = StoreResult<()>> + Send;
    /// The sealed log events, oldest first.
    fn log(&self, id: &str) -> impl Future<Output = StoreResult<Vec<Vec<u8>>>> + Send;
    /// Deletes every share expired at `now`, with its replies and log.
    /// Returns how many shares went.
    fn sweep(&self, now: i64) -> impl Future<Output = StoreResult<u64>> + Send;
}

/// What one open does, given the stored share and counters: the answer,
/// and the counters to write back (`None`: unchanged).
pub fn decide_open(
    share: &Share,
    counters: Counters,
    token_hash: &[u8],
    now: i64,
    max_wrong: i64,
) -> (Open, Option<Counters>) {
    let log_key = share.log_key.clone();
    if now >= share.expires_at {
        return (
            Open::Expired {
                at: share.expires_at,
                log_key,
            },
            None,
        );
    }
    if counters.wrong >= max_wrong {
        return (Open::Locked, None);
    }
    let known = share.access.chunks_exact(32).any(|h| h == token_hash);
    if !known {
        let wrong = counters.wrong + 1;
        return (
            Open::WrongToken {
                locked_now: wrong >= max_wrong,
                log_key,
            },
            Some(Counters { wrong, ..counters }),
        );
    }
    if share.revoked {
        return (
            Open::Capsule {
                capsule: share.capsule.clone(),
                revoked: true,
                log_key,
            },
            None,
        );
    }
    if share.read_limit.is_some_and(|l| counters.reads >= l) {
        return (Open::ReadLimit { log_key }, None);
    }
    (
        Open::Capsule {
            capsule: share.capsule.clone(),
            revoked: false,
            log_key,
        },
        Some(Counters {
            reads: counters.reads + 1,
            ..counters
        }),
    )
}

/// Whether an upload may replace what is stored: same owner, and not older.
pub fn decide_put(stored_owner: &[u8], stored_seq: i64, new: &Share) -> Put {
    if stored_owner != new.owner.as_slice() {
        Put::NotOwner
    } else if new.seq < stored_seq {
        Put::Stale
    } else {
        Put::Stored
    }
}
