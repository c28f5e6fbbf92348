//! Crisis plan and advance statement, as the apps call them.

use chrono::NaiveDate;
use haven_core::documents::{self, DocumentSummary, StatusChange};
use haven_core::{
    AdvanceStatement, ConsultationReview, CrisisLine, CrisisPlan, Departure, DocumentContent,
    DocumentKind, DocumentVersion, Entry, HavenError, NewConsultationReview, NewDeparture, Region,
    ReviewDue, SectionDiff, SignOff, ValidationProblem, VersionSummary,
};

use crate::guard::guard;
use crate::numbers::count;
use crate::vault::HavenVault;

/// What `save_version` did.
#[derive(uniffi::Enum, Debug)]
// Built once per save and lowered to the app straight away; boxing would
// only add an allocation (and uniffi lowers records by value).
#[allow(clippy::large_enum_variant)]
pub enum SaveOutcome {
    /// Saved as the newest version.
    Saved {
        /// The new version.
        version: DocumentVersion,
    },
    /// Not saved: a newer version exists than the one the edit started
    /// from. Show `newer` beside the edit.
    Conflict {
        /// The newest version, without content (fetch it with `get_version`).
        newer: VersionSummary,
    },
}

/// A new crisis plan with the region's default crisis lines.
#[uniffi::export]
pub fn new_crisis_plan(region: Region) -> CrisisPlan {
    CrisisPlan::new_for_region(region)
}

/// A new, empty advance statement to fill in section by section. (The
/// generated records have no default values, so the apps start from this.)
#[uniffi::export]
pub fn new_advance_statement() -> AdvanceStatement {
    AdvanceStatement::default()
}

/// The default crisis lines for a region.
#[uniffi::export]
pub fn default_crisis_lines(region: Region) -> Vec<CrisisLine> {
    CrisisLine::defaults_for(region)
}

/// What to tell the person, plainly, when they write treatment refusals
/// (medication above all): what `jurisdiction`'s mental health law can
/// override, and what it cannot. Show it beside the refusals section.
#[uniffi::export]
pub fn medication_refusal_notice(jurisdiction: documents::Jurisdiction) -> String {
    documents::medication_refusal_notice(jurisdiction)
}

/// Validates content (and an intended sign-off) without saving anything.
#[uniffi::export]
pub fn validate_content(
    content: DocumentContent,
    sign_off: Option<SignOff>,
) -> Vec<ValidationProblem> {
    documents::validate(&content, sign_off.as_ref())
}

#[uniffi::export]
impl HavenVault {
    /// Creates a document with its first (draft) version.
    pub fn create_document(&self, content: DocumentContent) -> Result<DocumentVersion, HavenError> {
        guard(|| self.vault.create_document(content))
    }

    /// Saves a new version whose parent is `parent_hash`, which must be the
    /// newest version. If another screen or process saved a newer one in
    /// the meantime, nothing is saved and the outcome is
    /// [`SaveOutcome::Conflict`] naming it; show both, then save from it or
    /// call [`HavenVault::save_version_as_branch`] to keep both.
    pub fn save_version(
        &self,
        document_id: String,
        parent_hash: String,
        content: DocumentContent,
    ) -> Result<SaveOutcome, HavenError> {
        guard(
            || match self.vault.save_version(&document_id, &parent_hash, content) {
                Ok(version) => Ok(SaveOutcome::Saved { version }),
                Err(HavenError::Conflict { newer_version }) => Ok(SaveOutcome::Conflict {
                    newer: self
                        .vault
                        .document_history(&document_id)?
                        .into_iter()
                        .find(|v| v.hash == newer_version)
                        .ok_or_else(|| HavenError::not_found("version", &newer_version))?,
                }),
                Err(e) => Err(e),
            },
        )
    }

    /// Saves a new version from `parent_hash` even when it is not the
    /// newest: a deliberate second branch, kept beside the first.
    pub fn save_version_as_branch(
        &self,
        document_id: String,
        parent_hash: String,
        content: DocumentContent,
    ) -> Result<DocumentVersion, HavenError> {
        guard(|| {
            self.vault
                .save_version_as_branch(&document_id, &parent_hash, content)
        })
    }

