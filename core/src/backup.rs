//! Encrypted backup and restore: one file holding the whole vault, restorable
//! on a new device with the passphrase or the recovery key.
//!
//! # Why it is built this way
//!
//! **The whole database, not a list of records.** A backup is a consistent
//! SQLite snapshot (`VACUUM INTO`, taken under the vault's lock) of the entire
//! file: every record of every kind, every revision, every table a later
//! migration adds. Nothing here knows what a journal entry or a document
//! version is, so a kind added next year is backed up without touching this
//! file. `VACUUM INTO` also compacts: free pages (where deleted records lived)
//! do not travel. Records stay sealed exactly as stored, so their associated
//! data (vault id, record id, kind, revision) still binds them after restore.
//!
//! **Key slots in the clear header, with no ids; device slots dropped.** To
//! open a backup on a new device the person needs a way to get the vault
//! key back. The header carries one slot per passphrase and recovery slot:
//! the vault key wrapped, for this backup alone, under a key only the
//! person's secret reproduces (Argon2id of the passphrase; HKDF of the
//! recovery key) with its own salt, bound only to the header format, the
//! backup id, the slot kind and its cost (`slots/for_backup.rs`). So the
//! header names neither the vault nor any slot and shares no bytes with the
//! vault file. Format 1 (still read, and written for vaults whose slots
//! predate this) copied the vault's slot rows, vault id and slot ids
//! included. Device slots are deleted from the snapshot, since device keys
//! never leave their key store. Restore checks that the snapshot's slots
//! line up with the header's.
//!
//! **A per-backup key.** Chunks are sealed under
//! `HKDF-SHA256(vault key, salt = 32 fresh random bytes, "haven backup v1")`,
//! so no two backups share a key and the vault key itself never seals
//! anything here.
//!
//! **A STREAM-like chunked construction.** The plaintext stream is
//! `snapshot length (u64 LE) | snapshot | zeros`, cut into 64 KiB chunks, each
//! sealed with the crate's envelope (AES-256-GCM since ADR 0004, random
//! nonce). Every chunk's associated data binds the backup id, the SHA-256 of
//! the whole header, the chunk index and a final-chunk flag. So a flipped
//! byte, a dropped, duplicated, reordered or swapped chunk, a chunk from
//! another backup, a truncated tail or an edited header each make some chunk
//! fail to open. The header also declares the chunk count, so a file of the
//! wrong length is refused before any slow key derivation, with a clear
//! message. Padding the last chunk means the file's size reveals the vault's
//! size only to 64 KiB, coarser than the vault file itself does.
//!
//! **A header checksum that is also its authenticator.** The header ends with
//! the SHA-256 of everything before it. Unkeyed, it only catches accidental
//! damage, and lets "this backup is damaged" be told apart from "wrong
//! passphrase" without running Argon2id. Keyed protection comes from binding
//! that same hash into every chunk: an attacker who edits the header and
//! recomputes the hash still cannot make a single chunk open.
//!
//! **Nothing half-restored.** Restore refuses an existing target, unwraps the
//! key (typed `WrongPassphrase` / `WrongRecoveryKey` before anything is
//! written), then decrypts and authenticates every chunk into a temporary
//! file beside the target, checks the result (SQLite integrity check, vault
//! id matches the header, canary opens with the key, slots match the
//! header), fsyncs it, and only then renames it into place without
//! clobbering. Any failure drops the temporary file; the target never exists
//! in a partial state. The same temp-file-then-rename discipline (`files.rs`,
//! shared with every export) writes the
//! backup itself. Temporary files a killed process leaves behind are removed
//! by the next operation in their folder (`leftovers.rs`).
//!
//! **Bounded parsing.** Every length read from the file is checked against a
//! small limit before it is used; garbage is refused with
//! [`HavenError::BadBackup`], whose reasons are fixed words that never quote
//! the file.
//!
//! # File layout (format version 2, little-endian integers)
//!
//! ```text
//! "HAVENBK1" | format u16 | body_len u32 | body | sha256(all before it) [32]
//! body: backup_id [16] | schema_version u32
//!     | hkdf_salt [32] | chunk_size u32 | chunk_count u64 | slot_count u8
//!     | slot_count * (kind u8 | kdf (u8 len, 0 = none)
//!                     | salt (u8 len) | wrapped (u8 len))
//! then chunk_count sealed chunks, each exactly chunk_size + 29 bytes
//! ```
//!
//! Format 1 has, in addition, `vault_id (u8 len, ASCII)` after `backup_id`
//! and `id (u8 len)` after each slot's `kind`; chunks are the same.
//!
//! See `docs/adr/0002-backup-format.md` for the alternatives considered.

use std::fs::File;
use std::io::{BufReader, BufWriter, ErrorKind, Read, Write};
use std::path::{Path, PathBuf};

use ring::digest::{digest, SHA256};
use rusqlite::{Connection, OpenFlags};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::crypto::{self, recovery::hkdf_kek, RecoveryKey, SecretKey};
use crate::error::{HavenError, Internal, Result};
use crate::files::{already_exists, dir_of, FileKind, NewFile};
use crate::integrity;
use crate::leftovers;
use crate::progress::Progress;
use crate::schema;
use crate::slots::for_backup::{self, HeaderSlot};
use crate::slots::{self, SlotKind, SlotSecret, StoredSlot};
use crate::vault::{self, KindCount, Vault};

#[cfg(any(test, feature = "fuzzing"))]
pub(crate) mod fuzz;

