//! Where rows of each kind live in `records`, so that the file shows
//! neither kind names nor the order of writes across kinds (issue 9,
//! schema version 4, ADR 0010).
//!
//! - A row's kind is stored only as a **keyed tag**: the first 8 bytes of
//!   `HMAC(K_kinds, kind)`, `K_kinds` a subkey of the vault key. The file
//!   shows which rows share a kind, not which kind it is.
//! - A row's rowid (`pos`) is its place in its kind's **window**: a range of
//!   2^40 rowids whose start is also keyed (`HMAC(K_kinds, kind)`, bytes 8
//!   to 11, picks one of 2^23 windows). Inside its window a kind's rows
//!   follow each other in the order they were written, a random gap
//!   (1..=4096) apart, starting at a random offset. Reading one kind is a
//!   rowid range scan (no index, no sort); rows of different kinds sit in
//!   unrelated windows, so comparing rowids across kinds says nothing, and
//!   the gaps hide how many rows a kind ever had. There is no
//!   `AUTOINCREMENT` and no `sqlite_sequence` row.
//! - Two kinds whose windows happen to coincide (about 1 vault in 100,000)
//!   share the window: their rows are told apart by tag and positions are
//!   taken after the window's last row, so nothing breaks; only their
//!   relative order shows.
//!
//! The connection of an unlocked vault holds each known kind's tag and
//! window in an in-memory temporary table (`temp.haven_kinds`, filled on
//! unlock, emptied on lock), so readers that only have the connection find
//! a kind's rows without the key. A kind missing from [`KINDS`] cannot be
//! written or read (a typed `Internal` error), so a new kind must be listed
//! here; a test checks that every `*_KIND` constant in the crate is.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};

use crate::crypto;
use crate::documents::{
    DEPARTURE_KIND, DOCUMENT_KIND, LINK_KIND, PLAN_VERSION_KIND, REVIEW_KIND, SIGN_OFF_KIND,
    STATEMENT_VERSION_KIND,
};
use crate::error::{HavenError, Internal};
use crate::integrity::Keys;
use crate::journal::KIND as JOURNAL_KIND;
use crate::share::follow::{CARER_KEYS_KIND, FOLLOW_KIND};
use crate::share::{IDENTITY_KIND, REPLY_KIND, SHARE_KIND};

/// Every record kind this build writes. Rows are found by kind through
/// this list (verify, rekey, migration map tags back to kinds).
pub(crate) const KINDS: &[&str] = &[
    JOURNAL_KIND,
    DOCUMENT_KIND,
    PLAN_VERSION_KIND,
    STATEMENT_VERSION_KIND,
    SIGN_OFF_KIND,
    REVIEW_KIND,
    DEPARTURE_KIND,
    LINK_KIND,
    IDENTITY_KIND,
    SHARE_KIND,
    REPLY_KIND,
    FOLLOW_KIND,
    CARER_KEYS_KIND,
];

fn unknown_kind() -> HavenError {
    HavenError::Internal {
        reason: "a record kind missing from records/layout.rs".into(),
    }
}

/// Bits of rowid in one window.
const WINDOW_BITS: u32 = 40;
/// Largest gap between two neighbouring rows of a kind.
const MAX_GAP: i64 = 4096;
/// A kind's first row sits this far into its window, at most.
const MAX_START: i64 = 1 << 32;

/// One kind's keyed tag and window `[lo, hi)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    pub tag: [u8; 8],
    pub lo: i64,
    pub hi: i64,
}

impl Layout {
    /// The layout of `kind` under `keys`.
    pub(crate) fn of(keys: &Keys, kind: &str) -> Self {
        let h = keys.kind_mac(kind);
        let mut tag = [0u8; 8];
        tag.copy_from_slice(&h[..8]);
        let window = u32::from_le_bytes([h[8], h[9], h[10], h[11]]) & ((1 << 23) - 1);
        let lo = i64::from(window) << WINDOW_BITS;
        Self {
            tag,
            lo,
            hi: lo + ((1i64 << WINDOW_BITS) - 1),
        }
    }

    /// The position for a new row after `last` (the window's last row, if
    /// any): a random gap later, or a random start.
    pub(crate) fn next(&self, last: Option<i64>) -> Result<i64, HavenError> {
        let mut b = [0u8; 8];
        crypto::keys::fill(&mut b)?;
        let r = i64::from_le_bytes(b) & i64::MAX;
        let pos = match last {
            Some(last) => last.saturating_add(1 + r % MAX_GAP),
            None => self.lo + 1 + r % MAX_START,
        };
        if pos >= self.hi {
            return Err(HavenError::Internal {
                reason: "a record kind's window is full".into(),
            });
        }
        Ok(pos)
    }
}

