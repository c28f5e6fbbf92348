//! `haven tour`: a guided run through the product in a fresh vault, printing
//! each step and what it shows. Uses the real core with default parameters.

use std::path::Path;
use std::time::Instant;

use haven_core::{Bucket, Draft, HavenError, KdfParams, Vault};

use crate::fail::Failure;
use crate::output;

const PASS: &str = "tour passphrase, not a real one";
const NEW_PASS: &str = "a second tour passphrase";

fn step(n: u32, title: &str) {
    println!();
    println!("── {n}. {title}");
}

/// Runs the tour in `dir` (kept afterwards) or a temporary folder (removed).
pub fn run(dir: Option<&Path>) -> Result<(), Failure> {
    let temp;
    let base = match dir {
        Some(d) => {
            std::fs::create_dir_all(d)
                .map_err(|e| Failure::other(format!("cannot create {}: {e}", d.display())))?;
            d.to_path_buf()
        }
        None => {
            temp = tempfile::tempdir()
                .map_err(|e| Failure::other(format!("cannot make a temporary folder: {e}")))?;
            temp.path().to_path_buf()
        }
    };
    let path = base.join("tour.haven");
    println!("Haven tour: a journal and a voice in a crisis, encrypted on your own device.");
    println!(
        "Everything below runs the real core on a fresh vault at {}.",
        path.display()
    );

    step(1, "Create a vault");
    let t = Instant::now();
    let (vault, recovery) = Vault::create(&path, PASS, KdfParams::default())?;
    println!(
        "Created with a passphrase stretched by Argon2id (64 MiB, 3 passes) in {} ms.",
        t.elapsed().as_millis()
    );
    println!("Recovery key, shown once so a lost passphrase never means lost data:");
    println!("    {}", recovery.display().as_str());

    step(2, "Write in the journal");
    let entries = [
        (
            "Couldn't sleep. Walked by the river at dawn and it helped a little.",
            Some(4),
            vec!["sleep", "walk"],
        ),
        (
            "Talked to Sam. Felt heard. Made soup.",
            Some(7),
            vec!["people"],
        ),
        (
            "Voices louder tonight; used my grounding card.",
            Some(3),
            vec!["early signs"],
        ),
    ];
    let mut ids = Vec::new();
    for (text, mood, tags) in entries {
        let e = vault.add_entry(Draft {
            text: text.into(),
            mood,
            tags: tags.into_iter().map(String::from).collect(),
        })?;
        println!("added {} (mood {}/10)", e.id, mood.unwrap_or(0));
        ids.push(e.id);
    }

    step(
        3,
        "List, newest first (a page decrypts only its own entries)",
    );
    output::entry_lines(&vault.list_entries(10, None)?.entries);

    step(4, "Search: case-insensitive, over text and tags");
    println!("search \"RIVER\":");
    output::entry_lines(&vault.search_entries("RIVER")?);
    println!("search \"early\" (a tag):");
    output::entry_lines(&vault.search_entries("early")?);

    step(
        5,
        "Edit: the creation time stays, the edit time is recorded",
    );
    let edited = vault.edit_entry(
        &ids[1],
        Draft {
            text: "Talked to Sam. Felt heard. Made soup, and ate it.".into(),
            mood: Some(8),
            tags: vec!["people".into()],
        },
    )?;
    println!(
        "created {}  edited {}",
        edited.created_at.to_rfc3339(),
        edited.updated_at.to_rfc3339()
    );

    step(6, "Mood by day, for charts");
    output::moods(&vault.mood_series(Bucket::Day, 0)?);

    step(7, "Encrypted at rest: look for the words in the raw files");
    for word in [
        "river at dawn",
        "Felt heard",
        "grounding card",
        "early signs",
    ] {
        let found = raw_contains(&path, word.as_bytes());
        println!(
            "\"{word}\" in the vault file or its log: {}",
            if found { "FOUND" } else { "not found" }
        );
        if found {
            return Err(Failure::integrity(format!(
                "plaintext found on disk: {word}"
            )));
        }
    }

    step(8, "Lock, then a wrong passphrase");
    vault.lock();
    match vault.unlock_with_passphrase("not my passphrase") {
        Err(HavenError::WrongPassphrase) => println!("refused: {}", HavenError::WrongPassphrase),
        other => {
            return Err(Failure::other(format!(
                "unexpected unlock result: {other:?}"
            )))
        }
    }
    let t = Instant::now();
    vault.unlock_with_passphrase(PASS)?;
    println!(
        "unlocked with the right passphrase in {} ms",
        t.elapsed().as_millis()
    );

    step(
        9,
        "Change the passphrase, then recover with the recovery key",
    );
    vault.change_passphrase(NEW_PASS)?;
    vault.lock();
    let old = vault.unlock_with_passphrase(PASS);
    println!("old passphrase after the change: {}", describe(&old));
    vault.recover(&recovery.display(), PASS)?;
    println!(
        "recovered with the recovery key and set a new passphrase; entries: {}",
        vault.all_entries()?.len()
    );

    step(
        10,
        "A device key, as the Android Keystore or iOS Keychain would hold",
    );
    let device_key = [7u8; 32];
    let slot = vault.add_device_key(&device_key)?;
    vault.lock();
    vault.unlock_with_device_key(&device_key)?;
    println!("slot {slot} added; unlocked with the device key, no passphrase typed");

    step(11, "Delete for good");
    vault.delete_entry(&ids[2])?;
    println!(
        "deleted {}; {} entries remain",
        ids[2],
        vault.all_entries()?.len()
    );

    step(12, "Verify: authenticate every record");
    let report = vault.verify()?;
    println!(
        "{} records intact, {} damaged, {} key slots",
        report.intact(),
        report.damaged.len(),
        report.key_slots
    );
    if !report.is_intact() {
        return Err(Failure::integrity(
            "the tour vault failed verification".into(),
        ));
    }

    println!();
    match dir {
        Some(_) => println!(
            "The tour vault is kept at {}. Its passphrase is \"{PASS}\". Try:\n    HAVEN_VAULT={} haven journal list",
            path.display(),
            path.display()
        ),
        None => println!("The tour vault was temporary and is now removed. Start your own with `haven init`."),
    }
    Ok(())
}

fn describe(r: &Result<(), HavenError>) -> String {
    match r {
        Ok(()) => "opened".into(),
        Err(e) => format!("refused ({e})"),
    }
}

fn raw_contains(db: &Path, needle: &[u8]) -> bool {
    ["", "-wal"].iter().any(|suffix| {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        std::fs::read(&p)
            .map(|b| b.windows(needle.len()).any(|w| w == needle))
            .unwrap_or(false)
    })
}
