//! The field reference of each document kind (templates' comments and
//! `docs/document-files.md`), worked out from the core's types by asking
//! serde, so it cannot drift from them: the full shape of a document, and
//! the values of every enum field.

use haven_core::documents::{AttorneyAuthority, CareSetting, Channel};
use haven_core::{AdvanceStatement, CrisisPlan, DocumentContent, DocumentKind};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::parse::content_value;
use crate::fail::Failure;

/// The sections of `content` as a TOML table, in field order.
pub(super) fn toml_table(content: &DocumentContent) -> Result<toml::Table, Failure> {
    match content {
        DocumentContent::CrisisPlan { plan } => toml::Table::try_from(plan),
        DocumentContent::AdvanceStatement { statement } => toml::Table::try_from(statement),
    }
    .map_err(|_| Failure::other("the document could not be encoded as TOML".into()))
}

/// `plan` or `statement`.
pub fn command_of(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::CrisisPlan => "plan",
        DocumentKind::AdvanceStatement => "statement",
    }
}

/// Lines describing a section's fields, for TOML comments.
pub(super) fn field_hints(key: &str, shape: &toml::Value) -> Vec<String> {
    let mut out = Vec::new();
    describe(key, key, shape, "", &mut out);
    out
}

/// The values of the enum field named `key`, if it is one.
fn enum_values(key: &str) -> Option<Vec<String>> {
    match key {
        "preferred_setting" => Some(variants::<CareSetting>()),
        "channel" => Some(variants::<Channel>()),
        "authority" => Some(variants::<AttorneyAuthority>()),
        _ => None,
    }
}

/// The serde names of every variant of the unit enum `T`, read from the
/// message serde gives for an unknown variant, which lists them all: so a
/// variant added in the core appears in templates and the reference with no
/// change here.
fn variants<T: DeserializeOwned>() -> Vec<String> {
    let Err(e) = serde_json::from_value::<T>(Value::String(String::new())) else {
        return Vec::new();
    };
    let message = e.to_string();
    message
        .split_once("expected ")
        .map(|(_, list)| {
            list.split('`')
                .skip(1)
                .step_by(2)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

fn type_of(key: &str, v: &toml::Value) -> String {
    if let Some(values) = enum_values(key) {
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

/// Describes `key` (at TOML path `path`) and its fields, indented.
fn describe(key: &str, path: &str, v: &toml::Value, indent: &str, out: &mut Vec<String>) {
    let (children, list_of_items) = match v {
        toml::Value::Table(t) => (Some(t), false),
        toml::Value::Array(a) => match a.first() {
            Some(toml::Value::Table(t)) => (Some(t), true),
            _ => (None, false),
        },
        _ => (None, false),
    };
    out.push(format!("{indent}{key}: {}", type_of(key, v)));
    if let Some(t) = children {
        let deeper = format!("{indent}  ");
        for (k, cv) in t {
            describe(k, &format!("{path}.{k}"), cv, &deeper, out);
        }
    }
    if list_of_items {
        out.push(if indent.is_empty() {
            format!(
                "(write each item as a [[{path}]] block with these fields, below these comments)"
            )
        } else {
            format!("{indent}(each item a [[{path}]] block, below its parent's other fields)")
        });
    }
    if indent.is_empty() {
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
                let depth = line.len() - line.trim_start().len();
                if line.trim_start().starts_with('(') {
                    let note = line.trim_start().trim_matches(['(', ')']);
                    out.push_str(&format!("{}  {note}\n", " ".repeat(depth)));
                } else {
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
    fn enum_values_are_every_variant_of_the_core_enums() {
        assert_eq!(
            variants::<Channel>(),
            [Channel::Call, Channel::Text, Channel::CallOrText].map(|c| serde_json::to_value(c)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string())
        );
        for field in ["preferred_setting", "channel", "authority"] {
            let values = enum_values(field).unwrap();
            assert!(values.len() >= 3, "{field}: {values:?}");
            for v in values {
                let doc = match field {
                    "preferred_setting" => {
                        serde_json::json!({"crisis_treatment": {"preferred_setting": v}})
                    }
                    "channel" => serde_json::json!({"crisis_lines": [{"channel": v}]}),
                    _ => serde_json::json!({"people": {"attorneys": [{"authority": v}]}}),
                };
                let ok = if field == "authority" {
                    serde_json::from_value::<AdvanceStatement>(doc).is_ok()
                } else {
                    serde_json::from_value::<CrisisPlan>(doc).is_ok()
                };
                assert!(ok, "{field} = {v}");
            }
        }
        assert_eq!(enum_values("when_well"), None);
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
}
