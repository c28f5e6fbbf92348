//! The recovery key: shown once at creation, typed back in when a passphrase
//! is lost.
//!
//! 23 random bytes (184 bits) plus a 2-byte SHA-256 checksum make 25 bytes,
//! exactly 40 base32 characters, printed as eight groups of five:
//! `ABCDE-FGHIJ-...`. Base32 avoids look-alike case problems; the checksum
//! catches typos before any slow work is done, so "you mistyped it" is told
//! apart from "that is not this vault's key".

use ring::digest::{digest, SHA256};
use zeroize::{Zeroize, Zeroizing};

use super::keys::{fill, SecretKey};
use crate::error::{HavenError, Internal};

const SECRET_LEN: usize = 23;
const CHECK_LEN: usize = 2;
const GROUP: usize = 5;

/// A recovery key. Zeroized on drop; `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryKey(Zeroizing<[u8; SECRET_LEN]>);

impl std::fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryKey(<redacted>)")
    }
}

fn checksum(secret: &[u8]) -> [u8; CHECK_LEN] {
    let d = digest(&SHA256, secret);
    let mut c = [0u8; CHECK_LEN];
    c.copy_from_slice(&d.as_ref()[..CHECK_LEN]);
    c
}

impl RecoveryKey {
    /// A fresh random recovery key.
    pub fn generate() -> Result<Self, HavenError> {
        let mut s = Zeroizing::new([0u8; SECRET_LEN]);
        fill(s.as_mut())?;
        Ok(Self(s))
    }

    /// The human form: eight dash-separated groups of five base32 characters.
    pub fn display(&self) -> Zeroizing<String> {
        let mut raw = Zeroizing::new(Vec::with_capacity(SECRET_LEN + CHECK_LEN));
        raw.extend_from_slice(self.0.as_ref());
        raw.extend_from_slice(&checksum(self.0.as_ref()));
        let mut encoded = data_encoding::BASE32_NOPAD.encode(&raw);
        let groups: Vec<&str> = encoded
            .as_bytes()
            .chunks(GROUP)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .collect();
        let out = Zeroizing::new(groups.join("-"));
        encoded.zeroize();
        out
    }

    /// Parses the human form. Case, spaces and dashes are forgiven; a wrong
    /// length, character or checksum is
    /// [`HavenError::MistypedRecoveryKey`].
    pub fn parse(text: &str) -> Result<Self, HavenError> {
        let cleaned: Zeroizing<String> = Zeroizing::new(
            text.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .map(|c| c.to_ascii_uppercase())
                .collect(),
        );
        let raw = Zeroizing::new(
            data_encoding::BASE32_NOPAD
                .decode(cleaned.as_bytes())
                .map_err(|_| HavenError::MistypedRecoveryKey)?,
        );
        if raw.len() != SECRET_LEN + CHECK_LEN {
            return Err(HavenError::MistypedRecoveryKey);
        }
        let (secret, check) = raw.split_at(SECRET_LEN);
        if checksum(secret) != check {
            return Err(HavenError::MistypedRecoveryKey);
        }
        let mut s = Zeroizing::new([0u8; SECRET_LEN]);
        s.copy_from_slice(secret);
        Ok(Self(s))
    }

    /// The key-encryption key for the recovery slot: HKDF-SHA256 over the
    /// secret (already high-entropy, so no slow KDF is needed).
    pub(crate) fn kek(&self, salt: &[u8]) -> Result<SecretKey, Internal> {
        hkdf_kek(self.0.as_ref(), salt, b"haven recovery slot v1")
    }
}

/// HKDF-SHA256 expansion of high-entropy key material into a 256-bit key.
pub fn hkdf_kek(ikm: &[u8], salt: &[u8], info: &[u8]) -> Result<SecretKey, Internal> {
    use ring::hkdf::{Salt, HKDF_SHA256};
    let info = [info];
    let prk = Salt::new(HKDF_SHA256, salt).extract(ikm);
    let okm = prk
        .expand(&info, HKDF_SHA256)
        .map_err(|_| Internal::Crypto("key expansion failed"))?;
    let mut out = Zeroizing::new([0u8; 32]);
    okm.fill(out.as_mut())
        .map_err(|_| Internal::Crypto("key expansion failed"))?;
    Ok(SecretKey::from_bytes(*out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_parses_back_forgivingly() {
        let k = RecoveryKey::generate().unwrap();
        let shown = k.display();
        assert_eq!(shown.len(), 8 * 5 + 7);
        assert_eq!(RecoveryKey::parse(&shown).unwrap(), k);
        let sloppy = shown.to_lowercase().replace('-', " ");
        assert_eq!(RecoveryKey::parse(&sloppy).unwrap(), k);
    }

    #[test]
    fn typos_are_caught_by_the_checksum() {
        let k = RecoveryKey::generate().unwrap();
        let shown = k.display();
        let mut chars: Vec<char> = shown.chars().collect();
        chars[3] = if chars[3] == 'A' { 'B' } else { 'A' };
        let typo: String = chars.into_iter().collect();
        assert!(matches!(
            RecoveryKey::parse(&typo),
            Err(HavenError::MistypedRecoveryKey)
        ));
        assert!(matches!(
            RecoveryKey::parse("short"),
            Err(HavenError::MistypedRecoveryKey)
        ));
        assert!(matches!(
            RecoveryKey::parse("!!!!"),
            Err(HavenError::MistypedRecoveryKey)
        ));
    }
}
