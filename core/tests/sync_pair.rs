//! Pairing a device into a sync space (ADR 0015, "Pairing";
//! `core/src/sync/pair.rs`): the code, the exchange, what a wrong code or
//! someone in the middle gets, and the welcome's one encoding.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use haven_core::sync::pair::{
    Joiner, Member, NewDevice, PairingCode, Welcome, CODE_WORDS, MAX_MAILBOX,
};
use haven_core::sync::{DecodeError, DeviceId, Head, PairError, SpaceId};
use zeroize::Zeroizing;

fn welcome() -> Welcome {
    Welcome {
        vault_key: Zeroizing::new([7; 32]),
        space: SpaceId([1; 16]),
        space_keys: vec![(0, Zeroizing::new([2; 32])), (3, Zeroizing::new([3; 32]))],
        members: vec![(DeviceId([4; 16]), [5; 32]), (DeviceId([6; 16]), [8; 32])],
        frontier: vec![(
            DeviceId([4; 16]),
            Head {
                seq: 12,
                hash: [9; 32],
            },
        )],
    }
}

fn joiner_device() -> NewDevice {
    NewDevice {
        device: DeviceId([0x21; 16]),
        public: [0x22; 32],
    }
}

#[test]
fn a_device_pairs_with_the_code_and_both_screens_show_the_same_check_code() {
    let code = PairingCode::generate().unwrap();
    let typed = PairingCode::parse(&code.display()).unwrap();
    let (member, m_msg) = Member::start(&code);
    let (joiner, j_msg) = Joiner::start(&typed);
    let member = member.finish(&j_msg).unwrap();
    let joiner = joiner.finish(&m_msg).unwrap();
    assert_eq!(member.check_code(), joiner.check_code());
    assert_eq!(member.check_code().len(), 7, "six digits and a space");

    let hello = joiner.hello(&joiner_device()).unwrap();
    let (confirmed, new) = member.open_hello(&hello).unwrap();
    assert_eq!(new, joiner_device());
    let sealed = confirmed.welcome(&welcome()).unwrap();
    let got = joiner.open_welcome(&sealed).unwrap();
    assert_eq!(got, welcome());
    // Sealed: the vault key is not in the message as sent.
    assert!(!sealed.windows(32).any(|w| w == [7; 32]));
}

#[test]
fn a_mistyped_word_fails_on_the_member_before_anything_is_disclosed() {
    let code = PairingCode::parse("417-about-ocean-zoo").unwrap();
    let wrong = PairingCode::parse("417-about-ocean-zone").unwrap();
    let (member, m_msg) = Member::start(&code);
    let (joiner, j_msg) = Joiner::start(&wrong);
    let member = member.finish(&j_msg).unwrap();
    let joiner = joiner.finish(&m_msg).unwrap();
    assert_ne!(member.check_code(), joiner.check_code());
    let hello = joiner.hello(&joiner_device()).unwrap();
    // The member's state is consumed: one guess per pairing.
    assert!(matches!(
        member.open_hello(&hello),
        Err(PairError::WrongCode)
    ));
}

#[test]
fn someone_in_the_middle_without_the_code_learns_nothing_and_is_caught() {
    // The relay runs the exchange with each side under its own guess.
    let code = PairingCode::generate().unwrap();
    let guess = PairingCode::generate().unwrap();
    let (member, m_msg) = Member::start(&code);
    let (mitm_as_joiner, mitm_j_msg) = Joiner::start(&guess);
    let member = member.finish(&mitm_j_msg).unwrap();
    let mitm = mitm_as_joiner.finish(&m_msg).unwrap();
    let forged_hello = mitm.hello(&joiner_device()).unwrap();
    assert!(matches!(
        member.open_hello(&forged_hello),
        Err(PairError::WrongCode)
    ));

    // Towards the joiner: a welcome the relay seals cannot open either.
    let (joiner, j_msg) = Joiner::start(&code);
    let (mitm_as_member, mitm_m_msg) = Member::start(&guess);
    let joiner = joiner.finish(&mitm_m_msg).unwrap();
    let mitm = mitm_as_member.finish(&j_msg).unwrap();
    let hello = joiner.hello(&joiner_device()).unwrap();
    assert!(matches!(mitm.open_hello(&hello), Err(PairError::WrongCode)));
}