    /// The crisis plan the app shows: its active (signed) version, else its
    /// newest draft; `None` before one is created.
    pub fn crisis_plan(&self) -> Result<Option<DocumentVersion>, HavenError> {
        guard(|| {
            let Some(doc) = self
                .vault
                .documents()?
                .into_iter()
                .find(|d| d.kind == DocumentKind::CrisisPlan)
            else {
                return Ok(None);
            };
            match self.vault.active_version(&doc.id)? {
                Some(v) => Ok(Some(v)),
                None => Ok(Some(self.vault.latest_version(&doc.id)?)),
            }
        })
    }

    /// Re-reads every version of a document and checks the hash chain.
    pub fn verify_document(&self, document_id: String) -> Result<(), HavenError> {
        guard(|| self.vault.verify_document(&document_id))
    }

    /// Sets (or clears, with `None`) the date the document should be
    /// reviewed by.
    pub fn set_next_review(
        &self,
        document_id: String,
        date: Option<NaiveDate>,
    ) -> Result<(), HavenError> {
        guard(|| self.vault.set_next_review(&document_id, date))
    }

    /// Reviews of every version of a document, oldest version first.
    pub fn all_consultation_reviews(
        &self,
        document_id: String,
    ) -> Result<Vec<ConsultationReview>, HavenError> {
        guard(|| self.vault.all_consultation_reviews(&document_id))
    }

    /// Departures recorded against one version.
    pub fn departures(
        &self,
        document_id: String,
        version_hash: String,
    ) -> Result<Vec<Departure>, HavenError> {
        guard(|| self.vault.departures(&document_id, &version_hash))
    }

    /// Removes a link between an entry and a warning sign; false if there
    /// was none.
    pub fn unlink_entry_from_warning_sign(
        &self,
        entry_id: String,
        warning_sign_id: String,
    ) -> Result<bool, HavenError> {
        guard(|| {
            self.vault
                .unlink_entry_from_warning_sign(&entry_id, &warning_sign_id)
        })
    }

    /// The warning signs an entry is linked to (their ids).
    pub fn warning_signs_linked_to_entry(
        &self,
        entry_id: String,
    ) -> Result<Vec<String>, HavenError> {
        guard(|| self.vault.warning_signs_linked_to_entry(&entry_id))
    }

    /// One version.
    pub fn get_version(
        &self,
        document_id: String,
        hash: String,
    ) -> Result<DocumentVersion, HavenError> {
        guard(|| self.vault.get_version(&document_id, &hash))
    }

    /// The newest version.
    pub fn latest_version(&self, document_id: String) -> Result<DocumentVersion, HavenError> {
        guard(|| self.vault.latest_version(&document_id))
    }

    /// The active (signed) version, if any.
    pub fn active_version(
        &self,
        document_id: String,
    ) -> Result<Option<DocumentVersion>, HavenError> {
        guard(|| self.vault.active_version(&document_id))
    }

    /// Every version, oldest first.
    pub fn document_history(&self, document_id: String) -> Result<Vec<VersionSummary>, HavenError> {
        guard(|| self.vault.document_history(&document_id))
    }

    /// Every status change, oldest first.
    pub fn status_log(&self, document_id: String) -> Result<Vec<StatusChange>, HavenError> {
        guard(|| self.vault.status_log(&document_id))
    }

    /// Every document in the vault.
    pub fn documents(&self) -> Result<Vec<DocumentSummary>, HavenError> {
        guard(|| self.vault.documents())
    }

    /// Revokes a version, recording when and how the person withdrew it
    /// (in Scotland: in writing and witnessed, s.275(3)).
    pub fn revoke_version(
        &self,
        document_id: String,
        hash: String,
        revocation: documents::Revocation,
    ) -> Result<(), HavenError> {
        guard(|| self.vault.revoke_version(&document_id, &hash, revocation))
    }

