#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! PDF exports: each PDF parses (lopdf), its text extracts with poppler's
//! `pdftotext` and holds what the person wrote, Unicode names survive, long
//! plans flow onto more pages, and a small crisis card is one page (more in
//! `export_card.rs`).
//!
//! Needs `pdftotext` (Debian package `poppler-utils`). These tests fail,
//! rather than skip, when it is missing. Set `HAVEN_KEEP_PDF=/some/dir` to
//! keep the PDFs for looking at.

mod common;
mod doc_fixtures;

use std::process::Command;

use common::Recorder;
use doc_fixtures::*;
use haven_core::documents::*;
use haven_core::export::{
    pdf, ExportDocument, ExportKind, ExportOptions, ExportWarning, VersionRef,
};
use haven_core::{HavenError, Silent};
use haven_test_support::pdf::{assert_contains, assert_lacks, squash, text_of as pdftotext};

/// English labels, bundled fonts.
fn en() -> ExportOptions {
    ExportOptions::default()
}

/// Pages of a PDF as parsed by lopdf, with each page's MediaBox.
fn pages(pdf: &[u8]) -> Vec<[f32; 4]> {
    let doc = lopdf::Document::load_mem(pdf).expect("lopdf parses the PDF");
    doc.get_pages()
        .values()
        .map(|id| {
            let page = doc.get_dictionary(*id).unwrap();
            let mb = page.get(b"MediaBox").unwrap().as_array().unwrap();
            let n: Vec<f32> = mb.iter().map(|o| o.as_float().unwrap()).collect();
            [n[0], n[1], n[2], n[3]]
        })
        .collect()
}

fn keep(name: &str, pdf: &[u8]) {
    if let Ok(dir) = std::env::var("HAVEN_KEEP_PDF") {
        std::fs::write(std::path::Path::new(&dir).join(name), pdf).unwrap();
    }
}

fn plan_doc(plan: CrisisPlan) -> ExportDocument {
    let (_d, v) = vault();
    saved_plan(&v, plan)
}

#[test]
fn pdftotext_is_installed() {
    // A clear failure on machines without poppler-utils.
    let ok = Command::new("pdftotext").arg("-v").output().is_ok();
    assert!(
        ok,
        "pdftotext is missing: apt-get install -y poppler-utils (tests/run.sh does this)"
    );
}

#[test]
fn crisis_plan_pdf_holds_every_section_in_the_persons_words() {
    let mut k = Markers::default();
    let doc = plan_doc(full_plan(&mut k));
    let bytes = pdf::crisis_plan(&doc, &en(), &Silent).unwrap().bytes;
    keep("plan.pdf", &bytes);
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdftotext(&bytes);
    for m in k.all() {
        assert_contains(&text, m);
    }
    for s in DocumentKind::CrisisPlan.sections() {
        assert_contains(&text, s.label());
    }
    // Default UK crisis lines with their numbers.
    for needle in ["Samaritans", "116 123", "Shout", "85258", "text SHOUT"] {
        assert_contains(&text, needle);
    }
    // Version, status and the banner of a draft.
    assert_contains(&text, "Version: 1");
    assert_contains(&text, "This version is not in force");
    assert_contains(&text, "page 1 of");
}

#[test]
fn unicode_names_survive_extraction() {
    let doc = plan_doc(unicode_plan());
    let text = pdftotext(&pdf::crisis_plan(&doc, &en(), &Silent).unwrap().bytes);
    for name in [ZOE, LUKASZ, GREEK, CYRILLIC, "αδελφή", "подруга", "Μουσική"] {
        assert_contains(&text, name);
    }
    // A contact who may not be contacted is shown, marked, in the full plan.
    assert_contains(
        &text,
        "Private Person (ex-partner) — 07000 999999 — ask me before",
    );
}

#[test]
fn empty_sections_are_left_out() {
    let mut plan = CrisisPlan::new_for_region(Region::Us);
    plan.when_well = "Calm".into();
    let doc = plan_doc(plan);
    let bytes = pdf::crisis_plan(&doc, &en(), &Silent).unwrap().bytes;
    let text = pdftotext(&bytes);
    assert_contains(&text, "What I'm like when I'm well");
    assert_contains(&text, "988");
    for absent in [
        "Triggers",
        "Early warning signs",
        "Reasons for living",
        "Pets",
    ] {
        assert_lacks(&text, absent);
    }
    assert_eq!(pages(&bytes).len(), 1);
}

