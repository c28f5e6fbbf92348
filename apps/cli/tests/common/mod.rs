//! Helpers shared by the CLI suites: a fresh cheap vault, and running
//! `haven` expecting success or a given exit code with one plain sentence.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const PASS: &str = "cli test passphrase";

pub struct Env {
    pub dir: tempfile::TempDir,
    pub vault: PathBuf,
    pub recovery: String,
}

impl Env {
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = haven(&self.vault);
        c.args(args);
        c
    }

    pub fn ok(&self, args: &[&str]) -> String {
        ok(self.cmd(args))
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    pub fn fails(&self, args: &[&str], code: i32) -> Output {
        fails(self.cmd(args), code)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

pub fn haven(vault: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_haven"));
    c.env_clear()
        .env("HAVEN_VAULT", vault)
        .env("HAVEN_PASSPHRASE", PASS)
        .stdin(Stdio::null());
    c
}

pub fn ok(mut c: Command) -> String {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

pub fn fails(mut c: Command, code: i32) -> Output {
    let out = c.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(code),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("haven: ") && err.trim_end().ends_with('.'),
        "one plain sentence: {err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    out
}

pub fn setup() -> Env {
    let dir = tempfile::tempdir().unwrap();
    let vault = dir.path().join("v.haven");
    let mut c = haven(&vault);
    c.args(["init", "--kdf-memory-mib", "19", "--kdf-iterations", "2"]);
    let out = ok(c);
    let recovery = out
        .lines()
        .map(str::trim)
        .find(|l| l.len() == 47 && l.matches('-').count() == 7)
        .expect("recovery key printed")
        .to_string();
    Env {
        dir,
        vault,
        recovery,
    }
}
