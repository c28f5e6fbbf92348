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
//! reads nothing twice. [`Vault::export_pdf`] (one call for every PDF, named
//! by [`ExportKind`]) and [`Vault::fhir_bundle`] do both, given
//! [`VersionRef`]s.
//!
//! Every export takes [`ExportOptions`]: the language of the labels Haven
//! writes (English or Welsh, from the message catalogue in [`crate::i18n`],
//! independent of the language the person wrote in) and the fonts it may
//! draw with ([`FontSource`]: the bundled DejaVu, the app's fonts, the
//! computer's). A PDF comes back as [`Exported`]: its bytes and the
//! [`ExportWarning`]s to show the person (text no font draws, by section and
//! script). The FHIR Bundle is JSON text.
//!
//! Every export takes a [`Progress`] (callers with nothing to show pass
//! [`Silent`](crate::Silent)): it reports steps and stops with
//! [`HavenError::Cancelled`] when asked.
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
    ConsultationReview, Departure, DocumentKind, DocumentVersion, Revocation, StatusChange,
    VersionStatus,
};
use crate::error::{HavenError, Result};
use crate::progress::Progress;
use crate::vault::Vault;
use crate::Timestamp;

pub mod fhir;
pub mod fonts;
mod options;
pub mod pdf;
mod summary;

pub use fonts::FontSource;
pub use options::{ExportOptions, ExportWarning, Exported};
pub use summary::StatementSummary;

/// Which PDF to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ExportKind {
    /// The full crisis plan (see [`pdf::crisis_plan`]).
    CrisisPlanPdf,
    /// The one-page, wallet-size crisis card, made from a crisis plan (see
    /// [`pdf::crisis_card`]).
    CrisisCardPdf,
    /// The full advance statement, with sign-off, witness, reviews and
    /// departures (see [`pdf::advance_statement`]).
    AdvanceStatementPdf,
}

impl ExportKind {
    /// The kind of document this PDF is made from.
    pub fn document_kind(self) -> DocumentKind {
        match self {
            Self::CrisisPlanPdf | Self::CrisisCardPdf => DocumentKind::CrisisPlan,
            Self::AdvanceStatementPdf => DocumentKind::AdvanceStatement,
        }
    }

    /// Renders this PDF of `doc` with `options`' language and fonts;
    /// `InvalidInput` if `doc` is of another document kind or the language
    /// is unknown.
    pub fn render(
        self,
        doc: &ExportDocument,
        options: &ExportOptions,
        progress: &dyn Progress,
    ) -> Result<Exported> {
        match self {
            Self::CrisisPlanPdf => pdf::crisis_plan(doc, options, progress),
            Self::CrisisCardPdf => pdf::crisis_card(doc, options, progress),
            Self::AdvanceStatementPdf => pdf::advance_statement(doc, options, progress),
        }
    }
}

/// One exact version of a document, as exports name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct VersionRef {
    /// The document's id.
    pub document_id: String,
    /// The version's hash.
    pub version_hash: String,
}

impl VersionRef {
    /// Names version `version_hash` of document `document_id`.
    pub fn new(document_id: &str, version_hash: &str) -> Self {
        Self {
            document_id: document_id.to_string(),
            version_hash: version_hash.to_string(),
        }
    }
}

impl From<&DocumentVersion> for VersionRef {
    fn from(v: &DocumentVersion) -> Self {
        Self {
            document_id: v.document_id.clone(),
            version_hash: v.hash.clone(),
        }
    }
}

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
    /// When the sign-off was recorded (the version became active); kept
    /// when it is later superseded or revoked. `None` if never signed.
    pub signed_at: Option<Timestamp>,
    /// When the revocation was recorded; `None` unless revoked.
    pub revoked_at: Option<Timestamp>,
    /// When and how the person withdrew it; `None` unless revoked (or
    /// revoked before revocations were recorded: then only `revoked_at`).
    pub revocation: Option<Revocation>,
    /// Clinician consultation reviews of this version, oldest first.
    pub reviews: Vec<ConsultationReview>,
    /// Departures from this version's wishes, oldest first.
    pub departures: Vec<Departure>,
    /// For a crisis plan: the person's advance statement in force, if they
    /// have one (the plan and the card show their identifiers and
    /// allergies from it and point to it). `None` for a statement.
    pub statement: Option<StatementSummary>,
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
            signed_at: None,
            revoked_at: None,
            revocation: None,
            reviews: Vec::new(),
            departures: Vec::new(),
            statement: None,
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
                "this document is {}, not {}",
                self.version.kind.with_article(),
                kind.with_article()
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

/// When `hash` first changed to `to` (a version is signed, and revoked, once).
fn changed_to(log: &[StatusChange], hash: &str, to: VersionStatus) -> Option<Timestamp> {
    log.iter()
        .filter(|c| c.version_hash == hash && c.to == to && c.from.is_some())
        .map(|c| c.at)
        .min()
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
        let statement = match version.kind {
            DocumentKind::CrisisPlan => self.statement_in_force()?,
            DocumentKind::AdvanceStatement => None,
        };
        let revocation = self.revocation(document_id, version_hash)?;
        Ok(ExportDocument {
            statement,
            status_changed_at: last_change(&log, version_hash),
            signed_at: changed_to(&log, version_hash, VersionStatus::Active),
            revoked_at: changed_to(&log, version_hash, VersionStatus::Revoked),
            revocation,
            version,
            next_review: summary.next_review,
            last_signed_on: summary.last_signed_on,
            reviews,
            departures,
        })
    }

    /// The summary of the person's advance statement in force (the most
    /// recently signed one, if several documents have one), for a crisis
    /// plan's exports.
    fn statement_in_force(&self) -> Result<Option<StatementSummary>> {
        let mut best: Option<StatementSummary> = None;
        for d in self.documents()? {
            let (DocumentKind::AdvanceStatement, Some(hash)) = (d.kind, d.active_hash.as_deref())
            else {
                continue;
            };
            let Some(s) = StatementSummary::of(&self.get_version(&d.id, hash)?) else {
                continue;
            };
            if best.as_ref().is_none_or(|b| s.signed_on > b.signed_on) {
                best = Some(s);
            }
        }
        Ok(best)
    }

    /// One PDF (see [`ExportKind`]) of one version, labelled in `options`'
    /// language and drawn with its fonts, with the warnings to show the
    /// person. `InvalidInput` if the version is of another document kind
    /// than the PDF is made from, or the language is unknown.
    pub fn export_pdf(
        &self,
        kind: ExportKind,
        version: &VersionRef,
        options: &ExportOptions,
        progress: &dyn Progress,
    ) -> Result<Exported> {
        let doc = self.export_document(&version.document_id, &version.version_hash)?;
        kind.render(&doc, options, progress)
    }

    /// An HL7 FHIR R4 Bundle (JSON) of the given versions, its narratives
    /// in `options`' language (see [`fhir::bundle`]).
    pub fn fhir_bundle(
        &self,
        versions: &[VersionRef],
        options: &ExportOptions,
        progress: &dyn Progress,
    ) -> Result<String> {
        let mut docs = Vec::with_capacity(versions.len());
        for v in versions {
            if progress.cancelled() {
                return Err(HavenError::Cancelled);
            }
            docs.push(self.export_document(&v.document_id, &v.version_hash)?);
        }
        fhir::bundle(&docs, options, progress)
    }
}
