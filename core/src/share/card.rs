//! The offline crisis card: the plan's essentials (people the person agreed
//! may be called, crisis lines, what helps, how to approach them, who not to
//! involve) signed and compressed into one QR code that opens with no
//! network. Nothing can take it back once printed or photographed: the
//! card says so itself, and so must every screen that makes one.
//!
//! ```text
//! card text = "HAVEN-CARD1:" b64(signer(32) || sig(64) || packed)
//! packed    = raw DEFLATE(json)
//! sig       = Ed25519(identity, "haven-card-v1 signed" 0x00 || packed)
//! ```
//!
//! The signature covers the compressed bytes, so they are checked before
//! anything is decompressed, and no bit of the card can change unnoticed
//! (DEFLATE ignores bits after its last block; a signature over the JSON
//! alone would not see them). The JSON names the signer again; it must match.

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};

use super::primitives::{b64, ed25519_public, ed25519_sign, ed25519_verify, unb64, unb64_array};
use super::ShareError;
use crate::documents::CrisisPlan;

/// What a card's text starts with.
pub const CARD_PREFIX: &str = "HAVEN-CARD1:";
const SIGN_LABEL: &str = "haven-card-v1 signed";
const MAX_INFLATED: usize = 64 * 1024;
/// What every card says about itself.
pub const NOT_REVOCABLE: &str =
    "This card cannot be revoked: whoever has a copy can read it. Check the date it was signed.";

/// Someone to call.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct CardPerson {
    /// Their name.
    pub name: String,
    /// Who they are to the person.
    pub relationship: String,
    /// Their numbers.
    pub phones: Vec<String>,
}

/// A crisis line.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct CardLine {
    /// The service.
    pub name: String,
    /// Its number.
    pub number: String,
    /// When it is open.
    pub hours: String,
}

/// A card's content.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Card {
    /// Format version (1).
    pub v: u32,
    /// Whose card.
    pub owner: String,
    /// The signer's Ed25519 public key (base64url).
    pub signer: String,
    /// When it was signed.
    pub signed_at: DateTime<Utc>,
    /// People the person agreed may be contacted.
    pub call: Vec<CardPerson>,
    /// Crisis lines.
    pub lines: Vec<CardLine>,
    /// What helps.
    pub helps: Vec<String>,
    /// How to approach them.
    pub approach: String,
    /// People not to involve (name and relationship only).
    pub do_not_involve: Vec<CardPerson>,
    /// [`NOT_REVOCABLE`].
    pub notice: String,
}

super::redacted_debug!(Card, CardPerson, CardLine);

impl Card {
    /// The card of a plan: only contacts marked "may contact" are on it.
    pub fn from_plan(plan: &CrisisPlan, signer: &[u8; 32], now: DateTime<Utc>) -> Self {
        Self {
            v: 1,
            owner: plan.plan_details.owner.clone(),
            signer: b64(signer),
            signed_at: now.trunc_subsecs(0),
            call: plan
                .help_contacts
                .iter()
                .filter(|c| c.may_contact)
                .map(|c| CardPerson {
                    name: c.name.clone(),
                    relationship: c.relationship.clone(),
                    phones: c.phones.iter().map(|p| p.number.clone()).collect(),
                })
                .collect(),
            lines: plan
                .crisis_lines
                .iter()
                .map(|l| CardLine {
                    name: l.name.clone(),
                    number: l.number.clone(),
                    hours: l.hours.clone(),
                })
                .collect(),
            helps: plan.distress_support.helps.clone(),
            approach: plan.distress_support.how_to_approach_me.clone(),
            do_not_involve: plan
                .do_not_involve
                .iter()
                .map(|p| CardPerson {
                    name: p.name.clone(),
                    relationship: p.relationship.clone(),
                    phones: Vec::new(),
                })
                .collect(),
            notice: NOT_REVOCABLE.into(),
        }
    }
}

fn sign_input(packed: &[u8]) -> Vec<u8> {
    let mut v = SIGN_LABEL.as_bytes().to_vec();
    v.push(0);
    v.extend_from_slice(packed);
    v
}

/// Signs and compresses a card into its text (what the QR code holds).
pub fn encode(card: &Card, identity: &[u8; 32]) -> Result<String, ShareError> {
    if card.signer != b64(&ed25519_public(identity)?) || card.notice != NOT_REVOCABLE {
        return Err(ShareError::invalid("the card names another signer"));
    }
    let json = serde_json::to_vec(card).map_err(|_| ShareError::Malformed)?;
    if json.len() > MAX_INFLATED {
        return Err(ShareError::TooLarge);
    }
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 10);
    let sig = ed25519_sign(identity, &sign_input(&packed))?;
    let mut bin = ed25519_public(identity)?.to_vec();
    bin.extend_from_slice(&sig);
    bin.extend_from_slice(&packed);
    Ok(format!("{CARD_PREFIX}{}", b64(&bin)))
}

/// Decodes and verifies a card's text. `expected_signer` (base64url), when
/// known, must match.
pub fn decode(text: &str, expected_signer: Option<&str>) -> Result<Card, ShareError> {
    let body = text
        .trim()
        .strip_prefix(CARD_PREFIX)
        .ok_or(ShareError::Malformed)?;
    if body.len() > 8 * 1024 {
        return Err(ShareError::TooLarge);
    }
    let bin = unb64(body)?;
    let (signer, rest) = bin.split_at_checked(32).ok_or(ShareError::Malformed)?;
    let (sig, packed) = rest.split_at_checked(64).ok_or(ShareError::Malformed)?;
    let signer: [u8; 32] = signer.try_into().map_err(|_| ShareError::Malformed)?;
    if !ed25519_verify(&signer, &sign_input(packed), sig) {
        return Err(ShareError::Tampered);
    }
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(packed, MAX_INFLATED)
        .map_err(|_| ShareError::Tampered)?;
    let card: Card = serde_json::from_slice(&json).map_err(|_| ShareError::Tampered)?;
    if unb64_array::<32>(&card.signer)? != signer {
        return Err(ShareError::Tampered);
    }
    if card.v != 1 {
        return Err(ShareError::UnsupportedVersion {
            found: card.v,
            supported: 1,
        });
    }
    if expected_signer.is_some_and(|s| s != card.signer) {
        return Err(ShareError::WrongSigner);
    }
    Ok(card)
}
