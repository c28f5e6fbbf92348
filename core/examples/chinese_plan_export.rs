//! Times the PDF export of a crisis plan written in Chinese and prints its
//! size (docs/performance.md, issue 16): the plan's sections filled with a
//! Chinese sentence, drawn with the CJK font an app would pass in (Debian's
//! fonts-wqy-microhei, 5 MB, subset to the glyphs used), and the same plan
//! in English for scale.
//!
//! `cargo run --release -p haven-core --example chinese_plan_export [FONT]`
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use haven_core::export::{pdf, ExportOptions, FontSource};
use haven_core::{CrisisPlan, KdfParams, Region, Silent, Vault};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let font = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc".into());
    let mut fonts = FontSource::bundled();
    fonts
        .add_font(std::fs::read(&font).expect("the CJK font file"))
        .unwrap();
    let options = ExportOptions {
        language: "en".into(),
        fonts,
    };

    let dir = tempfile::tempdir().unwrap();
    let (vault, _) = Vault::create(
        &dir.path().join("v.haven"),
        "a passphrase for timing",
        KdfParams::minimum_for_tests(),
    )
    .unwrap();
    let chinese = "我身体好的时候每天早上去公园散步，和朋友一起喝茶，读书，给家人打电话。";
    let english =
        "When I am well I walk in the park every morning, have tea with friends, read, call my family.";
    for (name, text, owner) in [
        ("Chinese", chinese, "李明"),
        ("English", english, "Li Ming"),
    ] {
        let mut plan = CrisisPlan::new_for_region(Region::Uk);
        plan.plan_details.owner = owner.into();
        plan.when_well = text.repeat(20);
        plan.triggers = vec![text.to_string(); 20];
        plan.coping_strategies = vec![text.to_string(); 40];
        plan.distress_support.how_to_approach_me = text.repeat(10);
        plan.distress_support.helps = vec![text.to_string(); 3];
        let chars = 93 * text.chars().count();
        let v = vault.create_document(plan.into()).unwrap();
        let doc = vault.export_document(&v.document_id, &v.hash).unwrap();
        let mut times = Vec::new();
        let mut size = 0;
        let mut pages = 0;
        for _ in 0..7 {
            let t = Instant::now();
            let out = pdf::crisis_plan(&doc, &options, &Silent).unwrap();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(out.warnings.is_empty(), "{:?}", out.warnings);
            size = out.bytes.len();
            pages = out
                .bytes
                .windows(11)
                .filter(|w| w == b"/Type/Page/")
                .count();
        }
        let t = Instant::now();
        let card = pdf::crisis_card(&doc, &options, &Silent).unwrap();
        let card_ms = t.elapsed().as_secs_f64() * 1000.0;
        println!(
            "{name}: {chars} characters of the person's text, {pages} pages: plan PDF {size} bytes, \
             {:.0} ms (median of 7); card {} bytes, {card_ms:.0} ms",
            median(times),
            card.bytes.len()
        );
    }
}
