//! The full advance statement: every non-empty section, then the sign-off,
//! the witness, the clinician response log (consultation reviews with a
//! response and reason per section) and departures.

use super::blocks::{bold, clinician, date, has, reg, yes_no, Blocks};
use super::plan::practical;
use crate::documents::{
    AdvanceStatement, AttorneyAuthority, ConsultationReview, Departure, ReviewResponse,
    SecondOpinion, Section, SignOff,
};

/// The blocks of every non-empty section of `s`.
pub(crate) fn sections(s: &AdvanceStatement, b: &mut Blocks) {
    let m = &s.maker_details;
    b.section(Section::MakerDetails.label());
    b.field("Full name", &m.full_name);
    b.field("Preferred name", &m.preferred_name);
    b.field("Pronouns", &m.pronouns);
    if let Some(d) = m.date_of_birth {
        b.field("Date of birth", &date(d));
    }
    b.field("Health number", &m.health_number);
    b.field("Address", &m.address);

    let a = &s.about_me;
    b.section(Section::AboutMe.label());
    b.long_field(
        "Life experiences that matter for my care",
        &a.life_experiences,
    );
    b.long_field("Trauma, and what re-traumatises me", &a.trauma);
    b.long_field("What my distress means", &a.what_my_distress_means);
    b.long_field("Anything else", &a.other);

    let v = &s.values_and_wishes;
    b.section(Section::ValuesAndWishes.label());
    b.long_field("Values", &v.values);
    b.long_field("Beliefs", &v.beliefs);
    b.long_field("Wishes", &v.wishes);
    b.long_field("Feelings", &v.feelings);

    let t = &s.treatment_requests;
    b.section(Section::TreatmentRequests.label());
    b.list(Some("What has worked before"), &t.what_has_worked);
    if t.preferred_medications.iter().any(|p| has(&p.medication)) {
        b.sub("Preferred medication");
        for p in &t.preferred_medications {
            if has(&p.medication) {
                let mut spans = vec![bold(p.medication.trim(), b.body)];
                if has(&p.notes) {
                    spans.push(reg(format!(" — {}", p.notes.trim()), b.body));
                }
                b.bullet(spans);
            }
        }
    }
    b.list(Some("Other requests"), &t.other_requests);

    b.section(Section::TreatmentRefusals.label());
    for r in &s.treatment_refusals {
        if !has(&r.treatment) {
            continue;
        }
        b.sub(&format!("I refuse: {}", r.treatment.trim()));
        b.field("In these circumstances", &r.circumstances);
        b.field("Why", &r.reason);
        if r.life_sustaining {
            b.field(
                "Life-sustaining treatment",
                "yes: this refusal is made under the Mental Capacity Act 2005 (s.25)",
            );
            b.field("My statement", &r.life_at_risk_statement);
        }
    }

    let ri = &s.restrictive_interventions;
    b.section(Section::RestrictiveInterventions.label());
    b.list(Some("Please try these first"), &ri.try_first);
    b.list(Some("De-escalation that works for me"), &ri.de_escalation);
    b.long_field("Restraint", &ri.restraint);
    b.long_field("Seclusion", &ri.seclusion);
    b.long_field("Rapid tranquillisation", &ri.rapid_tranquillisation);
    b.long_field("Staff for personal care", &ri.personal_care_staff_gender);

    let h = &s.hospital_preferences;
    b.section(Section::HospitalPreferences.label());
    b.list(Some("Preferred hospitals or wards"), &h.preferred);
    b.list(Some("Places to avoid"), &h.avoid);
    b.text(&h.notes);

    let p = &s.people;
    b.section(Section::People.label());
    if let Some(np) = &p.nominated_person {
        b.sub("My nominated person");
        b.contact(np);
    }
    if !p.people_to_consult.is_empty() {
        b.sub("People to consult");
        for c in &p.people_to_consult {
            b.contact(c);
        }
    }
    if !p.carers.is_empty() {
        b.sub("Carers");
        for c in &p.carers {
            b.contact(c);
        }
    }
    if !p.attorneys.is_empty() {
        b.sub("Attorneys and deputies");
        for at in &p.attorneys {
            b.contact(&at.person);
            b.para(vec![reg(
                format!("Authority: {}", authority(at.authority)),
                b.body,
            )]);
        }
    }
    if let Some(adv) = &p.advocate {
        b.sub("My advocate");
        b.contact(adv);
    }
    if !p.excluded.is_empty() {
        b.sub("People who must not be contacted or visit");
        for x in &p.excluded {
            b.excluded(x);
        }
    }

    b.section(Section::InformationSharing.label());
    for c in &s.information_sharing {
        if !has(&c.who) {
            continue;
        }
        b.sub(c.who.trim());
        let may = super::blocks::items(&c.may_see).join("; ");
        let may_not = super::blocks::items(&c.may_not_see).join("; ");
        b.field("May see", &may);
        b.field("May not see", &may_not);
        b.text(&c.notes);
    }

    b.section(Section::DependantsAndHome.label());
    practical(b, &s.dependants_and_home);

    let ph = &s.physical_health;
    b.section(Section::PhysicalHealth.label());
    b.list(Some("Conditions"), &ph.conditions);
    b.list(Some("Disabilities and access needs"), &ph.disabilities);
    if ph.allergies.iter().any(|a| has(&a.substance)) {
        b.sub("Allergies");
        for a in &ph.allergies {
            if has(&a.substance) {
                let mut spans = vec![bold(a.substance.trim(), b.body)];
                if has(&a.reaction) {
                    spans.push(reg(format!(" — {}", a.reaction.trim()), b.body));
                }
                b.bullet(spans);
            }
        }
    }
    b.list(Some("Medication for physical health"), &ph.medications);
    b.text(&ph.notes);

    let c = &s.communication;
    b.section(Section::Communication.label());
    b.field("Language", &c.language);
    if c.interpreter_needed {
        b.field("Interpreter", "I need an interpreter");
    }
    if c.easy_read {
        b.field("Easy read", "I need information in easy read");
    }
    b.long_field("Other needs", &c.other_needs);
    b.long_field("How to talk with me", &c.how_to_talk_with_me);

    let cf = &s.culture_and_faith;
    b.section(Section::CultureAndFaith.label());
    b.long_field("Culture", &cf.culture);
    b.long_field("Religion or spirituality", &cf.religion_or_spirituality);
    b.long_field("Diet", &cf.diet);
    b.text(&cf.notes);

    b.section(Section::Distribution.label());
    for e in &s.distribution.copies {
        if !has(&e.name) {
            continue;
        }
        let mut text = super::blocks::name_rel(&e.name, &e.role_or_organisation);
        if let Some(d) = e.given_on {
            text.push_str(&format!(", given {}", date(d)));
        }
        b.bullet_text(&text);
    }
    b.text(&s.distribution.notes);
    b.end_section();
}

