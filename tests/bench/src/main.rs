//! `haven-bench`: Haven's journal against plain SQLite and SQLCipher, on the
//! same generated data, in one process. See `docs/performance.md`.
//!
//! ```text
//! cargo run --release -p haven-bench -- --entries 10000 [--json]
//! ```

mod data;
mod engine;
mod report;
mod rss;
mod stores;
mod workloads;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, ensure, Context, Result};
use clap::{Parser, ValueEnum};
use haven_core::{KdfParams, Vault};

use data::{Generator, SEED};
use report::{median, Report, Workload};
use stores::haven::{Haven, PASSPHRASE};
use stores::{Kind, Store};
use workloads::{Plan, Samples};

/// Most edits and deletes per repetition (and rows per variant of the
/// vault-state measurement).
const MAX_WRITES: usize = 1000;
/// The plaintext of each row the vault-state measurement writes: about a
/// journal entry's size (its 2 KiB padding bucket).
const STATE_PAYLOAD: &[u8] = &[b'x'; 1500];

/// Benchmarks Haven against plain SQLite and SQLCipher.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Entries in each store.
    #[arg(long, default_value_t = 10_000)]
    entries: usize,
    /// Print exactly one JSON object on stdout instead of the table.
    #[arg(long)]
    json: bool,
    /// Repetitions per figure (the median is reported).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..))]
    reps: u16,
    /// Run one workload alone against an existing Haven vault (`--store`),
    /// so this process's peak RSS belongs to that workload only.
    #[arg(long, value_enum, requires = "store")]
    only: Option<Only>,
    /// The Haven vault for `--only` (made by a full run, which re-executes
    /// itself with these flags).
    #[arg(long)]
    store: Option<PathBuf>,
}

/// Workloads that can run alone.
#[derive(Clone, Copy, Debug, ValueEnum)]
enum Only {
    /// Open the vault (device key) and list the newest page.
    #[value(alias = "list_page")]
    ListPage,
}

fn main() -> Result<()> {
    let args = Args::parse();
    match (args.only, &args.store) {
        (Some(Only::ListPage), Some(store)) => only_list_page(store),
        _ => full_run(&args),
    }
}

/// The `--only list_page` child: prints `{"list_page_ms":..,"peak_rss_mb":..}`.
fn only_list_page(store: &Path) -> Result<()> {
    let mut vault = Haven::open(store)?;
    let start = Instant::now();
    let page = vault.list_page(workloads::PAGE)?;
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    ensure!(!page.is_empty(), "the vault is empty");
    let out = serde_json::json!({ "list_page_ms": ms, "peak_rss_mb": rss::peak_rss_mb()? });
    println!("{out}");
    Ok(())
}

