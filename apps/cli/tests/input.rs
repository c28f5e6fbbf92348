//! Issue 9: what a person writes reaches `haven` through standard input, a
//! file or their editor on a private temporary file, not through arguments
//! other programs can read; an argument still works, with a one-line
//! warning. A plan or statement file named on the command line is offered
//! for deletion; edited without one, it lives in a private temporary folder
//! that is gone afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

mod common;

use common::{setup, Env};

const WARNING: &str = "other programs on this machine can read";

/// `haven ARGS` with `input` on standard input, a PATH for the editor
/// script, and TMPDIR inside the test's folder (so what the editor's
/// temporary folder leaves behind can be seen).
fn run(e: &Env, args: &[&str], input: Option<&str>, editor: Option<&Path>) -> Output {
    let tmp = e.path("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let mut c = e.cmd(args);
    c.env("PATH", "/usr/bin:/bin").env("TMPDIR", &tmp);
    if let Some(ed) = editor {
        c.env("EDITOR", ed);
    }
    c.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    if let Some(text) = input {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// An editor: records the modes of the folder and file it is given, then
/// replaces the file with `content`.
fn editor(e: &Env, content: &str) -> PathBuf {
    let new = e.write("editor-content", content);
    let log = e.path("editor-log");
    let script = e.path("editor.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nstat -c '%a' \"$(dirname \"$1\")\" \"$1\" > '{}'\necho \"$1\" >> '{}'\ncat '{}' > \"$1\"\n",
            log.display(),
            log.display(),
            new.display()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    script
}

/// What the editor saw: the folder's and the file's modes, and the file.
fn editor_saw(e: &Env) -> (String, String, PathBuf) {
    let log = std::fs::read_to_string(e.path("editor-log")).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    (
        lines[0].to_string(),
        lines[1].to_string(),
        PathBuf::from(lines[2]),
    )
}

fn texts(e: &Env) -> Vec<String> {
    e.json(&["journal", "list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["text"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn journal_text_from_an_argument_warns_and_from_stdin_a_file_or_the_editor_does_not() {
    let e = setup();
    let out = run(&e, &["journal", "add", "typed as an argument"], None, None);
    let err = stderr(&out);
    assert!(err.contains(WARNING), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");

    let out = run(&e, &["journal", "add"], Some("piped in\n"), None);
    assert_eq!(stderr(&out), "");

    let f = e.write("entry.txt", "from a file\n");
    let out = run(
        &e,
        &["journal", "add", "--file", f.to_str().unwrap()],
        None,
        None,
    );
    assert_eq!(stderr(&out), "");

    let ed = editor(&e, "written in the editor\n");
    let out = run(&e, &["journal", "add", "--edit"], None, Some(&ed));
    assert_eq!(stderr(&out), "");
    let (dir_mode, file_mode, file) = editor_saw(&e);
    assert_eq!((dir_mode.as_str(), file_mode.as_str()), ("700", "600"));
    assert!(file.starts_with(e.path("tmp")), "{file:?}");
    assert!(!file.exists() && !file.parent().unwrap().exists());
    assert_eq!(std::fs::read_dir(e.path("tmp")).unwrap().count(), 0);

    assert_eq!(
        texts(&e),
        [
            "written in the editor",
            "from a file",
            "piped in",
            "typed as an argument"
        ]
    );

    // Editing in the editor starts from the current text.
    let id = texts_ids(&e)[0].clone();
    let ed = editor(&e, "edited in the editor\n");
    run(&e, &["journal", "edit", &id, "--edit"], None, Some(&ed));
    assert_eq!(texts(&e)[0], "edited in the editor");
    assert_eq!(std::fs::read_dir(e.path("tmp")).unwrap().count(), 0);
    let out = run(
        &e,
        &["journal", "edit", &id],
        Some("edited through a pipe"),
        None,
    );
    assert_eq!(stderr(&out), "");
    assert_eq!(texts(&e)[0], "edited through a pipe");
}

fn texts_ids(e: &Env) -> Vec<String> {
    e.json(&["journal", "list", "--json"])
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_search_query_is_read_from_standard_input() {
    let e = setup();
    run(
        &e,
        &["journal", "add"],
        Some("the quiet lake at dawn"),
        None,
    );
    run(&e, &["journal", "add"], Some("a loud street"), None);
    let out = run(&e, &["journal", "search", "--json"], Some("LAKE\n"), None);
    assert_eq!(stderr(&out), "");
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["text"], "the quiet lake at dawn");
    let out = run(&e, &["journal", "search", "--json", "street"], None, None);
    assert!(stderr(&out).contains(WARNING));
    let found: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(found[0]["text"], "a loud street");
}

fn departure_args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "statement",
        "departure",
        "--section",
        "treatment_refusals",
        "--by",
        "Dr Rivera",
        "--role",
        "consultant",
        "--told",
        "no",
    ];
    a.extend_from_slice(extra);
    a
}

#[test]
fn a_departure_reason_comes_from_standard_input_or_a_file() {
    let e = setup();
    let f = e.write("s.toml", "[values_and_wishes]\nwishes = \"quiet\"\n");
    e.ok(&["statement", "edit", f.to_str().unwrap(), "--remove-file"]);

    let out = run(&e, &departure_args(&[]), Some("the ward was full\n"), None);
    assert_eq!(
        stderr(&out).lines().filter(|l| l.contains(WARNING)).count(),
        0
    );
    let reason = e.write("reason.txt", "no bed was free");
    let out = run(
        &e,
        &departure_args(&["--reason-file", reason.to_str().unwrap()]),
        None,
        None,
    );
    assert!(!stderr(&out).contains(WARNING));
    let out = run(&e, &departure_args(&["--reason", "said aloud"]), None, None);
    assert!(stderr(&out).contains(WARNING));

    let log = e.json(&["statement", "reviews", "--json"]);
    let reasons: Vec<&str> = log["departures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        ["the ward was full", "no bed was free", "said aloud"]
    );
}

#[test]
fn a_plan_file_is_deleted_when_asked_and_otherwise_the_person_is_reminded() {
    let e = setup();
    let f = e.write("plan.toml", "when_well = \"I walk the dog\"\n");
    let out = run(&e, &["plan", "edit", f.to_str().unwrap()], None, None);
    assert!(f.exists(), "kept unless asked");
    assert!(stderr(&out).contains("still holds your crisis plan in plain text"));

    let f = e.write("plan2.toml", "when_well = \"I walk the dog at dawn\"\n");
    run(
        &e,
        &["plan", "edit", f.to_str().unwrap(), "--remove-file"],
        None,
        None,
    );
    assert!(!f.exists());
    let shown = e.json(&["plan", "show", "--json"]);
    assert_eq!(shown["content"]["when_well"], "I walk the dog at dawn");
}

#[test]
fn a_plan_edited_without_a_file_lives_in_a_private_folder_removed_afterwards() {
    let e = setup();
    let ed = editor(&e, "when_well = \"written in the editor\"\n");
    let out = run(&e, &["plan", "edit"], None, Some(&ed));
    let hash = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(hash.len(), 64, "{}", stderr(&out));
    let (dir_mode, file_mode, file) = editor_saw(&e);
    assert_eq!((dir_mode.as_str(), file_mode.as_str()), ("700", "600"));
    assert!(!file.parent().unwrap().exists());
    assert_eq!(std::fs::read_dir(e.path("tmp")).unwrap().count(), 0);
    let shown = e.json(&["plan", "show", "--json"]);
    assert_eq!(shown["content"]["when_well"], "written in the editor");

    // A file that does not parse saves nothing and leaves nothing behind.
    let ed = editor(&e, "when_well = \n");
    let mut c = e.cmd(&["plan", "edit"]);
    c.env("PATH", "/usr/bin:/bin")
        .env("TMPDIR", e.path("tmp"))
        .env("EDITOR", &ed);
    let out = c.output().unwrap();
    assert!(!out.status.success());
    assert_eq!(std::fs::read_dir(e.path("tmp")).unwrap().count(), 0);
    assert_eq!(
        e.json(&["plan", "history", "--json"])
            .as_array()
            .unwrap()
            .len(),
        1
    );
}
