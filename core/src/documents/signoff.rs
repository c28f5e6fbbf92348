//! Sign-off: the maker confirms one exact version, optionally before a
//! witness. Signing validates the version (see [`validate`]) and makes it the
//! active one, superseding the previous active version, in one transaction.
//! The witness is never the maker's to record: it comes from the witness's
//! own attestation of the version (`witness.rs`, issue 11).

use chrono::{Months, Utc};

use super::change::{ChangeInput, Open};
use super::codec::normalise;
use super::date_bounds;
use super::record_kinds::SIGN_OFF_KIND;
use super::types::{DocumentVersion, SignOff, VersionStatus};
use super::validation::{validate, ValidationProblem};
use crate::error::{HavenError, Result};
use crate::vault::Vault;

/// Months from sign-off to the default next review.
pub const DEFAULT_REVIEW_MONTHS: u32 = 6;

/// A sign-off is normalised, and refused when it or its witness's date is
/// in the future (before the version: see [`Vault::sign_version`]).
impl ChangeInput for SignOff {
    fn prepare(self) -> Result<Self> {
        if self.witness.is_some() {
            return Err(HavenError::invalid(
                "the witness attests for themselves: hand the device to the witness to \
                 record their attestation of this version before you sign (haven statement \
                 witness); the maker cannot confirm on the witness's behalf",
            ));
        }
        let sign_off = normalise(self)?;
        date_bounds::not_in_future(sign_off.signed_on, "the sign-off")?;
        Ok(sign_off)
    }
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
    /// section, if [`validate`] finds any; and `InvalidInput` if the
    /// sign-off or the witness is dated before the version was created or
    /// after today. The witness is the one who attested this version
    /// ([`Vault::witness_version`]), and must have done so on the day of
    /// signing; a `sign_off` that names a witness itself is refused.
    pub fn sign_version(
        &self,
        document_id: &str,
        version_hash: &str,
        sign_off: SignOff,
    ) -> Result<DocumentVersion> {
        self.change_document(
            document_id,
            Open::Existing,
            sign_off,
            |doc, mut sign_off| {
                let state_version = doc.state().version(version_hash)?;
                let (status, created_at) = (state_version.status, state_version.created_at);
                sign_off.witness = state_version.witness.clone();
                date_bounds::not_before_version(sign_off.signed_on, created_at, "the sign-off")?;
                if let Some(d) = sign_off.witness.as_ref().and_then(|w| w.signed_on) {
                    if d != sign_off.signed_on {
                        return Err(HavenError::invalid(
                            "the witness attests on the day you sign, in your presence: the \
                         attestation and the sign-off must have the same date",
                        ));
                    }
                }
                if status != VersionStatus::Draft {
                    return Err(HavenError::invalid(format!(
                        "only a draft can be signed; this version is {}",
                        status.as_str()
                    )));
                }
                let version = doc.read_version(version_hash)?;
                let problems = validate(&version.content, Some(&sign_off));
                if !problems.is_empty() {
                    return Err(HavenError::invalid(problems_reason(&problems)));
                }
                let now = Utc::now();
                doc.attach(SIGN_OFF_KIND, version_hash, now, &sign_off)?;
                let state = doc.state_mut();
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
                Ok(DocumentVersion {
                    status: VersionStatus::Active,
                    sign_off: Some(sign_off),
                    ..version
                })
            },
        )
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
