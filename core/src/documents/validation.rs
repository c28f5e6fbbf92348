//! Validation before signing. Each problem names the section (and the item,
//! counted from 1) and says exactly what is missing, without quoting anything
//! the person wrote, so messages are safe in logs and error text.
//!
//! Drafts may be incomplete: validation only blocks signing. The legal
//! formalities checked are the Mental Capacity Act 2005 rules for refusals
//! of life-sustaining treatment: made at 18 or over (s.24(1), from the date
//! of birth in the maker details), written, signed, witnessed, and saying it
//! applies "even if my life is at risk" (s.25(5)-(6)).

use serde::{Deserialize, Serialize};

use super::contacts::Contact;
use super::content::{DocumentContent, DocumentKind, Section};
use super::crisis_plan::CrisisPlan;
use super::statement::AdvanceStatement;
use super::types::SignOff;

/// Something to fix before a version can be signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ValidationProblem {
    /// The section at fault.
    pub section: Section,
    /// The item within the section, counted from 1, when the section is a list.
    pub item: Option<i32>,
    /// What is missing, in plain English (never quotes the person's words).
    pub message: String,
}

impl std::fmt::Display for ValidationProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.item {
            Some(n) => write!(f, "{} (item {n}): {}", self.section.label(), self.message),
            None => write!(f, "{}: {}", self.section.label(), self.message),
        }
    }
}

/// The words a refusal of life-sustaining treatment must contain (either).
const LIFE_AT_RISK_PHRASES: &[&str] = &["even if my life is at risk", "even if life is at risk"];

struct Problems(Vec<ValidationProblem>);