/// Re-executes this binary with `--only list_page` and returns its peak RSS.
fn child_peak_rss(store: &Path) -> Result<f64> {
    let exe = std::env::current_exe().context("finding this executable")?;
    let out = Command::new(exe)
        .args(["--only", "list-page", "--store"])
        .arg(store)
        .output()
        .context("running the list_page child")?;
    if !out.status.success() {
        bail!(
            "the list_page child failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    v["peak_rss_mb"]
        .as_f64()
        .context("the list_page child printed no peak_rss_mb")
}

fn progress(json: bool, msg: &str) {
    // In JSON mode stdout carries only the object; progress goes to stderr.
    if json {
        eprintln!("{msg}");
    } else {
        println!("{msg}");
    }
}

fn full_run(args: &Args) -> Result<()> {
    let wall = Instant::now();
    let engine = engine::detect()?;
    let engine_desc = format!(
        "SQLite {} / SQLCipher {} ({})",
        engine.sqlite, engine.sqlcipher, engine.provider
    );
    progress(args.json, &format!("engine: {engine_desc}"));
    let n = args.entries;
    ensure!(n > 0, "--entries must be at least 1");
    let reps = usize::from(args.reps);

    let drafts = Generator::new(SEED).drafts(n);
    let writes = n.min(MAX_WRITES);
    let edits: Vec<_> = data::pick_distinct(n, writes, SEED ^ 1)
        .into_iter()
        .zip(Generator::new(SEED + 1).drafts(writes))
        .collect();
    let deletes = data::pick_distinct(n, writes, SEED ^ 2);
    let plan = Plan {
        drafts: &drafts,
        edits: &edits,
        deletes: &deletes,
        matches: data::planted_count(n),
        reps,
    };

    let dir = tempfile::Builder::new().prefix("haven-bench").tempdir()?;
    let mut samples = vec![Samples::default(); Kind::ALL.len()];
    let mut peak_rss_mb = f64::NAN;
    let mut state_with_us = Vec::with_capacity(reps);
    let mut state_without_us = Vec::with_capacity(reps);
    for rep in 0..reps {
        progress(args.json, &format!("repetition {}/{reps}", rep + 1));
        let built = workloads::build(dir.path(), rep, &plan, &mut samples)?;
        if rep == 0 {
            for b in &built {
                ensure!(
                    engine::has_plain_header(&b.path)? == b.kind.plain_header(),
                    "{}: the file header is not what this store should write",
                    b.kind.name()
                );
            }
            workloads::reads(&built, &plan, &mut samples)?;
            if let Some(h) = built.iter().find(|b| b.kind == Kind::Haven) {
                peak_rss_mb = child_peak_rss(&h.path)?;
            }
        }
        workloads::writes(&built, &plan, &mut samples)?;
        // Last, since it leaves the Haven file failing its own check.
        if let Some(h) = built.iter().find(|b| b.kind == Kind::Haven) {
            let cost = Haven::commitment_cost(&h.path, writes, STATE_PAYLOAD)?;
            let per = |ms: f64| ms * 1000.0 / cost.writes as f64;
            state_with_us.push(per(cost.with_state_ms));
            state_without_us.push(per(cost.without_state_ms));
        }
        for b in &built {
            workloads::remove(&b.path);
        }
    }

    progress(args.json, "unlock with default Argon2id parameters");
    let unlock_ms = unlock_median(dir.path(), reps)?;

    let of = |kind: Kind, f: fn(&Samples) -> &Vec<f64>| {
        let i = Kind::ALL.iter().position(|k| *k == kind).unwrap_or(0);
        median(f(&samples[i]))
    };
    let rows = |name: &str, f: fn(&Samples) -> &Vec<f64>| Workload {
        name: name.to_string(),
        haven_ms: of(Kind::Haven, f),
        sqlite_ms: of(Kind::Sqlite, f),
        sqlcipher_ms: of(Kind::SqlCipher, f),
    };
    let report = Report {
        entries: n,
        workloads: vec![
            rows("add", |s| &s.add),
            rows("open", |s| &s.open),
            rows("list_page", |s| &s.list_page),
            rows("list_all", |s| &s.list_all),
            rows("search", |s| &s.search),
            rows("edit", |s| &s.edit),
            rows("delete", |s| &s.delete),
        ],
        unlock_ms,
        peak_rss_mb,
        write_with_state_us: median(&state_with_us),
        write_without_state_us: median(&state_without_us),
    };
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        let ctx = report::Context {
            reps,
            engine: engine_desc,
            writes,
            matches: plan.matches,
            wall_s: wall.elapsed().as_secs_f64(),
            main_rss_mb: rss::peak_rss_mb()?,
        };
        print!("{}", report::table(&report, &ctx));
    }
    Ok(())
}

/// Median of `reps` unlocks (open + passphrase) of a vault with the default
/// Argon2id cost.
fn unlock_median(dir: &Path, reps: usize) -> Result<f64> {
    let path = dir.join("unlock.db");
    drop(Vault::create(&path, PASSPHRASE, KdfParams::default())?);
    let mut samples = Vec::with_capacity(reps);
    for _ in 0..reps {
        let start = Instant::now();
        let vault = Vault::open(&path)?;
        vault.unlock_with_passphrase(PASSPHRASE, &haven_core::Silent)?;
        samples.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    workloads::remove(&path);
    Ok(median(&samples))
}
