//! uniffi glue for types from other crates (compiled only with the `uniffi`
//! feature). Timestamps cross as the platform's own type (Kotlin
//! `java.time.Instant`, Swift `Date`); calendar dates as ISO `YYYY-MM-DD` text, which
//! core/uniffi.toml maps to Kotlin `java.time.LocalDate` and Swift `DateComponents`;
//! JSON values (a shared section's content) as their JSON text.

use chrono::NaiveDate;
use serde_json::Value as JsonValue;

use crate::Timestamp;

uniffi::custom_type!(Timestamp, std::time::SystemTime, {
    remote,
    lower: |dt| dt.into(),
    try_lift: |st| Ok(st.into()),
});

uniffi::custom_type!(NaiveDate, String, {
    remote,
    lower: |d| d.format("%Y-%m-%d").to_string(),
    // A typed InvalidInput (never an internal "lift failed" error): uniffi
    // hands the function's own error type back to the app when the lift
    // error downcasts to it.
    try_lift: |s| NaiveDate::parse_from_str(&s, "%Y-%m-%d")
        .map_err(|_| crate::HavenError::invalid("a date is not a valid calendar date (YYYY-MM-DD)").into()),
});

// A shared section's content (`share::capsule::SharedSection`) crosses as
// its JSON text: the same shape as that section of the plan or statement.
uniffi::custom_type!(JsonValue, String, {
    remote,
    lower: |v| v.to_string(),
    try_lift: |s| serde_json::from_str(&s)
        .map_err(|_| crate::HavenError::invalid("a shared section's content is not JSON").into()),
});

impl From<uniffi::UnexpectedUniFFICallbackError> for crate::HavenError {
    // A platform callback (key store, progress) threw something unexpected.
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Platform { reason: e.reason }
    }
}
