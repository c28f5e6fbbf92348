//! Fixtures shared by the export tests: documents with every section filled
//! with unique markers (so a test can check each one reached the export),
//! people with non-Latin names, and a signed, reviewed statement in a vault.
//! Builds on `common` (declare `mod common;` beside `mod doc_fixtures;`).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::{NaiveDate, Utc};
use haven_core::documents::*;
use haven_core::export::ExportDocument;
use haven_core::Vault;

/// Names that must survive export exactly (Latin with diacritics,
/// Vietnamese stacked marks, Polish, Greek, Cyrillic).
pub const ZOE: &str = "Zoë Ångström-Nguyễn";
pub const LUKASZ: &str = "Łukasz Żółć";
pub const GREEK: &str = "Ελένη Παπαδοπούλου";
pub const CYRILLIC: &str = "Юлия Соколова";

/// A fresh vault (`common::new_vault`) without its recovery key.
pub fn vault() -> (tempfile::TempDir, Vault) {
    let (dir, v, _) = crate::common::new_vault();
    (dir, v)
}

/// Hands out unique marker strings and remembers them.
#[derive(Default)]
pub struct Markers(Vec<String>);

impl Markers {
    /// Every marker handed out so far.
    pub fn all(&self) -> &[String] {
        &self.0
    }
    pub fn m(&mut self, what: &str) -> String {
        let s = format!("QZXMARK{}{}", what.replace(['_', ' '], ""), self.0.len());
        self.0.push(s.clone());
        s
    }
    pub fn contact(&mut self, what: &str) -> Contact {
        Contact {
            name: self.m(&format!("{what}name")),
            relationship: self.m(&format!("{what}rel")),
            phones: vec![PhoneNumber {
                label: self.m(&format!("{what}label")),
                number: self.m(&format!("{what}phone")),
            }],
            notes: self.m(&format!("{what}notes")),
            may_contact: true,
        }
    }
    pub fn excluded(&mut self, what: &str) -> ExcludedPerson {
        ExcludedPerson {
            name: self.m(&format!("{what}name")),
            relationship: self.m(&format!("{what}rel")),
            must_not_contact: true,
            must_not_visit: true,
            notes: self.m(&format!("{what}notes")),
        }
    }
    pub fn practical(&mut self, what: &str) -> PracticalArrangements {
        PracticalArrangements {
            children_and_dependants: self.m(&format!("{what}children")),
            pets: self.m(&format!("{what}pets")),
            home: self.m(&format!("{what}home")),
            bills: self.m(&format!("{what}bills")),
            benefits: self.m(&format!("{what}benefits")),
            work: self.m(&format!("{what}work")),
            other: self.m(&format!("{what}other")),
        }
    }
}

pub fn full_plan(k: &mut Markers) -> CrisisPlan {
    let mut lines = CrisisLine::defaults_for(Region::Uk);
    lines.push(CrisisLine {
        name: k.m("linename"),
        number: k.m("linenumber"),
        channel: Channel::CallOrText,
        text_message: k.m("linetext"),
        hours: k.m("linehours"),
        notes: k.m("linenotes"),
    });
    CrisisPlan {
        plan_details: PlanDetails {
            owner: k.m("owner"),
            co_authors: vec![CoAuthor {
                name: k.m("coauthor"),
                role: k.m("coauthorrole"),
            }],
        },
        when_well: k.m("whenwell"),
        triggers: vec![k.m("trigger1"), k.m("trigger2")],
        warning_signs: vec![
            WarningSign::new(&k.m("sign1")),
            WarningSign::new(&k.m("sign2")),
        ],
        others_take_over: vec![k.m("takeover")],
        coping_strategies: vec![k.m("coping")],
        distractions: Distractions {
            people: vec![k.contact("distractperson")],
            places: vec![k.m("place")],
        },
        help_contacts: vec![k.contact("help")],
        do_not_involve: vec![k.excluded("donotinvolve")],
        professionals: vec![Professional {
            name: k.m("proname"),
            role: k.m("prorole"),
            organisation: k.m("proorg"),
            phones: vec![PhoneNumber {
                label: k.m("prolabel"),
                number: k.m("prophone"),
            }],
            hours: k.m("prohours"),
            notes: k.m("pronotes"),
        }],
        crisis_lines: lines,
        safe_environment: vec![k.m("safe")],
        reasons_for_living: vec![k.m("reason")],
        distress_support: DistressSupport {
            helps: vec![k.m("helps")],
            does_not_help: vec![k.m("nothelp")],
            how_to_approach_me: k.m("approach"),
        },
        crisis_treatment: CrisisTreatment {
            preferred_setting: CareSetting::HomeTreatment,
            places_to_avoid: vec![k.m("avoidplace")],
            notes: k.m("treatnotes"),
        },
        practical_arrangements: k.practical("plan"),
        after_crisis: AfterCrisis {
            recovery_looks_like: k.m("recovery"),
            signs_plan_not_needed: vec![k.m("notneeded")],
        },
    }
}

