//! The Rust side of the bindings benchmark (`bindings/kotlin/bench.sh`): runs
//! the same journal workloads as the Kotlin benchmark, on a fresh vault of the
//! same generated data, straight on `haven_core` with no FFI in between, and
//! prints the medians as one line of JSON.
//!
//! ```text
//! ffi-baseline [--entries 10000] [--adds 1000] [--reps 7] [--warmup 2] [--dir DIR]
//! ```
//!
//! The data generator (SplitMix64 over a fixed word list) is mirrored exactly
//! in `bindings/kotlin/bench/Bench.kt`; both print `text_bytes` so a drift
//! between the two shows up in the table.

use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

use haven_core::{Draft, KdfParams, Vault};

/// Seed of the 10k entries the vault is filled with.
const FILL_SEED: u64 = 0x4841_5645_4E00_0001;
/// Seed of the entries the add workload writes.
const ADD_SEED: u64 = 0x4841_5645_4E00_0002;
/// Page size of the paging workload.
const PAGE: u32 = 50;

const WORDS: &[&str] = &[
    "today",
    "slept",
    "badly",
    "walked",
    "to",
    "the",
    "park",
    "and",
    "felt",
    "a",
    "little",
    "calmer",
    "after",
    "talking",
    "with",
    "Sam",
    "about",
    "work",
    "voices",
    "were",
    "quieter",
    "tired",
    "anxious",
    "hopeful",
    "medication",
    "appointment",
    "ward",
    "sunlight",
    "rain",
    "tea",
    "music",
    "breathing",
];
const TAGS: &[&str] = &[
    "sleep", "meds", "work", "family", "walk", "anxiety", "mood", "therapy",
];

/// SplitMix64: tiny, fast, and trivial to reproduce bit for bit in Kotlin.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `count` realistic entries: 200 to 4096 bytes of text, mood on ~10 in 11,
/// up to three tags.
fn drafts(seed: u64, count: usize) -> Vec<Draft> {
    let mut rng = SplitMix64(seed);
    (0..count)
        .map(|_| {
            let len = 200 + rng.below(4096 - 200 + 1) as usize;
            let mut text = String::with_capacity(len + 16);
            while text.len() < len {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
            }
            text.truncate(len);
            let mood = match rng.below(11) {
                0 => None,
                m => Some(m as i32),
            };
            let tags = (0..rng.below(4))
                .map(|_| TAGS[rng.below(TAGS.len() as u64) as usize].to_string())
                .collect();
            Draft { text, mood, tags }
        })
        .collect()
}

struct Args {
    entries: usize,
    adds: usize,
    reps: usize,
    warmup: usize,
    dir: PathBuf,
}

fn parse_args() -> Result<Args, Box<dyn Error>> {
    let mut a = Args {
        entries: 10_000,
        adds: 1_000,
        reps: 7,
        warmup: 2,
        dir: std::env::temp_dir(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--entries" => a.entries = value.parse()?,
            "--adds" => a.adds = value.parse()?,
            "--reps" => a.reps = value.parse()?,
            "--warmup" => a.warmup = value.parse()?,
            "--dir" => a.dir = PathBuf::from(value),
            _ => return Err(format!("unknown option {flag}").into()),
        }
    }
    if a.reps == 0 {
        return Err("--reps must be at least 1".into());
    }
    Ok(a)
}

/// Runs `f` `warmup` times untimed, then `reps` times timed; milliseconds.
fn time(
    warmup: usize,
    reps: usize,
    mut f: impl FnMut() -> Result<(), Box<dyn Error>>,
) -> Result<Vec<f64>, Box<dyn Error>> {
    for _ in 0..warmup {
        f()?;
    }
    let mut out = Vec::with_capacity(reps);
    for _ in 0..reps {
        let t = Instant::now();
        f()?;
        out.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(out)
}

fn median(samples: &[f64]) -> f64 {
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn json_list(samples: &[f64]) -> String {
    let items: Vec<String> = samples.iter().map(|x| format!("{x:.3}")).collect();
    format!("[{}]", items.join(","))
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = parse_args()?;
    let path = args
        .dir
        .join(format!("ffi-baseline-{}.haven", std::process::id()));
    let result = run(&args, &path);
    for suffix in ["", "-wal", "-shm"] {
        let mut p = path.clone().into_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
    println!("{}", result?);
    Ok(())
}

fn run(args: &Args, path: &std::path::Path) -> Result<String, Box<dyn Error>> {
    let (vault, _recovery) =
        Vault::create(path, "benchmark passphrase", KdfParams::minimum_for_tests())?;
    let fill = drafts(FILL_SEED, args.entries);
    let text_bytes: usize = fill.iter().map(|d| d.text.len()).sum();
    for d in fill {
        vault.add_entry(d)?;
    }

    let list_all = time(args.warmup, args.reps, || {
        let all = vault.all_entries()?;
        if all.len() != args.entries {
            return Err("all_entries returned the wrong count".into());
        }
        Ok(())
    })?;

    let page_all = time(args.warmup, args.reps, || {
        let (mut seen, mut before) = (0, None);
        loop {
            let page = vault.list_entries(PAGE, before.as_deref())?;
            seen += page.entries.len();
            before = page.next_cursor;
            if before.is_none() {
                break;
            }
        }
        if seen != args.entries {
            return Err("paging visited the wrong count".into());
        }
        Ok(())
    })?;

    // Each repetition adds the same entries, then (untimed) deletes them, so
    // every repetition starts from the same vault.
    let adds = drafts(ADD_SEED, args.adds);
    let mut add_samples = Vec::with_capacity(args.reps);
    for rep in 0..args.warmup + args.reps {
        let batch = adds.clone();
        let t = Instant::now();
        let mut ids = Vec::with_capacity(batch.len());
        for d in batch {
            ids.push(vault.add_entry(d)?.id);
        }
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if rep >= args.warmup {
            add_samples.push(ms);
        }
        for id in ids {
            vault.delete_entry(&id)?;
        }
    }

    Ok(format!(
        "{{\"entries\":{},\"text_bytes\":{},\"adds\":{},\"reps\":{},\"page\":{},\
         \"list_all_ms\":{:.3},\"page_all_ms\":{:.3},\"add_ms\":{:.3},\
         \"list_all_samples\":{},\"page_all_samples\":{},\"add_samples\":{}}}",
        args.entries,
        text_bytes,
        args.adds,
        args.reps,
        PAGE,
        median(&list_all),
        median(&page_all),
        median(&add_samples),
        json_list(&list_all),
        json_list(&page_all),
        json_list(&add_samples),
    ))
}
