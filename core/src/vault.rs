//! The public vault: create, open, unlock three ways, lock, change passphrase,
//! recover, manage key slots, verify. Feature modules (`journal`, ...) add
//! their methods to [`Vault`] through [`Vault::with_unlocked`].
//!
//! One `Vault` may be shared between threads (`Arc<Vault>`): the connection
//! and the key live behind one mutex, so calls are serialised and each write
//! is one SQLite transaction.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;
use zeroize::Zeroizing;

use crate::crypto::{self, KdfParams, RecoveryKey, SecretKey};
use crate::db;
use crate::error::{HavenError, Internal, Result};
use crate::files::{already_exists, FileKind};
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
}

struct Inner {
    conn: Connection,
    vault_id: String,
    key: Option<SecretKey>,
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
fn normalise_passphrase(p: &str) -> Result<Zeroizing<String>> {
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
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(|e| match e.kind() {
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
        let canary = crypto::seal(&key, &canary_aad(&vault_id), CANARY)?;
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
        step("done", 1.0)?;
        tx.commit()?;
        let vault = Self {
            path: path.to_path_buf(),
            inner: Mutex::new(Inner {
                conn,
                vault_id,
                key: Some(key),
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
            path: path.to_path_buf(),
            inner: Mutex::new(Inner {
                conn,
                vault_id,
                key: None,
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
        let mut inner = self.inner();
        check_canary(&inner.conn, &inner.vault_id, &key)?;
        inner.key = Some(key);
        progress.update("unlocked", 1.0);
        Ok(())
    }

    /// Unlocks with a vault key obtained elsewhere (a backup's slots), after
    /// checking it against the canary.
    pub(crate) fn unlock_with_vault_key(&self, key: SecretKey) -> Result<()> {
        let mut inner = self.inner();
        check_canary(&inner.conn, &inner.vault_id, &key)?;
        inner.key = Some(key);
        Ok(())
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

    /// Forgets the vault key (zeroized on drop). Idempotent.
    pub fn lock(&self) {
        self.inner().key = None;
    }

    /// Whether the vault key is held.
    pub fn is_unlocked(&self) -> bool {
        self.inner().key.is_some()
    }

    /// Runs `f` with the connection and the record scope; `Locked` if locked.
    pub(crate) fn with_unlocked<T>(
        &self,
        f: impl FnOnce(&mut Connection, &Scope<'_>) -> Result<T>,
    ) -> Result<T> {
        let mut guard = self.inner();
        let inner = &mut *guard;
        let key = inner.key.as_ref().ok_or(HavenError::Locked)?;
        let scope = Scope {
            key,
            vault_id: &inner.vault_id,
        };
        f(&mut inner.conn, &scope)
    }

    /// Replaces every passphrase slot with one for `new_passphrase`, in one
    /// transaction, keeping the current cost parameters. Only the vault key is
    /// rewrapped. The old passphrase stops working; the recovery key does not.
    pub fn change_passphrase(&self, new_passphrase: &str) -> Result<()> {
        let p = normalise_passphrase(new_passphrase)?;
        self.with_unlocked(|conn, scope| {
            let kdf = current_kdf(conn)?.unwrap_or_default();
            let tx = conn.transaction()?;
            slots::remove_kind(&tx, SlotKind::Passphrase)?;
            slots::add(
                &tx,
                scope.vault_id,
                scope.key,
                &SlotSecret::Passphrase(&p),
                kdf,
            )?;
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
            slots::add(
                conn,
                scope.vault_id,
                scope.key,
                &SlotSecret::Device(&dk),
                KdfParams::default(),
            )
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
        self.with_unlocked(|conn, _| slots::remove(conn, slot_id))
    }

    /// Lists the key slots (works while locked: they hold no secrets in the clear).
    pub fn key_slots(&self) -> Result<Vec<SlotInfo>> {
        slots::list(&self.inner().conn)
    }

    /// Authenticates every record and runs SQLite's integrity check.
    pub fn verify(&self) -> Result<VerifyReport> {
        self.with_unlocked(|conn, scope| {
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

fn device_secret(bytes: &[u8]) -> Result<SecretKey> {
    let arr: [u8; 32] = bytes
        .try_into()
        .map_err(|_| HavenError::invalid("a device key must be exactly 32 bytes"))?;
    Ok(SecretKey::from_bytes(arr))
}

fn current_kdf(conn: &Connection) -> Result<Option<KdfParams>> {
    let stored: Option<Option<Vec<u8>>> = conn
        .query_row(
            "SELECT kdf FROM key_slots WHERE kind = 'passphrase' ORDER BY created_seq DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    Ok(stored
        .flatten()
        .map(|b| KdfParams::from_bytes(&b))
        .transpose()?)
}
