//! `haven plan ...`: the crisis plan. The work is in `documents.rs`.

use haven_core::{DocumentKind, Vault};

use crate::args::PlanCommand;
use crate::documents;
use crate::export;
use crate::fail::Failure;

const KIND: DocumentKind = DocumentKind::CrisisPlan;

/// Whether `cmd` needs no vault (templates are printed without one).
pub fn needs_vault(cmd: &PlanCommand) -> bool {
    !matches!(cmd, PlanCommand::Template { .. })
}

/// Runs one plan command; `vault` is `None` only when [`needs_vault`] is false.
pub fn run(vault: Option<&Vault>, cmd: PlanCommand) -> Result<(), Failure> {
    if let PlanCommand::Template { region, format } = cmd {
        return documents::template(KIND, region.into(), format);
    }
    let vault = vault.ok_or_else(|| Failure::other("the vault is not open".into()))?;
    match cmd {
        PlanCommand::Show(a) => documents::show(vault, KIND, &a),
        PlanCommand::Edit { file, region } => {
            documents::edit(vault, KIND, &file, Some(region.into()))
        }
        PlanCommand::History(a) => documents::history(vault, KIND, a.json),
        PlanCommand::Diff(a) => documents::diff(vault, KIND, &a),
        PlanCommand::Sign(a) => documents::sign(vault, KIND, &a),
        PlanCommand::Revoke(a) => documents::revoke(vault, KIND, &a),
        PlanCommand::ReviewDate(a) => documents::review_date(vault, KIND, &a),
        PlanCommand::Export(a) => export::run(vault, KIND, &a),
        PlanCommand::CardQr { out } => crate::share::card_qr(vault, &out),
        PlanCommand::Template { .. } => Ok(()),
    }
}
