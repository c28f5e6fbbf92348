//! SQLite backend: one file in `--data DIR`, in WAL mode; an upload the
//! relay acknowledged is fsynced (`synchronous=FULL`), so it survives a
//! kill or a power cut. One connection, owned by one writer thread
//! (`writer.rs`) that runs every call in order inside `IMMEDIATE`
//! transactions, several waiting calls to a commit, so reads and wrong
//! PINs are counted once and in order. Statements are prepared once per
//! connection (`prepare_cached`).

use std::path::Path;
use std::sync::Arc;

use rusqlite::{params, Connection, OptionalExtension};

use super::writer::Writer;
use super::{
    decide_open, decide_put, AddReply, Counters, Open, Put, Share, Store, StoreError, StoreResult,
};
use crate::events::Sealer;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS shares (
    id TEXT PRIMARY KEY,        -- random share id
    owner BLOB NOT NULL,        -- SHA-256 of the owner token
    seq INTEGER NOT NULL,       -- capsule sequence number
    capsule BLOB NOT NULL,      -- the capsule (ciphertext)
    access BLOB NOT NULL,       -- access-token hashes, 32 bytes each
    expires_at INTEGER NOT NULL,-- unix seconds
    read_limit INTEGER,         -- opens allowed, if limited
    reads INTEGER NOT NULL DEFAULT 0,
    wrong INTEGER NOT NULL DEFAULT 0,
    revoked INTEGER NOT NULL,   -- the capsule is the signed revocation
    log_key TEXT NOT NULL       -- public key events are sealed to
);
CREATE TABLE IF NOT EXISTS replies (
    share TEXT NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    n INTEGER NOT NULL,         -- arrival order
    body BLOB NOT NULL,         -- sealed reply
    PRIMARY KEY (share, id)
);
CREATE TABLE IF NOT EXISTS log (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    share TEXT NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
    body BLOB NOT NULL          -- sealed event
);
CREATE INDEX IF NOT EXISTS log_share ON log(share);
CREATE INDEX IF NOT EXISTS shares_expiry ON shares(expires_at);
";

/// The SQLite store.
#[derive(Clone)]
pub struct SqliteStore {
    writer: Arc<Writer>,
}

impl SqliteStore {
    /// Opens (creating) `DIR/relay.db`.
    pub fn open(dir: &Path) -> StoreResult<Self> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError(format!("data dir: {e}")))?;
        let conn = Connection::open(dir.join("relay.db"))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        // NORMAL: a commit is in the WAL (so a killed relay loses nothing)
        // but not fsynced, so the last opens' counters and log events may be
        // lost to a power cut or an OS crash: at worst a reader gets a read
        // more than a limit allowed in that instant, or a guesser one try
        // more after the machine itself went down, which they cannot cause.
        // An fsync per open would cap opens at the disk's fsync rate.
        // Uploads commit with FULL (`writer.rs`), whose fsync of the WAL
        // also makes everything before them durable.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(SCHEMA)?;
        conn.set_prepared_statement_cache_capacity(32);
        Ok(Self {
            writer: Arc::new(Writer::start(conn)?),
        })
    }

    /// Runs `f` in the writer's next transaction (not fsynced).
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    ) -> StoreResult<T> {
        self.writer.run(false, f).await
    }
}

fn row_share(r: &rusqlite::Row<'_>) -> rusqlite::Result<(Share, Counters)> {
    Ok((
        Share {
            owner: r.get(0)?,
            seq: r.get(1)?,
            capsule: r.get(2)?,
            access: r.get(3)?,
            expires_at: r.get(4)?,
            read_limit: r.get(5)?,
            revoked: r.get(8)?,
            log_key: r.get(9)?,
        },
        Counters {
            reads: r.get(6)?,
            wrong: r.get(7)?,
        },
    ))
}

