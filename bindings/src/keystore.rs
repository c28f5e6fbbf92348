//! The platform key store (Android Keystore, iOS Keychain), implemented by
//! the app. The core generates a random device key, hands it to the store
//! once, and asks for it back to unlock; it never stores it itself.
//!
//! The store reports failures as [`KeyStoreError`], defined here rather than
//! reusing `HavenError`: uniffi 0.32's Kotlin bindings cannot lower an error
//! type from another crate (haven-core) out of a callback method (the
//! generated vtable expects this crate's `RustBuffer`, and gets haven-core's;
//! see uniffi-rs#2392, fixed only for errors thrown *by* Rust). The core maps
//! it to `HavenError::Platform`, so the apps still catch one hierarchy.

use haven_core::HavenError;

use crate::guard::guard;
use crate::vault::HavenVault;

/// What the app's key store throws. Each case is handled differently by the
/// app, so each has its own variant: a cancelled biometric prompt is not a
/// lost key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum KeyStoreError {
    /// The person dismissed the biometric or device-credential prompt.
    /// Surfaces as `HavenError::Cancelled`; offer the passphrase, keep the key.
    #[error("the person cancelled the key store prompt")]
    Cancelled,
    /// The key is gone for good (Android `KeyPermanentlyInvalidatedException`
    /// after biometrics changed; a Keychain item that no longer opens).
    /// Unlock with the passphrase and enable device unlock again.
    #[error("the device key was invalidated (biometrics or the device lock changed)")]
    KeyInvalidated,
    /// Too many failed attempts; the platform refuses for a while.
    #[error("the key store is locked out after too many attempts")]
    LockedOut,
    /// The platform key store failed; `reason` must not contain key material.
    #[error("the key store failed: {reason}")]
    Unavailable {
        /// What the platform reported.
        reason: String,
    },
}

impl From<KeyStoreError> for HavenError {
    fn from(e: KeyStoreError) -> Self {
        match e {
            KeyStoreError::Cancelled => HavenError::Cancelled,
            KeyStoreError::KeyInvalidated => HavenError::DeviceKeyInvalidated,
            KeyStoreError::LockedOut => HavenError::KeyStoreLockedOut,
            other @ KeyStoreError::Unavailable { .. } => HavenError::Platform {
                reason: other.to_string(),
            },
        }
    }
}

impl From<uniffi::UnexpectedUniFFICallbackError> for KeyStoreError {
    // The app's store threw something other than a KeyStoreError.
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Unavailable { reason: e.reason }
    }
}

/// Where the app keeps device keys, protected by the platform.
///
/// Threading: Haven calls these methods on the thread that called
/// `enable_device_unlock` / `unlock_with_key_store` (or, for the async
/// forms, on a Haven worker thread), and waits for them to return. They may
/// block: an Android implementation that needs `BiometricPrompt` waits on
/// the prompt's callback there (never call the blocking forms from the main
/// thread). See the READMEs for Android Keystore and iOS Keychain samples.
#[uniffi::export(with_foreign)]
pub trait KeyStore: Send + Sync {
    /// Stores `key` under `alias`, replacing any previous one.
    fn store(&self, alias: String, key: Vec<u8>) -> Result<(), KeyStoreError>;
    /// The key under `alias`, or `None`.
    fn load(&self, alias: String) -> Result<Option<Vec<u8>>, KeyStoreError>;
    /// Forgets the key under `alias`.
    fn remove(&self, alias: String) -> Result<(), KeyStoreError>;
}

fn alias(vault_id: &str, slot_id: &str) -> String {
    format!("haven.{vault_id}.{slot_id}")
}

#[uniffi::export]
impl HavenVault {
    /// Enables unlocking without the passphrase on this device: makes a
    /// random device key, adds a slot for it and puts the key in `store`.
    /// Returns the slot id. If the store fails, the slot is removed again.
    pub fn enable_device_unlock(
        &self,
        store: std::sync::Arc<dyn KeyStore>,
    ) -> Result<String, HavenError> {
        guard(|| {
            let (slot, key) = self.vault.add_random_device_key()?;
            if let Err(e) = store.store(alias(&self.vault.id(), &slot), key.to_vec()) {
                self.vault.remove_key_slot(&slot)?;
                return Err(e.into());
            }
            Ok(slot)
        })
    }

