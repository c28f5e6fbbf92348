//! The departure log: each occasion, at any later time, when a wish in a
//! document was not followed: which section, who decided, their role, when,
//! why, the legal authority used, any second opinion, whether the person was
//! told and who else was (Mental Health (Care and Treatment) (Scotland) Act
//! 2003 s.276 requires the reasons to be recorded and sent; Mental Health
//! Act 2025 s.57A allows a valid and applicable refusal to be overridden
//! only with a second opinion and a compelling reason).
//!
//! A departure is recorded as it happened: one without a second opinion is
//! kept, not refused (refusing it would hide the very thing the log is
//! for); [`Departure::missing_second_opinion`] says when s.57A asked for one.
//!
//! When it happened is a date unless the time of day was known
//! (`time_known`): exports then show the date alone and never a time that
//! was not recorded (issue 11).
//!
//! Append-only, and attached to the exact version whose wish was departed
//! from, like reviews (see `review.rs`). Departures recorded before the
//! authority, second opinion and others told existed read back with them
//! empty ("not recorded") and with the date alone.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::change::{ChangeInput, Open};
use super::codec::normalise;
use super::contacts::Clinician;
use super::content::Section;
use super::date_bounds;
use super::record_kinds::DEPARTURE_KIND;
use super::redact::redacted_debug;
use super::store::{attached, load_state};
use crate::error::{HavenError, Result};
use crate::vault::Vault;

/// Whether a second opinion was obtained before a wish was overridden.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum SecondOpinion {
    /// Not said (departures recorded before issue 11; or a section where
    /// none applies). Refused for a departure from a treatment refusal.
    #[default]
    NotRecorded,
    /// No second opinion was obtained.
    NotObtained,
    /// A second opinion was obtained from this clinician.
    Obtained {
        /// Who gave it (name and role required).
        by: Clinician,
    },
}

/// A departure as entered.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct NewDeparture {
    /// The section whose wish was not followed (of the document's kind).
    pub section: Section,
    /// Which wish, briefly (optional).
    #[serde(default)]
    pub wish: String,
    /// Who decided (name and role required).
    pub clinician: Clinician,
    /// When it happened. Unless `time_known`, only its UTC date counts:
    /// give noon UTC of the day.
    pub occurred_at: DateTime<Utc>,
    /// Whether the time of day is known (else a date only).
    #[serde(default)]
    pub time_known: bool,
    /// Why the wish was not followed (required).
    pub reason: String,
    /// Whether the person was told.
    pub person_told: bool,
    /// The legal authority used (required), e.g. "Mental Health Act 1983
    /// s.3, treatment under s.58", or "none (informal patient)".
    #[serde(default)]
    pub legal_authority: String,
    /// Whether a second opinion was obtained, and from whom (required for
    /// a departure from a treatment refusal).
    #[serde(default)]
    pub second_opinion: SecondOpinion,
    /// Who else was told (nominated or named person, Mental Welfare
    /// Commission, GP), one entry each.
    #[serde(default)]
    pub others_told: Vec<String>,
}

/// A stored departure.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Departure {
    /// Record id (random; `<version hash>.<random>` if written before issue 9).
    pub id: String,
    /// The document.
    pub document_id: String,
    /// The version whose wish was departed from.
    pub version_hash: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// The section.
    pub section: Section,
    /// Which wish.
    pub wish: String,
    /// Who decided.
    pub clinician: Clinician,
    /// When it happened (only the UTC date counts unless `time_known`).
    pub occurred_at: DateTime<Utc>,
    /// Whether the time of day is known.
    pub time_known: bool,
    /// Why.
    pub reason: String,
    /// Whether the person was told.
    pub person_told: bool,
    /// The legal authority used (empty: not recorded).
    pub legal_authority: String,
    /// Whether a second opinion was obtained, and from whom.
    pub second_opinion: SecondOpinion,
    /// Who else was told.
    pub others_told: Vec<String>,
}

redacted_debug!(NewDeparture, Departure, SecondOpinion);

impl Departure {
    /// True when this departure overrode a treatment refusal without a
    /// second opinion (Mental Health Act 2025 s.57A requires one, and a
    /// compelling reason, to override a valid and applicable refusal).
    pub fn missing_second_opinion(&self) -> bool {
        self.section == Section::TreatmentRefusals
            && self.second_opinion == SecondOpinion::NotObtained
    }
}

