//! Sharing with carers and clinicians without letting anyone else in, the
//! relay included. Format and reasons: `docs/adr/0008-share-capsules.md`.
//!
//! - [`capsule`]: one signed, encrypted version of what is shared; fresh key
//!   per capsule, sequence number and previous hash against rollback/splice.
//! - [`link`]: link key in the URL fragment, PIN, access tokens the relay
//!   counts (lockout) without learning the key or PIN.
//! - [`carer`]: standing access by HPKE to enrolled carers, check codes.
//! - [`reply`]: clinicians' replies sealed to the person.
//! - [`access_log`]: the relay's log of opens, sealed to the person.
//! - [`card`], [`qr`]: the offline crisis card (signed, compressed, QR).
//! - `store.rs`: shares and pending replies in the vault (`Vault` methods);
//!   [`follow`]: shares others shared with this vault, followed and refreshed.
//! - [`transport`], [`client`]: the relay protocol over a transport trait
//!   (core opens no socket of its own choosing).
//! - [`primitives`]: the WebCrypto-available primitives all of it uses.
//!
//! Test vectors for other implementations (the browser viewer) are written
//! and checked by `core/tests/share_vectors.rs`.

pub mod access_log;
pub mod capsule;
pub mod card;
pub mod carer;
pub mod client;
mod error;
pub mod follow;
#[cfg(any(test, feature = "fuzzing"))]
pub(crate) mod fuzz;
pub mod link;
pub mod primitives;
pub mod qr;
pub mod reply;
mod store;
pub mod transport;

pub use error::ShareError;
pub use store::{
    open_welcome, seal_welcome_with, CardOut, CarerSummary, Enrolment, NewShare, PendingReply,
    Publication, ShareSummary, Welcome, IDENTITY_KIND, REPLY_KIND, SHARE_KIND,
    SUBMITTED_THROUGH_SHARE,
};

/// Longest a share may last, in days.
pub const MAX_EXPIRY_DAYS: u32 = 90;
/// How long a share lasts unless the person says otherwise, in days.
pub const DEFAULT_EXPIRY_DAYS: u32 = 14;

pub(crate) use crate::documents::redact::redacted_debug;
