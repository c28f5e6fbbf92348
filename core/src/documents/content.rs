//! What a document is: its kind, its content (a crisis plan or an advance
//! statement) and the sections both are made of. Plain types only (a leaf of
//! `documents/`): storage, validation and diffs import these, never the
//! other way round.

use serde::{Deserialize, Serialize};

use super::crisis_plan::CrisisPlan;
use super::record_kinds::{PLAN_VERSION_KIND, STATEMENT_VERSION_KIND};
use super::statement::AdvanceStatement;

/// Which kind of document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// A crisis (safety) plan.
    CrisisPlan,
    /// An advance statement / advance choice document.
    AdvanceStatement,
}

impl DocumentKind {
    /// The content sections of this kind, in document order.
    pub fn sections(self) -> &'static [Section] {
        match self {
            Self::CrisisPlan => PLAN_SECTIONS,
            Self::AdvanceStatement => STATEMENT_SECTIONS,
        }
    }

    /// The record kind its versions are stored under.
    pub(crate) fn version_record_kind(self) -> &'static str {
        match self {
            Self::CrisisPlan => PLAN_VERSION_KIND,
            Self::AdvanceStatement => STATEMENT_VERSION_KIND,
        }
    }

    /// A short English name for messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::CrisisPlan => "crisis plan",
            Self::AdvanceStatement => "advance statement",
        }
    }

    /// The label with its article, for sentences: "a crisis plan", "an
    /// advance statement".
    pub fn with_article(self) -> &'static str {
        match self {
            Self::CrisisPlan => "a crisis plan",
            Self::AdvanceStatement => "an advance statement",
        }
    }
}

/// The content of one version: a crisis plan or an advance statement.
// Not boxed: the bindings carry plain records, and a version is read rarely.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub enum DocumentContent {
    /// A crisis plan.
    CrisisPlan {
        /// The plan.
        plan: CrisisPlan,
    },
    /// An advance statement.
    AdvanceStatement {
        /// The statement.
        statement: AdvanceStatement,
    },
}

impl std::fmt::Debug for DocumentContent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DocumentContent::{:?} {{ <redacted> }}", self.kind())
    }
}

impl DocumentContent {
    /// Which kind of document this is.
    pub fn kind(&self) -> DocumentKind {
        match self {
            Self::CrisisPlan { .. } => DocumentKind::CrisisPlan,
            Self::AdvanceStatement { .. } => DocumentKind::AdvanceStatement,
        }
    }

    /// The crisis plan, if this is one.
    pub fn as_crisis_plan(&self) -> Option<&CrisisPlan> {
        match self {
            Self::CrisisPlan { plan } => Some(plan),
            Self::AdvanceStatement { .. } => None,
        }
    }

    /// The advance statement, if this is one.
    pub fn as_advance_statement(&self) -> Option<&AdvanceStatement> {
        match self {
            Self::AdvanceStatement { statement } => Some(statement),
            Self::CrisisPlan { .. } => None,
        }
    }
}

impl From<CrisisPlan> for DocumentContent {
    fn from(plan: CrisisPlan) -> Self {
        Self::CrisisPlan { plan }
    }
}

impl From<AdvanceStatement> for DocumentContent {
    fn from(statement: AdvanceStatement) -> Self {
        Self::AdvanceStatement { statement }
    }
}

