#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Behaviour of the crisis plan and advance statement: round trips, the
//! version chain, status, sign-off validation, reviews and departures bound to
//! their version, review dates, journal links and encryption at rest.

mod common;
mod doc_fixtures;

use chrono::{Datelike, Duration, Utc};
use common::{raw_contains, PASS};
use doc_fixtures::{
    departure, full_plan, full_statement, review, sign_as_app, sign_off, vault, Markers,
};
use haven_core::documents::*;
use haven_core::journal::Draft;
use haven_core::{HavenError, Vault};

fn plan_of(v: &DocumentVersion) -> CrisisPlan {
    v.content.as_crisis_plan().unwrap().clone()
}

/// Asserts that each content section differs from the empty document, so a
/// test filling "every section" really does.
fn assert_every_section_filled(content: &DocumentContent) {
    let empty: DocumentContent = match content.kind() {
        DocumentKind::CrisisPlan => CrisisPlan::default().into(),
        DocumentKind::AdvanceStatement => AdvanceStatement::default().into(),
    };
    let changed: Vec<Section> = diff_contents(&empty, content)
        .unwrap()
        .into_iter()
        .map(|d| d.section)
        .collect();
    assert_eq!(changed, content.kind().sections());
}

#[test]
fn every_plan_section_round_trips_through_the_vault() {
    let (_d, v) = vault();
    let plan = full_plan(&mut Markers::default());
    assert_every_section_filled(&plan.clone().into());
    let saved = v.create_document(plan.clone().into()).unwrap();
    let back = plan_of(&v.get_version(&saved.document_id, &saved.hash).unwrap());
    // Only the new warning-sign ids were filled in.
    assert!(back.warning_signs.iter().all(|w| w.id.len() == 32));
    let mut expected = plan;
    for (e, b) in expected.warning_signs.iter_mut().zip(&back.warning_signs) {
        e.id = b.id.clone();
    }
    assert_eq!(back, expected);

    v.lock();
    assert_eq!(
        v.get_version(&saved.document_id, &saved.hash),
        Err(HavenError::Locked)
    );
    v.unlock_with_passphrase(PASS, &haven_core::Silent).unwrap();
    assert_eq!(
        plan_of(&v.get_version(&saved.document_id, &saved.hash).unwrap()),
        expected
    );
}

#[test]
fn every_statement_section_round_trips_through_the_vault() {
    let (_d, v) = vault();
    let st = full_statement(&mut Markers::default());
    assert_every_section_filled(&st.clone().into());
    let saved = v.create_document(st.clone().into()).unwrap();
    let back = v.get_version(&saved.document_id, &saved.hash).unwrap();
    assert_eq!(back.content.as_advance_statement().unwrap(), &st);
    assert_eq!(back.kind, DocumentKind::AdvanceStatement);
    assert_eq!(back.status, VersionStatus::Draft);
    assert_eq!(back.number, 1);
    assert_eq!(back.parent_hash, None);
}

#[test]
fn new_plan_for_uk_has_default_crisis_lines() {
    let plan = CrisisPlan::new_for_region(Region::Uk);
    let numbers: Vec<_> = plan
        .crisis_lines
        .iter()
        .map(|l| l.number.as_str())
        .collect();
    for n in ["111", "116 123", "85258"] {
        assert!(numbers.contains(&n), "{n}");
    }
    let us = CrisisPlan::new_for_region(Region::Us);
    assert!(us.crisis_lines.iter().any(|l| l.number == "988"));
}

