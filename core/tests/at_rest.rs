//! Nothing the person wrote is in the clear on disk, in the file or its WAL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use haven_core::Draft;

#[test]
fn marker_strings_never_appear_in_the_raw_file_or_wal() {
    let (_d, v, rk) = new_vault();
    let markers = ["ZQXMARKERTEXT", "ZQXMARKERTAG", "ZQXMARKEREDIT"];
    let mut ids = Vec::new();
    for i in 0..50 {
        let e = v
            .add_entry(Draft {
                text: format!("{} number {i}", markers[0]),
                mood: Some(7),
                tags: vec![markers[1].into()],
            })
            .unwrap();
        ids.push(e.id);
    }
    v.edit_entry(
        &ids[3],
        Draft {
            text: markers[2].into(),
            mood: None,
            tags: vec![],
        },
    )
    .unwrap();
    // Checked while the WAL still holds the recent writes...
    assert!(!raw_files(v.path()).is_empty());
    let year = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let mut needles: Vec<Vec<u8>> = markers.iter().map(|m| m.as_bytes().to_vec()).collect();
    needles.push(PASS.as_bytes().to_vec());
    needles.push(rk.display().as_bytes().to_vec());
    needles.push(year.into_bytes()); // no entry dates in the clear
    for n in &needles {
        assert!(
            !raw_contains(v.path(), n),
            "found {:?}",
            String::from_utf8_lossy(n)
        );
    }
    // ...and after everything is checkpointed into the main file.
    drop(v);
    let v = haven_core::Vault::open(&_d.path().join("v.haven")).unwrap();
    drop(v);
    for n in &needles {
        assert!(!raw_contains(&_d.path().join("v.haven"), n));
    }
}

/// Issue 9: documents and what is attached to them leave no words, no
/// links between records and no edit counts in the file.
#[test]
fn documents_leave_no_words_links_or_edit_counts_in_the_file() {
    use haven_core::documents::{Clinician, NewDeparture, Section};
    use haven_core::{AdvanceStatement, CrisisPlan};

    let (_d, v, _) = new_vault();
    let plan = CrisisPlan {
        when_well: "ZQXPLANWHENWELL".into(),
        triggers: vec!["ZQXPLANTRIGGER".into()],
        ..CrisisPlan::default()
    };
    let p1 = v.create_document(plan.clone().into()).unwrap();
    let mut plan2 = plan;
    plan2.when_well = "ZQXPLANEDITED".into();
    let p2 = v
        .save_version(&p1.document_id, &p1.hash, plan2.into())
        .unwrap();
    let s1 = v
        .create_document(AdvanceStatement::default().into())
        .unwrap();
    let dep = v
        .record_departure(
            &s1.document_id,
            &s1.hash,
            NewDeparture {
                section: Section::TreatmentRefusals,
                wish: "ZQXWISH".into(),
                clinician: Clinician {
                    name: "ZQXCLINICIAN".into(),
                    role: "consultant".into(),
                    organisation: String::new(),
                },
                occurred_at: chrono::Utc::now(),
                time_known: true,
                reason: "ZQXDEPARTUREREASON".into(),
                person_told: false,
                legal_authority: "ZQXAUTHORITY".into(),
                second_opinion: haven_core::documents::SecondOpinion::Obtained {
                    by: Clinician {
                        name: "ZQXSECONDOPINION".into(),
                        role: "second opinion doctor".into(),
                        organisation: String::new(),
                    },
                },
                others_told: vec!["ZQXALSOTOLD".into()],
            },
        )
        .unwrap();
    for _ in 0..3 {
        let e = v.add_entry(draft("ZQXJOURNAL")).unwrap();
        v.edit_entry(&e.id, draft("ZQXJOURNALEDITED")).unwrap();
    }

    let mut needles: Vec<Vec<u8>> = [
        "ZQXPLANWHENWELL",
        "ZQXPLANTRIGGER",
        "ZQXPLANEDITED",
        "ZQXWISH",
        "ZQXCLINICIAN",
        "ZQXDEPARTUREREASON",
        "ZQXAUTHORITY",
        "ZQXSECONDOPINION",
        "ZQXALSOTOLD",
        "ZQXJOURNAL",
    ]
    .iter()
    .map(|m| m.as_bytes().to_vec())
    .collect();
    // No record names the version it is attached to, nor its parent.
    for hash in [&p1.hash, &p2.hash, &s1.hash] {
        needles.push(format!("{hash}.").into_bytes());
    }
    assert!(!dep.id.contains(&s1.hash));
    for n in &needles {
        assert!(
            !raw_contains(v.path(), n),
            "found {:?}",
            String::from_utf8_lossy(n)
        );
    }
    // Revisions are random, not counts of edits (1 for new, 2 after one
    // edit, ...): none is small.
    let small: i64 = raw_conn(v.path())
        .query_row(
            "SELECT count(*) FROM records WHERE revision < 1000000",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(small, 0);
}
