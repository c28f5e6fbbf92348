//! Fuzz check for the stored document records: the per-document state,
//! crisis-plan and advance-statement versions, and the records attached to
//! a version (sign-offs, consultation reviews, departures) and the
//! journal-to-warning-sign links. See `crate::fuzzing` for how checks are
//! run.

// A failed property panics: that is the fuzzer's crash (see `crate::fuzzing`).
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::codec::{encode, normalise};
use super::{
    diff_contents, validate, AdvanceStatement, CrisisPlan, DocumentContent, DocumentKind,
    NewConsultationReview, NewDeparture, SignOff, VersionStatus, DEPARTURE_KIND, DOCUMENT_KIND,
    LINK_KIND, PLAN_VERSION_KIND, REVIEW_KIND, SIGN_OFF_KIND, STATEMENT_VERSION_KIND,
};
use crate::error::HavenError;
use crate::records::fuzz::{seal_row, with_scope};

// The stored forms, for the seed corpus (`crate::fuzzing::seeds`).
pub(crate) use super::codec::decode;
pub(crate) use super::links::Link;
pub(crate) use super::store::{Attached, Preimage, State};

const ID: &str = "fuzz-record";

/// Input: `record type | payload`. The payload (JSON, as stored) is sealed
/// under the known key as a record of that type and read back as the vault
/// reads it. What does not decode is `Corrupt`, naming the record. JSON is
/// not canonical (spacing, key order, escapes), so what decodes must
/// re-encode to a fixed point: encoding what the encoding decodes to gives
/// the same bytes. Decoded content then goes through what reading a
/// version does next (validation, the section diff).
pub fn check_document_record(data: &[u8]) {
    let Some((&which, payload)) = data.split_first() else {
        return;
    };
    match which % 7 {
        0 => {
            if let Some(state) = read::<State>(DOCUMENT_KIND, payload) {
                exercise_state(state);
            }
        }
        1 => {
            if let Some(p) = read::<Preimage>(PLAN_VERSION_KIND, payload) {
                exercise_content(p.content);
            }
        }
        2 => {
            if let Some(p) = read::<Preimage>(STATEMENT_VERSION_KIND, payload) {
                exercise_content(p.content);
            }
        }
        3 => {
            if let Some(a) = read::<Attached<SignOff>>(SIGN_OFF_KIND, payload) {
                let content = DocumentContent::from(AdvanceStatement::default());
                validate(&content, Some(&a.body));
            }
        }
        4 => {
            read::<Attached<NewConsultationReview>>(REVIEW_KIND, payload);
        }
        5 => {
            read::<Attached<NewDeparture>>(DEPARTURE_KIND, payload);
        }
        _ => {
            read::<Link>(LINK_KIND, payload);
        }
    }
}

/// Seals `payload` as a record of `kind`, opens it and decodes it as `T`,
/// checking the error and the re-encoding.
fn read<T: Serialize + DeserializeOwned>(kind: &str, payload: &[u8]) -> Option<T> {
    let row = seal_row(kind, ID, payload);
    let decoded = with_scope(|scope| {
        let plain = scope.open(kind, &row)?;
        decode::<T>(&plain, ID)
    });
    let value = match decoded {
        Ok(v) => v,
        Err(e) => {
            assert_eq!(
                e,
                HavenError::Corrupt {
                    record_id: Some(ID.into())
                }
            );
            return None;
        }
    };
    let once = encode(&value).unwrap();
    let again: T = decode(&once, ID).unwrap();
    assert_eq!(
        &encode(&again).unwrap()[..],
        &once[..],
        "re-encoding is not a fixed point"
    );
    Some(value)
}

fn exercise_state(mut state: State) {
    let hashes: Vec<String> = state.versions.iter().map(|v| v.hash.clone()).collect();
    for hash in &hashes {
        assert_eq!(&state.version(hash).unwrap().hash, hash);
    }
    state.active();
    if let Some(first) = hashes.first() {
        let at = state.created_at;
        state.set_status(first, VersionStatus::Revoked, at);
        assert_eq!(state.version(first).unwrap().status, VersionStatus::Revoked);
    }
    encode(&state).unwrap();
}

fn exercise_content(content: DocumentContent) {
    validate(&content, None);
    let empty = match content.kind() {
        DocumentKind::CrisisPlan => DocumentContent::from(CrisisPlan::default()),
        DocumentKind::AdvanceStatement => DocumentContent::from(AdvanceStatement::default()),
    };
    let diff = diff_contents(&empty, &content).unwrap();
    if content == empty {
        assert!(diff.is_empty());
    }
    // Saving it again (an edit from this version) normalises it; the
    // result must still encode.
    let saved = normalise(content).unwrap();
    encode(&saved).unwrap();
}
