#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The relay protocol's client side over a recording transport: what each
//! call sends (never the link key or a fragment; tokens as bearer), and how
//! each relay answer becomes a typed error. The relay itself is tested
//! against this client in `apps/relay/tests/behaviour.rs`.

use std::sync::Mutex;

use chrono::Utc;
use haven_core::share::client::{self, Upload};
use haven_core::share::link::{access_hash, link_secrets, Link, LinkKey};
use haven_core::share::primitives::{b64, unb64};
use haven_core::share::transport::{Method, Request, Response, Transport, UreqTransport};
use haven_core::share::ShareError;

/// Answers every request with one fixed response and keeps the requests.
struct Recorder {
    answer: (u16, Vec<u8>),
    seen: Mutex<Vec<Request>>,
}

impl Recorder {
    fn new(status: u16, body: &str) -> Self {
        Self {
            answer: (status, body.as_bytes().to_vec()),
            seen: Mutex::new(Vec::new()),
        }
    }
}

impl Transport for Recorder {
    fn send(&self, request: Request) -> Result<Response, ShareError> {
        self.seen.lock().unwrap().push(request);
        Ok(Response {
            status: self.answer.0,
            body: self.answer.1.clone(),
        })
    }
}

fn link(pin: bool) -> Link {
    Link {
        relay: "https://relay.example/".into(),
        share_id: "AAAAAAAAAAAAAAAAAAAAAA".into(),
        key: LinkKey::from_bytes([5; 32]),
        needs_pin: pin,
    }
}

#[test]
fn opening_sends_the_access_token_never_the_key() {
    let r = Recorder::new(401, "");
    let l = link(true);
    assert_eq!(
        client::open_link(&r, &l, Some("1234"), None, Utc::now()).unwrap_err(),
        ShareError::WrongKeyOrPin
    );
    let seen = r.seen.lock().unwrap();
    let req = &seen[0];
    assert_eq!(req.method, Method::Post);
    assert_eq!(
        req.url,
        "https://relay.example/api/shares/AAAAAAAAAAAAAAAAAAAAAA/open"
    );
    let token = link_secrets(&l.key, &l.share_id, Some("1234"))
        .unwrap()
        .access_token;
    assert_eq!(req.bearer.as_deref(), Some(b64(token.as_slice()).as_str()));
    let key = b64(l.key.as_bytes());
    for text in [req.url.as_str(), req.bearer.as_deref().unwrap()] {
        assert!(!text.contains(&key) && !text.contains('#') && !text.contains("1234"));
    }
    assert!(req.body.is_empty());
    // The request's Debug output shows neither token nor body.
    assert!(!format!("{req:?}").contains(req.bearer.as_deref().unwrap()));
}

#[test]
fn a_link_that_needs_a_pin_is_not_tried_without_one() {
    let r = Recorder::new(200, "");
    assert_eq!(
        client::open_link(&r, &link(true), None, None, Utc::now()).unwrap_err(),
        ShareError::BadPin
    );
    assert!(r.seen.lock().unwrap().is_empty(), "nothing was sent");
}

#[test]
fn each_relay_answer_is_a_typed_error() {
    let cases: [(u16, &str, ShareError); 7] = [
        (401, "", ShareError::WrongKeyOrPin),
        (423, "", ShareError::Locked),
        (404, "", ShareError::Gone),
        (
            410,
            r#"{"state":"expired","at":"2026-01-01T00:00:00+00:00"}"#,
            ShareError::Expired {
                at: "2026-01-01T00:00:00+00:00".into(),
            },
        ),
        (
            410,
            r#"{"state":"read_limit"}"#,
            ShareError::ReadLimitReached,
        ),
        (413, "", ShareError::TooLarge),
        (
            500,
            "",
            ShareError::Transport {
                reason: "the relay answered 500".into(),
            },
        ),
    ];
    for (status, body, expected) in cases {
        let r = Recorder::new(status, body);
        assert_eq!(
            client::open_link(&r, &link(false), None, None, Utc::now()).unwrap_err(),
            expected,
            "{status}"
        );
    }
    // A 200 whose body is not a capsule is refused, not trusted.
    let r = Recorder::new(200, "<html>");
    assert_eq!(
        client::open_link(&r, &link(false), None, None, Utc::now()).unwrap_err(),
        ShareError::Malformed
    );
}

#[test]
fn publishing_sends_only_hashes_and_ciphertext() {
    let (_d, v) = {
        let dir = tempfile::tempdir().unwrap();
        let (v, _) = haven_core::Vault::create(
            &dir.path().join("v"),
            "correct horse battery",
            haven_core::KdfParams::minimum_for_tests(),
        )
        .unwrap();
        (dir, v)
    };
    let mut plan = haven_core::CrisisPlan::new_for_region(haven_core::Region::Uk);
    plan.coping_strategies = vec!["QZXMARKclient".into()];
    let doc = v.create_document(plan.into()).unwrap().document_id;
    let new = haven_core::share::NewShare {
        document_id: doc,
        sections: vec![],
        recipient: "QZXMARKname".into(),
        expires_in_days: 3,
        read_limit: Some(2),
        pin: Some("9876".into()),
        relay: "https://relay.example".into(),
        invite_replies: false,
    };
    let (s, p) = v.create_share(&new, Utc::now()).unwrap();
    let r = Recorder::new(200, "");
    client::publish(&r, "https://relay.example", &p).unwrap();
    let seen = r.seen.lock().unwrap();
    let req = &seen[0];
    assert_eq!(req.method, Method::Put);
    assert_eq!(
        req.url,
        format!("https://relay.example/api/shares/{}", s.id)
    );
    assert_eq!(req.bearer.as_deref(), Some(p.owner_token.as_str()));
    let body = String::from_utf8(req.body.clone()).unwrap();
    for secret in [
        "QZXMARK",
        "9876",
        &b64(Link::parse(&s.link).unwrap().key.as_bytes()),
        &p.owner_token,
    ] {
        assert!(!body.contains(secret));
    }
    let upload: Upload = serde_json::from_str(&body).unwrap();
    assert_eq!(
        upload.owner,
        b64(&access_hash(&unb64(&p.owner_token).unwrap()))
    );
    assert_eq!(upload.read_limit, Some(2));
    assert_eq!(upload.seq, 1);
    assert_eq!(upload.capsule.as_bytes(), p.capsule.as_slice());
}

#[test]
fn the_default_transport_refuses_a_url_with_a_fragment() {
    let t = UreqTransport::default();
    let e = t
        .send(Request {
            method: Method::Get,
            url: "http://127.0.0.1:9/s/x#secret".into(),
            bearer: None,
            content_type: None,
            body: vec![],
        })
        .unwrap_err();
    assert!(matches!(e, ShareError::Invalid { .. }));
    assert!(!e.to_string().contains("secret"));
    // Nothing listens on the discard port: a typed transport error, no URL in it.
    let e = t
        .send(Request {
            method: Method::Get,
            url: "http://127.0.0.1:9/healthz".into(),
            bearer: None,
            content_type: None,
            body: vec![],
        })
        .unwrap_err();
    assert!(matches!(e, ShareError::Transport { .. }), "{e:?}");
    assert!(!e.to_string().contains("127.0.0.1"));
}
