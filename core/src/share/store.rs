//! Shares kept in the person's vault: the share identity (Ed25519 seed),
//! one record per share (who it is for, which sections, the link key and
//! PIN so the person can find the link again, the reply and log secrets,
//! the chain head, enrolled carers) and one record per pending reply. All
//! are ordinary encrypted records (`records.rs`); nothing about a share is
//! in the clear in the vault file.
//!
//! Publishing builds a capsule from the document's active version (or its
//! latest, for a draft a clinician is asked to review) and advances the
//! chain head in the same transaction that returns it; uploading it is the
//! transport's job.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::access_log::{self, LogEntry};
use super::capsule::{self, Recipients, SharedDocument, SharedSection, Signed};
use super::carer::{check_code, parse_public};
use super::link::{self, access_hash, check_pin, link_secrets, Link, LinkKey};
use super::primitives::{
    b64, ed25519_public, hkdf32, hpke_seal, random, unb64_array, x25519_public,
};
use super::reply::{self, Reply};
use super::ShareError;
use crate::crypto;
use crate::documents::{
    Clinician, DocumentKind, DocumentVersion, NewConsultationReview, SectionResponse,
};
use crate::documents::{ConsultationReview, Section};
use crate::records;
use crate::vault::Vault;

/// Record kind of the share identity.
pub const IDENTITY_KIND: &str = "share_identity";
/// Record kind of shares.
pub const SHARE_KIND: &str = "share";
/// Record kind of pending replies.
pub const REPLY_KIND: &str = "share_reply";
const IDENTITY_ID: &str = "identity";
const WELCOME_INFO: &[u8] = b"haven-carer-welcome-v1";
const OWNER_INFO: &[u8] = b"haven-share-v1 owner";

/// What the person asks to share.
#[derive(Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct NewShare {
    /// The document (crisis plan or advance statement).
    pub document_id: String,
    /// Sections to share; empty for all.
    pub sections: Vec<Section>,
    /// Who it is for ("Sam, my brother").
    pub recipient: String,
    /// Days until it expires (1 to 90; 14 is the usual).
    pub expires_in_days: u32,
    /// How many opens the relay allows, if limited.
    pub read_limit: Option<u32>,
    /// A PIN (4 to 12 digits), if wanted.
    pub pin: Option<String>,
    /// The relay's base URL.
    pub relay: String,
    /// Whether replies (a clinician's review) are invited.
    pub invite_replies: bool,
}

super::redacted_debug!(NewShare);

/// A capsule ready to upload, with what the relay needs to serve it.
#[derive(Clone)]
pub struct Publication {
    /// The share id.
    pub share_id: String,
    /// The capsule's sequence number.
    pub seq: u64,
    /// The capsule.
    pub capsule: Vec<u8>,
    /// Hashes of the access tokens allowed to fetch it (link, carers).
    pub access_hashes: Vec<String>,
    /// The share's log key (HPKE public key) the relay seals events to.
    pub log_key: String,
    /// When the relay deletes it.
    pub expires_at: DateTime<Utc>,
    /// How many opens the relay allows.
    pub read_limit: Option<u32>,
    /// Whether this capsule revokes the share.
    pub revoked: bool,
    /// The owner token (base64url) that lets the person update the share
    /// and fetch its replies and log; the relay keeps only its hash.
    pub owner_token: String,
}

super::redacted_debug!(Publication);

/// A share as the person's list shows it.
#[derive(Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct ShareSummary {
    /// The share id.
    pub id: String,
    /// Who it is for.
    pub recipient: String,
    /// The document shared.
    pub document_id: String,
    /// Its kind.
    pub kind: DocumentKind,
    /// The sections shared.
    pub sections: Vec<Section>,
    /// The link (with its key), so the person can find it again.
    pub link: String,
    /// Whether a PIN is needed.
    pub has_pin: bool,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// The newest capsule's sequence number.
    pub seq: u64,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
    /// Enrolled carers still receiving new versions.
    pub carers: Vec<CarerSummary>,
}

super::redacted_debug!(ShareSummary);