/// The first eight bytes of every backup file.
pub const MAGIC: &[u8; 8] = b"HAVENBK1";
/// The backup format this build writes: no vault or slot ids in the header.
pub const FORMAT_VERSION: u16 = 2;
/// The first format (header slots copied from the vault, with the vault id
/// and slot ids their associated data binds). Still read, and still written
/// for a vault whose slots predate backup KEKs (`slots/for_backup.rs`).
pub const FORMAT_V1: u16 = 1;
/// Plaintext bytes per chunk.
pub const CHUNK_SIZE: usize = 64 * 1024;
/// Bytes of one sealed chunk on disk.
const SEALED_CHUNK_LEN: usize = CHUNK_SIZE + crypto::envelope::OVERHEAD;
/// Magic, format version and body length.
const PREAMBLE_LEN: usize = 8 + 2 + 4;
const HASH_LEN: usize = 32;
const SALT_LEN: usize = 32;
const BACKUP_ID_LEN: usize = 16;
/// The stream starts with the snapshot's length.
const LEN_PREFIX: usize = 8;
/// A real header is a few hundred bytes; anything near this is garbage.
const MAX_HEADER_BODY: usize = 16 * 1024;
/// 2^18 chunks of 64 KiB: 16 GiB, far beyond any journal.
const MAX_CHUNKS: u64 = 1 << 18;
/// A vault has a passphrase slot, a recovery slot and rarely more.
const MAX_SLOTS: usize = 16;
/// Ids are 32 hex characters; leave room, refuse absurdity.
const MAX_ID_LEN: usize = 64;
const CHUNK_DOMAIN: &[u8] = b"haven-backup-chunk-v1";
const KEY_INFO: &[u8] = b"haven backup v1";

/// What opens a backup on restore: one of the secrets the person holds.
/// Device keys are not accepted: they never leave the device that made them.
#[derive(Clone, Copy)]
pub enum RestoreSecret<'a> {
    /// The vault's passphrase as it was when the backup was made.
    Passphrase(&'a str),
    /// The recovery key, as printed (case, spaces and dashes forgiven).
    RecoveryKey(&'a str),
}

impl std::fmt::Debug for RestoreSecret<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Passphrase(_) => f.write_str("RestoreSecret::Passphrase(<redacted>)"),
            Self::RecoveryKey(_) => f.write_str("RestoreSecret::RecoveryKey(<redacted>)"),
        }
    }
}

/// What [`Vault::create_backup`] wrote. Counts and random ids only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BackupSummary {
    /// The backup's random id (hex).
    pub backup_id: String,
    /// Records in the backup, per kind, sorted by kind.
    pub records_by_kind: Vec<KindCount>,
    /// Key slots carried (passphrase and recovery; device slots stay behind).
    pub key_slots: u64,
    /// Sealed chunks written.
    pub chunks: u64,
    /// Size of the backup file in bytes.
    pub bytes: u64,
}

impl BackupSummary {
    /// Total records in the backup.
    pub fn records(&self) -> u64 {
        self.records_by_kind.iter().map(|k| k.count).sum()
    }
}

fn bad(reason: &str) -> HavenError {
    HavenError::bad_backup(reason)
}

const NOT_A_BACKUP: &str = "this file is not a Haven backup";
const TRUNCATED: &str = "the backup is incomplete (truncated)";
const MALFORMED: &str = "the backup header is malformed";

/// The parsed header.
#[derive(Debug)]
struct Header {
    backup_id: [u8; BACKUP_ID_LEN],
    schema_version: u32,
    salt: [u8; SALT_LEN],
    chunk_count: u64,
    slots: HeaderSlots,
}

/// One header slot as written: kind, slot id (format 1 only), Argon2id
/// parameters, salt, wrapped key.
type SlotFields<'a> = (
    SlotKind,
    Option<&'a str>,
    Option<&'a [u8]>,
    &'a [u8],
    &'a [u8],
);

/// The key slots a header carries, by format.
#[derive(Debug, PartialEq, Eq)]
enum HeaderSlots {
    /// Format 1: copies of the vault's slot rows, bound to the vault id and
    /// slot ids, which the header therefore holds.
    V1 {
        vault_id: String,
        slots: Vec<StoredSlot>,
    },
    /// Format 2: the vault key wrapped for this backup alone.
    V2(Vec<HeaderSlot>),
}

impl HeaderSlots {
    fn format(&self) -> u16 {
        match self {
            Self::V1 { .. } => FORMAT_V1,
            Self::V2(_) => FORMAT_VERSION,
        }
    }

    fn len(&self) -> usize {
        match self {
            Self::V1 { slots, .. } => slots.len(),
            Self::V2(slots) => slots.len(),
        }
    }

    /// The stored fields of every slot, in order.
    fn fields(&self) -> Vec<SlotFields<'_>> {
        match self {
            Self::V1 { slots, .. } => slots
                .iter()
                .map(|s| {
                    let id = Some(s.id.as_str());
                    (s.kind, id, s.kdf.as_deref(), &s.salt[..], &s.wrapped[..])
                })
                .collect(),
            Self::V2(slots) => slots
                .iter()
                .map(|s| (s.kind, None, s.kdf.as_deref(), &s.salt[..], &s.wrapped[..]))
                .collect(),
        }
    }
}

fn put_short(out: &mut Vec<u8>, field: &[u8]) -> Result<()> {
    let len = u8::try_from(field.len()).map_err(|_| Internal::TooLarge)?;
    out.push(len);
    out.extend_from_slice(field);
    Ok(())
}

