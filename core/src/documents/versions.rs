//! Document versions: saving, reading, history, status and the chain check.
//!
//! See the module documentation of [`documents`](super) for the chain. In
//! short: a version's record id is the SHA-256 of its canonical bytes, which
//! name the parent's hash; the AEAD binds the record id; a read re-hashes.
//! Status lives in a separate `document` record (the private `State`), updated in
//! the same transaction as any version it concerns.

use chrono::{DateTime, NaiveDate, Utc};
use ring::digest;
use rusqlite::Connection;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use unicode_normalization::{is_nfc, UnicodeNormalization};
use zeroize::Zeroizing;

use super::signoff::{self, SignOff};
use super::{redacted_debug, DocumentContent, DocumentKind, DOCUMENT_KIND, MAX_DOCUMENT_BYTES};
use crate::crypto;
use crate::error::{HavenError, Result};
use crate::records::{self, Scope};
use crate::vault::Vault;

/// Domain separation for version hashes.
const HASH_DOMAIN: &[u8] = b"haven-document-version-v1\0";
/// Format of the canonical version bytes.
const VERSION_FORMAT: u8 = 1;
/// Format of the state payload.
const STATE_FORMAT: u8 = 1;
/// Longest warning-sign id accepted.
const MAX_ITEM_ID_CHARS: usize = 64;

/// Where a version stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum VersionStatus {
    /// Saved, not signed. New versions start here.
    Draft,
    /// Signed and in force. At most one per document.
    Active,
    /// Was active; replaced by a later signed version.
    Superseded,
    /// Withdrawn by the person. Final.
    Revoked,
}

impl VersionStatus {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Active => "active",
            Self::Superseded => "superseded",
            Self::Revoked => "revoked",
        }
    }
}

/// One version of a document, with its content.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct DocumentVersion {
    /// The document's random id.
    pub document_id: String,
    /// Crisis plan or advance statement.
    pub kind: DocumentKind,
    /// SHA-256 of the canonical bytes, lowercase hex. Also the version's id.
    pub hash: String,
    /// The parent's hash; `None` for the first version.
    pub parent_hash: Option<String>,
    /// 1 for the first version, parent's number + 1 after (two children of
    /// one parent share a number).
    pub number: u32,
    /// When this version was saved.
    pub created_at: DateTime<Utc>,
    /// Current status (kept apart from the content).
    pub status: VersionStatus,
    /// What the person wrote.
    pub content: DocumentContent,
    /// The maker's sign-off, once signed.
    pub sign_off: Option<SignOff>,
}

/// A version without its content, for history lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct VersionSummary {
    /// The document's id.
    pub document_id: String,
    /// Crisis plan or advance statement.
    pub kind: DocumentKind,
    /// The version's hash (its id).
    pub hash: String,
    /// The parent's hash.
    pub parent_hash: Option<String>,
    /// Version number.
    pub number: u32,
    /// When it was saved.
    pub created_at: DateTime<Utc>,
    /// Current status.
    pub status: VersionStatus,
    /// The sign-off date, if signed.
    pub signed_on: Option<NaiveDate>,
}

/// A document at a glance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DocumentSummary {
    /// The document's random id.
    pub id: String,
    /// Crisis plan or advance statement.
    pub kind: DocumentKind,
    /// When the first version was saved.
    pub created_at: DateTime<Utc>,
    /// How many versions exist.
    pub version_count: u32,
    /// The most recently saved version.
    pub latest_hash: String,
    /// The active version, if any.
    pub active_hash: Option<String>,
    /// When a version was last signed (the "last reviewed" date).
    pub last_signed_on: Option<NaiveDate>,
    /// When the document is next due for review.
    pub next_review: Option<NaiveDate>,
}

/// One entry of a document's append-only status log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct StatusChange {
    /// The version whose status changed.
    pub version_hash: String,
    /// Its status before (`None` when it was created).
    pub from: Option<VersionStatus>,
    /// Its status after.
    pub to: VersionStatus,
    /// When.
    pub at: DateTime<Utc>,
}

redacted_debug!(DocumentVersion);

/// The canonical bytes of a version are the JSON of this struct, stored
/// verbatim; its SHA-256 is the version's hash.
#[derive(Serialize, Deserialize)]
struct Preimage {
    format: u8,
    /// 128 random bits, only ever inside the ciphertext: the hash is stored
    /// in the clear (as the record id), and without a secret salt anyone
    /// could confirm a guessed content (an empty template, say) from it.
    salt: String,
    document_id: String,
    parent_hash: Option<String>,
    number: u32,
    created_at: DateTime<Utc>,
    content: DocumentContent,
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
}

