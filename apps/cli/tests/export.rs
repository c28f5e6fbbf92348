//! `haven plan export` / `haven statement export`: real PDFs (read back with
//! pdftotext), a one-page card, FHIR JSON; never overwrites.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::setup;
use haven_test_support::pdf::{assert_contains, text_of_file as pdftotext};

#[test]
fn plan_and_statement_export_as_pdf_card_and_fhir() {
    let e = setup();
    let plan = r#"{
        "help_contacts": [{"name": "Zoë Ångström", "relationship": "sister",
                           "phones": [{"label": "mobile", "number": "07700 900123"}],
                           "notes": "", "may_contact": true}],
        "distress_support": {"helps": ["Quiet room and a blanket"], "does_not_help": [],
                             "how_to_approach_me": "Slowly, and say your name"}
    }"#;
    let f = e.write("plan.json", plan);
    e.ok(&["plan", "edit", f.to_str().unwrap()]);

    let pdf = e.path("plan.pdf");
    let out = e.ok(&["plan", "export", "--out", pdf.to_str().unwrap()]);
    assert!(out.contains("not encrypted"));
    let text = pdftotext(&pdf);
    assert_contains(&text, "Zoë Ångström");
    assert_contains(&text, "Quiet room and a blanket");

    let card = e.path("card.pdf");
    e.ok(&[
        "plan",
        "export",
        "--format",
        "card",
        "--out",
        card.to_str().unwrap(),
    ]);
    let text = pdftotext(&card);
    assert_contains(&text, "07700 900123");
    assert_eq!(text.matches('\u{c}').count(), 1, "the card is one page");

    let fhir = e.path("plan.json.fhir");
    e.ok(&[
        "plan",
        "export",
        "--format",
        "fhir",
        "--out",
        fhir.to_str().unwrap(),
    ]);
    let bundle: serde_json::Value = serde_json::from_slice(&std::fs::read(&fhir).unwrap()).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");

    // Never over an existing file; nothing else is touched.
    let before = std::fs::read(&pdf).unwrap();
    e.fails(&["plan", "export", "--out", pdf.to_str().unwrap()], 1);
    assert_eq!(std::fs::read(&pdf).unwrap(), before);

    let s = e.write(
        "statement.json",
        r#"{"about_me": {"life_experiences": "Grew up by the sea"}}"#,
    );
    e.ok(&["statement", "edit", s.to_str().unwrap()]);
    let spdf = e.path("statement.pdf");
    e.ok(&["statement", "export", "--out", spdf.to_str().unwrap()]);
    assert_contains(&pdftotext(&spdf), "Grew up by the sea");
    e.fails(
        &[
            "statement",
            "export",
            "--format",
            "card",
            "--out",
            e.path("x.pdf").to_str().unwrap(),
        ],
        2,
    );
}
