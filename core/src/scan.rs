//! Decrypting every row of a kind on worker threads while the calling
//! thread reads SQLite.
//!
//! Search and mood charts have to decrypt every journal entry (there is no
//! plaintext index, by design). Profiled at 100,000 entries, about half of that time
//! is SQLite and the kernel handing over the rows and half is AES-GCM,
//! decoding and matching; done one after the other, search stayed above 2x
//! plain SQLite's `LIKE` (docs/performance.md). The two halves overlap here:
//! the calling thread (which owns the connection) copies sealed rows into
//! batches, and workers open and test them. Phones have 4-8 cores; with one
//! core there are no workers and rows are handled inline.
//!
//! Only ciphertext crosses threads. Each worker decrypts into its own
//! [`RowOpener`] buffer, wiped when it is dropped. Results come back in row
//! order (newest first), and the first error stops the scan.

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use crate::error::HavenError;
use crate::records::{self, RowOpener, RowRef, Scope};

/// Most workers, whatever the core count: beyond this SQLite is the bottleneck.
const MAX_WORKERS: usize = 3;
/// Bytes of sealed rows per batch: large enough that channel traffic is
/// noise, small enough that workers start early and batches stay in cache.
const BATCH_BYTES: usize = 256 * 1024;

/// Sealed rows copied out of SQLite: ids and bodies packed in one buffer.
#[derive(Default)]
struct Batch {
    /// Position in the scan, to put results back in row order.
    index: usize,
    bytes: Vec<u8>,
    /// (id, revision, body) with id and body as ranges of `bytes`.
    rows: Vec<(Range<usize>, i64, Range<usize>)>,
}

impl Batch {
    fn push(&mut self, r: &RowRef<'_>) {
        let id = self.append(r.id.as_bytes());
        let body = self.append(r.body);
        self.rows.push((id, r.revision, body));
    }

    fn append(&mut self, b: &[u8]) -> Range<usize> {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(b);
        start..self.bytes.len()
    }

    fn clear(&mut self, index: usize) {
        self.index = index;
        self.bytes.clear();
        self.rows.clear();
    }

    /// Opens each row and applies `f`, in order.
    fn run<T>(
        &self,
        kind: &str,
        opener: &mut RowOpener<'_>,
        f: &impl Fn(&str, &[u8]) -> Result<Option<T>, HavenError>,
        out: &mut Vec<T>,
    ) -> Result<(), HavenError> {
        for (id, revision, body) in &self.rows {
            let id =
                std::str::from_utf8(&self.bytes[id.clone()]).map_err(|_| HavenError::Internal {
                    reason: "a record id is not UTF-8".into(),
                })?;
            let row = RowRef {
                id,
                revision: *revision,
                body: &self.bytes[body.clone()],
            };
            let plain = opener.open(kind, &row)?;
            if let Some(t) = f(id, plain)? {
                out.push(t);
            }
        }
        Ok(())
    }
}

/// Opens every row of `kind`, newest first, and keeps what `f` returns for
/// it (`f` gets the record id and the plaintext). Equivalent to a loop over
/// [`records::visit_all`], but the decrypting runs on worker threads.
pub fn filter_map_all<T: Send>(
    conn: &Connection,
    scope: &Scope<'_>,
    kind: &str,
    f: impl Fn(&str, &[u8]) -> Result<Option<T>, HavenError> + Sync,
) -> Result<Vec<T>, HavenError> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get() - 1)
        .unwrap_or(0)
        .min(MAX_WORKERS);
    filter_map_with(workers, conn, scope, kind, f)
}

/// [`filter_map_all`] with a given number of workers (0: inline).
fn filter_map_with<T: Send>(
    workers: usize,
    conn: &Connection,
    scope: &Scope<'_>,
    kind: &str,
    f: impl Fn(&str, &[u8]) -> Result<Option<T>, HavenError> + Sync,
) -> Result<Vec<T>, HavenError> {
    if workers == 0 {
        return inline(conn, scope, kind, &f);
    }
    // The index of the earliest batch that failed (none yet: MAX).
    let stop_at = AtomicUsize::new(usize::MAX);
    std::thread::scope(|s| {
        let (work_tx, work_rx) = mpsc::sync_channel::<Batch>(workers * 2);
        let (done_tx, done_rx) = mpsc::channel::<Done<T>>();
        let work_rx = Arc::new(Mutex::new(work_rx));
        let mut started = 0;
        for _ in 0..workers {
            let (work_rx, done_tx, f, stop_at) =
                (Arc::clone(&work_rx), done_tx.clone(), &f, &stop_at);
            // `spawn` would panic if the system refuses a thread (low
            // memory on a phone); the builder reports it instead.
            let spawned = std::thread::Builder::new()
                .name("haven-scan".into())
                .spawn_scoped(s, move || {
                    worker(scope, kind, &work_rx, &done_tx, f, stop_at)
                });
            started += usize::from(spawned.is_ok());
        }
        drop((work_rx, done_tx));
        if started == 0 {
            return inline(conn, scope, kind, &f);
        }
        let mut results = Results::default();
        let read = feed(conn, kind, work_tx, &done_rx, &stop_at, &mut results);
        results.finish(read, done_rx)
    })
}

