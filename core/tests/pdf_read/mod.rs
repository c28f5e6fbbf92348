//! Reading exported PDFs back for the script tests: which characters are
//! drawn with a real glyph of an embedded font (from the content streams,
//! each font's ToUnicode map and its embedded font program, not only the
//! text layer), where `pdftotext` puts each line, and the fonts the tests
//! add (from Debian packages `tests/run.sh` installs).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::process::Command;

use haven_core::export::FontSource;
use lopdf::{Document, Object};

/// Font files the tests use, with the Debian package each comes from.
pub const FONTS: &[(&str, &str)] = &[
    (
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "fonts-wqy-microhei",
    ),
    (
        "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf",
        "fonts-hosny-amiri",
    ),
    (
        "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Bold.ttf",
        "fonts-hosny-amiri",
    ),
    (
        "/usr/share/fonts/truetype/lohit-devanagari/Lohit-Devanagari.ttf",
        "fonts-lohit-deva",
    ),
    (
        "/usr/share/fonts/truetype/lohit-bengali/Lohit-Bengali.ttf",
        "fonts-lohit-beng-bengali",
    ),
];

/// The bundled fonts plus the Debian ones, as an app would pass its own.
/// Fails (does not skip) when a package is missing.
pub fn test_fonts() -> FontSource {
    let mut src = FontSource::bundled();
    for (path, package) in FONTS {
        let bytes = std::fs::read(path).unwrap_or_else(|e| {
            panic!("{path} is missing ({e}): apt-get install {package} (tests/run.sh does this)")
        });
        assert!(src.add_font(bytes).unwrap() >= 1);
    }
    src
}

/// What the glyph check found.
#[derive(Debug, Default)]
pub struct Drawn {
    /// Characters drawn with a glyph that has an outline.
    pub chars: BTreeSet<char>,
    /// (font, glyph id, its text) of glyphs drawn that are .notdef, or
    /// empty while standing for visible text: boxes on paper.
    pub boxes: Vec<(String, u16, String)>,
}

/// Parses a ToUnicode CMap: CID -> text.
fn to_unicode(cmap: &[u8]) -> BTreeMap<u16, String> {
    let text = String::from_utf8_lossy(cmap);
    let hex = |s: &str| -> Vec<u16> {
        let s = s.trim_matches(|c| c == '<' || c == '>');
        (0..s.len() / 4)
            .map(|i| u16::from_str_radix(&s[i * 4..i * 4 + 4], 16).unwrap())
            .collect()
    };
    let utf16 = |v: Vec<u16>| String::from_utf16_lossy(&v);
    let mut map = BTreeMap::new();
    let mut mode = "";
    for line in text.lines() {
        let line = line.trim();
        if line.ends_with("beginbfchar") {
            mode = "char";
            continue;
        }
        if line.ends_with("beginbfrange") {
            mode = "range";
            continue;
        }
        if line.starts_with("end") {
            mode = "";
            continue;
        }
        let toks: Vec<&str> = line.split_whitespace().collect();
        match (mode, toks.len()) {
            ("char", 2) => {
                map.insert(hex(toks[0])[0], utf16(hex(toks[1])));
            }
            ("range", 3) if !toks[2].starts_with('[') => {
                let (a, b) = (hex(toks[0])[0], hex(toks[1])[0]);
                let dst = hex(toks[2]);
                for (k, cid) in (a..=b).enumerate() {
                    let mut d = dst.clone();
                    if let Some(last) = d.last_mut() {
                        *last += k as u16;
                    }
                    map.insert(cid, utf16(d));
                }
            }
            _ => {}
        }
    }
    map
}

/// One embedded font: its name, ToUnicode map and font program.
struct Embedded {
    name: String,
    cmap: BTreeMap<u16, String>,
    program: Vec<u8>,
}

fn embedded(doc: &Document, font: &lopdf::Dictionary) -> Embedded {
    let name = String::from_utf8_lossy(font.get(b"BaseFont").unwrap().as_name().unwrap()).into();
    let tu = font.get(b"ToUnicode").unwrap().as_reference().unwrap();
    let cmap = to_unicode(
        &doc.get_object(tu)
            .unwrap()
            .as_stream()
            .unwrap()
            .decompressed_content()
            .unwrap(),
    );
    let desc_arr = font.get(b"DescendantFonts").unwrap();
    let desc_arr = match desc_arr {
        Object::Reference(r) => doc.get_object(*r).unwrap().as_array().unwrap(),
        o => o.as_array().unwrap(),
    };
    let cid = doc
        .get_dictionary(desc_arr[0].as_reference().unwrap())
        .unwrap();
    assert_eq!(
        cid.get(b"CIDToGIDMap").unwrap().as_name().unwrap(),
        b"Identity"
    );
    let fd = doc
        .get_dictionary(cid.get(b"FontDescriptor").unwrap().as_reference().unwrap())
        .unwrap();
    let ff = fd
        .get(b"FontFile2")
        .or_else(|_| fd.get(b"FontFile3"))
        .unwrap()
        .as_reference()
        .unwrap();
    let program = doc
        .get_object(ff)
        .unwrap()
        .as_stream()
        .unwrap()
        .decompressed_content()
        .unwrap();
    Embedded {
        name,
        cmap,
        program,
    }
}

