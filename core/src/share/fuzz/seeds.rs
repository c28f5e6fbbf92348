//! Writes the sharing targets' seed corpus (`fuzz/corpus/<target>/seed-*`)
//! with the real encoders and fixed randomness, so the files only change
//! when a format does: `cargo test -p haven-core --lib write_share_fuzz_seeds
//! -- --ignored`.

use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::json;

use super::super::capsule::{self, Randomness, Recipients, SharedDocument, SharedSection, Signed};
use super::super::card::{self, Card};
use super::super::client::{RelayReply, Upload};
use super::super::primitives::{b64, hpke_seal};
use super::super::reply::{self, Reply, ReplySection};
use super::super::{access_log, Welcome};
use super::{
    now, public, signer, CARER, CONTENT_KEY, IDENTITY, LINK_KEK, LOG, REPLY, SENDER_IKM, SHARE,
};
use crate::documents::{CrisisPlan, DocumentKind, ReviewResponse, Section, VersionStatus};
use crate::fuzzing::seeds::{with, write};

fn signed(seq: u64, prev: Option<String>) -> Signed {
    Signed {
        v: 1,
        share: SHARE.into(),
        seq,
        prev,
        signer: b64(&signer()),
        signed_at: Utc.with_ymd_and_hms(2026, 5, 30, 9, 0, 0).unwrap(),
        expires_at: Utc.with_ymd_and_hms(2026, 6, 13, 9, 0, 0).unwrap(),
        recipient: "Sam, my brother".into(),
        revoked: false,
        document: Some(SharedDocument {
            kind: DocumentKind::CrisisPlan,
            version: "ab".repeat(32),
            number: 3,
            status: VersionStatus::Active,
            signed_on: NaiveDate::from_ymd_opt(2026, 5, 1),
            next_review: NaiveDate::from_ymd_opt(2026, 11, 1),
            sections: vec![SharedSection {
                key: "help_contacts".into(),
                label: "People I can ask for help".into(),
                content: json!([{"name": "Ana", "phones": [{"number": "07700 900123"}], "may_contact": true}]),
            }],
        }),
        reply_to: Some(b64(&public(&REPLY))),
    }
}

fn seal(content: &Signed) -> capsule::Sealed {
    let rnd = Randomness {
        content_key: CONTENT_KEY.into(),
        body_nonce: [3; 12],
        link_nonce: [4; 12],
        carer_ikm: vec![SENDER_IKM.into()],
    };
    let carers = [public(&CARER)];
    let to = Recipients {
        link_kek: Some(&LINK_KEK),
        carers: &carers,
    };
    capsule::seal_with(content, &IDENTITY, &to, &rnd).unwrap()
}

