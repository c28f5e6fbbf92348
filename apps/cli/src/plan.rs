//! `haven plan ...`: the crisis plan. The work is in `documents.rs`.

use haven_core::{DocumentKind, Vault};

use crate::args::PlanCommand;
use crate::documents;
use crate::export;
use crate::fail::Failure;

const KIND: DocumentKind = DocumentKind::CrisisPlan;

/// Runs one plan command; `open` opens and unlocks the vault, called only
/// by commands that need it (templates are printed without one).
pub fn run(cmd: PlanCommand, open: impl FnOnce() -> Result<Vault, Failure>) -> Result<(), Failure> {
    match cmd {
        PlanCommand::Template { region, format } => {
            documents::template(KIND, region.into(), format)
        }
        PlanCommand::Show(a) => documents::show(&open()?, KIND, &a),
        PlanCommand::Edit {
            file,
            region,
            remove_file,
        } => documents::edit(
            &open()?,
            KIND,
            file.as_deref(),
            remove_file,
            Some(region.into()),
        ),
        PlanCommand::History(a) => documents::history(&open()?, KIND, a.json),
        PlanCommand::Diff(a) => documents::diff(&open()?, KIND, &a),
        PlanCommand::Sign(a) => documents::sign(&open()?, KIND, &a),
        PlanCommand::Revoke(a) => documents::revoke(&open()?, KIND, &a),
        PlanCommand::ReviewDate(a) => documents::review_date(&open()?, KIND, &a),
        PlanCommand::Export(a) => export::run(&open()?, KIND, &a),
        PlanCommand::CardQr { out, viewer, json } => {
            crate::share::card_qr(&open()?, &out, viewer.as_deref(), json)
        }
    }
}