#[test]
fn history_chains_each_version_to_its_parent_and_diffs_by_section() {
    let (_d, v) = vault();
    let mut plan = CrisisPlan::new_for_region(Region::Uk);
    plan.triggers = vec!["noise".into()];
    plan.warning_signs = vec![WarningSign::new("not sleeping")];
    let v1 = v.create_document(plan.into()).unwrap();
    let doc = v1.document_id.clone();

    let mut p2 = plan_of(&v1);
    p2.triggers.push("anniversaries".into());
    p2.when_well = "I cook for friends".into();
    let v2 = v.save_version(&doc, &v1.hash, p2.clone().into()).unwrap();
    let mut p3 = p2.clone();
    p3.warning_signs.push(WarningSign::new("skipping meals"));
    let v3 = v.save_version(&doc, &v2.hash, p3.into()).unwrap();

    // The warning sign kept its id across versions.
    assert_eq!(
        plan_of(&v3).warning_signs[0].id,
        plan_of(&v1).warning_signs[0].id
    );

    let history = v.document_history(&doc).unwrap();
    let numbers: Vec<i32> = history.iter().map(|h| h.number).collect();
    assert_eq!(numbers, vec![1, 2, 3]);
    assert_eq!(history[0].parent_hash, None);
    assert_eq!(history[1].parent_hash.as_deref(), Some(v1.hash.as_str()));
    assert_eq!(history[2].parent_hash.as_deref(), Some(v2.hash.as_str()));
    assert!(history.iter().all(|h| h.status == VersionStatus::Draft));

    // Any version can be read back, unchanged.
    assert_eq!(v.get_version(&doc, &v1.hash).unwrap(), v1);
    assert_eq!(v.get_version(&doc, &v2.hash).unwrap(), v2);
    assert_eq!(v.latest_version(&doc).unwrap(), v3);
    v.verify_document(&doc).unwrap();

    let d = v.diff_versions(&doc, &v1.hash, &v3.hash).unwrap();
    let sections: Vec<Section> = d.iter().map(|s| s.section).collect();
    assert_eq!(
        sections,
        vec![Section::WhenWell, Section::Triggers, Section::WarningSigns]
    );
    assert_eq!(d[0].added, vec!["I cook for friends"]);
    assert!(d[0].removed.is_empty());
    assert_eq!(d[1].added, vec!["anniversaries"]);
    assert_eq!(d[2].added, vec!["text: skipping meals"]);
    assert!(v
        .diff_versions(&doc, &v3.hash, &v3.hash)
        .unwrap()
        .is_empty());

    // Saving from a parent that is no longer the newest is a conflict that
    // names the newest version, and saves nothing.
    match v.save_version(&doc, &v2.hash, v2.content.clone()) {
        Err(HavenError::Conflict { newer_version }) => assert_eq!(newer_version, v3.hash),
        other => panic!("expected Conflict, got {other:?}"),
    }
    assert_eq!(v.document_history(&doc).unwrap().len(), 3);

    // Identical content saved twice still gets distinct hashes (secret salt).
    let again = v
        .save_version_as_branch(&doc, &v2.hash, v2.content.clone())
        .unwrap();
    assert_ne!(again.hash, v2.hash);
    assert!(v
        .diff_versions(&doc, &v2.hash, &again.hash)
        .unwrap()
        .is_empty());

    // A branch from v1 is kept beside v2.
    let branch = v.save_version_as_branch(&doc, &v1.hash, p2.into()).unwrap();
    assert_eq!(branch.number, 2);
    assert_ne!(branch.hash, v2.hash);
    assert_eq!(v.document_history(&doc).unwrap().len(), 5);
    v.verify_document(&doc).unwrap();

    // Wrong kind and unknown parent are refused.
    assert!(matches!(
        v.save_version(&doc, &v1.hash, AdvanceStatement::default().into()),
        Err(HavenError::InvalidInput { .. })
    ));
    assert!(matches!(
        v.save_version(&doc, "00", CrisisPlan::default().into()),
        Err(HavenError::NotFound { .. })
    ));
}

#[test]
fn signing_keeps_exactly_one_active_version() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let v1 = v.create_document(full_plan(&mut k).into()).unwrap();
    let doc = v1.document_id.clone();
    let v2 = v.save_version(&doc, &v1.hash, plan_of(&v1).into()).unwrap();
    assert_eq!(v.active_version(&doc).unwrap(), None);

    let signed = sign_as_app(&v, &doc, &v1.hash, sign_off(&mut k, false)).unwrap();
    assert_eq!(signed.status, VersionStatus::Active);
    assert!(signed.sign_off.is_some());
    assert_eq!(v.active_version(&doc).unwrap().unwrap().hash, v1.hash);

    sign_as_app(&v, &doc, &v2.hash, sign_off(&mut k, true)).unwrap();
    let statuses: Vec<(i32, VersionStatus)> = v
        .document_history(&doc)
        .unwrap()
        .iter()
        .map(|h| (h.number, h.status))
        .collect();
    assert_eq!(
        statuses,
        vec![(1, VersionStatus::Superseded), (2, VersionStatus::Active)]
    );
    let summary = &v.documents().unwrap()[0];
    assert_eq!(summary.active_hash.as_deref(), Some(v2.hash.as_str()));
    assert_eq!(summary.last_signed_on, Some(Utc::now().date_naive()));

    // Content is untouched by status changes.
    assert_eq!(v.get_version(&doc, &v1.hash).unwrap().content, v1.content);
    v.verify_document(&doc).unwrap();

    // Only drafts can be signed.
    let err = sign_as_app(&v, &doc, &v1.hash, sign_off(&mut k, false)).unwrap_err();
    assert!(matches!(err, HavenError::InvalidInput { .. }));

    v.revoke_version(&doc, &v2.hash, doc_fixtures::revocation())
        .unwrap();
    assert_eq!(v.active_version(&doc).unwrap(), None);
    assert!(matches!(
        v.revoke_version(&doc, &v2.hash, doc_fixtures::revocation()),
        Err(HavenError::InvalidInput { .. })
    ));

    let log = v.status_log(&doc).unwrap();
    let v2_log: Vec<_> = log
        .iter()
        .filter(|c| c.version_hash == v2.hash)
        .map(|c| (c.from, c.to))
        .collect();
    assert_eq!(
        v2_log,
        vec![
            (None, VersionStatus::Draft),
            (Some(VersionStatus::Draft), VersionStatus::Active),
            (Some(VersionStatus::Active), VersionStatus::Revoked),
        ]
    );
}

