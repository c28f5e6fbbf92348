//! The one way Haven writes a new file outside the vault (a backup, a
//! restored vault, every export): into a temporary file in the same folder,
//! fsynced, then renamed into place only if nothing is there, and the folder
//! fsynced. A failed or cancelled write removes the temporary file, so no
//! partial file (and no partial unencrypted export) is ever left at the path.
//! A killed process can leave the temporary file; `leftovers.rs` removes it
//! later.

use std::fs::File;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::{HavenError, Internal, Result};
use crate::leftovers;

/// What a new file is, so that `AlreadyExists` can say what is in the way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A vault file (created or restored).
    Vault,
    /// A backup file.
    Backup,
    /// An exported document (PDF, FHIR JSON): not encrypted.
    Export,
}

impl FileKind {
    /// How `AlreadyExists` names it.
    fn label(self) -> &'static str {
        match self {
            Self::Vault => "vault",
            Self::Backup => "backup file",
            Self::Export => "export file",
        }
    }

    /// The prefix of its temporary files (see `leftovers.rs`).
    fn temp_prefix(self) -> &'static str {
        match self {
            Self::Vault => leftovers::RESTORE,
            Self::Backup => leftovers::BACKUP,
            Self::Export => leftovers::EXPORT,
        }
    }
}

/// `AlreadyExists` for a file of `kind` at `path`.
pub(crate) fn already_exists(kind: FileKind, path: &Path) -> HavenError {
    HavenError::already_exists(kind, path)
}

impl HavenError {
    /// [`HavenError::AlreadyExists`] for a file of `kind` at `path`.
    pub fn already_exists(kind: FileKind, path: &Path) -> Self {
        Self::AlreadyExists {
            what: kind.label().to_string(),
            path: path.display().to_string(),
        }
    }
}

/// A file being written: the temporary file, and where it will go.
pub(crate) struct NewFile {
    tmp: NamedTempFile,
    dest: PathBuf,
    dir: PathBuf,
    kind: FileKind,
}

impl NewFile {
    /// Starts a new file of `kind` at `dest`: `AlreadyExists` if something
    /// is there. Temporary files of the same kind left in that folder by a
    /// killed process are removed first.
    pub(crate) fn create(dest: &Path, kind: FileKind) -> Result<Self> {
        if dest.exists() {
            return Err(already_exists(kind, dest));
        }
        let dir = dir_of(dest)?;
        leftovers::remove_stale(&dir, kind.temp_prefix());
        let tmp = leftovers::create(&dir, kind.temp_prefix())?;
        Ok(Self {
            tmp,
            dest: dest.to_path_buf(),
            dir,
            kind,
        })
    }

    /// The temporary file, to write to.
    pub(crate) fn file_mut(&mut self) -> &mut File {
        self.tmp.as_file_mut()
    }

    /// The temporary file's path (to check what was written before it is
    /// renamed into place).
    pub(crate) fn temp_path(&self) -> &Path {
        self.tmp.path()
    }

    /// Fsyncs the file, renames it to its destination unless something got
    /// there meanwhile (`AlreadyExists`), and makes the rename durable.
    /// Returns the file's size.
    pub(crate) fn finish(self) -> Result<u64> {
        let file = self.tmp.as_file();
        file.sync_all().map_err(Internal::from)?;
        let size = file.metadata().map_err(Internal::from)?.len();
        self.tmp.persist_noclobber(&self.dest).map_err(|e| {
            if e.error.kind() == ErrorKind::AlreadyExists {
                already_exists(self.kind, &self.dest)
            } else {
                Internal::from(e.error).into()
            }
        })?;
        sync_dir(&self.dir)?;
        Ok(size)
    }
}

/// Writes `bytes` as a new file of `kind` at `dest` (see the module
/// documentation): either the whole file appears, or nothing does.
pub fn write_new_file(dest: &Path, kind: FileKind, bytes: &[u8]) -> Result<()> {
    let mut file = NewFile::create(dest, kind)?;
    file.file_mut().write_all(bytes).map_err(Internal::from)?;
    file.finish()?;
    Ok(())
}

/// The directory holding `path`, made absolute so SQLite never reads a
/// temporary file's name as a URI.
pub(crate) fn dir_of(path: &Path) -> Result<PathBuf> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Ok(std::fs::canonicalize(parent).map_err(Internal::from)?)
}

/// Makes a rename durable: on Unix the directory entry is fsynced too.
fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(Internal::from)?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut n: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    #[test]
    fn writes_the_whole_file_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("plan.pdf");
        write_new_file(&out, FileKind::Export, b"%PDF-1.7 whole").unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"%PDF-1.7 whole");
        assert_eq!(names(dir.path()), ["plan.pdf"]);
    }

    #[test]
    fn refuses_an_existing_file_and_says_what_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("plan.pdf");
        std::fs::write(&out, b"keep me").unwrap();
        let e = write_new_file(&out, FileKind::Export, b"new").unwrap_err();
        assert_eq!(e, already_exists(FileKind::Export, &out));
        assert!(
            e.to_string()
                .starts_with("an export file already exists at "),
            "{e}"
        );
        assert_eq!(std::fs::read(&out).unwrap(), b"keep me");
        let backup = write_new_file(&out, FileKind::Backup, b"new").unwrap_err();
        assert!(backup
            .to_string()
            .starts_with("a backup file already exists"));
    }

    #[test]
    fn a_failed_write_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("plan.pdf");
        let mut file = NewFile::create(&out, FileKind::Export).unwrap();
        file.file_mut()
            .write_all(b"half an unencrypted export")
            .unwrap();
        assert_eq!(names(dir.path()).len(), 1, "only the temporary file");
        // The write fails before `finish` (an error, a cancel): dropped.
        drop(file);
        assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
    }

    #[test]
    fn a_failed_rename_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("plan.pdf");
        let mut file = NewFile::create(&out, FileKind::Export).unwrap();
        file.file_mut().write_all(b"export").unwrap();
        // Something appears at the destination while the file is written.
        std::fs::write(&out, b"theirs").unwrap();
        assert_eq!(
            file.finish().unwrap_err(),
            already_exists(FileKind::Export, &out)
        );
        assert_eq!(std::fs::read(&out).unwrap(), b"theirs");
        assert_eq!(names(dir.path()), ["plan.pdf"]);
    }
}
