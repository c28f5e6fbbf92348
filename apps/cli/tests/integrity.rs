//! Issue 9 through the CLI: a tampered vault exits 4 naming what is wrong;
//! the vault file swapped for an older copy is caught through the epoch
//! state file beside it and opens again only with `--accept-rollback`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_deleted_row_makes_every_command_exit_4() {
    let e = setup();
    e.ok(&["journal", "add", "first"]);
    e.ok(&["journal", "add", "second"]);
    let conn = rusqlite::Connection::open(&e.vault).unwrap();
    conn.execute(
        "DELETE FROM records WHERE pos = (SELECT min(pos) FROM records)",
        [],
    )
    .unwrap();
    drop(conn);
    let before = std::fs::read(&e.vault).unwrap();
    for args in [&["verify"][..], &["journal", "list"]] {
        let out = e.fails(args, 4);
        assert!(stderr(&out).contains("tampered"), "{}", stderr(&out));
    }
    assert_eq!(std::fs::read(&e.vault).unwrap(), before);
}

#[test]
fn an_older_copy_of_the_vault_is_refused_until_accepted() {
    let e = setup();
    e.ok(&["journal", "add", "before the copy"]);
    let state = e.path("v.haven.epoch");
    assert!(state.exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&state).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let old = std::fs::read(&e.vault).unwrap();
    e.ok(&["journal", "add", "after the copy"]);
    std::fs::write(&e.vault, &old).unwrap();

    let out = e.fails(&["journal", "list"], 4);
    let msg = stderr(&out);
    assert!(
        msg.contains("older") && msg.contains("--accept-rollback"),
        "{msg}"
    );
    assert_eq!(std::fs::read(&e.vault).unwrap(), old);

    let listed = e.ok(&["journal", "list", "--accept-rollback"]);
    assert!(listed.contains("before the copy") && !listed.contains("after the copy"));
    // Accepted once; from now on this copy is the newest this computer saw.
    e.ok(&["journal", "list"]);
}

fn recovery_key_in(out: &str) -> String {
    out.lines()
        .map(str::trim)
        .find(|l| l.len() == 47 && l.matches('-').count() == 7)
        .expect("recovery key printed")
        .to_string()
}

#[test]
fn rekey_and_rotating_passphrase_change_leave_only_the_new_secrets() {
    let e = setup();
    e.ok(&["journal", "add", "kept through every rekey"]);
    let backup = e.path("before.backup");
    e.ok(&["backup", "create", backup.to_str().unwrap()]);
    let mut current = PASS.to_string();
    let mut recovery = e.recovery.clone();
    for (i, args) in [&["rekey"][..], &["passphrase", "change", "--rotate"]]
        .into_iter()
        .enumerate()
    {
        let next = format!("rotated passphrase number {i}");
        let mut c = haven(&e.vault);
        c.env("HAVEN_PASSPHRASE", &current)
            .env("HAVEN_NEW_PASSPHRASE", &next)
            .args(args)
            .args(["--kdf-memory-mib", "19", "--kdf-iterations", "2"]);
        let out = ok(c);
        let new_recovery = recovery_key_in(&out);
        assert_ne!(new_recovery, recovery);
        // The old passphrase and the old recovery key open nothing now.
        let mut c = haven(&e.vault);
        c.env("HAVEN_PASSPHRASE", &current)
            .args(["journal", "list"]);
        fails(c, 3);
        let mut c = haven(&e.vault);
        c.env("HAVEN_RECOVERY_KEY", &recovery)
            .env("HAVEN_NEW_PASSPHRASE", "whatever passphrase")
            .arg("recover");
        fails(c, 3);
        let mut c = haven(&e.vault);
        c.env("HAVEN_PASSPHRASE", &next).args(["journal", "list"]);
        assert!(ok(c).contains("kept through every rekey"));
        current = next;
        recovery = new_recovery;
    }
    // The backup made before still opens with the secrets it was made under.
    let mut c = haven(&e.path("restored.haven"));
    c.args([
        "backup",
        "restore",
        backup.to_str().unwrap(),
        "--to",
        e.path("restored.haven").to_str().unwrap(),
    ]);
    ok(c);
}