/// An enrolled carer.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct CarerSummary {
    /// Their name, as the person wrote it.
    pub name: String,
    /// Their public key (base64url).
    pub public_key: String,
    /// The check code both screens showed.
    pub check_code: String,
}

super::redacted_debug!(CarerSummary);

/// A reply waiting for the person.
#[derive(Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct PendingReply {
    /// The pending reply's id.
    pub id: String,
    /// The share it came through.
    pub share_id: String,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// What the clinician sent.
    pub reply: Reply,
}

super::redacted_debug!(PendingReply);

/// What enrolling a carer gives: the code to compare, and the welcome to
/// send back to the carer (sealed to them).
#[derive(Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Enrolment {
    /// The code both screens must show.
    pub check_code: String,
    /// The welcome (relay, share id, follow token, signer), sealed to the carer.
    pub welcome: Vec<u8>,
}

super::redacted_debug!(Enrolment);

/// What a carer learns from a welcome.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Welcome {
    /// The relay.
    pub relay: String,
    /// The share id.
    pub share: String,
    /// The token the carer shows the relay (base64url).
    pub token: String,
    /// The person's signing key (base64url): later capsules must match.
    pub signer: String,
}

super::redacted_debug!(Welcome);

#[derive(Serialize, Deserialize)]
struct IdentityRecord {
    v: u8,
    seed: String,
}

#[derive(Clone, Serialize, Deserialize)]
struct CarerEntry {
    name: String,
    public: String,
    token: String,
    enrolled_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Serialize, Deserialize)]
struct ShareRecord {
    v: u8,
    id: String,
    recipient: String,
    document_id: String,
    kind: DocumentKind,
    sections: Vec<Section>,
    relay: String,
    link_key: String,
    pin: Option<String>,
    reply_secret: Option<String>,
    log_secret: String,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    read_limit: Option<u32>,
    seq: u64,
    last_hash: Option<String>,
    revoked_at: Option<DateTime<Utc>>,
    carers: Vec<CarerEntry>,
}

#[derive(Serialize, Deserialize)]
struct ReplyRecord {
    v: u8,
    share_id: String,
    received_at: DateTime<Utc>,
    reply: Reply,
}

pub(super) fn encode<T: Serialize>(t: &T) -> Result<zeroize::Zeroizing<Vec<u8>>, ShareError> {
    serde_json::to_vec(t)
        .map(zeroize::Zeroizing::new)
        .map_err(|_| ShareError::Malformed)
}

pub(super) fn decode<T: for<'de> Deserialize<'de>>(
    plain: &[u8],
    id: &str,
) -> Result<T, ShareError> {
    serde_json::from_slice(plain).map_err(|_| {
        ShareError::Vault(crate::HavenError::Corrupt {
            record_id: Some(id.to_string()),
        })
    })
}

impl ShareRecord {
    fn link(&self) -> Result<Link, ShareError> {
        Ok(Link {
            relay: self.relay.clone(),
            share_id: self.id.clone(),
            key: LinkKey::from_bytes(unb64_array::<32>(&self.link_key)?),
            needs_pin: self.pin.is_some(),
        })
    }

    /// The owner token, derived from the log secret (no extra field to keep).
    fn owner_token(&self) -> Result<String, ShareError> {
        let secret = unb64_array::<32>(&self.log_secret)?;
        Ok(b64(
            hkdf32(self.id.as_bytes(), &secret, OWNER_INFO).as_slice()
        ))
    }

    fn summary(&self) -> Result<ShareSummary, ShareError> {
        Ok(ShareSummary {
            id: self.id.clone(),
            recipient: self.recipient.clone(),
            document_id: self.document_id.clone(),
            kind: self.kind,
            sections: self.sections.clone(),
            link: self.link()?.to_url(),
            has_pin: self.pin.is_some(),
            created_at: self.created_at,
            expires_at: self.expires_at,
            seq: self.seq,
            revoked_at: self.revoked_at,
            carers: Vec::new(),
        })
    }
}

type Conn = rusqlite::Connection;
type Scope<'a> = records::Scope<'a>;

