#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! PDFs ordered for triage (issue 11, item 6): the statement's first page
//! says whether it refuses treatment, the allergies and the nominated person;
//! the plan shows the person's identifiers and points to the statement in
//! force; drafts, superseded and revoked versions carry a watermark on every
//! page, not only a banner.
//!
//! Needs `pdftotext` (poppler-utils); fails rather than skips without it.

mod common;
mod doc_fixtures;

use std::io::Write;
use std::process::Command;

use doc_fixtures::*;
use haven_core::documents::*;
use haven_core::export::{ExportKind, ExportOptions, VersionRef};
use haven_core::{Silent, Vault};
use haven_test_support::pdf::{assert_contains, assert_lacks};

fn en() -> ExportOptions {
    ExportOptions::default()
}

fn pdf(v: &Vault, kind: ExportKind, doc: &str, hash: &str) -> Vec<u8> {
    v.export_pdf(kind, &VersionRef::new(doc, hash), &en(), &Silent)
        .unwrap()
        .bytes
}

/// Runs pdftotext with `args` on `pdf`.
fn pdftotext(pdf: &[u8], args: &[&str]) -> String {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .args(args)
        .arg(file.path())
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils; tests/run.sh installs it)");
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

/// The text of page `n` (from 1).
fn page_text(pdf: &[u8], n: usize) -> String {
    let n = n.to_string();
    pdftotext(pdf, &["-f", &n, "-l", &n])
}

/// For each page, whether it has a watermark: a marked-content artifact of
/// subtype /Watermark holding a rotated transform and filled outlines.
fn watermarks(pdf: &[u8]) -> Vec<bool> {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    doc.get_pages()
        .values()
        .map(|id| {
            let content = doc.get_page_content(*id);
            let ops = lopdf::content::Content::decode(&content)
                .unwrap()
                .operations;
            let mut inside = false;
            let (mut rotated, mut filled) = (false, false);
            for op in &ops {
                match op.operator.as_str() {
                    "BDC" => {
                        let props = op.operands.get(1).and_then(|o| o.as_dict().ok());
                        inside = props
                            .and_then(|d| d.get(b"Subtype").ok())
                            .and_then(|s| s.as_name().ok())
                            == Some(b"Watermark".as_slice());
                    }
                    "EMC" if inside => return rotated && filled,
                    "cm" if inside => {
                        let b = op.operands[1].as_float().unwrap();
                        rotated |= b.abs() > 0.1;
                    }
                    "f" | "f*" if inside => filled = true,
                    _ => {}
                }
            }
            false
        })
        .collect()
}

#[test]
fn statement_first_page_says_refusals_allergies_and_nominated_person() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let s = full_statement(&mut k);
    let nominated = s.people.nominated_person.clone().unwrap();
    let allergy = s.physical_health.allergies[0].clone();
    let nhs = s.maker_details.health_number.clone();
    let v1 = v.create_document(s.into()).unwrap();
    let bytes = pdf(
        &v,
        ExportKind::AdvanceStatementPdf,
        &v1.document_id,
        &v1.hash,
    );
    let first = page_text(&bytes, 1);
    for needle in [
        "Read this first".to_string(),
        "Contains an advance decision to refuse treatment, including life-sustaining treatment: see \"Treatment refusals\".".into(),
        format!("Allergies: {} ({})", allergy.substance, allergy.reaction),
        format!("Nominated person: {} ({})", nominated.name, nominated.relationship),
        "Date of birth: 29 February 1980".into(),
        format!("NHS number: {nhs}"),
    ] {
        assert_contains(&first, &needle);
    }

    // Without refusals, allergies or a nominated person, the first page
    // says so rather than leaving a reader to search.
    let mut bare = AdvanceStatement::default();
    bare.maker_details.full_name = "Sam Jones".into();
    let v2 = v.create_document(bare.into()).unwrap();
    let first = page_text(
        &pdf(
            &v,
            ExportKind::AdvanceStatementPdf,
            &v2.document_id,
            &v2.hash,
        ),
        1,
    );
    assert_contains(&first, "Refuses no treatment.");
    assert_contains(&first, "Allergies: none recorded");
    assert_contains(&first, "Nominated person: none named");
    assert_lacks(&first, "Contains an advance decision");
}

