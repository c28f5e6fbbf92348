//! Fuzz check for the vault-state record (the `meta` row `state`, ADR
//! 0010): the sealed commitment to the record set, the key slots and the
//! epoch vector that unlock and `verify` read. See `crate::fuzzing` for how
//! checks are run.

// A failed property panics: that is the fuzzer's crash (see `crate::fuzzing`).
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use rusqlite::{params, Connection};

use super::{aad, load, Keys, STATE_KEY};
use crate::crypto;
use crate::error::HavenError;
use crate::fuzzing::{known_key, Input, VAULT_ID};

/// Input: `mode | rest`. Mode odd: `rest` is the state's plaintext, sealed
/// validly under the known vault key's state subkey (the decoder sits
/// behind that seal). Mode even: `rest` is the stored value itself, which
/// no key the check holds opens. Either way it is stored as the `state`
/// row of a `meta` table and read by the unlock path's own `load`.
///
/// A state that loads re-encodes to exactly its plaintext (the format is
/// canonical: one encoding per state); anything else is
/// `Integrity { what: "the vault state" }`, never a panic, another error
/// or an empty state.
pub fn check_vault_state(data: &[u8]) {
    let mut input = Input(data);
    let structured = input.u8() & 1 == 1;
    let rest = input.rest();
    let keys = Keys::derive(&known_key()).unwrap();
    let stored = if structured {
        crypto::seal(&keys.state, &aad(VAULT_ID), rest).unwrap()
    } else {
        rest.to_vec()
    };
    let conn = Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL) STRICT;",
    )
    .unwrap();
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)",
        params![STATE_KEY, stored],
    )
    .unwrap();
    match load(&conn, VAULT_ID, &keys) {
        Ok(Some(state)) => {
            assert!(structured, "a state sealed without the key opened");
            assert_eq!(
                state.encode().unwrap().as_slice(),
                rest,
                "the vault state is not canonical"
            );
        }
        Ok(None) => panic!("a stored state read as none"),
        Err(HavenError::Integrity { what }) => assert_eq!(what, "the vault state"),
        Err(e) => panic!("{e:?}"),
    }
}
