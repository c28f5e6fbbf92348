//! Links from journal entries to crisis-plan warning signs ("this is what
//! not sleeping looked like on Tuesday"), so a person and those they share
//! with can see their early signs in their own words over time.
//!
//! Each link is one encrypted record: which entry and which sign are never
//! in the clear. Links are not clinical records, so they can be removed.
//! Finding the links of a sign decrypts every link (there are few); an index
//! in the clear would reveal which entries concern warning signs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::codec::{decode, encode};
use super::content::{DocumentContent, DocumentKind};
use super::record_kinds::LINK_KIND;
use super::store::all_contents;
use crate::crypto;
use crate::error::{HavenError, Result};
use crate::journal::{self, Entry};
use crate::records::{self, Scope};
use crate::vault::Vault;

#[derive(Serialize, Deserialize)]
pub(crate) struct Link {
    v: u8,
    entry_id: String,
    warning_sign_id: String,
    linked_at: DateTime<Utc>,
}

/// Every link, newest first, with its record id.
fn links(conn: &rusqlite::Connection, scope: &Scope<'_>) -> Result<Vec<(String, Link)>> {
    records::all(conn, LINK_KIND)?
        .into_iter()
        .map(|row| {
            let plain = scope.open(LINK_KIND, &row)?;
            let link: Link = decode(&plain, &row.id)?;
            Ok((row.id, link))
        })
        .collect()
}

impl Vault {
    /// Links a journal entry to a warning sign of any version of any crisis
    /// plan. Linking twice is harmless.
    pub fn link_entry_to_warning_sign(&self, entry_id: &str, warning_sign_id: &str) -> Result<()> {
        self.with_unlocked(|conn, scope| {
            let tx = conn.transaction()?;
            if records::fetch(&tx, journal::KIND, entry_id)?.is_none() {
                return Err(HavenError::not_found("entry", entry_id));
            }
            let known = all_contents(&tx, scope, DocumentKind::CrisisPlan)?
                .iter()
                .any(|c| match c {
                    DocumentContent::CrisisPlan { plan } => {
                        plan.warning_signs.iter().any(|w| w.id == warning_sign_id)
                    }
                    DocumentContent::AdvanceStatement { .. } => false,
                });
            if !known {
                return Err(HavenError::not_found("warning sign", warning_sign_id));
            }
            let exists = links(&tx, scope)?
                .iter()
                .any(|(_, l)| l.entry_id == entry_id && l.warning_sign_id == warning_sign_id);
            if !exists {
                let link = Link {
                    v: 1,
                    entry_id: entry_id.to_string(),
                    warning_sign_id: warning_sign_id.to_string(),
                    linked_at: Utc::now(),
                };
                scope.insert(&tx, LINK_KIND, &crypto::random_id()?, &encode(&link)?)?;
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Removes a link. Returns whether there was one.
    pub fn unlink_entry_from_warning_sign(
        &self,
        entry_id: &str,
        warning_sign_id: &str,
    ) -> Result<bool> {
        self.with_unlocked(|conn, scope| {
            let tx = conn.transaction()?;
            let mut removed = false;
            for (id, l) in links(&tx, scope)? {
                if l.entry_id == entry_id && l.warning_sign_id == warning_sign_id {
                    removed |= scope.delete(&tx, LINK_KIND, &id)?;
                }
            }
            tx.commit()?;
            Ok(removed)
        })
    }

    /// The journal entries linked to a warning sign, newest link first.
    /// Links to entries since deleted are skipped.
    pub fn entries_linked_to_warning_sign(&self, warning_sign_id: &str) -> Result<Vec<Entry>> {
        let ids: Vec<String> = self.with_unlocked(|conn, scope| {
            Ok(links(conn, scope)?
                .into_iter()
                .filter(|(_, l)| l.warning_sign_id == warning_sign_id)
                .map(|(_, l)| l.entry_id)
                .collect())
        })?;
        let mut entries = Vec::with_capacity(ids.len());
        for id in ids {
            match self.get_entry(&id) {
                Ok(e) => entries.push(e),
                Err(HavenError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(entries)
    }

    /// The warning-sign ids a journal entry is linked to, newest link first.
    pub fn warning_signs_linked_to_entry(&self, entry_id: &str) -> Result<Vec<String>> {
        self.with_unlocked(|conn, scope| {
            Ok(links(conn, scope)?
                .into_iter()
                .filter(|(_, l)| l.entry_id == entry_id)
                .map(|(_, l)| l.warning_sign_id)
                .collect())
        })
    }
}
