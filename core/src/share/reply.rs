//! Clinicians' replies: a clinician viewing a shared advance statement
//! answers section by section; the reply is sealed (HPKE) to the share's
//! reply key, so the relay carries it without reading it, and it waits in
//! the person's vault until they accept or decline it.
//!
//! ```text
//! reply (JSON) = {"haven_reply":1,"share":ID,"enc":b64(32),"ct":b64(HPKE(reply key, body, aad))}
//! info = "haven-reply-v1", aad = "haven-reply-v1" 0x00 ID
//! ```

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::primitives::{b64, hpke_open, hpke_seal, random, unb64, unb64_array};
use super::ShareError;
use crate::documents::{ReviewResponse, Section};

const INFO: &[u8] = b"haven-reply-v1";
/// Largest sealed reply accepted, in bytes.
pub const MAX_REPLY_BYTES: usize = 256 * 1024;

/// One section's response.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct ReplySection {
    /// The section of the advance statement.
    pub section: Section,
    /// Agreed, noted or cannot follow.
    pub response: ReviewResponse,
    /// Why (required for `cannot_follow`).
    #[serde(default)]
    pub reason: String,
}

/// What a clinician sends.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Reply {
    /// Format version (1).
    pub v: u32,
    /// The version of the statement replied to (its hash).
    pub version: String,
    /// The name the clinician gave (not verified by Haven).
    pub name: String,
    /// The role they gave.
    pub role: String,
    /// Their organisation or team, if they gave it.
    #[serde(default)]
    pub organisation: String,
    /// The date of the reply.
    pub date: NaiveDate,
    /// Responses, section by section.
    pub sections: Vec<ReplySection>,
    /// Anything else.
    #[serde(default)]
    pub notes: String,
}

super::redacted_debug!(Reply, ReplySection);

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    haven_reply: u32,
    share: String,
    enc: String,
    ct: String,
}

fn aad(share: &str) -> Vec<u8> {
    let mut v = INFO.to_vec();
    v.push(0);
    v.extend_from_slice(share.as_bytes());
    v
}

impl Reply {
    /// Checks the fields a reply must have.
    pub fn check(&self) -> Result<(), ShareError> {
        if self.name.trim().is_empty() || self.role.trim().is_empty() {
            return Err(ShareError::invalid("a reply needs a name and a role"));
        }
        if self.sections.is_empty() {
            return Err(ShareError::invalid("a reply needs at least one section"));
        }
        for s in &self.sections {
            if s.response == ReviewResponse::CannotFollow && s.reason.trim().is_empty() {
                return Err(ShareError::invalid("cannot follow needs a reason"));
            }
        }
        Ok(())
    }
}

/// Seals a reply to a share's reply key (base64url, from the capsule).
pub fn seal(reply: &Reply, share: &str, reply_to: &str) -> Result<Vec<u8>, ShareError> {
    seal_with(reply, share, reply_to, &*random::<32>()?)
}

/// [`seal`] with the sender's HPKE randomness given (test vectors only).
pub fn seal_with(
    reply: &Reply,
    share: &str,
    reply_to: &str,
    ikm: &[u8; 32],
) -> Result<Vec<u8>, ShareError> {
    reply.check()?;
    let pk = unb64_array::<32>(reply_to)?;
    let body = serde_json::to_vec(reply).map_err(|_| ShareError::Malformed)?;
    let (enc, ct) = hpke_seal(&pk, INFO, &aad(share), &body, ikm)?;
    let wire = Wire {
        haven_reply: 1,
        share: share.to_string(),
        enc: b64(&enc),
        ct: b64(&ct),
    };
    let out = serde_json::to_vec(&wire).map_err(|_| ShareError::Malformed)?;
    if out.len() > MAX_REPLY_BYTES {
        return Err(ShareError::TooLarge);
    }
    Ok(out)
}

/// What the relay checks before it stores a posted reply, holding no key:
/// the wire format, its version, its size and that it names share
/// `share`. The same reading [`open`] starts with, so the relay never
/// refuses a reply the person could open, nor stores one they cannot
/// read for these reasons.
pub fn addressed_to(bytes: &[u8], share: &str) -> Result<(), ShareError> {
    wire(bytes, share).map(|_| ())
}

fn wire(bytes: &[u8], share: &str) -> Result<Wire, ShareError> {
    if bytes.len() > MAX_REPLY_BYTES {
        return Err(ShareError::TooLarge);
    }
    let wire: Wire = serde_json::from_slice(bytes).map_err(|_| ShareError::Malformed)?;
    if wire.haven_reply != 1 {
        return Err(ShareError::UnsupportedVersion {
            found: wire.haven_reply,
            supported: 1,
        });
    }
    if wire.share != share {
        return Err(ShareError::WrongShare);
    }
    Ok(wire)
}

/// Opens a sealed reply to share `share` with the share's reply secret.
pub fn open(bytes: &[u8], share: &str, secret: &[u8; 32]) -> Result<Reply, ShareError> {
    let wire = wire(bytes, share)?;
    let plain = hpke_open(
        secret,
        &unb64(&wire.enc)?,
        INFO,
        &aad(share),
        &unb64(&wire.ct)?,
    )
    .ok_or(ShareError::Tampered)?;
    let reply: Reply = serde_json::from_slice(&plain).map_err(|_| ShareError::Malformed)?;
    reply.check()?;
    Ok(reply)
}