impl State {
    fn new(kind: DocumentKind, created_at: DateTime<Utc>) -> Self {
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

    fn summary_of(&self, document_id: &str, v: &StateVersion) -> VersionSummary {
        VersionSummary {
            document_id: document_id.to_string(),
            kind: self.kind,
            hash: v.hash.clone(),
            parent_hash: v.parent_hash.clone(),
            number: v.number,
            created_at: v.created_at,
            status: v.status,
            signed_on: v.signed_on,
        }
    }

    fn document_summary(&self, id: &str) -> DocumentSummary {
        DocumentSummary {
            id: id.to_string(),
            kind: self.kind,
            created_at: self.created_at,
            version_count: self.versions.len() as u32,
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

/// JSON-encodes a payload without ever quoting serde's message.
pub(crate) fn encode<T: Serialize>(value: &T) -> Result<Zeroizing<Vec<u8>>> {
    serde_json::to_vec(value)
        .map(Zeroizing::new)
        .map_err(|_| HavenError::invalid("the document could not be encoded"))
}

/// Decodes a payload; a failure is corruption of that record.
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8], record_id: &str) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|_| HavenError::Corrupt {
        record_id: record_id.to_string(),
    })
}

fn nfc_in_place(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) if !is_nfc(s) => *s = s.nfc().collect(),
        serde_json::Value::Array(items) => items.iter_mut().for_each(nfc_in_place),
        serde_json::Value::Object(map) => map.values_mut().for_each(nfc_in_place),
        _ => {}
    }
}

/// NFC-normalises every string in `value` (so text typed on two keyboards
/// compares equal, as in the journal).
pub(crate) fn normalise<T: Serialize + DeserializeOwned>(value: T) -> Result<T> {
    let mut v = serde_json::to_value(value)
        .map_err(|_| HavenError::invalid("the document could not be encoded"))?;
    nfc_in_place(&mut v);
    serde_json::from_value(v).map_err(|_| HavenError::invalid("the document could not be encoded"))
}

/// Normalises content and gives new warning signs their stable ids.
fn prepare(content: DocumentContent) -> Result<DocumentContent> {
    let mut content = normalise(content)?;
    if let DocumentContent::CrisisPlan { plan } = &mut content {
        let mut seen = std::collections::HashSet::new();
        for (i, sign) in plan.warning_signs.iter_mut().enumerate() {
            if sign.id.is_empty() {
                sign.id = crypto::random_id()?;
            }
            let valid_id = sign.id.len() <= MAX_ITEM_ID_CHARS
                && sign
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !valid_id {
                return Err(HavenError::invalid(format!(
                    "warning sign {}: an id is at most {MAX_ITEM_ID_CHARS} letters, digits, '-' or '_'",
                    i + 1
                )));
            }
            if !seen.insert(sign.id.clone()) {
                return Err(HavenError::invalid(format!(
                    "warning sign {}: two warning signs share one id",
                    i + 1
                )));
            }
        }
    }
    Ok(content)
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
fn load_version(
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
        record_id: hash.to_string(),
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
fn write_version(
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
        number: pre.number,
        created_at,
        status: VersionStatus::Draft,
        content: pre.content,
        sign_off: None,
    })
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
            record_id: hash.to_string(),
        });
    }
    let sign_off = signoff::load(conn, scope, document_id, hash)?;
    Ok(DocumentVersion {
        document_id: document_id.to_string(),
        kind: state.kind,
        hash: hash.to_string(),
        parent_hash: p.parent_hash,
        number: p.number,
        created_at: p.created_at,
        status: sv.status,
        content: p.content,
        sign_off,
    })
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
                return Err(HavenError::Corrupt { record_id: row.id });
            }
            let p: Preimage = decode(&plain, &row.id)?;
            Ok(p.content)
        })
        .collect()
}

impl Vault {
    /// Starts a new document whose first version (a draft) holds `content`.
    pub fn create_document(&self, content: DocumentContent) -> Result<DocumentVersion> {
        let content = prepare(content)?;
        let document_id = crypto::random_id()?;
        self.with_unlocked(|conn, scope| {
            let tx = conn.transaction()?;
            let mut state = State::new(content.kind(), Utc::now());
            let version = write_version(&tx, scope, &mut state, &document_id, None, content)?;
            scope.insert(&tx, DOCUMENT_KIND, &document_id, &encode(&state)?)?;
            tx.commit()?;
            Ok(version)
        })
    }

