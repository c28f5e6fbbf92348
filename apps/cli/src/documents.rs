//! What `plan` and `statement` share: finding the document and a version,
//! show, edit, history, diff, sign and template. Everything is written once
//! for a [`DocumentKind`]; `plan.rs` and `statement.rs` only dispatch.

use std::io::IsTerminal;
use std::path::Path;

use chrono::NaiveDate;
use haven_core::documents::{Revocation, RevocationMethod};
use haven_core::{
    AdvanceStatement, CrisisPlan, DocumentContent, DocumentKind, DocumentSummary, DocumentVersion,
    Region, SignOff, ValidationProblem, Vault, VersionSummary, Witness,
};
use serde::Serialize;

use crate::args::{
    DiffArgs, FileFormat, HowArg, RegionArg, ReviewDateArgs, RevokeArgs, ShowArgs, SignArgs,
    WitnessArgs,
};
use crate::compose::{self, PrivateFile};
use crate::documents_io::{self, command_of};
use crate::fail::Failure;
use crate::output;

impl From<RegionArg> for Region {
    fn from(r: RegionArg) -> Self {
        match r {
            RegionArg::Uk => Region::Uk,
            RegionArg::Us => Region::Us,
            RegionArg::Other => Region::Other,
        }
    }
}

/// The person's document of `kind` (the newest, should there be several).
pub fn find(vault: &Vault, kind: DocumentKind) -> Result<Option<DocumentSummary>, Failure> {
    Ok(vault
        .documents()?
        .into_iter()
        .filter(|d| d.kind == kind)
        .max_by_key(|d| d.created_at))
}

/// Like [`find`], but a missing document is an error that says what to do.
pub fn require(vault: &Vault, kind: DocumentKind) -> Result<DocumentSummary, Failure> {
    find(vault, kind)?.ok_or_else(|| {
        Failure::other(format!(
            "there is no {} yet: start one with `haven {c} template > {c}.toml`, then `haven {c} edit {c}.toml`",
            kind.label(),
            c = command_of(kind)
        ))
    })
}

/// A version's hash from a full hash, a unique prefix (4+ characters) or a
/// version number that only one version has.
pub fn resolve(vault: &Vault, doc: &DocumentSummary, given: &str) -> Result<String, Failure> {
    let history = vault.document_history(&doc.id)?;
    let given = given.trim().trim_start_matches('v');
    let by_number: Vec<&VersionSummary> = match given.parse::<i32>() {
        Ok(n) if given.len() < 4 => history.iter().filter(|v| v.number == n).collect(),
        _ => Vec::new(),
    };
    let by_hash: Vec<&VersionSummary> = if given.len() >= 4 {
        history
            .iter()
            .filter(|v| v.hash.starts_with(&given.to_ascii_lowercase()))
            .collect()
    } else {
        Vec::new()
    };
    match (by_number.as_slice(), by_hash.as_slice()) {
        ([one], []) | ([], [one]) => Ok(one.hash.clone()),
        ([], []) => Err(Failure::other(format!(
            "the {} has no version {given}: see `haven {} history`",
            doc.kind.label(),
            command_of(doc.kind)
        ))),
        _ => Err(Failure::usage(format!(
            "{given} matches more than one version: give more of the hash"
        ))),
    }
}

/// The version `given`, else the active version, else the latest.
pub fn pick(
    vault: &Vault,
    doc: &DocumentSummary,
    given: Option<&str>,
) -> Result<DocumentVersion, Failure> {
    match given {
        Some(g) => Ok(vault.get_version(&doc.id, &resolve(vault, doc, g)?)?),
        None => match vault.active_version(&doc.id)? {
            Some(v) => Ok(v),
            None => Ok(vault.latest_version(&doc.id)?),
        },
    }
}

/// The content of a version, borrowed, so JSON keeps the field order.
#[derive(Serialize)]
#[serde(untagged)]
enum ContentRef<'a> {
    Plan(&'a CrisisPlan),
    Statement(&'a AdvanceStatement),
}

impl<'a> From<&'a DocumentContent> for ContentRef<'a> {
    fn from(c: &'a DocumentContent) -> Self {
        match c {
            DocumentContent::CrisisPlan { plan } => Self::Plan(plan),
            DocumentContent::AdvanceStatement { statement } => Self::Statement(statement),
        }
    }
}

