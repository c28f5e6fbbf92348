//! Haven's core: an encrypted vault holding a person's journal, crisis plan
//! and advance statement (see [`documents`]). No FFI code lives here;
//! see `ARCHITECTURE.md` at the repository root for the layers.
//!
//! The public surface is [`Vault`], the feature modules' types and the
//! re-exports below; cryptography, key slots, storage and the internal error
//! type stay inside the crate, and every public call returns [`HavenError`].
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

pub mod backup;
#[cfg(feature = "bench")]
#[doc(hidden)]
pub mod bench;
pub mod changes;
mod crypto;
mod db;
pub mod documents;
mod error;
pub mod export;
#[cfg(feature = "uniffi")]
mod ffi_types;
mod files;
#[cfg(any(test, feature = "fuzzing"))]
#[doc(hidden)]
pub mod fuzzing;
pub mod i18n;
mod integrity;
pub mod journal;
mod leftovers;
pub mod moods;
pub mod progress;
mod records;
mod rekey;
mod scan;
mod schema;
pub mod share;
mod slots;
pub mod sync;
pub mod vault;

pub use backup::{BackupSummary, RestoreSecret};
pub use changes::{Change, ChangeKind, ChangeWatcher};
pub use crypto::{KdfParams, RecoveryKey};

/// A point in time, in UTC. (An alias so the bindings can map it to the
/// platform's own instant type.)
pub type Timestamp = chrono::DateTime<chrono::Utc>;
pub use documents::{
    validate, AdvanceStatement, ConsultationReview, Contact, CrisisLine, CrisisPlan, Departure,
    DocumentContent, DocumentKind, DocumentSummary, DocumentVersion, NewConsultationReview,
    NewDeparture, Region, ReviewDue, ReviewResponse, Section, SectionDiff, SectionResponse,
    SignOff, StatusChange, ValidationProblem, VersionStatus, VersionSummary, WarningSign, Witness,
};
pub use error::{HavenError, Result};
pub use export::{
    ExportDocument, ExportKind, ExportOptions, ExportWarning, Exported, FontSource, VersionRef,
};
pub use files::{write_new_file, FileKind};
pub use journal::{Draft, Entry, Page};
pub use moods::{Bucket, MoodPoint};
pub use progress::{Progress, Silent};
pub use schema::LATEST as SCHEMA_VERSION;
pub use slots::{SlotInfo, SlotKind};
pub use vault::{EpochStore, KindCount, Rollback, Vault, VerifyReport};

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();

/// A fresh vault in a temporary directory, for unit tests (the directory
/// must outlive the vault).
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) fn test_vault() -> (tempfile::TempDir, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let (v, _) = Vault::create(
        &dir.path().join("v.db"),
        "correct horse battery",
        KdfParams::minimum_for_tests(),
    )
    .unwrap();
    (dir, v)
}
