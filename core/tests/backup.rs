//! Encrypted backup and restore: round trips on a "new device", and every
//! way a backup file can be wrong (truncated, flipped, reordered, foreign,
//! garbage) refused with nothing half-restored.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use common::{kdf_bytes, Recorder, PASS};
use haven_core::backup::CHUNK_SIZE;
use haven_core::{Draft, Entry, HavenError, KdfParams, RestoreSecret, SlotKind, Vault};
use tempfile::TempDir;

const TEXT_MARKER: &str = "PLAINTEXT-MARKER-zebra-7f3a";
const TAG_MARKER: &str = "TAGMARKER-okapi-19c2";
/// Bytes an envelope adds to a chunk: version, nonce, tag.
const SEALED_CHUNK: usize = CHUNK_SIZE + 1 + 12 + 16;

struct Made {
    /// Holds the original vault and its backups.
    home: TempDir,
    vault: Vault,
    recovery: String,
    backup: PathBuf,
    entries: Vec<Entry>,
}

fn draft(i: usize, text_len: usize) -> Draft {
    let mut text = format!("{TEXT_MARKER} entry {i} ");
    while text.len() < text_len {
        text.push_str("the quiet hours before dawn ");
    }
    Draft {
        text,
        mood: Some(i32::from((i % 10 + 1) as u8)),
        tags: vec![TAG_MARKER.into()],
    }
}

/// A vault with `n` entries of about `text_len` bytes, and a backup of it.
fn make(n: usize, text_len: usize) -> Made {
    let home = tempfile::tempdir().unwrap();
    let (vault, recovery) = Vault::create(
        &home.path().join("vault.db"),
        PASS,
        KdfParams::minimum_for_tests(),
    )
    .unwrap();
    let mut entries: Vec<Entry> = (0..n)
        .map(|i| vault.add_entry(draft(i, text_len)).unwrap())
        .collect();
    // An edit and a deletion, so revisions and freed pages are exercised.
    if n >= 2 {
        entries[0] = vault
            .edit_entry(&entries[0].id, draft(100, text_len))
            .unwrap();
        vault.delete_entry(&entries[1].id).unwrap();
        entries.remove(1);
    }
    let backup = home.path().join("haven.backup");
    let summary = vault.create_backup(&backup, &haven_core::Silent).unwrap();
    assert_eq!(summary.records(), entries.len() as u64);
    assert_eq!(summary.key_slots, 2);
    assert_eq!(summary.bytes, std::fs::metadata(&backup).unwrap().len());
    Made {
        home,
        vault,
        recovery: recovery.display().to_string(),
        backup,
        entries,
    }
}

fn small() -> Made {
    make(3, 200)
}

/// Enough data for several chunks.
fn multi_chunk() -> Made {
    let m = make(40, 6000);
    let (_, chunks) = layout(&std::fs::read(&m.backup).unwrap());
    assert!(chunks >= 3, "only {chunks} chunks");
    m
}

/// (header length, chunk count) of a well-formed backup.
fn layout(bytes: &[u8]) -> (usize, usize) {
    let body = u32::from_le_bytes(bytes[10..14].try_into().unwrap()) as usize;
    let header = 14 + body + 32;
    assert_eq!((bytes.len() - header) % SEALED_CHUNK, 0);
    (header, (bytes.len() - header) / SEALED_CHUNK)
}

