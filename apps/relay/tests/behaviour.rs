#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The relay's behaviour, written once and run against both backends
//! (SQLite and PostgreSQL), with real relay processes on loopback and
//! Haven's own client (`haven_core::share::client` over the rustls/ureq
//! transport): publish and open, page loads never count, the PIN lockout,
//! read limits, revocation and stale uploads, replies, the sealed access
//! log, expiry and the sweeper, limits and headers, a relay killed during
//! uploads losing nothing it acknowledged, nothing secret in the database
//! or the logs, a bounded load of concurrent opens, and read limits and the
//! PIN lockout staying exact under concurrent opens. PostgreSQL only: two
//! relays on one database.

mod harness;

use chrono::{Duration, Utc};
use harness::{dump, Db, Relay};
use haven_core::documents::{CrisisPlan, Region};
use haven_core::share::access_log::AccessEvent;
use haven_core::share::client::{self, open_link};
use haven_core::share::link::Link;
use haven_core::share::transport::{Method, Request, Transport, UreqTransport};
use haven_core::share::{NewShare, Publication, ShareError, ShareSummary};
use haven_core::{KdfParams, Vault};

const MARKER: &str = "QZXMARKrelaysecret";
const PIN: &str = "86420";

struct Person {
    _dir: tempfile::TempDir,
    vault: Vault,
    doc: String,
}

fn person() -> Person {
    let dir = tempfile::tempdir().unwrap();
    let (vault, _) = Vault::create(
        &dir.path().join("v.haven"),
        "correct horse battery",
        KdfParams::minimum_for_tests(),
    )
    .unwrap();
    let mut plan = CrisisPlan::new_for_region(Region::Uk);
    plan.plan_details.owner = format!("{MARKER}owner");
    plan.coping_strategies = vec![format!("{MARKER}coping")];
    let doc = vault.create_document(plan.into()).unwrap().document_id;
    Person {
        _dir: dir,
        vault,
        doc,
    }
}

fn share(
    p: &Person,
    relay: &Relay,
    pin: Option<&str>,
    read_limit: Option<u32>,
) -> (ShareSummary, Publication) {
    let new = NewShare {
        document_id: p.doc.clone(),
        sections: vec![],
        recipient: format!("{MARKER}recipient"),
        expires_in_days: 14,
        read_limit,
        pin: pin.map(Into::into),
        relay: relay.url.clone(),
        invite_replies: true,
    };
    let (s, publication) = p.vault.create_share(&new, Utc::now()).unwrap();
    client::publish(&t(), &relay.url, &publication).unwrap();
    (s, publication)
}

fn t() -> UreqTransport {
    UreqTransport::default()
}

fn open(
    s: &ShareSummary,
    pin: Option<&str>,
) -> Result<haven_core::share::capsule::Opened, ShareError> {
    open_link(&t(), &Link::parse(&s.link).unwrap(), pin, None, Utc::now())
}

fn get(url: &str) -> haven_core::share::transport::Response {
    t().send(Request {
        method: Method::Get,
        url: url.into(),
        bearer: None,
        content_type: None,
        body: vec![],
    })
    .unwrap()
}

fn publish_and_open(db: Db) {
    let relay = Relay::start(&db, &[]);
    let p = person();
    let (s, _) = share(&p, &relay, None, None);
    let opened = open(&s, None).unwrap();
    let doc = opened.content.document.unwrap();
    assert!(doc
        .sections
        .iter()
        .any(|x| x.content.to_string().contains("QZXMARKrelaysecretcoping")));
    // The link is the relay's URL; the key never went to the relay.
    assert!(s.link.starts_with(&relay.url));
}

fn page_loads_never_count_as_reads(db: Db) {
    let relay = Relay::start(&db, &[]);
    let p = person();
    let (s, _) = share(&p, &relay, None, Some(1));
    let page = format!("{}/s/{}", relay.url, s.id);
    for _ in 0..5 {
        assert_eq!(get(&page).status, 200);
    }
    assert!(open(&s, None).is_ok(), "previews used up the only read");
    assert_eq!(open(&s, None).unwrap_err(), ShareError::ReadLimitReached);
}

