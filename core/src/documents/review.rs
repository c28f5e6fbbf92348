//! Clinician consultation reviews of an advance statement version: who
//! considered it, when, and per section whether each wish is agreed, noted or
//! cannot be followed (with the reason, which is required), and whether the
//! person was told.
//!
//! Append-only: there is no API to edit or delete a review. Each review is
//! attached to the exact version reviewed: listed under it in the document's
//! state (see `store.rs`), version hash and document id repeated in the
//! payload.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::change::{ChangeInput, Open};
use super::codec::normalise;
use super::contacts::Clinician;
use super::content::{DocumentKind, Section};
use super::date_bounds;
use super::record_kinds::REVIEW_KIND;
use super::redact::redacted_debug;
use super::store::{attached, load_state};
use crate::error::{HavenError, Result};
use crate::vault::Vault;

/// A clinician's response to one section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ReviewResponse {
    /// The wishes will be followed.
    Agreed,
    /// Read and noted.
    Noted,
    /// Cannot be followed; a reason is required.
    CannotFollow,
}

/// The response to one section.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct SectionResponse {
    /// The section (of an advance statement).
    pub section: Section,
    /// Agreed, noted or cannot follow.
    pub response: ReviewResponse,
    /// Why; required when the response is `cannot_follow`.
    #[serde(default)]
    pub reason: String,
    /// Whether the person was told of this response.
    #[serde(default)]
    pub person_told: bool,
}

/// A review as the clinician enters it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct NewConsultationReview {
    /// Who reviewed (name, role, organisation: all required).
    pub clinician: Clinician,
    /// The date of the consultation.
    pub reviewed_on: NaiveDate,
    /// One response per section considered.
    pub responses: Vec<SectionResponse>,
    /// Anything else the clinician wants recorded.
    #[serde(default)]
    pub notes: String,
}

/// A stored review.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct ConsultationReview {
    /// The review's record id (random; `<version hash>.<random>` if written
    /// before issue 9).
    pub id: String,
    /// The document reviewed.
    pub document_id: String,
    /// The exact version reviewed.
    pub version_hash: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who reviewed.
    pub clinician: Clinician,
    /// The date of the consultation.
    pub reviewed_on: NaiveDate,
    /// Responses per section.
    pub responses: Vec<SectionResponse>,
    /// Notes.
    pub notes: String,
}

redacted_debug!(SectionResponse, NewConsultationReview, ConsultationReview);

/// A review is normalised, and refused without who reviewed, without any
/// response, or with a response that cannot stand (see `check`).
impl ChangeInput for NewConsultationReview {
    fn prepare(self) -> Result<Self> {
        let review = normalise(self)?;
        check(&review)?;
        date_bounds::not_in_future(review.reviewed_on, "the consultation review")?;
        Ok(review)
    }
}

fn check(review: &NewConsultationReview) -> Result<()> {
    let c = &review.clinician;
    for (value, what) in [
        (&c.name, "name"),
        (&c.role, "role"),
        (&c.organisation, "organisation"),
    ] {
        if value.trim().is_empty() {
            return Err(HavenError::invalid(format!(
                "the reviewer's {what} is missing"
            )));
        }
    }
    if review.responses.is_empty() {
        return Err(HavenError::invalid(
            "a review needs a response for at least one section",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for r in &review.responses {
        if r.section.document_kind() != Some(DocumentKind::AdvanceStatement) {
            return Err(HavenError::invalid(format!(
                "section {} is not part of an advance statement",
                r.section.key()
            )));
        }
        if !seen.insert(r.section) {
            return Err(HavenError::invalid(format!(
                "section {} has more than one response",
                r.section.key()
            )));
        }
        if r.response == ReviewResponse::CannotFollow && r.reason.trim().is_empty() {
            return Err(HavenError::invalid(format!(
                "section {}: a reason is required when a wish cannot be followed",
                r.section.key()
            )));
        }
    }
    Ok(())
}

impl Vault {
    /// Records a clinician's consultation review of one advance-statement
    /// version. Append-only: reviews cannot be edited or deleted.
    /// `InvalidInput` if it is dated before the version was created or
    /// after today.
    pub fn add_consultation_review(
        &self,
        document_id: &str,
        version_hash: &str,
        review: NewConsultationReview,
    ) -> Result<ConsultationReview> {
        self.change_document(document_id, Open::Existing, review, |doc, review| {
            if doc.state().kind != DocumentKind::AdvanceStatement {
                return Err(HavenError::invalid(
                    "consultation reviews are for advance statements",
                ));
            }
            date_bounds::not_before_version(
                review.reviewed_on,
                doc.state().version(version_hash)?.created_at,
                "the consultation review",
            )?;
            let now = Utc::now();
            let id = doc.attach(REVIEW_KIND, version_hash, now, &review)?;
            Ok(ConsultationReview {
                id,
                document_id: document_id.to_string(),
                version_hash: version_hash.to_string(),
                recorded_at: now,
                clinician: review.clinician,
                reviewed_on: review.reviewed_on,
                responses: review.responses,
                notes: review.notes,
            })
        })
    }

    /// The reviews of one version, oldest first. `Corrupt` if any review row
    /// was tampered with or moved from another version.
    pub fn consultation_reviews(
        &self,
        document_id: &str,
        version_hash: &str,
    ) -> Result<Vec<ConsultationReview>> {
        self.with_unlocked(|conn, scope| {
            let state = load_state(conn, scope, document_id)?;
            state.version(version_hash)?;
            let rows = attached::<NewConsultationReview>(
                conn,
                scope,
                &state,
                REVIEW_KIND,
                document_id,
                version_hash,
            )?;
            Ok(rows
                .into_iter()
                .map(|r| ConsultationReview {
                    id: r.id,
                    document_id: document_id.to_string(),
                    version_hash: version_hash.to_string(),
                    recorded_at: r.recorded_at,
                    clinician: r.body.clinician,
                    reviewed_on: r.body.reviewed_on,
                    responses: r.body.responses,
                    notes: r.body.notes,
                })
                .collect())
        })
    }

    /// Every consultation review of any version of a document: by version
    /// (oldest version first), then oldest first. This with
    /// [`Vault::all_departures`] is the clinician response log.
    pub fn all_consultation_reviews(&self, document_id: &str) -> Result<Vec<ConsultationReview>> {
        self.per_version(document_id, |hash| {
            self.consultation_reviews(document_id, hash)
        })
    }
}
