#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Exports in the scripts people write in: Chinese, Arabic, Urdu, Bengali,
//! Hindi, Polish, Welsh and a line mixing English and Arabic, in the full
//! plan, the full statement and the crisis card. For each: every character
//! is drawn with a real glyph of a font embedded in the PDF (read back from
//! the content streams and the embedded font programs, not the text layer),
//! right-to-left paragraphs are right-aligned, and `pdftotext` gives the text
//! in logical order. A character no font draws gives a typed warning naming
//! the section, and the export still completes.
//!
//! Fonts come from Debian packages `tests/run.sh` installs (see
//! `pdf_read::FONTS`); these tests fail, rather than skip, without them.

mod common;
mod doc_fixtures;
mod pdf_read;

use doc_fixtures::*;
use haven_core::documents::*;
use haven_core::export::{pdf, ExportOptions, ExportWarning, FontSource};
use haven_core::Silent;
use pdf_read::*;

/// (name, text, right to left).
const SAMPLES: &[(&str, &str, bool)] = &[
    (
        "Chinese",
        "我身体好的时候每天早上去公园散步，和朋友一起喝茶。",
        false,
    ),
    ("Arabic", "أستمع إلى القرآن وأتصل بأختي فاطمة", true),
    (
        "Urdu",
        "میں اپنی بہن کو فون کرتا ہوں اور چائے پیتا ہوں",
        true,
    ),
    ("Bengali", "আমি আমার বোনকে ফোন করি এবং চা খাই", false),
    ("Hindi", "मैं अपनी बहन को फ़ोन करता हूँ और चाय पीता हूँ", false),
    (
        "Polish",
        "Dzwonię do siostry i piję herbatę z żółtą cytryną",
        false,
    ),
    (
        "Welsh",
        "Dw i yn hoffi cerdded ger y dŵr a gweld y tŷ ar y bryn",
        false,
    ),
    ("mixed", "I call my sister أختي فاطمة every evening", false),
];

/// The right edge of the A4 text frame (page width less the margin).
const A4_RIGHT: f32 = 595.28 - 56.7;
/// The left edge of the A4 text frame.
const A4_LEFT: f32 = 56.7;

fn options() -> ExportOptions {
    ExportOptions {
        language: "en".into(),
        fonts: test_fonts(),
    }
}

/// A plan with each sample as its own paragraph-like item in several sections.
fn plan() -> CrisisPlan {
    let mut plan = CrisisPlan::new_for_region(Region::Uk);
    plan.plan_details.owner = "李明 Li Ming".into();
    plan.coping_strategies = SAMPLES.iter().map(|(_, t, _)| t.to_string()).collect();
    plan.triggers = SAMPLES.iter().map(|(_, t, _)| t.to_string()).collect();
    plan
}

/// Text without any whitespace (lines of Chinese break with no space).
fn nows(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The characters of a text, sorted, without spaces and bullets: the same
/// for a right-to-left line whichever order poppler lists its words in.
fn letters(s: &str) -> Vec<char> {
    let mut v: Vec<char> = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '•')
        .collect();
    v.sort();
    v
}

/// The line showing `sample` (whole, for right-to-left samples; its start
/// otherwise).
fn line_of<'a>(lines: &'a [BoxLine], sample: &str, rtl: bool) -> &'a BoxLine {
    let start: String = nows(sample).chars().take(8).collect();
    lines
        .iter()
        .find(|l| {
            if rtl {
                letters(&l.text) == letters(sample)
            } else {
                nows(&l.text).contains(&start)
            }
        })
        .unwrap_or_else(|| panic!("no line shows {sample:?}: {lines:?}"))
}

fn check_samples(bytes: &[u8], what: &str, right_edge: f32, left_edge: f32) {
    let drawn = drawn(bytes);
    let text = nows(&text(bytes));
    let lines = lines(bytes);
    for (name, sample, rtl) in SAMPLES {
        let what = format!("{what}, {name}");
        assert_drawn(&drawn, sample, &what);
        assert!(
            text.contains(&nows(sample)),
            "{what}: pdftotext lacks the text in logical order: {sample:?} not in {text:?}"
        );
        let line = line_of(&lines, sample, *rtl);
        if *rtl {
            assert!(
                (line.x_max - right_edge).abs() < 1.5,
                "{what}: a right-to-left paragraph ends at {} not the right edge {right_edge}",
                line.x_max
            );
            assert!(
                line.x_min > left_edge + 20.0,
                "{what}: {line:?} starts at the left"
            );
        } else {
            assert!(
                (line.x_min - left_edge).abs() < 12.0,
                "{what}: a left-to-right paragraph starts at {} not near {left_edge}",
                line.x_min
            );
        }
    }
}

#[test]
fn plan_in_every_script_draws_every_character_and_aligns_by_direction() {
    let (_d, v) = vault();
    let doc = saved_plan(&v, plan());
    let out = pdf::crisis_plan(&doc, &options(), &Silent).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    // Bullets hang 11 pt in from the frame's left edge.
    check_samples(&out.bytes, "plan", A4_RIGHT, A4_LEFT + 11.0);
}