#[test]
fn life_sustaining_refusal_needs_statement_signature_and_witness() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let mut st = full_statement(&mut k);
    st.treatment_refusals[1].life_at_risk_statement = k.m("withoutthephrase");
    let v1 = v.create_document(st.clone().into()).unwrap();
    let doc = v1.document_id.clone();

    let problems = v.validate_version(&doc, &v1.hash).unwrap();
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems
        .iter()
        .all(|p| p.section == Section::TreatmentRefusals && p.item == Some(2)));
    assert!(problems[0].message.contains("even if my life is at risk"));
    assert!(problems[1].message.contains("signed"));
    assert!(problems[2].message.contains("witnessed"));

    // Signing without a witness is refused, naming what is missing, quoting nothing.
    let err = sign_as_app(&v, &doc, &v1.hash, sign_off(&mut k, false)).unwrap_err();
    let HavenError::InvalidInput { reason } = &err else {
        panic!("{err:?}")
    };
    assert!(reason.contains("Treatment refusals (item 2)"), "{reason}");
    assert!(reason.contains("witnessed"), "{reason}");
    assert!(!reason.contains("QZXMARK"), "{reason}");
    assert!(!err.to_string().contains("QZXMARK"));
    assert_eq!(v.active_version(&doc).unwrap(), None);

    // An incomplete witness block is named too.
    let mut so = sign_off(&mut k, true);
    if let Some(w) = so.witness.as_mut() {
        w.confirms_no_undue_influence = false;
        w.role.clear();
    }
    let p = validate(&v1.content, Some(&so));
    assert!(p
        .iter()
        .any(|p| p.section == Section::Witness && p.message.contains("role")));
    assert!(p
        .iter()
        .any(|p| p.section == Section::Witness && p.message.contains("undue influence")));

    // With the phrase and a witness it signs.
    st.treatment_refusals[1].life_at_risk_statement = "Even if my life is at risk.".into();
    let v2 = v.save_version(&doc, &v1.hash, st.into()).unwrap();
    let signed = sign_as_app(&v, &doc, &v2.hash, sign_off(&mut k, true)).unwrap();
    assert_eq!(signed.status, VersionStatus::Active);
    assert!(v.validate_version(&doc, &v2.hash).unwrap().is_empty());
}

/// A statement with two versions, reviewed and departed from on the first.
fn reviewed_statement(v: &Vault, k: &mut Markers) -> (String, String, String) {
    let v1 = v.create_document(full_statement(k).into()).unwrap();
    let doc = v1.document_id.clone();
    let v2 = v.save_version(&doc, &v1.hash, v1.content.clone()).unwrap();
    v.add_consultation_review(&doc, &v1.hash, review(k))
        .unwrap();
    v.record_departure(&doc, &v1.hash, departure(k)).unwrap();
    (doc, v1.hash, v2.hash)
}

#[test]
fn reviews_and_departures_attach_to_their_exact_version() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let (doc, h1, h2) = reviewed_statement(&v, &mut k);

    let reviews = v.consultation_reviews(&doc, &h1).unwrap();
    assert_eq!(reviews.len(), 1);
    assert_eq!(reviews[0].version_hash, h1);
    assert_eq!(reviews[0].responses.len(), 3);
    assert_eq!(
        reviews[0].responses[1].response,
        ReviewResponse::CannotFollow
    );
    assert!(v.consultation_reviews(&doc, &h2).unwrap().is_empty());

    let deps = v.departures(&doc, &h1).unwrap();
    assert_eq!(deps.len(), 1);
    assert_eq!(deps[0].section, Section::RestrictiveInterventions);
    assert!(!deps[0].person_told);
    assert!(v.departures(&doc, &h2).unwrap().is_empty());
    v.record_departure(&doc, &h2, departure(&mut k)).unwrap();
    assert_eq!(v.all_departures(&doc).unwrap().len(), 2);
    v.add_consultation_review(&doc, &h2, review(&mut k))
        .unwrap();
    let all: Vec<String> = v
        .all_consultation_reviews(&doc)
        .unwrap()
        .into_iter()
        .map(|r| r.version_hash)
        .collect();
    assert_eq!(all, vec![h1.clone(), h2.clone()]);
    assert_eq!(v.verify().unwrap().damaged, Vec::<String>::new());
}

