//! Encrypted whole-vault backups, as the apps call them.

use std::path::PathBuf;
use std::sync::Arc;

use haven_core::{BackupSummary, HavenError, RestoreSecret, Vault};

use crate::guard::guard;
use crate::progress::{CancelToken, Observer, ProgressListener};
use crate::vault::HavenVault;

#[uniffi::export]
impl HavenVault {
    /// Writes an encrypted backup of the whole vault to `path` (never
    /// overwrites), reporting progress; `token` can cancel it (nothing is
    /// written then).
    #[uniffi::method(default(listener = None, token = None))]
    pub fn create_backup(
        &self,
        path: String,
        listener: Option<Arc<dyn ProgressListener>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<BackupSummary, HavenError> {
        guard(|| {
            let observer = Observer { listener, token };
            self.vault.create_backup(&PathBuf::from(path), &observer)
        })
    }

    /// Restores a backup to a new vault at `target` with the passphrase it
    /// had when the backup was made. All or nothing.
    #[uniffi::constructor(default(listener = None, token = None))]
    pub fn restore_with_passphrase(
        backup: String,
        target: String,
        passphrase: String,
        listener: Option<Arc<dyn ProgressListener>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<Arc<Self>, HavenError> {
        let observer = Observer { listener, token };
        guard(|| {
            restore(
                backup,
                target,
                RestoreSecret::Passphrase(&passphrase),
                &observer,
            )
        })
    }

    /// Restores a backup with the recovery key. All or nothing.
    #[uniffi::constructor(default(listener = None, token = None))]
    pub fn restore_with_recovery_key(
        backup: String,
        target: String,
        recovery_key: String,
        listener: Option<Arc<dyn ProgressListener>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<Arc<Self>, HavenError> {
        let observer = Observer { listener, token };
        guard(|| {
            restore(
                backup,
                target,
                RestoreSecret::RecoveryKey(&recovery_key),
                &observer,
            )
        })
    }
}

fn restore(
    backup: String,
    target: String,
    secret: RestoreSecret<'_>,
    observer: &Observer,
) -> Result<Arc<HavenVault>, HavenError> {
    let vault = Vault::restore_backup(
        &PathBuf::from(backup),
        &PathBuf::from(target),
        secret,
        observer,
    )?;
    Ok(Arc::new(HavenVault { vault }))
}