impl Header {
    /// The full header: preamble, body and checksum. The checksum is the
    /// header hash bound into every chunk.
    fn encode(&self) -> Result<(Vec<u8>, [u8; HASH_LEN])> {
        let mut body = Vec::with_capacity(512);
        body.extend_from_slice(&self.backup_id);
        if let HeaderSlots::V1 { vault_id, .. } = &self.slots {
            put_short(&mut body, vault_id.as_bytes())?;
        }
        body.extend_from_slice(&self.schema_version.to_le_bytes());
        body.extend_from_slice(&self.salt);
        body.extend_from_slice(&(CHUNK_SIZE as u32).to_le_bytes());
        body.extend_from_slice(&self.chunk_count.to_le_bytes());
        let count = u8::try_from(self.slots.len()).map_err(|_| Internal::TooLarge)?;
        body.push(count);
        for (kind, id, kdf, salt, wrapped) in self.slots.fields() {
            body.push(kind.code());
            if let Some(id) = id {
                put_short(&mut body, id.as_bytes())?;
            }
            put_short(&mut body, kdf.unwrap_or_default())?;
            put_short(&mut body, salt)?;
            put_short(&mut body, wrapped)?;
        }
        let mut out = Vec::with_capacity(PREAMBLE_LEN + body.len() + HASH_LEN);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.slots.format().to_le_bytes());
        out.extend_from_slice(&(body.len() as u32).to_le_bytes());
        out.extend_from_slice(&body);
        let hash = sha256(&out);
        out.extend_from_slice(&hash);
        Ok((out, hash))
    }

    /// Reads and checks the header from the start of `r`. Returns it, its
    /// hash and its length on disk. Never allocates more than
    /// [`MAX_HEADER_BODY`] whatever the file says.
    fn read(r: &mut impl Read) -> Result<(Self, [u8; HASH_LEN], u64)> {
        let mut pre = [0u8; PREAMBLE_LEN];
        let got = read_full(r, &mut pre)?;
        if got < MAGIC.len() || &pre[..MAGIC.len()] != MAGIC {
            return Err(bad(NOT_A_BACKUP));
        }
        if got < PREAMBLE_LEN {
            return Err(bad(TRUNCATED));
        }
        let version = u16::from_le_bytes([pre[8], pre[9]]);
        if version != FORMAT_VERSION && version != FORMAT_V1 {
            return Err(HavenError::UnsupportedVersion {
                what: "backup format".into(),
                found: version.into(),
                supported: FORMAT_VERSION.into(),
            });
        }
        let body_len = u32::from_le_bytes([pre[10], pre[11], pre[12], pre[13]]) as usize;
        if body_len > MAX_HEADER_BODY {
            return Err(bad(MALFORMED));
        }
        let mut rest = vec![0u8; body_len + HASH_LEN];
        if read_full(r, &mut rest)? < rest.len() {
            return Err(bad(TRUNCATED));
        }
        let (body, stored_hash) = rest.split_at(body_len);
        let mut hashed = Vec::with_capacity(PREAMBLE_LEN + body_len);
        hashed.extend_from_slice(&pre);
        hashed.extend_from_slice(body);
        let hash = sha256(&hashed);
        if hash.as_slice() != stored_hash {
            return Err(bad("the backup header is damaged"));
        }
        let header = Self::parse_body(body, version)?;
        Ok((header, hash, (PREAMBLE_LEN + body_len + HASH_LEN) as u64))
    }

    fn parse_body(body: &[u8], format: u16) -> Result<Self> {
        let v1 = format == FORMAT_V1;
        let mut c = Cursor(body);
        let backup_id = c.array::<BACKUP_ID_LEN>()?;
        let vault_id = if v1 { Some(c.id()?) } else { None };
        let schema_version = c.u32()?;
        if schema_version == 0 {
            return Err(bad(MALFORMED));
        }
        if schema_version > schema::LATEST {
            return Err(HavenError::UnsupportedVersion {
                what: "vault schema".into(),
                found: schema_version,
                supported: schema::LATEST,
            });
        }
        let salt = c.array::<SALT_LEN>()?;
        if c.u32()? as usize != CHUNK_SIZE {
            return Err(bad(MALFORMED));
        }
        let chunk_count = c.u64()?;
        if !(1..=MAX_CHUNKS).contains(&chunk_count) {
            return Err(bad(MALFORMED));
        }
        let slot_count = c.u8()? as usize;
        if !(1..=MAX_SLOTS).contains(&slot_count) {
            return Err(bad(MALFORMED));
        }
        let mut slots = Vec::with_capacity(slot_count);
        let mut wraps = Vec::with_capacity(slot_count);
        for _ in 0..slot_count {
            let kind = SlotKind::from_code(c.u8()?).ok_or_else(|| bad(MALFORMED))?;
            let id = if v1 { Some(c.id()?) } else { None };
            let kdf = c.short()?;
            let salt = c.short()?.to_vec();
            let wrapped = c.short()?.to_vec();
            let kdf = match kind {
                SlotKind::Passphrase if !kdf.is_empty() => {
                    // Bounded here, before any key derivation: a crafted
                    // cost is refused at once, not after seconds of Argon2id.
                    crate::crypto::KdfParams::from_bytes(kdf)?;
                    Some(kdf.to_vec())
                }
                SlotKind::Recovery if kdf.is_empty() => None,
                // Device slots never travel; a malformed slot is refused.
                _ => return Err(bad(MALFORMED)),
            };
            match id {
                Some(id) => slots.push(StoredSlot {
                    id,
                    kind,
                    kdf,
                    salt,
                    wrapped,
                }),
                None => wraps.push(HeaderSlot {
                    kind,
                    kdf,
                    salt,
                    wrapped,
                }),
            }
        }
        if !c.0.is_empty() {
            return Err(bad(MALFORMED));
        }
        let slots = match vault_id {
            Some(vault_id) => HeaderSlots::V1 { vault_id, slots },
            None => HeaderSlots::V2(wraps),
        };
        Ok(Self {
            backup_id,
            schema_version,
            salt,
            chunk_count,
            slots,
        })
    }

    /// The exact file length this header promises, if representable.
    fn file_len(&self, header_len: u64) -> Option<u64> {
        self.chunk_count
            .checked_mul(SEALED_CHUNK_LEN as u64)?
            .checked_add(header_len)
    }
}

