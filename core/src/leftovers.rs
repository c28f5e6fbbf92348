//! Temporary files that a killed backup or restore left behind.
//!
//! Backup and restore write through temporary files, removed when the
//! operation ends, or when it fails, but not when the process is killed:
//! `.haven-snapshot-*.tmp` beside the vault (a whole copy of the vault
//! file), `.haven-backup-*.tmp` beside the backup, `.haven-restore-*.tmp`
//! beside the restored vault, `.haven-export-*.tmp` beside an export
//! (see `files.rs`, which writes all of them). A leftover snapshot matters most: it still
//! holds entries the person has deleted since, under the same key.
//!
//! So the next operation in that folder removes them: opening a vault
//! clears snapshots and restores beside it, a backup clears backups beside
//! its output, a restore clears restores beside its target, an export
//! clears exports beside it. A file counts
//! as left behind once it has not been written for [`STALE_AFTER`]: a live
//! operation writes or finishes well within that, and this needs no file
//! locks (whose interplay with SQLite's own locks differs between Linux and
//! the BSDs under iOS).

use std::path::Path;
use std::time::{Duration, SystemTime};

use tempfile::NamedTempFile;

use crate::error::Internal;

/// Prefix of a backup's snapshot of the vault (beside the vault).
pub(crate) const SNAPSHOT: &str = ".haven-snapshot-";
/// Prefix of a backup being written (beside the backup).
pub(crate) const BACKUP: &str = ".haven-backup-";
/// Prefix of a vault being restored (beside the target).
pub(crate) const RESTORE: &str = ".haven-restore-";
/// Prefix of an export being written (beside the export).
pub(crate) const EXPORT: &str = ".haven-export-";
const SUFFIX: &str = ".tmp";
/// How long a temporary file must sit unwritten to count as left behind.
pub(crate) const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

/// A new temporary file in `dir`, removed when dropped.
pub(crate) fn create(dir: &Path, prefix: &str) -> Result<NamedTempFile, Internal> {
    Ok(tempfile::Builder::new()
        .prefix(prefix)
        .suffix(SUFFIX)
        .tempfile_in(dir)?)
}

/// Removes the regular files in `dir` named `prefix...tmp` that have not
/// been written for [`STALE_AFTER`]; returns how many. Best effort: a file
/// that cannot be read or removed stays where it is, as it would have.
pub(crate) fn remove_stale(dir: &Path, prefix: &str) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let now = SystemTime::now();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let ours = name
            .to_str()
            .is_some_and(|n| n.starts_with(prefix) && n.ends_with(SUFFIX));
        // `DirEntry::metadata` does not follow symlinks: only real files go.
        let stale = || {
            entry
                .metadata()
                .ok()
                .filter(|m| m.is_file())
                .is_some_and(|m| {
                    m.modified()
                        .ok()
                        .and_then(|t| now.duration_since(t).ok())
                        .is_some_and(|age| age >= STALE_AFTER)
                })
        };
        if ours && stale() && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(dir: &Path, name: &str, age: Duration) -> std::path::PathBuf {
        let path = dir.join(name);
        let f = std::fs::File::create(&path).unwrap();
        f.set_modified(SystemTime::now() - age).unwrap();
        path
    }

    #[test]
    fn only_old_files_with_our_name_go() {
        let dir = tempfile::tempdir().unwrap();
        let hour = STALE_AFTER;
        let old = touch(dir.path(), ".haven-snapshot-a1.tmp", hour * 2);
        let fresh = touch(dir.path(), ".haven-snapshot-b2.tmp", Duration::from_secs(5));
        let other_kind = touch(dir.path(), ".haven-backup-c3.tmp", hour * 2);
        let other_suffix = touch(dir.path(), ".haven-snapshot-d4.txt", hour * 2);
        let not_ours = touch(dir.path(), "notes.tmp", hour * 2);
        std::fs::create_dir(dir.path().join(".haven-snapshot-dir.tmp")).unwrap();
        #[cfg(unix)]
        {
            let target = touch(dir.path(), "kept-target", hour * 2);
            std::os::unix::fs::symlink(&target, dir.path().join(".haven-snapshot-link.tmp"))
                .unwrap();
        }

        assert_eq!(remove_stale(dir.path(), SNAPSHOT), 1);
        assert!(!old.exists());
        for kept in [&fresh, &other_kind, &other_suffix, &not_ours] {
            assert!(kept.exists(), "{}", kept.display());
        }
        assert!(dir.path().join(".haven-snapshot-dir.tmp").is_dir());
        assert_eq!(remove_stale(&dir.path().join("missing"), SNAPSHOT), 0);
    }

    #[test]
    fn created_files_match_the_pattern() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = create(dir.path(), RESTORE).unwrap();
        let name = tmp
            .path()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            name.starts_with(RESTORE) && name.ends_with(SUFFIX),
            "{name}"
        );
        tmp.as_file()
            .set_modified(SystemTime::now() - STALE_AFTER * 2)
            .unwrap();
        assert_eq!(remove_stale(dir.path(), RESTORE), 1);
    }
}
