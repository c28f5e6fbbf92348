//! Where documents live: the canonical bytes of a version and its hash, the
//! per-document state record (version index, status, review date, status
//! log), reading and writing both, and the records attached to one exact
//! version (sign-offs, reviews, departures). Changes go through
//! [`change`](super::change), which holds the one transaction sequence.
//!
//! Attached records have random ids and are listed, by kind and id, in the
//! encrypted state of their document under the version they belong to, so
//! the file does not show which version a record belongs to, and one cannot
//! vanish alone: a listed record that is missing is `Integrity` naming it
//! (issue 9). States written before that list nothing (`attached: None`);
//! their records have ids `<version hash>.<random>` and are found by that
//! prefix until the document's next change lists them.

use chrono::{DateTime, NaiveDate, Utc};
use ring::digest;
use rusqlite::Connection;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::codec::{decode, encode};
use super::content::{DocumentContent, DocumentKind};
use super::record_kinds::{ATTACHED_KINDS, DOCUMENT_KIND, MAX_DOCUMENT_BYTES, SIGN_OFF_KIND};
use super::revocation::Revocation;
use super::types::{
    DocumentSummary, DocumentVersion, SignOff, StatusChange, VersionStatus, VersionSummary, Witness,
};
use crate::crypto;
use crate::error::{HavenError, Result};
use crate::records::{self, Scope};

/// Domain separation for version hashes.
const HASH_DOMAIN: &[u8] = b"haven-document-version-v1\0";
/// Format of the canonical version bytes.
const VERSION_FORMAT: u8 = 1;
/// Format of the state payload.
const STATE_FORMAT: u8 = 1;

/// The canonical bytes of a version are the JSON of this struct, stored
/// verbatim; its SHA-256 is the version's hash.
#[derive(Serialize, Deserialize)]
pub(crate) struct Preimage {
    format: u8,
    /// 128 random bits, only ever inside the ciphertext: the hash is stored
    /// in the clear (as the record id), and without a secret salt anyone
    /// could confirm a guessed content (an empty template, say) from it.
    salt: String,
    document_id: String,
    parent_hash: Option<String>,
    number: u32,
    created_at: DateTime<Utc>,
    pub(super) content: DocumentContent,
}

/// The per-document state record: index of versions, status, review date
/// and status log. Small, and the only document record ever rewritten.
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct State {
    v: u8,
    pub(crate) kind: DocumentKind,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) versions: Vec<StateVersion>,
    pub(crate) next_review: Option<NaiveDate>,
    pub(crate) last_signed_on: Option<NaiveDate>,
    pub(crate) log: Vec<StatusChange>,
}

/// One version as the state knows it (no content).
#[derive(Clone, Serialize, Deserialize)]
pub(crate) struct StateVersion {
    pub(crate) hash: String,
    pub(crate) parent_hash: Option<String>,
    pub(crate) number: u32,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) status: VersionStatus,
    pub(crate) signed_on: Option<NaiveDate>,
    /// Every record attached to this version, oldest first. `None` in
    /// states written before issue 9 (see the module comment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) attached: Option<Vec<AttachedRef>>,
    /// When and how the person withdrew it; `None` unless revoked (and in
    /// states written before issue 11's revocation record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) revocation: Option<Revocation>,
    /// The witness's own attestation of this version (issue 11), recorded
    /// on the draft and copied into the sign-off when it is signed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) witness: Option<Witness>,
}

/// One record attached to a version, as its document's state lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct AttachedRef {
    pub(crate) kind: String,
    pub(crate) id: String,
}

impl State {
    pub(crate) fn new(kind: DocumentKind, created_at: DateTime<Utc>) -> Self {
        Self {
            v: STATE_FORMAT,
            kind,
            created_at,
            versions: Vec::new(),
            next_review: None,
            last_signed_on: None,
            log: Vec::new(),
        }
    }

    pub(crate) fn version(&self, hash: &str) -> Result<&StateVersion> {
        self.versions
            .iter()
            .find(|v| v.hash == hash)
            .ok_or_else(|| HavenError::not_found("version", hash))
    }

