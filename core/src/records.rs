//! The encrypted record store: every piece of the person's data is one row of
//! `records`, sealed under the vault key.
//!
//! The associated data binds vault id, record id, kind and revision, so a
//! ciphertext copied to another row, kind, revision or vault fails to open.
//! Plaintext is padded to size buckets before sealing (see `crypto::padding`).
//!
//! Bulk reads (listing, search) borrow each row from SQLite ([`RowRef`]) and
//! decrypt it into one reused [`RowOpener`] buffer, so reading thousands of
//! rows allocates and wipes one buffer, not one per row.
//!
//! Every write ([`Scope::insert`], [`Scope::update`], [`Scope::delete`])
//! also advances the vault state (`integrity.rs`) in the same transaction:
//! the caller's, or one of its own when called outside a transaction.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use rusqlite::{params, Connection, OptionalExtension};
use zeroize::{Zeroize, Zeroizing};

use crate::crypto::{self, envelope, padding, SecretKey};
use crate::error::{HavenError, Internal};
use crate::integrity::{self, Change, Keys};

#[cfg(any(test, feature = "fuzzing"))]
pub(crate) mod fuzz;
pub(crate) mod layout;

/// Who a record belongs to, for binding into its associated data.
pub struct Scope<'a> {
    /// The vault key.
    pub key: &'a SecretKey,
    /// The vault's random id.
    pub vault_id: &'a str,
    /// Subkeys for the vault state.
    pub(crate) integrity: &'a Keys,
    /// The epoch the last write in this scope reached (0: none wrote).
    pub(crate) epoch: AtomicU64,
    /// Whether a write in this scope replaced or deleted a row (then the
    /// WAL is checkpointed, so no old ciphertext stays in it).
    pub(crate) overwrote: AtomicBool,
}

impl<'a> Scope<'a> {
    /// A scope under `key` in which nothing has written yet.
    pub(crate) fn new(key: &'a SecretKey, vault_id: &'a str, integrity: &'a Keys) -> Self {
        Self {
            key,
            vault_id,
            integrity,
            epoch: AtomicU64::new(0),
            overwrote: AtomicBool::new(false),
        }
    }
}

/// Runs `f` in a transaction of its own when `conn` is not already in one
/// (then `f`'s writes and the state's commit together), else inside the
/// caller's.
pub(crate) fn atomically<T>(
    conn: &Connection,
    f: impl FnOnce() -> Result<T, HavenError>,
) -> Result<T, HavenError> {
    if !conn.is_autocommit() {
        return f();
    }
    conn.execute_batch("BEGIN IMMEDIATE")?;
    match f() {
        Ok(v) => {
            conn.execute_batch("COMMIT")?;
            Ok(v)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// One stored row, still sealed.
pub struct SealedRow {
    /// Record id.
    pub id: String,
    /// Revision bound into the AEAD.
    pub revision: i64,
    /// The envelope.
    pub body: Vec<u8>,
}

/// One stored row, still sealed, borrowed from SQLite for the length of a
/// visit (see [`visit_older`], [`visit_all`]).
pub struct RowRef<'r> {
    /// Record id.
    pub id: &'r str,
    /// Revision bound into the AEAD.
    pub revision: i64,
    /// The envelope.
    pub body: &'r [u8],
}

/// Opens the rows of one bulk read: one reusable decryption buffer and one
/// prepared key. Each row is copied in and decrypted in place, overwriting
/// the previous row's plaintext; the buffer is wiped when it grows and when
/// the opener is dropped.
pub struct RowOpener<'s> {
    keys: envelope::BulkOpener<'s>,
    vault_id: &'s str,
    buf: Zeroizing<Vec<u8>>,
    aad: Vec<u8>,
}

impl RowOpener<'_> {
    /// Opens a borrowed row of `kind`; the plaintext is valid until the
    /// opener's next use. Failures name the record.
    pub fn open(&mut self, kind: &str, row: &RowRef<'_>) -> Result<&[u8], HavenError> {
        write_aad(&mut self.aad, self.vault_id, row.id, kind, row.revision);
        let buf = &mut self.buf;
        if buf.capacity() < row.body.len() {
            // Growing would free the old allocation unwiped.
            buf.zeroize();
            buf.reserve_exact(row.body.len());
        }
        buf.clear();
        buf.extend_from_slice(row.body);
        let plain = self
            .keys
            .open_in_place(&self.aad, buf.as_mut_slice())
            .and_then(|p| padding::unpadded(p))
            .map_err(|e| e.for_record(row.id))?;
        Ok(plain)
    }
}

