//! Writes the seed corpus (`fuzz/corpus/<target>/seed-*`): small, valid
//! inputs made by the real encoders, so each target starts past the first
//! checks. Run by hand after a format changes:
//! `cargo test -p haven-core --lib write_fuzz_seeds -- --ignored`.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::crypto::envelope::{seal_with_nonce, V1_CHACHA20_POLY1305, V2_AES_256_GCM};
use crate::crypto::{padding, KdfParams};
use crate::documents::fuzz::{decode, Attached, Link, Preimage, State};
use crate::documents::{
    AdvanceStatement, CrisisPlan, NewConsultationReview, NewDeparture, SignOff, WarningSign,
    DOCUMENT_KIND, LINK_KIND, PLAN_VERSION_KIND, STATEMENT_VERSION_KIND,
};
use crate::fuzzing::known_key;
use crate::{Draft, Vault};

/// Writes one seed input of `target`'s corpus (fuzz/corpus/TARGET).
pub(crate) fn write(target: &str, name: &str, bytes: &[u8]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
}

/// `prefix` (a target's mode byte) followed by `rest`.
pub(crate) fn with(prefix: &[u8], rest: &[u8]) -> Vec<u8> {
    [prefix, rest].concat()
}

/// Every record of `kind` in `vault`, decrypted.
fn plaintexts(vault: &Vault, kind: &str) -> Vec<Vec<u8>> {
    vault
        .with_unlocked(|conn, scope| {
            crate::records::everything(conn)?
                .into_iter()
                .filter(|(k, _)| k == kind)
                .map(|(k, row)| Ok(scope.open(&k, &row)?.to_vec()))
                .collect::<crate::Result<Vec<_>>>()
        })
        .unwrap()
}

fn decodes<T: DeserializeOwned>(bytes: &[u8]) -> &[u8] {
    decode::<T>(bytes, "seed").unwrap();
    bytes
}

