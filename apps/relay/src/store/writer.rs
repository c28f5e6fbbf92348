//! The SQLite store's one writer: a thread that owns the connection and
//! runs every call, in arrival order, taking all the calls waiting at once
//! into one transaction (group commit).
//!
//! Why: SQLite allows one writer at a time, and every open writes (its
//! counter and its log event), so opens are serial whatever we do. Before
//! this, each call took a mutex from tokio's blocking pool and committed
//! alone: under load dozens of blocked threads woke in turn, and every open
//! paid a whole commit (WAL frames for the same pages, over and over).
//! Here one thread runs calls back to back, and a commit covers a batch.
//!
//! Exactness is unchanged: calls still run one at a time, each sees what
//! the calls before it wrote, and each runs inside its own savepoint, so a
//! call that fails is undone alone. No call is answered before the commit
//! that holds it: an answer (a capsule, a stored upload) is only given for
//! what is committed, and if the commit fails every call in it gets the
//! error and nothing of it stays.
//!
//! Durability: a batch with an upload in it commits with
//! `synchronous=FULL` (an fsync of the WAL, which also makes everything
//! committed before it durable); other batches with `NORMAL` (see
//! `sqlite.rs`).

use std::sync::mpsc;

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::{StoreError, StoreResult};

/// Calls taken into one transaction at most (bounds how long a commit
/// keeps the first caller waiting).
const MAX_BATCH: usize = 128;

/// One call waiting to be run.
trait Call: Send {
    /// Runs it on `conn`; whether it succeeded (if not, its savepoint is
    /// rolled back).
    fn run(&mut self, conn: &Connection) -> bool;
    /// Answers the caller once its transaction committed (or did not).
    fn finish(self: Box<Self>, committed: Result<(), &str>);
}

struct Pending<T, F> {
    work: Option<F>,
    out: Option<StoreResult<T>>,
    reply: oneshot::Sender<StoreResult<T>>,
}

impl<T, F> Call for Pending<T, F>
where
    T: Send,
    F: FnOnce(&Connection) -> StoreResult<T> + Send,
{
    fn run(&mut self, conn: &Connection) -> bool {
        let Some(work) = self.work.take() else {
            return false;
        };
        let out = work(conn);
        let ok = out.is_ok();
        self.out = Some(out);
        ok
    }

    fn finish(self: Box<Self>, committed: Result<(), &str>) {
        let answer = match (committed, self.out) {
            (Ok(()), Some(out)) => out,
            (Ok(()), None) => Err(StoreError("sqlite: the call did not run".into())),
            (Err(e), _) => Err(StoreError(e.to_string())),
        };
        let _ = self.reply.send(answer);
    }
}

struct Job {
    durable: bool,
    call: Box<dyn Call>,
}

/// A handle on the writer thread; the thread ends (closing the database)
/// when the last handle is dropped.
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the thread, handing it the connection.
    pub fn start(conn: Connection) -> StoreResult<Self> {
        let (jobs, waiting) = mpsc::channel();
        std::thread::Builder::new()
            .name("haven-relay-sqlite".into())
            .spawn(move || serve(&conn, &waiting))
            .map_err(|e| StoreError(format!("sqlite writer: {e}")))?;
        Ok(Self { jobs })
    }

    /// Runs `work` in the writer's next transaction and answers once that
    /// committed. `durable`: the commit is fsynced before the answer.
    /// `work` must not begin or end transactions itself.
    pub async fn run<T, F>(&self, durable: bool, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let call = Box::new(Pending {
            work: Some(work),
            out: None,
            reply,
        });
        self.jobs
            .send(Job { durable, call })
            .map_err(|_| StoreError("sqlite: the writer stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError("sqlite: the writer stopped".into()))?
    }
}

fn serve(conn: &Connection, waiting: &mpsc::Receiver<Job>) {
    while let Ok(first) = waiting.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match waiting.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        run_batch(conn, batch);
    }
}

fn run_batch(conn: &Connection, batch: Vec<Job>) {
    let durable = batch.iter().any(|j| j.durable);
    let mut calls: Vec<Box<dyn Call>> = batch.into_iter().map(|j| j.call).collect();
    let done = (|| -> rusqlite::Result<()> {
        if durable {
            conn.pragma_update(None, "synchronous", "FULL")?;
        }
        conn.execute_batch("BEGIN IMMEDIATE")?;
        for call in &mut calls {
            conn.execute_batch("SAVEPOINT call")?;
            if call.run(conn) {
                conn.execute_batch("RELEASE call")?;
            } else {
                conn.execute_batch("ROLLBACK TO call; RELEASE call")?;
            }
        }
        conn.execute_batch("COMMIT")
    })();
    if done.is_err() && !conn.is_autocommit() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    if durable {
        // If this fails the connection stays at FULL: slower, never less safe.
        let _ = conn.pragma_update(None, "synchronous", "NORMAL");
    }
    let committed = done.map_err(|e| format!("sqlite: {e}"));
    for call in calls {
        call.finish(committed.as_ref().map(|_| ()).map_err(String::as_str));
    }
}
