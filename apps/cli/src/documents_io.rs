//! Document files: reading a crisis plan or advance statement (or a review)
//! from JSON or TOML, and writing templates and the field reference.
//!
//! A file holds the document's sections as top-level keys, exactly the
//! serde field names of `CrisisPlan` / `AdvanceStatement` in the core (see
//! `docs/document-files.md`). Errors name the line (syntax) or the field
//! path (shape) and never quote what the file says: it is the person's words.

use std::path::Path;

use haven_core::{AdvanceStatement, CrisisPlan, DocumentContent, DocumentKind};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::args::FileFormat;
use crate::fail::Failure;

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

/// The values of the enum fields, for templates and the reference. A unit
/// test checks every one deserialises.
pub const ENUM_FIELDS: &[(&str, &[&str])] = &[
    (
        "preferred_setting",
        &[
            "no_preference",
            "home_treatment",
            "crisis_house",
            "hospital_admission",
        ],
    ),
    ("channel", &["call", "text", "call_or_text"]),
    (
        "authority",
        &[
            "health_and_welfare_lpa",
            "property_and_financial_lpa",
            "deputy",
            "other",
        ],
    ),
];

/// The format of `path`, from its extension.
pub fn format_of(path: &Path) -> Result<FileFormat, Failure> {
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
/// mistyped key would lose what the person wrote).
pub fn typed<T: DeserializeOwned + Serialize>(value: Value, what: &str) -> Result<T, Failure> {
    let t: T = serde_path_to_error::deserialize(&value).map_err(|e| {
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
    let known = serde_json::to_value(&t)
        .map_err(|_| Failure::other(format!("the {what} could not be encoded")))?;
    if let Some(path) = unknown_field(&value, &known, "") {
        return Err(Failure::other(format!(
            "the {what} file has a field Haven does not know: {path}"
        )));
    }
    Ok(t)
}

/// Where the first key in `input` that `known` (the re-serialised value)
/// lacks is. Keys `known` has are field names, safe to print; an unknown key
/// is printed only if it looks like one.
fn unknown_field(input: &Value, known: &Value, path: &str) -> Option<String> {
    match (input, known) {
        (Value::Object(i), Value::Object(k)) => i.iter().find_map(|(key, v)| {
            let joined = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            match k.get(key) {
                Some(kv) => unknown_field(v, kv, &joined),
                None if !nameable(key) && path.is_empty() => Some("a key at the top level".into()),
                None if !nameable(key) => Some(format!("a key inside `{path}`")),
                None => match other_kind_section(key).filter(|_| path.is_empty()) {
                    Some(kind) => Some(format!(
                        "`{joined}` (that section belongs in the {})",
                        kind.label()
                    )),
                    None => Some(format!("`{joined}`")),
                },
            }
        }),
        (Value::Array(i), Value::Array(k)) => i
            .iter()
            .zip(k)
            .enumerate()
            .find_map(|(n, (v, kv))| unknown_field(v, kv, &format!("{path}[{n}]"))),
        _ => None,
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
            "a {} file must hold its sections as named fields at the top level",
            kind.label()
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

fn toml_table(content: &DocumentContent) -> Result<toml::Table, Failure> {
    match content {
        DocumentContent::CrisisPlan { plan } => toml::Table::try_from(plan),
        DocumentContent::AdvanceStatement { statement } => toml::Table::try_from(statement),
    }
    .map_err(|_| Failure::other("the document could not be encoded as TOML".into()))
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

/// `plan` or `statement`.
pub fn command_of(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::CrisisPlan => "plan",
        DocumentKind::AdvanceStatement => "statement",
    }
}

/// Lines describing a section's fields, for TOML comments.
fn field_hints(key: &str, shape: &toml::Value) -> Vec<String> {
    let mut out = Vec::new();
    describe(key, shape, "", &mut out);
    out
}

fn type_of(key: &str, v: &toml::Value) -> String {
    if let Some((_, values)) = ENUM_FIELDS.iter().find(|(k, _)| *k == key) {
        return format!("one of {}", values.join(", "));
    }
    match v {
        toml::Value::String(s) if s == SAMPLE_DATE => "date, YYYY-MM-DD".into(),
        toml::Value::String(_) => "text".into(),
        toml::Value::Boolean(_) => "true or false".into(),
        toml::Value::Array(a) => match a.first() {
            Some(toml::Value::Table(_)) => "a list of items, each with:".into(),
            _ => "list of text".into(),
        },
        toml::Value::Table(_) => "a group of fields:".into(),
        _ => "a value".into(),
    }
}

fn describe(key: &str, v: &toml::Value, indent: &str, out: &mut Vec<String>) {
    let children = match v {
        toml::Value::Table(t) => Some(t),
        toml::Value::Array(a) => match a.first() {
            Some(toml::Value::Table(t)) => Some(t),
            _ => None,
        },
        _ => None,
    };
    match children {
        Some(t) if indent.is_empty() => {
            out.push(format!("{key}: {}", type_of(key, v)));
            for (k, cv) in t {
                describe(k, cv, "  ", out);
            }
        }
        Some(t) => {
            out.push(format!("{indent}{key}: {}", type_of(key, v)));
            let deeper = format!("{indent}  ");
            for (k, cv) in t {
                describe(k, cv, &deeper, out);
            }
        }
        None => out.push(format!("{indent}{key}: {}", type_of(key, v))),
    }
    if indent.is_empty() {
        if let toml::Value::Array(a) = v {
            if matches!(a.first(), Some(toml::Value::Table(_))) {
                out.push(format!(
                    "(write each item as a [[{key}]] block with these fields)"
                ));
            }
        }
        if let Some(h) = rule_hint(key) {
            out.push(h.into());
        }
    }
}

/// Rules worth saying next to the field list.
fn rule_hint(section: &str) -> Option<&'static str> {
    match section {
        "warning_signs" => Some("(leave id empty for a new sign; Haven assigns one and keeps it)"),
        "treatment_refusals" => Some(
            "(life-sustaining refusals must say \"even if my life is at risk\" and be signed and witnessed)",
        ),
        "crisis_lines" => Some("(region defaults are filled in; edit or remove them freely)"),
        "people" => Some("(nominated_person and advocate are optional: leave them out if there is none)"),
        _ => None,
    }
}

const SAMPLE_DATE: &str = "2000-01-01";

/// A document of `kind` with one blank item in every list and every optional
/// field filled, found by asking serde: so the reference always matches the
/// types.
pub fn full_shape(kind: DocumentKind) -> Result<DocumentContent, Failure> {
    let empty: DocumentContent = match kind {
        DocumentKind::CrisisPlan => CrisisPlan::default().into(),
        DocumentKind::AdvanceStatement => AdvanceStatement::default().into(),
    };
    let mut v = content_value(&empty)?;
    // Each pass fills one more level of nesting; documents are shallow.
    for _ in 0..6 {
        let mut changed = false;
        fill(&mut v.clone(), &mut v, kind, &mut changed, &mut Vec::new())?;
        if !changed {
            break;
        }
    }
    parse_kind(kind, v)
}

fn parse_kind(kind: DocumentKind, v: Value) -> Result<DocumentContent, Failure> {
    let bad = |_| Failure::other("the document shape could not be built".into());
    Ok(match kind {
        DocumentKind::CrisisPlan => serde_json::from_value::<CrisisPlan>(v).map_err(bad)?.into(),
        DocumentKind::AdvanceStatement => serde_json::from_value::<AdvanceStatement>(v)
            .map_err(bad)?
            .into(),
    })
}

/// Replaces each empty list and null at `path` with the first candidate the
/// types accept, then re-serialises (so defaults of new items appear).
fn fill(
    snapshot: &mut Value,
    root: &mut Value,
    kind: DocumentKind,
    changed: &mut bool,
    path: &mut Vec<PathStep>,
) -> Result<(), Failure> {
    let here = pointer(snapshot, path).cloned();
    match here {
        Some(Value::Object(map)) => {
            for k in map.keys() {
                path.push(PathStep::Key(k.clone()));
                fill(snapshot, root, kind, changed, path)?;
                path.pop();
            }
        }
        Some(Value::Array(items)) if items.is_empty() => {
            for candidate in [serde_json::json!([{}]), serde_json::json!([""])] {
                if try_set(root, kind, path, candidate)? {
                    *changed = true;
                    break;
                }
            }
        }
        Some(Value::Array(items)) => {
            for n in 0..items.len() {
                path.push(PathStep::Index(n));
                fill(snapshot, root, kind, changed, path)?;
                path.pop();
            }
        }
        Some(Value::Null) => {
            for candidate in [serde_json::json!({}), Value::String(SAMPLE_DATE.into())] {
                if try_set(root, kind, path, candidate)? {
                    *changed = true;
                    break;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

#[derive(Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn pointer<'a>(v: &'a Value, path: &[PathStep]) -> Option<&'a Value> {
    path.iter().try_fold(v, |v, step| match step {
        PathStep::Key(k) => v.get(k),
        PathStep::Index(i) => v.get(i),
    })
}

fn pointer_mut<'a>(v: &'a mut Value, path: &[PathStep]) -> Option<&'a mut Value> {
    path.iter().try_fold(v, |v, step| match step {
        PathStep::Key(k) => v.get_mut(k),
        PathStep::Index(i) => v.get_mut(i),
    })
}

/// Sets `path` to `candidate` if the document still parses; keeps the
/// re-serialised result (defaults filled in).
fn try_set(
    root: &mut Value,
    kind: DocumentKind,
    path: &[PathStep],
    candidate: Value,
) -> Result<bool, Failure> {
    let mut trial = root.clone();
    let Some(slot) = pointer_mut(&mut trial, path) else {
        return Ok(false);
    };
    *slot = candidate;
    match parse_kind(kind, trial) {
        Ok(content) => {
            *root = content_value(&content)?;
            Ok(true)
        }
        Err(_) => Ok(false),
    }
}

/// The field reference of `kind`, in Markdown (the body of
/// `docs/document-files.md` for that kind).
pub fn markdown_reference(kind: DocumentKind) -> Result<String, Failure> {
    let shape = toml_table(&full_shape(kind)?)?;
    let mut out = format!(
        "### {} (`haven {} edit FILE`)\n\n",
        capitalise(kind.label()),
        command_of(kind)
    );
    for section in kind.sections() {
        let key = section.key();
        out.push_str(&format!("- **`{key}`**: {}.", section.label()));
        if let Some(v) = shape.get(key) {
            let hints = field_hints(key, v);
            let (first, rest) = hints.split_first().map_or(("", &[][..]), |(f, r)| (f, r));
            let ty = first.split_once(": ").map_or("", |(_, t)| t);
            out.push_str(&format!(" {}\n", capitalise(ty.trim_end_matches(':'))));
            for line in rest {
                if line.starts_with('(') {
                    out.push_str(&format!("  {}\n", line.trim_matches(['(', ')'])));
                } else {
                    let depth = line.len() - line.trim_start().len();
                    let (k, t) = line.trim_start().split_once(": ").unwrap_or((line, ""));
                    let t = t.trim_end_matches(':');
                    out.push_str(&format!("{}- `{k}`: {t}\n", " ".repeat(depth + 2)));
                }
            }
        } else {
            out.push('\n');
        }
    }
    Ok(out)
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;

    #[test]
    fn every_enum_value_in_the_reference_deserialises() {
        for (field, values) in ENUM_FIELDS {
            for v in *values {
                let doc = match *field {
                    "preferred_setting" => {
                        serde_json::json!({"crisis_treatment": {"preferred_setting": v}})
                    }
                    "channel" => serde_json::json!({"crisis_lines": [{"channel": v}]}),
                    _ => serde_json::json!({"people": {"attorneys": [{"authority": v}]}}),
                };
                let ok = if *field == "authority" {
                    serde_json::from_value::<AdvanceStatement>(doc).is_ok()
                } else {
                    serde_json::from_value::<CrisisPlan>(doc).is_ok()
                };
                assert!(ok, "{field} = {v}");
            }
        }
    }

    #[test]
    fn full_shape_fills_lists_and_options() {
        let v = content_value(&full_shape(DocumentKind::AdvanceStatement).unwrap()).unwrap();
        assert_eq!(v["people"]["nominated_person"]["may_contact"], false);
        assert_eq!(
            v["people"]["attorneys"][0]["person"]["phones"][0]["number"],
            ""
        );
        assert_eq!(v["maker_details"]["date_of_birth"], SAMPLE_DATE);
        assert_eq!(v["treatment_refusals"][0]["life_sustaining"], false);
        let p = content_value(&full_shape(DocumentKind::CrisisPlan).unwrap()).unwrap();
        assert_eq!(p["triggers"][0], "");
        assert_eq!(p["help_contacts"][0]["phones"][0]["label"], "");
    }

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
