//! The vault state: one keyed commitment over the whole record set and the
//! key-slot table, advanced in the same transaction as every write, so that
//! a row added, removed or put back at an older revision, or a key slot
//! planted or altered, is caught on unlock and by `verify` (issue 9, ADR
//! 0010). Each record's envelope already binds its id, kind and revision;
//! this binds the *set*.
//!
//! - Every row contributes `HMAC(K_row, id | kind | revision)` (length
//!   prefixed). The record set's digest is the XOR of these (an incremental
//!   set hash): a write XORs out the old row's value and XORs in the new
//!   one, so it costs two HMACs however many rows there are.
//! - The state is sealed with the crate's envelope under `K_state`, so it is
//!   authenticated and the digest itself never appears in the file. It holds
//!   the digest, the row count, each key slot's id and a hash of its stored
//!   bytes (kind, cost, salt, wrapping), this file's replica id, and the
//!   epoch: a version vector, one counter per replica (only one today; sync,
//!   later, adds the others).
//! - `K_row` and `K_state` come from the vault key by HKDF, so a rekey
//!   changes them too.

use std::collections::BTreeMap;

use ring::digest::{digest, SHA256};
use ring::hmac;
use rusqlite::{params, Connection, OptionalExtension};
use zeroize::Zeroizing;

use crate::crypto::{self, recovery::hkdf_kek, SecretKey};
use crate::error::{HavenError, Internal};
use crate::schema;
use crate::slots;

#[cfg(any(test, feature = "fuzzing"))]
pub(crate) mod fuzz;

const STATE_KEY: &str = "state";
/// Written by the schema-3 migration into files from older builds: the
/// first unlock establishes their state (trust on first use, ADR 0010).
pub(crate) const PENDING_KEY: &str = "state_pending";
const FORMAT: u8 = 1;
const MAX_SLOTS: usize = 64;
const MAX_REPLICAS: usize = 1024;

/// Subkeys of the vault key. Derived once per unlock.
pub(crate) struct Keys {
    row: hmac::Key,
    state: SecretKey,
    kinds: hmac::Key,
}

impl Keys {
    /// Derives both subkeys from the vault key.
    pub(crate) fn derive(vault_key: &SecretKey) -> Result<Self, Internal> {
        let row = hkdf_kek(vault_key.as_bytes(), b"", b"haven integrity rows v1")?;
        let state = hkdf_kek(vault_key.as_bytes(), b"", b"haven integrity state v1")?;
        let kinds = hkdf_kek(vault_key.as_bytes(), b"", b"haven kind tags v1")?;
        Ok(Self {
            row: hmac::Key::new(hmac::HMAC_SHA256, row.as_bytes()),
            state,
            kinds: hmac::Key::new(hmac::HMAC_SHA256, kinds.as_bytes()),
        })
    }

    /// `HMAC(K_kinds, kind)`: a kind's tag and window (`records/layout.rs`).
    pub(crate) fn kind_mac(&self, kind: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.copy_from_slice(hmac::sign(&self.kinds, kind.as_bytes()).as_ref());
        out
    }

    /// One row's contribution to the set digest (schema version 4): its
    /// id, kind tag, position and revision, so a row moved to another
    /// place in its kind's order, or to another kind, is caught too.
    pub(crate) fn row(&self, id: &str, tag: &[u8], pos: i64, revision: i64) -> [u8; 32] {
        let mut ctx = hmac::Context::with_key(&self.row);
        ctx.update(b"v4");
        for field in [id.as_bytes(), tag] {
            ctx.update(&(field.len() as u32).to_le_bytes());
            ctx.update(field);
        }
        ctx.update(&pos.to_le_bytes());
        ctx.update(&revision.to_le_bytes());
        let mut out = [0u8; 32];
        out.copy_from_slice(ctx.sign().as_ref());
        out
    }

    /// A row's contribution in files of schema version 3 (kind names in
    /// the clear), checked once before such a file is migrated.
    fn row_v3(&self, id: &str, kind: &str, revision: i64) -> [u8; 32] {
        let mut ctx = hmac::Context::with_key(&self.row);
        for field in [id.as_bytes(), kind.as_bytes()] {
            ctx.update(&(field.len() as u32).to_le_bytes());
            ctx.update(field);
        }
        ctx.update(&revision.to_le_bytes());
        let mut out = [0u8; 32];
        out.copy_from_slice(ctx.sign().as_ref());
        out
    }
}

