//! Fuzzing entry points: one check per decoder of bytes that someone other
//! than this build may have shaped (a stolen or synced vault file, a backup
//! on a USB stick, a hand-edited document). See `docs/fuzzing.md`.
//!
//! # Why it is built this way
//!
//! - **The checks live in core, beside their decoders.** Each one is a
//!   `fuzz` child module of the module that owns the decoder (`backup/fuzz.rs`,
//!   `journal/fuzz.rs`, ...), so it reaches private parsers without making
//!   them public, and this file lists them ([`TARGETS`]). The fuzz crate
//!   (`fuzz/`, outside the workspace) is only a thin shell: one libFuzzer
//!   binary per target calling [`Target::check`].
//! - **Compiled by `cargo test` too** (`cfg(test)`), so a change to a decoder
//!   that breaks a check fails the ordinary build, not a fuzz run weeks later;
//!   and the unit tests replay the committed corpus and every input that ever
//!   crashed a target (`fuzz/corpus/`, `fuzz/regressions/`) through the very
//!   same checks.
//! - **Properties, not only "no crash".** A check panics (the fuzzer's
//!   crash) when a decoder panics, returns an error of the wrong kind,
//!   accepts something it must refuse, or, where the format is canonical,
//!   decodes bytes that do not re-encode to themselves. Where a format is
//!   not canonical (JSON), the check asserts that re-encoding is a fixed
//!   point instead.
//! - **Structure-aware where it pays.** Record payloads sit behind
//!   authentication, which no mutation gets past; so those checks take the
//!   fuzzer's bytes as the *plaintext*, seal them under a known key as a
//!   valid record, and read them back through the real read path.
//! - **Bounded allocation.** Each target states how much memory decoding an
//!   input of `n` bytes may hold at once ([`Target::alloc_bound`]); the fuzz
//!   crate counts allocations and fails the run above it.
//!
//! Never part of the app: the `fuzzing` feature is off by default and only
//! the fuzz crate turns it on.

// Asserting is what this module is for: a property that does not hold must
// abort the fuzzer with an input it can minimise and save.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use crate::crypto::SecretKey;

/// One fuzz target: a named check over arbitrary bytes.
pub struct Target {
    /// The name of the fuzz binary and of its corpus folders.
    pub name: &'static str,
    /// Runs the decoder on `data` and panics if a property fails.
    pub check: fn(&[u8]),
    /// Most bytes live at once while checking `n` input bytes.
    pub alloc_bound: fn(usize) -> usize,
}

const KIB: usize = 1024;
const MIB: usize = 1024 * KIB;

