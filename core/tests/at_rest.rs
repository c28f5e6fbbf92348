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
                reason: "ZQXDEPARTUREREASON".into(),
                person_told: false,
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

/// Issue 9: record kinds and the order of writes across kinds are not in
/// the file. Kinds are keyed tags; each kind's rows sit in a window of
/// their own (so rows written in turn by two kinds do not interleave by
/// rowid), a random gap apart (so the rowids do not count the writes); no
/// `sqlite_sequence` row counts inserts.
#[test]
fn kind_names_and_the_order_across_kinds_are_not_in_the_file() {
    use haven_core::documents::*;
    use haven_core::CrisisPlan;

    let (_d, v, _) = new_vault();
    v.add_entry(draft("only added, nothing edited yet"))
        .unwrap();
    assert!(!raw_contains(v.path(), b"journal"), "a new vault's WAL");
    let mut plan = v.create_document(CrisisPlan::default().into()).unwrap();
    let mut written = 0;
    for i in 0..12 {
        v.add_entry(draft("interleaved")).unwrap();
        let next = CrisisPlan {
            when_well: format!("version {i}"),
            ..CrisisPlan::default()
        };
        plan = v
            .save_version(&plan.document_id, &plan.hash, next.into())
            .unwrap();
        written += 2;
    }
    assert!(written > 20);
    for kind in ["journal", DOCUMENT_KIND, PLAN_VERSION_KIND, "AUTOINCREMENT"] {
        assert!(
            !raw_contains(v.path(), kind.as_bytes()),
            "{kind} in the file"
        );
    }
    let conn = raw_conn(v.path());
    let sequences: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_sequence'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    if sequences > 0 {
        let rows: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_sequence", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 0);
    }
    // Rows by rowid: each tag's rows form one run (journal entries and plan
    // versions were written in turn, so a global counter would alternate).
    let rows: Vec<(i64, Vec<u8>)> = conn
        .prepare("SELECT pos, tag FROM records ORDER BY pos")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut runs: Vec<&Vec<u8>> = Vec::new();
    for (_, tag) in &rows {
        if runs.last() != Some(&tag) {
            runs.push(tag);
        }
    }
    let distinct: std::collections::HashSet<_> = runs.iter().collect();
    assert_eq!(runs.len(), distinct.len(), "tags interleave by rowid");
    assert!(distinct.len() >= 3, "journal, document, plan versions");
    // Within a run, neighbours are not 1 apart every time.
    let gaps: Vec<i64> = rows.windows(2).map(|w| w[1].0 - w[0].0).collect();
    assert!(
        gaps.iter().filter(|g| **g == 1).count() < gaps.len() / 2,
        "{gaps:?}"
    );
}

/// Edits checkpoint the WAL as deletes do: once a document's state row is
/// replaced, its old ciphertext is in neither the file nor the WAL.
#[test]
fn an_edited_row_leaves_no_old_ciphertext_behind() {
    use haven_core::CrisisPlan;

    let (_d, v, _) = new_vault();
    let plan = v.create_document(CrisisPlan::default().into()).unwrap();
    let old: Vec<u8> = raw_conn(v.path())
        .query_row(
            "SELECT body FROM records WHERE id = ?1",
            [&plan.document_id],
            |r| r.get(0),
        )
        .unwrap();
    let needle = &old[old.len() - 48..];
    assert!(raw_contains(v.path(), needle), "the positive control");
    let next = CrisisPlan {
        when_well: "edited".into(),
        ..CrisisPlan::default()
    };
    v.save_version(&plan.document_id, &plan.hash, next.into())
        .unwrap();
    assert!(
        !raw_contains(v.path(), needle),
        "old state row still on disk"
    );
    let wal = v.path().with_extension("haven-wal");
    assert_eq!(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0), 0);
}