fn aad(vault_id: &str, id: &str, kind: &str, revision: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(64 + id.len() + kind.len());
    write_aad(&mut out, vault_id, id, kind, revision);
    out
}

fn write_aad(out: &mut Vec<u8>, vault_id: &str, id: &str, kind: &str, revision: i64) {
    // Length-prefixed fields so no two tuples encode the same bytes.
    out.clear();
    out.extend_from_slice(b"haven-record-v1");
    for field in [vault_id.as_bytes(), id.as_bytes(), kind.as_bytes()] {
        out.extend_from_slice(&(field.len() as u32).to_le_bytes());
        out.extend_from_slice(field);
    }
    out.extend_from_slice(&revision.to_le_bytes());
}

impl Scope<'_> {
    pub(crate) fn seal(
        &self,
        id: &str,
        kind: &str,
        revision: i64,
        plain: &[u8],
    ) -> Result<Vec<u8>, Internal> {
        envelope::seal_padded(self.key, &aad(self.vault_id, id, kind, revision), plain)
    }

    /// An opener for a bulk read of this vault's rows.
    pub fn opener(&self) -> RowOpener<'_> {
        RowOpener {
            keys: envelope::BulkOpener::new(self.key),
            vault_id: self.vault_id,
            buf: Zeroizing::default(),
            aad: Vec::new(),
        }
    }

    /// Opens one sealed row of `kind`; failures name the record. (Bulk
    /// reads use [`Scope::opener`] instead.)
    pub fn open(&self, kind: &str, row: &SealedRow) -> Result<Zeroizing<Vec<u8>>, HavenError> {
        let aad = aad(self.vault_id, &row.id, kind, row.revision);
        let mut plain = Zeroizing::new(
            crypto::open_owned(self.key, &aad, row.body.clone())
                .map_err(|e| e.for_record(&row.id))?,
        );
        padding::unpad(&mut plain).map_err(|e| e.for_record(&row.id))?;
        Ok(plain)
    }

    /// Advances the vault state by one write (see `integrity.rs`).
    fn advance(&self, conn: &Connection, change: Change) -> Result<(), HavenError> {
        let epoch = integrity::apply(conn, self.vault_id, self.integrity, change)?;
        self.epoch.store(epoch, Ordering::Relaxed);
        Ok(())
    }

    /// Records that the key-slot table changed (in the caller's transaction).
    pub(crate) fn slots_changed(&self, conn: &Connection) -> Result<(), HavenError> {
        let epoch = integrity::slots_changed(conn, self.vault_id, self.integrity)?;
        self.epoch.store(epoch, Ordering::Relaxed);
        Ok(())
    }

    /// Inserts a new record under a fresh revision ([`fresh_revision`]),
    /// after the last row of its kind (`records/layout.rs`).
    pub fn insert(
        &self,
        conn: &Connection,
        kind: &str,
        id: &str,
        plain: &[u8],
    ) -> Result<(), HavenError> {
        let revision = fresh_revision(None)?;
        let body = self.seal(id, kind, revision, plain)?;
        let layout = layout::lookup(conn, kind)?;
        atomically(conn, || {
            let pos = layout.next(layout::last_pos(conn, &layout)?)?;
            conn.prepare_cached(
                "INSERT INTO records (pos, id, tag, revision, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![pos, id, layout.tag, revision, body])?;
            self.advance(
                conn,
                Change {
                    before: None,
                    after: Some(self.integrity.row(id, &layout.tag, pos, revision)),
                },
            )
        })
    }

    /// Replaces a record's payload under a fresh revision. `NotFound` if absent.
    pub fn update(
        &self,
        conn: &Connection,
        kind: &str,
        id: &str,
        plain: &[u8],
    ) -> Result<(), HavenError> {
        let layout = layout::lookup(conn, kind)?;
        atomically(conn, || {
            let found: Option<(i64, i64)> = conn
                .prepare_cached("SELECT pos, revision FROM records WHERE id = ?1 AND tag = ?2")?
                .query_row(params![id, layout.tag], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let (pos, current) = found.ok_or_else(|| HavenError::not_found(kind, id))?;
            let next = fresh_revision(Some(current))?;
            let body = self.seal(id, kind, next, plain)?;
            conn.prepare_cached("UPDATE records SET revision = ?1, body = ?2 WHERE pos = ?3")?
                .execute(params![next, body, pos])?;
            self.overwrote.store(true, Ordering::Relaxed);
            self.advance(
                conn,
                Change {
                    before: Some(self.integrity.row(id, &layout.tag, pos, current)),
                    after: Some(self.integrity.row(id, &layout.tag, pos, next)),
                },
            )
        })
    }

    /// Deletes a record. Returns whether it existed.
    pub fn delete(&self, conn: &Connection, kind: &str, id: &str) -> Result<bool, HavenError> {
        let layout = layout::lookup(conn, kind)?;
        atomically(conn, || {
            let found: Option<(i64, i64)> = conn
                .prepare_cached(
                    "DELETE FROM records WHERE id = ?1 AND tag = ?2 RETURNING pos, revision",
                )?
                .query_row(params![id, layout.tag], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            let Some((pos, revision)) = found else {
                return Ok(false);
            };
            self.overwrote.store(true, Ordering::Relaxed);
            self.advance(
                conn,
                Change {
                    before: Some(self.integrity.row(id, &layout.tag, pos, revision)),
                    after: None,
                },
            )?;
            Ok(true)
        })
    }
}

/// A revision for a row being written: random (positive, never `previous`),
/// so the file shows neither how often a record was edited nor whether it
/// ever was (issue 9; older files counted 1, 2, ... and keep those numbers
/// until the row is next written or the vault rekeyed). The AEAD binds it,
/// and the vault state (`integrity.rs`) refuses a row put back at any
/// revision but the current one.
pub(crate) fn fresh_revision(previous: Option<i64>) -> Result<i64, Internal> {
    loop {
        let mut b = [0u8; 8];
        crypto::keys::fill(&mut b)?;
        let r = i64::from_le_bytes(b) & i64::MAX;
        if r != 0 && Some(r) != previous {
            return Ok(r);
        }
    }
}

/// Fetches one sealed row of `kind`.
pub fn fetch(conn: &Connection, kind: &str, id: &str) -> Result<Option<SealedRow>, HavenError> {
    let layout = layout::lookup(conn, kind)?;
    Ok(conn
        .prepare_cached("SELECT id, revision, body FROM records WHERE id = ?1 AND tag = ?2")?
        .query_row(params![id, layout.tag], row)
        .optional()?)
}

/// Rows of a kind (tag `?1`) in its window `[?2, ?3)`, newest first, with
/// their position as the fourth column; `?4` limits (-1: no limit). A
/// rowid range scan: no index, no sort.
const WINDOW_SQL: &str = "SELECT id, revision, body, pos FROM records
     WHERE pos >= ?2 AND pos < ?3 AND tag = ?1 ORDER BY pos DESC LIMIT ?4";

/// Calls `f` on rows of `kind`, newest first, strictly older than the
/// position `before_pos` (a keyset cursor: a position handed out with an
/// earlier row, valid even after that row is deleted), at most `limit` of
/// them (`None`: until `f` says stop). `f` gets each row's position and
/// returns whether to go on. Only these rows are read, each borrowed where
/// it lies.
pub fn visit_older(
    conn: &Connection,
    kind: &str,
    before_pos: Option<i64>,
    limit: Option<u32>,
    mut f: impl FnMut(RowRef<'_>, i64) -> Result<bool, HavenError>,
) -> Result<(), HavenError> {
    let layout = layout::lookup(conn, kind)?;
    let before = before_pos.map_or(layout.hi, |b| b.min(layout.hi));
    let limit = limit.map_or(-1, i64::from);
    let mut stmt = conn.prepare_cached(WINDOW_SQL)?;
    let mut rows = stmt.query(params![layout.tag, layout.lo, before, limit])?;
    while let Some(r) = rows.next()? {
        let row = RowRef {
            id: r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?,
            revision: r.get(1)?,
            body: r.get_ref(2)?.as_blob().map_err(rusqlite::Error::from)?,
        };
        if !f(row, r.get(3)?)? {
            break;
        }
    }
    Ok(())
}

/// Calls `f` on every row of `kind`, newest first, one row at a time and
/// borrowed where it lies, so a caller that keeps only some rows (search)
/// never holds every ciphertext, nor copies one.
pub fn visit_all(
    conn: &Connection,
    kind: &str,
    mut f: impl FnMut(RowRef<'_>) -> Result<(), HavenError>,
) -> Result<(), HavenError> {
    visit_older(conn, kind, None, None, |r, _| {
        f(r)?;
        Ok(true)
    })
}

impl RowRef<'_> {
    /// An owned copy of the (sealed) row.
    pub fn to_owned(&self) -> SealedRow {
        SealedRow {
            id: self.id.to_owned(),
            revision: self.revision,
            body: self.body.to_vec(),
        }
    }
}

/// Every row of `kind`, newest first (for small kinds; stream large ones
/// with [`visit_all`]).
pub fn all(conn: &Connection, kind: &str) -> Result<Vec<SealedRow>, HavenError> {
    let mut out = Vec::new();
    visit_all(conn, kind, |r| {
        out.push(r.to_owned());
        Ok(())
    })?;
    Ok(out)
}

/// Every row of `kind` whose id starts with `prefix`, oldest first. Used for
/// records attached to a document version by builds before issue 9 (ids
/// `<version hash>.<random>`; see `documents/store.rs`);
/// the range scan uses the unique index on `id`.
pub(crate) fn with_id_prefix(
    conn: &Connection,
    kind: &str,
    prefix: &str,
) -> Result<Vec<SealedRow>, HavenError> {
    let layout = layout::lookup(conn, kind)?;
    // All ids with the prefix sort in [prefix, prefix + U+10FFFF).
    let upper = format!("{prefix}\u{10FFFF}");
    let mut stmt = conn.prepare_cached(
        "SELECT id, revision, body FROM records
         WHERE id >= ?2 AND id < ?3 AND tag = ?1 ORDER BY pos",
    )?;
    let rows = stmt
        .query_map(params![layout.tag, prefix, upper], row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Every row of every kind, with its kind (`""` for a tag no known kind
/// has, which then fails to open), for verification.
pub fn everything(conn: &Connection) -> Result<Vec<(String, SealedRow)>, Internal> {
    let mut stmt = conn.prepare(
        "SELECT coalesce(k.kind, ''), r.id, r.revision, r.body
         FROM records r LEFT JOIN temp.haven_kinds k ON k.tag = r.tag ORDER BY r.pos",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                SealedRow {
                    id: r.get(1)?,
                    revision: r.get(2)?,
                    body: r.get(3)?,
                },
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SealedRow> {
    Ok(SealedRow {
        id: r.get(0)?,
        revision: r.get(1)?,
        body: r.get(2)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(conn: &Connection, sql: &str) -> String {
        let explain = format!("EXPLAIN QUERY PLAN {sql}");
        let mut stmt = conn.prepare(&explain).unwrap();
        let n = stmt.parameter_count();
        let args: Vec<rusqlite::types::Value> = (0..n)
            .map(|_| rusqlite::types::Value::Integer(10))
            .collect();
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))
            .unwrap();
        rows.map(|r| r.unwrap()).collect::<Vec<_>>().join("; ")
    }

    /// Reading a kind is a rowid range scan of its window (no index, no
    /// sort), and the file has no other index than the one on ids.
    #[test]
    fn a_kind_is_read_as_a_rowid_range_without_sorting() {
        let (dir, v) = crate::test_vault();
        drop(v);
        let conn = Connection::open(dir.path().join("v.db")).unwrap();
        let p = plan(&conn, WINDOW_SQL);
        assert!(
            p.contains("USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"),
            "{p}"
        );
        assert!(!p.contains("TEMP B-TREE"), "{p}");
        let indexes: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(indexes, ["records_id"]);
    }
}