/// Fills the connection's `temp.haven_kinds` with every known kind's layout
/// under `keys` (on unlock and after a rekey).
pub(crate) fn install(conn: &Connection, keys: &Keys) -> Result<(), Internal> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS haven_kinds (
            kind TEXT PRIMARY KEY NOT NULL,
            tag BLOB NOT NULL,
            lo INTEGER NOT NULL,
            hi INTEGER NOT NULL
        );
        DELETE FROM temp.haven_kinds;",
    )?;
    let mut stmt = conn.prepare_cached(
        "INSERT INTO temp.haven_kinds (kind, tag, lo, hi) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for kind in KINDS {
        let l = Layout::of(keys, kind);
        stmt.execute(params![kind, l.tag, l.lo, l.hi])?;
    }
    Ok(())
}

/// Forgets the layouts (on lock).
pub(crate) fn forget(conn: &Connection) {
    let _ = conn.execute_batch("DELETE FROM temp.haven_kinds");
}

/// The layout of `kind` on this (unlocked) connection.
pub(crate) fn lookup(conn: &Connection, kind: &str) -> Result<Layout, HavenError> {
    let found = conn
        .prepare_cached("SELECT tag, lo, hi FROM temp.haven_kinds WHERE kind = ?1")
        .and_then(|mut s| {
            s.query_row(params![kind], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
        });
    match found {
        Ok(Some((tag, lo, hi))) => Ok(Layout {
            tag: tag.try_into().map_err(|_| unknown_kind())?,
            lo,
            hi,
        }),
        // No such table: the connection was never unlocked.
        Ok(None) | Err(_) => Err(unknown_kind()),
    }
}

/// The last position in `layout`'s window, if any row is there.
pub(crate) fn last_pos(conn: &Connection, layout: &Layout) -> Result<Option<i64>, Internal> {
    Ok(conn
        .prepare_cached("SELECT max(pos) FROM records WHERE pos >= ?1 AND pos < ?2")?
        .query_row(params![layout.lo, layout.hi], |r| r.get(0))?)
}

/// Tag to kind, for every known kind under `keys`.
pub(crate) fn kinds_by_tag(keys: &Keys) -> HashMap<[u8; 8], &'static str> {
    KINDS
        .iter()
        .map(|k| (Layout::of(keys, k).tag, *k))
        .collect()
}

/// Assigns positions while a table is rebuilt: rows arrive in their old
/// order, each kind's in the order it was written, and get increasing
/// positions in their new window.
#[derive(Default)]
pub(crate) struct Placer {
    last: HashMap<i64, i64>,
}

impl Placer {
    /// The next position for a row of `layout`.
    pub(crate) fn place(&mut self, layout: &Layout) -> Result<i64, HavenError> {
        let pos = layout.next(self.last.get(&layout.lo).copied())?;
        self.last.insert(layout.lo, pos);
        Ok(pos)
    }
}

/// Which table a rebuild reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Source {
    /// Schema version 3: kind names and `AUTOINCREMENT` `seq`.
    V3,
    /// Schema version 4, under the given (old) keys' tags.
    V4,
}

/// What a rebuild stores for a row it read: its revision and body, the
/// same (a migration) or resealed (a rekey).
pub(crate) type Reseal<'a> =
    dyn FnMut(&str, super::SealedRow) -> Result<(i64, Vec<u8>), HavenError> + 'a;

