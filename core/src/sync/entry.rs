//! One entry of a device's log: an operation, signed by its device, chained
//! to the device's previous entry by hash, and carrying the heads of every
//! other device's log that its writer had applied (its causal past, and the
//! witness that lets devices catch a relay showing them different
//! histories). ADR 0015.
//!
//! Layout (all integers big-endian):
//!
//! | field | bytes |
//! |---|---|
//! | magic `HSE`, version 1 | 4 |
//! | space id | 16 |
//! | device id | 16 |
//! | seq (from 1) | 8 |
//! | prev: hash of entry seq-1 (zeros for seq 1) | 32 |
//! | dep count | 2 |
//! | each dep: device id, seq (from 1), hash; ascending by device id, never the writer | 56 each |
//! | operation length, operation (`op.rs`) | 4 + n |
//! | Ed25519 signature over `"haven-sync-entry-v1" 0x00` and everything above | 64 |
//!
//! The hash of an entry is SHA-256 over `"haven-sync-entry-hash-v1" 0x00`
//! and all its bytes, signature included. Each entry has one encoding:
//! `decode` refuses unsorted or repeated deps, a dep on the writer itself,
//! seq 0 and a first entry with a non-zero prev.

use std::fmt;

use super::error::{DecodeError, SyncError};
use super::ids::{DeviceId, Dot, Head, SpaceId};
use super::op::{Op, MAX_BODY_BYTES};
use super::wire::{Reader, Writer};
use crate::share::primitives::{ed25519_sign, ed25519_verify, labelled_hash};

const MAGIC: [u8; 3] = *b"HSE";
/// The entry format version this build writes and reads.
pub const ENTRY_VERSION: u8 = 1;
/// Most devices one entry can name as seen (a space has a handful).
pub const MAX_DEPS: usize = 256;
/// Largest encoded operation inside an entry.
pub const MAX_OP_BYTES: usize = MAX_BODY_BYTES + 128;
const SIGN_LABEL: &[u8] = b"haven-sync-entry-v1\0";
const HASH_LABEL: &str = "haven-sync-entry-hash-v1";

/// A signed log entry.
#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    /// The space.
    pub space: SpaceId,
    /// The writer.
    pub device: DeviceId,
    /// Position in the writer's log, from 1.
    pub seq: u64,
    /// Hash of the writer's previous entry (zeros for the first).
    pub prev: [u8; 32],
    /// The other devices' heads the writer had applied, ascending by id.
    pub deps: Vec<(DeviceId, Head)>,
    /// The operation.
    pub op: Op,
    /// The writer's signature.
    pub sig: [u8; 64],
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("device", &self.device)
            .field("seq", &self.seq)
            .field("deps", &self.deps)
            .field("op", &self.op)
            .finish_non_exhaustive()
    }
}

fn write_unsigned(
    w: &mut Writer,
    space: &SpaceId,
    device: &DeviceId,
    seq: u64,
    prev: &[u8; 32],
    deps: &[(DeviceId, Head)],
    op: &[u8],
) {
    w.bytes(&MAGIC);
    w.u8(ENTRY_VERSION);
    w.bytes(&space.0);
    w.bytes(&device.0);
    w.u64(seq);
    w.bytes(prev);
    w.u16(u16::try_from(deps.len()).unwrap_or(u16::MAX));
    for (d, head) in deps {
        w.bytes(&d.0);
        w.u64(head.seq);
        w.bytes(&head.hash);
    }
    w.var(op);
}

fn canonical_deps(device: &DeviceId, deps: &[(DeviceId, Head)]) -> bool {
    deps.len() <= MAX_DEPS
        && deps.iter().all(|(d, h)| d != device && h.seq >= 1)
        && deps.windows(2).all(|w| w[0].0 < w[1].0)
}

