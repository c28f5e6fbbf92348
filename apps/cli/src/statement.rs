//! `haven statement ...`: the advance statement. Shared work is in
//! `documents.rs`; clinician reviews and departures in `reviews.rs`.

use haven_core::{DocumentKind, Region, Vault};

use crate::args::StatementCommand;
use crate::documents;
use crate::export;
use crate::fail::Failure;
use crate::reviews;

const KIND: DocumentKind = DocumentKind::AdvanceStatement;

/// Whether `cmd` needs the vault (templates and the witness explanation do not).
pub fn needs_vault(cmd: &StatementCommand) -> bool {
    !matches!(
        cmd,
        StatementCommand::Template { .. } | StatementCommand::Witness { .. }
    )
}

/// Runs one statement command; `vault` is `None` only when [`needs_vault`] is false.
pub fn run(vault: Option<&Vault>, cmd: StatementCommand) -> Result<(), Failure> {
    match cmd {
        StatementCommand::Template { format } => {
            return documents::template(KIND, Region::Other, format)
        }
        // The core takes the witness in the sign-off itself (a witness
        // watches the maker sign), so there is no separate witness step.
        StatementCommand::Witness { .. } => {
            return Err(Failure::usage(
                "a witness signs together with you: use `haven statement sign --name YOU --confirm-capacity \
                 --witness-name NAME --witness-role ROLE --witness-statement TEXT \
                 --witness-confirms-understanding --witness-confirms-no-undue-influence`"
                    .into(),
            ))
        }
        _ => {}
    }
    let vault = vault.ok_or_else(|| Failure::other("the vault is not open".into()))?;
    match cmd {
        StatementCommand::Show(a) => documents::show(vault, KIND, &a),
        StatementCommand::Edit { file } => documents::edit(vault, KIND, &file, None),
        StatementCommand::History(a) => documents::history(vault, KIND, a.json),
        StatementCommand::Diff(a) => documents::diff(vault, KIND, &a),
        StatementCommand::Sign(a) => documents::sign(vault, KIND, &a),
        StatementCommand::Revoke(a) => documents::revoke(vault, KIND, &a),
        StatementCommand::ReviewDate(a) => documents::review_date(vault, KIND, &a),
        StatementCommand::Export(a) => export::run(vault, KIND, &a),
        StatementCommand::Review { file, version } => {
            reviews::review(vault, &file, version.as_deref())
        }
        StatementCommand::Departure(a) => reviews::departure(vault, &a),
        StatementCommand::Reviews(a) => reviews::log(vault, a.json),
        StatementCommand::Template { .. } | StatementCommand::Witness { .. } => Ok(()),
    }
}
