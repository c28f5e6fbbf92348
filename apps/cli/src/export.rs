//! `haven plan export` / `haven statement export`: PDF, wallet crisis card,
//! FHIR R4. The output leaves the vault's protection, so it is written only
//! where asked, never over an existing file, and the person is told.

use std::io::Write;

use haven_core::{DocumentKind, Silent, Vault};

use crate::args::{ExportArgs, ExportFormat};
use crate::documents::{pick, require};
use crate::fail::Failure;

/// Writes one export of the chosen (or default) version.
pub fn run(vault: &Vault, kind: DocumentKind, a: &ExportArgs) -> Result<(), Failure> {
    let doc = require(vault, kind)?;
    let v = pick(vault, &doc, a.version.as_deref())?;
    let (id, hash) = (v.document_id.as_str(), v.hash.as_str());
    let bytes = match (kind, a.format) {
        (DocumentKind::CrisisPlan, ExportFormat::Pdf) => {
            vault.crisis_plan_pdf(id, hash, &Silent)?
        }
        (DocumentKind::CrisisPlan, ExportFormat::Card) => {
            vault.crisis_card_pdf(id, hash, &Silent)?
        }
        (DocumentKind::AdvanceStatement, ExportFormat::Pdf) => {
            vault.advance_statement_pdf(id, hash, &Silent)?
        }
        (DocumentKind::AdvanceStatement, ExportFormat::Card) => return Err(Failure::usage(
            "the crisis card is made from the crisis plan: use `haven plan export --format card`"
                .into(),
        )),
        (_, ExportFormat::Fhir) => {
            vault.fhir_bundle(&[(id.to_string(), hash.to_string())], &Silent)?
        }
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&a.out)
        .map_err(|e| Failure::other(format!("cannot create {}: {e}", a.out.display())))?;
    file.write_all(&bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| Failure::other(format!("cannot write {}: {e}", a.out.display())))?;
    println!(
        "Wrote {} ({} bytes) from version {}. This file is not encrypted: keep it or share it with care.",
        a.out.display(),
        bytes.len(),
        v.number
    );
    Ok(())
}