/// `show --json`: the version's record details, then its sections.
#[derive(Serialize)]
struct ShownVersion<'a> {
    document_id: &'a str,
    kind: DocumentKind,
    hash: &'a str,
    parent_hash: Option<&'a str>,
    number: i32,
    created_at: chrono::DateTime<chrono::Utc>,
    status: haven_core::VersionStatus,
    next_review: Option<NaiveDate>,
    sign_off: Option<&'a SignOff>,
    content: ContentRef<'a>,
}

/// `show`.
pub fn show(vault: &Vault, kind: DocumentKind, a: &ShowArgs) -> Result<(), Failure> {
    let doc = require(vault, kind)?;
    let v = pick(vault, &doc, a.version.as_deref())?;
    if a.editable {
        print!(
            "{}",
            documents_io::write_content(&v.content, a.format, false)?
        );
        return Ok(());
    }
    if a.json {
        return output::json(&ShownVersion {
            document_id: &v.document_id,
            kind: v.kind,
            hash: &v.hash,
            parent_hash: v.parent_hash.as_deref(),
            number: v.number,
            created_at: v.created_at,
            status: v.status,
            next_review: doc.next_review,
            sign_off: v.sign_off.as_ref(),
            content: (&v.content).into(),
        });
    }
    let mut title = kind.label().to_string();
    if let Some(f) = title.get_mut(..1) {
        f.make_ascii_uppercase();
    }
    println!(
        "{title}, version {} ({}), saved {}",
        v.number,
        v.status.as_str(),
        v.created_at.format("%Y-%m-%d %H:%M UTC")
    );
    println!("hash {}", v.hash);
    if let Some(so) = &v.sign_off {
        let witness = so
            .witness
            .as_ref()
            .map(|w| format!(", witnessed by {} ({})", w.name, w.role))
            .unwrap_or_default();
        println!("signed by {} on {}{witness}", so.maker_name, so.signed_on);
    }
    if let Some(next) = doc.next_review.filter(|_| doc.active_hash.is_some()) {
        println!("next review {next}");
    }
    let sections = documents_io::content_table(&v.content)?;
    let mut empty = Vec::new();
    for s in kind.sections() {
        let mut lines = Vec::new();
        if let Some(value) = sections.get(s.key()) {
            render(value, &mut lines);
        }
        if lines.is_empty() {
            empty.push(s.label());
            continue;
        }
        println!();
        println!("{}", s.label());
        for l in lines {
            println!("  {l}");
        }
    }
    if !empty.is_empty() {
        println!();
        println!("Not filled in: {}.", empty.join("; "));
    }
    Ok(())
}

/// Lines for people, in field order: text as is, lists one item per bullet,
/// blanks and ids left out.
fn render(v: &toml::Value, out: &mut Vec<String>) {
    match v {
        toml::Value::Array(items) => {
            for item in items {
                let mut lines = Vec::new();
                render(item, &mut lines);
                for (i, l) in lines.into_iter().enumerate() {
                    out.push(if i == 0 {
                        format!("• {l}")
                    } else {
                        format!("  {l}")
                    });
                }
            }
        }
        toml::Value::Table(t) => {
            for (k, v) in t {
                if k == "id" {
                    continue;
                }
                let name = k.replace('_', " ");
                match v {
                    toml::Value::Array(_) | toml::Value::Table(_) => {
                        let mut inner = Vec::new();
                        render(v, &mut inner);
                        if !inner.is_empty() {
                            out.push(format!("{name}:"));
                            out.extend(inner.into_iter().map(|l| format!("  {l}")));
                        }
                    }
                    _ => {
                        if let Some(text) = scalar(v) {
                            out.push(format!("{name}: {text}"));
                        }
                    }
                }
            }
        }
        other => out.extend(scalar(other)),
    }
}

fn scalar(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) if s.is_empty() => None,
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Boolean(b) => Some(if *b { "yes" } else { "no" }.into()),
        other => Some(other.to_string()),
    }
}