fn headers_are_strict_on_every_answer(db: Db) {
    let relay = Relay::start(&db, &[]);
    for path in [
        "/s/AAAAAAAAAAAAAAAAAAAAAA",
        "/viewer/main.js",
        "/healthz",
        "/api/shares/AAAAAAAAAAAAAAAAAAAAAA/log",
        "/nowhere",
    ] {
        let h = raw_headers(&relay.url, path).to_lowercase();
        assert!(h.contains("cache-control: no-store"), "{path}: {h}");
        assert!(
            h.contains("content-security-policy: default-src 'none'"),
            "{path}: {h}"
        );
        assert!(h.contains("referrer-policy: no-referrer"), "{path}: {h}");
    }
}

/// The status line and headers of a plain GET, read off the socket.
fn raw_headers(base: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let addr = base.trim_start_matches("http://");
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out.split("\r\n\r\n").next().unwrap().to_string()
}

fn a_pin_locks_after_five_wrong_tries_and_the_log_says_so(db: Db) {
    let relay = Relay::start(&db, &[]);
    let p = person();
    let (s, _) = share(&p, &relay, Some(PIN), None);
    assert_eq!(
        open(&s, None).unwrap_err(),
        ShareError::BadPin,
        "asks for the PIN first"
    );
    for wrong in ["1111", "2222", "3333", "4444"] {
        assert_eq!(
            open(&s, Some(wrong)).unwrap_err(),
            ShareError::WrongKeyOrPin
        );
    }
    assert!(
        open(&s, Some(PIN)).is_ok(),
        "the right PIN still works after 4"
    );
    assert_eq!(open(&s, Some("5555")).unwrap_err(), ShareError::Locked);
    assert_eq!(
        open(&s, Some(PIN)).unwrap_err(),
        ShareError::Locked,
        "locked for everyone"
    );
    let (relay_url, owner) = p.vault.share_owner(&s.id).unwrap();
    let sealed = client::access_log(&t(), &relay_url, &s.id, &owner).unwrap();
    let events: Vec<AccessEvent> = p
        .vault
        .open_access_log(&s.id, &sealed)
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert_eq!(
        events
            .iter()
            .filter(|e| **e == AccessEvent::WrongPin)
            .count(),
        5
    );
    assert_eq!(
        events.iter().filter(|e| **e == AccessEvent::Opened).count(),
        1
    );
    assert_eq!(
        events.iter().filter(|e| **e == AccessEvent::Locked).count(),
        1
    );
    // Only the owner can read the log.
    assert!(matches!(
        client::access_log(
            &t(),
            &relay_url,
            &s.id,
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
        )
        .unwrap_err(),
        ShareError::Transport { .. }
    ));
}

fn revocation_is_signed_and_older_uploads_are_refused(db: Db) {
    let relay = Relay::start(&db, &[]);
    let p = person();
    let (s, first) = share(&p, &relay, None, None);
    let second = p.vault.republish_share(&s.id, Utc::now()).unwrap();
    client::publish(&t(), &relay.url, &second).unwrap();
    assert_eq!(open(&s, None).unwrap().content.seq, 2);
    // The relay refuses to roll back to version 1.
    assert!(matches!(
        client::publish(&t(), &relay.url, &first).unwrap_err(),
        ShareError::Transport { .. }
    ));
    // Someone without the owner token cannot overwrite it.
    let mut forged = second.clone();
    forged.seq = 9;
    forged.owner_token = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into();
    assert!(matches!(
        client::publish(&t(), &relay.url, &forged).unwrap_err(),
        ShareError::Transport { .. }
    ));
    let gone = p.vault.revoke_share(&s.id, Utc::now()).unwrap();
    client::publish(&t(), &relay.url, &gone).unwrap();
    assert_eq!(open(&s, None).unwrap_err(), ShareError::Revoked);
}

