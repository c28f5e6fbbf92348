//! Fuzz check for document files (`haven plan|statement edit FILE`), run by
//! the fuzz crate's `document_file` target (which compiles this file and
//! the reader from source: the CLI has no library) and, on the committed
//! corpus and saved crashes, by this crate's unit tests. See
//! `docs/fuzzing.md` and `haven_core::fuzzing` for the other targets.

// A failed property panics: that is the fuzzer's crash.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use haven_core::{AdvanceStatement, CrisisPlan, DocumentContent, DocumentKind};

use crate::documents_io::{content_from_file, parse_text, write_content};
use crate::file_format::FileFormat;

/// Input: `selector | file text`. The selector's low bit picks JSON or TOML,
/// the next the crisis plan or the advance statement. The text is read as
/// `edit` reads a file (over an empty document); reading never panics, and
/// what reads must survive the loop the docs teach (`show --editable`, edit,
/// `edit`): written back out in either format, it reads back as the same
/// document.
pub fn check_document_file(data: &[u8]) {
    let Some((&selector, text)) = data.split_first() else {
        return;
    };
    let format = if selector & 1 == 0 {
        FileFormat::Json
    } else {
        FileFormat::Toml
    };
    let kind = if selector & 2 == 0 {
        DocumentKind::CrisisPlan
    } else {
        DocumentKind::AdvanceStatement
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let base: DocumentContent = match kind {
        DocumentKind::CrisisPlan => CrisisPlan::default().into(),
        DocumentKind::AdvanceStatement => AdvanceStatement::default().into(),
    };
    let Ok(value) = parse_text(text, format) else {
        return;
    };
    let Ok(content) = content_from_file(kind, &base, value) else {
        return;
    };
    for out in [FileFormat::Json, FileFormat::Toml] {
        let written = write_content(&content, out, false).expect("a document read is written");
        let value = parse_text(&written, out).expect("what Haven writes parses");
        let again = content_from_file(kind, &base, value).expect("what Haven writes reads");
        assert!(again == content, "{out:?} round trip changed the document");
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::check_document_file;

    fn files(dir: &Path) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|d| d.map(|e| e.unwrap().path()).collect())
            .unwrap_or_default();
        out.sort();
        out
    }

    /// The seed corpus and every saved crash of the `document_file` target.
    #[test]
    fn test_document_file_corpus_and_saved_crashes_pass_the_check() {
        let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
        let seeds = files(&fuzz.join("corpus/document_file"));
        assert!(!seeds.is_empty());
        let crashes = files(&fuzz.join("regressions/document_file"));
        for input in seeds.iter().chain(&crashes) {
            check_document_file(&std::fs::read(input).unwrap());
        }
    }
}
