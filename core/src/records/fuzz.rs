//! Fuzz check for reading a record: the envelope under the record's
//! associated data, then the length-hiding padding inside it. See
//! `crate::fuzzing` for how checks are run.

// A failed property panics: that is the fuzzer's crash (see `crate::fuzzing`).
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use super::{aad, RowRef, Scope, SealedRow};
use crate::crypto::{envelope, padding, SecretKey};
use crate::error::HavenError;
use crate::fuzzing::{known_key, Input, VAULT_ID};
use crate::integrity::Keys;

/// Input: `revision (u64) | id (short) | kind (short) | padded plaintext`.
/// The padded plaintext (length prefix, data, padding: all the fuzzer's) is
/// sealed under the known key as that record, then read back the two ways
/// the vault reads records; both must agree with [`padding::unpadded`]. The
/// same row read as another revision must be refused as corrupt.
pub fn check_record(data: &[u8]) {
    let mut input = Input(data);
    let revision = input.u64() as i64;
    let id = String::from_utf8_lossy(input.short()).into_owned();
    let kind = String::from_utf8_lossy(input.short()).into_owned();
    let padded = input.rest();
    let key = known_key();
    let body = envelope::seal(&key, &aad(VAULT_ID, &id, &kind, revision), padded).unwrap();
    let keys = Keys::derive(&key).unwrap();
    let scope = scope_over(&key, &keys);
    let row = SealedRow {
        id: id.clone(),
        revision,
        body,
    };
    let one = scope.open(&kind, &row).map(|p| p.to_vec());
    let mut opener = scope.opener();
    let bulk = opener
        .open(
            &kind,
            &RowRef {
                id: &id,
                revision,
                body: &row.body,
            },
        )
        .map(<[u8]>::to_vec);
    let corrupt = HavenError::Corrupt {
        record_id: Some(id.clone()),
    };
    match padding::unpadded(padded) {
        Ok(data) => {
            assert_eq!(one.as_deref(), Ok(data));
            assert_eq!(bulk.as_deref(), Ok(data));
        }
        Err(_) => {
            assert_eq!(one, Err(corrupt.clone()));
            assert_eq!(bulk, Err(corrupt.clone()));
        }
    }
    let moved = SealedRow {
        revision: revision.wrapping_add(1),
        ..row
    };
    assert_eq!(scope.open(&kind, &moved).map(|p| p.to_vec()), Err(corrupt));
}

/// `plain` sealed (padded) under the known key as revision 1 of record `id`
/// of `kind`, as the vault would store it: for checks of the payloads
/// behind authentication.
pub(crate) fn seal_row(kind: &str, id: &str, plain: &[u8]) -> SealedRow {
    let key = known_key();
    let keys = Keys::derive(&key).unwrap();
    let scope = scope_over(&key, &keys);
    SealedRow {
        id: id.to_string(),
        revision: 1,
        body: scope.seal(id, kind, 1, plain).unwrap(),
    }
}

/// Runs `f` with a scope over the known key.
pub(crate) fn with_scope<T>(f: impl FnOnce(&Scope<'_>) -> T) -> T {
    let key = known_key();
    let keys = Keys::derive(&key).unwrap();
    f(&scope_over(&key, &keys))
}

/// A scope over `key` for the fuzz vault (reads never touch the state).
fn scope_over<'a>(key: &'a SecretKey, keys: &'a Keys) -> Scope<'a> {
    Scope::new(key, VAULT_ID, keys)
}
