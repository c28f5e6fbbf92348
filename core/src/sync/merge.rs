//! The merge: what a replica's records are, given the set of operations it
//! has applied, whatever order concurrent ones arrived in. Operations are
//! applied in causal order (`replica.rs` holds back an entry until its
//! writer's past is applied), and every rule below depends only on which
//! operation saw which (an entry's deps), never on a clock:
//!
//! - a journal entry keeps every revision no later revision has seen (a
//!   multi-value register): two offline edits both stay, as a conflict,
//!   until the person writes a revision that has seen both; a delete that
//!   did not see a concurrent edit leaves the edit alive, marked
//!   `resurrected` so the app can say so;
//! - document versions are named by their content hash: the set of them is
//!   a union;
//! - sign-offs, reviews and departures are append-only: a union by id;
//! - status changes are all kept (history); the standing is decided by the
//!   changes no later change has seen, and a revocation among them beats any
//!   activation among them, so a stale device cannot re-activate what it
//!   had not seen revoked.
//!
//! ADR 0015.

use std::collections::BTreeMap;

use super::entry::Entry;
use super::ids::Dot;
use super::op::{AttachKind, Op, RecordId, StatusChange};
use super::wire::Writer;
use crate::share::primitives::labelled_hash;

/// One revision of a journal entry kept by the merge.
#[derive(Clone, PartialEq, Eq)]
pub struct Revision {
    /// The operation that wrote it.
    pub dot: Dot,
    /// Its payload, or `None` for a delete.
    pub content: Option<Vec<u8>>,
}

/// What a journal entry is after the merge.
#[derive(Clone, PartialEq, Eq)]
pub enum JournalView {
    /// Deleted everywhere it was known.
    Deleted,
    /// Alive: one revision, or several in conflict (ordered by dot).
    Live {
        /// The revisions (more than one: a conflict to resolve).
        revisions: Vec<Revision>,
        /// A delete that had not seen one of these revisions was undone.
        resurrected: bool,
    },
}

/// A document's standing after the merge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Standing {
    /// No status change yet.
    Draft,
    /// This version is in force.
    Active([u8; 32]),
    /// Devices activated different versions without seeing each other's
    /// choice: the person chooses (ascending by hash).
    Contested(Vec<[u8; 32]>),
    /// Revoked.
    Revoked,
}

/// An attached record.
#[derive(Clone, PartialEq, Eq)]
pub struct Attached {
    /// The document.
    pub document: RecordId,
    /// The version.
    pub version: [u8; 32],
    /// What it is.
    pub kind: AttachKind,
    /// Its payload.
    pub body: Vec<u8>,
}

/// One status change kept in a document's history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct StatusEvent {
    /// The operation.
    pub dot: Dot,
    /// The version concerned.
    pub version: [u8; 32],
    /// The change.
    pub change: StatusChange,
}

/// The merged records of a replica.
#[derive(Default, Clone)]
pub struct State {
    journal: BTreeMap<RecordId, Vec<Revision>>,
    versions: BTreeMap<(RecordId, [u8; 32]), Vec<u8>>,
    attached: BTreeMap<RecordId, Attached>,
    history: BTreeMap<RecordId, Vec<StatusEvent>>,
    status_heads: BTreeMap<RecordId, Vec<StatusEvent>>,
}

/// Keeps the smaller of two bodies claimed under one name, so replicas
/// agree whichever arrived first (two devices never write different bodies
/// under one content hash or record id unless one is broken).
fn keep_smaller(slot: &mut Vec<u8>, body: &[u8]) {
    if body < slot.as_slice() {
        *slot = body.to_vec();
    }
}

