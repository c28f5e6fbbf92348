//! Progress and cancellation for long operations (Argon2id unlock, and later
//! exports and backups). The apps call from background threads and pass an
//! observer; the core reports steps and checks whether to stop.

/// Watches a long operation.
pub trait Progress: Send + Sync {
    /// Called as the operation moves on: a step code and 0.0..=1.0. Codes
    /// are stable `snake_case` tokens (`derive_key`, `check_key`,
    /// `unlocked`, `derive_passphrase_key`, `derive_recovery_key`,
    /// `snapshot`, `encrypt`, `decrypt`, `pdf_sections`, `pdf_layout`,
    /// `pdf_card`, `pdf_drawing`, `pdf_writing`, `fhir_patient`,
    /// `fhir_document`, `done`), never English: the apps translate them.
    fn update(&self, step: &str, fraction: f64);
    /// Polled while working; returning true stops the operation with
    /// `HavenError::Cancelled` and nothing changed.
    fn cancelled(&self) -> bool;
}

/// No progress reports, never cancelled.
pub struct Silent;

impl Progress for Silent {
    fn update(&self, _step: &str, _fraction: f64) {}
    fn cancelled(&self) -> bool {
        false
    }
}

/// How often a waiting operation checks for cancellation.
pub(crate) const POLL: std::time::Duration = std::time::Duration::from_millis(15);