    fn version_mut(&mut self, hash: &str) -> Result<&mut StateVersion> {
        self.versions
            .iter_mut()
            .find(|v| v.hash == hash)
            .ok_or_else(|| HavenError::not_found("version", hash))
    }

    pub(crate) fn active(&self) -> Option<&StateVersion> {
        self.versions
            .iter()
            .find(|v| v.status == VersionStatus::Active)
    }

    /// Sets a version's status and appends to the log.
    pub(crate) fn set_status(&mut self, hash: &str, to: VersionStatus, at: DateTime<Utc>) {
        if let Some(v) = self.versions.iter_mut().find(|v| v.hash == hash) {
            self.log.push(StatusChange {
                version_hash: hash.to_string(),
                from: Some(v.status),
                to,
                at,
            });
            v.status = to;
        }
    }

    /// Keeps the witness's attestation of a version.
    pub(crate) fn attest(&mut self, hash: &str, witness: Witness) -> Result<()> {
        self.version_mut(hash)?.witness = Some(witness);
        Ok(())
    }

    /// Marks a version revoked with its record, appending to the log.
    pub(crate) fn revoke(
        &mut self,
        hash: &str,
        revocation: Revocation,
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.version_mut(hash)?.revocation = Some(revocation);
        self.set_status(hash, VersionStatus::Revoked, at);
        Ok(())
    }

    pub(crate) fn summary_of(&self, document_id: &str, v: &StateVersion) -> VersionSummary {
        VersionSummary {
            document_id: document_id.to_string(),
            kind: self.kind,
            hash: v.hash.clone(),
            parent_hash: v.parent_hash.clone(),
            number: shown(v.number),
            created_at: v.created_at,
            status: v.status,
            signed_on: v.signed_on,
        }
    }

    pub(crate) fn document_summary(&self, id: &str) -> DocumentSummary {
        DocumentSummary {
            id: id.to_string(),
            kind: self.kind,
            created_at: self.created_at,
            version_count: i32::try_from(self.versions.len()).unwrap_or(i32::MAX),
            latest_hash: self
                .versions
                .last()
                .map(|v| v.hash.clone())
                .unwrap_or_default(),
            active_hash: self.active().map(|v| v.hash.clone()),
            last_signed_on: self.last_signed_on,
            next_review: self.next_review,
        }
    }
}

/// SHA-256 of canonical version bytes, with domain separation, in hex.
pub(crate) fn version_hash(bytes: &[u8]) -> String {
    let mut ctx = digest::Context::new(&digest::SHA256);
    ctx.update(HASH_DOMAIN);
    ctx.update(bytes);
    data_encoding::HEXLOWER.encode(ctx.finish().as_ref())
}

/// Reads the state of `document_id`.
pub(crate) fn load_state(conn: &Connection, scope: &Scope<'_>, document_id: &str) -> Result<State> {
    let row = records::fetch(conn, DOCUMENT_KIND, document_id)?
        .ok_or_else(|| HavenError::not_found("document", document_id))?;
    let plain = scope.open(DOCUMENT_KIND, &row)?;
    decode(&plain, document_id)
}

/// Rewrites the state of `document_id`.
pub(crate) fn store_state(
    conn: &Connection,
    scope: &Scope<'_>,
    document_id: &str,
    state: &State,
) -> Result<()> {
    scope.update(conn, DOCUMENT_KIND, document_id, &encode(state)?)
}

/// Reads, authenticates and re-hashes one version. A version whose bytes
/// do not hash to its id, or that names another document, is corrupt.
pub(crate) fn load_version(
    conn: &Connection,
    scope: &Scope<'_>,
    kind: DocumentKind,
    document_id: &str,
    hash: &str,
) -> Result<Preimage> {
    let record_kind = kind.version_record_kind();
    let row = records::fetch(conn, record_kind, hash)?
        .ok_or_else(|| HavenError::not_found("version", hash))?;
    let plain = scope.open(record_kind, &row)?;
    let corrupt = || HavenError::Corrupt {
        record_id: Some(hash.to_string()),
    };
    if version_hash(&plain) != hash {
        return Err(corrupt());
    }
    let p: Preimage = decode(&plain, hash)?;
    if p.format != VERSION_FORMAT || p.document_id != document_id || p.content.kind() != kind {
        return Err(corrupt());
    }
    Ok(p)
}

