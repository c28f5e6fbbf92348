//! Opening the SQLite file with the settings every connection needs.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, ErrorCode, OpenFlags};

use crate::error::{HavenError, Internal};

/// Opens (or creates, if `create`) the database and sets its pragmas:
/// WAL for crash safety with concurrent readers, `secure_delete` so deleted
/// records are overwritten, foreign keys on, temp data kept in memory.
pub fn open(path: &Path, create: bool) -> Result<Connection, HavenError> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_NO_MUTEX
        | OpenFlags::SQLITE_OPEN_URI;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let conn = Connection::open_with_flags(path, flags)?;
    match configure(&conn) {
        Ok(()) => Ok(conn),
        Err(Internal::Sqlite(e)) if is_not_a_database(&e) => {
            drop(conn);
            if looks_like_sqlite(path) {
                Err(move_aside(path))
            } else {
                Err(HavenError::invalid("that file is not a Haven vault"))
            }
        }
        Err(e) => Err(e.into()),
    }
}

fn configure(conn: &Connection) -> Result<(), Internal> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // Reading the schema first surfaces "not a database" before any write.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })?;
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
    }
    conn.execute_batch(
        "PRAGMA synchronous = NORMAL;
         PRAGMA secure_delete = ON;
         PRAGMA foreign_keys = ON;
         PRAGMA temp_store = MEMORY;",
    )?;
    Ok(())
}

fn is_not_a_database(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt)
    )
}

/// A file that starts with SQLite's magic was a database and is damaged; any
/// other file is simply not ours, and is left exactly where it is.
fn looks_like_sqlite(path: &Path) -> bool {
    use std::io::Read;
    let mut magic = [0u8; 16];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .map(|()| &magic == b"SQLite format 3\0")
        .unwrap_or(false)
}

/// Moves a damaged file aside (never deletes it) and says where it went.
fn move_aside(path: &Path) -> HavenError {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let mut target = PathBuf::from(path);
    target.as_mut_os_string().push(format!(".damaged-{stamp}"));
    match std::fs::rename(path, &target) {
        Ok(()) => HavenError::CorruptDatabase {
            moved_to: target.display().to_string(),
        },
        Err(e) => HavenError::Storage {
            reason: format!("the vault file is damaged and could not be moved aside: {e}"),
        },
    }
}