fn authority(a: AttorneyAuthority) -> &'static str {
    match a {
        AttorneyAuthority::HealthAndWelfareLpa => "Lasting Power of Attorney, health and welfare",
        AttorneyAuthority::PropertyAndFinancialLpa => {
            "Lasting Power of Attorney, property and financial affairs"
        }
        AttorneyAuthority::Deputy => "deputy appointed by the Court of Protection",
        AttorneyAuthority::Other => "other (see notes)",
    }
}

/// The sign-off and witness blocks; says plainly when there is none.
pub(crate) fn sign_off(s: Option<&SignOff>, b: &mut Blocks) {
    b.section(Section::SignOff.label());
    let Some(s) = s else {
        b.text("This version has not been signed.");
        b.end_section();
        return;
    };
    b.field("Signed by", &s.maker_name);
    b.field("Signed on", &date(s.signed_on));
    b.field(
        "I had capacity to make this statement",
        if s.confirms_capacity {
            "confirmed"
        } else {
            "not confirmed"
        },
    );
    b.long_field("About my capacity", &s.capacity_statement);
    b.field("Support I used to make it", &s.support_used);
    b.section(Section::Witness.label());
    match &s.witness {
        None => b.text("No witness."),
        Some(w) => {
            b.field("Witness", &super::blocks::name_rel(&w.name, &w.role));
            if let Some(d) = w.signed_on {
                b.field("Witnessed on", &date(d));
            }
            b.field(
                "The maker understood what they signed",
                if w.confirms_understanding {
                    "confirmed by the witness"
                } else {
                    "not confirmed"
                },
            );
            b.field(
                "The maker was under no undue influence",
                if w.confirms_no_undue_influence {
                    "confirmed by the witness"
                } else {
                    "not confirmed"
                },
            );
            b.long_field("Witness statement", &w.statement);
        }
    }
    b.end_section();
}