/// A section of a crisis plan or advance statement, or of its sign-off.
///
/// The snake_case name of each content section is exactly the field name in
/// [`CrisisPlan`] or [`AdvanceStatement`] (a unit test holds this).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum Section {
    // Crisis plan.
    /// Plan: owner and co-authors (facilitator, care coordinator, ...).
    PlanDetails,
    /// Plan: what I'm like when I'm well.
    WhenWell,
    /// Plan: triggers.
    Triggers,
    /// Plan: early warning signs (each with a stable id).
    WarningSigns,
    /// Plan: signs that others need to take over.
    OthersTakeOver,
    /// Plan: coping strategies I can use on my own.
    CopingStrategies,
    /// Plan: people and places that distract me.
    Distractions,
    /// Plan: people I can ask for help.
    HelpContacts,
    /// Plan: people not to involve.
    DoNotInvolve,
    /// Plan: professionals and services.
    Professionals,
    /// Plan: crisis lines.
    CrisisLines,
    /// Plan: making my environment safe.
    SafeEnvironment,
    /// Plan: reasons for living, what matters to me.
    ReasonsForLiving,
    /// Plan: what helps and what doesn't when I'm distressed; how to approach me.
    DistressSupport,
    /// Plan: treatment preferences in a crisis.
    CrisisTreatment,
    /// Plan: children and dependants, pets, home, bills, work.
    PracticalArrangements,
    /// Plan: after the crisis.
    AfterCrisis,
    // Advance statement.
    /// Statement: who is making it.
    MakerDetails,
    /// Statement: context staff should understand.
    AboutMe,
    /// Statement: values, beliefs, wishes and feelings.
    ValuesAndWishes,
    /// Statement: treatment requests and preferred medication.
    TreatmentRequests,
    /// Statement: treatment refusals (ADRT formalities when life-sustaining).
    TreatmentRefusals,
    /// Statement: restraint, seclusion, rapid tranquillisation, de-escalation.
    RestrictiveInterventions,
    /// Statement: hospital and ward preferences, places to avoid.
    HospitalPreferences,
    /// Statement: nominated person, people to consult, attorneys, advocate, exclusions.
    People,
    /// Statement: who may see what.
    InformationSharing,
    /// Statement: dependants, pets, home, bills, benefits, work.
    DependantsAndHome,
    /// Statement: physical health, disabilities, allergies.
    PhysicalHealth,
    /// Statement: communication and language needs.
    Communication,
    /// Statement: cultural, religious, spiritual and dietary needs.
    CultureAndFaith,
    /// Statement: who holds a copy.
    Distribution,
    // Sign-off (not content; named in validation problems).
    /// The maker's sign-off (name, date, capacity, support used).
    SignOff,
    /// The witness block.
    Witness,
}

const PLAN_SECTIONS: &[Section] = &[
    Section::PlanDetails,
    Section::WhenWell,
    Section::Triggers,
    Section::WarningSigns,
    Section::OthersTakeOver,
    Section::CopingStrategies,
    Section::Distractions,
    Section::HelpContacts,
    Section::DoNotInvolve,
    Section::Professionals,
    Section::CrisisLines,
    Section::SafeEnvironment,
    Section::ReasonsForLiving,
    Section::DistressSupport,
    Section::CrisisTreatment,
    Section::PracticalArrangements,
    Section::AfterCrisis,
];

const STATEMENT_SECTIONS: &[Section] = &[
    Section::MakerDetails,
    Section::AboutMe,
    Section::ValuesAndWishes,
    Section::TreatmentRequests,
    Section::TreatmentRefusals,
    Section::RestrictiveInterventions,
    Section::HospitalPreferences,
    Section::People,
    Section::InformationSharing,
    Section::DependantsAndHome,
    Section::PhysicalHealth,
    Section::Communication,
    Section::CultureAndFaith,
    Section::Distribution,
];

