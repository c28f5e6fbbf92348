#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The FHIR R4 export checked against the R4 rules it claims: resource
//! types, required elements, invariants (ppc-1, ppc-4, att-1, ele-1), code
//! systems and codes, references that resolve inside the Bundle, unique
//! UUID v4 fullUrls, and well-formed FHIR dates and instants.

mod common;
mod doc_fixtures;

use std::collections::HashSet;

use doc_fixtures::*;
use haven_core::export::{fhir, ExportDocument, VersionRef};
use haven_core::{ExportOptions, HavenError, Silent};
use serde_json::Value;

fn is_uuid_v4(s: &str) -> bool {
    let b = s.as_bytes();
    s.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
        && s.chars()
            .enumerate()
            .all(|(i, c)| [8, 13, 18, 23].contains(&i) || matches!(c, '0'..='9' | 'a'..='f'))
        && b[14] == b'4'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b')
}

/// English labels, bundled fonts.
fn en() -> ExportOptions {
    ExportOptions::default()
}

/// FHIR `date` (full precision, as exported).
fn is_date(s: &str) -> bool {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() && s.len() == 10
}

/// FHIR `instant`: seconds and a time zone are required.
fn is_instant(s: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(s).is_ok() && s.len() >= 20 && s.as_bytes()[10] == b'T'
}

/// FHIR `dateTime` as exported: a date or an instant.
fn is_date_time(s: &str) -> bool {
    is_date(s) || is_instant(s)
}

fn bundle_of(docs: &[ExportDocument]) -> Value {
    let json = fhir::bundle(docs, &en(), &Silent).unwrap();
    serde_json::from_str(&json).unwrap()
}

