//! `haven journal add` processes killed with SIGKILL at random moments: the
//! vault still verifies and every id that was printed is still there.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Command, Stdio};
use std::time::Duration;

const PASS: &str = "kill test passphrase";

#[test]
fn killed_writers_never_lose_a_printed_id() {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("k.haven");
    let haven = || {
        let mut c = Command::new(env!("CARGO_BIN_EXE_haven"));
        c.env_clear()
            .env("HAVEN_VAULT", &vault)
            .env("HAVEN_PASSPHRASE", PASS);
        c
    };
    let st = haven()
        .args(["init", "--kdf-memory-mib", "19", "--kdf-iterations", "2"])
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    let mut rng = fastrand::Rng::with_seed(11);
    let mut printed = Vec::new();
    let mut killed = 0;
    for i in 0..60 {
        let mut child = haven()
            .args([
                "journal",
                "add",
                "--mood",
                "5",
                &format!("entry {i} {}", "x".repeat(rng.usize(..3000))),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(rng.u64(0..250_000)));
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        if out.status.code().is_none() {
            killed += 1;
        }
        let id = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if id.len() == 32 {
            printed.push(id);
        }
    }
    assert!(killed >= 10, "only {killed} processes were killed");
    assert!(!printed.is_empty(), "no process finished");
    let out = haven().arg("verify").output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let list = haven()
        .args(["journal", "list", "--limit", "1000", "--json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    for id in &printed {
        assert!(ids.contains(&id.as_str()), "printed id lost");
    }
}
