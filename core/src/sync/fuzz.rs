//! Fuzz check for sync's decoders (ADR 0015): what a relay hands a device
//! (a sealed blob), what is inside it (a log entry and its operation), and
//! a device's log checked as a whole. See `crate::fuzzing` for how checks
//! are run.
//!
//! The structure-aware modes build their bytes from the formats as the
//! module documentation of `blob.rs` and `entry.rs` describes them, not
//! with the encoders, so a drift between the two shows here too.

// A failed property panics: that is the fuzzer's crash (see `crate::fuzzing`).
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use super::blob::{self, SpaceKey};
use super::chain::{verify_log, ChainProblem};
use super::entry::Entry;
use super::error::{DecodeError, SyncError};
use super::ids::{DeviceId, Head, SpaceId};
use super::op::Op;
use super::pair::Welcome;
use crate::crypto::padding;
use crate::fuzzing::Input;
use crate::share::primitives::{aes_seal, ed25519_public};

pub(crate) const SPACE: SpaceId = SpaceId([0x11; 16]);
pub(crate) const DEVICE: DeviceId = DeviceId([0x22; 16]);
/// The known device's signing seed: only structure-aware inputs are signed
/// with it.
pub(crate) const SEED: [u8; 32] = [0x33; 32];
pub(crate) const EPOCH: u32 = 3;
pub(crate) const KEY: [u8; 32] = [0x44; 32];
/// Most entries one log input is cut into (each is signed and verified).
const MAX_LOG: usize = 12;

/// Input: `mode | rest`; the mode's low three bits choose:
/// - 0: `rest` is an entry: what decodes re-encodes to exactly `rest`, and
///   if its signature verifies under the known device's key, signing the
///   same fields again gives the same bytes (Ed25519 is deterministic, so a
///   valid entry has one signature);
/// - 1: `rest` is an operation: what decodes re-encodes to exactly `rest`;
/// - 2: `rest` is a blob as a relay returns it: refused with a decode
///   error, an unknown key epoch or as unauthentic, unless it is exactly
///   the seal of the entry it opens to;
/// - 3: `rest` is an entry's plaintext, sealed validly as a blob: opening
///   gives exactly what decoding the plaintext gives, entry or error;
/// - 4: `rest` is a pairing welcome's plaintext (`pair::Welcome`, behind
///   the pairing channel's seal): what decodes re-encodes to exactly `rest`;
/// - 5 and above: `rest` describes a log of entries signed by the known
///   device (see [`log_input`]), checked by `verify_log` against a simple
///   model of a valid log.
pub fn check_sync(data: &[u8]) {
    let mut input = Input(data);
    let mode = input.u8() & 7;
    match mode {
        0 => check_entry(input.rest()),
        1 => check_op(input.rest()),
        2 => check_raw_blob(input.rest()),
        3 => check_sealed_entry(input.rest()),
        4 => check_welcome(input.rest()),
        _ => check_log(&mut input),
    }
}

fn check_entry(bytes: &[u8]) {
    let Ok(entry) = Entry::decode(bytes) else {
        return;
    };
    assert_eq!(entry.encode(), bytes, "a sync entry is not canonical");
    if entry.verify(&ed25519_public(&SEED).unwrap()) {
        let again = Entry::sign(
            entry.space,
            entry.device,
            entry.seq,
            entry.prev,
            entry.deps.clone(),
            entry.op.clone(),
            &SEED,
        )
        .unwrap();
        assert_eq!(again.encode(), bytes, "a verified entry has two signatures");
    }
}

fn check_op(bytes: &[u8]) {
    if let Ok(op) = Op::decode(bytes) {
        assert_eq!(op.encode(), bytes, "a sync operation is not canonical");
    }
}

fn check_welcome(bytes: &[u8]) {
    if let Ok(welcome) = Welcome::decode(bytes) {
        assert_eq!(
            welcome.encode().unwrap(),
            bytes,
            "a pairing welcome is not canonical"
        );
    }
}

fn keys() -> [SpaceKey; 1] {
    [SpaceKey::new(EPOCH, KEY)]
}

fn check_raw_blob(bytes: &[u8]) {
    match blob::open(&SPACE, &keys(), bytes) {
        // Only the check's own key seals (the seed corpus has one such
        // blob): what opens is exactly the seal of what it opened to, so a
        // blob has one encoding (padding included).
        Ok(entry) => {
            let nonce: [u8; 12] = bytes[8..20].try_into().unwrap();
            let again = blob::seal(&keys()[0], nonce, &entry).unwrap();
            assert_eq!(again, bytes, "a sync blob is not canonical");
        }
        Err(
            SyncError::Decode(
                DecodeError::BadMagic
                | DecodeError::UnsupportedVersion(_)
                | DecodeError::Truncated
                | DecodeError::TooLarge,
            )
            | SyncError::UnknownKeyEpoch(_)
            | SyncError::Unauthentic,
        ) => {}
        Err(e) => panic!("{e:?}"),
    }
}

