//! The journal: free text, an optional mood (1-10) and tags per entry.
//!
//! Each entry is one encrypted record. Listing reads only the rows of the
//! requested page; search and mood series must decrypt every entry, because
//! no plaintext index exists (by design: an index would leak the words).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use unicode_normalization::{IsNormalized, UnicodeNormalization};

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

fn encode(p: &Payload) -> Result<zeroize::Zeroizing<Vec<u8>>> {
    serde_json::to_vec(p)
        .map(zeroize::Zeroizing::new)
        .map_err(|_| HavenError::invalid("the entry could not be encoded"))
}

fn decode(scope: &records::Scope<'_>, row: SealedRow) -> Result<Entry> {
    let SealedRow { id, revision, body } = row;
    let plain = scope.open_body(KIND, &id, revision, body)?;
    let p: Payload = match serde_json::from_slice(&plain) {
        Ok(p) => p,
        Err(_) => return Err(HavenError::Corrupt { record_id: id }),
    };
    Ok(Entry {
        id,
        created_at: p.created_at,
        updated_at: p.updated_at,
        text: p.text,
        mood: p.mood,
        tags: p.tags,
    })
}

/// NFC-normalises, skipping the work (and the copy) when a quick check
/// shows the text is already NFC, as all ASCII text and most other text is.
fn nfc(s: String) -> String {
    if unicode_normalization::is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s
    } else {
        s.nfc().collect()
    }
}

/// Lower-cases for matching: NFC, then case folding by `to_lowercase` (full
/// Unicode, e.g. "ÉTÉ" matches "été").
fn fold(s: &str) -> String {
    if unicode_normalization::is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s.to_lowercase()
    } else {
        s.nfc().collect::<String>().to_lowercase()
    }
}

/// Whether `text` contains the folded query `q`. When both are ASCII, full
/// Unicode folding equals ASCII folding, so the text is compared in place
/// without building a lower-cased copy. (Non-ASCII text must take the slow
/// path: e.g. the Kelvin sign lower-cases to an ASCII `k`.)
fn matches(text: &str, q: &str) -> bool {
    if q.is_ascii() && text.is_ascii() {
        contains_ascii_ignore_case(text.as_bytes(), q.as_bytes())
    } else {
        fold(text).contains(q)
    }
}

/// `needle` must be ASCII lower-case. Search decrypts and scans every
/// entry, so this is a hot loop: candidate positions for the first byte are
/// found a block at a time (a branch-free test the compiler vectorises), and
/// only blocks holding one are checked byte by byte.
fn contains_ascii_ignore_case(hay: &[u8], needle: &[u8]) -> bool {
    const BLOCK: usize = 32;
    let Some(&first) = needle.first() else {
        return true;
    };
    if hay.len() < needle.len() {
        return false;
    }
    // Setting bit 0x20 lower-cases ASCII letters; for a letter, `b | 0x20 ==
    // first` also admits a few non-letters, which the full compare rejects.
    let fold_bit = if first.is_ascii_alphabetic() { 0x20 } else { 0 };
    let starts = &hay[..=hay.len() - needle.len()];
    for (block, chunk) in starts.chunks(BLOCK).enumerate() {
        if !chunk
            .iter()
            .fold(false, |any, &b| any | (b | fold_bit == first))
        {
            continue;
        }
        for (j, &b) in chunk.iter().enumerate() {
            let i = block * BLOCK + j;
            if b | fold_bit == first && hay[i..i + needle.len()].eq_ignore_ascii_case(needle) {
                return true;
            }
        }
    }
    false
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
            let old = decode(scope, row)?;
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
            decode(scope, row)
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
                .into_iter()
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
            let mut out = Vec::new();
            records::for_each(conn, KIND, |r| {
                out.push(decode(scope, r)?);
                Ok(())
            })?;
            Ok(out)
        })
    }

    /// Entries whose text or tags contain `query`, ignoring case (Unicode
    /// aware), newest first. Rows are decrypted and tested one at a time:
    /// only matches are kept, so memory stays small and cache-warm.
    pub fn search_entries(&self, query: &str) -> Result<Vec<Entry>> {
        let q = fold(query.trim());
        if q.is_empty() {
            return Err(HavenError::invalid("the search query is empty"));
        }
        self.with_unlocked(|conn, scope| {
            let mut found = Vec::new();
            records::for_each(conn, KIND, |r| {
                let e = decode(scope, r)?;
                if matches(&e.text, &q) || e.tags.iter().any(|t| matches(t, &q)) {
                    found.push(e);
                }
                Ok(())
            })?;
            Ok(found)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_fast_path_matches_like_full_folding() {
        assert!(matches("A Quiet Morning", &fold("quiet")));
        assert!(matches("A Quiet Morning", &fold("MORNING")));
        assert!(!matches("A Quiet Morning", &fold("evening")));
        assert!(matches("ab", &fold("AB")));
        assert!(!matches("a", &fold("ab")));
        assert!(matches("x@b", &fold("@B")));
        assert!(!matches("x`b", &fold("@b")));
        let long = format!("{}Zephyrine", "y".repeat(100));
        assert!(matches(&long, &fold("zephyrine")));
        assert!(!matches(&long[..long.len() - 1], &fold("zephyrine")));
        // Non-ASCII text that folds to ASCII still matches an ASCII query.
        assert!(matches("7 \u{212A}ELVIN", &fold("kelvin")));
        assert!(matches("ÉTÉ chaud", &fold("été")));
        assert!(matches("e\u{301}te\u{301}", &fold("ÉTÉ")));
    }

    #[test]
    fn search_streams_rows_and_keeps_only_matches_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let (v, _) = Vault::create(
            &dir.path().join("v.db"),
            "correct horse battery",
            crate::KdfParams::minimum(),
        )
        .unwrap();
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

    #[test]
    fn nfc_keeps_normalised_text_and_normalises_the_rest() {
        assert_eq!(nfc("plain ascii".into()), "plain ascii");
        assert_eq!(nfc("e\u{301}".into()), "\u{e9}");
    }
}