/// A departure is normalised, and refused without who decided or why.
impl ChangeInput for NewDeparture {
    fn prepare(self) -> Result<Self> {
        let d = normalise(self)?;
        if d.clinician.name.trim().is_empty() {
            return Err(HavenError::invalid(
                "say who decided not to follow the wish (name)",
            ));
        }
        if d.clinician.role.trim().is_empty() {
            return Err(HavenError::invalid(
                "say the role of who decided not to follow the wish",
            ));
        }
        if d.reason.trim().is_empty() {
            return Err(HavenError::invalid(
                "a reason is required when a wish is not followed",
            ));
        }
        if d.legal_authority.trim().is_empty() {
            return Err(HavenError::invalid(
                "say the legal authority used to depart from the wish (for example \
                 \"Mental Health Act 1983 s.3, treatment under s.58\"), or \"none\"",
            ));
        }
        match &d.second_opinion {
            SecondOpinion::NotRecorded if d.section == Section::TreatmentRefusals => {
                return Err(HavenError::invalid(
                    "say whether a second opinion was obtained before a treatment refusal \
                     was overridden, and from whom",
                ));
            }
            SecondOpinion::Obtained { by }
                if by.name.trim().is_empty() || by.role.trim().is_empty() =>
            {
                return Err(HavenError::invalid(
                    "say who gave the second opinion (name and role)",
                ));
            }
            _ => {}
        }
        if d.others_told.iter().any(|o| o.trim().is_empty()) {
            return Err(HavenError::invalid(
                "each person told must be named (remove empty entries)",
            ));
        }
        date_bounds::not_in_future(d.occurred_at.date_naive(), "the departure")?;
        if d.time_known && d.occurred_at > Utc::now() {
            return Err(HavenError::invalid(
                "the departure's time is in the future: it must be now or earlier",
            ));
        }
        Ok(d)
    }
}

impl Vault {
    /// Appends a departure to the log of one version. Cannot be edited or
    /// deleted. `InvalidInput` if it is dated before the version was
    /// created or after today (each bound with its own message).
    pub fn record_departure(
        &self,
        document_id: &str,
        version_hash: &str,
        departure: NewDeparture,
    ) -> Result<Departure> {
        self.change_document(document_id, Open::Existing, departure, |doc, d| {
            let kind = doc.state().kind;
            if d.section.document_kind() != Some(kind) {
                return Err(HavenError::invalid(format!(
                    "section {} is not part of {}",
                    d.section.key(),
                    kind.with_article()
                )));
            }
            date_bounds::not_before_version(
                d.occurred_at.date_naive(),
                doc.state().version(version_hash)?.created_at,
                "the departure",
            )?;
            let now = Utc::now();
            let id = doc.attach(DEPARTURE_KIND, version_hash, now, &d)?;
            Ok(departure_from(id, document_id, version_hash, now, d))
        })
    }

    /// The departures from one version, oldest first.
    pub fn departures(&self, document_id: &str, version_hash: &str) -> Result<Vec<Departure>> {
        self.with_unlocked(|conn, scope| {
            let state = load_state(conn, scope, document_id)?;
            state.version(version_hash)?;
            let rows = attached::<NewDeparture>(
                conn,
                scope,
                &state,
                DEPARTURE_KIND,
                document_id,
                version_hash,
            )?;
            Ok(rows
                .into_iter()
                .map(|r| departure_from(r.id, document_id, version_hash, r.recorded_at, r.body))
                .collect())
        })
    }

    /// Every departure from any version of a document, by version (oldest
    /// version first) then oldest first.
    pub fn all_departures(&self, document_id: &str) -> Result<Vec<Departure>> {
        self.per_version(document_id, |hash| self.departures(document_id, hash))
    }
}

fn departure_from(
    id: String,
    document_id: &str,
    version_hash: &str,
    recorded_at: DateTime<Utc>,
    d: NewDeparture,
) -> Departure {
    Departure {
        id,
        document_id: document_id.to_string(),
        version_hash: version_hash.to_string(),
        recorded_at,
        section: d.section,
        wish: d.wish,
        clinician: d.clinician,
        occurred_at: d.occurred_at,
        time_known: d.time_known,
        reason: d.reason,
        person_told: d.person_told,
        legal_authority: d.legal_authority,
        second_opinion: d.second_opinion,
        others_told: d.others_told,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::codec::decode;

    /// A departure stored before issue 11 (no time flag, authority, second
    /// opinion or others told) still reads, with each of them "not
    /// recorded" and the date alone.
    #[test]
    fn a_departure_stored_before_issue_11_still_reads() {
        let old = br#"{"section":"treatment_refusals","wish":"w","clinician":{"name":"n","role":"r","organisation":""},"occurred_at":"2026-11-02T12:00:00Z","reason":"why","person_told":true}"#;
        let d: NewDeparture = decode(old, "x").unwrap();
        assert!(!d.time_known);
        assert_eq!(d.legal_authority, "");
        assert_eq!(d.second_opinion, SecondOpinion::NotRecorded);
        assert!(d.others_told.is_empty());
        assert_eq!(d.reason, "why");
        let stored = departure_from("i".into(), "doc", "hash", Utc::now(), d);
        assert!(
            !stored.missing_second_opinion(),
            "not recorded is not 'none'"
        );
    }
}
