//! The formats a document file is read and written in. A file of its own
//! (re-exported by `args.rs`) so the fuzz crate can compile the
//! document-file reader without the rest of the command line.

use clap::ValueEnum;

/// Format of a document file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FileFormat {
    /// TOML, with a comment for every section.
    Toml,
    /// JSON.
    Json,
    /// The field reference, in Markdown.
    Markdown,
}