/// A bounds-checked reader over the header body.
struct Cursor<'a>(&'a [u8]);

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.0.len() < n {
            return Err(bad(MALFORMED));
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn short(&mut self) -> Result<&'a [u8]> {
        let n = self.u8()? as usize;
        self.take(n)
    }

    /// A random id: 1 to 64 ASCII letters and digits.
    fn id(&mut self) -> Result<String> {
        let raw = self.short()?;
        if raw.is_empty() || raw.len() > MAX_ID_LEN || !raw.iter().all(u8::is_ascii_alphanumeric) {
            return Err(bad(MALFORMED));
        }
        String::from_utf8(raw.to_vec()).map_err(|_| bad(MALFORMED))
    }
}

fn sha256(bytes: &[u8]) -> [u8; HASH_LEN] {
    let mut out = [0u8; HASH_LEN];
    out.copy_from_slice(digest(&SHA256, bytes).as_ref());
    out
}

/// Associated data of chunk `index`: binds it to this backup, this exact
/// header, its position and whether it is the last.
fn chunk_aad(header: &Header, header_hash: &[u8; HASH_LEN], index: u64) -> Vec<u8> {
    let last = index + 1 == header.chunk_count;
    let mut aad = Vec::with_capacity(CHUNK_DOMAIN.len() + BACKUP_ID_LEN + HASH_LEN + 9);
    aad.extend_from_slice(CHUNK_DOMAIN);
    aad.extend_from_slice(&header.backup_id);
    aad.extend_from_slice(header_hash);
    aad.extend_from_slice(&index.to_le_bytes());
    aad.push(u8::from(last));
    aad
}

fn backup_key(vault_key: &SecretKey, salt: &[u8; SALT_LEN]) -> Result<SecretKey> {
    Ok(hkdf_kek(vault_key.as_bytes(), salt, KEY_INFO)?)
}

/// Chunks needed for a snapshot of `snapshot_len` bytes.
fn chunks_for(snapshot_len: u64) -> Option<u64> {
    let stream = snapshot_len.checked_add(LEN_PREFIX as u64)?;
    Some(stream.div_ceil(CHUNK_SIZE as u64))
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(Internal::from(e).into()),
        }
    }
    Ok(filled)
}

/// The SQLite sidecar files of a database at `path`.
fn sidecars(path: &Path) -> [PathBuf; 3] {
    ["-wal", "-shm", "-journal"].map(|suffix| {
        let mut p = path.to_path_buf();
        p.as_mut_os_string().push(suffix);
        p
    })
}

/// What the snapshot holds, read after device slots were removed.
struct SnapshotFacts {
    slots: Vec<StoredSlot>,
    records_by_kind: Vec<KindCount>,
    schema_version: u32,
}

/// Turns the fresh `VACUUM INTO` copy into what travels: a single file in
/// rollback-journal mode (no `-wal` beside it) without device slots, its
/// vault state recording the slot table without them.
fn prepare_snapshot(path: &Path, vault_id: &str, keys: &integrity::Keys) -> Result<SnapshotFacts> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.query_row("PRAGMA journal_mode = DELETE", [], |r| {
        r.get::<_, String>(0)
    })?;
    conn.execute_batch(
        "PRAGMA secure_delete = ON;
         DELETE FROM key_slots WHERE kind = 'device';",
    )?;
    integrity::slots_changed(&conn, vault_id, keys)?;
    let slots = slots::load(&conn)?;
    // Kinds are stored as keyed tags (`records/layout.rs`): counted by
    // tag, named through the vault's keys.
    let by_tag = crate::records::layout::kinds_by_tag(keys);
    let mut counts = std::collections::BTreeMap::<String, u64>::new();
    let mut stmt = conn.prepare("SELECT tag, count(*) FROM records GROUP BY tag")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let tag = r.get_ref(0)?.as_blob().map_err(rusqlite::Error::from)?;
        let kind = <[u8; 8]>::try_from(tag)
            .ok()
            .and_then(|t| by_tag.get(&t).copied())
            .unwrap_or("unknown");
        *counts.entry(kind.to_string()).or_default() +=
            u64::try_from(r.get::<_, i64>(1)?).unwrap_or(0);
    }
    drop(rows);
    let records_by_kind = counts
        .into_iter()
        .map(|(kind, count)| KindCount { kind, count })
        .collect();
    drop(stmt);
    let schema_version = schema::version(&conn)?;
    conn.close().map_err(|(_, e)| HavenError::from(e))?;
    Ok(SnapshotFacts {
        slots,
        records_by_kind,
        schema_version,
    })
}

