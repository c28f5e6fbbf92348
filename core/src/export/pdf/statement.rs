//! The full advance statement: every non-empty section, then the sign-off,
//! the witness, the clinician response log (consultation reviews with a
//! response and reason per section) and departures.

use super::blocks::{bold, clinician, date, date_time, has, reg, section, yes_no, Blocks};
use super::plan::practical;
use crate::documents::{
    AdvanceStatement, AttorneyAuthority, ConsultationReview, Departure, ReviewResponse,
    SecondOpinion, Section, SignOff,
};

/// The blocks of every non-empty section of `s`.
pub(crate) fn sections(s: &AdvanceStatement, b: &mut Blocks) {
    let m = &s.maker_details;
    b.section(&section(b.l, Section::MakerDetails));
    b.field(&b.l.t("st-full-name"), &m.full_name);
    b.field(&b.l.t("st-preferred-name"), &m.preferred_name);
    b.field(&b.l.t("st-pronouns"), &m.pronouns);
    if let Some(d) = m.date_of_birth {
        b.field(&b.l.t("st-date-of-birth"), &date(b.l, d));
    }
    b.field(&b.l.t("st-health-number"), &m.health_number);
    b.field(&b.l.t("st-address"), &m.address);

    let a = &s.about_me;
    b.section(&section(b.l, Section::AboutMe));
    b.long_field(&b.l.t("st-life-experiences"), &a.life_experiences);
    b.long_field(&b.l.t("st-trauma"), &a.trauma);
    b.long_field(&b.l.t("st-distress-means"), &a.what_my_distress_means);
    b.long_field(&b.l.t("st-anything-else"), &a.other);

    let v = &s.values_and_wishes;
    b.section(&section(b.l, Section::ValuesAndWishes));
    b.long_field(&b.l.t("st-values"), &v.values);
    b.long_field(&b.l.t("st-beliefs"), &v.beliefs);
    b.long_field(&b.l.t("st-wishes"), &v.wishes);
    b.long_field(&b.l.t("st-feelings"), &v.feelings);

    let t = &s.treatment_requests;
    b.section(&section(b.l, Section::TreatmentRequests));
    b.list(Some(&b.l.t("st-what-worked")), &t.what_has_worked);
    if t.preferred_medications.iter().any(|p| has(&p.medication)) {
        b.sub(&b.l.t("st-preferred-medication"));
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
    b.list(Some(&b.l.t("st-other-requests")), &t.other_requests);

    b.section(&section(b.l, Section::TreatmentRefusals));
    for r in &s.treatment_refusals {
        if !has(&r.treatment) {
            continue;
        }
        b.sub(&b.l.a("st-i-refuse", &[("treatment", r.treatment.trim())]));
        b.field(&b.l.t("st-circumstances"), &r.circumstances);
        b.field(&b.l.t("st-why"), &r.reason);
        if r.life_sustaining {
            b.field(
                &b.l.t("st-life-sustaining"),
                &b.l.t("st-life-sustaining-yes"),
            );
            b.field(&b.l.t("st-my-statement"), &r.life_at_risk_statement);
        }
    }

    let ri = &s.restrictive_interventions;
    b.section(&section(b.l, Section::RestrictiveInterventions));
    b.list(Some(&b.l.t("st-try-first")), &ri.try_first);
    b.list(Some(&b.l.t("st-de-escalation")), &ri.de_escalation);
    b.long_field(&b.l.t("st-restraint"), &ri.restraint);
    b.long_field(&b.l.t("st-seclusion"), &ri.seclusion);
    b.long_field(
        &b.l.t("st-rapid-tranquillisation"),
        &ri.rapid_tranquillisation,
    );
    b.long_field(
        &b.l.t("st-personal-care-staff"),
        &ri.personal_care_staff_gender,
    );

    let h = &s.hospital_preferences;
    b.section(&section(b.l, Section::HospitalPreferences));
    b.list(Some(&b.l.t("st-preferred-hospitals")), &h.preferred);
    b.list(Some(&b.l.t("st-places-to-avoid")), &h.avoid);
    b.text(&h.notes);

    let p = &s.people;
    b.section(&section(b.l, Section::People));
    if let Some(np) = &p.nominated_person {
        b.sub(&b.l.t("st-nominated-person"));
        b.contact(np);
    }
    if !p.people_to_consult.is_empty() {
        b.sub(&b.l.t("st-people-to-consult"));
        for c in &p.people_to_consult {
            b.contact(c);
        }
    }
    if !p.carers.is_empty() {
        b.sub(&b.l.t("st-carers"));
        for c in &p.carers {
            b.contact(c);
        }
    }
    if !p.attorneys.is_empty() {
        b.sub(&b.l.t("st-attorneys"));
        for at in &p.attorneys {
            b.contact(&at.person);
            b.para(vec![reg(
                b.l.a(
                    "st-authority",
                    &[("authority", &authority(b.l, at.authority))],
                ),
                b.body,
            )]);
        }
    }
    if let Some(adv) = &p.advocate {
        b.sub(&b.l.t("st-advocate"));
        b.contact(adv);
    }
    if !p.excluded.is_empty() {
        b.sub(&b.l.t("st-excluded"));
        for x in &p.excluded {
            b.excluded(x);
        }
    }

    b.section(&section(b.l, Section::InformationSharing));
    for c in &s.information_sharing {
        if !has(&c.who) {
            continue;
        }
        b.sub(c.who.trim());
        let may = super::blocks::items(&c.may_see).join("; ");
        let may_not = super::blocks::items(&c.may_not_see).join("; ");
        b.field(&b.l.t("st-may-see"), &may);
        b.field(&b.l.t("st-may-not-see"), &may_not);
        b.text(&c.notes);
    }

    b.section(&section(b.l, Section::DependantsAndHome));
    practical(b, &s.dependants_and_home);

    let ph = &s.physical_health;
    b.section(&section(b.l, Section::PhysicalHealth));
    b.list(Some(&b.l.t("st-conditions")), &ph.conditions);
    b.list(Some(&b.l.t("st-disabilities")), &ph.disabilities);
    if ph.allergies.iter().any(|a| has(&a.substance)) {
        b.sub(&b.l.t("st-allergies"));
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
    b.list(Some(&b.l.t("st-physical-medication")), &ph.medications);
    b.text(&ph.notes);

    let c = &s.communication;
    b.section(&section(b.l, Section::Communication));
    b.field(&b.l.t("st-language"), &c.language);
    if c.interpreter_needed {
        b.field(&b.l.t("st-interpreter"), "I need an interpreter");
    }
    if c.easy_read {
        b.field(&b.l.t("st-easy-read"), "I need information in easy read");
    }
    b.long_field(&b.l.t("st-other-needs"), &c.other_needs);
    b.long_field(&b.l.t("st-how-to-talk"), &c.how_to_talk_with_me);

    let cf = &s.culture_and_faith;
    b.section(&section(b.l, Section::CultureAndFaith));
    b.long_field(&b.l.t("st-culture"), &cf.culture);
    b.long_field(&b.l.t("st-religion"), &cf.religion_or_spirituality);
    b.long_field(&b.l.t("st-diet"), &cf.diet);
    b.text(&cf.notes);

    b.section(&section(b.l, Section::Distribution));
    for e in &s.distribution.copies {
        if !has(&e.name) {
            continue;
        }
        let mut text = super::blocks::name_rel(&e.name, &e.role_or_organisation);
        if let Some(d) = e.given_on {
            text =
                b.l.a("st-given-on", &[("who", &text), ("date", &date(b.l, d))]);
        }
        b.bullet_text(&text);
    }
    b.text(&s.distribution.notes);
    b.end_section();
}

fn authority(l: &crate::i18n::Labels, a: AttorneyAuthority) -> String {
    l.t(match a {
        AttorneyAuthority::HealthAndWelfareLpa => "authority-health-welfare",
        AttorneyAuthority::PropertyAndFinancialLpa => "authority-property",
        AttorneyAuthority::Deputy => "authority-deputy",
        AttorneyAuthority::Other => "authority-other",
    })
}

/// The sign-off and witness blocks; says plainly when there is none. Says
/// which parts were recorded electronically and by whom, and leaves
/// signature lines (person, witness, date) for ink.
pub(crate) fn sign_off(s: Option<&SignOff>, b: &mut Blocks) {
    b.section(&section(b.l, Section::SignOff));
    let Some(s) = s else {
        b.text(&b.l.t("so-not-signed"));
        ink_signatures(b);
        b.end_section();
        return;
    };
    b.field(&b.l.t("so-signed-by"), &s.maker_name);
    b.field(&b.l.t("so-signed-on"), &date(b.l, s.signed_on));
    b.field(
        &b.l.t("so-capacity"),
        &b.l.t(if s.confirms_capacity {
            "so-confirmed"
        } else {
            "so-not-confirmed"
        }),
    );
    b.long_field(&b.l.t("so-about-capacity"), &s.capacity_statement);
    b.field(&b.l.t("so-support"), &s.support_used);
    b.section(&section(b.l, Section::Witness));
    match &s.witness {
        None => b.text(&b.l.t("so-no-witness")),
        Some(w) => {
            b.field(
                &b.l.t("so-witness"),
                &super::blocks::name_rel(&w.name, &w.role),
            );
            if let Some(d) = w.signed_on {
                b.field(&b.l.t("so-witnessed-on"), &date(b.l, d));
            }
            // Only the witness's own attestation is "confirmed by the
            // witness"; one the maker typed in (before issue 11) says so.
            let confirmed = if w.attested_by_witness {
                "so-confirmed-by-witness"
            } else {
                "so-entered-by-maker"
            };
            b.field(
                &b.l.t("so-understood"),
                &b.l.t(if w.confirms_understanding {
                    confirmed
                } else {
                    "so-not-confirmed"
                }),
            );
            b.field(
                &b.l.t("so-no-undue-influence"),
                &b.l.t(if w.confirms_no_undue_influence {
                    confirmed
                } else {
                    "so-not-confirmed"
                }),
            );
            b.long_field(&b.l.t("so-witness-statement"), &w.statement);
        }
    }
    b.text(&electronic_note(s, b.l));
    ink_signatures(b);
    b.end_section();
}

/// Which parts were recorded electronically in Haven, and by whom.
fn electronic_note(s: &SignOff, l: &crate::i18n::Labels) -> String {
    let mut note = l.a(
        "so-electronic-maker",
        &[
            ("name", s.maker_name.trim()),
            ("date", &date(l, s.signed_on)),
        ],
    );
    if let Some(w) = &s.witness {
        let on = w
            .signed_on
            .map(|d| l.a("fhir-on-date", &[("date", &date(l, d))]))
            .unwrap_or_default();
        note.push(' ');
        note.push_str(&l.a(
            if w.attested_by_witness {
                "so-electronic-witness"
            } else {
                "so-electronic-witness-by-maker"
            },
            &[("name", w.name.trim()), ("on", &on)],
        ));
    }
    note
}

/// Lines for ink signatures: the person, the witness, and the dates.
fn ink_signatures(b: &mut Blocks) {
    let line = "______________________________";
    let day = "______________";
    b.sub(&b.l.t("so-ink-heading"));
    for (who, date_label) in [
        ("so-ink-person", "so-ink-date"),
        ("so-ink-witness", "so-ink-date"),
    ] {
        b.para(vec![
            bold(format!("{}: ", b.l.t(who)), b.body),
            reg(line.to_string(), b.body),
            bold(format!("  {}: ", b.l.t(date_label)), b.body),
            reg(day.to_string(), b.body),
        ]);
    }
    b.field(&b.l.t("so-ink-witness-name"), line);
}

fn response_words(l: &crate::i18n::Labels, r: ReviewResponse) -> String {
    l.t(match r {
        ReviewResponse::Agreed => "response-agreed",
        ReviewResponse::Noted => "response-noted",
        ReviewResponse::CannotFollow => "response-cannot-follow",
    })
}

/// The clinician response log: reviews, then departures.
pub(crate) fn response_log(
    reviews: &[ConsultationReview],
    departures: &[Departure],
    b: &mut Blocks,
) {
    b.section(&b.l.t("section-reviews"));
    if reviews.is_empty() {
        b.text(&b.l.t("log-no-reviews"));
    }
    for r in reviews {
        b.sub(&b.l.a(
            "log-reviewed",
            &[
                ("date", &date(b.l, r.reviewed_on)),
                ("clinician", &clinician(&r.clinician)),
            ],
        ));
        b.para(vec![reg(
            b.l.a("log-recorded", &[("when", &date_time(b.l, r.recorded_at))]),
            super::blocks::SMALL.min(b.body),
        )]);
        for sr in &r.responses {
            let mut spans = vec![
                bold(format!("{}: ", section(b.l, sr.section)), b.body),
                reg(response_words(b.l, sr.response), b.body),
            ];
            if has(&sr.reason) {
                spans.push(reg(
                    format!("\n{}: {}", b.l.t("log-reason"), sr.reason.trim()),
                    b.body,
                ));
            }
            spans.push(reg(
                format!(
                    "\n{}: {}",
                    b.l.t("log-person-told"),
                    yes_no(b.l, sr.person_told)
                ),
                b.body,
            ));
            b.bullet(spans);
        }
        b.long_field(&b.l.t("log-notes"), &r.notes);
    }

    b.section(&b.l.t("section-departures"));
    if departures.is_empty() {
        b.text(&b.l.t("log-no-departures"));
    }
    for d in departures {
        // A date alone unless a time of day was recorded (issue 11).
        let when = if d.time_known {
            date_time(b.l, d.occurred_at)
        } else {
            date(b.l, d.occurred_at.date_naive())
        };
        b.sub(&format!("{when} — {}", section(b.l, d.section)));
        b.field(&b.l.t("log-the-wish"), &d.wish);
        b.field(&b.l.t("log-decided-by"), &clinician(&d.clinician));
        b.field(&b.l.t("log-reason"), &d.reason);
        b.field(&b.l.t("log-legal-authority"), &d.legal_authority);
        match &d.second_opinion {
            SecondOpinion::NotRecorded => {}
            SecondOpinion::NotObtained => b.field(
                &b.l.t("log-second-opinion"),
                &b.l.t("log-second-opinion-none"),
            ),
            SecondOpinion::Obtained { by } => b.field(&b.l.t("log-second-opinion"), &clinician(by)),
        }
        if d.missing_second_opinion() {
            b.text(&b.l.t("log-no-second-opinion-s57a"));
        }
        b.field(&b.l.t("log-person-told"), &yes_no(b.l, d.person_told));
        b.field(&b.l.t("log-also-told"), &d.others_told.join("; "));
        b.para(vec![reg(
            b.l.a("log-recorded", &[("when", &date_time(b.l, d.recorded_at))]),
            super::blocks::SMALL.min(b.body),
        )]);
    }
    b.end_section();
}