impl Entry {
    /// Signs a new entry with the writer's Ed25519 seed. `deps` must be
    /// ascending, without the writer, each seq at least 1; `seq` from 1,
    /// `prev` zeros exactly for the first.
    pub fn sign(
        space: SpaceId,
        device: DeviceId,
        seq: u64,
        prev: [u8; 32],
        deps: Vec<(DeviceId, Head)>,
        op: Op,
        seed: &[u8; 32],
    ) -> Result<Entry, SyncError> {
        if seq == 0 || (seq == 1) != (prev == [0; 32]) || !canonical_deps(&device, &deps) {
            return Err(DecodeError::NotCanonical.into());
        }
        if !op.fits() {
            return Err(SyncError::TooLarge);
        }
        let op_bytes = op.encode();
        let mut w = Writer(SIGN_LABEL.to_vec());
        write_unsigned(&mut w, &space, &device, seq, &prev, &deps, &op_bytes);
        let sig = ed25519_sign(seed, &w.0).map_err(|_| SyncError::Crypto)?;
        Ok(Entry {
            space,
            device,
            seq,
            prev,
            deps,
            op,
            sig,
        })
    }

    /// The entry's position.
    pub fn dot(&self) -> Dot {
        Dot {
            device: self.device,
            seq: self.seq,
        }
    }

