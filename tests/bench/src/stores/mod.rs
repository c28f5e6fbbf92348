//! The three stores under test, behind one trait so every workload runs the
//! same code against each.

pub mod haven;
pub mod sqlcipher;
pub mod sqlite;

use std::path::Path;

use anyhow::Result;
use haven_core::{Draft, Entry};

/// A journal store: the operations the workloads time.
pub trait Store: Sized {
    /// Short name used in tables and JSON.
    const NAME: &'static str;

    /// Creates an empty store at `path` (setup, never timed).
    fn create(path: &Path) -> Result<Self>;
    /// Opens an existing store, ready to read and write. For Haven this
    /// includes unlocking with the device key (HKDF), not the passphrase.
    fn open(path: &Path) -> Result<Self>;
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
