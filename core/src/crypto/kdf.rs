//! Passphrase stretching with Argon2id.
//!
//! Parameters are stored beside each passphrase slot so they can be raised
//! later without breaking old vaults, and are bounds-checked when read: a file
//! asking for 64 GiB would be a denial of service, one asking for 1 KiB a
//! silent downgrade.

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::keys::SecretKey;
use crate::error::Internal;

/// Argon2id cost parameters.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

/// Smallest memory accepted (8 MiB): below this Argon2id stops being
/// meaningfully memory-hard. Phones that cannot afford the default go here.
pub const MIN_MEMORY_KIB: u32 = 8 * 1024;
/// Largest memory accepted (1 GiB): more than any phone should be asked for.
pub const MAX_MEMORY_KIB: u32 = 1024 * 1024;
/// Largest pass count accepted.
pub const MAX_ITERATIONS: u32 = 16;
/// Largest lane count accepted.
pub const MAX_PARALLELISM: u32 = 8;

impl Default for KdfParams {
    /// RFC 9106's second recommended option: 64 MiB, 3 passes, one lane.
    fn default() -> Self {
        Self {
            memory_kib: 64 * 1024,
            iterations: 3,
            parallelism: 1,
        }
    }
}

impl KdfParams {
    /// The cheapest parameters accepted; for tests and constrained devices.
    pub fn minimum() -> Self {
        Self {
            memory_kib: MIN_MEMORY_KIB,
            iterations: 1,
            parallelism: 1,
        }
    }

    /// Refuses parameters outside the accepted bounds.
    pub fn check(&self) -> Result<(), Internal> {
        let ok = (MIN_MEMORY_KIB..=MAX_MEMORY_KIB).contains(&self.memory_kib)
            && (1..=MAX_ITERATIONS).contains(&self.iterations)
            && (1..=MAX_PARALLELISM).contains(&self.parallelism);
        if ok {
            Ok(())
        } else {
            Err(Internal::KdfBounds)
        }
    }

    /// Encodes for storage: three little-endian u32s.
    pub fn to_bytes(self) -> Vec<u8> {
        [self.memory_kib, self.iterations, self.parallelism]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect()
    }

    /// Decodes stored parameters and checks their bounds.
    pub fn from_bytes(b: &[u8]) -> Result<Self, Internal> {
        if b.len() != 12 {
            return Err(Internal::KdfBounds);
        }
        let word = |i: usize| {
            let mut w = [0u8; 4];
            w.copy_from_slice(&b[i * 4..i * 4 + 4]);
            u32::from_le_bytes(w)
        };
        let p = Self {
            memory_kib: word(0),
            iterations: word(1),
            parallelism: word(2),
        };
        p.check()?;
        Ok(p)
    }

    /// Derives like [`KdfParams::derive`] on a worker thread, so that the
    /// caller can stop waiting as soon as `progress` asks to cancel (Argon2id
    /// itself cannot be interrupted; its result is then dropped and wiped).
    pub fn derive_cancellable(
        &self,
        passphrase: &str,
        salt: &[u8],
        progress: &dyn crate::progress::Progress,
    ) -> Result<Option<SecretKey>, Internal> {
        let (params, pass, salt) = (*self, Zeroizing::new(passphrase.to_owned()), salt.to_vec());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("haven-argon2".into())
            .spawn(move || {
                let _ = tx.send(params.derive(&pass, &salt));
            })?;
        loop {
            if progress.cancelled() {
                return Ok(None);
            }
            match rx.recv_timeout(crate::progress::POLL) {
                Ok(result) => return result.map(Some),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => continue,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(Internal::Crypto("key derivation stopped"))
                }
            }
        }
    }

    /// Derives a 256-bit key-encryption key from a passphrase and salt.
    pub fn derive(&self, passphrase: &str, salt: &[u8]) -> Result<SecretKey, Internal> {
        self.check()?;
        let params =
            argon2::Params::new(self.memory_kib, self.iterations, self.parallelism, Some(32))
                .map_err(|_| Internal::KdfBounds)?;
        let argon =
            argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
        let mut out = Zeroizing::new([0u8; 32]);
        argon
            .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
            .map_err(|_| Internal::Crypto("key derivation failed"))?;
        Ok(SecretKey::from_bytes(*out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_bounds_params_are_refused_on_read() {
        let cases = [
            KdfParams {
                memory_kib: 1,
                iterations: 1,
                parallelism: 1,
            },
            KdfParams {
                memory_kib: u32::MAX,
                iterations: 3,
                parallelism: 1,
            },
            KdfParams {
                memory_kib: MIN_MEMORY_KIB,
                iterations: 0,
                parallelism: 1,
            },
            KdfParams {
                memory_kib: MIN_MEMORY_KIB,
                iterations: 1000,
                parallelism: 1,
            },
            KdfParams {
                memory_kib: MIN_MEMORY_KIB,
                iterations: 1,
                parallelism: 0,
            },
            KdfParams {
                memory_kib: MIN_MEMORY_KIB,
                iterations: 1,
                parallelism: 64,
            },
        ];
        for p in cases {
            assert!(matches!(
                KdfParams::from_bytes(&p.to_bytes()),
                Err(Internal::KdfBounds)
            ));
        }
        for len in [0, 4, 11, 13] {
            assert!(matches!(
                KdfParams::from_bytes(&vec![0xff; len]),
                Err(Internal::KdfBounds)
            ));
        }
        let ok = KdfParams::default();
        assert_eq!(KdfParams::from_bytes(&ok.to_bytes()).unwrap(), ok);
    }

    #[test]
    fn derivation_is_deterministic_and_salted() {
        let p = KdfParams::minimum();
        let a = p.derive("pass", b"0123456789abcdef").unwrap();
        let b = p.derive("pass", b"0123456789abcdef").unwrap();
        let c = p.derive("pass", b"fedcba9876543210").unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
