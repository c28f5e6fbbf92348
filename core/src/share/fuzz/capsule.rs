//! The capsule check (`share_capsule`): what a relay hands a reader.

use serde_json::Value;

use super::super::capsule::{self, capsule_hash, Key, Opened, Recipients, Seen, Signed};
use super::super::primitives::{aes_seal, b64, ed25519_sign, hpke_seal};
use super::super::ShareError;
use super::{
    fixed_point, now, public, signer, CARER, CONTENT_KEY, IDENTITY, LINK_KEK, SENDER_IKM, SHARE,
};
use crate::fuzzing::Input;

/// The capsule format, written from its description in `capsule.rs` (not
/// from its code), so the reader is checked against the documented layout.
fn aad(label: &str, seq: u64) -> Vec<u8> {
    let mut v = label.as_bytes().to_vec();
    v.push(0);
    v.extend_from_slice(SHARE.as_bytes());
    v.push(0);
    v.extend_from_slice(&seq.to_be_bytes());
    v
}

const BODY_NONCE: [u8; 12] = [1; 12];
const LINK_NONCE: [u8; 12] = [2; 12];

/// First byte even: the rest is a capsule as a relay sends it, opened with
/// the link key and as a carer. Odd: `seen | seq | framing | carer | signed
/// JSON`: the JSON is signed by the known identity and sealed as capsule
/// `seq` of the share (to the link, and to the carer if asked), with the
/// length field off by `framing` if asked, then opened against what the
/// reader saw before (`seen`).
pub fn check_capsule(data: &[u8]) {
    let mut input = Input(data);
    if input.u8() & 1 == 0 {
        raw(input.rest());
    } else {
        structured(&mut input);
    }
}

fn raw(bytes: &[u8]) {
    for key in [Key::Link(&LINK_KEK), Key::Carer(&CARER)] {
        match capsule::open(bytes, SHARE, key, None, now()) {
            Ok(opened) => {
                accepted(&opened, None);
                // The outer JSON is not canonical; its re-encoding is a
                // fixed point, and reading it again is allowed (same seq,
                // same hash).
                let outer: Value = serde_json::from_slice(bytes).unwrap();
                fixed_point(&outer);
                let again = capsule::open(
                    bytes,
                    SHARE,
                    Key::Link(&LINK_KEK),
                    Some(&opened.seen()),
                    now(),
                )
                .or_else(|_| {
                    capsule::open(
                        bytes,
                        SHARE,
                        Key::Carer(&CARER),
                        Some(&opened.seen()),
                        now(),
                    )
                });
                assert_eq!(again.unwrap().hash, opened.hash);
            }
            Err(e) => assert!(
                matches!(
                    e,
                    ShareError::Malformed
                        | ShareError::UnsupportedVersion { .. }
                        | ShareError::WrongShare
                        | ShareError::WrongKeyOrPin
                        | ShareError::NotARecipient
                        | ShareError::Tampered
                        | ShareError::Spliced
                        | ShareError::Expired { .. }
                        | ShareError::Revoked
                        | ShareError::TooLarge
                ),
                "{e:?}"
            ),
        }
    }
}

/// What any capsule that opens must be.
fn accepted(opened: &Opened, seen: Option<&Seen>) {
    let c = &opened.content;
    assert_eq!(c.v, capsule::CAPSULE_VERSION);
    assert_eq!(c.share, SHARE);
    assert!(c.seq >= 1);
    assert!(
        !c.revoked && c.document.is_some(),
        "a revoked or empty capsule opened"
    );
    assert!(now() < c.expires_at, "an expired capsule opened");
    match seen {
        None => assert!(
            c.seq > 1 || c.prev.is_none(),
            "a first capsule names a previous one"
        ),
        Some(s) => {
            assert_eq!(c.signer, s.signer, "another signer was accepted");
            assert!(c.seq >= s.seq, "a rollback was accepted");
            if c.seq == s.seq {
                assert_eq!(opened.hash, s.hash, "two capsules with one sequence number");
            }
            if c.seq == s.seq + 1 {
                assert_eq!(c.prev.as_deref(), Some(s.hash.as_str()), "a broken chain");
            }
        }
    }
}

