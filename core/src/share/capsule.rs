//! The capsule: one signed, encrypted version of what a person shares.
//! Format and reasons: `docs/adr/0008-share-capsules.md`.
//!
//! ```text
//! capsule (JSON, what the relay stores) = {
//!   "haven_capsule": 1, "share": ID, "seq": N,
//!   "nonce": b64(12), "body": b64(AES-256-GCM(K, nonce, body_plain, aad)),
//!   "wraps": [ {"to":"link","nonce":b64(12),"key":b64(AES-256-GCM(link KEK, K, link_aad))},
//!              {"to":"carer","enc":b64(32),"key":b64(HPKE(carer, K, aad))} ] }
//! aad        = "haven-capsule-v1" 0x00 ID 0x00 u64be(N)
//! link_aad   = "haven-capsule-v1 link" 0x00 ID 0x00 u64be(N)
//! body_plain = sig(64) || u32be(len) || signed || zeros (to a power of two, >= 1 KiB)
//! sig        = Ed25519(identity, "haven-capsule-v1 signed" 0x00 || signed)
//! hash       = SHA-256("haven-capsule-v1 hash" 0x00 || signed)   (the next "prev")
//! ```
//!
//! `K` is fresh for every capsule, so a recipient dropped from one version
//! never holds the key to a later one. `signed` (JSON, [`Signed`]) repeats the
//! share id and sequence number and names the previous capsule's hash, so a
//! relay can neither splice parts of two capsules nor roll a reader back to
//! an older version unnoticed: readers keep a [`Seen`] per share.
//! Nothing in the clear names the person: the signer's key is inside.

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::primitives::{
    aes_open, aes_seal, b64, ed25519_public, ed25519_sign, ed25519_verify, hpke_open, hpke_seal,
    labelled_hash, random, unb64, unb64_array,
};
use super::ShareError;
use crate::documents::{DocumentKind, VersionStatus};

/// The capsule format this build writes and reads.
pub const CAPSULE_VERSION: u32 = 1;
/// Largest capsule accepted, in bytes (the relay enforces the same bound).
pub const MAX_CAPSULE_BYTES: usize = 4 * 1024 * 1024;

const AAD_LABEL: &str = "haven-capsule-v1";
const LINK_LABEL: &str = "haven-capsule-v1 link";
const SIGN_LABEL: &str = "haven-capsule-v1 signed";
const HASH_LABEL: &str = "haven-capsule-v1 hash";
/// HPKE `info` for wrapping a capsule key to a carer.
const CARER_INFO: &[u8] = b"haven-capsule-v1 carer";
const MIN_PADDED: usize = 1024;

/// What a capsule says, signed by the person's share identity.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Signed {
    /// Format version (repeats the outer one).
    pub v: u32,
    /// The share id.
    pub share: String,
    /// 1 for the first capsule of a share, then one more for each.
    pub seq: u64,
    /// Hash of the previous capsule's `signed` bytes (base64url); `None` for seq 1.
    pub prev: Option<String>,
    /// The signer's Ed25519 public key (base64url).
    pub signer: String,
    /// When this capsule was signed.
    pub signed_at: DateTime<Utc>,
    /// After this the share is expired (readers refuse it, the relay deletes it).
    pub expires_at: DateTime<Utc>,
    /// Who it is for, in the person's words ("Sam, my brother").
    pub recipient: String,
    /// The share was revoked: this capsule carries no document.
    pub revoked: bool,
    /// The shared document; `None` when revoked.
    pub document: Option<SharedDocument>,
    /// HPKE public key (base64url) that replies are sealed to; `None` when
    /// replies are not invited.
    pub reply_to: Option<String>,
}

/// The document as shared: the sections chosen, and where the version stands.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct SharedDocument {
    /// Crisis plan or advance statement.
    pub kind: DocumentKind,
    /// The version's hash.
    pub version: String,
    /// The version's number in its document.
    pub number: u32,
    /// Active, superseded, revoked or draft, when signed.
    pub status: VersionStatus,
    /// When the person signed the version, if they did.
    pub signed_on: Option<NaiveDate>,
    /// When it is next to be reviewed.
    pub next_review: Option<NaiveDate>,
    /// The sections shared, in document order.
    pub sections: Vec<SharedSection>,
}

