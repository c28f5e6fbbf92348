#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Tagged PDFs (issue 11, item 7): every export carries a structure tree in
//! reading order (H1 title, H2 sections, H3 sub-headings, paragraphs, lists
//! of items with a label and a body), its language, its title (shown instead
//! of the file name) and an outline, and claims PDF/UA-1 when krilla's
//! PDF/UA-1 checks pass. Read back with lopdf, independently of krilla.

mod common;
mod doc_fixtures;

use doc_fixtures::*;
use haven_core::documents::*;
use haven_core::export::{pdf, ExportDocument, ExportOptions};
use haven_core::Silent;
use lopdf::{Dictionary, Document, Object};

/// One structure element: its type (/S), title (/T) and depth.
#[derive(Debug, Clone)]
struct Elem {
    kind: String,
    title: Option<String>,
    depth: usize,
}

/// What a PDF says about its structure and itself.
struct Tagged {
    marked: bool,
    lang: Option<String>,
    title: Option<String>,
    display_doc_title: bool,
    has_outline: bool,
    claims_ua: bool,
    elems: Vec<Elem>,
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    doc.dereference(o).unwrap().1
}

fn text(doc: &Document, o: &Object) -> String {
    lopdf::decode_text_string(deref(doc, o)).unwrap()
}

fn walk(doc: &Document, kids: &Object, depth: usize, out: &mut Vec<Elem>) {
    match deref(doc, kids) {
        Object::Array(a) => {
            for k in a {
                walk(doc, k, depth, out);
            }
        }
        Object::Dictionary(d) => walk_dict(doc, d, depth, out),
        _ => {} // a marked-content id: a leaf
    }
}

fn walk_dict(doc: &Document, d: &Dictionary, depth: usize, out: &mut Vec<Elem>) {
    let Ok(s) = d.get(b"S") else {
        return; // a marked-content reference
    };
    out.push(Elem {
        kind: String::from_utf8(deref(doc, s).as_name().unwrap().to_vec()).unwrap(),
        title: d.get(b"T").ok().map(|t| text(doc, t)),
        depth,
    });
    if let Ok(k) = d.get(b"K") {
        walk(doc, k, depth + 1, out);
    }
}

fn tagged(pdf: &[u8]) -> Tagged {
    let doc = Document::load_mem(pdf).expect("lopdf parses the PDF");
    let cat = doc.catalog().unwrap();
    let marked = cat
        .get(b"MarkInfo")
        .ok()
        .and_then(|m| deref(&doc, m).as_dict().ok())
        .and_then(|m| m.get(b"Marked").ok())
        .map(|b| b.as_bool().unwrap())
        .unwrap_or(false);
    let lang = cat.get(b"Lang").ok().map(|l| text(&doc, l));
    let display_doc_title = cat
        .get(b"ViewerPreferences")
        .ok()
        .and_then(|v| deref(&doc, v).as_dict().ok())
        .and_then(|v| v.get(b"DisplayDocTitle").ok())
        .map(|b| b.as_bool().unwrap())
        .unwrap_or(false);
    let has_outline = cat.get(b"Outlines").is_ok();
    let title = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|i| deref(&doc, i).as_dict().ok())
        .and_then(|i| i.get(b"Title").ok())
        .map(|t| text(&doc, t));
    let mut elems = Vec::new();
    let root = deref(&doc, cat.get(b"StructTreeRoot").expect("a structure tree"))
        .as_dict()
        .unwrap();
    walk(
        &doc,
        root.get(b"K").expect("the tree has kids"),
        0,
        &mut elems,
    );
    let raw = String::from_utf8_lossy(pdf);
    Tagged {
        marked,
        lang,
        title,
        display_doc_title,
        has_outline,
        claims_ua: raw.contains("pdfuaid:part"),
        elems,
    }
}

/// The titles of headings of one type ("H1", "H2", ...), in order.
fn headings(t: &Tagged, kind: &str) -> Vec<String> {
    t.elems
        .iter()
        .filter(|e| e.kind == kind)
        .map(|e| e.title.clone().unwrap_or_default())
        .collect()
}

fn plan_doc(plan: CrisisPlan) -> ExportDocument {
    let (_d, v) = vault();
    saved_plan(&v, plan)
}

