//! Cryptography, kept small and isolated. See `README.md` in this folder for
//! the key hierarchy and why it is built this way.

pub mod envelope;
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) mod fuzz;
pub mod kdf;
pub mod keys;
pub mod padding;
pub mod recovery;

pub use envelope::{open, open_owned, seal, ENVELOPE_VERSION};
pub use kdf::KdfParams;
pub use keys::{random_bytes, random_id, SecretKey};
pub use recovery::RecoveryKey;
