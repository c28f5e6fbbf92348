//! `haven init`, `passphrase change`, `recover`, `verify`.

use std::path::Path;

use haven_core::{FileKind, KdfParams, Vault};

use crate::args::InitArgs;
use crate::fail::{already_exists, Failure};
use crate::secrets;

/// Creates a vault and prints the recovery key once.
pub fn init(path: &Path, file: Option<&Path>, a: &InitArgs) -> Result<(), Failure> {
    // Core refuses an existing file itself; this only spares asking for a
    // passphrase in vain.
    if path.exists() {
        return Err(already_exists(FileKind::Vault, path));
    }
    let kdf = KdfParams {
        memory_kib: a.kdf_memory_mib.saturating_mul(1024),
        iterations: a.kdf_iterations,
        parallelism: 1,
    };
    if !kdf.is_within_bounds() {
        return Err(Failure::usage(
            "the Argon2id cost is out of bounds: memory 8-1024 MiB, passes 1-16".into(),
        ));
    }
    let pass = secrets::obtain("HAVEN_PASSPHRASE", file, "New passphrase: ", true)?;
    let (_vault, recovery) = Vault::create(path, &pass, kdf)?;
    println!("Created {}.", path.display());
    println!();
    println!("Your recovery key (shown only this once; write it down and keep it safe):");
    println!();
    println!("    {}", recovery.display().as_str());
    println!();
    println!("With it you can open your vault and set a new passphrase if you forget yours.");
    Ok(())
}

/// Replaces the passphrase of an unlocked vault.
pub fn change(vault: &Vault) -> Result<(), Failure> {
    let new = secrets::obtain("HAVEN_NEW_PASSPHRASE", None, "New passphrase: ", true)?;
    vault.change_passphrase(&new)?;
    println!(
        "Passphrase changed. The old one no longer opens this vault; the recovery key still does."
    );
    Ok(())
}

/// Opens with the recovery key and sets a new passphrase.
pub fn recover(path: &Path) -> Result<(), Failure> {
    let vault = Vault::open(path)?;
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
