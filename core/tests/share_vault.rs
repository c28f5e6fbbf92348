#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Shares kept in the vault: create, list (the link can be found again),
//! republish (chain), carers enrolled and revoked, revoke, clinicians'
//! replies pending then accepted or declined, the sealed access log, the
//! crisis card; and none of the marker texts, the link key or the PIN in
//! the vault file.

mod common;
mod doc_fixtures;

use chrono::{Duration, Utc};
use doc_fixtures::{full_plan, full_statement, sign_as_app, sign_off, vault, Markers};
use haven_core::documents::{ReviewResponse, Section};
use haven_core::share::access_log::{self, AccessEvent};
use haven_core::share::capsule::{self, Key};
use haven_core::share::card;
use haven_core::share::carer::{check_code, CarerKeys};
use haven_core::share::link::{self, link_secrets, Link};
use haven_core::share::primitives::{b64, unb64_array};
use haven_core::share::reply::{self, Reply, ReplySection};
use haven_core::share::{open_welcome, NewShare, ShareError, SUBMITTED_THROUGH_SHARE};
use haven_core::HavenError;

fn new_share(document_id: &str, pin: Option<&str>) -> NewShare {
    NewShare {
        document_id: document_id.into(),
        sections: vec![],
        recipient: "QZXMARKrecipient".into(),
        expires_in_days: 14,
        read_limit: None,
        pin: pin.map(Into::into),
        relay: "https://relay.example".into(),
        invite_replies: true,
    }
}

fn open_link(url: &str, pin: Option<&str>, bytes: &[u8]) -> Result<capsule::Opened, ShareError> {
    let l = Link::parse(url).unwrap();
    let kek = link_secrets(&l.key, &l.share_id, pin).unwrap().kek;
    capsule::open(bytes, &l.share_id, Key::Link(&kek), None, Utc::now())
}

#[test]
fn a_shared_plan_opens_from_its_link_with_the_chosen_sections_only() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let doc = v.create_document(full_plan(&mut k).into()).unwrap();
    let mut new = new_share(&doc.document_id, Some("2468"));
    new.sections = vec![Section::HelpContacts, Section::CopingStrategies];
    let (summary, publication) = v.create_share(&new, Utc::now()).unwrap();
    assert_eq!(publication.seq, 1);
    assert!(summary.link.contains("#p."));
    assert_eq!(
        v.shares().unwrap()[0].link,
        summary.link,
        "the link can be found again"
    );

    let opened = open_link(&summary.link, Some("2468"), &publication.capsule).unwrap();
    let d = opened.content.document.as_ref().unwrap();
    let keys: Vec<&str> = d.sections.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(
        keys,
        ["coping_strategies", "help_contacts"],
        "document order"
    );
    assert_eq!(d.version, doc.hash);
    assert_eq!(opened.content.signer, v.share_identity().unwrap());
    assert_eq!(
        open_link(&summary.link, Some("1357"), &publication.capsule).unwrap_err(),
        ShareError::WrongKeyOrPin
    );
    // The relay is given the hash of the right access token.
    let l = Link::parse(&summary.link).unwrap();
    let token = link_secrets(&l.key, &l.share_id, Some("2468"))
        .unwrap()
        .access_token;
    assert_eq!(
        publication.access_hashes,
        [b64(&link::access_hash(token.as_slice()))]
    );

    // Sections of the other kind of document are refused.
    new.sections = vec![Section::TreatmentRefusals];
    assert!(matches!(
        v.create_share(&new, Utc::now()).unwrap_err(),
        ShareError::Invalid { .. }
    ));
}