fn sorted(mut v: Vec<Entry>) -> Vec<Entry> {
    v.sort_by(|a, b| a.id.cmp(&b.id));
    v
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Restores `bytes` (written to a scratch file) into an empty "new device"
/// folder and insists it is refused with nothing left behind.
fn assert_refused(bytes: &[u8], what: &str) -> HavenError {
    let scratch = tempfile::tempdir().unwrap();
    let file = scratch.path().join("candidate.backup");
    std::fs::write(&file, bytes).unwrap();
    let device = tempfile::tempdir().unwrap();
    let target = device.path().join("vault.db");
    let err = Vault::restore_backup(
        &file,
        &target,
        RestoreSecret::Passphrase(PASS),
        &haven_core::Silent,
    )
    .expect_err(what);
    assert!(files_in(device.path()).is_empty(), "{what}: left files");
    err
}

fn is_bad_backup(e: &HavenError) -> bool {
    matches!(e, HavenError::BadBackup { .. })
}

fn sha256(bytes: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .to_vec()
}

/// Rewrites the header's checksum after an edit, as an attacker could.
fn rehash(bytes: &mut [u8]) {
    let body = u32::from_le_bytes(bytes[10..14].try_into().unwrap()) as usize;
    let end = 14 + body;
    let hash = sha256(&bytes[..end]);
    bytes[end..end + 32].copy_from_slice(&hash);
}

#[test]
fn round_trip_with_passphrase_on_a_new_device_restores_everything() {
    let m = multi_chunk();
    let device = tempfile::tempdir().unwrap();
    let target = device.path().join("restored.db");
    let restored = Vault::restore_backup(
        &m.backup,
        &target,
        RestoreSecret::Passphrase(PASS),
        &haven_core::Silent,
    )
    .unwrap();
    assert!(restored.is_unlocked());
    assert_eq!(
        sorted(restored.all_entries().unwrap()),
        sorted(m.entries.clone())
    );
    assert_eq!(
        sorted(restored.all_entries().unwrap()),
        sorted(m.vault.all_entries().unwrap())
    );
    let report = restored.verify().unwrap();
    assert!(report.is_intact());
    assert_eq!(report.intact(), m.entries.len() as u64);
    assert_eq!(report.key_slots, 2);
    // Only the vault (and SQLite's own sidecars) in the new folder.
    assert!(files_in(device.path())
        .iter()
        .all(|f| f.starts_with("restored.db")));

    // After a restart, the passphrase and the recovery key both open it.
    drop(restored);
    let reopened = Vault::open(&target).unwrap();
    assert!(!reopened.is_unlocked());
    assert_eq!(
        reopened.unlock_with_passphrase("not the passphrase", &haven_core::Silent),
        Err(HavenError::WrongPassphrase)
    );
    reopened
        .unlock_with_passphrase(PASS, &haven_core::Silent)
        .unwrap();
    assert_eq!(reopened.all_entries().unwrap().len(), m.entries.len());
    reopened.lock();
    reopened.unlock_with_recovery_key(&m.recovery).unwrap();
    assert!(reopened.verify().unwrap().is_intact());
}

#[test]
fn round_trip_with_recovery_key_on_a_new_device() {
    let m = small();
    let device = tempfile::tempdir().unwrap();
    let target = device.path().join("vault.db");
    let sloppy = m.recovery.to_lowercase().replace('-', " ");
    let restored = Vault::restore_backup(
        &m.backup,
        &target,
        RestoreSecret::RecoveryKey(&sloppy),
        &haven_core::Silent,
    )
    .unwrap();
    assert_eq!(
        sorted(restored.all_entries().unwrap()),
        sorted(m.entries.clone())
    );
    assert!(restored.verify().unwrap().is_intact());
    // The restored vault is a full vault: new writes and a new passphrase work.
    restored.add_entry(draft(7, 10)).unwrap();
    restored
        .change_passphrase("a brand new passphrase")
        .unwrap();
    drop(restored);
    let reopened = Vault::open(&target).unwrap();
    reopened
        .unlock_with_passphrase("a brand new passphrase", &haven_core::Silent)
        .unwrap();
    assert_eq!(reopened.all_entries().unwrap().len(), m.entries.len() + 1);
}

#[test]
fn wrong_secrets_are_refused_and_nothing_is_created() {
    let m = small();
    let device = tempfile::tempdir().unwrap();
    let target = device.path().join("vault.db");
    let restore =
        |s: RestoreSecret<'_>| Vault::restore_backup(&m.backup, &target, s, &haven_core::Silent);

    assert_eq!(
        restore(RestoreSecret::Passphrase("wrong passphrase!")).unwrap_err(),
        HavenError::WrongPassphrase
    );
    let other = tempfile::tempdir().unwrap();
    let (_, other_key) = Vault::create(
        &other.path().join("v.db"),
        PASS,
        KdfParams::minimum_for_tests(),
    )
    .unwrap();
    assert_eq!(
        restore(RestoreSecret::RecoveryKey(&other_key.display())).unwrap_err(),
        HavenError::WrongRecoveryKey
    );
    assert_eq!(
        restore(RestoreSecret::RecoveryKey("AAAAA-BBBBB")).unwrap_err(),
        HavenError::MistypedRecoveryKey
    );
    assert!(files_in(device.path()).is_empty());
}

#[test]
fn existing_target_is_never_overwritten() {
    let m = small();
    let device = tempfile::tempdir().unwrap();
    let target = device.path().join("vault.db");
    std::fs::write(&target, b"something precious").unwrap();
    let err = Vault::restore_backup(
        &m.backup,
        &target,
        RestoreSecret::Passphrase(PASS),
        &haven_core::Silent,
    );
    assert!(matches!(err, Err(HavenError::AlreadyExists { .. })));
    assert_eq!(std::fs::read(&target).unwrap(), b"something precious");

    // A stale SQLite sidecar would be replayed onto the restored file.
    let target2 = device.path().join("second.db");
    std::fs::write(device.path().join("second.db-wal"), b"stale").unwrap();
    let err = Vault::restore_backup(
        &m.backup,
        &target2,
        RestoreSecret::Passphrase(PASS),
        &haven_core::Silent,
    );
    assert!(matches!(err, Err(HavenError::AlreadyExists { .. })));
    assert!(!target2.exists());

    // Restoring over the original vault is refused too.
    let err = Vault::restore_backup(
        &m.backup,
        &m.home.path().join("vault.db"),
        RestoreSecret::Passphrase(PASS),
        &haven_core::Silent,
    );
    assert!(matches!(err, Err(HavenError::AlreadyExists { .. })));
}

#[test]
fn create_backup_refuses_existing_file_and_locked_vault() {
    let m = small();
    let before = std::fs::read(&m.backup).unwrap();
    assert!(matches!(
        m.vault.create_backup(&m.backup, &haven_core::Silent),
        Err(HavenError::AlreadyExists { .. })
    ));
    assert!(matches!(
        m.vault
            .create_backup(&m.home.path().join("vault.db"), &haven_core::Silent),
        Err(HavenError::AlreadyExists { .. })
    ));
    assert_eq!(std::fs::read(&m.backup).unwrap(), before);
    m.vault.lock();
    let out = m.home.path().join("locked.backup");
    assert_eq!(
        m.vault.create_backup(&out, &haven_core::Silent),
        Err(HavenError::Locked)
    );
    assert!(!out.exists());
}

#[test]
fn backup_holds_no_plaintext_and_leaves_no_temporary_files() {
    let m = small();
    let bytes = std::fs::read(&m.backup).unwrap();
    for marker in [TEXT_MARKER, TAG_MARKER, PASS, "the quiet hours"] {
        assert!(
            !bytes.windows(marker.len()).any(|w| w == marker.as_bytes()),
            "marker found in the backup"
        );
    }
    let recovery_compact = m.recovery.replace('-', "");
    assert!(!bytes
        .windows(recovery_compact.len())
        .any(|w| w == recovery_compact.as_bytes()));
    // Only the vault, its sidecars and the backup: the snapshot is gone.
    for name in files_in(m.home.path()) {
        assert!(
            name.starts_with("vault.db") || name == "haven.backup",
            "stray file {name}"
        );
    }
}

#[test]
fn two_backups_of_one_vault_share_no_key_material() {
    let m = small();
    let second = m.home.path().join("second.backup");
    m.vault.create_backup(&second, &haven_core::Silent).unwrap();
    let a = std::fs::read(&m.backup).unwrap();
    let b = std::fs::read(&second).unwrap();
    let (ha, _) = layout(&a);
    let (hb, _) = layout(&b);
    assert_ne!(a[..ha], b[..hb], "fresh backup id and salt each time");
    assert_ne!(a[ha..], b[hb..]);
    // A chunk of one backup does not open inside the other.
    let mut spliced = a.clone();
    spliced[ha..ha + SEALED_CHUNK].copy_from_slice(&b[hb..hb + SEALED_CHUNK]);
    assert!(is_bad_backup(&assert_refused(&spliced, "foreign chunk")));
}

#[test]
fn every_truncation_of_a_small_backup_is_refused() {
    let m = small();
    let full = std::fs::read(&m.backup).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let file = scratch.path().join("cut.backup");
    std::fs::write(&file, &full).unwrap();
    let device = tempfile::tempdir().unwrap();
    let target = device.path().join("vault.db");
    let handle = std::fs::OpenOptions::new().write(true).open(&file).unwrap();
    for len in (0..full.len()).rev() {
        handle.set_len(len as u64).unwrap();
        match Vault::restore_backup(
            &file,
            &target,
            RestoreSecret::Passphrase(PASS),
            &haven_core::Silent,
        ) {
            Err(HavenError::BadBackup { .. }) => {}
            other => panic!("length {len}: {other:?}"),
        }
    }
    assert!(files_in(device.path()).is_empty());
}

#[test]
fn truncation_at_chunk_boundaries_of_a_multi_chunk_backup_is_refused() {
    let m = multi_chunk();
    let full = std::fs::read(&m.backup).unwrap();
    let (header, chunks) = layout(&full);
    for k in 0..chunks {
        let end = header + k * SEALED_CHUNK;
        for cut in [end, end + 1, end + SEALED_CHUNK - 1] {
            let e = assert_refused(&full[..cut], "truncated");
            assert_eq!(
                e,
                HavenError::bad_backup("the backup is incomplete (truncated)")
            );
        }
    }
    let mut longer = full.clone();
    longer.push(0);
    assert!(is_bad_backup(&assert_refused(&longer, "trailing byte")));
}

#[test]
fn any_flipped_byte_in_header_or_chunks_is_refused() {
    let m = multi_chunk();
    let full = std::fs::read(&m.backup).unwrap();
    let (header, chunks) = layout(&full);
    // Every header byte: caught by the checksum, before any key derivation.
    for i in 0..header {
        let mut b = full.clone();
        b[i] ^= 0x01;
        let e = assert_refused(&b, "flipped header byte");
        assert!(
            is_bad_backup(&e) || matches!(e, HavenError::UnsupportedVersion { .. }),
            "header byte {i}: {e:?}"
        );
    }
    // Envelope version, nonce, body and tag of every chunk.
    for k in 0..chunks {
        let start = header + k * SEALED_CHUNK;
        for off in [0, 1, 12, 13, 14, 5000, SEALED_CHUNK - 17, SEALED_CHUNK - 1] {
            let mut b = full.clone();
            b[start + off] ^= 0x80;
            let e = assert_refused(&b, "flipped chunk byte");
            assert!(is_bad_backup(&e), "chunk {k} offset {off}: {e:?}");
        }
    }
}

#[test]
fn swapped_reordered_dropped_or_duplicated_chunks_are_refused() {
    let m = multi_chunk();
    let full = std::fs::read(&m.backup).unwrap();
    let (header, chunks) = layout(&full);
    let chunk =
        |k: usize| full[header + k * SEALED_CHUNK..header + (k + 1) * SEALED_CHUNK].to_vec();
    let assemble = |order: &[usize]| {
        let mut b = full[..header].to_vec();
        for &k in order {
            b.extend_from_slice(&chunk(k));
        }
        b
    };
    let all: Vec<usize> = (0..chunks).collect();

    let mut swapped = all.clone();
    swapped.swap(1, 2);
    let mut first_two = all.clone();
    first_two.swap(0, 1);
    let mut last_two = all.clone();
    last_two.swap(chunks - 2, chunks - 1);
    let mut duplicated = all.clone();
    duplicated[2] = 1;
    let mut reversed = all.clone();
    reversed.reverse();
    for (what, order) in [
        ("swap 1 and 2", swapped),
        ("swap 0 and 1", first_two),
        ("swap the last two", last_two),
        ("duplicate 1 over 2", duplicated),
        ("reverse", reversed),
    ] {
        assert!(
            is_bad_backup(&assert_refused(&assemble(&order), what)),
            "{what}"
        );
    }
    // Sanity: the untouched order restores.
    let device = tempfile::tempdir().unwrap();
    let ok = device.path().join("ok.backup");
    std::fs::write(&ok, assemble(&all)).unwrap();
    Vault::restore_backup(
        &ok,
        &device.path().join("v.db"),
        RestoreSecret::Passphrase(PASS),
        &haven_core::Silent,
    )
    .unwrap();

    // Dropping the last chunk and fixing up the header's count and checksum,
    // as an attacker without the key could, still fails: the header hash and
    // the final-chunk flag are bound into every chunk.
    // Format 2: preamble, backup id, schema version, salt, chunk size.
    assert_eq!(u16::from_le_bytes([full[8], full[9]]), 2);
    let count_at = 14 + 16 + 4 + 32 + 4;
    assert_eq!(
        u64::from_le_bytes(full[count_at..count_at + 8].try_into().unwrap()),
        chunks as u64
    );
    let mut shorter = assemble(&all[..chunks - 1]);
    shorter[count_at..count_at + 8].copy_from_slice(&(chunks as u64 - 1).to_le_bytes());
    rehash(&mut shorter);
    assert!(is_bad_backup(&assert_refused(
        &shorter,
        "dropped last chunk"
    )));

    let mut longer = assemble(&[all.clone(), vec![chunks - 1]].concat());
    longer[count_at..count_at + 8].copy_from_slice(&(chunks as u64 + 1).to_le_bytes());
    rehash(&mut longer);
    assert!(is_bad_backup(&assert_refused(
        &longer,
        "repeated last chunk"
    )));

    // Any other header edit with a recomputed checksum: the backup id,
    // which each header slot's wrap binds.
    let mut renamed = full.clone();
    renamed[14] ^= 0xff;
    rehash(&mut renamed);
    assert_eq!(
        assert_refused(&renamed, "edited backup id"),
        HavenError::WrongPassphrase
    );
}

#[test]
fn importing_garbage_does_not_panic() {
    let mut rng = fastrand::Rng::with_seed(0x4a5e);
    let mut cases: Vec<Vec<u8>> = vec![
        vec![],
        b"HAVENBK".to_vec(),
        b"HAVENBK1".to_vec(),
        b"SQLite format 3\0".to_vec(),
        [b"HAVENBK1".as_slice(), &2u16.to_le_bytes(), &[0u8; 4]].concat(),
        [
            b"HAVENBK1".as_slice(),
            &1u16.to_le_bytes(),
            &u32::MAX.to_le_bytes(),
        ]
        .concat(),
    ];
    for _ in 0..300 {
        let n = rng.usize(0..2000);
        cases.push((0..n).map(|_| rng.u8(..)).collect());
    }
    // Well-framed headers with random bodies and valid checksums reach the
    // body parser itself.
    for _ in 0..300 {
        let n = rng.usize(0..400);
        let mut b = b"HAVENBK1".to_vec();
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&(n as u32).to_le_bytes());
        b.extend((0..n).map(|_| rng.u8(..)));
        b.extend_from_slice(&[0u8; 32]);
        rehash(&mut b);
        b.extend((0..rng.usize(0..200)).map(|_| rng.u8(..)));
        cases.push(b);
    }
    for (i, case) in cases.iter().enumerate() {
        let e = assert_refused(case, "garbage");
        assert!(
            is_bad_backup(&e) || matches!(e, HavenError::UnsupportedVersion { .. }),
            "case {i}: {e:?}"
        );
    }
    // A real header with random chunk bytes.
    let m = small();
    let full = std::fs::read(&m.backup).unwrap();
    let (header, _) = layout(&full);
    let mut b = full[..header].to_vec();
    b.extend((0..SEALED_CHUNK).map(|_| rng.u8(..)));
    assert!(is_bad_backup(&assert_refused(&b, "random chunk")));
}

