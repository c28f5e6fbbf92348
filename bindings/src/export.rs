//! Exports as the apps call them: one call for every PDF (crisis plan,
//! advance statement, wallet crisis card; named by core's `ExportKind`) and
//! an HL7 FHIR R4 Bundle as JSON text. Each takes the language of the labels
//! (one of `export_languages()`, default English) and, for PDFs, the fonts
//! the app has (`ExportFonts`); a PDF comes back with the warnings to show
//! the person. Each reports progress and can be cancelled.

use std::sync::Arc;

use haven_core::{ExportKind, Exported, HavenError, VersionRef};

use crate::fonts::{options, ExportFonts};
use crate::guard::guard;
use crate::progress::{CancelToken, Observer, ProgressListener};
use crate::vault::HavenVault;

#[uniffi::export]
impl HavenVault {
    /// One PDF of one version: the full crisis plan, the one-page wallet
    /// crisis card, or the full advance statement (with sign-off, witness,
    /// reviews and departures), labelled in `language` and drawn with the
    /// bundled fonts and `fonts`. `InvalidInput` for an unknown language or
    /// the wrong kind of document.
    #[uniffi::method(default(language = "en", fonts = None, listener = None, token = None))]
    pub fn export_pdf(
        &self,
        kind: ExportKind,
        version: VersionRef,
        language: String,
        fonts: Option<Arc<ExportFonts>>,
        listener: Option<Arc<dyn ProgressListener>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<Exported, HavenError> {
        let observer = Observer { listener, token };
        guard(|| {
            let options = options(language, fonts);
            self.vault.export_pdf(kind, &version, &options, &observer)
        })
    }

    /// An HL7 FHIR R4 Bundle (JSON) of the given versions, its narratives
    /// labelled in `language`.
    #[uniffi::method(default(language = "en", listener = None, token = None))]
    pub fn fhir_bundle(
        &self,
        versions: Vec<VersionRef>,
        language: String,
        listener: Option<Arc<dyn ProgressListener>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<String, HavenError> {
        let observer = Observer { listener, token };
        guard(|| {
            let options = options(language, None);
            self.vault.fhir_bundle(&versions, &options, &observer)
        })
    }
}
