//! The few primitives sharing is built from, each one a browser's WebCrypto
//! also has, so the viewer needs no cryptography of its own: AES-256-GCM,
//! HKDF-SHA256, SHA-256 and Ed25519 (all from `ring`), and HPKE (RFC 9180,
//! DHKEM-X25519 / HKDF-SHA256 / AES-256-GCM, from the `hpke` crate, because
//! `ring` cannot keep a static X25519 key).
//!
//! Randomness comes from the OS (ring's `SystemRandom`) and is drawn by the
//! callers in `share/`, then passed in: the functions here are deterministic
//! given their inputs, which is what lets `tests/share_vectors.rs` publish
//! test vectors that the viewer checks.

use data_encoding::BASE64URL_NOPAD;
use hpke::{aead::AesGcm256, kdf::HkdfSha256, kem::X25519HkdfSha256, Deserializable, Kem as _};
use hpke::{OpModeR, OpModeS, Serializable};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use zeroize::Zeroizing;

use super::ShareError;

/// Base64url without padding: every binary field of every sharing format.
pub fn b64(bytes: &[u8]) -> String {
    BASE64URL_NOPAD.encode(bytes)
}

/// Decodes base64url without padding; `Malformed` otherwise.
pub fn unb64(text: &str) -> Result<Vec<u8>, ShareError> {
    BASE64URL_NOPAD
        .decode(text.as_bytes())
        .map_err(|_| ShareError::Malformed)
}

/// Decodes exactly `N` bytes of base64url.
pub fn unb64_array<const N: usize>(text: &str) -> Result<[u8; N], ShareError> {
    unb64(text)?.try_into().map_err(|_| ShareError::Malformed)
}

/// Fresh random bytes from the OS.
pub fn random<const N: usize>() -> Result<Zeroizing<[u8; N]>, ShareError> {
    let mut out = Zeroizing::new([0u8; N]);
    crate::crypto::keys::fill(out.as_mut_slice()).map_err(|_| ShareError::Randomness)?;
    Ok(out)
}

/// SHA-256 of `label || 0x00 || data` (labels keep hashes of different
/// things apart).
pub fn labelled_hash(label: &str, data: &[u8]) -> [u8; 32] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(label.as_bytes());
    ctx.update(&[0]);
    ctx.update(data);
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

/// HKDF-SHA256 to 32 bytes.
pub fn hkdf32(salt: &[u8], ikm: &[u8], info: &[u8]) -> Zeroizing<[u8; 32]> {
    let prk = ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, salt).extract(ikm);
    let mut out = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF-SHA256's limit (255 * 32), so neither
    // step can fail; a failure would leave zeros, which no key equals.
    let info = [info];
    if let Ok(okm) = prk.expand(&info, ring::hkdf::HKDF_SHA256) {
        let _ = okm.fill(out.as_mut_slice());
    }
    out
}

fn aes_key(key: &[u8; 32]) -> Result<LessSafeKey, ShareError> {
    UnboundKey::new(&AES_256_GCM, key)
        .map(LessSafeKey::new)
        .map_err(|_| ShareError::Randomness)
}

/// AES-256-GCM with an explicit 96-bit nonce; returns ciphertext || tag.
pub fn aes_seal(
    key: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    plain: &[u8],
) -> Result<Vec<u8>, ShareError> {
    let mut buf = plain.to_vec();
    aes_key(key)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(*nonce),
            Aad::from(aad),
            &mut buf,
        )
        .map_err(|_| ShareError::Randomness)?;
    Ok(buf)
}

/// Opens AES-256-GCM ciphertext || tag; `None` when it does not authenticate.
pub fn aes_open(
    key: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    sealed: &[u8],
) -> Result<Option<Zeroizing<Vec<u8>>>, ShareError> {
    let mut buf = Zeroizing::new(sealed.to_vec());
    let key = aes_key(key)?;
    let len = match key.open_in_place(
        Nonce::assume_unique_for_key(*nonce),
        Aad::from(aad),
        &mut buf,
    ) {
        Ok(plain) => plain.len(),
        Err(_) => return Ok(None),
    };
    buf.truncate(len);
    Ok(Some(buf))
}

