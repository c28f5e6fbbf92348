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

use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::{params, Connection, OptionalExtension, Params};
use zeroize::{Zeroize, Zeroizing};

use crate::crypto::{self, envelope, padding, SecretKey};
use crate::error::{HavenError, Internal};
use crate::integrity::{self, Change, Keys};
use crate::schema;

#[cfg(any(test, feature = "fuzzing"))]
pub(crate) mod fuzz;

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
}

impl<'a> Scope<'a> {
    /// A scope under `key` in which nothing has written yet.
    pub(crate) fn new(key: &'a SecretKey, vault_id: &'a str, integrity: &'a Keys) -> Self {
        Self {
            key,
            vault_id,
            integrity,
            epoch: AtomicU64::new(0),
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

    /// Inserts a new record under a fresh revision ([`fresh_revision`]).
    pub fn insert(
        &self,
        conn: &Connection,
        kind: &str,
        id: &str,
        plain: &[u8],
    ) -> Result<(), HavenError> {
        let revision = fresh_revision(None)?;
        let body = self.seal(id, kind, revision, plain)?;
        atomically(conn, || {
            conn.prepare_cached(
                "INSERT INTO records (id, kind, revision, body) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![id, kind, revision, body])?;
            self.advance(
                conn,
                Change {
                    before: None,
                    after: Some(self.integrity.row(id, kind, revision)),
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
        atomically(conn, || {
            let revision: Option<i64> = conn
                .prepare_cached("SELECT revision FROM records WHERE id = ?1 AND kind = ?2")?
                .query_row(params![id, kind], |r| r.get(0))
                .optional()?;
            let current = revision.ok_or_else(|| HavenError::not_found(kind, id))?;
            let next = fresh_revision(Some(current))?;
            let body = self.seal(id, kind, next, plain)?;
            conn.prepare_cached(
                "UPDATE records SET revision = ?1, body = ?2 WHERE id = ?3 AND kind = ?4",
            )?
            .execute(params![next, body, id, kind])?;
            self.advance(
                conn,
                Change {
                    before: Some(self.integrity.row(id, kind, current)),
                    after: Some(self.integrity.row(id, kind, next)),
                },
            )
        })
    }

    /// Deletes a record. Returns whether it existed.
    pub fn delete(&self, conn: &Connection, kind: &str, id: &str) -> Result<bool, HavenError> {
        atomically(conn, || {
            let revision: Option<i64> = conn
                .prepare_cached(
                    "DELETE FROM records WHERE id = ?1 AND kind = ?2 RETURNING revision",
                )?
                .query_row(params![id, kind], |r| r.get(0))
                .optional()?;
            let Some(revision) = revision else {
                return Ok(false);
            };
            self.advance(
                conn,
                Change {
                    before: Some(self.integrity.row(id, kind, revision)),
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
pub fn fetch(conn: &Connection, kind: &str, id: &str) -> Result<Option<SealedRow>, Internal> {
    Ok(conn
        .prepare_cached("SELECT id, revision, body FROM records WHERE id = ?1 AND kind = ?2")?
        .query_row(params![id, kind], row)
        .optional()?)
}

/// The `WHERE` condition for rows of `kind`, spelled so the planner can use
/// the partial index `records_kind_seq` (schema version 2), which leaves out
/// journal rows: a partial index serves a query only when the query repeats
/// its condition. Journal rows are found by scanning `seq` backwards, which
/// is what their listing does anyway. `?1` is the kind.
fn of_kind(kind: &str) -> &'static str {
    if kind == schema::UNINDEXED_KIND {
        "kind = ?1"
    } else {
        "kind = ?1 AND kind <> 'journal'"
    }
}

/// Rows of a kind older than `?2` (a `seq`), newest first, with their `seq`
/// as the fourth column; `?3` limits (-1: no limit).
fn older_sql(kind: &str) -> String {
    format!(
        "SELECT id, revision, body, seq FROM records
         WHERE {} AND seq < ?2 ORDER BY seq DESC LIMIT ?3",
        of_kind(kind)
    )
}

fn all_sql(kind: &str) -> String {
    format!(
        "SELECT id, revision, body FROM records WHERE {} ORDER BY seq DESC",
        of_kind(kind)
    )
}

/// Calls `f` on rows of `kind`, newest first, strictly older than the
/// position `before_seq` (a keyset cursor: a `seq` handed out with an
/// earlier row, valid even after that row is deleted), at most `limit` of
/// them (`None`: until `f` says stop). `f` gets each row's `seq` and
/// returns whether to go on. Only these rows are read, each borrowed where
/// it lies.
pub fn visit_older(
    conn: &Connection,
    kind: &str,
    before_seq: Option<i64>,
    limit: Option<u32>,
    mut f: impl FnMut(RowRef<'_>, i64) -> Result<bool, HavenError>,
) -> Result<(), HavenError> {
    let before = before_seq.unwrap_or(i64::MAX);
    let limit = limit.map_or(-1, i64::from);
    let mut stmt = conn.prepare_cached(&older_sql(kind))?;
    let mut rows = stmt.query(params![kind, before, limit])?;
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
    f: impl FnMut(RowRef<'_>) -> Result<(), HavenError>,
) -> Result<(), HavenError> {
    visit(conn, &all_sql(kind), params![kind], f)
}

/// Runs `sql` (selecting id, revision, body) and calls `f` on each row,
/// borrowed from SQLite until the next row is fetched.
fn visit(
    conn: &Connection,
    sql: &str,
    args: impl Params,
    mut f: impl FnMut(RowRef<'_>) -> Result<(), HavenError>,
) -> Result<(), HavenError> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(args)?;
    while let Some(r) = rows.next()? {
        f(RowRef {
            id: r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?,
            revision: r.get(1)?,
            body: r.get_ref(2)?.as_blob().map_err(rusqlite::Error::from)?,
        })?;
    }
    Ok(())
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
) -> Result<Vec<SealedRow>, Internal> {
    // All ids with the prefix sort in [prefix, prefix + U+10FFFF).
    let upper = format!("{prefix}\u{10FFFF}");
    let mut stmt = conn.prepare_cached(
        "SELECT id, revision, body FROM records
         WHERE kind = ?1 AND id >= ?2 AND id < ?3 ORDER BY seq",
    )?;
    let rows = stmt
        .query_map(params![kind, prefix, upper], row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Every row of every kind, with its kind, for verification.
pub fn everything(conn: &Connection) -> Result<Vec<(String, SealedRow)>, Internal> {
    let mut stmt = conn.prepare("SELECT kind, id, revision, body FROM records ORDER BY seq")?;
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

    fn plan(conn: &Connection, sql: &str, kind: &str) -> String {
        let explain = format!("EXPLAIN QUERY PLAN {sql}");
        let mut stmt = conn.prepare(&explain).unwrap();
        let n = stmt.parameter_count();
        let args: Vec<rusqlite::types::Value> = (0..n)
            .map(|i| match i {
                0 => kind.to_string().into(),
                _ => 10i64.into(),
            })
            .collect();
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))
            .unwrap();
        rows.map(|r| r.unwrap()).collect::<Vec<_>>().join("; ")
    }

    /// The partial index (schema version 2) serves every kind but the
    /// journal, and journal reads walk `seq` without sorting.
    #[test]
    fn kinds_use_the_partial_index_and_the_journal_walks_seq() {
        let (dir, v) = crate::test_vault();
        drop(v);
        let conn = Connection::open(dir.path().join("v.db")).unwrap();
        for sql in [older_sql("document"), all_sql("document")] {
            let p = plan(&conn, &sql, "document");
            assert!(of_kind("document").ends_with(&format!("kind <> '{}'", schema::UNINDEXED_KIND)));
            assert!(p.contains("USING INDEX records_kind_seq"), "{p}");
            assert!(!p.contains("TEMP B-TREE"), "{p}");
        }
        for sql in [
            older_sql(schema::UNINDEXED_KIND),
            all_sql(schema::UNINDEXED_KIND),
        ] {
            let p = plan(&conn, &sql, schema::UNINDEXED_KIND);
            assert!(!p.contains("records_kind_seq"), "{p}");
            assert!(!p.contains("TEMP B-TREE"), "{p}");
        }
        let index_sql: String = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'records_kind_seq'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            index_sql.ends_with(&format!("WHERE kind <> '{}'", schema::UNINDEXED_KIND)),
            "{index_sql}"
        );
    }
}
