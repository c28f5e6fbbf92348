#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Published test vectors for the sharing formats (`core/tests/vectors/
//! share-v1.json`), for every other implementation (the browser viewer)
//! to check against: link secrets, a capsule to a link with a PIN and to a
//! carer, a clinician's reply, a check code and a crisis card.
//!
//! The vectors are made from fixed "randomness" and must come out byte for
//! byte the same on every run (the card excepted: DEFLATE output may change
//! with the compressor's version, so its stored text must decode to the
//! same card instead). `HAVEN_WRITE_VECTORS=1` rewrites the file after a
//! deliberate format change; old vectors must keep opening.

use chrono::{TimeZone, Utc};
use haven_core::documents::{DocumentKind, ReviewResponse, Section, VersionStatus};
use haven_core::share::capsule::{
    self, Key, Randomness, Recipients, SharedDocument, SharedSection, Signed,
};
use haven_core::share::card::{self, Card, CardLine, CardPerson};
use haven_core::share::carer::{check_code, CarerKeys};
use haven_core::share::link::{access_hash, link_secrets, Link, LinkKey};
use haven_core::share::primitives::{b64, ed25519_public, unb64};
use haven_core::share::reply::{self, Reply, ReplySection};
use serde_json::{json, Value};
use zeroize::Zeroizing;

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/share-v1.json");
const SHARE: &str = "c2hhcmUtaWQtdmVjdG9yMQ";

fn bytes(n: u8) -> [u8; 32] {
    let mut b = [0u8; 32];
    for (i, x) in b.iter_mut().enumerate() {
        *x = n.wrapping_mul(31).wrapping_add(i as u8);
    }
    b
}

fn vectors() -> Value {
    let identity = bytes(1);
    let signer = ed25519_public(&identity).unwrap();
    let key = LinkKey::from_bytes(bytes(2));
    let pin = "4711";
    let with_pin = link_secrets(&key, SHARE, Some(pin)).unwrap();
    let without = link_secrets(&key, SHARE, None).unwrap();
    let carer = CarerKeys::from_secret(bytes(3));
    let reply_secret = bytes(4);
    let reply_public = CarerKeys::from_secret(reply_secret).public();
    let t = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();

    let content = Signed {
        v: 1,
        share: SHARE.into(),
        seq: 1,
        prev: None,
        signer: b64(&signer),
        signed_at: t,
        expires_at: t + chrono::Duration::days(14),
        recipient: "Sam, my brother".into(),
        revoked: false,
        document: Some(SharedDocument {
            kind: DocumentKind::AdvanceStatement,
            version: "vhash".into(),
            number: 3,
            status: VersionStatus::Active,
            signed_on: Some(t.date_naive()),
            next_review: Some((t + chrono::Duration::days(180)).date_naive()),
            sections: vec![SharedSection {
                key: "values_and_wishes".into(),
                label: "My values and wishes".into(),
                content: json!({"what_matters": "Tea, and my cat — ça va. 日本語"}),
            }],
        }),
        reply_to: Some(b64(&reply_public)),
    };
    let rnd = Randomness {
        content_key: Zeroizing::new(bytes(5)),
        body_nonce: [6; 12],
        link_nonce: [7; 12],
        carer_ikm: vec![Zeroizing::new(bytes(8))],
    };
    let sealed = capsule::seal_with(
        &content,
        &identity,
        &Recipients {
            link_kek: Some(&with_pin.kek),
            carers: &[carer.public()],
        },
        &rnd,
    )
    .unwrap();
    let reply = Reply {
        v: 1,
        version: "vhash".into(),
        name: "Dr A. Clinician".into(),
        role: "Consultant psychiatrist".into(),
        organisation: "Community team".into(),
        date: t.date_naive(),
        sections: vec![ReplySection {
            section: Section::ValuesAndWishes,
            response: ReviewResponse::CannotFollow,
            reason: "Needs a ward with a garden".into(),
        }],
        notes: String::new(),
    };
    let reply_ikm = bytes(9);
    let sealed_reply = reply::seal_with(&reply, SHARE, &b64(&reply_public), &reply_ikm).unwrap();
    let card = Card {
        v: 1,
        owner: "Alex".into(),
        signer: b64(&signer),
        signed_at: t,
        call: vec![CardPerson {
            name: "Sam".into(),
            relationship: "brother".into(),
            phones: vec!["07700 900123".into()],
        }],
        lines: vec![CardLine {
            name: "Samaritans".into(),
            number: "116 123".into(),
            hours: "24/7".into(),
        }],
        helps: vec!["A quiet room".into()],
        approach: "Slowly, and tell me who you are".into(),
        do_not_involve: vec![],
        notice: card::NOT_REVOCABLE.into(),
    };
    let link = Link {
        relay: "https://relay.example".into(),
        share_id: SHARE.into(),
        key: key.clone(),
        needs_pin: true,
    };
    json!({
        "about": "Haven sharing formats, version 1: see docs/adr/0008-share-capsules.md. All binary fields are base64url without padding.",
        "identity_seed": b64(&identity),
        "signer": b64(&signer),
        "link": {
            "url": link.to_url(),
            "share": SHARE,
            "key": b64(key.as_bytes()),
            "pin": pin,
            "kek": b64(with_pin.kek.as_slice()),
            "access_token": b64(with_pin.access_token.as_slice()),
            "access_hash": b64(&access_hash(with_pin.access_token.as_slice())),
            "kek_without_pin": b64(without.kek.as_slice()),
            "access_token_without_pin": b64(without.access_token.as_slice()),
        },
        "capsule": {
            "content_key": b64(rnd.content_key.as_slice()),
            "carer_secret": b64(carer.secret()),
            "carer_public": carer.public_b64(),
            "check_code": check_code(&signer, &carer.public()),
            "now": "2026-12-02T00:00:00Z",
            "bytes": String::from_utf8(sealed.bytes).unwrap(),
            "hash": sealed.hash,
            "signed": serde_json::to_value(&content).unwrap(),
        },
        "reply": {
            "secret": b64(&reply_secret),
            "public": b64(&reply_public),
            "bytes": String::from_utf8(sealed_reply).unwrap(),
            // The clinician's HPKE randomness (`ikmE`), so other
            // implementations can reproduce `bytes` exactly.
            "ephemeral_ikm": b64(&reply_ikm),
            "reply": serde_json::to_value(&reply).unwrap(),
        },
        "card": {
            "text": card::encode(&card, &identity).unwrap(),
            "card": serde_json::to_value(&card).unwrap(),
        },
    })
}

