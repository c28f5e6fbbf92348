//! `haven share ...`: sharing the crisis plan or advance statement through a
//! relay (links with an optional PIN, carers, clinicians' replies), opening
//! and following what others share, and `haven plan card-qr`. The work is in
//! `haven_core::share`; this file parses, calls and prints.

use std::path::{Path, PathBuf};

use chrono::Utc;
use clap::{Args, Subcommand};
use haven_core::share::access_log::AccessEvent;
use haven_core::share::capsule::Signed;
use haven_core::share::client;
use haven_core::share::follow::{FollowState, Followed};
use haven_core::share::link::Link;
use haven_core::share::qr;
use haven_core::share::transport::UreqTransport;
use haven_core::share::{NewShare, ShareError};
use haven_core::{DocumentKind, Section, Vault};
use serde_json::{json, Value};

use crate::documents;
use crate::fail::Failure;
use crate::output;
use crate::secrets;

/// `share ...`
#[derive(Debug, Subcommand)]
pub enum ShareCommand {
    /// Share the crisis plan or the advance statement (whole or chosen
    /// sections) with someone, through a relay; prints the link.
    Create(CreateArgs),
    /// Your shares: who for, until when, carers, revoked or not.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// A share's access log (opened, wrong PIN, locked, expired, revoked),
    /// to the hour, fetched from the relay sealed and opened here.
    Log {
        /// Share id (see `haven share list`).
        #[arg(allow_hyphen_values = true)]
        id: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Publish the document's current version to a share, for the link and
    /// every enrolled carer.
    Publish {
        /// Share id.
        #[arg(allow_hyphen_values = true)]
        id: String,
    },
    /// Revoke a share: the relay keeps only a signed "revoked" notice. What
    /// was already seen stays with whoever saw it.
    Revoke {
        /// Share id.
        #[arg(allow_hyphen_values = true)]
        id: String,
    },
    /// Enrol a carer on a share with the public key their Haven shows
    /// (`haven share carer-key`); prints the check code to compare and
    /// writes the welcome to send them.
    CarerInvite {
        /// Share id.
        #[arg(allow_hyphen_values = true)]
        id: String,
        /// The carer's name, as you want to see it.
        #[arg(long)]
        name: String,
        /// The carer's public key.
        #[arg(long, allow_hyphen_values = true)]
        key: String,
        /// Where to write the welcome (the carer follows with it).
        #[arg(long)]
        out: PathBuf,
    },
    /// Stop sending new versions of a share to a carer.
    CarerRevoke {
        /// Share id.
        #[arg(allow_hyphen_values = true)]
        id: String,
        /// The carer's public key.
        #[arg(long, allow_hyphen_values = true)]
        key: String,
    },
    /// This vault's carer public key, to give to someone enrolling you.
    CarerKey,
    /// Fetch clinicians' replies from the relays and list those waiting.
    Replies {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Accept a waiting reply into the consultation log.
    Accept {
        /// Reply id (see `haven share replies`).
        #[arg(allow_hyphen_values = true)]
        reply: String,
    },
    /// Decline (delete) a waiting reply.
    Decline {
        /// Reply id.
        #[arg(allow_hyphen_values = true)]
        reply: String,
    },
    /// Open a link as its recipient (no vault needed). A PIN comes from
    /// HAVEN_SHARE_PIN or a prompt.
    Open {
        /// The whole link, including the part after `#`.
        link: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Follow a share in your own vault: by LINK, or as an enrolled carer
    /// with `--welcome FILE --share ID`; with neither, refresh and list
    /// everything you follow.
    Follow {
        /// The link to follow.
        link: Option<String>,
        /// A carer welcome file.
        #[arg(long, requires = "share", conflicts_with = "link")]
        welcome: Option<PathBuf>,
        /// The share id the welcome is for.
        #[arg(long, allow_hyphen_values = true)]
        share: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Options for `share create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Share the crisis plan.
    #[arg(
        long,
        conflicts_with = "statement",
        required_unless_present = "statement"
    )]
    pub plan: bool,
    /// Share the advance statement (clinicians can reply to it).
    #[arg(long)]
    pub statement: bool,
    /// Only these sections (comma-separated keys, e.g. `help_contacts,coping_strategies`).
    #[arg(long, value_delimiter = ',')]
    pub sections: Vec<String>,
    /// Who it is for ("Sam, my brother").
    #[arg(long = "for")]
    pub recipient: String,
    /// How long it lasts: `14d` (at most 90 days).
    #[arg(long, default_value = "14d")]
    pub expires: String,
    /// Ask for a PIN too (from HAVEN_SHARE_PIN or a prompt; 4 to 12 digits).
    #[arg(long)]
    pub pin: bool,
    /// How many times it may be opened.
    #[arg(long)]
    pub read_limit: Option<u32>,
    /// The relay's address.
    #[arg(long, env = "HAVEN_RELAY")]
    pub relay: String,
    /// Write the link as a QR code (SVG) to this file.
    #[arg(long)]
    pub qr: Option<PathBuf>,
    /// Print JSON (`id`, `link`, `expires_at`).
    #[arg(long)]
    pub json: bool,
}

impl From<ShareError> for Failure {
    fn from(e: ShareError) -> Self {
        match e {
            ShareError::Vault(h) => h.into(),
            ShareError::Tampered
            | ShareError::Spliced
            | ShareError::Rollback { .. }
            | ShareError::WrongSigner => Failure::integrity(e.to_string()),
            ShareError::WrongKeyOrPin | ShareError::BadPin => Self {
                code: 3,
                message: e.to_string(),
            },
            ShareError::Malformed | ShareError::Invalid { .. } => Failure::usage(e.to_string()),
            _ => Failure::other(e.to_string()),
        }
    }
}

/// Runs one share command; `open_vault` opens and unlocks the vault, called
/// by every command but `open` (a carer opening a link needs no vault).
pub fn run(
    cmd: ShareCommand,
    open_vault: impl FnOnce() -> Result<Vault, Failure>,
) -> Result<(), Failure> {
    let t = UreqTransport::default();
    if let ShareCommand::Open { link, json } = &cmd {
        return open(&t, link, *json);
    }
    let vault = &open_vault()?;
    match cmd {
        ShareCommand::Create(a) => create(vault, &t, &a),
        ShareCommand::List { json } => list(vault, json),
        ShareCommand::Log { id, json } => log(vault, &t, &id, json),
        ShareCommand::Publish { id } => {
            let p = vault.republish_share(&id, Utc::now())?;
            client::publish(&t, &vault.share_owner(&id)?.0, &p)?;
            println!("Published version {} of share {id}.", p.seq);
            Ok(())
        }
        ShareCommand::Revoke { id } => {
            let p = vault.revoke_share(&id, Utc::now())?;
            client::publish(&t, &vault.share_owner(&id)?.0, &p)?;
            println!("Revoked share {id}. Whoever opens it now is told it was revoked.");
            println!("What was already seen or saved stays with whoever saw it.");
            Ok(())
        }
        ShareCommand::CarerInvite { id, name, key, out } => {
            let e = vault.enrol_carer(&id, &name, &key, Utc::now())?;
            write(
                &out,
                haven_core::share::primitives::b64(&e.welcome).as_bytes(),
            )?;
            let p = vault.republish_share(&id, Utc::now())?;
            client::publish(&t, &vault.share_owner(&id)?.0, &p)?;
            println!("Check code: {}", e.check_code);
            println!("Their screen must show the same code; if it does not, run `haven share carer-revoke`.");
            println!(
                "Send them {} (it is sealed to them) and the share id {id}.",
                out.display()
            );
            Ok(())
        }
        ShareCommand::CarerRevoke { id, key } => {
            vault.revoke_carer(&id, &key, Utc::now())?;
            let p = vault.republish_share(&id, Utc::now())?;
            client::publish(&t, &vault.share_owner(&id)?.0, &p)?;
            println!("Later versions are no longer encrypted to that carer.");
            Ok(())
        }
        ShareCommand::CarerKey => {
            let key = vault.carer_public_key()?;
            println!("{key}");
            Ok(())
        }
        ShareCommand::Replies { json } => replies(vault, &t, json),
        ShareCommand::Accept { reply } => {
            let r = vault.accept_reply(&reply)?;
            println!(
                "Added to the consultation log of version {} (from {}, {}).",
                short(&r.version_hash),
                r.clinician.name,
                r.clinician.role
            );
            Ok(())
        }
        ShareCommand::Decline { reply } => {
            vault.decline_reply(&reply)?;
            println!("Declined; nothing was added.");
            Ok(())
        }
        ShareCommand::Follow {
            link,
            welcome,
            share,
            json,
        } => follow(vault, &t, link, welcome, share, json),
        ShareCommand::Open { .. } => Ok(()),
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes)
        .map_err(|e| Failure::other(format!("cannot write {}: {e}", path.display())))
}

fn days(text: &str) -> Result<u32, Failure> {
    text.trim_end_matches('d')
        .parse()
        .map_err(|_| Failure::usage("--expires takes days, like 14d".into()))
}

fn sections(names: &[String]) -> Result<Vec<Section>, Failure> {
    names
        .iter()
        .map(|n| {
            serde_json::from_value(Value::String(n.trim().replace('-', "_")))
                .map_err(|_| Failure::usage(format!("no section called {}", n.trim())))
        })
        .collect()
}

fn create(vault: &Vault, t: &UreqTransport, a: &CreateArgs) -> Result<(), Failure> {
    let kind = if a.statement {
        DocumentKind::AdvanceStatement
    } else {
        DocumentKind::CrisisPlan
    };
    let doc = documents::require(vault, kind)?;
    let pin = if a.pin {
        Some(secrets::obtain(
            "HAVEN_SHARE_PIN",
            None,
            "PIN (4 to 12 digits): ",
            true,
        )?)
    } else {
        None
    };
    let new = NewShare {
        document_id: doc.id,
        sections: sections(&a.sections)?,
        recipient: a.recipient.clone(),
        expires_in_days: days(&a.expires)?,
        read_limit: a.read_limit,
        pin: pin.as_ref().map(|p| p.to_string()),
        relay: a.relay.clone(),
        invite_replies: kind == DocumentKind::AdvanceStatement,
    };
    let (s, p) = vault.create_share(&new, Utc::now())?;
    client::publish(t, &a.relay, &p)?;
    if let Some(path) = &a.qr {
        write(path, qr::svg(s.link.as_bytes())?.as_bytes())?;
    }
    if a.json {
        return output::json(&json!({
            "id": s.id,
            "link": s.link,
            "expires_at": s.expires_at,
            "has_pin": s.has_pin,
        }));
    }
    println!(
        "Shared with {} until {}.",
        s.recipient,
        s.expires_at.format("%Y-%m-%d %H:%M UTC")
    );
    println!("Link (the part after # is the key; the relay never sees it):");
    println!("    {}", s.link);
    if s.has_pin {
        println!("Give the PIN separately; 5 wrong tries lock the share.");
    }
    if let Some(path) = &a.qr {
        println!("QR code written to {}.", path.display());
    }
    println!("Share id {} (for `haven share log|revoke`).", s.id);
    Ok(())
}

fn list(vault: &Vault, json: bool) -> Result<(), Failure> {
    let shares = vault.shares()?;
    if json {
        let out: Vec<Value> = shares
            .iter()
            .map(|s| {
                json!({
                    "id": s.id, "for": s.recipient, "kind": s.kind, "link": s.link,
                    "has_pin": s.has_pin, "created_at": s.created_at, "expires_at": s.expires_at,
                    "version": s.seq, "revoked_at": s.revoked_at,
                    "carers": s.carers.iter().map(|c| json!({"name": c.name, "key": c.public_key, "check_code": c.check_code})).collect::<Vec<_>>(),
                })
            })
            .collect();
        return output::json(&out);
    }
    if shares.is_empty() {
        println!("No shares yet.");
    }
    let now = Utc::now();
    for s in shares {
        let state = if s.revoked_at.is_some() {
            "revoked"
        } else if s.expires_at <= now {
            "expired"
        } else {
            "active"
        };
        println!(
            "{}  {:<8} {}  for {}  until {}{}{}",
            s.id,
            state,
            s.kind.label(),
            s.recipient,
            s.expires_at.format("%Y-%m-%d"),
            if s.has_pin { "  PIN" } else { "" },
            if s.carers.is_empty() {
                String::new()
            } else {
                format!(
                    "  carers: {}",
                    s.carers
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        );
    }
    Ok(())
}

fn event_label(e: AccessEvent) -> &'static str {
    match e {
        AccessEvent::Opened => "opened",
        AccessEvent::WrongPin => "wrong PIN",
        AccessEvent::Locked => "locked (too many wrong PINs)",
        AccessEvent::Expired => "tried after expiry",
        AccessEvent::Revoked => "tried after revocation",
    }
}

fn log(vault: &Vault, t: &UreqTransport, id: &str, json: bool) -> Result<(), Failure> {
    let (relay, owner) = vault.share_owner(id)?;
    let sealed = client::access_log(t, &relay, id, &owner)?;
    let entries = vault.open_access_log(id, &sealed)?;
    if json {
        return output::json(
            &entries
                .iter()
                .map(|e| json!({"event": e.event, "hour": e.hour}))
                .collect::<Vec<_>>(),
        );
    }
    if entries.is_empty() {
        println!("Nobody has opened it yet.");
    }
    for e in entries {
        println!(
            "{}  {}",
            e.hour.format("%Y-%m-%d %H:00 UTC"),
            event_label(e.event)
        );
    }
    Ok(())
}

fn replies(vault: &Vault, t: &UreqTransport, json: bool) -> Result<(), Failure> {
    for s in vault.shares()? {
        if s.kind != DocumentKind::AdvanceStatement {
            continue;
        }
        let (relay, owner) = vault.share_owner(&s.id)?;
        let waiting = match client::replies(t, &relay, &s.id, &owner) {
            Ok(w) => w,
            Err(ShareError::Gone) => continue,
            Err(e) => {
                eprintln!("haven: share {}: {e}", s.id);
                continue;
            }
        };
        for r in waiting {
            match vault.receive_reply(&s.id, r.reply.as_bytes(), Utc::now()) {
                Ok(_) => client::reply_done(t, &relay, &s.id, &r.id, &owner)?,
                Err(e) => eprintln!("haven: a reply to share {} was refused: {e}", s.id),
            }
        }
    }
    let pending = vault.pending_replies()?;
    if json {
        let out: Vec<Value> = pending
            .iter()
            .map(|p| json!({"id": p.id, "share": p.share_id, "received_at": p.received_at, "reply": p.reply}))
            .collect();
        return output::json(&out);
    }
    if pending.is_empty() {
        println!("No replies waiting.");
    }
    for p in pending {
        let r = &p.reply;
        println!(
            "{}  from {} ({}), {}  on version {}",
            p.id,
            r.name,
            r.role,
            r.date,
            short(&r.version)
        );
        for s in &r.sections {
            let resp = serde_json::to_value(s.response)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            println!(
                "    {}: {}{}",
                s.section.label(),
                resp.replace('_', " "),
                if s.reason.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", s.reason)
                }
            );
        }
    }
    Ok(())
}

fn open(t: &UreqTransport, link: &str, json: bool) -> Result<(), Failure> {
    let l = Link::parse(link)?;
    let pin = if l.needs_pin {
        Some(secrets::obtain("HAVEN_SHARE_PIN", None, "PIN: ", false)?)
    } else {
        None
    };
    let o = client::open_link(t, &l, pin.as_ref().map(|p| p.as_str()), None, Utc::now())?;
    if json {
        return output::json(&o.content);
    }
    print_content(&o.content);
    Ok(())
}

fn state_label(s: FollowState) -> &'static str {
    match s {
        FollowState::Active => "active",
        FollowState::Revoked => "REVOKED by the person (the last version you saw is below)",
        FollowState::Expired => "EXPIRED (the last version you saw is below)",
        FollowState::Locked => "LOCKED after too many wrong PINs",
        FollowState::ReadLimitReached => "opened as many times as allowed",
        FollowState::Gone => "no longer on the relay",
        FollowState::RolledBack => {
            "WARNING: the relay served an older or different version; showing the newest you saw"
        }
        FollowState::NoLongerShared => "no longer shared with you",
        FollowState::Offline => "relay unreachable; showing the last version you saw",
    }
}

fn follow(
    vault: &Vault,
    t: &UreqTransport,
    link: Option<String>,
    welcome: Option<PathBuf>,
    share: Option<String>,
    json: bool,
) -> Result<(), Failure> {
    let list: Vec<Followed> = match (link, welcome, share) {
        (Some(link), _, _) => {
            let l = Link::parse(&link)?;
            let pin = if l.needs_pin {
                Some(secrets::obtain("HAVEN_SHARE_PIN", None, "PIN: ", false)?)
            } else {
                None
            };
            vec![vault.follow_link(t, &link, pin.as_ref().map(|p| p.as_str()), Utc::now())?]
        }
        (None, Some(file), Some(share)) => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| Failure::other(format!("cannot read {}: {e}", file.display())))?;
            let sealed = haven_core::share::primitives::unb64(text.trim())?;
            vec![vault.follow_welcome(t, &share, &sealed, Utc::now())?]
        }
        _ => vault.refresh_followed(t, Utc::now())?,
    };
    if json {
        let out: Vec<Value> = list
            .iter()
            .map(|f| json!({"id": f.id, "share": f.share_id, "state": f.state, "checked_at": f.checked_at, "last": f.last}))
            .collect();
        return output::json(&out);
    }
    if list.is_empty() {
        println!("You follow no shares.");
    }
    for f in list {
        println!("Share {}: {}", f.share_id, state_label(f.state));
        if let Some(c) = &f.last {
            print_content(c);
        }
        println!();
    }
    Ok(())
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

/// What a recipient sees, in plain text.
fn print_content(c: &Signed) {
    println!(
        "Shared with {} — signed {}, version {} of this share.",
        c.recipient,
        c.signed_at.format("%Y-%m-%d %H:%M UTC"),
        c.seq
    );
    println!("Expires {}.", c.expires_at.format("%Y-%m-%d %H:%M UTC"));
    let Some(d) = &c.document else {
        return;
    };
    println!(
        "{} version {} ({}){}{}",
        d.kind.label(),
        d.number,
        serde_json::to_value(d.status)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default(),
        d.signed_on
            .map(|s| format!(", signed on {s}"))
            .unwrap_or_default(),
        d.next_review
            .map(|s| format!(", next review {s}"))
            .unwrap_or_default(),
    );
    for s in &d.sections {
        println!();
        println!("## {}", s.label);
        let mut lines = Vec::new();
        render(&s.content, "", &mut lines);
        if lines.is_empty() {
            println!("(empty)");
        }
        for l in lines {
            println!("{l}");
        }
    }
}

fn render(v: &Value, indent: &str, out: &mut Vec<String>) {
    match v {
        Value::Null => {}
        Value::Bool(b) => out.push(format!("{indent}{}", if *b { "yes" } else { "no" })),
        Value::Number(n) => out.push(format!("{indent}{n}")),
        Value::String(s) if s.is_empty() => {}
        Value::String(s) => out.push(format!("{indent}{s}")),
        Value::Array(items) => {
            for item in items {
                let mut sub = Vec::new();
                render(item, "", &mut sub);
                for (i, l) in sub.into_iter().enumerate() {
                    out.push(format!("{indent}{}{l}", if i == 0 { "- " } else { "  " }));
                }
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                if k == "id" {
                    continue;
                }
                let mut sub = Vec::new();
                render(v, "", &mut sub);
                match sub.len() {
                    0 => {}
                    1 => out.push(format!("{indent}{}: {}", k.replace('_', " "), sub[0])),
                    _ => {
                        out.push(format!("{indent}{}:", k.replace('_', " ")));
                        out.extend(sub.into_iter().map(|l| format!("{indent}  {l}")));
                    }
                }
            }
        }
    }
}

/// `haven plan card-qr --out FILE [--viewer URL] [--json]`: the offline
/// crisis card as a QR code, holding the card's text or, with `--viewer`,
/// a link to the viewer's card page with the card in the fragment.
pub fn card_qr(vault: &Vault, out: &Path, viewer: Option<&str>, json: bool) -> Result<(), Failure> {
    let doc = documents::require(vault, DocumentKind::CrisisPlan)?;
    let card = vault.crisis_card(&doc.id, Utc::now())?;
    let url = match viewer {
        Some(base) => {
            let base = base.trim_end_matches('/');
            if !(base.starts_with("https://") || base.starts_with("http://")) || base.contains('#')
            {
                return Err(Failure::usage(
                    "--viewer takes an address like https://relay.example".into(),
                ));
            }
            Some(format!("{base}/card#{}", card.text))
        }
        None => None,
    };
    let svg = match &url {
        Some(u) => qr::svg(u.as_bytes())?,
        None => card.svg.clone(),
    };
    write(out, svg.as_bytes())?;
    if json {
        return output::json(&json!({"out": out, "text": card.text, "url": url}));
    }
    println!(
        "Crisis card QR code written to {} ({} characters).",
        out.display(),
        url.as_ref().map_or(card.text.len(), String::len)
    );
    if let Some(base) = viewer {
        println!(
            "Scanned with a phone's camera it opens {}/card, which shows the card in the browser",
            base.trim_end_matches('/')
        );
        println!("without sending it anywhere (the card rides after #).");
    }
    println!("It opens with no network. It CANNOT BE REVOKED: anyone with a copy or a photo can read it.");
    println!("It holds only the people you marked \"may contact\", crisis lines, what helps,");
    println!("how to approach you and who not to involve.");
    Ok(())
}
