//! What can go wrong in sync, as typed variants: a decoder refusal says which
//! rule the bytes broke, so tests and the fuzz check match the variant rather
//! than a message. Messages never quote content, keys or ids.

use thiserror::Error;

/// Why bytes were refused as a sync entry, operation or blob.
#[derive(Debug, Error, Clone, Copy, PartialEq, Eq)]
pub enum DecodeError {
    /// The bytes end before the format does.
    #[error("the sync data ends too early")]
    Truncated,
    /// Not this format (wrong magic bytes).
    #[error("this is not Haven sync data")]
    BadMagic,
    /// A format version this build does not read.
    #[error("sync format version {0} is not supported")]
    UnsupportedVersion(u8),
    /// A length or count above the format's limit.
    #[error("a field of the sync data is longer than allowed")]
    TooLarge,
    /// A value the format allows only one way to write, written another way
    /// (dependencies out of order or repeated, sequence 0, a first entry with
    /// a previous hash).
    #[error("the sync data is not in canonical form")]
    NotCanonical,
    /// An operation type this build does not know.
    #[error("unknown sync operation type {0}")]
    UnknownOp(u8),
    /// Bytes after the end of the value.
    #[error("bytes follow the end of the sync data")]
    TrailingBytes,
}

/// Why a sync step failed.
#[derive(Debug, Error, Clone, Copy, PartialEq, Eq)]
pub enum SyncError {
    /// The bytes do not decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A blob does not authenticate under the space key it names.
    #[error("a sync blob has been damaged or tampered with")]
    Unauthentic,
    /// A blob sealed under a key epoch this device does not hold.
    #[error("a sync blob is sealed under key epoch {0}, which this device does not hold")]
    UnknownKeyEpoch(u32),
    /// An entry of another sync space.
    #[error("a sync entry belongs to another sync space")]
    WrongSpace,
    /// An entry whose signature does not verify under its device's key.
    #[error("a sync entry's signature is wrong")]
    BadSignature,
    /// An entry signed by a device that is not a member of the space.
    #[error("a sync entry comes from a device that is not in this space")]
    UnknownDevice,
    /// An entry too large for the format.
    #[error("a sync entry is too large")]
    TooLarge,
    /// The platform's cryptography failed (no randomness, a key refused).
    #[error("the platform's cryptography failed")]
    Crypto,
}

/// Why pairing a device failed. None of the messages says which side
/// mistyped: neither side can know.
#[derive(Debug, Error, Clone, Copy, PartialEq, Eq)]
pub enum PairError {
    /// The typed code is not a code Haven shows (a number from 1 to 9999
    /// and three words from its list).
    #[error("that is not a pairing code: check the number and the three words")]
    MistypedCode,
    /// The other device did not use the same code (mistyped, or someone
    /// else tried): this pairing is over, start again with a new code.
    #[error("the other device did not use the same pairing code; start again with a new code")]
    WrongCode,
    /// A pairing message of the wrong kind, or an exchange message that is
    /// not one (wrong length, a reflection of one's own).
    #[error("a pairing message is damaged or out of place")]
    BadMessage,
    /// A welcome that does not decode.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The platform's cryptography failed (no randomness).
    #[error("the platform's cryptography failed")]
    Crypto,
}
