//! Behaviour of the vault and journal through the public API.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::*;
use haven_core::{Bucket, Draft, HavenError, KdfParams, SlotKind, Vault};

#[test]
fn journal_round_trips_through_close_and_reopen() {
    let (dir, v, _) = new_vault();
    let added = v
        .add_entry(Draft {
            text: "Slept badly; walked by the river 🌊".into(),
            mood: Some(4),
            tags: vec!["sleep".into(), "walk".into()],
        })
        .unwrap();
    assert_eq!(added.created_at, added.updated_at);
    drop(v);
    let v = Vault::open(&dir.path().join("v.haven")).unwrap();
    assert_eq!(v.get_entry(&added.id), Err(HavenError::Locked));
    v.unlock_with_passphrase(PASS, &haven_core::Silent).unwrap();
    assert_eq!(v.get_entry(&added.id).unwrap(), added);
}

#[test]
fn wrong_passphrase_is_typed_and_leaves_the_file_byte_identical() {
    let (dir, v, _) = new_vault();
    v.add_entry(draft("something")).unwrap();
    drop(v);
    let path = dir.path().join("v.haven");
    let before = std::fs::read(&path).unwrap();
    let v = Vault::open(&path).unwrap();
    assert_eq!(
        v.unlock_with_passphrase("not the passphrase", &haven_core::Silent),
        Err(HavenError::WrongPassphrase)
    );
    assert!(!v.is_unlocked());
    drop(v);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn edit_keeps_creation_time_and_records_edit_time() {
    let (_d, v, _) = new_vault();
    let e = v.add_entry(draft("first words")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let edited = v
        .edit_entry(
            &e.id,
            Draft {
                text: "second words".into(),
                mood: Some(7),
                tags: vec!["better".into()],
            },
        )
        .unwrap();
    assert_eq!(edited.created_at, e.created_at);
    assert!(edited.updated_at > e.updated_at);
    assert_eq!(v.get_entry(&e.id).unwrap(), edited);
    assert!(matches!(
        v.edit_entry("nope", draft("x")),
        Err(HavenError::NotFound { .. })
    ));
}

#[test]
fn delete_removes_the_entry_and_its_ciphertext_from_disk() {
    let (_d, v, _) = new_vault();
    let keep = v.add_entry(draft("keep me")).unwrap();
    let gone = v.add_entry(draft("delete me")).unwrap();
    let conn = raw_conn(v.path());
    let body: Vec<u8> = conn
        .query_row("SELECT body FROM records WHERE id = ?1", [&gone.id], |r| {
            r.get(0)
        })
        .unwrap();
    drop(conn);
    v.delete_entry(&gone.id).unwrap();
    assert!(matches!(
        v.get_entry(&gone.id),
        Err(HavenError::NotFound { .. })
    ));
    assert_eq!(v.get_entry(&keep.id).unwrap(), keep);
    assert!(
        !raw_contains(v.path(), &body[20..60]),
        "old ciphertext still on disk"
    );
    assert!(
        !raw_contains(v.path(), gone.id.as_bytes()),
        "deleted id still on disk"
    );
    assert!(matches!(
        v.delete_entry(&gone.id),
        Err(HavenError::NotFound { .. })
    ));
}

#[test]
fn list_pages_newest_first_without_gaps_or_repeats() {
    let (_d, v, _) = new_vault();
    let ids: Vec<String> = (0..23)
        .map(|i| v.add_entry(draft(&format!("entry {i}"))).unwrap().id)
        .collect();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = v.list_entries(5, cursor.as_deref()).unwrap();
        assert!(page.entries.len() <= 5);
        seen.extend(page.entries.iter().map(|e| e.id.clone()));
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => break,
        }
    }
    let newest_first: Vec<String> = ids.into_iter().rev().collect();
    assert_eq!(seen, newest_first);
    assert!(matches!(
        v.list_entries(0, None),
        Err(HavenError::InvalidInput { .. })
    ));
    assert!(matches!(
        v.list_entries(5, Some("unknown")),
        Err(HavenError::InvalidInput { .. })
    ));
}

