//! Crash safety of backup and restore: a process killed with SIGKILL at
//! chosen points never leaves a partial backup or a partial restored vault
//! under the final name. Either the file is absent or it is whole.
//!
//! The test binary re-runs itself as the child (`backup_crash_child`, which
//! does nothing unless called this way), so the child is real core code in
//! a real process. Half the rounds have the child park itself inside a
//! backup or a restore (in its progress observer, at a chosen fraction: the
//! temporary file half written, or whole but not yet renamed) and say so;
//! the others kill it right after it announces a backup or a restore. The
//! shared harness (`haven_test_support::kill`) does the killing, so no sleep
//! decides where a kill lands.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};

use haven_core::{Draft, KdfParams, Progress, RestoreSecret, Silent, Vault};
use haven_test_support::kill::{this_test_binary, Child};

const PASS: &str = "crash test passphrase";
const ENV: &str = "HAVEN_BACKUP_CRASH_DIR";
/// Where the child parks: `backup F` or `restore F` (park at the first
/// progress update of that operation with a fraction of at least F), or
/// unset (never park).
const PARK_ENV: &str = "HAVEN_BACKUP_CRASH_PARK";
/// About 360 KiB of entries: six 64 KiB chunks, so a backup or restore has
/// a middle to be killed in.
const ENTRIES: usize = 60;

