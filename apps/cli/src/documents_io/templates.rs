//! Writing a document as an editable file: pretty JSON, or TOML with a
//! comment heading each section (and, for templates, the field hints of
//! `reference.rs`).
//!
//! TOML puts every `key = value` line after a `[table]` or `[[list]]`
//! header into that table, so a list the person turns from `key = []` into
//! `[[key]]` blocks (as the hints say) would swallow the lines after it.
//! Lists of items and groups are therefore written after all plain values,
//! at the top level and inside every group, judged by the full shape of the
//! document (an empty list does not say what it holds); and an empty list
//! of items is left out rather than written `key = []`, which could only sit
//! above the first header, where replacing it with blocks would capture the
//! lines below. Its heading and hints stay, and the blocks go under them.

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
    let shape = toml_table(&full_shape(kind)?)?;
    let table = plain_values_first(toml_table(content)?, &shape);
    let (mut simple, mut tables) = (String::new(), String::new());
    for section in kind.sections() {
        let key = section.key();
        let left_out = holds_tables(shape.get(key)) && !table.contains_key(key);
        let Some(value) = table.get(key).or(left_out.then_some(&EMPTY)) else {
            continue;
        };
        let body = if left_out {
            String::new()
        } else {
            let mut one = toml::Table::new();
            one.insert(key.into(), value.clone());
            toml::to_string(&one)
                .map_err(|_| Failure::other("the document could not be encoded as TOML".into()))?
        };
        let mut block = format!("# ── {}\n", section.label());
        if let Some(hint) = shape.get(key).filter(|_| commented) {
            for line in field_hints(key, hint) {
                block.push_str(&format!("# {line}\n"));
            }
        }
        if !body.is_empty() {
            block.push_str(body.trim_end());
            block.push('\n');
        }
        block.push('\n');
        if holds_tables(shape.get(key)) || body.trim_start().starts_with('[') {
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

/// Stands for a list of items left out (see the module comment).
const EMPTY: toml::Value = toml::Value::Boolean(false);

/// Whether a value of this shape is written as a `[table]` or `[[list]]`
/// once it holds something.
fn holds_tables(shape: Option<&toml::Value>) -> bool {
    match shape {
        Some(toml::Value::Table(_)) => true,
        Some(toml::Value::Array(items)) => matches!(items.first(), Some(toml::Value::Table(_))),
        _ => false,
    }
}

/// `table` with, at every level, the keys whose shape is a group or a list
/// of items moved after the plain values (see the module comment).
fn plain_values_first(table: toml::Table, shape: &toml::Table) -> toml::Table {
    let (mut plain, mut nested) = (toml::Table::new(), toml::Table::new());
    for (key, value) in table {
        let sub = shape.get(&key);
        let value = match (value, sub) {
            (toml::Value::Table(t), Some(toml::Value::Table(s))) => {
                toml::Value::Table(plain_values_first(t, s))
            }
            (toml::Value::Array(items), Some(toml::Value::Array(s))) => match s.first() {
                Some(toml::Value::Table(first)) => toml::Value::Array(
                    items
                        .into_iter()
                        .map(|item| match item {
                            toml::Value::Table(t) => {
                                toml::Value::Table(plain_values_first(t, first))
                            }
                            other => other,
                        })
                        .collect(),
                ),
                _ => toml::Value::Array(items),
            },
            (value, _) => value,
        };
        let empty_list = matches!(&value, toml::Value::Array(items) if items.is_empty());
        if holds_tables(sub) && empty_list {
            continue;
        }
        if holds_tables(sub) {
            nested.insert(key, value);
        } else {
            plain.insert(key, value);
        }
    }
    plain.extend(nested);
    plain
}