#[test]
fn statement_in_every_script_draws_every_character_and_aligns_by_direction() {
    let (_d, v) = vault();
    let mut s = AdvanceStatement::default();
    s.maker_details.full_name = "فاطمة Fatima".into();
    s.treatment_requests.what_has_worked = SAMPLES.iter().map(|(_, t, _)| t.to_string()).collect();
    let v1 = v.create_document(s.into()).unwrap();
    let doc = v.export_document(&v1.document_id, &v1.hash).unwrap();
    let out = pdf::advance_statement(&doc, &options(), &Silent).unwrap();
    assert!(out.warnings.is_empty(), "{:?}", out.warnings);
    check_samples(&out.bytes, "statement", A4_RIGHT, A4_LEFT + 11.0);
}

#[test]
fn crisis_card_in_every_script_draws_every_character() {
    let (_d, v) = vault();
    let mut plan = plan();
    plan.crisis_lines.clear();
    let card_w = 85.6 * 72.0 / 25.4;
    // Cards of four samples each (each fits one side).
    for chunk in SAMPLES.chunks(4) {
        plan.distress_support.helps = chunk.iter().map(|(_, t, _)| t.to_string()).collect();
        let doc = saved_plan(&v, plan.clone());
        let out = pdf::crisis_card(&doc, &options(), &Silent).unwrap();
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);
        let drawn = drawn(&out.bytes);
        let text = nows(&text(&out.bytes));
        let lines = lines(&out.bytes);
        for (name, sample, rtl) in chunk {
            let what = format!("card, {name}");
            assert_drawn(&drawn, sample, &what);
            assert!(text.contains(&nows(sample)), "{what}: {text:?}");
            if *rtl {
                // Content flows down the left column, then the right: a
                // line ends at its column's right edge (the card's margin is
                // 8 pt, the gutter 8 pt); the sample wraps, so its last line
                // (first words) is checked.
                let col_w = (card_w - 16.0 - 8.0) / 2.0;
                let edges = [8.0 + col_w, card_w - 8.0];
                let first: Vec<char> = sample.split(' ').next().unwrap().chars().collect();
                let line = lines
                    .iter()
                    .find(|l| {
                        l.text
                            .split(' ')
                            .any(|w| w.chars().rev().collect::<Vec<_>>() == first)
                    })
                    .unwrap_or_else(|| panic!("{what}: {lines:?}"));
                assert!(
                    edges.iter().any(|e| (line.x_max - e).abs() < 1.5),
                    "{what}: {line:?} vs {edges:?}"
                );
            }
        }
        assert!(drawn.chars.contains(&'李'), "the card's title names 李明");
    }
}

#[test]
fn a_character_no_font_draws_is_a_warning_naming_the_section() {
    let (_d, v) = vault();
    let mut plan = CrisisPlan::new_for_region(Region::Uk);
    // Cuneiform: in none of the fonts.
    plan.triggers = vec!["a sign 𒀀 I cannot draw".into()];
    plan.when_well = "我很好".into();
    let doc = saved_plan(&v, plan);
    let out = pdf::crisis_plan(&doc, &options(), &Silent).unwrap();
    assert!(
        out.bytes.starts_with(b"%PDF-"),
        "the export still completes"
    );
    assert_eq!(
        out.warnings,
        vec![ExportWarning::MissingGlyphs {
            section: "Triggers".into(),
            script: "Cuneiform".into()
        }]
    );
    // With the bundled fonts only, Chinese cannot be drawn: the warning names
    // its section (in the export's language) and the script.
    let welsh = ExportOptions {
        language: "cy".into(),
        fonts: FontSource::bundled(),
    };
    let out = pdf::crisis_plan(&doc, &welsh, &Silent).unwrap();
    // The read-back sees those boxes (what the warning is about).
    let boxes = drawn(&out.bytes).boxes;
    // Three ideographs and the cuneiform sign.
    assert_eq!(boxes.len(), 4, "{boxes:?}");
    assert!(
        out.warnings.contains(&ExportWarning::MissingGlyphs {
            section: "Sut ydw i pan fydda i'n iach".into(),
            script: "Han".into()
        }),
        "{:?}",
        out.warnings
    );
    let card = pdf::crisis_card(&doc, &welsh, &Silent).unwrap();
    assert!(card.bytes.starts_with(b"%PDF-"));
}

#[test]
fn chinese_wraps_between_ideographs_inside_the_frame() {
    let (_d, v) = vault();
    let mut plan = CrisisPlan::new_for_region(Region::Uk);
    plan.when_well = "我身体好的时候每天早上去公园散步和朋友一起喝茶".repeat(8);
    let doc = saved_plan(&v, plan);
    let out = pdf::crisis_plan(&doc, &options(), &Silent).unwrap();
    let lines: Vec<_> = lines(&out.bytes)
        .into_iter()
        .filter(|l| l.text.contains('我') || l.text.contains('茶'))
        .collect();
    assert!(lines.len() >= 3, "{lines:?}");
    for l in &lines {
        assert!(l.x_max <= A4_RIGHT + 0.5, "{l:?} overflows the frame");
    }
    // Full lines reach close to the right edge (no break only at spaces).
    assert!(lines[0].x_max > A4_RIGHT - 12.0, "{:?}", lines[0]);
}
