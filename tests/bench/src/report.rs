//! Results: medians, the human table and the one-object JSON.

use serde::Serialize;

/// Median of `samples` (mean of the middle two for an even count).
pub fn median(samples: &[f64]) -> f64 {
    let mut s = samples.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => s[n / 2],
        _ => (s[n / 2 - 1] + s[n / 2]) / 2.0,
    }
}

/// One workload's medians, in milliseconds.
#[derive(Debug, Clone, Serialize)]
pub struct Workload {
    /// Workload name (`add`, `open`, ...).
    pub name: String,
    /// Haven's median.
    pub haven_ms: f64,
    /// Plain SQLite's median.
    pub sqlite_ms: f64,
    /// SQLCipher's median.
    pub sqlcipher_ms: f64,
}

/// The whole run, as printed by `--json`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Entries in each store.
    pub entries: usize,
    /// Every workload, in a fixed order.
    pub workloads: Vec<Workload>,
    /// Median Haven unlock with the default Argon2id parameters.
    pub unlock_ms: f64,
    /// Peak RSS of a fresh process that opens the Haven vault and lists one page.
    pub peak_rss_mb: f64,
    /// Microseconds per Haven write (one row, one transaction) that advances
    /// the vault state, on the store after its edits and deletes.
    pub write_with_state_us: f64,
    /// The same writes without the vault-state step (`haven_core::bench`).
    pub write_without_state_us: f64,
}

/// Extra facts for the human table only.
pub struct Context {
    /// Repetitions per figure.
    pub reps: usize,
    /// Engine description.
    pub engine: String,
    /// Edits and deletes per repetition.
    pub writes: usize,
    /// Entries matching the search.
    pub matches: usize,
    /// Wall time of the whole run, in seconds.
    pub wall_s: f64,
    /// Peak RSS of the main (benchmarking) process.
    pub main_rss_mb: f64,
}

/// The human-readable table.
pub fn table(r: &Report, c: &Context) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "haven-bench: {} entries, median of {} runs, engine {}\n",
        r.entries, c.reps, c.engine
    ));
    out.push_str(&format!(
        "{:<10} {:>12} {:>12} {:>12} {:>13} {:>16}\n",
        "workload", "haven ms", "sqlite ms", "sqlcipher ms", "haven/sqlite", "haven/sqlcipher"
    ));
    for w in &r.workloads {
        out.push_str(&format!(
            "{:<10} {:>12.3} {:>12.3} {:>12.3} {:>12.2}x {:>15.2}x\n",
            w.name,
            w.haven_ms,
            w.sqlite_ms,
            w.sqlcipher_ms,
            w.haven_ms / w.sqlite_ms,
            w.haven_ms / w.sqlcipher_ms
        ));
    }
    out.push_str(&format!(
        "unlock (Argon2id, default 64 MiB / 3 passes): {:.1} ms\n",
        r.unlock_ms
    ));
    out.push_str(&format!(
        "vault state per write: {:+.1} us ({:.1} us with it, {:.1} us without, {:.0}% of a write; {} rows each)\n",
        r.write_with_state_us - r.write_without_state_us,
        r.write_with_state_us,
        r.write_without_state_us,
        100.0 * (r.write_with_state_us - r.write_without_state_us) / r.write_with_state_us,
        c.writes
    ));
    out.push_str(&format!(
        "peak RSS, fresh process doing Haven open + list_page: {:.1} MiB (main process: {:.1} MiB)\n",
        r.peak_rss_mb, c.main_rss_mb
    ));
    out.push_str(&format!(
        "notes: add = all {} entries, one transaction each; edit/delete = {} entries; \
         search matches {} entries;\n       Haven open = Vault::open + unlock_with_device_key \
         (HKDF, no Argon2, the vault-state check over every row); SQLCipher uses a raw key (no PBKDF2).\n",
        r.entries, c.writes, c.matches
    ));
    out.push_str(&format!("wall time: {:.1} s\n", c.wall_s));
    out
}