impl Section {
    /// The snake_case key (also the content field name).
    pub fn key(self) -> &'static str {
        match self {
            Self::PlanDetails => "plan_details",
            Self::WhenWell => "when_well",
            Self::Triggers => "triggers",
            Self::WarningSigns => "warning_signs",
            Self::OthersTakeOver => "others_take_over",
            Self::CopingStrategies => "coping_strategies",
            Self::Distractions => "distractions",
            Self::HelpContacts => "help_contacts",
            Self::DoNotInvolve => "do_not_involve",
            Self::Professionals => "professionals",
            Self::CrisisLines => "crisis_lines",
            Self::SafeEnvironment => "safe_environment",
            Self::ReasonsForLiving => "reasons_for_living",
            Self::DistressSupport => "distress_support",
            Self::CrisisTreatment => "crisis_treatment",
            Self::PracticalArrangements => "practical_arrangements",
            Self::AfterCrisis => "after_crisis",
            Self::MakerDetails => "maker_details",
            Self::AboutMe => "about_me",
            Self::ValuesAndWishes => "values_and_wishes",
            Self::TreatmentRequests => "treatment_requests",
            Self::TreatmentRefusals => "treatment_refusals",
            Self::RestrictiveInterventions => "restrictive_interventions",
            Self::HospitalPreferences => "hospital_preferences",
            Self::People => "people",
            Self::InformationSharing => "information_sharing",
            Self::DependantsAndHome => "dependants_and_home",
            Self::PhysicalHealth => "physical_health",
            Self::Communication => "communication",
            Self::CultureAndFaith => "culture_and_faith",
            Self::Distribution => "distribution",
            Self::SignOff => "sign_off",
            Self::Witness => "witness",
        }
    }

    /// A short English heading.
    pub fn label(self) -> &'static str {
        match self {
            Self::PlanDetails => "Plan details",
            Self::WhenWell => "What I'm like when I'm well",
            Self::Triggers => "Triggers",
            Self::WarningSigns => "Early warning signs",
            Self::OthersTakeOver => "Signs that others need to take over",
            Self::CopingStrategies => "Things I can do on my own",
            Self::Distractions => "People and places that distract me",
            Self::HelpContacts => "People I can ask for help",
            Self::DoNotInvolve => "People not to involve",
            Self::Professionals => "Professionals and services",
            Self::CrisisLines => "Crisis lines",
            Self::SafeEnvironment => "Making my environment safe",
            Self::ReasonsForLiving => "Reasons for living",
            Self::DistressSupport => "What helps and what doesn't when I'm distressed",
            Self::CrisisTreatment => "Treatment preferences in a crisis",
            Self::PracticalArrangements => "Practical arrangements",
            Self::AfterCrisis => "After the crisis",
            Self::MakerDetails => "About the maker",
            Self::AboutMe => "About me",
            Self::ValuesAndWishes => "Values, beliefs, wishes and feelings",
            Self::TreatmentRequests => "Treatment requests",
            Self::TreatmentRefusals => "Treatment refusals",
            Self::RestrictiveInterventions => "Restrictive interventions",
            Self::HospitalPreferences => "Hospital and ward preferences",
            Self::People => "People",
            Self::InformationSharing => "Information sharing",
            Self::DependantsAndHome => "Dependants, home and money",
            Self::PhysicalHealth => "Physical health",
            Self::Communication => "Communication and language",
            Self::CultureAndFaith => "Culture, faith and diet",
            Self::Distribution => "Who has a copy",
            Self::SignOff => "Sign-off",
            Self::Witness => "Witness",
        }
    }

    /// The document kind whose content holds this section; `None` for the
    /// sign-off and witness blocks, which belong to either.
    pub fn document_kind(self) -> Option<DocumentKind> {
        if PLAN_SECTIONS.contains(&self) {
            Some(DocumentKind::CrisisPlan)
        } else if STATEMENT_SECTIONS.contains(&self) {
            Some(DocumentKind::AdvanceStatement)
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys_of(content: DocumentContent) -> Vec<String> {
        let v = serde_json::to_value(content).unwrap();
        let (_, inner) = v.as_object().unwrap().iter().next().unwrap();
        let (_, doc) = inner.as_object().unwrap().iter().next().unwrap();
        doc.as_object().unwrap().keys().cloned().collect()
    }

    #[test]
    fn section_keys_are_the_content_field_names() {
        for (kind, content) in [
            (DocumentKind::CrisisPlan, CrisisPlan::default().into()),
            (
                DocumentKind::AdvanceStatement,
                AdvanceStatement::default().into(),
            ),
        ] {
            let mut fields = keys_of(content);
            let mut keys: Vec<String> = kind.sections().iter().map(|s| s.key().into()).collect();
            fields.sort();
            keys.sort();
            assert_eq!(fields, keys, "{kind:?}");
        }
    }

    #[test]
    fn section_key_matches_serde_name() {
        let all = PLAN_SECTIONS
            .iter()
            .chain(STATEMENT_SECTIONS)
            .chain(&[Section::SignOff, Section::Witness]);
        for s in all {
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::Value::String(s.key().into())
            );
        }
    }

    #[test]
    fn debug_of_content_is_redacted() {
        let plan = CrisisPlan {
            when_well: "marker-secret".into(),
            ..Default::default()
        };
        let shown = format!("{:?}", DocumentContent::from(plan));
        assert!(!shown.contains("marker-secret"));
    }
}
