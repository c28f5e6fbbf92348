//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use haven_core::{Draft, KdfParams, RecoveryKey, Vault};

pub const PASS: &str = "correct horse battery staple";

/// A fresh vault in a temp dir, cheap KDF for speed.
pub fn new_vault() -> (tempfile::TempDir, Vault, RecoveryKey) {
    let dir = tempfile::tempdir().unwrap();
    let (v, rk) = Vault::create(&dir.path().join("v.haven"), PASS, KdfParams::minimum()).unwrap();
    (dir, v, rk)
}

pub fn draft(text: &str) -> Draft {
    Draft {
        text: text.into(),
        mood: None,
        tags: vec![],
    }
}

/// Every file SQLite may have written for `db`: the file, its WAL and SHM.
pub fn raw_files(db: &Path) -> Vec<PathBuf> {
    ["", "-wal", "-shm"]
        .iter()
        .map(|s| {
            let mut p = db.as_os_str().to_owned();
            p.push(s);
            PathBuf::from(p)
        })
        .filter(|p| p.exists())
        .collect()
}

/// Whether `needle` occurs anywhere in the raw bytes of the db or its WAL.
pub fn raw_contains(db: &Path, needle: &[u8]) -> bool {
    raw_files(db).iter().any(|p| {
        let bytes = std::fs::read(p).unwrap();
        bytes.windows(needle.len()).any(|w| w == needle)
    })
}

/// A side connection to the file, to play the attacker.
pub fn raw_conn(db: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(db).unwrap()
}
