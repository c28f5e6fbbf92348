//! Review dates, so plans stay current. Signing sets the next review to six
//! months after the sign-off date; the person may set another date.

use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::change::Open;
use super::codec::decode;
use super::content::DocumentKind;
use super::record_kinds::DOCUMENT_KIND;
use super::store::State;
use crate::error::{HavenError, Result};
use crate::records;
use crate::vault::Vault;

/// A document due (or overdue) for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ReviewDue {
    /// The document.
    pub document_id: String,
    /// Crisis plan or advance statement.
    pub kind: DocumentKind,
    /// Its active version.
    pub active_hash: String,
    /// The review date.
    pub next_review: NaiveDate,
    /// Days from `today` to the review date; negative when overdue.
    pub days_until: i64,
    /// Whether the review date has passed.
    pub overdue: bool,
}

impl Vault {
    /// Sets (or, with `None`, clears) a document's next review date.
    pub fn set_next_review(&self, document_id: &str, date: Option<NaiveDate>) -> Result<()> {
        self.change_document(document_id, Open::Existing, (), |doc, ()| {
            doc.state_mut().next_review = date;
            Ok(())
        })
    }

    /// Documents with an active version whose review date is on or before
    /// `today + within_days` (overdue ones included), soonest first.
    pub fn reviews_due(&self, today: NaiveDate, within_days: u32) -> Result<Vec<ReviewDue>> {
        let horizon = today
            .checked_add_days(chrono::Days::new(within_days.into()))
            .ok_or_else(|| HavenError::invalid("the review window is too far ahead"))?;
        let mut due = self.with_unlocked(|conn, scope| {
            let mut out = Vec::new();
            for row in records::all(conn, DOCUMENT_KIND)? {
                let plain = scope.open(DOCUMENT_KIND, &row)?;
                let state: State = decode(&plain, &row.id)?;
                let (Some(next), Some(active)) = (state.next_review, state.active()) else {
                    continue;
                };
                if next <= horizon {
                    let days_until = (next - today).num_days();
                    out.push(ReviewDue {
                        document_id: row.id.clone(),
                        kind: state.kind,
                        active_hash: active.hash.clone(),
                        next_review: next,
                        days_until,
                        overdue: days_until < 0,
                    });
                }
            }
            Ok(out)
        })?;
        due.sort_by(|a, b| {
            a.next_review
                .cmp(&b.next_review)
                .then_with(|| a.document_id.cmp(&b.document_id))
        });
        Ok(due)
    }

    /// [`Vault::reviews_due`] for today's date (UTC).
    pub fn reviews_due_now(&self, within_days: u32) -> Result<Vec<ReviewDue>> {
        self.reviews_due(Utc::now().date_naive(), within_days)
    }
}
