//! Real relay processes on loopback, over SQLite or PostgreSQL, for the
//! behaviour suite. PostgreSQL: `HAVEN_TEST_POSTGRES` (a server URL, as
//! `tests/run.sh` starts one) or, without it, a private server this test
//! binary starts from Debian's package (own data dir, free loopback port)
//! and a watchdog stops when the test binary exits.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Where a relay keeps its data.
#[derive(Clone)]
pub enum Backend {
    /// A SQLite folder.
    Sqlite(PathBuf),
    /// A PostgreSQL database URL.
    Postgres(String),
}

/// Keeps a backend's temporary folder alive.
pub struct Db {
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    pub pg_name: Option<String>,
}

pub fn sqlite() -> Db {
    let dir = tempfile::tempdir().unwrap();
    Db {
        backend: Backend::Sqlite(dir.path().join("data")),
        _dir: Some(dir),
        pg_name: None,
    }
}

struct PgServer {
    /// URL without a database name, e.g. `postgres://postgres@127.0.0.1:5433`.
    base: String,
}

fn pg_bin() -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap_or_else(|_| panic!("PostgreSQL is not installed (apt-get install postgresql) and HAVEN_TEST_POSTGRES is not set"))
        .map(|e| e.unwrap().path())
        .collect();
    versions.sort();
    versions.pop().unwrap().join("bin")
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_pg() -> PgServer {
    if let Ok(url) = std::env::var("HAVEN_TEST_POSTGRES") {
        return PgServer {
            base: url.trim_end_matches('/').to_string(),
        };
    }
    let bin = pg_bin();
    let dir = std::env::temp_dir().join(format!("haven-relay-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let ok = Command::new("chown")
        .arg("postgres:postgres")
        .arg(&dir)
        .status()
        .unwrap();
    assert!(ok.success());
    let data = dir.join("data");
    let run = |args: &[&str]| {
        let out = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        bin.join("initdb").to_str().unwrap(),
        "-D",
        data.to_str().unwrap(),
        "-A",
        "trust",
        "-U",
        "postgres",
        "--no-sync",
    ]);
    let port = free_port();
    let opts = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c full_page_writes=off",
        dir.display()
    );
    run(&[
        bin.join("pg_ctl").to_str().unwrap(),
        "-D",
        data.to_str().unwrap(),
        "-o",
        &opts,
        "-l",
        dir.join("log").to_str().unwrap(),
        "start",
        "-w",
    ]);
    // (fsync off: the tests kill relays, never the database server.)
    // Stops the server and removes its folder when this test binary exits.
    let watchdog = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; runuser -u postgres -- {ctl} -D {data} stop -m fast >/dev/null 2>&1; rm -rf {dir}",
        pid = std::process::id(),
        ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        dir = dir.display()
    );
    // Deliberately not waited for: it outlives this process.
    #[allow(clippy::zombie_processes)]
    let _watchdog = Command::new("sh")
        .args(["-c", &watchdog])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    PgServer {
        base: format!("postgres://postgres@127.0.0.1:{port}"),
    }
}

static PG: OnceLock<PgServer> = OnceLock::new();
static DB_N: AtomicUsize = AtomicUsize::new(0);

/// A fresh database on the test PostgreSQL server.
pub fn postgres() -> Db {
    let server = PG.get_or_init(start_pg);
    let name = format!(
        "haven_{}_{}",
        std::process::id(),
        DB_N.fetch_add(1, Ordering::SeqCst)
    );
    let out = Command::new("psql")
        .args([
            &format!("{}/postgres", server.base),
            "-v",
            "ON_ERROR_STOP=1",
            "-qc",
            &format!("CREATE DATABASE {name}"),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "createdb: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Db {
        backend: Backend::Postgres(format!("{}/{name}", server.base)),
        _dir: None,
        pg_name: Some(name),
    }
}

/// Every byte the backend holds, to search for things that must not be there.
pub fn dump(db: &Db) -> Vec<u8> {
    match &db.backend {
        Backend::Sqlite(dir) => {
            let mut all = Vec::new();
            for e in std::fs::read_dir(dir).unwrap() {
                all.extend(std::fs::read(e.unwrap().path()).unwrap());
            }
            all
        }
        Backend::Postgres(url) => {
            let out = Command::new("pg_dump")
                .args(["--data-only", url])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "pg_dump: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        }
    }
}

/// A running relay.
pub struct Relay {
    pub url: String,
    child: Child,
    pub log: PathBuf,
    _logdir: tempfile::TempDir,
}

impl Relay {
    pub fn start(db: &Db, extra: &[&str]) -> Relay {
        let logdir = tempfile::tempdir().unwrap();
        let log = logdir.path().join("relay.log");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_haven-relay"));
        cmd.args(["--listen", "127.0.0.1:0"]);
        if !extra.contains(&"--rate") {
            cmd.args(["--rate", "0"]);
        }
        match &db.backend {
            Backend::Sqlite(dir) => cmd.arg("--data").arg(dir),
            Backend::Postgres(url) => cmd.arg("--database").arg(url),
        };
        cmd.args(extra)
            .env_remove("HAVEN_RELAY_DATABASE")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).unwrap());
        let mut child = cmd.spawn().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| {
                panic!(
                    "relay did not start: {line:?} {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                )
            })
            .to_string();
        Relay {
            url: format!("http://{addr}"),
            child,
            log,
            _logdir: logdir,
        }
    }

    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn log_text(&self) -> Vec<u8> {
        std::fs::read(&self.log).unwrap_or_default()
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.kill();
    }
}
