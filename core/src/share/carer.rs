//! Standing carer access: a carer makes an HPKE key pair once (in their
//! viewer or their own Haven app); the person enrols the public key, and
//! every later capsule of the share wraps its fresh content key to it until
//! the carer is revoked. Revoking a carer only means later capsules are not
//! wrapped to them: what they already saw stays with them.
//!
//! Both screens show a check code computed from the person's signing key
//! (which the carer got from the invite link itself, not from the relay) and
//! the carer's public key. A relay that swapped the carer's key would have
//! to find another key with the same 16 digits (a second preimage of about
//! 53 bits), while the enrolment waits for the person to compare.

use zeroize::Zeroizing;

use super::primitives::{b64, labelled_hash, random, unb64_array, x25519_public};
use super::ShareError;

const CHECK_LABEL: &str = "haven-share-v1 check-code";

/// A carer's key pair: the secret is 32 bytes of HPKE `ikm` (RFC 9180
/// `DeriveKeyPair`).
#[derive(Clone)]
pub struct CarerKeys {
    secret: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for CarerKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CarerKeys(<redacted>)")
    }
}

impl CarerKeys {
    /// A fresh key pair.
    pub fn generate() -> Result<Self, ShareError> {
        Ok(Self {
            secret: random::<32>()?,
        })
    }

    /// From a stored secret.
    pub fn from_secret(secret: [u8; 32]) -> Self {
        Self {
            secret: Zeroizing::new(secret),
        }
    }

    /// The secret, for storing (encrypted) and for opening capsules.
    pub fn secret(&self) -> &[u8; 32] {
        &self.secret
    }

    /// The public key to enrol.
    pub fn public(&self) -> [u8; 32] {
        x25519_public(&self.secret)
    }

    /// The public key as base64url.
    pub fn public_b64(&self) -> String {
        b64(&self.public())
    }
}

/// Parses a carer's public key (base64url, 32 bytes).
pub fn parse_public(text: &str) -> Result<[u8; 32], ShareError> {
    unb64_array::<32>(text.trim())
}

/// The check code both screens show: 16 digits in four groups.
pub fn check_code(signer: &[u8; 32], carer: &[u8; 32]) -> String {
    let mut both = [0u8; 64];
    both[..32].copy_from_slice(signer);
    both[32..].copy_from_slice(carer);
    let h = labelled_hash(CHECK_LABEL, &both);
    let mut n = [0u8; 8];
    n.copy_from_slice(&h[..8]);
    let digits = format!("{:016}", u64::from_be_bytes(n) % 10_000_000_000_000_000);
    digits
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}
