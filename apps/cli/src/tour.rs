//! `haven tour`: a guided run through the product in a fresh vault, printing
//! each step and what it shows. Uses the real core with default parameters.

use std::path::Path;
use std::time::Instant;

use chrono::Utc;
use haven_core::documents::{
    Clinician, Contact, Jurisdiction, SecondOpinion, TreatmentRefusal, WarningSign,
};
use haven_core::write_new_file;
use haven_core::{
    AdvanceStatement, Bucket, CrisisPlan, Draft, ExportKind, FileKind, HavenError, KdfParams,
    NewConsultationReview, NewDeparture, Region, RestoreSecret, ReviewResponse, Section,
    SectionResponse, SignOff, Silent, Vault, VersionRef, Witness,
};

use crate::fail::Failure;
use crate::output;

const PASS: &str = "tour passphrase, not a real one";
const NEW_PASS: &str = "a second tour passphrase";

fn step(n: u32, title: &str) {
    println!();
    println!("── {n}. {title}");
}

/// Runs the tour in `dir` (kept afterwards) or a temporary folder (removed).
pub fn run(dir: Option<&Path>) -> Result<(), Failure> {
    let temp;
    let base = match dir {
        Some(d) => {
            std::fs::create_dir_all(d)
                .map_err(|e| Failure::other(format!("cannot create {}: {e}", d.display())))?;
            d.to_path_buf()
        }
        None => {
            temp = tempfile::tempdir()
                .map_err(|e| Failure::other(format!("cannot make a temporary folder: {e}")))?;
            temp.path().to_path_buf()
        }
    };
    let path = base.join("tour.haven");
    println!("Haven tour: a journal and a voice in a crisis, encrypted on your own device.");
    println!(
        "Everything below runs the real core on a fresh vault at {}.",
        path.display()
    );

    step(1, "Create a vault");
    let t = Instant::now();
    let (vault, recovery) = Vault::create(&path, PASS, KdfParams::default())?;
    println!(
        "Created with a passphrase stretched by Argon2id (64 MiB, 3 passes) in {} ms.",
        t.elapsed().as_millis()
    );
    println!("Recovery key, shown once so a lost passphrase never means lost data:");
    println!("    {}", recovery.display().as_str());

    step(2, "Write in the journal");
    let entries = [
        (
            "Couldn't sleep. Walked by the river at dawn and it helped a little.",
            Some(4),
            vec!["sleep", "walk"],
        ),
        (
            "Talked to Sam. Felt heard. Made soup.",
            Some(7),
            vec!["people"],
        ),
        (
            "Voices louder tonight; used my grounding card.",
            Some(3),
            vec!["early signs"],
        ),
    ];
    let mut ids = Vec::new();
    for (text, mood, tags) in entries {
        let e = vault.add_entry(Draft {
            text: text.into(),
            mood,
            tags: tags.into_iter().map(String::from).collect(),
        })?;
        println!("added {} (mood {}/10)", e.id, mood.unwrap_or(0));
        ids.push(e.id);
    }

    step(
        3,
        "List, newest first (a page decrypts only its own entries)",
    );
    output::entry_lines(&vault.list_entries(10, None)?.entries);

    step(4, "Search: case-insensitive, over text and tags");
    println!("search \"RIVER\":");
    output::entry_lines(&vault.search_entries("RIVER")?);
    println!("search \"early\" (a tag):");
    output::entry_lines(&vault.search_entries("early")?);

    step(
        5,
        "Edit: the creation time stays, the edit time is recorded",
    );
    let edited = vault.edit_entry(
        &ids[1],
        Draft {
            text: "Talked to Sam. Felt heard. Made soup, and ate it.".into(),
            mood: Some(8),
            tags: vec!["people".into()],
        },
    )?;
    println!(
        "created {}  edited {}",
        edited.created_at.to_rfc3339(),
        edited.updated_at.to_rfc3339()
    );

    step(6, "Mood by day, for charts");
    output::moods(&vault.mood_series(Bucket::Day, 0)?);

    step(7, "Encrypted at rest: look for the words in the raw files");
    for word in [
        "river at dawn",
        "Felt heard",
        "grounding card",
        "early signs",
    ] {
        let found = raw_contains(&path, word.as_bytes());
        println!(
            "\"{word}\" in the vault file or its log: {}",
            if found { "FOUND" } else { "not found" }
        );
        if found {
            return Err(Failure::integrity(format!(
                "plaintext found on disk: {word}"
            )));
        }
    }

    step(8, "Lock, then a wrong passphrase");
    vault.lock();
    match vault.unlock_with_passphrase("not my passphrase", &haven_core::Silent) {
        Err(HavenError::WrongPassphrase) => println!("refused: {}", HavenError::WrongPassphrase),
        other => {
            return Err(Failure::other(format!(
                "unexpected unlock result: {other:?}"
            )))
        }
    }
    let t = Instant::now();
    vault.unlock_with_passphrase(PASS, &haven_core::Silent)?;
    println!(
        "unlocked with the right passphrase in {} ms",
        t.elapsed().as_millis()
    );

    step(
        9,
        "Change the passphrase, then recover with the recovery key",
    );
    vault.change_passphrase(NEW_PASS)?;
    vault.lock();
    let old = vault.unlock_with_passphrase(PASS, &haven_core::Silent);
    println!("old passphrase after the change: {}", describe(&old));
    vault.recover(&recovery.display(), PASS)?;
    println!(
        "recovered with the recovery key and set a new passphrase; entries: {}",
        vault.all_entries()?.len()
    );

    step(
        10,
        "A device key, as the Android Keystore or iOS Keychain would hold",
    );
    let device_key = [7u8; 32];
    let slot = vault.add_device_key(&device_key)?;
    vault.lock();
    vault.unlock_with_device_key(&device_key)?;
    println!("slot {slot} added; unlocked with the device key, no passphrase typed");

    step(11, "Delete for good");
    vault.delete_entry(&ids[2])?;
    println!(
        "deleted {}; {} entries remain",
        ids[2],
        vault.all_entries()?.len()
    );

    documents(&vault, &ids[0], &base)?;

    step(20, "Verify: authenticate every record");
    let report = vault.verify()?;
    println!(
        "{} records intact, {} damaged, {} key slots",
        report.intact(),
        report.damaged.len(),
        report.key_slots
    );
    if !report.is_intact() {
        return Err(Failure::integrity(
            "the tour vault failed verification".into(),
        ));
    }

    step(
        21,
        "Back up, then restore on a \"new device\" with the recovery key",
    );
    let backup = base.join("tour.backup");
    let summary = vault.create_backup(&backup, &haven_core::Silent)?;
    println!(
        "backup: {} records, {} key slots (the device key stays behind), {} bytes",
        summary.records(),
        summary.key_slots,
        summary.bytes
    );
    for word in ["even if my life is at risk", "walk the dog"] {
        if raw_contains(&backup, word.as_bytes()) {
            return Err(Failure::integrity(format!(
                "plaintext found in the backup: {word}"
            )));
        }
    }
    println!("the plan's and statement's words are not in the backup file");
    let restored_path = base.join("restored.haven");
    let restored = Vault::restore_backup(
        &backup,
        &restored_path,
        RestoreSecret::RecoveryKey(&recovery.display()),
        &haven_core::Silent,
    )?;
    let r = restored.verify()?;
    println!(
        "restored to {}: {} records intact, {} damaged",
        restored_path.display(),
        r.intact(),
        r.damaged.len()
    );

    println!();
    match dir {
        Some(_) => println!(
            "The tour vault is kept at {}. Its passphrase is \"{PASS}\". Try:\n    HAVEN_VAULT={} haven journal list",
            path.display(),
            path.display()
        ),
        None => println!("The tour vault was temporary and is now removed. Start your own with `haven init`."),
    }
    Ok(())
}

