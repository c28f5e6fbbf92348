//! Following a share from one's own vault: a carer (or anyone given a link)
//! keeps the share in their own encrypted vault and refreshes it when
//! online. The vault remembers the newest capsule seen (`Seen`), so a relay
//! that serves an older version, or one that does not follow on, is caught
//! and shown as such; what was seen last stays readable after a revocation
//! or expiry, because what a carer already saw stays with them.
//!
//! Two ways in: a link (key in the fragment, maybe a PIN), or a carer's
//! welcome (sealed to the carer's own key pair, which this vault keeps in a
//! `carer_keys` record) for standing access.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::capsule::{self, Key, Seen, Signed};
use super::carer::CarerKeys;
use super::client;
use super::link::{link_secrets, Link, LinkKey};
use super::primitives::{b64, random, unb64_array};
use super::store::{in_tx, open_welcome};
use super::transport::Transport;
use super::ShareError;
use crate::crypto;
use crate::records;
use crate::vault::Vault;

/// Record kind of followed shares.
pub const FOLLOW_KIND: &str = "share_follow";
/// Record kind of this vault's carer key pair.
pub const CARER_KEYS_KIND: &str = "carer_keys";
const CARER_KEYS_ID: &str = "carer";

/// Where a followed share stands, as of the last refresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum FollowState {
    /// Opened; this is the newest version the relay has.
    Active,
    /// The person revoked it (signed).
    Revoked,
    /// It expired.
    Expired,
    /// The relay locked it (wrong PINs).
    Locked,
    /// The read limit was reached.
    ReadLimitReached,
    /// The relay no longer has it.
    Gone,
    /// The relay served an older or unrelated version: the last good one
    /// is kept and shown with a warning.
    RolledBack,
    /// No longer encrypted to this carer.
    NoLongerShared,
    /// The relay could not be reached; the last version seen is shown.
    Offline,
}

#[derive(Clone, Serialize, Deserialize)]
enum Via {
    Link { key: String, pin: Option<String> },
    Carer { token: String },
}

#[derive(Clone, Serialize, Deserialize)]
struct FollowRecord {
    v: u8,
    relay: String,
    share_id: String,
    via: Via,
    seen: Option<Seen>,
    last: Option<Signed>,
    state: FollowState,
    checked_at: DateTime<Utc>,
}

/// A followed share.
#[derive(Clone)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[cfg_attr(feature = "uniffi", uniffi::export(Debug))]
pub struct Followed {
    /// Its id in this vault.
    pub id: String,
    /// The share id.
    pub share_id: String,
    /// Where it stood at the last refresh.
    pub state: FollowState,
    /// When it was last refreshed.
    pub checked_at: DateTime<Utc>,
    /// The newest version seen (kept after revocation or expiry).
    pub last: Option<Signed>,
}

super::redacted_debug!(Followed);

#[derive(Serialize, Deserialize)]
struct CarerKeysRecord {
    v: u8,
    secret: String,
}

fn carer_keys(
    conn: &rusqlite::Connection,
    scope: &records::Scope<'_>,
) -> Result<CarerKeys, ShareError> {
    if let Some(row) = records::fetch(conn, CARER_KEYS_KIND, CARER_KEYS_ID)? {
        let plain = scope.open(CARER_KEYS_KIND, &row)?;
        let rec: CarerKeysRecord = super::store::decode(&plain, CARER_KEYS_ID)?;
        return Ok(CarerKeys::from_secret(unb64_array::<32>(&rec.secret)?));
    }
    let keys = CarerKeys::from_secret(*random::<32>()?);
    let rec = CarerKeysRecord {
        v: 1,
        secret: b64(keys.secret()),
    };
    scope.insert(
        conn,
        CARER_KEYS_KIND,
        CARER_KEYS_ID,
        &super::store::encode(&rec)?,
    )?;
    Ok(keys)
}

fn outcome(
    rec: &mut FollowRecord,
    result: Result<capsule::Opened, ShareError>,
    now: DateTime<Utc>,
) -> Result<(), ShareError> {
    rec.checked_at = now;
    rec.state = match result {
        Ok(o) => {
            rec.seen = Some(o.seen());
            rec.last = Some(o.content);
            FollowState::Active
        }
        // A cancelled refresh changes nothing.
        Err(ShareError::Cancelled) => return Err(ShareError::Cancelled),
        Err(ShareError::Revoked) => FollowState::Revoked,
        Err(ShareError::Expired { .. }) => FollowState::Expired,
        Err(ShareError::Locked) => FollowState::Locked,
        Err(ShareError::ReadLimitReached) => FollowState::ReadLimitReached,
        Err(ShareError::Gone) => FollowState::Gone,
        Err(ShareError::NotARecipient) => FollowState::NoLongerShared,
        Err(ShareError::Transport { .. }) => FollowState::Offline,
        Err(ShareError::Rollback { .. } | ShareError::Spliced | ShareError::WrongSigner) => {
            FollowState::RolledBack
        }
        // A first open that fails for any other reason is not followed.
        Err(e) if rec.seen.is_none() => return Err(e),
        Err(_) => FollowState::RolledBack,
    };
    Ok(())
}

