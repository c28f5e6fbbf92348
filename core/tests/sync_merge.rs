//! The merge rules and the replica's checks, one scenario each (ADR 0015):
//! conflicts kept until resolved, delete-vs-edit, versions and attached
//! records as unions, revocation beating a concurrent activation, order
//! independence, causal holding, and the alarms a device raises for forks,
//! forgeries and strangers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use haven_core::share::primitives::ed25519_public;
use haven_core::sync::entry::Entry;
use haven_core::sync::merge::{JournalView, Standing};
use haven_core::sync::op::{AttachKind, Op, StatusChange};
use haven_core::sync::replica::{Behind, Received, Replica};
use haven_core::sync::{Alarm, DeviceId, SpaceId};

const SPACE: SpaceId = SpaceId([9; 16]);
const REC: [u8; 16] = [1; 16];
const DOC: [u8; 16] = [2; 16];
const V1: [u8; 32] = [0x11; 32];
const V2: [u8; 32] = [0x22; 32];

fn seed(i: u8) -> [u8; 32] {
    [i; 32]
}

fn id(i: u8) -> DeviceId {
    DeviceId([i; 16])
}

/// Devices 1..=n of one space.
fn devices(n: u8) -> Vec<Replica> {
    let members: Vec<(DeviceId, [u8; 32])> = (1..=n)
        .map(|i| (id(i), ed25519_public(&seed(i)).unwrap()))
        .collect();
    (1..=n)
        .map(|i| Replica::new(SPACE, id(i), seed(i), &members))
        .collect()
}

fn put(text: &str) -> Op {
    Op::Journal {
        record: REC,
        content: Some(text.as_bytes().to_vec()),
    }
}

fn texts(r: &Replica) -> Option<(Vec<String>, bool)> {
    match r.state().journal(&REC)? {
        JournalView::Deleted => None,
        JournalView::Live {
            revisions,
            resurrected,
        } => Some((
            revisions
                .iter()
                .map(|v| String::from_utf8(v.content.clone().unwrap()).unwrap())
                .collect(),
            resurrected,
        )),
    }
}

fn status(change: StatusChange, version: [u8; 32]) -> Op {
    Op::Status {
        document: DOC,
        version,
        change,
    }
}

#[test]
fn two_offline_edits_both_stay_until_a_revision_that_saw_both() {
    let mut d = devices(2);
    let first = d[0].write(put("first")).unwrap();
    assert_eq!(d[1].receive(first), Received::Applied(0));
    let a = d[0].write(put("from phone")).unwrap();
    let b = d[1].write(put("from laptop")).unwrap();
    d[0].receive(b);
    d[1].receive(a);
    for r in &d {
        assert_eq!(
            texts(r),
            Some((vec!["from phone".into(), "from laptop".into()], false))
        );
        assert_eq!(r.state().conflicts(), vec![REC]);
    }
    let resolved = d[1].write(put("merged by hand")).unwrap();
    d[0].receive(resolved);
    for r in &d {
        assert_eq!(texts(r), Some((vec!["merged by hand".into()], false)));
        assert!(r.state().conflicts().is_empty());
        assert_eq!(r.state().digest(), d[0].state().digest());
    }
}

#[test]
fn a_delete_that_did_not_see_an_edit_brings_the_entry_back_with_a_notice() {
    let mut d = devices(2);
    let first = d[0].write(put("first")).unwrap();
    d[1].receive(first);
    let del = d[0]
        .write(Op::Journal {
            record: REC,
            content: None,
        })
        .unwrap();
    let edit = d[1].write(put("edited offline")).unwrap();
    d[0].receive(edit);
    d[1].receive(del);
    for r in &d {
        assert_eq!(texts(r), Some((vec!["edited offline".into()], true)));
    }
    // A delete that has seen the edit deletes.
    let del2 = d[0]
        .write(Op::Journal {
            record: REC,
            content: None,
        })
        .unwrap();
    d[1].receive(del2);
    for r in &d {
        assert!(matches!(
            r.state().journal(&REC),
            Some(JournalView::Deleted)
        ));
    }
}

