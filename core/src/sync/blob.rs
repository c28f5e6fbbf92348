//! What the relay stores: an entry sealed under the space key and padded to
//! a size bucket, so the relay sees an opaque blob id, a padded size and
//! the key epoch, and nothing of the entry (not its device's sequence
//! number, its dependencies or its operation). ADR 0015.
//!
//! Layout: magic `HSB`, version 1, key epoch (u32 BE), nonce (12 bytes),
//! AES-256-GCM of the padded entry (`crypto::padding`) with associated data
//! `"haven-sync-blob-v1" 0x00 | space id | epoch`. A blob's id is the first
//! 16 bytes of SHA-256 over `"haven-sync-blob-id-v1" 0x00 | blob`, so a
//! device checks that the relay handed back the bytes it names.

use std::fmt;

use zeroize::Zeroizing;

use super::entry::{Entry, MAX_DEPS, MAX_OP_BYTES};
use super::error::{DecodeError, SyncError};
use super::ids::SpaceId;
use super::wire::Reader;
use crate::crypto::padding;
use crate::share::primitives::{aes_open, aes_seal, labelled_hash};

const MAGIC: [u8; 3] = *b"HSB";
/// The blob format version this build writes and reads.
pub const BLOB_VERSION: u8 = 1;
const HEADER: usize = 4 + 4 + 12;
/// Largest blob accepted: the largest entry, padded, sealed.
pub const MAX_BLOB_BYTES: usize = HEADER + 16 + 4 + 64 * 1024 + MAX_OP_BYTES + MAX_DEPS * 56 + 256;

/// A blob's name at the relay.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BlobId(pub [u8; 16]);

impl fmt::Debug for BlobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BlobId(")?;
        for b in &self.0[..4] {
            write!(f, "{b:02x}")?;
        }
        write!(f, "..)")
    }
}

/// The id of a blob's bytes.
pub fn blob_id(blob: &[u8]) -> BlobId {
    let h = labelled_hash("haven-sync-blob-id-v1", blob);
    let mut id = [0u8; 16];
    id.copy_from_slice(&h[..16]);
    BlobId(id)
}

/// One epoch of the space key. Epoch 0 is the space's first key; each
/// device removal starts a new epoch with a fresh key (ADR 0015).
pub struct SpaceKey {
    /// The epoch.
    pub epoch: u32,
    key: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for SpaceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpaceKey")
            .field("epoch", &self.epoch)
            .finish_non_exhaustive()
    }
}

impl SpaceKey {
    /// A key from its bytes.
    pub fn new(epoch: u32, key: [u8; 32]) -> Self {
        Self {
            epoch,
            key: Zeroizing::new(key),
        }
    }
}

fn aad(space: &SpaceId, epoch: u32) -> Vec<u8> {
    let mut a = b"haven-sync-blob-v1\0".to_vec();
    a.extend_from_slice(&space.0);
    a.extend_from_slice(&epoch.to_be_bytes());
    a
}

