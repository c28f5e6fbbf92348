//! The public vault: create, open, unlock three ways, lock, change passphrase,
//! recover, manage key slots, verify. Feature modules (`journal`, ...) add
//! their methods to [`Vault`] through [`Vault::with_unlocked`].
//!
//! One `Vault` may be shared between threads (`Arc<Vault>`): the connection
//! and the key live behind one mutex, so calls are serialised and each write
//! is one SQLite transaction.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::changes::{SharedTags, WatchedTags};
use crate::crypto::{self, KdfParams, RecoveryKey, SecretKey};
use crate::db;
use crate::error::{HavenError, Internal, Result};
use crate::files::{already_exists, FileKind};
use crate::integrity::{self, Keys};
use crate::leftovers;
use crate::progress::{Progress, Silent};
use crate::records::{self, Scope};
use crate::schema;
use crate::slots::{self, SlotInfo, SlotKind, SlotSecret};

const CANARY: &[u8] = b"haven vault canary v1";
/// Shortest passphrase accepted, in characters.
pub const MIN_PASSPHRASE_CHARS: usize = 8;
/// Longest passphrase accepted, in bytes.
pub const MAX_PASSPHRASE_BYTES: usize = 1024;

/// An encrypted vault on disk. Starts locked after [`Vault::open`].
pub struct Vault {
    path: PathBuf,
    inner: Mutex<Inner>,
    /// The journal's and documents' kind tags for change watchers, set on
    /// unlock (`changes.rs`).
    tags: SharedTags,
}

struct Inner {
    conn: Connection,
    vault_id: String,
    key: Option<Unlocked>,
    held: Option<Arc<dyn EpochStore>>,
    accept_rollback: bool,
    /// What the last unlock refused as rolled back, until one succeeds.
    rollback: Option<Rollback>,
}

/// A vault file older than the epoch held outside it, as the last unlock
/// found it ([`Vault::pending_rollback`]): the figures of
/// [`HavenError::RolledBack`], kept for apps whose error types carry only
/// a message (the bindings' flat errors, ADR 0007).
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rollback {
    /// The epoch held outside the file (the newest this device has seen).
    pub held: u64,
    /// The epoch found in the file.
    pub found: u64,
}

/// What an unlocked vault holds: the vault key and its integrity subkeys.
struct Unlocked {
    key: SecretKey,
    integrity: Keys,
}

/// Where the newest epoch of a vault is kept outside its file (the
/// platform key store in the apps, a small state file beside the vault in
/// the CLI), so that a whole file swapped for an older copy is caught
/// ([`HavenError::RolledBack`]). Implementations must be quick: `store` is
/// called after every write.
pub trait EpochStore: Send + Sync {
    /// The epoch held for `vault_id`, if any.
    fn load(&self, vault_id: &str) -> Result<Option<u64>>;
    /// Holds `epoch` for `vault_id` (replacing what was held).
    fn store(&self, vault_id: &str, epoch: u64) -> Result<()>;
}

/// How many records of one kind.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindCount {
    /// Record kind (`journal`, ...).
    pub kind: String,
    /// How many.
    pub count: u64,
}

/// What [`Vault::verify`] found.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Records that authenticated, per kind, sorted by kind.
    pub intact_by_kind: Vec<KindCount>,
    /// Ids of records that failed to authenticate.
    pub damaged: Vec<String>,
    /// Number of key slots.
    pub key_slots: u64,
    /// Whether SQLite's own integrity check passed.
    pub database_ok: bool,
}

impl VerifyReport {
    /// True when every record authenticated and the file is sound.
    pub fn is_intact(&self) -> bool {
        self.damaged.is_empty() && self.database_ok
    }

