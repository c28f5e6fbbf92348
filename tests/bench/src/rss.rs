//! Peak resident memory of this process, from Linux's `/proc/self/status`.

use anyhow::{anyhow, Context, Result};

/// `VmHWM` (the resident-set high-water mark) in MiB.
pub fn peak_rss_mb() -> Result<f64> {
    let status =
        std::fs::read_to_string("/proc/self/status").context("reading /proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .ok_or_else(|| anyhow!("no VmHWM line in /proc/self/status"))?;
    let kib: f64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .context("parsing VmHWM")?;
    Ok(kib / 1024.0)
}
