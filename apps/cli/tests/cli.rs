//! The `haven` binary end to end: commands, JSON, secrets and exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Stdio};

mod common;

use common::{fails, haven, ok, setup, Env, PASS};

fn add(e: &Env, args: &[&str]) -> String {
    let mut c = haven(&e.vault);
    c.args(["journal", "add"]).args(args);
    ok(c).trim().to_string()
}

#[test]
fn init_refuses_to_overwrite() {
    let e = setup();
    let mut c = haven(&e.vault);
    c.arg("init");
    let out = fails(c, 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
}

#[test]
fn journal_commands_round_trip_with_json_fields() {
    let e = setup();
    let a = add(
        &e,
        &[
            "--mood",
            "4",
            "--tag",
            "sleep",
            "--tag",
            "walk",
            "Walked by the river",
        ],
    );
    let b = add(&e, &["Second entry"]);
    assert_eq!(a.len(), 32);

    let list = e.json(&["journal", "list", "--json"]);
    let items = list.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], b.as_str(), "newest first");
    assert_eq!(items[1]["text"], "Walked by the river");
    assert_eq!(items[1]["mood"], 4);
    assert_eq!(items[0]["mood"], serde_json::Value::Null);
    assert_eq!(items[1]["tags"], serde_json::json!(["sleep", "walk"]));
    for field in ["created_at", "updated_at"] {
        let s = items[0][field].as_str().unwrap();
        chrono::DateTime::parse_from_rfc3339(s).unwrap();
    }
    let limited = e.json(&["journal", "list", "--limit", "1", "--json"]);
    assert_eq!(limited.as_array().unwrap().len(), 1);

    let mut c = haven(&e.vault);
    c.args([
        "journal",
        "edit",
        &a,
        "--mood",
        "8",
        "Walked by the river, edited",
    ]);
    ok(c);
    let shown = e.json(&["journal", "show", &a, "--json"]);
    assert_eq!(shown["text"], "Walked by the river, edited");
    assert_eq!(shown["mood"], 8);
    assert_eq!(
        shown["tags"],
        serde_json::json!(["sleep", "walk"]),
        "tags kept"
    );
    assert_eq!(shown["created_at"], items[1]["created_at"]);
    assert_ne!(shown["updated_at"], shown["created_at"]);

    let found = e.json(&["journal", "search", "RIVER", "--json"]);
    assert_eq!(found.as_array().unwrap().len(), 1);
    let moods = e.json(&["journal", "moods", "--by", "week", "--json"]);
    assert_eq!(moods.as_array().unwrap()[0]["count"], 1);

    let mut c = haven(&e.vault);
    c.args(["journal", "delete", &a]);
    ok(c);
    let mut c = haven(&e.vault);
    c.args(["journal", "show", &a]);
    fails(c, 1);
    let mut c = haven(&e.vault);
    c.arg("verify");
    assert!(ok(c).contains("All 1 records are intact"));
}

