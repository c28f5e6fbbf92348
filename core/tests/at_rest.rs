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
    needles.push(b"\"mood\"".to_vec());
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
