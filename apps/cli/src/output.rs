//! Printing entries for people and for programs (`--json`).

use haven_core::{Entry, MoodPoint};
use serde::Serialize;

use crate::fail::Failure;

/// Prints any serialisable value as pretty JSON on stdout.
pub fn json<T: Serialize + ?Sized>(v: &T) -> Result<(), Failure> {
    let s = serde_json::to_string_pretty(v)
        .map_err(|e| Failure::other(format!("cannot print JSON: {e}")))?;
    println!("{s}");
    Ok(())
}

/// `id  date  mood  first line`, one per entry.
pub fn entry_lines(entries: &[Entry]) {
    for e in entries {
        let first = e.text.lines().next().unwrap_or_default();
        let short: String = first.chars().take(60).collect();
        let more = if short.len() < e.text.trim_end().len() {
            "…"
        } else {
            ""
        };
        let mood = e.mood.map_or("  ".to_string(), |m| format!("{m:>2}"));
        println!(
            "{}  {}  {mood}  {short}{more}",
            e.id,
            e.created_at.format("%Y-%m-%d %H:%M")
        );
    }
}

/// The whole entry, for `show`.
pub fn entry_full(e: &Entry) {
    println!("id:       {}", e.id);
    println!("created:  {}", e.created_at.to_rfc3339());
    if e.updated_at != e.created_at {
        println!("edited:   {}", e.updated_at.to_rfc3339());
    }
    if let Some(m) = e.mood {
        println!("mood:     {m}/10");
    }
    if !e.tags.is_empty() {
        println!("tags:     {}", e.tags.join(", "));
    }
    println!();
    println!("{}", e.text);
}

/// A bar per period.
pub fn moods(points: &[MoodPoint]) {
    if points.is_empty() {
        println!("No entries with a mood yet.");
    }
    for p in points {
        let filled = p.mean.round().clamp(0.0, 10.0) as usize;
        println!(
            "{}  {}{}  {:>4.1}  (n={}, {}-{})",
            p.period_start,
            "█".repeat(filled),
            "░".repeat(10 - filled),
            p.mean,
            p.count,
            p.min,
            p.max
        );
    }
}
