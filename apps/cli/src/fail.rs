//! How the CLI fails: one plain sentence on stderr and a documented exit code.
//! 0 ok, 2 usage, 3 wrong passphrase or recovery key, 4 integrity failure,
//! 1 anything else.

use haven_core::HavenError;

/// A failure with its exit code.
#[derive(Debug)]
pub struct Failure {
    /// Process exit code.
    pub code: u8,
    /// One sentence, no user content.
    pub message: String,
}

impl Failure {
    /// Exit 2: the command was used wrongly.
    pub fn usage(message: String) -> Self {
        Self { code: 2, message }
    }

    /// Exit 1.
    pub fn other(message: String) -> Self {
        Self { code: 1, message }
    }

    /// Exit 4: data failed authentication.
    pub fn integrity(message: String) -> Self {
        Self { code: 4, message }
    }
}

/// Core's own `AlreadyExists` for a file of `kind` at `path`, for checks made
/// before asking for a secret (so the message is the same either way).
pub fn already_exists(kind: haven_core::FileKind, path: &std::path::Path) -> Failure {
    HavenError::already_exists(kind, path).into()
}

impl From<HavenError> for Failure {
    fn from(e: HavenError) -> Self {
        let code = match e {
            HavenError::WrongPassphrase
            | HavenError::WrongRecoveryKey
            | HavenError::MistypedRecoveryKey
            | HavenError::WrongDeviceKey => 3,
            HavenError::Corrupt { .. }
            | HavenError::CorruptDatabase { .. }
            | HavenError::Integrity { .. }
            | HavenError::RolledBack { .. }
            | HavenError::BadBackup { .. } => 4,
            _ => 1,
        };
        let mut message = e.to_string();
        if matches!(e, HavenError::RolledBack { .. }) {
            message.push_str(
                ". It may have been swapped for an older copy. If you restored an older copy \
                 on purpose, run the command again with --accept-rollback",
            );
        }
        Self { code, message }
    }
}