/// Where each round kills: parked inside an operation at a fraction, or
/// right after the n-th announcement of one.
enum Point {
    Parked(&'static str, f64),
    After(&'static str, usize),
}

const POINTS: [Point; 10] = [
    Point::Parked("backup", 0.0),   // snapshot taken, nothing written yet
    Point::Parked("backup", 0.5),   // temporary file half written
    Point::Parked("backup", 1.0),   // renamed, not yet reported
    Point::Parked("restore", 0.0),  // deriving the key
    Point::Parked("restore", 0.5),  // temporary vault half written
    Point::Parked("restore", 0.95), // written, being checked, not renamed
    Point::After("BACKING UP", 1),
    Point::After("RESTORING", 1),
    Point::After("BACKING UP", 2),
    Point::After("RESTORING", 2),
];

fn say(line: String) {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").unwrap();
    out.flush().unwrap();
}

/// A progress observer that parks the thread reporting at or past `at`.
struct Park {
    at: f64,
}

impl Progress for Park {
    fn update(&self, step: &str, fraction: f64) {
        if fraction >= self.at {
            say(format!("PARKED {step} {fraction}"));
            loop {
                std::thread::park();
            }
        }
    }
    fn cancelled(&self) -> bool {
        false
    }
}

/// The child: backs up and restores without pause, announcing each file
/// before it starts and again once it is finished.
#[test]
#[ignore = "the child process of sigkill_during_backup_or_restore_leaves_no_partial_file"]
fn backup_crash_child() {
    let Ok(dir) = std::env::var(ENV) else { return };
    let dir = PathBuf::from(dir);
    let park = std::env::var(PARK_ENV).unwrap_or_default();
    let park = park.split_once(' ');
    let observer = |op: &str| -> Box<dyn Progress> {
        match park {
            Some((p, at)) if p == op => Box::new(Park {
                at: at.parse().unwrap(),
            }),
            _ => Box::new(Silent),
        }
    };
    let v = Vault::open(&dir.join("vault.db")).unwrap();
    v.unlock_with_passphrase(PASS, &haven_core::Silent).unwrap();
    let pid = std::process::id();
    for i in 0u64.. {
        let b = dir.join(format!("b-{pid}-{i}.backup"));
        say(format!("BACKING UP {}", b.display()));
        v.create_backup(&b, observer("backup").as_ref()).unwrap();
        say(format!("BACKUP {}", b.display()));
        let t = dir.join(format!("t-{pid}-{i}.db"));
        say(format!("RESTORING {}", t.display()));
        drop(
            Vault::restore_backup(
                &b,
                &t,
                RestoreSecret::Passphrase(PASS),
                observer("restore").as_ref(),
            )
            .unwrap(),
        );
        say(format!("RESTORED {}", t.display()));
    }
}

fn assert_whole_vault(db: &Path) {
    let v = Vault::open(db).unwrap();
    v.unlock_with_passphrase(PASS, &haven_core::Silent).unwrap();
    let report = v.verify().unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.intact(), ENTRIES as u64);
}

/// Asserts that a backup file is whole: it restores to the whole vault.
fn assert_whole_backup(backup: &Path) {
    let scratch = tempfile::tempdir().unwrap();
    let target = scratch.path().join("restored.db");
    drop(
        Vault::restore_backup(
            backup,
            &target,
            RestoreSecret::Passphrase(PASS),
            &haven_core::Silent,
        )
        .unwrap(),
    );
    assert_whole_vault(&target);
}

/// The file a child had announced but not reported finished when it died.
fn in_flight(lines: &[String]) -> Option<PathBuf> {
    let mut open = None;
    for line in lines {
        if let Some(p) = line
            .strip_prefix("BACKING UP ")
            .or_else(|| line.strip_prefix("RESTORING "))
        {
            open = Some(PathBuf::from(p));
        } else if line.starts_with("BACKUP ") || line.starts_with("RESTORED ") {
            open = None;
        }
    }
    open
}

#[test]
fn sigkill_during_backup_or_restore_leaves_no_partial_file() {
    let dir = tempfile::tempdir().unwrap();
    let (v, _) = Vault::create(
        &dir.path().join("vault.db"),
        PASS,
        KdfParams::minimum_for_tests(),
    )
    .unwrap();
    for i in 0..ENTRIES {
        v.add_entry(Draft {
            text: format!("entry {i} {}", "words ".repeat(1000)),
            mood: Some(4),
            tags: vec![],
        })
        .unwrap();
    }
    drop(v);
    let mut finished = Vec::new();
    let (mut kills, mut absent, mut whole) = (0, 0, 0);
    for (round, point) in POINTS.iter().enumerate() {
        let mut cmd = this_test_binary("backup_crash_child", ENV, dir.path());
        let child = match point {
            Point::Parked(op, at) => {
                cmd.env(PARK_ENV, format!("{op} {at}"));
                let mut child = Child::spawn(cmd);
                child.wait_for("PARKED");
                child
            }
            Point::After(announcement, nth) => {
                let mut child = Child::spawn(cmd);
                for _ in 0..*nth {
                    child.wait_for(announcement);
                }
                child
            }
        };
        let ended = child.kill();
        // The child never stops on its own: every round is a real kill.
        ended.assert_killed(&format!("round {round}"));
        kills += 1;
        finished.extend(ended.lines.iter().filter_map(|l| {
            l.strip_prefix("BACKUP ")
                .or_else(|| l.strip_prefix("RESTORED "))
                .map(PathBuf::from)
        }));
        // The file in flight is absent or whole: never a part of one.
        let Some(path) = in_flight(&ended.lines) else {
            panic!("round {round}: no operation in flight: {:?}", ended.lines)
        };
        if !path.exists() {
            absent += 1;
        } else if path.extension().is_some_and(|e| e == "backup") {
            assert_whole_backup(&path);
            whole += 1;
        } else {
            assert_whole_vault(&path);
            whole += 1;
        }
        if let Point::Parked(_, at) = point {
            // Parked before the rename, the file cannot be there yet.
            assert!(*at >= 1.0 || !path.exists(), "round {round}: renamed early");
        }
    }
    assert_eq!(kills, POINTS.len());
    // The rounds killed after a second announcement had finished one backup
    // and one restore before it: fixed by the points, not by speed.
    assert!(finished.len() >= 2, "{finished:?}");
    for path in &finished {
        assert!(path.exists(), "a reported file is missing");
    }
    // Every file under a final name is whole, reported or not; anything else
    // is a temporary file a later sweep may remove.
    let mut leftovers = 0;
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let path = dir.path().join(&name);
        if name.ends_with(".backup") {
            assert_whole_backup(&path);
        } else if name.starts_with("t-") && name.ends_with(".db") {
            assert_whole_vault(&path);
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
    eprintln!(
        "{kills} real kills: the file in flight absent {absent} times, whole {whole} times; \
         {leftovers} temporary files left by kills"
    );
}
