//! The SIGKILL harness of the crash tests (core's `crash.rs` and
//! `backup_crash.rs`, the CLI's `kill.rs`): one way to start a child, know
//! where it is, kill it there and tell what happened.
//!
//! - The child says where it is: it prints a line before each step it takes
//!   (and may park itself inside an operation and say so), or it opens a
//!   file the test holds (a FIFO). The test kills it right after the point
//!   it chose, never after a sleep.
//! - A kill is counted only when it was real: the exit status names
//!   SIGKILL. A child that ended on its own is told apart, with its stderr.
//! - Every line the child printed comes back, those printed between the
//!   chosen point and the kill included, so the test knows exactly which
//!   steps finished and which one was in flight.
//!
//! Nothing here measures speed. The one clock is a guard against waiting
//! forever for a child that never reaches its point.

use std::ffi::OsStr;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// SIGKILL's number, fixed by POSIX.
pub const SIGKILL: i32 = 9;

/// A child that has not reached its point after this long is stuck, not
/// slow: the test fails instead of hanging.
const STUCK: Duration = Duration::from_secs(600);

/// How often the wait for a FIFO's reader looks whether the child died.
const LOOK: Duration = Duration::from_millis(20);

/// A command running one `#[ignore]`d test of the current test binary in a
/// process of its own, with `var` set to `value`: the child is the crate's
/// real code in a real process. The child test returns at once when `var`
/// is unset, so running the ignored tests directly does nothing.
pub fn this_test_binary(test: &str, var: &str, value: impl AsRef<OsStr>) -> Command {
    let exe = std::env::current_exe().unwrap();
    let mut cmd = Command::new(exe);
    // --quiet: libtest names no test on stdout, so each of the child's lines
    // starts a line of its own.
    cmd.args([
        "--exact",
        test,
        "--ignored",
        "--nocapture",
        "--quiet",
        "--test-threads=1",
    ])
    .env(var, value);
    cmd
}

/// Makes a FIFO at `path` (with `mkfifo`, from coreutils).
pub fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// A running child whose stdin, stdout and stderr are pipes to the test.
pub struct Child {
    inner: std::process::Child,
    lines: Receiver<String>,
    seen: Vec<String>,
    stdin: Option<ChildStdin>,
    stderr: Option<JoinHandle<String>>,
}

/// How a child ended.
#[derive(Debug)]
pub struct Ended {
    /// Every line the child printed on stdout, in order.
    pub lines: Vec<String>,
    /// Whether SIGKILL ended it; false when it exited on its own first.
    pub killed: bool,
    /// Its exit status.
    pub status: ExitStatus,
    /// What it printed on stderr.
    pub stderr: String,
}

impl Ended {
    /// Panics, showing the child's stderr, unless SIGKILL ended it.
    pub fn assert_killed(&self, what: &str) {
        assert!(
            self.killed,
            "{what}: the child was not killed but ended with {}; stderr: {}",
            self.status, self.stderr
        );
    }
}

impl Child {
    /// Starts `cmd` with all three standard streams piped.
    pub fn spawn(mut cmd: Command) -> Child {
        let mut inner = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        let stdout = inner.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut err = inner.stderr.take().unwrap();
        let stderr = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = err.read_to_string(&mut s);
            s
        });
        Child {
            stdin: inner.stdin.take(),
            inner,
            lines,
            seen: Vec::new(),
            stderr: Some(stderr),
        }
    }

    /// Reads the child's lines up to the next one starting with `prefix`,
    /// and returns that line. Fails if the child ends first.
    pub fn wait_for(&mut self, prefix: &str) -> String {
        let start = Instant::now();
        loop {
            match self
                .lines
                .recv_timeout(STUCK.saturating_sub(start.elapsed()))
            {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.starts_with(prefix) {
                        return line;
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    let ended = self.end(false);
                    panic!(
                        "the child ended ({}) before printing {prefix:?}; stderr: {}",
                        ended.status, ended.stderr
                    );
                }
                Err(RecvTimeoutError::Timeout) => {
                    self.end(true);
                    panic!("the child printed no {prefix:?} in {STUCK:?}: it is stuck");
                }
            }
        }
    }

    /// Waits until the child opens the FIFO at `fifo` to read it (its signal
    /// that it got that far) and returns the writing end. Fails if the child
    /// ends first.
    pub fn wait_for_reader(&mut self, fifo: &Path) -> File {
        let (tx, rx) = mpsc::channel();
        let path = fifo.to_path_buf();
        // Opening a FIFO to write blocks until a reader opens it.
        std::thread::spawn(move || {
            let _ = tx.send(File::options().write(true).open(path));
        });
        let start = Instant::now();
        loop {
            match rx.recv_timeout(LOOK) {
                Ok(file) => return file.unwrap(),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => unreachable!("the opener always sends"),
            }
            let dead = self.inner.try_wait().unwrap().is_some();
            if dead || start.elapsed() > STUCK {
                // Let the blocked opener go.
                let _ = File::open(fifo);
                let ended = self.end(true);
                panic!(
                    "the child never opened {} ({}); stderr: {}",
                    fifo.display(),
                    ended.status,
                    ended.stderr
                );
            }
        }
    }

    /// Writes `bytes` to the child's stdin.
    pub fn send(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is still open");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// Closes the child's stdin (it reads end of file).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Sends SIGKILL now and collects how the child ended.
    pub fn kill(mut self) -> Ended {
        self.end(true)
    }

    /// Lets the child run to its end.
    pub fn wait(mut self) -> Ended {
        self.end(false)
    }

    fn end(&mut self, kill: bool) -> Ended {
        if kill {
            // SIGKILL on Unix; Ok also when the child had already exited.
            self.inner.kill().unwrap();
        }
        self.stdin = None;
        let status = self.inner.wait().unwrap();
        // The reader stops at end of file, which the child's death brings.
        let mut lines = std::mem::take(&mut self.seen);
        lines.extend(self.lines.iter());
        let stderr = self
            .stderr
            .take()
            .map(|h| h.join().unwrap_or_default())
            .unwrap_or_default();
        Ended {
            lines,
            killed: status.signal() == Some(SIGKILL),
            status,
            stderr,
        }
    }
}

impl Drop for Child {
    /// A test that fails half way leaves no child running.
    fn drop(&mut self) {
        let _ = self.inner.kill();
        let _ = self.inner.wait();
    }
}
