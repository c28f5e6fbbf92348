//! `haven share ...` and `haven plan card-qr` end to end, against a relay on
//! loopback (the relay crate's own code, in this process): create with a
//! PIN and a QR code, open as the recipient (no vault), wrong PIN, list,
//! the access log, revoke; a carer enrolled with a check code who follows
//! the share in their own vault until revoked; a clinician's reply waiting
//! until accepted; the offline crisis card.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{fails, ok, setup, Env};
use haven_relay::LocalRelay;
use serde_json::Value;

const MARKER: &str = "QZXMARKsharedcoping";

fn relay() -> (tempfile::TempDir, LocalRelay) {
    let dir = tempfile::tempdir().unwrap();
    let r = LocalRelay::start(&dir.path().join("relay")).unwrap();
    (dir, r)
}

fn with_plan() -> Env {
    let e = setup();
    let mut plan: Value =
        serde_json::from_str(&e.ok(&["plan", "template", "--format", "json"])).unwrap();
    plan["coping_strategies"] = serde_json::json!([MARKER]);
    let f = e.write("plan.json", &plan.to_string());
    e.ok(&["plan", "edit", f.to_str().unwrap()]);
    e
}

fn create(e: &Env, relay: &LocalRelay, pin: Option<&str>, extra: &[&str]) -> Value {
    let mut args = vec![
        "share",
        "create",
        "--plan",
        "--for",
        "Sam, my brother",
        "--relay",
        &relay.url,
        "--json",
    ];
    args.extend_from_slice(extra);
    if pin.is_some() {
        args.push("--pin");
    }
    let mut c = e.cmd(&args);
    if let Some(p) = pin {
        c.env("HAVEN_SHARE_PIN", p);
    }
    serde_json::from_str(&ok(c)).unwrap()
}

fn open(e: &Env, link: &str, pin: &str) -> std::process::Command {
    let mut c = e.cmd(&["share", "open", link, "--json"]);
    c.env_remove("HAVEN_VAULT").env("HAVEN_SHARE_PIN", pin);
    c
}

#[test]
fn a_link_with_a_pin_opens_without_a_vault_is_logged_and_revoked() {
    let (_d, relay) = relay();
    let e = with_plan();
    let qr = e.path("link.svg");
    let made = create(&e, &relay, Some("2468"), &["--qr", qr.to_str().unwrap()]);
    let (id, link) = (made["id"].as_str().unwrap(), made["link"].as_str().unwrap());
    assert!(link.starts_with(&relay.url) && link.contains("#p."));
    assert!(std::fs::read_to_string(&qr).unwrap().contains("<svg"));

    fails(open(&e, link, "1357"), 3);
    let seen: Value = serde_json::from_str(&ok(open(&e, link, "2468"))).unwrap();
    assert!(seen.to_string().contains(MARKER));
    assert_eq!(seen["recipient"], "Sam, my brother");
    assert_eq!(seen["seq"], 1);

    let list = e.json(&["share", "list", "--json"]);
    assert_eq!(list[0]["id"], id);
    assert_eq!(list[0]["link"], link, "the link can be found again");
    let log = e.json(&["share", "log", id, "--json"]);
    let events: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events.iter().filter(|e| **e == "wrong_pin").count(), 1);
    assert_eq!(events.iter().filter(|e| **e == "opened").count(), 1);

    assert!(e.ok(&["share", "revoke", id]).contains("Revoked"));
    let out = fails(open(&e, link, "2468"), 1);
    assert!(String::from_utf8_lossy(&out.stderr).contains("revoked"));
    assert!(e.ok(&["share", "list"]).contains("revoked"));
}

#[test]
fn a_carer_follows_in_their_own_vault_until_revoked() {
    let (_d, relay) = relay();
    let e = with_plan();
    let made = create(
        &e,
        &relay,
        None,
        &["--sections", "coping_strategies,help_contacts"],
    );
    let id = made["id"].as_str().unwrap();
    let carer = setup();
    let key = carer.ok(&["share", "carer-key"]).trim().to_string();
    let welcome = e.path("welcome.txt");
    let out = e.ok(&[
        "share",
        "carer-invite",
        id,
        "--name",
        "Sam",
        "--key",
        &key,
        "--out",
        welcome.to_str().unwrap(),
    ]);
    let code = out
        .lines()
        .find_map(|l| l.strip_prefix("Check code: "))
        .unwrap();
    assert_eq!(code.len(), 19);
    let w = welcome.to_str().unwrap();
    let followed = carer.json(&["share", "follow", "--welcome", w, "--share", id, "--json"]);
    assert_eq!(followed[0]["state"], "active");
    assert!(followed[0]["last"].to_string().contains(MARKER));
    // A new version reaches the carer.
    e.ok(&["share", "publish", id]);
    let now = carer.json(&["share", "follow", "--json"]);
    assert_eq!(now[0]["last"]["seq"], 3);
    // Revoked as a carer: later versions are not for them; what they saw stays.
    e.ok(&["share", "carer-revoke", id, "--key", &key]);
    let after = carer.json(&["share", "follow", "--json"]);
    assert_eq!(after[0]["state"], "no_longer_shared");
    assert!(after[0]["last"].to_string().contains(MARKER));
    assert!(carer.ok(&["share", "follow"]).contains("no longer shared"));
}

