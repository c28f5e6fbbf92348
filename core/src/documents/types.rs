//! The plain types of document versions: status, a version with its
//! content, summaries, the status log and the maker's sign-off. A leaf of
//! `documents/` (it imports only other plain types), so storage, sign-off
//! and validation can all use it without importing each other.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::content::{DocumentContent, DocumentKind};
use super::redact::redacted_debug;

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
    /// one parent share a number). Signed, like every number the apps see
    /// (Kotlin `Int`); stored as `u32`.
    pub number: i32,
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
    pub number: i32,
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
    pub version_count: i32,
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

/// The maker's confirmation of a version.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct SignOff {
    /// The maker's name, as signed.
    pub maker_name: String,
    /// The date signed.
    pub signed_on: NaiveDate,
    /// The maker confirms they had capacity to make the document (required
    /// for an advance statement only: see `validation.rs`).
    pub confirms_capacity: bool,
    /// The maker's statement of capacity, in their words (optional).
    pub capacity_statement: String,
    /// Any support used to make it (advocate, peer worker, easy read); empty if none.
    pub support_used: String,
    /// The witness, if any (required for refusals of life-sustaining
    /// treatment). Taken, when signing, from the attestation the witness
    /// recorded themselves ([`Vault::witness_version`](crate::Vault::witness_version));
    /// pass `None`: a sign-off that carries one is refused.
    pub witness: Option<Witness>,
}

/// A witness to the maker's signature, as the witness attests it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Witness {
    /// The witness's name.
    pub name: String,
    /// Their role ("friend", "advocate", "GP").
    pub role: String,
    /// The date witnessed.
    pub signed_on: Option<NaiveDate>,
    /// The witness confirms the maker understood what they signed.
    pub confirms_understanding: bool,
    /// The witness confirms the maker was under no undue influence.
    pub confirms_no_undue_influence: bool,
    /// The witness's statement, in their words.
    pub statement: String,
    /// The witness recorded this themselves (`Vault::witness_version`).
    /// `false` for witnesses the maker typed in before issue 11: exports
    /// then say the maker entered it and the witness did not attest it.
    /// Set by the vault; what a caller passes is ignored.
    pub attested_by_witness: bool,
}

redacted_debug!(SignOff, Witness);
