//! Haven's uniffi bindings. Thin on purpose: the types are haven-core's own
//! (derived behind its `uniffi` feature); this crate only adds the object the
//! apps hold, the platform callbacks (key store, progress) and the panic guard.

mod backup;
mod documents;
mod export;
mod fonts;
mod guard;
mod journal;
mod keystore;
mod progress;
mod vault;

pub use export::VersionRef;
pub use fonts::{export_languages, ExportFonts, ExportedPdf, PdfKind};
pub use keystore::{KeyStore, KeyStoreError};
pub use progress::{CancelToken, ProgressListener};
pub use vault::{create_vault, CreatedVault, HavenVault};

uniffi::setup_scaffolding!();