/// `edit [FILE]`: the file's sections over the latest version (or, on first
/// use, over an empty document with the region's crisis lines). Without a
/// file, that version is written as commented TOML to a private temporary
/// file (`compose.rs`), opened in the editor, read back and removed. A file
/// the person named holds their document in plain text: `remove_file`
/// deletes it once saved; otherwise they are asked (on a terminal) or
/// reminded.
pub fn edit(
    vault: &Vault,
    kind: DocumentKind,
    file: Option<&Path>,
    remove_file: bool,
    region: Option<Region>,
) -> Result<(), Failure> {
    let doc = find(vault, kind)?;
    let (base, parent) = match &doc {
        Some(d) => {
            let latest = vault.latest_version(&d.id)?;
            (latest.content.clone(), Some(latest))
        }
        None => (
            match kind {
                DocumentKind::CrisisPlan => {
                    CrisisPlan::new_for_region(region.unwrap_or(Region::Uk)).into()
                }
                DocumentKind::AdvanceStatement => AdvanceStatement::default().into(),
            },
            None,
        ),
    };
    let content = match file {
        Some(f) => documents_io::content_from_file(kind, &base, documents_io::read_value(f)?)?,
        None => edit_privately(kind, &base)?,
    };
    save(vault, kind, &doc, &parent, content)?;
    if let Some(f) = file {
        offer_removal(f, kind, remove_file)?;
    }
    Ok(())
}

/// The document edited in the person's editor on a private temporary file
/// (removed whatever happens). On a terminal, a file that does not parse
/// can be opened again to fix it, so no edit is lost to a typo.
fn edit_privately(kind: DocumentKind, base: &DocumentContent) -> Result<DocumentContent, Failure> {
    let file = PrivateFile::new(
        &documents_io::write_content(base, FileFormat::Toml, true)?,
        "toml",
    )?;
    loop {
        file.edit()?;
        let parsed = documents_io::read_value(file.path())
            .and_then(|raw| documents_io::content_from_file(kind, base, raw));
        match parsed {
            Ok(content) => return Ok(content),
            Err(e) if std::io::stdin().is_terminal() => {
                eprintln!("haven: {}", e.message);
                if !compose::ask("Open it again to fix it? [Y/n] ", true)? {
                    return Err(e);
                }
            }
            Err(e) => return Err(e),
        }
    }
}

/// After saving from `file`: deletes it when asked to, else asks (on a
/// terminal) or reminds that it holds the document in plain text.
fn offer_removal(file: &Path, kind: DocumentKind, remove: bool) -> Result<(), Failure> {
    let remove = remove
        || (std::io::stdin().is_terminal()
            && compose::ask(
                &format!(
                    "{} holds your {} in plain text. Delete it now? [y/N] ",
                    file.display(),
                    kind.label()
                ),
                false,
            )?);
    if remove {
        compose::remove_plain_file(file)?;
        eprintln!("Deleted {}.", file.display());
    } else {
        eprintln!(
            "Note: {} still holds your {} in plain text. Delete it when you are done \
             (--remove-file does it; `haven {} edit` with no file uses a private temporary file).",
            file.display(),
            kind.label(),
            command_of(kind)
        );
    }
    Ok(())
}

/// Saves `content` as a new version (or the first), unless nothing changed.
fn save(
    vault: &Vault,
    kind: DocumentKind,
    doc: &Option<DocumentSummary>,
    parent: &Option<DocumentVersion>,
    content: DocumentContent,
) -> Result<(), Failure> {
    let saved = match (doc, parent) {
        (Some(d), Some(p)) => {
            if p.content == content {
                eprintln!("No changes from version {}; nothing was saved.", p.number);
                println!("{}", p.hash);
                return Ok(());
            }
            vault.save_version(&d.id, &p.hash, content)?
        }
        _ => vault.create_document(content)?,
    };
    println!("{}", saved.hash);
    eprintln!(
        "Saved version {} of the {} as a draft.",
        saved.number,
        kind.label()
    );
    if let Some(notice) = saved
        .content
        .as_advance_statement()
        .and_then(haven_core::documents::refusal_notice_for)
    {
        eprintln!("{notice}");
    }
    let problems = haven_core::validate(&saved.content, None);
    if !problems.is_empty() {
        eprintln!("Before it can be signed:");
        for p in &problems {
            eprintln!("  {p}");
        }
    }
    Ok(())
}

/// `history`.
pub fn history(vault: &Vault, kind: DocumentKind, json: bool) -> Result<(), Failure> {
    let doc = require(vault, kind)?;
    let versions = vault.document_history(&doc.id)?;
    if json {
        return output::json(&versions);
    }
    for v in &versions {
        let signed = v
            .signed_on
            .map(|d| format!("  signed {d}"))
            .unwrap_or_default();
        let parent = v
            .parent_hash
            .as_deref()
            .map(|p| format!("  from {}", &p[..p.len().min(12)]))
            .unwrap_or_default();
        println!(
            "v{:<3} {}  {:<10}  {}{signed}{parent}",
            v.number,
            &v.hash[..v.hash.len().min(12)],
            v.status.as_str(),
            v.created_at.format("%Y-%m-%d %H:%M"),
        );
    }
    Ok(())
}

