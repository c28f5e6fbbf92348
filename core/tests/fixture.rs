//! A frozen version-1 vault, written by an early build and committed, must
//! keep opening in every later build (schema migrations, envelope, slots).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;

use haven_core::{Draft, KdfParams, Vault};

const PASS: &str = "frozen fixture passphrase";

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[derive(serde::Deserialize, serde::Serialize)]
struct Expected {
    recovery_key: String,
    entries: Vec<(String, String, Option<i32>, Vec<String>)>,
}

#[test]
fn frozen_v1_vault_still_opens_with_passphrase_and_recovery_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.haven");
    std::fs::copy(fixture_dir().join("v1.haven"), &path).unwrap();
    let expected: Expected =
        serde_json::from_slice(&std::fs::read(fixture_dir().join("v1.json")).unwrap()).unwrap();

    let v = Vault::open(&path).unwrap();
    v.unlock_with_passphrase(PASS, &haven_core::Silent).unwrap();
    let got: Vec<_> = v
        .all_entries()
        .unwrap()
        .into_iter()
        .map(|e| (e.id, e.text, e.mood, e.tags))
        .collect();
    assert_eq!(got, expected.entries);
    assert!(v.verify().unwrap().is_intact());
    v.lock();
    v.unlock_with_recovery_key(&expected.recovery_key).unwrap();
    // Still writable after opening with a newer build.
    v.add_entry(Draft {
        text: "added later".into(),
        mood: None,
        tags: vec![],
    })
    .unwrap();
}

/// The envelope versions of the stored records, in storage order.
fn envelope_versions(db: &std::path::Path) -> Vec<u8> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut stmt = conn
        .prepare("SELECT body FROM records ORDER BY rowid")
        .unwrap();
    stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .map(|b| b.unwrap()[0])
        .collect()
}

/// A version-1 vault written to by this build holds version-1 (ChaCha20)
/// and version-2 (AES-256-GCM) envelopes side by side: records, key slots
/// and backups all keep opening.
#[test]
fn frozen_v1_vault_mixed_with_v2_envelopes_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.haven");
    std::fs::copy(fixture_dir().join("v1.haven"), &path).unwrap();
    let expected: Expected =
        serde_json::from_slice(&std::fs::read(fixture_dir().join("v1.json")).unwrap()).unwrap();
    let before = envelope_versions(&path);
    assert!(!before.is_empty() && before.iter().all(|&b| b == 1));

    let v = Vault::open(&path).unwrap();
    v.unlock_with_passphrase(PASS, &haven_core::Silent).unwrap();
    let old = v.all_entries().unwrap();
    let added = v
        .add_entry(Draft {
            text: "sealed with AES-GCM".into(),
            mood: Some(4),
            tags: vec!["v2".into()],
        })
        .unwrap();
    let edited = v
        .edit_entry(
            &old[0].id,
            Draft {
                text: "re-sealed on edit".into(),
                mood: None,
                tags: vec![],
            },
        )
        .unwrap();
    // A new passphrase slot is wrapped in a version-2 envelope.
    v.change_passphrase("a new passphrase for v2").unwrap();
    let backup = dir.path().join("mixed.havenbak");
    v.create_backup(&backup, &haven_core::Silent).unwrap();
    drop(v);

    let after = envelope_versions(&path);
    assert!(after.contains(&1) && after.contains(&2), "{after:?}");
    let slot_versions: Vec<u8> = {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let mut stmt = conn.prepare("SELECT wrapped FROM key_slots").unwrap();
        stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))
            .unwrap()
            .map(|b| b.unwrap()[0])
            .collect()
    };
    assert!(slot_versions.contains(&2), "{slot_versions:?}");

    let check = |v: &Vault| {
        let all = v.all_entries().unwrap();
        assert_eq!(all.len(), expected.entries.len() + 1);
        assert_eq!(all[0].id, added.id);
        let e = v.get_entry(&edited.id).unwrap();
        assert_eq!(e.text, "re-sealed on edit");
        for (id, text, mood, tags) in &expected.entries[1..] {
            let e = v.get_entry(id).unwrap();
            assert_eq!((&e.text, &e.mood, &e.tags), (text, mood, tags));
        }
        assert!(v.verify().unwrap().is_intact());
    };
    let v = Vault::open(&path).unwrap();
    v.unlock_with_passphrase("a new passphrase for v2", &haven_core::Silent)
        .unwrap();
    check(&v);
    v.lock();
    // The recovery slot is still the frozen version-1 one.
    v.unlock_with_recovery_key(&expected.recovery_key).unwrap();
    check(&v);
    drop(v);

    let restored = Vault::restore_backup(
        &backup,
        &dir.path().join("restored.haven"),
        haven_core::RestoreSecret::RecoveryKey(&expected.recovery_key),
        &haven_core::Silent,
    )
    .unwrap();
    check(&restored);
}