fn load_share(conn: &Conn, scope: &Scope<'_>, id: &str) -> Result<ShareRecord, ShareError> {
    let row = records::fetch(conn, SHARE_KIND, id)?
        .ok_or_else(|| crate::HavenError::not_found("share", id))?;
    let plain = scope.open(SHARE_KIND, &row)?;
    decode(&plain, id)
}

/// The identity seed, made on first use.
fn identity(conn: &Conn, scope: &Scope<'_>) -> Result<zeroize::Zeroizing<[u8; 32]>, ShareError> {
    if let Some(row) = records::fetch(conn, IDENTITY_KIND, IDENTITY_ID)? {
        let plain = scope.open(IDENTITY_KIND, &row)?;
        let rec: IdentityRecord = decode(&plain, IDENTITY_ID)?;
        return Ok(zeroize::Zeroizing::new(unb64_array::<32>(&rec.seed)?));
    }
    let seed = random::<32>()?;
    let rec = IdentityRecord {
        v: 1,
        seed: b64(seed.as_slice()),
    };
    scope.insert(conn, IDENTITY_KIND, IDENTITY_ID, &encode(&rec)?)?;
    Ok(seed)
}

fn shared_document(
    version: &DocumentVersion,
    sections: &[Section],
    next_review: Option<chrono::NaiveDate>,
) -> Result<SharedDocument, ShareError> {
    let value = match &version.content {
        crate::DocumentContent::CrisisPlan { plan } => serde_json::to_value(plan),
        crate::DocumentContent::AdvanceStatement { statement } => serde_json::to_value(statement),
    }
    .map_err(|_| ShareError::Malformed)?;
    let wanted = |s: &Section| sections.is_empty() || sections.contains(s);
    Ok(SharedDocument {
        kind: version.kind,
        version: version.hash.clone(),
        number: u32::try_from(version.number).map_err(|_| ShareError::Malformed)?,
        status: version.status,
        signed_on: version.sign_off.as_ref().map(|s| s.signed_on),
        next_review,
        sections: version
            .kind
            .sections()
            .iter()
            .filter(|s| wanted(s))
            .map(|s| SharedSection {
                key: s.key().to_string(),
                label: s.label().to_string(),
                content: value
                    .get(s.key())
                    .cloned()
                    .unwrap_or(serde_json::Value::Null),
            })
            .collect(),
    })
}

/// Seals the next capsule of `rec` (a revocation when `revoke`), advances
/// the chain head and saves the record, in the caller's transaction.
fn publish(
    conn: &Conn,
    scope: &Scope<'_>,
    rec: &mut ShareRecord,
    document: Option<SharedDocument>,
    now: DateTime<Utc>,
) -> Result<Publication, ShareError> {
    let seed = identity(conn, scope)?;
    let revoked = document.is_none();
    let seq = rec.seq + 1;
    let reply_to = match &rec.reply_secret {
        Some(s) => Some(b64(&x25519_public(&unb64_array::<32>(s)?))),
        None => None,
    };
    let content = Signed {
        v: capsule::CAPSULE_VERSION,
        share: rec.id.clone(),
        seq,
        prev: rec.last_hash.clone(),
        signer: b64(&ed25519_public(&seed)?),
        signed_at: now,
        expires_at: rec.expires_at,
        recipient: rec.recipient.clone(),
        revoked,
        document,
        reply_to,
    };
    let link = rec.link()?;
    let secrets = link_secrets(&link.key, &rec.id, rec.pin.as_deref())?;
    let active: Vec<&CarerEntry> = rec
        .carers
        .iter()
        .filter(|c| c.revoked_at.is_none())
        .collect();
    let carers = active
        .iter()
        .map(|c| parse_public(&c.public))
        .collect::<Result<Vec<_>, _>>()?;
    let sealed = capsule::seal(
        &content,
        &seed,
        &Recipients {
            link_kek: Some(&secrets.kek),
            carers: &carers,
        },
    )?;
    let mut access_hashes = vec![b64(&access_hash(secrets.access_token.as_slice()))];
    // Every enrolled carer's token, revoked ones too: a revoked carer's
    // Haven then finds nothing encrypted to them (and says so) instead of
    // its refreshes counting as wrong PINs against the link.
    for c in &rec.carers {
        access_hashes.push(b64(&access_hash(&unb64_array::<32>(&c.token)?)));
    }
    rec.seq = seq;
    rec.last_hash = Some(sealed.hash);
    scope.update(conn, SHARE_KIND, &rec.id, &encode(rec)?)?;
    Ok(Publication {
        share_id: rec.id.clone(),
        seq,
        capsule: sealed.bytes,
        access_hashes,
        log_key: b64(&x25519_public(&unb64_array::<32>(&rec.log_secret)?)),
        expires_at: rec.expires_at,
        read_limit: rec.read_limit,
        revoked,
        owner_token: rec.owner_token()?,
    })
}

