//! `haven plan export` / `haven statement export`: PDF, wallet crisis card,
//! FHIR R4. The output leaves the vault's protection, so it is written only
//! where asked, never over an existing file, never half (core's
//! `write_new_file`: a temporary file renamed into place), and the person is
//! told. Labels are in the language asked for (`--lang`); PDFs use the
//! bundled fonts, then any `--font` files, then the computer's fonts, and
//! say on stderr which sections have text no font draws.

use haven_core::export::{ExportOptions, FontSource};
use haven_core::{write_new_file, DocumentKind, ExportKind, FileKind, Silent, Vault, VersionRef};

use crate::args::{ExportArgs, ExportFormat};
use crate::documents::{pick, require};
use crate::fail::Failure;

/// The export's language and fonts from the command line.
fn options(a: &ExportArgs) -> Result<ExportOptions, Failure> {
    let languages = haven_core::i18n::languages();
    if !languages.contains(&a.lang) {
        return Err(Failure::usage(format!(
            "--lang must be one of {}",
            languages.join(", ")
        )));
    }
    let mut fonts = FontSource::bundled();
    for path in &a.fonts {
        let bytes = std::fs::read(path)
            .map_err(|e| Failure::other(format!("cannot read {}: {e}", path.display())))?;
        fonts
            .add_font(bytes)
            .map_err(|_| Failure::usage(format!("{} is not a font file", path.display())))?;
    }
    fonts.add_system_fonts();
    Ok(ExportOptions {
        language: a.lang.clone(),
        fonts,
    })
}

/// Writes one export of the chosen (or default) version.
pub fn run(vault: &Vault, kind: DocumentKind, a: &ExportArgs) -> Result<(), Failure> {
    let doc = require(vault, kind)?;
    let v = pick(vault, &doc, a.version.as_deref())?;
    let version = VersionRef::from(&v);
    let options = options(a)?;
    let pdf = |kind| vault.export_pdf(kind, &version, &options, &Silent);
    let exported = match (kind, a.format) {
        (_, ExportFormat::Fhir) => haven_core::Exported {
            bytes: vault
                .fhir_bundle(std::slice::from_ref(&version), &options, &Silent)?
                .into_bytes(),
            warnings: Vec::new(),
        },
        (DocumentKind::CrisisPlan, ExportFormat::Pdf) => pdf(ExportKind::CrisisPlanPdf)?,
        (DocumentKind::CrisisPlan, ExportFormat::Card) => pdf(ExportKind::CrisisCardPdf)?,
        (DocumentKind::AdvanceStatement, ExportFormat::Pdf) => {
            pdf(ExportKind::AdvanceStatementPdf)?
        }
        (DocumentKind::AdvanceStatement, ExportFormat::Card) => return Err(Failure::usage(
            "the crisis card is made from the crisis plan: use `haven plan export --format card`"
                .into(),
        )),
    };
    for w in &exported.warnings {
        eprintln!("warning: {w}");
    }
    let bytes = exported.bytes;
    write_new_file(&a.out, FileKind::Export, &bytes)?;
    println!(
        "Wrote {} ({} bytes) from version {}. This file is not encrypted: keep it or share it with care.",
        a.out.display(),
        bytes.len(),
        v.number
    );
    Ok(())
}
