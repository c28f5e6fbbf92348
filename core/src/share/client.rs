//! The relay protocol, client side, over any [`Transport`]. The relay
//! (`apps/relay`) implements the other side; this file is the contract:
//!
//! | call | request | answers |
//! |---|---|---|
//! | publish | `PUT /api/shares/ID`, owner token, JSON [`Upload`] | 200; 401 not the owner; 409 older than stored; 413 too large |
//! | open | `POST /api/shares/ID/open`, access token | 200 capsule (counts one read); 401 wrong token (counts a wrong PIN); 423 locked; 410 `{"state":"expired"\|"read_limit"}`; 404 |
//! | reply | `POST /api/shares/ID/replies`, sealed reply | 201; 404; 413; 429 |
//! | replies | `GET /api/shares/ID/replies`, owner token | 200 `[{"id":..,"reply":..}]` |
//! | reply done | `DELETE /api/shares/ID/replies/RID`, owner token | 204 |
//! | log | `GET /api/shares/ID/log`, owner token | 200 `["sealed event", ...]` |
//!
//! A revoked share's capsule is the signed revocation, so readers see an
//! authenticated "revoked" rather than trusting a status code. A page load
//! (`GET /s/ID`) never counts: only `open`, which needs the token that only
//! the fragment (and PIN) can make.

use serde::{Deserialize, Serialize};

use super::capsule::{self, Key, Opened, Seen};
use super::link::{link_secrets, Link};
use super::primitives::{b64, unb64};
use super::transport::{Method, Request, Transport};
use super::{Publication, ShareError};

/// What `publish` sends.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upload {
    /// The capsule (its JSON text).
    pub capsule: String,
    /// Its sequence number (the relay refuses older than it has).
    pub seq: u64,
    /// Hashes of the access tokens allowed to open it.
    pub access: Vec<String>,
    /// When the relay deletes it (RFC 3339).
    pub expires_at: chrono::DateTime<chrono::Utc>,
    /// Opens allowed, if limited.
    pub read_limit: Option<u32>,
    /// The log key the relay seals events to.
    pub log_key: String,
    /// Hash of the owner token (set by the first upload, then checked).
    pub owner: String,
    /// Whether this capsule revokes the share.
    pub revoked: bool,
}

#[derive(Deserialize)]
struct Gone {
    state: String,
    #[serde(default)]
    at: String,
}

/// A reply waiting at the relay.
#[derive(Serialize, Deserialize)]
pub struct RelayReply {
    /// The relay's id for it.
    pub id: String,
    /// The sealed reply (JSON text).
    pub reply: String,
}

fn url(relay: &str, path: &str) -> String {
    format!("{}{}", relay.trim_end_matches('/'), path)
}

fn status_error(status: u16) -> ShareError {
    match status {
        401 | 403 => ShareError::Transport {
            reason: "the relay refused the credentials".into(),
        },
        404 => ShareError::Gone,
        409 => ShareError::Transport {
            reason: "the relay holds a newer version".into(),
        },
        413 => ShareError::TooLarge,
        423 => ShareError::Locked,
        429 => ShareError::Transport {
            reason: "too many requests; try again later".into(),
        },
        s => ShareError::Transport {
            reason: format!("the relay answered {s}"),
        },
    }
}

/// Uploads a publication (first capsule, next version or revocation).
pub fn publish(t: &dyn Transport, relay: &str, p: &Publication) -> Result<(), ShareError> {
    let upload = Upload {
        capsule: String::from_utf8(p.capsule.clone()).map_err(|_| ShareError::Malformed)?,
        seq: p.seq,
        access: p.access_hashes.clone(),
        expires_at: p.expires_at,
        read_limit: p.read_limit,
        log_key: p.log_key.clone(),
        owner: b64(&super::link::access_hash(&unb64(&p.owner_token)?)),
        revoked: p.revoked,
    };
    let r = t.send(Request {
        method: Method::Put,
        url: url(relay, &format!("/api/shares/{}", p.share_id)),
        bearer: Some(p.owner_token.clone()),
        content_type: Some("application/json"),
        body: serde_json::to_vec(&upload).map_err(|_| ShareError::Malformed)?,
    })?;
    match r.status {
        200 | 201 | 204 => Ok(()),
        s => Err(status_error(s)),
    }
}