/// Seals `entry` for the relay. `nonce` must be fresh random bytes (the
/// caller draws them, so tests can be deterministic).
pub fn seal(key: &SpaceKey, nonce: [u8; 12], entry: &Entry) -> Result<Vec<u8>, SyncError> {
    let plain = Zeroizing::new(entry.encode());
    let mut padded = Zeroizing::new(Vec::with_capacity(padding::padded_len(plain.len())));
    padding::pad_into(&mut padded, &plain).map_err(|_| SyncError::TooLarge)?;
    let sealed = aes_seal(&key.key, &nonce, &aad(&entry.space, key.epoch), &padded)
        .map_err(|_| SyncError::Crypto)?;
    let mut out = Vec::with_capacity(HEADER + sealed.len());
    out.extend_from_slice(&MAGIC);
    out.push(BLOB_VERSION);
    out.extend_from_slice(&key.epoch.to_be_bytes());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// The key epoch a blob names, read without opening it.
pub fn epoch_of(blob: &[u8]) -> Result<u32, DecodeError> {
    let mut r = Reader::new(blob);
    if r.array::<3>()? != MAGIC {
        return Err(DecodeError::BadMagic);
    }
    let version = r.u8()?;
    if version != BLOB_VERSION {
        return Err(DecodeError::UnsupportedVersion(version));
    }
    r.u32()
}

/// Opens a blob of `space` with the key of the epoch it names, among the
/// epochs this device holds. The entry's signature is
/// checked by the replica, which knows the devices' keys.
pub fn open(space: &SpaceId, keys: &[SpaceKey], blob: &[u8]) -> Result<Entry, SyncError> {
    if blob.len() > MAX_BLOB_BYTES {
        return Err(DecodeError::TooLarge.into());
    }
    let epoch = epoch_of(blob)?;
    let mut r = Reader::new(blob);
    r.take(8)?;
    let nonce = r.array::<12>()?;
    let key = keys
        .iter()
        .find(|k| k.epoch == epoch)
        .ok_or(SyncError::UnknownKeyEpoch(epoch))?;
    let padded = aes_open(&key.key, &nonce, &aad(space, epoch), r.take(r.rest())?)
        .map_err(|_| SyncError::Crypto)?
        .ok_or(SyncError::Unauthentic)?;
    let plain = padding::unpadded(&padded).map_err(|_| SyncError::Unauthentic)?;
    let entry = Entry::decode(plain)?;
    if entry.space != *space {
        return Err(SyncError::WrongSpace);
    }
    Ok(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::ids::DeviceId;
    use crate::sync::op::Op;

    fn entry(space: SpaceId) -> Entry {
        Entry::sign(
            space,
            DeviceId([2; 16]),
            1,
            [0; 32],
            vec![],
            Op::Journal {
                record: [3; 16],
                content: Some(b"a line".to_vec()),
            },
            &[4; 32],
        )
        .unwrap()
    }

    #[test]
    fn a_blob_opens_to_its_entry_and_hides_its_size_in_a_bucket() {
        let space = SpaceId([1; 16]);
        let key = SpaceKey::new(0, [5; 32]);
        let e = entry(space);
        let blob = seal(&key, [6; 12], &e).unwrap();
        assert_eq!(blob.len(), HEADER + 256 + 16);
        let keys = std::slice::from_ref(&key);
        assert_eq!(open(&space, keys, &blob).unwrap(), e);
        assert_eq!(blob_id(&blob), blob_id(&blob.clone()));
    }

    #[test]
    fn every_flipped_bit_is_refused() {
        let space = SpaceId([1; 16]);
        let key = SpaceKey::new(0, [5; 32]);
        let blob = seal(&key, [6; 12], &entry(space)).unwrap();
        let keys = std::slice::from_ref(&key);
        for i in 0..blob.len() {
            let mut b = blob.clone();
            b[i] ^= 0x10;
            let got = open(&space, keys, &b).unwrap_err();
            let expected = match i {
                0..=2 => SyncError::Decode(DecodeError::BadMagic),
                3 => SyncError::Decode(DecodeError::UnsupportedVersion(0x11)),
                4..=7 => SyncError::UnknownKeyEpoch(epoch_of(&b).unwrap()),
                _ => SyncError::Unauthentic,
            };
            assert_eq!(got, expected, "byte {i}");
        }
    }

    #[test]
    fn a_blob_of_another_space_or_key_does_not_open() {
        let space = SpaceId([1; 16]);
        let key = SpaceKey::new(0, [5; 32]);
        let blob = seal(&key, [6; 12], &entry(space)).unwrap();
        let other = SpaceKey::new(0, [9; 32]);
        let keys = std::slice::from_ref(&other);
        assert_eq!(open(&space, keys, &blob), Err(SyncError::Unauthentic));
        let keys = std::slice::from_ref(&key);
        assert_eq!(
            open(&SpaceId([2; 16]), keys, &blob),
            Err(SyncError::Unauthentic)
        );
        assert_eq!(
            open(&space, keys, &blob[..10]),
            Err(SyncError::Decode(DecodeError::Truncated))
        );
    }
}
