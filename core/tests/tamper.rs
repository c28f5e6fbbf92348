//! Tampering, corruption and hostile input: always detected, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use haven_core::{HavenError, Vault};
use rusqlite::params;

fn body(db: &std::path::Path, id: &str) -> Vec<u8> {
    raw_conn(db)
        .query_row("SELECT body FROM records WHERE id = ?1", [id], |r| r.get(0))
        .unwrap()
}

fn set_body(db: &std::path::Path, id: &str, b: &[u8]) {
    raw_conn(db)
        .execute("UPDATE records SET body = ?1 WHERE id = ?2", params![b, id])
        .unwrap();
}

#[test]
fn every_single_flipped_bit_in_a_stored_record_is_detected() {
    let (_d, v, _) = new_vault();
    let e = v.add_entry(draft("short")).unwrap();
    let original = body(v.path(), &e.id);
    // Flip each bit of the whole envelope: version, nonce, ciphertext, tag.
    for byte in 0..original.len() {
        for bit in 0..8 {
            let mut t = original.clone();
            t[byte] ^= 1 << bit;
            set_body(v.path(), &e.id, &t);
            match v.get_entry(&e.id) {
                Err(HavenError::Corrupt { record_id }) => assert_eq!(record_id, e.id),
                Err(HavenError::UnsupportedVersion { .. }) if byte == 0 => {}
                other => panic!("byte {byte} bit {bit}: {other:?}"),
            }
        }
    }
    set_body(v.path(), &e.id, &original);
    assert_eq!(v.get_entry(&e.id).unwrap().text, "short");
    assert!(v.verify().unwrap().is_intact());
}

#[test]
fn a_ciphertext_copied_onto_another_record_is_detected() {
    let (_d, v, _) = new_vault();
    let a = v.add_entry(draft("entry a")).unwrap();
    let b = v.add_entry(draft("entry b")).unwrap();
    set_body(v.path(), &b.id, &body(v.path(), &a.id));
    assert_eq!(
        v.get_entry(&b.id),
        Err(HavenError::Corrupt {
            record_id: b.id.clone()
        })
    );
    let report = v.verify().unwrap();
    assert_eq!(report.damaged, vec![b.id.clone()]);
    assert!(!report.is_intact());
    // Listing surfaces the damage instead of silently skipping it.
    assert!(matches!(
        v.list_entries(10, None),
        Err(HavenError::Corrupt { .. })
    ));
}

#[test]
fn an_old_revision_replayed_after_an_edit_is_detected() {
    let (_d, v, _) = new_vault();
    let e = v.add_entry(draft("version one")).unwrap();
    let old = body(v.path(), &e.id);
    v.edit_entry(&e.id, draft("version two")).unwrap();
    set_body(v.path(), &e.id, &old);
    assert_eq!(
        v.get_entry(&e.id),
        Err(HavenError::Corrupt { record_id: e.id })
    );
}

#[test]
fn a_record_from_another_vault_is_detected() {
    let (_d1, v1, _) = new_vault();
    let (_d2, v2, _) = new_vault();
    let e1 = v1.add_entry(draft("vault one")).unwrap();
    let e2 = v2.add_entry(draft("vault two")).unwrap();
    // Same id and revision, but another vault's key and id.
    raw_conn(v2.path())
        .execute(
            "UPDATE records SET id = ?1 WHERE id = ?2",
            params![e1.id, e2.id],
        )
        .unwrap();
    set_body(v2.path(), &e1.id, &body(v1.path(), &e1.id));
    assert!(matches!(
        v2.get_entry(&e1.id),
        Err(HavenError::Corrupt { .. })
    ));
}