/// Opening the frozen vault migrates it to schema version 2 (journal rows
/// leave the kind index); its JSON (version-1) journal payloads are read
/// beside binary (version-2) ones by listing, paging and search.
#[test]
fn frozen_v1_vault_migrates_and_reads_both_payload_versions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.haven");
    std::fs::copy(fixture_dir().join("v1.haven"), &path).unwrap();
    let v = Vault::open(&path).unwrap();
    v.unlock_with_passphrase(PASS, &haven_core::Silent).unwrap();
    let user_version: u32 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(user_version, haven_core::SCHEMA_VERSION);

    let old = v.all_entries().unwrap();
    let new = v
        .add_entry(Draft {
            text: "No mood here either, written in binary".into(),
            mood: Some(2),
            tags: vec!["walk".into()],
        })
        .unwrap();
    let found: Vec<String> = v
        .search_entries("NO MOOD HERE")
        .unwrap()
        .into_iter()
        .map(|e| e.text)
        .collect();
    assert_eq!(found, vec![new.text.clone(), "No mood here".to_string()]);
    assert_eq!(v.search_entries("walk").unwrap().len(), 2);
    let page = v.list_entries(2, None).unwrap();
    assert_eq!(page.entries[0], new);
    assert_eq!(page.entries[1], old[0]);
    let rest = v.list_entries(10, page.next_cursor.as_deref()).unwrap();
    assert_eq!(rest.entries, old[1..].to_vec());
    assert_eq!(rest.next_cursor, None);
    assert_eq!(v.get_entry(&new.id).unwrap(), new);
}

/// Writes the fixture. Run once, by hand, only when deliberately adding a
/// new frozen version (never to "fix" a failing test):
/// `cargo test -p haven-core --test fixture -- --ignored write_v1_fixture`
#[test]
#[ignore]
fn write_v1_fixture() {
    let path = fixture_dir().join("v1.haven");
    assert!(!path.exists(), "fixtures are frozen: never overwrite one");
    let (v, rk) = Vault::create(&path, PASS, KdfParams::minimum_for_tests()).unwrap();
    let drafts = [
        (
            "First entry, with ünïcödé and an emoji 🌱",
            Some(6),
            vec!["start"],
        ),
        ("Mood only entries are allowed too", Some(3), vec![]),
        ("No mood here", None, vec!["sleep", "walk"]),
    ];
    for (text, mood, tags) in drafts {
        v.add_entry(Draft {
            text: text.into(),
            mood,
            tags: tags.into_iter().map(String::from).collect(),
        })
        .unwrap();
    }
    let first = v.all_entries().unwrap().last().unwrap().id.clone();
    v.edit_entry(
        &first,
        Draft {
            text: "First entry, edited once".into(),
            mood: Some(7),
            tags: vec!["start".into()],
        },
    )
    .unwrap();
    let entries = v
        .all_entries()
        .unwrap()
        .into_iter()
        .map(|e| (e.id, e.text, e.mood, e.tags))
        .collect();
    drop(v);
    let expected = Expected {
        recovery_key: rk.display().to_string(),
        entries,
    };
    std::fs::write(
        fixture_dir().join("v1.json"),
        serde_json::to_vec_pretty(&expected).unwrap(),
    )
    .unwrap();
}

/// A vault written by main just before issue 9 (schema 2, slot format 1,
/// an 8 MiB / 1-pass passphrase slot, no vault state), frozen with that
/// build's CLI: `haven init --kdf-memory-mib 8 --kdf-iterations 1`, three
/// `journal add`, one `journal edit`, one `journal delete`. It opens, is
/// migrated, gets its vault state on the first unlock, and from then on is
/// protected like a new vault.
#[test]
fn frozen_v2_vault_from_before_the_vault_state_opens_and_is_then_protected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.haven");
    std::fs::copy(fixture_dir().join("v2.haven"), &path).unwrap();
    let expected: Expected =
        serde_json::from_slice(&std::fs::read(fixture_dir().join("v2.json")).unwrap()).unwrap();
    let v = Vault::open(&path).unwrap();
    v.unlock_with_passphrase(PASS, &haven_core::Silent).unwrap();
    let got: Vec<_> = v
        .all_entries()
        .unwrap()
        .into_iter()
        .map(|e| (e.id, e.text, e.mood, e.tags))
        .collect();
    assert_eq!(got, expected.entries);
    assert!(v.verify().unwrap().is_intact());
    v.lock();
    v.unlock_with_recovery_key(&expected.recovery_key).unwrap();
    drop(v);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let user_version: u32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(user_version, haven_core::SCHEMA_VERSION);
    let pending: i64 = conn
        .query_row(
            "SELECT count(*) FROM meta WHERE key = 'state_pending'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(pending, 0, "the first unlock established the state");
    conn.execute(
        "DELETE FROM records WHERE id = ?1",
        [&expected.entries[0].0],
    )
    .unwrap();
    drop(conn);
    let v = Vault::open(&path).unwrap();
    assert!(matches!(
        v.unlock_with_passphrase(PASS, &haven_core::Silent),
        Err(haven_core::HavenError::Integrity { .. })
    ));
}

