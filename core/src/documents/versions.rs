//! Document versions: the `Vault` calls that create a document, save a
//! version, read versions and history, and check the chain (revoking is in
//! `revocation.rs`).
//!
//! See the module documentation of [`documents`](super) for the chain, and
//! `store.rs` for how versions and the state record are kept.

use super::change::{ChangeInput, Open, Parent};
use super::codec::decode;
use super::codec::normalise;
use super::content::DocumentContent;
use super::record_kinds::DOCUMENT_KIND;
use super::store::{load_state, read_version, verify_chain, State};
use super::types::{DocumentSummary, DocumentVersion, StatusChange, VersionSummary};
use crate::crypto;
use crate::error::{HavenError, Result};
use crate::records;
use crate::vault::Vault;

/// Longest warning-sign id accepted.
const MAX_ITEM_ID_CHARS: usize = 64;

/// Content is normalised, and new warning signs get their stable ids.
impl ChangeInput for DocumentContent {
    fn prepare(self) -> Result<Self> {
        prepare_content(self)
    }
}

fn prepare_content(content: DocumentContent) -> Result<DocumentContent> {
    let mut content = normalise(content)?;
    if let DocumentContent::CrisisPlan { plan } = &mut content {
        let mut seen = std::collections::HashSet::new();
        for (i, sign) in plan.warning_signs.iter_mut().enumerate() {
            if sign.id.is_empty() {
                sign.id = crypto::random_id()?;
            }
            let valid_id = sign.id.len() <= MAX_ITEM_ID_CHARS
                && sign
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !valid_id {
                return Err(HavenError::invalid(format!(
                    "warning sign {}: an id is at most {MAX_ITEM_ID_CHARS} letters, digits, '-' or '_'",
                    i + 1
                )));
            }
            if !seen.insert(sign.id.clone()) {
                return Err(HavenError::invalid(format!(
                    "warning sign {}: two warning signs share one id",
                    i + 1
                )));
            }
        }
    }
    Ok(content)
}

impl Vault {
    /// Starts a new document whose first version (a draft) holds `content`.
    pub fn create_document(&self, content: DocumentContent) -> Result<DocumentVersion> {
        let document_id = crypto::random_id()?;
        let open = Open::New(content.kind());
        self.change_document(&document_id, open, content, |doc, content| {
            doc.add_version(Parent::None, content)
        })
    }

    /// Saves `content` as a new draft version, child of `parent_hash`,
    /// which must be the newest version: if a newer one was saved in the
    /// meantime (another screen, another process), nothing is saved and the
    /// error is [`HavenError::Conflict`] naming it, so an editor can show
    /// both. [`Vault::save_version_as_branch`] branches deliberately.
    pub fn save_version(
        &self,
        document_id: &str,
        parent_hash: &str,
        content: DocumentContent,
    ) -> Result<DocumentVersion> {
        self.save_child(document_id, Parent::Newest(parent_hash), content)
    }

    /// Saves `content` as a new draft version, child of `parent_hash`, even
    /// when that is not the newest version: a second branch, kept beside
    /// the first. For the rare deliberate case ("keep both").
    pub fn save_version_as_branch(
        &self,
        document_id: &str,
        parent_hash: &str,
        content: DocumentContent,
    ) -> Result<DocumentVersion> {
        self.save_child(document_id, Parent::Branch(parent_hash), content)
    }

    fn save_child(
        &self,
        document_id: &str,
        parent: Parent<'_>,
        content: DocumentContent,
    ) -> Result<DocumentVersion> {
        self.change_document(document_id, Open::Existing, content, |doc, content| {
            let kind = doc.state().kind;
            if content.kind() != kind {
                return Err(HavenError::invalid(format!(
                    "this document is {}, not {}",
                    kind.with_article(),
                    content.kind().with_article()
                )));
            }
            doc.add_version(parent, content)
        })
    }