impl Vault {
    /// Writes an encrypted backup of the whole vault to `out` (which must
    /// not exist yet). Requires the vault to be unlocked. The file appears
    /// only once complete and fsynced; see the [module docs](crate::backup).
    /// Reports progress per chunk (pass [`Silent`](crate::Silent) for none);
    /// when `progress` asks to cancel, stops with `Cancelled` and writes
    /// nothing.
    pub fn create_backup(&self, out: &Path, progress: &dyn Progress) -> Result<BackupSummary> {
        progress.update("snapshot", 0.0);
        let mut file = NewFile::create(out, FileKind::Backup)?;
        let vault_dir = dir_of(self.path())?;
        let salt: [u8; SALT_LEN] = random_array()?;
        let backup_id: [u8; BACKUP_ID_LEN] = random_array()?;

        // The snapshot lives beside the vault (same protection, same disk)
        // and is removed when `snapshot` drops, whatever happens below.
        let (snapshot, key, vault_id, keys, wraps) = self.with_unlocked(|conn, scope| {
            let snapshot = leftovers::create(&vault_dir, leftovers::SNAPSHOT)?;
            let target = snapshot
                .path()
                .to_str()
                .ok_or_else(|| HavenError::invalid("the vault's folder name is not valid UTF-8"))?;
            conn.execute("VACUUM INTO ?1", [target])?;
            // The header's slots, wrapped for this backup alone (format 2),
            // from the same state the snapshot copied (the lock is held).
            let carried: Vec<StoredSlot> = slots::load(conn)?
                .into_iter()
                .filter(|s| s.kind != SlotKind::Device)
                .collect();
            let wraps = for_backup::header_slots(
                conn,
                scope.vault_id,
                scope.key,
                &carried,
                FORMAT_VERSION,
                &backup_id,
            )?
            .map(|w| (carried, w));
            Ok((
                snapshot,
                backup_key(scope.key, &salt)?,
                scope.vault_id.to_string(),
                integrity::Keys::derive(scope.key)?,
                wraps,
            ))
        })?;
        let facts = prepare_snapshot(snapshot.path(), &vault_id, &keys)?;
        if facts.slots.is_empty() {
            return Err(HavenError::invalid(
                "this vault has no passphrase or recovery key slot, so no backup of it could be opened",
            ));
        }
        let snapshot_len = snapshot.as_file().metadata().map_err(Internal::from)?.len();
        let chunk_count = chunks_for(snapshot_len)
            .filter(|n| *n <= MAX_CHUNKS)
            .ok_or_else(|| HavenError::invalid("the vault is too large to back up"))?;
        let slots = match wraps {
            Some((carried, wraps)) => {
                if carried != facts.slots {
                    return Err(
                        Internal::Crypto("the snapshot's slots differ from the vault's").into(),
                    );
                }
                HeaderSlots::V2(wraps)
            }
            // A slot from an older build has no backup KEK: format 1.
            None => HeaderSlots::V1 {
                vault_id,
                slots: facts.slots,
            },
        };
        let header = Header {
            backup_id,
            schema_version: facts.schema_version,
            salt,
            chunk_count,
            slots,
        };
        let (header_bytes, header_hash) = header.encode()?;

        {
            let mut src = BufReader::new(File::open(snapshot.path()).map_err(Internal::from)?);
            let mut w = BufWriter::new(file.file_mut());
            w.write_all(&header_bytes).map_err(Internal::from)?;
            let mut plain = vec![0u8; CHUNK_SIZE];
            let mut copied = 0u64;
            for index in 0..chunk_count {
                if progress.cancelled() {
                    return Err(HavenError::Cancelled);
                }
                progress.update("encrypt", 0.05 + 0.9 * index as f64 / chunk_count as f64);
                let start = if index == 0 {
                    plain[..LEN_PREFIX].copy_from_slice(&snapshot_len.to_le_bytes());
                    LEN_PREFIX
                } else {
                    0
                };
                let n = read_full(&mut src, &mut plain[start..])?;
                plain[start + n..].fill(0);
                copied += n as u64;
                let sealed = crypto::seal(&key, &chunk_aad(&header, &header_hash, index), &plain)?;
                if sealed.len() != SEALED_CHUNK_LEN {
                    return Err(Internal::Crypto("unexpected sealed chunk length").into());
                }
                w.write_all(&sealed).map_err(Internal::from)?;
            }
            if copied != snapshot_len || read_full(&mut src, &mut [0u8; 1])? != 0 {
                return Err(Internal::Crypto("the snapshot changed while it was read").into());
            }
            w.flush().map_err(Internal::from)?;
        }
        let bytes = file.finish()?;
        progress.update("done", 1.0);
        Ok(BackupSummary {
            backup_id: data_encoding::HEXLOWER.encode(&header.backup_id),
            records_by_kind: facts.records_by_kind,
            key_slots: header.slots.len() as u64,
            chunks: chunk_count,
            bytes,
        })
    }

