#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Published vectors of what core refuses (`core/tests/vectors/
//! share-v1-strict.json`), so other readers (the browser viewer) refuse
//! exactly the same: capsules, carer welcomes and crisis cards that are
//! well signed and well encrypted but carry an unknown field, lack one, or
//! hold the wrong type, each with the error code core gives
//! (`ShareError::code`), beside ones that must open. Also the carer welcome
//! itself, sealed with fixed randomness, for the viewer to open.
//!
//! Capsules are built here by hand (the same steps as `capsule::seal`), so
//! the signed JSON can hold what `Signed` cannot; the unchanged one must
//! open, which shows the hand-built path is the real format.
//! `HAVEN_WRITE_VECTORS=1` rewrites the file; card texts may differ with
//! the compressor's version, so they are compared by what they decode to.

use chrono::{TimeZone, Utc};
use haven_core::share::capsule::{self, Key};
use haven_core::share::card;
use haven_core::share::carer::{check_code, CarerKeys};
use haven_core::share::link::link_secrets;
use haven_core::share::primitives::{aes_seal, b64, ed25519_public, ed25519_sign, unb64};
use haven_core::share::{open_welcome, seal_welcome_with, ShareError, Welcome};
use serde_json::{json, Value};

const PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/vectors/share-v1-strict.json"
);
const SHARE: &str = "c3RyaWN0LXZlY3RvcnMtMQ";

fn bytes(n: u8) -> [u8; 32] {
    let mut b = [0u8; 32];
    for (i, x) in b.iter_mut().enumerate() {
        *x = n.wrapping_mul(37).wrapping_add(i as u8);
    }
    b
}

fn aad(label: &str, share: &str, seq: u64) -> Vec<u8> {
    let mut v = label.as_bytes().to_vec();
    v.push(0);
    v.extend_from_slice(share.as_bytes());
    v.push(0);
    v.extend_from_slice(&seq.to_be_bytes());
    v
}

fn labelled(label: &str, data: &[u8]) -> Vec<u8> {
    let mut v = label.as_bytes().to_vec();
    v.push(0);
    v.extend_from_slice(data);
    v
}

/// A capsule whose signed JSON is `signed` (signed and encrypted as core
/// does), its outer JSON passed through `edit` last.
fn capsule(signed: &Value, edit: impl FnOnce(&mut Value)) -> String {
    let identity = bytes(1);
    let kek = link_secrets(
        &haven_core::share::link::LinkKey::from_bytes(bytes(2)),
        SHARE,
        None,
    )
    .unwrap()
    .kek;
    let content_key = bytes(5);
    let seq = signed["seq"].as_u64().unwrap_or(1);
    let text = serde_json::to_vec(signed).unwrap();
    let sig = ed25519_sign(&identity, &labelled("haven-capsule-v1 signed", &text)).unwrap();
    let mut plain = sig.to_vec();
    plain.extend_from_slice(&u32::try_from(text.len()).unwrap().to_be_bytes());
    plain.extend_from_slice(&text);
    plain.resize(plain.len().max(1024).next_power_of_two(), 0);
    let body = aes_seal(
        &content_key,
        &[6; 12],
        &aad("haven-capsule-v1", SHARE, seq),
        &plain,
    )
    .unwrap();
    let wrap = aes_seal(
        &kek,
        &[7; 12],
        &aad("haven-capsule-v1 link", SHARE, seq),
        &content_key,
    )
    .unwrap();
    let mut outer = json!({
        "haven_capsule": 1,
        "share": SHARE,
        "seq": seq,
        "nonce": b64(&[6; 12]),
        "body": b64(&body),
        "wraps": [{"to": "link", "nonce": b64(&[7; 12]), "key": b64(&wrap)}],
    });
    edit(&mut outer);
    serde_json::to_string(&outer).unwrap()
}

fn card_text(card: &Value) -> String {
    let identity = bytes(1);
    let json = serde_json::to_vec(card).unwrap();
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 10);
    let sig = ed25519_sign(&identity, &labelled("haven-card-v1 signed", &packed)).unwrap();
    let mut bin = ed25519_public(&identity).unwrap().to_vec();
    bin.extend_from_slice(&sig);
    bin.extend_from_slice(&packed);
    format!("{}{}", card::CARD_PREFIX, b64(&bin))
}

fn signed() -> Value {
    let t = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    json!({
        "v": 1,
        "share": SHARE,
        "seq": 1,
        "prev": null,
        "signer": b64(&ed25519_public(&bytes(1)).unwrap()),
        "signed_at": t,
        "expires_at": t + chrono::Duration::days(14),
        "recipient": "Sam, my brother",
        "revoked": false,
        "document": {
            "kind": "crisis_plan",
            "version": "vhash",
            "number": 2,
            "status": "active",
            "signed_on": "2026-12-01",
            "next_review": null,
            "sections": [{"key": "triggers", "label": "Triggers", "content": ["Loud places"]}],
        },
        "reply_to": null,
    })
}

