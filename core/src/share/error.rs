//! What can go wrong when sharing: one typed variant per way a capsule, a
//! link, a reply or a card can be refused, so callers (the CLI, the apps,
//! the tests) match the variant instead of reading messages. Messages never
//! quote anything the person wrote, nor keys, links or PINs.

use thiserror::Error;

use crate::error::HavenError;

/// Why a sharing operation was refused.
///
/// The bindings carry it as a flat error, like `HavenError`: the app gets
/// the variant and the `Display` sentence; [`ShareError::code`] is mirrored
/// by the hand-written `code` extensions in Kotlin and Swift.
#[cfg_attr(feature = "uniffi", derive(uniffi::Error))]
#[cfg_attr(feature = "uniffi", uniffi(flat_error))]
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ShareError {
    /// Not a Haven capsule (or link, reply, card): bad encoding or fields.
    #[error("this is not a readable Haven share")]
    Malformed,
    /// Written by a newer (or unknown) format version.
    #[error("this share uses format version {found}; this build reads up to {supported}")]
    UnsupportedVersion {
        /// The version found.
        found: u32,
        /// The newest version this build reads.
        supported: u32,
    },
    /// The capsule belongs to another share than the one asked for.
    #[error("this capsule belongs to another share")]
    WrongShare,
    /// The link key or the PIN does not open the capsule.
    #[error("the link or the PIN is wrong")]
    WrongKeyOrPin,
    /// The capsule is not encrypted to this carer (never was, or was revoked).
    #[error("this share is not (or no longer) encrypted to you")]
    NotARecipient,
    /// The capsule fails authentication or its signature is wrong.
    #[error("this share has been damaged or tampered with")]
    Tampered,
    /// Signed by another identity than the one this share was first seen with.
    #[error("this share is signed by someone else than before")]
    WrongSigner,
    /// Parts of different capsules put together, or a broken chain of versions.
    #[error("this share does not follow on from the version seen before")]
    Spliced,
    /// An older version than one already seen (a relay rolling back).
    #[error("this is an older version ({got}) than one already seen ({seen})")]
    Rollback {
        /// The newest sequence number seen before.
        seen: u64,
        /// The sequence number offered now.
        got: u64,
    },
    /// The share's expiry has passed.
    #[error("this share expired on {at}")]
    Expired {
        /// When it expired (RFC 3339, UTC).
        at: String,
    },
    /// The person revoked the share.
    #[error("this share was revoked")]
    Revoked,
    /// The relay locked the share after too many wrong PINs.
    #[error("this share is locked after too many wrong PINs")]
    Locked,
    /// The relay has no such share (never existed, swept after expiry or
    /// revocation).
    #[error("the relay has no such share")]
    Gone,
    /// The read limit was reached.
    #[error("this share has been opened as many times as allowed")]
    ReadLimitReached,
    /// A PIN must be 4 to 12 digits.
    #[error("a PIN must be 4 to 12 digits")]
    BadPin,
    /// Input refused; `reason` says why in fixed words.
    #[error("invalid: {reason}")]
    Invalid {
        /// Why, without quoting the input.
        reason: String,
    },
    /// Larger than the format allows.
    #[error("too large to share this way")]
    TooLarge,
    /// The network or the relay failed.
    #[error("the relay could not be reached: {reason}")]
    Transport {
        /// What failed (status code or connection error; never a URL fragment).
        reason: String,
    },
    /// The caller cancelled the call (the bindings' async forms); what was
    /// already sent to the relay or saved in the vault stays consistent.
    #[error("the operation was cancelled")]
    Cancelled,
    /// The operating system's random number generator failed.
    #[error("the system's random number generator failed")]
    Randomness,
    /// The vault refused (locked, not found, storage).
    #[error(transparent)]
    Vault(#[from] HavenError),
}

impl ShareError {
    /// A stable, machine-readable code (`snake_case`, never renamed once
    /// shipped). A vault refusal is `vault`; its sentence says which.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::UnsupportedVersion { .. } => "unsupported_version",
            Self::WrongShare => "wrong_share",
            Self::WrongKeyOrPin => "wrong_key_or_pin",
            Self::NotARecipient => "not_a_recipient",
            Self::Tampered => "tampered",
            Self::WrongSigner => "wrong_signer",
            Self::Spliced => "spliced",
            Self::Rollback { .. } => "rollback",
            Self::Expired { .. } => "expired",
            Self::Revoked => "revoked",
            Self::Locked => "locked",
            Self::Gone => "gone",
            Self::ReadLimitReached => "read_limit_reached",
            Self::BadPin => "bad_pin",
            Self::Invalid { .. } => "invalid",
            Self::TooLarge => "too_large",
            Self::Transport { .. } => "transport",
            Self::Cancelled => "cancelled",
            Self::Randomness => "randomness",
            Self::Vault(_) => "vault",
        }
    }

    /// Shorthand for [`ShareError::Invalid`].
    pub fn invalid(reason: impl Into<String>) -> Self {
        Self::Invalid {
            reason: reason.into(),
        }
    }
}

impl From<crate::error::Internal> for ShareError {
    fn from(e: crate::error::Internal) -> Self {
        Self::Vault(e.into())
    }
}

impl From<rusqlite::Error> for ShareError {
    fn from(e: rusqlite::Error) -> Self {
        Self::Vault(e.into())
    }
}