fn replies_wait_for_the_owner(db: Db) {
    let relay = Relay::start(&db, &[]);
    let p = person();
    let (s, _) = share(&p, &relay, None, None);
    let o = open(&s, None).unwrap();
    let reply = haven_core::share::reply::Reply {
        v: 1,
        version: o.content.document.as_ref().unwrap().version.clone(),
        name: format!("{MARKER}clinician"),
        role: "Ward nurse".into(),
        organisation: String::new(),
        date: Utc::now().date_naive(),
        sections: vec![haven_core::share::reply::ReplySection {
            section: haven_core::documents::Section::CopingStrategies,
            response: haven_core::documents::ReviewResponse::Noted,
            reason: String::new(),
        }],
        notes: String::new(),
    };
    let sealed =
        haven_core::share::reply::seal(&reply, &s.id, o.content.reply_to.as_deref().unwrap())
            .unwrap();
    client::send_reply(&t(), &relay.url, &s.id, &sealed).unwrap();
    let elsewhere = haven_core::share::reply::seal(
        &reply,
        "BBBBBBBBBBBBBBBBBBBBBB",
        o.content.reply_to.as_deref().unwrap(),
    )
    .unwrap();
    assert_eq!(
        client::send_reply(&t(), &relay.url, "BBBBBBBBBBBBBBBBBBBBBB", &elsewhere).unwrap_err(),
        ShareError::Gone
    );
    // A reply sealed for one share, posted to another, is refused unread.
    assert!(matches!(
        client::send_reply(&t(), &relay.url, "BBBBBBBBBBBBBBBBBBBBBB", &sealed).unwrap_err(),
        ShareError::Transport { .. }
    ));
    // So is one with a field the person's reader would refuse: the relay
    // checks what core checks before decrypting (reply::addressed_to).
    let mut padded: serde_json::Value = serde_json::from_slice(&sealed).unwrap();
    padded["note"] = serde_json::json!("kept by a sloppy relay");
    let padded = serde_json::to_vec(&padded).unwrap();
    assert_eq!(
        haven_core::share::reply::addressed_to(&padded, &s.id),
        Err(ShareError::Malformed)
    );
    assert!(matches!(
        client::send_reply(&t(), &relay.url, &s.id, &padded).unwrap_err(),
        ShareError::Transport { .. }
    ));
    let (url, owner) = p.vault.share_owner(&s.id).unwrap();
    let waiting = client::replies(&t(), &url, &s.id, &owner).unwrap();
    assert_eq!(waiting.len(), 1);
    let id = p
        .vault
        .receive_reply(&s.id, waiting[0].reply.as_bytes(), Utc::now())
        .unwrap();
    client::reply_done(&t(), &url, &s.id, &waiting[0].id, &owner).unwrap();
    assert!(client::replies(&t(), &url, &s.id, &owner)
        .unwrap()
        .is_empty());
    assert_eq!(p.vault.pending_replies().unwrap()[0].id, id);
}

fn expired_shares_are_refused_then_swept(db: Db) {
    let relay = Relay::start(&db, &["--sweep-secs", "1"]);
    let p = person();
    // Made "14 days ago, less 2 seconds": it expires 2 seconds from now.
    let new = NewShare {
        document_id: p.doc.clone(),
        sections: vec![],
        recipient: "x".into(),
        expires_in_days: 14,
        read_limit: None,
        pin: None,
        relay: relay.url.clone(),
        invite_replies: false,
    };
    let (s, publication) = p
        .vault
        .create_share(&new, Utc::now() - Duration::days(14) + Duration::seconds(2))
        .unwrap();
    client::publish(&t(), &relay.url, &publication).unwrap();
    assert!(open(&s, None).is_ok());
    std::thread::sleep(std::time::Duration::from_millis(2500));
    let e = open(&s, None).unwrap_err();
    assert!(
        matches!(e, ShareError::Expired { .. } | ShareError::Gone),
        "{e:?}"
    );
    std::thread::sleep(std::time::Duration::from_millis(2500));
    assert_eq!(open(&s, None).unwrap_err(), ShareError::Gone, "swept");
}