#[test]
fn device_slots_stay_behind() {
    let home = tempfile::tempdir().unwrap();
    let (vault, _) = Vault::create(
        &home.path().join("vault.db"),
        PASS,
        KdfParams::minimum_for_tests(),
    )
    .unwrap();
    vault.add_device_key(&[9u8; 32]).unwrap();
    assert_eq!(vault.key_slots().unwrap().len(), 3);
    let backup = home.path().join("b");
    assert_eq!(
        vault
            .create_backup(&backup, &haven_core::Silent)
            .unwrap()
            .key_slots,
        2
    );
    // The original keeps its device slot.
    assert_eq!(vault.key_slots().unwrap().len(), 3);

    let device = tempfile::tempdir().unwrap();
    let target = device.path().join("vault.db");
    let restored = Vault::restore_backup(
        &backup,
        &target,
        RestoreSecret::Passphrase(PASS),
        &haven_core::Silent,
    )
    .unwrap();
    let kinds: Vec<SlotKind> = restored
        .key_slots()
        .unwrap()
        .into_iter()
        .map(|s| s.kind)
        .collect();
    assert_eq!(kinds, vec![SlotKind::Passphrase, SlotKind::Recovery]);
    restored.lock();
    assert_eq!(
        restored.unlock_with_device_key(&[9u8; 32]),
        Err(HavenError::WrongDeviceKey)
    );
}

