//! `haven statement ...`: the advance statement. Shared work is in
//! `documents.rs`; clinician reviews and departures in `reviews.rs`.

use haven_core::{DocumentKind, Region, Vault};

use crate::args::StatementCommand;
use crate::documents;
use crate::export;
use crate::fail::Failure;
use crate::reviews;

const KIND: DocumentKind = DocumentKind::AdvanceStatement;

/// Runs one statement command; `open` opens and unlocks the vault, called
/// only by commands that need it (templates do not).
pub fn run(
    cmd: StatementCommand,
    open: impl FnOnce() -> Result<Vault, Failure>,
) -> Result<(), Failure> {
    match cmd {
        StatementCommand::Template { format } => documents::template(KIND, Region::Other, format),
        StatementCommand::Witness(a) => documents::witness(&open()?, &a),
        StatementCommand::Show(a) => documents::show(&open()?, KIND, &a),
        StatementCommand::Edit { file, remove_file } => {
            documents::edit(&open()?, KIND, file.as_deref(), remove_file, None)
        }
        StatementCommand::History(a) => documents::history(&open()?, KIND, a.json),
        StatementCommand::Diff(a) => documents::diff(&open()?, KIND, &a),
        StatementCommand::Sign(a) => documents::sign(&open()?, KIND, &a),
        StatementCommand::Revoke(a) => documents::revoke(&open()?, KIND, &a),
        StatementCommand::ReviewDate(a) => documents::review_date(&open()?, KIND, &a),
        StatementCommand::Export(a) => export::run(&open()?, KIND, &a),
        StatementCommand::Review { file, version } => {
            reviews::review(&open()?, &file, version.as_deref())
        }
        StatementCommand::Departure(a) => reviews::departure(&open()?, &a),
        StatementCommand::Reviews(a) => reviews::log(&open()?, a.json),
    }
}
