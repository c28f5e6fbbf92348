//! Reading an exported PDF back: its text through poppler's `pdftotext`
//! (Debian package `poppler-utils`; tests/run.sh installs it), and checks
//! that ignore the line breaks the layout put in.

use std::io::Write;
use std::path::Path;
use std::process::Command;

/// The text of the PDF file at `path`, UTF-8, in reading order. Fails,
/// rather than skips, when `pdftotext` is missing.
pub fn text_of_file(path: &Path) -> String {
    let out = match Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
    {
        Ok(out) => out,
        Err(e) => panic!(
            "cannot run pdftotext ({e}): install poppler-utils \
             (apt-get install -y poppler-utils; tests/run.sh does); these tests do not skip"
        ),
    };
    assert!(
        out.status.success(),
        "pdftotext refused the PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The text of a PDF held in memory (see [`text_of_file`]).
pub fn text_of(pdf: &[u8]) -> String {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(pdf).unwrap();
    text_of_file(file.path())
}

/// `s` with every run of whitespace made one space: pdftotext breaks lines
/// where the layout wrapped them.
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Asserts that `text` holds `needle`, wherever the layout broke its lines.
pub fn assert_contains(text: &str, needle: &str) {
    assert!(
        squash(text).contains(&squash(needle)),
        "the PDF text lacks {needle:?}"
    );
}

/// Asserts that `text` does not hold `needle`, blind to line breaks in the
/// same way: a phrase wrapped over two lines is still found.
pub fn assert_lacks(text: &str, needle: &str) {
    assert!(
        !squash(text).contains(&squash(needle)),
        "the PDF text holds {needle:?}"
    );
}
