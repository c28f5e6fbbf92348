//! The CLI's epoch store: a small state file beside the vault
//! (`<vault>.epoch`, owner-only) holding the newest epoch this computer saw
//! for it, so that the vault file swapped for an older copy of itself is
//! caught on unlock (`HavenError::RolledBack`, exit 4). The apps keep the
//! same number in the platform key store instead.
//!
//! Limits, said plainly (see ADR 0010): someone who can replace the vault
//! file can usually replace or delete this file too; it catches a swapped
//! vault file, a restored old copy, or a synced folder going back in time,
//! not an attacker who also rolls this file back. A missing file is
//! recreated from the vault as it is.

use std::io::Write;
use std::path::{Path, PathBuf};

use haven_core::{EpochStore, HavenError};

const MAGIC: &str = "haven-epoch 1";

/// The state file beside one vault.
pub struct StateFile {
    path: PathBuf,
}

impl StateFile {
    /// The state file for the vault at `vault`.
    pub fn beside(vault: &Path) -> Self {
        let mut p = vault.as_os_str().to_owned();
        p.push(".epoch");
        Self {
            path: PathBuf::from(p),
        }
    }

    fn storage(e: std::io::Error) -> HavenError {
        HavenError::Storage {
            reason: format!("the epoch state file: {e}"),
        }
    }
}

impl EpochStore for StateFile {
    fn load(&self, vault_id: &str) -> haven_core::Result<Option<u64>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Self::storage(e)),
        };
        let mut lines = text.lines();
        let damaged = || HavenError::Storage {
            reason: format!(
                "the epoch state file {} is damaged; move it away to start again",
                self.path.display()
            ),
        };
        if lines.next() != Some(MAGIC) {
            return Err(damaged());
        }
        for line in lines {
            let mut parts = line.split(' ');
            match (parts.next(), parts.next(), parts.next()) {
                (Some(id), Some(n), None) if id == vault_id => {
                    return n.parse().map(Some).map_err(|_| damaged());
                }
                (Some(_), Some(_), None) => {}
                _ => return Err(damaged()),
            }
        }
        Ok(None)
    }

    fn store(&self, vault_id: &str, epoch: u64) -> haven_core::Result<()> {
        let dir = match self.path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        // A temporary file (owner-only) renamed over the old one: a crash
        // leaves the old number or the new, never half a file.
        let mut tmp = tempfile::Builder::new()
            .prefix(".haven-epoch-")
            .tempfile_in(dir)
            .map_err(Self::storage)?;
        writeln!(tmp, "{MAGIC}\n{vault_id} {epoch}").map_err(Self::storage)?;
        tmp.as_file().sync_all().map_err(Self::storage)?;
        tmp.persist(&self.path)
            .map_err(|e| Self::storage(e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_refuses_damage_and_is_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let s = StateFile::beside(&dir.path().join("v.haven"));
        assert_eq!(s.load("ab").unwrap(), None);
        s.store("ab", 7).unwrap();
        assert_eq!(s.load("ab").unwrap(), Some(7));
        assert_eq!(s.load("cd").unwrap(), None);
        s.store("ab", 9).unwrap();
        assert_eq!(s.load("ab").unwrap(), Some(9));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&s.path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&s.path, "haven-epoch 1\nab nine\n").unwrap();
        assert!(matches!(s.load("ab"), Err(HavenError::Storage { .. })));
        std::fs::write(&s.path, "something else\n").unwrap();
        assert!(matches!(s.load("ab"), Err(HavenError::Storage { .. })));
    }
}