/// `HSB`, version 1, epoch, nonce, AES-256-GCM of the padded plaintext
/// under `"haven-sync-blob-v1" 0x00 | space | epoch` (blob.rs).
fn seal_as_documented(plain: &[u8]) -> Option<Vec<u8>> {
    let mut padded = Vec::new();
    padding::pad_into(&mut padded, plain).ok()?;
    let mut aad = b"haven-sync-blob-v1\0".to_vec();
    aad.extend_from_slice(&SPACE.0);
    aad.extend_from_slice(&EPOCH.to_be_bytes());
    let nonce = [0x55; 12];
    let mut out = b"HSB\x01".to_vec();
    out.extend_from_slice(&EPOCH.to_be_bytes());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&aes_seal(&KEY, &nonce, &aad, &padded).unwrap());
    Some(out)
}

fn check_sealed_entry(plain: &[u8]) {
    let Some(sealed) = seal_as_documented(plain) else {
        return;
    };
    let opened = blob::open(&SPACE, &keys(), &sealed);
    if sealed.len() > blob::MAX_BLOB_BYTES {
        assert_eq!(opened, Err(DecodeError::TooLarge.into()));
        return;
    }
    match (opened, Entry::decode(plain)) {
        (Ok(entry), Ok(decoded)) => {
            assert_eq!(entry, decoded);
            assert_eq!(entry.space, SPACE, "an entry of another space opened");
        }
        (Err(SyncError::WrongSpace), Ok(decoded)) => assert_ne!(decoded.space, SPACE),
        (Err(SyncError::Decode(e)), Err(d)) => assert_eq!(e, d),
        (opened, decoded) => panic!("blob {opened:?}, plaintext {decoded:?}"),
    }
}

/// A log input: a held head (`seq` byte; 0 for none; its hash taken from the
/// log where it reaches, else junk), then per entry a control byte:
/// - low 2 bits: 0 the next entry in order; 1 a replay of an earlier
///   entry; 2 any sequence number (`u8`) and a previous hash chosen from the
///   log or junk; 3 an entry of another device;
/// - then the operation's body (a short field).
fn log_input(input: &mut Input<'_>) -> (Option<(u64, bool)>, Vec<Entry>) {
    let held = match input.u8() {
        0 => None,
        seq => Some((u64::from(seq % 16), input.u8() & 1 == 0)),
    };
    let mut entries: Vec<Entry> = Vec::new();
    while !input.0.is_empty() && entries.len() < MAX_LOG {
        let control = input.u8();
        let body = input.short().to_vec();
        let op = Op::Journal {
            record: [control; 16],
            content: Some(body),
        };
        let next = entries.len() as u64 + 1;
        let prev_of = |seq: u64| -> [u8; 32] {
            if seq <= 1 {
                return [0; 32];
            }
            entries
                .get((seq - 2) as usize)
                .map_or([0xee; 32], Entry::hash)
        };
        let entry = match control & 3 {
            0 => Entry::sign(SPACE, DEVICE, next, prev_of(next), vec![], op, &SEED),
            1 if !entries.is_empty() => {
                let i = usize::from(input.u8()) % entries.len();
                Ok(entries[i].clone())
            }
            2 | 1 => {
                let seq = u64::from(input.u8() % 16).max(1);
                let prev = if control & 4 == 0 {
                    prev_of(seq)
                } else {
                    [0xdd; 32]
                };
                let prev = if seq == 1 { [0; 32] } else { prev };
                Entry::sign(SPACE, DEVICE, seq, prev, vec![], op, &SEED)
            }
            _ => Entry::sign(
                SPACE,
                DeviceId([0x66; 16]),
                next,
                prev_of(next),
                vec![],
                op,
                &SEED,
            ),
        };
        entries.push(entry.unwrap());
    }
    (held, entries)
}

fn check_log(input: &mut Input<'_>) {
    let (held, entries) = log_input(input);
    // The model: entries numbered 1, 2, ... of the known device, each
    // chained to the one before.
    let valid = entries.iter().enumerate().all(|(i, e)| {
        e.device == DEVICE && e.seq == i as u64 + 1 && (i == 0 || e.prev == entries[i - 1].hash())
    });
    let head = entries.last().map(Entry::head);
    let held = held.map(|(seq, true_hash)| Head {
        seq,
        hash: match seq.checked_sub(1).and_then(|i| entries.get(i as usize)) {
            Some(e) if true_hash => e.hash(),
            _ => [0xcc; 32],
        },
    });
    let held_ok = held.is_none_or(|h| {
        h.seq <= entries.len() as u64
            && (h.seq == 0 || entries[(h.seq - 1) as usize].hash() == h.hash)
    });
    let public = ed25519_public(&SEED).unwrap();
    let got = verify_log(&SPACE, &DEVICE, &public, &entries, held.as_ref());
    match got {
        Ok(h) => {
            assert!(valid && held_ok, "an invalid log verified");
            assert_eq!(h, head);
        }
        Err(problem) => {
            assert!(!(valid && held_ok), "a valid log refused: {problem:?}");
            if let ChainProblem::RolledBack { held: h, found } = problem {
                assert!(valid && h > found && found == entries.len() as u64);
            }
        }
    }
}
