//! Haven's uniffi bindings. Thin on purpose: the types are haven-core's own
//! (derived behind its `uniffi` feature); this crate only adds the object the
//! apps hold, the platform callbacks (key store, progress, vault events), the
//! async forms of the slow calls, sharing (with the app's own HTTP stack
//! or core's), observation, the idle session and the panic guard.

mod asynchronous;
mod backup;
mod documents;
mod export;
mod fonts;
mod guard;
mod journal;
mod keystore;
mod numbers;
mod observe;
mod offload;
mod progress;
mod relay_transport;
mod session;
mod sharing;
mod vault;

pub use documents::SaveOutcome;
pub use fonts::ExportFonts;
pub use keystore::{KeyStore, KeyStoreError};
pub use observe::{TaskHandle, VaultEvent, VaultListener};
pub use progress::{CancelToken, ProgressListener};
pub use relay_transport::{RelayRequest, RelayResponse, RelayTransport, RelayTransportError};
pub use session::Session;
pub use sharing::FetchedReplies;
pub use vault::{create_vault, CreatedVault, HavenVault};

uniffi::setup_scaffolding!();

// Calendar dates are converted by haven-core (ffi_types.rs); this crate's
// own functions (set_next_review) reuse that conversion.
uniffi::use_remote_type!(haven_core::chrono::NaiveDate);