/// The cursor is a position, not an entry: deleting the entry a page ended
/// on (or any other) does not break the next page, and nothing is skipped.
#[test]
fn paging_continues_after_the_cursor_entry_is_deleted() {
    let (_d, v, _) = new_vault();
    let ids: Vec<String> = (0..7)
        .map(|i| v.add_entry(draft(&format!("entry {i}"))).unwrap().id)
        .collect();
    let first = v.list_entries(3, None).unwrap();
    assert_eq!(first.entries.last().unwrap().id, ids[4]);
    v.delete_entry(&ids[4]).unwrap();
    v.delete_entry(&ids[3]).unwrap();
    let next = v.list_entries(3, first.next_cursor.as_deref()).unwrap();
    let got: Vec<&str> = next.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(got, vec![ids[2].as_str(), ids[1].as_str(), ids[0].as_str()]);
    assert_eq!(next.next_cursor, None);
}

#[test]
fn search_pages_newest_first_and_continue_after_deletes() {
    let (_d, v, _) = new_vault();
    let ids: Vec<String> = (0..9)
        .map(|i| {
            let word = if i % 3 == 0 { "other" } else { "walk" };
            v.add_entry(draft(&format!("{word} {i}"))).unwrap().id
        })
        .collect();
    // Matches, newest first: 8 7 5 4 2 1.
    let p1 = v.search_entries_page("WALK", 2, None).unwrap();
    let got: Vec<&str> = p1.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(got, vec![ids[8].as_str(), ids[7].as_str()]);
    v.delete_entry(&ids[7]).unwrap();
    let p2 = v
        .search_entries_page("walk", 3, p1.next_cursor.as_deref())
        .unwrap();
    let got: Vec<&str> = p2.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(got, vec![ids[5].as_str(), ids[4].as_str(), ids[2].as_str()]);
    let p3 = v
        .search_entries_page("walk", 3, p2.next_cursor.as_deref())
        .unwrap();
    assert_eq!(p3.entries.len(), 1);
    assert_eq!(p3.entries[0].id, ids[1]);
    assert_eq!(p3.next_cursor, None);
    assert!(matches!(
        v.search_entries_page(" ", 3, None),
        Err(HavenError::InvalidInput { .. })
    ));
}

#[test]
fn search_is_case_insensitive_unicode_substring_over_text_and_tags() {
    let (_d, v, _) = new_vault();
    let a = v.add_entry(draft("Un ÉTÉ difficile à Zürich")).unwrap();
    let b = v
        .add_entry(Draft {
            text: "nothing here".into(),
            mood: Some(3),
            tags: vec!["Ärger".into()],
        })
        .unwrap();
    v.add_entry(draft("unrelated")).unwrap();
    let ids = |q: &str| {
        v.search_entries(q)
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids("été"), vec![a.id.clone()]);
    assert_eq!(ids("zÜRICH"), vec![a.id.clone()]);
    assert_eq!(ids("ärg"), vec![b.id.clone()]);
    // Decomposed input (e + combining acute) matches composed text.
    assert_eq!(ids("e\u{301}te\u{301}"), vec![a.id]);
    assert!(ids("absent").is_empty());
    assert!(matches!(
        v.search_entries("   "),
        Err(HavenError::InvalidInput { .. })
    ));
}

#[test]
fn bad_input_is_refused_with_typed_errors_and_nothing_written() {
    let (_d, v, _) = new_vault();
    let too_big = "a".repeat(1024 * 1024 + 1);
    for bad in [
        draft(&too_big),
        Draft {
            text: "x".into(),
            mood: Some(0),
            tags: vec![],
        },
        Draft {
            text: "x".into(),
            mood: Some(11),
            tags: vec![],
        },
        Draft {
            text: "x".into(),
            mood: None,
            tags: vec!["  ".into()],
        },
        Draft {
            text: "x".into(),
            mood: None,
            tags: vec!["t".repeat(65)],
        },
        draft("   "),
    ] {
        assert!(matches!(
            v.add_entry(bad),
            Err(HavenError::InvalidInput { .. })
        ));
    }
    assert!(v.all_entries().unwrap().is_empty());
    // Exactly 1 MiB is accepted.
    let max = v.add_entry(draft(&"a".repeat(1024 * 1024))).unwrap();
    assert_eq!(v.get_entry(&max.id).unwrap().text.len(), 1024 * 1024);
    // Messages never quote the input.
    let err = v
        .add_entry(Draft {
            text: "secret words".into(),
            mood: Some(99),
            tags: vec![],
        })
        .unwrap_err();
    assert!(matches!(err, HavenError::InvalidInput { .. }), "{err:?}");
    assert!(!err.to_string().contains("secret"));
}

