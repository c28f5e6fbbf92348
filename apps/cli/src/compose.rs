//! Where the words a person writes come from when they are not typed at a
//! prompt: standard input, a file, or their editor on a private temporary
//! file. Text given as a command-line argument still works, but every other
//! program on the machine can read a process's arguments (`ps`, `/proc`),
//! so it prints a one-line warning (issue 9).
//!
//! The editor gets a file inside a fresh temporary folder that only this
//! user can enter (0700, file 0600), and the folder is removed as soon as
//! the text is read back, whatever happens.

use std::io::{BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

use zeroize::Zeroizing;

use crate::fail::Failure;

/// The one-line warning for text given as an argument. `what` names it
/// ("entry text", "search query", "reason").
pub fn warn_argument(what: &str) {
    eprintln!(
        "haven: warning: the {what} was given as an argument, which other programs on this \
         machine can read; pipe it in, or use --file or --edit, instead."
    );
}

/// Where one piece of text comes from, as the person asked on the command line.
pub struct Source<'a> {
    /// Given as an argument (warned about).
    pub argument: Option<String>,
    /// `--file PATH`.
    pub file: Option<&'a Path>,
    /// `--edit`: open the editor.
    pub edit: bool,
}

/// The text from `source`: the argument (with a warning), else the file,
/// else the editor, else standard input (after `prompt` on a terminal,
/// where Ctrl-D ends it). Trailing newlines are dropped.
pub fn text(source: Source<'_>, what: &str, prompt: &str) -> Result<Zeroizing<String>, Failure> {
    let raw = if let Some(t) = source.argument {
        warn_argument(what);
        Zeroizing::new(t)
    } else if let Some(f) = source.file {
        read_file(f, what)?
    } else if source.edit {
        edit("", "txt", what)?
    } else {
        if std::io::stdin().is_terminal() {
            eprintln!("{prompt}");
        }
        let mut s = Zeroizing::new(String::new());
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| Failure::other(format!("cannot read standard input: {e}")))?;
        s
    };
    Ok(Zeroizing::new(
        raw.trim_end_matches(['\n', '\r']).to_string(),
    ))
}

/// One line: the argument (with a warning), else a line of standard input
/// (after `prompt` on a terminal). For short things such as a search query.
pub fn line(
    argument: Option<String>,
    what: &str,
    prompt: &str,
) -> Result<Zeroizing<String>, Failure> {
    if let Some(t) = argument {
        warn_argument(what);
        return Ok(Zeroizing::new(t));
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("{prompt}");
        let _ = std::io::stderr().flush();
    }
    let mut s = Zeroizing::new(String::new());
    stdin
        .lock()
        .read_line(&mut s)
        .map_err(|e| Failure::other(format!("cannot read standard input: {e}")))?;
    Ok(Zeroizing::new(s.trim_end_matches(['\n', '\r']).to_string()))
}

fn read_file(path: &Path, what: &str) -> Result<Zeroizing<String>, Failure> {
    std::fs::read_to_string(path)
        .map(Zeroizing::new)
        .map_err(|e| {
            Failure::other(format!(
                "cannot read the {what} from {}: {e}",
                path.display()
            ))
        })
}

/// A private folder holding one file for the editor; removed on drop.
pub struct PrivateFile {
    /// Held for its drop, which removes the folder.
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl PrivateFile {
    /// A new file named `haven.<extension>` holding `initial`, in a fresh
    /// folder only this user can enter.
    pub fn new(initial: &str, extension: &str) -> Result<Self, Failure> {
        let fail = |e: std::io::Error| {
            Failure::other(format!("cannot make a private temporary file: {e}"))
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix("haven-");
        // Owner-only: tempfile's default folder mode follows the umask.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
        let dir = builder.tempdir().map_err(fail)?;
        let path = dir.path().join(format!("haven.{extension}"));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(&path).map_err(fail)?;
        f.write_all(initial.as_bytes()).map_err(fail)?;
        f.sync_all().map_err(fail)?;
        Ok(Self { _dir: dir, path })
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opens the person's editor (`$VISUAL`, else `$EDITOR`, else `vi`) on
    /// the file and waits for it. An editor that fails saves nothing.
    pub fn edit(&self) -> Result<(), Failure> {
        let editor = std::env::var("VISUAL")
            .or_else(|_| std::env::var("EDITOR"))
            .unwrap_or_else(|_| "vi".into());
        // Through the shell, so EDITOR may carry arguments ("code --wait").
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("{editor} \"$1\""))
            .arg("sh")
            .arg(&self.path)
            .status()
            .map_err(|e| Failure::other(format!("cannot start the editor: {e}")))?;
        if !status.success() {
            return Err(Failure::other(
                "the editor did not finish cleanly; nothing was saved".into(),
            ));
        }
        Ok(())
    }

    /// The file's text.
    pub fn read(&self) -> Result<Zeroizing<String>, Failure> {
        read_file(&self.path, "text")
    }
}

impl Drop for PrivateFile {
    fn drop(&mut self) {
        let _ = remove_plain_file(&self.path);
        // `_dir` removes the folder when it drops, right after this.
    }
}

/// Text written in the editor, starting from `initial`, without the
/// trailing newlines editors add.
pub fn edit(initial: &str, extension: &str, what: &str) -> Result<Zeroizing<String>, Failure> {
    let file = PrivateFile::new(initial, extension)?;
    file.edit()?;
    let text = file.read()?;
    if text.trim().is_empty() {
        return Err(Failure::usage(format!(
            "the {what} is empty; nothing was saved"
        )));
    }
    Ok(Zeroizing::new(
        text.trim_end_matches(['\n', '\r']).to_string(),
    ))
}

/// Deletes a file that held the person's words in plain text, overwriting
/// it with zeros first (best effort: journaling file systems and SSDs may
/// keep old blocks; the temporary folders above never leave this machine's
/// temp directory).
pub fn remove_plain_file(path: &Path) -> Result<(), Failure> {
    if let Ok(len) = std::fs::metadata(path).map(|m| m.len()) {
        if let Ok(mut f) = std::fs::OpenOptions::new().write(true).open(path) {
            let _ = f.write_all(&vec![0u8; len as usize]);
            let _ = f.sync_all();
        }
    }
    std::fs::remove_file(path)
        .map_err(|e| Failure::other(format!("cannot delete {}: {e}", path.display())))
}

/// Asks a yes/no question on standard error and reads the answer from
/// standard input; an empty answer is `default`.
pub fn ask(prompt: &str, default: bool) -> Result<bool, Failure> {
    eprint!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| Failure::other(format!("cannot read standard input: {e}")))?;
    Ok(match answer.trim().to_ascii_lowercase().as_str() {
        "" => default,
        a => a.starts_with('y'),
    })
}