    /// Total records that authenticated.
    pub fn intact(&self) -> u64 {
        self.intact_by_kind.iter().map(|k| k.count).sum()
    }
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// NFC-normalises a passphrase (so the same words typed on two keyboards
/// match) and checks its length without ever quoting it.
pub(crate) fn normalise_passphrase(p: &str) -> Result<Zeroizing<String>> {
    let n = Zeroizing::new(p.nfc().collect::<String>());
    if n.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(HavenError::invalid(format!(
            "the passphrase must be at least {MIN_PASSPHRASE_CHARS} characters"
        )));
    }
    if n.len() > MAX_PASSPHRASE_BYTES {
        return Err(HavenError::invalid(format!(
            "the passphrase must be at most {MAX_PASSPHRASE_BYTES} bytes"
        )));
    }
    Ok(n)
}

fn canary_aad(vault_id: &str) -> Vec<u8> {
    [b"haven-canary-v1:".as_slice(), vault_id.as_bytes()].concat()
}

/// The canary sealed under `key`.
pub(crate) fn seal_canary(vault_id: &str, key: &SecretKey) -> Result<Vec<u8>> {
    Ok(crypto::seal(key, &canary_aad(vault_id), CANARY)?)
}

/// Checks that `key` opens the vault's canary: a wrong key and a damaged
/// canary both come back as `Corrupt { record_id: Some("canary") }`.
pub(crate) fn check_canary(conn: &Connection, vault_id: &str, key: &SecretKey) -> Result<()> {
    let canary = meta(conn, "canary")?.unwrap_or_default();
    match crypto::open(key, &canary_aad(vault_id), &canary) {
        Ok(c) if c == CANARY => Ok(()),
        _ => Err(HavenError::Corrupt {
            record_id: Some("canary".into()),
        }),
    }
}

/// One row of `meta`, if present.
pub(crate) fn meta(conn: &Connection, key: &str) -> std::result::Result<Option<Vec<u8>>, Internal> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
            r.get(0)
        })
        .optional()?)
}

impl Vault {
    /// Creates a new vault at `path` (refusing to overwrite anything there),
    /// protected by `passphrase` with `kdf` cost. Returns the vault, unlocked,
    /// and the recovery key, which must be shown to the person once.
    pub fn create(path: &Path, passphrase: &str, kdf: KdfParams) -> Result<(Self, RecoveryKey)> {
        Self::create_progress(path, passphrase, kdf, &Silent)
    }