/// The statement (signed, reviewed, departed from) and a plan, in one vault.
fn both() -> (Value, Markers) {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let st = reviewed_statement(&v, &mut k);
    let plan = saved_plan(&v, unicode_plan());
    (bundle_of(&[plan, st]), k)
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

fn has_coding(concept: &Value, system: &str, code: &str) -> bool {
    concept["coding"]
        .as_array()
        .map(|cs| {
            cs.iter()
                .any(|c| c["system"] == system && c["code"] == code)
        })
        .unwrap_or(false)
}

/// Every `reference` string anywhere under `v`.
fn references(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                if k == "reference" {
                    out.push(v.as_str().unwrap().to_string());
                } else {
                    references(v, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// ele-1: no null, empty string, empty array or empty object anywhere.
fn assert_no_empty_elements(v: &Value, path: &str) {
    match v {
        Value::Null => panic!("null at {path}"),
        Value::String(s) => assert!(!s.trim().is_empty(), "empty string at {path}"),
        Value::Array(a) => {
            assert!(!a.is_empty(), "empty array at {path}");
            for (i, v) in a.iter().enumerate() {
                assert_no_empty_elements(v, &format!("{path}[{i}]"));
            }
        }
        Value::Object(o) => {
            assert!(!o.is_empty(), "empty object at {path}");
            for (k, v) in o {
                assert_no_empty_elements(v, &format!("{path}.{k}"));
            }
        }
        _ => {}
    }
}

/// Date-typed elements by name, checked wherever they occur.
fn check_dates(v: &Value, path: &str) {
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                let p = format!("{path}.{k}");
                if let Some(s) = v.as_str() {
                    match k.as_str() {
                        "birthDate" => assert!(is_date(s), "{p} = {s}"),
                        "timestamp" | "recorded" | "date" => assert!(is_instant(s), "{p} = {s}"),
                        "created" | "creation" | "dateTime" | "occurredDateTime" => {
                            assert!(is_date_time(s), "{p} = {s}")
                        }
                        _ => {}
                    }
                }
                check_dates(v, &p);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| check_dates(v, path)),
        _ => {}
    }
}

#[test]
fn bundle_is_an_r4_collection_with_unique_uuid_full_urls_and_resolving_references() {
    let (b, _) = both();
    assert_eq!(b["resourceType"], "Bundle");
    assert_eq!(b["type"], "collection");
    assert!(is_instant(b["timestamp"].as_str().unwrap()));
    assert_eq!(b["identifier"]["system"], "urn:ietf:rfc:3986");
    let entries = b["entry"].as_array().unwrap();
    let mut urls = HashSet::new();
    for e in entries {
        let url = e["fullUrl"].as_str().unwrap();
        let id = url.strip_prefix("urn:uuid:").expect("urn:uuid fullUrl");
        assert!(is_uuid_v4(id), "{url}");
        assert_eq!(e["resource"]["id"], id, "resource id matches its fullUrl");
        assert!(urls.insert(url.to_string()), "duplicate fullUrl {url}");
    }
    let mut refs = Vec::new();
    references(&b, &mut refs);
    assert!(refs.len() > 10);
    for r in &refs {
        assert!(
            urls.contains(r),
            "reference {r} does not resolve in the Bundle"
        );
    }
    assert_no_empty_elements(&b, "Bundle");
    check_dates(&b, "Bundle");
    let kinds: HashSet<&str> = entries
        .iter()
        .map(|e| e["resource"]["resourceType"].as_str().unwrap())
        .collect();
    for k in [
        "Patient",
        "DocumentReference",
        "CarePlan",
        "Consent",
        "RelatedPerson",
        "Provenance",
        "Practitioner",
        "Organization",
    ] {
        assert!(kinds.contains(k), "no {k}");
    }
    assert_eq!(resources(&b, "Patient").len(), 1);
}

#[test]
fn document_references_carry_the_pdf_and_the_right_codes() {
    let (b, _) = both();
    let docs = resources(&b, "DocumentReference");
    assert_eq!(docs.len(), 2);
    let mut saw_plan = false;
    let mut saw_statement = false;
    for d in docs {
        assert!(
            ["current", "superseded", "entered-in-error"].contains(&d["status"].as_str().unwrap())
        );
        let content = d["content"].as_array().unwrap();
        assert!(!content.is_empty());
        let att = &content[0]["attachment"];
        assert_eq!(att["contentType"], "application/pdf"); // att-1
        let pdf = data_encoding::BASE64
            .decode(att["data"].as_str().unwrap().as_bytes())
            .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert_eq!(att["size"].as_u64().unwrap() as usize, pdf.len());
        let sha1 = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &pdf);
        assert_eq!(
            att["hash"].as_str().unwrap(),
            data_encoding::BASE64.encode(sha1.as_ref())
        );
        if has_coding(&d["type"], "http://snomed.info/sct", "736253002") {
            saw_plan = true;
            assert_eq!(d["docStatus"], "preliminary"); // a draft
        }
        if has_coding(&d["type"], "http://loinc.org", "42348-3") {
            saw_statement = true;
            assert_eq!(d["status"], "current");
            assert_eq!(d["docStatus"], "final");
            assert!(d["authenticator"]["reference"].is_string());
        }
    }
    assert!(saw_plan && saw_statement);
}

#[test]
fn care_plan_and_consent_meet_r4_requirements_and_invariants() {
    let (b, k) = both();
    let patient_urls: Vec<String> = b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["resource"]["resourceType"] == "Patient")
        .map(|e| e["fullUrl"].as_str().unwrap().to_string())
        .collect();
    let patient = &patient_urls[0];

    let cp = resources(&b, "CarePlan");
    assert_eq!(cp.len(), 1);
    let cp = cp[0];
    assert_eq!(cp["status"], "draft");
    assert_eq!(cp["intent"], "plan");
    assert_eq!(cp["subject"]["reference"], patient.as_str());
    let div = cp["text"]["div"].as_str().unwrap();
    assert!(div.starts_with("<div xmlns=\"http://www.w3.org/1999/xhtml\">"));
    assert!(div.contains(ZOE) && div.contains(CYRILLIC));

    let consents = resources(&b, "Consent");
    assert_eq!(consents.len(), 1);
    let c = consents[0];
    assert_eq!(c["status"], "active");
    assert!(has_coding(
        &c["scope"],
        "http://terminology.hl7.org/CodeSystem/consentscope",
        "adr"
    ));
    let cats = c["category"].as_array().unwrap();
    assert!(cats
        .iter()
        .any(|cat| has_coding(cat, "http://loinc.org", "59284-0")));
    // ppc-1: policy or policyRule.
    assert!(c.get("policy").is_some() || c.get("policyRule").is_some());
    // ppc-4: scope adr needs a patient.
    assert_eq!(c["patient"]["reference"], patient.as_str());
    assert!(c["sourceReference"]["reference"].is_string());
    // The narrative holds every section, the reviews and departures.
    let div = c["text"]["div"].as_str().unwrap();
    for m in k.all() {
        assert!(div.contains(m.as_str()), "consent narrative lacks {m}");
    }
}