#[test]
fn a_clinicians_reply_waits_until_accepted() {
    let (_d, relay) = relay();
    let e = setup();
    let st = e.ok(&["statement", "template", "--format", "json"]);
    let f = e.write("st.json", &st);
    e.ok(&["statement", "edit", f.to_str().unwrap()]);
    let mut c = e.cmd(&[
        "share",
        "create",
        "--statement",
        "--for",
        "Dr Who",
        "--relay",
        &relay.url,
        "--json",
    ]);
    c.env_remove("HAVEN_SHARE_PIN");
    let made: Value = serde_json::from_str(&ok(c)).unwrap();
    let (id, link) = (made["id"].as_str().unwrap(), made["link"].as_str().unwrap());
    // The clinician's side (what the viewer does): open, then reply sealed to the person.
    let t = haven_core::share::transport::UreqTransport::default();
    let l = haven_core::share::link::Link::parse(link).unwrap();
    let o = haven_core::share::client::open_link(&t, &l, None, None, chrono::Utc::now()).unwrap();
    let reply = haven_core::share::reply::Reply {
        v: 1,
        version: o.content.document.as_ref().unwrap().version.clone(),
        name: "Dr A. Clinician".into(),
        role: "Consultant psychiatrist".into(),
        organisation: String::new(),
        date: chrono::Utc::now().date_naive(),
        sections: vec![haven_core::share::reply::ReplySection {
            section: haven_core::Section::TreatmentRequests,
            response: haven_core::ReviewResponse::Agreed,
            reason: String::new(),
        }],
        notes: String::new(),
    };
    let sealed =
        haven_core::share::reply::seal(&reply, id, o.content.reply_to.as_deref().unwrap()).unwrap();
    haven_core::share::client::send_reply(&t, &relay.url, id, &sealed).unwrap();

    let waiting = e.json(&["share", "replies", "--json"]);
    assert_eq!(waiting.as_array().unwrap().len(), 1);
    let rid = waiting[0]["id"].as_str().unwrap();
    assert_eq!(
        e.json(&["statement", "reviews", "--json"])
            .to_string()
            .matches("Dr A. Clinician")
            .count(),
        0
    );
    assert!(e.ok(&["share", "accept", rid]).contains("consultation log"));
    assert!(e
        .ok(&["statement", "reviews", "--json"])
        .contains("Dr A. Clinician"));
    assert!(e.ok(&["share", "replies"]).contains("No replies waiting"));
}

#[test]
fn the_crisis_card_qr_says_it_cannot_be_revoked() {
    let e = with_plan();
    let out_file = e.path("card.svg");
    let out = e.ok(&["plan", "card-qr", "--out", out_file.to_str().unwrap()]);
    assert!(out.contains("CANNOT BE REVOKED"));
    assert!(std::fs::read_to_string(&out_file).unwrap().contains("<svg"));
    // With --viewer the QR code holds a link to the viewer's card page,
    // the card in the fragment; the text opens as core's card.
    let json: serde_json::Value = serde_json::from_str(&e.ok(&[
        "plan",
        "card-qr",
        "--out",
        out_file.to_str().unwrap(),
        "--viewer",
        "https://relay.example/",
        "--json",
    ]))
    .unwrap();
    let text = json["text"].as_str().unwrap();
    assert_eq!(
        json["url"].as_str().unwrap(),
        format!("https://relay.example/card#{text}")
    );
    assert!(haven_core::share::card::decode(text, None).is_ok());
    let bad = e.fails(
        &[
            "plan",
            "card-qr",
            "--out",
            out_file.to_str().unwrap(),
            "--viewer",
            "relay.example",
        ],
        2,
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--viewer takes an address"));
}

#[test]
fn the_tour_shares_the_plan_through_a_loopback_relay_and_revokes_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_haven"));
    c.args(["tour", "--dir"]).arg(dir.path());
    let out = ok(c);
    assert!(out.contains("Share the plan with a carer through a relay"));
    assert!(out.contains("not found (it holds ciphertext only)"));
    assert!(out.contains("Sam mistypes the PIN: the link or the PIN is wrong"));
    assert!(out.contains("after revoking, Sam is told: this share was revoked"));
    assert!(out.contains("access log (sealed to me; the relay cannot read it): WrongPin, Opened"));
    assert!(
        std::fs::read_to_string(dir.path().join("crisis-card-qr.svg"))
            .unwrap()
            .contains("<svg")
    );
}

#[test]
fn share_ids_that_begin_with_a_hyphen_are_ids_not_flags() {
    // Share ids are random base64url, so one in 64 begins with '-'.
    let e = setup();
    let out = e.fails(&["share", "log", "-7AAAAAAAAAAAAAAAAAAAAA", "--json"], 1);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no share with id -7AAAAAAAAAAAAAAAAAAAAA")
    );
}
