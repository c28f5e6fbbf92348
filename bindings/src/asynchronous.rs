//! The async forms (Kotlin `suspend fun ...Async`, Swift `...Async() async
//! throws`) of every call that can take more than a few milliseconds:
//! Argon2id (create, unlock, passphrase change, rekey, recovery, restore), whole-
//! vault reads (search, all entries, mood series, verify), backups and
//! exports. Each is the blocking call run by [`offload`]: cancelling the
//! coroutine (Kotlin) or the token (Swift helpers) stops the core, which
//! then changes nothing. The blocking forms stay, for code already on a
//! background thread. Kotlin cannot overload on `suspend`, hence the
//! `Async` suffix in both languages (ADR 0007).

use std::path::PathBuf;
use std::sync::Arc;

use haven_core::{
    BackupSummary, Bucket, Entry, ExportKind, Exported, HavenError, KdfParams, MoodPoint, Page,
    RestoreSecret, Vault, VerifyReport, VersionRef,
};

use crate::fonts::{options, ExportFonts};
use crate::keystore::KeyStore;
use crate::numbers::count;
use crate::offload::offload;
use crate::progress::{CancelToken, ProgressListener};
use crate::vault::{CreatedVault, HavenVault};

/// Creates a vault (see `create_vault`), off the calling thread. Reports
/// progress steps `derive_passphrase_key`, `derive_recovery_key`, `done`;
/// cancelling removes the half-made file.
#[uniffi::export(default(listener = None, token = None))]
pub async fn create_vault_async(
    path: String,
    passphrase: String,
    kdf: KdfParams,
    listener: Option<Arc<dyn ProgressListener>>,
    token: Option<Arc<CancelToken>>,
) -> Result<CreatedVault, HavenError> {
    offload(listener, token, move |p| {
        let (vault, recovery) = Vault::create_progress(&PathBuf::from(path), &passphrase, kdf, p)?;
        Ok(CreatedVault::new(vault, &recovery))
    })
    .await
}

/// Restores a backup to a new vault at `target` with its passphrase.
#[uniffi::export(default(listener = None, token = None))]
pub async fn restore_with_passphrase_async(
    backup: String,
    target: String,
    passphrase: String,
    listener: Option<Arc<dyn ProgressListener>>,
    token: Option<Arc<CancelToken>>,
) -> Result<Arc<HavenVault>, HavenError> {
    offload(listener, token, move |p| {
        let vault = Vault::restore_backup(
            &PathBuf::from(backup),
            &PathBuf::from(target),
            RestoreSecret::Passphrase(&passphrase),
            p,
        )?;
        Ok(Arc::new(HavenVault::wrap(vault)))
    })
    .await
}

/// Restores a backup to a new vault at `target` with the recovery key.
#[uniffi::export(default(listener = None, token = None))]
pub async fn restore_with_recovery_key_async(
    backup: String,
    target: String,
    recovery_key: String,
    listener: Option<Arc<dyn ProgressListener>>,
    token: Option<Arc<CancelToken>>,
) -> Result<Arc<HavenVault>, HavenError> {
    offload(listener, token, move |p| {
        let vault = Vault::restore_backup(
            &PathBuf::from(backup),
            &PathBuf::from(target),
            RestoreSecret::RecoveryKey(&recovery_key),
            p,
        )?;
        Ok(Arc::new(HavenVault::wrap(vault)))
    })
    .await
}