impl Vault {
    /// The person's share identity (Ed25519 public key, base64url), made on
    /// first use. Recipients see it as who signed what they read.
    pub fn share_identity(&self) -> Result<String, ShareError> {
        in_tx(self, |tx, scope| {
            Ok(b64(&ed25519_public(&*identity(tx, scope)?)?))
        })
    }

    fn version_to_share(
        &self,
        document_id: &str,
    ) -> Result<(DocumentVersion, Option<chrono::NaiveDate>), ShareError> {
        let version = match self.active_version(document_id)? {
            Some(v) => v,
            None => self.latest_version(document_id)?,
        };
        let next_review = self
            .documents()?
            .into_iter()
            .find(|d| d.id == document_id)
            .and_then(|d| d.next_review);
        Ok((version, next_review))
    }

    /// Makes a share of a document and its first capsule. The link (with
    /// its key) is in [`Vault::shares`] from now on.
    pub fn create_share(
        &self,
        new: &NewShare,
        now: DateTime<Utc>,
    ) -> Result<(ShareSummary, Publication), ShareError> {
        if new.recipient.trim().is_empty() {
            return Err(ShareError::invalid("say who the share is for"));
        }
        if let Some(pin) = &new.pin {
            check_pin(pin)?;
        }
        let (version, next_review) = self.version_to_share(&new.document_id)?;
        if let Some(s) = new
            .sections
            .iter()
            .find(|s| s.document_kind() != Some(version.kind))
        {
            return Err(ShareError::invalid(format!(
                "section {} is not part of this document",
                s.key()
            )));
        }
        let relay = Link {
            relay: new.relay.clone(),
            share_id: link::new_share_id()?,
            key: LinkKey::generate()?,
            needs_pin: new.pin.is_some(),
        };
        // Round-trips the link so a relay URL that cannot make one is refused now.
        Link::parse(&relay.to_url())?;
        let mut rec = ShareRecord {
            v: 1,
            id: relay.share_id.clone(),
            recipient: new.recipient.trim().to_string(),
            document_id: new.document_id.clone(),
            kind: version.kind,
            sections: new.sections.clone(),
            relay: relay.relay.clone(),
            link_key: b64(relay.key.as_bytes()),
            pin: new.pin.clone(),
            reply_secret: if new.invite_replies {
                Some(b64(random::<32>()?.as_slice()))
            } else {
                None
            },
            log_secret: b64(random::<32>()?.as_slice()),
            created_at: now,
            expires_at: capsule::expiry(now, new.expires_in_days)?,
            read_limit: new.read_limit,
            seq: 0,
            last_hash: None,
            revoked_at: None,
            carers: Vec::new(),
        };
        let document = shared_document(&version, &new.sections, next_review)?;
        in_tx(self, |tx, scope| {
            scope.insert(tx, SHARE_KIND, &rec.id, &encode(&rec)?)?;
            let p = publish(tx, scope, &mut rec, Some(document), now)?;
            Ok((rec.summary()?, p))
        })
    }

