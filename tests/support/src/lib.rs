//! Helpers that the test suites of more than one Haven crate share (core's
//! and the CLI's), kept in one dev-only crate so that no suite copies them:
//!
//! - [`kill`]: runs a child process, waits for the points it announces, and
//!   kills it there with SIGKILL, telling real kills from children that
//!   ended on their own.
//! - [`pdf`]: a PDF's text as poppler's `pdftotext` extracts it, and
//!   containment checks blind to where the layout broke lines.
//!
//! Test code: it panics with a clear message instead of returning errors.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod kill;
pub mod pdf;