    /// One version, by hash.
    pub fn get_version(&self, document_id: &str, hash: &str) -> Result<DocumentVersion> {
        self.with_unlocked(|conn, scope| {
            let state = load_state(conn, scope, document_id)?;
            read_version(conn, scope, &state, document_id, hash)
        })
    }

    /// The most recently saved version.
    pub fn latest_version(&self, document_id: &str) -> Result<DocumentVersion> {
        self.with_unlocked(|conn, scope| {
            let state = load_state(conn, scope, document_id)?;
            let last = state
                .versions
                .last()
                .ok_or_else(|| HavenError::Corrupt {
                    record_id: Some(document_id.to_string()),
                })?
                .hash
                .clone();
            read_version(conn, scope, &state, document_id, &last)
        })
    }

    /// The active (signed, in force) version, if there is one.
    pub fn active_version(&self, document_id: &str) -> Result<Option<DocumentVersion>> {
        self.with_unlocked(|conn, scope| {
            let state = load_state(conn, scope, document_id)?;
            match state.active().map(|v| v.hash.clone()) {
                Some(hash) => read_version(conn, scope, &state, document_id, &hash).map(Some),
                None => Ok(None),
            }
        })
    }

    /// Every version of a document, oldest first, without content.
    pub fn document_history(&self, document_id: &str) -> Result<Vec<VersionSummary>> {
        self.with_unlocked(|conn, scope| {
            let state = load_state(conn, scope, document_id)?;
            Ok(state
                .versions
                .iter()
                .map(|v| state.summary_of(document_id, v))
                .collect())
        })
    }

    /// Concatenates `of_version(hash)` over every version of a document,
    /// oldest version first: the shape of the clinician response log.
    pub(crate) fn per_version<T>(
        &self,
        document_id: &str,
        of_version: impl Fn(&str) -> Result<Vec<T>>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        for v in self.document_history(document_id)? {
            out.extend(of_version(&v.hash)?);
        }
        Ok(out)
    }

    /// The document's status log, oldest first (append-only).
    pub fn status_log(&self, document_id: &str) -> Result<Vec<StatusChange>> {
        self.with_unlocked(|conn, scope| Ok(load_state(conn, scope, document_id)?.log))
    }

    /// Every document, newest first.
    pub fn documents(&self) -> Result<Vec<DocumentSummary>> {
        self.with_unlocked(|conn, scope| {
            records::all(conn, DOCUMENT_KIND)?
                .iter()
                .map(|row| {
                    let plain = scope.open(DOCUMENT_KIND, row)?;
                    let state: State = decode(&plain, &row.id)?;
                    Ok(state.document_summary(&row.id))
                })
                .collect()
        })
    }

    /// Checks the whole chain of a document: every version authenticates,
    /// hashes to its id, names the parent the index says, and every parent
    /// exists with the number before it. `Corrupt` names the first bad version.
    pub fn verify_document(&self, document_id: &str) -> Result<()> {
        self.with_unlocked(|conn, scope| {
            let state = load_state(conn, scope, document_id)?;
            verify_chain(conn, scope, &state, document_id)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::{CrisisPlan, WarningSign};

    #[test]
    fn prepare_assigns_ids_and_refuses_duplicates() {
        let mut plan = CrisisPlan {
            warning_signs: vec![WarningSign::new("a"), WarningSign::new("b")],
            ..Default::default()
        };
        let DocumentContent::CrisisPlan { plan: out } =
            prepare_content(plan.clone().into()).unwrap()
        else {
            unreachable!()
        };
        assert_eq!(out.warning_signs[0].id.len(), 32);
        assert_ne!(out.warning_signs[0].id, out.warning_signs[1].id);

        plan.warning_signs[0].id = "same".into();
        plan.warning_signs[1].id = "same".into();
        assert!(matches!(
            prepare_content(plan.clone().into()),
            Err(HavenError::InvalidInput { reason }) if reason.contains("share one id")
        ));
        plan.warning_signs[1].id = "bad id!".into();
        assert!(matches!(
            prepare_content(plan.into()),
            Err(HavenError::InvalidInput { reason }) if reason.contains("an id is at most")
        ));
    }
}
