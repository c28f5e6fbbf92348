//! Crash safety of backup and restore: a process killed with SIGKILL at
//! random points never leaves a partial backup or a partial restored vault
//! under the final name. Either the file is absent or it is whole.
//!
//! The test binary re-runs itself as the child (`backup_crash_child`, ignored
//! unless called this way), so the child is real core code in a real process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use haven_core::{Draft, KdfParams, RestoreSecret, Vault};

const PASS: &str = "crash test passphrase";
const ENV: &str = "HAVEN_BACKUP_CRASH_DIR";
const ENTRIES: usize = 60;

/// The child: backs up and restores as fast as it can, reporting each
/// finished file on stdout.
#[test]
#[ignore]
fn backup_crash_child() {
    let Ok(dir) = std::env::var(ENV) else { return };
    let dir = PathBuf::from(dir);
    let v = Vault::open(&dir.join("vault.db")).unwrap();
    v.unlock_with_passphrase(PASS, &haven_core::Silent).unwrap();
    let pid = std::process::id();
    let mut out = std::io::stdout().lock();
    for i in 0u64.. {
        let b = dir.join(format!("b-{pid}-{i}.backup"));
        v.create_backup(&b, &haven_core::Silent).unwrap();
        writeln!(out, "BACKUP {}", b.display()).unwrap();
        out.flush().unwrap();
        let t = dir.join(format!("t-{pid}-{i}.db"));
        drop(
            Vault::restore_backup(&b, &t, RestoreSecret::Passphrase(PASS), &haven_core::Silent)
                .unwrap(),
        );
        writeln!(out, "RESTORED {}", t.display()).unwrap();
        out.flush().unwrap();
    }
}

fn assert_whole_vault(db: &Path) {
    let v = Vault::open(db).unwrap();
    v.unlock_with_passphrase(PASS, &haven_core::Silent).unwrap();
    let report = v.verify().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.intact(), ENTRIES as u64);
}

#[test]
fn sigkill_during_backup_or_restore_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let (v, _) = Vault::create(&dir.path().join("vault.db"), PASS, KdfParams::minimum()).unwrap();
    for i in 0..ENTRIES {
        v.add_entry(Draft {
            text: format!("entry {i} {}", "words ".repeat(1000)),
            mood: Some(4),
            tags: vec![],
        })
        .unwrap();
    }
    drop(v);
    let exe = std::env::current_exe().unwrap();
    let mut rng = fastrand::Rng::with_seed(2027);
    let mut reported = Vec::new();
    let mut kills = 0;
    for _ in 0..12 {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "backup_crash_child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(ENV, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        std::thread::sleep(Duration::from_millis(rng.u64(30..400)));
        child.kill().unwrap(); // SIGKILL on Unix
        if child.wait().unwrap().code().is_none() {
            kills += 1;
        }
        reported.extend(reader.join().unwrap());
    }
    assert!(
        kills >= 10,
        "only {kills} of 12 children were killed mid-run"
    );

    // Everything reported finished is there.
    let finished: Vec<PathBuf> = reported
        .iter()
        .filter_map(|line| {
            line.strip_prefix("BACKUP ")
                .or_else(|| line.strip_prefix("RESTORED "))
        })
        .map(PathBuf::from)
        .collect();
    assert!(!finished.is_empty(), "no child finished anything");
    for path in &finished {
        assert!(path.exists(), "reported file missing");
    }
    // Every file under a final name is whole, reported or not; anything else
    // is a temporary file a later sweep may remove.
    let scratch = tempfile::tempdir().unwrap();
    let mut backups = 0;
    let mut restored = 0;
    let mut leftovers = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let path = dir.path().join(&name);
        if name.ends_with(".backup") {
            let target = scratch.path().join(format!("{name}.db"));
            drop(
                Vault::restore_backup(
                    &path,
                    &target,
                    RestoreSecret::Passphrase(PASS),
                    &haven_core::Silent,
                )
                .unwrap(),
            );
            assert_whole_vault(&target);
            backups += 1;
        } else if name.starts_with("t-") && name.ends_with(".db") {
            assert_whole_vault(&path);
            restored += 1;
        } else {
            leftovers += usize::from(name.starts_with(".haven-"));
            assert!(
                name.starts_with("vault.db")
                    || name.starts_with(".haven-")
                    || name.starts_with("t-"),
                "unexpected file {name}"
            );
        }
    }
    eprintln!("{backups} backups, {restored} restores, {leftovers} temporary files left by kills");
    assert!(
        backups >= 5 && restored >= 3,
        "children finished too little to prove anything ({backups} backups, {restored} restores)"
    );
}
