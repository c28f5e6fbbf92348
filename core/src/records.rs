//! The encrypted record store: every piece of the person's data is one row of
//! `records`, sealed under the vault key.
//!
//! The associated data binds vault id, record id, kind and revision, so a
//! ciphertext copied to another row, kind, revision or vault fails to open.
//! Plaintext is padded to size buckets before sealing (see `crypto::padding`).

use rusqlite::{params, Connection, OptionalExtension};
use zeroize::Zeroizing;

use crate::crypto::{self, padding, SecretKey};
use crate::error::{HavenError, Internal};

/// Who a record belongs to, for binding into its associated data.
pub struct Scope<'a> {
    /// The vault key.
    pub key: &'a SecretKey,
    /// The vault's random id.
    pub vault_id: &'a str,
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

fn aad(vault_id: &str, id: &str, kind: &str, revision: i64) -> Vec<u8> {
    // Length-prefixed fields so no two tuples encode the same bytes.
    let mut out = Vec::with_capacity(64 + id.len() + kind.len());
    out.extend_from_slice(b"haven-record-v1");
    for field in [vault_id.as_bytes(), id.as_bytes(), kind.as_bytes()] {
        out.extend_from_slice(&(field.len() as u32).to_le_bytes());
        out.extend_from_slice(field);
    }
    out.extend_from_slice(&revision.to_le_bytes());
    out
}

impl Scope<'_> {
    fn seal(&self, id: &str, kind: &str, revision: i64, plain: &[u8]) -> Result<Vec<u8>, Internal> {
        let padded = Zeroizing::new(padding::pad(plain)?);
        crypto::seal(self.key, &aad(self.vault_id, id, kind, revision), &padded)
    }

    /// Opens one sealed row of `kind`; failures name the record.
    pub fn open(&self, kind: &str, row: &SealedRow) -> Result<Zeroizing<Vec<u8>>, HavenError> {
        self.open_body(kind, &row.id, row.revision, row.body.clone())
    }

    /// [`Scope::open`] for a body the caller owns: decrypted in place, with
    /// no copy of the ciphertext (listing reads thousands of rows).
    pub fn open_body(
        &self,
        kind: &str,
        id: &str,
        revision: i64,
        body: Vec<u8>,
    ) -> Result<Zeroizing<Vec<u8>>, HavenError> {
        crypto::open_owned(self.key, &aad(self.vault_id, id, kind, revision), body)
            .and_then(padding::unpad)
            .map(Zeroizing::new)
            .map_err(|e| e.for_record(id))
    }

    /// Inserts a new record with revision 1.
    pub fn insert(
        &self,
        conn: &Connection,
        kind: &str,
        id: &str,
        plain: &[u8],
    ) -> Result<(), HavenError> {
        let body = self.seal(id, kind, 1, plain)?;
        conn.prepare_cached(
            "INSERT INTO records (id, kind, revision, body) VALUES (?1, ?2, 1, ?3)",
        )?
        .execute(params![id, kind, body])?;
        Ok(())
    }

    /// Replaces a record's payload, bumping its revision. `NotFound` if absent.
    pub fn update(
        &self,
        conn: &Connection,
        kind: &str,
        id: &str,
        plain: &[u8],
    ) -> Result<(), HavenError> {
        let revision: Option<i64> = conn
            .prepare_cached("SELECT revision FROM records WHERE id = ?1 AND kind = ?2")?
            .query_row(params![id, kind], |r| r.get(0))
            .optional()?;
        let next = revision.ok_or_else(|| HavenError::not_found(kind, id))? + 1;
        let body = self.seal(id, kind, next, plain)?;
        conn.prepare_cached(
            "UPDATE records SET revision = ?1, body = ?2 WHERE id = ?3 AND kind = ?4",
        )?
        .execute(params![next, body, id, kind])?;
        Ok(())
    }
}

/// Fetches one sealed row of `kind`.
pub fn fetch(conn: &Connection, kind: &str, id: &str) -> Result<Option<SealedRow>, Internal> {
    Ok(conn
        .prepare_cached("SELECT id, revision, body FROM records WHERE id = ?1 AND kind = ?2")?
        .query_row(params![id, kind], row)
        .optional()?)
}

/// Deletes a record. Returns whether it existed.
pub fn delete(conn: &Connection, kind: &str, id: &str) -> Result<bool, Internal> {
    Ok(conn
        .prepare_cached("DELETE FROM records WHERE id = ?1 AND kind = ?2")?
        .execute(params![id, kind])?
        > 0)
}

/// Up to `limit` rows of `kind`, newest first, strictly older than the
/// record `before` (a cursor) when given. Only these rows are read.
pub fn page(
    conn: &Connection,
    kind: &str,
    before: Option<&str>,
    limit: u32,
) -> Result<Vec<SealedRow>, HavenError> {
    let before_seq = match before {
        None => i64::MAX,
        Some(id) => conn
            .query_row(
                "SELECT seq FROM records WHERE id = ?1 AND kind = ?2",
                params![id, kind],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| HavenError::not_found(kind, id))?,
    };
    let mut stmt = conn.prepare_cached(
        "SELECT id, revision, body FROM records
         WHERE kind = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3",
    )?;
    let rows = stmt
        .query_map(params![kind, before_seq, limit], row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// Calls `f` on every row of `kind`, newest first, one row at a time, so a
/// caller that keeps only some rows (search) never holds every ciphertext.
pub fn for_each(
    conn: &Connection,
    kind: &str,
    mut f: impl FnMut(SealedRow) -> Result<(), HavenError>,
) -> Result<(), HavenError> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, revision, body FROM records WHERE kind = ?1 ORDER BY seq DESC",
    )?;
    let mut rows = stmt.query(params![kind])?;
    while let Some(r) = rows.next()? {
        f(row(r)?)?;
    }
    Ok(())
}

/// Every row of `kind`, newest first (for small kinds; stream large ones
/// with [`for_each`]).
pub fn all(conn: &Connection, kind: &str) -> Result<Vec<SealedRow>, HavenError> {
    let mut out = Vec::new();
    for_each(conn, kind, |r| {
        out.push(r);
        Ok(())
    })?;
    Ok(out)
}

/// Every row of `kind` whose id starts with `prefix`, oldest first. Used for
/// records attached to a document version (ids `<version hash>.<random>`);
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
