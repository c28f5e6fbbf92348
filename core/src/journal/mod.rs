//! The journal: free text, an optional mood (1-10) and tags per entry.
//!
//! Each entry is one encrypted record. Listing reads only the rows of the
//! requested page; search and mood series must decrypt every entry, because
//! no plaintext index exists (by design: an index would leak the words).

#[cfg(any(test, feature = "fuzzing"))]
pub(crate) mod fuzz;
mod payload;
mod search;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use unicode_normalization::{IsNormalized, UnicodeNormalization};

use crate::crypto;
use crate::error::{HavenError, Result};
use crate::records::{self, RowOpener, RowRef, Scope};
use crate::scan;
use crate::vault::Vault;
use crate::Timestamp;
use payload::View;
use search::{fold, matches};

/// Record kind for journal entries.
pub const KIND: &str = "journal";
/// Largest entry text, in bytes (1 MiB).
pub const MAX_TEXT_BYTES: usize = 1024 * 1024;
/// Most tags on one entry.
pub const MAX_TAGS: usize = 32;
/// Longest tag, in characters.
pub const MAX_TAG_CHARS: usize = 64;
/// Largest page.
pub const MAX_PAGE: u32 = 1000;

/// A journal entry as stored and shown.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Entry {
    /// Random id.
    pub id: String,
    /// When it was first written; never changes.
    pub created_at: Timestamp,
    /// When it was last edited (equal to `created_at` until then).
    pub updated_at: Timestamp,
    /// What the person wrote.
    pub text: String,
    /// Mood on a 1-10 scale, if given. A plain `i32` (Kotlin `Int`) rather
    /// than the `u8` it is stored as, so apps need no unsigned conversions.
    pub mood: Option<i32>,
    /// Tags, in the order given, without duplicates.
    pub tags: Vec<String>,
}

impl std::fmt::Debug for Entry {
    // Entries end up in test failures and logs: show the shape, not the words.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("id", &self.id)
            .field("text_len", &self.text.len())
            .field("mood", &self.mood.map(|_| "<set>"))
            .field("tags", &self.tags.len())
            .finish_non_exhaustive()
    }
}

/// What the person writes: used for adding and for editing.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Clone, Default, PartialEq)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Draft {
    /// Text (may be empty when a mood is given).
    pub text: String,
    /// Mood 1-10.
    pub mood: Option<i32>,
    /// Tags.
    pub tags: Vec<String>,
}

impl std::fmt::Debug for Draft {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Draft")
            .field("text_len", &self.text.len())
            .finish_non_exhaustive()
    }
}

/// One page of entries, newest first. `next_cursor` is a keyset position
/// (opaque text), not an entry id: it stays valid when entries are added,
/// edited or deleted, including the last one shown.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Page {
    /// The entries.
    pub entries: Vec<Entry>,
    /// Pass this as `before` to get the next page; `None` at the end.
    /// Opaque: do not parse it.
    pub next_cursor: Option<String>,
}

impl Draft {
    /// The mood as stored (one byte); `clean` has checked the range.
    fn stored_mood(&self) -> Result<Option<u8>> {
        self.mood
            .map(|m| {
                u8::try_from(m).map_err(|_| HavenError::invalid("mood must be between 1 and 10"))
            })
            .transpose()
    }

    /// Validates and normalises (NFC text, trimmed unique tags). Messages
    /// say what is wrong without quoting the input.
    fn clean(self) -> Result<Self> {
        if self.text.len() > MAX_TEXT_BYTES {
            return Err(HavenError::invalid(format!(
                "the entry text is {} bytes, over the limit of {MAX_TEXT_BYTES} bytes (1 MiB)",
                self.text.len()
            )));
        }
        if let Some(m) = self.mood {
            if !(1..=10).contains(&m) {
                return Err(HavenError::invalid(format!(
                    "mood must be between 1 and 10, not {m}"
                )));
            }
        }
        let text = nfc(self.text);
        if text.trim().is_empty() && self.mood.is_none() {
            return Err(HavenError::invalid("an entry needs some text or a mood"));
        }
        let mut tags: Vec<String> = Vec::new();
        for tag in self.tags {
            let t: String = tag.trim().nfc().collect();
            if t.is_empty() {
                return Err(HavenError::invalid("a tag cannot be empty"));
            }
            if t.chars().count() > MAX_TAG_CHARS {
                return Err(HavenError::invalid(format!(
                    "a tag can be at most {MAX_TAG_CHARS} characters"
                )));
            }
            if !tags.iter().any(|x| x.to_lowercase() == t.to_lowercase()) {
                tags.push(t);
            }
        }
        if tags.len() > MAX_TAGS {
            return Err(HavenError::invalid(format!(
                "an entry can have at most {MAX_TAGS} tags"
            )));
        }
        Ok(Self {
            text,
            mood: self.mood,
            tags,
        })
    }
}

