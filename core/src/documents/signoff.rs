//! Sign-off: the maker confirms one exact version, optionally before a
//! witness. Signing validates the version (see [`validate`]) and makes it the
//! active one, superseding the previous active version, in one transaction.

use chrono::{Months, NaiveDate, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::validation::{validate, ValidationProblem};
use super::versions::{self, load_state, normalise, read_version, store_state, VersionStatus};
use super::{redacted_debug, DocumentVersion, SIGN_OFF_KIND};
use crate::error::{HavenError, Result};
use crate::records::Scope;
use crate::vault::Vault;

/// Months from sign-off to the default next review.
pub const DEFAULT_REVIEW_MONTHS: u32 = 6;

/// The maker's confirmation of a version.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct SignOff {
    /// The maker's name, as signed.
    pub maker_name: String,
    /// The date signed.
    pub signed_on: NaiveDate,
    /// The maker confirms they had capacity to make the document.
    pub confirms_capacity: bool,
    /// The maker's statement of capacity, in their words (optional).
    pub capacity_statement: String,
    /// Any support used to make it (advocate, peer worker, easy read); empty if none.
    pub support_used: String,
    /// The witness, if any. Required for refusals of life-sustaining treatment.
    pub witness: Option<Witness>,
}

/// A witness to the maker's signature.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[serde(default)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Witness {
    /// The witness's name.
    pub name: String,
    /// Their role ("friend", "advocate", "GP").
    pub role: String,
    /// The date witnessed.
    pub signed_on: Option<NaiveDate>,
    /// The witness confirms the maker understood what they signed.
    pub confirms_understanding: bool,
    /// The witness confirms the maker was under no undue influence.
    pub confirms_no_undue_influence: bool,
    /// The witness's statement, in their words (optional).
    pub statement: String,
}

redacted_debug!(SignOff, Witness);

/// The sign-off of a version, if it has one (the latest, if ever several).
pub(crate) fn load(
    conn: &Connection,
    scope: &Scope<'_>,
    document_id: &str,
    version_hash: &str,
) -> Result<Option<SignOff>> {
    let mut all =
        versions::attached::<SignOff>(conn, scope, SIGN_OFF_KIND, document_id, version_hash)?;
    Ok(all.pop().map(|r| r.body))
}

fn problems_reason(problems: &[ValidationProblem]) -> String {
    let listed: Vec<String> = problems.iter().map(ToString::to_string).collect();
    format!(
        "the version cannot be signed yet ({} to fix): {}",
        problems.len(),
        listed.join("; ")
    )
}

impl Vault {
    /// Signs a draft version and makes it active, superseding the previous
    /// active version, all in one transaction. Sets the next review date to
    /// [`DEFAULT_REVIEW_MONTHS`] after `signed_on` (change it with
    /// [`Vault::set_next_review`]). Refused, with every problem listed by
    /// section, if [`validate`] finds any.
    pub fn sign_version(
        &self,
        document_id: &str,
        version_hash: &str,
        sign_off: SignOff,
    ) -> Result<DocumentVersion> {
        let sign_off = normalise(sign_off)?;
        let today = Utc::now().date_naive();
        // A day of slack for time zones ahead of UTC.
        if sign_off.signed_on > today + chrono::Days::new(1) {
            return Err(HavenError::invalid("the sign-off date is in the future"));
        }
        self.with_unlocked(|conn, scope| {
            let tx = conn.transaction()?;
            let mut state = load_state(&tx, scope, document_id)?;
            let status = state.version(version_hash)?.status;
            if status != VersionStatus::Draft {
                return Err(HavenError::invalid(format!(
                    "only a draft can be signed; this version is {}",
                    status.as_str()
                )));
            }
            let version = read_version(&tx, scope, &state, document_id, version_hash)?;
            let problems = validate(&version.content, Some(&sign_off));
            if !problems.is_empty() {
                return Err(HavenError::invalid(problems_reason(&problems)));
            }
            let now = Utc::now();
            versions::attach(
                &tx,
                scope,
                SIGN_OFF_KIND,
                document_id,
                version_hash,
                now,
                &sign_off,
            )?;
            if let Some(previous) = state.active().map(|v| v.hash.clone()) {
                state.set_status(&previous, VersionStatus::Superseded, now);
            }
            state.set_status(version_hash, VersionStatus::Active, now);
            if let Some(v) = state.versions.iter_mut().find(|v| v.hash == version_hash) {
                v.signed_on = Some(sign_off.signed_on);
            }
            state.last_signed_on = Some(sign_off.signed_on);
            state.next_review = sign_off
                .signed_on
                .checked_add_months(Months::new(DEFAULT_REVIEW_MONTHS));
            store_state(&tx, scope, document_id, &state)?;
            tx.commit()?;
            Ok(DocumentVersion {
                status: VersionStatus::Active,
                sign_off: Some(sign_off),
                ..version
            })
        })
    }

    /// The problems that stop a version being signed, using its sign-off if
    /// it has one (so a draft lists "must be signed" for an ADRT).
    pub fn validate_version(
        &self,
        document_id: &str,
        version_hash: &str,
    ) -> Result<Vec<ValidationProblem>> {
        let v = self.get_version(document_id, version_hash)?;
        Ok(validate(&v.content, v.sign_off.as_ref()))
    }
}
