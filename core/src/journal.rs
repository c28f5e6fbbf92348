//! The journal: free text, an optional mood (1-10) and tags per entry.
//!
//! Each entry is one encrypted record. Listing reads only the rows of the
//! requested page; search and mood series must decrypt every entry, because
//! no plaintext index exists (by design: an index would leak the words).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::crypto;
use crate::error::{HavenError, Result};
use crate::records::{self, SealedRow};
use crate::vault::Vault;
use crate::Timestamp;

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
pub struct Entry {
    /// Random id.
    pub id: String,
    /// When it was first written; never changes.
    pub created_at: Timestamp,
    /// When it was last edited (equal to `created_at` until then).
    pub updated_at: Timestamp,
    /// What the person wrote.
    pub text: String,
    /// Mood on a 1-10 scale, if given.
    pub mood: Option<u8>,
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
pub struct Draft {
    /// Text (may be empty when a mood is given).
    pub text: String,
    /// Mood 1-10.
    pub mood: Option<u8>,
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

/// One page of entries, newest first.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page {
    /// The entries.
    pub entries: Vec<Entry>,
    /// Pass this as `before` to get the next page; `None` at the end.
    pub next_cursor: Option<String>,
}

/// The stored payload. `v` lets the payload evolve independently of the envelope.
#[derive(Serialize, Deserialize)]
struct Payload {
    v: u8,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    text: String,
    mood: Option<u8>,
    tags: Vec<String>,
}

impl Draft {
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
        let text: String = self.text.nfc().collect();
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

fn encode(p: &Payload) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    serde_json::to_vec(p)
        .map(zeroize::Zeroizing::new)
        .map_err(|_| HavenError::invalid("the entry could not be encoded"))
}

fn decode(scope: &records::Scope<'_>, row: &SealedRow) -> Result<Entry> {
    let plain = scope.open(KIND, row)?;
    let p: Payload = serde_json::from_slice(&plain).map_err(|_| HavenError::Corrupt {
        record_id: row.id.clone(),
    })?;
    Ok(Entry {
        id: row.id.clone(),
        created_at: p.created_at,
        updated_at: p.updated_at,
        text: p.text,
        mood: p.mood,
        tags: p.tags,
    })
}

/// Lower-cases for matching. Stored text is already NFC, so case folding by
/// `to_lowercase` (full Unicode, e.g. "ÉTÉ" matches "été") is enough.
fn fold(s: &str) -> String {
    s.nfc().collect::<String>().to_lowercase()
}

impl Vault {
    /// Adds an entry dated now; returns it with its new id.
    pub fn add_entry(&self, draft: Draft) -> Result<Entry> {
        let d = draft.clean()?;
        let now = Utc::now();
        let id = crypto::random_id()?;
        let payload = Payload {
            v: 1,
            created_at: now,
            updated_at: now,
            text: d.text,
            mood: d.mood,
            tags: d.tags,
        };
        let bytes = encode(&payload)?;
        self.with_unlocked(|conn, scope| scope.insert(conn, KIND, &id, &bytes))?;
        Ok(Entry {
            id,
            created_at: payload.created_at,
            updated_at: payload.updated_at,
            text: payload.text,
            mood: payload.mood,
            tags: payload.tags,
        })
    }

    /// Replaces an entry's text, mood and tags; keeps its creation time and
    /// records the edit time.
    pub fn edit_entry(&self, id: &str, draft: Draft) -> Result<Entry> {
        let d = draft.clean()?;
        self.with_unlocked(|conn, scope| {
            let tx = conn.transaction()?;
            let row =
                records::fetch(&tx, KIND, id)?.ok_or_else(|| HavenError::not_found("entry", id))?;
            let old = decode(scope, &row)?;
            let payload = Payload {
                v: 1,
                created_at: old.created_at,
                updated_at: Utc::now().max(old.created_at),
                text: d.text,
                mood: d.mood,
                tags: d.tags,
            };
            scope.update(&tx, KIND, id, &encode(&payload)?)?;
            tx.commit()?;
            Ok(Entry {
                id: id.to_string(),
                created_at: payload.created_at,
                updated_at: payload.updated_at,
                text: payload.text,
                mood: payload.mood,
                tags: payload.tags,
            })
        })
    }

    /// Deletes an entry for good: `secure_delete` overwrites its page and the
    /// WAL is checkpointed and truncated so no old copy stays in the log.
    pub fn delete_entry(&self, id: &str) -> Result<()> {
        self.with_unlocked(|conn, _| {
            if !records::delete(conn, KIND, id)? {
                return Err(HavenError::not_found("entry", id));
            }
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            Ok(())
        })
    }

    /// One entry by id.
    pub fn get_entry(&self, id: &str) -> Result<Entry> {
        self.with_unlocked(|conn, scope| {
            let row = records::fetch(conn, KIND, id)?
                .ok_or_else(|| HavenError::not_found("entry", id))?;
            decode(scope, &row)
        })
    }

    /// A page of entries, newest first, older than the entry `before` when
    /// given. Decrypts only the entries on the page.
    pub fn list_entries(&self, limit: u32, before: Option<&str>) -> Result<Page> {
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(HavenError::invalid(format!(
                "a page holds between 1 and {MAX_PAGE} entries"
            )));
        }
        self.with_unlocked(|conn, scope| {
            let rows = records::page(conn, KIND, before, limit + 1)?;
            let more = rows.len() > limit as usize;
            let entries = rows
                .iter()
                .take(limit as usize)
                .map(|r| decode(scope, r))
                .collect::<Result<Vec<_>>>()?;
            let next_cursor = if more {
                entries.last().map(|e| e.id.clone())
            } else {
                None
            };
            Ok(Page {
                entries,
                next_cursor,
            })
        })
    }

    /// Every entry, newest first.
    pub fn all_entries(&self) -> Result<Vec<Entry>> {
        self.with_unlocked(|conn, scope| {
            records::all(conn, KIND)?
                .iter()
                .map(|r| decode(scope, r))
                .collect()
        })
    }

    /// Entries whose text or tags contain `query`, ignoring case (Unicode
    /// aware), newest first.
    pub fn search_entries(&self, query: &str) -> Result<Vec<Entry>> {
        let q = fold(query.trim());
        if q.is_empty() {
            return Err(HavenError::invalid("the search query is empty"));
        }
        let all = self.all_entries()?;
        Ok(all
            .into_iter()
            .filter(|e| fold(&e.text).contains(&q) || e.tags.iter().any(|t| fold(t).contains(&q)))
            .collect())
    }
}