/// An Ed25519 signing key from its 32-byte seed.
pub fn ed25519_public(seed: &[u8; 32]) -> Result<[u8; 32], ShareError> {
    let pair = Ed25519KeyPair::from_seed_unchecked(seed).map_err(|_| ShareError::Randomness)?;
    let mut out = [0u8; 32];
    out.copy_from_slice(pair.public_key().as_ref());
    Ok(out)
}

/// Ed25519 signature (deterministic) over `msg`.
pub fn ed25519_sign(seed: &[u8; 32], msg: &[u8]) -> Result<[u8; 64], ShareError> {
    let pair = Ed25519KeyPair::from_seed_unchecked(seed).map_err(|_| ShareError::Randomness)?;
    let mut out = [0u8; 64];
    out.copy_from_slice(pair.sign(msg).as_ref());
    Ok(out)
}

/// Whether `sig` is `public`'s Ed25519 signature of `msg`.
pub fn ed25519_verify(public: &[u8; 32], msg: &[u8], sig: &[u8]) -> bool {
    UnparsedPublicKey::new(&ED25519, public)
        .verify(msg, sig)
        .is_ok()
}

type Kem = X25519HkdfSha256;

/// The X25519 public key of a 32-byte secret (HPKE's `DeriveKeyPair`, so
/// the secret is the `ikm` of RFC 9180 section 7.1.3).
pub fn x25519_public(ikm: &[u8; 32]) -> [u8; 32] {
    let (_, pk) = Kem::derive_keypair(ikm);
    let mut out = [0u8; 32];
    out.copy_from_slice(&pk.to_bytes());
    out
}

/// HPKE base-mode single-shot seal to `recipient`. `ephemeral_ikm` is the
/// sender's fresh randomness (RFC 9180's `ikmE`). Returns `(enc, ciphertext)`.
pub fn hpke_seal(
    recipient: &[u8; 32],
    info: &[u8],
    aad: &[u8],
    plain: &[u8],
    ephemeral_ikm: &[u8; 32],
) -> Result<([u8; 32], Vec<u8>), ShareError> {
    let pk =
        <Kem as hpke::Kem>::PublicKey::from_bytes(recipient).map_err(|_| ShareError::Malformed)?;
    let mut rng = OneShot(Some(*ephemeral_ikm));
    let (enc, ct) = hpke::single_shot_seal_with_rng::<AesGcm256, HkdfSha256, Kem>(
        &OpModeS::Base,
        &pk,
        info,
        plain,
        aad,
        &mut rng,
    )
    .map_err(|_| ShareError::Malformed)?;
    let mut out = [0u8; 32];
    out.copy_from_slice(&enc.to_bytes());
    Ok((out, ct))
}

/// HPKE base-mode single-shot open; `None` when it is not for this key or
/// does not authenticate.
pub fn hpke_open(
    secret_ikm: &[u8; 32],
    enc: &[u8],
    info: &[u8],
    aad: &[u8],
    sealed: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let (sk, _) = Kem::derive_keypair(secret_ikm);
    let enc = <Kem as hpke::Kem>::EncappedKey::from_bytes(enc).ok()?;
    hpke::single_shot_open::<AesGcm256, HkdfSha256, Kem>(
        &OpModeR::Base,
        &sk,
        &enc,
        info,
        sealed,
        aad,
    )
    .ok()
    .map(Zeroizing::new)
}

/// The sender's ephemeral randomness, handed to `hpke` through its RNG
/// interface: DHKEM-X25519 draws exactly 32 bytes (`ikmE`) once. Asked
/// again (it never is), it hands out a hash chain of the same seed rather
/// than panic.
struct OneShot(Option<[u8; 32]>);

impl hpke::rand_core::TryRng for OneShot {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut b = [0u8; 4];
        self.try_fill_bytes(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut b = [0u8; 8];
        self.try_fill_bytes(&mut b)?;
        Ok(u64::from_le_bytes(b))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(32) {
            let seed = self.0.unwrap_or_default();
            chunk.copy_from_slice(&seed[..chunk.len()]);
            self.0 = Some(labelled_hash("haven-hpke-rng", &seed));
        }
        Ok(())
    }
}

impl hpke::rand_core::TryCryptoRng for OneShot {}
