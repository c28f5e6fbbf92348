//! Haven's real journal API, as an app would call it.

use std::path::Path;

use anyhow::{Context, Result};
use haven_core::{Draft, Entry, KdfParams, Vault};

use super::Store;

/// The passphrase of every benchmark vault (setup only; never timed).
pub const PASSPHRASE: &str = "correct horse battery staple";
/// The device key of every benchmark vault. `open` unlocks with it: HKDF
/// only, so the timing measures opening the file, not Argon2id.
pub const DEVICE_KEY: [u8; 32] = [0x5a; 32];

/// A Haven vault, unlocked.
pub struct Haven {
    vault: Vault,
}

impl Haven {
    /// Creates an empty store at `path`.
    pub fn create(path: &Path) -> Result<Self> {
        let (vault, _recovery) = Vault::create(path, PASSPHRASE, KdfParams::minimum_for_tests())?;
        vault.add_device_key(&DEVICE_KEY)?;
        Ok(Self { vault })
    }

    /// What the vault state costs per write on the vault at `path`
    /// (`haven_core::bench`): `writes` rows with it, `writes` without.
    /// Leaves the vault failing its integrity check: only for a store
    /// about to be removed.
    pub fn commitment_cost(
        path: &Path,
        writes: usize,
        payload: &[u8],
    ) -> Result<haven_core::bench::CommitmentCost> {
        let store = Self::open(path)?;
        Ok(haven_core::bench::commitment_cost(
            &store.vault,
            writes,
            payload,
        )?)
    }

    /// Opens an existing store.
    pub fn open(path: &Path) -> Result<Self> {
        let vault = Vault::open(path)?;
        vault
            .unlock_with_device_key(&DEVICE_KEY)
            .context("unlocking with the device key")?;
        Ok(Self { vault })
    }
}

impl Store for Haven {
    fn add(&mut self, draft: &Draft) -> Result<String> {
        Ok(self.vault.add_entry(draft.clone())?.id)
    }

    fn list_page(&mut self, limit: u32) -> Result<Vec<Entry>> {
        Ok(self.vault.list_entries(limit, None)?.entries)
    }

    fn list_all(&mut self) -> Result<Vec<Entry>> {
        Ok(self.vault.all_entries()?)
    }

    fn search(&mut self, query: &str) -> Result<Vec<Entry>> {
        Ok(self.vault.search_entries(query)?)
    }

    fn edit(&mut self, id: &str, draft: &Draft) -> Result<()> {
        self.vault.edit_entry(id, draft.clone())?;
        Ok(())
    }

    fn delete(&mut self, id: &str) -> Result<()> {
        Ok(self.vault.delete_entry(id)?)
    }
}