/// Seals a new version, records it in `state` as a draft, and returns it.
pub(crate) fn write_version(
    conn: &Connection,
    scope: &Scope<'_>,
    state: &mut State,
    document_id: &str,
    parent: Option<(&str, u32)>,
    content: DocumentContent,
) -> Result<DocumentVersion> {
    let created_at = Utc::now();
    let pre = Preimage {
        format: VERSION_FORMAT,
        salt: data_encoding::HEXLOWER.encode(&crypto::random_bytes(16)?),
        document_id: document_id.to_string(),
        parent_hash: parent.map(|(h, _)| h.to_string()),
        number: parent.map_or(1, |(_, n)| n.saturating_add(1)),
        created_at,
        content,
    };
    let bytes = encode(&pre)?;
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(HavenError::invalid(format!(
            "the document is {} bytes, over the limit of {MAX_DOCUMENT_BYTES} bytes (1 MiB)",
            bytes.len()
        )));
    }
    let hash = version_hash(&bytes);
    scope.insert(conn, state.kind.version_record_kind(), &hash, &bytes)?;
    state.versions.push(StateVersion {
        hash: hash.clone(),
        parent_hash: pre.parent_hash.clone(),
        number: pre.number,
        created_at,
        status: VersionStatus::Draft,
        signed_on: None,
        attached: Some(Vec::new()),
        revocation: None,
        witness: None,
    });
    state.log.push(StatusChange {
        version_hash: hash.clone(),
        from: None,
        to: VersionStatus::Draft,
        at: created_at,
    });
    Ok(DocumentVersion {
        document_id: document_id.to_string(),
        kind: state.kind,
        hash,
        parent_hash: pre.parent_hash,
        number: shown(pre.number),
        created_at,
        status: VersionStatus::Draft,
        content: pre.content,
        sign_off: None,
    })
}

/// A stored version number as the apps see it (a plain `i32`, Kotlin `Int`).
/// Numbers count versions from 1, so they never come near `i32::MAX`.
fn shown(number: u32) -> i32 {
    i32::try_from(number).unwrap_or(i32::MAX)
}

/// Reads one full version (content, status, sign-off).
pub(crate) fn read_version(
    conn: &Connection,
    scope: &Scope<'_>,
    state: &State,
    document_id: &str,
    hash: &str,
) -> Result<DocumentVersion> {
    let sv = state.version(hash)?;
    let p = load_version(conn, scope, state.kind, document_id, hash)?;
    if p.parent_hash != sv.parent_hash || p.number != sv.number {
        return Err(HavenError::Corrupt {
            record_id: Some(hash.to_string()),
        });
    }
    let sign_off = sign_off(conn, scope, state, document_id, hash)?;
    Ok(DocumentVersion {
        document_id: document_id.to_string(),
        kind: state.kind,
        hash: hash.to_string(),
        parent_hash: p.parent_hash,
        number: shown(p.number),
        created_at: p.created_at,
        status: sv.status,
        content: p.content,
        sign_off,
    })
}

/// Checks the whole chain of a document: every version authenticates,
/// hashes to its id, names the parent the index says, and every parent
/// exists with the number before it. `Corrupt` names the first bad version.
pub(crate) fn verify_chain(
    conn: &Connection,
    scope: &Scope<'_>,
    state: &State,
    document_id: &str,
) -> Result<()> {
    for sv in &state.versions {
        let p = load_version(conn, scope, state.kind, document_id, &sv.hash)?;
        let parent_ok = match &p.parent_hash {
            None => p.number == 1,
            Some(ph) => state
                .version(ph)
                .map(|parent| parent.number.saturating_add(1) == p.number)
                .unwrap_or(false),
        };
        if !parent_ok || p.parent_hash != sv.parent_hash || p.number != sv.number {
            return Err(HavenError::Corrupt {
                record_id: Some(sv.hash.clone()),
            });
        }
    }
    Ok(())
}

