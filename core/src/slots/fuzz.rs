//! Fuzz check for key-slot records as stored (`key_slots` rows, and the
//! copies a backup header carries). See `crate::fuzzing` for how checks are
//! run.

// A failed property panics: that is the fuzzer's crash (see `crate::fuzzing`).
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use super::{aad_v1, aad_v2, unwrap_from, SlotKind, SlotSecret as Opener, StoredSlot};
use crate::crypto::{self, KdfParams, SecretKey};
use crate::error::{HavenError, Internal};
use crate::fuzzing::{Input, VAULT_ID};
use crate::progress::Silent;

/// The device key the check's openers hold.
fn device_key() -> SecretKey {
    SecretKey::from_bytes([0x17; 32])
}

/// Input: `kind text (short) | kdf (short) | id (short) | salt (short) |
/// mode | rest`.
///
/// - The kind column parses only as one of the names it is written as.
/// - The KDF column decodes only within the stored bounds (older slots
///   may sit below the floor new ones need), and canonically.
/// - Mode even: `rest` is the plaintext the slot wraps, sealed validly
///   under the device key's KEK (as slot format 2, or 1 if mode & 2); unwrapping gives it back as the vault key
///   if it is 32 bytes, and refuses it as corrupt otherwise. Mode odd:
///   `rest` is the stored wrapping itself, which the device key does not
///   open. (Passphrase slots run Argon2id, far too slow to fuzz: their
///   parameters are checked here, and a slot with bad ones is refused
///   before any derivation.)
pub fn check_key_slot(data: &[u8]) {
    let mut input = Input(data);
    let kind_text = String::from_utf8_lossy(input.short()).into_owned();
    let kdf = input.short().to_vec();
    let id = String::from_utf8_lossy(input.short()).into_owned();
    let salt = input.short().to_vec();
    let mode = input.u8();
    let rest = input.rest();

    if let Some(kind) = SlotKind::parse(&kind_text) {
        assert_eq!(kind.as_str(), kind_text);
        assert_eq!(SlotKind::from_code(kind.code()), Some(kind));
    }
    match KdfParams::from_bytes(&kdf) {
        Ok(p) => {
            assert_eq!(p.to_bytes(), kdf, "KDF parameters are not canonical");
            p.check_stored().unwrap();
        }
        Err(e) => {
            assert!(matches!(e, Internal::KdfBounds));
            // A passphrase slot with bad parameters is refused before any
            // derivation, whatever else it holds.
            let slot = StoredSlot {
                id: id.clone(),
                kind: SlotKind::Passphrase,
                kdf: Some(kdf.clone()),
                salt: salt.clone(),
                wrapped: rest.to_vec(),
            };
            let got = unwrap_from(&[slot], VAULT_ID, &Opener::Passphrase("pass"), &Silent);
            assert_eq!(got.err(), Some(HavenError::KdfParamsOutOfBounds));
        }
    }

    let device = device_key();
    let opener = Opener::Device(&device);
    let valid = mode & 1 == 0;
    let wrapped = if valid {
        let kek = opener.kek(None, &salt).unwrap();
        // Format 2 binds the (absent) KDF parameters; format 1, written
        // by older builds, is still read.
        let aad = if mode & 2 == 0 {
            aad_v2(VAULT_ID, &id, SlotKind::Device, None)
        } else {
            aad_v1(VAULT_ID, &id, SlotKind::Device)
        };
        crypto::seal(&kek, &aad, rest).unwrap()
    } else {
        rest.to_vec()
    };
    let slot = StoredSlot {
        id: id.clone(),
        kind: SlotKind::Device,
        kdf: None,
        salt: salt.clone(),
        wrapped,
    };
    let got = unwrap_from(std::slice::from_ref(&slot), VAULT_ID, &opener, &Silent);
    match (valid, got) {
        (true, Ok(key)) => assert_eq!(key.as_bytes().as_slice(), rest),
        (true, Err(e)) => {
            assert_ne!(rest.len(), 32);
            assert_eq!(
                e,
                HavenError::Corrupt {
                    record_id: Some(id)
                }
            );
        }
        (false, got) => match got {
            // Unknown envelope versions are reported as such; anything
            // else the device key cannot open is simply not its slot.
            Err(HavenError::WrongDeviceKey | HavenError::UnsupportedVersion { .. }) => {}
            other => panic!("a forged wrapping unwrapped: {:?}", other.map(|_| ())),
        },
    }
    // A slot is only ever tried by an opener of its own kind.
    let got = unwrap_from(&[slot], VAULT_ID, &Opener::Passphrase("pass"), &Silent);
    assert_eq!(got.err(), Some(HavenError::WrongPassphrase));
}
