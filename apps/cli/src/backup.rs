//! `haven backup create|restore`.

use std::path::Path;

use haven_core::{FileKind, RestoreSecret, Silent, Vault};

use crate::fail::{already_exists, Failure};
use crate::secrets;

/// Writes an encrypted backup of the unlocked vault.
pub fn create(vault: &Vault, file: &Path) -> Result<(), Failure> {
    // Core refuses an existing file itself (AlreadyExists).
    let s = vault.create_backup(file, &Silent)?;
    println!(
        "Backed up {} records and {} key slots to {} ({} bytes).",
        s.records(),
        s.key_slots,
        file.display(),
        s.bytes
    );
    println!("It opens with this vault's passphrase or its recovery key; device keys stay behind.");
    Ok(())
}

/// Restores `file` into a new vault at `to`, opened with the passphrase
/// (HAVEN_PASSPHRASE, --passphrase-file, prompt) or, with `recovery_key`,
/// the recovery key (HAVEN_RECOVERY_KEY or prompt).
pub fn restore(
    file: &Path,
    to: &Path,
    passphrase_file: Option<&Path>,
    recovery_key: bool,
) -> Result<(), Failure> {
    // Core refuses an existing target itself; this only spares asking for
    // a secret in vain.
    if to.exists() {
        return Err(already_exists(FileKind::Vault, to));
    }
    let vault = if recovery_key {
        let key = secrets::obtain("HAVEN_RECOVERY_KEY", None, "Recovery key: ", false)?;
        Vault::restore_backup(file, to, RestoreSecret::RecoveryKey(&key), &Silent)?
    } else {
        let pass = secrets::obtain(
            "HAVEN_PASSPHRASE",
            passphrase_file,
            "Passphrase of the backup: ",
            false,
        )?;
        Vault::restore_backup(file, to, RestoreSecret::Passphrase(&pass), &Silent)?
    };
    let report = vault.verify()?;
    if !report.is_intact() {
        return Err(Failure::integrity(format!(
            "{} restored records failed authentication",
            report.damaged.len()
        )));
    }
    println!(
        "Restored {} records to {}; all intact. It opens with the passphrase and recovery key the backup was made with.",
        report.intact(),
        to.display()
    );
    Ok(())
}