#[test]
fn every_flipped_bit_of_either_message_is_refused() {
    let code = PairingCode::generate().unwrap();
    let run = || {
        let (member, m_msg) = Member::start(&code);
        let (joiner, j_msg) = Joiner::start(&code);
        (
            member.finish(&j_msg).unwrap(),
            joiner.finish(&m_msg).unwrap(),
        )
    };
    let (_, joiner) = run();
    let hello = joiner.hello(&joiner_device()).unwrap();
    for i in 0..hello.len() {
        let (member, joiner) = run();
        let hello = joiner.hello(&joiner_device()).unwrap();
        let mut bad = hello.clone();
        bad[i] ^= 0x04;
        let err = member.open_hello(&bad).unwrap_err();
        let expected = match i {
            0..=2 => PairError::Decode(DecodeError::BadMagic),
            3 => PairError::Decode(DecodeError::UnsupportedVersion(5)),
            4 => PairError::BadMessage,
            _ => PairError::WrongCode,
        };
        assert_eq!(err, expected, "hello byte {i}");
    }
    let (member, joiner) = run();
    let hello = joiner.hello(&joiner_device()).unwrap();
    let (confirmed, _) = member.open_hello(&hello).unwrap();
    let sealed = confirmed.welcome(&welcome()).unwrap();
    for i in [5, sealed.len() / 2, sealed.len() - 1] {
        let (member, joiner) = run();
        let hello = joiner.hello(&joiner_device()).unwrap();
        let (confirmed, _) = member.open_hello(&hello).unwrap();
        let mut bad = confirmed.welcome(&welcome()).unwrap();
        bad[i] ^= 0x01;
        assert_eq!(
            joiner.open_welcome(&bad).unwrap_err(),
            PairError::WrongCode,
            "welcome byte {i}"
        );
    }
    // A hello offered as a welcome (or the reverse) is out of place.
    let (member, joiner) = run();
    let hello = joiner.hello(&joiner_device()).unwrap();
    let (confirmed, _) = member.open_hello(&hello).unwrap();
    let sealed = confirmed.welcome(&welcome()).unwrap();
    let (member, _) = run();
    assert_eq!(
        member.open_hello(&sealed).unwrap_err(),
        PairError::BadMessage
    );
    let (member, joiner) = run();
    drop(member);
    assert_eq!(
        joiner.open_welcome(&hello).unwrap_err(),
        PairError::BadMessage
    );
}

#[test]
fn a_broken_exchange_message_is_refused() {
    let code = PairingCode::generate().unwrap();
    let (member, _) = Member::start(&code);
    assert_eq!(member.finish(b"short").unwrap_err(), PairError::BadMessage);
    // The member's own message sent back to it (a reflection).
    let (member, m_msg) = Member::start(&code);
    assert_eq!(member.finish(&m_msg).unwrap_err(), PairError::BadMessage);
}

#[test]
fn codes_read_as_people_type_them() {
    let code = PairingCode::parse("417-about-ocean-zoo").unwrap();
    assert_eq!(code.mailbox(), 417);
    assert_eq!(code.display().as_str(), "417-about-ocean-zoo");
    for typed in [
        "417 about ocean zoo",
        "  417-ABOUT-Ocean-zoo ",
        "417-abou-ocea-zoo",
        "417 - about - ocean - zoo",
    ] {
        assert_eq!(PairingCode::parse(typed).unwrap(), code, "{typed}");
    }
    for typed in [
        "",
        "417",
        "417-about-ocean",
        "417-about-ocean-zoo-extra",
        "0-about-ocean-zoo",
        "10000-about-ocean-zoo",
        "abc-about-ocean-zoo",
        "417-abo-ocean-zoo",
        "417-aboutx-ocean-zoo",
        "417-notaword-ocean-zoo",
    ] {
        assert_eq!(
            PairingCode::parse(typed).unwrap_err(),
            PairError::MistypedCode,
            "{typed:?}"
        );
    }
    for _ in 0..200 {
        let code = PairingCode::generate().unwrap();
        assert!((1..=MAX_MAILBOX).contains(&code.mailbox()));
        assert_eq!(code.display().split('-').count(), 1 + CODE_WORDS);
        assert_eq!(PairingCode::parse(&code.display()).unwrap(), code);
    }
}

#[test]
fn debug_shows_no_code_and_no_key() {
    let code = PairingCode::parse("417-about-ocean-zoo").unwrap();
    let shown = format!("{code:?} {:?}", welcome());
    assert!(
        !shown.contains("about") && !shown.contains("417"),
        "{shown}"
    );
    assert!(
        !shown.contains("[7, 7") && !shown.contains("07070707"),
        "{shown}"
    );
}

#[test]
fn a_welcome_has_one_encoding() {
    let w = welcome();
    let bytes = w.encode().unwrap();
    assert_eq!(Welcome::decode(&bytes).unwrap(), w);
    assert_eq!(
        Welcome::decode(&bytes[..bytes.len() - 1]).unwrap_err(),
        DecodeError::Truncated
    );
    assert_eq!(
        Welcome::decode(&[bytes.as_slice(), &[0]].concat()).unwrap_err(),
        DecodeError::TrailingBytes
    );
    let mut unsorted = welcome();
    unsorted.members.reverse();
    assert_eq!(
        unsorted.encode().unwrap_err(),
        PairError::Decode(DecodeError::NotCanonical)
    );
    // The same list out of order, as bytes: refused on reading too.
    let mut bytes = w.encode().unwrap();
    let members_at = 32 + 16 + 2 + 2 * 36 + 2;
    let (a, b) = (members_at, members_at + 48);
    let first: Vec<u8> = bytes[a..b].to_vec();
    let second: Vec<u8> = bytes[b..b + 48].to_vec();
    bytes[a..b].copy_from_slice(&second);
    bytes[b..b + 48].copy_from_slice(&first);
    assert_eq!(
        Welcome::decode(&bytes).unwrap_err(),
        DecodeError::NotCanonical
    );
    let mut no_keys = welcome();
    no_keys.space_keys.clear();
    assert_eq!(
        no_keys.encode().unwrap_err(),
        PairError::Decode(DecodeError::NotCanonical)
    );
    // A count beyond the limit is refused before reading (no allocation).
    let mut huge = w.encode().unwrap();
    huge[48] = 0xff;
    huge[49] = 0xff;
    assert_eq!(Welcome::decode(&huge).unwrap_err(), DecodeError::TooLarge);
}