impl View<'_> {
    fn into_entry(self, id: String) -> Entry {
        Entry {
            id,
            created_at: self.created_at,
            updated_at: self.updated_at,
            text: self.text.into_owned(),
            mood: self.mood.map(i32::from),
            tags: self.tags.into_vec(),
        }
    }

    fn matches(&self, q: &str) -> bool {
        matches(&self.text, q) || self.tags.any(|t| matches(t, q))
    }
}

/// Decodes a decrypted payload; a payload that does not decode is reported
/// as a corrupt record (it was authenticated, so this is a bug or damage
/// from a newer build, never an attacker's edit).
fn view<'p>(id: &str, plain: &'p [u8]) -> Result<View<'p>> {
    payload::decode(plain).ok_or_else(|| HavenError::Corrupt {
        record_id: Some(id.to_string()),
    })
}

/// Opens and decodes one borrowed row.
fn read_row(row: &RowRef<'_>, opener: &mut RowOpener<'_>) -> Result<Entry> {
    let plain = opener.open(KIND, row)?;
    Ok(view(row.id, plain)?.into_entry(row.id.to_string()))
}

/// Fetches and decodes one entry by id.
fn fetch(conn: &rusqlite::Connection, scope: &Scope<'_>, id: &str) -> Result<Entry> {
    let row = records::fetch(conn, KIND, id)?.ok_or_else(|| HavenError::not_found("entry", id))?;
    let plain = scope.open(KIND, &row)?;
    Ok(view(id, &plain)?.into_entry(row.id))
}

fn check_limit(limit: u32) -> Result<()> {
    if (1..=MAX_PAGE).contains(&limit) {
        Ok(())
    } else {
        Err(HavenError::invalid(format!(
            "a page holds between 1 and {MAX_PAGE} entries"
        )))
    }
}

/// Cursors are `s` and the row's position; the prefix leaves room for
/// another form later.
fn cursor(seq: i64) -> String {
    format!("s{seq}")
}

fn parse_cursor(c: &str) -> Result<i64> {
    c.strip_prefix('s')
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n > 0)
        .ok_or_else(|| HavenError::invalid("the page cursor is not one this vault handed out"))
}

/// Collects one page and the position of its last row.
struct PageBuilder {
    entries: Vec<Entry>,
    limit: usize,
    last_seq: Option<i64>,
    more: bool,
}

impl PageBuilder {
    fn new(limit: u32) -> Self {
        Self {
            entries: Vec::with_capacity(limit as usize),
            limit: limit as usize,
            last_seq: None,
            more: false,
        }
    }

    fn is_full(&self) -> bool {
        self.entries.len() == self.limit
    }

    fn push(&mut self, e: Entry, seq: i64) {
        self.entries.push(e);
        self.last_seq = Some(seq);
    }

    fn finish(self) -> Page {
        Page {
            next_cursor: self.last_seq.filter(|_| self.more).map(cursor),
            entries: self.entries,
        }
    }
}

/// NFC-normalises, skipping the work (and the copy) when a quick check
/// shows the text is already NFC, as all ASCII text and most other text is.
fn nfc(s: String) -> String {
    if s.is_ascii() || unicode_normalization::is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s
    } else {
        s.nfc().collect()
    }
}

