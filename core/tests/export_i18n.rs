#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Export labels from the message catalogue: a Welsh export has Welsh
//! labels (titles, section headings, field names, months, footers, card,
//! FHIR narratives) and the person's words as written; no message id ever
//! shows instead of a label; an unknown language is refused. (Fallback to
//! English for a message a language lacks: unit tests in `core/src/i18n`.)

mod common;
mod doc_fixtures;
mod pdf_read;

use doc_fixtures::*;
use haven_core::export::{fhir, pdf, ExportOptions, FontSource};
use haven_core::{HavenError, Silent};
use pdf_read::{squash, text};

fn welsh() -> ExportOptions {
    ExportOptions {
        language: "cy".into(),
        fonts: FontSource::bundled(),
    }
}

/// Message ids of the English catalogue that look like ids (have a dash),
/// to check none leaks into an export.
fn ids() -> Vec<String> {
    include_str!("../i18n/en.ftl")
        .lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" = ").map(|(k, _)| k.trim().to_string()))
        .filter(|k| k.contains('-'))
        .collect()
}

fn assert_no_ids(text: &str, what: &str) {
    for id in ids() {
        assert!(!text.contains(&id), "{what} shows the message id {id}");
    }
}

#[test]
fn welsh_plan_has_welsh_labels_and_the_persons_words() {
    let mut k = Markers::default();
    let (_d, v) = vault();
    let doc = saved_plan(&v, full_plan(&mut k));
    let out = pdf::crisis_plan(&doc, &welsh(), &Silent).unwrap();
    let t = text(&out.bytes);
    for label in [
        "Cynllun argyfwng",
        "Manylion y cynllun",
        "Sbardunau",
        "Arwyddion rhybudd cynnar",
        "Llinellau argyfwng",
        "Trefniadau ymarferol",
        "Fersiwn: 1",
        "Statws: Drafft",
        "Nid yw'r fersiwn hon mewn grym",
        "tudalen 1 o",
        "DRAFFT",
    ] {
        assert!(t.contains(label), "the Welsh plan lacks {label:?}: {t}");
    }
    for english in [
        "Crisis plan",
        "Triggers",
        "Early warning signs",
        "page 1 of",
    ] {
        assert!(
            !t.contains(english),
            "the Welsh plan still says {english:?}"
        );
    }
    // The person's words are printed as written, whatever the label language.
    for m in k.all() {
        assert!(t.contains(&squash(m)), "the Welsh plan lacks {m:?}");
    }
    assert_no_ids(&t, "the Welsh plan");
}

#[test]
fn welsh_statement_card_and_fhir_are_labelled_in_welsh() {
    let mut k = Markers::default();
    let (_d, v) = vault();
    let doc = reviewed_statement(&v, &mut k);
    let st = text(
        &pdf::advance_statement(&doc, &welsh(), &Silent)
            .unwrap()
            .bytes,
    );
    for label in [
        "Datganiad ymlaen llaw",
        "Am wneuthurwr y datganiad",
        "Gwrthod triniaeth",
        "Llofnodwyd gan",
        "Adolygiadau ymgynghori clinigwyr",
        "Gwyro oddi wrth fy nymuniadau",
    ] {
        assert!(st.contains(label), "the Welsh statement lacks {label:?}");
    }
    assert_no_ids(&st, "the Welsh statement");

    let plan = saved_plan(&v, unicode_plan());
    let card = text(&pdf::crisis_card(&plan, &welsh(), &Silent).unwrap().bytes);
    for label in [
        "Cerdyn argyfwng",
        "Cysylltwch â",
        "Beth sy'n fy helpu",
        "Fersiwn 1.",
    ] {
        assert!(
            card.contains(label),
            "the Welsh card lacks {label:?}: {card}"
        );
    }

    let bundle = fhir::bundle(&[plan, doc], &welsh(), &Silent).unwrap();
    let json = bundle;
    for label in [
        "Llinellau argyfwng",
        "Gwrthod triniaeth",
        "Llofnodwyd gan",
        "\"language\": \"cy\"",
    ] {
        assert!(json.contains(label), "the Welsh bundle lacks {label:?}");
    }
    assert_no_ids(&json, "the Welsh FHIR bundle");
}

#[test]
fn english_exports_show_no_message_ids() {
    let mut k = Markers::default();
    let (_d, v) = vault();
    let doc = reviewed_statement(&v, &mut k);
    let en = ExportOptions::default();
    assert_no_ids(
        &text(&pdf::advance_statement(&doc, &en, &Silent).unwrap().bytes),
        "the English statement",
    );
    let plan = saved_plan(&v, full_plan(&mut k));
    assert_no_ids(
        &text(&pdf::crisis_plan(&plan, &en, &Silent).unwrap().bytes),
        "the English plan",
    );
}

#[test]
fn an_unknown_language_is_refused() {
    let (_d, v) = vault();
    let doc = saved_plan(&v, unicode_plan());
    let opts = ExportOptions {
        language: "xx".into(),
        ..ExportOptions::default()
    };
    let err = pdf::crisis_plan(&doc, &opts, &Silent).unwrap_err();
    assert!(matches!(err, HavenError::InvalidInput { .. }), "{err:?}");
    let err = fhir::bundle(&[doc], &opts, &Silent).unwrap_err();
    assert!(matches!(err, HavenError::InvalidInput { .. }), "{err:?}");
}