    /// Saves `content` as a new draft version, child of `parent_hash`,
    /// which must be the newest version: if a newer one was saved in the
    /// meantime (another screen, another process), nothing is saved and the
    /// error is [`HavenError::Conflict`] naming it, so an editor can show
    /// both. [`Vault::save_version_as_branch`] branches deliberately.
    pub fn save_version(
        &self,
        document_id: &str,
        parent_hash: &str,
        content: DocumentContent,
    ) -> Result<DocumentVersion> {
        self.save_child(document_id, parent_hash, content, false)
    }

    /// Saves `content` as a new draft version, child of `parent_hash`, even
    /// when that is not the newest version: a second branch, kept beside
    /// the first. For the rare deliberate case ("keep both").
    pub fn save_version_as_branch(
        &self,
        document_id: &str,
        parent_hash: &str,
        content: DocumentContent,
    ) -> Result<DocumentVersion> {
        self.save_child(document_id, parent_hash, content, true)
    }

    fn save_child(
        &self,
        document_id: &str,
        parent_hash: &str,
        content: DocumentContent,
        branch: bool,
    ) -> Result<DocumentVersion> {
        let content = prepare(content)?;
        self.with_unlocked(|conn, scope| {
            let tx = conn.transaction()?;
            let mut state = load_state(&tx, scope, document_id)?;
            if content.kind() != state.kind {
                return Err(HavenError::invalid(format!(
                    "this document is a {}, not a {}",
                    state.kind.label(),
                    content.kind().label()
                )));
            }
            let parent_number = state.version(parent_hash)?.number;
            if !branch {
                if let Some(newest) = state.versions.last() {
                    if newest.hash != parent_hash {
                        return Err(HavenError::Conflict {
                            newer_version: newest.hash.clone(),
                        });
                    }
                }
            }
            // Authenticate the parent before naming it.
            load_version(&tx, scope, state.kind, document_id, parent_hash)?;
            let version = write_version(
                &tx,
                scope,
                &mut state,
                document_id,
                Some((parent_hash, parent_number)),
                content,
            )?;
            store_state(&tx, scope, document_id, &state)?;
            tx.commit()?;
            Ok(version)
        })
    }

    /// One version, by hash.
    pub fn get_version(&self, document_id: &str, hash: &str) -> Result<DocumentVersion> {
        self.with_unlocked(|conn, scope| {
            let state = load_state(conn, scope, document_id)?;
            read_version(conn, scope, &state, document_id, hash)
        })
    }

    /// The most recently saved version.
    pub fn latest_version(&self, document_id: &str) -> Result<DocumentVersion> {
        self.with_unlocked(|conn, scope| {
            let state = load_state(conn, scope, document_id)?;
            let last = state
                .versions
                .last()
                .ok_or_else(|| HavenError::Corrupt {
                    record_id: document_id.to_string(),
                })?
                .hash
                .clone();
            read_version(conn, scope, &state, document_id, &last)
        })
    }

    /// The active (signed, in force) version, if there is one.
    pub fn active_version(&self, document_id: &str) -> Result<Option<DocumentVersion>> {
        self.with_unlocked(|conn, scope| {
            let state = load_state(conn, scope, document_id)?;
            match state.active().map(|v| v.hash.clone()) {
                Some(hash) => read_version(conn, scope, &state, document_id, &hash).map(Some),
                None => Ok(None),
            }
        })
    }

    /// Every version of a document, oldest first, without content.
    pub fn document_history(&self, document_id: &str) -> Result<Vec<VersionSummary>> {
        self.with_unlocked(|conn, scope| {
            let state = load_state(conn, scope, document_id)?;
            Ok(state
                .versions
                .iter()
                .map(|v| state.summary_of(document_id, v))
                .collect())
        })
    }

    /// Concatenates `of_version(hash)` over every version of a document,
    /// oldest version first: the shape of the clinician response log.
    pub(crate) fn per_version<T>(
        &self,
        document_id: &str,
        of_version: impl Fn(&str) -> Result<Vec<T>>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        for v in self.document_history(document_id)? {
            out.extend(of_version(&v.hash)?);
        }
        Ok(out)
    }

    /// The document's status log, oldest first (append-only).
    pub fn status_log(&self, document_id: &str) -> Result<Vec<StatusChange>> {
        self.with_unlocked(|conn, scope| Ok(load_state(conn, scope, document_id)?.log))
    }

