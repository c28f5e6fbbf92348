//! What the person chooses for an export (its language, the fonts it may
//! use) and what an export reports besides its bytes (warnings).

use super::fonts::FontSource;

/// Choices for one export. The default is English labels and the bundled
/// fonts only.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    /// Language of the labels Haven writes (headings, field names, dates,
    /// footers), as a code from [`crate::i18n::languages`] ("en", "cy").
    /// Independent of the language the person wrote in, which is printed
    /// as written.
    pub language: String,
    /// Fonts the PDF may use (see [`FontSource`]).
    pub fonts: FontSource,
}

impl Default for ExportOptions {
    fn default() -> Self {
        Self {
            language: crate::i18n::ENGLISH.into(),
            fonts: FontSource::bundled(),
        }
    }
}

/// Something the person should know about an export that still completed.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ExportWarning {
    /// No available font has glyphs for some characters: they print as
    /// empty boxes. Adding a font for `script` (on a phone, the system's
    /// Noto fonts) fixes it.
    MissingGlyphs {
        /// The heading of the section they are in, as printed.
        section: String,
        /// The Unicode script of those characters ("Han", "Arabic", ...).
        script: String,
    },
    /// The crisis card fits one side only in type smaller than usual
    /// ([`crate::export::pdf::CARD_TYPE_PT`]), never below
    /// [`crate::export::pdf::CARD_MIN_TYPE_PT`]. Nothing was left out.
    CrisisCardSmallerType {
        /// The body type size used, in tenths of a point (60 = 6 pt).
        tenths_of_a_point: u32,
    },
    /// The crisis card does not fit one side even in the smallest legible
    /// type: it has `sides` sides (print it double-sided, or on more than
    /// one card). Nothing was left out.
    CrisisCardSides {
        /// How many sides the card has (2 or more).
        sides: u32,
    },
}

impl std::fmt::Display for ExportWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::MissingGlyphs { section, script } => write!(
                f,
                "no font available draws some {script} text in \"{section}\": it shows as empty boxes"
            ),
            Self::CrisisCardSmallerType { tenths_of_a_point } => write!(
                f,
                "the crisis card fits one side only in smaller type ({}.{} pt); nothing was left out",
                tenths_of_a_point / 10,
                tenths_of_a_point % 10
            ),
            Self::CrisisCardSides { sides } => write!(
                f,
                "the crisis card does not fit one side: it has {sides} sides, so print it double-sided; nothing was left out"
            ),
        }
    }
}

/// An export's bytes and its warnings.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Exported {
    /// The file (PDF or FHIR JSON).
    pub bytes: Vec<u8>,
    /// What the person should know (empty when all is well).
    pub warnings: Vec<ExportWarning>,
}

impl std::fmt::Debug for Exported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Exported {{ {} bytes, {:?} }}",
            self.bytes.len(),
            self.warnings
        )
    }
}