fn put_in(c: &Connection, id: &str, share: Share) -> StoreResult<Put> {
    let stored: Option<(Vec<u8>, i64)> = c
        .prepare_cached("SELECT owner, seq FROM shares WHERE id = ?1")?
        .query_row([&id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let outcome = match &stored {
        Some((owner, seq)) => decide_put(owner, *seq, &share),
        None => Put::Stored,
    };
    if outcome == Put::Stored {
        if stored.is_some() {
            c.prepare_cached(
                "UPDATE shares SET seq = ?2, capsule = ?3, access = ?4, expires_at = ?5,
                 read_limit = ?6, revoked = ?7, log_key = ?8 WHERE id = ?1",
            )?
            .execute(params![
                id,
                share.seq,
                share.capsule,
                share.access,
                share.expires_at,
                share.read_limit,
                share.revoked,
                share.log_key
            ])?;
        } else {
            c.prepare_cached(
                "INSERT INTO shares (id, owner, seq, capsule, access, expires_at, read_limit, revoked, log_key)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                id,
                share.owner,
                share.seq,
                share.capsule,
                share.access,
                share.expires_at,
                share.read_limit,
                share.revoked,
                share.log_key
            ])?;
        }
    }
    Ok(outcome)
}

const SELECT: &str = "SELECT owner, seq, capsule, access, expires_at, read_limit, reads, wrong, revoked, log_key FROM shares WHERE id = ?1";

impl Store for SqliteStore {
    async fn put(&self, id: &str, share: Share) -> StoreResult<Put> {
        let id = id.to_string();
        self.writer.run(true, move |c| put_in(c, &id, share)).await
    }

    async fn open(
        &self,
        id: &str,
        token_hash: &[u8],
        now: i64,
        max_wrong: i64,
        mut sealer: Sealer,
    ) -> StoreResult<Open> {
        let (id, token) = (id.to_string(), token_hash.to_vec());
        self.run(move |c| {
            let Some((share, counters)) = c
                .prepare_cached(SELECT)?
                .query_row([&id], row_share)
                .optional()?
            else {
                return Ok(Open::NotFound);
            };
            let (outcome, update) = decide_open(&share, counters, &token, now, max_wrong);
            if let Some(n) = update {
                c.prepare_cached("UPDATE shares SET reads = ?2, wrong = ?3 WHERE id = ?1")?
                    .execute(params![id, n.reads, n.wrong])?;
            }
            for event in sealer.sealed_for(&outcome) {
                c.prepare_cached("INSERT INTO log (share, body) VALUES (?1, ?2)")?
                    .execute(params![id, event])?;
            }
            Ok(outcome)
        })
        .await
    }

    async fn is_owner(&self, id: &str, owner_hash: &[u8]) -> StoreResult<Option<bool>> {
        let (id, owner) = (id.to_string(), owner_hash.to_vec());
        self.run(move |c| {
            let stored: Option<Vec<u8>> = c
                .prepare_cached("SELECT owner FROM shares WHERE id = ?1")?
                .query_row([&id], |r| r.get(0))
                .optional()?;
            Ok(stored.map(|s| s == owner))
        })
        .await
    }

    async fn add_reply(
        &self,
        id: &str,
        reply_id: &str,
        body: Vec<u8>,
        max: i64,
    ) -> StoreResult<AddReply> {
        let (id, rid) = (id.to_string(), reply_id.to_string());
        self.run(move |c| {
            let exists: Option<i64> = c
                .prepare_cached("SELECT 1 FROM shares WHERE id = ?1")?
                .query_row([&id], |r| r.get(0))
                .optional()?;
            if exists.is_none() {
                return Ok(AddReply::NotFound);
            }
            let (count, next): (i64, i64) = c
                .prepare_cached(
                    "SELECT COUNT(*), COALESCE(MAX(n), 0) + 1 FROM replies WHERE share = ?1",
                )?
                .query_row([&id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            if count >= max {
                return Ok(AddReply::Full);
            }
            c.prepare_cached("INSERT INTO replies (share, id, n, body) VALUES (?1, ?2, ?3, ?4)")?
                .execute(params![id, rid, next, body])?;
            Ok(AddReply::Added)
        })
        .await
    }

    async fn replies(&self, id: &str) -> StoreResult<Vec<(String, Vec<u8>)>> {
        let id = id.to_string();
        self.run(move |c| {
            let mut st =
                c.prepare_cached("SELECT id, body FROM replies WHERE share = ?1 ORDER BY n")?;
            let rows = st.query_map([&id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn delete_reply(&self, id: &str, reply_id: &str) -> StoreResult<()> {
        let (id, rid) = (id.to_string(), reply_id.to_string());
        self.run(move |c| {
            c.prepare_cached("DELETE FROM replies WHERE share = ?1 AND id = ?2")?
                .execute(params![id, rid])?;
            Ok(())
        })
        .await
    }

    async fn log(&self, id: &str) -> StoreResult<Vec<Vec<u8>>> {
        let id = id.to_string();
        self.run(move |c| {
            let mut st = c.prepare_cached("SELECT body FROM log WHERE share = ?1 ORDER BY n")?;
            let rows = st.query_map([&id], |r| r.get(0))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn sweep(&self, now: i64) -> StoreResult<u64> {
        self.run(move |c| {
            let n = c
                .prepare_cached("DELETE FROM shares WHERE expires_at <= ?1")?
                .execute([now])?;
            Ok(n as u64)
        })
        .await
    }
}
