//! Checks of the HPKE-sealed sharing formats: a clinician's reply
//! (`share_reply`), an access-log entry (`share_access_log`) and a carer's
//! welcome (`carer_welcome`). Each is read as it arrives (raw mode) and,
//! so the fuzzer gets past HPKE, as its plaintext sealed validly to the
//! known key (structured mode).

use chrono::{DurationRound, TimeDelta};

use super::super::primitives::{b64, hpke_seal};
use super::super::reply::{self, MAX_REPLY_BYTES};
use super::super::{access_log, open_welcome, ShareError};
use super::{fixed_point, public, CARER, LOG, REPLY, SENDER_IKM, SHARE};
use crate::fuzzing::Input;

/// `info`, the associated data `label || 0x00 || SHARE`, and the fuzzer's
/// plaintext sealed to `secret`'s public key.
fn seal_to(secret: &[u8; 32], info: &[u8], aad: &[u8], plain: &[u8]) -> ([u8; 32], Vec<u8>) {
    hpke_seal(&public(secret), info, aad, plain, &SENDER_IKM).unwrap()
}

fn labelled(label: &[u8]) -> Vec<u8> {
    let mut v = label.to_vec();
    v.push(0);
    v.extend_from_slice(SHARE.as_bytes());
    v
}

/// First byte even: the rest is a sealed reply as the relay hands it over.
/// Odd: the rest is the reply's JSON, sealed to the share's reply key. A
/// reply that opens passes `Reply::check`, re-encodes to a fixed point,
/// and sealed again by the real sealer opens to itself; where its JSON is
/// exactly what the sealer writes, the sealed bytes are the same too. The
/// relay's own check of a posted reply (`reply::addressed_to`) refuses
/// exactly what the reader refuses before decrypting.
pub fn check_reply(data: &[u8]) {
    let mut input = Input(data);
    let structured = input.u8() & 1 == 1;
    let rest = input.rest();
    let bytes = if structured {
        let (enc, ct) = seal_to(
            &REPLY,
            b"haven-reply-v1",
            &labelled(b"haven-reply-v1"),
            rest,
        );
        // The wire format in its fields' order, as the sealer writes it.
        format!(
            r#"{{"haven_reply":1,"share":"{SHARE}","enc":"{}","ct":"{}"}}"#,
            b64(&enc),
            b64(&ct)
        )
        .into_bytes()
    } else {
        rest.to_vec()
    };
    let opened = reply::open(&bytes, SHARE, &REPLY);
    // The relay's check agrees with the reader: it passes every reply that
    // opens, and refuses only what the reader refuses before decrypting.
    match reply::addressed_to(&bytes, SHARE) {
        Ok(()) => {}
        Err(e) => assert_eq!(opened.as_ref().err(), Some(&e), "the relay refused {e:?}"),
    }
    match opened {
        Ok(r) => {
            r.check().unwrap();
            fixed_point(&r);
            let to = b64(&public(&REPLY));
            match reply::seal_with(&r, SHARE, &to, &SENDER_IKM) {
                Ok(again) => {
                    assert!(
                        reply::open(&again, SHARE, &REPLY).unwrap() == r,
                        "resealing changed the reply"
                    );
                    if structured && serde_json::to_vec(&r).unwrap() == rest {
                        assert_eq!(
                            again, bytes,
                            "the canonical reply re-encodes to other bytes"
                        );
                    }
                }
                Err(ShareError::TooLarge) => assert!(bytes.len() > MAX_REPLY_BYTES / 2),
                Err(e) => panic!("a reply that opened cannot be sealed: {e:?}"),
            }
        }
        Err(e) => match e {
            ShareError::Malformed | ShareError::Invalid { .. } => {}
            ShareError::Tampered
            | ShareError::UnsupportedVersion { .. }
            | ShareError::WrongShare
            | ShareError::TooLarge => assert!(!structured, "{e:?}"),
            e => panic!("{e:?}"),
        },
    }
}

/// Like [`check_reply`], for one access-log entry: what opens re-encodes
/// to a fixed point, and an entry on the hour, sealed again by the relay's
/// sealer, opens to itself.
pub fn check_access_log(data: &[u8]) {
    let mut input = Input(data);
    let structured = input.u8() & 1 == 1;
    let rest = input.rest();
    let bytes = if structured {
        let (enc, ct) = seal_to(&LOG, b"haven-log-v1", &labelled(b"haven-log-v1"), rest);
        serde_json::to_vec(&serde_json::json!({"enc": b64(&enc), "ct": b64(&ct)})).unwrap()
    } else {
        rest.to_vec()
    };
    match access_log::open(&bytes, SHARE, &LOG) {
        Ok(entry) => {
            fixed_point(&entry);
            if entry.hour.duration_trunc(TimeDelta::hours(1)).ok() == Some(entry.hour) {
                let again =
                    access_log::seal(entry.event, entry.hour, SHARE, &b64(&public(&LOG))).unwrap();
                assert_eq!(access_log::open(&again, SHARE, &LOG).unwrap(), entry);
            }
        }
        Err(ShareError::Malformed) => {}
        Err(ShareError::Tampered) => assert!(!structured),
        Err(e) => panic!("{e:?}"),
    }
}

/// Like [`check_reply`], for a carer's welcome (`enc(32) || ct`, not JSON
/// around it): what opens re-encodes to a fixed point.
pub fn check_welcome(data: &[u8]) {
    let mut input = Input(data);
    let structured = input.u8() & 1 == 1;
    let rest = input.rest();
    let bytes = if structured {
        // info "haven-carer-welcome-v1", associated data the share id.
        let (enc, ct) = seal_to(&CARER, b"haven-carer-welcome-v1", SHARE.as_bytes(), rest);
        [enc.as_slice(), &ct].concat()
    } else {
        rest.to_vec()
    };
    match open_welcome(&bytes, SHARE, &CARER) {
        Ok(welcome) => fixed_point(&welcome),
        Err(ShareError::Malformed) => {}
        Err(ShareError::Tampered) => assert!(!structured),
        Err(e) => panic!("{e:?}"),
    }
}
