//! Crisis plan and advance statement: structured documents kept as chains of
//! immutable, encrypted versions.
//!
//! # What is modelled
//!
//! [`CrisisPlan`] and [`AdvanceStatement`] have one typed field per section
//! of `docs/domain.md` (free text lives *inside* sections). [`Section`] names
//! every section of both documents, plus the sign-off and witness blocks, so
//! that validation problems, diffs, clinician reviews and departures can point
//! at a section without quoting anything the person wrote.
//!
//! # The version chain
//!
//! A document is a chain (strictly, a tree) of versions. Each save creates a
//! new version and never changes an old one:
//!
//! ```text
//!   document (random id)
//!     v1  hash H1 = SHA-256("haven-document-version-v1\0" || bytes(v1)), parent = none
//!     v2  hash H2 = SHA-256(... || bytes(v2)), bytes(v2) names parent H1
//!     v3  hash H3 = ...,                        bytes(v3) names parent H2
//! ```
//!
//! - `bytes(v)` is the canonical encoding of the version: JSON of a fixed
//!   header (format, secret salt, document id, parent hash, number, creation
//!   time) and the typed content. The types hold no maps or floats, so the
//!   encoding is deterministic; and the exact bytes are stored (encrypted), so
//!   a later build that adds fields never changes an old version's hash. The
//!   hash is in the clear (it is the record id), so the preimage carries 128
//!   random bits that only exist inside the ciphertext: nobody can confirm a
//!   guessed content from a hash.
//! - **The record id of a version is its hash.** The record AEAD binds vault
//!   id, record id, kind and revision, so it binds the version's hash, and
//!   through it the parent's hash. Reading a version re-hashes the decrypted
//!   bytes and refuses a mismatch, so a version cannot be altered, swapped or
//!   re-parented without the read failing.
//! - Two devices saving from the same parent make two children of one parent.
//!   Both are kept and shown; clinical text is never merged automatically.
//!
//! # Status, kept apart from content
//!
//! Status (draft, active, superseded, revoked), the next review date and an
//! append-only status log live in one small encrypted `document` record per
//! document (see `store.rs`). Changing status rewrites only that record,
//! in one transaction, never a version. There is at most one active version:
//! signing a draft makes it active and supersedes the previous active one in
//! the same transaction.
//!
//! # Records attached to a version
//!
//! Sign-offs, clinician consultation reviews and departures are attached to
//! one exact version. Their record ids are random; the document's encrypted
//! state lists them under that version (so the file does not link them to
//! it, and a listed one that is missing is `Integrity`), and the payload
//! repeats the document id and version hash, checked on read (the AEAD binds
//! the payload to the row). Records written before issue 9 have ids
//! `<version hash>.<random>` and are listed on the document's next change.
//! Reviews and departures are append-only: there is no API to edit or delete
//! them.
//!
//! # Record kinds
//!
//! `document`, `plan_version`, `statement_version`, `sign_off`,
//! `consultation_review`, `departure`, `warning_sign_link` (see
//! `record_kinds.rs`). Everything is in the encrypted `records` table: no
//! schema change.
//!
//! # Layout (no module here imports one that imports it)
//!
//! - Plain types, leaves: `content.rs` (kind, content, sections), `types.rs`
//!   (versions, summaries, status, sign-off), the sections' own types
//!   (`crisis_plan.rs`, `statement.rs`, `contacts.rs`, `crisis_lines.rs`),
//!   `record_kinds.rs`, `redact.rs`, `codec.rs` (JSON and NFC).
//! - `store.rs`: version bytes and hashes, the state record, attached records.
//! - `change.rs`: the one transaction sequence every change runs through.
//! - The `Vault` calls, by feature: `versions.rs`, `signoff.rs`, `review.rs`,
//!   `departures.rs`, `review_due.rs`, `links.rs`, `diff.rs`; `validation.rs`
//!   is pure (content and sign-off in, problems out); `date_bounds.rs` keeps
//!   the dates of sign-offs, reviews and departures between the version's
//!   creation and today; `jurisdiction.rs` names whose law a statement is
//!   made under, and `mha_notice.rs` says what that law lets doctors
//!   override; `revocation.rs` records when and how a version was
//!   withdrawn (in the document's state, beside its status);
//!   `witness.rs` is the witness's own step: an attestation recorded by
//!   the witness on the draft, taken into the sign-off when it is signed.

mod change;
mod codec;
mod contacts;
mod content;
mod crisis_lines;
mod crisis_plan;
mod date_bounds;
mod departures;
mod diff;
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) mod fuzz;
mod jurisdiction;
mod links;
mod mha_notice;
mod record_kinds;
pub(crate) mod redact;
mod review;
mod review_due;
mod revocation;
mod signoff;
mod statement;
mod store;
mod types;
mod validation;
mod versions;
mod witness;

pub use contacts::{Clinician, CoAuthor, Contact, ExcludedPerson, PhoneNumber, Professional};
pub use content::{DocumentContent, DocumentKind, Section};
pub use crisis_lines::{Channel, CrisisLine, Region};
pub use crisis_plan::{
    AfterCrisis, CareSetting, CrisisPlan, CrisisTreatment, Distractions, DistressSupport,
    PlanDetails, PracticalArrangements, WarningSign,
};
pub use departures::{Departure, NewDeparture, SecondOpinion};
pub use diff::{diff_contents, SectionDiff};
pub use jurisdiction::Jurisdiction;
pub use mha_notice::{medication_refusal_notice, refusal_notice_for};
pub use record_kinds::{
    DEPARTURE_KIND, DOCUMENT_KIND, LINK_KIND, MAX_DOCUMENT_BYTES, PLAN_VERSION_KIND, REVIEW_KIND,
    SIGN_OFF_KIND, STATEMENT_VERSION_KIND,
};
pub use review::{ConsultationReview, NewConsultationReview, ReviewResponse, SectionResponse};
pub use review_due::ReviewDue;
pub use revocation::{Revocation, RevocationMethod};
pub use signoff::DEFAULT_REVIEW_MONTHS;
pub use statement::{
    AboutMe, AdvanceStatement, Allergy, Attorney, AttorneyAuthority, Communication,
    CultureAndFaith, Distribution, DistributionEntry, HospitalPreferences, MakerDetails,
    MedicationPreference, PhysicalHealth, RestrictiveInterventions, SharingConsent,
    StatementPeople, TreatmentRefusal, TreatmentRequests, ValuesAndWishes,
};
pub use types::{
    DocumentSummary, DocumentVersion, SignOff, StatusChange, VersionStatus, VersionSummary, Witness,
};
pub use validation::{validate, ValidationProblem};
