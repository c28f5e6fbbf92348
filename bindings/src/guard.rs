//! No panic crosses the FFI as a crash: every exported call runs inside
//! [`guard`], which turns a panic into `HavenError::Internal`. (uniffi also
//! catches panics, but as an untyped internal exception; this keeps the one
//! typed hierarchy the apps handle.) The panic message is not passed on: it
//! could, in principle, quote data.

use std::panic::{catch_unwind, AssertUnwindSafe};

use haven_core::HavenError;

/// Runs `f`, mapping a panic to [`HavenError::Internal`].
pub fn guard<T>(f: impl FnOnce() -> Result<T, HavenError>) -> Result<T, HavenError> {
    // AssertUnwindSafe: the vault's state is behind a mutex whose poisoning is
    // handled, and SQLite rolls back any open transaction on drop.
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(HavenError::Internal {
            reason: "an unexpected fault stopped this operation; nothing was changed".into(),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::panic)]
    fn a_panic_becomes_a_typed_internal_error() {
        let r: Result<(), HavenError> = guard(|| panic!("boom with secret words"));
        match r {
            Err(HavenError::Internal { reason }) => assert!(!reason.contains("secret")),
            other => panic!("expected Internal, got {other:?}"),
        }
        assert_eq!(guard(|| Ok(5)), Ok(5));
    }
}