#[test]
fn backup_of_an_empty_vault_round_trips() {
    let m = make(0, 0);
    let device = tempfile::tempdir().unwrap();
    let restored = Vault::restore_backup(
        &m.backup,
        &device.path().join("vault.db"),
        RestoreSecret::Passphrase(PASS),
        &haven_core::Silent,
    )
    .unwrap();
    assert!(restored.all_entries().unwrap().is_empty());
    assert!(restored.verify().unwrap().is_intact());
}

#[test]
fn missing_backup_is_not_found() {
    let device = tempfile::tempdir().unwrap();
    let err = Vault::restore_backup(
        &device.path().join("nope.backup"),
        &device.path().join("vault.db"),
        RestoreSecret::Passphrase(PASS),
        &haven_core::Silent,
    );
    assert!(matches!(err, Err(HavenError::NotFound { .. })));
    assert!(files_in(device.path()).is_empty());
}

#[test]
fn backup_opens_with_the_passphrase_it_was_made_under() {
    let m = small();
    m.vault.change_passphrase("the newer passphrase").unwrap();
    let newer = m.home.path().join("newer.backup");
    m.vault.create_backup(&newer, &haven_core::Silent).unwrap();
    let device = tempfile::tempdir().unwrap();
    let restore = |b: &Path, name: &str, p: &str| {
        Vault::restore_backup(
            b,
            &device.path().join(name),
            RestoreSecret::Passphrase(p),
            &haven_core::Silent,
        )
    };
    // Old backup: old passphrase (a backup is a copy of the past).
    assert_eq!(
        restore(&m.backup, "a.db", "the newer passphrase").unwrap_err(),
        HavenError::WrongPassphrase
    );
    restore(&m.backup, "a.db", PASS).unwrap();
    // New backup: only the new passphrase; the recovery key opens both.
    assert_eq!(
        restore(&newer, "b.db", PASS).unwrap_err(),
        HavenError::WrongPassphrase
    );
    restore(&newer, "b.db", "the newer passphrase").unwrap();
    Vault::restore_backup(
        &newer,
        &device.path().join("c.db"),
        RestoreSecret::RecoveryKey(&m.recovery),
        &haven_core::Silent,
    )
    .unwrap();
}

