//! What a crisis plan's exports carry from the person's advance statement in
//! force: who they are (date of birth, NHS number), their allergies, whether
//! the statement refuses treatment and where copies are.
//!
//! Why: the crisis plan holds none of these, yet they are what a crisis team
//! needs first (domain brief, "What a crisis card must carry first"; issue 11
//! items 5 and 6). The plan and the card point to the statement rather than
//! copy it: only the statement in force (signed, `Active`) is summarised, so a
//! draft's refusals never appear on a card as if they were binding.

use chrono::NaiveDate;

use crate::documents::{Allergy, DocumentVersion, VersionStatus};

/// The parts of an advance statement in force that the crisis plan and the
/// crisis card show.
#[derive(Clone, PartialEq, Eq)]
pub struct StatementSummary {
    /// The statement's version number.
    pub version: i32,
    /// When it was signed.
    pub signed_on: Option<NaiveDate>,
    /// The maker's full name.
    pub full_name: String,
    /// The maker's date of birth, if given.
    pub date_of_birth: Option<NaiveDate>,
    /// The maker's NHS (or CHI) number as written, if given.
    pub health_number: String,
    /// Allergies and intolerances with a substance named.
    pub allergies: Vec<Allergy>,
    /// How many treatment refusals it holds.
    pub refusals: usize,
    /// Whether one of them refuses life-sustaining treatment.
    pub refuses_life_sustaining: bool,
    /// Who holds a copy, as "name (role or organisation)".
    pub copies: Vec<String>,
}

impl std::fmt::Debug for StatementSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "StatementSummary {{ version {}, {} refusals, <redacted> }}",
            self.version, self.refusals
        )
    }
}

impl StatementSummary {
    /// The summary of `version` if it is an advance statement in force;
    /// `None` for a crisis plan or a version not in force.
    pub fn of(version: &DocumentVersion) -> Option<Self> {
        if version.status != VersionStatus::Active {
            return None;
        }
        let s = version.content.as_advance_statement()?;
        let trimmed = |t: &str| t.trim().to_string();
        Some(Self {
            version: version.number,
            signed_on: version.sign_off.as_ref().map(|so| so.signed_on),
            full_name: trimmed(&s.maker_details.full_name),
            date_of_birth: s.maker_details.date_of_birth,
            health_number: trimmed(&s.maker_details.health_number),
            allergies: s
                .physical_health
                .allergies
                .iter()
                .filter(|a| !a.substance.trim().is_empty())
                .map(|a| Allergy {
                    substance: trimmed(&a.substance),
                    reaction: trimmed(&a.reaction),
                })
                .collect(),
            refusals: s
                .treatment_refusals
                .iter()
                .filter(|r| !r.treatment.trim().is_empty())
                .count(),
            refuses_life_sustaining: s
                .treatment_refusals
                .iter()
                .any(|r| r.life_sustaining && !r.treatment.trim().is_empty()),
            copies: s
                .distribution
                .copies
                .iter()
                .map(|c| super::pdf::blocks::name_rel(&c.name, &c.role_or_organisation))
                .filter(|c| !c.is_empty())
                .collect(),
        })
    }
}