    /// Restores `backup` into a new vault file at `target` (which must not
    /// exist) and returns it unlocked. Either the whole vault is restored and
    /// checked, or nothing is created: a wrong secret is
    /// `WrongPassphrase`/`WrongRecoveryKey`, a damaged, truncated or
    /// tampered file is [`HavenError::BadBackup`]. Reports progress (key
    /// derivation, then per chunk; pass [`Silent`](crate::Silent) for none);
    /// when `progress` asks to cancel, stops with `Cancelled` and creates
    /// nothing.
    pub fn restore_backup(
        backup: &Path,
        target: &Path,
        secret: RestoreSecret<'_>,
        progress: &dyn Progress,
    ) -> Result<Vault> {
        // Typos in the recovery key are reported before any file is read.
        let passphrase;
        let recovery;
        let opener = match secret {
            RestoreSecret::Passphrase(p) => {
                passphrase = Zeroizing::new(p.nfc().collect::<String>());
                SlotSecret::Passphrase(&passphrase)
            }
            RestoreSecret::RecoveryKey(text) => {
                recovery = RecoveryKey::parse(text)?;
                SlotSecret::Recovery(&recovery)
            }
        };

        let file = File::open(backup).map_err(|e| match e.kind() {
            ErrorKind::NotFound => HavenError::not_found("backup", &backup.display().to_string()),
            _ => Internal::from(e).into(),
        })?;
        let file_len = file.metadata().map_err(Internal::from)?.len();
        let mut reader = BufReader::with_capacity(SEALED_CHUNK_LEN, file);
        let (header, header_hash, header_len) = Header::read(&mut reader)?;
        match header.file_len(header_len) {
            Some(expected) if file_len < expected => return Err(bad(TRUNCATED)),
            Some(expected) if file_len > expected => {
                return Err(bad("the backup has unexpected data after its end"))
            }
            Some(_) => {}
            None => return Err(bad(MALFORMED)),
        }

        if target.exists() || sidecars(target).iter().any(|p| p.exists()) {
            return Err(already_exists(FileKind::Vault, target));
        }

        progress.update("derive_key", 0.0);
        let vault_key = match &header.slots {
            HeaderSlots::V1 { vault_id, slots } => {
                slots::unwrap_from(slots, vault_id, &opener, progress)?
            }
            HeaderSlots::V2(wraps) => for_backup::unwrap_header(
                wraps,
                FORMAT_VERSION,
                &header.backup_id,
                &opener,
                progress,
            )?,
        };
        let key = backup_key(&vault_key, &header.salt)?;

        let mut file = NewFile::create(target, FileKind::Vault)?;
        decrypt_chunks(
            &mut reader,
            &header,
            &header_hash,
            &key,
            file.file_mut(),
            progress,
        )?;
        progress.update("check_key", 0.95);
        check_restored(file.temp_path(), &header, &vault_key)?;
        file.finish()?;

        // The file is now ours and whole; if it still fails to open, take it
        // back out so the person is not left with a vault that will not open.
        let opened = Vault::open(target).and_then(|v| {
            v.unlock_with_vault_key(vault_key)?;
            Ok(v)
        });
        if opened.is_err() {
            let _ = std::fs::remove_file(target);
            for p in sidecars(target) {
                let _ = std::fs::remove_file(p);
            }
        } else {
            progress.update("done", 1.0);
        }
        opened
    }
}

fn random_array<const N: usize>() -> Result<[u8; N]> {
    let mut a = [0u8; N];
    crypto::keys::fill(&mut a)?;
    Ok(a)
}

/// Opens and authenticates every chunk in order, writing the snapshot to
/// `out`. Stops at the first chunk that fails.
fn decrypt_chunks(
    reader: &mut impl Read,
    header: &Header,
    header_hash: &[u8; HASH_LEN],
    key: &SecretKey,
    out: &mut impl Write,
    progress: &dyn Progress,
) -> Result<()> {
    let mut w = BufWriter::new(out);
    let mut sealed = vec![0u8; SEALED_CHUNK_LEN];
    let mut remaining = 0u64;
    for index in 0..header.chunk_count {
        if progress.cancelled() {
            return Err(HavenError::Cancelled);
        }
        progress.update(
            "decrypt",
            0.1 + 0.85 * index as f64 / header.chunk_count as f64,
        );
        if read_full(reader, &mut sealed)? < SEALED_CHUNK_LEN {
            return Err(bad(TRUNCATED));
        }
        let plain = crypto::open(key, &chunk_aad(header, header_hash, index), &sealed)
            .map_err(|_| {
                bad("part of the backup failed authentication: it is damaged or has been tampered with")
            })?;
        if plain.len() != CHUNK_SIZE {
            return Err(bad(MALFORMED));
        }
        let data = if index == 0 {
            let mut len = [0u8; LEN_PREFIX];
            len.copy_from_slice(&plain[..LEN_PREFIX]);
            remaining = u64::from_le_bytes(len);
            // Canonical: exactly as many chunks as the length needs.
            if chunks_for(remaining) != Some(header.chunk_count) {
                return Err(bad(MALFORMED));
            }
            &plain[LEN_PREFIX..]
        } else {
            &plain[..]
        };
        let take = usize::try_from(remaining)
            .unwrap_or(usize::MAX)
            .min(data.len());
        let (payload, padding) = data.split_at(take);
        if padding.iter().any(|b| *b != 0) {
            return Err(bad(MALFORMED));
        }
        w.write_all(payload).map_err(Internal::from)?;
        remaining -= take as u64;
    }
    if remaining != 0 {
        return Err(bad(TRUNCATED));
    }
    if read_full(reader, &mut [0u8; 1])? != 0 {
        return Err(bad("the backup has unexpected data after its end"));
    }
    w.flush().map_err(Internal::from)?;
    Ok(())
}