    /// Publishes the document's current version as the share's next capsule
    /// (to the link and to every carer not revoked).
    pub fn republish_share(
        &self,
        share_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Publication, ShareError> {
        let document_id = self.share_record(share_id)?.document_id;
        let (version, next_review) = self.version_to_share(&document_id)?;
        in_tx(self, |tx, scope| {
            let mut rec = load_share(tx, scope, share_id)?;
            if rec.revoked_at.is_some() {
                return Err(ShareError::Revoked);
            }
            let doc = shared_document(&version, &rec.sections, next_review)?;
            publish(tx, scope, &mut rec, Some(doc), now)
        })
    }

    /// Revokes a share: returns the signed revocation capsule (no document)
    /// to upload in place of the last one. Later capsules cannot be made.
    /// Revoking a revoked share signs the revocation again (the next
    /// sequence number, the first revocation time), so an upload that
    /// failed can be retried.
    pub fn revoke_share(
        &self,
        share_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Publication, ShareError> {
        in_tx(self, |tx, scope| {
            let mut rec = load_share(tx, scope, share_id)?;
            rec.revoked_at = Some(rec.revoked_at.unwrap_or(now));
            publish(tx, scope, &mut rec, None, now)
        })
    }

    fn share_record(&self, share_id: &str) -> Result<ShareRecord, ShareError> {
        in_tx(self, |tx, scope| load_share(tx, scope, share_id))
    }

    /// Every share, newest first.
    pub fn shares(&self) -> Result<Vec<ShareSummary>, ShareError> {
        let (signer, recs) = in_tx(self, |tx, scope| {
            let seed = identity(tx, scope)?;
            let mut recs = Vec::new();
            for row in records::all(tx, SHARE_KIND)? {
                let plain = scope.open(SHARE_KIND, &row)?;
                recs.push(decode::<ShareRecord>(&plain, &row.id)?);
            }
            Ok((ed25519_public(&seed)?, recs))
        })?;
        let mut out = Vec::new();
        for rec in recs {
            let mut s = rec.summary()?;
            s.carers = rec
                .carers
                .iter()
                .filter(|c| c.revoked_at.is_none())
                .map(|c| {
                    Ok(CarerSummary {
                        name: c.name.clone(),
                        public_key: c.public.clone(),
                        check_code: check_code(&signer, &parse_public(&c.public)?),
                    })
                })
                .collect::<Result<_, ShareError>>()?;
            out.push(s);
        }
        out.sort_by_key(|s| std::cmp::Reverse(s.created_at));
        Ok(out)
    }

    /// Enrols a carer (their HPKE public key, base64url) on a share: later
    /// capsules are encrypted to them too. Returns the check code to
    /// compare and the welcome to send them. Publish again
    /// ([`Vault::republish_share`]) for them to see the current version.
    pub fn enrol_carer(
        &self,
        share_id: &str,
        name: &str,
        public_key: &str,
        now: DateTime<Utc>,
    ) -> Result<Enrolment, ShareError> {
        if name.trim().is_empty() {
            return Err(ShareError::invalid("say who the carer is"));
        }
        let public = parse_public(public_key)?;
        in_tx(self, |tx, scope| {
            let mut rec = load_share(tx, scope, share_id)?;
            if rec.revoked_at.is_some() {
                return Err(ShareError::Revoked);
            }
            let key = b64(&public);
            if rec
                .carers
                .iter()
                .any(|c| c.public == key && c.revoked_at.is_none())
            {
                return Err(ShareError::invalid("this carer is already enrolled"));
            }
            let token = random::<32>()?;
            let signer = ed25519_public(&*identity(tx, scope)?)?;
            let welcome = Welcome {
                relay: rec.relay.clone(),
                share: rec.id.clone(),
                token: b64(token.as_slice()),
                signer: b64(&signer),
            };
            let sealed = seal_welcome_with(&welcome, &rec.id, &public, &*random::<32>()?)?;
            rec.carers.push(CarerEntry {
                name: name.trim().to_string(),
                public: key,
                token: b64(token.as_slice()),
                enrolled_at: now,
                revoked_at: None,
            });
            scope.update(tx, SHARE_KIND, &rec.id, &encode(&rec)?)?;
            Ok(Enrolment {
                check_code: check_code(&signer, &public),
                welcome: sealed,
            })
        })
    }

    /// Stops encrypting later capsules of a share to a carer. What they
    /// already saw stays with them.
    pub fn revoke_carer(
        &self,
        share_id: &str,
        public_key: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ShareError> {
        let key = b64(&parse_public(public_key)?);
        in_tx(self, |tx, scope| {
            let mut rec = load_share(tx, scope, share_id)?;
            let carer = rec
                .carers
                .iter_mut()
                .find(|c| c.public == key && c.revoked_at.is_none())
                .ok_or_else(|| crate::HavenError::not_found("carer", share_id))?;
            carer.revoked_at = Some(now);
            scope.update(tx, SHARE_KIND, &rec.id, &encode(&rec)?)?;
            Ok(())
        })
    }

    /// Opens a sealed reply that arrived through a share and keeps it as a
    /// pending reply (nothing is added to the document). Returns its id.
    pub fn receive_reply(
        &self,
        share_id: &str,
        sealed: &[u8],
        now: DateTime<Utc>,
    ) -> Result<String, ShareError> {
        in_tx(self, |tx, scope| {
            let rec = load_share(tx, scope, share_id)?;
            let secret = rec
                .reply_secret
                .as_deref()
                .ok_or_else(|| ShareError::invalid("this share does not take replies"))?;
            let reply = reply::open(sealed, share_id, &unb64_array::<32>(secret)?)?;
            let id = crypto::random_id()?;
            let r = ReplyRecord {
                v: 1,
                share_id: share_id.to_string(),
                received_at: now,
                reply,
            };
            scope.insert(tx, REPLY_KIND, &id, &encode(&r)?)?;
            Ok(id)
        })
    }

    /// Replies waiting for the person, oldest first.
    pub fn pending_replies(&self) -> Result<Vec<PendingReply>, ShareError> {
        let mut out = in_tx(self, |tx, scope| {
            let mut out = Vec::new();
            for row in records::all(tx, REPLY_KIND)? {
                let plain = scope.open(REPLY_KIND, &row)?;
                let r: ReplyRecord = decode(&plain, &row.id)?;
                out.push(PendingReply {
                    id: row.id,
                    share_id: r.share_id,
                    received_at: r.received_at,
                    reply: r.reply,
                });
            }
            Ok(out)
        })?;
        out.sort_by_key(|r| r.received_at);
        Ok(out)
    }

    /// Declines (deletes) a pending reply.
    pub fn decline_reply(&self, reply_id: &str) -> Result<(), ShareError> {
        in_tx(self, |tx, scope| {
            if scope.delete(tx, REPLY_KIND, reply_id)? {
                Ok(())
            } else {
                Err(crate::HavenError::not_found("reply", reply_id).into())
            }
        })
    }

    /// Accepts a pending reply into the consultation log of the version it
    /// answers, marked as submitted through a share with the name and role
    /// the clinician gave, then removes it from the pending list.
    pub fn accept_reply(&self, reply_id: &str) -> Result<ConsultationReview, ShareError> {
        let pending = self
            .pending_replies()?
            .into_iter()
            .find(|p| p.id == reply_id)
            .ok_or_else(|| crate::HavenError::not_found("reply", reply_id))?;
        let document_id = self.share_record(&pending.share_id)?.document_id;
        let r = &pending.reply;
        let review = NewConsultationReview {
            clinician: Clinician {
                name: r.name.clone(),
                role: r.role.clone(),
                organisation: if r.organisation.trim().is_empty() {
                    "(not given)".into()
                } else {
                    r.organisation.clone()
                },
            },
            reviewed_on: r.date,
            responses: r
                .sections
                .iter()
                .map(|s| SectionResponse {
                    section: s.section,
                    response: s.response,
                    reason: s.reason.clone(),
                    person_told: true,
                })
                .collect(),
            notes: format!(
                "{SUBMITTED_THROUGH_SHARE}{}",
                if r.notes.is_empty() {
                    String::new()
                } else {
                    format!("\n{}", r.notes)
                }
            ),
        };
        let stored = self.add_consultation_review(&document_id, &r.version, review)?;
        self.decline_reply(reply_id)?;
        Ok(stored)
    }

    /// Where a share lives and the owner token the relay asks for when the
    /// person fetches its replies or log: `(relay URL, token)`.
    pub fn share_owner(&self, share_id: &str) -> Result<(String, String), ShareError> {
        let rec = self.share_record(share_id)?;
        Ok((rec.relay.clone(), rec.owner_token()?))
    }

    /// Opens the sealed access-log events the relay returned for a share.
    pub fn open_access_log(
        &self,
        share_id: &str,
        events: &[Vec<u8>],
    ) -> Result<Vec<LogEntry>, ShareError> {
        let rec = self.share_record(share_id)?;
        let secret = unb64_array::<32>(&rec.log_secret)?;
        let mut out = events
            .iter()
            .map(|e| access_log::open(e, share_id, &secret))
            .collect::<Result<Vec<_>, _>>()?;
        out.sort_by_key(|e| e.hour);
        Ok(out)
    }
}

/// How an accepted reply's notes begin.
pub const SUBMITTED_THROUGH_SHARE: &str =
    "Submitted through a share; name and role as the clinician gave them (not verified).";

/// Seals a welcome to a carer's public key: `enc(32) || HPKE ciphertext`,
/// the share id as associated data. `ikm` is the sender's HPKE randomness
/// (fresh, except in the published test vectors).
pub fn seal_welcome_with(
    welcome: &Welcome,
    share_id: &str,
    carer_public: &[u8; 32],
    ikm: &[u8; 32],
) -> Result<Vec<u8>, ShareError> {
    let plain = encode(welcome)?;
    let (enc, ct) = hpke_seal(carer_public, WELCOME_INFO, share_id.as_bytes(), &plain, ikm)?;
    let mut sealed = enc.to_vec();
    sealed.extend_from_slice(&ct);
    Ok(sealed)
}

/// Opens a carer's welcome with their secret.
pub fn open_welcome(
    sealed: &[u8],
    share_id: &str,
    carer_secret: &[u8; 32],
) -> Result<Welcome, ShareError> {
    let (enc, ct) = sealed.split_at_checked(32).ok_or(ShareError::Malformed)?;
    let plain =
        super::primitives::hpke_open(carer_secret, enc, WELCOME_INFO, share_id.as_bytes(), ct)
            .ok_or(ShareError::Tampered)?;
    serde_json::from_slice(&plain).map_err(|_| ShareError::Malformed)
}

/// Runs `f` in one transaction of the unlocked vault; commits only if it
/// succeeds. (`with_unlocked` speaks `HavenError`; share errors ride inside.)
pub(super) fn in_tx<T>(
    vault: &Vault,
    f: impl FnOnce(&Conn, &Scope<'_>) -> Result<T, ShareError>,
) -> Result<T, ShareError> {
    vault.with_unlocked(|conn, scope| {
        Ok((|| {
            let tx = conn.transaction()?;
            let out = f(&tx, scope)?;
            tx.commit()?;
            Ok(out)
        })())
    })?
}

/// A crisis card ready to print: its text (what the QR code holds) and the
/// QR code as SVG.
#[derive(Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct CardOut {
    /// The signed, compressed card text.
    pub text: String,
    /// The QR code.
    pub svg: String,
}

super::redacted_debug!(CardOut);

impl Vault {
    /// The offline crisis card of a crisis plan's active (else latest)
    /// version. It cannot be revoked once made: say so wherever it is made.
    pub fn crisis_card(
        &self,
        document_id: &str,
        now: DateTime<Utc>,
    ) -> Result<CardOut, ShareError> {
        let (version, _) = self.version_to_share(document_id)?;
        let plan = version
            .content
            .as_crisis_plan()
            .ok_or_else(|| ShareError::invalid("only a crisis plan has a crisis card"))?;
        let seed = in_tx(self, identity)?;
        let c = super::card::Card::from_plan(plan, &ed25519_public(&seed)?, now);
        let text = super::card::encode(&c, &seed)?;
        let svg = super::qr::svg(text.as_bytes())?;
        Ok(CardOut { text, svg })
    }
}
