//! Issue 9: the vault as a whole is authenticated. Each attack here is what
//! someone with write access to the file (no key, only `sqlite3`) could do;
//! each must give a typed error and leave the file byte-identical.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use haven_core::{HavenError, KdfParams, Vault};

fn kdf_of_passphrase_slots(db: &std::path::Path) -> Vec<Vec<u8>> {
    let c = raw_conn(db);
    let mut stmt = c
        .prepare("SELECT kdf FROM key_slots WHERE kind = 'passphrase'")
        .unwrap();
    let rows = stmt
        .query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    rows
}

/// Vault, WAL and shared-memory files are owner-only.
#[cfg(unix)]
#[test]
fn vault_wal_and_shm_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, v, _) = new_vault();
    v.add_entry(draft("mode check")).unwrap();
    let path = dir.path().join("v.haven");
    let files = raw_files(&path);
    assert_eq!(files.len(), 3, "{files:?}");
    for f in files {
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", f.display());
    }
}

/// New slots cost at least the floor (19 MiB, 2 passes); nothing below it
/// can be asked for.
#[test]
fn new_slots_refuse_costs_below_the_floor() {
    let dir = tempfile::tempdir().unwrap();
    let cheap = KdfParams {
        memory_kib: 8 * 1024,
        iterations: 1,
        parallelism: 1,
    };
    assert_eq!(
        Vault::create(&dir.path().join("a.haven"), PASS, cheap).unwrap_err(),
        HavenError::KdfParamsOutOfBounds
    );
    assert!(!dir.path().join("a.haven").exists());
    let (_dir, v, _) = new_vault();
    assert_eq!(
        v.change_passphrase_with_kdf("another long passphrase", cheap),
        Err(HavenError::KdfParamsOutOfBounds)
    );
}

/// A slot's cost is bound into its associated data: the same slot with its
/// cost edited in the file does not open.
#[test]
fn a_slot_with_its_cost_edited_does_not_open() {
    let (dir, v, _) = new_vault();
    drop(v);
    let path = dir.path().join("v.haven");
    let edited = KdfParams {
        memory_kib: 20 * 1024,
        ..KdfParams::minimum()
    };
    raw_conn(&path)
        .execute(
            "UPDATE key_slots SET kdf = ?1 WHERE kind = 'passphrase'",
            [edited.to_bytes()],
        )
        .unwrap();
    let v = Vault::open(&path).unwrap();
    assert_eq!(
        v.unlock_with_passphrase(PASS),
        Err(HavenError::WrongPassphrase)
    );
}

/// Changing the passphrase takes its cost from the caller, never from a
/// slot in the file (issue 9 planted an 8 MiB / 1 pass slot and the next
/// change stored the new slot at that cost).
#[test]
fn passphrase_change_never_takes_its_cost_from_a_slot_in_the_file() {
    let (dir, v, _) = new_vault();
    let path = dir.path().join("v.haven");
    v.change_passphrase("a brand new passphrase").unwrap();
    assert_eq!(
        kdf_of_passphrase_slots(&path),
        vec![KdfParams::default().to_bytes()]
    );
    let chosen = KdfParams {
        memory_kib: 24 * 1024,
        iterations: 2,
        parallelism: 1,
    };
    v.change_passphrase_with_kdf("yet another passphrase", chosen)
        .unwrap();
    assert_eq!(kdf_of_passphrase_slots(&path), vec![chosen.to_bytes()]);
}