/// One row read by a rebuild: old position, kind (`None`: a tag or name
/// this build does not know), id, revision, body.
type OldRow = (i64, Option<&'static str>, String, i64, Vec<u8>);

/// Rows read per batch while rebuilding.
const BATCH: i64 = 256;

/// Rebuilds `records` in the caller's transaction as a schema-version-4
/// table under `target`'s tags and windows, keeping each kind's order:
/// every row read from the old table (`source`; `old` maps version-4 tags
/// back to kinds), passed through `reseal` (which returns the revision and
/// body to store: the same for a migration, resealed for a rekey), placed,
/// and written to a new table that then replaces the old one (its index,
/// its `sqlite_sequence` row and, with `secure_delete`, its pages go).
/// `batch_done` is called after each batch with the rows done so far (a
/// rekey reports progress and may cancel there). Returns the new set
/// digest and row count.
pub(crate) fn rebuild(
    tx: &Connection,
    source: Source,
    old: &Keys,
    target: &Keys,
    reseal: &mut Reseal<'_>,
    batch_done: &mut dyn FnMut(u64) -> Result<(), HavenError>,
) -> Result<([u8; 32], u64), HavenError> {
    tx.execute_batch("DROP TABLE IF EXISTS records_next")?;
    tx.execute_batch(
        "CREATE TABLE records_next (
            pos INTEGER PRIMARY KEY,
            id TEXT NOT NULL,
            tag BLOB NOT NULL,
            revision INTEGER NOT NULL,
            body BLOB NOT NULL
        ) STRICT;",
    )?;
    let by_tag = kinds_by_tag(old);
    let read_sql = match source {
        Source::V3 => {
            "SELECT seq, kind, id, revision, body FROM records
             WHERE seq > ?1 ORDER BY seq LIMIT ?2"
        }
        Source::V4 => {
            "SELECT pos, tag, id, revision, body FROM records
             WHERE pos > ?1 ORDER BY pos LIMIT ?2"
        }
    };
    let mut placer = Placer::default();
    let mut digest = [0u8; 32];
    let mut rows = 0u64;
    let mut last = i64::MIN;
    loop {
        let batch: Vec<OldRow> = tx
            .prepare_cached(read_sql)?
            .query_map(params![last, BATCH], |r| {
                let kind = match source {
                    Source::V3 => {
                        let name = r.get_ref(1)?.as_str()?;
                        KINDS.iter().find(|k| **k == name).copied()
                    }
                    Source::V4 => {
                        let tag = r.get_ref(1)?.as_blob()?;
                        <[u8; 8]>::try_from(tag)
                            .ok()
                            .and_then(|t| by_tag.get(&t).copied())
                    }
                };
                Ok((r.get(0)?, kind, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<_, _>>()?;
        let Some(end) = batch.last().map(|b| b.0) else {
            break;
        };
        for (_, kind, id, revision, body) in batch {
            let Some(kind) = kind else {
                return Err(HavenError::Integrity {
                    what: format!("record {id} (of no kind this build knows)"),
                });
            };
            let layout = Layout::of(target, kind);
            let pos = placer.place(&layout)?;
            let (revision, body) = reseal(
                kind,
                super::SealedRow {
                    id: id.clone(),
                    revision,
                    body,
                },
            )?;
            tx.prepare_cached(
                "INSERT INTO records_next (pos, id, tag, revision, body)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![pos, id, layout.tag, revision, body])?;
            let value = target.row(&id, &layout.tag, pos, revision);
            for (a, b) in digest.iter_mut().zip(value) {
                *a ^= b;
            }
            rows += 1;
        }
        last = end;
        batch_done(rows)?;
    }
    let has_sequence: i64 = tx.query_row(
        "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'",
        [],
        |r| r.get(0),
    )?;
    tx.execute_batch("DROP TABLE records")?;
    if has_sequence > 0 {
        tx.execute_batch("DELETE FROM sqlite_sequence")?;
    }
    tx.execute_batch(
        "ALTER TABLE records_next RENAME TO records;
         CREATE UNIQUE INDEX records_id ON records (id);",
    )?;
    Ok((digest, rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SecretKey;

    #[test]
    fn known_kinds_get_distinct_tags_and_windows_that_change_with_the_key() {
        let a = Keys::derive(&SecretKey::from_bytes([1; 32])).unwrap();
        let b = Keys::derive(&SecretKey::from_bytes([2; 32])).unwrap();
        let la: Vec<Layout> = KINDS.iter().map(|k| Layout::of(&a, k)).collect();
        let tags: std::collections::HashSet<_> = la.iter().map(|l| l.tag).collect();
        assert_eq!(tags.len(), KINDS.len());
        for (k, l) in KINDS.iter().zip(&la) {
            assert!(l.lo >= 0 && l.hi > l.lo && l.hi - l.lo == (1 << WINDOW_BITS) - 1);
            assert_ne!(&l.tag[..], &k.as_bytes()[..k.len().min(8)]);
            assert_ne!(*l, Layout::of(&b, k));
        }
        let first = la[0].next(None).unwrap();
        assert!(first > la[0].lo && first <= la[0].lo + MAX_START);
        let second = la[0].next(Some(first)).unwrap();
        assert!(second > first && second <= first + MAX_GAP);
        assert!(matches!(
            la[0].next(Some(la[0].hi - 1)),
            Err(HavenError::Internal { .. })
        ));
    }

    /// Every record kind constant in the crate is in [`KINDS`], so none is
    /// written under a layout verify and rekey cannot map back.
    #[test]
    fn every_kind_constant_is_listed() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut found = Vec::new();
        let mut stack = vec![src];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "rs") {
                    let text = std::fs::read_to_string(&p).unwrap();
                    for line in text.lines() {
                        let line = line.trim_start();
                        if line.starts_with("pub const ")
                            && line.contains("KIND: &str = \"")
                            && !p.ends_with("schema.rs")
                        {
                            let name = line.split('"').nth(1).unwrap().to_string();
                            found.push((p.display().to_string(), name));
                        }
                    }
                }
            }
        }
        assert!(found.len() >= KINDS.len(), "{found:?}");
        for (file, kind) in found {
            assert!(
                KINDS.contains(&kind.as_str()),
                "{kind} ({file}) is not in KINDS"
            );
        }
    }
}