#[test]
fn people_and_provenance() {
    let (b, k) = both();
    let related = resources(&b, "RelatedPerson");
    let names: Vec<&str> = related
        .iter()
        .map(|r| {
            assert!(
                r["patient"]["reference"].is_string(),
                "RelatedPerson.patient"
            );
            r["name"][0]["text"].as_str().unwrap()
        })
        .collect();
    for n in [LUKASZ, GREEK, CYRILLIC] {
        assert!(names.contains(&n), "no RelatedPerson {n}");
    }
    // The contact who may not be contacted has no phone in the Bundle.
    let private = related
        .iter()
        .find(|r| r["name"][0]["text"] == "Private Person")
        .unwrap();
    assert!(private.get("telecom").is_none());
    // (It stays in the narrative and PDF, the person's full plan, marked
    // "ask me before contacting them".)
    for r in &related {
        assert!(!serde_json::to_string(&r["telecom"])
            .unwrap()
            .contains("07000 999999"));
    }
    // Nobody from the do-not-involve lists.
    for m in k.all().iter().filter(|m| m.contains("mustnot")) {
        assert!(!names.iter().any(|n| n.contains(m.as_str())));
    }
    // Help contacts carry the v2-0131 emergency contact code.
    let lukasz = related
        .iter()
        .find(|r| r["name"][0]["text"] == LUKASZ)
        .unwrap();
    assert!(lukasz["relationship"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| has_coding(r, "http://terminology.hl7.org/CodeSystem/v2-0131", "C")));

    let prov = resources(&b, "Provenance");
    // Sign-off, one review, one departure.
    assert_eq!(prov.len(), 3);
    for p in &prov {
        assert!(!p["target"].as_array().unwrap().is_empty());
        assert!(is_instant(p["recorded"].as_str().unwrap()));
        for a in p["agent"].as_array().unwrap() {
            assert!(a["who"]["reference"].is_string(), "agent.who");
        }
    }
    let review = prov
        .iter()
        .find(|p| {
            has_coding(
                &p["agent"][0]["type"],
                "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                "verifier",
            )
        })
        .unwrap();
    let div = review["text"]["div"].as_str().unwrap();
    let reason = k
        .all()
        .iter()
        .find(|m| m.contains("cannotfollowreason"))
        .unwrap();
    assert!(div.contains("Restrictive interventions: cannot follow."));
    assert!(div.contains(reason.as_str()));
    let signoff = prov
        .iter()
        .find(|p| p["activity"]["coding"][0]["code"] == "LA")
        .unwrap();
    assert!(signoff["agent"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| has_coding(
            &a["type"],
            "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
            "WIT"
        )));
    let departure = prov.iter().find(|p| p["reason"].is_array()).unwrap();
    let why = k
        .all()
        .iter()
        .find(|m| m.contains("departurereason"))
        .unwrap();
    assert_eq!(departure["reason"][0]["text"], why.as_str());

    // The Patient is the maker, with a FHIR date of birth.
    let patient = resources(&b, "Patient")[0];
    assert!(patient["name"][0]["text"]
        .as_str()
        .unwrap()
        .starts_with(ZOE));
    assert_eq!(patient["birthDate"], "1980-02-29");
}

