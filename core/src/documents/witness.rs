//! Witnessing as a step of its own, done by the witness (issue 11, item 1).
//! The maker cannot attest for the witness: `sign_version` refuses a
//! sign-off that carries one, and takes the witness from the attestation
//! the witness recorded on that exact version (in the app, after the
//! device is handed over; in the CLI, `haven statement witness`).
//!
//! The attestation is kept in the document's encrypted state under the
//! version's hash, so it belongs to that version only: saving a new version
//! needs a new attestation. It is recorded on a draft, on the day the maker
//! signs, in their presence (Mental Capacity Act 2005 s.25(6)).

use super::change::{ChangeInput, Open};
use super::codec::normalise;
use super::date_bounds;
use super::store::load_state;
use super::types::{VersionStatus, Witness};
use crate::error::{HavenError, Result};
use crate::vault::Vault;

/// An attestation is normalised and complete before the vault is touched:
/// the witness gives their name, role, date and statement and confirms
/// both things themselves.
impl ChangeInput for Witness {
    fn prepare(self) -> Result<Self> {
        let w = normalise(self)?;
        if w.name.trim().is_empty() || w.role.trim().is_empty() {
            return Err(HavenError::invalid(
                "the witness gives their own name and role",
            ));
        }
        let Some(on) = w.signed_on else {
            return Err(HavenError::invalid(
                "the witness gives the date they witnessed",
            ));
        };
        date_bounds::not_in_future(on, "the witness's attestation")?;
        if w.statement.trim().is_empty() {
            return Err(HavenError::invalid(
                "the witness writes their statement, in their own words",
            ));
        }
        if !w.confirms_understanding || !w.confirms_no_undue_influence {
            return Err(HavenError::invalid(
                "the witness confirms, themselves, that the maker understood the document \
                 and was under no undue influence",
            ));
        }
        Ok(Witness {
            attested_by_witness: true,
            ..w
        })
    }
}

/// Lower-cased, white space collapsed: how two names are compared.
fn folded(s: &str) -> String {
    s.to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

impl Vault {
    /// Records the witness's own attestation of a draft version, made by
    /// the witness in the maker's presence (in the app, after the device
    /// is handed to them). Signing that version then takes its witness
    /// from here. A second attestation replaces the first until the
    /// version is signed. `InvalidInput` if the version is not a draft,
    /// the attestation is incomplete, its date is outside the version's
    /// creation and today, or the witness is the maker.
    pub fn witness_version(&self, document_id: &str, hash: &str, witness: Witness) -> Result<()> {
        self.change_document(document_id, Open::Existing, witness, |doc, w| {
            let v = doc.state().version(hash)?;
            if v.status != VersionStatus::Draft {
                return Err(HavenError::invalid(format!(
                    "only a draft can be witnessed, before it is signed; this version is {}",
                    v.status.as_str()
                )));
            }
            if let Some(on) = w.signed_on {
                date_bounds::not_before_version(on, v.created_at, "the witness's attestation")?;
            }
            let version = doc.read_version(hash)?;
            if let Some(s) = version.content.as_advance_statement() {
                let maker = &s.maker_details.full_name;
                if !maker.trim().is_empty() && folded(maker) == folded(&w.name) {
                    return Err(HavenError::invalid(
                        "the witness must be someone other than the maker",
                    ));
                }
            }
            doc.state_mut().attest(hash, w)
        })
    }

    /// The witness's attestation of a version, if one was recorded.
    pub fn witness_attestation(&self, document_id: &str, hash: &str) -> Result<Option<Witness>> {
        self.with_unlocked(|conn, scope| {
            let state = load_state(conn, scope, document_id)?;
            Ok(state.version(hash)?.witness.clone())
        })
    }
}
