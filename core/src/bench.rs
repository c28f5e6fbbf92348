//! What the vault state (ADR 0010) costs per write, for `haven-bench`
//! (feature `bench`; never for apps).
//!
//! Why here: the cost is the difference between a write through the record
//! layer, which advances the vault state in its transaction, and the very
//! same write without that step. Only the crate can leave the step out, and
//! a vault written that way no longer passes its own check, so this runs on
//! a throwaway vault the caller made for it and never on a person's.

use std::time::Instant;

use rusqlite::params;

use crate::error::Result;
use crate::records::{atomically, fresh_revision, layout};
use crate::{crypto, Vault};

/// Two timings of the same `writes` single-row transactions, interleaved in
/// blocks of 50 so outside load falls on both alike.
#[derive(Debug, Clone, Copy)]
pub struct CommitmentCost {
    /// Rows written by each variant.
    pub writes: usize,
    /// Milliseconds for the writes that advance the vault state.
    pub with_state_ms: f64,
    /// Milliseconds for the same writes without it.
    pub without_state_ms: f64,
}

/// Adds `writes` journal-sized rows to `vault` twice over: through the
/// record layer (sealed, positioned, state advanced) and without the state
/// step. **Leaves `vault` failing its integrity check**: pass a scratch
/// vault and delete it afterwards.
pub fn commitment_cost(vault: &Vault, writes: usize, payload: &[u8]) -> Result<CommitmentCost> {
    vault.with_unlocked(|conn, scope| {
        let kind = crate::journal::KIND;
        let layout = layout::lookup(conn, kind)?;
        let mut with = 0.0;
        let mut without = 0.0;
        for block in (0..writes).collect::<Vec<_>>().chunks(50) {
            let start = Instant::now();
            for _ in block {
                scope.insert(conn, kind, &crypto::random_id()?, payload)?;
            }
            with += start.elapsed().as_secs_f64() * 1000.0;
            let start = Instant::now();
            for _ in block {
                let id = crypto::random_id()?;
                let revision = fresh_revision(None)?;
                let body = scope.seal(&id, kind, revision, payload)?;
                atomically(conn, || {
                    let pos = layout.next(layout::last_pos(conn, &layout)?)?;
                    conn.prepare_cached(
                        "INSERT INTO records (pos, id, tag, revision, body) VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![pos, id, layout.tag, revision, body])?;
                    Ok(())
                })?;
            }
            without += start.elapsed().as_secs_f64() * 1000.0;
        }
        Ok(CommitmentCost {
            writes,
            with_state_ms: with,
            without_state_ms: without,
        })
    })
}
