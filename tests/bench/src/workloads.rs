//! The workloads, written once and run against every [`Store`].
//!
//! One repetition builds a fresh store (timing `add`), then, on a store
//! reopened from disk, times `edit` and `delete`; each repetition works on
//! its own file, so repetitions are comparable. The read workloads
//! (`open`, `list_page`, `list_all`, `search`) run on the first
//! repetition's store before it is edited.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{ensure, Result};
use haven_core::Draft;

use crate::data::PLANTED;
use crate::stores::Store;

/// Entries on a page, as the app shows them.
pub const PAGE: u32 = 50;

/// Timings of one store, one vector of milliseconds per workload.
#[derive(Debug, Default, Clone)]
pub struct Samples {
    /// All entries added, one transaction each.
    pub add: Vec<f64>,
    /// Open an existing store (for Haven: plus device-key unlock).
    pub open: Vec<f64>,
    /// Newest page after a fresh open.
    pub list_page: Vec<f64>,
    /// Every entry, newest first.
    pub list_all: Vec<f64>,
    /// Search for the planted word.
    pub search: Vec<f64>,
    /// Random edits.
    pub edit: Vec<f64>,
    /// Random deletes.
    pub delete: Vec<f64>,
}

/// The inputs every store sees.
pub struct Plan<'a> {
    /// Entries to add.
    pub drafts: &'a [Draft],
    /// Indices (into `drafts`) of entries to edit, with their new content.
    pub edits: &'a [(usize, Draft)],
    /// Indices of entries to delete.
    pub deletes: &'a [usize],
    /// Entries expected to match [`PLANTED`].
    pub matches: usize,
    /// Repetitions of each read workload.
    pub reps: usize,
}

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

/// The file of `store`'s repetition `rep` in `dir`.
pub fn store_path<S: Store>(dir: &Path, rep: usize) -> PathBuf {
    dir.join(format!("{}-{rep}.db", S::NAME))
}

/// Creates a store and times adding every entry. Returns the file and the
/// ids in insertion order.
pub fn build<S: Store>(
    dir: &Path,
    rep: usize,
    plan: &Plan<'_>,
    out: &mut Samples,
) -> Result<(PathBuf, Vec<String>)> {
    let path = store_path::<S>(dir, rep);
    let mut store = S::create(&path)?;
    let mut ids = Vec::with_capacity(plan.drafts.len());
    let start = Instant::now();
    for d in plan.drafts {
        ids.push(store.add(d)?);
    }
    out.add.push(ms(start));
    Ok((path, ids))
}

/// Times the read workloads on the store at `path`, checking each answer.
pub fn reads<S: Store>(path: &Path, plan: &Plan<'_>, out: &mut Samples) -> Result<()> {
    let n = plan.drafts.len();
    for _ in 0..plan.reps {
        let start = Instant::now();
        let store = S::open(path)?;
        out.open.push(ms(start));
        drop(store);
    }
    for _ in 0..plan.reps {
        let mut store = S::open(path)?;
        let start = Instant::now();
        let page = store.list_page(PAGE)?;
        out.list_page.push(ms(start));
        ensure!(
            page.len() == n.min(PAGE as usize),
            "{}: short page",
            S::NAME
        );
    }
    let mut store = S::open(path)?;
    for _ in 0..plan.reps {
        let start = Instant::now();
        let all = store.list_all()?;
        out.list_all.push(ms(start));
        ensure!(
            all.len() == n,
            "{}: list_all returned {}",
            S::NAME,
            all.len()
        );
    }
    for _ in 0..plan.reps {
        let start = Instant::now();
        let found = store.search(PLANTED)?;
        out.search.push(ms(start));
        ensure!(
            found.len() == plan.matches,
            "{}: search found {}, expected {}",
            S::NAME,
            found.len(),
            plan.matches
        );
    }
    Ok(())
}

/// Reopens the store and times the edits, then the deletes.
pub fn writes<S: Store>(
    path: &Path,
    ids: &[String],
    plan: &Plan<'_>,
    out: &mut Samples,
) -> Result<()> {
    let mut store = S::open(path)?;
    let start = Instant::now();
    for (i, d) in plan.edits {
        store.edit(&ids[*i], d)?;
    }
    out.edit.push(ms(start));
    let start = Instant::now();
    for i in plan.deletes {
        store.delete(&ids[*i])?;
    }
    out.delete.push(ms(start));
    Ok(())
}

/// Removes a store's file and its WAL and shared-memory files.
pub fn remove(path: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
}