#[test]
fn vault_opened_only_by_a_device_key_refuses_to_make_an_unopenable_backup() {
    let home = tempfile::tempdir().unwrap();
    let (vault, _) = Vault::create(
        &home.path().join("vault.db"),
        PASS,
        KdfParams::minimum_for_tests(),
    )
    .unwrap();
    vault.add_device_key(&[7u8; 32]).unwrap();
    for slot in vault.key_slots().unwrap() {
        if slot.kind != SlotKind::Device {
            vault.remove_key_slot(&slot.id).unwrap();
        }
    }
    let out = home.path().join("b");
    assert!(matches!(
        vault.create_backup(&out, &haven_core::Silent),
        Err(HavenError::InvalidInput { .. })
    ));
    assert!(!out.exists());
    assert_eq!(
        files_in(home.path()).len(),
        files_in(home.path())
            .iter()
            .filter(|f| f.starts_with("vault.db"))
            .count()
    );
}

#[test]
fn backup_and_restore_report_progress_and_cancel_without_leaving_files() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, _rk) = haven_core::Vault::create(
        &dir.path().join("v.haven"),
        "progress passphrase",
        haven_core::KdfParams::minimum_for_tests(),
    )
    .unwrap();
    for i in 0..300 {
        vault
            .add_entry(haven_core::Draft {
                text: format!("entry {i} {}", "w".repeat(900)),
                mood: None,
                tags: vec![],
            })
            .unwrap();
    }
    let out = dir.path().join("b.havenbak");
    let stop = Recorder::cancelling_after(3);
    assert_eq!(
        vault.create_backup(&out, &stop),
        Err(haven_core::HavenError::Cancelled)
    );
    assert!(!out.exists());

    let all = Recorder::new();
    vault.create_backup(&out, &all).unwrap();
    let f = all.fractions();
    assert!(f.len() > 3 && f.windows(2).all(|w| w[0] <= w[1]) && *f.last().unwrap() == 1.0);

    let target = dir.path().join("restored.haven");
    let stop = Recorder::cancelling_after(4);
    let r = haven_core::Vault::restore_backup(
        &out,
        &target,
        haven_core::RestoreSecret::Passphrase("progress passphrase"),
        &stop,
    );
    assert_eq!(r.unwrap_err(), haven_core::HavenError::Cancelled);
    assert!(!target.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains("restore"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "a cancelled restore left files behind"
    );
}

