//! PostgreSQL backend, for when one machine is not enough: relays keep no
//! state of their own, so several can serve one database behind a load
//! balancer. Each call is one transaction on one of a few connections;
//! opens lock the share's row (`SELECT ... FOR UPDATE`), so reads and wrong
//! PINs counted by two relays at once are each counted once.
//!
//! Opens are the hot path, and every round trip to the database is time
//! the share's row stays locked, so an open is two round trips: `BEGIN`
//! and the locking read sent together, then the counters, the sealed log
//! events and `COMMIT` sent together (pipelined on the connection, in that
//! order), with the statements prepared once per connection.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{Mutex, MutexGuard};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, Statement};

use super::{
    decide_open, decide_put, AddReply, Counters, Open, Put, Share, Store, StoreError, StoreResult,
};
use crate::events::Sealer;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS shares (
    id TEXT PRIMARY KEY,
    owner BYTEA NOT NULL,
    seq BIGINT NOT NULL,
    capsule BYTEA NOT NULL,
    access BYTEA NOT NULL,
    expires_at BIGINT NOT NULL,
    read_limit BIGINT,
    reads BIGINT NOT NULL DEFAULT 0,
    wrong BIGINT NOT NULL DEFAULT 0,
    revoked BOOLEAN NOT NULL,
    log_key TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS replies (
    share TEXT NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
    id TEXT NOT NULL,
    n BIGSERIAL,
    body BYTEA NOT NULL,
    PRIMARY KEY (share, id)
);
CREATE TABLE IF NOT EXISTS log (
    n BIGSERIAL PRIMARY KEY,
    share TEXT NOT NULL REFERENCES shares(id) ON DELETE CASCADE,
    body BYTEA NOT NULL
);
CREATE INDEX IF NOT EXISTS log_share ON log(share);
CREATE INDEX IF NOT EXISTS shares_expiry ON shares(expires_at);
";

/// Connections kept open to the database.
const POOL: usize = 8;

/// One connection and its prepared statements for opens.
struct Conn {
    client: Client,
    /// The share and its counters, locking the row.
    select: Statement,
    /// Writes the counters back.
    count: Statement,
    /// Appends sealed log events (an array of them).
    log: Statement,
}

impl std::ops::Deref for Conn {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut Client {
        &mut self.client
    }
}

/// The PostgreSQL store.
#[derive(Clone)]
pub struct PgStore {
    clients: Arc<Vec<Mutex<Conn>>>,
    next: Arc<AtomicUsize>,
}

impl PgStore {
    /// Connects (`postgres://...`) and creates the tables if missing. Two
    /// relays starting at once on an empty database are serialised by an
    /// advisory lock.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let mut clients = Vec::with_capacity(POOL);
        for _ in 0..POOL {
            let (client, connection) = tokio_postgres::connect(url, NoTls).await?;
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    eprintln!("haven-relay: postgres connection ended: {e}");
                }
            });
            clients.push(client);
        }
        if let Some(first) = clients.first_mut() {
            let tx = first.transaction().await?;
            tx.execute("SELECT pg_advisory_xact_lock(724242)", &[])
                .await?;
            tx.batch_execute(SCHEMA).await?;
            tx.commit().await?;
        }
        let mut conns = Vec::with_capacity(POOL);
        for client in clients {
            conns.push(Mutex::new(Conn {
                select: client
                    .prepare(
                        "SELECT owner, seq, capsule, access, expires_at, read_limit, reads, wrong, revoked, log_key
                         FROM shares WHERE id = $1 FOR UPDATE",
                    )
                    .await?,
                count: client
                    .prepare("UPDATE shares SET reads = $2, wrong = $3 WHERE id = $1")
                    .await?,
                log: client
                    .prepare("INSERT INTO log (share, body) SELECT $1, unnest($2::bytea[])")
                    .await?,
                client,
            }));
        }
        Ok(Self {
            clients: Arc::new(conns),
            next: Arc::new(AtomicUsize::new(0)),
        })
    }

    /// A free connection if there is one (trying each from a rotating
    /// start), else the next one's turn.
    async fn client(&self) -> MutexGuard<'_, Conn> {
        let n = self.clients.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            if let Ok(c) = self.clients[(start + i) % n].try_lock() {
                return c;
            }
        }
        self.clients[start % n].lock().await
    }

    /// One open, from `BEGIN` to `COMMIT` (see the top of this file). On
    /// an error the caller rolls back.
    async fn open_in(
        c: &Conn,
        id: &str,
        token_hash: &[u8],
        now: i64,
        max_wrong: i64,
        sealer: &mut Sealer,
    ) -> StoreResult<Open> {
        let key: [&(dyn ToSql + Sync); 1] = [&id];
        let (begun, row) = tokio::join!(
            biased;
            c.client.batch_execute("BEGIN"),
            c.client.query_opt(&c.select, &key),
        );
        begun?;
        let Some(r) = row? else {
            c.client.batch_execute("COMMIT").await?;
            return Ok(Open::NotFound);
        };
        let share = Share {
            owner: r.get(0),
            seq: r.get(1),
            capsule: r.get(2),
            access: r.get(3),
            expires_at: r.get(4),
            read_limit: r.get(5),
            revoked: r.get(8),
            log_key: r.get(9),
        };
        let counters = Counters {
            reads: r.get(6),
            wrong: r.get(7),
        };
        let (outcome, update) = decide_open(&share, counters, token_hash, now, max_wrong);
        let events = sealer.sealed_for(&outcome);
        // A wrong PIN, or a read of a share with a read limit, commits
        // durably (what the lockout and the limit count must survive a
        // database crash). Anything else (a read without a limit, the log
        // event of a refused open) may be lost to a crash of the database
        // server in the instant before its WAL writer flushes (at most
        // about 3 x wal_writer_delay), as SQLite's NORMAL may lose it to a
        // power cut; it never waits for an fsync.
        let gates_access = update.is_some_and(|n| {
            n.wrong != counters.wrong || (share.read_limit.is_some() && n.reads != counters.reads)
        });
        let commit = if gates_access {
            "COMMIT"
        } else {
            "SET LOCAL synchronous_commit = off; COMMIT"
        };
        let counted = async {
            match update {
                Some(n) => c.client.execute(&c.count, &[&id, &n.reads, &n.wrong]).await,
                None => Ok(0),
            }
        };
        let logged = async {
            if events.is_empty() {
                Ok(0)
            } else {
                c.client.execute(&c.log, &[&id, &events]).await
            }
        };
        // Sent in this order (biased: each is polled, and so sent, in
        // turn); a failed statement aborts the transaction, so the COMMIT
        // after it commits nothing.
        let (counted, logged, committed) =
            tokio::join!(biased; counted, logged, c.client.batch_execute(commit));
        counted?;
        logged?;
        committed?;
        Ok(outcome)
    }
}

