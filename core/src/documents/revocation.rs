//! Revocation: the person withdraws a version. What a ward needs to know is
//! when and how it was withdrawn (in writing, spoken, in the app), and, in
//! Scotland, that the withdrawal was in writing and witnessed (Mental Health
//! (Care and Treatment) (Scotland) Act 2003 s.275(3)); the sign-off's own
//! recorded time is kept (issue 11, item 4).
//!
//! The record lives in the document's encrypted state, beside the version's
//! status, so revoking stays one state write in one transaction. Versions
//! revoked before this existed have no record: exports then say only when
//! the status changed.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::change::{ChangeInput, Open};
use super::codec::normalise;
use super::date_bounds;
use super::jurisdiction::Jurisdiction;
use super::redact::redacted_debug;
use super::store::load_state;
use super::types::{VersionStatus, Witness};
use crate::error::{HavenError, Result};
use crate::vault::Vault;

/// How the person withdrew it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum RevocationMethod {
    /// In a signed, written withdrawal.
    #[default]
    InWriting,
    /// Said aloud (to a clinician, carer or advocate).
    Spoken,
    /// In this app, by the person.
    InApp,
}

impl RevocationMethod {
    /// Its words in a sentence ("in writing").
    pub fn label(self) -> &'static str {
        match self {
            Self::InWriting => "in writing",
            Self::Spoken => "spoken",
            Self::InApp => "in the app",
        }
    }
}

/// A withdrawal of one version, as the person records it.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Revocation {
    /// The day it was withdrawn (between the version's creation and today).
    pub revoked_on: NaiveDate,
    /// How.
    pub how: RevocationMethod,
    /// Anything to add (to whom it was said, where the written copy is).
    pub notes: String,
    /// Who witnessed the withdrawal (required in Scotland: s.275(3)).
    pub witness: Option<Witness>,
}

redacted_debug!(Revocation);

impl ChangeInput for Revocation {
    fn prepare(self) -> Result<Self> {
        let r = normalise(self)?;
        date_bounds::not_in_future(r.revoked_on, "the revocation")?;
        if let Some(w) = &r.witness {
            if w.name.trim().is_empty() || w.role.trim().is_empty() {
                return Err(HavenError::invalid(
                    "say who witnessed the revocation (name and role)",
                ));
            }
            if let Some(d) = w.signed_on {
                date_bounds::not_in_future(d, "the revocation's witness")?;
            }
        }
        Ok(r)
    }
}

/// Scotland's formalities for withdrawing an advance statement: in
/// writing, and witnessed (s.275(3)).
fn check_jurisdiction(jurisdiction: Jurisdiction, r: &Revocation) -> Result<()> {
    if jurisdiction != Jurisdiction::Scotland {
        return Ok(());
    }
    if r.how != RevocationMethod::InWriting {
        return Err(HavenError::invalid(
            "in Scotland an advance statement is withdrawn in writing (s.275(3)): \
             record the written withdrawal",
        ));
    }
    if r.witness.is_none() {
        return Err(HavenError::invalid(
            "in Scotland a withdrawal is witnessed (s.275(3)): add the witness",
        ));
    }
    Ok(())
}

impl Vault {
    /// Revokes a version (the person withdraws it), recording when and how.
    /// Revoking the active version leaves the document with none active.
    /// Revocation is final; the content stays readable in the history, and
    /// the sign-off's recorded time is kept. `InvalidInput` if the version
    /// is already revoked, the date falls outside the version's creation and
    /// today, or (for an advance statement under Scottish law) the
    /// withdrawal is not in writing and witnessed.
    pub fn revoke_version(
        &self,
        document_id: &str,
        hash: &str,
        revocation: Revocation,
    ) -> Result<()> {
        self.change_document(document_id, Open::Existing, revocation, |doc, r| {
            let v = doc.state().version(hash)?;
            if v.status == VersionStatus::Revoked {
                return Err(HavenError::invalid("this version is already revoked"));
            }
            date_bounds::not_before_version(r.revoked_on, v.created_at, "the revocation")?;
            if let Some(d) = r.witness.as_ref().and_then(|w| w.signed_on) {
                date_bounds::not_before_version(d, v.created_at, "the revocation's witness")?;
            }
            let version = doc.read_version(hash)?;
            if let Some(s) = version.content.as_advance_statement() {
                check_jurisdiction(s.maker_details.jurisdiction, &r)?;
            }
            doc.state_mut().revoke(hash, r, chrono::Utc::now())
        })
    }

    /// How and when a version was revoked; `None` if it is not revoked, or
    /// was revoked before revocations were recorded.
    pub fn revocation(&self, document_id: &str, hash: &str) -> Result<Option<Revocation>> {
        self.with_unlocked(|conn, scope| {
            let state = load_state(conn, scope, document_id)?;
            Ok(state.version(hash)?.revocation.clone())
        })
    }
}