fn oversized_and_malformed_input_is_refused(db: Db) {
    let relay = Relay::start(&db, &[]);
    let request = |method, path: &str, body: Vec<u8>| {
        t().send(Request {
            method,
            url: format!("{}{path}", relay.url),
            bearer: Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".into()),
            content_type: Some("application/json"),
            body,
        })
    };
    let send = |method, path: &str, body: Vec<u8>| request(method, path, body).unwrap().status;
    // An oversized body is refused with 413, or, when the relay has refused
    // and closed the connection while the client is still sending, as a
    // transport error (which of the two depends on timing): either way it is
    // not stored and the relay keeps serving (checked by the requests after).
    let refused = |method, path: &str, body: Vec<u8>| match request(method, path, body) {
        Ok(r) => r.status == 413,
        Err(ShareError::Transport { .. }) => true,
        Err(_) => false,
    };
    assert!(refused(
        Method::Put,
        "/api/shares/AAAAAAAAAAAAAAAAAAAAAA",
        vec![b'x'; 5 * 1024 * 1024]
    ));
    assert_eq!(
        send(
            Method::Put,
            "/api/shares/AAAAAAAAAAAAAAAAAAAAAA",
            b"{}".to_vec()
        ),
        400
    );
    assert!(refused(
        Method::Post,
        "/api/shares/AAAAAAAAAAAAAAAAAAAAAA/replies",
        vec![b'x'; 300 * 1024]
    ));
    assert_eq!(
        send(Method::Post, "/api/shares/not-an-id/open", vec![]),
        404
    );
}

fn rate_limits_apply_per_address(db: Db) {
    let relay = Relay::start(&db, &["--rate", "1", "--burst", "3"]);
    let codes: Vec<u16> = (0..5)
        .map(|_| get(&format!("{}/healthz", relay.url)).status)
        .collect();
    assert_eq!(&codes[..3], [200, 200, 200]);
    assert_eq!(codes[4], 429);
}

fn a_relay_killed_during_uploads_loses_nothing_it_acknowledged(db: Db) {
    let mut relay = Relay::start(&db, &[]);
    let p = person();
    let (s, _) = share(&p, &relay, None, None);
    let url = relay.url.clone();
    let uploads: Vec<Publication> = (0..40)
        .map(|_| p.vault.republish_share(&s.id, Utc::now()).unwrap())
        .collect();
    let acked = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(1));
    let a = acked.clone();
    let uploader = std::thread::spawn(move || {
        for u in uploads {
            if client::publish(&t(), &url, &u).is_err() {
                break;
            }
            a.store(u.seq, std::sync::atomic::Ordering::SeqCst);
        }
    });
    while acked.load(std::sync::atomic::Ordering::SeqCst) < 10 {
        std::thread::yield_now();
    }
    relay.kill();
    uploader.join().unwrap();
    let last = acked.load(std::sync::atomic::Ordering::SeqCst);
    assert!(
        (10..41).contains(&last),
        "the kill happened mid-way ({last})"
    );
    let again = Relay::start(&db, &[]);
    let mut l = Link::parse(&s.link).unwrap();
    l.relay = again.url.clone();
    let o = open_link(&t(), &l, None, None, Utc::now()).unwrap();
    assert!(
        o.content.seq >= last,
        "acknowledged {last}, found {}",
        o.content.seq
    );
}

fn nothing_secret_reaches_the_database_or_the_logs(db: Db) {
    let relay = Relay::start(&db, &[]);
    let p = person();
    let (s, publication) = share(&p, &relay, Some(PIN), None);
    let _ = open(&s, Some("0000"));
    open(&s, Some(PIN)).unwrap();
    let l = Link::parse(&s.link).unwrap();
    let secrets = haven_core::share::link::link_secrets(&l.key, &s.id, Some(PIN)).unwrap();
    let b64 = haven_core::share::primitives::b64;
    let needles = [
        MARKER.to_string(),
        PIN.to_string(),
        b64(l.key.as_bytes()),
        b64(secrets.access_token.as_slice()),
        b64(secrets.kek.as_slice()),
        publication.owner_token.clone(),
    ];
    let db_bytes = dump(&db);
    let logs = relay.log_text();
    assert!(!logs.is_empty(), "the relay logged its requests");
    for n in &needles {
        for (what, hay) in [("database", &db_bytes), ("log", &logs)] {
            assert!(
                !hay.windows(n.len()).any(|w| w == n.as_bytes()),
                "{what} holds a secret"
            );
        }
    }
    for raw in [l.key.as_bytes().as_slice(), secrets.access_token.as_slice()] {
        assert!(!db_bytes.windows(32).any(|w| w == raw));
    }
    // Nor the share id in the request log (route patterns only).
    assert!(!logs.windows(s.id.len()).any(|w| w == s.id.as_bytes()));
}

