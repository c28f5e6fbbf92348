//! Exports in the person's language with the phone's fonts: the app adds
//! font files it has (Android's and iOS's Noto and system families) to an
//! [`ExportFonts`] once, then passes it with the language to
//! `HavenVault::export_pdf`, which returns the PDF and any warnings (text
//! no font draws, by section and script) to show the person.

use std::sync::{Arc, Mutex};

use haven_core::export::FontSource;
use haven_core::HavenError;

use crate::guard::guard;

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

    /// How many font faces exports may use (the two bundled ones included).
    pub fn face_count(&self) -> u32 {
        u32::try_from(self.source().face_count()).unwrap_or(u32::MAX)
    }
}

impl ExportFonts {
    /// The fonts as core takes them (cheap: shared, not copied).
    pub(crate) fn source(&self) -> FontSource {
        match self.source.lock() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

/// The language codes exports can be labelled in ("en", "cy", ...).
#[uniffi::export]
pub fn export_languages() -> Vec<String> {
    haven_core::i18n::languages()
}

/// Core's options for one export from what the app passed.
pub(crate) fn options(
    language: String,
    fonts: Option<Arc<ExportFonts>>,
) -> haven_core::ExportOptions {
    haven_core::ExportOptions {
        language,
        fonts: fonts.map(|f| f.source()).unwrap_or_default(),
    }
}