/// The authenticated state of a vault.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct State {
    /// XOR of every row's HMAC.
    pub digest: [u8; 32],
    /// How many rows.
    pub rows: u64,
    /// Each key slot's id and the SHA-256 of its stored bytes.
    pub slots: Vec<(String, [u8; 32])>,
    /// This file's replica id (random).
    pub replica: String,
    /// The epoch: one write counter per replica.
    pub vector: BTreeMap<String, u64>,
}

impl State {
    /// This replica's counter: the epoch the held copy is compared with.
    pub(crate) fn epoch(&self) -> u64 {
        self.vector.get(&self.replica).copied().unwrap_or(0)
    }

    fn bump(&mut self) {
        *self.vector.entry(self.replica.clone()).or_insert(0) += 1;
    }

    pub(crate) fn encode(&self) -> Result<Zeroizing<Vec<u8>>, Internal> {
        let mut out = Zeroizing::new(Vec::with_capacity(128 + 64 * self.slots.len()));
        out.push(FORMAT);
        out.extend_from_slice(&self.digest);
        out.extend_from_slice(&self.rows.to_le_bytes());
        put_str(&mut out, &self.replica)?;
        out.extend_from_slice(&(self.slots.len() as u16).to_le_bytes());
        for (id, hash) in &self.slots {
            put_str(&mut out, id)?;
            out.extend_from_slice(hash);
        }
        out.extend_from_slice(&(self.vector.len() as u16).to_le_bytes());
        for (replica, counter) in &self.vector {
            put_str(&mut out, replica)?;
            out.extend_from_slice(&counter.to_le_bytes());
        }
        Ok(out)
    }

    fn decode(b: &[u8]) -> Option<Self> {
        let mut c = Reader(b);
        if c.take(1)?[0] != FORMAT {
            return None;
        }
        let digest: [u8; 32] = c.take(32)?.try_into().ok()?;
        let rows = c.u64()?;
        let replica = c.str()?;
        let n = c.u16()? as usize;
        if n > MAX_SLOTS {
            return None;
        }
        let mut slots = Vec::with_capacity(n);
        for _ in 0..n {
            let id = c.str()?;
            let hash: [u8; 32] = c.take(32)?.try_into().ok()?;
            slots.push((id, hash));
        }
        let n = c.u16()? as usize;
        if n > MAX_REPLICAS {
            return None;
        }
        let mut vector = BTreeMap::new();
        for _ in 0..n {
            let r = c.str()?;
            // In the order `encode` writes them, each once: one encoding
            // per state (a repeated id would otherwise overwrite silently).
            if vector
                .keys()
                .next_back()
                .is_some_and(|last: &String| *last >= r)
            {
                return None;
            }
            vector.insert(r, c.u64()?);
        }
        c.0.is_empty().then_some(Self {
            digest,
            rows,
            slots,
            replica,
            vector,
        })
    }
}