    /// [`Vault::create`], reporting the steps `derive_passphrase_key`,
    /// `derive_recovery_key` and `done` to `progress`. Cancelling (checked
    /// between steps) removes the half-made file and returns `Cancelled`.
    pub fn create_progress(
        path: &Path,
        passphrase: &str,
        kdf: KdfParams,
        progress: &dyn Progress,
    ) -> Result<(Self, RecoveryKey)> {
        let passphrase = normalise_passphrase(passphrase)?;
        kdf.check()?;
        // create_new claims the path atomically: no race with another creator.
        // Owner-only (0600); SQLite gives the WAL and shared-memory files
        // the database file's mode.
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => already_exists(FileKind::Vault, path),
            _ => Internal::from(e).into(),
        })?;
        let built = Self::initialise(path, &passphrase, kdf, progress);
        if built.is_err() {
            // Only our own empty or half-made file is removed, never another.
            let _ = std::fs::remove_file(path);
        }
        built
    }

    fn initialise(
        path: &Path,
        passphrase: &str,
        kdf: KdfParams,
        progress: &dyn Progress,
    ) -> Result<(Self, RecoveryKey)> {
        let step = |code: &str, fraction: f64| {
            if progress.cancelled() {
                return Err(HavenError::Cancelled);
            }
            progress.update(code, fraction);
            Ok(())
        };
        let mut conn = db::open(path, true)?;
        schema::migrate(&mut conn)?;
        let vault_id = crypto::random_id()?;
        let key = SecretKey::generate()?;
        let recovery = RecoveryKey::generate()?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('vault_id', ?1)",
            params![vault_id.as_bytes()],
        )?;
        let canary = seal_canary(&vault_id, &key)?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('canary', ?1)",
            params![canary],
        )?;
        step("derive_passphrase_key", 0.05)?;
        slots::add(
            &tx,
            &vault_id,
            &key,
            &SlotSecret::Passphrase(passphrase),
            kdf,
        )?;
        step("derive_recovery_key", 0.5)?;
        slots::add(&tx, &vault_id, &key, &SlotSecret::Recovery(&recovery), kdf)?;
        let integrity = Keys::derive(&key)?;
        upgrade_layout(&tx, &integrity)?;
        integrity::establish(&tx, &vault_id, &integrity)?;
        step("done", 1.0)?;
        tx.commit()?;
        // The WAL still holds the pages of the version-3 table the
        // rebuild replaced (and their kind names): checkpoint them away.
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        records::layout::install(&conn, &integrity)?;
        let vault = Self {
            tags: Arc::new(Mutex::new(Some(watched(&integrity)))),
            path: path.to_path_buf(),
            inner: Mutex::new(Inner {
                conn,
                vault_id,
                key: Some(Unlocked { key, integrity }),
                held: None,
                accept_rollback: false,
                rollback: None,
            }),
        };
        Ok((vault, recovery))
    }

    /// Opens an existing vault, locked. Applies pending schema migrations.
    pub fn open(path: &Path) -> Result<Self> {
        if !path.exists() {
            return Err(HavenError::not_found("vault", &path.display().to_string()));
        }
        let mut conn = db::open(path, false)?;
        if schema::version(&conn)? == 0 {
            return Err(HavenError::invalid("that file is not a Haven vault"));
        }
        schema::migrate(&mut conn)?;
        // A backup or restore killed mid-way may have left a copy of a
        // vault beside this one (see leftovers.rs).
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        leftovers::remove_stale(dir, leftovers::SNAPSHOT);
        leftovers::remove_stale(dir, leftovers::RESTORE);
        let vault_id = meta(&conn, "vault_id")?
            .and_then(|v| String::from_utf8(v).ok())
            .ok_or_else(|| HavenError::Corrupt {
                record_id: Some("vault_id".into()),
            })?;
        slots::check_kdf_params(&conn)?;
        Ok(Self {
            tags: SharedTags::default(),
            path: path.to_path_buf(),
            inner: Mutex::new(Inner {
                conn,
                vault_id,
                key: None,
                held: None,
                accept_rollback: false,
                rollback: None,
            }),
        })
    }

    /// The vault's random id (stable for its life; names it in key stores).
    pub fn id(&self) -> String {
        self.inner().vault_id.clone()
    }

    /// The file this vault lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The kind tags change watchers classify rows by (`changes.rs`).
    pub(crate) fn watched_tags(&self) -> SharedTags {
        Arc::clone(&self.tags)
    }

    fn set_tags(&self, keys: &Keys) {
        *self.tags.lock().unwrap_or_else(|p| p.into_inner()) = Some(watched(keys));
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        // A panic while holding the lock cannot leave a half-written
        // transaction (SQLite rolls back on drop), so poisoning is ignored.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn unlock(&self, opener: &SlotSecret<'_>, progress: &dyn Progress) -> Result<()> {
        let (vault_id, rows) = {
            let inner = self.inner();
            (inner.vault_id.clone(), slots::load(&inner.conn)?)
        };
        progress.update("derive_key", 0.0);
        let key = slots::unwrap_from(&rows, &vault_id, opener, progress)?;
        progress.update("check_key", 0.9);
        self.admit(key)?;
        progress.update("unlocked", 1.0);
        Ok(())
    }

    /// Unlocks with a vault key obtained elsewhere (a backup's slots).
    pub(crate) fn unlock_with_vault_key(&self, key: SecretKey) -> Result<()> {
        self.admit(key)
    }

    /// Keeps `key` if it opens the canary, the file matches its vault state
    /// (`integrity.rs`) and the state is not older than the epoch held
    /// outside the file. Otherwise the vault stays locked and nothing is
    /// written.
    fn admit(&self, key: SecretKey) -> Result<()> {
        let mut guard = self.inner();
        let inner = &mut *guard;
        check_canary(&inner.conn, &inner.vault_id, &key)?;
        let keys = Keys::derive(&key)?;
        let state = integrity::check(&mut inner.conn, &inner.vault_id, &keys)?;
        let mut found = state.epoch();
        let held = match &inner.held {
            Some(store) => store.load(&inner.vault_id)?,
            None => None,
        };
        if let Some(held) = held {
            if held > found && !inner.accept_rollback {
                inner.rollback = Some(Rollback { held, found });
                return Err(HavenError::RolledBack { held, found });
            }
        }
        if schema::version(&inner.conn)? < schema::LATEST {
            found = migrate_layout(&mut inner.conn, &inner.vault_id, &keys, state)?;
        }
        if let (Some(store), false) = (&inner.held, held == Some(found)) {
            store.store(&inner.vault_id, found)?;
        }
        records::layout::install(&inner.conn, &keys)?;
        self.set_tags(&keys);
        inner.accept_rollback = false;
        inner.rollback = None;
        inner.key = Some(Unlocked {
            key,
            integrity: keys,
        });
        Ok(())
    }

    /// Keeps the newest epoch of this vault in `store` from now on, and
    /// checks it on every unlock (a file older than what `store` holds is
    /// [`HavenError::RolledBack`]). If the vault is unlocked, the store is
    /// brought up to date at once.
    pub fn set_epoch_store(&self, store: Arc<dyn EpochStore>) -> Result<()> {
        let mut guard = self.inner();
        let inner = &mut *guard;
        if let Some(u) = &inner.key {
            let found = integrity::load(&inner.conn, &inner.vault_id, &u.integrity)?
                .map(|s| s.epoch())
                .unwrap_or(0);
            if store.load(&inner.vault_id)?.is_none_or(|held| held < found) {
                store.store(&inner.vault_id, found)?;
            }
        }
        inner.held = Some(store);
        Ok(())
    }

    /// Lets the next unlock accept a file older than the epoch held outside
    /// it (the person restored an old copy on purpose); the held epoch then
    /// moves back to the file's. Never done silently: only this call allows
    /// it, for one unlock.
    pub fn accept_rollback(&self) {
        self.inner().accept_rollback = true;
    }

    /// The epochs of the last unlock refused with
    /// [`HavenError::RolledBack`] (held outside the file, found in it), so
    /// an app can show them before the person accepts the older file with
    /// [`Vault::accept_rollback`]. `None` when no unlock was refused that
    /// way, or once one has succeeded.
    pub fn pending_rollback(&self) -> Option<Rollback> {
        self.inner().rollback
    }

    /// Unlocks with the passphrase. `WrongPassphrase` leaves the file
    /// untouched. Reports key derivation to `progress` (pass
    /// [`Silent`](crate::Silent) for none) and stops with `Cancelled` (vault
    /// still locked) when asked.
    pub fn unlock_with_passphrase(&self, passphrase: &str, progress: &dyn Progress) -> Result<()> {
        let p = Zeroizing::new(passphrase.nfc().collect::<String>());
        self.unlock(&SlotSecret::Passphrase(&p), progress)
    }

    /// Unlocks with the recovery key (as printed; case, spaces and dashes forgiven).
    pub fn unlock_with_recovery_key(&self, recovery_key: &str) -> Result<()> {
        let key = RecoveryKey::parse(recovery_key)?;
        self.unlock(&SlotSecret::Recovery(&key), &Silent)
    }

    /// Unlocks with a 32-byte device key from the platform key store.
    pub fn unlock_with_device_key(&self, device_key: &[u8]) -> Result<()> {
        let key = device_secret(device_key)?;
        self.unlock(&SlotSecret::Device(&key), &Silent)
    }

    /// Forgets the vault key (zeroized on drop) and the kinds' layout.
    /// Idempotent.
    pub fn lock(&self) {
        let mut inner = self.inner();
        inner.key = None;
        records::layout::forget(&inner.conn);
    }

    /// Whether the vault key is held.
    pub fn is_unlocked(&self) -> bool {
        self.inner().key.is_some()
    }

    /// Runs `f` with the connection and the record scope; `Locked` if locked.
    /// When `f` wrote (and succeeded), the new epoch is handed to the epoch
    /// store, if any. A store that fails then is not an error of the write,
    /// which is committed: the held epoch lags and catches up on the next
    /// write or unlock.
    pub(crate) fn with_unlocked<T>(
        &self,
        f: impl FnOnce(&mut Connection, &Scope<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut guard = self.inner();
        let inner = &mut *guard;
        let unlocked = inner.key.as_ref().ok_or(HavenError::Locked)?;
        let scope = Scope::new(&unlocked.key, &inner.vault_id, &unlocked.integrity);
        let out = f(&mut inner.conn, &scope)?;
        let epoch = scope.epoch.load(std::sync::atomic::Ordering::Relaxed);
        if let (true, Some(store)) = (epoch > 0, &inner.held) {
            let _ = store.store(&inner.vault_id, epoch);
        }
        // An edit or delete leaves the old ciphertext in the WAL until a
        // checkpoint: take it out now (the write is committed, so a busy
        // checkpoint is retried by the next write, not an error).
        if scope.overwrote.load(std::sync::atomic::Ordering::Relaxed) && inner.conn.is_autocommit()
        {
            let _ = inner
                .conn
                .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
        Ok(out)
    }

    /// Runs `f` (which replaces the vault key in the file, see `rekey.rs`)
    /// with the connection and the current scope; when it succeeds, keeps
    /// the new key it returns and hands the new epoch to the epoch store.
    pub(crate) fn replacing_key(
        &self,
        f: impl FnOnce(&mut Connection, &Scope<'_>) -> Result<(SecretKey, Keys, u64)>,
    ) -> Result<()> {
        let mut guard = self.inner();
        let inner = &mut *guard;
        let unlocked = inner.key.as_ref().ok_or(HavenError::Locked)?;
        let scope = Scope::new(&unlocked.key, &inner.vault_id, &unlocked.integrity);
        let (key, integrity, epoch) = f(&mut inner.conn, &scope)?;
        records::layout::install(&inner.conn, &integrity)?;
        self.set_tags(&integrity);
        inner.key = Some(Unlocked { key, integrity });
        if let Some(store) = &inner.held {
            let _ = store.store(&inner.vault_id, epoch);
        }
        Ok(())
    }

    /// Replaces every passphrase slot with one for `new_passphrase` at the
    /// default cost ([`KdfParams::default`]), in one transaction. Only the
    /// vault key is rewrapped: the old passphrase stops opening this file,
    /// but any copy of the file or backup made before still opens with it
    /// (see [`Vault::rekey`]). The recovery key keeps working.
    pub fn change_passphrase(&self, new_passphrase: &str) -> Result<()> {
        self.change_passphrase_with_kdf(new_passphrase, KdfParams::default())
    }

    /// Like [`Vault::change_passphrase`] at cost `kdf` (at least the floor,
    /// 19 MiB and 2 passes, `KdfParams::is_within_bounds`). The cost is the caller's: never taken from a
    /// slot already in the file, which anyone able to write the file could
    /// have planted.
    pub fn change_passphrase_with_kdf(&self, new_passphrase: &str, kdf: KdfParams) -> Result<()> {
        let p = normalise_passphrase(new_passphrase)?;
        kdf.check()?;
        self.with_unlocked(|conn, scope| {
            let tx = conn.transaction()?;
            slots::remove_kind(&tx, SlotKind::Passphrase)?;
            slots::add(
                &tx,
                scope.vault_id,
                scope.key,
                &SlotSecret::Passphrase(&p),
                kdf,
            )?;
            scope.slots_changed(&tx)?;
            tx.commit()?;
            Ok(())
        })
    }

    /// Unlocks with the recovery key and sets a new passphrase.
    pub fn recover(&self, recovery_key: &str, new_passphrase: &str) -> Result<()> {
        normalise_passphrase(new_passphrase)?;
        self.unlock_with_recovery_key(recovery_key)?;
        self.change_passphrase(new_passphrase)
    }

    /// Adds a slot for a 32-byte device key; returns the slot id.
    pub fn add_device_key(&self, device_key: &[u8]) -> Result<String> {
        let dk = device_secret(device_key)?;
        self.with_unlocked(|conn, scope| {
            records::atomically(conn, || {
                let id = slots::add(
                    conn,
                    scope.vault_id,
                    scope.key,
                    &SlotSecret::Device(&dk),
                    KdfParams::default(),
                )?;
                scope.slots_changed(conn)?;
                Ok(id)
            })
        })
    }

    /// Generates a random 32-byte device key, adds a slot for it, and returns
    /// the slot id and the key, for the app to put in the platform key store.
    pub fn add_random_device_key(&self) -> Result<(String, Zeroizing<[u8; 32]>)> {
        let mut key = Zeroizing::new([0u8; 32]);
        crypto::keys::fill(key.as_mut())?;
        let slot = self.add_device_key(key.as_ref())?;
        Ok((slot, key))
    }

    /// Removes a key slot by id (never the last one).
    pub fn remove_key_slot(&self, slot_id: &str) -> Result<()> {
        self.with_unlocked(|conn, scope| {
            records::atomically(conn, || {
                slots::remove(conn, slot_id)?;
                scope.slots_changed(conn)
            })
        })
    }

    /// Lists the key slots (works while locked: they hold no secrets in the clear).
    pub fn key_slots(&self) -> Result<Vec<SlotInfo>> {
        slots::list(&self.inner().conn)
    }

    /// Checks the file against its vault state (`Integrity` if a record or
    /// slot was added, removed, replaced or rolled back), then authenticates
    /// every record and runs SQLite's integrity check.
    pub fn verify(&self) -> Result<VerifyReport> {
        self.with_unlocked(|conn, scope| {
            integrity::check(conn, scope.vault_id, scope.integrity)?;
            let mut by_kind = std::collections::BTreeMap::<String, u64>::new();
            let mut damaged = Vec::new();
            for (kind, row) in records::everything(conn)? {
                match scope.open(&kind, &row) {
                    Ok(_) => *by_kind.entry(kind).or_default() += 1,
                    Err(_) => damaged.push(row.id),
                }
            }
            let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
            Ok(VerifyReport {
                intact_by_kind: by_kind
                    .into_iter()
                    .map(|(kind, count)| KindCount { kind, count })
                    .collect(),
                damaged,
                key_slots: slots::list(conn)?.len() as u64,
                database_ok: check == "ok",
            })
        })
    }
}

fn watched(keys: &Keys) -> WatchedTags {
    use crate::records::layout::Layout;
    WatchedTags {
        journal: Layout::of(keys, crate::journal::KIND).tag,
        document: Layout::of(keys, crate::documents::DOCUMENT_KIND).tag,
    }
}

/// Builds the schema-version-4 `records` table (`records/layout.rs`) from
/// a version-3 one, in the caller's transaction, and sets the version.
/// Returns the new set digest and row count.
fn upgrade_layout(tx: &Connection, keys: &Keys) -> Result<([u8; 32], u64)> {
    let done = records::layout::rebuild(
        tx,
        records::layout::Source::V3,
        keys,
        keys,
        &mut |_, row| Ok((row.revision, row.body)),
        &mut |_| Ok(()),
    )?;
    tx.pragma_update(None, "user_version", schema::LATEST)?;
    Ok(done)
}

/// The first unlock of a file written before schema version 4 (its state
/// just checked): rebuilds `records` with keyed tags and windows, in one
/// transaction with the re-digested state at the next epoch; then
/// checkpoints, so the old table's pages leave the WAL too. Returns the
/// new epoch.
fn migrate_layout(
    conn: &mut Connection,
    vault_id: &str,
    keys: &Keys,
    state: integrity::State,
) -> Result<u64> {
    let tx = conn.transaction()?;
    let (digest, rows) = upgrade_layout(&tx, keys)?;
    let mut next = state;
    next.digest = digest;
    next.rows = rows;
    let epoch = integrity::advance(&tx, vault_id, keys, next)?;
    tx.commit()?;
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    Ok(epoch)
}

fn device_secret(bytes: &[u8]) -> Result<SecretKey> {
    let arr: [u8; 32] = bytes
        .try_into()
        .map_err(|_| HavenError::invalid("a device key must be exactly 32 bytes"))?;
    Ok(SecretKey::from_bytes(arr))
}