/// The `InvalidInput` reason of `r`, or a panic naming what came instead.
fn invalid_reason<T: std::fmt::Debug>(r: Result<T, HavenError>) -> String {
    match r {
        Err(HavenError::InvalidInput { reason }) => reason,
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

/// Issue 11, item 3: departures, consultation reviews and sign-offs (and the
/// witness's date) are dated between the version's creation and today;
/// each bound is refused with its own message and nothing is stored. On
/// main a departure dated before the statement existed, or in 2030, was
/// accepted.
#[test]
fn dates_must_fall_between_the_version_and_today() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let (doc, h1, h2) = reviewed_statement(&v, &mut k);
    let year_ago = Utc::now() - Duration::days(365);
    let in_2030 = chrono::DateTime::parse_from_rfc3339("2030-06-01T12:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let before = "is dated before this version of the document was created";
    let future = "is dated in the future";

    for (when, bound) in [(year_ago, before), (in_2030, future)] {
        let d = NewDeparture {
            occurred_at: when,
            ..departure(&mut k)
        };
        let reason = invalid_reason(v.record_departure(&doc, &h1, d));
        assert!(
            reason.starts_with("the departure ") && reason.contains(bound),
            "{reason}"
        );

        let r = NewConsultationReview {
            reviewed_on: when.date_naive(),
            ..review(&mut k)
        };
        let reason = invalid_reason(v.add_consultation_review(&doc, &h1, r));
        assert!(
            reason.starts_with("the consultation review ") && reason.contains(bound),
            "{reason}"
        );

        let so = SignOff {
            signed_on: when.date_naive(),
            ..sign_off(&mut k, true)
        };
        let reason = invalid_reason(sign_as_app(&v, &doc, &h2, so));
        assert!(
            reason.starts_with("the sign-off ") && reason.contains(bound),
            "{reason}"
        );

        let mut so = sign_off(&mut k, true);
        if let Some(w) = so.witness.as_mut() {
            w.signed_on = Some(when.date_naive());
        }
        let reason = invalid_reason(sign_as_app(&v, &doc, &h2, so));
        assert!(
            reason.starts_with("the witness's attestation ") && reason.contains(bound),
            "{reason}"
        );
    }
    // Nothing was stored; today is accepted at both ends.
    assert_eq!(v.departures(&doc, &h1).unwrap().len(), 1);
    assert_eq!(v.consultation_reviews(&doc, &h1).unwrap().len(), 1);
    assert_eq!(
        v.get_version(&doc, &h2).unwrap().status,
        VersionStatus::Draft
    );
    v.record_departure(&doc, &h1, departure(&mut k)).unwrap();
    sign_as_app(&v, &doc, &h2, sign_off(&mut k, true)).unwrap();
}

/// Issue 11, item 3: a departure records the legal authority used, whether
/// a second opinion was obtained and from whom (required when a treatment
/// refusal was overridden: MHA 2025 s.57A) and who else was told; a time of
/// day is only kept when it was given, and never one in the future. On main
/// none of these could be recorded.
#[test]
fn a_departure_records_its_authority_second_opinion_and_who_else_was_told() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let (doc, h1, _) = reviewed_statement(&v, &mut k);
    let refusal = |k: &mut Markers| NewDeparture {
        section: Section::TreatmentRefusals,
        ..departure(k)
    };

    let d = NewDeparture {
        legal_authority: "  ".into(),
        ..refusal(&mut k)
    };
    let reason = invalid_reason(v.record_departure(&doc, &h1, d));
    assert!(
        reason.starts_with("say the legal authority used"),
        "{reason}"
    );

    let d = NewDeparture {
        second_opinion: SecondOpinion::NotRecorded,
        ..refusal(&mut k)
    };
    let reason = invalid_reason(v.record_departure(&doc, &h1, d));
    assert!(
        reason.starts_with("say whether a second opinion was obtained"),
        "{reason}"
    );

    let d = NewDeparture {
        second_opinion: SecondOpinion::Obtained {
            by: Clinician {
                name: "Dr Second".into(),
                role: String::new(),
                organisation: String::new(),
            },
        },
        ..refusal(&mut k)
    };
    let reason = invalid_reason(v.record_departure(&doc, &h1, d));
    assert_eq!(reason, "say who gave the second opinion (name and role)");

    let d = NewDeparture {
        others_told: vec!["named person".into(), " ".into()],
        ..refusal(&mut k)
    };
    let reason = invalid_reason(v.record_departure(&doc, &h1, d));
    assert!(
        reason.starts_with("each person told must be named"),
        "{reason}"
    );

    // A time of day an hour ahead is refused (a date an hour ahead is not).
    let ahead = Utc::now() + Duration::hours(1);
    let d = NewDeparture {
        occurred_at: ahead,
        time_known: true,
        ..refusal(&mut k)
    };
    let reason = invalid_reason(v.record_departure(&doc, &h1, d));
    assert!(
        reason.starts_with("the departure's time is in the future"),
        "{reason}"
    );
    assert_eq!(
        v.departures(&doc, &h1).unwrap().len(),
        1,
        "nothing refused was stored"
    );

    // Elsewhere than a treatment refusal a second opinion may go unsaid.
    let other = NewDeparture {
        second_opinion: SecondOpinion::NotRecorded,
        occurred_at: ahead,
        time_known: false,
        ..departure(&mut k)
    };
    v.record_departure(&doc, &h1, other).unwrap();

    let overridden = NewDeparture {
        legal_authority: "Mental Health Act 1983 s.3, treatment under s.58".into(),
        second_opinion: SecondOpinion::NotObtained,
        others_told: vec!["nominated person".into(), "GP".into()],
        ..refusal(&mut k)
    };
    let stored = v.record_departure(&doc, &h1, overridden).unwrap();
    assert!(stored.missing_second_opinion());
    let all = v.departures(&doc, &h1).unwrap();
    assert_eq!(all.len(), 3);
    assert!(!all[1].time_known && !all[1].missing_second_opinion());
    let back = &all[2];
    assert_eq!(back.id, stored.id);
    assert_eq!(
        back.legal_authority,
        "Mental Health Act 1983 s.3, treatment under s.58"
    );
    assert_eq!(back.second_opinion, SecondOpinion::NotObtained);
    assert_eq!(back.others_told, ["nominated person", "GP"]);
    assert!(back.missing_second_opinion());
    // The fixture's departure names its second-opinion doctor.
    match &all[0].second_opinion {
        SecondOpinion::Obtained { by } => assert!(by.role.starts_with("QZXMARKsecondopinionrole")),
        other => panic!("expected Obtained, got {other:?}"),
    }
}

/// Issue 11, item 3: the person is told, when their statement refuses
/// treatment, what mental health law can override and what it cannot, in
/// the words for the law they chose.
#[test]
fn a_statement_with_refusals_carries_the_notice_for_its_law() {
    let mut k = Markers::default();
    let mut s = full_statement(&mut k);
    assert!(!s.treatment_refusals.is_empty());
    s.maker_details.jurisdiction = Jurisdiction::EnglandAndWales;
    let notice = refusal_notice_for(&s).unwrap();
    assert_eq!(
        notice,
        medication_refusal_notice(Jurisdiction::EnglandAndWales)
    );
    assert!(notice.contains("doctors can give you medication for your mental disorder"));
    assert!(notice.contains("cannot override your refusal of"));
    s.treatment_refusals.clear();
    assert_eq!(refusal_notice_for(&s), None);
}

/// Issue 11, item 4: revoking records when and how; the date falls between
/// the version's creation and today; under Scottish law the withdrawal is
/// in writing and witnessed (s.275(3)); a plan or an English statement may
/// be withdrawn in the app. On main a revocation recorded nothing but the
/// status change.
#[test]
fn revocation_records_when_and_how_and_scotland_needs_a_witnessed_writing() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let mut st = full_statement(&mut k);
    st.maker_details.jurisdiction = Jurisdiction::Scotland;
    let v1 = v.create_document(st.into()).unwrap();
    let doc = v1.document_id.clone();
    let today = Utc::now().date_naive();

    let in_app = doc_fixtures::revocation();
    let reason = invalid_reason(v.revoke_version(&doc, &v1.hash, in_app.clone()));
    assert!(
        reason.starts_with("in Scotland an advance statement is withdrawn in writing"),
        "{reason}"
    );
    let written = Revocation {
        how: RevocationMethod::InWriting,
        notes: "letter given to the ward manager".into(),
        ..in_app.clone()
    };
    let reason = invalid_reason(v.revoke_version(&doc, &v1.hash, written.clone()));
    assert!(
        reason.starts_with("in Scotland a withdrawal is witnessed"),
        "{reason}"
    );
    let reason = invalid_reason(v.revoke_version(
        &doc,
        &v1.hash,
        Revocation {
            witness: Some(Witness {
                name: "Dr Grey".into(),
                ..Default::default()
            }),
            ..written.clone()
        },
    ));
    assert_eq!(reason, "say who witnessed the revocation (name and role)");
    for (when, bound) in [
        (today - Duration::days(30), "is dated before this version"),
        (today + Duration::days(30), "is dated in the future"),
    ] {
        let reason = invalid_reason(v.revoke_version(
            &doc,
            &v1.hash,
            Revocation {
                revoked_on: when,
                ..written.clone()
            },
        ));
        assert!(
            reason.starts_with("the revocation ") && reason.contains(bound),
            "{reason}"
        );
    }
    assert_eq!(
        v.get_version(&doc, &v1.hash).unwrap().status,
        VersionStatus::Draft
    );
    assert_eq!(v.revocation(&doc, &v1.hash).unwrap(), None);

    let witnessed = Revocation {
        witness: Some(Witness {
            name: "Dr Grey".into(),
            role: "general practitioner".into(),
            signed_on: Some(today),
            ..Default::default()
        }),
        ..written
    };
    v.revoke_version(&doc, &v1.hash, witnessed.clone()).unwrap();
    assert_eq!(
        v.get_version(&doc, &v1.hash).unwrap().status,
        VersionStatus::Revoked
    );
    assert_eq!(v.revocation(&doc, &v1.hash).unwrap(), Some(witnessed));

    // A crisis plan, or a statement under another law, may be withdrawn in the app.
    let plan = v.create_document(CrisisPlan::default().into()).unwrap();
    v.revoke_version(&plan.document_id, &plan.hash, in_app.clone())
        .unwrap();
    let ew = v.create_document(full_statement(&mut k).into()).unwrap();
    v.revoke_version(&ew.document_id, &ew.hash, in_app.clone())
        .unwrap();
    assert_eq!(
        v.revocation(&ew.document_id, &ew.hash)
            .unwrap()
            .map(|r| r.how),
        Some(RevocationMethod::InApp)
    );
}

