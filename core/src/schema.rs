//! The database schema and its numbered migrations.
//!
//! `PRAGMA user_version` holds the number of migrations applied. Migrations
//! are append-only: never edit one that has shipped; add the next. Frozen
//! fixtures in `core/tests/fixtures/` prove old files still open.
//!
//! # Tables (version 1)
//!
//! `meta`: one row per vault-wide fact.
//! - `key` TEXT: `vault_id` (random hex, bound into every AEAD) or `canary`
//!   (a known plaintext sealed under the vault key; tells a wrong key from
//!   corrupt data).
//! - `value` BLOB.
//!
//! `key_slots`: each row wraps the vault key under one way in (LUKS-style).
//! - `id` TEXT: random hex.
//! - `kind` TEXT: `passphrase`, `recovery` or `device`.
//! - `kdf` BLOB NULL: Argon2id parameters (passphrase slots only), bounds-checked on read.
//! - `salt` BLOB: 16 random bytes.
//! - `wrapped` BLOB: the vault key in an envelope whose associated data binds
//!   vault id, slot id and kind.
//! - `created_seq` INTEGER: order of creation (no dates stored in the clear).
//!
//! `records`: every piece of the person's data, encrypted.
//! - `seq` INTEGER PRIMARY KEY: insertion order; lists are "newest first" by
//!   this, so no date ever needs to be stored in the clear.
//! - `id` TEXT UNIQUE: random hex (not time-ordered).
//! - `kind` TEXT: the record kind (`journal`, ...); bookkeeping only.
//! - `revision` INTEGER: bound into the AEAD; changes on every write. A
//!   counter in files written before issue 9, a fresh random number since
//!   (`records::fresh_revision`), so edit counts do not show.
//! - `body` BLOB: the padded, sealed payload.
//!
//! # Version 2
//!
//! The index `records (kind, seq)` leaves out journal rows (a partial
//! index, `WHERE kind <> 'journal'`). The journal is the one kind written
//! every day and by the thousand; keeping it out of the index saves one
//! b-tree page write per entry added (about 13% of `add`, see
//! `docs/performance.md`), and journal listing walks `seq` backwards
//! without it. Queries for other kinds must repeat the index condition to
//! use it (`records::of_kind`). Older builds refuse a version-2 file with
//! `UnsupportedVersion` instead of meeting journal payloads they cannot read
//! (ADR 0005).
//!
//! # Version 3
//!
//! `meta` gains `state`: the vault state (`integrity.rs`, ADR 0010), sealed
//! under a subkey of the vault key: a keyed digest of the record set and
//! the slot table, and the epoch. The migration only adds the row
//! `state_pending`; the first unlock (the key is needed) computes the state
//! and removes it. New vaults get their state when created.
//!
//! # Version 4 (needs the key; applied on the first unlock)
//!
//! `records` is rebuilt (`records/layout.rs`, ADR 0010) so the file no
//! longer shows kind names or the order of writes across kinds:
//! - `pos` INTEGER PRIMARY KEY: the row's place in its kind's keyed window
//!   (no `AUTOINCREMENT`; `sqlite_sequence` is emptied);
//! - `id` TEXT, unique (index `records_id`);
//! - `tag` BLOB: the keyed kind tag (8 bytes), in place of `kind`;
//! - `revision`, `body` as before.
//!
//! No index on the tag: each kind is a rowid range. Tags and windows are
//! keyed, so this step cannot run in [`migrate`]: a file at version 3 is
//! rebuilt by the first unlock (`vault.rs`), in one transaction that also
//! re-digests the vault state and sets the version. New vaults are built
//! at version 4 when created.

use rusqlite::Connection;

use crate::error::{HavenError, Internal};

/// Migrations in order; index + 1 is the version each one produces.
const MIGRATIONS: &[&str] = &[
    // 1: the vault, its key slots and encrypted records.
    "CREATE TABLE meta (
        key TEXT PRIMARY KEY NOT NULL,
        value BLOB NOT NULL
    ) STRICT;
    CREATE TABLE key_slots (
        id TEXT PRIMARY KEY NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('passphrase', 'recovery', 'device')),
        kdf BLOB,
        salt BLOB NOT NULL,
        wrapped BLOB NOT NULL,
        created_seq INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE records (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        revision INTEGER NOT NULL,
        body BLOB NOT NULL
    ) STRICT;
    CREATE INDEX records_kind_seq ON records (kind, seq);",
    // 2: journal rows leave the kind index (see the module comment).
    "DROP INDEX records_kind_seq;
    CREATE INDEX records_kind_seq ON records (kind, seq) WHERE kind <> 'journal';",
    // 3: the vault state (see the module comment); established on unlock.
    "INSERT INTO meta (key, value) VALUES ('state_pending', x'01');",
];

/// The schema version this build writes and reads: the SQL migrations,
/// then the keyed rebuild of version 4 (see the module comment).
pub const LATEST: u32 = MIGRATIONS.len() as u32 + 1;

/// The version recorded in the file.
pub fn version(conn: &Connection) -> Result<u32, Internal> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// Applies the SQL migrations (up to version 3), each step in its own
/// transaction; the keyed step to [`LATEST`] waits for the key. Refuses
/// files from a newer build rather than guessing.
pub fn migrate(conn: &mut Connection) -> Result<(), HavenError> {
    let current = version(conn)?;
    if current > LATEST {
        return Err(HavenError::UnsupportedVersion {
            what: "vault schema".into(),
            found: current,
            supported: LATEST,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as u32 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
