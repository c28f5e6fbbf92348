#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Issue 11, item 4: what the exports say about a revoked version. The PDF
//! says "Revoked on <date> (how)" with the withdrawal's witness and drops
//! "Next review due"; the FHIR marks it as R4 intends (DocumentReference
//! `entered-in-error`, Consent `inactive`, CarePlan `revoked`; a superseded
//! CarePlan `completed`, not `revoked`), adds a Provenance for the
//! revocation, and keeps the sign-off's Provenance at the time it was
//! signed. On main a revoked statement was exported as `superseded`, its
//! sign-off "recorded" at the revocation, and its PDF still gave a review
//! date.

mod common;
mod doc_fixtures;

use chrono::{Duration, Utc};
use doc_fixtures::*;
use haven_core::documents::*;
use haven_core::export::{fhir, ExportKind, ExportOptions, VersionRef};
use haven_core::Silent;
use haven_test_support::pdf::{assert_contains, assert_lacks, text_of as pdftotext};
use serde_json::Value;

fn bundle(v: &haven_core::Vault, doc: &str, hash: &str) -> Value {
    let json = v
        .fhir_bundle(
            &[VersionRef::new(doc, hash)],
            &ExportOptions::default(),
            &Silent,
        )
        .unwrap();
    serde_json::from_str(&json).unwrap()
}

fn resources<'a>(b: &'a Value, kind: &str) -> Vec<&'a Value> {
    b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

fn signed_plan(v: &haven_core::Vault) -> (String, String) {
    let v1 = v.create_document(unicode_plan().into()).unwrap();
    v.sign_version(
        &v1.document_id,
        &v1.hash,
        SignOff {
            maker_name: ZOE.into(),
            signed_on: Utc::now().date_naive(),
            ..Default::default()
        },
    )
    .unwrap();
    (v1.document_id, v1.hash)
}

#[test]
fn a_revoked_statement_exports_when_and_how_it_was_withdrawn() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let st = reviewed_statement(&v, &mut k);
    let (doc, hash) = (st.version.document_id.clone(), st.version.hash.clone());
    let signed_at = v
        .status_log(&doc)
        .unwrap()
        .into_iter()
        .find(|c| c.version_hash == hash && c.to == VersionStatus::Active)
        .unwrap()
        .at;
    // The revocation is recorded later than the signing.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let yesterday = Utc::now().date_naive() - Duration::days(1);
    let before = v.export_document(&doc, &hash).unwrap();
    assert!(before.version.created_at.date_naive() <= Utc::now().date_naive());
    let revoked_on = std::cmp::max(yesterday, before.version.created_at.date_naive());
    v.revoke_version(
        &doc,
        &hash,
        Revocation {
            revoked_on,
            how: RevocationMethod::InWriting,
            notes: "QZXREVOKENOTE letter to the ward".into(),
            witness: Some(Witness {
                name: "Dr Grey".into(),
                role: "general practitioner".into(),
                signed_on: Some(revoked_on),
                ..Default::default()
            }),
        },
    )
    .unwrap();

    let exported = v.export_document(&doc, &hash).unwrap();
    assert_eq!(exported.signed_at, Some(signed_at));
    assert!(exported.revoked_at.unwrap() > signed_at);
    assert_eq!(
        exported.revocation.as_ref().map(|r| r.revoked_on),
        Some(revoked_on)
    );

    let text = pdftotext(
        &v.export_pdf(
            ExportKind::AdvanceStatementPdf,
            &VersionRef::new(&doc, &hash),
            &ExportOptions::default(),
            &Silent,
        )
        .unwrap()
        .bytes,
    );
    let day = format!(
        "{} {}",
        revoked_on.format("%-d"),
        revoked_on.format("%B %Y")
    );
    assert_contains(&text, &format!("Revoked on: {day} (in writing)"));
    assert_contains(
        &text,
        "Withdrawal witnessed by: Dr Grey (general practitioner)",
    );
    assert_contains(&text, "QZXREVOKENOTE");
    assert_contains(&text, "This version is not in force: revoked");
    assert_lacks(&text, "Next review due");

    let b = bundle(&v, &doc, &hash);
    let docref = resources(&b, "DocumentReference");
    assert_eq!(docref[0]["status"], "entered-in-error");
    assert_eq!(resources(&b, "Consent")[0]["status"], "inactive");
    let prov = resources(&b, "Provenance");
    let signing = prov
        .iter()
        .find(|p| p["activity"]["coding"][0]["code"] == "LA")
        .unwrap();
    let recorded = chrono::DateTime::parse_from_rfc3339(signing["recorded"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(recorded.timestamp(), signed_at.timestamp());
    let revoking: Vec<_> = prov
        .iter()
        .filter(|p| p["activity"]["text"] == "Revoked by the person")
        .collect();
    assert_eq!(revoking.len(), 1);
    let r = revoking[0];
    // A date: no time of day was recorded, so none is claimed.
    assert_eq!(r["occurredDateTime"], revoked_on.to_string());
    assert_eq!(r["target"].as_array().unwrap().len(), 2);
    let witness = r["agent"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["type"]["coding"][0]["code"] == "WIT")
        .unwrap();
    let who = witness["who"]["reference"].as_str().unwrap();
    let person = b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["fullUrl"] == who)
        .unwrap();
    assert_eq!(person["resource"]["name"][0]["text"], "Dr Grey");
    let div = r["text"]["div"].as_str().unwrap();
    assert!(
        div.contains("in writing") && div.contains("QZXREVOKENOTE"),
        "{div}"
    );
}

#[test]
fn care_plan_statuses_say_superseded_and_revoked_apart() {
    let (_d, v) = vault();
    let (doc, first) = signed_plan(&v);
    let mut plan = unicode_plan();
    plan.when_well = "Better now".into();
    let second = v.save_version(&doc, &first, plan.into()).unwrap();
    v.sign_version(
        &doc,
        &second.hash,
        SignOff {
            maker_name: ZOE.into(),
            signed_on: Utc::now().date_naive(),
            ..Default::default()
        },
    )
    .unwrap();

    let old = bundle(&v, &doc, &first);
    assert_eq!(resources(&old, "CarePlan")[0]["status"], "completed");
    assert_eq!(
        resources(&old, "DocumentReference")[0]["status"],
        "superseded"
    );
    let provenance = resources(&old, "Provenance");
    assert!(provenance
        .iter()
        .all(|p| p["activity"]["text"] != "Revoked by the person"));

    v.revoke_version(&doc, &second.hash, revocation()).unwrap();
    let gone = bundle(&v, &doc, &second.hash);
    assert_eq!(resources(&gone, "CarePlan")[0]["status"], "revoked");
    assert_eq!(
        resources(&gone, "DocumentReference")[0]["status"],
        "entered-in-error"
    );
    let text = pdftotext(
        &v.export_pdf(
            ExportKind::CrisisPlanPdf,
            &VersionRef::new(&doc, &second.hash),
            &ExportOptions::default(),
            &Silent,
        )
        .unwrap()
        .bytes,
    );
    assert_contains(&text, "(in the app)");
    assert_lacks(&text, "Next review due");
    assert_lacks(&text, "Withdrawal witnessed by");

    // The narrative of a free-standing export (no vault) shows no
    // revocation it was not given.
    let free = fhir::bundle_value(
        &[haven_core::export::ExportDocument::from_version(
            v.get_version(&doc, &first).unwrap(),
        )],
        &ExportOptions::default(),
        &Silent,
    )
    .unwrap();
    assert!(resources(&free, "Provenance")
        .iter()
        .all(|p| p["activity"]["text"] != "Revoked by the person"));
}