#[test]
#[ignore = "writes fuzz/corpus; run by hand when a format changes"]
fn write_fuzz_seeds() {
    let key = known_key();
    let aad = b"haven-fuzz-envelope";
    for (v, name) in [(V1_CHACHA20_POLY1305, "v1"), (V2_AES_256_GCM, "v2")] {
        let env = seal_with_nonce(v, &key, [5; 12], aad, b"a sealed record").unwrap();
        write("envelope", &format!("stored-{name}"), &with(&[0], &env));
        let sealed = with(&[1, v], &with(&[5; 12], b"\x10\x00plaintext"));
        write("envelope", &format!("sealed-{name}"), &sealed);
    }

    let mut padded = Vec::new();
    padding::pad_into(&mut padded, b"some record").unwrap();
    let record = with(
        &[1, 0, 0, 0, 0, 0, 0, 0, 4],
        &with(b"abcd\x07journal", &padded),
    );
    write("record", "journal", &record);

    write(
        "recovery_key",
        "shown",
        b"AEAQC-AIBAE-AQCAI-BAEAQ-CAIBA-EAQCA-IBAEA-QDCDF",
    );
    crate::RecoveryKey::parse("AEAQC-AIBAE-AQCAI-BAEAQ-CAIBA-EAQCA-IBAEA-QDCDF").unwrap();
    write(
        "recovery_key",
        "sloppy",
        b"aeaqc aibae aqcai baeaq caiba eaqca ibaea qdcdf",
    );

    let kdf = KdfParams::minimum_for_tests().to_bytes();
    let mut slot = vec![6];
    slot.extend_from_slice(b"device");
    slot.push(kdf.len() as u8);
    slot.extend_from_slice(&kdf);
    slot.extend_from_slice(b"\x04abcd\x10");
    slot.extend_from_slice(&[3; 16]);
    slot.push(0);
    slot.extend_from_slice(&[0x55; 32]);
    write("key_slot", "device", &slot);
    write(
        "key_slot",
        "passphrase-bad-kdf",
        b"\x0apassphrase\x0c\x01\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x02id\x01s\x01",
    );

    // The vault state's plaintext (structured mode): two slots and two
    // replicas, as sync will write.
    let state = crate::integrity::State {
        digest: [7; 32],
        rows: 3,
        slots: vec![("device0".into(), [1; 32]), ("pass0".into(), [2; 32])],
        replica: "r1".into(),
        vector: [("r0".to_string(), 4), ("r1".to_string(), 9)].into(),
    };
    write(
        "vault_state",
        "two-replicas",
        &with(&[1], &state.encode().unwrap()),
    );

    // Sync (ADR 0015): an entry with a dependency, each operation, a blob
    // sealed under the check's space key, an entry's plaintext, and a log.
    {
        use crate::sync::blob::{self, SpaceKey};
        use crate::sync::entry::Entry;
        use crate::sync::fuzz::{DEVICE, EPOCH, KEY, SEED, SPACE};
        use crate::sync::op::{AttachKind, Op, StatusChange};
        use crate::sync::{DeviceId, Head};
        let first = Entry::sign(
            SPACE,
            DEVICE,
            1,
            [0; 32],
            vec![],
            Op::Journal {
                record: [1; 16],
                content: Some(b"a line".to_vec()),
            },
            &SEED,
        )
        .unwrap();
        let second = Entry::sign(
            SPACE,
            DEVICE,
            2,
            first.hash(),
            vec![(
                DeviceId([0x77; 16]),
                Head {
                    seq: 4,
                    hash: [8; 32],
                },
            )],
            Op::Status {
                document: [2; 16],
                version: [3; 32],
                change: StatusChange::Revoke,
            },
            &SEED,
        )
        .unwrap();
        write("sync_log", "entry", &with(&[0], &second.encode()));
        let ops = [
            Op::Journal {
                record: [1; 16],
                content: None,
            },
            Op::Version {
                document: [2; 16],
                hash: [4; 32],
                body: b"version".to_vec(),
            },
            Op::Attach {
                document: [2; 16],
                version: [4; 32],
                kind: AttachKind::Departure,
                record: [5; 16],
                body: b"departure".to_vec(),
            },
        ];
        for (i, op) in ops.iter().enumerate() {
            write("sync_log", &format!("op-{i}"), &with(&[1], &op.encode()));
        }
        let sealed = blob::seal(&SpaceKey::new(EPOCH, KEY), [9; 12], &first).unwrap();
        write("sync_log", "blob", &with(&[2], &sealed));
        write("sync_log", "sealed-entry", &with(&[3], &first.encode()));
        let welcome = crate::sync::pair::Welcome {
            vault_key: zeroize::Zeroizing::new([1; 32]),
            space: SPACE,
            space_keys: vec![(EPOCH, zeroize::Zeroizing::new(KEY))],
            members: vec![(DEVICE, [2; 32]), (DeviceId([0x77; 16]), [3; 32])],
            frontier: vec![(DEVICE, second.head())],
        };
        write(
            "sync_log",
            "welcome",
            &with(&[4], &welcome.encode().unwrap()),
        );
        // Held head 2 (its true hash), three entries in order, a replay.
        write(
            "sync_log",
            "log",
            b"\x05\x02\x00\x00\x03one\x00\x03two\x00\x05three\x01\x00\x00",
        );
    }

    // Records as a real vault writes them.
    let dir = tempfile::tempdir().unwrap();
    let (vault, _) = Vault::create(
        &dir.path().join("v.db"),
        "seed pass",
        KdfParams::minimum_for_tests(),
    )
    .unwrap();
    let entry = vault
        .add_entry(Draft {
            text: "Slept badly, walked by the river.".into(),
            mood: Some(6),
            tags: vec!["sleep".into(), "outside".into()],
        })
        .unwrap();
    write(
        "journal_payload",
        "v2",
        &plaintexts(&vault, crate::journal::KIND)[0],
    );
    write(
        "journal_payload",
        "v1",
        br#"{"v":1,"created_at":"2026-01-02T03:04:05.678Z","updated_at":"2026-01-02T03:04:05.678Z","text":"tea \u00e9","mood":3,"tags":["x","y"]}"#,
    );

    let plan = vault
        .create_document(
            CrisisPlan {
                when_well: "I cook and see friends.".into(),
                triggers: vec!["Poor sleep".into()],
                warning_signs: vec![WarningSign {
                    id: String::new(),
                    text: "Staying in bed".into(),
                }],
                ..Default::default()
            }
            .into(),
        )
        .unwrap();
    let sign_id = plan.content.as_crisis_plan().unwrap().warning_signs[0]
        .id
        .clone();
    vault
        .link_entry_to_warning_sign(&entry.id, &sign_id)
        .unwrap();
    vault
        .create_document(
            AdvanceStatement {
                ..Default::default()
            }
            .into(),
        )
        .unwrap();
    let state = plaintexts(&vault, DOCUMENT_KIND);
    write(
        "document_record",
        "state",
        &with(&[0], decodes::<State>(&state[0])),
    );
    let plan_version = &plaintexts(&vault, PLAN_VERSION_KIND)[0];
    write(
        "document_record",
        "plan",
        &with(&[1], decodes::<Preimage>(plan_version)),
    );
    let statement_version = &plaintexts(&vault, STATEMENT_VERSION_KIND)[0];
    write(
        "document_record",
        "statement",
        &with(&[2], decodes::<Preimage>(statement_version)),
    );
    let link = &plaintexts(&vault, LINK_KIND)[0];
    write(
        "document_record",
        "link",
        &with(&[6], decodes::<Link>(link)),
    );
    let attached = |body: &str| {
        format!(
            r#"{{"v":1,"document_id":"{}","version_hash":"{}","recorded_at":"2026-03-04T05:06:07Z","body":{body}}}"#,
            plan.document_id, plan.hash
        )
    };
    let sign_off = attached(
        r#"{"maker_name":"Alex","signed_on":"2026-03-04","confirms_capacity":true,"capacity_statement":"","support_used":"","witness":{"name":"Sam","role":"GP","signed_on":"2026-03-04","confirms_understanding":true,"confirms_no_undue_influence":true,"statement":""}}"#,
    );
    write(
        "document_record",
        "sign-off",
        &with(&[3], decodes::<Attached<SignOff>>(sign_off.as_bytes())),
    );
    let review = attached(
        r#"{"clinician":{"name":"Dr Lee","role":"Psychiatrist","organisation":"CMHT"},"reviewed_on":"2026-03-04","responses":[{"section":"triggers","response":"cannot_follow","reason":"x","person_told":true}],"notes":""}"#,
    );
    write(
        "document_record",
        "review",
        &with(
            &[4],
            decodes::<Attached<NewConsultationReview>>(review.as_bytes()),
        ),
    );
    let departure = attached(
        r#"{"section":"triggers","wish":"w","clinician":{"name":"Dr Lee","role":"","organisation":""},"occurred_at":"2026-03-04T05:06:07Z","reason":"r","person_told":false}"#,
    );
    write(
        "document_record",
        "departure",
        &with(
            &[5],
            decodes::<Attached<NewDeparture>>(departure.as_bytes()),
        ),
    );

    let backup = dir.path().join("b");
    vault
        .create_backup(&backup, &crate::progress::Silent)
        .unwrap();
    let file = std::fs::read(&backup).unwrap();
    let body_len = u32::from_le_bytes(file[10..14].try_into().unwrap()) as usize;
    let header = &file[..14 + body_len + 32];
    write("backup_header", "file", &with(&[0], header));
    write(
        "backup_header",
        "body",
        &with(&[1], &header[14..14 + body_len]),
    );

    // count, length mode, length, tampering, pokes.
    write("backup_chunks", "one", &[0, 0, 200, 0, 0, 0, 0, 0, 0, 0, 0]);
    write(
        "backup_chunks",
        "two-poked",
        &[1, 0, 7, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xf0, 0xff, 1],
    );
    write(
        "backup_chunks",
        "three-raw-length",
        &[2, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0],
    );
}
