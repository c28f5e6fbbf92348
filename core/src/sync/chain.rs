//! Checking one device's log: each entry signed by the device, numbered
//! from 1 without gaps, and naming its predecessor's hash. What a relay can
//! do to a log it cannot sign (drop, reorder, replay, splice two histories,
//! serve an older prefix) breaks one of these and is named here; two signed
//! entries at one position (a fork) can only come from the device's key.
//! ADR 0015.

use super::entry::Entry;
use super::ids::{DeviceId, Head, SpaceId};

/// What is wrong with a device's log as served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChainProblem {
    /// An entry of another space or another device in this device's log.
    Foreign {
        /// Its position in the list.
        index: usize,
    },
    /// An entry whose signature is not the device's.
    BadSignature {
        /// Its sequence number.
        seq: u64,
    },
    /// An entry missing: `found` came where `expected` should (dropped).
    Gap {
        /// The position that should come next.
        expected: u64,
        /// The position that came.
        found: u64,
    },
    /// An entry served again (same bytes), or entries out of order.
    Replay {
        /// The repeated or early position.
        seq: u64,
    },
    /// An entry whose predecessor is not the entry before it: two
    /// histories spliced together.
    Splice {
        /// The entry that does not follow on.
        seq: u64,
    },
    /// Two different signed entries at one position.
    Fork {
        /// The position.
        seq: u64,
    },
    /// Fewer entries than a head seen before: the log was rolled back.
    RolledBack {
        /// The head seen before.
        held: u64,
        /// The last entry served.
        found: u64,
    },
}

/// Verifies a device's whole log as served (in order, from its first
/// entry), against the head this verifier saw before, if any. Returns the
/// log's head (`None` for an empty log).
pub fn verify_log(
    space: &SpaceId,
    device: &DeviceId,
    public: &[u8; 32],
    entries: &[Entry],
    held: Option<&Head>,
) -> Result<Option<Head>, ChainProblem> {
    let mut hashes: Vec<[u8; 32]> = Vec::with_capacity(entries.len());
    for (index, e) in entries.iter().enumerate() {
        if e.space != *space || e.device != *device {
            return Err(ChainProblem::Foreign { index });
        }
        if !e.verify(public) {
            return Err(ChainProblem::BadSignature { seq: e.seq });
        }
        let expected = hashes.len() as u64 + 1;
        let hash = e.hash();
        if e.seq < expected {
            // Checked although `e.seq < expected` and decoding refuses seq 0:
            // `Entry`'s fields are public, so a caller can build one with 0.
            let earlier = e
                .seq
                .checked_sub(1)
                .and_then(|i| usize::try_from(i).ok())
                .and_then(|i| hashes.get(i));
            return Err(if earlier == Some(&hash) {
                ChainProblem::Replay { seq: e.seq }
            } else {
                ChainProblem::Fork { seq: e.seq }
            });
        }
        if e.seq > expected {
            return Err(ChainProblem::Gap {
                expected,
                found: e.seq,
            });
        }
        if e.seq > 1 && hashes.last() != Some(&e.prev) {
            return Err(ChainProblem::Splice { seq: e.seq });
        }
        hashes.push(hash);
    }
    let found = hashes.len() as u64;
    if let Some(held) = held {
        if held.seq > found {
            return Err(ChainProblem::RolledBack {
                held: held.seq,
                found,
            });
        }
        let at = held
            .seq
            .checked_sub(1)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| hashes.get(i));
        if at.is_some_and(|h| *h != held.hash) {
            return Err(ChainProblem::Fork { seq: held.seq });
        }
    }
    Ok(hashes.last().map(|hash| Head {
        seq: found,
        hash: *hash,
    }))
}

/// Where an arriving entry stands against the part of its device's log a
/// replica holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    /// The next entry, following on from the held head.
    Next,
    /// Held already (same hash).
    Duplicate,
    /// Beyond the next: earlier entries have not arrived.
    Ahead,
    /// Conflicts with the held log at this position.
    Fork(u64),
}

/// The hashes of the entries of one device a replica has applied, in order.
#[derive(Default, Clone)]
pub(crate) struct Chain {
    hashes: Vec<[u8; 32]>,
}

