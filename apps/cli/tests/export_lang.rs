//! `haven plan export --lang cy` labels the export in Welsh; the CLI prints
//! with the computer's fonts (a Chinese plan has no boxes when a CJK font is
//! installed: tests/run.sh installs fonts-wqy-microhei) and warns, naming the
//! section, about text no font draws; `--font` adds a font file.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::setup;
use haven_test_support::pdf::text_of_file as pdftotext;

#[test]
fn export_in_welsh_with_system_fonts_and_warnings() {
    let e = setup();
    let plan = r#"{
        "when_well": "我身体好的时候每天早上去公园散步",
        "triggers": ["a sign 𒀀 no font has"]
    }"#;
    let f = e.write("plan.json", plan);
    e.ok(&["plan", "edit", f.to_str().unwrap()]);

    let pdf = e.path("cynllun.pdf");
    let out = e
        .cmd(&[
            "plan",
            "export",
            "--lang",
            "cy",
            "--out",
            pdf.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = pdftotext(&pdf);
    assert!(
        text.contains("Cynllun argyfwng") && text.contains("Sbardunau"),
        "{text}"
    );
    assert!(text.contains("我身体好的时候"));
    let stderr = String::from_utf8(out.stderr).unwrap();
    // The cuneiform sign has no font; the Chinese has the system's.
    assert!(
        stderr.contains("warning: no font available draws some Cuneiform text in \"Sbardunau\""),
        "{stderr}"
    );
    assert!(!stderr.contains("Han"), "{stderr}");

    let bad = e.fails(
        &[
            "plan",
            "export",
            "--lang",
            "xx",
            "--out",
            e.path("x.pdf").to_str().unwrap(),
        ],
        2,
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("en, cy"));
    let not_font = e.write("not-a-font.ttf", "hello");
    e.fails(
        &[
            "plan",
            "export",
            "--font",
            not_font.to_str().unwrap(),
            "--out",
            e.path("y.pdf").to_str().unwrap(),
        ],
        2,
    );
    assert!(!e.path("x.pdf").exists() && !e.path("y.pdf").exists());
}
