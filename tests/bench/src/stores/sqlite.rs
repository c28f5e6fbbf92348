//! Plain SQLite: the same fields in plaintext columns, the way an app without
//! encryption would store a journal. Also the engine of [`super::sqlcipher`],
//! which only adds a key.

use std::path::Path;

use anyhow::{anyhow, Result};
use chrono::{DateTime, Utc};
use haven_core::{Draft, Entry};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};

use super::Store;

const SCHEMA: &str = "CREATE TABLE entries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    text TEXT NOT NULL,
    mood INTEGER,
    tags TEXT NOT NULL
) STRICT;";

const COLUMNS: &str = "id, created_at, updated_at, text, mood, tags";

/// A rusqlite connection to a plaintext (or, with a key, SQLCipher) journal.
pub struct Sql {
    conn: Connection,
}

impl Sql {
    /// Opens `path` (creating it if `create`), applies `key` first when
    /// given (SQLCipher raw key, no PBKDF2), then the shared durability
    /// settings: WAL and `synchronous = NORMAL`, as Haven uses.
    pub fn connect(path: &Path, create: bool, key: Option<&[u8; 32]>) -> Result<Self> {
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        let conn = Connection::open_with_flags(path, flags)?;
        if let Some(key) = key {
            let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
            conn.execute_batch(&format!("PRAGMA key = \"x'{hex}'\";"))?;
        }
        // Reading the schema makes SQLCipher check the key now, not later.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })?;
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
        conn.execute_batch("PRAGMA synchronous = NORMAL;")?;
        if create {
            conn.execute_batch(SCHEMA)?;
        }
        Ok(Self { conn })
    }

    fn select(&self, sql_tail: &str, args: impl rusqlite::Params) -> Result<Vec<Entry>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {COLUMNS} FROM entries {sql_tail}"))?;
        let rows = stmt
            .query_map(args, |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<i32>>(4)?,
                    r.get::<_, String>(5)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(id, created, updated, text, mood, tags)| {
                Ok(Entry {
                    id,
                    created_at: millis(created)?,
                    updated_at: millis(updated)?,
                    text,
                    mood,
                    tags: serde_json::from_str(&tags)?,
                })
            })
            .collect()
    }
}

fn millis(ms: i64) -> Result<DateTime<Utc>> {
    DateTime::from_timestamp_millis(ms).ok_or_else(|| anyhow!("bad timestamp"))
}

impl Sql {
    /// See [`Store::add`].
    pub fn add(&mut self, draft: &Draft) -> Result<String> {
        // A random 128-bit id in hex, like the vault's (the baseline needs no more).
        let id = format!("{:032x}", fastrand::u128(..));
        let now = Utc::now().timestamp_millis();
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO entries (id, created_at, updated_at, text, mood, tags)
             VALUES (?1, ?2, ?2, ?3, ?4, ?5)",
        )?;
        stmt.execute(params![
            id,
            now,
            draft.text,
            draft.mood,
            serde_json::to_string(&draft.tags)?
        ])?;
        Ok(id)
    }

    /// See [`Store::list_page`].
    pub fn list_page(&mut self, limit: u32) -> Result<Vec<Entry>> {
        self.select("ORDER BY seq DESC LIMIT ?1", params![limit])
    }

    /// See [`Store::list_all`].
    pub fn list_all(&mut self) -> Result<Vec<Entry>> {
        self.select("ORDER BY seq DESC", [])
    }

    /// See [`Store::search`]. `LIKE` ignores ASCII case only; the planted
    /// word is ASCII, so all three stores return the same entries.
    pub fn search(&mut self, query: &str) -> Result<Vec<Entry>> {
        let escaped = query
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let pattern = format!("%{escaped}%");
        self.select(
            "WHERE text LIKE ?1 ESCAPE '\\' OR tags LIKE ?1 ESCAPE '\\' ORDER BY seq DESC",
            params![pattern],
        )
    }

    /// See [`Store::edit`]: reads the entry (as Haven must) and rewrites it,
    /// in one transaction.
    pub fn edit(&mut self, id: &str, draft: &Draft) -> Result<()> {
        let tx = self.conn.transaction()?;
        let created: i64 = tx
            .query_row(
                "SELECT created_at FROM entries WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?
            .ok_or_else(|| anyhow!("no such entry"))?;
        let now = Utc::now().timestamp_millis().max(created);
        tx.execute(
            "UPDATE entries SET updated_at = ?1, text = ?2, mood = ?3, tags = ?4 WHERE id = ?5",
            params![
                now,
                draft.text,
                draft.mood,
                serde_json::to_string(&draft.tags)?,
                id
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// See [`Store::delete`].
    pub fn delete(&mut self, id: &str) -> Result<()> {
        let n = self
            .conn
            .execute("DELETE FROM entries WHERE id = ?1", params![id])?;
        if n == 0 {
            return Err(anyhow!("no such entry"));
        }
        Ok(())
    }
}

/// Plain SQLite, unkeyed.
pub struct Sqlite(Sql);

impl Sqlite {
    /// Creates an empty store at `path`.
    pub fn create(path: &Path) -> Result<Self> {
        Ok(Self(Sql::connect(path, true, None)?))
    }

    /// Opens an existing store.
    pub fn open(path: &Path) -> Result<Self> {
        Ok(Self(Sql::connect(path, false, None)?))
    }
}

impl Store for Sqlite {
    fn add(&mut self, draft: &Draft) -> Result<String> {
        self.0.add(draft)
    }
    fn list_page(&mut self, limit: u32) -> Result<Vec<Entry>> {
        self.0.list_page(limit)
    }
    fn list_all(&mut self) -> Result<Vec<Entry>> {
        self.0.list_all()
    }
    fn search(&mut self, query: &str) -> Result<Vec<Entry>> {
        self.0.search(query)
    }
    fn edit(&mut self, id: &str, draft: &Draft) -> Result<()> {
        self.0.edit(id, draft)
    }
    fn delete(&mut self, id: &str) -> Result<()> {
        self.0.delete(id)
    }
}