/// Every version's content of `kind`, across documents, for look-ups that
/// must see all of them (warning-sign ids). Each one is re-hashed.
pub(crate) fn all_contents(
    conn: &Connection,
    scope: &Scope<'_>,
    kind: DocumentKind,
) -> Result<Vec<DocumentContent>> {
    let record_kind = kind.version_record_kind();
    records::all(conn, record_kind)?
        .into_iter()
        .map(|row| {
            let plain = scope.open(record_kind, &row)?;
            if version_hash(&plain) != row.id {
                return Err(HavenError::Corrupt {
                    record_id: Some(row.id),
                });
            }
            let p: Preimage = decode(&plain, &row.id)?;
            Ok(p.content)
        })
        .collect()
}

/// Shared by sign-offs, reviews and departures: a payload attached to one
/// exact version, under a random id listed in the document's state, and
/// naming its document and version inside (so the AEAD binds them).
#[derive(Serialize, Deserialize)]
pub(crate) struct Attached<T> {
    v: u8,
    document_id: String,
    version_hash: String,
    pub(crate) recorded_at: DateTime<Utc>,
    pub(crate) body: T,
}

/// One attached record read back.
pub(crate) struct AttachedRecord<T> {
    pub(crate) id: String,
    pub(crate) recorded_at: DateTime<Utc>,
    pub(crate) body: T,
}

/// Appends a record of `kind` attached to `version_hash` and lists it in
/// `state` (which the caller stores in the same transaction); returns its
/// id.
#[allow(clippy::too_many_arguments)]
pub(crate) fn attach<T: Serialize>(
    conn: &Connection,
    scope: &Scope<'_>,
    state: &mut State,
    kind: &str,
    document_id: &str,
    version_hash: &str,
    recorded_at: DateTime<Utc>,
    body: &T,
) -> Result<String> {
    list_legacy_attachments(conn, state)?;
    let id = crypto::random_id()?;
    let payload = Attached {
        v: 1,
        document_id: document_id.to_string(),
        version_hash: version_hash.to_string(),
        recorded_at,
        body,
    };
    scope.insert(conn, kind, &id, &encode(&payload)?)?;
    state
        .version_mut(version_hash)?
        .attached
        .get_or_insert_with(Vec::new)
        .push(AttachedRef {
            kind: kind.to_string(),
            id: id.clone(),
        });
    Ok(id)
}

/// Lists, in `state`, the records attached to versions whose state lists
/// nothing yet (written before issue 9), found by their id prefix. Returns
/// whether `state` changed.
pub(crate) fn list_legacy_attachments(conn: &Connection, state: &mut State) -> Result<bool> {
    let mut changed = false;
    for v in state.versions.iter_mut().filter(|v| v.attached.is_none()) {
        let mut list = Vec::new();
        for kind in ATTACHED_KINDS {
            for row in records::with_id_prefix(conn, kind, &format!("{}.", v.hash))? {
                list.push(AttachedRef {
                    kind: kind.to_string(),
                    id: row.id,
                });
            }
        }
        v.attached = Some(list);
        changed = true;
    }
    Ok(changed)
}

/// Every record of `kind` attached to `version_hash`, oldest first, as
/// `state` lists them: a listed record that is missing is `Integrity`
/// naming it. A row whose id was rewritten fails to authenticate (its AEAD
/// bound the old id), and a payload naming another document or version is
/// refused: either way `Corrupt` with the row's id.
pub(crate) fn attached<T: DeserializeOwned>(
    conn: &Connection,
    scope: &Scope<'_>,
    state: &State,
    kind: &str,
    document_id: &str,
    version_hash: &str,
) -> Result<Vec<AttachedRecord<T>>> {
    let rows = match &state.version(version_hash)?.attached {
        Some(list) => list
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| {
                records::fetch(conn, kind, &a.id)?.ok_or_else(|| HavenError::Integrity {
                    what: format!(
                        "{kind} {} listed by document {document_id} is missing",
                        a.id
                    ),
                })
            })
            .collect::<Result<Vec<_>>>()?,
        None => records::with_id_prefix(conn, kind, &format!("{version_hash}."))?,
    };
    rows.into_iter()
        .map(|row| {
            let plain = scope.open(kind, &row)?;
            let a: Attached<T> = decode(&plain, &row.id)?;
            if a.v != 1 || a.document_id != document_id || a.version_hash != version_hash {
                return Err(HavenError::Corrupt {
                    record_id: Some(row.id),
                });
            }
            Ok(AttachedRecord {
                id: row.id,
                recorded_at: a.recorded_at,
                body: a.body,
            })
        })
        .collect()
}