#[test]
fn published_vectors_match_this_build_and_open() {
    let fresh = vectors();
    if std::env::var_os("HAVEN_WRITE_VECTORS").is_some() {
        std::fs::write(PATH, serde_json::to_string_pretty(&fresh).unwrap() + "\n").unwrap();
    }
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(PATH).unwrap()).unwrap();
    // Everything but the card's compressed text is byte-for-byte stable.
    let mut a = fresh.clone();
    let mut b = stored.clone();
    a["card"]["text"] = Value::Null;
    b["card"]["text"] = Value::Null;
    assert_eq!(
        a, b,
        "rerun with HAVEN_WRITE_VECTORS=1 only for a deliberate format change"
    );

    // The stored vectors open: with the PIN's KEK, as the carer, and the reply and card.
    let c = &stored["capsule"];
    let now = chrono::DateTime::parse_from_rfc3339(c["now"].as_str().unwrap())
        .unwrap()
        .to_utc();
    let kek: [u8; 32] = unb64(stored["link"]["kek"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let bytes = c["bytes"].as_str().unwrap().as_bytes();
    let o = capsule::open(bytes, SHARE, Key::Link(&kek), None, now).unwrap();
    assert_eq!(serde_json::to_value(&o.content).unwrap(), c["signed"]);
    assert_eq!(o.hash, c["hash"].as_str().unwrap());
    let carer: [u8; 32] = unb64(c["carer_secret"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    assert!(capsule::open(bytes, SHARE, Key::Carer(&carer), None, now).is_ok());
    let rs: [u8; 32] = unb64(stored["reply"]["secret"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let r = reply::open(
        stored["reply"]["bytes"].as_str().unwrap().as_bytes(),
        SHARE,
        &rs,
    )
    .unwrap();
    assert_eq!(serde_json::to_value(&r).unwrap(), stored["reply"]["reply"]);
    let card = card::decode(
        stored["card"]["text"].as_str().unwrap(),
        stored["signer"].as_str(),
    )
    .unwrap();
    assert_eq!(serde_json::to_value(&card).unwrap(), stored["card"]["card"]);
}