/// One shared section: its key, its English label and its content (the
/// section's JSON exactly as the document stores it).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct SharedSection {
    /// The section's key (`help_contacts`).
    pub key: String,
    /// Its label ("People I can ask for help").
    pub label: String,
    /// Its content.
    pub content: serde_json::Value,
}

super::redacted_debug!(Signed, SharedDocument, SharedSection);

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Outer {
    haven_capsule: u32,
    share: String,
    seq: u64,
    nonce: String,
    body: String,
    wraps: Vec<Wrap>,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case", deny_unknown_fields)]
enum Wrap {
    Link { nonce: String, key: String },
    Carer { enc: String, key: String },
}

#[derive(Deserialize)]
struct Probe {
    haven_capsule: serde_json::Value,
}

/// The randomness one capsule consumes. [`seal`] draws it from the OS;
/// the test vectors fix it. Reusing it for two capsules would reuse an
/// AES-GCM nonce under one key: never do that outside test vectors.
pub struct Randomness {
    /// The content key `K`.
    pub content_key: Zeroizing<[u8; 32]>,
    /// The body's nonce.
    pub body_nonce: [u8; 12],
    /// The link wrap's nonce.
    pub link_nonce: [u8; 12],
    /// One HPKE `ikmE` per carer, in the order of the carers given.
    pub carer_ikm: Vec<Zeroizing<[u8; 32]>>,
}

impl Randomness {
    /// Fresh randomness for a capsule to `carers` carers.
    pub fn fresh(carers: usize) -> Result<Self, ShareError> {
        Ok(Self {
            content_key: random::<32>()?,
            body_nonce: *random::<12>()?,
            link_nonce: *random::<12>()?,
            carer_ikm: (0..carers)
                .map(|_| random::<32>())
                .collect::<Result<_, _>>()?,
        })
    }
}

/// Who a capsule is encrypted to.
pub struct Recipients<'a> {
    /// The link KEK (see `link.rs`), when the share has a link.
    pub link_kek: Option<&'a [u8; 32]>,
    /// Enrolled carers' HPKE public keys.
    pub carers: &'a [[u8; 32]],
}

/// A sealed capsule and its hash.
pub struct Sealed {
    /// The bytes to upload.
    pub bytes: Vec<u8>,
    /// The capsule's hash (base64url): the next capsule's `prev`.
    pub hash: String,
}

fn aad(label: &str, share: &str, seq: u64) -> Vec<u8> {
    let mut v = Vec::with_capacity(label.len() + share.len() + 10);
    v.extend_from_slice(label.as_bytes());
    v.push(0);
    v.extend_from_slice(share.as_bytes());
    v.push(0);
    v.extend_from_slice(&seq.to_be_bytes());
    v
}

fn sign_input(signed: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(SIGN_LABEL.len() + 1 + signed.len());
    v.extend_from_slice(SIGN_LABEL.as_bytes());
    v.push(0);
    v.extend_from_slice(signed);
    v
}

/// The hash of a capsule's signed bytes (base64url).
pub fn capsule_hash(signed: &[u8]) -> String {
    b64(&labelled_hash(HASH_LABEL, signed))
}

fn padded_len(n: usize) -> usize {
    n.max(MIN_PADDED).next_power_of_two()
}

/// Seals `content` with fresh randomness. `identity` is the person's
/// Ed25519 seed; `content.signer` must be its public key.
pub fn seal(
    content: &Signed,
    identity: &[u8; 32],
    to: &Recipients<'_>,
) -> Result<Sealed, ShareError> {
    seal_with(content, identity, to, &Randomness::fresh(to.carers.len())?)
}