#[test]
fn long_plan_flows_across_pages_with_nothing_lost() {
    let doc = plan_doc(long_plan());
    let bytes = pdf::crisis_plan(&doc, &en(), &Silent).unwrap().bytes;
    keep("long-plan.pdf", &bytes);
    let pages = pages(&bytes);
    assert!(pages.len() >= 3, "only {} pages", pages.len());
    // A4 portrait.
    for p in &pages {
        assert!((p[2] - 595.28).abs() < 0.5 && (p[3] - 841.89).abs() < 0.5);
    }
    let text = pdftotext(&bytes);
    assert_contains(&text, "LONGSTART");
    assert_contains(&text, "LONGEND");
    for i in [0, 41, 79] {
        assert_contains(&text, &format!("Coping strategy number {i}:"));
    }
    assert_contains(&text, &format!("page {n} of {n}", n = pages.len()));
    // Every line stays on the page: no text outside the media box is
    // possible to check cheaply, but every strategy line is complete.
    assert_eq!(
        squash(&text)
            .matches("breathe in for four, hold for four, out for six.")
            .count(),
        80
    );
}

#[test]
fn crisis_card_is_one_wallet_sized_page_with_who_to_call_and_what_helps() {
    let doc = plan_doc(unicode_plan());
    let bytes = pdf::crisis_card(&doc, &en(), &Silent).unwrap().bytes;
    keep("card.pdf", &bytes);
    let pages = pages(&bytes);
    assert_eq!(pages.len(), 1);
    let [x0, y0, x1, y1] = pages[0];
    let mm = |pt: f32| pt * 25.4 / 72.0;
    assert!((mm(x1 - x0) - 85.6).abs() < 0.2 && (mm(y1 - y0) - 53.98).abs() < 0.2);
    let text = pdftotext(&bytes);
    for needle in [
        ZOE,
        LUKASZ,
        "+48 600 100 200",
        GREEK,
        CYRILLIC,
        "Samaritans",
        "116 123",
        "A quiet room",
        "Slowly, and tell me who you are.",
    ] {
        assert_contains(&text, needle);
    }
    // Only people who may be contacted are on the card.
    assert_lacks(&text, "Private Person");
    assert_lacks(&text, "07000 999999");
}

#[test]
fn advance_statement_pdf_has_sections_sign_off_witness_reviews_and_departures() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let doc = reviewed_statement(&v, &mut k);
    assert_eq!(doc.reviews.len(), 1);
    assert_eq!(doc.departures.len(), 1);
    let bytes = pdf::advance_statement(&doc, &en(), &Silent).unwrap().bytes;
    keep("statement.pdf", &bytes);
    assert!(pages(&bytes).len() >= 2);
    let text = pdftotext(&bytes);
    for m in k.all() {
        assert_contains(&text, m);
    }
    for s in DocumentKind::AdvanceStatement.sections() {
        assert_contains(&text, s.label());
    }
    for needle in [
        ZOE,
        GREEK,
        "Version: 1",
        "Status: Active (signed, in force)",
        "Next review due:",
        "Signed by: Zoë Ångström-Nguyễn",
        "I had capacity to make this statement: confirmed",
        "The maker was under no undue influence: confirmed by the witness",
        "Clinician consultation reviews",
        "Restrictive interventions: cannot be followed",
        "Treatment requests: agreed: will be followed",
        "Hospital and ward preferences: read and noted",
        "The person was told: no",
        "Departures from my wishes",
        "even if my life is at risk",
    ] {
        assert_contains(&text, needle);
    }
    assert_lacks(&text, "This version is not in force");
}

