//! Dates recorded against one version (a sign-off and its witness's date, a
//! consultation review, a departure) must fall between the day the version
//! was created and today: a departure dated before the statement existed,
//! or in 2030, is a mistake that a ward or a tribunal would be misled by
//! (issue 11). Each bound has its own message, so the person knows which
//! way the date is wrong, and neither quotes a date.
//!
//! Calendar dates are compared in UTC with one day of slack at either end:
//! the person's "today" can be a day either side of UTC's, and the CLI
//! records a departure's date as noon UTC of the day given.

use chrono::{DateTime, Days, NaiveDate, Utc};

use crate::error::{HavenError, Result};

/// Refuses `date` if it is after today (`what` names it: "the departure").
pub(crate) fn not_in_future(date: NaiveDate, what: &str) -> Result<()> {
    let latest = Utc::now().date_naive() + Days::new(1);
    if date > latest {
        return Err(HavenError::invalid(format!(
            "{what} is dated in the future: it must be today or earlier"
        )));
    }
    Ok(())
}

/// Refuses `date` if it is before the day the version was created.
pub(crate) fn not_before_version(
    date: NaiveDate,
    version_created: DateTime<Utc>,
    what: &str,
) -> Result<()> {
    let earliest = version_created.date_naive() - Days::new(1);
    if date < earliest {
        return Err(HavenError::invalid(format!(
            "{what} is dated before this version of the document was created: \
             it must be on or after the day the version was saved"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bound_has_its_own_message_and_a_day_of_slack() {
        let created = Utc::now();
        let today = created.date_naive();
        assert!(not_in_future(today + Days::new(1), "x").is_ok());
        assert!(not_before_version(today - Days::new(1), created, "x").is_ok());
        match not_in_future(today + Days::new(2), "the departure") {
            Err(HavenError::InvalidInput { reason }) => {
                assert!(
                    reason.starts_with("the departure is dated in the future"),
                    "{reason}"
                )
            }
            other => panic!("expected InvalidInput, got {other:?}"),
        }
        match not_before_version(today - Days::new(2), created, "the review") {
            Err(HavenError::InvalidInput { reason }) => {
                assert!(
                    reason.starts_with("the review is dated before this version"),
                    "{reason}"
                )
            }
            other => panic!("expected InvalidInput, got {other:?}"),
        }
    }
}
