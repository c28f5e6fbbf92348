//! The crisis-card check (`crisis_card`): the text a QR code holds, read
//! with no network and no key but the signer's own.

use super::super::card::{self, CARD_PREFIX, NOT_REVOCABLE};
use super::super::primitives::{b64, ed25519_sign};
use super::super::{qr, ShareError};
use super::{signer, IDENTITY};
use crate::fuzzing::Input;

/// Most bytes a QR code holds in byte mode (version 40, error correction
/// M); text with runs of digits or capitals may fit more.
const QR_CAPACITY: usize = 2331;

/// Input: `mode | rest`. Mode 0: the rest is the card's text. Mode 1: the
/// rest is the compressed bytes (raw DEFLATE, as the fuzzer shapes them),
/// signed by the known identity. Mode 2: the rest is the card's JSON,
/// compressed and signed as the encoder does. The mode's high bits pick
/// the signer the reader expects (none, the right one, another).
///
/// A card that reads is version 1, names the key that signed it, and
/// encoded again (when the known identity signed it) reads as itself;
/// where its JSON is exactly what the encoder writes, the encoder gives
/// back the very same text (the card is canonical). Its text makes a QR
/// code whenever it fits in one.
pub fn check_card(data: &[u8]) {
    let mut input = Input(data);
    let mode = input.u8();
    let rest = input.rest();
    let text = match mode % 3 {
        0 => String::from_utf8_lossy(rest).into_owned(),
        1 => signed_text(rest),
        _ => signed_text(&miniz_oxide::deflate::compress_to_vec(rest, 10)),
    };
    let ours = b64(&signer());
    let expected = match (mode >> 2) % 3 {
        0 => None,
        1 => Some(ours.as_str()),
        _ => Some("c29tZW9uZS1lbHNl"),
    };
    match card::decode(&text, expected) {
        Ok(card) => {
            assert_eq!(card.v, 1);
            if let Some(e) = expected {
                assert_eq!(card.signer, e);
            }
            if card.signer == ours && card.notice == NOT_REVOCABLE {
                let again = match card::encode(&card, &IDENTITY) {
                    Ok(again) => again,
                    // A card read from nearly 64 KiB of JSON may write a
                    // little more (times gain their fraction's digits).
                    Err(ShareError::TooLarge) => return,
                    Err(e) => panic!("a card that reads cannot be encoded: {e:?}"),
                };
                assert!(
                    card::decode(&again, None).unwrap() == card,
                    "re-encoding changed the card"
                );
                if mode % 3 == 2 && serde_json::to_vec(&card).unwrap() == rest {
                    assert_eq!(again, text, "the canonical card encodes to other text");
                }
            }
            // QR codes are slow to make: one card in sixteen.
            if mode & 0xf0 == 0xf0 {
                match qr::svg(text.as_bytes()) {
                    Ok(svg) => assert!(svg.contains("<svg")),
                    Err(e) => {
                        assert!(matches!(e, ShareError::TooLarge) && text.len() > QR_CAPACITY)
                    }
                }
            }
        }
        Err(e) => match e {
            ShareError::TooLarge => assert!(mode % 3 == 0, "{e:?}"),
            ShareError::Malformed
            | ShareError::Tampered
            | ShareError::UnsupportedVersion { .. }
            | ShareError::WrongSigner => {}
            e => panic!("{e:?}"),
        },
    }
}

/// `CARD_PREFIX || b64(signer || sig || packed)`, signed by the known identity.
fn signed_text(packed: &[u8]) -> String {
    let mut msg = b"haven-card-v1 signed\0".to_vec();
    msg.extend_from_slice(packed);
    let sig = ed25519_sign(&IDENTITY, &msg).unwrap();
    let bin = [signer().as_slice(), &sig, packed].concat();
    format!("{CARD_PREFIX}{}", b64(&bin))
}