/// `diff FROM TO`.
pub fn diff(vault: &Vault, kind: DocumentKind, a: &DiffArgs) -> Result<(), Failure> {
    let doc = require(vault, kind)?;
    let from = resolve(vault, &doc, &a.from)?;
    let to = resolve(vault, &doc, &a.to)?;
    let changes = vault.diff_versions(&doc.id, &from, &to)?;
    if a.json {
        return output::json(&changes);
    }
    if changes.is_empty() {
        println!("No differences.");
    }
    for c in &changes {
        println!("{}", c.section.label());
        if c.removed.is_empty() && c.added.is_empty() {
            println!("  (same items, in a new order)");
        }
        for l in &c.removed {
            println!("  - {l}");
        }
        for l in &c.added {
            println!("  + {l}");
        }
    }
    Ok(())
}

/// The sign-off the arguments describe.
pub fn sign_off_from(a: &SignArgs) -> SignOff {
    SignOff {
        maker_name: a.name.clone(),
        signed_on: a.date.unwrap_or_else(|| chrono::Local::now().date_naive()),
        confirms_capacity: a.confirm_capacity,
        capacity_statement: a.capacity.clone().unwrap_or_default(),
        support_used: a.support.clone().unwrap_or_default(),
        witness: None,
    }
}

/// `statement witness`: the witness records their own attestation of a
/// draft, in the maker's presence, before the maker signs it.
pub fn witness(vault: &Vault, a: &WitnessArgs) -> Result<(), Failure> {
    let kind = DocumentKind::AdvanceStatement;
    let doc = require(vault, kind)?;
    let v = match &a.version {
        Some(g) => vault.get_version(&doc.id, &resolve(vault, &doc, g)?)?,
        None => vault.latest_version(&doc.id)?,
    };
    let statement = match (&a.statement, &a.statement_file) {
        (Some(s), _) => s.clone(),
        (None, Some(f)) => std::fs::read_to_string(f)
            .map_err(|e| Failure::other(format!("cannot read the statement file: {}", e.kind())))?,
        (None, None) => {
            return Err(Failure::usage(
                "write your statement as the witness, in your own words: --statement TEXT \
                 or --statement-file FILE"
                    .into(),
            ))
        }
    };
    let on = a.date.unwrap_or_else(|| chrono::Local::now().date_naive());
    vault.witness_version(
        &doc.id,
        &v.hash,
        Witness {
            name: a.name.clone(),
            role: a.role.clone(),
            signed_on: Some(on),
            confirms_understanding: a.confirm_understanding,
            confirms_no_undue_influence: a.confirm_no_undue_influence,
            statement,
            attested_by_witness: true,
        },
    )?;
    println!(
        "Witnessed version {} ({}) on {on}, by {} ({}). Hand the device back: the maker signs \
         it now, the same day (haven statement sign).",
        v.number,
        &v.hash[..12.min(v.hash.len())],
        a.name.trim(),
        a.role.trim()
    );
    Ok(())
}

/// Prints problems one per line, by section, and returns the failure.
pub fn refuse(kind: DocumentKind, problems: &[ValidationProblem]) -> Failure {
    for p in problems {
        println!("{p}");
    }
    Failure::other(format!(
        "the {} cannot be signed yet: {} {} to fix, listed above by section",
        kind.label(),
        problems.len(),
        if problems.len() == 1 {
            "problem"
        } else {
            "problems"
        }
    ))
}

/// `sign`: validates first so every problem is listed on its own line.
pub fn sign(vault: &Vault, kind: DocumentKind, a: &SignArgs) -> Result<(), Failure> {
    let doc = require(vault, kind)?;
    let v = match &a.version {
        Some(g) => vault.get_version(&doc.id, &resolve(vault, &doc, g)?)?,
        None => vault.latest_version(&doc.id)?,
    };
    if a.names_a_witness() {
        return Err(Failure::usage(
            "the witness attests for themselves, not through your sign-off: before you sign, \
             the witness runs `haven statement witness --name THEIR-NAME --role ROLE \
             --statement TEXT --confirm-understanding --confirm-no-undue-influence` \
             (the --witness-* options of `sign` were withdrawn)"
                .into(),
        ));
    }
    let so = sign_off_from(a);
    // Checked as it will be signed: with the witness's own attestation.
    let checked = SignOff {
        witness: vault.witness_attestation(&doc.id, &v.hash)?,
        ..so.clone()
    };
    let problems = haven_core::validate(&v.content, Some(&checked));
    if !problems.is_empty() {
        return Err(refuse(kind, &problems));
    }
    let signed = vault.sign_version(&doc.id, &v.hash, so)?;
    let next = find(vault, kind)?.and_then(|d| d.next_review);
    println!(
        "Signed version {} ({}). It is now the active {}{}.",
        signed.number,
        &signed.hash[..12.min(signed.hash.len())],
        kind.label(),
        next.map(|d| format!("; next review on {d}"))
            .unwrap_or_default()
    );
    Ok(())
}

