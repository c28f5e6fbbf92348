//! Where an advance statement is meant to apply. The law differs: in
//! England and Wales the Mental Capacity Act 2005 and the Mental Health Act
//! 1983 (as amended in 2025) govern it; in Scotland the Mental Health (Care
//! and Treatment) (Scotland) Act 2003 ss.275-276. What the person is told
//! about their refusals (`mha_notice.rs`) follows it (issue 11).
//!
//! Statements saved before this existed read back as `NotChosen`.

use serde::{Deserialize, Serialize};

/// The legal system an advance statement is made under.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Jurisdiction {
    /// Not chosen yet.
    #[default]
    NotChosen,
    /// England and Wales.
    EnglandAndWales,
    /// Scotland.
    Scotland,
    /// Anywhere else.
    Other,
}

impl Jurisdiction {
    /// The snake_case name, as in document files.
    pub fn key(self) -> &'static str {
        match self {
            Self::NotChosen => "not_chosen",
            Self::EnglandAndWales => "england_and_wales",
            Self::Scotland => "scotland",
            Self::Other => "other",
        }
    }

    /// Its name in a sentence.
    pub fn label(self) -> &'static str {
        match self {
            Self::NotChosen => "not chosen",
            Self::EnglandAndWales => "England and Wales",
            Self::Scotland => "Scotland",
            Self::Other => "outside England, Wales and Scotland",
        }
    }
}
