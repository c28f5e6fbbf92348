//! Secret keys that wipe themselves, and the one source of randomness.

use ring::rand::{SecureRandom, SystemRandom};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::Internal;

/// A 256-bit symmetric key. Zeroized on drop; its `Debug` never shows the bytes.
#[derive(Clone, Zeroize, ZeroizeOnDrop, PartialEq, Eq)]
pub struct SecretKey([u8; 32]);

impl SecretKey {
    /// Wraps existing key bytes (the caller's copy is the caller's to wipe).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// A fresh random key from the operating system's CSPRNG.
    pub fn generate() -> Result<Self, Internal> {
        let mut k = [0u8; 32];
        fill(&mut k)?;
        Ok(Self(k))
    }

    /// The raw bytes, for handing to ring.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(<redacted>)")
    }
}

/// Fills `buf` from the system CSPRNG.
pub fn fill(buf: &mut [u8]) -> Result<(), Internal> {
    SystemRandom::new()
        .fill(buf)
        .map_err(|_| Internal::Crypto("system random number generator failed"))
}

/// `n` random bytes.
pub fn random_bytes(n: usize) -> Result<Vec<u8>, Internal> {
    let mut v = vec![0u8; n];
    fill(&mut v)?;
    Ok(v)
}

/// A random 128-bit identifier as 32 lowercase hex characters. Random (not
/// time-ordered like ULID) so that ids reveal nothing about when a person wrote.
pub fn random_id() -> Result<String, Internal> {
    Ok(data_encoding::HEXLOWER.encode(&random_bytes(16)?))
}