impl State {
    /// Applies one entry's operation. The caller has applied everything
    /// the entry covers, and never applies an entry twice.
    pub(crate) fn apply(&mut self, e: &Entry) {
        let dot = e.dot();
        match &e.op {
            Op::Journal { record, content } => {
                let heads = self.journal.entry(*record).or_default();
                heads.retain(|r| !e.covers(&r.dot));
                heads.push(Revision {
                    dot,
                    content: content.clone(),
                });
                heads.sort_by_key(|r| r.dot);
            }
            Op::Version {
                document,
                hash,
                body,
            } => {
                self.versions
                    .entry((*document, *hash))
                    .and_modify(|b| keep_smaller(b, body))
                    .or_insert_with(|| body.clone());
            }
            Op::Attach {
                document,
                version,
                kind,
                record,
                body,
            } => {
                let new = Attached {
                    document: *document,
                    version: *version,
                    kind: *kind,
                    body: body.clone(),
                };
                self.attached
                    .entry(*record)
                    .and_modify(|a| {
                        if (&new.document, &new.version, new.kind, &new.body)
                            < (&a.document, &a.version, a.kind, &a.body)
                        {
                            *a = new.clone();
                        }
                    })
                    .or_insert(new);
            }
            Op::Status {
                document,
                version,
                change,
            } => {
                let event = StatusEvent {
                    dot,
                    version: *version,
                    change: *change,
                };
                let history = self.history.entry(*document).or_default();
                history.push(event);
                history.sort();
                let heads = self.status_heads.entry(*document).or_default();
                heads.retain(|h| !e.covers(&h.dot));
                heads.push(event);
                heads.sort();
            }
        }
    }

    /// A journal entry, if any operation named it.
    pub fn journal(&self, record: &RecordId) -> Option<JournalView> {
        let heads = self.journal.get(record)?;
        let revisions: Vec<Revision> = heads
            .iter()
            .filter(|r| r.content.is_some())
            .cloned()
            .collect();
        Some(if revisions.is_empty() {
            JournalView::Deleted
        } else {
            JournalView::Live {
                resurrected: revisions.len() < heads.len(),
                revisions,
            }
        })
    }

    /// Every journal entry any operation named.
    pub fn journal_ids(&self) -> impl Iterator<Item = &RecordId> {
        self.journal.keys()
    }

    /// The revisions of `record` no later revision has seen (deletes
    /// included), ordered by dot.
    pub fn journal_heads(&self, record: &RecordId) -> &[Revision] {
        self.journal.get(record).map_or(&[], Vec::as_slice)
    }

    /// Journal entries with more than one live revision.
    pub fn conflicts(&self) -> Vec<RecordId> {
        self.journal
            .iter()
            .filter(|(_, heads)| heads.iter().filter(|r| r.content.is_some()).count() > 1)
            .map(|(id, _)| *id)
            .collect()
    }

    /// A document version's body.
    pub fn version(&self, document: &RecordId, hash: &[u8; 32]) -> Option<&[u8]> {
        self.versions.get(&(*document, *hash)).map(Vec::as_slice)
    }

    /// An attached record.
    pub fn attached(&self, record: &RecordId) -> Option<&Attached> {
        self.attached.get(record)
    }

    /// Every status change of a document, ordered by dot.
    pub fn history(&self, document: &RecordId) -> &[StatusEvent] {
        self.history.get(document).map_or(&[], Vec::as_slice)
    }

    /// A document's standing.
    pub fn standing(&self, document: &RecordId) -> Standing {
        let Some(heads) = self.status_heads.get(document) else {
            return Standing::Draft;
        };
        if heads.iter().any(|h| h.change == StatusChange::Revoke) {
            return Standing::Revoked;
        }
        let mut active: Vec<[u8; 32]> = heads.iter().map(|h| h.version).collect();
        active.sort();
        active.dedup();
        match active.as_slice() {
            [] => Standing::Draft,
            [one] => Standing::Active(*one),
            _ => Standing::Contested(active),
        }
    }

    /// A hash of everything the merge holds, for comparing replicas.
    pub fn digest(&self) -> [u8; 32] {
        let mut w = Writer::default();
        for (id, heads) in &self.journal {
            w.bytes(id);
            w.u32(heads.len() as u32);
            for r in heads {
                w.bytes(&r.dot.device.0);
                w.u64(r.dot.seq);
                match &r.content {
                    Some(c) => {
                        w.u8(1);
                        w.var(c);
                    }
                    None => w.u8(0),
                }
            }
        }
        w.u8(0xff);
        for ((doc, hash), body) in &self.versions {
            w.bytes(doc);
            w.bytes(hash);
            w.var(body);
        }
        w.u8(0xff);
        for (id, a) in &self.attached {
            w.bytes(id);
            w.bytes(&a.document);
            w.bytes(&a.version);
            w.u8(a.kind as u8);
            w.var(&a.body);
        }
        w.u8(0xff);
        for (doc, events) in &self.history {
            w.bytes(doc);
            for ev in events {
                w.bytes(&ev.dot.device.0);
                w.u64(ev.dot.seq);
                w.bytes(&ev.version);
                w.u8(ev.change as u8);
            }
        }
        labelled_hash("haven-sync-state-digest", &w.0)
    }
}