#[test]
fn versions_and_attached_records_are_unions() {
    let mut d = devices(2);
    let v1 = d[0]
        .write(Op::Version {
            document: DOC,
            hash: V1,
            body: b"one".to_vec(),
        })
        .unwrap();
    let v2 = d[1]
        .write(Op::Version {
            document: DOC,
            hash: V2,
            body: b"two".to_vec(),
        })
        .unwrap();
    let review = d[1]
        .write(Op::Attach {
            document: DOC,
            version: V2,
            kind: AttachKind::Review,
            record: [7; 16],
            body: b"review".to_vec(),
        })
        .unwrap();
    d[0].receive(v2);
    d[0].receive(review);
    d[1].receive(v1);
    for r in &d {
        assert_eq!(r.state().version(&DOC, &V1), Some(&b"one"[..]));
        assert_eq!(r.state().version(&DOC, &V2), Some(&b"two"[..]));
        assert_eq!(
            r.state().attached(&[7; 16]).unwrap().kind,
            AttachKind::Review
        );
    }
    assert_eq!(d[0].state().digest(), d[1].state().digest());
}

#[test]
fn a_revocation_beats_a_concurrent_activation_but_not_a_later_one() {
    let mut d = devices(2);
    let act = d[0].write(status(StatusChange::Activate, V1)).unwrap();
    d[1].receive(act);
    // The phone, offline, activates V2; the laptop revokes.
    let stale = d[0].write(status(StatusChange::Activate, V2)).unwrap();
    let revoke = d[1].write(status(StatusChange::Revoke, V1)).unwrap();
    d[0].receive(revoke);
    d[1].receive(stale);
    for r in &d {
        assert_eq!(r.state().standing(&DOC), Standing::Revoked);
        assert_eq!(r.state().history(&DOC).len(), 3);
    }
    // An activation made after seeing the revocation is the person's choice.
    let again = d[0].write(status(StatusChange::Activate, V2)).unwrap();
    d[1].receive(again);
    for r in &d {
        assert_eq!(r.state().standing(&DOC), Standing::Active(V2));
    }
}

#[test]
fn concurrent_activations_of_different_versions_are_contested() {
    let mut d = devices(2);
    let a = d[0].write(status(StatusChange::Activate, V2)).unwrap();
    let b = d[1].write(status(StatusChange::Activate, V1)).unwrap();
    d[0].receive(b);
    d[1].receive(a);
    for r in &d {
        assert_eq!(r.state().standing(&DOC), Standing::Contested(vec![V1, V2]));
    }
}

#[test]
fn an_entry_waits_for_its_past_and_the_gap_shows_as_behind() {
    let mut d = devices(3);
    let e1 = d[0].write(put("one")).unwrap();
    let e2 = d[0].write(put("two")).unwrap();
    d[1].receive(e1.clone());
    d[1].receive(e2.clone());
    let seen = d[1].write(put("three")).unwrap();
    // Device 3 gets device 2's entry first: it depends on device 1's two.
    assert_eq!(d[2].receive(seen.clone()), Received::Held);
    // Behind device 1 (two entries named as seen) and device 2 (its entry
    // is held, not applied).
    assert_eq!(
        d[2].behind(),
        vec![
            Behind {
                device: id(1),
                have: 0,
                known: 2
            },
            Behind {
                device: id(2),
                have: 0,
                known: 1
            }
        ]
    );
    assert_eq!(d[2].receive(e2.clone()), Received::Held);
    assert_eq!(d[2].receive(e2), Received::Duplicate);
    assert_eq!(d[2].receive(e1), Received::Applied(2));
    assert!(d[2].behind().is_empty());
    assert_eq!(d[2].receive(seen), Received::Duplicate);
    assert_eq!(d[2].state().digest(), d[1].state().digest());
    assert!(d[2].take_alarms().is_empty());
}

/// Device 1 writes a second entry at position 2 (a copied or rolled-back
/// device): whoever gets both has a fork, proven by two signatures.
fn equivocation() -> (Vec<Replica>, Entry, Entry) {
    let mut d = devices(3);
    let e1 = d[0].write(put("one")).unwrap();
    let e2 = d[0].write(put("two")).unwrap();
    let other = Entry::sign(SPACE, id(1), 2, e1.hash(), vec![], put("other"), &seed(1)).unwrap();
    d[1].receive(e1.clone());
    d[2].receive(e1);
    (d, e2, other)
}