fn put_str(out: &mut Vec<u8>, s: &str) -> Result<(), Internal> {
    let len = u8::try_from(s.len()).map_err(|_| Internal::TooLarge)?;
    out.push(len);
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    fn str(&mut self) -> Option<String> {
        let n = self.take(1)?[0] as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
}

fn aad(vault_id: &str) -> Vec<u8> {
    [b"haven-state-v1:".as_slice(), vault_id.as_bytes()].concat()
}

fn tampered(what: impl Into<String>) -> HavenError {
    HavenError::Integrity { what: what.into() }
}

/// The stored state, opened; `None` if the file has none yet.
pub(crate) fn load(
    conn: &Connection,
    vault_id: &str,
    keys: &Keys,
) -> Result<Option<State>, HavenError> {
    let sealed: Option<Vec<u8>> = conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row(params![STATE_KEY], |r| r.get(0))
        .optional()?;
    let Some(sealed) = sealed else {
        return Ok(None);
    };
    let plain = Zeroizing::new(
        crypto::open(&keys.state, &aad(vault_id), &sealed)
            .map_err(|_| tampered("the vault state"))?,
    );
    State::decode(&plain)
        .map(Some)
        .ok_or_else(|| tampered("the vault state"))
}

/// Seals and writes `state` (inside the caller's transaction).
pub(crate) fn store(
    conn: &Connection,
    vault_id: &str,
    keys: &Keys,
    state: &State,
) -> Result<(), HavenError> {
    let sealed = crypto::seal(&keys.state, &aad(vault_id), &state.encode()?)?;
    conn.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")?
        .execute(params![STATE_KEY, sealed])?;
    Ok(())
}

/// The set digest and row count of every row in the file: one pass over
/// ids, tags, positions and revisions (the bodies are not read). Files
/// not yet migrated to schema version 4 are digested as version 3 did.
pub(crate) fn digest_rows(conn: &Connection, keys: &Keys) -> Result<([u8; 32], u64), HavenError> {
    let v3 = schema::version(conn)? < schema::LATEST;
    let sql = if v3 {
        "SELECT id, kind, revision FROM records"
    } else {
        "SELECT id, tag, pos, revision FROM records"
    };
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    let mut acc = [0u8; 32];
    let mut n = 0u64;
    while let Some(r) = rows.next()? {
        let id = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        let value = if v3 {
            let kind = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
            keys.row_v3(id, kind, r.get(2)?)
        } else {
            let tag = r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
            keys.row(id, tag, r.get(2)?, r.get(3)?)
        };
        xor(&mut acc, &value);
        n += 1;
    }
    Ok((acc, n))
}

/// Each slot's id and the SHA-256 of everything stored for it, by id.
pub(crate) fn slot_hashes(conn: &Connection) -> Result<Vec<(String, [u8; 32])>, HavenError> {
    let mut out: Vec<(String, [u8; 32])> = slots::load(conn)?
        .into_iter()
        .map(|s| {
            let mut bytes = Vec::with_capacity(256);
            for field in [
                s.id.as_bytes(),
                s.kind.as_str().as_bytes(),
                s.kdf.as_deref().unwrap_or_default(),
                &s.salt,
                &s.wrapped,
            ] {
                bytes.extend_from_slice(&(field.len() as u32).to_le_bytes());
                bytes.extend_from_slice(field);
            }
            let mut h = [0u8; 32];
            h.copy_from_slice(digest(&SHA256, &bytes).as_ref());
            (s.id, h)
        })
        .collect();
    out.sort();
    Ok(out)
}

fn xor(acc: &mut [u8; 32], v: &[u8; 32]) {
    for (a, b) in acc.iter_mut().zip(v) {
        *a ^= b;
    }
}

/// A fresh state for the file as it is now (a new vault, or the first
/// unlock of a file from an older build), at epoch 1.
pub(crate) fn establish(
    conn: &Connection,
    vault_id: &str,
    keys: &Keys,
) -> Result<State, HavenError> {
    let (digest, rows) = digest_rows(conn, keys)?;
    let mut state = State {
        digest,
        rows,
        slots: slot_hashes(conn)?,
        replica: crypto::random_id()?,
        vector: BTreeMap::new(),
    };
    state.bump();
    store(conn, vault_id, keys, &state)?;
    conn.execute("DELETE FROM meta WHERE key = ?1", params![PENDING_KEY])?;
    Ok(state)
}

/// Checks the file against its state: the slot table first (naming the
/// slot), then the record set. Writes nothing, except establishing the
/// state of a file an older build wrote (once, see [`PENDING_KEY`]).
pub(crate) fn check(
    conn: &mut Connection,
    vault_id: &str,
    keys: &Keys,
) -> Result<State, HavenError> {
    let Some(state) = load(conn, vault_id, keys)? else {
        let pending: Option<i64> = conn
            .query_row(
                "SELECT count(*) FROM meta WHERE key = ?1",
                params![PENDING_KEY],
                |r| r.get(0),
            )
            .optional()?;
        if pending.unwrap_or(0) == 0 {
            return Err(tampered("the vault state (missing)"));
        }
        let tx = conn.transaction()?;
        let state = establish(&tx, vault_id, keys)?;
        tx.commit()?;
        return Ok(state);
    };
    let found = slot_hashes(conn)?;
    for (id, hash) in &found {
        match state.slots.iter().find(|(sid, _)| sid == id) {
            None => return Err(tampered(format!("key slot {id} (planted)"))),
            Some((_, h)) if h != hash => return Err(tampered(format!("key slot {id} (altered)"))),
            Some(_) => {}
        }
    }
    if let Some((id, _)) = state
        .slots
        .iter()
        .find(|(sid, _)| !found.iter().any(|(f, _)| f == sid))
    {
        return Err(tampered(format!("key slot {id} (removed)")));
    }
    let (digest, rows) = digest_rows(conn, keys)?;
    if rows != state.rows {
        let change = if rows > state.rows {
            "added"
        } else {
            "removed"
        };
        return Err(tampered(format!(
            "the record set ({} record(s) {change})",
            rows.abs_diff(state.rows)
        )));
    }
    if !ring_eq(&digest, &state.digest) {
        return Err(tampered(
            "the record set (a record replaced, or put back at an older revision)",
        ));
    }
    Ok(state)
}

fn ring_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    // Not secret-dependent timing in a way that matters (the digest is
    // recomputed by the person's own device), but compare in full anyway.
    a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// What one write did to the record set: the row's value before (if it
/// existed) and after (if it still exists).
pub(crate) struct Change {
    pub before: Option<[u8; 32]>,
    pub after: Option<[u8; 32]>,
}

/// Applies one write to the state and advances this replica's epoch, in
/// the caller's transaction. Returns the new epoch.
pub(crate) fn apply(
    conn: &Connection,
    vault_id: &str,
    keys: &Keys,
    change: Change,
) -> Result<u64, HavenError> {
    let mut state =
        load(conn, vault_id, keys)?.ok_or_else(|| tampered("the vault state (missing)"))?;
    if let Some(b) = change.before {
        xor(&mut state.digest, &b);
        state.rows = state.rows.saturating_sub(1);
    }
    if let Some(a) = change.after {
        xor(&mut state.digest, &a);
        state.rows += 1;
    }
    state.bump();
    store(conn, vault_id, keys, &state)?;
    Ok(state.epoch())
}

/// Advances `state` by one epoch and writes it (rekey: the digest and slots
/// already recomputed under the new key). Returns the new epoch.
pub(crate) fn advance(
    conn: &Connection,
    vault_id: &str,
    keys: &Keys,
    mut state: State,
) -> Result<u64, HavenError> {
    state.bump();
    store(conn, vault_id, keys, &state)?;
    Ok(state.epoch())
}

/// Records the slot table as it now is and advances the epoch, in the
/// caller's transaction (after any slot is added or removed).
pub(crate) fn slots_changed(
    conn: &Connection,
    vault_id: &str,
    keys: &Keys,
) -> Result<u64, HavenError> {
    let mut state =
        load(conn, vault_id, keys)?.ok_or_else(|| tampered("the vault state (missing)"))?;
    state.slots = slot_hashes(conn)?;
    state.bump();
    store(conn, vault_id, keys, &state)?;
    Ok(state.epoch())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_and_refuses_garbage() {
        let s = State {
            digest: [7; 32],
            rows: 3,
            slots: vec![("a".repeat(32), [1; 32]), ("b".repeat(32), [2; 32])],
            replica: "c".repeat(32),
            vector: [("c".repeat(32), 9), ("d".repeat(32), 4)].into(),
        };
        let bytes = s.encode().unwrap();
        assert!(State::decode(&bytes) == Some(s.clone()));
        assert_eq!(s.epoch(), 9);
        for cut in 0..bytes.len() {
            assert!(State::decode(&bytes[..cut]).is_none(), "cut at {cut}");
        }
        let mut longer = bytes.to_vec();
        longer.push(0);
        assert!(State::decode(&longer).is_none());
    }

    #[test]
    fn a_state_has_one_encoding_its_replicas_sorted_and_each_once() {
        let s = State {
            digest: [7; 32],
            rows: 3,
            slots: vec![],
            replica: "r1".into(),
            vector: [("r0".to_string(), 4), ("r1".to_string(), 9)].into(),
        };
        let bytes = s.encode().unwrap();
        let r0 = bytes.len() - 2 * 11; // each replica: length, two bytes, u64
        let (head, tail) = bytes.split_at(r0);
        let (first, second) = tail.split_at(11);
        let swapped = [head, second, first].concat();
        let repeated = [head, second, second].concat();
        assert!(State::decode(&bytes) == Some(s));
        assert!(State::decode(&swapped).is_none(), "out of order");
        assert!(State::decode(&repeated).is_none(), "repeated");
    }

    #[test]
    fn row_values_bind_id_kind_and_revision() {
        let keys = Keys::derive(&SecretKey::from_bytes([3; 32])).unwrap();
        let base = keys.row("ab", b"journal", 5, 1);
        assert_ne!(base, keys.row("ab", b"journal", 5, 2));
        assert_ne!(base, keys.row("ab", b"journal", 6, 1));
        assert_ne!(base, keys.row("ab", b"document", 5, 1));
        assert_ne!(base, keys.row("abj", b"ournal", 5, 1));
        let other = Keys::derive(&SecretKey::from_bytes([4; 32])).unwrap();
        assert_ne!(base, other.row("ab", b"journal", 5, 1));
        let v3 = keys.row_v3("ab", "journal", 1);
        assert_ne!(v3, keys.row_v3("ab", "journal", 2));
        assert_ne!(v3, keys.row_v3("abj", "ournal", 1));
    }
}
