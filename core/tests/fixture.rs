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
    entries: Vec<(String, String, Option<u8>, Vec<String>)>,
}

#[test]
fn frozen_v1_vault_still_opens_with_passphrase_and_recovery_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.haven");
    std::fs::copy(fixture_dir().join("v1.haven"), &path).unwrap();
    let expected: Expected =
        serde_json::from_slice(&std::fs::read(fixture_dir().join("v1.json")).unwrap()).unwrap();

    let v = Vault::open(&path).unwrap();
    v.unlock_with_passphrase(PASS).unwrap();
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

/// Writes the fixture. Run once, by hand, only when deliberately adding a
/// new frozen version (never to "fix" a failing test):
/// `cargo test -p haven-core --test fixture -- --ignored write_v1_fixture`
#[test]
#[ignore]
fn write_v1_fixture() {
    let path = fixture_dir().join("v1.haven");
    assert!(!path.exists(), "fixtures are frozen: never overwrite one");
    let (v, rk) = Vault::create(&path, PASS, KdfParams::minimum()).unwrap();
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