/// Issue 11, item 9: messages name the document with its article ("an
/// advance statement", never "a advance statement").
#[test]
fn messages_name_the_document_with_the_right_article() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let (doc, h1, _) = reviewed_statement(&v, &mut k);
    let d = NewDeparture {
        section: Section::Triggers,
        ..departure(&mut k)
    };
    let reason = invalid_reason(v.record_departure(&doc, &h1, d));
    assert!(
        reason.ends_with("is not part of an advance statement"),
        "{reason}"
    );
    let latest = v.latest_version(&doc).unwrap().hash;
    let reason = invalid_reason(v.save_version(&doc, &latest, CrisisPlan::default().into()));
    assert_eq!(
        reason,
        "this document is an advance statement, not a crisis plan"
    );
}

#[test]
fn review_input_is_checked() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let (doc, h1, _) = reviewed_statement(&v, &mut k);

    let mut r = review(&mut k);
    r.responses[1].reason = "  ".into();
    let err = v.add_consultation_review(&doc, &h1, r).unwrap_err();
    assert!(matches!(err, HavenError::InvalidInput { .. }), "{err:?}");
    assert!(err.to_string().contains("reason is required"), "{err}");

    let mut r = review(&mut k);
    r.clinician.role.clear();
    assert!(matches!(
        v.add_consultation_review(&doc, &h1, r),
        Err(HavenError::InvalidInput { .. })
    ));

    let mut r = review(&mut k);
    r.responses[0].section = Section::Triggers;
    assert!(matches!(
        v.add_consultation_review(&doc, &h1, r),
        Err(HavenError::InvalidInput { .. })
    ));

    let mut d = departure(&mut k);
    d.reason.clear();
    assert!(matches!(
        v.record_departure(&doc, &h1, d),
        Err(HavenError::InvalidInput { .. })
    ));

    // Reviews are for statements only.
    let plan = v.create_document(CrisisPlan::default().into()).unwrap();
    assert!(matches!(
        v.add_consultation_review(&plan.document_id, &plan.hash, review(&mut k)),
        Err(HavenError::InvalidInput { .. })
    ));
    // Nothing invalid was stored.
    assert_eq!(v.consultation_reviews(&doc, &h1).unwrap().len(), 1);
}