/// [`seal`] with the randomness given (test vectors only).
pub fn seal_with(
    content: &Signed,
    identity: &[u8; 32],
    to: &Recipients<'_>,
    rnd: &Randomness,
) -> Result<Sealed, ShareError> {
    if content.signer != b64(&ed25519_public(identity)?) {
        return Err(ShareError::invalid("the capsule names another signer"));
    }
    if content.v != CAPSULE_VERSION || content.seq == 0 {
        return Err(ShareError::invalid("bad capsule header"));
    }
    if to.link_kek.is_none() && to.carers.is_empty() {
        return Err(ShareError::invalid(
            "a capsule needs at least one recipient",
        ));
    }
    if rnd.carer_ikm.len() != to.carers.len() {
        return Err(ShareError::invalid("randomness for each carer"));
    }
    let mut content = content.clone();
    content.signed_at = content.signed_at.trunc_subsecs(0);
    content.expires_at = content.expires_at.trunc_subsecs(0);
    let signed = serde_json::to_vec(&content).map_err(|_| ShareError::Malformed)?;
    let sig = ed25519_sign(identity, &sign_input(&signed))?;
    let len = u32::try_from(signed.len()).map_err(|_| ShareError::TooLarge)?;
    let mut plain = Zeroizing::new(Vec::with_capacity(padded_len(68 + signed.len())));
    plain.extend_from_slice(&sig);
    plain.extend_from_slice(&len.to_be_bytes());
    plain.extend_from_slice(&signed);
    let padded = padded_len(plain.len());
    plain.resize(padded, 0);
    if plain.len() > MAX_CAPSULE_BYTES / 2 {
        return Err(ShareError::TooLarge);
    }
    let (share, seq) = (content.share.as_str(), content.seq);
    let body_aad = aad(AAD_LABEL, share, seq);
    let body = aes_seal(&rnd.content_key, &rnd.body_nonce, &body_aad, &plain)?;
    let mut wraps = Vec::new();
    if let Some(kek) = to.link_kek {
        let key = aes_seal(
            kek,
            &rnd.link_nonce,
            &aad(LINK_LABEL, share, seq),
            rnd.content_key.as_slice(),
        )?;
        wraps.push(Wrap::Link {
            nonce: b64(&rnd.link_nonce),
            key: b64(&key),
        });
    }
    for (carer, ikm) in to.carers.iter().zip(&rnd.carer_ikm) {
        let (enc, key) = hpke_seal(
            carer,
            CARER_INFO,
            &body_aad,
            rnd.content_key.as_slice(),
            ikm,
        )?;
        wraps.push(Wrap::Carer {
            enc: b64(&enc),
            key: b64(&key),
        });
    }
    let outer = Outer {
        haven_capsule: CAPSULE_VERSION,
        share: share.to_string(),
        seq,
        nonce: b64(&rnd.body_nonce),
        body: b64(&body),
        wraps,
    };
    Ok(Sealed {
        bytes: serde_json::to_vec(&outer).map_err(|_| ShareError::Malformed)?,
        hash: capsule_hash(&signed),
    })
}

/// How the reader unwraps the content key.
pub enum Key<'a> {
    /// With the link KEK (see `link.rs`).
    Link(&'a [u8; 32]),
    /// As an enrolled carer, with their HPKE secret (`ikm`).
    Carer(&'a [u8; 32]),
}

/// What a reader remembers of a share, to refuse rollbacks and splices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seen {
    /// The newest sequence number seen.
    pub seq: u64,
    /// That capsule's hash.
    pub hash: String,
    /// Its signer.
    pub signer: String,
}

/// An opened capsule.
#[derive(Debug, Clone)]
pub struct Opened {
    /// What it says.
    pub content: Signed,
    /// Its hash.
    pub hash: String,
}

impl Opened {
    /// What to remember of it.
    pub fn seen(&self) -> Seen {
        Seen {
            seq: self.content.seq,
            hash: self.hash.clone(),
            signer: self.content.signer.clone(),
        }
    }
}

