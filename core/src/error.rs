//! Errors. Two types, mapped in one place ([`From<Internal> for HavenError`]):
//!
//! - [`Internal`] is what the code raises, with `#[from]` for the libraries it
//!   calls. It stays inside the crate's layers.
//! - [`HavenError`] is the small public type the CLI and the apps see. Its
//!   messages never contain anything the person wrote, nor keys or
//!   passphrases: at most record ids, which are random.

use thiserror::Error;

/// Errors raised inside the core.
#[derive(Debug, Error)]
pub enum Internal {
    /// SQLite failed.
    #[error("storage: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A decrypted payload did not parse.
    #[error("payload: {0}")]
    Payload(#[from] serde_json::Error),
    /// The file system failed.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// A crypto primitive failed in a way that is not about the data.
    #[error("crypto: {0}")]
    Crypto(&'static str),
    /// AEAD authentication failed: wrong key, tampering or truncation.
    #[error("authentication failed")]
    Unauthentic,
    /// An envelope version this build does not know.
    #[error("envelope version {0}")]
    EnvelopeVersion(u8),
    /// Argon2id parameters out of bounds.
    #[error("kdf parameters out of bounds")]
    KdfBounds,
    /// A recovery key with a bad length, character or checksum.
    #[error("recovery key typo")]
    RecoveryKeyTypo,
    /// A payload over the supported size.
    #[error("too large")]
    TooLarge,
}

/// The public error type: what went wrong, never what the person wrote.
///
/// Each variant has a stable [`code`](HavenError::code) for programs and a
/// `Display` sentence a screen can show.
#[cfg_attr(feature = "uniffi", derive(uniffi::Error))]
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum HavenError {
    /// The passphrase does not open this vault.
    #[error("the passphrase is wrong")]
    WrongPassphrase,
    /// The recovery key is well formed but does not open this vault.
    #[error("the recovery key does not belong to this vault")]
    WrongRecoveryKey,
    /// The recovery key has a typo (bad length, character or checksum).
    #[error("the recovery key has a typo: check each group of five characters")]
    MistypedRecoveryKey,
    /// The device key does not open this vault.
    #[error("the device key does not open this vault")]
    WrongDeviceKey,
    /// The vault is locked; unlock it first.
    #[error("the vault is locked")]
    Locked,
    /// No such item.
    #[error("no {kind} with id {id}")]
    NotFound {
        /// What was looked for ("entry", "key slot").
        kind: String,
        /// The id that was not found.
        id: String,
    },
    /// A stored record failed authentication: corrupt or tampered with.
    #[error("record {record_id} is corrupt or has been tampered with")]
    Corrupt {
        /// The record's id (random; reveals nothing).
        record_id: String,
    },
    /// The database file itself is damaged; it was moved aside, not deleted.
    #[error("the vault file is damaged and was moved aside to {moved_to}")]
    CorruptDatabase {
        /// Where the damaged file now is.
        moved_to: String,
    },
    /// Data written by a newer (or unknown) format version.
    #[error("unsupported {what} version {found} (this build reads up to {supported})")]
    UnsupportedVersion {
        /// Which format ("vault schema", "record envelope").
        what: String,
        /// The version found.
        found: u32,
        /// The newest version this build reads.
        supported: u32,
    },
    /// Stored key-derivation parameters are outside the accepted bounds.
    #[error("the stored key-derivation parameters are out of bounds")]
    KdfParamsOutOfBounds,
    /// The input was refused; `reason` says why without quoting it.
    #[error("invalid input: {reason}")]
    InvalidInput {
        /// Why, in words that do not repeat the input.
        reason: String,
    },
    /// Refused to overwrite an existing vault.
    #[error("a vault already exists at {path}")]
    AlreadyExists {
        /// The path given.
        path: String,
    },
    /// The caller cancelled a long operation; nothing was changed.
    #[error("the operation was cancelled")]
    Cancelled,
    /// The platform (a key store or callback supplied by the app) failed.
    #[error("the platform failed: {reason}")]
    Platform {
        /// What the platform reported.
        reason: String,
    },
    /// A bug inside Haven (a caught panic); the operation did not happen.
    #[error("internal error: {reason}")]
    Internal {
        /// Where it happened, without user data.
        reason: String,
    },
    /// A backup file was refused: not a backup, damaged, truncated or
    /// tampered with. Nothing was restored. `reason` names the problem in
    /// fixed words; it never quotes the file's contents.
    #[error("the backup cannot be restored: {reason}")]
    BadBackup {
        /// What is wrong with the file.
        reason: String,
    },
    /// Storage or I/O failed (disk full, permissions, ...).
    #[error("storage failed: {reason}")]
    Storage {
        /// The library's description (SQL errors carry no row values here
        /// because every value is bound as a parameter and encrypted).
        reason: String,
    },
    /// A document version was saved from a parent that is no longer the
    /// newest version: someone (another screen, another process) saved a
    /// newer one in between. Nothing was saved; start again from
    /// `newer_version`, or save as a deliberate branch.
    #[error("a newer version of this document was saved in the meantime; nothing was saved")]
    Conflict {
        /// The hash of the newest version.
        newer_version: String,
    },
}

impl HavenError {
    /// A stable, machine-readable code for this error (`snake_case`, never
    /// renamed once shipped): for analytics, tests and mapping to screens.
    pub fn code(&self) -> &'static str {
        match self {
            Self::WrongPassphrase => "wrong_passphrase",
            Self::WrongRecoveryKey => "wrong_recovery_key",
            Self::MistypedRecoveryKey => "mistyped_recovery_key",
            Self::WrongDeviceKey => "wrong_device_key",
            Self::Locked => "locked",
            Self::NotFound { .. } => "not_found",
            Self::Corrupt { .. } => "corrupt",
            Self::CorruptDatabase { .. } => "corrupt_database",
            Self::UnsupportedVersion { .. } => "unsupported_version",
            Self::KdfParamsOutOfBounds => "kdf_params_out_of_bounds",
            Self::InvalidInput { .. } => "invalid_input",
            Self::AlreadyExists { .. } => "already_exists",
            Self::Cancelled => "cancelled",
            Self::Platform { .. } => "platform",
            Self::Internal { .. } => "internal",
            Self::BadBackup { .. } => "bad_backup",
            Self::Storage { .. } => "storage",
            Self::Conflict { .. } => "conflict",
        }
    }

    /// Shorthand for [`HavenError::InvalidInput`].
    pub fn invalid(reason: impl Into<String>) -> Self {
        Self::InvalidInput {
            reason: reason.into(),
        }
    }

    /// Shorthand for [`HavenError::BadBackup`].
    pub fn bad_backup(reason: impl Into<String>) -> Self {
        Self::BadBackup {
            reason: reason.into(),
        }
    }

    /// Shorthand for [`HavenError::NotFound`].
    pub fn not_found(kind: &str, id: &str) -> Self {
        Self::NotFound {
            kind: kind.into(),
            id: id.into(),
        }
    }
}

impl From<Internal> for HavenError {
    fn from(e: Internal) -> Self {
        match e {
            Internal::Sqlite(e) => Self::Storage {
                reason: e.to_string(),
            },
            Internal::Io(e) => Self::Storage {
                reason: e.to_string(),
            },
            // serde_json's messages can quote input; never pass them on.
            Internal::Payload(_) => Self::Corrupt {
                record_id: "unknown".into(),
            },
            Internal::Crypto(what) => Self::Storage {
                reason: what.into(),
            },
            Internal::Unauthentic => Self::Corrupt {
                record_id: "unknown".into(),
            },
            Internal::EnvelopeVersion(v) => Self::UnsupportedVersion {
                what: "record envelope".into(),
                found: v.into(),
                supported: crate::crypto::ENVELOPE_VERSION.into(),
            },
            Internal::KdfBounds => Self::KdfParamsOutOfBounds,
            Internal::RecoveryKeyTypo => Self::MistypedRecoveryKey,
            Internal::TooLarge => Self::invalid("the data is too large"),
        }
    }
}

impl From<rusqlite::Error> for HavenError {
    fn from(e: rusqlite::Error) -> Self {
        Internal::from(e).into()
    }
}

impl Internal {
    /// Maps a failure while opening a specific record, naming the record.
    pub fn for_record(self, record_id: &str) -> HavenError {
        match self {
            Internal::Unauthentic | Internal::Payload(_) => HavenError::Corrupt {
                record_id: record_id.to_string(),
            },
            other => other.into(),
        }
    }
}

/// Result with the public error.
pub type Result<T, E = HavenError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    /// One of each variant: a new variant must be added here (the match in
    /// `code` already forces it a code).
    fn every_variant() -> Vec<HavenError> {
        let s = || "x".to_string();
        vec![
            HavenError::WrongPassphrase,
            HavenError::WrongRecoveryKey,
            HavenError::MistypedRecoveryKey,
            HavenError::WrongDeviceKey,
            HavenError::Locked,
            HavenError::NotFound { kind: s(), id: s() },
            HavenError::Corrupt { record_id: s() },
            HavenError::CorruptDatabase { moved_to: s() },
            HavenError::UnsupportedVersion {
                what: s(),
                found: 9,
                supported: 1,
            },
            HavenError::KdfParamsOutOfBounds,
            HavenError::InvalidInput { reason: s() },
            HavenError::AlreadyExists { path: s() },
            HavenError::Cancelled,
            HavenError::Platform { reason: s() },
            HavenError::Internal { reason: s() },
            HavenError::BadBackup { reason: s() },
            HavenError::Storage { reason: s() },
            HavenError::Conflict { newer_version: s() },
        ]
    }

    #[test]
    fn codes_are_distinct_snake_case_and_messages_are_sentences() {
        let all = every_variant();
        let mut codes: Vec<&str> = all.iter().map(HavenError::code).collect();
        for c in &codes {
            assert!(
                c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'),
                "{c}"
            );
        }
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len(), "two variants share a code");
        for e in &all {
            let m = e.to_string();
            assert!(m.len() > 10 && !m.contains('{'), "{}: {m}", e.code());
        }
    }
}