/// Issue 9: a review's row given another id (as moving it to another
/// version once did) is missed where its document's state lists it, is not
/// picked up anywhere else, and the record set no longer matches.
#[test]
fn a_review_given_another_id_is_missed_where_it_is_listed() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let (doc, h1, h2) = reviewed_statement(&v, &mut k);
    let id = v.consultation_reviews(&doc, &h1).unwrap()[0].id.clone();
    assert!(!id.contains(&h1), "the id does not name the version");

    let raw = rusqlite::Connection::open(v.path()).unwrap();
    let moved = raw
        .execute(
            "UPDATE records SET id = ?1 || '.' || lower(hex(randomblob(16))) WHERE id = ?2",
            rusqlite::params![h2, id],
        )
        .unwrap();
    assert_eq!(moved, 1);

    match v.consultation_reviews(&doc, &h1) {
        Err(HavenError::Integrity { what }) => assert!(what.contains(&id), "{what}"),
        other => panic!("expected Integrity, got {other:?}"),
    }
    assert!(v.consultation_reviews(&doc, &h2).unwrap().is_empty());
    assert!(matches!(v.verify(), Err(HavenError::Integrity { .. })));
}

/// A departure's row copied under a new id is not attached to anything:
/// only what the document's state lists is read, and the extra row breaks
/// the record set.
#[test]
fn a_departure_copied_under_a_new_id_is_ignored_and_fails_verification() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let (doc, h1, h2) = reviewed_statement(&v, &mut k);
    let departure = v.departures(&doc, &h1).unwrap()[0].id.clone();

    // Kinds are keyed tags now; the attacker copies the row as it is.
    let raw = rusqlite::Connection::open(v.path()).unwrap();
    let copied = raw
        .execute(
            "INSERT INTO records (pos, id, tag, revision, body)
             SELECT pos + 1, ?1 || '.' || lower(hex(randomblob(16))), tag, revision, body
             FROM records WHERE id = ?2",
            rusqlite::params![h2, departure],
        )
        .unwrap();
    assert_eq!(copied, 1);

    assert_eq!(v.departures(&doc, &h1).unwrap().len(), 1);
    assert!(v.departures(&doc, &h2).unwrap().is_empty());
    assert!(matches!(v.verify(), Err(HavenError::Integrity { .. })));
}

#[test]
fn swapped_or_altered_versions_are_detected() {
    let (_d, v) = vault();
    let v1 = v
        .create_document(CrisisPlan::new_for_region(Region::Uk).into())
        .unwrap();
    let doc = v1.document_id.clone();
    let v2 = v
        .save_version(&doc, &v1.hash, CrisisPlan::default().into())
        .unwrap();

    let raw = rusqlite::Connection::open(v.path()).unwrap();
    // Put v1's ciphertext in v2's row.
    raw.execute(
        "UPDATE records SET body = (SELECT body FROM records WHERE id = ?1) WHERE id = ?2",
        rusqlite::params![v1.hash, v2.hash],
    )
    .unwrap();
    assert_eq!(
        v.get_version(&doc, &v2.hash),
        Err(HavenError::Corrupt {
            record_id: Some(v2.hash.clone())
        })
    );
    assert_eq!(
        v.verify_document(&doc),
        Err(HavenError::Corrupt {
            record_id: Some(v2.hash.clone())
        })
    );
    // v1 itself is intact.
    assert_eq!(v.get_version(&doc, &v1.hash).unwrap(), v1);
}