#[test]
fn republishing_chains_versions_and_revoking_ends_the_share() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let doc = v.create_document(full_plan(&mut k).into()).unwrap();
    let (s, p1) = v
        .create_share(&new_share(&doc.document_id, None), Utc::now())
        .unwrap();
    let seen = open_link(&s.link, None, &p1.capsule).unwrap().seen();
    let p2 = v.republish_share(&s.id, Utc::now()).unwrap();
    let l = Link::parse(&s.link).unwrap();
    let kek = link_secrets(&l.key, &l.share_id, None).unwrap().kek;
    let o2 = capsule::open(&p2.capsule, &s.id, Key::Link(&kek), Some(&seen), Utc::now()).unwrap();
    assert_eq!(o2.content.seq, 2);
    assert_eq!(o2.content.prev.as_deref(), Some(seen.hash.as_str()));
    // The relay replaying version 1 after version 2 is caught.
    assert_eq!(
        capsule::open(
            &p1.capsule,
            &s.id,
            Key::Link(&kek),
            Some(&o2.seen()),
            Utc::now()
        )
        .unwrap_err(),
        ShareError::Rollback { seen: 2, got: 1 }
    );
    let p3 = v.revoke_share(&s.id, Utc::now()).unwrap();
    assert!(p3.revoked);
    assert_eq!(
        capsule::open(
            &p3.capsule,
            &s.id,
            Key::Link(&kek),
            Some(&o2.seen()),
            Utc::now()
        )
        .unwrap_err(),
        ShareError::Revoked
    );
    assert_eq!(
        v.republish_share(&s.id, Utc::now()).unwrap_err(),
        ShareError::Revoked
    );
    let revoked_at = v.shares().unwrap()[0].revoked_at;
    assert!(revoked_at.is_some());
    // Revoking again (an upload that failed) signs the next revocation,
    // keeping the first revocation time; readers see it as revoked.
    let p4 = v.revoke_share(&s.id, Utc::now()).unwrap();
    assert!(p4.revoked);
    assert_eq!(p4.seq, p3.seq + 1);
    assert_eq!(v.shares().unwrap()[0].revoked_at, revoked_at);
    assert_eq!(
        capsule::open(
            &p4.capsule,
            &s.id,
            Key::Link(&kek),
            Some(&o2.seen()),
            Utc::now()
        )
        .unwrap_err(),
        ShareError::Revoked
    );
    assert_eq!(
        v.revoke_share("AAAAAAAAAAAAAAAAAAAAAA", Utc::now())
            .unwrap_err(),
        ShareError::Vault(HavenError::not_found("share", "AAAAAAAAAAAAAAAAAAAAAA"))
    );
}

#[test]
fn an_enrolled_carer_sees_new_versions_until_revoked() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let doc = v.create_document(full_plan(&mut k).into()).unwrap();
    let (s, _) = v
        .create_share(&new_share(&doc.document_id, None), Utc::now())
        .unwrap();
    let sam = CarerKeys::generate().unwrap();
    let e = v
        .enrol_carer(&s.id, "Sam", &sam.public_b64(), Utc::now())
        .unwrap();
    // The carer's screen computes the same code from the invite's signer key.
    let signer = unb64_array::<32>(&v.share_identity().unwrap()).unwrap();
    assert_eq!(e.check_code, check_code(&signer, &sam.public()));
    assert_eq!(e.check_code.len(), 19);
    assert_eq!(v.shares().unwrap()[0].carers[0].check_code, e.check_code);
    let welcome = open_welcome(&e.welcome, &s.id, sam.secret()).unwrap();
    assert_eq!(welcome.share, s.id);
    assert_eq!(welcome.signer, v.share_identity().unwrap());
    let other = CarerKeys::generate().unwrap();
    assert_eq!(
        open_welcome(&e.welcome, &s.id, other.secret()).unwrap_err(),
        ShareError::Tampered
    );

    let p2 = v.republish_share(&s.id, Utc::now()).unwrap();
    assert_eq!(p2.access_hashes.len(), 2, "link and carer tokens");
    let token = unb64_array::<32>(&welcome.token).unwrap();
    assert!(p2.access_hashes.contains(&b64(&link::access_hash(&token))));
    let o = capsule::open(
        &p2.capsule,
        &s.id,
        Key::Carer(sam.secret()),
        None,
        Utc::now(),
    )
    .unwrap();
    assert_eq!(o.content.seq, 2);

    v.revoke_carer(&s.id, &sam.public_b64(), Utc::now())
        .unwrap();
    let p3 = v.republish_share(&s.id, Utc::now()).unwrap();
    assert_eq!(
        p3.access_hashes.len(),
        2,
        "a revoked carer may fetch, and finds nothing"
    );
    assert_eq!(
        capsule::open(
            &p3.capsule,
            &s.id,
            Key::Carer(sam.secret()),
            None,
            Utc::now()
        )
        .unwrap_err(),
        ShareError::NotARecipient
    );
    assert!(v.shares().unwrap()[0].carers.is_empty());
}

