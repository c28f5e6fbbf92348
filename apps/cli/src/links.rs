//! `haven journal link|unlink|linked|signs`: journal entries linked to the
//! crisis plan's warning signs ("this is what not sleeping looked like").
//! The links live in the core (`documents/links.rs`), encrypted.

use haven_core::{DocumentContent, DocumentKind, Vault, WarningSign};
use serde::Serialize;

use crate::documents;
use crate::fail::Failure;
use crate::output;

/// The warning signs of the active plan (else the latest draft), in the
/// order `plan show` lists them (numbered from 1 on the command line).
fn current_signs(vault: &Vault) -> Result<Vec<WarningSign>, Failure> {
    let doc = documents::require(vault, DocumentKind::CrisisPlan)?;
    match documents::pick(vault, &doc, None)?.content {
        DocumentContent::CrisisPlan { plan } => Ok(plan.warning_signs),
        DocumentContent::AdvanceStatement { .. } => Ok(Vec::new()),
    }
}

/// A warning sign from its number in the current plan, its id, or a unique
/// prefix of its id (4+ characters).
fn resolve(vault: &Vault, given: &str) -> Result<WarningSign, Failure> {
    let signs = current_signs(vault)?;
    let given = given.trim();
    if let Ok(n) = given.parse::<usize>() {
        if given.len() < 4 {
            return signs.get(n.wrapping_sub(1)).cloned().ok_or_else(|| {
                Failure::other(format!(
                    "the crisis plan lists {} early warning signs, so there is no number {n}: see `haven plan show`",
                    signs.len()
                ))
            });
        }
    }
    let found: Vec<&WarningSign> = signs
        .iter()
        .filter(|w| given.len() >= 4 && w.id.starts_with(&given.to_ascii_lowercase()))
        .collect();
    match found.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(Failure::other(format!(
            "the crisis plan has no warning sign {given}: give its place in the list (1 = first) or its id from `haven plan show --json`"
        ))),
        _ => Err(Failure::usage(format!(
            "{given} matches more than one warning sign: give more of the id"
        ))),
    }
}

/// `journal link`.
pub fn link(vault: &Vault, entry: &str, sign: &str) -> Result<(), Failure> {
    let w = resolve(vault, sign)?;
    vault.link_entry_to_warning_sign(entry, &w.id)?;
    println!("Linked entry {entry} to the warning sign \"{}\".", w.text);
    Ok(())
}

/// `journal unlink`.
pub fn unlink(vault: &Vault, entry: &str, sign: &str) -> Result<(), Failure> {
    let w = resolve(vault, sign)?;
    if vault.unlink_entry_from_warning_sign(entry, &w.id)? {
        println!(
            "Unlinked entry {entry} from the warning sign \"{}\".",
            w.text
        );
        Ok(())
    } else {
        Err(Failure::other(format!(
            "entry {entry} is not linked to that warning sign"
        )))
    }
}

/// `journal linked`: the entries linked to a warning sign.
pub fn linked(vault: &Vault, sign: &str, json: bool) -> Result<(), Failure> {
    let w = resolve(vault, sign)?;
    let entries = vault.entries_linked_to_warning_sign(&w.id)?;
    if json {
        output::json(&entries)?;
    } else if entries.is_empty() {
        println!("No entries are linked to \"{}\".", w.text);
    } else {
        output::entry_lines(&entries);
    }
    Ok(())
}

/// One warning sign linked to an entry, for `journal signs --json`.
#[derive(Serialize)]
struct LinkedSign {
    id: String,
    /// Its words in the current plan; `None` if the current plan no longer
    /// has it (it was in an earlier version).
    text: Option<String>,
}

/// `journal signs`: the warning signs an entry is linked to.
pub fn signs(vault: &Vault, entry: &str, json: bool) -> Result<(), Failure> {
    let ids = vault.warning_signs_linked_to_entry(entry)?;
    let current = if ids.is_empty() {
        Vec::new()
    } else {
        current_signs(vault)?
    };
    let linked: Vec<LinkedSign> = ids
        .into_iter()
        .map(|id| LinkedSign {
            text: current.iter().find(|w| w.id == id).map(|w| w.text.clone()),
            id,
        })
        .collect();
    if json {
        output::json(&linked)?;
    } else if linked.is_empty() {
        println!("Entry {entry} is not linked to any warning sign.");
    } else {
        for l in &linked {
            match &l.text {
                Some(t) => println!("{}  {t}", l.id),
                None => println!("{}  (not in the current plan)", l.id),
            }
        }
    }
    Ok(())
}
