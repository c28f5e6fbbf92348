//! Exports in the person's language with the phone's fonts: the app adds
//! font files it has (Android's and iOS's Noto and system families) to an
//! [`ExportFonts`] once, then passes it with the language to
//! [`HavenVault::export_pdf`], which returns the PDF and any warnings
//! (text no font draws, by section and script) to show the person.

use std::sync::{Arc, Mutex};

use haven_core::export::{pdf, ExportOptions, ExportWarning, FontSource};
use haven_core::HavenError;

use crate::export::VersionRef;
use crate::guard::guard;
use crate::progress::{CancelToken, Observer, ProgressListener};
use crate::vault::HavenVault;

/// Fonts exports may use besides the bundled DejaVu Sans, in the order added.
#[derive(uniffi::Object)]
pub struct ExportFonts {
    source: Mutex<FontSource>,
}

#[uniffi::export]
impl ExportFonts {
    /// No fonts but the bundled ones.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            source: Mutex::new(FontSource::bundled()),
        })
    }

    /// Adds a font file's bytes (TrueType, OpenType or a collection);
    /// returns how many faces it holds. `InvalidInput` if it is not a font.
    pub fn add_font(&self, bytes: Vec<u8>) -> Result<u32, HavenError> {
        guard(|| {
            let mut source = self.source.lock().map_err(|_| HavenError::Internal {
                reason: "the export fonts are unavailable".into(),
            })?;
            source.add_font(bytes)
        })
    }
}

impl ExportFonts {
    fn source(&self) -> FontSource {
        match self.source.lock() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

/// Which PDF to make.
#[derive(uniffi::Enum)]
pub enum PdfKind {
    /// The full crisis plan (A4).
    CrisisPlan,
    /// The one-page, wallet-size crisis card (from a crisis plan).
    CrisisCard,
    /// The full advance statement (A4).
    AdvanceStatement,
}

/// A PDF and what the person should know about it.
#[derive(uniffi::Record)]
pub struct ExportedPdf {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// Empty when every character printed.
    pub warnings: Vec<ExportWarning>,
}

/// The language codes exports can be labelled in ("en", "cy", ...).
#[uniffi::export]
pub fn export_languages() -> Vec<String> {
    haven_core::i18n::languages()
}

#[uniffi::export]
impl HavenVault {
    /// A PDF of `version`, labelled in `language` (one of
    /// [`export_languages`]) and drawn with `fonts` (default: the bundled
    /// fonts only). `InvalidInput` for an unknown language or the wrong
    /// kind of document.
    #[uniffi::method(default(fonts = None, listener = None, token = None))]
    pub fn export_pdf(
        &self,
        kind: PdfKind,
        version: VersionRef,
        language: String,
        fonts: Option<Arc<ExportFonts>>,
        listener: Option<Arc<dyn ProgressListener>>,
        token: Option<Arc<CancelToken>>,
    ) -> Result<ExportedPdf, HavenError> {
        let observer = Observer { listener, token };
        guard(|| {
            let options = ExportOptions {
                language,
                fonts: fonts.map(|f| f.source()).unwrap_or_default(),
            };
            let doc = self
                .vault
                .export_document(&version.document_id, &version.version_hash)?;
            let out = match kind {
                PdfKind::CrisisPlan => pdf::crisis_plan_with(&doc, &options, &observer)?,
                PdfKind::CrisisCard => pdf::crisis_card_with(&doc, &options, &observer)?,
                PdfKind::AdvanceStatement => {
                    pdf::advance_statement_with(&doc, &options, &observer)?
                }
            };
            Ok(ExportedPdf {
                bytes: out.bytes,
                warnings: out.warnings,
            })
        })
    }
}