impl Chain {
    pub(crate) fn head(&self) -> Option<Head> {
        self.hashes.last().map(|h| Head {
            seq: self.hashes.len() as u64,
            hash: *h,
        })
    }
    pub(crate) fn len(&self) -> u64 {
        self.hashes.len() as u64
    }
    /// The hash of the entry at `seq`, if held.
    pub(crate) fn hash_at(&self, seq: u64) -> Option<&[u8; 32]> {
        seq.checked_sub(1)
            .and_then(|i| self.hashes.get(usize::try_from(i).ok()?))
    }
    pub(crate) fn position(&self, e: &Entry, hash: &[u8; 32]) -> Position {
        let next = self.len() + 1;
        if e.seq < next {
            if self.hash_at(e.seq) == Some(hash) {
                Position::Duplicate
            } else {
                Position::Fork(e.seq)
            }
        } else if e.seq > next {
            Position::Ahead
        } else if e.seq > 1 && self.hashes.last() != Some(&e.prev) {
            Position::Fork(e.seq - 1)
        } else {
            Position::Next
        }
    }
    pub(crate) fn push(&mut self, hash: [u8; 32]) {
        self.hashes.push(hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::share::primitives::ed25519_public;
    use crate::sync::op::Op;

    const SPACE: SpaceId = SpaceId([1; 16]);
    const DEV: DeviceId = DeviceId([2; 16]);
    const SEED: [u8; 32] = [3; 32];

    fn op(n: u8) -> Op {
        Op::Journal {
            record: [n; 16],
            content: Some(vec![n]),
        }
    }

    /// A log of `n` entries, the `tag` making its contents differ from
    /// another log's (a fork).
    fn log(n: u64, tag: u8) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        for seq in 1..=n {
            let prev = out.last().map_or([0; 32], Entry::hash);
            out.push(
                Entry::sign(SPACE, DEV, seq, prev, vec![], op(tag + seq as u8), &SEED).unwrap(),
            );
        }
        out
    }

    fn verify(entries: &[Entry], held: Option<&Head>) -> Result<Option<Head>, ChainProblem> {
        verify_log(&SPACE, &DEV, &ed25519_public(&SEED).unwrap(), entries, held)
    }

    #[test]
    fn an_intact_log_verifies_to_its_head_and_extends_a_held_head() {
        let l = log(5, 0);
        let head = verify(&l, None).unwrap().unwrap();
        assert_eq!(head.seq, 5);
        assert_eq!(head.hash, l[4].hash());
        let held = l[2].head();
        assert_eq!(verify(&l, Some(&held)).unwrap(), Some(head));
        assert_eq!(verify(&[], None).unwrap(), None);
    }

    #[test]
    fn a_dropped_entry_is_a_gap() {
        let mut l = log(5, 0);
        l.remove(2);
        assert_eq!(
            verify(&l, None),
            Err(ChainProblem::Gap {
                expected: 3,
                found: 4
            })
        );
    }

    #[test]
    fn reordered_entries_are_a_gap() {
        let mut l = log(5, 0);
        l.swap(1, 2);
        assert_eq!(
            verify(&l, None),
            Err(ChainProblem::Gap {
                expected: 2,
                found: 3
            })
        );
    }

    #[test]
    fn a_replayed_entry_is_named() {
        let mut l = log(5, 0);
        let again = l[1].clone();
        l.insert(3, again);
        assert_eq!(verify(&l, None), Err(ChainProblem::Replay { seq: 2 }));
    }

    #[test]
    fn two_histories_spliced_together_are_named() {
        let a = log(5, 0);
        let b = log(5, 100);
        let spliced: Vec<Entry> = a[..2].iter().chain(b[2..].iter()).cloned().collect();
        assert_eq!(verify(&spliced, None), Err(ChainProblem::Splice { seq: 3 }));
    }

    #[test]
    fn a_forked_history_is_caught_against_the_held_head() {
        let a = log(5, 0);
        let b = log(5, 100);
        assert_eq!(
            verify(&b, Some(&a[3].head())),
            Err(ChainProblem::Fork { seq: 4 })
        );
    }

    #[test]
    fn a_rolled_back_log_is_caught_against_the_held_head() {
        let a = log(5, 0);
        assert_eq!(
            verify(&a[..3], Some(&a[4].head())),
            Err(ChainProblem::RolledBack { held: 5, found: 3 })
        );
    }

    #[test]
    fn a_foreign_or_forged_entry_is_refused() {
        let mut a = log(3, 0);
        a[1] = Entry::sign(
            SPACE,
            DeviceId([9; 16]),
            2,
            a[0].hash(),
            vec![],
            op(1),
            &SEED,
        )
        .unwrap();
        assert_eq!(verify(&a, None), Err(ChainProblem::Foreign { index: 1 }));
        let mut a = log(3, 0);
        a[2] = Entry::sign(SPACE, DEV, 3, a[1].hash(), vec![], op(1), &[4; 32]).unwrap();
        assert_eq!(verify(&a, None), Err(ChainProblem::BadSignature { seq: 3 }));
    }

    #[test]
    fn the_incremental_chain_places_each_arrival() {
        let a = log(3, 0);
        let b = log(3, 100);
        let mut c = Chain::default();
        assert_eq!(c.position(&a[1], &a[1].hash()), Position::Ahead);
        assert_eq!(c.position(&a[0], &a[0].hash()), Position::Next);
        c.push(a[0].hash());
        assert_eq!(c.position(&a[0], &a[0].hash()), Position::Duplicate);
        assert_eq!(c.position(&b[0], &b[0].hash()), Position::Fork(1));
        // b[1] follows b[0], not the held a[0]: a fork at 1.
        assert_eq!(c.position(&b[1], &b[1].hash()), Position::Fork(1));
        assert_eq!(c.position(&a[1], &a[1].hash()), Position::Next);
        assert_eq!(c.head(), Some(a[0].head()));
    }
}
