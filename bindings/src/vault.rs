//! The vault object the apps hold: create, open, unlock, lock, passphrase,
//! recovery, key slots, verify. Safe to call from many threads.

use std::path::PathBuf;
use std::sync::Arc;

use haven_core::{HavenError, KdfParams, SlotInfo, Vault, VerifyReport};

use crate::guard::guard;
use crate::progress::{CancelToken, Observer, ProgressListener};

/// An encrypted vault on the device.
#[derive(uniffi::Object, Debug)]
pub struct HavenVault {
    pub(crate) vault: Vault,
}

impl HavenVault {
    pub(crate) fn wrap(vault: Vault) -> Self {
        Self { vault }
    }
}

/// A newly created vault and its recovery key (show it once, then forget it).
/// Its `toString`/`description` never shows the key.
#[derive(uniffi::Record)]
#[uniffi::export(Debug)]
pub struct CreatedVault {
    /// The vault, unlocked.
    pub vault: Arc<HavenVault>,
    /// The recovery key in its printed form.
    pub recovery_key: String,
}

impl std::fmt::Debug for CreatedVault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedVault")
            .field("vault", &self.vault)
            .field("recovery_key", &"<redacted>")
            .finish()
    }
}

impl CreatedVault {
    pub(crate) fn new(vault: Vault, recovery: &haven_core::RecoveryKey) -> Self {
        Self {
            vault: Arc::new(HavenVault::wrap(vault)),
            recovery_key: recovery.display().to_string(),
        }
    }
}

/// Creates a vault at `path` (never overwrites). Pass `KdfParams` from
/// [`default_kdf_params`] unless the device cannot afford 64 MiB.
#[uniffi::export]
pub fn create_vault(
    path: String,
    passphrase: String,
    kdf: KdfParams,
) -> Result<CreatedVault, HavenError> {
    guard(|| {
        let (vault, recovery) =
            Vault::create_progress(&PathBuf::from(path), &passphrase, kdf, &haven_core::Silent)?;
        Ok(CreatedVault::new(vault, &recovery))
    })
}

/// The default Argon2id cost (64 MiB, 3 passes, 1 lane).
#[uniffi::export]
pub fn default_kdf_params() -> KdfParams {
    KdfParams::default()
}

// No `minimum_kdf_params`: the floor is for tests (issue 9). An app on a
// device that cannot afford the default builds its own `KdfParams`, which
// `create_vault` refuses below the floor (19 MiB, 2 passes).

#[uniffi::export]
impl HavenVault {
    /// Opens an existing vault, locked.
    #[uniffi::constructor]
    pub fn open(path: String) -> Result<Arc<Self>, HavenError> {
        guard(|| {
            Ok(Arc::new(Self {
                vault: Vault::open(&PathBuf::from(path))?,
            }))
        })
    }

    /// The vault's random id.
    pub fn id(&self) -> String {
        self.vault.id()
    }

    /// Unlocks with the passphrase (Argon2id: slow on purpose). Reports
    /// progress to `listener`; `token` can cancel it from another thread.
    #[uniffi::method(default(listener = None, token = None))]
    pub fn unlock_with_passphrase(
        &self,
        passphrase: String,
        listener: Option<Arc<dyn ProgressListener>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<(), HavenError> {
        guard(|| {
            let observer = Observer { listener, token };
            self.vault.unlock_with_passphrase(&passphrase, &observer)
        })
    }

    /// Unlocks with the recovery key (case, spaces and dashes forgiven).
    pub fn unlock_with_recovery_key(&self, recovery_key: String) -> Result<(), HavenError> {
        guard(|| self.vault.unlock_with_recovery_key(&recovery_key))
    }

    /// Unlocks with 32 raw device-key bytes.
    pub fn unlock_with_device_key(&self, device_key: Vec<u8>) -> Result<(), HavenError> {
        guard(|| self.vault.unlock_with_device_key(&device_key))
    }

    /// Forgets the key (wiped from memory).
    pub fn lock(&self) {
        self.vault.lock();
    }

    /// Whether the vault is unlocked.
    pub fn is_unlocked(&self) -> bool {
        self.vault.is_unlocked()
    }

    /// Sets a new passphrase (vault must be unlocked) at cost `kdf`, or at
    /// the default cost when none is given; never at the cost of the slot
    /// it replaces, which anyone able to write the file could have planted.
    #[uniffi::method(default(kdf = None))]
    pub fn change_passphrase(
        &self,
        new_passphrase: String,
        kdf: Option<KdfParams>,
    ) -> Result<(), HavenError> {
        guard(|| {
            self.vault
                .change_passphrase_with_kdf(&new_passphrase, kdf.unwrap_or_default())
        })
    }

    /// Replaces the vault key: every record resealed under a new key in one
    /// transaction, the passphrase set to `new_passphrase` at cost `kdf`, a
    /// new recovery key returned (show it once). Old passphrases, recovery
    /// and device keys stop opening this vault (re-enable device unlock
    /// afterwards); old backups open with the secrets they were made under.
    /// Reports progress to `listener`; `token` cancels it, changing nothing.
    #[uniffi::method(default(listener = None, token = None))]
    pub fn rekey(
        &self,
        new_passphrase: String,
        kdf: KdfParams,
        listener: Option<Arc<dyn ProgressListener>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<String, HavenError> {
        guard(|| {
            let observer = Observer { listener, token };
            let recovery = self.vault.rekey(&new_passphrase, kdf, &observer)?;
            Ok(recovery.display().to_string())
        })
    }

    /// Unlocks with the recovery key and sets a new passphrase.
    pub fn recover(&self, recovery_key: String, new_passphrase: String) -> Result<(), HavenError> {
        guard(|| self.vault.recover(&recovery_key, &new_passphrase))
    }

    /// The key slots (no secrets).
    pub fn key_slots(&self) -> Result<Vec<SlotInfo>, HavenError> {
        guard(|| self.vault.key_slots())
    }

    /// Removes a key slot (never the last).
    pub fn remove_key_slot(&self, slot_id: String) -> Result<(), HavenError> {
        guard(|| self.vault.remove_key_slot(&slot_id))
    }

    /// Authenticates every record.
    pub fn verify(&self) -> Result<VerifyReport, HavenError> {
        guard(|| self.vault.verify())
    }
}