fn a_thousand_concurrent_opens_all_succeed(db: Db) {
    let relay = Relay::start(&db, &[]);
    let p = person();
    let (s, _) = share(&p, &relay, None, None);
    let link = std::sync::Arc::new(Link::parse(&s.link).unwrap());
    let threads: Vec<_> = (0..100)
        .map(|_| {
            let link = link.clone();
            std::thread::spawn(move || {
                let t = UreqTransport::default();
                (0..10)
                    .filter(|_| open_link(&t, &link, None, None, Utc::now()).is_ok())
                    .count()
            })
        })
        .collect();
    let ok: usize = threads.into_iter().map(|h| h.join().unwrap()).sum();
    assert_eq!(ok, 1000);
    let (url, owner) = p.vault.share_owner(&s.id).unwrap();
    let log = p
        .vault
        .open_access_log(
            &s.id,
            &client::access_log(&t(), &url, &s.id, &owner).unwrap(),
        )
        .unwrap();
    assert_eq!(log.len(), 1000, "every read counted once");
}

/// Runs `tries` opens of `link` at once (each on its own thread, released
/// together), the `i`th with `pin(i)` and through relay `via(i)`.
fn at_once(
    link: &Link,
    tries: usize,
    pin: impl Fn(usize) -> Option<String>,
    via: impl Fn(usize) -> String,
) -> Vec<Result<haven_core::share::capsule::Opened, ShareError>> {
    let gate = std::sync::Arc::new(std::sync::Barrier::new(tries));
    let threads: Vec<_> = (0..tries)
        .map(|i| {
            let (gate, pin) = (gate.clone(), pin(i));
            let mut l = link.clone();
            l.relay = via(i);
            std::thread::spawn(move || {
                let t = UreqTransport::default();
                gate.wait();
                open_link(&t, &l, pin.as_deref(), None, Utc::now())
            })
        })
        .collect();
    threads.into_iter().map(|h| h.join().unwrap()).collect()
}

fn events_in_log(p: &Person, s: &ShareSummary) -> Vec<AccessEvent> {
    let (url, owner) = p.vault.share_owner(&s.id).unwrap();
    p.vault
        .open_access_log(
            &s.id,
            &client::access_log(&t(), &url, &s.id, &owner).unwrap(),
        )
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect()
}

fn count(events: &[AccessEvent], which: AccessEvent) -> usize {
    events.iter().filter(|e| **e == which).count()
}

/// Read limit 7, 40 opens at once (and through `relays` in turn): exactly 7
/// capsules, 33 "read limit reached", 7 "opened" in the log.
fn read_limit_exact_under_concurrency(p: &Person, s: &ShareSummary, relays: &[&Relay]) {
    let link = Link::parse(&s.link).unwrap();
    let urls: Vec<String> = relays.iter().map(|r| r.url.clone()).collect();
    let results = at_once(&link, 40, |_| None, |i| urls[i % urls.len()].clone());
    let opened = results.iter().filter(|r| r.is_ok()).count();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Err(ShareError::ReadLimitReached)))
        .count();
    assert_eq!((opened, refused), (7, 33), "{results:?}");
    assert_eq!(count(&events_in_log(p, s), AccessEvent::Opened), 7);
}

fn a_read_limit_of_n_gives_exactly_n_opens_under_concurrency(db: Db) {
    let relay = Relay::start(&db, &[]);
    let p = person();
    let (s, _) = share(&p, &relay, None, Some(7));
    read_limit_exact_under_concurrency(&p, &s, &[&relay]);
}

