//! `haven journal add` processes killed with SIGKILL at chosen points: the
//! vault still verifies, every id that was printed is there with its text,
//! and at most the one entry in flight was added besides (whole, or not at
//! all).
//!
//! The child says how far it got without any change to `haven`: it opens
//! its passphrase file, a FIFO the test holds, and after unlocking it reads
//! the entry's text from stdin, which the test also holds. The points:
//! reading its passphrase, waiting for its text (both before anything can
//! be written: every kill there is real), just given its text (the kill
//! races with the write) and just printed the id (the kill races with
//! closing the vault). The shared harness (`haven_test_support::kill`) does
//! the killing, so no sleep decides where a kill lands.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashMap;
use std::io::Write;

use common::{haven, setup};
use haven_test_support::kill::{mkfifo, Child};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Point {
    ReadingPassphrase,
    WaitingForText,
    TextGiven,
    IdPrinted,
}

const POINTS: [Point; 4] = [
    Point::ReadingPassphrase,
    Point::WaitingForText,
    Point::TextGiven,
    Point::IdPrinted,
];
const ROUNDS: usize = 24;

#[test]
fn killed_writers_never_lose_a_printed_id() {
    let e = setup();
    // id -> text of every entry the vault must hold.
    let mut model: HashMap<String, String> = HashMap::new();
    // (real kills, runs that finished first) by point.
    let mut tally = [(0usize, 0usize); POINTS.len()];
    for round in 0..ROUNDS {
        let point = POINTS[round % POINTS.len()];
        let text = format!("entry {round} {}", "x".repeat(round * 97 % 3000));
        let fifo = e.path(&format!("passphrase-{round}"));
        mkfifo(&fifo);
        let mut cmd = haven(&e.vault);
        cmd.env_remove("HAVEN_PASSPHRASE")
            .arg("--passphrase-file")
            .arg(&fifo)
            .args(["journal", "add", "--mood", "5"]);
        let mut child = Child::spawn(cmd);
        let mut passphrase = child.wait_for_reader(&fifo);
        if point != Point::ReadingPassphrase {
            writeln!(passphrase, "{}", common::PASS).unwrap();
            drop(passphrase);
            if point != Point::WaitingForText {
                child.send(text.as_bytes());
                child.close_stdin();
            }
            if point == Point::IdPrinted {
                child.wait_for(""); // the id, the one line it prints
            }
        }
        let ended = child.kill();
        let tally = &mut tally[round % POINTS.len()];
        if ended.killed {
            tally.0 += 1;
        } else {
            // Only a child that had its text may end on its own, and then
            // only with success.
            assert!(
                matches!(point, Point::TextGiven | Point::IdPrinted) && ended.status.success(),
                "round {round} ({point:?}): {}; stderr: {}",
                ended.status,
                ended.stderr
            );
            tally.1 += 1;
        }
        let printed: Vec<&String> = ended.lines.iter().filter(|l| l.len() == 32).collect();
        assert!(printed.len() <= 1);
        assert_eq!(
            ended.lines.len(),
            printed.len(),
            "haven journal add prints its id and nothing else"
        );

        e.ok(&["verify"]);
        let list = e.json(&["journal", "list", "--limit", "1000", "--json"]);
        let now: HashMap<String, String> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                (
                    x["id"].as_str().unwrap().to_string(),
                    x["text"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        for (id, t) in &model {
            assert_eq!(
                now.get(id),
                Some(t),
                "round {round}: an entry was lost or changed"
            );
        }
        let new: Vec<&String> = now.keys().filter(|id| !model.contains_key(*id)).collect();
        match point {
            // Nothing can be written before the text is given.
            Point::ReadingPassphrase | Point::WaitingForText => {
                assert!(new.is_empty(), "round {round}: an entry from nowhere")
            }
            Point::TextGiven | Point::IdPrinted => {
                assert!(new.len() <= 1, "round {round}: {} new entries", new.len());
            }
        }
        for id in new {
            assert_eq!(now[id], text, "round {round}: a partial entry");
            model.insert(id.clone(), text.clone());
        }
        for id in printed {
            assert!(
                model.contains_key(id),
                "round {round}: a printed id was lost"
            );
        }
    }
    // Every round before the text was given ended in a real kill; the
    // others may have finished first, and either way kept their promise.
    for (point, counts) in POINTS.iter().zip(tally).take(2) {
        assert_eq!(counts, (ROUNDS / POINTS.len(), 0), "{point:?}");
    }
    assert!(
        model.len() >= ROUNDS / POINTS.len(),
        "every IdPrinted round adds its entry"
    );
    eprintln!("(real kills, finished runs) by point {POINTS:?}: {tally:?}");
}