#[uniffi::export]
impl HavenVault {
    /// Unlocks with the passphrase, off the calling thread.
    #[uniffi::method(default(listener = None, token = None))]
    pub async fn unlock_with_passphrase_async(
        self: Arc<Self>,
        passphrase: String,
        listener: Option<Arc<dyn ProgressListener>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<(), HavenError> {
        offload(listener, token, move |p| {
            self.vault.unlock_with_passphrase(&passphrase, p)
        })
        .await
    }

    /// Unlocks with the recovery key, off the calling thread.
    #[uniffi::method(default(token = None))]
    pub async fn unlock_with_recovery_key_async(
        self: Arc<Self>,
        recovery_key: String,
        token: Option<Arc<CancelToken>>,
    ) -> Result<(), HavenError> {
        offload(None, token, move |_| {
            self.vault.unlock_with_recovery_key(&recovery_key)
        })
        .await
    }

    /// Unlocks with the device key in `store`, off the calling thread (the
    /// store may wait for a biometric prompt there).
    #[uniffi::method(default(token = None))]
    pub async fn unlock_with_key_store_async(
        self: Arc<Self>,
        store: Arc<dyn KeyStore>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<(), HavenError> {
        offload(None, token, move |_| self.unlock_with_key_store(store)).await
    }

    /// Enables device unlock, off the calling thread.
    #[uniffi::method(default(token = None))]
    pub async fn enable_device_unlock_async(
        self: Arc<Self>,
        store: Arc<dyn KeyStore>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<String, HavenError> {
        offload(None, token, move |_| self.enable_device_unlock(store)).await
    }

    /// Sets a new passphrase (see `change_passphrase`), off the calling
    /// thread.
    #[uniffi::method(default(kdf = None, token = None))]
    pub async fn change_passphrase_async(
        self: Arc<Self>,
        new_passphrase: String,
        kdf: Option<KdfParams>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<(), HavenError> {
        offload(None, token, move |_| {
            self.vault
                .change_passphrase_with_kdf(&new_passphrase, kdf.unwrap_or_default())
        })
        .await
    }

    /// Replaces the vault key (see `rekey`), off the calling thread; returns
    /// the new recovery key. Reports progress steps `resealing` and `done`;
    /// cancelling changes nothing.
    #[uniffi::method(default(listener = None, token = None))]
    pub async fn rekey_async(
        self: Arc<Self>,
        new_passphrase: String,
        kdf: KdfParams,
        listener: Option<Arc<dyn ProgressListener>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<String, HavenError> {
        offload(listener, token, move |p| {
            let recovery = self.vault.rekey(&new_passphrase, kdf, p)?;
            Ok(recovery.display().to_string())
        })
        .await
    }

    /// Unlocks with the recovery key and sets a new passphrase, off the
    /// calling thread.
    #[uniffi::method(default(token = None))]
    pub async fn recover_async(
        self: Arc<Self>,
        recovery_key: String,
        new_passphrase: String,
        token: Option<Arc<CancelToken>>,
    ) -> Result<(), HavenError> {
        offload(None, token, move |_| {
            self.vault.recover(&recovery_key, &new_passphrase)
        })
        .await
    }

    /// Authenticates every record, off the calling thread.
    #[uniffi::method(default(token = None))]
    pub async fn verify_async(
        self: Arc<Self>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<VerifyReport, HavenError> {
        offload(None, token, move |_| self.vault.verify()).await
    }

    /// A page of the journal, off the calling thread.
    #[uniffi::method(default(before = None, token = None))]
    pub async fn list_entries_async(
        self: Arc<Self>,
        limit: i32,
        before: Option<String>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<Page, HavenError> {
        offload(None, token, move |_| {
            let limit = count(limit, "the page size")?;
            self.vault.list_entries(limit, before.as_deref())
        })
        .await
    }

    /// Every entry, off the calling thread.
    #[uniffi::method(default(token = None))]
    pub async fn all_entries_async(
        self: Arc<Self>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<Vec<Entry>, HavenError> {
        offload(None, token, move |_| self.vault.all_entries()).await
    }

    /// Search (every match), off the calling thread.
    #[uniffi::method(default(token = None))]
    pub async fn search_entries_async(
        self: Arc<Self>,
        query: String,
        token: Option<Arc<CancelToken>>,
    ) -> Result<Vec<Entry>, HavenError> {
        offload(None, token, move |_| self.vault.search_entries(&query)).await
    }

    /// One page of search results, off the calling thread.
    #[uniffi::method(default(before = None, token = None))]
    pub async fn search_entries_page_async(
        self: Arc<Self>,
        query: String,
        limit: i32,
        before: Option<String>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<Page, HavenError> {
        offload(None, token, move |_| {
            let limit = count(limit, "the page size")?;
            self.vault
                .search_entries_page(&query, limit, before.as_deref())
        })
        .await
    }

    /// Mood series, off the calling thread.
    #[uniffi::method(default(token = None))]
    pub async fn mood_series_async(
        self: Arc<Self>,
        bucket: Bucket,
        utc_offset_minutes: i32,
        token: Option<Arc<CancelToken>>,
    ) -> Result<Vec<MoodPoint>, HavenError> {
        offload(None, token, move |_| {
            self.vault.mood_series(bucket, utc_offset_minutes)
        })
        .await
    }

    /// Writes an encrypted backup, off the calling thread.
    #[uniffi::method(default(listener = None, token = None))]
    pub async fn create_backup_async(
        self: Arc<Self>,
        path: String,
        listener: Option<Arc<dyn ProgressListener>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<BackupSummary, HavenError> {
        offload(listener, token, move |p| {
            self.vault.create_backup(&PathBuf::from(path), p)
        })
        .await
    }

    /// One PDF of one version (plan, wallet card or statement), labelled in
    /// `language` and drawn with the bundled fonts and `fonts`, off the
    /// calling thread.
    #[uniffi::method(default(language = "en", fonts = None, listener = None, token = None))]
    pub async fn export_pdf_async(
        self: Arc<Self>,
        kind: ExportKind,
        version: VersionRef,
        language: String,
        fonts: Option<Arc<ExportFonts>>,
        listener: Option<Arc<dyn ProgressListener>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<Exported, HavenError> {
        offload(listener, token, move |p| {
            let options = options(language, fonts);
            self.vault.export_pdf(kind, &version, &options, p)
        })
        .await
    }

    /// A FHIR Bundle, its narratives labelled in `language`, off the calling
    /// thread.
    #[uniffi::method(default(language = "en", listener = None, token = None))]
    pub async fn fhir_bundle_async(
        self: Arc<Self>,
        versions: Vec<VersionRef>,
        language: String,
        listener: Option<Arc<dyn ProgressListener>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<String, HavenError> {
        offload(listener, token, move |p| {
            let options = options(language, None);
            self.vault.fhir_bundle(&versions, &options, p)
        })
        .await
    }
}