/// Opens a capsule of share `share_id`, refusing anything older than (or
/// not following on from) `seen`, and anything expired at `now` or revoked.
pub fn open(
    bytes: &[u8],
    share_id: &str,
    key: Key<'_>,
    seen: Option<&Seen>,
    now: DateTime<Utc>,
) -> Result<Opened, ShareError> {
    if bytes.len() > MAX_CAPSULE_BYTES {
        return Err(ShareError::TooLarge);
    }
    let probe: Probe = serde_json::from_slice(bytes).map_err(|_| ShareError::Malformed)?;
    match probe.haven_capsule.as_u64() {
        Some(1) => {}
        Some(found) => {
            return Err(ShareError::UnsupportedVersion {
                found: u32::try_from(found).unwrap_or(u32::MAX),
                supported: CAPSULE_VERSION,
            })
        }
        None => return Err(ShareError::Malformed),
    }
    let outer: Outer = serde_json::from_slice(bytes).map_err(|_| ShareError::Malformed)?;
    if outer.share != share_id {
        return Err(ShareError::WrongShare);
    }
    let body_aad = aad(AAD_LABEL, &outer.share, outer.seq);
    let content_key = unwrap_key(&outer, &body_aad, key)?;
    let nonce = unb64_array::<12>(&outer.nonce)?;
    let body = unb64(&outer.body)?;
    let plain = aes_open(&content_key, &nonce, &body_aad, &body)?.ok_or(ShareError::Tampered)?;
    let (sig, rest) = plain.split_at_checked(64).ok_or(ShareError::Tampered)?;
    let (len, rest) = rest.split_at_checked(4).ok_or(ShareError::Tampered)?;
    let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
    let signed = rest.get(..len).ok_or(ShareError::Tampered)?;
    let content: Signed = serde_json::from_slice(signed).map_err(|_| ShareError::Malformed)?;
    let signer = unb64_array::<32>(&content.signer)?;
    if !ed25519_verify(&signer, &sign_input(signed), sig) {
        return Err(ShareError::Tampered);
    }
    if content.v != CAPSULE_VERSION {
        return Err(ShareError::UnsupportedVersion {
            found: content.v,
            supported: CAPSULE_VERSION,
        });
    }
    if content.share != outer.share || content.seq != outer.seq || content.seq == 0 {
        return Err(ShareError::Spliced);
    }
    let hash = capsule_hash(signed);
    check_chain(&content, &hash, seen)?;
    if content.revoked {
        return Err(ShareError::Revoked);
    }
    if now >= content.expires_at {
        return Err(ShareError::Expired {
            at: content.expires_at.to_rfc3339(),
        });
    }
    if content.document.is_none() {
        return Err(ShareError::Malformed);
    }
    Ok(Opened { content, hash })
}

fn unwrap_key(
    outer: &Outer,
    body_aad: &[u8],
    key: Key<'_>,
) -> Result<Zeroizing<[u8; 32]>, ShareError> {
    let found = match key {
        Key::Link(kek) => {
            let link_aad = aad(LINK_LABEL, &outer.share, outer.seq);
            let mut out = None;
            for w in &outer.wraps {
                if let Wrap::Link { nonce, key } = w {
                    let nonce = unb64_array::<12>(nonce)?;
                    out = aes_open(kek, &nonce, &link_aad, &unb64(key)?)?;
                    break;
                }
            }
            out.ok_or(ShareError::WrongKeyOrPin)?
        }
        Key::Carer(secret) => {
            let mut out = None;
            for w in &outer.wraps {
                if let Wrap::Carer { enc, key } = w {
                    if let Some(k) =
                        hpke_open(secret, &unb64(enc)?, CARER_INFO, body_aad, &unb64(key)?)
                    {
                        out = Some(k);
                        break;
                    }
                }
            }
            out.ok_or(ShareError::NotARecipient)?
        }
    };
    let bytes: [u8; 32] = found
        .as_slice()
        .try_into()
        .map_err(|_| ShareError::Tampered)?;
    Ok(Zeroizing::new(bytes))
}

fn check_chain(content: &Signed, hash: &str, seen: Option<&Seen>) -> Result<(), ShareError> {
    let Some(seen) = seen else {
        return if content.seq == 1 && content.prev.is_some() {
            Err(ShareError::Spliced)
        } else {
            Ok(())
        };
    };
    if content.signer != seen.signer {
        return Err(ShareError::WrongSigner);
    }
    if content.seq < seen.seq {
        return Err(ShareError::Rollback {
            seen: seen.seq,
            got: content.seq,
        });
    }
    if content.seq == seen.seq && hash != seen.hash {
        return Err(ShareError::Spliced);
    }
    if content.seq == seen.seq + 1 && content.prev.as_deref() != Some(seen.hash.as_str()) {
        return Err(ShareError::Spliced);
    }
    Ok(())
}

/// When a share made now for `days` days expires (1 to 90 days).
pub fn expiry(now: DateTime<Utc>, days: u32) -> Result<DateTime<Utc>, ShareError> {
    if !(1..=super::MAX_EXPIRY_DAYS).contains(&days) {
        return Err(ShareError::invalid("a share lasts 1 to 90 days"));
    }
    Ok(now.trunc_subsecs(0) + chrono::Duration::days(days.into()))
}