impl Problems {
    fn add(&mut self, section: Section, item: Option<usize>, message: &str) {
        self.0.push(ValidationProblem {
            section,
            item: item.map(|i| i32::try_from(i + 1).unwrap_or(i32::MAX)),
            message: message.into(),
        });
    }
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// Lower-cases, straightens quotes and collapses white space, so the phrase
/// is found however it was typed.
fn fold(s: &str) -> String {
    s.to_lowercase()
        .replace(['\u{2019}', '\u{2018}'], "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn says_life_at_risk(statement: &str) -> bool {
    let f = fold(statement);
    LIFE_AT_RISK_PHRASES.iter().any(|p| f.contains(p))
}

fn check_contacts(p: &mut Problems, section: Section, contacts: &[Contact], what: &str) {
    for (i, c) in contacts.iter().enumerate() {
        if blank(&c.name) {
            p.add(section, Some(i), &format!("{what} has no name"));
        }
    }
}

fn check_plan(p: &mut Problems, plan: &CrisisPlan) {
    let mut ids = std::collections::HashSet::new();
    for (i, s) in plan.warning_signs.iter().enumerate() {
        if blank(&s.text) {
            p.add(Section::WarningSigns, Some(i), "this warning sign is empty");
        }
        if !s.id.is_empty() && !ids.insert(s.id.as_str()) {
            p.add(
                Section::WarningSigns,
                Some(i),
                "this warning sign has the same id as another",
            );
        }
    }
    check_contacts(p, Section::HelpContacts, &plan.help_contacts, "this person");
    check_contacts(
        p,
        Section::Distractions,
        &plan.distractions.people,
        "this person",
    );
    for (i, x) in plan.do_not_involve.iter().enumerate() {
        if blank(&x.name) {
            p.add(Section::DoNotInvolve, Some(i), "this person has no name");
        }
    }
    for (i, x) in plan.professionals.iter().enumerate() {
        if blank(&x.name) {
            p.add(
                Section::Professionals,
                Some(i),
                "this professional or service has no name",
            );
        }
    }
    for (i, l) in plan.crisis_lines.iter().enumerate() {
        if blank(&l.name) {
            p.add(
                Section::CrisisLines,
                Some(i),
                "this crisis line has no name",
            );
        }
        if blank(&l.number) {
            p.add(
                Section::CrisisLines,
                Some(i),
                "this crisis line has no number to call or text",
            );
        }
    }
}

fn check_statement(p: &mut Problems, s: &AdvanceStatement, sign_off: Option<&SignOff>) {
    for (i, r) in s.treatment_refusals.iter().enumerate() {
        let sec = Section::TreatmentRefusals;
        if blank(&r.treatment) {
            p.add(
                sec,
                Some(i),
                "name the specific treatment that is being refused",
            );
        }
        if blank(&r.circumstances) {
            p.add(
                sec,
                Some(i),
                "say in which circumstances this refusal applies",
            );
        }
        if r.life_sustaining {
            if !says_life_at_risk(&r.life_at_risk_statement) {
                p.add(
                    sec,
                    Some(i),
                    "a refusal of life-sustaining treatment must include the written statement \
                     that it applies \"even if my life is at risk\"",
                );
            }
            if sign_off.is_none() {
                p.add(
                    sec,
                    Some(i),
                    "a refusal of life-sustaining treatment must be signed by the maker",
                );
            }
            if sign_off.is_some_and(|so| so.witness.is_none()) || sign_off.is_none() {
                p.add(
                    sec,
                    Some(i),
                    "a refusal of life-sustaining treatment must be witnessed: the witness \
                     records their own attestation of this version (name, role, statement, \
                     and that the maker understood and was under no undue influence) \
                     before it is signed",
                );
            }
        }
    }
    check_age(p, s, sign_off);
    let people = &s.people;
    if let Some(np) = &people.nominated_person {
        if blank(&np.name) {
            p.add(Section::People, None, "the nominated person has no name");
        }
    }
    if let Some(a) = &people.advocate {
        if blank(&a.name) {
            p.add(Section::People, None, "the advocate has no name");
        }
    }
    for (i, c) in people
        .people_to_consult
        .iter()
        .chain(&people.carers)
        .chain(people.attorneys.iter().map(|a| &a.person))
        .enumerate()
    {
        if blank(&c.name) {
            p.add(Section::People, Some(i), "this person has no name");
        }
    }
    for (i, x) in people.excluded.iter().enumerate() {
        if blank(&x.name) {
            p.add(
                Section::People,
                Some(i),
                "this person who must not be contacted or visit has no name",
            );
        }
    }
    for (i, c) in s.information_sharing.iter().enumerate() {
        if blank(&c.who) {
            p.add(
                Section::InformationSharing,
                Some(i),
                "say who this consent is for",
            );
        }
    }
}

/// MCA 2005 s.24(1): an advance decision is made by a person aged 18 or
/// over, on the day it is signed (today, for a draft).
fn check_age(p: &mut Problems, s: &AdvanceStatement, sign_off: Option<&SignOff>) {
    let Some(first) = s.treatment_refusals.iter().position(|r| r.life_sustaining) else {
        return;
    };
    let on = sign_off.map_or_else(|| chrono::Utc::now().date_naive(), |so| so.signed_on);
    match s.maker_details.date_of_birth {
        None => p.add(
            Section::MakerDetails,
            None,
            "give your date of birth: a refusal of life-sustaining treatment can only be \
             made by a person aged 18 or over (Mental Capacity Act 2005 s.24)",
        ),
        Some(born) if on.years_since(born).unwrap_or(0) < 18 => p.add(
            Section::TreatmentRefusals,
            Some(first),
            "a refusal of life-sustaining treatment can only be made by a person aged 18 \
             or over (Mental Capacity Act 2005 s.24); it can be written as a wish instead \
             (not life-sustaining), which clinicians must still consider",
        ),
        Some(_) => {}
    }
}

/// The sign-off's own checks. Only an advance statement needs the maker's
/// declaration of capacity: a crisis plan is often made in an emergency
/// department, in the middle of a crisis, and must still be saved and
/// shared (issue 11).
fn check_sign_off(p: &mut Problems, so: &SignOff, kind: DocumentKind) {
    if blank(&so.maker_name) {
        p.add(Section::SignOff, None, "the maker's name is missing");
    }
    if kind == DocumentKind::AdvanceStatement && !so.confirms_capacity {
        p.add(
            Section::SignOff,
            None,
            "the maker has not confirmed they have capacity to make this document",
        );
    }
    if let Some(w) = &so.witness {
        if blank(&w.name) {
            p.add(Section::Witness, None, "the witness's name is missing");
        }
        if blank(&w.role) {
            p.add(Section::Witness, None, "the witness's role is missing");
        }
        if !w.confirms_understanding {
            p.add(
                Section::Witness,
                None,
                "the witness has not confirmed that the maker understood the document",
            );
        }
        if !w.confirms_no_undue_influence {
            p.add(
                Section::Witness,
                None,
                "the witness has not confirmed that the maker was under no undue influence",
            );
        }
        if !blank(&w.name) && fold(&w.name) == fold(&so.maker_name) {
            p.add(
                Section::Witness,
                None,
                "the witness must be someone other than the maker",
            );
        }
    }
}

/// Everything that stops `content` being signed with `sign_off` (pass `None`
/// for a draft not yet signed). Empty means it can be signed.
pub fn validate(content: &DocumentContent, sign_off: Option<&SignOff>) -> Vec<ValidationProblem> {
    let mut p = Problems(Vec::new());
    match content {
        DocumentContent::CrisisPlan { plan } => check_plan(&mut p, plan),
        DocumentContent::AdvanceStatement { statement } => {
            check_statement(&mut p, statement, sign_off)
        }
    }
    if let Some(so) = sign_off {
        check_sign_off(&mut p, so, content.kind());
    }
    p.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::{TreatmentRefusal, Witness};
    use chrono::Datelike;

    fn adrt(statement: &str) -> AdvanceStatement {
        AdvanceStatement {
            maker_details: crate::documents::MakerDetails {
                date_of_birth: chrono::NaiveDate::from_ymd_opt(1980, 1, 2),
                ..Default::default()
            },
            treatment_refusals: vec![TreatmentRefusal {
                treatment: "secret-treatment".into(),
                circumstances: "secret-circumstances".into(),
                life_sustaining: true,
                life_at_risk_statement: statement.into(),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn signed(witness: bool) -> SignOff {
        SignOff {
            maker_name: "Maker".into(),
            signed_on: chrono::Utc::now().date_naive(),
            confirms_capacity: true,
            witness: witness.then(|| Witness {
                name: "Wit".into(),
                role: "friend".into(),
                confirms_understanding: true,
                confirms_no_undue_influence: true,
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn phrase_is_found_however_typed() {
        assert!(says_life_at_risk(
            "I refuse this EVEN IF MY\nLIFE is  at risk."
        ));
        assert!(says_life_at_risk("even if life is at risk"));
        assert!(!says_life_at_risk("even if I might die"));
    }

    #[test]
    fn adrt_needs_phrase_signature_and_witness() {
        let content: DocumentContent = adrt("no").into();
        let problems = validate(&content, None);
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems
            .iter()
            .all(|p| p.section == Section::TreatmentRefusals && p.item == Some(1)));

        let ok: DocumentContent = adrt("Even if my life is at risk").into();
        assert!(validate(&ok, Some(&signed(true))).is_empty());
        let no_witness = validate(&ok, Some(&signed(false)));
        assert_eq!(no_witness.len(), 1);
        assert!(no_witness[0].message.contains("witnessed"));
    }

    /// Issue 11, item 1: MCA s.24(1), an advance decision is made at 18 or
    /// over: a date of birth is needed, and a 17-year-old's is refused.
    #[test]
    fn a_life_sustaining_refusal_needs_a_maker_aged_18() {
        let so = signed(true);
        let mut s = adrt("even if my life is at risk");
        s.maker_details.date_of_birth = None;
        let problems = validate(&s.clone().into(), Some(&so));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].section, Section::MakerDetails);
        assert!(problems[0].message.contains("date of birth"));

        let on = so.signed_on;
        let seventeen = on.with_year(on.year() - 18).and_then(|d| d.succ_opt());
        s.maker_details.date_of_birth = seventeen;
        let problems = validate(&s.clone().into(), Some(&so));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].section, Section::TreatmentRefusals);
        assert!(problems[0].message.contains("18 or over"));

        s.maker_details.date_of_birth = on.with_year(on.year() - 18);
        assert_eq!(validate(&s.clone().into(), Some(&so)), vec![]);
        // A refusal that is not life-sustaining asks nothing of the age.
        s.treatment_refusals[0].life_sustaining = false;
        s.maker_details.date_of_birth = seventeen;
        assert_eq!(validate(&s.into(), Some(&so)), vec![]);
    }

    #[test]
    fn messages_never_quote_the_person() {
        let content: DocumentContent = adrt("secret-statement").into();
        for p in validate(&content, None) {
            assert!(!p.to_string().contains("secret"), "{p}");
        }
    }

    /// Issue 11: a crisis plan made in an emergency department is signed
    /// without a declaration of capacity; an advance statement is not.
    #[test]
    fn only_the_advance_statement_needs_a_capacity_declaration() {
        let so = SignOff {
            confirms_capacity: false,
            ..signed(false)
        };
        assert_eq!(validate(&CrisisPlan::default().into(), Some(&so)), vec![]);
        let problems = validate(&AdvanceStatement::default().into(), Some(&so));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].section, Section::SignOff);
        assert!(problems[0].message.contains("capacity"), "{problems:?}");
    }

    #[test]
    fn witness_block_must_be_complete_and_not_the_maker() {
        let mut so = signed(true);
        if let Some(w) = so.witness.as_mut() {
            w.name = " maker ".into();
            w.role.clear();
            w.confirms_no_undue_influence = false;
        }
        let problems = validate(&CrisisPlan::default().into(), Some(&so));
        let sections: Vec<_> = problems.iter().map(|p| p.section).collect();
        assert_eq!(sections, vec![Section::Witness; 3], "{problems:?}");
    }
}
