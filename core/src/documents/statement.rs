//! The advance statement / Advance Choice Document: what the person wants
//! staff to know and do (or not do) when they cannot say it themselves.
//!
//! One field per section (see [`Section`](super::Section)). Capacity, support
//! used, signature and witness are in the [`SignOff`](super::SignOff), which is
//! attached to one exact version; revocation is a status; the review date is
//! on the document; the clinician response log is made of
//! [`ConsultationReview`](super::ConsultationReview)s and
//! [`Departure`](super::Departure)s.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::contacts::{Contact, ExcludedPerson};
use super::crisis_plan::PracticalArrangements;
use super::redacted_debug;

/// An advance statement. Every field is one section.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct AdvanceStatement {
    /// Who is making it.
    pub maker_details: MakerDetails,
    /// Context staff should understand.
    pub about_me: AboutMe,
    /// Values, beliefs, wishes and feelings (MHA 2025 s.56A asks clinicians to consider them).
    pub values_and_wishes: ValuesAndWishes,
    /// What has worked; preferred medication.
    pub treatment_requests: TreatmentRequests,
    /// Treatments refused, each with its circumstances.
    pub treatment_refusals: Vec<TreatmentRefusal>,
    /// Restraint, seclusion, rapid tranquillisation and what to try first.
    pub restrictive_interventions: RestrictiveInterventions,
    /// Hospital and ward preferences.
    pub hospital_preferences: HospitalPreferences,
    /// Nominated person, people to consult, carers, attorneys, advocate, exclusions.
    pub people: StatementPeople,
    /// Who may see what.
    pub information_sharing: Vec<SharingConsent>,
    /// Dependants, pets, home, bills, benefits, work.
    pub dependants_and_home: PracticalArrangements,
    /// Physical health, disabilities, allergies.
    pub physical_health: PhysicalHealth,
    /// Communication and language needs.
    pub communication: Communication,
    /// Cultural, religious, spiritual and dietary needs.
    pub culture_and_faith: CultureAndFaith,
    /// Who holds a copy.
    pub distribution: Distribution,
}

/// Who is making the statement, so staff find the right person.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct MakerDetails {
    /// Full name.
    pub full_name: String,
    /// The name they like to be called.
    pub preferred_name: String,
    /// Pronouns.
    pub pronouns: String,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// NHS, CHI or other health number.
    pub health_number: String,
    /// Address.
    pub address: String,
}

/// Context staff should understand.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct AboutMe {
    /// Life experiences that matter for my care.
    pub life_experiences: String,
    /// Trauma staff should know about, and what re-traumatises me.
    pub trauma: String,
    /// What my distress means and how it shows.
    pub what_my_distress_means: String,
    /// Anything else.
    pub other: String,
}

/// Values, beliefs, wishes and feelings.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct ValuesAndWishes {
    /// Values.
    pub values: String,
    /// Beliefs.
    pub beliefs: String,
    /// Wishes.
    pub wishes: String,
    /// Feelings.
    pub feelings: String,
}

/// A medication the person prefers.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct MedicationPreference {
    /// The medication.
    pub medication: String,
    /// Dose, form, why it helps.
    pub notes: String,
}

/// Treatment requests.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct TreatmentRequests {
    /// What has worked before.
    pub what_has_worked: Vec<String>,
    /// Preferred medication.
    pub preferred_medications: Vec<MedicationPreference>,
    /// Other requests.
    pub other_requests: Vec<String>,
}

/// A refusal of a specific treatment in stated circumstances.
///
/// A refusal of *life-sustaining* treatment (Mental Capacity Act 2005 s.25)
/// is valid only if written, signed, witnessed and stating that it applies
/// "even if my life is at risk": see [`validate`](super::validate).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct TreatmentRefusal {
    /// The specific treatment refused.
    pub treatment: String,
    /// The circumstances in which the refusal applies.
    pub circumstances: String,
    /// Why, if the person wants to say.
    pub reason: String,
    /// Whether the treatment is life-sustaining.
    pub life_sustaining: bool,
    /// For life-sustaining treatment: the person's written statement that
    /// the refusal applies "even if my life is at risk".
    pub life_at_risk_statement: String,
}