#[test]
fn mood_series_groups_entries_with_moods() {
    let (_d, v, _) = new_vault();
    for m in [2, 4, 9] {
        v.add_entry(Draft {
            text: String::new(),
            mood: Some(m),
            tags: vec![],
        })
        .unwrap();
    }
    v.add_entry(draft("no mood")).unwrap();
    let days = v.mood_series(Bucket::Day, 0).unwrap();
    let total: i32 = days.iter().map(|p| p.count).sum();
    assert_eq!(total, 3);
    let weeks = v.mood_series(Bucket::Week, 0).unwrap();
    assert!(weeks.len() <= 2 && !weeks.is_empty());
    assert!(matches!(
        v.mood_series(Bucket::Day, 100_000),
        Err(HavenError::InvalidInput { .. })
    ));
}

#[test]
fn passphrase_change_rewraps_and_recovery_key_still_works() {
    let (dir, v, rk) = new_vault();
    let e = v.add_entry(draft("kept across changes")).unwrap();
    assert!(matches!(
        v.change_passphrase("short"),
        Err(HavenError::InvalidInput { .. })
    ));
    v.change_passphrase("a brand new passphrase").unwrap();
    drop(v);
    let path = dir.path().join("v.haven");
    let v = Vault::open(&path).unwrap();
    assert_eq!(
        v.unlock_with_passphrase(PASS, &haven_core::Silent),
        Err(HavenError::WrongPassphrase)
    );
    v.unlock_with_passphrase("a brand new passphrase", &haven_core::Silent)
        .unwrap();
    v.lock();
    v.unlock_with_recovery_key(&rk.display()).unwrap();
    assert_eq!(v.get_entry(&e.id).unwrap().text, "kept across changes");
}

#[test]
fn recovery_sets_a_new_passphrase_after_the_old_one_is_lost() {
    let (dir, v, rk) = new_vault();
    let e = v.add_entry(draft("not lost")).unwrap();
    drop(v);
    let path = dir.path().join("v.haven");
    let v = Vault::open(&path).unwrap();
    let other = haven_core::RecoveryKey::generate().unwrap();
    assert_eq!(
        v.recover(&other.display(), "forgot it, new one"),
        Err(HavenError::WrongRecoveryKey)
    );
    assert_eq!(
        v.recover("AAAAA-BBBBB", "forgot it, new one"),
        Err(HavenError::MistypedRecoveryKey)
    );
    v.recover(&rk.display().to_lowercase(), "forgot it, new one")
        .unwrap();
    drop(v);
    let v = Vault::open(&path).unwrap();
    v.unlock_with_passphrase("forgot it, new one", &haven_core::Silent)
        .unwrap();
    assert_eq!(v.get_entry(&e.id).unwrap().text, "not lost");
}

#[test]
fn device_key_slot_unlocks_and_can_be_removed_but_not_the_last_slot() {
    let (_d, v, rk) = new_vault();
    let dk = [42u8; 32];
    assert!(matches!(
        v.add_device_key(&[1, 2, 3]),
        Err(HavenError::InvalidInput { .. })
    ));
    let slot = v.add_device_key(&dk).unwrap();
    v.lock();
    assert_eq!(
        v.unlock_with_device_key(&[7u8; 32]),
        Err(HavenError::WrongDeviceKey)
    );
    v.unlock_with_device_key(&dk).unwrap();
    let kinds: Vec<SlotKind> = v.key_slots().unwrap().into_iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        vec![SlotKind::Passphrase, SlotKind::Recovery, SlotKind::Device]
    );
    v.remove_key_slot(&slot).unwrap();
    v.lock();
    assert_eq!(
        v.unlock_with_device_key(&dk),
        Err(HavenError::WrongDeviceKey)
    );
    v.unlock_with_recovery_key(&rk.display()).unwrap();
    let slots = v.key_slots().unwrap();
    v.remove_key_slot(&slots[0].id).unwrap();
    assert!(matches!(
        v.remove_key_slot(&slots[1].id),
        Err(HavenError::InvalidInput { .. })
    ));
}