/// Checks the decrypted database before it is put in place. Opened read-only
/// (the snapshot is in rollback-journal mode, so nothing is created beside it).
fn check_restored(path: &Path, header: &Header, vault_key: &SecretKey) -> Result<()> {
    const FAILED: &str = "the restored vault failed its checks";
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|_| bad(FAILED))?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|_| bad(FAILED))?;
    if integrity != "ok" {
        return Err(bad(FAILED));
    }
    let version = schema::version(&conn).map_err(|_| bad(FAILED))?;
    if version != header.schema_version {
        return Err(bad(FAILED));
    }
    let vault_id = vault::meta(&conn, "vault_id")
        .map_err(|_| bad(FAILED))?
        .and_then(|v| String::from_utf8(v).ok())
        .ok_or_else(|| bad(FAILED))?;
    vault::check_canary(&conn, &vault_id, vault_key).map_err(|_| bad(FAILED))?;
    let stored = slots::load(&conn).map_err(|_| bad(FAILED))?;
    let matches = match &header.slots {
        HeaderSlots::V1 {
            vault_id: header_vault,
            slots,
        } => *header_vault == vault_id && stored == *slots,
        // Format 2 names no slot: the kinds and costs must line up.
        HeaderSlots::V2(wraps) => {
            stored.len() == wraps.len()
                && stored
                    .iter()
                    .zip(wraps)
                    .all(|(s, w)| s.kind == w.kind && s.kdf == w.kdf)
        }
    };
    if !matches {
        return Err(bad(FAILED));
    }
    slots::check_kdf_params(&conn)?;
    conn.close().map_err(|_| bad(FAILED))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KdfParams;

    const PASS: &str = "correct horse battery staple";

    fn vault_in(dir: &Path) -> Vault {
        Vault::create(&dir.join("vault.db"), PASS, KdfParams::minimum_for_tests())
            .unwrap()
            .0
    }

    #[test]
    fn records_of_every_kind_travel_without_this_module_knowing_them() {
        let dir = tempfile::tempdir().unwrap();
        let vault = vault_in(dir.path());
        vault
            .add_entry(crate::Draft {
                text: "an entry".into(),
                ..Default::default()
            })
            .unwrap();
        // Rows of other kinds, written through the record layer alone (their
        // features never see them): the backup carries them all the same.
        vault
            .with_unlocked(|conn, scope| {
                for (kind, n) in [("share_follow", 3), ("warning_sign_link", 2)] {
                    for i in 0..n {
                        let id = crypto::random_id()?;
                        scope.insert(conn, kind, &id, format!("{kind} v1 {i}").as_bytes())?;
                        scope.update(conn, kind, &id, format!("{kind} v2 {i}").as_bytes())?;
                    }
                }
                Ok(())
            })
            .unwrap();
        let backup = dir.path().join("b");
        let summary = vault.create_backup(&backup, &crate::Silent).unwrap();
        let expected: Vec<KindCount> = [
            ("journal", 1),
            ("share_follow", 3),
            ("warning_sign_link", 2),
        ]
        .into_iter()
        .map(|(kind, count)| KindCount {
            kind: kind.into(),
            count,
        })
        .collect();
        assert_eq!(summary.records_by_kind, expected);

        let device = tempfile::tempdir().unwrap();
        let restored = Vault::restore_backup(
            &backup,
            &device.path().join("vault.db"),
            RestoreSecret::Passphrase(PASS),
            &crate::Silent,
        )
        .unwrap();
        let report = restored.verify().unwrap();
        assert!(report.is_intact());
        assert_eq!(report.intact_by_kind, expected);
        let mut originals = vault
            .with_unlocked(|conn, scope| {
                crate::records::everything(conn)?
                    .iter()
                    .map(|(k, row)| Ok((row.id.clone(), row.revision, scope.open(k, row)?)))
                    .collect::<Result<Vec<_>>>()
            })
            .unwrap();
        let mut copies = restored
            .with_unlocked(|conn, scope| {
                crate::records::everything(conn)?
                    .iter()
                    .map(|(k, row)| Ok((row.id.clone(), row.revision, scope.open(k, row)?)))
                    .collect::<Result<Vec<_>>>()
            })
            .unwrap();
        originals.sort_by(|a, b| a.0.cmp(&b.0));
        copies.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(originals, copies);
    }

    /// The chunk reader refuses short and reordered streams by itself, not
    /// only because restore checks the file length first.
    #[test]
    fn chunk_stream_refuses_truncation_without_the_length_check() {
        let dir = tempfile::tempdir().unwrap();
        let vault = vault_in(dir.path());
        for i in 0..30 {
            vault
                .add_entry(crate::Draft {
                    text: format!("{i} {}", "x".repeat(6000)),
                    ..Default::default()
                })
                .unwrap();
        }
        let backup = dir.path().join("b");
        vault.create_backup(&backup, &crate::Silent).unwrap();
        let bytes = std::fs::read(&backup).unwrap();
        let (header, hash, header_len) = Header::read(&mut bytes.as_slice()).unwrap();
        assert!(header.chunk_count >= 3);
        let HeaderSlots::V2(wraps) = &header.slots else {
            panic!("a new vault writes format 2");
        };
        let vault_key = for_backup::unwrap_header(
            wraps,
            FORMAT_VERSION,
            &header.backup_id,
            &SlotSecret::Passphrase(PASS),
            &crate::Silent,
        )
        .unwrap();
        let key = backup_key(&vault_key, &header.salt).unwrap();
        let chunks = &bytes[header_len as usize..];
        let run = |stream: &[u8]| {
            let mut out = tempfile::tempfile().unwrap();
            decrypt_chunks(
                &mut &stream[..],
                &header,
                &hash,
                &key,
                &mut out,
                &crate::Silent,
            )
        };
        run(chunks).unwrap();
        for cut in [
            0,
            1,
            SEALED_CHUNK_LEN,
            SEALED_CHUNK_LEN + 7,
            chunks.len() - 1,
        ] {
            assert_eq!(
                run(&chunks[..cut]).unwrap_err(),
                HavenError::bad_backup(TRUNCATED),
                "cut at {cut}"
            );
        }
        let mut swapped = chunks.to_vec();
        let (a, b) = swapped.split_at_mut(SEALED_CHUNK_LEN);
        a.swap_with_slice(&mut b[..SEALED_CHUNK_LEN]);
        assert!(matches!(
            run(&swapped).unwrap_err(),
            HavenError::BadBackup { .. }
        ));
        let mut longer = chunks.to_vec();
        longer.push(0);
        assert!(matches!(
            run(&longer).unwrap_err(),
            HavenError::BadBackup { .. }
        ));
    }

    fn v1_slots() -> Vec<StoredSlot> {
        vec![
            StoredSlot {
                id: "cd".repeat(16),
                kind: SlotKind::Passphrase,
                kdf: Some(KdfParams::minimum_for_tests().to_bytes()),
                salt: vec![3; 16],
                wrapped: vec![4; 61],
            },
            StoredSlot {
                id: "ef".repeat(16),
                kind: SlotKind::Recovery,
                kdf: None,
                salt: vec![5; 16],
                wrapped: vec![6; 61],
            },
        ]
    }

    /// A format-1 header (vault id and slot ids).
    fn sample_header() -> Header {
        Header {
            backup_id: [1; BACKUP_ID_LEN],
            schema_version: schema::LATEST,
            salt: [2; SALT_LEN],
            chunk_count: 3,
            slots: HeaderSlots::V1 {
                vault_id: "ab".repeat(16),
                slots: v1_slots(),
            },
        }
    }

    /// The same header in format 2 (no ids).
    fn sample_v2_header() -> Header {
        Header {
            slots: HeaderSlots::V2(
                v1_slots()
                    .into_iter()
                    .map(|s| HeaderSlot {
                        kind: s.kind,
                        kdf: s.kdf,
                        salt: s.salt,
                        wrapped: s.wrapped,
                    })
                    .collect(),
            ),
            ..sample_header()
        }
    }

    fn v1_parts(h: &mut Header) -> (&mut String, &mut Vec<StoredSlot>) {
        match &mut h.slots {
            HeaderSlots::V1 { vault_id, slots } => (vault_id, slots),
            HeaderSlots::V2(_) => panic!("format 1 expected"),
        }
    }

    fn reparse(h: &Header) -> Result<Header> {
        let (bytes, _) = h.encode()?;
        Header::read(&mut bytes.as_slice()).map(|(h, _, _)| h)
    }

    #[test]
    fn header_round_trips_and_refuses_out_of_bounds_values() {
        for h in [sample_header(), sample_v2_header()] {
            let back = reparse(&h).unwrap();
            assert_eq!(back.slots, h.slots);
            assert_eq!(back.chunk_count, 3);
        }

        let mut cases: Vec<Header> = Vec::new();
        for count in [0, MAX_CHUNKS + 1, u64::MAX] {
            let mut h = sample_header();
            h.chunk_count = count;
            cases.push(h);
        }
        let mut h = sample_header();
        v1_parts(&mut h).1.clear();
        cases.push(h);
        cases.push(Header {
            slots: HeaderSlots::V2(Vec::new()),
            ..sample_header()
        });
        let mut h = sample_header();
        v1_parts(&mut h).1[0].kind = SlotKind::Device;
        cases.push(h);
        let mut h = sample_header();
        v1_parts(&mut h).1[0].kdf = None;
        cases.push(h);
        let mut h = sample_header();
        v1_parts(&mut h).1[1].kdf = Some(vec![1; 12]);
        cases.push(h);
        let mut h = sample_header();
        *v1_parts(&mut h).0 = "not hex!".into();
        cases.push(h);
        let mut h = sample_header();
        *v1_parts(&mut h).0 = String::new();
        cases.push(h);
        let mut h = sample_header();
        h.schema_version = 0;
        cases.push(h);
        for (i, h) in cases.iter().enumerate() {
            assert!(
                matches!(reparse(h), Err(HavenError::BadBackup { .. })),
                "case {i}"
            );
        }
        // A cost no build ever wrote (issue 9: 1 GiB, 16 passes) is refused
        // while parsing, before any derivation.
        let huge = KdfParams {
            memory_kib: 1024 * 1024,
            iterations: 16,
            parallelism: 1,
        }
        .to_bytes();
        let mut costly = sample_header();
        v1_parts(&mut costly).1[0].kdf = Some(huge.clone());
        assert!(matches!(
            reparse(&costly),
            Err(HavenError::KdfParamsOutOfBounds)
        ));
        let mut costly = sample_v2_header();
        if let HeaderSlots::V2(w) = &mut costly.slots {
            w[0].kdf = Some(huge);
        }
        assert!(matches!(
            reparse(&costly),
            Err(HavenError::KdfParamsOutOfBounds)
        ));
        let mut newer = sample_header();
        newer.schema_version = schema::LATEST + 1;
        assert!(matches!(
            reparse(&newer),
            Err(HavenError::UnsupportedVersion { .. })
        ));
        let mut too_many = sample_header();
        let (_, slots) = v1_parts(&mut too_many);
        *slots = vec![slots[1].clone(); MAX_SLOTS + 1];
        assert_eq!(
            reparse(&too_many).err(),
            Some(HavenError::bad_backup(MALFORMED))
        );
    }
}
