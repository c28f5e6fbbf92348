//! Vault-key rotation (`rekey`): a new random vault key, every record, the
//! canary and the vault state resealed under it, every key slot replaced (a
//! passphrase slot, a new recovery key; device slots are dropped), all in
//! one SQLite transaction. Killed at any point, the file opens with the old
//! key and secrets or the new ones, never neither (SIGKILL-tested).
//!
//! Why: a passphrase change only rewraps the same vault key, so anyone who
//! kept an old passphrase together with an old slot or backup header can
//! still unwrap the key that seals everything written later. After a rekey
//! the old key seals nothing in this file; old backups keep their own key
//! and still open with the secrets they were made under (ADR 0002).

use rusqlite::params;
use zeroize::Zeroizing;

use crate::crypto::{KdfParams, RecoveryKey, SecretKey};
use crate::error::{HavenError, Result};
use crate::integrity::{self, Keys};
use crate::progress::Progress;
use crate::records::{fresh_revision, layout, Scope};
use crate::slots::{self, SlotSecret};
use crate::vault::{self, Vault};

impl Vault {
    /// Replaces the vault key: every record resealed under a new key, the
    /// passphrase set to `new_passphrase` at cost `kdf`, a new recovery key
    /// (returned: show it to the person once), every other slot (old
    /// passphrase, old recovery key, device keys) removed. One transaction;
    /// `progress` reports per batch and may cancel (`Cancelled`, nothing
    /// changed). Afterwards the old passphrase and recovery key open nothing
    /// in this file; backups made before still open with the secrets they
    /// were made under.
    pub fn rekey(
        &self,
        new_passphrase: &str,
        kdf: KdfParams,
        progress: &dyn Progress,
    ) -> Result<RecoveryKey> {
        let pass = vault::normalise_passphrase(new_passphrase)?;
        kdf.check()?;
        let new_key = SecretKey::generate()?;
        let recovery = RecoveryKey::generate()?;
        let new_keys = Keys::derive(&new_key)?;
        progress.update("resealing", 0.0);
        self.replace_key(
            new_key,
            new_keys,
            |tx, vault_id, key| {
                slots::add(tx, vault_id, key, &SlotSecret::Passphrase(&pass), kdf)?;
                slots::add(tx, vault_id, key, &SlotSecret::Recovery(&recovery), kdf)?;
                Ok(())
            },
            progress,
        )?;
        progress.update("done", 1.0);
        Ok(recovery)
    }
}

/// The body of a rekey, run with the vault's lock held: reseal every row
/// and the canary, replace the slots (`add_slots`), carry the epoch vector
/// on under the new key, commit; then the vault keeps the new key.
impl Vault {
    fn replace_key(
        &self,
        new_key: SecretKey,
        new_keys: Keys,
        add_slots: impl FnOnce(&rusqlite::Connection, &str, &SecretKey) -> Result<()>,
        progress: &dyn Progress,
    ) -> Result<()> {
        self.replacing_key(|conn, old| {
            let total: i64 = conn.query_row("SELECT count(*) FROM records", [], |r| r.get(0))?;
            let tx = conn.transaction()?;
            let state = integrity::load(&tx, old.vault_id, old.integrity)?.ok_or_else(|| {
                HavenError::Integrity {
                    what: "the vault state (missing)".into(),
                }
            })?;
            let new_scope = Scope::new(&new_key, old.vault_id, &new_keys);
            if progress.cancelled() {
                return Err(HavenError::Cancelled);
            }
            // The table is rebuilt under the new key's tags and windows
            // (`records/layout.rs`), each row resealed on the way.
            let (digest, rows) = layout::rebuild(
                &tx,
                layout::Source::V4,
                old.integrity,
                &new_keys,
                &mut |kind, row| {
                    let plain: Zeroizing<Vec<u8>> = old.open(kind, &row)?;
                    // A fresh revision too, so counters left by older
                    // builds stop showing edit counts.
                    let revision = fresh_revision(Some(row.revision))?;
                    Ok((revision, new_scope.seal(&row.id, kind, revision, &plain)?))
                },
                &mut |done| {
                    if progress.cancelled() {
                        return Err(HavenError::Cancelled);
                    }
                    progress.update("resealing", 0.9 * done as f64 / total.max(1) as f64);
                    Ok(())
                },
            )?;
            let canary = vault::seal_canary(old.vault_id, &new_key)?;
            tx.execute(
                "UPDATE meta SET value = ?1 WHERE key = 'canary'",
                params![canary],
            )?;
            tx.execute("DELETE FROM key_slots", [])?;
            slots::for_backup::remove_orphans(&tx)?;
            add_slots(&tx, old.vault_id, &new_key)?;
            let mut next = state;
            next.digest = digest;
            next.rows = rows;
            next.slots = integrity::slot_hashes(&tx)?;
            let epoch = integrity::advance(&tx, old.vault_id, &new_keys, next)?;
            if progress.cancelled() {
                return Err(HavenError::Cancelled);
            }
            tx.commit()?;
            // No old ciphertext lingers in the log. The new key is in the
            // file now, so a failed checkpoint must not fail the rekey.
            let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
            Ok((new_key, new_keys, epoch))
        })
    }
}
