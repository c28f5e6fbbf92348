//! Writing a document as an editable file: pretty JSON, or TOML with a
//! comment heading each section (and, for templates, the field hints of
//! `reference.rs`).

use haven_core::DocumentContent;

use super::reference::{command_of, field_hints, full_shape, toml_table};
use crate::fail::Failure;
use crate::file_format::FileFormat;

/// Content as an editable file: pretty JSON in field order, or TOML with a
/// comment heading each section (`commented` adds the field hints).
pub fn write_content(
    content: &DocumentContent,
    format: FileFormat,
    commented: bool,
) -> Result<String, Failure> {
    let enc = |_| Failure::other("the document could not be encoded".into());
    match format {
        FileFormat::Json => match content {
            DocumentContent::CrisisPlan { plan } => serde_json::to_string_pretty(plan),
            DocumentContent::AdvanceStatement { statement } => {
                serde_json::to_string_pretty(statement)
            }
        }
        .map(|s| s + "\n")
        .map_err(enc),
        FileFormat::Toml => toml_with_comments(content, commented),
        FileFormat::Markdown => Err(Failure::usage(
            "markdown is only for templates: use --format toml or json".into(),
        )),
    }
}

/// The sections of `content` as a TOML table, in field order.
pub fn content_table(content: &DocumentContent) -> Result<toml::Table, Failure> {
    toml_table(content)
}

/// One TOML document per section, each under its heading. TOML needs plain
/// `key = value` lines before any `[table]`, so sections that are a single
/// value come first, then sections with tables, each group in document order.
fn toml_with_comments(content: &DocumentContent, commented: bool) -> Result<String, Failure> {
    let kind = content.kind();
    let table = toml_table(content)?;
    let shape = if commented {
        Some(toml_table(&full_shape(kind)?)?)
    } else {
        None
    };
    let (mut simple, mut tables) = (String::new(), String::new());
    for section in kind.sections() {
        let key = section.key();
        let Some(value) = table.get(key) else {
            continue;
        };
        let mut one = toml::Table::new();
        one.insert(key.into(), value.clone());
        let body = toml::to_string(&one)
            .map_err(|_| Failure::other("the document could not be encoded as TOML".into()))?;
        let mut block = format!("# ── {}\n", section.label());
        if let Some(hint) = shape.as_ref().and_then(|s| s.get(key)) {
            for line in field_hints(key, hint) {
                block.push_str(&format!("# {line}\n"));
            }
        }
        block.push_str(body.trim_end());
        block.push_str("\n\n");
        if body.trim_start().starts_with('[') {
            tables.push_str(&block);
        } else {
            simple.push_str(&block);
        }
    }
    let head = if commented {
        format!(
            "# Haven {} file. Every top-level key is one section; sections left out\n\
             # keep their current value. Save with `haven {} edit FILE.toml`.\n\
             # (TOML wants plain values before [tables], so single-value sections come first.)\n\
             # Field reference: docs/document-files.md.\n\n",
            kind.label(),
            command_of(kind)
        )
    } else {
        String::new()
    };
    Ok(format!("{head}{simple}{}", tables.trim_end()) + "\n")
}