/// A temporary file dated `hours` ago, as a killed backup or restore leaves.
fn leftover(dir: &Path, name: &str, hours: u64) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, b"left behind").unwrap();
    let when = std::time::SystemTime::now() - std::time::Duration::from_secs(hours * 3600);
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(when)
        .unwrap();
    path
}

/// What a killed backup or restore leaves behind (a snapshot beside the
/// vault still holds deleted entries) is removed by the next open, backup or
/// restore in that folder once it has sat unwritten for an hour; recent
/// ones, which may belong to a live operation, stay.
#[test]
fn leftovers_of_killed_backups_and_restores_are_cleared() {
    let m = small();
    let home = m.home.path();
    let snapshot = leftover(home, ".haven-snapshot-killed.tmp", 2);
    let restore_beside_vault = leftover(home, ".haven-restore-killed.tmp", 2);
    let live_snapshot = leftover(home, ".haven-snapshot-live.tmp", 0);
    drop(m.vault);
    let vault = Vault::open(&home.join("vault.db")).unwrap();
    assert!(!snapshot.exists() && !restore_beside_vault.exists());
    assert!(live_snapshot.exists());

    let out = tempfile::tempdir().unwrap();
    let old_backup = leftover(out.path(), ".haven-backup-killed.tmp", 2);
    let live_backup = leftover(out.path(), ".haven-backup-live.tmp", 0);
    vault
        .unlock_with_passphrase(PASS, &haven_core::Silent)
        .unwrap();
    vault
        .create_backup(&out.path().join("again.backup"), &haven_core::Silent)
        .unwrap();
    assert!(!old_backup.exists() && live_backup.exists());
    // The live snapshot is not the backup's business; only open clears those.
    assert!(live_snapshot.exists());

    let device = tempfile::tempdir().unwrap();
    let old_restore = leftover(device.path(), ".haven-restore-killed.tmp", 2);
    let restored = Vault::restore_backup(
        &m.backup,
        &device.path().join("vault.db"),
        RestoreSecret::Passphrase(PASS),
        &haven_core::Silent,
    )
    .unwrap();
    assert!(!old_restore.exists());
    assert_eq!(sorted(restored.all_entries().unwrap()), sorted(m.entries));
    let names = files_in(device.path());
    assert!(!names.iter().any(|n| n.ends_with(".tmp")), "{names:?}");
}

