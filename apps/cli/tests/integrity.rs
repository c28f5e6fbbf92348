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
        "DELETE FROM records WHERE seq = (SELECT min(seq) FROM records)",
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
