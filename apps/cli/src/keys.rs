//! `haven init`, `passphrase change`, `recover`, `verify`.

use std::path::Path;

use haven_core::{FileKind, KdfParams, Vault};

use crate::args::{InitArgs, KdfArgs};
use crate::fail::{already_exists, Failure};
use crate::secrets;

/// Creates a vault and prints the recovery key once.
pub fn init(path: &Path, file: Option<&Path>, a: &InitArgs) -> Result<(), Failure> {
    // Core refuses an existing file itself; this only spares asking for a
    // passphrase in vain.
    if path.exists() {
        return Err(already_exists(FileKind::Vault, path));
    }
    let kdf = kdf_params(&a.kdf)?;
    let pass = secrets::obtain("HAVEN_PASSPHRASE", file, "New passphrase: ", true)?;
    let (vault, recovery) = Vault::create(path, &pass, kdf)?;
    vault.set_epoch_store(std::sync::Arc::new(crate::epoch::StateFile::beside(path)))?;
    println!("Created {}.", path.display());
    println!();
    println!("Your recovery key (shown only this once; write it down and keep it safe):");
    println!();
    println!("    {}", recovery.display().as_str());
    println!();
    println!("With it you can open your vault and set a new passphrase if you forget yours.");
    Ok(())
}

/// The cost asked for on the command line, checked against the bounds.
pub fn kdf_params(a: &KdfArgs) -> Result<KdfParams, Failure> {
    let kdf = KdfParams {
        memory_kib: a.kdf_memory_mib.saturating_mul(1024),
        iterations: a.kdf_iterations,
        parallelism: 1,
    };
    if !kdf.is_within_bounds() {
        return Err(Failure::usage(
            "the Argon2id cost is out of bounds: memory 19-256 MiB, passes 2-8, \
             memory x passes at most 768"
                .into(),
        ));
    }
    Ok(kdf)
}

/// Replaces the passphrase of an unlocked vault.
pub fn change(vault: &Vault, kdf: &KdfArgs) -> Result<(), Failure> {
    let kdf = kdf_params(kdf)?;
    let new = secrets::obtain("HAVEN_NEW_PASSPHRASE", None, "New passphrase: ", true)?;
    vault.change_passphrase_with_kdf(&new, kdf)?;
    println!(
        "Passphrase changed. The old one no longer opens this vault; the recovery key still does."
    );
    Ok(())
}

/// Replaces the vault key, the passphrase and the recovery key (shown once).
pub fn rekey(vault: &Vault, kdf: &KdfArgs) -> Result<(), Failure> {
    let kdf = kdf_params(kdf)?;
    let new = secrets::obtain("HAVEN_NEW_PASSPHRASE", None, "New passphrase: ", true)?;
    let recovery = vault.rekey(&new, kdf, &haven_core::Silent)?;
    println!("The vault key was replaced and every record resealed under the new one.");
    println!();
    println!("Your new recovery key (shown only this once; write it down and keep it safe):");
    println!();
    println!("    {}", recovery.display().as_str());
    println!();
    println!(
        "Your old passphrase, old recovery key and any device keys no longer open this vault. \
         Backups made before still open with the passphrase and recovery key they were made \
         under: delete them if those may be known to someone else."
    );
    Ok(())
}

/// Opens with the recovery key and sets a new passphrase.
pub fn recover(path: &Path, accept: bool) -> Result<(), Failure> {
    let vault = crate::opened(path, accept)?;
    let key = secrets::obtain("HAVEN_RECOVERY_KEY", None, "Recovery key: ", false)?;
    vault.unlock_with_recovery_key(&key)?;
    let new = secrets::obtain("HAVEN_NEW_PASSPHRASE", None, "New passphrase: ", true)?;
    vault.change_passphrase(&new)?;
    println!("Recovered. Your new passphrase now opens the vault; your recovery key is unchanged.");
    Ok(())
}

/// Authenticates everything; exit 4 if anything is damaged.
pub fn verify(vault: &Vault) -> Result<(), Failure> {
    let r = vault.verify()?;
    for k in &r.intact_by_kind {
        println!("{}: {} intact", k.kind, k.count);
    }
    println!("key slots: {}", r.key_slots);
    println!(
        "database structure: {}",
        if r.database_ok { "ok" } else { "DAMAGED" }
    );
    if r.is_intact() {
        println!("All {} records are intact.", r.intact());
        Ok(())
    } else {
        for id in &r.damaged {
            println!("damaged: {id}");
        }
        Err(Failure::integrity(format!(
            "{} records failed authentication{}",
            r.damaged.len(),
            if r.database_ok {
                ""
            } else {
                " and the database structure is damaged"
            }
        )))
    }
}