fn raw_holds(db: &std::path::Path, needle: &[u8]) -> bool {
    let mut files = vec![db.to_path_buf()];
    for ext in ["-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(ext);
        files.push(p.into());
    }
    files.iter().filter(|p| p.exists()).any(|p| {
        let bytes = std::fs::read(p).unwrap();
        bytes.windows(needle.len()).any(|w| w == needle)
    })
}

/// The record kinds in the v3 fixture, as its file spelt them in the clear.
const V3_KINDS: [&str; 3] = ["journal", "document", "plan_version"];

/// A vault written by main just before schema version 4 (kind names and
/// `AUTOINCREMENT` order in the clear; schema 3 with its vault state; a
/// 19 MiB / 2-pass passphrase slot), frozen with that build's CLI: `haven
/// init --kdf-memory-mib 19 --kdf-iterations 2`, two `journal add`, `plan
/// edit` of the template, a third `journal add`, `journal edit` of the
/// first, `journal delete` of the second, `backup create` (v3.havenbak).
/// Its first unlock rebuilds `records` with keyed kind tags and windows:
/// afterwards no kind name and no `sqlite_sequence` row is in the file,
/// everything reads as before, and tampering is still caught.
#[test]
fn frozen_v3_vault_is_rebuilt_without_kind_names_or_write_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.haven");
    std::fs::copy(fixture_dir().join("v3.haven"), &path).unwrap();
    let expected: Expected =
        serde_json::from_slice(&std::fs::read(fixture_dir().join("v3.json")).unwrap()).unwrap();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let v: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, 3);
        let seq: i64 = conn
            .query_row("SELECT seq FROM sqlite_sequence", [], |r| r.get(0))
            .unwrap();
        assert_eq!(seq, 5, "five rows were ever inserted");
    }
    for kind in V3_KINDS {
        assert!(raw_holds(&path, kind.as_bytes()), "{kind} before");
    }

    let v = Vault::open(&path).unwrap();
    // Opening alone (no key) cannot rebuild: the file is still version 3.
    let version = |p: &std::path::Path| -> u32 {
        rusqlite::Connection::open(p)
            .unwrap()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(version(&path), 3);
    v.unlock_with_passphrase(PASS, &haven_core::Silent).unwrap();
    assert_eq!(version(&path), haven_core::SCHEMA_VERSION);
    assert_eq!(haven_core::SCHEMA_VERSION, 4);
    for kind in V3_KINDS {
        assert!(!raw_holds(&path, kind.as_bytes()), "{kind} after");
    }
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let left: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_sequence", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
        let columns: Vec<String> = conn
            .prepare("SELECT name FROM pragma_table_info('records')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(columns, ["pos", "id", "tag", "revision", "body"]);
    }

    let got: Vec<_> = v
        .all_entries()
        .unwrap()
        .into_iter()
        .map(|e| (e.id, e.text, e.mood, e.tags))
        .collect();
    assert_eq!(got, expected.entries);
    let page = v.list_entries(1, None).unwrap();
    assert_eq!(page.entries[0].id, expected.entries[0].0);
    let rest = v.list_entries(5, page.next_cursor.as_deref()).unwrap();
    assert_eq!(rest.entries[0].id, expected.entries[1].0);
    assert_eq!(rest.next_cursor, None);
    let docs = v.documents().unwrap();
    assert_eq!(docs.len(), 1);
    let plan = v.latest_version(&docs[0].id).unwrap();
    assert_eq!(plan.hash, docs[0].latest_hash);
    assert!(v.verify().unwrap().is_intact());
    let added = v
        .add_entry(Draft {
            text: "written after the rebuild".into(),
            mood: None,
            tags: vec![],
        })
        .unwrap();
    v.lock();
    v.unlock_with_recovery_key(&expected.recovery_key).unwrap();
    let all = v.all_entries().unwrap();
    assert_eq!(all[0].id, added.id, "newest first, after the old entries");
    assert_eq!(all.len(), expected.entries.len() + 1);
    assert!(v.verify().unwrap().is_intact());
    drop(v);

    // Still protected: a row removed behind the vault's back is caught.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute("DELETE FROM records WHERE id = ?1", [&added.id])
        .unwrap();
    let v = Vault::open(&path).unwrap();
    assert!(matches!(
        v.unlock_with_passphrase(PASS, &haven_core::Silent),
        Err(haven_core::HavenError::Integrity { .. })
    ));
}

