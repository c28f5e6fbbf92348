//! Exports as the apps call them: one call for every PDF (crisis plan,
//! advance statement, wallet crisis card; named by core's `ExportKind`) and
//! an HL7 FHIR R4 Bundle as JSON text. Each reports progress and can be
//! cancelled.

use std::sync::Arc;

use haven_core::{ExportKind, ExportOptions, HavenError, VersionRef};

use crate::guard::guard;
use crate::progress::{CancelToken, Observer, ProgressListener};
use crate::vault::HavenVault;

#[uniffi::export]
impl HavenVault {
    /// One PDF of one version: the full crisis plan, the one-page wallet
    /// crisis card, or the full advance statement (with sign-off, witness,
    /// reviews and departures).
    #[uniffi::method(default(listener = None, token = None))]
    pub fn export_pdf(
        &self,
        kind: ExportKind,
        version: VersionRef,
        listener: Option<Arc<dyn ProgressListener>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<Vec<u8>, HavenError> {
        let observer = Observer { listener, token };
        guard(|| {
            self.vault
                .export_pdf(kind, &version, &ExportOptions::default(), &observer)
                .map(|e| e.bytes)
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
        guard(|| {
            self.vault
                .fhir_bundle(&versions, &ExportOptions::default(), &observer)
        })
    }
}
