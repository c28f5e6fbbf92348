//! Passphrase stretching with Argon2id.
//!
//! Parameters are stored beside each passphrase slot so they can be raised
//! later without breaking old vaults, and are bounds-checked when read, before
//! any work: a file asking for 1 GiB and 16 passes would be a denial of
//! service (15 s and 1 GB to refuse), one asking for 1 KiB a silent downgrade.
//!
//! Two lower bounds: every slot written from now on costs at least
//! [`MIN_MEMORY_KIB`] and [`MIN_ITERATIONS`] (OWASP's lowest Argon2id
//! setting, 19 MiB and 2 passes); slots already stored by older builds may
//! cost as little as 8 MiB and 1 pass ([`LEGACY_MIN_MEMORY_KIB`]) and still
//! open. There are no cheaper parameters, not even for tests.

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

/// Smallest memory for a new slot (19 MiB, OWASP's lowest Argon2id setting).
/// Phones that cannot afford the default go here.
pub const MIN_MEMORY_KIB: u32 = 19 * 1024;
/// Fewest passes for a new slot (OWASP: 2 passes at 19 MiB).
pub const MIN_ITERATIONS: u32 = 2;
/// Smallest memory a slot stored by an older build may ask for (8 MiB).
pub const LEGACY_MIN_MEMORY_KIB: u32 = 8 * 1024;
/// Largest memory accepted (256 MiB): more than any phone should be asked for.
pub const MAX_MEMORY_KIB: u32 = 256 * 1024;
/// Largest pass count accepted.
pub const MAX_ITERATIONS: u32 = 8;
/// Largest total cost accepted, in MiB times passes (256 MiB x 3, 64 MiB x 8):
/// about 1.5 s on this project's reference machine.
pub const MAX_COST_MIB_PASSES: u64 = 768;
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
    /// The floor itself (19 MiB, 2 passes, one lane): the cheapest cost a
    /// new slot may have, **for tests and benchmarks only**, so that they
    /// run fast. Apps use [`KdfParams::default`], or parameters of their own
    /// that pass [`KdfParams::is_within_bounds`] on a device that cannot
    /// afford the default; this is deliberately not in the bindings.
    pub fn minimum_for_tests() -> Self {
        Self {
            memory_kib: MIN_MEMORY_KIB,
            iterations: MIN_ITERATIONS,
            parallelism: 1,
        }
    }

    /// Whether these parameters may be given to a new slot (what
    /// [`Vault::create`](crate::Vault::create) refuses otherwise).
    pub fn is_within_bounds(&self) -> bool {
        self.check().is_ok()
    }

    /// Refuses parameters a new slot may not have: below the floor or above
    /// the ceiling.
    pub(crate) fn check(&self) -> Result<(), Internal> {
        self.within(MIN_MEMORY_KIB, MIN_ITERATIONS)
    }

    /// Refuses stored parameters outside what any build ever wrote (older
    /// builds allowed 8 MiB and 1 pass), or above the ceiling.
    pub(crate) fn check_stored(&self) -> Result<(), Internal> {
        self.within(LEGACY_MIN_MEMORY_KIB, 1)
    }

    fn within(&self, min_memory_kib: u32, min_iterations: u32) -> Result<(), Internal> {
        let cost = u64::from(self.memory_kib / 1024) * u64::from(self.iterations);
        let ok = (min_memory_kib..=MAX_MEMORY_KIB).contains(&self.memory_kib)
            && (min_iterations..=MAX_ITERATIONS).contains(&self.iterations)
            && (1..=MAX_PARALLELISM).contains(&self.parallelism)
            && cost <= MAX_COST_MIB_PASSES;
        if ok {
            Ok(())
        } else {
            Err(Internal::KdfBounds)
        }
    }

    /// Encodes for storage: three little-endian u32s.
    pub(crate) fn to_bytes(self) -> Vec<u8> {
        [self.memory_kib, self.iterations, self.parallelism]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect()
    }

    /// Decodes stored parameters and checks them against the stored bounds
    /// ([`KdfParams::check_stored`]).
    pub(crate) fn from_bytes(b: &[u8]) -> Result<Self, Internal> {
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
        p.check_stored()?;
        Ok(p)
    }

    /// Derives like [`KdfParams::derive`] on a worker thread, so that the
    /// caller can stop waiting as soon as `progress` asks to cancel (Argon2id
    /// itself cannot be interrupted; its result is then dropped and wiped).
    pub(crate) fn derive_cancellable(
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
    pub(crate) fn derive(&self, passphrase: &str, salt: &[u8]) -> Result<SecretKey, Internal> {
        self.check_stored()?;
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
            // The crafted backup header of issue 9: 1 GiB, 16 passes.
            KdfParams {
                memory_kib: 1024 * 1024,
                iterations: 16,
                parallelism: 1,
            },
            // Each within its own bound, too costly together.
            KdfParams {
                memory_kib: MAX_MEMORY_KIB,
                iterations: MAX_ITERATIONS,
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
    fn new_slots_need_the_floor_but_older_slots_still_read() {
        let legacy = KdfParams {
            memory_kib: LEGACY_MIN_MEMORY_KIB,
            iterations: 1,
            parallelism: 1,
        };
        assert!(matches!(legacy.check(), Err(Internal::KdfBounds)));
        assert_eq!(KdfParams::from_bytes(&legacy.to_bytes()).unwrap(), legacy);
        let below_floor = KdfParams {
            memory_kib: MIN_MEMORY_KIB - 1024,
            iterations: MIN_ITERATIONS,
            parallelism: 1,
        };
        assert!(matches!(below_floor.check(), Err(Internal::KdfBounds)));
        let one_pass = KdfParams {
            iterations: 1,
            ..KdfParams::minimum_for_tests()
        };
        assert!(matches!(one_pass.check(), Err(Internal::KdfBounds)));
        assert!(KdfParams::minimum_for_tests().check().is_ok());
        assert!(KdfParams::default().check().is_ok());
        assert_eq!(KdfParams::minimum_for_tests().memory_kib, 19 * 1024);
        assert_eq!(KdfParams::minimum_for_tests().iterations, 2);
    }

    #[test]
    fn derivation_is_deterministic_and_salted() {
        let p = KdfParams::minimum_for_tests();
        let a = p.derive("pass", b"0123456789abcdef").unwrap();
        let b = p.derive("pass", b"0123456789abcdef").unwrap();
        let c = p.derive("pass", b"fedcba9876543210").unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