/// A backup made by that same build (format 1 header, a schema-3
/// snapshot) restores with the passphrase and with the recovery key, and
/// the restored vault is rebuilt like the file itself.
#[test]
fn frozen_v3_backup_restores_and_is_rebuilt() {
    let expected: Expected =
        serde_json::from_slice(&std::fs::read(fixture_dir().join("v3.json")).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (i, secret) in [
        haven_core::RestoreSecret::Passphrase(PASS),
        haven_core::RestoreSecret::RecoveryKey(&expected.recovery_key),
    ]
    .into_iter()
    .enumerate()
    {
        let target = dir.path().join(format!("restored-{i}.haven"));
        let v = Vault::restore_backup(
            &fixture_dir().join("v3.havenbak"),
            &target,
            secret,
            &haven_core::Silent,
        )
        .unwrap();
        let got: Vec<_> = v
            .all_entries()
            .unwrap()
            .into_iter()
            .map(|e| (e.id, e.text, e.mood, e.tags))
            .collect();
        assert_eq!(got, expected.entries);
        assert_eq!(v.documents().unwrap().len(), 1);
        assert!(v.verify().unwrap().is_intact());
        drop(v);
        for kind in V3_KINDS {
            assert!(!raw_holds(&target, kind.as_bytes()), "{kind} after restore");
        }
    }
}

/// A vault whose slots were made by a build before backup format 2 has no
/// sealed backup keys: its backups stay format 1 (vault id and slot ids in
/// the header) and open with both secrets; after a rekey (new slots, each
/// with its backup key) they are format 2 and name neither.
#[test]
fn old_slots_keep_format_1_backups_until_a_rekey() {
    let expected: Expected =
        serde_json::from_slice(&std::fs::read(fixture_dir().join("v3.json")).unwrap()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v3.haven");
    std::fs::copy(fixture_dir().join("v3.haven"), &path).unwrap();
    let v = Vault::open(&path).unwrap();
    v.unlock_with_passphrase(PASS, &haven_core::Silent).unwrap();
    let format = |p: &std::path::Path| {
        let b = std::fs::read(p).unwrap();
        (u16::from_le_bytes([b[8], b[9]]), b)
    };
    let old = dir.path().join("old.havenbak");
    v.create_backup(&old, &haven_core::Silent).unwrap();
    let (f, bytes) = format(&old);
    assert_eq!(f, haven_core::backup::FORMAT_V1);
    assert!(bytes.windows(32).any(|w| w == v.id().as_bytes()));

    let recovery = v
        .rekey(
            "a rotated passphrase",
            KdfParams::minimum_for_tests(),
            &haven_core::Silent,
        )
        .unwrap();
    let new = dir.path().join("new.havenbak");
    v.create_backup(&new, &haven_core::Silent).unwrap();
    let (f, bytes) = format(&new);
    assert_eq!(f, haven_core::backup::FORMAT_VERSION);
    assert!(!bytes.windows(32).any(|w| w == v.id().as_bytes()));
    for slot in v.key_slots().unwrap() {
        assert!(!bytes
            .windows(slot.id.len())
            .any(|w| w == slot.id.as_bytes()));
    }

    let recovery = recovery.display().to_string();
    for (i, (backup, secret)) in [
        (&old, haven_core::RestoreSecret::Passphrase(PASS)),
        (
            &old,
            haven_core::RestoreSecret::RecoveryKey(&expected.recovery_key),
        ),
        (
            &new,
            haven_core::RestoreSecret::Passphrase("a rotated passphrase"),
        ),
        (&new, haven_core::RestoreSecret::RecoveryKey(&recovery)),
    ]
    .into_iter()
    .enumerate()
    {
        let r = Vault::restore_backup(
            backup,
            &dir.path().join(format!("restored-{i}.haven")),
            secret,
            &haven_core::Silent,
        )
        .unwrap();
        assert_eq!(r.all_entries().unwrap().len(), expected.entries.len());
        assert!(r.verify().unwrap().is_intact());
    }
}