/// Fetches a share's capsule with an access token (counts one read).
pub fn fetch(
    t: &dyn Transport,
    relay: &str,
    share_id: &str,
    access_token: &[u8],
) -> Result<Vec<u8>, ShareError> {
    let r = t.send(Request {
        method: Method::Post,
        url: url(relay, &format!("/api/shares/{share_id}/open")),
        bearer: Some(b64(access_token)),
        content_type: None,
        body: Vec::new(),
    })?;
    match r.status {
        200 => Ok(r.body),
        401 => Err(ShareError::WrongKeyOrPin),
        410 => {
            let g: Gone = serde_json::from_slice(&r.body).map_err(|_| ShareError::Gone)?;
            Err(match g.state.as_str() {
                "expired" => ShareError::Expired { at: g.at },
                "read_limit" => ShareError::ReadLimitReached,
                "revoked" => ShareError::Revoked,
                _ => ShareError::Gone,
            })
        }
        s => Err(status_error(s)),
    }
}

/// Opens a link as its recipient would: fetch with the token its key (and
/// PIN) make, then decrypt and check against what was seen before.
pub fn open_link(
    t: &dyn Transport,
    link: &Link,
    pin: Option<&str>,
    seen: Option<&Seen>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Opened, ShareError> {
    if link.needs_pin && pin.is_none() {
        return Err(ShareError::BadPin);
    }
    let secrets = link_secrets(&link.key, &link.share_id, pin)?;
    let bytes = fetch(
        t,
        &link.relay,
        &link.share_id,
        secrets.access_token.as_slice(),
    )?;
    capsule::open(&bytes, &link.share_id, Key::Link(&secrets.kek), seen, now)
}

/// Sends a sealed reply to a share.
pub fn send_reply(
    t: &dyn Transport,
    relay: &str,
    share_id: &str,
    sealed: &[u8],
) -> Result<(), ShareError> {
    let r = t.send(Request {
        method: Method::Post,
        url: url(relay, &format!("/api/shares/{share_id}/replies")),
        bearer: None,
        content_type: Some("application/json"),
        body: sealed.to_vec(),
    })?;
    match r.status {
        200 | 201 => Ok(()),
        s => Err(status_error(s)),
    }
}

/// The replies waiting at the relay for a share (owner only).
pub fn replies(
    t: &dyn Transport,
    relay: &str,
    share_id: &str,
    owner_token: &str,
) -> Result<Vec<RelayReply>, ShareError> {
    let r = t.send(Request {
        method: Method::Get,
        url: url(relay, &format!("/api/shares/{share_id}/replies")),
        bearer: Some(owner_token.into()),
        content_type: None,
        body: Vec::new(),
    })?;
    match r.status {
        200 => serde_json::from_slice(&r.body).map_err(|_| ShareError::Malformed),
        s => Err(status_error(s)),
    }
}

/// Tells the relay a reply is safely in the vault (it deletes its copy).
pub fn reply_done(
    t: &dyn Transport,
    relay: &str,
    share_id: &str,
    reply_id: &str,
    owner_token: &str,
) -> Result<(), ShareError> {
    let r = t.send(Request {
        method: Method::Delete,
        url: url(relay, &format!("/api/shares/{share_id}/replies/{reply_id}")),
        bearer: Some(owner_token.into()),
        content_type: None,
        body: Vec::new(),
    })?;
    match r.status {
        200 | 204 | 404 => Ok(()),
        s => Err(status_error(s)),
    }
}

/// The sealed access-log events of a share (owner only).
pub fn access_log(
    t: &dyn Transport,
    relay: &str,
    share_id: &str,
    owner_token: &str,
) -> Result<Vec<Vec<u8>>, ShareError> {
    let r = t.send(Request {
        method: Method::Get,
        url: url(relay, &format!("/api/shares/{share_id}/log")),
        bearer: Some(owner_token.into()),
        content_type: None,
        body: Vec::new(),
    })?;
    match r.status {
        200 => {
            let events: Vec<String> =
                serde_json::from_slice(&r.body).map_err(|_| ShareError::Malformed)?;
            Ok(events.into_iter().map(String::into_bytes).collect())
        }
        s => Err(status_error(s)),
    }
}
