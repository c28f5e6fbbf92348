//! The record kinds documents are stored under, and the size limit of one
//! version: names that storage, links and tests share, kept in a leaf so that
//! nothing here imports anything.

/// Record kind of the per-document state (status, review date, status log).
pub const DOCUMENT_KIND: &str = "document";
/// Record kind of crisis-plan versions.
pub const PLAN_VERSION_KIND: &str = "plan_version";
/// Record kind of advance-statement versions.
pub const STATEMENT_VERSION_KIND: &str = "statement_version";
/// Record kind of sign-offs.
pub const SIGN_OFF_KIND: &str = "sign_off";
/// Record kind of clinician consultation reviews.
pub const REVIEW_KIND: &str = "consultation_review";
/// Record kind of departures from a person's wishes.
pub const DEPARTURE_KIND: &str = "departure";
/// The record kinds attached to one document version, which the document's
/// state lists (`store.rs`).
pub const ATTACHED_KINDS: [&str; 3] = [SIGN_OFF_KIND, REVIEW_KIND, DEPARTURE_KIND];
/// Record kind of journal-entry to warning-sign links.
pub const LINK_KIND: &str = "warning_sign_link";

/// Largest encoded document version, in bytes (1 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;
