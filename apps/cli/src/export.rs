//! `haven plan export` / `haven statement export`: PDF, wallet crisis card,
//! FHIR R4. The output leaves the vault's protection, so it is written only
//! where asked, never over an existing file, never half (core's
//! `write_new_file`: a temporary file renamed into place), and the person is
//! told.

use haven_core::{write_new_file, DocumentKind, ExportKind, FileKind, Silent, Vault, VersionRef};

use crate::args::{ExportArgs, ExportFormat};
use crate::documents::{pick, require};
use crate::fail::Failure;

/// Writes one export of the chosen (or default) version.
pub fn run(vault: &Vault, kind: DocumentKind, a: &ExportArgs) -> Result<(), Failure> {
    let doc = require(vault, kind)?;
    let v = pick(vault, &doc, a.version.as_deref())?;
    let version = VersionRef::from(&v);
    let bytes = match (kind, a.format) {
        (_, ExportFormat::Fhir) => vault.fhir_bundle(&[version], &Silent)?.into_bytes(),
        (DocumentKind::CrisisPlan, ExportFormat::Pdf) => {
            vault.export_pdf(ExportKind::CrisisPlanPdf, &version, &Silent)?
        }
        (DocumentKind::CrisisPlan, ExportFormat::Card) => {
            vault.export_pdf(ExportKind::CrisisCardPdf, &version, &Silent)?
        }
        (DocumentKind::AdvanceStatement, ExportFormat::Pdf) => {
            vault.export_pdf(ExportKind::AdvanceStatementPdf, &version, &Silent)?
        }
        (DocumentKind::AdvanceStatement, ExportFormat::Card) => return Err(Failure::usage(
            "the crisis card is made from the crisis plan: use `haven plan export --format card`"
                .into(),
        )),
    };
    write_new_file(&a.out, FileKind::Export, &bytes)?;
    println!(
        "Wrote {} ({} bytes) from version {}. This file is not encrypted: keep it or share it with care.",
        a.out.display(),
        bytes.len(),
        v.number
    );
    Ok(())
}
