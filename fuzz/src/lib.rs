//! The shell around Haven's fuzz checks: runs one check on one input and
//! holds it to its allocation bound.
//!
//! The checks live with the code they check (`haven_core::fuzzing`, and
//! the CLI's `document_file_fuzz.rs`, compiled here from source because the
//! CLI has no library). What this crate adds is the one thing a check cannot
//! do for itself: count the bytes allocated while it runs. A global
//! allocator wraps the system's and tracks the most bytes live at once; a
//! target that holds more than its stated bound for an input of `n` bytes
//! fails the run like any other crash. (libFuzzer's own `-malloc_limit_mb`
//! needs a sanitizer's allocator hooks; this works in any build, and bounds
//! the total held, not only single allocations.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

// The CLI's document-file reader, as the CLI compiles it.
#[allow(dead_code)]
#[path = "../../apps/cli/src/document_file_fuzz.rs"]
mod document_file_fuzz;
#[allow(dead_code, unused_imports)]
#[path = "../../apps/cli/src/documents_io/mod.rs"]
mod documents_io;
#[allow(dead_code)]
#[path = "../../apps/cli/src/fail.rs"]
mod fail;
#[path = "../../apps/cli/src/file_format.rs"]
mod file_format;

/// Counts live bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(now, Relaxed);
}

// SAFETY: every call is passed straight to the system allocator with the
// caller's own arguments; the wrapper only adds to counters.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            // Both blocks may be live for a moment while it copies.
            grew(new_size);
            LIVE.fetch_sub(layout.size(), Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `check` on `data`; panics if it held more than `bound` bytes at once.
fn bounded(name: &str, bound: usize, data: &[u8], check: impl FnOnce(&[u8])) {
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    check(data);
    let peak = PEAK.load(Relaxed).saturating_sub(base);
    assert!(
        peak <= bound,
        "{name}: {peak} bytes live at once for a {}-byte input, over the bound of {bound}",
        data.len()
    );
}

/// Runs the core check called `name`.
pub fn run_core(name: &str, data: &[u8]) {
    let Some(target) = haven_core::fuzzing::target(name) else {
        panic!("haven_core::fuzzing has no target {name}");
    };
    bounded(name, (target.alloc_bound)(data.len()), data, target.check);
}

/// Most bytes live at once while reading, writing and re-reading a document
/// file of `n` bytes (JSON values and TOML tables of it, several times over).
pub fn document_file_bound(n: usize) -> usize {
    64 * n + 1024 * 1024
}

/// Runs the CLI's document-file check.
pub fn run_document_file(data: &[u8]) {
    bounded(
        "document_file",
        document_file_bound(data.len()),
        data,
        document_file_fuzz::check_document_file,
    );
}