pub fn full_statement(k: &mut Markers) -> AdvanceStatement {
    AdvanceStatement {
        maker_details: MakerDetails {
            full_name: k.m("fullname"),
            preferred_name: k.m("preferred"),
            pronouns: k.m("pronouns"),
            date_of_birth: NaiveDate::from_ymd_opt(1980, 2, 29),
            health_number: k.m("nhsnumber"),
            address: k.m("address"),
            jurisdiction: Jurisdiction::EnglandAndWales,
        },
        about_me: AboutMe {
            life_experiences: k.m("life"),
            trauma: k.m("trauma"),
            what_my_distress_means: k.m("distress"),
            other: k.m("aboutother"),
        },
        values_and_wishes: ValuesAndWishes {
            values: k.m("values"),
            beliefs: k.m("beliefs"),
            wishes: k.m("wishes"),
            feelings: k.m("feelings"),
        },
        treatment_requests: TreatmentRequests {
            what_has_worked: vec![k.m("worked")],
            preferred_medications: vec![MedicationPreference {
                medication: k.m("med"),
                notes: k.m("mednotes"),
            }],
            other_requests: vec![k.m("request")],
        },
        treatment_refusals: vec![
            TreatmentRefusal {
                treatment: k.m("refusedtreatment"),
                circumstances: k.m("circumstances"),
                reason: k.m("refusalreason"),
                life_sustaining: false,
                life_at_risk_statement: String::new(),
            },
            TreatmentRefusal {
                treatment: k.m("adrttreatment"),
                circumstances: k.m("adrtcircumstances"),
                reason: k.m("adrtreason"),
                life_sustaining: true,
                life_at_risk_statement: format!(
                    "I refuse this even if my life is at risk {}",
                    k.m("adrtstatement")
                ),
            },
        ],
        restrictive_interventions: RestrictiveInterventions {
            try_first: vec![k.m("tryfirst")],
            de_escalation: vec![k.m("deescalation")],
            restraint: k.m("restraint"),
            seclusion: k.m("seclusion"),
            rapid_tranquillisation: k.m("rapidtranq"),
            personal_care_staff_gender: k.m("gender"),
        },
        hospital_preferences: HospitalPreferences {
            preferred: vec![k.m("hospital")],
            avoid: vec![k.m("avoidward")],
            notes: k.m("hospitalnotes"),
        },
        people: StatementPeople {
            nominated_person: Some(k.contact("nominated")),
            people_to_consult: vec![k.contact("consult")],
            carers: vec![k.contact("carer")],
            attorneys: vec![Attorney {
                person: k.contact("attorney"),
                authority: AttorneyAuthority::HealthAndWelfareLpa,
            }],
            advocate: Some(k.contact("advocate")),
            excluded: vec![k.excluded("mustnot")],
        },
        information_sharing: vec![SharingConsent {
            who: k.m("sharewho"),
            may_see: vec![k.m("maysee")],
            may_not_see: vec![k.m("maynotsee")],
            notes: k.m("sharenotes"),
        }],
        dependants_and_home: k.practical("statement"),
        physical_health: PhysicalHealth {
            conditions: vec![k.m("condition")],
            disabilities: vec![k.m("disability")],
            allergies: vec![Allergy {
                substance: k.m("allergen"),
                reaction: k.m("reaction"),
            }],
            medications: vec![k.m("physmed")],
            notes: k.m("physnotes"),
        },
        communication: Communication {
            language: k.m("language"),
            interpreter_needed: true,
            easy_read: true,
            other_needs: k.m("commneeds"),
            how_to_talk_with_me: k.m("talk"),
        },
        culture_and_faith: CultureAndFaith {
            culture: k.m("culture"),
            religion_or_spirituality: k.m("faith"),
            diet: k.m("diet"),
            notes: k.m("culturenotes"),
        },
        distribution: Distribution {
            copies: vec![DistributionEntry {
                name: k.m("copyholder"),
                role_or_organisation: k.m("copyrole"),
                given_on: NaiveDate::from_ymd_opt(2025, 1, 2),
            }],
            notes: k.m("distnotes"),
        },
    }
}

pub fn sign_off(k: &mut Markers, witness: bool) -> SignOff {
    SignOff {
        maker_name: k.m("makersig"),
        signed_on: Utc::now().date_naive(),
        confirms_capacity: true,
        capacity_statement: k.m("capacity"),
        support_used: k.m("support"),
        witness: witness.then(|| Witness {
            name: k.m("witnessname"),
            role: k.m("witnessrole"),
            signed_on: Some(Utc::now().date_naive()),
            confirms_understanding: true,
            confirms_no_undue_influence: true,
            statement: k.m("witnessstatement"),
            attested_by_witness: true,
        }),
    }
}

/// Signs as the app does: the witness named in `so` (if any) first records
/// their own attestation of the version (`witness_version`), then the maker
/// signs without it. Either step's error is returned.
pub fn sign_as_app(
    v: &Vault,
    doc: &str,
    hash: &str,
    mut so: SignOff,
) -> haven_core::Result<DocumentVersion> {
    if let Some(w) = so.witness.take() {
        v.witness_version(doc, hash, w)?;
    }
    v.sign_version(doc, hash, so)
}