    /// When and how a version was revoked (`None` if it is not, or was
    /// revoked before revocations were recorded).
    pub fn revocation(
        &self,
        document_id: String,
        hash: String,
    ) -> Result<Option<documents::Revocation>, HavenError> {
        guard(|| self.vault.revocation(&document_id, &hash))
    }

    /// Section-by-section differences between two versions.
    pub fn diff_versions(
        &self,
        document_id: String,
        from_hash: String,
        to_hash: String,
    ) -> Result<Vec<SectionDiff>, HavenError> {
        guard(|| self.vault.diff_versions(&document_id, &from_hash, &to_hash))
    }

    /// What stops a version from being signed, by section.
    pub fn validate_version(
        &self,
        document_id: String,
        version_hash: String,
    ) -> Result<Vec<ValidationProblem>, HavenError> {
        guard(|| self.vault.validate_version(&document_id, &version_hash))
    }

    /// The witness records their own attestation of a draft, in the
    /// maker's presence (the app hands the device to the witness and calls
    /// this), before the maker signs it the same day. The maker's
    /// `SignOff` then carries no witness: signing takes this one.
    pub fn witness_version(
        &self,
        document_id: String,
        hash: String,
        witness: documents::Witness,
    ) -> Result<(), HavenError> {
        guard(|| self.vault.witness_version(&document_id, &hash, witness))
    }

    /// The witness's attestation of a version, if one was recorded.
    pub fn witness_attestation(
        &self,
        document_id: String,
        hash: String,
    ) -> Result<Option<documents::Witness>, HavenError> {
        guard(|| self.vault.witness_attestation(&document_id, &hash))
    }

    /// The maker signs a draft; it becomes the active version. Pass no
    /// witness in `sign_off`: the witness attests with `witness_version`.
    pub fn sign_version(
        &self,
        document_id: String,
        version_hash: String,
        sign_off: SignOff,
    ) -> Result<DocumentVersion, HavenError> {
        guard(|| {
            self.vault
                .sign_version(&document_id, &version_hash, sign_off)
        })
    }

    /// Records a clinician's consultation review of a statement version.
    pub fn add_consultation_review(
        &self,
        document_id: String,
        version_hash: String,
        review: NewConsultationReview,
    ) -> Result<ConsultationReview, HavenError> {
        guard(|| {
            self.vault
                .add_consultation_review(&document_id, &version_hash, review)
        })
    }

    /// Reviews of one version.
    pub fn consultation_reviews(
        &self,
        document_id: String,
        version_hash: String,
    ) -> Result<Vec<ConsultationReview>, HavenError> {
        guard(|| self.vault.consultation_reviews(&document_id, &version_hash))
    }

    /// Records an occasion when a wish was not followed.
    pub fn record_departure(
        &self,
        document_id: String,
        version_hash: String,
        departure: NewDeparture,
    ) -> Result<Departure, HavenError> {
        guard(|| {
            self.vault
                .record_departure(&document_id, &version_hash, departure)
        })
    }

    /// Departures from every version of a document.
    pub fn all_departures(&self, document_id: String) -> Result<Vec<Departure>, HavenError> {
        guard(|| self.vault.all_departures(&document_id))
    }

    /// Documents whose review is due within `within_days` (or overdue).
    pub fn reviews_due(&self, within_days: i32) -> Result<Vec<ReviewDue>, HavenError> {
        guard(|| {
            let within_days = count(within_days, "the number of days")?;
            self.vault.reviews_due_now(within_days)
        })
    }

    /// Links a journal entry to a crisis-plan warning sign.
    pub fn link_entry_to_warning_sign(
        &self,
        entry_id: String,
        warning_sign_id: String,
    ) -> Result<(), HavenError> {
        guard(|| {
            self.vault
                .link_entry_to_warning_sign(&entry_id, &warning_sign_id)
        })
    }

    /// Journal entries linked to a warning sign.
    pub fn entries_linked_to_warning_sign(
        &self,
        warning_sign_id: String,
    ) -> Result<Vec<Entry>, HavenError> {
        guard(|| self.vault.entries_linked_to_warning_sign(&warning_sign_id))
    }
}
