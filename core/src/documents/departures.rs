//! The departure log: each occasion, at any later time, when a wish in a
//! document was not followed: which section, who decided, their role, when,
//! why, and whether the person was told (Mental Health (Care and Treatment)
//! (Scotland) Act 2003 s.276 requires the reasons to be recorded and sent).
//!
//! Append-only, and attached to the exact version whose wish was departed
//! from, like reviews (see `review.rs`).

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
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Why the wish was not followed (required).
    pub reason: String,
    /// Whether the person was told.
    pub person_told: bool,
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
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Why.
    pub reason: String,
    /// Whether the person was told.
    pub person_told: bool,
}

redacted_debug!(NewDeparture, Departure);

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
        date_bounds::not_in_future(d.occurred_at.date_naive(), "the departure")?;
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
        reason: d.reason,
        person_told: d.person_told,
    }
}
