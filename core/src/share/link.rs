//! Links: `https://RELAY/s/<share id>#<key>` (or `#p.<key>` when a PIN is
//! needed too). The key lives only in the fragment, which browsers never
//! send to a server.
//!
//! From the link key `L` (32 random bytes), the share id and the PIN (empty
//! when there is none), HKDF-SHA256 derives two unrelated secrets:
//!
//! - the **link KEK**, which unwraps each capsule's fresh content key;
//! - the **access token**, which the viewer presents to the relay to be given
//!   the capsule at all. The relay stores only `SHA-256(label || token)`, so
//!   it can tell a right token from a wrong one (and count wrong ones: after
//!   [`PIN_TRIES`] it locks the share) without learning `L`, the PIN or the
//!   KEK. Someone holding the link but not the PIN therefore never gets the
//!   ciphertext to guess PINs against offline: each guess costs a request
//!   the relay counts. A PIN of a few digits is weak alone; the lockout is
//!   what protects it.

use zeroize::Zeroizing;

use super::primitives::{b64, hkdf32, labelled_hash, random, unb64_array};
use super::ShareError;

/// Wrong access tokens (wrong PIN, wrong link) after which the relay locks
/// a share.
pub const PIN_TRIES: u32 = 5;

const KEK_INFO: &str = "haven-share-v1 link-kek";
const ACCESS_INFO: &str = "haven-share-v1 access";
const ACCESS_HASH_LABEL: &str = "haven-share-v1 access-hash";

/// A share's random id (16 bytes, base64url): the relay's name for it.
pub fn new_share_id() -> Result<String, ShareError> {
    Ok(b64(random::<16>()?.as_slice()))
}

/// Whether `id` looks like a share id (so it is safe in a path or a URL).
pub fn is_share_id(id: &str) -> bool {
    id.len() == 22
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The 32-byte key of a link (the fragment).
#[derive(Clone)]
pub struct LinkKey(pub(crate) Zeroizing<[u8; 32]>);

impl std::fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LinkKey(<redacted>)")
    }
}

impl LinkKey {
    /// A fresh random key.
    pub fn generate() -> Result<Self, ShareError> {
        Ok(Self(random::<32>()?))
    }

    /// From its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    /// The raw bytes (for storing in the vault).
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// Checks a PIN: 4 to 12 ASCII digits.
pub fn check_pin(pin: &str) -> Result<(), ShareError> {
    if (4..=12).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ShareError::BadPin)
    }
}

/// The two secrets a link (and PIN) yield for one share.
pub struct LinkSecrets {
    /// Unwraps each capsule's content key.
    pub kek: Zeroizing<[u8; 32]>,
    /// Shown to the relay to be given the capsule.
    pub access_token: Zeroizing<[u8; 32]>,
}

/// Derives the link KEK and access token (`pin`: `None` when the share has
/// no PIN).
pub fn link_secrets(
    key: &LinkKey,
    share_id: &str,
    pin: Option<&str>,
) -> Result<LinkSecrets, ShareError> {
    let pin = match pin {
        Some(p) => {
            check_pin(p)?;
            p
        }
        None => "",
    };
    let info = |label: &str| {
        let mut v = Vec::with_capacity(label.len() + 1 + pin.len());
        v.extend_from_slice(label.as_bytes());
        v.push(0);
        v.extend_from_slice(pin.as_bytes());
        v
    };
    Ok(LinkSecrets {
        kek: hkdf32(share_id.as_bytes(), key.as_bytes(), &info(KEK_INFO)),
        access_token: hkdf32(share_id.as_bytes(), key.as_bytes(), &info(ACCESS_INFO)),
    })
}

/// What the relay stores instead of an access token.
pub fn access_hash(token: &[u8]) -> [u8; 32] {
    labelled_hash(ACCESS_HASH_LABEL, token)
}

/// A link taken apart.
#[derive(Debug, Clone)]
pub struct Link {
    /// The relay's base URL (`https://relay.example`), without a trailing slash.
    pub relay: String,
    /// The share id.
    pub share_id: String,
    /// The key from the fragment.
    pub key: LinkKey,
    /// Whether the link says a PIN is needed too.
    pub needs_pin: bool,
}

impl Link {
    /// The link as text: `RELAY/s/ID#KEY` or `RELAY/s/ID#p.KEY`.
    pub fn to_url(&self) -> String {
        format!(
            "{}/s/{}#{}{}",
            self.relay.trim_end_matches('/'),
            self.share_id,
            if self.needs_pin { "p." } else { "" },
            b64(self.key.as_bytes())
        )
    }

    /// Parses a link; `Malformed` if it is not one (the error never
    /// repeats the link, which holds the key).
    pub fn parse(url: &str) -> Result<Self, ShareError> {
        let url = url.trim();
        let (front, fragment) = url.split_once('#').ok_or(ShareError::Malformed)?;
        let (relay, share_id) = front.rsplit_once("/s/").ok_or(ShareError::Malformed)?;
        let share_id = share_id.trim_end_matches('/');
        // The relay as it is kept (no trailing slash) must still name a
        // host: `https:///s/ID` would otherwise keep `https:`, and print as
        // a link that no longer parses.
        let relay = relay.trim_end_matches('/');
        let host = relay
            .strip_prefix("https://")
            .or_else(|| relay.strip_prefix("http://"));
        if !is_share_id(share_id) || host.is_none_or(str::is_empty) {
            return Err(ShareError::Malformed);
        }
        let (needs_pin, key) = match fragment.strip_prefix("p.") {
            Some(k) => (true, k),
            None => (false, fragment),
        };
        Ok(Self {
            relay: relay.to_string(),
            share_id: share_id.to_string(),
            key: LinkKey::from_bytes(unb64_array::<32>(key)?),
            needs_pin,
        })
    }
}
