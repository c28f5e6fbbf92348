//! HL7 FHIR R4 (4.0.1) export: a Bundle of type `collection`, as JSON.
//!
//! # Why `collection` and hand-built JSON
//!
//! A `document` Bundle needs a Composition first and is meant to be
//! attested as a whole; `collection` is valid with plain entries and is
//! what a receiving system imports resource by resource. No crate on
//! crates.io is both R4 (not R4B or R5) and well kept: `fhir-model`
//! (fhir-sdk) has STU3, R4B and R5 only; `fhirbolt` has R4 but generates
//! every resource (a long build) and has not had a release since 2023. We
//! need eight resource types, so they are built with `serde_json::json!`
//! and checked against the R4 rules in `tests/export_fhir.rs`.
//!
//! # What is in the Bundle
//!
//! - one `Patient` (the owner: the statement's maker details, else the
//!   plan's owner);
//! - per crisis plan: a `DocumentReference` (type SNOMED CT 736253002 "Mental
//!   health crisis plan", category 734163000 "Care plan", as on the NHS
//!   National Record Locator), with the full plan PDF attached, and a
//!   `CarePlan` (intent `plan`) pointing at it, whose narrative is the plan;
//! - per advance statement: a `DocumentReference` (LOINC 42348-3 "Advance
//!   directives") with the PDF, and a `Consent` (scope `adr`, categories
//!   LOINC 59284-0 "Patient consent" and 42348-3) whose source is that
//!   DocumentReference and whose narrative is the statement;
//! - `RelatedPerson`s for the people named: help contacts, nominated person,
//!   people to consult, carers, attorneys, advocate, witness. `telecom` only
//!   for people the person agreed may be contacted (the narrative and PDF,
//!   the person's full document, show other numbers marked "ask me before
//!   contacting them");
//! - `Provenance` for each sign-off (author: the Patient; the witness as
//!   agent of type WIT), each clinician consultation review (a Practitioner
//!   as verifier, its Organization as `onBehalfOf`; the per-section responses
//!   and reasons in the narrative), each departure (the reason in
//!   `reason.text` and the narrative) and a revocation (when, as a date, and
//!   how; its witness as agent of type WIT);
//! - statuses as R4 means them: a revoked version's DocumentReference is
//!   `entered-in-error` (nothing replaces it, so not `superseded`), its
//!   Consent `inactive`, its CarePlan `revoked`; a superseded CarePlan is
//!   `completed` (no longer in effect, not withdrawn). The sign-off's
//!   Provenance keeps the time it was signed.
//!
//! People not to involve are in the PDF and narrative only: a RelatedPerson
//! would invite a receiving system to contact them.
//!
//! # R4 rules kept
//!
//! Required elements: DocumentReference.status, content.attachment;
//! CarePlan.status, intent, subject; Consent.status, scope, category,
//! policyRule (ppc-1: policy or policyRule), patient (ppc-4: scope `adr`
//! needs a patient); RelatedPerson.patient; Provenance.target, recorded,
//! agent.who. Attachments with data have a contentType (att-1). No element
//! is empty or null (ele-1): empty values are pruned. Every reference is a
//! `urn:uuid:` fullUrl of an entry in the Bundle; ids are fresh random UUID
//! v4s, so an export links nothing to the vault's own ids.

mod narrative;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use super::pdf::blocks::{clinician as clinician_text, date, has, section, yes_no, Blocks, BODY};
use super::{pdf, step, ExportDocument, ExportOptions};
use crate::crypto;
use crate::documents::{
    AdvanceStatement, AttorneyAuthority, Clinician, Contact, CrisisPlan, Departure, DocumentKind,
    ReviewResponse, SecondOpinion, VersionStatus,
};
use crate::error::{HavenError, Result};
use crate::i18n::Labels;
use crate::progress::Progress;

const SNOMED: &str = "http://snomed.info/sct";
const LOINC: &str = "http://loinc.org";
const CONSENT_SCOPE: &str = "http://terminology.hl7.org/CodeSystem/consentscope";
const V2_0131: &str = "http://terminology.hl7.org/CodeSystem/v2-0131";
const V3_ROLE: &str = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
const V3_PARTICIPATION: &str = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
const PROV_PARTICIPANT: &str = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
const V3_CONFIDENTIALITY: &str = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
const DOC_COMPLETION: &str = "http://terminology.hl7.org/CodeSystem/v3-DocumentCompletion";