/// One row after another on the calling thread.
fn inline<T>(
    conn: &Connection,
    scope: &Scope<'_>,
    kind: &str,
    f: &impl Fn(&str, &[u8]) -> Result<Option<T>, HavenError>,
) -> Result<Vec<T>, HavenError> {
    let mut opener = scope.opener();
    let mut out = Vec::new();
    records::visit_all(conn, kind, |r| {
        let plain = opener.open(kind, &r)?;
        if let Some(t) = f(r.id, plain)? {
            out.push(t);
        }
        Ok(())
    })?;
    Ok(out)
}

/// What a worker reports for a batch: the batch back (for reuse) with what
/// `f` kept, or the batch's index with the first error in it.
type Done<T> = Result<(Batch, Vec<T>), (usize, HavenError)>;

/// Results gathered from the workers, by batch index.
struct Results<T> {
    kept: Vec<(usize, Vec<T>)>,
    errors: Vec<(usize, HavenError)>,
    spare: Vec<Batch>,
}

impl<T> Default for Results<T> {
    fn default() -> Self {
        Self {
            kept: Vec::new(),
            errors: Vec::new(),
            spare: Vec::new(),
        }
    }
}

impl<T> Results<T> {
    fn take(&mut self, done: Done<T>) {
        match done {
            Ok((b, kept)) => {
                self.kept.push((b.index, kept));
                self.spare.push(b); // cleared by `feed` when reused
            }
            Err(e) => self.errors.push(e),
        }
    }

    /// Waits for the workers and puts the results back in row order. The
    /// error reported is the first bad row in row order, whatever the
    /// timing: workers skip only batches after the earliest failed one.
    fn finish(
        mut self,
        read: Result<(), HavenError>,
        done_rx: Receiver<Done<T>>,
    ) -> Result<Vec<T>, HavenError> {
        // Every worker drops its sender when it stops, which ends this loop.
        for done in done_rx {
            self.take(done);
        }
        if let Some((_, e)) = self.errors.into_iter().min_by_key(|(i, _)| *i) {
            return Err(e);
        }
        read?;
        self.kept.sort_by_key(|(index, _)| *index);
        Ok(self.kept.into_iter().flat_map(|(_, r)| r).collect())
    }
}

/// The calling thread: reads rows into batches and hands them out, reusing
/// batches the workers have finished with. Stops early once a worker has
/// failed (later rows cannot change the outcome).
fn feed<T>(
    conn: &Connection,
    kind: &str,
    work_tx: SyncSender<Batch>,
    done_rx: &Receiver<Done<T>>,
    stop_at: &AtomicUsize,
    results: &mut Results<T>,
) -> Result<(), HavenError> {
    let mut batch = Batch::default();
    let mut next = 0;
    let read = records::visit_all(conn, kind, |r| {
        batch.push(&r);
        if batch.bytes.len() < BATCH_BYTES {
            return Ok(());
        }
        while let Ok(done) = done_rx.try_recv() {
            results.take(done);
        }
        if stop_at.load(Ordering::Relaxed) != usize::MAX {
            return Err(stopped());
        }
        let mut fresh = results.spare.pop().unwrap_or_default();
        next += 1;
        fresh.clear(next);
        let full = std::mem::replace(&mut batch, fresh);
        // A send fails only when every worker has stopped, which they do
        // only after reporting an error; `finish` returns that error.
        work_tx.send(full).map_err(|_| stopped())
    });
    let read = read.and_then(|()| {
        if batch.rows.is_empty() {
            Ok(())
        } else {
            work_tx.send(batch).map_err(|_| stopped())
        }
    });
    drop(work_tx);
    read
}

