//! Reading a document (or review) file: JSON or TOML by extension, checked
//! against the core's types. Errors name the line (syntax) or the field path
//! (shape) and never quote what the file says: it is the person's words.

use std::path::Path;

use haven_core::{AdvanceStatement, CrisisPlan, DocumentContent, DocumentKind};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::fail::Failure;
use crate::file_format::FileFormat;

/// Largest document file accepted (a stored version is at most 1 MiB).
const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// Messages chrono gives for a date it cannot parse (none quotes the input).
const DATE_ERRORS: &[&str] = &[
    "input contains invalid characters",
    "premature end of input",
    "input is out of range",
    "trailing input",
    "input is not enough for unique date and time",
    "no possible date and time matching input",
    "bad or unsupported format string",
];

/// The format of `path`, from its extension.
fn format_of(path: &Path) -> Result<FileFormat, Failure> {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("json") => Ok(FileFormat::Json),
        Some("toml") => Ok(FileFormat::Toml),
        _ => Err(Failure::usage(format!(
            "{} must end in .json or .toml so Haven knows how to read it",
            path.display()
        ))),
    }
}

/// Reads `path` (JSON or TOML by extension) into a JSON value.
pub fn read_value(path: &Path) -> Result<Value, Failure> {
    let format = format_of(path)?;
    let cannot = |e: std::io::Error| Failure::other(format!("cannot read {}: {e}", path.display()));
    let len = std::fs::metadata(path).map_err(cannot)?.len();
    if len > MAX_FILE_BYTES {
        return Err(Failure::other(format!(
            "{} is larger than 2 MiB, too large for a document",
            path.display()
        )));
    }
    let bytes = std::fs::read(path).map_err(cannot)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| Failure::other(format!("{} is not UTF-8 text", path.display())))?;
    parse_text(&text, format).map_err(|where_| {
        Failure::other(format!(
            "{} is not valid {} ({where_})",
            path.display(),
            if format == FileFormat::Json {
                "JSON"
            } else {
                "TOML"
            }
        ))
    })
}

/// Parses text; the error is "line L, column C", never the text.
pub(crate) fn parse_text(text: &str, format: FileFormat) -> Result<Value, String> {
    match format {
        FileFormat::Json => serde_json::from_str::<Value>(text)
            .map_err(|e| format!("line {}, column {}", e.line(), e.column())),
        _ => match toml::from_str::<toml::Table>(text) {
            Ok(t) => Ok(toml_to_json(toml::Value::Table(t))),
            Err(e) => Err(match e.span() {
                Some(span) => {
                    // Byte offsets; never slice inside a character.
                    let before = text.get(..span.start).unwrap_or(text);
                    let line = before.matches('\n').count() + 1;
                    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
                    format!("line {line}, column {column}")
                }
                None => "position unknown".into(),
            }),
        },
    }
}

/// TOML to JSON; TOML dates become `YYYY-MM-DD` strings, as serde expects.
fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

/// A key safe to repeat in a message: a short snake_case identifier.
fn nameable(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 40
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Deserialises `value` as `T`, naming the field path on failure and
/// refusing fields `T` does not have (serde would silently drop them, and a
/// mistyped key would lose what the person wrote; `serde_ignored` reports
/// them).
pub fn typed<T: DeserializeOwned>(value: Value, what: &str) -> Result<T, Failure> {
    let mut unknown: Option<String> = None;
    let mut note = |path: serde_ignored::Path<'_>| {
        if unknown.is_none() {
            unknown = Some(unknown_field(&path));
        }
    };
    let t: T =
        serde_path_to_error::deserialize(serde_ignored::Deserializer::new(&value, &mut note))
            .map_err(|e| {
                let path = e.path().to_string();
                let inner = e.inner().to_string();
                let why = if let Some(i) = inner.rfind(", expected ") {
                    format!("expected {}", &inner[i + ", expected ".len()..])
                } else if inner.starts_with("missing field `") {
                    inner.clone()
                } else if DATE_ERRORS.iter().any(|m| inner.starts_with(m)) {
                    "expected a date written YYYY-MM-DD".into()
                } else {
                    "this value cannot be read".into()
                };
                Failure::other(format!("the {what} file has a problem at `{path}`: {why}"))
            })?;
    if let Some(place) = unknown {
        return Err(Failure::other(format!(
            "the {what} file has a field Haven does not know: {place}"
        )));
    }
    Ok(t)
}

/// One step of a path into the file.
enum Step {
    Key(String),
    Index(usize),
}