#[test]
fn create_refuses_to_overwrite_and_open_refuses_non_vaults() {
    let (dir, _v, _) = new_vault();
    let path = dir.path().join("v.haven");
    assert!(matches!(
        Vault::create(&path, PASS, KdfParams::minimum_for_tests()),
        Err(HavenError::AlreadyExists { .. })
    ));
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "just some text, not a database at all").unwrap();
    assert!(matches!(
        Vault::open(&text),
        Err(HavenError::InvalidInput { .. })
    ));
    assert!(text.exists(), "a foreign file is never moved or deleted");
    assert!(matches!(
        Vault::open(&dir.path().join("missing")),
        Err(HavenError::NotFound { .. })
    ));
    assert!(matches!(
        Vault::create(
            &dir.path().join("w"),
            "short",
            KdfParams::minimum_for_tests()
        ),
        Err(HavenError::InvalidInput { .. })
    ));
    assert!(!dir.path().join("w").exists());
}

#[test]
fn a_damaged_database_is_moved_aside_not_deleted() {
    let (dir, v, _) = new_vault();
    v.add_entry(draft("x")).unwrap();
    drop(v);
    let path = dir.path().join("v.haven");
    let mut bytes = std::fs::read(&path).unwrap();
    for b in bytes.iter_mut().skip(16).take(84) {
        *b = 0xEE;
    }
    std::fs::write(&path, &bytes).unwrap();
    let _ = std::fs::remove_file(dir.path().join("v.haven-wal"));
    match Vault::open(&path) {
        Err(HavenError::CorruptDatabase { moved_to }) => {
            assert!(std::path::Path::new(&moved_to).exists());
            assert!(!path.exists());
        }
        other => panic!("expected CorruptDatabase, got {other:?}"),
    }
}

#[test]
fn one_vault_is_usable_from_many_threads_at_once() {
    let (_d, v, _) = new_vault();
    let v = Arc::new(v);
    let handles: Vec<_> = (0..8)
        .map(|t| {
            let v = Arc::clone(&v);
            std::thread::spawn(move || {
                for i in 0..20 {
                    let e = v
                        .add_entry(draft(&format!("thread {t} entry {i}")))
                        .unwrap();
                    assert_eq!(v.get_entry(&e.id).unwrap().id, e.id);
                    v.list_entries(10, None).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(v.all_entries().unwrap().len(), 160);
    assert!(v.verify().unwrap().is_intact());
}

#[test]
fn debug_output_never_shows_what_the_person_wrote() {
    let (_d, v, rk) = new_vault();
    let e = v
        .add_entry(Draft {
            text: "MARKER-DEBUG".into(),
            mood: Some(3),
            tags: vec!["MARKER-TAG".into()],
        })
        .unwrap();
    let shown = format!("{e:?} {:?} {rk:?} {v:?}", draft("MARKER-DRAFT"));
    for m in ["MARKER-DEBUG", "MARKER-TAG", "MARKER-DRAFT"] {
        assert!(!shown.contains(m));
    }
    assert!(!shown.contains(rk.display().as_str()));
}

#[test]
fn unlock_reports_progress_and_can_be_cancelled_leaving_the_vault_locked() {
    let (_d, v, _) = new_vault();
    v.lock();
    let r = Recorder::new();
    v.unlock_with_passphrase(PASS, &r).unwrap();
    let steps = r.steps();
    assert_eq!(steps.first().unwrap().1, 0.0);
    assert_eq!(steps.last().unwrap(), &("unlocked".to_string(), 1.0));
    assert!(steps.windows(2).all(|w| w[0].1 <= w[1].1), "monotonic");

    v.lock();
    let r = Recorder::cancelling_after(0);
    assert_eq!(
        v.unlock_with_passphrase(PASS, &r),
        Err(HavenError::Cancelled)
    );
    assert!(!v.is_unlocked());
}
