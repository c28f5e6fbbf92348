//! The access log: what happened to a share (opened, wrong PIN, locked,
//! expired, revoked), to the hour. The relay sees each event as it happens
//! (it has to, to enforce limits) but stores it sealed (HPKE) to the
//! share's log key, so its database, backups and operators cannot read a
//! history of who opened what when; only the person can.
//!
//! ```text
//! event (JSON) = {"enc":b64(32),"ct":b64(HPKE(log key, {"event":..,"hour":..}, aad))}
//! info = "haven-log-v1", aad = "haven-log-v1" 0x00 ID
//! ```

use chrono::{DateTime, DurationRound, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::primitives::{b64, hpke_open, hpke_seal, random, unb64, unb64_array};
use super::ShareError;

const INFO: &[u8] = b"haven-log-v1";

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum AccessEvent {
    /// A reader opened the share (a page load or preview never counts).
    Opened,
    /// A wrong PIN (or a wrong link) was tried.
    WrongPin,
    /// Too many wrong PINs: the relay locked the share.
    Locked,
    /// Someone tried to open it after it expired.
    Expired,
    /// Someone tried to open it after it was revoked.
    Revoked,
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct LogEntry {
    /// What happened.
    pub event: AccessEvent,
    /// The hour it happened in (UTC).
    pub hour: DateTime<Utc>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    enc: String,
    ct: String,
}

fn aad(share: &str) -> Vec<u8> {
    let mut v = INFO.to_vec();
    v.push(0);
    v.extend_from_slice(share.as_bytes());
    v
}

/// Seals an event (relay side) to the share's log key (base64url).
pub fn seal(
    event: AccessEvent,
    at: DateTime<Utc>,
    share: &str,
    log_key: &str,
) -> Result<Vec<u8>, ShareError> {
    let hour = at
        .duration_trunc(TimeDelta::hours(1))
        .map_err(|_| ShareError::invalid("time out of range"))?;
    let pk = unb64_array::<32>(log_key)?;
    let body = serde_json::to_vec(&LogEntry { event, hour }).map_err(|_| ShareError::Malformed)?;
    let (enc, ct) = hpke_seal(&pk, INFO, &aad(share), &body, &*random::<32>()?)?;
    serde_json::to_vec(&Wire {
        enc: b64(&enc),
        ct: b64(&ct),
    })
    .map_err(|_| ShareError::Malformed)
}

/// Opens one sealed event with the share's log secret.
pub fn open(bytes: &[u8], share: &str, secret: &[u8; 32]) -> Result<LogEntry, ShareError> {
    let wire: Wire = serde_json::from_slice(bytes).map_err(|_| ShareError::Malformed)?;
    let plain = hpke_open(
        secret,
        &unb64(&wire.enc)?,
        INFO,
        &aad(share),
        &unb64(&wire.ct)?,
    )
    .ok_or(ShareError::Tampered)?;
    serde_json::from_slice(&plain).map_err(|_| ShareError::Malformed)
}
