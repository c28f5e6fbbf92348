//! Section-by-section differences between two versions.
//!
//! Each section is flattened into lines ("phones.number: 07700 900123"),
//! ordered by field name within each item; a section is reported when its
//! value differs, with the lines only in the old version (`removed`) and
//! only in the new one (`added`), compared as multisets. A section whose
//! lines are the same but in a different order is reported with both lists
//! empty. Stable ids (warning signs) are left out of the lines.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{redacted_debug, DocumentContent, Section};
use crate::error::{HavenError, Result};
use crate::vault::Vault;

/// How one section changed between two versions.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct SectionDiff {
    /// The section.
    pub section: Section,
    /// Lines only in the older version.
    pub removed: Vec<String>,
    /// Lines only in the newer version.
    pub added: Vec<String>,
}

redacted_debug!(SectionDiff);

fn flatten(v: &Value, path: &str, out: &mut Vec<String>) {
    let line = |s: &str| {
        if path.is_empty() {
            s.to_string()
        } else {
            format!("{path}: {s}")
        }
    };
    match v {
        Value::Null => {}
        Value::Bool(b) => out.push(line(if *b { "yes" } else { "no" })),
        Value::Number(n) => out.push(line(&n.to_string())),
        Value::String(s) if s.is_empty() => {}
        Value::String(s) => out.push(line(s)),
        Value::Array(items) => items.iter().for_each(|i| flatten(i, path, out)),
        Value::Object(map) => {
            for (k, v) in map {
                if k == "id" {
                    continue;
                }
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                flatten(v, &p, out);
            }
        }
    }
}

/// Lines of `a` not matched by a line of `b` (multiset difference, in order).
fn minus(a: &[String], b: &[String]) -> Vec<String> {
    let mut counts = std::collections::HashMap::<&str, usize>::new();
    for l in b {
        *counts.entry(l.as_str()).or_default() += 1;
    }
    a.iter()
        .filter(|l| match counts.get_mut(l.as_str()) {
            Some(c) if *c > 0 => {
                *c -= 1;
                false
            }
            _ => true,
        })
        .cloned()
        .collect()
}

fn sections_of(content: &DocumentContent) -> Result<serde_json::Map<String, Value>> {
    let v = match content {
        DocumentContent::CrisisPlan { plan } => serde_json::to_value(plan),
        DocumentContent::AdvanceStatement { statement } => serde_json::to_value(statement),
    }
    .map_err(|_| HavenError::invalid("the document could not be encoded"))?;
    match v {
        Value::Object(map) => Ok(map),
        _ => Err(HavenError::invalid("the document could not be encoded")),
    }
}

/// The sections that differ between `old` and `new`, in document order.
pub fn diff_contents(old: &DocumentContent, new: &DocumentContent) -> Result<Vec<SectionDiff>> {
    if old.kind() != new.kind() {
        return Err(HavenError::invalid(
            "only two versions of the same kind of document can be compared",
        ));
    }
    let (a, b) = (sections_of(old)?, sections_of(new)?);
    let mut out = Vec::new();
    for &section in old.kind().sections() {
        let (va, vb) = (
            a.get(section.key()).unwrap_or(&Value::Null),
            b.get(section.key()).unwrap_or(&Value::Null),
        );
        if va == vb {
            continue;
        }
        let (mut la, mut lb) = (Vec::new(), Vec::new());
        flatten(va, "", &mut la);
        flatten(vb, "", &mut lb);
        out.push(SectionDiff {
            section,
            removed: minus(&la, &lb),
            added: minus(&lb, &la),
        });
    }
    Ok(out)
}

impl Vault {
    /// The sections that changed from version `from_hash` to `to_hash` of a document.
    pub fn diff_versions(
        &self,
        document_id: &str,
        from_hash: &str,
        to_hash: &str,
    ) -> Result<Vec<SectionDiff>> {
        let old = self.get_version(document_id, from_hash)?;
        let new = self.get_version(document_id, to_hash)?;
        diff_contents(&old.content, &new.content)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::{Contact, CrisisPlan, WarningSign};

    #[test]
    fn reports_only_changed_sections_with_lines() {
        let a = CrisisPlan {
            triggers: vec!["noise".into(), "crowds".into()],
            help_contacts: vec![Contact::new("Sam", "sister", "0700")],
            warning_signs: vec![WarningSign {
                id: "w1".into(),
                text: "not sleeping".into(),
            }],
            ..Default::default()
        };
        let mut b = a.clone();
        b.triggers = vec!["noise".into(), "anniversaries".into()];
        b.help_contacts[0].may_contact = false;

        let d = diff_contents(&a.clone().into(), &b.into()).unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].section, Section::Triggers);
        assert_eq!(d[0].removed, vec!["crowds"]);
        assert_eq!(d[0].added, vec!["anniversaries"]);
        assert_eq!(d[1].section, Section::HelpContacts);
        assert_eq!(d[1].removed, vec!["may_contact: yes"]);
        assert_eq!(d[1].added, vec!["may_contact: no"]);

        let mut c = a.clone();
        c.triggers.reverse();
        let d = diff_contents(&a.clone().into(), &c.into()).unwrap();
        assert_eq!(d.len(), 1);
        assert!(d[0].removed.is_empty() && d[0].added.is_empty());
        assert!(diff_contents(&a.clone().into(), &a.into())
            .unwrap()
            .is_empty());
    }
}
