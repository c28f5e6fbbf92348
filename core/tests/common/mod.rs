//! Helpers shared by core's integration tests: a cheap vault, a draft, the
//! raw files behind a vault, and a progress observer that records and
//! cancels. (Document fixtures are in `doc_fixtures`.)
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use haven_core::{Draft, KdfParams, Progress, RecoveryKey, Vault};

pub const PASS: &str = "correct horse battery staple";

/// A fresh vault in a temp dir, cheap KDF for speed.
pub fn new_vault() -> (tempfile::TempDir, Vault, RecoveryKey) {
    let dir = tempfile::tempdir().unwrap();
    let (v, rk) = Vault::create(
        &dir.path().join("v.haven"),
        PASS,
        KdfParams::minimum_for_tests(),
    )
    .unwrap();
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

/// A progress observer that records every update and asks to cancel once
/// it has seen `cancel_after` of them.
pub struct Recorder {
    steps: Mutex<Vec<(String, f64)>>,
    cancel_after: usize,
}

impl Recorder {
    /// Records, never cancels.
    pub fn new() -> Self {
        Self::cancelling_after(usize::MAX)
    }

    /// Cancels once `n` updates came (0: at the first poll).
    pub fn cancelling_after(n: usize) -> Self {
        Recorder {
            steps: Mutex::new(Vec::new()),
            cancel_after: n,
        }
    }

    /// Every (step, fraction) reported so far.
    pub fn steps(&self) -> Vec<(String, f64)> {
        self.steps.lock().unwrap().clone()
    }

    /// Every fraction reported so far.
    pub fn fractions(&self) -> Vec<f64> {
        self.steps().into_iter().map(|(_, f)| f).collect()
    }
}

impl Progress for Recorder {
    fn update(&self, step: &str, fraction: f64) {
        self.steps
            .lock()
            .unwrap()
            .push((step.to_string(), fraction));
    }
    fn cancelled(&self) -> bool {
        self.steps.lock().unwrap().len() >= self.cancel_after
    }
}

/// Argon2id parameters as the file and backup headers hold them: memory,
/// passes and lanes as three little-endian u32s (what an attacker edits).
pub fn kdf_bytes(p: haven_core::KdfParams) -> Vec<u8> {
    [p.memory_kib, p.iterations, p.parallelism]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect()
}