#[test]
fn reviews_due_lists_due_and_overdue_documents() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let plan = v.create_document(full_plan(&mut k).into()).unwrap();
    let statement = v.create_document(full_statement(&mut k).into()).unwrap();
    let draft_only = v.create_document(CrisisPlan::default().into()).unwrap();

    // Signed today: a sign-off cannot predate its version (issue 11).
    let signed_on = Utc::now().date_naive();
    let mut so = sign_off(&mut k, true);
    so.signed_on = signed_on;
    sign_as_app(&v, &plan.document_id, &plan.hash, so.clone()).unwrap();
    sign_as_app(&v, &statement.document_id, &statement.hash, so).unwrap();

    // Default: six months after sign-off.
    let six_months = signed_on
        .checked_add_months(chrono::Months::new(6))
        .unwrap();
    let summary = v
        .documents()
        .unwrap()
        .into_iter()
        .find(|d| d.id == plan.document_id)
        .unwrap();
    assert_eq!(summary.next_review, Some(six_months));

    let today = six_months - Duration::days(10);
    assert!(v.reviews_due(today, 5).unwrap().is_empty());
    let due = v.reviews_due(today, 10).unwrap();
    assert_eq!(due.len(), 2);
    assert!(due.iter().all(|d| d.days_until == 10 && !d.overdue));

    // Settable; overdue ones come first with negative days.
    let earlier = today - Duration::days(3);
    v.set_next_review(&statement.document_id, Some(earlier))
        .unwrap();
    v.set_next_review(&draft_only.document_id, Some(earlier))
        .unwrap();
    let due = v.reviews_due(today, 0).unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].document_id, statement.document_id);
    assert_eq!(due[0].kind, DocumentKind::AdvanceStatement);
    assert_eq!(due[0].days_until, -3);
    assert!(due[0].overdue);
    let later = v.reviews_due(today, 10).unwrap();
    assert_eq!(
        later.iter().map(|d| d.days_until).collect::<Vec<_>>(),
        vec![-3, 10]
    );

    v.set_next_review(&statement.document_id, None).unwrap();
    assert_eq!(v.reviews_due(today, 10).unwrap().len(), 1);
}

#[test]
fn journal_entries_link_to_warning_signs() {
    let (_d, v) = vault();
    let plan = CrisisPlan {
        warning_signs: vec![
            WarningSign::new("not sleeping"),
            WarningSign::new("stopping calls"),
        ],
        ..Default::default()
    };
    let v1 = v.create_document(plan.into()).unwrap();
    let signs = plan_of(&v1).warning_signs;
    let e1 = v
        .add_entry(Draft {
            text: "awake at 4 again".into(),
            ..Default::default()
        })
        .unwrap();
    let e2 = v
        .add_entry(Draft {
            text: "slept badly".into(),
            ..Default::default()
        })
        .unwrap();

    v.link_entry_to_warning_sign(&e1.id, &signs[0].id).unwrap();
    v.link_entry_to_warning_sign(&e2.id, &signs[0].id).unwrap();
    v.link_entry_to_warning_sign(&e2.id, &signs[0].id).unwrap(); // idempotent
    v.link_entry_to_warning_sign(&e2.id, &signs[1].id).unwrap();

    let linked: Vec<String> = v
        .entries_linked_to_warning_sign(&signs[0].id)
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(linked, vec![e2.id.clone(), e1.id.clone()]);
    assert_eq!(
        v.warning_signs_linked_to_entry(&e2.id).unwrap(),
        vec![signs[1].id.clone(), signs[0].id.clone()]
    );

    assert!(v
        .unlink_entry_from_warning_sign(&e2.id, &signs[0].id)
        .unwrap());
    assert!(!v
        .unlink_entry_from_warning_sign(&e2.id, &signs[0].id)
        .unwrap());
    v.delete_entry(&e1.id).unwrap();
    assert!(v
        .entries_linked_to_warning_sign(&signs[0].id)
        .unwrap()
        .is_empty());

    assert!(matches!(
        v.link_entry_to_warning_sign(&e2.id, "nope"),
        Err(HavenError::NotFound { .. })
    ));
    assert!(matches!(
        v.link_entry_to_warning_sign("nope", &signs[0].id),
        Err(HavenError::NotFound { .. })
    ));
}

#[test]
fn nothing_written_in_any_section_is_in_the_file_or_wal() {
    let (_d, v) = vault();
    let mut k = Markers::default();

    let plan = v.create_document(full_plan(&mut k).into()).unwrap();
    sign_as_app(&v, &plan.document_id, &plan.hash, sign_off(&mut k, true)).unwrap();
    let (doc, h1, _) = reviewed_statement(&v, &mut k);
    sign_as_app(&v, &doc, &h1, sign_off(&mut k, true)).unwrap();
    let entry = v
        .add_entry(Draft {
            text: k.m("journal"),
            ..Default::default()
        })
        .unwrap();
    let sign = plan_of(&plan).warning_signs[0].id.clone();
    v.link_entry_to_warning_sign(&entry.id, &sign).unwrap();

    // The search does see what is in the clear (bookkeeping only: version
    // ids), but no longer the kind names (keyed tags since issue 9).
    assert!(raw_contains(v.path(), plan.hash.as_bytes()));
    for kind in [
        PLAN_VERSION_KIND,
        REVIEW_KIND,
        DEPARTURE_KIND,
        SIGN_OFF_KIND,
        "journal",
    ] {
        assert!(
            !raw_contains(v.path(), kind.as_bytes()),
            "{kind} in the file"
        );
    }
    assert!(k.all().len() > 150, "{}", k.all().len());
    for m in k.all() {
        assert!(
            !raw_contains(v.path(), m.as_bytes()),
            "{m} found in the vault file"
        );
    }
    // Warning-sign ids (which links name) are not in the clear either.
    assert!(!raw_contains(v.path(), sign.as_bytes()));
    drop(v);
}