/// An HL7 FHIR R4 Bundle (type `collection`) of `docs`, as JSON text, with
/// narratives and attached PDFs labelled in `options`' language and PDFs
/// drawn with its fonts. See the module documentation for what it holds.
///
/// `InvalidInput` if `docs` is empty or the language unknown; `Cancelled` if
/// `progress` asks to stop.
pub fn bundle(
    docs: &[ExportDocument],
    options: &ExportOptions,
    progress: &dyn Progress,
) -> Result<String> {
    let value = bundle_value(docs, options, progress)?;
    serde_json::to_string_pretty(&value).map_err(|_| HavenError::Internal {
        reason: "the fhir bundle did not serialise".into(),
    })
}

/// [`bundle`] as a JSON value.
pub fn bundle_value(
    docs: &[ExportDocument],
    options: &ExportOptions,
    progress: &dyn Progress,
) -> Result<Value> {
    if docs.is_empty() {
        return Err(HavenError::invalid(
            "choose at least one document to export",
        ));
    }
    step(progress, "fhir_patient", 0.0)?;
    let mut b = Builder {
        entries: Vec::new(),
        l: Labels::new(&options.language)?,
        options,
    };
    let patient = b.add(patient(docs))?;
    let n = docs.len() as f64;
    for (i, doc) in docs.iter().enumerate() {
        step(progress, "fhir_document", i as f64 / n)?;
        match doc.version.kind {
            DocumentKind::CrisisPlan => b.plan(doc, &patient, progress)?,
            DocumentKind::AdvanceStatement => b.statement(doc, &patient, progress)?,
        }
    }
    step(progress, "done", 1.0)?;
    let id = uuid()?;
    let entries: Vec<Value> = b
        .entries
        .into_iter()
        .map(|(url, resource)| json!({ "fullUrl": url, "resource": resource }))
        .collect();
    Ok(prune(json!({
        "resourceType": "Bundle",
        "identifier": { "system": "urn:ietf:rfc:3986", "value": format!("urn:uuid:{id}") },
        "type": "collection",
        "timestamp": instant(Utc::now()),
        "entry": entries,
    }))
    .unwrap_or(Value::Null))
}

/// A random UUID v4 (RFC 9562), from the system RNG the vault uses.
fn uuid() -> Result<String> {
    let mut b = [0u8; 16];
    crypto::keys::fill(&mut b)?;
    Ok(uuid::Builder::from_random_bytes(b).into_uuid().to_string())
}

/// A FHIR `instant` (and `dateTime`): UTC with seconds and `Z`.
fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// When a departure happened, as recorded: an instant if its time of day
/// was recorded, else the date alone (FHIR never invents a time).
fn departure_when(d: &Departure) -> String {
    if d.time_known {
        instant(d.occurred_at)
    } else {
        fdate(d.occurred_at.date_naive())
    }
}

