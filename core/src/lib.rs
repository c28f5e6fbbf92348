//! Haven's core: an encrypted vault holding a person's journal, crisis plan
//! and advance statement (see [`documents`]). No FFI code lives here;
//! see `ARCHITECTURE.md` at the repository root for the layers.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod crypto;
mod db;
pub mod documents;
pub mod error;
pub mod journal;
pub mod moods;
mod records;
mod schema;
pub mod slots;
pub mod vault;

pub use crypto::{KdfParams, RecoveryKey};
pub use documents::{
    validate, AdvanceStatement, ConsultationReview, Contact, CrisisLine, CrisisPlan, Departure,
    DocumentContent, DocumentKind, DocumentSummary, DocumentVersion, NewConsultationReview,
    NewDeparture, Region, ReviewDue, ReviewResponse, Section, SectionDiff, SectionResponse,
    SignOff, StatusChange, ValidationProblem, VersionStatus, VersionSummary, WarningSign, Witness,
};
pub use error::{HavenError, Result};
pub use journal::{Draft, Entry, Page};
pub use moods::{Bucket, MoodPoint};
pub use schema::LATEST as SCHEMA_VERSION;
pub use slots::{SlotInfo, SlotKind};
pub use vault::{Vault, VerifyReport};