#[test]
fn vault_shorthands_export_the_named_version() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let st = reviewed_statement(&v, &mut k);
    let id = &st.version.document_id;
    let text = pdftotext(
        &v.export_pdf(
            ExportKind::AdvanceStatementPdf,
            &VersionRef::new(id, &st.version.hash),
            &en(),
            &Silent,
        )
        .unwrap()
        .bytes,
    );
    assert_contains(&text, ZOE);
    let plan = v.create_document(unicode_plan().into()).unwrap();
    let card = v
        .export_pdf(
            ExportKind::CrisisCardPdf,
            &VersionRef::from(&plan),
            &en(),
            &Silent,
        )
        .unwrap();
    // The card also carries the signed statement's allergies (more than one
    // side holds here, and says so).
    let allergen = k.all().iter().find(|m| m.contains("allergen")).unwrap();
    assert_contains(&pdftotext(&card.bytes), allergen);
    let sides = pages(&card.bytes).len();
    if sides > 1 {
        assert!(card.warnings.contains(&ExportWarning::CrisisCardSides {
            sides: sides as u32
        }));
    }
    let full = v
        .export_pdf(
            ExportKind::CrisisPlanPdf,
            &VersionRef::from(&plan),
            &en(),
            &Silent,
        )
        .unwrap()
        .bytes;
    assert_contains(&pdftotext(&full), CYRILLIC);
    // A plan is not a statement, and the other way round.
    assert!(matches!(
        v.export_pdf(
            ExportKind::AdvanceStatementPdf,
            &VersionRef::from(&plan),
            &en(),
            &Silent
        ),
        Err(HavenError::InvalidInput { .. })
    ));
    assert!(matches!(
        v.export_pdf(
            ExportKind::CrisisCardPdf,
            &VersionRef::new(id, &st.version.hash),
            &en(),
            &Silent
        ),
        Err(HavenError::InvalidInput { .. })
    ));
}

#[test]
fn pdf_export_reports_progress_and_can_be_cancelled() {
    let doc = plan_doc(long_plan());
    let r = Recorder::new();
    pdf::crisis_plan(&doc, &en(), &r).unwrap();
    let steps = r.fractions();
    assert!(steps.windows(2).all(|w| w[0] <= w[1]), "{steps:?}");
    assert_eq!(steps.last(), Some(&1.0));
    let stop = Recorder::cancelling_after(0);
    assert_eq!(
        pdf::crisis_plan(&doc, &en(), &stop).map(|e| e.bytes),
        Err(HavenError::Cancelled)
    );
    assert_eq!(
        pdf::crisis_card(&doc, &en(), &stop).map(|e| e.bytes),
        Err(HavenError::Cancelled)
    );
}

#[test]
fn a_superseded_version_says_it_is_not_in_force() {
    let (_d, v) = vault();
    let mut plan = unicode_plan();
    let v1 = v.create_document(plan.clone().into()).unwrap();
    let doc = v1.document_id.clone();
    let so = |name: &str| SignOff {
        maker_name: name.into(),
        signed_on: chrono::Utc::now().date_naive(),
        confirms_capacity: true,
        ..Default::default()
    };
    v.sign_version(&doc, &v1.hash, so(ZOE)).unwrap();
    plan.when_well = "Better now".into();
    let v2 = v.save_version(&doc, &v1.hash, plan.into()).unwrap();
    v.sign_version(&doc, &v2.hash, so(ZOE)).unwrap();
    let old = pdftotext(
        &v.export_pdf(
            ExportKind::CrisisPlanPdf,
            &VersionRef::new(&doc, &v1.hash),
            &en(),
            &Silent,
        )
        .unwrap()
        .bytes,
    );
    assert_contains(&old, "This version is not in force: superseded");
    assert_contains(&old, "SUPERSEDED");
    let new = pdftotext(
        &v.export_pdf(
            ExportKind::CrisisPlanPdf,
            &VersionRef::new(&doc, &v2.hash),
            &en(),
            &Silent,
        )
        .unwrap()
        .bytes,
    );
    assert_lacks(&new, "not in force");
    assert_contains(&new, "Next review due:");
    let card = pdftotext(
        &v.export_pdf(
            ExportKind::CrisisCardPdf,
            &VersionRef::new(&doc, &v1.hash),
            &en(),
            &Silent,
        )
        .unwrap()
        .bytes,
    );
    assert_contains(&card, "SUPERSEDED: not in force.");
}
