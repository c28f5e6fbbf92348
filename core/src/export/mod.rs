//! Exports of a crisis plan or advance statement for people outside the app:
//! PDFs to print or send ([`pdf`]) and an HL7 FHIR R4 Bundle for clinical
//! systems ([`fhir`]).
//!
//! # Shape of the API
//!
//! Every export is a pure function of an [`ExportDocument`]: one exact
//! version plus what is attached to it (sign-off, clinician reviews,
//! departures, review date). [`Vault::export_document`] gathers that from the
//! vault in one call; the free functions then render it, so they can be used
//! (and tested) without a vault, and a caller who already holds the version
//! reads nothing twice. The `Vault::*_pdf` and [`Vault::fhir_bundle`]
//! shorthands do both.
//!
//! Every export returns bytes (`Vec<u8>`) and takes a [`Progress`]: it reports
//! steps and stops with [`HavenError::Cancelled`] when asked.
//!
//! # What leaves the vault
//!
//! An export is plaintext by design: the person is choosing to hand it to
//! someone. Nothing here writes to disk or logs; errors name no content.
//! Phone numbers of contacts the person has not agreed may be contacted
//! (`Contact::may_contact == false`) are left out of the crisis card and of
//! the structured FHIR elements (`telecom`); the full PDFs (and the FHIR
//! narratives made from them) show them marked "ask me before contacting
//! them", since they are the person's own complete copy.

use chrono::NaiveDate;

use crate::documents::{
    ConsultationReview, Departure, DocumentKind, DocumentVersion, StatusChange, VersionStatus,
};
use crate::error::{HavenError, Result};
use crate::progress::Progress;
use crate::vault::Vault;
use crate::Timestamp;

pub mod fhir;
pub mod fonts;
mod options;
pub mod pdf;

pub use fonts::FontSource;
pub use options::{ExportOptions, ExportWarning, Exported};

/// One version of a document with everything attached to it: what every
/// export renders.
#[derive(Clone)]
pub struct ExportDocument {
    /// The version, with its content and sign-off.
    pub version: DocumentVersion,
    /// When the document is next due for review.
    pub next_review: Option<NaiveDate>,
    /// When a version of the document was last signed (last reviewed).
    pub last_signed_on: Option<NaiveDate>,
    /// When this version's status last changed (when it was signed, superseded
    /// or revoked); `None` if it never changed since it was saved.
    pub status_changed_at: Option<Timestamp>,
    /// Clinician consultation reviews of this version, oldest first.
    pub reviews: Vec<ConsultationReview>,
    /// Departures from this version's wishes, oldest first.
    pub departures: Vec<Departure>,
}

impl std::fmt::Debug for ExportDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ExportDocument {{ {:?} version {} <redacted> }}",
            self.version.kind, self.version.number
        )
    }
}

impl ExportDocument {
    /// A document with nothing attached but its version (no reviews,
    /// departures or review dates): for exporting content that is not (yet)
    /// in a vault, or in tests.
    pub fn from_version(version: DocumentVersion) -> Self {
        Self {
            version,
            next_review: None,
            last_signed_on: None,
            status_changed_at: None,
            reviews: Vec::new(),
            departures: Vec::new(),
        }
    }

    /// Whether this version is the one in force.
    pub fn in_force(&self) -> bool {
        self.version.status == VersionStatus::Active
    }

    /// Errors unless the version is of `kind`.
    pub(crate) fn expect_kind(&self, kind: DocumentKind) -> Result<()> {
        if self.version.kind == kind {
            Ok(())
        } else {
            Err(HavenError::invalid(format!(
                "this document is a {}, not a {}",
                self.version.kind.label(),
                kind.label()
            )))
        }
    }
}

/// Reports a step, or stops if cancelled.
pub(crate) fn step(progress: &dyn Progress, what: &str, fraction: f64) -> Result<()> {
    if progress.cancelled() {
        return Err(HavenError::Cancelled);
    }
    progress.update(what, fraction.clamp(0.0, 1.0));
    Ok(())
}

fn last_change(log: &[StatusChange], hash: &str) -> Option<Timestamp> {
    log.iter()
        .filter(|c| c.version_hash == hash && c.from.is_some())
        .map(|c| c.at)
        .max()
}

impl Vault {
    /// Gathers one version of a document and everything attached to it, for
    /// the export functions in [`crate::export`].
    pub fn export_document(&self, document_id: &str, version_hash: &str) -> Result<ExportDocument> {
        let version = self.get_version(document_id, version_hash)?;
        let summary = self
            .documents()?
            .into_iter()
            .find(|d| d.id == document_id)
            .ok_or_else(|| HavenError::not_found("document", document_id))?;
        let log = self.status_log(document_id)?;
        let reviews = match version.kind {
            DocumentKind::AdvanceStatement => {
                self.consultation_reviews(document_id, version_hash)?
            }
            DocumentKind::CrisisPlan => Vec::new(),
        };
        let departures = self.departures(document_id, version_hash)?;
        Ok(ExportDocument {
            status_changed_at: last_change(&log, version_hash),
            version,
            next_review: summary.next_review,
            last_signed_on: summary.last_signed_on,
            reviews,
            departures,
        })
    }

    /// The full crisis plan PDF of one version (see [`pdf::crisis_plan`]).
    pub fn crisis_plan_pdf(
        &self,
        document_id: &str,
        version_hash: &str,
        progress: &dyn Progress,
    ) -> Result<Vec<u8>> {
        pdf::crisis_plan(&self.export_document(document_id, version_hash)?, progress)
    }

    /// The one-page crisis card PDF of one crisis-plan version (see [`pdf::crisis_card`]).
    pub fn crisis_card_pdf(
        &self,
        document_id: &str,
        version_hash: &str,
        progress: &dyn Progress,
    ) -> Result<Vec<u8>> {
        pdf::crisis_card(&self.export_document(document_id, version_hash)?, progress)
    }

    /// The full advance statement PDF of one version (see [`pdf::advance_statement`]).
    pub fn advance_statement_pdf(
        &self,
        document_id: &str,
        version_hash: &str,
        progress: &dyn Progress,
    ) -> Result<Vec<u8>> {
        pdf::advance_statement(&self.export_document(document_id, version_hash)?, progress)
    }

    /// An HL7 FHIR R4 Bundle (JSON) of the given versions, each named by
    /// `(document id, version hash)` (see [`fhir::bundle`]).
    pub fn fhir_bundle(
        &self,
        versions: &[(String, String)],
        progress: &dyn Progress,
    ) -> Result<Vec<u8>> {
        let mut docs = Vec::with_capacity(versions.len());
        for (document_id, hash) in versions {
            if progress.cancelled() {
                return Err(HavenError::Cancelled);
            }
            docs.push(self.export_document(document_id, hash)?);
        }
        fhir::bundle(&docs, progress)
    }
}