/// Issue 9: a header asking for 1 GiB and 16 passes (its checksum redone,
/// as an attacker would) is refused while the header is read, before any
/// Argon2id work, and nothing is created.
#[test]
fn backup_header_with_oversized_kdf_cost_is_refused_at_once() {
    let m = small();
    let mut bytes = std::fs::read(&m.backup).unwrap();
    let stored = kdf_bytes(KdfParams::minimum_for_tests());
    let (header_len, _) = layout(&bytes);
    let at = bytes[..header_len]
        .windows(stored.len())
        .position(|w| w == stored.as_slice())
        .expect("the passphrase slot's cost is in the header");
    let costly = KdfParams {
        memory_kib: 1024 * 1024,
        iterations: 16,
        parallelism: 1,
    };
    bytes[at..at + stored.len()].copy_from_slice(&kdf_bytes(costly));
    rehash(&mut bytes);
    let started = std::time::Instant::now();
    let err = assert_refused(&bytes, "oversized kdf");
    assert_eq!(err, HavenError::KdfParamsOutOfBounds);
    // Refusing reads a few hundred bytes; the derivation alone would take
    // seconds and a gigabyte.
    assert!(started.elapsed() < std::time::Duration::from_millis(500));
}

/// Issue 9: backups and restored vaults are owner-only (0600).
#[cfg(unix)]
#[test]
fn backup_and_restored_vault_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let m = small();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&m.backup), 0o600);
    let device = tempfile::tempdir().unwrap();
    let target = device.path().join("vault.db");
    Vault::restore_backup(
        &m.backup,
        &target,
        RestoreSecret::Passphrase(PASS),
        &haven_core::Silent,
    )
    .unwrap();
    assert_eq!(mode(&target), 0o600);
}

/// The header format, read from its fixed place after the magic.
fn format_of(bytes: &[u8]) -> u16 {
    u16::from_le_bytes([bytes[8], bytes[9]])
}

/// Every key slot row of the vault file: (id, salt, wrapped).
fn slot_rows(db: &Path) -> Vec<(String, Vec<u8>, Vec<u8>)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT id, salt, wrapped FROM key_slots")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