fn card() -> Value {
    json!({
        "v": 1,
        "owner": "Alex",
        "signer": b64(&ed25519_public(&bytes(1)).unwrap()),
        "signed_at": "2026-12-01T09:00:00Z",
        "call": [{"name": "Sam", "relationship": "brother", "phones": ["07700 900123"]}],
        "lines": [{"name": "Samaritans", "number": "116 123", "hours": "24/7"}],
        "helps": ["A quiet room"],
        "approach": "Slowly",
        "do_not_involve": [],
        "notice": card::NOT_REVOCABLE,
    })
}

fn edited(base: Value, edit: impl FnOnce(&mut Value)) -> Value {
    let mut v = base;
    edit(&mut v);
    v
}

fn case(name: &str, format: &str, text: String, expect: &str) -> Value {
    json!({"name": name, "format": format, "text": text, "expect": expect})
}

fn welcome_text(w: &Value) -> String {
    let carer = CarerKeys::from_secret(bytes(3));
    let sealed = seal_welcome_with_value(w, &carer.public());
    b64(&sealed)
}

/// Seals any JSON as a welcome (the typed `seal_welcome_with` can only
/// seal a well-formed `Welcome`; it is checked to agree below).
fn seal_welcome_with_value(w: &Value, carer_public: &[u8; 32]) -> Vec<u8> {
    let plain = serde_json::to_vec(w).unwrap();
    let (enc, ct) = haven_core::share::primitives::hpke_seal(
        carer_public,
        b"haven-carer-welcome-v1",
        SHARE.as_bytes(),
        &plain,
        &bytes(9),
    )
    .unwrap();
    let mut out = enc.to_vec();
    out.extend_from_slice(&ct);
    out
}

/// The welcome as core seals it when it enrols a carer (field order and all).
fn sealed_welcome() -> String {
    let w: Welcome = serde_json::from_value(welcome()).unwrap();
    let carer = CarerKeys::from_secret(bytes(3));
    b64(&seal_welcome_with(&w, SHARE, &carer.public(), &bytes(9)).unwrap())
}

fn welcome() -> Value {
    json!({
        "relay": "https://relay.example",
        "share": SHARE,
        "token": b64(&bytes(10)),
        "signer": b64(&ed25519_public(&bytes(1)).unwrap()),
    })
}

fn vectors() -> Value {
    let s = signed();
    let carer = CarerKeys::from_secret(bytes(3));
    let signer = ed25519_public(&bytes(1)).unwrap();
    let cases = vec![
        case("as sealed", "capsule", capsule(&s, |_| {}), "ok"),
        case(
            "optional fields left out",
            "capsule",
            capsule(
                &edited(s.clone(), |v| {
                    let o = v.as_object_mut().unwrap();
                    o.remove("prev");
                    o.remove("reply_to");
                    o["document"].as_object_mut().unwrap().remove("next_review");
                }),
                |_| {},
            ),
            "ok",
        ),
        case(
            "outer: unknown field",
            "capsule",
            capsule(&s, |o| o["padding"] = json!("x")),
            "malformed",
        ),
        case(
            "outer: field missing",
            "capsule",
            capsule(&s, |o| {
                o.as_object_mut().unwrap().remove("nonce");
            }),
            "malformed",
        ),
        case(
            "outer: newer format",
            "capsule",
            capsule(&s, |o| o["haven_capsule"] = json!(2)),
            "unsupported_version",
        ),
        case(
            "wrap: unknown field",
            "capsule",
            capsule(&s, |o| o["wraps"][0]["hint"] = json!("x")),
            "malformed",
        ),
        case(
            "wrap: unknown kind",
            "capsule",
            capsule(&s, |o| o["wraps"][0]["to"] = json!("everyone")),
            "malformed",
        ),
        case(
            "signed: unknown field",
            "capsule",
            capsule(&edited(s.clone(), |v| v["tracking"] = json!(true)), |_| {}),
            "malformed",
        ),
        case(
            "signed: field missing",
            "capsule",
            capsule(
                &edited(s.clone(), |v| {
                    v.as_object_mut().unwrap().remove("recipient");
                }),
                |_| {},
            ),
            "malformed",
        ),
        case(
            "signed: wrong type",
            "capsule",
            capsule(&edited(s.clone(), |v| v["revoked"] = json!("no")), |_| {}),
            "malformed",
        ),
        case(
            "signed: not a time",
            "capsule",
            capsule(
                &edited(s.clone(), |v| v["signed_at"] = json!("yesterday")),
                |_| {},
            ),
            "malformed",
        ),
        case(
            "document: unknown field",
            "capsule",
            capsule(
                &edited(s.clone(), |v| v["document"]["comment"] = json!("x")),
                |_| {},
            ),
            "malformed",
        ),
        case(
            "document: unknown kind",
            "capsule",
            capsule(
                &edited(s.clone(), |v| v["document"]["kind"] = json!("diary")),
                |_| {},
            ),
            "malformed",
        ),
        case(
            "document: not a date",
            "capsule",
            capsule(
                &edited(s.clone(), |v| {
                    v["document"]["signed_on"] = json!("2026-13-45")
                }),
                |_| {},
            ),
            "malformed",
        ),
        case(
            "section: unknown field",
            "capsule",
            capsule(
                &edited(s.clone(), |v| {
                    v["document"]["sections"][0]["style"] = json!("x")
                }),
                |_| {},
            ),
            "malformed",
        ),
        case(
            "section: content missing",
            "capsule",
            capsule(
                &edited(s.clone(), |v| {
                    v["document"]["sections"][0]
                        .as_object_mut()
                        .unwrap()
                        .remove("content");
                }),
                |_| {},
            ),
            "malformed",
        ),
        case("as sealed", "welcome", sealed_welcome(), "ok"),
        case(
            "fields in another order",
            "welcome",
            welcome_text(&welcome()),
            "ok",
        ),
        case(
            "unknown field",
            "welcome",
            welcome_text(&edited(welcome(), |v| v["note"] = json!("x"))),
            "malformed",
        ),
        case(
            "field missing",
            "welcome",
            welcome_text(&edited(welcome(), |v| {
                v.as_object_mut().unwrap().remove("token");
            })),
            "malformed",
        ),
        case("as signed", "card", card_text(&card()), "ok"),
        case(
            "unknown field",
            "card",
            card_text(&edited(card(), |v| v["photo"] = json!("x"))),
            "tampered",
        ),
        case(
            "person: unknown field",
            "card",
            card_text(&edited(card(), |v| v["call"][0]["email"] = json!("x"))),
            "tampered",
        ),
        case(
            "field missing",
            "card",
            card_text(&edited(card(), |v| {
                v.as_object_mut().unwrap().remove("notice");
            })),
            "tampered",
        ),
    ];
    json!({
        "about": "What core refuses, for other readers to refuse alike: each case's text is a capsule (open with link_kek at now), a carer welcome (open with carer_secret) or a crisis card; expect is core's ShareError code, or ok. See core/tests/share_strict_vectors.rs.",
        "share": SHARE,
        "now": "2026-12-02T00:00:00Z",
        "link_kek": b64(link_secrets(&haven_core::share::link::LinkKey::from_bytes(bytes(2)), SHARE, None).unwrap().kek.as_slice()),
        "carer_secret": b64(carer.secret()),
        "welcome": {
            "text": sealed_welcome(),
            "welcome": welcome(),
            "carer_public": carer.public_b64(),
            "check_code": check_code(&signer, &carer.public()),
        },
        "cases": cases,
    })
}

