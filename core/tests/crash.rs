//! Crash safety: a writer process killed with SIGKILL at random points leaves
//! a vault that verifies and holds every entry whose id it had reported.
//!
//! The test binary re-runs itself as the child (`crash_child_writer`, ignored
//! unless called this way), so the child is real core code in a real process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use haven_core::{Draft, KdfParams, Vault};

const PASS: &str = "crash test passphrase";
const ENV: &str = "HAVEN_CRASH_CHILD_DB";

fn d(text: String) -> Draft {
    Draft {
        text,
        mood: Some(5),
        tags: vec!["crash".into()],
    }
}

/// The child: adds, edits and deletes as fast as it can, reporting each
/// committed change on stdout.
#[test]
#[ignore]
fn crash_child_writer() {
    let Ok(db) = std::env::var(ENV) else { return };
    let v = Vault::open(Path::new(&db)).unwrap();
    v.unlock_with_passphrase(PASS, &haven_core::Silent).unwrap();
    let mut out = std::io::stdout().lock();
    let mut mine: Vec<String> = Vec::new();
    for i in 0u64.. {
        let text = format!("entry {i} {}", "words ".repeat((i % 300) as usize));
        let e = v.add_entry(d(text)).unwrap();
        writeln!(out, "ADDED {}", e.id).unwrap();
        out.flush().unwrap();
        mine.push(e.id);
        if i % 5 == 4 {
            v.edit_entry(&mine[mine.len() / 2], d(format!("edited {i}")))
                .unwrap();
        }
        if i % 7 == 6 {
            let gone = mine.remove(0);
            // Announce before deleting: a kill in between may leave it either way.
            writeln!(out, "DELETING {gone}").unwrap();
            out.flush().unwrap();
            v.delete_entry(&gone).unwrap();
        }
    }
}

#[test]
fn sigkill_at_random_points_loses_no_reported_entry() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("crash.haven");
    drop(Vault::create(&db, PASS, KdfParams::minimum()).unwrap());
    let exe = std::env::current_exe().unwrap();
    let mut rng = fastrand::Rng::with_seed(2026);
    let mut must_exist: HashSet<String> = HashSet::new();
    let mut kills = 0;
    for round in 0..40 {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash_child_writer",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(ENV, &db)
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
        std::thread::sleep(Duration::from_millis(rng.u64(20..250)));
        child.kill().unwrap(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        if status.code().is_none() {
            kills += 1;
        }
        for line in reader.join().unwrap() {
            if let Some(id) = line.strip_prefix("ADDED ") {
                must_exist.insert(id.to_string());
            } else if let Some(id) = line.strip_prefix("DELETING ") {
                must_exist.remove(id);
            }
        }
        let v = Vault::open(&db).unwrap();
        v.unlock_with_passphrase(PASS, &haven_core::Silent).unwrap();
        let report = v.verify().unwrap();
        assert!(report.is_intact(), "round {round}: {report:?}");
        let present: HashSet<String> = v.all_entries().unwrap().into_iter().map(|e| e.id).collect();
        let missing: Vec<_> = must_exist.difference(&present).collect();
        assert!(
            missing.is_empty(),
            "round {round}: lost {} reported entries",
            missing.len()
        );
    }
    assert!(
        kills >= 35,
        "only {kills} of 40 children were killed mid-run"
    );
    assert!(
        must_exist.len() > 40,
        "children wrote too little to prove anything"
    );
}
