//! Noticing changes to a vault file, whoever made them: this handle, a
//! second handle in the same app, or another process (a widget, a share
//! extension). The apps use it to refresh screens instead of re-querying.
//!
//! A [`ChangeWatcher`] holds its own read-only SQLite connection. SQLite's
//! `PRAGMA data_version` on a connection changes whenever any *other*
//! connection commits to the file, which is every writer here, so a poll
//! that finds it unchanged costs one pragma. When it has changed, the
//! watcher compares the ids, kind tags and revisions of the rows with its
//! last look and reports the journal and document rows that were added,
//! changed or removed. It reads only that bookkeeping (ids and revisions
//! are random), never a ciphertext, and holds no key.
//!
//! Kind tags are keyed (`records/layout.rs`): which tag is the journal's
//! is known only once the vault handle the watcher came from has been
//! unlocked (the two tags are then shared with the watcher and kept after
//! a lock). Until then a poll reports nothing and keeps what it saw; the
//! first poll after the unlock reports every change since the watcher was
//! made. Locked afterwards, the vault is still watched.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::error::Result;
use crate::vault::Vault;

/// What changed.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// A journal entry; the id is the entry's.
    Entry,
    /// A document (new version, sign-off, revocation, review date, ...);
    /// the id is the document's.
    Document,
}

/// One record that was added, changed or removed since the last look.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Change {
    /// Entry or document.
    pub kind: ChangeKind,
    /// The entry's or document's id.
    pub id: String,
    /// True when it no longer exists.
    pub removed: bool,
}

/// The journal's and documents' kind tags, once a handle is unlocked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct WatchedTags {
    pub journal: [u8; 8],
    pub document: [u8; 8],
}

/// Shared between a vault handle (which fills it on unlock and rekey) and
/// its watchers.
pub(crate) type SharedTags = Arc<Mutex<Option<WatchedTags>>>;

/// Watches one vault file for commits from any connection.
pub struct ChangeWatcher {
    conn: Connection,
    data_version: i64,
    tags: SharedTags,
    /// The tags the last report was made under (`None`: none made yet).
    classified_with: Option<WatchedTags>,
    seen: HashMap<String, (Vec<u8>, i64)>,
}

impl std::fmt::Debug for ChangeWatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChangeWatcher")
            .field("rows", &self.seen.len())
            .finish_non_exhaustive()
    }
}

impl Vault {
    /// A watcher for this vault's file, starting from its current state
    /// (the first [`ChangeWatcher::poll`] reports only later changes).
    pub fn watch_changes(&self) -> Result<ChangeWatcher> {
        ChangeWatcher::open(self.path(), self.watched_tags())
    }
}

impl ChangeWatcher {
    fn open(path: &Path, tags: SharedTags) -> Result<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let mut w = Self {
            conn,
            data_version: 0,
            tags,
            classified_with: None,
            seen: HashMap::new(),
        };
        w.data_version = w.current_version()?;
        w.seen = w.snapshot()?;
        Ok(w)
    }

    fn current_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?)
    }

    fn snapshot(&self) -> Result<HashMap<String, (Vec<u8>, i64)>> {
        if crate::schema::version(&self.conn)? < crate::schema::LATEST {
            // Not yet rebuilt with kind tags (the first unlock does that):
            // every row will be new to the first poll after it.
            return Ok(HashMap::new());
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, tag, revision FROM records")?;
        let mut rows = stmt.query([])?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            out.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
        }
        Ok(out)
    }

    /// What changed since the last poll (or since the watcher was made):
    /// empty when nothing was committed. Cheap when nothing changed.
    pub fn poll(&mut self) -> Result<Vec<Change>> {
        let tags = *self.tags.lock().unwrap_or_else(|p| p.into_inner());
        let Some(tags) = tags else {
            // Not unlocked yet: which rows are entries is not known.
            return Ok(Vec::new());
        };
        let version = self.current_version()?;
        if version == self.data_version && self.classified_with == Some(tags) {
            return Ok(Vec::new());
        }
        // Read the version and the rows in one read transaction, so a commit
        // between them is seen on the next poll rather than lost.
        let tx = self.conn.unchecked_transaction()?;
        let version = tx.query_row("PRAGMA data_version", [], |r| r.get(0))?;
        let now = self.snapshot()?;
        tx.finish()?;
        let kind = |tag: &[u8]| {
            if tag == tags.journal {
                Some(ChangeKind::Entry)
            } else if tag == tags.document {
                Some(ChangeKind::Document)
            } else {
                None
            }
        };
        let mut changes: Vec<Change> = now
            .iter()
            .filter(|(id, v)| self.seen.get(*id) != Some(v))
            .filter_map(|(id, (tag, _))| {
                Some(Change {
                    kind: kind(tag)?,
                    id: id.clone(),
                    removed: false,
                })
            })
            .collect();
        changes.extend(
            self.seen
                .iter()
                .filter(|(id, _)| !now.contains_key(*id))
                .filter_map(|(id, (tag, _))| {
                    Some(Change {
                        kind: kind(tag)?,
                        id: id.clone(),
                        removed: true,
                    })
                }),
        );
        changes.sort_by(|a, b| (a.kind as u8, &a.id).cmp(&(b.kind as u8, &b.id)));
        self.data_version = version;
        self.classified_with = Some(tags);
        self.seen = now;
        Ok(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Draft;

    fn draft(text: &str) -> Draft {
        Draft {
            text: text.into(),
            ..Draft::default()
        }
    }

    #[test]
    fn a_second_handle_sees_adds_edits_and_deletes_from_the_first() {
        let (dir, a) = crate::test_vault();
        let b = Vault::open(&dir.path().join("v.db")).unwrap();
        let mut w = b.watch_changes().unwrap();
        assert_eq!(w.poll().unwrap(), vec![]);
        // Before `b` is unlocked its watcher cannot tell entries from other
        // rows (kind tags are keyed): it reports nothing yet, and the first
        // poll after the unlock reports what happened in between.
        let early = a.add_entry(draft("zero")).unwrap();
        assert_eq!(w.poll().unwrap(), vec![]);
        b.unlock_with_passphrase("correct horse battery", &crate::Silent)
            .unwrap();
        assert_eq!(
            w.poll().unwrap(),
            vec![Change {
                kind: ChangeKind::Entry,
                id: early.id.clone(),
                removed: false
            }]
        );
        assert_eq!(w.poll().unwrap(), vec![], "reported once");

        let e = a.add_entry(draft("one")).unwrap();
        let added = w.poll().unwrap();
        assert_eq!(
            added,
            vec![Change {
                kind: ChangeKind::Entry,
                id: e.id.clone(),
                removed: false
            }]
        );
        assert_eq!(w.poll().unwrap(), vec![], "reported once");

        a.edit_entry(&e.id, draft("two")).unwrap();
        assert_eq!(w.poll().unwrap()[0].id, e.id);
        let plan = a
            .create_document(crate::CrisisPlan::new_for_region(crate::Region::Uk).into())
            .unwrap();
        let doc = w.poll().unwrap();
        assert_eq!(doc.len(), 1);
        assert_eq!(
            (doc[0].kind, doc[0].id.as_str()),
            (ChangeKind::Document, plan.document_id.as_str())
        );

        a.delete_entry(&e.id).unwrap();
        assert_eq!(
            w.poll().unwrap(),
            vec![Change {
                kind: ChangeKind::Entry,
                id: e.id,
                removed: true
            }]
        );
        // Once unlocked, a locked vault is watched too (no key is held).
        b.lock();
        a.add_entry(draft("three")).unwrap();
        assert_eq!(w.poll().unwrap().len(), 1);
    }
}