fn worker<T>(
    scope: &Scope<'_>,
    kind: &str,
    work_rx: &Mutex<Receiver<Batch>>,
    done_tx: &mpsc::Sender<Done<T>>,
    f: &impl Fn(&str, &[u8]) -> Result<Option<T>, HavenError>,
    stop_at: &AtomicUsize,
) {
    let mut opener = scope.opener();
    loop {
        let batch = match work_rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(batch) = batch else { return };
        if batch.index > stop_at.load(Ordering::Relaxed) {
            continue; // after a failed batch: drain without decrypting
        }
        let mut kept = Vec::new();
        let done = match batch.run(kind, &mut opener, f, &mut kept) {
            Ok(()) => Ok((batch, kept)),
            Err(e) => {
                stop_at.fetch_min(batch.index, Ordering::Relaxed);
                Err((batch.index, e))
            }
        };
        if done_tx.send(done).is_err() {
            return;
        }
    }
}

fn stopped() -> HavenError {
    HavenError::Internal {
        reason: "the search workers stopped".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Draft, Vault};

    fn vault(entries: usize) -> (tempfile::TempDir, Vault, Vec<String>) {
        let (dir, v) = crate::test_vault();
        let ids = (0..entries)
            .map(|i| {
                let text = format!("entry {i} {}", "words ".repeat(300 + i % 200));
                v.add_entry(Draft {
                    text,
                    ..Draft::default()
                })
                .unwrap()
                .id
            })
            .collect();
        (dir, v, ids)
    }

    /// Ids of entries whose number is divisible by 7, as the scan returns them.
    fn sevens(v: &Vault, workers: usize) -> Result<Vec<String>, HavenError> {
        v.with_unlocked(|conn, scope| {
            filter_map_with(workers, conn, scope, "journal", |id, plain| {
                // Tell entry numbers apart without decoding: the text starts
                // "entry N " and payloads differ only after that.
                let text = String::from_utf8_lossy(plain);
                let n: usize = text
                    .split("entry ")
                    .nth(1)
                    .and_then(|t| t.split(' ').next())
                    .and_then(|n| n.parse().ok())
                    .unwrap();
                Ok(n.is_multiple_of(7).then(|| id.to_string()))
            })
        })
    }

    /// Enough entries for many batches: every worker count gives the same
    /// rows in the same (newest first) order as reading them one by one.
    #[test]
    fn results_come_back_in_row_order_for_any_worker_count() {
        let (_dir, v, ids) = vault(700);
        let expected: Vec<String> = ids
            .iter()
            .enumerate()
            .rev()
            .filter(|(i, _)| i % 7 == 0)
            .map(|(_, id)| id.clone())
            .collect();
        assert!(ids.len() * 1800 > 4 * BATCH_BYTES, "needs several batches");
        for workers in [0, 1, 2, 3] {
            assert_eq!(sevens(&v, workers).unwrap(), expected, "{workers} workers");
        }
    }

    /// A record that fails to open stops the scan with its own error, not a
    /// shortened list, wherever it is; with two bad records the one
    /// reported is the first in row order (newest first), however the
    /// workers happen to be scheduled.
    #[test]
    fn the_first_corrupt_row_in_row_order_is_reported_by_any_worker_count() {
        let (_dir, v, ids) = vault(400);
        let bump = |ids: &[&String], by: i64| {
            v.with_unlocked(|conn, _| {
                for id in ids {
                    // Same id, other revision: the AEAD no longer opens.
                    conn.execute(
                        "UPDATE records SET revision = revision + ?2 WHERE id = ?1",
                        rusqlite::params![id, by],
                    )?;
                }
                Ok(())
            })
            .unwrap()
        };
        let cases: [(&[usize], usize); 4] = [
            (&[0], 0),
            (&[200], 200),
            (&[399], 399),
            // Newest first: 350 is met before 50, in another batch.
            (&[50, 350], 350),
        ];
        for (bad, first) in cases {
            let bad_ids: Vec<&String> = bad.iter().map(|&i| &ids[i]).collect();
            bump(&bad_ids, 1);
            for workers in [0, 1, 3] {
                for _ in 0..5 {
                    match sevens(&v, workers) {
                        Err(HavenError::Corrupt { record_id }) => {
                            assert_eq!(
                                record_id.as_deref(),
                                Some(ids[first].as_str()),
                                "{bad:?}, {workers} workers"
                            )
                        }
                        other => panic!("{bad:?}, {workers} workers: {other:?}"),
                    }
                }
            }
            bump(&bad_ids, -1);
        }
        let expected = (0..400).filter(|i| i % 7 == 0).count();
        assert_eq!(sevens(&v, 1).unwrap().len(), expected);
    }
}
