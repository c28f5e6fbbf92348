//! The three stores under test, behind one trait so every workload runs the
//! same code against each.

pub mod haven;
pub mod sqlcipher;
pub mod sqlite;

use std::path::Path;

use anyhow::Result;
use haven_core::{Draft, Entry};

/// A journal store: the operations the workloads time. Object-safe, so
/// the workloads can interleave the three stores step by step.
pub trait Store {
    /// Adds one entry in its own transaction; returns its id.
    fn add(&mut self, draft: &Draft) -> Result<String>;
    /// The newest `limit` entries.
    fn list_page(&mut self, limit: u32) -> Result<Vec<Entry>>;
    /// Every entry, newest first.
    fn list_all(&mut self) -> Result<Vec<Entry>>;
    /// Entries whose text or tags contain `query`, ignoring case, newest first.
    fn search(&mut self, query: &str) -> Result<Vec<Entry>>;
    /// Replaces an entry's text, mood and tags in one transaction.
    fn edit(&mut self, id: &str, draft: &Draft) -> Result<()>;
    /// Deletes an entry in one transaction.
    fn delete(&mut self, id: &str) -> Result<()>;
}

/// The three stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// haven-core's journal.
    Haven,
    /// Plain SQLite.
    Sqlite,
    /// SQLCipher with a raw key.
    SqlCipher,
}

impl Kind {
    /// Every store, in report order.
    pub const ALL: [Kind; 3] = [Kind::Haven, Kind::Sqlite, Kind::SqlCipher];

    /// Short name used in file names and errors.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Haven => "haven",
            Kind::Sqlite => "sqlite",
            Kind::SqlCipher => "sqlcipher",
        }
    }

    /// Whether this store's file starts with SQLite's plaintext header
    /// (Haven encrypts records, not pages; SQLCipher encrypts every page).
    pub fn plain_header(self) -> bool {
        self != Kind::SqlCipher
    }

    /// Creates an empty store at `path` (setup, never timed).
    pub fn create(self, path: &Path) -> Result<Box<dyn Store>> {
        Ok(match self {
            Kind::Haven => Box::new(haven::Haven::create(path)?),
            Kind::Sqlite => Box::new(sqlite::Sqlite::create(path)?),
            Kind::SqlCipher => Box::new(sqlcipher::SqlCipher::create(path)?),
        })
    }

    /// Opens an existing store, ready to read and write. For Haven this
    /// includes unlocking with the device key (HKDF), not the passphrase.
    pub fn open(self, path: &Path) -> Result<Box<dyn Store>> {
        Ok(match self {
            Kind::Haven => Box::new(haven::Haven::open(path)?),
            Kind::Sqlite => Box::new(sqlite::Sqlite::open(path)?),
            Kind::SqlCipher => Box::new(sqlcipher::SqlCipher::open(path)?),
        })
    }
}
