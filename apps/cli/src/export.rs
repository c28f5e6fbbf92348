//! `haven plan export` / `haven statement export`: PDF, wallet crisis card,
//! FHIR R4. The output leaves the vault's protection, so it is written only
//! where asked, never over an existing file, and the person is told.
//! Labels are in the language asked for (`--lang`); PDFs use the bundled
//! fonts, then any `--font` files, then the computer's fonts, and say which
//! sections have text no font draws.

use std::io::Write;

use haven_core::export::{fhir, pdf, ExportOptions, FontSource};
use haven_core::{DocumentKind, Silent, Vault};

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
    let options = options(a)?;
    let what = vault.export_document(&v.document_id, &v.hash)?;
    let exported = match (kind, a.format) {
        (DocumentKind::CrisisPlan, ExportFormat::Pdf) => {
            pdf::crisis_plan_with(&what, &options, &Silent)?
        }
        (DocumentKind::CrisisPlan, ExportFormat::Card) => {
            pdf::crisis_card_with(&what, &options, &Silent)?
        }
        (DocumentKind::AdvanceStatement, ExportFormat::Pdf) => {
            pdf::advance_statement_with(&what, &options, &Silent)?
        }
        (DocumentKind::AdvanceStatement, ExportFormat::Card) => return Err(Failure::usage(
            "the crisis card is made from the crisis plan: use `haven plan export --format card`"
                .into(),
        )),
        (_, ExportFormat::Fhir) => fhir::bundle_with(&[what], &options, &Silent)?,
    };
    for w in &exported.warnings {
        eprintln!("warning: {w}");
    }
    let bytes = exported.bytes;
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