/// Steps 12 to 18: the crisis plan and the advance statement.
fn documents(vault: &Vault, entry_id: &str, out_dir: &Path) -> Result<(), Failure> {
    let today = Utc::now().date_naive();

    step(
        12,
        "A crisis plan: UK crisis lines by default, the rest in my own words",
    );
    let plan = CrisisPlan {
        when_well: "I walk the dog every morning and cook for friends.".into(),
        triggers: vec!["anniversaries".into(), "not being believed".into()],
        warning_signs: vec![WarningSign::new("sleeping less than four hours")],
        coping_strategies: vec!["grounding card".into(), "river walk".into()],
        help_contacts: vec![Contact::new("Sam", "sister", "07700 900123")],
        reasons_for_living: vec!["my dog, Biscuit".into()],
        ..CrisisPlan::new_for_region(Region::Uk)
    };
    let v1 = vault.create_document(plan.into())?;
    let lines = v1
        .content
        .as_crisis_plan()
        .map(|p| {
            p.crisis_lines
                .iter()
                .map(|l| l.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    println!(
        "saved version 1 ({}), a draft; crisis lines: {lines}",
        short(&v1.hash)
    );
    if let Some(sign) = v1
        .content
        .as_crisis_plan()
        .and_then(|p| p.warning_signs.first())
    {
        vault.link_entry_to_warning_sign(entry_id, &sign.id)?;
        println!(
            "linked the first journal entry to the warning sign \"sleeping less than four hours\""
        );
    }

    step(13, "Sign the plan: it becomes the active version");
    let signed = vault.sign_version(&v1.document_id, &v1.hash, maker(today, None))?;
    let doc = vault
        .documents()?
        .into_iter()
        .find(|d| d.id == v1.document_id);
    println!(
        "version {} is {}; next review {}",
        signed.number,
        signed.status.as_str(),
        doc.and_then(|d| d.next_review)
            .map_or("-".into(), |d| d.to_string())
    );

    step(
        14,
        "An advance statement: refusing ECT, and refusing tube feeding even if my life is at risk",
    );
    // ECT is not life-sustaining treatment: refusing it needs none of the
    // s.25 formalities. Tube feeding can be, so its refusal needs them all.
    let mut statement = AdvanceStatement {
        treatment_refusals: vec![
            TreatmentRefusal {
                treatment: "nasogastric tube feeding".into(),
                circumstances: "if I stop eating during a relapse".into(),
                life_sustaining: true,
                life_at_risk_statement: "I do not want it under any circumstances.".into(),
                ..Default::default()
            },
            TreatmentRefusal {
                treatment: "electroconvulsive therapy".into(),
                circumstances: "at any time, in any setting".into(),
                life_sustaining: false,
                ..Default::default()
            },
        ],
        ..Default::default()
    };
    statement.restrictive_interventions.try_first = vec!["a quiet room and time".into()];
    statement.maker_details.jurisdiction = Jurisdiction::EnglandAndWales;
    // An advance decision is made at 18 or over (MCA 2005 s.24): the date
    // of birth shows it.
    statement.maker_details.date_of_birth = chrono::NaiveDate::from_ymd_opt(1990, 5, 17);
    let s1 = vault.create_document(statement.clone().into())?;
    println!("what I am told about my refusals, plainly:");
    if let Some(notice) = haven_core::documents::refusal_notice_for(&statement) {
        println!("  {notice}");
    }
    println!("sign without the legal words (Mental Capacity Act 2005 s.25):");
    vault.witness_version(&s1.document_id, &s1.hash, witness(today))?;
    match vault.sign_version(&s1.document_id, &s1.hash, maker(today, None)) {
        Err(_) => {
            for p in haven_core::validate(&s1.content, Some(&maker(today, Some(witness(today))))) {
                println!("  refused: {p}");
            }
        }
        Ok(_) => {
            return Err(Failure::other(
                "the tour's statement was signed unexpectedly".into(),
            ))
        }
    }
    statement.treatment_refusals[0].life_at_risk_statement =
        "I refuse it even if my life is at risk.".into();
    let s2 = vault.save_version(&s1.document_id, &s1.hash, statement.into())?;
    println!("the maker cannot attest for the witness:");
    if let Err(e) = vault.sign_version(
        &s2.document_id,
        &s2.hash,
        maker(today, Some(witness(today))),
    ) {
        println!("  {}", describe(&Err(e)));
    }
    // A new version needs its own attestation: the device is handed to
    // the witness, who records theirs, then back to the maker to sign.
    vault.witness_version(&s2.document_id, &s2.hash, witness(today))?;
    println!("the witness (Jo, an advocate) attests version 2 themselves, on the device");
    let active = vault.sign_version(&s2.document_id, &s2.hash, maker(today, None))?;
    println!(
        "version {} with the words, signed and witnessed: {}",
        active.number,
        active.status.as_str()
    );

    step(15, "A clinician reviews it with me, section by section");
    let review = vault.add_consultation_review(
        &s2.document_id,
        &s2.hash,
        NewConsultationReview {
            clinician: clinician(),
            reviewed_on: today,
            responses: vec![
                SectionResponse {
                    section: Section::TreatmentRefusals,
                    response: ReviewResponse::Agreed,
                    reason: String::new(),
                    person_told: true,
                },
                SectionResponse {
                    section: Section::RestrictiveInterventions,
                    response: ReviewResponse::CannotFollow,
                    reason: "the ward has no quiet room; we will use the garden instead".into(),
                    person_told: true,
                },
            ],
            notes: String::new(),
        },
    )?;
    for r in &review.responses {
        let reason = if r.reason.is_empty() {
            String::new()
        } else {
            format!(" ({})", r.reason)
        };
        let response = match r.response {
            ReviewResponse::Agreed => "agreed",
            ReviewResponse::Noted => "noted",
            ReviewResponse::CannotFollow => "cannot follow",
        };
        println!("  {}: {response}{reason}", r.section.label());
    }

    step(16, "A departure: a wish not followed, who decided and why");
    let d = vault.record_departure(
        &s2.document_id,
        &s2.hash,
        NewDeparture {
            section: Section::RestrictiveInterventions,
            wish: "a quiet room first".into(),
            clinician: clinician(),
            occurred_at: Utc::now(),
            time_known: true,
            reason: "immediate risk to another patient".into(),
            person_told: true,
            legal_authority: "Mental Health Act 1983 s.3".into(),
            second_opinion: SecondOpinion::NotRecorded,
            others_told: vec!["nominated person".into()],
        },
    )?;
    println!(
        "logged against version {} under {} (append-only; the person was told: {}; also told: {})",
        active.number,
        d.legal_authority,
        if d.person_told { "yes" } else { "no" },
        d.others_told.join(", ")
    );

    step(17, "Reviews due in the next 200 days");
    for due in vault.reviews_due(today, 200)? {
        println!(
            "  {}: review on {} (in {} days)",
            due.kind.label(),
            due.next_review,
            due.days_until
        );
    }

    step(18, "Exports: PDFs, a wallet crisis card and HL7 FHIR R4");
    let en = haven_core::ExportOptions::default();
    let exports: [(&str, Vec<u8>); 4] = [
        (
            "crisis-plan.pdf",
            vault
                .export_pdf(
                    ExportKind::CrisisPlanPdf,
                    &VersionRef::from(&signed),
                    &en,
                    &Silent,
                )?
                .bytes,
        ),
        (
            "crisis-card.pdf",
            vault
                .export_pdf(
                    ExportKind::CrisisCardPdf,
                    &VersionRef::from(&signed),
                    &en,
                    &Silent,
                )?
                .bytes,
        ),
        (
            "advance-statement.pdf",
            vault
                .export_pdf(
                    ExportKind::AdvanceStatementPdf,
                    &VersionRef::from(&active),
                    &en,
                    &Silent,
                )?
                .bytes,
        ),
        (
            "haven-fhir.json",
            vault
                .fhir_bundle(
                    &[VersionRef::from(&signed), VersionRef::from(&active)],
                    &en,
                    &Silent,
                )?
                .into_bytes(),
        ),
    ];
    for (name, bytes) in exports {
        let path = out_dir.join(name);
        write_new_file(&path, FileKind::Export, &bytes)?;
        println!("  {name}: {} bytes", bytes.len());
    }
    println!("(exports leave the vault's encryption: the person chooses where they go)");
    sharing(vault, &signed.document_id, out_dir)
}
/// Step 19: share the signed plan through a relay on loopback, open it as
/// the carer would, revoke it; and the offline crisis card.
fn sharing(vault: &Vault, plan_id: &str, out_dir: &Path) -> Result<(), Failure> {
    use haven_core::share::{client, link::Link, transport::UreqTransport, NewShare};

    step(
        19,
        "Share the plan with a carer through a relay (here on loopback)",
    );
    let relay = haven_relay::LocalRelay::start(&out_dir.join("relay"))
        .map_err(|e| Failure::other(format!("cannot start the loopback relay: {e}")))?;
    let t = UreqTransport::default();
    let now = Utc::now();
    let (share, publication) = vault.create_share(
        &NewShare {
            document_id: plan_id.to_string(),
            sections: vec![
                Section::WarningSigns,
                Section::CopingStrategies,
                Section::HelpContacts,
            ],
            recipient: "Sam, my sister".into(),
            expires_in_days: 14,
            read_limit: None,
            pin: Some("2468".into()),
            relay: relay.url.clone(),
            invite_replies: false,
        },
        now,
    )?;
    client::publish(&t, &relay.url, &publication)?;
    println!(
        "relay started at {}; three sections shared with Sam until {}",
        relay.url,
        share.expires_at.format("%Y-%m-%d")
    );
    println!(
        "link (the key after # never reaches the relay):\n    {}",
        share.link
    );
    println!("PIN 2468, given to Sam separately: 5 wrong tries lock the share");
    let relay_db = out_dir.join("relay").join("relay.db");
    println!(
        "\"river walk\" in the relay's database: {}",
        if raw_contains(&relay_db, b"river walk") {
            "FOUND (bad)"
        } else {
            "not found (it holds ciphertext only)"
        }
    );

    let link = Link::parse(&share.link)?;
    match client::open_link(&t, &link, Some("1111"), None, Utc::now()) {
        Ok(_) => println!("a wrong PIN opened it (bad)"),
        Err(e) => println!("Sam mistypes the PIN: {e}"),
    }
    let opened = client::open_link(&t, &link, Some("2468"), None, Utc::now())?;
    if let Some(d) = &opened.content.document {
        let labels: Vec<&str> = d.sections.iter().map(|s| s.label.as_str()).collect();
        println!(
            "Sam opens it: {} version {} ({:?}), signed by this vault's share identity; sections: {}",
            d.kind.label(),
            d.number,
            d.status,
            labels.join(", ")
        );
    }
    let revoked = vault.revoke_share(&share.id, Utc::now())?;
    client::publish(&t, &relay.url, &revoked)?;
    match client::open_link(&t, &link, Some("2468"), Some(&opened.seen()), Utc::now()) {
        Ok(_) => println!("still opens after revocation (bad)"),
        Err(e) => println!("after revoking, Sam is told: {e}"),
    }
    let (url, owner) = vault.share_owner(&share.id)?;
    let log =
        vault.open_access_log(&share.id, &client::access_log(&t, &url, &share.id, &owner)?)?;
    let events: Vec<String> = log.iter().map(|e| format!("{:?}", e.event)).collect();
    println!(
        "access log (sealed to me; the relay cannot read it): {}",
        events.join(", ")
    );

    let card = vault.crisis_card(plan_id, Utc::now())?;
    let path = out_dir.join("crisis-card-qr.svg");
    std::fs::write(&path, card.svg.as_bytes())
        .map_err(|e| Failure::other(format!("cannot write {}: {e}", path.display())))?;
    println!(
        "offline crisis card: a signed QR code ({} characters) in crisis-card-qr.svg; it opens with no network and CANNOT be revoked",
        card.text.len()
    );
    Ok(())
}

fn maker(today: chrono::NaiveDate, witness: Option<Witness>) -> SignOff {
    SignOff {
        maker_name: "Alex Example".into(),
        signed_on: today,
        confirms_capacity: true,
        support_used: "my advocate".into(),
        witness,
        ..Default::default()
    }
}

fn witness(today: chrono::NaiveDate) -> Witness {
    Witness {
        name: "Jo Witness".into(),
        role: "advocate".into(),
        signed_on: Some(today),
        confirms_understanding: true,
        confirms_no_undue_influence: true,
        statement: "Alex understood the statement and made it freely.".into(),
        attested_by_witness: true,
    }
}

fn clinician() -> Clinician {
    Clinician {
        name: "Dr Rivera".into(),
        role: "consultant psychiatrist".into(),
        organisation: "Riverside ward".into(),
    }
}

fn short(hash: &str) -> &str {
    &hash[..hash.len().min(12)]
}

fn describe(r: &Result<(), HavenError>) -> String {
    match r {
        Ok(()) => "opened".into(),
        Err(e) => format!("refused ({e})"),
    }
}

fn raw_contains(db: &Path, needle: &[u8]) -> bool {
    ["", "-wal"].iter().any(|suffix| {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        std::fs::read(&p)
            .map(|b| b.windows(needle.len()).any(|w| w == needle))
            .unwrap_or(false)
    })
}