#[test]
fn vault_fhir_bundle_and_refusals() {
    let (_d, v) = vault();
    let plan = v.create_document(unicode_plan().into()).unwrap();
    let json = v
        .fhir_bundle(&[VersionRef::from(&plan)], &en(), &Silent)
        .unwrap();
    let b: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(resources(&b, "Patient")[0]["name"][0]["text"], ZOE);
    assert!(resources(&b, "Consent").is_empty());
    assert!(matches!(
        fhir::bundle(&[], &en(), &Silent),
        Err(HavenError::InvalidInput { .. })
    ));
    assert!(matches!(
        v.fhir_bundle(
            &[VersionRef::new(&plan.document_id, &"0".repeat(64))],
            &en(),
            &Silent
        ),
        Err(HavenError::NotFound { .. })
    ));
    // Two exports never share ids.
    let again: Value = serde_json::from_str(
        &v.fhir_bundle(&[VersionRef::from(&plan)], &en(), &Silent)
            .unwrap(),
    )
    .unwrap();
    let ids = |b: &Value| -> HashSet<String> {
        b["entry"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["fullUrl"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(ids(&b).is_disjoint(&ids(&again)));
}

/// Issue 11, item 3: FHIR never invents a time. A departure recorded with
/// a date alone exports `occurredDateTime` as that date (the CLI stores it
/// at noon UTC, which was exported as a time later than the recording); one
/// with a time exports exactly that instant, never after `recorded`. The
/// legal authority is a reason and the second-opinion doctor a verifier.
#[test]
fn departures_export_the_date_or_time_as_recorded_with_authority_and_second_opinion() {
    use haven_core::documents::{NewDeparture, SecondOpinion, Section};

    let (_d, v) = vault();
    let mut k = Markers::default();
    let st = reviewed_statement(&v, &mut k);
    let doc = &st.version.document_id;
    let hash = &st.version.hash;
    let today = chrono::Utc::now().date_naive();
    let noon = today.and_hms_opt(12, 0, 0).unwrap().and_utc();
    v.record_departure(
        doc,
        hash,
        NewDeparture {
            section: Section::TreatmentRefusals,
            occurred_at: noon,
            time_known: false,
            legal_authority: "Mental Health Act 1983 s.3, treatment under s.58".into(),
            second_opinion: SecondOpinion::NotObtained,
            ..departure(&mut k)
        },
    )
    .unwrap();
    let exported = v.export_document(doc, hash).unwrap();
    let b = bundle_of(&[exported]);
    let prov = resources(&b, "Provenance");
    let departures: Vec<&&Value> = prov
        .iter()
        .filter(|p| p["activity"]["text"] == "Departure from the person's stated wishes")
        .collect();
    assert_eq!(departures.len(), 2);

    // The fixture's departure: a time, not after its recording.
    let timed = departures[0];
    let occurred = timed["occurredDateTime"].as_str().unwrap();
    assert!(is_instant(occurred), "{occurred}");
    let recorded = timed["recorded"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(occurred).unwrap()
            <= chrono::DateTime::parse_from_rfc3339(recorded).unwrap(),
        "occurred {occurred} after recorded {recorded}"
    );
    let verifier = &timed["agent"][1];
    assert!(has_coding(
        &verifier["type"],
        "http://terminology.hl7.org/CodeSystem/provenance-participant-type",
        "verifier"
    ));
    let second = verifier["who"]["reference"].as_str().unwrap();
    let practitioner = b["entry"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["fullUrl"] == second)
        .unwrap();
    assert!(practitioner["resource"]["name"][0]["text"]
        .as_str()
        .unwrap()
        .starts_with("QZXMARKsecondopinion"));

    // The date-only departure: the date, no time.
    let dated = departures[1];
    assert_eq!(
        dated["occurredDateTime"],
        today.format("%Y-%m-%d").to_string()
    );
    assert!(dated["text"]["div"].as_str().unwrap().contains(&format!(
        "was not followed on {}.",
        today.format("%Y-%m-%d")
    )));
    assert_eq!(
        dated["reason"][1]["text"],
        "Legal authority: Mental Health Act 1983 s.3, treatment under s.58"
    );
    assert_eq!(
        dated["agent"].as_array().unwrap().len(),
        1,
        "no second opinion"
    );
}

#[test]
fn one_resource_per_party_nhs_number_and_ask_first_contacts_are_not_emergency_contacts() {
    let (_d, v) = vault();
    let mut k = Markers::default();
    let mut s = full_statement(&mut k);
    s.maker_details.health_number = "943 476 5919".into();
    let ann = haven_core::documents::Contact::new("Ann Lee", "sister", "07700 900001");
    s.people.nominated_person = Some(ann.clone());
    // The same person again as a carer, spelled with other spacing and case.
    s.people.carers = vec![haven_core::documents::Contact::new(
        "ann  LEE",
        "carer",
        "07700 900001",
    )];
    let v1 = v.create_document(s.into()).unwrap();
    let doc = v1.document_id.clone();
    sign_as_app(&v, &doc, &v1.hash, sign_off(&mut k, true)).unwrap();
    // Two departures by one clinician: one Practitioner, one Organization.
    let first = departure(&mut k);
    let mut second = departure(&mut k);
    second.clinician = first.clinician.clone();
    v.record_departure(&doc, &v1.hash, first).unwrap();
    v.record_departure(&doc, &v1.hash, second).unwrap();
    let st = v.export_document(&doc, &v1.hash).unwrap();
    let mut plan = unicode_plan();
    plan.help_contacts.push(haven_core::documents::Contact {
        may_contact: false,
        ..ann.clone()
    });
    let plan = saved_plan(&v, plan);
    let b = bundle_of(&[plan, st]);

    let patient = resources(&b, "Patient")[0];
    assert_eq!(
        patient["identifier"],
        serde_json::json!([{ "system": "https://fhir.nhs.uk/Id/nhs-number", "value": "9434765919" }])
    );

    let related = resources(&b, "RelatedPerson");
    let anns: Vec<_> = related
        .iter()
        .filter(|r| {
            r["name"][0]["text"]
                .as_str()
                .unwrap()
                .eq_ignore_ascii_case("ann lee")
        })
        .collect();
    assert_eq!(anns.len(), 1, "one RelatedPerson for Ann: {anns:?}");
    let rels = serde_json::to_string(&anns[0]["relationship"]).unwrap();
    for r in [
        "Nominated person",
        "Carer",
        "Ask the person before contacting them",
    ] {
        assert!(rels.contains(r), "{r} in {rels}");
    }
    // Listed as "ask me first" in the plan: no phone, not an emergency contact.
    assert!(anns[0].get("telecom").is_none());
    assert!(!rels.contains("v2-0131"), "{rels}");
    let private = related
        .iter()
        .find(|r| r["name"][0]["text"] == "Private Person")
        .unwrap();
    assert!(!serde_json::to_string(&private["relationship"])
        .unwrap()
        .contains("v2-0131"));
    let mut names: Vec<String> = related
        .iter()
        .map(|r| r["name"][0]["text"].as_str().unwrap().to_lowercase())
        .collect();
    let n = names.len();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), n, "a RelatedPerson named twice: {names:?}");

    for kind in ["Practitioner", "Organization"] {
        let mut names: Vec<String> = resources(&b, kind)
            .iter()
            .map(|r| serde_json::to_string(&r["name"]).unwrap())
            .collect();
        let n = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), n, "{kind} named twice: {names:?}");
    }
    // Both departures' Provenances point at the one Practitioner.
    let whos: Vec<&Value> = resources(&b, "Provenance")
        .iter()
        .filter(|p| p["reason"].is_array())
        .map(|p| &p["agent"][0]["who"]["reference"])
        .collect();
    assert_eq!(whos.len(), 2);
    assert_eq!(whos[0], whos[1]);
}