/// What core says of one case: `ok` or the error's code.
fn core_says(v: &Value, c: &Value) -> String {
    let text = c["text"].as_str().unwrap();
    let result: Result<(), ShareError> = match c["format"].as_str().unwrap() {
        "capsule" => {
            let kek: [u8; 32] = unb64(v["link_kek"].as_str().unwrap())
                .unwrap()
                .try_into()
                .unwrap();
            let now = chrono::DateTime::parse_from_rfc3339(v["now"].as_str().unwrap())
                .unwrap()
                .to_utc();
            capsule::open(text.as_bytes(), SHARE, Key::Link(&kek), None, now).map(|_| ())
        }
        "welcome" => {
            let secret: [u8; 32] = unb64(v["carer_secret"].as_str().unwrap())
                .unwrap()
                .try_into()
                .unwrap();
            open_welcome(&unb64(text).unwrap(), SHARE, &secret).map(|_| ())
        }
        "card" => card::decode(text, None).map(|_| ()),
        other => panic!("unknown format {other}"),
    };
    match result {
        Ok(()) => "ok".into(),
        Err(e) => e.code().into(),
    }
}

#[test]
fn published_strict_vectors_match_this_build_and_core_refuses_each() {
    let fresh = vectors();
    if std::env::var_os("HAVEN_WRITE_VECTORS").is_some() {
        std::fs::write(PATH, serde_json::to_string_pretty(&fresh).unwrap() + "\n").unwrap();
    }
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(PATH).unwrap()).unwrap();
    let without_cards = |v: &Value| {
        let mut v = v.clone();
        for c in v["cases"].as_array_mut().unwrap() {
            if c["format"] == "card" {
                c["text"] = Value::Null;
            }
        }
        v
    };
    assert_eq!(
        without_cards(&fresh),
        without_cards(&stored),
        "rerun with HAVEN_WRITE_VECTORS=1 only for a deliberate format change"
    );
    let cases = stored["cases"].as_array().unwrap();
    assert!(cases.len() >= 20);
    for c in cases {
        assert_eq!(
            core_says(&stored, c),
            c["expect"].as_str().unwrap(),
            "{} {}",
            c["format"],
            c["name"]
        );
    }
    // The welcome opens, for its carer only, to what was sealed.
    let secret: [u8; 32] = unb64(stored["carer_secret"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let text = unb64(stored["welcome"]["text"].as_str().unwrap()).unwrap();
    let w = open_welcome(&text, SHARE, &secret).unwrap();
    assert_eq!(
        serde_json::to_value(&w).unwrap(),
        stored["welcome"]["welcome"]
    );
    assert_eq!(
        open_welcome(&text, SHARE, &bytes(4)).unwrap_err(),
        ShareError::Tampered
    );
}