impl Vault {
    /// Adds an entry dated now; returns it with its new id.
    pub fn add_entry(&self, draft: Draft) -> Result<Entry> {
        let d = draft.clean()?;
        let now = Utc::now();
        let id = crypto::random_id()?;
        let bytes = payload::encode(&now, &now, &d.text, d.stored_mood()?, &d.tags)?;
        self.with_unlocked(|conn, scope| scope.insert(conn, KIND, &id, &bytes))?;
        Ok(Entry {
            id,
            created_at: now,
            updated_at: now,
            text: d.text,
            mood: d.mood,
            tags: d.tags,
        })
    }

    /// Replaces an entry's text, mood and tags; keeps its creation time and
    /// records the edit time. Like a delete, checkpoints and truncates the
    /// WAL, so the old text's ciphertext does not stay in the log.
    pub fn edit_entry(&self, id: &str, draft: Draft) -> Result<Entry> {
        let d = draft.clean()?;
        self.with_unlocked(|conn, scope| {
            let tx = conn.transaction()?;
            let old = fetch(&tx, scope, id)?;
            let updated_at = Utc::now().max(old.created_at);
            let bytes = payload::encode(
                &old.created_at,
                &updated_at,
                &d.text,
                d.stored_mood()?,
                &d.tags,
            )?;
            scope.update(&tx, KIND, id, &bytes)?;
            tx.commit()?;
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            Ok(Entry {
                id: old.id,
                created_at: old.created_at,
                updated_at,
                text: d.text,
                mood: d.mood,
                tags: d.tags,
            })
        })
    }

    /// Deletes an entry for good: `secure_delete` overwrites its page and the
    /// WAL is checkpointed and truncated so no old copy stays in the log.
    pub fn delete_entry(&self, id: &str) -> Result<()> {
        self.with_unlocked(|conn, scope| {
            if !scope.delete(conn, KIND, id)? {
                return Err(HavenError::not_found("entry", id));
            }
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            Ok(())
        })
    }

    /// One entry by id.
    pub fn get_entry(&self, id: &str) -> Result<Entry> {
        self.with_unlocked(|conn, scope| fetch(conn, scope, id))
    }

    /// A page of entries, newest first, older than the cursor `before` (a
    /// previous page's `next_cursor`) when given. Decrypts only the entries
    /// on the page. The cursor survives deletes: deleting the entry it came
    /// from does not break the next page.
    pub fn list_entries(&self, limit: u32, before: Option<&str>) -> Result<Page> {
        check_limit(limit)?;
        let before = before.map(parse_cursor).transpose()?;
        self.with_unlocked(|conn, scope| {
            // One row more than asked tells whether there is a next page;
            // it is counted, not decrypted.
            let mut page = PageBuilder::new(limit);
            let mut opener = scope.opener();
            records::visit_older(conn, KIND, before, Some(limit + 1), |r, seq| {
                if page.is_full() {
                    page.more = true;
                } else {
                    page.push(read_row(&r, &mut opener)?, seq);
                }
                Ok(true)
            })?;
            Ok(page.finish())
        })
    }

    /// A page of the entries whose text or tags contain `query` (as in
    /// [`Vault::search_entries`]), newest first, older than the cursor
    /// `before` when given. Rows are decrypted one at a time until the page
    /// is full, so the first page of a common word comes back quickly.
    pub fn search_entries_page(
        &self,
        query: &str,
        limit: u32,
        before: Option<&str>,
    ) -> Result<Page> {
        check_limit(limit)?;
        let q = fold(query.trim());
        if q.is_empty() {
            return Err(HavenError::invalid("the search query is empty"));
        }
        let before = before.map(parse_cursor).transpose()?;
        self.with_unlocked(|conn, scope| {
            let mut page = PageBuilder::new(limit);
            let mut opener = scope.opener();
            records::visit_older(conn, KIND, before, None, |r, seq| {
                let plain = opener.open(KIND, &r)?;
                let v = view(r.id, plain)?;
                if !v.matches(&q) {
                    return Ok(true);
                }
                if page.is_full() {
                    page.more = true;
                    return Ok(false);
                }
                page.push(v.into_entry(r.id.to_string()), seq);
                Ok(true)
            })?;
            Ok(page.finish())
        })
    }

