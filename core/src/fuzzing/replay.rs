//! Replays the fuzz crate's seed corpus and every saved crash through the
//! checks, so the ordinary test suite keeps what fuzzing found fixed.

use std::path::{Path, PathBuf};

use super::TARGETS;

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files in `dir`, sorted (none if it does not exist).
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.is_file());
    out.sort();
    out
}

#[test]
fn test_every_target_has_a_seed_corpus_that_passes_its_check() {
    for target in TARGETS {
        let seeds = files(&fuzz_dir().join("corpus").join(target.name));
        assert!(!seeds.is_empty(), "no seeds for {}", target.name);
        for seed in seeds {
            (target.check)(&std::fs::read(&seed).unwrap());
        }
    }
}

/// Every input that once crashed a target (`fuzz/regressions/<target>/`,
/// each file named for the bug it found; see `docs/fuzzing.md`).
#[test]
fn test_saved_crashes_no_longer_crash() {
    let dir = fuzz_dir().join("regressions");
    for target in TARGETS {
        for input in files(&dir.join(target.name)) {
            (target.check)(&std::fs::read(&input).unwrap());
        }
    }
    // A folder that names no target would be silently skipped.
    for entry in std::fs::read_dir(&dir).into_iter().flatten() {
        let name = entry.unwrap().file_name();
        let name = name.to_string_lossy();
        assert!(
            name == "document_file" || super::target(&name).is_some(),
            "fuzz/regressions/{name} names no target"
        );
    }
}
