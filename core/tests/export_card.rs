#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The crisis card (issue 11, item 5): what a crisis team needs first (people
//! to call, who NOT to contact, the crisis team's 24-hour number, allergies,
//! the advance statement and where it is, what helps; "NHS 111, option 2"),
//! and nothing cut or dropped when a plan overflows one side: smaller type
//! down to the stated minimum, then more sides, with a typed warning.
//!
//! Needs `pdftotext` (poppler-utils); fails rather than skips without it.

mod common;
mod doc_fixtures;

use doc_fixtures::*;
use haven_core::documents::*;
use haven_core::export::{pdf, ExportKind, ExportOptions, ExportWarning, VersionRef};
use haven_core::Silent;
use haven_test_support::pdf::{assert_contains, assert_lacks, squash, text_of as pdftotext};

fn en() -> ExportOptions {
    ExportOptions::default()
}

/// Each page's size in millimetres.
fn page_sizes_mm(pdf: &[u8]) -> Vec<(f32, f32)> {
    let doc = lopdf::Document::load_mem(pdf).expect("lopdf parses the PDF");
    doc.get_pages()
        .values()
        .map(|id| {
            let page = doc.get_dictionary(*id).unwrap();
            let mb = page.get(b"MediaBox").unwrap().as_array().unwrap();
            let n: Vec<f32> = mb.iter().map(|o| o.as_float().unwrap()).collect();
            let mm = |pt: f32| pt * 25.4 / 72.0;
            (mm(n[2] - n[0]), mm(n[3] - n[1]))
        })
        .collect()
}

/// A plan with a crisis team, people not to involve and the UK lines.
fn triage_plan() -> CrisisPlan {
    let mut plan = unicode_plan();
    plan.professionals = vec![
        Professional {
            name: "Dr Okafor".into(),
            role: "care coordinator".into(),
            organisation: String::new(),
            phones: vec![PhoneNumber {
                label: String::new(),
                number: "0161 555 0101".into(),
            }],
            hours: "Mon-Fri 9-5".into(),
            notes: String::new(),
        },
        Professional {
            name: "Crisis Resolution Team".into(),
            role: String::new(),
            organisation: "Northside NHS Trust".into(),
            phones: vec![PhoneNumber {
                label: String::new(),
                number: "0161 555 0199".into(),
            }],
            hours: "24 hours".into(),
            notes: String::new(),
        },
    ];
    plan.do_not_involve = vec![ExcludedPerson {
        name: "Gary Blunt".into(),
        relationship: "former partner".into(),
        must_not_contact: true,
        must_not_visit: true,
        notes: "private note QZXPRIVATE".into(),
    }];
    plan
}

#[test]
fn card_carries_what_a_crisis_team_needs_first() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    // A signed statement with refusals, allergies and a copy holder.
    let st = v.create_document(full_statement(&mut k).into()).unwrap();
    v.sign_version(&st.document_id, &st.hash, sign_off(&mut k, true))
        .unwrap();
    let plan = v.create_document(triage_plan().into()).unwrap();
    let out = v
        .export_pdf(
            ExportKind::CrisisCardPdf,
            &VersionRef::from(&plan),
            &en(),
            &Silent,
        )
        .unwrap();
    let text = pdftotext(&out.bytes);
    for needle in [
        "Please contact",
        LUKASZ,
        "Do NOT contact",
        "Gary Blunt (former partner): must not be contacted or told; must not visit",
        "Crisis team and care team",
        "Crisis Resolution Team (Northside NHS Trust) 0161 555 0199 (24 hours)",
        "NHS 111, option 2",
        "Samaritans",
        "Allergies",
        "I have an advance statement that refuses some treatments, including life-sustaining treatment.",
        "Date of birth: 29 February 1980",
        "A quiet room",
    ] {
        assert_contains(&text, needle);
    }
    // Identifiers, allergies and where the copies are, from the statement.
    for marker in ["nhsnumber", "allergen", "copyholder"] {
        let m = k.all().iter().find(|m| m.contains(marker)).unwrap();
        assert_contains(&text, m);
    }
    // The crisis team (24 hours) comes before the 9-to-5 coordinator.
    let flat = squash(&text);
    assert!(
        flat.find("Crisis Resolution Team").unwrap() < flat.find("Dr Okafor").unwrap(),
        "{flat}"
    );
    // Notes about people not to involve stay off the card.
    assert_lacks(&text, "QZXPRIVATE");
}