/// Restrictive interventions and what to do instead.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct RestrictiveInterventions {
    /// What to try first.
    pub try_first: Vec<String>,
    /// De-escalation that works for me.
    pub de_escalation: Vec<String>,
    /// About restraint.
    pub restraint: String,
    /// About seclusion.
    pub seclusion: String,
    /// About rapid tranquillisation.
    pub rapid_tranquillisation: String,
    /// Gender of staff for personal care, in the person's words.
    pub personal_care_staff_gender: String,
}

/// Hospital and ward preferences.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct HospitalPreferences {
    /// Preferred hospitals or wards.
    pub preferred: Vec<String>,
    /// Places to avoid.
    pub avoid: Vec<String>,
    /// Anything else.
    pub notes: String,
}

/// What authority an attorney or deputy holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum AttorneyAuthority {
    /// Lasting Power of Attorney for health and welfare.
    #[default]
    HealthAndWelfareLpa,
    /// Lasting Power of Attorney for property and financial affairs.
    PropertyAndFinancialLpa,
    /// A deputy appointed by the Court of Protection.
    Deputy,
    /// Other (welfare guardian in Scotland, ...): say in the notes.
    Other,
}

/// An attorney (LPA) or deputy.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Attorney {
    /// Who they are and how to reach them.
    pub person: Contact,
    /// Their authority.
    pub authority: AttorneyAuthority,
}

/// The people section.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct StatementPeople {
    /// Nominated person (MHA 2025 ss.24-28, replacing the nearest relative).
    pub nominated_person: Option<Contact>,
    /// People clinicians must consult.
    pub people_to_consult: Vec<Contact>,
    /// Carers.
    pub carers: Vec<Contact>,
    /// Attorneys and deputies.
    pub attorneys: Vec<Attorney>,
    /// Advocate.
    pub advocate: Option<Contact>,
    /// People who must not be contacted or visit.
    pub excluded: Vec<ExcludedPerson>,
}

/// One information-sharing consent: who may see what.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct SharingConsent {
    /// A person or service.
    pub who: String,
    /// What they may see.
    pub may_see: Vec<String>,
    /// What they may not see.
    pub may_not_see: Vec<String>,
    /// Anything else.
    pub notes: String,
}

/// An allergy or intolerance.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Allergy {
    /// The substance.
    pub substance: String,
    /// What happens.
    pub reaction: String,
}

/// Physical health.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct PhysicalHealth {
    /// Conditions.
    pub conditions: Vec<String>,
    /// Disabilities and access needs.
    pub disabilities: Vec<String>,
    /// Allergies.
    pub allergies: Vec<Allergy>,
    /// Medication for physical health.
    pub medications: Vec<String>,
    /// Anything else.
    pub notes: String,
}

/// Communication and language needs.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Communication {
    /// First or preferred language.
    pub language: String,
    /// An interpreter is needed.
    pub interpreter_needed: bool,
    /// Easy-read information is needed.
    pub easy_read: bool,
    /// Other needs (hearing, sight, BSL, AAC, ...).
    pub other_needs: String,
    /// How to talk with me.
    pub how_to_talk_with_me: String,
}

/// Cultural, religious, spiritual and dietary needs.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct CultureAndFaith {
    /// Cultural needs.
    pub culture: String,
    /// Religious or spiritual needs.
    pub religion_or_spirituality: String,
    /// Dietary needs.
    pub diet: String,
    /// Anything else.
    pub notes: String,
}

/// One holder of a copy.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct DistributionEntry {
    /// Person or service.
    pub name: String,
    /// Their role or organisation.
    pub role_or_organisation: String,
    /// When they were given it.
    pub given_on: Option<NaiveDate>,
}

/// Who holds a copy.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Distribution {
    /// The holders.
    pub copies: Vec<DistributionEntry>,
    /// Anything else.
    pub notes: String,
}

redacted_debug!(
    AdvanceStatement,
    MakerDetails,
    AboutMe,
    ValuesAndWishes,
    MedicationPreference,
    TreatmentRequests,
    TreatmentRefusal,
    RestrictiveInterventions,
    HospitalPreferences,
    Attorney,
    StatementPeople,
    SharingConsent,
    Allergy,
    PhysicalHealth,
    Communication,
    CultureAndFaith,
    DistributionEntry,
    Distribution,
);