#[test]
fn truncated_and_garbage_envelopes_give_errors_not_panics() {
    let (_d, v, _) = new_vault();
    let e = v.add_entry(draft("some text")).unwrap();
    let original = body(v.path(), &e.id);
    for n in 0..original.len() {
        set_body(v.path(), &e.id, &original[..n]);
        match v.get_entry(&e.id) {
            Err(HavenError::Corrupt { record_id }) => assert_eq!(record_id, e.id),
            other => panic!("truncated to {n}: {other:?}"),
        }
    }
    let mut rng = fastrand::Rng::with_seed(7);
    for len in [0usize, 1, 13, 28, 29, 300, 5000] {
        let junk: Vec<u8> = (0..len).map(|_| rng.u8(..)).collect();
        set_body(v.path(), &e.id, &junk);
        // Junk is corrupt, unless its first byte names a version this build
        // does not know (1 and 2 are known), which is reported as such.
        match (v.get_entry(&e.id), junk.first()) {
            (Err(HavenError::Corrupt { record_id }), None | Some(1 | 2)) => {
                assert_eq!(record_id, e.id)
            }
            (Err(HavenError::UnsupportedVersion { found, .. }), Some(&b)) => {
                assert_eq!(found, u32::from(b), "{len} bytes of junk")
            }
            (other, _) => panic!("{len} bytes of junk: {other:?}"),
        }
    }
    // A future envelope version is reported as such.
    let mut future = original.clone();
    future[0] = 9;
    set_body(v.path(), &e.id, &future);
    assert!(matches!(
        v.get_entry(&e.id),
        Err(HavenError::UnsupportedVersion { found: 9, .. })
    ));
}

#[test]
fn out_of_bounds_kdf_parameters_are_refused_on_open() {
    let (dir, v, _) = new_vault();
    drop(v);
    let path = dir.path().join("v.haven");
    for params in [
        [u32::MAX, 3, 1], // 4 TiB of memory: denial of service
        [64, 1, 1],       // 64 KiB: a downgrade
        [65536, 0, 1],
        [65536, 1_000_000, 1],
        [65536, 3, 0],
    ] {
        let bytes: Vec<u8> = params.iter().flat_map(|p| p.to_le_bytes()).collect();
        raw_conn(&path)
            .execute(
                "UPDATE key_slots SET kdf = ?1 WHERE kind = 'passphrase'",
                [bytes],
            )
            .unwrap();
        assert_eq!(
            Vault::open(&path).unwrap_err(),
            HavenError::KdfParamsOutOfBounds
        );
    }
    raw_conn(&path)
        .execute(
            "UPDATE key_slots SET kdf = x'0102' WHERE kind = 'passphrase'",
            [],
        )
        .unwrap();
    assert_eq!(
        Vault::open(&path).unwrap_err(),
        HavenError::KdfParamsOutOfBounds
    );
}

#[test]
fn a_tampered_key_slot_reads_as_a_wrong_passphrase_and_the_canary_catches_a_swapped_key() {
    let (dir, v, rk) = new_vault();
    drop(v);
    let path = dir.path().join("v.haven");
    let conn = raw_conn(&path);
    let wrapped: Vec<u8> = conn
        .query_row(
            "SELECT wrapped FROM key_slots WHERE kind = 'passphrase'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let mut bad = wrapped.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    conn.execute(
        "UPDATE key_slots SET wrapped = ?1 WHERE kind = 'passphrase'",
        [&bad],
    )
    .unwrap();
    let v = Vault::open(&path).unwrap();
    assert_eq!(
        v.unlock_with_passphrase(PASS),
        Err(HavenError::WrongPassphrase)
    );
    // The recovery slot is independent and still opens the vault.
    v.unlock_with_recovery_key(&rk.display()).unwrap();
    drop(v);
    conn.execute("UPDATE meta SET value = x'00' WHERE key = 'canary'", [])
        .unwrap();
    let v = Vault::open(&path).unwrap();
    assert!(matches!(
        v.unlock_with_recovery_key(&rk.display()),
        Err(HavenError::Corrupt { .. })
    ));
}

#[test]
fn a_vault_from_a_newer_build_is_refused_clearly() {
    let (dir, v, _) = new_vault();
    drop(v);
    let path = dir.path().join("v.haven");
    raw_conn(&path)
        .pragma_update(None, "user_version", 99)
        .unwrap();
    assert!(matches!(
        Vault::open(&path),
        Err(HavenError::UnsupportedVersion { found: 99, .. })
    ));
}