/// Every glyph every page draws: is it a real glyph of its embedded font,
/// and which characters does it stand for.
pub fn drawn(pdf: &[u8]) -> Drawn {
    let doc = Document::load_mem(pdf).expect("lopdf parses the PDF");
    let mut out = Drawn::default();
    for (_, page) in doc.get_pages() {
        let fonts: BTreeMap<Vec<u8>, Embedded> = doc
            .get_page_fonts(page)
            .unwrap()
            .into_iter()
            .map(|(k, f)| (k, embedded(&doc, f)))
            .collect();
        let content = lopdf::content::Content::decode(&doc.get_page_content(page)).unwrap();
        let mut current: Option<&Embedded> = None;
        // Inside a marked-content span with an ActualText (krilla writes one
        // where a glyph stands for different text in different clusters):
        // that text, which the glyphs inside draw.
        let mut actual: Option<String> = None;
        for op in &content.operations {
            match op.operator.as_str() {
                "Tf" => current = fonts.get(op.operands[0].as_name().unwrap()),
                "BDC" => {
                    actual = op
                        .operands
                        .get(1)
                        .and_then(|o| o.as_dict().ok())
                        .and_then(|d| d.get(b"ActualText").ok())
                        .and_then(|o| o.as_str().ok())
                        .map(pdf_text_string);
                }
                "EMC" => {
                    if let Some(t) = actual.take() {
                        out.chars.extend(t.chars());
                    }
                }
                "Tj" | "TJ" => {
                    let font = current.expect("text shown with a font set");
                    let face = ttf_parser::Face::parse(&font.program, 0)
                        .expect("the embedded font program parses");
                    let strings: Vec<&[u8]> = match &op.operands[0] {
                        Object::String(s, _) => vec![s.as_slice()],
                        Object::Array(a) => a
                            .iter()
                            .filter_map(|o| match o {
                                Object::String(s, _) => Some(s.as_slice()),
                                _ => None,
                            })
                            .collect(),
                        _ => Vec::new(),
                    };
                    for s in strings {
                        for pair in s.chunks(2) {
                            let cid = u16::from_be_bytes([pair[0], pair[1]]);
                            let text = font.cmap.get(&cid).cloned().unwrap_or_default();
                            let visible = text.chars().any(|c| !c.is_whitespace());
                            let gid = ttf_parser::GlyphId(cid);
                            let real = cid != 0 && face.glyph_bounding_box(gid).is_some();
                            if real {
                                out.chars.extend(text.chars());
                            } else if visible || cid == 0 {
                                out.boxes.push((font.name.clone(), cid, text));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
    out
}

/// A PDF text string: UTF-16BE with a byte order mark, else PDFDocEncoding
/// (read as Latin-1, enough for tests).
fn pdf_text_string(b: &[u8]) -> String {
    match b {
        [0xFE, 0xFF, rest @ ..] => String::from_utf16_lossy(
            &rest
                .chunks(2)
                .map(|p| u16::from_be_bytes([p[0], *p.get(1).unwrap_or(&0)]))
                .collect::<Vec<_>>(),
        ),
        _ => b.iter().map(|c| *c as char).collect(),
    }
}

/// Asserts every visible character of `text` is drawn with a real glyph,
/// and nothing is drawn as a box.
pub fn assert_drawn(d: &Drawn, text: &str, what: &str) {
    assert!(
        d.boxes.is_empty(),
        "{what}: glyphs drawn as boxes: {:?}",
        d.boxes
    );
    let lacking: Vec<char> = text
        .chars()
        .filter(|c| !c.is_whitespace() && !d.chars.contains(c))
        .collect();
    assert!(
        lacking.is_empty(),
        "{what}: no embedded glyph draws {lacking:?}"
    );
}

fn run_pdftotext(pdf: &[u8], args: &[&str]) -> String {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(pdf).unwrap();
    let out = Command::new("pdftotext")
        .args(args)
        .arg(file.path())
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("cannot run pdftotext ({e}): apt-get install poppler-utils"));
    assert!(out.status.success(), "pdftotext refused the PDF");
    String::from_utf8(out.stdout).unwrap()
}

/// `pdftotext`'s text, whitespace squashed, without the bidi embedding
/// marks poppler puts around right-to-left runs.
pub fn text(pdf: &[u8]) -> String {
    let t = run_pdftotext(pdf, &["-enc", "UTF-8"]);
    squash(&t.replace(
        ['\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}'],
        "",
    ))
}

pub use haven_test_support::pdf::squash;

/// One line as `pdftotext -bbox-layout` sees it: its text and left and
/// right edges in points.
#[derive(Debug, Clone)]
pub struct BoxLine {
    pub text: String,
    pub x_min: f32,
    pub x_max: f32,
}

/// Every line of the PDF with its horizontal extent.
pub fn lines(pdf: &[u8]) -> Vec<BoxLine> {
    let html = run_pdftotext(pdf, &["-enc", "UTF-8", "-bbox-layout"]);
    let attr = |tag: &str, name: &str| -> f32 {
        let k = format!("{name}=\"");
        let i = tag.find(&k).unwrap() + k.len();
        tag[i..].split('"').next().unwrap().parse().unwrap()
    };
    let mut out = Vec::new();
    for chunk in html.split("<line ").skip(1) {
        let tag = chunk.split('>').next().unwrap();
        let body = chunk.split("</line>").next().unwrap();
        let words: Vec<String> = body
            .split("<word ")
            .skip(1)
            .map(|w| {
                let inner = w.split_once('>').unwrap().1;
                inner
                    .split("</word>")
                    .next()
                    .unwrap()
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&#39;", "'")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&")
            })
            .collect();
        out.push(BoxLine {
            text: words.join(" "),
            x_min: attr(tag, "xMin"),
            x_max: attr(tag, "xMax"),
        });
    }
    out
}