/// A FHIR `date`.
fn fdate(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Removes nulls, empty strings, arrays and objects, recursively (ele-1:
/// every element has a value or children). `None` if nothing is left.
fn prune(v: Value) -> Option<Value> {
    match v {
        Value::Null => None,
        Value::String(s) if s.trim().is_empty() => None,
        Value::Array(a) => {
            let a: Vec<Value> = a.into_iter().filter_map(prune).collect();
            (!a.is_empty()).then_some(Value::Array(a))
        }
        Value::Object(o) => {
            let o: Map<String, Value> = o
                .into_iter()
                .filter_map(|(k, v)| prune(v).map(|v| (k, v)))
                .collect();
            (!o.is_empty()).then_some(Value::Object(o))
        }
        other => Some(other),
    }
}

fn coding(system: &str, code: &str, display: &str) -> Value {
    json!({ "system": system, "code": code, "display": display })
}

fn concept(system: &str, code: &str, display: &str) -> Value {
    json!({ "coding": [coding(system, code, display)], "text": display })
}

fn text_concept(text: &str) -> Value {
    json!({ "text": text.trim() })
}

fn reference(url: &str) -> Value {
    json!({ "reference": url })
}

fn human_name(text: &str) -> Value {
    json!([{ "text": text.trim() }])
}

fn telecom(c: &Contact) -> Value {
    if !c.may_contact {
        return Value::Null;
    }
    Value::Array(
        c.phones
            .iter()
            .filter(|p| has(&p.number))
            .map(|p| json!({ "system": "phone", "value": p.number.trim() }))
            .collect(),
    )
}

/// The Patient: from the first statement's maker details, else a plan owner.
fn patient(docs: &[ExportDocument]) -> Value {
    let statement = docs
        .iter()
        .find_map(|d| d.version.content.as_advance_statement());
    let owner = docs
        .iter()
        .filter_map(|d| d.version.content.as_crisis_plan())
        .map(|p| p.plan_details.owner.trim())
        .find(|o| !o.is_empty())
        .unwrap_or("");
    let mut p = json!({ "resourceType": "Patient" });
    match statement {
        Some(s) if has(&s.maker_details.full_name) => {
            let m = &s.maker_details;
            let mut names = vec![json!({ "use": "official", "text": m.full_name.trim() })];
            if has(&m.preferred_name) {
                names.push(json!({ "use": "usual", "text": m.preferred_name.trim() }));
            }
            p["name"] = Value::Array(names);
            if let Some(d) = m.date_of_birth {
                p["birthDate"] = json!(fdate(d));
            }
            if has(&m.health_number) {
                p["identifier"] = json!([{
                    "type": { "text": "Health number (NHS, CHI or other)" },
                    "value": m.health_number.trim(),
                }]);
            }
            if has(&m.address) {
                p["address"] = json!([{ "text": m.address.trim() }]);
            }
        }
        _ => {
            if !owner.is_empty() {
                p["name"] = human_name(owner);
            }
        }
    }
    p
}

/// Collects entries; every resource gets a fresh `urn:uuid:` fullUrl.
struct Builder<'o> {
    entries: Vec<(String, Value)>,
    /// Narrative labels.
    l: Labels,
    options: &'o ExportOptions,
}

impl Builder<'_> {
    /// Adds a resource (pruned of empty elements); returns its fullUrl.
    fn add(&mut self, mut resource: Value) -> Result<String> {
        let id = uuid()?;
        resource["id"] = json!(id);
        let resource = prune(resource).unwrap_or(Value::Null);
        let url = format!("urn:uuid:{id}");
        self.entries.push((url.clone(), resource));
        Ok(url)
    }

    /// A DocumentReference carrying the full PDF.
    fn document_reference(
        &mut self,
        doc: &ExportDocument,
        patient: &str,
        doc_type: Value,
        category: Value,
        title: &str,
        pdf: Vec<u8>,
    ) -> Result<String> {
        let v = &doc.version;
        let (status, doc_status) = match v.status {
            VersionStatus::Draft => ("current", "preliminary"),
            VersionStatus::Active => ("current", "final"),
            VersionStatus::Superseded => ("superseded", "final"),
            // Withdrawn, with nothing to replace it: R4 has no "revoked" here,
            // and "superseded" would send a reader looking for a successor.
            VersionStatus::Revoked => ("entered-in-error", "final"),
        };
        let sha1 = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, &pdf);
        let signed = v.sign_off.is_some();
        self.add(json!({
            "resourceType": "DocumentReference",
            "text": narrative::paragraph(&self.l.a(
                "fhir-docref",
                &[
                    ("title", title),
                    ("version", &v.number.to_string()),
                    ("status", &super::pdf::blocks::status_words(&self.l, v.status)),
                ],
            )),
            "status": status,
            "docStatus": doc_status,
            "type": doc_type,
            "category": [category],
            "subject": reference(patient),
            "date": instant(v.created_at),
            "author": [reference(patient)],
            "authenticator": if signed { reference(patient) } else { Value::Null },
            "description": format!("{title}, version {} ({})", v.number, v.status.as_str()),
            "securityLabel": [concept(V3_CONFIDENTIALITY, "R", "restricted")],
            "content": [{
                "attachment": {
                    "contentType": "application/pdf",
                    "language": self.l.code(),
                    "data": data_encoding::BASE64.encode(&pdf),
                    "size": pdf.len(),
                    "hash": data_encoding::BASE64.encode(sha1.as_ref()),
                    "title": format!("{title}, version {}", v.number),
                    "creation": instant(v.created_at),
                },
            }],
        }))
    }

    /// A RelatedPerson for a named contact; `None` if it has no name.
    fn related(
        &mut self,
        patient: &str,
        c: &Contact,
        role: Option<Value>,
    ) -> Result<Option<String>> {
        if !has(&c.name) {
            return Ok(None);
        }
        let mut relationship = Vec::new();
        if let Some(r) = role {
            relationship.push(r);
        }
        if has(&c.relationship) {
            relationship.push(text_concept(&c.relationship));
        }
        self.add(json!({
            "resourceType": "RelatedPerson",
            "active": true,
            "patient": reference(patient),
            "relationship": relationship,
            "name": human_name(&c.name),
            "telecom": telecom(c),
        }))
        .map(Some)
    }

    fn practitioner(&mut self, c: &Clinician) -> Result<(String, Option<String>)> {
        let who = self.add(json!({
            "resourceType": "Practitioner",
            "name": human_name(&c.name),
        }))?;
        let org = if has(&c.organisation) {
            Some(self.add(json!({
                "resourceType": "Organization",
                "name": c.organisation.trim(),
            }))?)
        } else {
            None
        };
        Ok((who, org))
    }

    /// A Provenance of a departure from a wish: who decided, the legal
    /// authority, any second opinion (its giver as a verifier), who was
    /// told. When it happened is a date unless its time was recorded.
    fn departure(&mut self, d: &Departure, targets: &[&str]) -> Result<()> {
        let (who, org) = self.practitioner(&d.clinician)?;
        let l = &self.l;
        let wish = if has(&d.wish) {
            d.wish.trim().to_string()
        } else {
            l.t("fhir-not-stated")
        };
        let mut what = l.a(
            "fhir-departure",
            &[
                ("section", &section(l, d.section)),
                ("date", &departure_when(d)),
                ("clinician", &clinician_text(&d.clinician)),
                ("wish", &wish),
                ("reason", d.reason.trim()),
                ("told", &yes_no(l, d.person_told)),
            ],
        );
        if has(&d.legal_authority) {
            what.push(' ');
            what.push_str(&l.a(
                "fhir-departure-authority",
                &[("authority", d.legal_authority.trim())],
            ));
        }
        match &d.second_opinion {
            SecondOpinion::NotRecorded => {}
            SecondOpinion::NotObtained => {
                what.push(' ');
                what.push_str(&l.t("fhir-departure-no-second-opinion"));
            }
            SecondOpinion::Obtained { by } => {
                what.push(' ');
                what.push_str(&l.a(
                    "fhir-departure-second-opinion",
                    &[("clinician", &clinician_text(by))],
                ));
            }
        }
        if !d.others_told.is_empty() {
            let others: Vec<&str> = d.others_told.iter().map(|o| o.trim()).collect();
            what.push(' ');
            what.push_str(&l.a("fhir-departure-also-told", &[("who", &others.join("; "))]));
        }
        if d.missing_second_opinion() {
            what.push(' ');
            what.push_str(&l.t("log-no-second-opinion-s57a"));
        }
        let mut agents = vec![json!({
            "type": concept(PROV_PARTICIPANT, "performer", "Performer"),
            "role": [text_concept(&d.clinician.role)],
            "who": reference(&who),
            "onBehalfOf": org.as_deref().map(reference),
        })];
        if let SecondOpinion::Obtained { by } = &d.second_opinion {
            let (second, second_org) = self.practitioner(by)?;
            agents.push(json!({
                "type": concept(PROV_PARTICIPANT, "verifier", "Verifier"),
                "role": [text_concept(&self.l.a(
                    "fhir-second-opinion-role",
                    &[("role", by.role.trim())],
                ))],
                "who": reference(&second),
                "onBehalfOf": second_org.as_deref().map(reference),
            }));
        }
        let mut reasons = vec![text_concept(&d.reason)];
        if has(&d.legal_authority) {
            reasons.push(text_concept(&format!(
                "Legal authority: {}",
                d.legal_authority.trim()
            )));
        }
        self.add(json!({
            "resourceType": "Provenance",
            "text": narrative::paragraph(&what),
            "target": targets.iter().map(|t| reference(t)).collect::<Vec<_>>(),
            "occurredDateTime": departure_when(d),
            "recorded": instant(d.recorded_at),
            "reason": reasons,
            "activity": text_concept("Departure from the person's stated wishes"),
            "agent": agents,
        }))?;
        Ok(())
    }

    /// A Provenance of the maker's sign-off (and witness).
    fn sign_off(&mut self, doc: &ExportDocument, patient: &str, targets: &[&str]) -> Result<()> {
        let Some(so) = &doc.version.sign_off else {
            return Ok(());
        };
        let mut agents = vec![json!({
            "type": concept(PROV_PARTICIPANT, "author", "Author"),
            "who": reference(patient),
        })];
        if let Some(w) = &so.witness {
            let witness = Contact {
                name: w.name.clone(),
                relationship: w.role.clone(),
                ..Default::default()
            };
            if let Some(url) = self.related(patient, &witness, Some(text_concept("Witness")))? {
                agents.push(json!({
                    "type": concept(V3_PARTICIPATION, "WIT", "witness"),
                    "who": reference(&url),
                }));
            }
        }
        let l = &self.l;
        let mut text = l.a(
            "fhir-signed",
            &[
                ("name", so.maker_name.trim()),
                ("date", &date(l, so.signed_on)),
                ("capacity", &yes_no(l, so.confirms_capacity)),
            ],
        );
        if let Some(w) = &so.witness {
            let on = w
                .signed_on
                .map(|d| l.a("fhir-on-date", &[("date", &date(l, d))]))
                .unwrap_or_default();
            text.push(' ');
            text.push_str(&l.a(
                "fhir-witnessed",
                &[
                    ("name", w.name.trim()),
                    ("on", &on),
                    ("understood", &yes_no(l, w.confirms_understanding)),
                    ("influence", &yes_no(l, w.confirms_no_undue_influence)),
                ],
            ));
            if !w.attested_by_witness {
                text.push(' ');
                text.push_str(&l.a("so-electronic-witness-by-maker", &[("name", w.name.trim())]));
            }
        }
        // When it was signed: a later supersession or revocation changes the
        // status, not when the sign-off was recorded.
        let recorded = doc
            .signed_at
            .or(doc.status_changed_at)
            .unwrap_or(doc.version.created_at);
        self.add(json!({
            "resourceType": "Provenance",
            "text": narrative::paragraph(&text),
            "target": targets.iter().map(|t| reference(t)).collect::<Vec<_>>(),
            "occurredDateTime": fdate(so.signed_on),
            "recorded": instant(recorded),
            "activity": concept(DOC_COMPLETION, "LA", "legally authenticated"),
            "agent": agents,
        }))?;
        Ok(())
    }

    /// A Provenance of the person's withdrawal of a revoked version: when
    /// (a date: no time of day was recorded), how, and its witness.
    fn revocation(&mut self, doc: &ExportDocument, patient: &str, targets: &[&str]) -> Result<()> {
        if doc.version.status != VersionStatus::Revoked {
            return Ok(());
        }
        let recorded = doc
            .revoked_at
            .or(doc.status_changed_at)
            .unwrap_or(doc.version.created_at);
        let mut agents = vec![json!({
            "type": concept(PROV_PARTICIPANT, "author", "Author"),
            "who": reference(patient),
        })];
        let Some(r) = &doc.revocation else {
            // Revoked before revocations were recorded: only when the app
            // saw it, never a date the person did not give.
            self.add(json!({
                "resourceType": "Provenance",
                "target": targets.iter().map(|t| reference(t)).collect::<Vec<_>>(),
                "recorded": instant(recorded),
                "activity": text_concept("Revoked by the person"),
                "agent": agents,
            }))?;
            return Ok(());
        };
        if let Some(w) = &r.witness {
            let witness = Contact {
                name: w.name.clone(),
                relationship: w.role.clone(),
                ..Default::default()
            };
            if let Some(url) = self.related(patient, &witness, Some(text_concept("Witness")))? {
                agents.push(json!({
                    "type": concept(V3_PARTICIPATION, "WIT", "witness"),
                    "who": reference(&url),
                }));
            }
        }
        let l = &self.l;
        let mut text = l.a(
            "fhir-revoked",
            &[
                ("date", &date(l, r.revoked_on)),
                ("how", &l.t(pdf::revocation_method(r.how))),
            ],
        );
        if let Some(w) = &r.witness {
            let on = w
                .signed_on
                .map(|d| l.a("fhir-on-date", &[("date", &date(l, d))]))
                .unwrap_or_default();
            text.push(' ');
            text.push_str(&l.a(
                "fhir-revocation-witnessed",
                &[
                    ("name", &super::pdf::blocks::name_rel(&w.name, &w.role)),
                    ("on", &on),
                ],
            ));
        }
        if has(&r.notes) {
            text.push(' ');
            text.push_str(&l.a("fhir-revocation-notes", &[("notes", r.notes.trim())]));
        }
        self.add(json!({
            "resourceType": "Provenance",
            "text": narrative::paragraph(&text),
            "target": targets.iter().map(|t| reference(t)).collect::<Vec<_>>(),
            "occurredDateTime": fdate(r.revoked_on),
            "recorded": instant(recorded),
            "activity": text_concept("Revoked by the person"),
            "agent": agents,
        }))?;
        Ok(())
    }

    fn plan(&mut self, doc: &ExportDocument, patient: &str, progress: &dyn Progress) -> Result<()> {
        let plan: &CrisisPlan = doc
            .version
            .content
            .as_crisis_plan()
            .ok_or_else(|| HavenError::invalid("not a crisis plan"))?;
        let pdf = pdf::crisis_plan(doc, self.options, progress)?;
        let title = self.l.t("title-crisis-plan");
        let docref = self.document_reference(
            doc,
            patient,
            concept(SNOMED, "736253002", "Mental health crisis plan"),
            concept(SNOMED, "734163000", "Care plan"),
            &title,
            pdf.bytes,
        )?;
        for c in &plan.help_contacts {
            let role = concept(V2_0131, "C", "Emergency Contact");
            self.related(patient, c, Some(role))?;
        }
        let status = match doc.version.status {
            VersionStatus::Draft => "draft",
            VersionStatus::Active => "active",
            // Replaced by a later version: no longer in effect, not withdrawn.
            VersionStatus::Superseded => "completed",
            VersionStatus::Revoked => "revoked",
        };
        let blocks = pdf::plan_blocks(doc, plan, &self.l);
        let careplan = self.add(json!({
            "resourceType": "CarePlan",
            "text": narrative::from_blocks(&blocks),
            "status": status,
            "intent": "plan",
            "category": [concept(SNOMED, "736253002", "Mental health crisis plan")],
            "title": "Crisis plan",
            "description": format!(
                "Crisis plan, version {}, in the person's own words (see the narrative and the attached PDF).",
                doc.version.number
            ),
            "subject": reference(patient),
            "created": instant(doc.version.created_at),
            "author": reference(patient),
            "contributor": [reference(patient)],
            "supportingInfo": [reference(&docref)],
        }))?;
        self.sign_off(doc, patient, &[&careplan, &docref])?;
        self.revocation(doc, patient, &[&careplan, &docref])?;
        for d in &doc.departures {
            self.departure(d, &[&careplan, &docref])?;
        }
        Ok(())
    }

    fn statement(
        &mut self,
        doc: &ExportDocument,
        patient: &str,
        progress: &dyn Progress,
    ) -> Result<()> {
        let s: &AdvanceStatement = doc
            .version
            .content
            .as_advance_statement()
            .ok_or_else(|| HavenError::invalid("not an advance statement"))?;
        let pdf = pdf::advance_statement(doc, self.options, progress)?;
        let directives = concept(LOINC, "42348-3", "Advance directives");
        let title = self.l.t("title-advance-statement");
        let docref = self.document_reference(
            doc,
            patient,
            directives.clone(),
            directives.clone(),
            &title,
            pdf.bytes,
        )?;
        self.people(s, patient)?;
        let status = match doc.version.status {
            VersionStatus::Draft => "draft",
            VersionStatus::Active => "active",
            VersionStatus::Superseded | VersionStatus::Revoked => "inactive",
        };
        let when = doc
            .version
            .sign_off
            .as_ref()
            .map(|so| fdate(so.signed_on))
            .unwrap_or_else(|| instant(doc.version.created_at));
        let blocks = pdf::statement_blocks(doc, s, &self.l);
        let consent = self.add(json!({
            "resourceType": "Consent",
            "text": narrative::from_blocks(&blocks),
            "status": status,
            "scope": concept(CONSENT_SCOPE, "adr", "Advanced Care Directive"),
            "category": [
                concept(LOINC, "59284-0", "Patient Consent"),
                directives,
            ],
            "patient": reference(patient),
            "dateTime": when,
            "performer": [reference(patient)],
            "sourceReference": reference(&docref),
            "policyRule": text_concept(
                "Advance statement of wishes and preferences about care and treatment \
                 (England and Wales: Mental Health Act 1983 as amended 2025, Mental Capacity \
                 Act 2005; Scotland: Mental Health (Care and Treatment) (Scotland) Act 2003 s.275-276)"
            ),
        }))?;
        self.sign_off(doc, patient, &[&consent, &docref])?;
        self.revocation(doc, patient, &[&consent, &docref])?;
        for r in &doc.reviews {
            let (who, org) = self.practitioner(&r.clinician)?;
            let l = &self.l;
            let mut b = Blocks::new(BODY, l);
            b.para(vec![super::pdf::blocks::reg(
                l.a(
                    "fhir-review",
                    &[
                        ("date", &date(l, r.reviewed_on)),
                        ("clinician", &clinician_text(&r.clinician)),
                    ],
                ),
                BODY,
            )]);
            for sr in &r.responses {
                let response = l.t(match sr.response {
                    ReviewResponse::Agreed => "fhir-response-agreed",
                    ReviewResponse::Noted => "fhir-response-noted",
                    ReviewResponse::CannotFollow => "fhir-response-cannot-follow",
                });
                let mut line = l.a(
                    "fhir-review-line",
                    &[
                        ("section", &section(l, sr.section)),
                        ("response", &response),
                    ],
                );
                if has(&sr.reason) {
                    line.push(' ');
                    line.push_str(&l.a("fhir-review-reason", &[("reason", sr.reason.trim())]));
                }
                line.push(' ');
                line.push_str(&l.a("fhir-review-told", &[("told", &yes_no(l, sr.person_told))]));
                b.bullet_text(&line);
            }
            b.field(&l.t("log-notes"), &r.notes);
            let text = narrative::from_blocks(&b);
            self.add(json!({
                "resourceType": "Provenance",
                "text": text,
                "target": [reference(&consent), reference(&docref)],
                "occurredDateTime": fdate(r.reviewed_on),
                "recorded": instant(r.recorded_at),
                "activity": text_concept("Clinician consultation review of an advance statement"),
                "agent": [{
                    "type": concept(PROV_PARTICIPANT, "verifier", "Verifier"),
                    "role": [text_concept(&r.clinician.role)],
                    "who": reference(&who),
                    "onBehalfOf": org.as_deref().map(reference),
                }],
            }))?;
        }
        for d in &doc.departures {
            self.departure(d, &[&consent, &docref])?;
        }
        Ok(())
    }

    /// RelatedPersons for everyone the statement names (not the excluded).
    fn people(&mut self, s: &AdvanceStatement, patient: &str) -> Result<()> {
        let p = &s.people;
        if let Some(np) = &p.nominated_person {
            self.related(patient, np, Some(text_concept("Nominated person")))?;
        }
        for c in &p.people_to_consult {
            self.related(patient, c, Some(text_concept("Person to consult")))?;
        }
        for c in &p.carers {
            self.related(patient, c, Some(text_concept("Carer")))?;
        }
        for a in &p.attorneys {
            let role = match a.authority {
                AttorneyAuthority::HealthAndWelfareLpa => {
                    concept(V3_ROLE, "HPOWATT", "healthcare power of attorney")
                }
                AttorneyAuthority::PropertyAndFinancialLpa => {
                    concept(V3_ROLE, "POWATT", "power of attorney")
                }
                AttorneyAuthority::Deputy => concept(V3_ROLE, "GUARD", "guardian"),
                AttorneyAuthority::Other => text_concept("Attorney or deputy"),
            };
            self.related(patient, &a.person, Some(role))?;
        }
        if let Some(adv) = &p.advocate {
            self.related(patient, adv, Some(text_concept("Advocate")))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4() {
        let u = uuid().unwrap();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(u, uuid().unwrap());
    }

    #[test]
    fn prune_removes_empty_elements() {
        let v = json!({ "a": "", "b": [], "c": {}, "d": null, "e": [{ "f": " " }], "g": 1 });
        assert_eq!(prune(v), Some(json!({ "g": 1 })));
    }
}