    /// Every document, newest first.
    pub fn documents(&self) -> Result<Vec<DocumentSummary>> {
        self.with_unlocked(|conn, scope| {
            records::all(conn, DOCUMENT_KIND)?
                .iter()
                .map(|row| {
                    let plain = scope.open(DOCUMENT_KIND, row)?;
                    let state: State = decode(&plain, &row.id)?;
                    Ok(state.document_summary(&row.id))
                })
                .collect()
        })
    }

    /// Revokes a version (the person withdraws it). Revoking the active
    /// version leaves the document with none active. Revocation is final;
    /// the content stays readable in the history.
    pub fn revoke_version(&self, document_id: &str, hash: &str) -> Result<()> {
        self.with_unlocked(|conn, scope| {
            let tx = conn.transaction()?;
            let mut state = load_state(&tx, scope, document_id)?;
            if state.version(hash)?.status == VersionStatus::Revoked {
                return Err(HavenError::invalid("this version is already revoked"));
            }
            state.set_status(hash, VersionStatus::Revoked, Utc::now());
            store_state(&tx, scope, document_id, &state)?;
            tx.commit()?;
            Ok(())
        })
    }

    /// Checks the whole chain of a document: every version authenticates,
    /// hashes to its id, names the parent the index says, and every parent
    /// exists with the number before it. `Corrupt` names the first bad version.
    pub fn verify_document(&self, document_id: &str) -> Result<()> {
        self.with_unlocked(|conn, scope| {
            let state = load_state(conn, scope, document_id)?;
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
                        record_id: sv.hash.clone(),
                    });
                }
            }
            Ok(())
        })
    }
}

/// Shared by sign-offs, reviews and departures: a payload attached to one
/// exact version, stored under id `<version hash>.<random>` so the AEAD
/// binds the version, and repeating document id and version hash inside.
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

/// Appends a record of `kind` attached to `version_hash`; returns its id.
pub(crate) fn attach<T: Serialize>(
    conn: &Connection,
    scope: &Scope<'_>,
    kind: &str,
    document_id: &str,
    version_hash: &str,
    recorded_at: DateTime<Utc>,
    body: &T,
) -> Result<String> {
    let id = format!("{version_hash}.{}", crypto::random_id()?);
    let payload = Attached {
        v: 1,
        document_id: document_id.to_string(),
        version_hash: version_hash.to_string(),
        recorded_at,
        body,
    };
    scope.insert(conn, kind, &id, &encode(&payload)?)?;
    Ok(id)
}

/// Every record of `kind` attached to `version_hash`, oldest first. A row
/// whose id was rewritten to point at this version fails to authenticate
/// (its AEAD bound the old id), and a payload naming another document or
/// version is refused: either way `Corrupt` with the row's id.
pub(crate) fn attached<T: DeserializeOwned>(
    conn: &Connection,
    scope: &Scope<'_>,
    kind: &str,
    document_id: &str,
    version_hash: &str,
) -> Result<Vec<AttachedRecord<T>>> {
    records::with_id_prefix(conn, kind, &format!("{version_hash}."))?
        .into_iter()
        .map(|row| {
            let plain = scope.open(kind, &row)?;
            let a: Attached<T> = decode(&plain, &row.id)?;
            if a.v != 1 || a.document_id != document_id || a.version_hash != version_hash {
                return Err(HavenError::Corrupt { record_id: row.id });
            }
            Ok(AttachedRecord {
                id: row.id,
                recorded_at: a.recorded_at,
                body: a.body,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::{CrisisPlan, WarningSign};

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

    #[test]
    fn prepare_assigns_ids_and_refuses_duplicates() {
        let mut plan = CrisisPlan {
            warning_signs: vec![WarningSign::new("a"), WarningSign::new("b")],
            ..Default::default()
        };
        let DocumentContent::CrisisPlan { plan: out } = prepare(plan.clone().into()).unwrap()
        else {
            unreachable!()
        };
        assert_eq!(out.warning_signs[0].id.len(), 32);
        assert_ne!(out.warning_signs[0].id, out.warning_signs[1].id);

        plan.warning_signs[0].id = "same".into();
        plan.warning_signs[1].id = "same".into();
        assert!(prepare(plan.clone().into()).is_err());
        plan.warning_signs[1].id = "bad id!".into();
        assert!(prepare(plan.into()).is_err());
    }

    #[test]
    fn normalise_makes_text_nfc() {
        let plan = CrisisPlan {
            when_well: "e\u{301}te\u{301}".into(),
            ..Default::default()
        };
        let out = normalise(plan).unwrap();
        assert_eq!(out.when_well, "\u{e9}t\u{e9}");
    }
}