    /// Every entry, newest first.
    pub fn all_entries(&self) -> Result<Vec<Entry>> {
        self.with_unlocked(|conn, scope| {
            let mut out = Vec::new();
            let mut opener = scope.opener();
            records::visit_all(conn, KIND, |r| {
                out.push(read_row(&r, &mut opener)?);
                Ok(())
            })?;
            Ok(out)
        })
    }

    /// When each entry with a mood was written, and the mood, newest
    /// first: for mood charts, without copying any entry's words.
    pub(crate) fn entry_moods(&self) -> Result<Vec<(Timestamp, u8)>> {
        self.with_unlocked(|conn, scope| {
            scan::filter_map_all(conn, scope, KIND, |id, plain| {
                let v = view(id, plain)?;
                Ok(v.mood.map(|m| (v.created_at, m)))
            })
        })
    }

    /// Entries whose text or tags contain `query`, ignoring case (Unicode
    /// aware), newest first. Rows are decrypted and tested in place, on
    /// worker threads while this one reads SQLite (`scan.rs`): only matches
    /// are copied out, so memory stays small.
    pub fn search_entries(&self, query: &str) -> Result<Vec<Entry>> {
        let q = fold(query.trim());
        if q.is_empty() {
            return Err(HavenError::invalid("the search query is empty"));
        }
        self.with_unlocked(|conn, scope| {
            scan::filter_map_all(conn, scope, KIND, |id, plain| {
                let v = view(id, plain)?;
                Ok(v.matches(&q).then(|| v.into_entry(id.to_string())))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_streams_rows_and_keeps_only_matches_newest_first() {
        let (_dir, v) = crate::test_vault();
        let add = |text: &str, tags: &[&str]| {
            v.add_entry(Draft {
                text: text.into(),
                mood: None,
                tags: tags.iter().map(|t| t.to_string()).collect(),
            })
            .unwrap()
            .id
        };
        let a = add("a Zephyrine morning", &[]);
        add("nothing here", &["Work"]);
        let c = add("ÉTÉ and zephyrine again", &[]);
        let found: Vec<String> = v
            .search_entries("ZEPHYRINE")
            .unwrap()
            .into_iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(found, vec![c.clone(), a]);
        assert_eq!(v.search_entries("work").unwrap().len(), 1);
        assert_eq!(v.search_entries("été").unwrap()[0].id, c);
        let all = v.all_entries().unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].id, c);
    }

    /// A payload that authenticates but does not decode (damage, or a
    /// newer build's format) is a typed error naming the record on every
    /// read path, never a panic or a silently shortened list.
    #[test]
    fn undecodable_payload_is_corrupt_on_every_read_path() {
        let (_dir, v) = crate::test_vault();
        let good = v
            .add_entry(Draft {
                text: "fine".into(),
                ..Draft::default()
            })
            .unwrap();
        for (id, junk) in [
            ("bad-v9", &b"\x09junk"[..]),
            ("bad-v2", &b"\x02\xff"[..]),
            ("empty", &b""[..]),
        ] {
            v.with_unlocked(|conn, scope| scope.insert(conn, KIND, id, junk))
                .unwrap();
            let corrupt = |r: Result<Vec<Entry>>| {
                assert!(
                    matches!(&r, Err(HavenError::Corrupt { record_id }) if record_id.as_deref() == Some(id)),
                    "{id}: {r:?}"
                )
            };
            corrupt(v.all_entries());
            corrupt(v.search_entries("fine"));
            corrupt(v.list_entries(10, None).map(|p| p.entries));
            corrupt(v.get_entry(id).map(|e| vec![e]));
            v.delete_entry(id).unwrap();
        }
        assert_eq!(v.all_entries().unwrap(), vec![good]);
    }

    #[test]
    fn nfc_keeps_normalised_text_and_normalises_the_rest() {
        assert_eq!(nfc("plain ascii".into()), "plain ascii");
        assert_eq!(nfc("e\u{301}".into()), "\u{e9}");
    }
}