impl Store for PgStore {
    async fn put(&self, id: &str, share: Share) -> StoreResult<Put> {
        let mut c = self.client().await;
        let tx = c.transaction().await?;
        // Serialises two first uploads of one id on two relays.
        tx.execute("SELECT pg_advisory_xact_lock(hashtext($1))", &[&id])
            .await?;
        let stored = tx
            .query_opt(
                "SELECT owner, seq FROM shares WHERE id = $1 FOR UPDATE",
                &[&id],
            )
            .await?;
        let outcome = match &stored {
            Some(r) => decide_put(&r.get::<_, Vec<u8>>(0), r.get(1), &share),
            None => Put::Stored,
        };
        if outcome == Put::Stored {
            if stored.is_some() {
                tx.execute(
                    "UPDATE shares SET seq = $2, capsule = $3, access = $4, expires_at = $5,
                     read_limit = $6, revoked = $7, log_key = $8 WHERE id = $1",
                    &[
                        &id,
                        &share.seq,
                        &share.capsule,
                        &share.access,
                        &share.expires_at,
                        &share.read_limit,
                        &share.revoked,
                        &share.log_key,
                    ],
                )
                .await?;
            } else {
                tx.execute(
                    "INSERT INTO shares (id, owner, seq, capsule, access, expires_at, read_limit, revoked, log_key)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    &[&id, &share.owner, &share.seq, &share.capsule, &share.access,
                        &share.expires_at, &share.read_limit, &share.revoked, &share.log_key],
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(outcome)
    }

    async fn open(
        &self,
        id: &str,
        token_hash: &[u8],
        now: i64,
        max_wrong: i64,
        mut sealer: Sealer,
    ) -> StoreResult<Open> {
        // On a task of its own: if the caller goes away (the reader hung
        // up), the transaction still ends, with a COMMIT or a ROLLBACK,
        // rather than stay open on a pooled connection holding the row.
        let (this, id, token) = (self.clone(), id.to_string(), token_hash.to_vec());
        tokio::spawn(async move {
            let c = this.client().await;
            let out = Self::open_in(&c, &id, &token, now, max_wrong, &mut sealer).await;
            if out.is_err() {
                // Ends the transaction if it is still open (a no-op otherwise).
                let _ = c.client.batch_execute("ROLLBACK").await;
            }
            out
        })
        .await
        .map_err(|e| StoreError(format!("postgres task: {e}")))?
    }

    async fn is_owner(&self, id: &str, owner_hash: &[u8]) -> StoreResult<Option<bool>> {
        let c = self.client().await;
        let r = c
            .query_opt("SELECT owner FROM shares WHERE id = $1", &[&id])
            .await?;
        Ok(r.map(|r| r.get::<_, Vec<u8>>(0) == owner_hash))
    }

    async fn add_reply(
        &self,
        id: &str,
        reply_id: &str,
        body: Vec<u8>,
        max: i64,
    ) -> StoreResult<AddReply> {
        let mut c = self.client().await;
        let tx = c.transaction().await?;
        if tx
            .query_opt("SELECT 1 FROM shares WHERE id = $1 FOR UPDATE", &[&id])
            .await?
            .is_none()
        {
            return Ok(AddReply::NotFound);
        }
        let count: i64 = tx
            .query_one("SELECT COUNT(*) FROM replies WHERE share = $1", &[&id])
            .await?
            .get(0);
        if count >= max {
            return Ok(AddReply::Full);
        }
        tx.execute(
            "INSERT INTO replies (share, id, body) VALUES ($1, $2, $3)",
            &[&id, &reply_id, &body],
        )
        .await?;
        tx.commit().await?;
        Ok(AddReply::Added)
    }

    async fn replies(&self, id: &str) -> StoreResult<Vec<(String, Vec<u8>)>> {
        let c = self.client().await;
        let rows = c
            .query(
                "SELECT id, body FROM replies WHERE share = $1 ORDER BY n",
                &[&id],
            )
            .await?;
        Ok(rows.into_iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    async fn delete_reply(&self, id: &str, reply_id: &str) -> StoreResult<()> {
        let c = self.client().await;
        c.execute(
            "DELETE FROM replies WHERE share = $1 AND id = $2",
            &[&id, &reply_id],
        )
        .await?;
        Ok(())
    }

    async fn log(&self, id: &str) -> StoreResult<Vec<Vec<u8>>> {
        let c = self.client().await;
        let rows = c
            .query("SELECT body FROM log WHERE share = $1 ORDER BY n", &[&id])
            .await?;
        Ok(rows.into_iter().map(|r| r.get(0)).collect())
    }

    async fn sweep(&self, now: i64) -> StoreResult<u64> {
        let c = self.client().await;
        Ok(
            c.execute("DELETE FROM shares WHERE expires_at <= $1", &[&now])
                .await?,
        )
    }
}
