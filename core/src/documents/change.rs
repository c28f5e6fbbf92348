//! The one way to change a document. Every write (a new document, a saved
//! version, a sign-off, a revocation, a review, a departure, a review date)
//! runs the same sequence: prepare the input (NFC, checks that do not need
//! the vault) -> transaction -> load the document's state -> the caller's
//! checks and writes -> store the state if it changed -> commit.
//!
//! Anything that must hold for every change of a document (what the state
//! records about attached records, conflicts on saving) belongs here, in
//! [`DocumentChange`], so that no caller can skip it.

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;

use super::codec::encode;
use super::content::{DocumentContent, DocumentKind};
use super::record_kinds::DOCUMENT_KIND;
use super::store::{self, load_state, load_version, store_state, write_version, State};
use super::types::DocumentVersion;
use crate::error::{HavenError, Result};
use crate::records::Scope;
use crate::vault::Vault;

/// Input to a change, made ready before the transaction starts: normalised
/// to NFC and refused if wrong whatever the document holds.
pub(crate) trait ChangeInput: Sized {
    /// Normalises and checks `self`.
    fn prepare(self) -> Result<Self>;
}

/// No input (a change that only needs the document: revoking, setting the
/// review date).
impl ChangeInput for () {
    fn prepare(self) -> Result<Self> {
        Ok(())
    }
}

/// Whether the change starts a new document or changes an existing one.
pub(crate) enum Open {
    /// The document exists; its state is loaded (`NotFound` if not).
    Existing,
    /// A new document of this kind; its state is created.
    New(DocumentKind),
}

/// Where a new version goes.
pub(crate) enum Parent<'p> {
    /// The first version of a new document.
    None,
    /// A child of the newest version. If a newer one was saved meanwhile
    /// (another screen, another process) the save is refused with
    /// [`HavenError::Conflict`] naming it.
    Newest(&'p str),
    /// A child of any version: a deliberate second branch.
    Branch(&'p str),
}

/// A document inside the change's transaction.
pub(crate) struct DocumentChange<'a> {
    conn: &'a Connection,
    scope: &'a Scope<'a>,
    document_id: &'a str,
    state: State,
    changed: bool,
}

impl DocumentChange<'_> {
    /// The document's state as loaded (and changed so far).
    pub(crate) fn state(&self) -> &State {
        &self.state
    }

    /// The state, to change; it is stored before the commit.
    pub(crate) fn state_mut(&mut self) -> &mut State {
        self.changed = true;
        &mut self.state
    }

    /// One full version of this document (authenticated, re-hashed).
    pub(crate) fn read_version(&self, hash: &str) -> Result<DocumentVersion> {
        store::read_version(self.conn, self.scope, &self.state, self.document_id, hash)
    }

    /// Seals `content` as a new draft version of this document (see
    /// [`Parent`]); the parent is authenticated before it is named.
    pub(crate) fn add_version(
        &mut self,
        parent: Parent<'_>,
        content: DocumentContent,
    ) -> Result<DocumentVersion> {
        let parent = match parent {
            Parent::None => None,
            Parent::Newest(hash) | Parent::Branch(hash) => {
                let number = self.state.version(hash)?.number;
                if let (Parent::Newest(_), Some(newest)) = (&parent, self.state.versions.last()) {
                    if newest.hash != hash {
                        return Err(HavenError::Conflict {
                            newer_version: newest.hash.clone(),
                        });
                    }
                }
                load_version(
                    self.conn,
                    self.scope,
                    self.state.kind,
                    self.document_id,
                    hash,
                )?;
                Some((hash, number))
            }
        };
        self.changed = true;
        write_version(
            self.conn,
            self.scope,
            &mut self.state,
            self.document_id,
            parent,
            content,
        )
    }

    /// Appends a record of `kind` attached to one version of this document
    /// (`NotFound` if the document has no such version) and lists it in the
    /// document's state; returns its id.
    pub(crate) fn attach<T: Serialize>(
        &mut self,
        kind: &str,
        version_hash: &str,
        recorded_at: DateTime<Utc>,
        body: &T,
    ) -> Result<String> {
        self.state.version(version_hash)?;
        self.changed = true;
        store::attach(
            self.conn,
            self.scope,
            &mut self.state,
            kind,
            self.document_id,
            version_hash,
            recorded_at,
            body,
        )
    }
}

impl Vault {
    /// Runs one change of `document_id` (see the module documentation):
    /// `input` is prepared first, then `change` checks and writes inside
    /// one transaction with the document's state loaded. Nothing is written
    /// unless `change` returns `Ok`.
    pub(crate) fn change_document<I: ChangeInput, T>(
        &self,
        document_id: &str,
        open: Open,
        input: I,
        change: impl FnOnce(&mut DocumentChange<'_>, I) -> Result<T>,
    ) -> Result<T> {
        let input = input.prepare()?;
        self.with_unlocked(|conn, scope| {
            let tx = conn.transaction()?;
            let (state, new) = match open {
                Open::Existing => (load_state(&tx, scope, document_id)?, false),
                Open::New(kind) => (State::new(kind, Utc::now()), true),
            };
            let mut doc = DocumentChange {
                conn: &tx,
                scope,
                document_id,
                state,
                changed: false,
            };
            let out = change(&mut doc, input)?;
            if new {
                scope.insert(&tx, DOCUMENT_KIND, document_id, &encode(&doc.state)?)?;
            } else if doc.changed {
                store_state(&tx, scope, document_id, &doc.state)?;
            }
            tx.commit()?;
            Ok(out)
        })
    }
}