#[test]
fn a_draft_statement_is_not_announced_on_the_card() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    v.create_document(full_statement(&mut k).into()).unwrap();
    let plan = v.create_document(triage_plan().into()).unwrap();
    let text = pdftotext(
        &v.export_pdf(
            ExportKind::CrisisCardPdf,
            &VersionRef::from(&plan),
            &en(),
            &Silent,
        )
        .unwrap()
        .bytes,
    );
    assert_lacks(&text, "advance statement");
    assert_lacks(&text, "Allergies");
}

#[test]
fn overflowing_card_takes_more_sides_and_drops_nothing() {
    let doc = {
        let (_d, v) = vault();
        saved_plan(&v, overfull_plan())
    };
    let out = pdf::crisis_card(&doc, &en(), &Silent).unwrap();
    if let Ok(dir) = std::env::var("HAVEN_KEEP_PDF") {
        std::fs::write(
            std::path::Path::new(&dir).join("card-overflow.pdf"),
            &out.bytes,
        )
        .unwrap();
    }
    let sizes = page_sizes_mm(&out.bytes);
    assert!(sizes.len() >= 2, "{sizes:?}");
    for (w, h) in &sizes {
        assert!(
            (w - 85.6).abs() < 0.2 && (h - 53.98).abs() < 0.2,
            "{w} x {h}"
        );
    }
    let sides = sizes.len() as u32;
    assert!(
        out.warnings
            .contains(&ExportWarning::CrisisCardSides { sides }),
        "{:?}",
        out.warnings
    );
    let text = pdftotext(&out.bytes);
    let flat = squash(&text);
    // Every contact and every helpful thing is there, whole.
    for i in 0..40 {
        assert_contains(&text, &format!("Friend {i} (friend)"));
        assert_contains(
            &text,
            &format!("Helpful thing number {i}, which takes a few words to say"),
        );
    }
    // No ellipsis, no number split across lines.
    assert!(!text.contains('…'));
    assert_eq!(
        flat.replace('\u{a0}', " ").matches("07000 000000").count(),
        40
    );
    // Each side says which it is, and the title is on every side.
    assert_contains(&text, &format!("Side 1 of {sides}: continued overleaf."));
    assert_contains(&text, &format!("Side {sides} of {sides}."));
    assert_eq!(
        flat.matches("Crisis card: Zoë Ångström-Nguyễn").count(),
        sides as usize
    );
}

#[test]
fn a_fuller_card_shrinks_to_the_minimum_type_before_taking_a_second_side() {
    let (_d, v) = vault();
    // Grow a plan one contact at a time: one side at the usual size, then
    // one side in smaller type (never below the minimum), then two sides.
    let mut seen = Vec::new();
    for n in 0..40 {
        let mut plan = CrisisPlan::default();
        plan.plan_details.owner = ZOE.into();
        plan.distress_support.helps = vec!["A quiet room".into()];
        for i in 0..n {
            plan.help_contacts.push(Contact::new(
                &format!("Friend {i}"),
                "friend",
                "07000 000000",
            ));
        }
        let out = pdf::crisis_card(&saved_plan(&v, plan), &en(), &Silent).unwrap();
        let pages = page_sizes_mm(&out.bytes).len();
        let kind = match out.warnings.as_slice() {
            [] => {
                assert_eq!(pages, 1);
                0
            }
            [ExportWarning::CrisisCardSmallerType { tenths_of_a_point }] => {
                assert_eq!(pages, 1);
                let pt = *tenths_of_a_point as f32 / 10.0;
                assert!(
                    (pdf::CARD_MIN_TYPE_PT..pdf::CARD_TYPE_PT).contains(&pt),
                    "{pt}"
                );
                1
            }
            [ExportWarning::CrisisCardSides { sides }] => {
                assert_eq!(pages, *sides as usize);
                assert!(*sides >= 2);
                2
            }
            other => panic!("unexpected warnings {other:?}"),
        };
        seen.push(kind);
        if kind == 2 {
            break;
        }
    }
    // Never back to a larger size once shrunk; all three outcomes seen.
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
    for kind in 0..3 {
        assert!(seen.contains(&kind), "{seen:?}");
    }
}