#[test]
#[ignore = "writes fuzz/corpus; run by hand when a sharing format changes"]
fn write_share_fuzz_seeds() {
    // Capsules: as a relay sends them, and signed JSON to seal.
    let first = seal(&signed(1, None));
    let second = seal(&signed(2, Some(first.hash.clone())));
    write("share_capsule", "first", &with(&[0], &first.bytes));
    write("share_capsule", "second", &with(&[0], &second.bytes));
    let json1 = serde_json::to_vec(&signed(1, None)).unwrap();
    write(
        "share_capsule",
        "signed-first",
        &with(&[1, 0, 0, 0, 0], &json1),
    );
    let json2 = serde_json::to_vec(&signed(2, Some(first.hash.clone()))).unwrap();
    write(
        "share_capsule",
        "signed-second-after-first",
        &with(&[1, 2, 0, 0, 1], &json2),
    );
    let mut revoked = signed(3, Some(second.hash.clone()));
    revoked.revoked = true;
    revoked.document = None;
    let json3 = serde_json::to_vec(&revoked).unwrap();
    write(
        "share_capsule",
        "signed-revocation",
        &with(&[1, 0, 0, 0, 0], &json3),
    );

    // A clinician's reply.
    let r = Reply {
        v: 1,
        version: "ab".repeat(32),
        name: "Dr Okafor".into(),
        role: "Psychiatrist".into(),
        organisation: "Crisis team".into(),
        date: NaiveDate::from_ymd_opt(2026, 5, 31).unwrap(),
        sections: vec![ReplySection {
            section: Section::TreatmentRequests,
            response: ReviewResponse::CannotFollow,
            reason: "Not available locally".into(),
        }],
        notes: String::new(),
    };
    let sealed = reply::seal_with(&r, SHARE, &b64(&public(&REPLY)), &SENDER_IKM).unwrap();
    write("share_reply", "sealed", &with(&[0], &sealed));
    write(
        "share_reply",
        "json",
        &with(&[1], &serde_json::to_vec(&r).unwrap()),
    );

    // An access-log entry (the relay's sealing draws its own randomness).
    let event = access_log::seal(
        access_log::AccessEvent::WrongPin,
        now(),
        SHARE,
        &b64(&public(&LOG)),
    )
    .unwrap();
    write("share_access_log", "sealed", &with(&[0], &event));
    let entry = access_log::open(&event, SHARE, &LOG).unwrap();
    write(
        "share_access_log",
        "json",
        &with(&[1], &serde_json::to_vec(&entry).unwrap()),
    );

    // A carer's welcome.
    let welcome = Welcome {
        relay: "https://relay.example".into(),
        share: SHARE.into(),
        token: b64(&[7; 32]),
        signer: b64(&signer()),
    };
    let plain = serde_json::to_vec(&welcome).unwrap();
    let (enc, ct) = hpke_seal(
        &public(&CARER),
        b"haven-carer-welcome-v1",
        SHARE.as_bytes(),
        &plain,
        &SENDER_IKM,
    )
    .unwrap();
    write(
        "carer_welcome",
        "sealed",
        &with(&[0], &[enc.as_slice(), &ct].concat()),
    );
    write("carer_welcome", "json", &with(&[1], &plain));

    // The crisis card: its text, its compressed bytes, its JSON (and one
    // that also makes the QR code).
    let mut plan = CrisisPlan::default();
    plan.plan_details.owner = "Alex".into();
    plan.distress_support.helps = vec!["A quiet room".into(), "Tea".into()];
    plan.distress_support.how_to_approach_me = "Slowly, and tell me who you are.".into();
    let c = Card::from_plan(&plan, &signer(), now());
    let text = card::encode(&c, &IDENTITY).unwrap();
    let json = serde_json::to_vec(&c).unwrap();
    write("crisis_card", "text", &with(&[0], text.as_bytes()));
    write(
        "crisis_card",
        "text-expected-signer",
        &with(&[4], text.as_bytes()),
    );
    write(
        "crisis_card",
        "packed",
        &with(&[1], &miniz_oxide::deflate::compress_to_vec(&json, 10)),
    );
    write("crisis_card", "json", &with(&[2], &json));
    write("crisis_card", "json-qr", &with(&[0xf2], &json));

    // Links and a carer's key, as pasted.
    let key = b64(&[9; 32]);
    write(
        "share_link",
        "link",
        format!("\x00https://relay.example/s/{SHARE}#{key}").as_bytes(),
    );
    write(
        "share_link",
        "link-pin",
        format!("\x00 http://localhost:8080/s/{SHARE}/#p.{key}\n").as_bytes(),
    );
    write(
        "share_link",
        "carer-key",
        &with(&[1], b64(&public(&CARER)).as_bytes()),
    );

    // The relay protocol: an upload, and answers to each call.
    let upload = Upload {
        capsule: String::from_utf8(first.bytes.clone()).unwrap(),
        seq: 1,
        access: vec![b64(&[1; 32])],
        expires_at: Utc.with_ymd_and_hms(2026, 6, 13, 9, 0, 0).unwrap(),
        read_limit: Some(3),
        log_key: b64(&public(&LOG)),
        owner: b64(&[2; 32]),
        revoked: false,
    };
    write(
        "relay_messages",
        "upload",
        &with(&[0, 0], &serde_json::to_vec(&upload).unwrap()),
    );
    write(
        "relay_messages",
        "open-capsule",
        &with(&[1, 0], &first.bytes),
    );
    write(
        "relay_messages",
        "open-expired",
        &with(
            &[1, 7],
            br#"{"state":"expired","at":"2026-06-13T09:00:00+00:00"}"#,
        ),
    );
    let replies = vec![RelayReply {
        id: "r1".into(),
        reply: String::from_utf8(sealed).unwrap(),
    }];
    write(
        "relay_messages",
        "replies",
        &with(&[2, 0], &serde_json::to_vec(&replies).unwrap()),
    );
    let log = vec![String::from_utf8(event).unwrap()];
    write(
        "relay_messages",
        "log",
        &with(&[3, 0], &serde_json::to_vec(&log).unwrap()),
    );
    write("relay_messages", "reply-done", &[4, 5]);
}
