//! PostgreSQL backend, for when one machine is not enough: relays keep no
//! state of their own, so several can serve one database behind a load
//! balancer. Each call is one transaction on one of a few connections;
//! opens lock the share's row (`SELECT ... FOR UPDATE`), so reads and wrong
//! PINs counted by two relays at once are each counted once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Mutex;
use tokio_postgres::{Client, NoTls};

use super::{decide_open, decide_put, AddReply, Counters, Open, Put, Share, Store, StoreResult};

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

/// The PostgreSQL store.
#[derive(Clone)]
pub struct PgStore {
    clients: Arc<Vec<Mutex<Client>>>,
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
            clients.push(Mutex::new(client));
        }
        {
            let mut c = clients[0].lock().await;
            let tx = c.transaction().await?;
            tx.execute("SELECT pg_advisory_xact_lock(724242)", &[])
                .await?;
            tx.batch_execute(SCHEMA).await?;
            tx.commit().await?;
        }
        Ok(Self {
            clients: Arc::new(clients),
            next: Arc::new(AtomicUsize::new(0)),
        })
    }

    async fn client(&self) -> tokio::sync::MutexGuard<'_, Client> {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.clients.len();
        self.clients[i].lock().await
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
    ) -> StoreResult<Open> {
        let mut c = self.client().await;
        let tx = c.transaction().await?;
        let Some(r) = tx
            .query_opt(
                "SELECT owner, seq, capsule, access, expires_at, read_limit, reads, wrong, revoked, log_key
                 FROM shares WHERE id = $1 FOR UPDATE",
                &[&id],
            )
            .await?
        else {
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
        if let Some(n) = update {
            tx.execute(
                "UPDATE shares SET reads = $2, wrong = $3 WHERE id = $1",
                &[&id, &n.reads, &n.wrong],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(outcome)
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

    async fn append_log(&self, id: &str, event: Vec<u8>) -> StoreResult<()> {
        let c = self.client().await;
        c.execute(
            "INSERT INTO log (share, body) SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM shares WHERE id = $1)",
            &[&id, &event],
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
