//! The crisis (safety) plan: the union of the Stanley-Brown Safety Planning
//! Intervention, the WRAP crisis plan, Joint Crisis Plans and the NHS minimum
//! set. One field per section (see [`Section`](super::Section)).
//!
//! Record details that are not content (created, last reviewed, next review,
//! version, status) live on [`DocumentVersion`](super::DocumentVersion) and
//! [`DocumentSummary`](super::DocumentSummary), so editing a status never
//! changes what the person wrote.

use serde::{Deserialize, Serialize};

use super::contacts::{CoAuthor, Contact, ExcludedPerson, Professional};
use super::crisis_lines::{CrisisLine, Region};
use super::redacted_debug;

/// A crisis plan. Every field is one section.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct CrisisPlan {
    /// Owner and co-authors.
    pub plan_details: PlanDetails,
    /// What I'm like when I'm well.
    pub when_well: String,
    /// Things that can set off a crisis.
    pub triggers: Vec<String>,
    /// Early warning signs, each with a stable id that journal entries can link to.
    pub warning_signs: Vec<WarningSign>,
    /// Signs that others need to take over.
    pub others_take_over: Vec<String>,
    /// Coping strategies I can use on my own.
    pub coping_strategies: Vec<String>,
    /// People and places that distract me.
    pub distractions: Distractions,
    /// People I can ask for help.
    pub help_contacts: Vec<Contact>,
    /// People not to involve.
    pub do_not_involve: Vec<ExcludedPerson>,
    /// Professionals and services.
    pub professionals: Vec<Professional>,
    /// Crisis lines (region defaults from [`CrisisPlan::new_for_region`]).
    pub crisis_lines: Vec<CrisisLine>,
    /// Steps to make my environment safe.
    pub safe_environment: Vec<String>,
    /// Reasons for living; what matters to me.
    pub reasons_for_living: Vec<String>,
    /// What helps, what doesn't, and how to approach me.
    pub distress_support: DistressSupport,
    /// Treatment preferences in a crisis.
    pub crisis_treatment: CrisisTreatment,
    /// Children and dependants, pets, home, bills, work.
    pub practical_arrangements: PracticalArrangements,
    /// After the crisis.
    pub after_crisis: AfterCrisis,
}

impl CrisisPlan {
    /// An empty plan with the region's default crisis lines filled in.
    pub fn new_for_region(region: Region) -> Self {
        Self {
            crisis_lines: CrisisLine::defaults_for(region),
            ..Self::default()
        }
    }
}

/// Who the plan belongs to and who helped write it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct PlanDetails {
    /// The person whose plan this is.
    pub owner: String,
    /// Co-authors, including any facilitator.
    pub co_authors: Vec<CoAuthor>,
}

/// An early warning sign. The id stays the same across versions so that
/// journal entries linked to it stay linked.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct WarningSign {
    /// Stable id. Leave empty for a new sign: one is assigned on save.
    pub id: String,
    /// The sign, in the person's words.
    pub text: String,
}

impl WarningSign {
    /// A new sign (its id is assigned when the version is saved).
    pub fn new(text: &str) -> Self {
        Self {
            id: String::new(),
            text: text.into(),
        }
    }
}

/// People and places that take my mind off things.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Distractions {
    /// People to be with.
    pub people: Vec<Contact>,
    /// Places and social settings.
    pub places: Vec<String>,
}

/// What helps and what doesn't when I'm distressed.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct DistressSupport {
    /// What helps.
    pub helps: Vec<String>,
    /// What doesn't help or makes things worse.
    pub does_not_help: Vec<String>,
    /// How to approach me.
    pub how_to_approach_me: String,
}

/// Where I would rather be treated in a crisis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum CareSetting {
    /// No stated preference.
    #[default]
    NoPreference,
    /// Home treatment (crisis resolution and home treatment team).
    HomeTreatment,
    /// A crisis house or crisis café.
    CrisisHouse,
    /// Admission to hospital.
    HospitalAdmission,
}

/// Treatment preferences in a crisis.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct CrisisTreatment {
    /// Preferred setting.
    pub preferred_setting: CareSetting,
    /// Places to avoid.
    pub places_to_avoid: Vec<String>,
    /// Anything else about treatment in a crisis.
    pub notes: String,
}

/// Practical arrangements while I'm unwell.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct PracticalArrangements {
    /// Children and other dependants.
    pub children_and_dependants: String,
    /// Pets.
    pub pets: String,
    /// Home (keys, plants, post, security).
    pub home: String,
    /// Bills and money.
    pub bills: String,
    /// Benefits (used by advance statements).
    pub benefits: String,
    /// Work or study.
    pub work: String,
    /// Anything else.
    pub other: String,
}

/// After the crisis.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct AfterCrisis {
    /// What recovery looks like for me.
    pub recovery_looks_like: String,
    /// Signs that the plan is no longer needed.
    pub signs_plan_not_needed: Vec<String>,
}

redacted_debug!(
    CrisisPlan,
    PlanDetails,
    WarningSign,
    Distractions,
    DistressSupport,
    CrisisTreatment,
    PracticalArrangements,
    AfterCrisis,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_for_region_fills_crisis_lines_only() {
        let plan = CrisisPlan::new_for_region(Region::Uk);
        assert!(!plan.crisis_lines.is_empty());
        let empty = CrisisPlan {
            crisis_lines: Vec::new(),
            ..plan
        };
        assert_eq!(empty, CrisisPlan::default());
    }

    #[test]
    fn missing_fields_deserialise_to_defaults() {
        let plan: CrisisPlan = serde_json::from_str(r#"{"when_well":"x"}"#).unwrap();
        assert_eq!(plan.when_well, "x");
        assert!(plan.triggers.is_empty());
    }
}