pub fn clinician(k: &mut Markers) -> Clinician {
    Clinician {
        name: k.m("clinname"),
        role: k.m("clinrole"),
        organisation: k.m("clinorg"),
    }
}

pub fn review(k: &mut Markers) -> NewConsultationReview {
    NewConsultationReview {
        clinician: clinician(k),
        reviewed_on: Utc::now().date_naive(),
        responses: vec![
            SectionResponse {
                section: Section::TreatmentRequests,
                response: ReviewResponse::Agreed,
                reason: String::new(),
                person_told: true,
            },
            SectionResponse {
                section: Section::RestrictiveInterventions,
                response: ReviewResponse::CannotFollow,
                reason: k.m("cannotfollowreason"),
                person_told: true,
            },
            SectionResponse {
                section: Section::HospitalPreferences,
                response: ReviewResponse::Noted,
                reason: String::new(),
                person_told: false,
            },
        ],
        notes: k.m("reviewnotes"),
    }
}
pub fn departure(k: &mut Markers) -> NewDeparture {
    NewDeparture {
        section: Section::RestrictiveInterventions,
        wish: k.m("departedwish"),
        clinician: clinician(k),
        // Today: a departure cannot predate the version (issue 11).
        occurred_at: Utc::now(),
        time_known: true,
        reason: k.m("departurereason"),
        person_told: false,
        legal_authority: k.m("authority"),
        second_opinion: SecondOpinion::Obtained {
            by: Clinician {
                name: k.m("secondopinion"),
                role: k.m("secondopinionrole"),
                organisation: String::new(),
            },
        },
        others_told: vec![k.m("alsotold")],
    }
}

/// A plan owned by someone with a non-Latin name, whose contacts have
/// non-Latin names; one contact may not be contacted.
pub fn unicode_plan() -> CrisisPlan {
    let mut plan = CrisisPlan::new_for_region(Region::Uk);
    plan.plan_details.owner = ZOE.into();
    plan.help_contacts = vec![
        Contact::new(LUKASZ, "brat", "+48 600 100 200"),
        Contact::new(GREEK, "αδελφή", "+30 690 000 0000"),
        Contact::new(CYRILLIC, "подруга", "+7 900 000-00-00"),
        Contact {
            may_contact: false,
            ..Contact::new("Private Person", "ex-partner", "07000 999999")
        },
    ];
    plan.distress_support.helps = vec![
        "A quiet room and a cup of tea".into(),
        "Μουσική, music".into(),
    ];
    plan.distress_support.how_to_approach_me = "Slowly, and tell me who you are.".into();
    plan
}

/// A plan whose sections are long enough to fill several A4 pages.
pub fn long_plan() -> CrisisPlan {
    let mut plan = unicode_plan();
    let para = "When I am well I walk by the canal every morning, I cook for my \
                flatmates and I volunteer at the library on Thursdays. ";
    plan.when_well = format!("{}LONGSTART {}LONGEND", para.repeat(30), para.repeat(30));
    plan.coping_strategies = (0..80)
        .map(|i| {
            format!("Coping strategy number {i}: breathe in for four, hold for four, out for six.")
        })
        .collect();
    plan
}

/// A card-busting plan: far more contacts and helps than one card holds.
pub fn overfull_plan() -> CrisisPlan {
    let mut plan = unicode_plan();
    for i in 0..40 {
        plan.help_contacts.push(Contact::new(
            &format!("Friend {i}"),
            "friend",
            "07000 000000",
        ));
        plan.distress_support.helps.push(format!(
            "Helpful thing number {i}, which takes a few words to say"
        ));
    }
    plan
}

/// A full statement (every section, Zoë as maker), signed with a witness,
/// with a consultation review and a departure, gathered for export.
pub fn reviewed_statement(v: &Vault, k: &mut Markers) -> ExportDocument {
    let mut s = full_statement(k);
    s.maker_details.full_name = format!("{ZOE} {}", s.maker_details.full_name);
    s.people
        .carers
        .push(Contact::new(GREEK, "sister", "+30 690 000 0001"));
    let v1 = v.create_document(s.into()).unwrap();
    let doc = v1.document_id.clone();
    let mut so = sign_off(k, true);
    so.maker_name = format!("{ZOE} {}", so.maker_name);
    sign_as_app(v, &doc, &v1.hash, so).unwrap();
    v.add_consultation_review(&doc, &v1.hash, review(k))
        .unwrap();
    v.record_departure(&doc, &v1.hash, departure(k)).unwrap();
    v.export_document(&doc, &v1.hash).unwrap()
}

/// A full plan (every section) saved as a draft, gathered for export.
pub fn saved_plan(v: &Vault, plan: CrisisPlan) -> ExportDocument {
    let v1 = v.create_document(plan.into()).unwrap();
    v.export_document(&v1.document_id, &v1.hash).unwrap()
}

/// A withdrawal today, in the app, unwitnessed.
pub fn revocation() -> Revocation {
    Revocation {
        revoked_on: Utc::now().date_naive(),
        how: RevocationMethod::InApp,
        notes: String::new(),
        witness: None,
    }
}