/// Issue 11, item 1: the witness attests for themselves. A sign-off that
/// carries the witness's confirmations (the maker attesting for them) is
/// refused; the attestation is recorded by `witness_version` on the draft,
/// complete, by someone other than the maker, on the day of signing, and
/// belongs to that version only. On main the maker's sign-off carried it.
#[test]
fn the_witness_attests_for_themselves_and_only_for_that_version() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let st = full_statement(&mut k);
    let maker = st.maker_details.full_name.clone();
    let v1 = v.create_document(st.clone().into()).unwrap();
    let doc = v1.document_id.clone();

    let reason = invalid_reason(v.sign_version(&doc, &v1.hash, sign_off(&mut k, true)));
    assert!(
        reason.starts_with("the witness attests for themselves"),
        "{reason}"
    );
    assert_eq!(v.witness_attestation(&doc, &v1.hash).unwrap(), None);

    let witness = sign_off(&mut k, true).witness.unwrap();
    for (bad, expected) in [
        (
            Witness {
                statement: " ".into(),
                ..witness.clone()
            },
            "the witness writes their statement",
        ),
        (
            Witness {
                confirms_no_undue_influence: false,
                ..witness.clone()
            },
            "the witness confirms, themselves",
        ),
        (
            Witness {
                signed_on: None,
                ..witness.clone()
            },
            "the witness gives the date",
        ),
        (
            Witness {
                name: format!(" {} ", maker.to_uppercase()),
                ..witness.clone()
            },
            "the witness must be someone other than the maker",
        ),
    ] {
        let reason = invalid_reason(v.witness_version(&doc, &v1.hash, bad));
        assert!(reason.starts_with(expected), "{reason}");
    }
    // A caller cannot pass the flag off: the vault sets it.
    v.witness_version(
        &doc,
        &v1.hash,
        Witness {
            attested_by_witness: false,
            ..witness.clone()
        },
    )
    .unwrap();
    let attested = v.witness_attestation(&doc, &v1.hash).unwrap().unwrap();
    assert!(attested.attested_by_witness);

    // The attestation is bound to v1: a new version is unwitnessed.
    let v2 = v.save_version(&doc, &v1.hash, st.into()).unwrap();
    assert_eq!(v.witness_attestation(&doc, &v2.hash).unwrap(), None);
    let reason = invalid_reason(v.sign_version(&doc, &v2.hash, sign_off(&mut k, false)));
    assert!(reason.contains("witnessed"), "{reason}");

    // Another day's attestation does not witness today's signature.
    let yesterday = Utc::now().date_naive() - Duration::days(1);
    let so = sign_off(&mut k, false);
    let reason = invalid_reason(v.sign_version(
        &doc,
        &v1.hash,
        SignOff {
            signed_on: yesterday,
            ..so.clone()
        },
    ));
    assert!(reason.contains("same date"), "{reason}");

    let signed = v.sign_version(&doc, &v1.hash, so).unwrap();
    assert_eq!(signed.sign_off.unwrap().witness, Some(attested));
    let reason = invalid_reason(v.witness_version(&doc, &v1.hash, witness));
    assert!(
        reason.starts_with("only a draft can be witnessed"),
        "{reason}"
    );
}

/// Issue 11, item 1: MCA 2005 s.24(1), a refusal of life-sustaining
/// treatment is made at 18 or over: signing is refused for a 17-year-old
/// and without a date of birth. On main neither was checked.
#[test]
fn an_under_18_refusal_of_life_sustaining_treatment_is_refused() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let mut st = full_statement(&mut k);
    let today = Utc::now().date_naive();
    st.maker_details.date_of_birth = today
        .with_year(today.year() - 17)
        .or_else(|| today.pred_opt().and_then(|d| d.with_year(d.year() - 17)));
    let v1 = v.create_document(st.clone().into()).unwrap();
    let reason = invalid_reason(sign_as_app(
        &v,
        &v1.document_id,
        &v1.hash,
        sign_off(&mut k, true),
    ));
    assert!(reason.contains("aged 18 or over"), "{reason}");
    st.maker_details.date_of_birth = None;
    let problems = validate(&st.clone().into(), Some(&sign_off(&mut k, true)));
    assert!(
        problems
            .iter()
            .any(|p| p.section == Section::MakerDetails && p.message.contains("date of birth")),
        "{problems:?}"
    );
    assert_eq!(
        v.get_version(&v1.document_id, &v1.hash).unwrap().status,
        VersionStatus::Draft
    );
}
