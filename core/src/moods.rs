//! Mood series for charts: entries with a mood, grouped by day or ISO week
//! in the person's local time (given as a UTC offset).

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, Utc};
use serde::Serialize;

use crate::error::{HavenError, Result};
use crate::vault::Vault;

/// How to group moods.
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// One point per calendar day.
    Day,
    /// One point per ISO week (starting Monday).
    Week,
}

/// One point of a mood chart.
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MoodPoint {
    /// First day of the period (the day itself, or the week's Monday).
    pub period_start: NaiveDate,
    /// Entries with a mood in the period. Signed like every count the apps
    /// see (Kotlin `Int`).
    pub count: i32,
    /// Mean mood.
    pub mean: f64,
    /// Lowest mood.
    pub min: i32,
    /// Highest mood.
    pub max: i32,
}

/// Groups `(time, mood)` pairs; periods without moods are left out, and
/// points come oldest first.
pub fn series(
    moods: &[(DateTime<Utc>, u8)],
    bucket: Bucket,
    offset: FixedOffset,
) -> Vec<MoodPoint> {
    let mut groups = std::collections::BTreeMap::<NaiveDate, Vec<u8>>::new();
    for (at, mood) in moods {
        let day = at.with_timezone(&offset).date_naive();
        let start = match bucket {
            Bucket::Day => day,
            Bucket::Week => day - Duration::days(day.weekday().num_days_from_monday().into()),
        };
        groups.entry(start).or_default().push(*mood);
    }
    groups
        .into_iter()
        .map(|(period_start, ms)| MoodPoint {
            period_start,
            count: i32::try_from(ms.len()).unwrap_or(i32::MAX),
            mean: ms.iter().map(|&m| f64::from(m)).sum::<f64>() / ms.len() as f64,
            min: ms.iter().copied().min().map_or(0, i32::from),
            max: ms.iter().copied().max().map_or(0, i32::from),
        })
        .collect()
}

impl Vault {
    /// The mood series of the whole journal, in local time at `utc_offset_minutes`.
    pub fn mood_series(&self, bucket: Bucket, utc_offset_minutes: i32) -> Result<Vec<MoodPoint>> {
        let offset = FixedOffset::east_opt(utc_offset_minutes.saturating_mul(60))
            .ok_or_else(|| HavenError::invalid("the UTC offset must be within ±24 hours"))?;
        Ok(series(&self.entry_moods()?, bucket, offset))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, d, h, 0, 0).unwrap()
    }

    #[test]
    fn groups_by_day_and_iso_week_in_local_time() {
        // 2026-03-02 is a Monday.
        let moods = [(at(2, 10), 4), (at(2, 23), 8), (at(4, 9), 5), (at(9, 9), 2)];
        let utc = FixedOffset::east_opt(0).unwrap();
        let days = series(&moods, Bucket::Day, utc);
        assert_eq!(days.len(), 3);
        assert_eq!(
            days[0].period_start,
            NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
        );
        assert_eq!((days[0].count, days[0].min, days[0].max), (2, 4, 8));
        assert!((days[0].mean - 6.0).abs() < 1e-9);

        let weeks = series(&moods, Bucket::Week, utc);
        assert_eq!(weeks.len(), 2);
        assert_eq!(weeks[0].count, 3);
        assert_eq!(
            weeks[1].period_start,
            NaiveDate::from_ymd_opt(2026, 3, 9).unwrap()
        );

        // Two hours east, the 23:00 UTC entry falls on the 3rd.
        let east = FixedOffset::east_opt(2 * 3600).unwrap();
        let days = series(&moods, Bucket::Day, east);
        assert_eq!(days.len(), 4);
    }
}