/// Every target. The fuzz crate has one binary per entry (plus
/// `document_file`, the CLI's reader of JSON/TOML document files, which
/// lives in the CLI crate).
pub const TARGETS: &[Target] = &[
    Target {
        name: "envelope",
        check: crate::crypto::fuzz::check_envelope,
        alloc_bound: |n| 4 * n + 64 * KIB,
    },
    Target {
        name: "record",
        check: crate::records::fuzz::check_record,
        alloc_bound: |n| 4 * n + 64 * KIB,
    },
    Target {
        name: "recovery_key",
        check: crate::crypto::fuzz::check_recovery_key,
        alloc_bound: |n| 4 * n + 64 * KIB,
    },
    Target {
        name: "key_slot",
        check: crate::slots::fuzz::check_key_slot,
        alloc_bound: |n| 4 * n + 64 * KIB,
    },
    Target {
        name: "journal_payload",
        check: crate::journal::fuzz::check_journal_payload,
        alloc_bound: |n| 16 * n + 256 * KIB,
    },
    Target {
        name: "document_record",
        check: crate::documents::fuzz::check_document_record,
        alloc_bound: |n| 32 * n + MIB,
    },
    Target {
        name: "backup_header",
        check: crate::backup::fuzz::check_backup_header,
        alloc_bound: |n| 4 * n + 64 * KIB,
    },
    Target {
        name: "backup_chunks",
        // Three sealed 64 KiB chunks, their plaintexts and the output.
        check: crate::backup::fuzz::check_backup_chunks,
        alloc_bound: |n| 4 * n + 2 * MIB,
    },
    Target {
        name: "vault_state",
        // At most 64 slots and 1024 replicas of up to 255-byte ids each
        // are read, and only as far as the input reaches.
        check: crate::integrity::fuzz::check_vault_state,
        alloc_bound: |n| 8 * n + 256 * KIB,
    },
    Target {
        name: "sync_log",
        // An entry (its deps and operation bounded by the input), a blob
        // padded to a power of two, or a log of at most 12 entries whose
        // bodies are at most 255 bytes, each encoded and hashed.
        check: crate::sync::fuzz::check_sync,
        alloc_bound: |n| 16 * n + 256 * KIB,
    },
    Target {
        name: "share_capsule",
        // The capsule, its JSON, the body decoded, decrypted and padded
        // (to a power of two), and the resealed copy.
        check: crate::share::fuzz::check_capsule,
        alloc_bound: |n| 32 * n + 256 * KIB,
    },
    Target {
        name: "share_reply",
        check: crate::share::fuzz::check_reply,
        alloc_bound: |n| 32 * n + 256 * KIB,
    },
    Target {
        name: "share_access_log",
        check: crate::share::fuzz::check_access_log,
        alloc_bound: |n| 16 * n + 64 * KIB,
    },
    Target {
        name: "carer_welcome",
        check: crate::share::fuzz::check_welcome,
        alloc_bound: |n| 16 * n + 64 * KIB,
    },
    Target {
        name: "crisis_card",
        // Inflating stops at 64 KiB of JSON, whatever the input; the card
        // read from it, and a QR code's modules and SVG.
        check: crate::share::fuzz::check_card,
        alloc_bound: |n| 16 * n + 2 * MIB,
    },
    Target {
        name: "share_link",
        check: crate::share::fuzz::check_share_text,
        alloc_bound: |n| 8 * n + 64 * KIB,
    },
    Target {
        name: "relay_messages",
        check: crate::share::fuzz::check_relay_messages,
        alloc_bound: |n| 32 * n + 256 * KIB,
    },
];

/// The target called `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// The key every structure-aware check seals under. Known to the fuzzer by
/// construction; a decoder behind authentication cannot tell.
pub(crate) fn known_key() -> SecretKey {
    SecretKey::from_bytes([0x42; 32])
}

/// A vault id for associated data.
pub(crate) const VAULT_ID: &str = "0123456789abcdef0123456789abcdef";

/// Splits fuzzer input into fields; running out yields empty fields and
/// zeros, so every input means something.
pub(crate) struct Input<'a>(pub(crate) &'a [u8]);

impl<'a> Input<'a> {
    /// Up to `n` bytes.
    pub(crate) fn bytes(&mut self, n: usize) -> &'a [u8] {
        let (head, tail) = self.0.split_at(n.min(self.0.len()));
        self.0 = tail;
        head
    }

    /// One byte (0 once the input is used up).
    pub(crate) fn u8(&mut self) -> u8 {
        self.bytes(1).first().copied().unwrap_or(0)
    }

    /// A little-endian `u16`, zero-extended when short.
    pub(crate) fn u16(&mut self) -> u16 {
        let mut b = [0u8; 2];
        let got = self.bytes(2);
        b[..got.len()].copy_from_slice(got);
        u16::from_le_bytes(b)
    }

    /// A little-endian `u64`, zero-extended when short.
    pub(crate) fn u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        let got = self.bytes(8);
        b[..got.len()].copy_from_slice(got);
        u64::from_le_bytes(b)
    }

    /// A field of up to 255 bytes, its length in the first byte.
    pub(crate) fn short(&mut self) -> &'a [u8] {
        let n = self.u8() as usize;
        self.bytes(n)
    }

    /// Everything left.
    pub(crate) fn rest(&mut self) -> &'a [u8] {
        self.bytes(self.0.len())
    }
}

#[cfg(test)]
mod replay;
#[cfg(test)]
pub(crate) mod seeds;