fn reply_to_statement(version: &str) -> Reply {
    Reply {
        v: 1,
        version: version.into(),
        name: "QZXMARKclinician".into(),
        role: "Consultant psychiatrist".into(),
        organisation: String::new(),
        date: Utc::now().date_naive(),
        sections: vec![
            ReplySection {
                section: Section::TreatmentRequests,
                response: ReviewResponse::Agreed,
                reason: String::new(),
            },
            ReplySection {
                section: Section::RestrictiveInterventions,
                response: ReviewResponse::CannotFollow,
                reason: "QZXMARKreason".into(),
            },
        ],
        notes: String::new(),
    }
}

#[test]
fn a_clinicians_reply_waits_until_accepted_or_declined() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let doc = v.create_document(full_statement(&mut k).into()).unwrap();
    sign_as_app(&v, &doc.document_id, &doc.hash, sign_off(&mut k, true)).unwrap();
    let (s, p) = v
        .create_share(&new_share(&doc.document_id, None), Utc::now())
        .unwrap();
    let reply_to = open_link(&s.link, None, &p.capsule)
        .unwrap()
        .content
        .reply_to
        .unwrap();
    let sealed = reply::seal(&reply_to_statement(&doc.hash), &s.id, &reply_to).unwrap();
    assert!(!String::from_utf8_lossy(&sealed).contains("QZXMARK"));
    // Tampered or misdirected replies are refused; nothing is stored.
    let mut bad = sealed.clone();
    let n = bad.len() - 5;
    bad[n] ^= 1;
    assert!(matches!(
        v.receive_reply(&s.id, &bad, Utc::now()).unwrap_err(),
        ShareError::Tampered | ShareError::Malformed
    ));
    assert_eq!(
        v.receive_reply("BBBBBBBBBBBBBBBBBBBBBB", &sealed, Utc::now())
            .unwrap_err(),
        ShareError::Vault(HavenError::not_found("share", "BBBBBBBBBBBBBBBBBBBBBB"))
    );
    assert!(v.pending_replies().unwrap().is_empty());

    let id1 = v.receive_reply(&s.id, &sealed, Utc::now()).unwrap();
    let id2 = v.receive_reply(&s.id, &sealed, Utc::now()).unwrap();
    assert_eq!(v.pending_replies().unwrap().len(), 2);
    assert!(v
        .consultation_reviews(&doc.document_id, &doc.hash)
        .unwrap()
        .is_empty());

    let review = v.accept_reply(&id1).unwrap();
    assert_eq!(review.clinician.name, "QZXMARKclinician");
    assert!(review.notes.starts_with(SUBMITTED_THROUGH_SHARE));
    assert_eq!(review.responses[1].response, ReviewResponse::CannotFollow);
    v.decline_reply(&id2).unwrap();
    assert!(v.pending_replies().unwrap().is_empty());
    assert_eq!(
        v.consultation_reviews(&doc.document_id, &doc.hash)
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        v.decline_reply(&id2).unwrap_err(),
        ShareError::Vault(HavenError::not_found("reply", &id2))
    );
}

