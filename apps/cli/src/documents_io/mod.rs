//! Document files: reading a crisis plan or advance statement (or a review)
//! from JSON or TOML (`parse.rs`), writing them as editable files and
//! templates (`templates.rs`), and the field reference both are described by
//! (`reference.rs`).
//!
//! A file holds the document's sections as top-level keys, exactly the
//! serde field names of `CrisisPlan` / `AdvanceStatement` in the core (see
//! `docs/document-files.md`). Errors never quote what the file says: it is
//! the person's words.

mod parse;
mod reference;
mod templates;

#[cfg(any(test, fuzzing))]
pub(crate) use parse::parse_text;
pub use parse::{content_from_file, read_value, typed};
pub use reference::{command_of, markdown_reference};
pub use templates::{content_table, write_content};