#[test]
fn two_signed_entries_at_one_position_are_a_fork() {
    let (mut d, e2, other) = equivocation();
    assert!(matches!(d[1].receive(e2), Received::Applied(0)));
    assert_eq!(d[1].receive(other), Received::Refused);
    assert_eq!(
        d[1].take_alarms(),
        vec![Alarm::Fork {
            device: id(1),
            seq: 2
        }]
    );
    // The forked device's later entries are refused without a new alarm.
    let e3 = d[0].write(put("three")).unwrap();
    assert_eq!(d[1].receive(e3), Received::Refused);
    assert!(d[1].take_alarms().is_empty());
}

#[test]
fn a_relay_showing_devices_different_histories_is_caught_by_a_witness() {
    let (mut d, e2, other) = equivocation();
    // Device 2 sees one history and writes on it; device 3 the other.
    d[1].receive(e2);
    d[2].receive(other);
    let witness = d[1].write(put("after two")).unwrap();
    // Device 2 did nothing wrong, but its entry follows a forked history:
    // it waits (device 1 is refused from now on).
    assert_eq!(d[2].receive(witness), Received::Held);
    assert_eq!(
        d[2].take_alarms(),
        vec![Alarm::Fork {
            device: id(1),
            seq: 2
        }]
    );
    // The same comparison made directly (frontiers shown to each other).
    let (mut d, e2, other) = equivocation();
    d[1].receive(e2);
    d[2].receive(other);
    let theirs = d[1].frontier();
    d[2].learn_heads(&theirs);
    assert_eq!(
        d[2].take_alarms(),
        vec![Alarm::Fork {
            device: id(1),
            seq: 2
        }]
    );
}

#[test]
fn a_device_notices_entries_of_its_own_it_never_wrote() {
    let mut d = devices(2);
    let e1 = d[0].write(put("one")).unwrap();
    let forged_next = Entry::sign(
        SPACE,
        id(1),
        2,
        e1.hash(),
        vec![],
        put("not mine"),
        &seed(1),
    )
    .unwrap();
    assert_eq!(d[0].receive(forged_next), Received::Refused);
    assert_eq!(
        d[0].take_alarms(),
        vec![Alarm::Fork {
            device: id(1),
            seq: 2
        }]
    );
}

#[test]
fn strangers_and_forgeries_are_refused_by_name() {
    let mut d = devices(2);
    let stranger = Entry::sign(SPACE, id(7), 1, [0; 32], vec![], put("x"), &seed(7)).unwrap();
    assert_eq!(d[0].receive(stranger), Received::Refused);
    assert_eq!(
        d[0].take_alarms(),
        vec![Alarm::UnknownDevice { device: id(7) }]
    );
    let forged = Entry::sign(SPACE, id(2), 1, [0; 32], vec![], put("x"), &seed(7)).unwrap();
    assert_eq!(d[0].receive(forged), Received::Refused);
    assert_eq!(
        d[0].take_alarms(),
        vec![Alarm::Forged {
            device: id(2),
            seq: 1
        }]
    );
    let elsewhere = Entry::sign(
        SpaceId([3; 16]),
        id(2),
        1,
        [0; 32],
        vec![],
        put("x"),
        &seed(2),
    )
    .unwrap();
    assert_eq!(d[0].receive(elsewhere), Received::Refused);
    assert_eq!(
        d[0].take_alarms(),
        vec![Alarm::Forged {
            device: id(2),
            seq: 1
        }]
    );
    assert!(d[0].state().journal(&REC).is_none());
}

#[test]
fn any_arrival_order_gives_the_same_records() {
    let mut d = devices(3);
    let mut all = Vec::new();
    for round in 0..4 {
        for (i, device) in d.iter_mut().enumerate() {
            all.push(device.write(put(&format!("{i}/{round}"))).unwrap());
        }
        // Devices 1 and 2 see each other every other round; 3 sees nobody.
        if round % 2 == 0 {
            for e in all.clone() {
                d[0].receive(e.clone());
                d[1].receive(e);
            }
        }
    }
    let mut rng = fastrand::Rng::with_seed(7);
    let mut digests = std::collections::BTreeSet::new();
    for _ in 0..20 {
        let mut order = all.clone();
        rng.shuffle(&mut order);
        let mut fresh = devices(4).pop().unwrap();
        for e in order {
            fresh.receive(e);
        }
        assert!(fresh.behind().is_empty());
        digests.insert(fresh.state().digest());
    }
    assert_eq!(digests.len(), 1);
}
