//! Fuzz check for the journal payload (version 1 JSON, version 2 postcard).
//! See `crate::fuzzing` for how checks are run.

// A failed property panics: that is the fuzzer's crash (see `crate::fuzzing`).
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use super::payload;
use super::{read_row, KIND};
use crate::error::HavenError;
use crate::records::fuzz::{seal_row, with_scope};
use crate::records::RowRef;

const ID: &str = "fuzz-entry";

/// The input is a decrypted journal payload. It is sealed under the known
/// key as a journal record and read through the journal's own read path.
/// What reads must re-encode: to the same bytes for version 2 (canonical),
/// and, for version 1, to a version-2 payload that reads as the same entry.
/// What does not read is `Corrupt`, naming the record.
pub fn check_journal_payload(data: &[u8]) {
    let row = seal_row(KIND, ID, data);
    let read = with_scope(|scope| {
        read_row(
            &RowRef {
                id: &row.id,
                revision: row.revision,
                body: &row.body,
            },
            &mut scope.opener(),
        )
    });
    let entry = match read {
        Ok(entry) => entry,
        Err(e) => {
            assert_eq!(
                e,
                HavenError::Corrupt {
                    record_id: Some(ID.into())
                }
            );
            return;
        }
    };
    // Search reads tags still encoded; it must see exactly these.
    let view = payload::decode(data).unwrap();
    for tag in &entry.tags {
        assert!(view.tags.any(|t| t == tag));
    }
    let encoded = payload::encode(
        &entry.created_at,
        &entry.updated_at,
        &entry.text,
        // Read from one stored byte, so it always fits one again.
        entry.mood.map(|m| u8::try_from(m).unwrap()),
        &entry.tags,
    )
    .unwrap();
    if data.first() == Some(&2) {
        assert_eq!(&encoded[..], data, "a version-2 payload is not canonical");
    } else {
        let again = payload::decode(&encoded).unwrap();
        assert_eq!(again.created_at, entry.created_at);
        assert_eq!(again.updated_at, entry.updated_at);
        assert_eq!(again.text, entry.text);
        assert_eq!(again.mood.map(i32::from), entry.mood);
        assert_eq!(again.tags.into_vec(), entry.tags);
    }
}