#[test]
fn plan_shows_identifiers_and_points_to_the_statement_in_force() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let s = full_statement(&mut k);
    let nhs = s.maker_details.health_number.clone();
    let st = v.create_document(s.into()).unwrap();
    let plan = v.create_document(unicode_plan().into()).unwrap();

    // Before the statement is signed: nothing is claimed about it.
    let first = page_text(
        &pdf(&v, ExportKind::CrisisPlanPdf, &plan.document_id, &plan.hash),
        1,
    );
    assert_lacks(&first, "advance statement");
    assert_lacks(&first, &nhs);

    let so = sign_off(&mut k, true);
    let signed = doc_fixtures_date(&so);
    v.sign_version(&st.document_id, &st.hash, so).unwrap();
    let first = page_text(
        &pdf(&v, ExportKind::CrisisPlanPdf, &plan.document_id, &plan.hash),
        1,
    );
    for needle in [
        ZOE.to_string(),
        "Date of birth: 29 February 1980".into(),
        format!("NHS number: {nhs}"),
        "Advance statement".into(),
        "I have an advance statement that refuses some treatments, including life-sustaining treatment.".into(),
        format!("Version 1, signed {signed}. Read it before treating me."),
    ] {
        assert_contains(&first, &needle);
    }
    let holder = k.all().iter().find(|m| m.contains("copyholder")).unwrap();
    assert_contains(&first, holder);
}

/// "3 March 2026", as the PDFs print a sign-off date.
fn doc_fixtures_date(so: &SignOff) -> String {
    so.signed_on.format("%-d %B %Y").to_string()
}

#[test]
fn versions_not_in_force_carry_a_watermark_on_every_page() {
    let (_d, v) = vault();
    let mut plan = long_plan();
    let v1 = v.create_document(plan.clone().into()).unwrap();
    let doc = v1.document_id.clone();
    let every_page = |bytes: &[u8]| {
        let pages = watermarks(bytes);
        assert!(pages.len() >= 2, "a long plan has several pages");
        assert!(pages.iter().all(|w| *w), "{pages:?}");
    };
    let none = |bytes: &[u8]| {
        assert!(watermarks(bytes).iter().all(|w| !w));
    };

    let draft_plan = pdf(&v, ExportKind::CrisisPlanPdf, &doc, &v1.hash);
    every_page(&draft_plan);
    // The watermark is drawn, not text: extraction reads only the plan.
    let text = pdftotext(&draft_plan, &[]);
    assert!(!text
        .lines()
        .any(|l| ["D", "R", "A", "F", "T"].contains(&l.trim())));
    let draft_card = pdf(&v, ExportKind::CrisisCardPdf, &doc, &v1.hash);
    assert!(watermarks(&draft_card).iter().all(|w| *w));

    let so = SignOff {
        maker_name: ZOE.into(),
        signed_on: chrono::Utc::now().date_naive(),
        confirms_capacity: true,
        ..Default::default()
    };
    v.sign_version(&doc, &v1.hash, so.clone()).unwrap();
    none(&pdf(&v, ExportKind::CrisisPlanPdf, &doc, &v1.hash));

    plan.when_well = "Better now".into();
    let v2 = v.save_version(&doc, &v1.hash, plan.into()).unwrap();
    v.sign_version(&doc, &v2.hash, so).unwrap();
    every_page(&pdf(&v, ExportKind::CrisisPlanPdf, &doc, &v1.hash));
    v.revoke_version(&doc, &v2.hash, revocation()).unwrap();
    every_page(&pdf(&v, ExportKind::CrisisPlanPdf, &doc, &v2.hash));

    // A statement's draft too.
    let mut k = Markers::default();
    let st = v.create_document(full_statement(&mut k).into()).unwrap();
    every_page(&pdf(
        &v,
        ExportKind::AdvanceStatementPdf,
        &st.document_id,
        &st.hash,
    ));
}
