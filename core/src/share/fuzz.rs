//! Fuzz checks for the sharing formats: what arrives from a relay, a link,
//! a clinician or a printed card. See `crate::fuzzing` for how checks are
//! run and `docs/fuzzing.md` for the targets.
//!
//! Everything here but the card text sits behind AES-GCM, HPKE or Ed25519,
//! which no mutation gets past; so each check has a structure-aware mode
//! that takes the fuzzer's bytes as the plaintext (the signed JSON, the
//! reply, the log entry, the welcome) and seals them validly under the keys
//! below, and a raw mode that reads the bytes as they would arrive.

// A failed property panics: that is the fuzzer's crash (see `crate::fuzzing`).
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use chrono::{DateTime, TimeZone, Utc};

use super::primitives::{ed25519_public, x25519_public};

mod capsule;
mod card;
mod relay;
mod sealed;
#[cfg(test)]
mod seeds;
mod text;

pub use capsule::check_capsule;
pub use card::check_card;
pub use relay::check_relay_messages;
pub use sealed::{check_access_log, check_reply, check_welcome};
pub use text::check_share_text;

/// The share every check reads (a well-formed share id).
pub(crate) const SHARE: &str = "fuzz_share_0123456789A";

/// The person's Ed25519 seed (signs capsules and cards).
pub(crate) const IDENTITY: [u8; 32] = [0x51; 32];
/// The link's key-encryption key.
pub(crate) const LINK_KEK: [u8; 32] = [0x52; 32];
/// An enrolled carer's HPKE secret.
pub(crate) const CARER: [u8; 32] = [0x53; 32];
/// The share's reply secret.
pub(crate) const REPLY: [u8; 32] = [0x54; 32];
/// The share's access-log secret.
pub(crate) const LOG: [u8; 32] = [0x55; 32];
/// The content key of structure-aware capsules.
pub(crate) const CONTENT_KEY: [u8; 32] = [0x56; 32];
/// The sender's HPKE randomness (`ikmE`) in structure-aware checks.
pub(crate) const SENDER_IKM: [u8; 32] = [0x57; 32];

/// The signer's public key, derived once (key derivations are most of a
/// check's time, and these keys never change).
pub(crate) fn signer() -> [u8; 32] {
    static SIGNER: OnceLock<[u8; 32]> = OnceLock::new();
    *SIGNER.get_or_init(|| ed25519_public(&IDENTITY).unwrap())
}

/// The public half of an HPKE secret; the fixed secrets' halves are
/// derived once.
pub(crate) fn public(secret: &[u8; 32]) -> [u8; 32] {
    static FIXED: OnceLock<Vec<([u8; 32], [u8; 32])>> = OnceLock::new();
    let fixed = FIXED.get_or_init(|| {
        [CARER, REPLY, LOG]
            .iter()
            .map(|s| (*s, x25519_public(s)))
            .collect()
    });
    match fixed.iter().find(|(s, _)| s == secret) {
        Some((_, p)) => *p,
        None => x25519_public(secret),
    }
}

/// "Now" for every check: capsules expiring before it are expired.
pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap()
}

/// `serde_json` re-encoding is a fixed point: what `bytes` decode to,
/// encoded, decodes to a value that encodes the same. (JSON is not
/// canonical: spacing, key order and escapes vary.)
pub(crate) fn fixed_point<T: serde::Serialize + serde::de::DeserializeOwned>(value: &T) {
    let once = serde_json::to_vec(value).unwrap();
    let again: T = serde_json::from_slice(&once).expect("what serde_json writes, it reads");
    assert_eq!(
        serde_json::to_vec(&again).unwrap(),
        once,
        "re-encoding is not a fixed point"
    );
}
