//! Encrypted whole-vault backups, as the apps call them.

use std::path::PathBuf;
use std::sync::Arc;

use haven_core::{BackupSummary, HavenError, RestoreSecret, Vault};

use crate::guard::guard;
use crate::vault::HavenVault;

#[uniffi::export]
impl HavenVault {
    /// Writes an encrypted backup of the whole vault to `path` (never overwrites).
    pub fn create_backup(&self, path: String) -> Result<BackupSummary, HavenError> {
        guard(|| self.vault.create_backup(&PathBuf::from(path)))
    }

    /// Restores a backup to a new vault at `target` with the passphrase it
    /// had when the backup was made. All or nothing.
    #[uniffi::constructor]
    pub fn restore_with_passphrase(
        backup: String,
        target: String,
        passphrase: String,
    ) -> Result<Arc<Self>, HavenError> {
        guard(|| restore(backup, target, RestoreSecret::Passphrase(&passphrase)))
    }

    /// Restores a backup with the recovery key. All or nothing.
    #[uniffi::constructor]
    pub fn restore_with_recovery_key(
        backup: String,
        target: String,
        recovery_key: String,
    ) -> Result<Arc<Self>, HavenError> {
        guard(|| restore(backup, target, RestoreSecret::RecoveryKey(&recovery_key)))
    }
}

fn restore(
    backup: String,
    target: String,
    secret: RestoreSecret<'_>,
) -> Result<Arc<HavenVault>, HavenError> {
    let vault = Vault::restore_backup(&PathBuf::from(backup), &PathBuf::from(target), secret)?;
    Ok(Arc::new(HavenVault { vault }))
}