fn response_words(r: ReviewResponse) -> &'static str {
    match r {
        ReviewResponse::Agreed => "agreed: will be followed",
        ReviewResponse::Noted => "read and noted",
        ReviewResponse::CannotFollow => "cannot be followed",
    }
}

/// The clinician response log: reviews, then departures.
pub(crate) fn response_log(
    reviews: &[ConsultationReview],
    departures: &[Departure],
    b: &mut Blocks,
) {
    b.section("Clinician consultation reviews");
    if reviews.is_empty() {
        b.text("No clinician has recorded a review of this version.");
    }
    for r in reviews {
        b.sub(&format!(
            "Reviewed on {} by {}",
            date(r.reviewed_on),
            clinician(&r.clinician)
        ));
        b.para(vec![reg(
            format!("Recorded {}", r.recorded_at.format("%-d %B %Y %H:%M UTC")),
            super::blocks::SMALL.min(b.body),
        )]);
        for sr in &r.responses {
            let mut spans = vec![
                bold(format!("{}: ", sr.section.label()), b.body),
                reg(response_words(sr.response), b.body),
            ];
            if has(&sr.reason) {
                spans.push(reg(format!("\nReason: {}", sr.reason.trim()), b.body));
            }
            spans.push(reg(
                format!("\nThe person was told: {}", yes_no(sr.person_told)),
                b.body,
            ));
            b.bullet(spans);
        }
        b.long_field("Notes", &r.notes);
    }

    b.section("Departures from my wishes");
    if departures.is_empty() {
        b.text("No departure from this version has been recorded.");
    }
    for d in departures {
        // A date alone unless a time of day was recorded (issue 11).
        let when = if d.time_known {
            d.occurred_at.format("%-d %B %Y %H:%M UTC").to_string()
        } else {
            date(d.occurred_at.date_naive())
        };
        b.sub(&format!("{when} — {}", d.section.label()));
        b.field("The wish", &d.wish);
        b.field("Decided by", &clinician(&d.clinician));
        b.field("Reason", &d.reason);
        b.field("Legal authority", &d.legal_authority);
        match &d.second_opinion {
            SecondOpinion::NotRecorded => {}
            SecondOpinion::NotObtained => b.field("Second opinion", "none obtained"),
            SecondOpinion::Obtained { by } => b.field("Second opinion", &clinician(by)),
        }
        if d.missing_second_opinion() {
            b.text(
                "No second opinion was obtained before a treatment refusal was overridden \
                 (Mental Health Act 2025 s.57A requires one, and a compelling reason).",
            );
        }
        b.field("The person was told", yes_no(d.person_told));
        b.field("Also told", &d.others_told.join("; "));
        b.para(vec![reg(
            format!("Recorded {}", d.recorded_at.format("%-d %B %Y %H:%M UTC")),
            super::blocks::SMALL.min(b.body),
        )]);
    }
    b.end_section();
}