fn structured(input: &mut Input<'_>) {
    let seen_mode = input.u8();
    let seq_byte = input.u8();
    let framing = input.u8();
    let to_carer = input.u8() & 1 == 1;
    let signed = input.rest();

    // The sequence number the outer capsule says: the signed one's, unless
    // the fuzzer asks for another.
    let parsed: Option<Signed> = serde_json::from_slice(signed).ok();
    let seq = match (&parsed, seq_byte & 0x80) {
        (Some(p), 0) => p.seq,
        _ => u64::from(seq_byte & 0x7f),
    };
    let real_signer = b64(&signer());
    let signed_hash = capsule_hash(signed);
    let seen = match seen_mode % 5 {
        0 => None,
        1 => Some(Seen {
            seq,
            hash: signed_hash.clone(),
            signer: real_signer.clone(),
        }),
        2 => Some(Seen {
            seq: seq.wrapping_sub(1),
            hash: signed_hash.clone(),
            signer: real_signer.clone(),
        }),
        3 => Some(Seen {
            seq: u64::from(seen_mode >> 3),
            hash: "AAAA".into(),
            signer: real_signer.clone(),
        }),
        _ => Some(Seen {
            seq: seq.wrapping_sub(1),
            hash: signed_hash.clone(),
            signer: b64(&[9; 32]),
        }),
    };

    // body_plain = sig(64) || u32be(len) || signed || zeros to a power of two >= 1 KiB
    let mut sign_input = b"haven-capsule-v1 signed\0".to_vec();
    sign_input.extend_from_slice(signed);
    let sig = ed25519_sign(&IDENTITY, &sign_input).unwrap();
    let true_len = signed.len() as u32;
    let len = if framing & 1 == 1 {
        true_len
            .wrapping_add(u32::from(framing >> 1))
            .wrapping_sub(64)
    } else {
        true_len
    };
    let mut plain = sig.to_vec();
    plain.extend_from_slice(&len.to_be_bytes());
    plain.extend_from_slice(signed);
    plain.resize(plain.len().max(1024).next_power_of_two(), 0);
    let body_aad = aad("haven-capsule-v1", seq);
    let body = aes_seal(&CONTENT_KEY, &BODY_NONCE, &body_aad, &plain).unwrap();
    let mut wraps = vec![serde_json::json!({
        "to": "link",
        "nonce": b64(&LINK_NONCE),
        "key": b64(&aes_seal(&LINK_KEK, &LINK_NONCE, &aad("haven-capsule-v1 link", seq), &CONTENT_KEY).unwrap()),
    })];
    if to_carer {
        let (enc, key) = hpke_seal(
            &public(&CARER),
            b"haven-capsule-v1 carer",
            &body_aad,
            &CONTENT_KEY,
            &SENDER_IKM,
        )
        .unwrap();
        wraps.push(serde_json::json!({"to": "carer", "enc": b64(&enc), "key": b64(&key)}));
    }
    let outer = serde_json::json!({
        "haven_capsule": 1, "share": SHARE, "seq": seq,
        "nonce": b64(&BODY_NONCE), "body": b64(&body), "wraps": wraps,
    });
    let bytes = serde_json::to_vec(&outer).unwrap();

    let key = if to_carer {
        Key::Carer(&CARER)
    } else {
        Key::Link(&LINK_KEK)
    };
    match capsule::open(&bytes, SHARE, key, seen.as_ref(), now()) {
        Ok(opened) => {
            assert_eq!(len, true_len, "a capsule with a wrong length field opened");
            assert!(
                parsed.as_ref() == Some(&opened.content),
                "opened other content than was signed"
            );
            assert_eq!(opened.hash, signed_hash);
            assert_eq!(opened.content.seq, seq);
            accepted(&opened, seen.as_ref());
            reseal(&opened, signed);
        }
        Err(e) => {
            let framed = len == true_len;
            match e {
                // The seal is valid: only a wrong length field, or a
                // signed text naming another signer, fails authentication.
                ShareError::Tampered => assert!(
                    !framed || parsed.as_ref().is_none_or(|p| p.signer != real_signer),
                    "a valid signature was refused"
                ),
                ShareError::Malformed => {
                    assert!(
                        !framed
                            || parsed
                                .as_ref()
                                .is_none_or(|p| p.document.is_none() || p.signer != real_signer)
                    )
                }
                ShareError::UnsupportedVersion { .. }
                | ShareError::Spliced
                | ShareError::Rollback { .. }
                | ShareError::WrongSigner
                | ShareError::Expired { .. }
                | ShareError::Revoked => assert!(framed && parsed.is_some(), "{e:?}"),
                e => panic!("{e:?}"),
            }
        }
    }
}

/// What opened, sealed again with the real sealer, opens to the same
/// content; and where the signed text is exactly what the sealer writes,
/// the new capsule has the very same hash (its signed bytes are canonical).
fn reseal(opened: &Opened, signed: &[u8]) {
    let rnd = capsule::Randomness {
        content_key: CONTENT_KEY.into(),
        body_nonce: BODY_NONCE,
        link_nonce: LINK_NONCE,
        carer_ikm: Vec::new(),
    };
    let to = Recipients {
        link_kek: Some(&LINK_KEK),
        carers: &[],
    };
    let sealed = capsule::seal_with(&opened.content, &IDENTITY, &to, &rnd).unwrap();
    let back = capsule::open(&sealed.bytes, SHARE, Key::Link(&LINK_KEK), None, now());
    // Sealing drops sub-second times; the signed text keeps them.
    let mut truncated = opened.content.clone();
    truncated.signed_at = chrono::SubsecRound::trunc_subsecs(truncated.signed_at, 0);
    truncated.expires_at = chrono::SubsecRound::trunc_subsecs(truncated.expires_at, 0);
    match back {
        Ok(back) => {
            // What sealing writes is the JSON of the content; compare with
            // what that JSON reads back as (serde_json reads some long
            // decimals to the neighbouring float, which is serde_json's
            // and harmless: no document section holds a float).
            let written: Signed =
                serde_json::from_slice(&serde_json::to_vec(&truncated).unwrap()).unwrap();
            assert!(back.content == written, "sealing changed the content");
            if serde_json::to_vec(&opened.content).unwrap() == signed && truncated == opened.content
            {
                assert_eq!(
                    back.hash, opened.hash,
                    "the canonical signed text re-encodes to other bytes"
                );
            }
        }
        // Truncating may put the expiry at or before now, or a first
        // capsule may name a previous one (a chain check against nothing).
        Err(ShareError::Expired { .. } | ShareError::Spliced) => {}
        Err(e) => panic!("a resealed capsule was refused: {e:?}"),
    }
}
