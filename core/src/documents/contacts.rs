//! People in a document: contacts, people not to involve, professionals,
//! co-authors and clinicians. Structured so that "call my people" can be one
//! tap and so a carer or clinician sees who may be contacted.

use serde::{Deserialize, Serialize};

use super::redacted_debug;

/// One phone number with a label ("mobile", "work", "text only").
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct PhoneNumber {
    /// What kind of number this is, in the person's words.
    pub label: String,
    /// The number as written (no format is imposed).
    pub number: String,
}

/// Someone the person names: for help, distraction, consultation, care.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Contact {
    /// Their name.
    pub name: String,
    /// Who they are to the person ("sister", "neighbour", "friend from group").
    pub relationship: String,
    /// Ways to reach them.
    pub phones: Vec<PhoneNumber>,
    /// Anything else (when to call, what they can help with).
    pub notes: String,
    /// Whether services and carers may contact them. Defaults to `false`:
    /// nobody is contacted unless the person says so.
    pub may_contact: bool,
}

impl Contact {
    /// A contact who may be contacted, with one phone number.
    pub fn new(name: &str, relationship: &str, phone: &str) -> Self {
        Self {
            name: name.into(),
            relationship: relationship.into(),
            phones: vec![PhoneNumber {
                label: String::new(),
                number: phone.into(),
            }],
            notes: String::new(),
            may_contact: true,
        }
    }
}

/// Someone who must not be involved, contacted or allowed to visit.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct ExcludedPerson {
    /// Their name.
    pub name: String,
    /// Who they are to the person.
    pub relationship: String,
    /// They must not be contacted or told.
    pub must_not_contact: bool,
    /// They must not visit.
    pub must_not_visit: bool,
    /// Why, or any detail, if the person wants to say.
    pub notes: String,
}

/// A professional or service (care coordinator, GP, crisis team).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Professional {
    /// Name of the person or service.
    pub name: String,
    /// Their role ("care coordinator", "GP", "home treatment team").
    pub role: String,
    /// Organisation or team.
    pub organisation: String,
    /// Ways to reach them.
    pub phones: Vec<PhoneNumber>,
    /// When they can be reached ("Mon-Fri 9-5", "24/7").
    pub hours: String,
    /// Anything else.
    pub notes: String,
}

/// Someone who helped write a plan (facilitator, care coordinator, carer).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct CoAuthor {
    /// Their name.
    pub name: String,
    /// Their role ("facilitator", "care coordinator", "mum").
    pub role: String,
}

/// A clinician or staff member who reviewed a statement or departed from it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Clinician {
    /// Their name.
    pub name: String,
    /// Their role ("consultant psychiatrist", "approved clinician", "ward nurse").
    pub role: String,
    /// Their organisation or team.
    pub organisation: String,
}

redacted_debug!(
    PhoneNumber,
    Contact,
    ExcludedPerson,
    Professional,
    CoAuthor,
    Clinician
);