/// `revoke`: the person withdraws a version. Revoking the active version
/// leaves the document with none active until another is signed. Final, so
/// it is confirmed first: asked on a terminal, `--yes` in scripts, and
/// refused when neither can say yes (issue 11).
pub fn revoke(vault: &Vault, kind: DocumentKind, a: &RevokeArgs) -> Result<(), Failure> {
    let doc = require(vault, kind)?;
    let hash = resolve(vault, &doc, &a.version)?;
    let was_active = doc.active_hash.as_deref() == Some(hash.as_str());
    let number = vault.get_version(&doc.id, &hash)?.number;
    if !a.yes {
        if !std::io::stdin().is_terminal() {
            return Err(Failure::usage(format!(
                "revoking version {number} of the {} is final: add --yes to confirm it \
                 (nothing was changed)",
                kind.label()
            )));
        }
        let question = format!(
            "Revoke version {number} of your {}{}? This cannot be undone. [y/N] ",
            kind.label(),
            if was_active { ", the active one" } else { "" }
        );
        if !compose::ask(&question, false)? {
            println!("Not revoked.");
            return Ok(());
        }
    }
    let revoked_on = a.date.unwrap_or_else(|| chrono::Local::now().date_naive());
    let revocation = Revocation {
        revoked_on,
        how: match a.how {
            HowArg::InWriting => RevocationMethod::InWriting,
            HowArg::Spoken => RevocationMethod::Spoken,
            HowArg::InApp => RevocationMethod::InApp,
        },
        notes: a.notes.clone().unwrap_or_default(),
        witness: a.witness_name.as_ref().map(|name| Witness {
            name: name.clone(),
            role: a.witness_role.clone().unwrap_or_default(),
            signed_on: Some(a.witness_date.unwrap_or(revoked_on)),
            ..Default::default()
        }),
    };
    vault.revoke_version(&doc.id, &hash, revocation)?;
    let v = vault.get_version(&doc.id, &hash)?;
    println!(
        "Revoked version {} ({}) on {revoked_on}, {}.{}",
        v.number,
        &hash[..12.min(hash.len())],
        match a.how {
            HowArg::InWriting => "in writing",
            HowArg::Spoken => "spoken",
            HowArg::InApp => "in the app",
        },
        if was_active {
            format!(
                " The {} has no active version now; sign another to make it active.",
                kind.label()
            )
        } else {
            String::new()
        }
    );
    Ok(())
}

/// `review-date`: sets or clears when the document should be reviewed.
pub fn review_date(vault: &Vault, kind: DocumentKind, a: &ReviewDateArgs) -> Result<(), Failure> {
    let doc = require(vault, kind)?;
    let date = if a.clear { None } else { a.on };
    if let Some(d) = date {
        if d < chrono::Local::now().date_naive() {
            return Err(Failure::usage(format!(
                "{d} is in the past: a review date says when to look at the {} again",
                kind.label()
            )));
        }
    }
    vault.set_next_review(&doc.id, date)?;
    match date {
        Some(d) if doc.active_hash.is_none() => println!(
            "Review date set to {d}. It counts once a version is signed (`haven {} sign`).",
            command_of(kind)
        ),
        Some(d) => println!("Review date set to {d}."),
        None => println!("Review date cleared."),
    }
    Ok(())
}

/// `template`.
pub fn template(kind: DocumentKind, region: Region, format: FileFormat) -> Result<(), Failure> {
    if format == FileFormat::Markdown {
        print!("{}", documents_io::markdown_reference(kind)?);
        return Ok(());
    }
    let content: DocumentContent = match kind {
        DocumentKind::CrisisPlan => CrisisPlan::new_for_region(region).into(),
        DocumentKind::AdvanceStatement => AdvanceStatement::default().into(),
    };
    print!("{}", documents_io::write_content(&content, format, true)?);
    Ok(())
}