#[test]
fn text_can_come_from_stdin() {
    let e = setup();
    let mut c = haven(&e.vault);
    c.args(["journal", "add", "--tag", "piped"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let mut child = c.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("line one\nline two ✨\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let shown = e.json(&["journal", "show", &id, "--json"]);
    assert_eq!(shown["text"], "line one\nline two ✨");
}

#[test]
fn bad_input_gets_a_clear_error_and_a_nonzero_exit() {
    let e = setup();
    let mut c = haven(&e.vault);
    c.args(["journal", "add", "--mood", "11", "x"]);
    let out = fails(c, 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("mood must be between 1 and 10"));
    let big = "x".repeat(1024 * 1024 + 10);
    let mut c = haven(&e.vault);
    c.args(["journal", "add"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(big.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 MiB"));
    let mut c = haven(&e.vault);
    c.args(["journal", "list", "--limit", "nonsense"]);
    assert_eq!(c.output().unwrap().status.code(), Some(2));
    let mut c = haven(&e.vault);
    c.env_remove("HAVEN_VAULT").args(["journal", "list"]);
    fails(c, 2);
    let mut c = haven(&e.vault);
    c.env_remove("HAVEN_PASSPHRASE").args(["journal", "list"]);
    fails(c, 2);
}

#[test]
fn wrong_passphrase_exits_3_and_passphrase_file_works() {
    let e = setup();
    let mut c = haven(&e.vault);
    c.env("HAVEN_PASSPHRASE", "wrong wrong wrong")
        .args(["journal", "list"]);
    let out = fails(c, 3);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("wrong wrong"));
    let pf = e.vault.with_extension("pass");
    std::fs::write(&pf, format!("{PASS}\n")).unwrap();
    let mut c = haven(&e.vault);
    c.env_remove("HAVEN_PASSPHRASE")
        .arg("--passphrase-file")
        .arg(&pf)
        .args(["journal", "list"]);
    ok(c);
}

#[test]
fn passphrase_change_and_recovery() {
    let e = setup();
    let id = add(&e, &["kept"]);
    let mut c = haven(&e.vault);
    c.env("HAVEN_NEW_PASSPHRASE", "second passphrase")
        .args(["passphrase", "change"]);
    ok(c);
    let mut c = haven(&e.vault);
    c.args(["journal", "list"]);
    fails(c, 3);

    let mut c = haven(&e.vault);
    c.env(
        "HAVEN_RECOVERY_KEY",
        "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA",
    )
    .env("HAVEN_NEW_PASSPHRASE", "third passphrase")
    .arg("recover");
    fails(c, 3);
    let mut c = haven(&e.vault);
    c.env("HAVEN_RECOVERY_KEY", &e.recovery)
        .env("HAVEN_NEW_PASSPHRASE", "third passphrase")
        .arg("recover");
    ok(c);
    let mut c = haven(&e.vault);
    c.env("HAVEN_PASSPHRASE", "third passphrase")
        .args(["journal", "show", &id, "--json"]);
    assert!(ok(c).contains("kept"));
}

#[test]
fn tampered_data_makes_verify_exit_4() {
    let e = setup();
    let id = add(&e, &["soon tampered"]);
    let conn = rusqlite::Connection::open(&e.vault).unwrap();
    let mut body: Vec<u8> = conn
        .query_row("SELECT body FROM records WHERE id = ?1", [&id], |r| {
            r.get(0)
        })
        .unwrap();
    body[20] ^= 0x40;
    conn.execute(
        "UPDATE records SET body = ?1 WHERE id = ?2",
        rusqlite::params![body, id],
    )
    .unwrap();
    drop(conn);
    let mut c = haven(&e.vault);
    c.arg("verify");
    let out = fails(c, 4);
    assert!(String::from_utf8_lossy(&out.stdout).contains(&id));
    let mut c = haven(&e.vault);
    c.args(["journal", "show", &id]);
    fails(c, 4);
}

#[test]
fn tour_runs_and_keeps_its_vault_when_given_a_dir() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_haven"));
    c.args(["tour", "--dir"]).arg(dir.path());
    let out = ok(c);
    assert!(out.contains("not found") && !out.contains("FOUND"));
    assert!(out.contains("0 damaged"));
    assert!(out.contains("refused: Treatment refusals (item 1)"));
    assert!(out.contains("cannot follow ("));
    assert!(out.contains("restored to") && out.matches("0 damaged").count() == 2);
    for export in [
        "crisis-plan.pdf",
        "crisis-card.pdf",
        "advance-statement.pdf",
        "haven-fhir.json",
    ] {
        let bytes = std::fs::read(dir.path().join(export)).unwrap();
        assert!(bytes.len() > 500, "{export} is too small to be real");
    }
    let mut c = haven(&dir.path().join("restored.haven"));
    c.env("HAVEN_PASSPHRASE", "tour passphrase, not a real one")
        .args(["statement", "reviews", "--json"]);
    let log: serde_json::Value = serde_json::from_str(&ok(c)).unwrap();
    assert_eq!(log["departures"].as_array().unwrap().len(), 1);
    let mut c = haven(&dir.path().join("tour.haven"));
    c.env("HAVEN_PASSPHRASE", "tour passphrase, not a real one")
        .args(["journal", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&ok(c)).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
}