    /// The entry's bytes.
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Writer::default();
        write_unsigned(
            &mut w,
            &self.space,
            &self.device,
            self.seq,
            &self.prev,
            &self.deps,
            &self.op.encode(),
        );
        w.bytes(&self.sig);
        w.0
    }

    /// Reads exactly one entry. The signature is not checked here (that
    /// needs the device's key: [`Entry::verify`]).
    pub fn decode(bytes: &[u8]) -> Result<Entry, DecodeError> {
        let mut r = Reader::new(bytes);
        if r.array::<3>()? != MAGIC {
            return Err(DecodeError::BadMagic);
        }
        let version = r.u8()?;
        if version != ENTRY_VERSION {
            return Err(DecodeError::UnsupportedVersion(version));
        }
        let space = SpaceId(r.array()?);
        let device = DeviceId(r.array()?);
        let seq = r.u64()?;
        let prev = r.array()?;
        let count = usize::from(r.u16()?);
        if count > MAX_DEPS {
            return Err(DecodeError::TooLarge);
        }
        if r.rest() < count * 56 {
            return Err(DecodeError::Truncated);
        }
        let mut deps = Vec::with_capacity(count);
        for _ in 0..count {
            let d = DeviceId(r.array()?);
            let seq = r.u64()?;
            deps.push((
                d,
                Head {
                    seq,
                    hash: r.array()?,
                },
            ));
        }
        let op = {
            let op_bytes = r.var(MAX_OP_BYTES)?;
            let mut inner = Reader::new(op_bytes);
            let op = Op::read(&mut inner)?;
            inner.finish()?;
            op
        };
        let sig = r.array()?;
        r.finish()?;
        if seq == 0 || (seq == 1) != (prev == [0; 32]) || !canonical_deps(&device, &deps) {
            return Err(DecodeError::NotCanonical);
        }
        Ok(Entry {
            space,
            device,
            seq,
            prev,
            deps,
            op,
            sig,
        })
    }

    /// Whether the signature is `public`'s.
    pub fn verify(&self, public: &[u8; 32]) -> bool {
        let mut w = Writer(SIGN_LABEL.to_vec());
        write_unsigned(
            &mut w,
            &self.space,
            &self.device,
            self.seq,
            &self.prev,
            &self.deps,
            &self.op.encode(),
        );
        ed25519_verify(public, &w.0, &self.sig)
    }

    /// The entry's hash (over all its bytes, signature included).
    pub fn hash(&self) -> [u8; 32] {
        labelled_hash(HASH_LABEL, &self.encode())
    }

    /// The head a log has once this entry is its last.
    pub fn head(&self) -> Head {
        Head {
            seq: self.seq,
            hash: self.hash(),
        }
    }

    /// The head of `device` this entry's writer had applied, if any (for
    /// the writer itself: its previous entry).
    pub fn dep(&self, device: &DeviceId) -> Option<Head> {
        if *device == self.device {
            return (self.seq > 1).then_some(Head {
                seq: self.seq - 1,
                hash: self.prev,
            });
        }
        self.deps
            .binary_search_by(|(d, _)| d.cmp(device))
            .ok()
            .and_then(|i| self.deps.get(i))
            .map(|(_, h)| *h)
    }

    /// Whether the operation at `dot` is in this entry's causal past (its
    /// writer had applied it before writing this one).
    pub fn covers(&self, dot: &Dot) -> bool {
        self.dep(&dot.device).is_some_and(|h| h.seq >= dot.seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::share::primitives::ed25519_public;

    const SEED: [u8; 32] = [7; 32];

    fn sample() -> Entry {
        Entry::sign(
            SpaceId([1; 16]),
            DeviceId([2; 16]),
            3,
            [9; 32],
            vec![
                (
                    DeviceId([1; 16]),
                    Head {
                        seq: 4,
                        hash: [5; 32],
                    },
                ),
                (
                    DeviceId([3; 16]),
                    Head {
                        seq: 1,
                        hash: [6; 32],
                    },
                ),
            ],
            Op::Journal {
                record: [8; 16],
                content: Some(b"words".to_vec()),
            },
            &SEED,
        )
        .unwrap()
    }

    #[test]
    fn an_entry_round_trips_byte_for_byte_and_verifies() {
        let e = sample();
        let bytes = e.encode();
        let back = Entry::decode(&bytes).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.encode(), bytes);
        assert!(back.verify(&ed25519_public(&SEED).unwrap()));
        assert!(!back.verify(&ed25519_public(&[8; 32]).unwrap()));
    }

    #[test]
    fn every_changed_byte_breaks_the_signature_or_the_decoding() {
        let public = ed25519_public(&SEED).unwrap();
        let bytes = sample().encode();
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x01;
            if let Ok(e) = Entry::decode(&b) {
                assert!(!e.verify(&public), "byte {i} changed and still verifies");
            }
        }
    }

    #[test]
    fn prefixes_are_truncated_and_extra_bytes_trailing() {
        let bytes = sample().encode();
        for n in 0..bytes.len() {
            assert_eq!(
                Entry::decode(&bytes[..n]),
                Err(DecodeError::Truncated),
                "{n}"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Entry::decode(&longer), Err(DecodeError::TrailingBytes));
    }

    #[test]
    fn magic_and_version_are_named() {
        let mut b = sample().encode();
        b[0] = b'X';
        assert_eq!(Entry::decode(&b), Err(DecodeError::BadMagic));
        let mut b = sample().encode();
        b[3] = 2;
        assert_eq!(Entry::decode(&b), Err(DecodeError::UnsupportedVersion(2)));
    }

    #[test]
    fn non_canonical_entries_are_refused() {
        let e = sample();
        // Deps swapped out of order (re-encoded by hand, same signature bytes).
        let mut swapped = e.clone();
        swapped.deps.swap(0, 1);
        assert_eq!(
            Entry::decode(&swapped.encode()),
            Err(DecodeError::NotCanonical)
        );
        // A dep on the writer itself.
        let mut own = e.clone();
        own.deps[1].0 = e.device;
        assert_eq!(Entry::decode(&own.encode()), Err(DecodeError::NotCanonical));
        // seq 0; first entry with a prev; later entry without one.
        let mut zero = e.clone();
        zero.seq = 0;
        assert_eq!(
            Entry::decode(&zero.encode()),
            Err(DecodeError::NotCanonical)
        );
        let mut first = e.clone();
        first.seq = 1;
        assert_eq!(
            Entry::decode(&first.encode()),
            Err(DecodeError::NotCanonical)
        );
        let mut later = e.clone();
        later.prev = [0; 32];
        assert_eq!(
            Entry::decode(&later.encode()),
            Err(DecodeError::NotCanonical)
        );
        // And signing refuses to make any of them.
        assert_eq!(
            Entry::sign(e.space, e.device, 1, [1; 32], vec![], e.op.clone(), &SEED),
            Err(SyncError::Decode(DecodeError::NotCanonical))
        );
    }

    #[test]
    fn a_dep_count_over_the_limit_is_refused_before_allocating() {
        let mut b = sample().encode();
        // The dep count sits after magic, space, device, seq and prev.
        let at = 4 + 16 + 16 + 8 + 32;
        b[at..at + 2].copy_from_slice(&u16::MAX.to_be_bytes());
        assert_eq!(Entry::decode(&b), Err(DecodeError::TooLarge));
    }

    #[test]
    fn covers_reads_the_writers_own_chain_and_its_deps() {
        let e = sample();
        let d = |id: u8, seq| Dot {
            device: DeviceId([id; 16]),
            seq,
        };
        assert!(e.covers(&d(2, 2)));
        assert!(!e.covers(&d(2, 3)));
        assert!(e.covers(&d(1, 4)));
        assert!(!e.covers(&d(1, 5)));
        assert!(e.covers(&d(3, 1)));
        assert!(!e.covers(&d(4, 1)));
    }
}
