//! Exports as the apps call them: PDF bytes (crisis plan, advance statement,
//! wallet crisis card) and an HL7 FHIR R4 Bundle as JSON text. Each reports
//! progress and can be cancelled.

use std::sync::Arc;

use haven_core::HavenError;

use crate::guard::guard;
use crate::progress::{CancelToken, Observer, ProgressListener};
use crate::vault::HavenVault;

/// One document version to put in a FHIR Bundle.
#[derive(uniffi::Record)]
pub struct VersionRef {
    /// The document's id.
    pub document_id: String,
    /// The version's hash.
    pub version_hash: String,
}

#[uniffi::export]
impl HavenVault {
    /// The full crisis plan as a PDF.
    #[uniffi::method(default(listener = None, token = None))]
    pub fn crisis_plan_pdf(
        &self,
        document_id: String,
        version_hash: String,
        listener: Option<Arc<dyn ProgressListener>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<Vec<u8>, HavenError> {
        let observer = Observer { listener, token };
        guard(|| {
            self.vault
                .crisis_plan_pdf(&document_id, &version_hash, &observer)
        })
    }

    /// A one-page, wallet-size crisis card (key contacts, what helps) as a PDF.
    #[uniffi::method(default(listener = None, token = None))]
    pub fn crisis_card_pdf(
        &self,
        document_id: String,
        version_hash: String,
        listener: Option<Arc<dyn ProgressListener>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<Vec<u8>, HavenError> {
        let observer = Observer { listener, token };
        guard(|| {
            self.vault
                .crisis_card_pdf(&document_id, &version_hash, &observer)
        })
    }

    /// The full advance statement, with sign-off, witness, reviews and
    /// departures, as a PDF.
    #[uniffi::method(default(listener = None, token = None))]
    pub fn advance_statement_pdf(
        &self,
        document_id: String,
        version_hash: String,
        listener: Option<Arc<dyn ProgressListener>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<Vec<u8>, HavenError> {
        let observer = Observer { listener, token };
        guard(|| {
            self.vault
                .advance_statement_pdf(&document_id, &version_hash, &observer)
        })
    }

    /// An HL7 FHIR R4 Bundle (JSON) of the given versions.
    #[uniffi::method(default(listener = None, token = None))]
    pub fn fhir_bundle(
        &self,
        versions: Vec<VersionRef>,
        listener: Option<Arc<dyn ProgressListener>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<String, HavenError> {
        let observer = Observer { listener, token };
        guard(|| fhir_text(&self.vault, versions, &observer))
    }
}

/// The FHIR Bundle as text (shared by the blocking and async forms).
pub(crate) fn fhir_text(
    vault: &haven_core::Vault,
    versions: Vec<VersionRef>,
    progress: &dyn haven_core::Progress,
) -> Result<String, HavenError> {
    let pairs: Vec<(String, String)> = versions
        .into_iter()
        .map(|v| (v.document_id, v.version_hash))
        .collect();
    let bytes = vault.fhir_bundle(&pairs, progress)?;
    String::from_utf8(bytes).map_err(|_| HavenError::Internal {
        reason: "the FHIR bundle was not valid UTF-8".into(),
    })
}