    /// Unlocks with the device key held in `store`.
    pub fn unlock_with_key_store(
        &self,
        store: std::sync::Arc<dyn KeyStore>,
    ) -> Result<(), HavenError> {
        guard(|| {
            let vault_id = self.vault.id();
            for slot in self.vault.key_slots()? {
                if slot.kind != haven_core::SlotKind::Device {
                    continue;
                }
                if let Some(key) = store.load(alias(&vault_id, &slot.id))? {
                    let key = zeroize_vec(key);
                    match self.vault.unlock_with_device_key(&key) {
                        Ok(()) => return Ok(()),
                        Err(HavenError::WrongDeviceKey) => continue,
                        // Tampering or a rolled-back file is not a wrong key.
                        Err(e) => return Err(e),
                    }
                }
            }
            Err(HavenError::WrongDeviceKey)
        })
    }

    /// Removes the device slot and its key from `store`.
    pub fn disable_device_unlock(
        &self,
        store: std::sync::Arc<dyn KeyStore>,
        slot_id: String,
    ) -> Result<(), HavenError> {
        guard(|| {
            self.vault.remove_key_slot(&slot_id)?;
            Ok(store.remove(alias(&self.vault.id(), &slot_id))?)
        })
    }
}

/// The vault's newest epoch kept in the app's key store, as 8 bytes
/// (little-endian) under `haven.<vault id>.epoch`: outside the vault file,
/// so a file swapped for an older copy is caught on unlock.
struct KeyStoreEpoch(std::sync::Arc<dyn KeyStore>);

fn epoch_alias(vault_id: &str) -> String {
    format!("haven.{vault_id}.epoch")
}

impl haven_core::EpochStore for KeyStoreEpoch {
    fn load(&self, vault_id: &str) -> Result<Option<u64>, HavenError> {
        match self.0.load(epoch_alias(vault_id))? {
            None => Ok(None),
            Some(bytes) => {
                let arr: [u8; 8] =
                    bytes
                        .as_slice()
                        .try_into()
                        .map_err(|_| HavenError::Platform {
                            reason: "the epoch held in the key store is not 8 bytes".into(),
                        })?;
                Ok(Some(u64::from_le_bytes(arr)))
            }
        }
    }

    fn store(&self, vault_id: &str, epoch: u64) -> Result<(), HavenError> {
        Ok(self
            .0
            .store(epoch_alias(vault_id), epoch.to_le_bytes().to_vec())?)
    }
}

#[uniffi::export]
impl HavenVault {
    /// Keeps this vault's newest epoch in `store` from now on (updated after
    /// every write) and checks it on every unlock: a vault file older than
    /// what `store` holds fails with `HavenError.RolledBack`
    /// (its message gives the epoch held and the one found).
    /// Call it right after opening, before unlocking.
    pub fn keep_epoch_in(&self, store: std::sync::Arc<dyn KeyStore>) -> Result<(), HavenError> {
        guard(|| {
            self.vault
                .set_epoch_store(std::sync::Arc::new(KeyStoreEpoch(store)))
        })
    }

    /// Lets the next unlock accept a vault file older than the held epoch
    /// (the person restored an older copy on purpose, after being shown
    /// `RolledBack`). Only for that one unlock.
    pub fn accept_rollback(&self) {
        self.vault.accept_rollback()
    }

    /// The epochs behind the last `RolledBack` (held: the newest this
    /// device has seen; found: the file's), for the screen that asks the
    /// person whether to accept the older file; null once an unlock
    /// succeeds. `HavenError` stays a flat error whose message is its
    /// sentence, so the figures come from here (ADR 0007).
    pub fn pending_rollback(&self) -> Option<haven_core::Rollback> {
        self.vault.pending_rollback()
    }
}

/// Wraps key bytes from the app so they are wiped when dropped.
fn zeroize_vec(v: Vec<u8>) -> zeroize::Zeroizing<Vec<u8>> {
    zeroize::Zeroizing::new(v)
}