fn fetch_open(
    t: &dyn Transport,
    rec: &FollowRecord,
    carer: Option<&CarerKeys>,
    now: DateTime<Utc>,
) -> Result<capsule::Opened, ShareError> {
    match &rec.via {
        Via::Link { key, pin } => {
            let link = Link {
                relay: rec.relay.clone(),
                share_id: rec.share_id.clone(),
                key: LinkKey::from_bytes(unb64_array::<32>(key)?),
                needs_pin: pin.is_some(),
            };
            client::open_link(t, &link, pin.as_deref(), rec.seen.as_ref(), now)
        }
        Via::Carer { token } => {
            let carer = carer.ok_or(ShareError::NotARecipient)?;
            let bytes = client::fetch(t, &rec.relay, &rec.share_id, &unb64_array::<32>(token)?)?;
            capsule::open(
                &bytes,
                &rec.share_id,
                Key::Carer(carer.secret()),
                rec.seen.as_ref(),
                now,
            )
        }
    }
}

fn summary(id: String, rec: FollowRecord) -> Followed {
    Followed {
        id,
        share_id: rec.share_id,
        state: rec.state,
        checked_at: rec.checked_at,
        last: rec.last,
    }
}

impl Vault {
    /// This vault's carer public key (base64url), made on first use: give
    /// it to the person who wants to enrol you as a carer.
    pub fn carer_public_key(&self) -> Result<String, ShareError> {
        in_tx(self, |tx, scope| Ok(carer_keys(tx, scope)?.public_b64()))
    }

    /// Follows a link (with its PIN, if it needs one): opens it now and
    /// keeps it in this vault.
    pub fn follow_link(
        &self,
        t: &dyn Transport,
        link: &str,
        pin: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Followed, ShareError> {
        let l = Link::parse(link)?;
        if let Some(p) = pin {
            link_secrets(&l.key, &l.share_id, Some(p))?;
        }
        let rec = FollowRecord {
            v: 1,
            relay: l.relay.clone(),
            share_id: l.share_id.clone(),
            via: Via::Link {
                key: b64(l.key.as_bytes()),
                pin: pin.map(Into::into),
            },
            seen: None,
            last: None,
            state: FollowState::Offline,
            checked_at: now,
        };
        self.follow_new(t, rec, None, now)
    }

    /// Follows a share as an enrolled carer, from the welcome the person
    /// sent (sealed to this vault's carer key).
    pub fn follow_welcome(
        &self,
        t: &dyn Transport,
        share_id: &str,
        welcome: &[u8],
        now: DateTime<Utc>,
    ) -> Result<Followed, ShareError> {
        let keys = in_tx(self, carer_keys)?;
        let w = open_welcome(welcome, share_id, keys.secret())?;
        let rec = FollowRecord {
            v: 1,
            relay: w.relay,
            share_id: w.share,
            via: Via::Carer { token: w.token },
            seen: None,
            last: None,
            state: FollowState::Offline,
            checked_at: now,
        };
        self.follow_new(t, rec, Some(&keys), now)
    }

    fn follow_new(
        &self,
        t: &dyn Transport,
        mut rec: FollowRecord,
        carer: Option<&CarerKeys>,
        now: DateTime<Utc>,
    ) -> Result<Followed, ShareError> {
        let opened = fetch_open(t, &rec, carer, now);
        outcome(&mut rec, opened, now)?;
        let id = crypto::random_id()?;
        in_tx(self, |tx, scope| {
            scope.insert(tx, FOLLOW_KIND, &id, &super::store::encode(&rec)?)?;
            Ok(())
        })?;
        Ok(summary(id, rec))
    }

    /// Every followed share as of its last refresh.
    pub fn followed(&self) -> Result<Vec<Followed>, ShareError> {
        let mut out: Vec<Followed> = in_tx(self, |tx, scope| {
            let mut out = Vec::new();
            for row in records::all(tx, FOLLOW_KIND)? {
                let plain = scope.open(FOLLOW_KIND, &row)?;
                let rec: FollowRecord = super::store::decode(&plain, &row.id)?;
                out.push(summary(row.id, rec));
            }
            Ok(out)
        })?;
        out.sort_by_key(|f| f.share_id.clone());
        Ok(out)
    }

    /// Refreshes every followed share from its relay (network calls are made
    /// with the vault unlocked but not held), and returns them.
    pub fn refresh_followed(
        &self,
        t: &dyn Transport,
        now: DateTime<Utc>,
    ) -> Result<Vec<Followed>, ShareError> {
        let (keys, rows) = in_tx(self, |tx, scope| {
            let keys = carer_keys(tx, scope)?;
            let mut rows = Vec::new();
            for row in records::all(tx, FOLLOW_KIND)? {
                let plain = scope.open(FOLLOW_KIND, &row)?;
                rows.push((
                    row.id.clone(),
                    super::store::decode::<FollowRecord>(&plain, &row.id)?,
                ));
            }
            Ok((keys, rows))
        })?;
        for (id, mut rec) in rows {
            let opened = fetch_open(t, &rec, Some(&keys), now);
            outcome(&mut rec, opened, now)?;
            in_tx(self, |tx, scope| {
                scope.update(tx, FOLLOW_KIND, &id, &super::store::encode(&rec)?)?;
                Ok(())
            })?;
        }
        self.followed()
    }
}