/// The sign-off of a version, if it has one (the latest, if ever several).
pub(crate) fn sign_off(
    conn: &Connection,
    scope: &Scope<'_>,
    state: &State,
    document_id: &str,
    version_hash: &str,
) -> Result<Option<SignOff>> {
    let mut all =
        attached::<SignOff>(conn, scope, state, SIGN_OFF_KIND, document_id, version_hash)?;
    Ok(all.pop().map(|r| r.body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_pinned_domain_separated_sha256() {
        // Old hashes must never change: pinned against `sha256sum`.
        assert_eq!(
            version_hash(b""),
            "4a9a618f3734759e0169818e0e252d60d2a30e3b5a842a074d59af1a30efb186"
        );
        assert_eq!(
            version_hash(b"x"),
            "dbd893036c3899862a333059927585652f5eb90ef02a31f97ccfd1e41f7d0d29"
        );
    }

    /// Version bytes written by format 1. They must parse, and hash to the
    /// same value, forever: change the types only in ways that keep this green.
    const FROZEN_V1: &str = concat!(
        r#"{"format":1,"salt":"00112233445566778899aabbccddeeff","#,
        r#""document_id":"0123456789abcdef0123456789abcdef","parent_hash":null,"#,
        r#""number":1,"created_at":"2026-01-02T03:04:05.123456789Z","#,
        r#""content":{"crisis_plan":{"plan":{"when_well":"I walk the dog","#,
        r#""triggers":["noise"],"warning_signs":[{"id":"w1","text":"not sleeping"}],"#,
        r#""crisis_lines":[{"name":"Samaritans","number":"116 123","channel":"call","#,
        r#""text_message":"","hours":"24/7","notes":""}],"#,
        r#""crisis_treatment":{"preferred_setting":"home_treatment","#,
        r#""places_to_avoid":[],"notes":""}}}}}"#
    );

    #[test]
    fn frozen_format_1_version_still_parses_and_hashes_the_same() {
        let p: Preimage = serde_json::from_str(FROZEN_V1).unwrap();
        assert_eq!(p.format, 1);
        let plan = p.content.as_crisis_plan().unwrap();
        assert_eq!(plan.when_well, "I walk the dog");
        assert_eq!(plan.warning_signs[0].id, "w1");
        assert_eq!(
            plan.crisis_treatment.preferred_setting,
            crate::documents::CareSetting::HomeTreatment
        );
        assert_eq!(
            version_hash(FROZEN_V1.as_bytes()),
            "2f2bc2a9ff29097e63e3a0be3d1bc38d1b243a5f5cb602863c350498d1ddb38c"
        );
    }

    mod attached_listing {
        use chrono::Utc;

        use super::super::*;
        use crate::documents::record_kinds::DEPARTURE_KIND;
        use crate::documents::{AdvanceStatement, Clinician, NewDeparture, Section};
        use crate::{KdfParams, Vault};

        fn departure(reason: &str) -> NewDeparture {
            NewDeparture {
                section: Section::TreatmentRefusals,
                wish: String::new(),
                clinician: Clinician {
                    name: "Dr Rivera".into(),
                    role: "consultant".into(),
                    organisation: String::new(),
                },
                occurred_at: Utc::now(),
                time_known: true,
                reason: reason.into(),
                person_told: true,
                legal_authority: "Mental Health Act 1983 s.3".into(),
                second_opinion: crate::documents::SecondOpinion::NotObtained,
                others_told: Vec::new(),
            }
        }

        fn statement() -> (tempfile::TempDir, Vault, String, String) {
            let dir = tempfile::tempdir().unwrap();
            let (v, _) = Vault::create(
                &dir.path().join("v.haven"),
                "correct horse battery staple",
                KdfParams::minimum_for_tests(),
            )
            .unwrap();
            let first = v
                .create_document(AdvanceStatement::default().into())
                .unwrap();
            (dir, v, first.document_id, first.hash)
        }

        fn listed(v: &Vault, doc: &str, hash: &str) -> Option<Vec<AttachedRef>> {
            v.with_unlocked(|conn, scope| {
                Ok(load_state(conn, scope, doc)?
                    .version(hash)?
                    .attached
                    .clone())
            })
            .unwrap()
        }

        /// Deleted through the record layer (so the vault state agrees, as
        /// after a bug or a sync that lost it), a departure is still missed:
        /// its document's state lists it.
        #[test]
        fn a_listed_departure_that_vanishes_is_integrity_naming_it() {
            let (_dir, v, doc, hash) = statement();
            let kept = v
                .record_departure(&doc, &hash, departure("full ward"))
                .unwrap();
            let gone = v
                .record_departure(&doc, &hash, departure("no bed"))
                .unwrap();
            assert!(!gone.id.contains(&hash), "the id does not name the version");
            assert_eq!(
                listed(&v, &doc, &hash).unwrap(),
                [kept.id.clone(), gone.id.clone()].map(|id| AttachedRef {
                    kind: DEPARTURE_KIND.into(),
                    id
                })
            );
            v.with_unlocked(|conn, scope| scope.delete(conn, DEPARTURE_KIND, &gone.id))
                .unwrap();
            match v.departures(&doc, &hash) {
                Err(HavenError::Integrity { what }) => {
                    assert!(what.contains(&gone.id) && what.contains(&doc), "{what}")
                }
                other => panic!("expected Integrity, got {other:?}"),
            }
        }

        /// A state written before issue 9 lists nothing: its records (ids
        /// `<version hash>.<random>`) are found by that prefix, and the
        /// next change lists them together with the new one.
        #[test]
        fn records_from_before_the_listing_are_read_and_listed_on_the_next_change() {
            let (_dir, v, doc, hash) = statement();
            let old_id = format!("{hash}.{}", crypto::random_id().unwrap());
            v.with_unlocked(|conn, scope| {
                let mut state = load_state(conn, scope, &doc)?;
                for sv in &mut state.versions {
                    sv.attached = None;
                }
                store_state(conn, scope, &doc, &state)?;
                let payload = Attached {
                    v: 1,
                    document_id: doc.clone(),
                    version_hash: hash.clone(),
                    recorded_at: Utc::now(),
                    body: departure("written by an older build"),
                };
                scope.insert(conn, DEPARTURE_KIND, &old_id, &encode(&payload)?)
            })
            .unwrap();
            assert_eq!(listed(&v, &doc, &hash), None);
            let read = v.departures(&doc, &hash).unwrap();
            assert_eq!(read.len(), 1);
            assert_eq!(
                (read[0].id.as_str(), read[0].reason.as_str()),
                (old_id.as_str(), "written by an older build")
            );

            let new = v.record_departure(&doc, &hash, departure("new")).unwrap();
            let ids: Vec<String> = listed(&v, &doc, &hash)
                .unwrap()
                .into_iter()
                .map(|a| a.id)
                .collect();
            assert_eq!(ids, [old_id.clone(), new.id.clone()]);
            let reasons: Vec<String> = v
                .departures(&doc, &hash)
                .unwrap()
                .into_iter()
                .map(|d| d.reason)
                .collect();
            assert_eq!(reasons, ["written by an older build", "new"]);
            // Now listed, the old one cannot vanish alone either.
            v.with_unlocked(|conn, scope| scope.delete(conn, DEPARTURE_KIND, &old_id))
                .unwrap();
            assert!(matches!(
                v.departures(&doc, &hash),
                Err(HavenError::Integrity { .. })
            ));
        }
    }
}