#[test]
fn the_access_log_is_sealed_to_the_person() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let doc = v.create_document(full_plan(&mut k).into()).unwrap();
    let (s, p) = v
        .create_share(&new_share(&doc.document_id, None), Utc::now())
        .unwrap();
    let t = Utc::now();
    let events: Vec<Vec<u8>> = [AccessEvent::WrongPin, AccessEvent::Opened]
        .into_iter()
        .map(|e| access_log::seal(e, t, &s.id, &p.log_key).unwrap())
        .collect();
    for e in &events {
        let text = String::from_utf8_lossy(e);
        assert!(!text.contains("opened") && !text.contains("wrong"));
    }
    let log = v.open_access_log(&s.id, &events).unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].event, AccessEvent::WrongPin);
    assert_eq!(log[1].hour, log[0].hour);
    assert_eq!(log[0].hour.timestamp() % 3600, 0, "to the hour");
    let (_, p2) = v
        .create_share(&new_share(&doc.document_id, None), Utc::now())
        .unwrap();
    let other = access_log::seal(AccessEvent::Opened, t, &p2.share_id, &p2.log_key).unwrap();
    assert_eq!(
        v.open_access_log(&s.id, &[other]).unwrap_err(),
        ShareError::Tampered
    );
}

#[test]
fn the_crisis_card_is_signed_says_it_cannot_be_revoked_and_fits_a_qr_code() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let plan = full_plan(&mut k);
    let c = v
        .crisis_card(
            &v.create_document(plan.clone().into()).unwrap().document_id,
            Utc::now(),
        )
        .unwrap();
    assert!(c.text.starts_with(card::CARD_PREFIX));
    assert!(c.svg.starts_with("<?xml") || c.svg.starts_with("<svg"));
    let back = card::decode(&c.text, Some(&v.share_identity().unwrap())).unwrap();
    assert_eq!(back.notice, card::NOT_REVOCABLE);
    // Only the contacts the person said may be contacted are on it.
    let allowed: Vec<&str> = plan
        .help_contacts
        .iter()
        .filter(|c| c.may_contact)
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(
        back.call
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>(),
        allowed
    );
    assert_eq!(back.helps, plan.distress_support.helps);
    // Every flipped character is refused with a typed error.
    let bytes = c.text.as_bytes();
    for i in card::CARD_PREFIX.len()..bytes.len() {
        let mut b = bytes.to_vec();
        b[i] = if b[i] == b'A' { b'B' } else { b'A' };
        let e = card::decode(std::str::from_utf8(&b).unwrap(), None).unwrap_err();
        assert!(
            matches!(e, ShareError::Tampered | ShareError::Malformed),
            "{i}: {e:?}"
        );
    }
    assert_eq!(
        card::decode(&c.text, Some("another")).unwrap_err(),
        ShareError::WrongSigner
    );
}

#[test]
fn the_vault_file_holds_no_marker_link_key_or_pin() {
    let (d, v) = vault();
    let mut k = Markers::default();
    let doc = v.create_document(full_plan(&mut k).into()).unwrap();
    let (s, _) = v
        .create_share(&new_share(&doc.document_id, Some("97531")), Utc::now())
        .unwrap();
    let sam = CarerKeys::generate().unwrap();
    v.enrol_carer(&s.id, "QZXMARKcarername", &sam.public_b64(), Utc::now())
        .unwrap();
    let path = d.path().join("v.haven");
    let l = Link::parse(&s.link).unwrap();
    let key_text = b64(l.key.as_bytes());
    drop(v);
    for needle in ["QZXMARK", "97531", key_text.as_str()] {
        assert!(!common::raw_contains(&path, needle.as_bytes()), "{needle}");
    }
    assert!(!common::raw_contains(&path, l.key.as_bytes()));
    let _ = Duration::days(1);
}