/// The steps from the top of the file to `path`.
fn steps(path: &serde_ignored::Path<'_>, out: &mut Vec<Step>) {
    use serde_ignored::Path;
    match path {
        Path::Root => {}
        Path::Seq { parent, index } => {
            steps(parent, out);
            out.push(Step::Index(*index));
        }
        Path::Map { parent, key } => {
            steps(parent, out);
            out.push(Step::Key(key.clone()));
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => steps(parent, out),
    }
}

/// Where an unknown key is, as `a.b[0].c`. The keys above it are field
/// names, safe to print; the unknown key itself is printed only if it looks
/// like one.
fn unknown_field(path: &serde_ignored::Path<'_>) -> String {
    let mut all = Vec::new();
    steps(path, &mut all);
    let joined = |steps: &[Step]| {
        let mut s = String::new();
        for step in steps {
            match step {
                Step::Key(k) if s.is_empty() => s.push_str(k),
                Step::Key(k) => s.push_str(&format!(".{k}")),
                Step::Index(n) => s.push_str(&format!("[{n}]")),
            }
        }
        s
    };
    let (parent, key) = match all.split_last() {
        Some((Step::Key(key), parent)) => (parent, key.as_str()),
        _ => return format!("`{}`", joined(&all)),
    };
    match (nameable(key), parent.is_empty()) {
        (false, true) => "a key at the top level".into(),
        (false, false) => format!("a key inside `{}`", joined(parent)),
        (true, true) => match other_kind_section(key) {
            Some(kind) => format!("`{key}` (that section belongs in the {})", kind.label()),
            None => format!("`{key}`"),
        },
        (true, false) => format!("`{}`", joined(&all)),
    }
}

fn other_kind_section(key: &str) -> Option<DocumentKind> {
    [DocumentKind::AdvanceStatement, DocumentKind::CrisisPlan]
        .into_iter()
        .find(|k| k.sections().iter().any(|s| s.key() == key))
}

/// The sections of `content` as a JSON object.
pub fn content_value(content: &DocumentContent) -> Result<Value, Failure> {
    match content {
        DocumentContent::CrisisPlan { plan } => serde_json::to_value(plan),
        DocumentContent::AdvanceStatement { statement } => serde_json::to_value(statement),
    }
    .map_err(|_| Failure::other("the document could not be encoded".into()))
}

/// `file`'s sections laid over `base` (sections the file leaves out keep
/// their value in `base`), checked against the kind's types.
pub fn content_from_file(
    kind: DocumentKind,
    base: &DocumentContent,
    file: Value,
) -> Result<DocumentContent, Failure> {
    let Value::Object(sections) = file else {
        return Err(Failure::other(format!(
            "{} file must hold its sections as named fields at the top level",
            kind.with_article()
        )));
    };
    let Value::Object(mut merged) = content_value(base)? else {
        return Err(Failure::other("the document could not be encoded".into()));
    };
    // Unknown top-level keys are reported by `typed`: keep them in.
    merged.extend(sections);
    let merged = Value::Object(merged);
    Ok(match kind {
        DocumentKind::CrisisPlan => typed::<CrisisPlan>(merged, kind.label())?.into(),
        DocumentKind::AdvanceStatement => typed::<AdvanceStatement>(merged, kind.label())?.into(),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn errors_name_the_place_never_the_words() {
        let bad = serde_json::json!({"help_contacts": [{"may_contact": "secret words"}]});
        let e = typed::<CrisisPlan>(bad, "crisis plan").err().unwrap();
        assert!(
            e.message.contains("help_contacts[0].may_contact"),
            "{}",
            e.message
        );
        assert!(!e.message.contains("secret"), "{}", e.message);
        let bad = serde_json::json!({"crisis_treatment": {"preferred_setting": "secret"}});
        let e = typed::<CrisisPlan>(bad, "crisis plan").err().unwrap();
        assert!(!e.message.contains("secret"), "{}", e.message);
        assert!(e.message.contains("home_treatment"), "{}", e.message);
        let bad = serde_json::json!({"distress_support": {"helps": [], "secret words": 1}});
        let e = typed::<CrisisPlan>(bad, "crisis plan").err().unwrap();
        assert!(!e.message.contains("secret"), "{}", e.message);
        assert!(e.message.contains("distress_support"), "{}", e.message);
        let bad = serde_json::json!({"about_me": {"trauma": ""}});
        let e = typed::<CrisisPlan>(bad, "crisis plan").err().unwrap();
        assert!(e.message.contains("advance statement"), "{}", e.message);
        let e = parse_text("a = 1\nb = \"secret\" x\n", FileFormat::Toml).unwrap_err();
        assert!(e.starts_with("line 2"), "{e}");
        let e = parse_text("{\n \"a\": secret\n}", FileFormat::Json).unwrap_err();
        assert!(e.starts_with("line 2"), "{e}");
    }
}
