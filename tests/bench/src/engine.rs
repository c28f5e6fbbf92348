//! Which SQLite build this binary runs on, checked rather than assumed.
//!
//! libsqlite3-sys can be linked only once per binary, so haven-core, the
//! plain store and the SQLCipher store share one engine: SQLCipher, built
//! from source with a vendored OpenSSL. Unkeyed, it is plain SQLite.

use std::io::Read;
use std::path::Path;

use anyhow::{bail, Context, Result};
use rusqlite::{Connection, OptionalExtension};

/// Versions of the engine in use.
#[derive(Debug, Clone)]
pub struct Engine {
    /// SQLite's own version (`sqlite_version()`).
    pub sqlite: String,
    /// SQLCipher's version (`PRAGMA cipher_version`).
    pub sqlcipher: String,
    /// The crypto provider SQLCipher uses, with its version.
    pub provider: String,
}

/// Asks the linked library what it is; fails if SQLCipher is not there.
pub fn detect() -> Result<Engine> {
    let conn = Connection::open_in_memory()?;
    let sqlite: String = conn.query_row("SELECT sqlite_version()", [], |r| r.get(0))?;
    let sqlcipher: Option<String> = conn
        .query_row("PRAGMA cipher_version", [], |r| r.get(0))
        .optional()?;
    let Some(sqlcipher) = sqlcipher else {
        bail!("this binary is not linked against SQLCipher (PRAGMA cipher_version is empty)");
    };
    // The provider pragmas answer only on a keyed database.
    conn.execute_batch("PRAGMA key = 'engine-probe';")?;
    let name: Option<String> = conn
        .query_row("PRAGMA cipher_provider", [], |r| r.get(0))
        .optional()?;
    let version: Option<String> = conn
        .query_row("PRAGMA cipher_provider_version", [], |r| r.get(0))
        .optional()?;
    let provider = format!(
        "{} {}",
        name.unwrap_or_else(|| "?".into()),
        version.unwrap_or_default()
    );
    Ok(Engine {
        sqlite,
        sqlcipher,
        provider: provider.trim().to_string(),
    })
}

/// Whether the file starts with SQLite's plaintext header (SQLCipher files
/// do not: their first page is encrypted too).
pub fn has_plain_header(path: &Path) -> Result<bool> {
    let mut magic = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .with_context(|| format!("reading the header of {}", path.display()))?;
    Ok(&magic == b"SQLite format 3\0")
}
