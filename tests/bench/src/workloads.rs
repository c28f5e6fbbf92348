//! The workloads, written once and run against every store.
//!
//! The machine may be shared, so the three stores are interleaved finely:
//! `add`, `edit` and `delete` alternate between stores every [`CHUNK`]
//! operations (rotating which goes first), and each repetition of a read
//! workload visits all three stores in turn. A burst of outside load then
//! lands on every store alike instead of on whichever ran at that moment.
//!
//! One repetition builds a fresh file per store (timing `add`), then, on
//! stores reopened from disk, times `edit` and `delete`; so repetitions are
//! comparable. The read workloads (`open`, `list_page`, `list_all`,
//! `search`) run on the first repetition's files before they are edited.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{ensure, Result};
use haven_core::Draft;

use crate::data::PLANTED;
use crate::stores::{Kind, Store};

/// Entries on a page, as the app shows them.
pub const PAGE: u32 = 50;
/// Writes to one store before switching to the next.
const CHUNK: usize = 50;

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

/// Per-store state of one repetition.
pub struct Built {
    /// Which store.
    pub kind: Kind,
    /// Its file.
    pub path: PathBuf,
    /// Entry ids in insertion order.
    pub ids: Vec<String>,
}

fn ms(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1000.0
}

/// The stores starting at `k` in rotation, so none is always first.
fn rotation(k: usize) -> impl Iterator<Item = usize> {
    (0..Kind::ALL.len()).map(move |i| (i + k) % Kind::ALL.len())
}

/// Runs `op(store, item)` over `items` on every store, interleaved a chunk
/// at a time; returns each store's total milliseconds.
fn interleaved<T>(
    stores: &mut [Box<dyn Store>],
    items: &[T],
    mut op: impl FnMut(usize, &mut dyn Store, usize, &T) -> Result<()>,
) -> Result<Vec<f64>> {
    let mut total = vec![0.0; stores.len()];
    for (c, chunk) in items.chunks(CHUNK).enumerate() {
        for s in rotation(c) {
            let start = Instant::now();
            for (j, item) in chunk.iter().enumerate() {
                op(s, stores[s].as_mut(), c * CHUNK + j, item)?;
            }
            total[s] += ms(start);
        }
    }
    Ok(total)
}

/// Creates one file per store in `dir` and times adding every entry.
pub fn build(dir: &Path, rep: usize, plan: &Plan<'_>, out: &mut [Samples]) -> Result<Vec<Built>> {
    let mut built = Vec::new();
    let mut stores = Vec::new();
    for kind in Kind::ALL {
        let path = dir.join(format!("{}-{rep}.db", kind.name()));
        stores.push(kind.create(&path)?);
        built.push(Built {
            kind,
            path,
            ids: Vec::with_capacity(plan.drafts.len()),
        });
    }
    let totals = interleaved(&mut stores, plan.drafts, |s, store, _, d| {
        built[s].ids.push(store.add(d)?);
        Ok(())
    })?;
    for (o, t) in out.iter_mut().zip(totals) {
        o.add.push(t);
    }
    Ok(built)
}

/// Times the read workloads on every store, checking each answer.
pub fn reads(built: &[Built], plan: &Plan<'_>, out: &mut [Samples]) -> Result<()> {
    let n = plan.drafts.len();
    for r in 0..plan.reps {
        for s in rotation(r) {
            let start = Instant::now();
            let store = built[s].kind.open(&built[s].path)?;
            out[s].open.push(ms(start));
            drop(store);
        }
    }
    for r in 0..plan.reps {
        for s in rotation(r) {
            let mut store = built[s].kind.open(&built[s].path)?;
            let start = Instant::now();
            let page = store.list_page(PAGE)?;
            out[s].list_page.push(ms(start));
            ensure!(
                page.len() == n.min(PAGE as usize),
                "{}: short page",
                built[s].kind.name()
            );
        }
    }
    let mut stores = built
        .iter()
        .map(|b| b.kind.open(&b.path))
        .collect::<Result<Vec<_>>>()?;
    for r in 0..plan.reps {
        for s in rotation(r) {
            let start = Instant::now();
            let all = stores[s].list_all()?;
            out[s].list_all.push(ms(start));
            ensure!(
                all.len() == n,
                "{}: list_all returned {}",
                built[s].kind.name(),
                all.len()
            );
        }
    }
    for r in 0..plan.reps {
        for s in rotation(r) {
            let start = Instant::now();
            let found = stores[s].search(PLANTED)?;
            out[s].search.push(ms(start));
            ensure!(
                found.len() == plan.matches,
                "{}: search found {}, expected {}",
                built[s].kind.name(),
                found.len(),
                plan.matches
            );
        }
    }
    Ok(())
}

/// Reopens every store and times the edits, then the deletes.
pub fn writes(built: &[Built], plan: &Plan<'_>, out: &mut [Samples]) -> Result<()> {
    let mut stores = built
        .iter()
        .map(|b| b.kind.open(&b.path))
        .collect::<Result<Vec<_>>>()?;
    let edits = interleaved(&mut stores, plan.edits, |s, store, _, (i, d)| {
        store.edit(&built[s].ids[*i], d)
    })?;
    let deletes = interleaved(&mut stores, plan.deletes, |s, store, _, i| {
        store.delete(&built[s].ids[*i])
    })?;
    for ((o, e), d) in out.iter_mut().zip(edits).zip(deletes) {
        o.edit.push(e);
        o.delete.push(d);
    }
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