#[test]
fn plan_pdf_is_tagged_with_title_language_headings_and_lists_in_reading_order() {
    let bytes = pdf::crisis_plan(&plan_doc(long_plan()), &ExportOptions::default(), &Silent)
        .unwrap()
        .bytes;
    let t = tagged(&bytes);
    assert!(t.marked, "MarkInfo /Marked true");
    assert_eq!(t.lang.as_deref(), Some("en"));
    assert_eq!(t.title, Some(format!("Crisis plan · {ZOE}")));
    assert!(
        t.display_doc_title,
        "readers show the title, not the file name"
    );
    assert!(t.has_outline, "an outline of the headings");
    assert!(t.claims_ua, "all of it drawn: PDF/UA-1 checked and claimed");
    // Under the Document root, the title is the first element, H1.
    assert_eq!(t.elems[0].kind, "Document");
    assert_eq!(t.elems[1].kind, "H1");
    assert_eq!(t.elems[1].title.as_deref(), Some("Crisis plan"));
    assert_eq!(headings(&t, "H1"), ["Crisis plan"]);
    // Sections as H2, in the plan's order.
    let h2 = headings(&t, "H2");
    let order: Vec<&str> = DocumentKind::CrisisPlan
        .sections()
        .iter()
        .map(|s| s.label())
        .filter(|l| h2.iter().any(|h| h == l))
        .collect();
    let found: Vec<&str> = h2
        .iter()
        .map(String::as_str)
        .filter(|h| order.contains(h))
        .collect();
    assert_eq!(found, order);
    for s in [
        "What I'm like when I'm well",
        "Things I can do on my own",
        "Crisis lines",
    ] {
        assert!(h2.iter().any(|h| h == s), "{s} missing from {h2:?}");
    }
    // Bullets are lists: L > LI > (Lbl, LBody).
    let lists = t.elems.iter().filter(|e| e.kind == "L").count();
    let items = t.elems.iter().filter(|e| e.kind == "LI").count();
    assert!(lists >= 3 && items >= 80, "{lists} lists, {items} items");
    for (i, e) in t.elems.iter().enumerate() {
        if e.kind == "LI" {
            let kids: Vec<&str> = t.elems[i + 1..]
                .iter()
                .take_while(|k| k.depth > e.depth)
                .filter(|k| k.depth == e.depth + 1)
                .map(|k| k.kind.as_str())
                .collect();
            assert_eq!(kids, ["Lbl", "LBody"], "item {i}");
        }
    }
    assert!(t.elems.iter().filter(|e| e.kind == "P").count() >= 2);
}

#[test]
fn statement_and_card_are_tagged_and_welsh_exports_say_welsh() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let st = reviewed_statement(&v, &mut k);
    let t = tagged(
        &pdf::advance_statement(&st, &ExportOptions::default(), &Silent)
            .unwrap()
            .bytes,
    );
    assert_eq!(headings(&t, "H1"), ["Advance statement"]);
    assert!(headings(&t, "H2").iter().any(|h| h == "Treatment refusals"));
    assert!(headings(&t, "H3").iter().any(|h| h == "Read this first"));
    assert!(t.claims_ua && t.marked);

    let card = saved_plan(&v, unicode_plan());
    let welsh = ExportOptions {
        language: "cy".into(),
        ..ExportOptions::default()
    };
    let t = tagged(&pdf::crisis_card(&card, &welsh, &Silent).unwrap().bytes);
    assert_eq!(t.lang.as_deref(), Some("cy"));
    assert_eq!(t.title, Some(format!("Cerdyn argyfwng: {ZOE}")));
    assert_eq!(headings(&t, "H1"), [format!("Cerdyn argyfwng: {ZOE}")]);
    assert!(headings(&t, "H2").iter().any(|h| h == "Cysylltwch â"));
    assert!(t.marked && t.claims_ua);
}

#[test]
fn text_no_font_draws_still_gets_a_tagged_pdf_without_a_pdf_ua_claim() {
    let mut plan = unicode_plan();
    plan.when_well = "我很好".into();
    let out = pdf::crisis_plan(&plan_doc(plan), &ExportOptions::default(), &Silent).unwrap();
    assert!(!out.warnings.is_empty(), "the bundled fonts have no Han");
    let t = tagged(&out.bytes);
    assert!(t.marked);
    assert_eq!(headings(&t, "H1"), ["Crisis plan"]);
    assert!(!t.claims_ua, "PDF/UA-1 forbids .notdef glyphs");
}