/// 30 wrong PINs at once (and through `relays` in turn): exactly 4 are told
/// "wrong", the rest "locked"; the right PIN is then locked out too; the
/// log has exactly 5 wrong PINs and one lock.
fn lockout_exact_under_concurrency(p: &Person, s: &ShareSummary, relays: &[&Relay]) {
    let link = Link::parse(&s.link).unwrap();
    let urls: Vec<String> = relays.iter().map(|r| r.url.clone()).collect();
    let results = at_once(
        &link,
        30,
        |i| Some(format!("{:05}", 10_000 + i)),
        |i| urls[i % urls.len()].clone(),
    );
    let wrong = results
        .iter()
        .filter(|r| matches!(r, Err(ShareError::WrongKeyOrPin)))
        .count();
    let locked = results
        .iter()
        .filter(|r| matches!(r, Err(ShareError::Locked)))
        .count();
    assert_eq!((wrong, locked), (4, 26), "{results:?}");
    assert_eq!(
        open_link(&t(), &link, Some(PIN), None, Utc::now()).unwrap_err(),
        ShareError::Locked
    );
    let events = events_in_log(p, s);
    assert_eq!(count(&events, AccessEvent::WrongPin), 5);
    assert_eq!(count(&events, AccessEvent::Locked), 1);
    assert_eq!(count(&events, AccessEvent::Opened), 0);
}

fn the_pin_lockout_is_exact_under_concurrent_guesses(db: Db) {
    let relay = Relay::start(&db, &[]);
    let p = person();
    let (s, _) = share(&p, &relay, Some(PIN), None);
    lockout_exact_under_concurrency(&p, &s, &[&relay]);
}

macro_rules! suite {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name(super::harness::sqlite()) } )*
        }
        mod postgres {
            $( #[test] fn $name() { super::$name(super::harness::postgres()) } )*
        }
    };
}

suite!(
    publish_and_open,
    page_loads_never_count_as_reads,
    headers_are_strict_on_every_answer,
    a_pin_locks_after_five_wrong_tries_and_the_log_says_so,
    revocation_is_signed_and_older_uploads_are_refused,
    replies_wait_for_the_owner,
    expired_shares_are_refused_then_swept,
    oversized_and_malformed_input_is_refused,
    rate_limits_apply_per_address,
    a_relay_killed_during_uploads_loses_nothing_it_acknowledged,
    nothing_secret_reaches_the_database_or_the_logs,
    a_thousand_concurrent_opens_all_succeed,
    a_read_limit_of_n_gives_exactly_n_opens_under_concurrency,
    the_pin_lockout_is_exact_under_concurrent_guesses,
);

/// Two relay processes on one PostgreSQL database serve the same shares and
/// count reads and wrong PINs together.
#[test]
fn two_relays_on_one_postgres_serve_the_same_shares() {
    let db = harness::postgres();
    let (a, b) = (Relay::start(&db, &[]), Relay::start(&db, &[]));
    let p = person();
    let (s, _) = share(&p, &a, Some(PIN), Some(3));
    let on = |relay: &Relay, pin: &str| {
        let mut l = Link::parse(&s.link).unwrap();
        l.relay = relay.url.clone();
        open_link(&t(), &l, Some(pin), None, Utc::now())
    };
    assert!(on(&b, PIN).is_ok());
    assert!(on(&a, PIN).is_ok());
    assert!(on(&b, PIN).is_ok());
    assert_eq!(
        on(&a, PIN).unwrap_err(),
        ShareError::ReadLimitReached,
        "reads counted across relays"
    );
    for (i, relay) in [&a, &b, &a, &b].iter().enumerate() {
        assert_eq!(
            on(relay, "9999").unwrap_err(),
            ShareError::WrongKeyOrPin,
            "try {i}"
        );
    }
    assert_eq!(on(&b, "9998").unwrap_err(), ShareError::Locked);
}

/// The same exactness with two relays on one PostgreSQL, the opens split
/// between them.
#[test]
fn two_relays_on_one_postgres_count_exactly_under_concurrency() {
    let db = harness::postgres();
    let (a, b) = (Relay::start(&db, &[]), Relay::start(&db, &[]));
    let p = person();
    let (limited, _) = share(&p, &a, None, Some(7));
    read_limit_exact_under_concurrency(&p, &limited, &[&a, &b]);
    let (pinned, _) = share(&p, &a, Some(PIN), None);
    lockout_exact_under_concurrency(&p, &pinned, &[&a, &b]);
}
