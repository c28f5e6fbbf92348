//! SQLCipher: the plain-SQLite schema, encrypted page by page with a raw
//! 256-bit key (`PRAGMA key = "x'...'"`), so no PBKDF2 runs on open.

use std::path::Path;

use anyhow::Result;
use haven_core::{Draft, Entry};

use super::sqlite::Sql;
use super::Store;

/// The raw key of every benchmark SQLCipher database.
pub const RAW_KEY: [u8; 32] = [0xc3; 32];

/// A SQLCipher database, keyed.
pub struct SqlCipher(Sql);

impl SqlCipher {
    /// Creates an empty store at `path`.
    pub fn create(path: &Path) -> Result<Self> {
        Ok(Self(Sql::connect(path, true, Some(&RAW_KEY))?))
    }

    /// Opens an existing store.
    pub fn open(path: &Path) -> Result<Self> {
        Ok(Self(Sql::connect(path, false, Some(&RAW_KEY))?))
    }
}

impl Store for SqlCipher {
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