fn holds(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Issue 9: a backup written now (format 2) names neither the vault nor
/// any slot, and shares no slot salt or wrapped key with the vault file,
/// yet opens with the passphrase and with the recovery key.
#[test]
fn new_backup_header_holds_no_vault_id_slot_id_or_slot_bytes() {
    let m = small();
    let bytes = std::fs::read(&m.backup).unwrap();
    assert_eq!(format_of(&bytes), haven_core::backup::FORMAT_VERSION);
    assert_eq!(haven_core::backup::FORMAT_VERSION, 2);
    let db = m.home.path().join("vault.db");
    let vault_id = m.vault.id();
    assert!(
        !holds(&bytes, vault_id.as_bytes()),
        "vault id in the backup"
    );
    let rows = slot_rows(&db);
    assert_eq!(rows.len(), 2);
    for (id, salt, wrapped) in &rows {
        assert!(!holds(&bytes, id.as_bytes()), "slot id {id} in the backup");
        assert!(!holds(&bytes, salt), "slot {id}'s salt in the backup");
        assert!(
            !holds(&bytes, wrapped),
            "slot {id}'s wrapped key in the backup"
        );
    }
    // The header's own wraps are fresh for each backup.
    let second = m.home.path().join("second.backup");
    m.vault.create_backup(&second, &haven_core::Silent).unwrap();
    let again = std::fs::read(&second).unwrap();
    let (h1, _) = layout(&bytes);
    let (h2, _) = layout(&again);
    assert_eq!(h1, h2);
    let tail = &bytes[h1 - 32 - 61..h1 - 32];
    assert!(!holds(&again[..h2], tail), "a wrap repeated across backups");

    for secret in [
        RestoreSecret::Passphrase(PASS),
        RestoreSecret::RecoveryKey(&m.recovery),
    ] {
        let device = tempfile::tempdir().unwrap();
        let restored = Vault::restore_backup(
            &m.backup,
            &device.path().join("vault.db"),
            secret,
            &haven_core::Silent,
        )
        .unwrap();
        assert_eq!(restored.id(), vault_id);
        assert_eq!(
            sorted(restored.all_entries().unwrap()),
            sorted(m.entries.clone())
        );
        assert!(restored.verify().unwrap().is_intact());
        // The restored vault can make format-2 backups of its own.
        let next = device.path().join("next.backup");
        restored.create_backup(&next, &haven_core::Silent).unwrap();
        assert_eq!(format_of(&std::fs::read(&next).unwrap()), 2);
    }
}

/// Issue 9: any byte of a format-2 header changed, with its checksum redone
/// as an attacker would, is refused with a typed error and creates nothing:
/// a changed wrap, slot kind, cost, salt or backup id fails the slot
/// (`WrongRecoveryKey`: the wrap binds them), anything else fails the
/// chunks, which bind the header hash (`BadBackup`).
#[test]
fn tampered_format_2_header_is_refused_with_a_typed_error() {
    let m = small();
    let full = std::fs::read(&m.backup).unwrap();
    let (header, _) = layout(&full);
    let scratch = tempfile::tempdir().unwrap();
    let mut wrong_key = 0;
    for i in 14..header - 32 {
        let mut b = full.clone();
        b[i] ^= 0x01;
        rehash(&mut b);
        let file = scratch.path().join(format!("t{i}.backup"));
        std::fs::write(&file, &b).unwrap();
        let device = tempfile::tempdir().unwrap();
        let err = Vault::restore_backup(
            &file,
            &device.path().join("vault.db"),
            RestoreSecret::RecoveryKey(&m.recovery),
            &haven_core::Silent,
        )
        .expect_err("tampered header restored");
        assert!(files_in(device.path()).is_empty(), "byte {i}: left files");
        match err {
            HavenError::WrongRecoveryKey => wrong_key += 1,
            HavenError::BadBackup { .. }
            | HavenError::UnsupportedVersion { .. }
            | HavenError::KdfParamsOutOfBounds => {}
            other => panic!("byte {i}: {other:?}"),
        }
    }
    // The backup id (16 bytes) and the recovery slot's wrap at least.
    assert!(wrong_key >= 16 + 40, "only {wrong_key} refused by the slot");
    // With the passphrase too: a flipped backup id fails the slot.
    let mut b = full.clone();
    b[14] ^= 0x01;
    rehash(&mut b);
    assert_eq!(
        assert_refused(&b, "backup id changed"),
        HavenError::WrongPassphrase
    );
}

/// The sealed backup keys follow the slots: replaced with the passphrase,
/// all replaced by a rekey, none left for a removed slot.
#[test]
fn sealed_backup_keys_follow_the_slot_table() {
    let m = small();
    let db = m.home.path().join("vault.db");
    let keys = || -> Vec<String> {
        let conn = rusqlite::Connection::open(&db).unwrap();
        let mut stmt = conn
            .prepare("SELECT substr(key, 13) FROM meta WHERE key LIKE 'slot!_backup:%' ESCAPE '!' ORDER BY 1")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    };
    let ids = |kinds: &[SlotKind]| -> Vec<String> {
        let mut ids: Vec<String> = m
            .vault
            .key_slots()
            .unwrap()
            .into_iter()
            .filter(|s| kinds.contains(&s.kind))
            .map(|s| s.id)
            .collect();
        ids.sort();
        ids
    };
    let both = [SlotKind::Passphrase, SlotKind::Recovery];
    assert_eq!(keys(), ids(&both));
    m.vault
        .change_passphrase_with_kdf("another passphrase", KdfParams::minimum_for_tests())
        .unwrap();
    assert_eq!(keys(), ids(&both));
    let device = m.vault.add_random_device_key().unwrap().0;
    assert_eq!(keys(), ids(&both), "device slots get no backup key");
    m.vault.remove_key_slot(&device).unwrap();
    let recovery = ids(&[SlotKind::Recovery]);
    m.vault.remove_key_slot(&recovery[0]).unwrap();
    assert_eq!(keys(), ids(&[SlotKind::Passphrase]));
    m.vault
        .rekey(
            "rotated passphrase",
            KdfParams::minimum_for_tests(),
            &haven_core::Silent,
        )
        .unwrap();
    assert_eq!(keys(), ids(&both));
    assert!(m.vault.verify().unwrap().is_intact());
}
