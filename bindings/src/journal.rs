//! The journal, as the apps call it.

use haven_core::{Bucket, Draft, Entry, HavenError, MoodPoint, Page};

use crate::guard::guard;
use crate::numbers::count;
use crate::vault::HavenVault;

#[uniffi::export]
impl HavenVault {
    /// Adds an entry dated now.
    pub fn add_entry(&self, draft: Draft) -> Result<Entry, HavenError> {
        guard(|| self.vault.add_entry(draft))
    }

    /// Replaces an entry's text, mood and tags (creation time kept).
    pub fn edit_entry(&self, id: String, draft: Draft) -> Result<Entry, HavenError> {
        guard(|| self.vault.edit_entry(&id, draft))
    }

    /// Deletes an entry for good.
    pub fn delete_entry(&self, id: String) -> Result<(), HavenError> {
        guard(|| self.vault.delete_entry(&id))
    }

    /// One entry.
    pub fn get_entry(&self, id: String) -> Result<Entry, HavenError> {
        guard(|| self.vault.get_entry(&id))
    }

    /// A page, newest first; pass the previous page's `next_cursor` as
    /// `before`. The cursor survives deletes (it is a position, not an id).
    pub fn list_entries(&self, limit: i32, before: Option<String>) -> Result<Page, HavenError> {
        guard(|| {
            let limit = count(limit, "the page size")?;
            self.vault.list_entries(limit, before.as_deref())
        })
    }

    /// A page of the entries matching `query` (any case, text or tags),
    /// newest first; pass the previous page's `next_cursor` as `before`.
    pub fn search_entries_page(
        &self,
        query: String,
        limit: i32,
        before: Option<String>,
    ) -> Result<Page, HavenError> {
        guard(|| {
            let limit = count(limit, "the page size")?;
            self.vault
                .search_entries_page(&query, limit, before.as_deref())
        })
    }

    /// Every entry, newest first.
    pub fn all_entries(&self) -> Result<Vec<Entry>, HavenError> {
        guard(|| self.vault.all_entries())
    }

    /// Entries whose text or tags contain `query`, any case.
    pub fn search_entries(&self, query: String) -> Result<Vec<Entry>, HavenError> {
        guard(|| self.vault.search_entries(&query))
    }

    /// Mood per day or week in local time (`utc_offset_minutes`).
    pub fn mood_series(
        &self,
        bucket: Bucket,
        utc_offset_minutes: i32,
    ) -> Result<Vec<MoodPoint>, HavenError> {
        guard(|| self.vault.mood_series(bucket, utc_offset_minutes))
    }
}
