//! `haven backup create|restore` end to end: passphrase, recovery key,
//! wrong secrets (exit 3) and damaged backups (exit 4).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;
use std::process::Command;

use common::{fails, haven, ok, setup, PASS};

/// `haven backup restore BACKUP --to TARGET`, with the passphrase.
fn restore(backup: &Path, target: &Path) -> Command {
    let mut c = haven(target);
    c.args(["backup", "restore"])
        .arg(backup)
        .arg("--to")
        .arg(target);
    c
}

#[test]
fn backup_restores_with_passphrase_and_with_recovery_key() {
    let e = setup();
    e.ok(&["journal", "add", "kept across the backup"]);
    let f = e.write("p.toml", "when_well = \"I walk the dog\"\n");
    e.ok(&["plan", "edit", f.to_str().unwrap()]);
    let backup = e.path("vault.backup");
    let out = e.ok(&["backup", "create", backup.to_str().unwrap()]);
    assert!(out.contains("Backed up"), "{out}");
    e.fails(&["backup", "create", backup.to_str().unwrap()], 1);

    // With the passphrase.
    let restored = e.path("restored.haven");
    assert!(ok(restore(&backup, &restored)).contains("all intact"));
    let mut c = haven(&restored);
    c.args(["journal", "list", "--json"]);
    assert!(ok(c).contains("kept across the backup"));
    let mut c = haven(&restored);
    c.args(["plan", "show", "--json"]);
    assert!(ok(c).contains("I walk the dog"));

    // With the recovery key, and no passphrase anywhere.
    let by_key = e.path("by-key.haven");
    let mut c = haven(&by_key);
    c.env_remove("HAVEN_PASSPHRASE")
        .env("HAVEN_RECOVERY_KEY", &e.recovery)
        .args(["backup", "restore"])
        .arg(&backup)
        .arg("--to")
        .arg(&by_key)
        .arg("--recovery-key");
    ok(c);
    let mut c = haven(&by_key);
    c.env("HAVEN_PASSPHRASE", PASS).args(["journal", "list"]);
    assert!(ok(c).contains("kept across"));

    // The target is never overwritten.
    fails(restore(&backup, &restored), 1);
}

#[test]
fn wrong_secrets_exit_3_and_write_nothing() {
    let e = setup();
    let backup = e.path("b.backup");
    e.ok(&["backup", "create", backup.to_str().unwrap()]);
    let target = e.path("t.haven");
    let mut c = haven(&target);
    c.env("HAVEN_PASSPHRASE", "not the passphrase")
        .args(["backup", "restore"])
        .arg(&backup)
        .arg("--to")
        .arg(&target);
    let out = fails(c, 3);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("not the passphrase"));
    assert!(!target.exists());
    let mut c = haven(&target);
    c.env(
        "HAVEN_RECOVERY_KEY",
        "AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA",
    )
    .args(["backup", "restore"])
    .arg(&backup)
    .arg("--to")
    .arg(&target)
    .arg("--recovery-key");
    fails(c, 3);
    let mut c = haven(&target);
    c.args(["backup", "restore"])
        .arg(&backup)
        .arg("--to")
        .arg(&target)
        .arg("--recovery-key");
    fails(c, 2);
    assert!(!target.exists());
}

#[test]
fn tampered_backup_is_refused_with_exit_4() {
    let e = setup();
    e.ok(&["journal", "add", "some words"]);
    let backup = e.path("b.backup");
    e.ok(&["backup", "create", backup.to_str().unwrap()]);
    let mut bytes = std::fs::read(&backup).unwrap();
    let n = bytes.len();
    bytes[n - 100] ^= 0x01;
    let tampered = e.path("tampered.backup");
    std::fs::write(&tampered, &bytes).unwrap();
    let target = e.path("t.haven");
    let out = fails(restore(&tampered, &target), 4);
    assert!(String::from_utf8_lossy(&out.stderr).contains("backup"));
    assert!(!target.exists());

    std::fs::write(&tampered, &bytes[..n / 2]).unwrap();
    fails(restore(&tampered, &target), 4);
    std::fs::write(&tampered, b"not a backup at all").unwrap();
    fails(restore(&tampered, &target), 4);
}
