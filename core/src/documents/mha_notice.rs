//! What a person is told, plainly, when they write treatment refusals:
//! mental health law can override a refusal of treatment for a mental
//! disorder, and where it cannot. An advance decision does not bind
//! treatment given under Part 4 of the Mental Health Act (Mental Capacity
//! Act 2005 s.28); a person who believes their refusal of medication will
//! hold on a ward is misled, and one who is told only that it will not hold
//! may not write the refusals that do (issue 11, domain.md).
//!
//! One function, so the CLI, the tour and the apps say the same words. The
//! text is deliberately general and points to an advocate or a solicitor:
//! it is information, not advice on one person's case.

use super::jurisdiction::Jurisdiction;
use super::statement::AdvanceStatement;

const ENGLAND_AND_WALES: &str = "About your treatment refusals (England and Wales). \
If you are detained in hospital under the Mental Health Act, doctors can give you \
medication for your mental disorder even though you refused it here: a refusal does not \
bind treatment for a mental disorder given under Part 4 of the Mental Health Act \
(Mental Capacity Act 2005 s.28). They must still consider what you wrote; where the \
Mental Health Act 2025's advance choice provisions are in force, overriding a valid and \
applicable refusal needs a second-opinion doctor and a compelling reason, and the \
reasons are recorded. The Mental Health Act cannot override your refusal of: treatment \
for a physical illness that is not part of your mental disorder; electroconvulsive \
therapy (ECT) if you have capacity to refuse it, or if you lack capacity and this is a \
valid and applicable advance decision refusing it, except in an emergency (Mental \
Health Act 1983 s.58A and s.62). It also cannot override your refusals when you are not \
detained under it (for example as an informal patient, or when held only under a \
short-term power such as s.5, s.135 or s.136): then a valid and applicable advance \
decision binds as it would for anyone, and on a community treatment order, without \
being recalled to hospital, treatment generally cannot be given against it. An \
independent mental health advocate (IMHA) or a solicitor can tell you how this applies \
to you.";

const SCOTLAND: &str = "About your treatment refusals (Scotland). If you are treated \
compulsorily under the Mental Health (Care and Treatment) (Scotland) Act 2003, \
medication for your mental disorder can be given even though you refused it here. \
Those treating you must have regard to your advance statement, and if they do \
something that conflicts with it they must record in writing why, and send the \
reasons to you, your named person, any welfare attorney or guardian, and the Mental \
Welfare Commission (s.276). The Act does not let them override your refusal of \
treatment for a physical illness that is not part of your mental disorder, or of any \
treatment when you are not being treated under it; and electroconvulsive therapy \
(ECT) cannot be given under it to a person who is capable of consenting and refuses. \
An independent advocate or a solicitor can tell you how this applies to you.";

const OTHER: &str = "About your treatment refusals. In many places, mental health law \
lets doctors give treatment for a mental disorder to a person detained under it even \
if they refused it in advance; refusals of other treatment usually bind if they were \
made with capacity. Ask an advocate or a solicitor where you live which of your \
refusals would bind, and write your reasons here: those treating you will usually \
have to consider them.";

/// What the person is told about refusing medication and other treatment
/// for a mental disorder under `jurisdiction`'s mental health law: that it
/// can override such refusals, and where it cannot. Not chosen: both the
/// England and Wales and the Scottish text, one paragraph each.
pub fn medication_refusal_notice(jurisdiction: Jurisdiction) -> String {
    match jurisdiction {
        Jurisdiction::EnglandAndWales => ENGLAND_AND_WALES.to_string(),
        Jurisdiction::Scotland => SCOTLAND.to_string(),
        Jurisdiction::Other => OTHER.to_string(),
        Jurisdiction::NotChosen => format!("{ENGLAND_AND_WALES}\n\n{SCOTLAND}"),
    }
}

/// The notice for `statement`, if it refuses any treatment (`None` when
/// there is nothing to tell).
pub fn refusal_notice_for(statement: &AdvanceStatement) -> Option<String> {
    (!statement.treatment_refusals.is_empty())
        .then(|| medication_refusal_notice(statement.maker_details.jurisdiction))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::TreatmentRefusal;

    #[test]
    fn each_jurisdiction_says_what_can_be_overridden_and_what_cannot() {
        let ew = medication_refusal_notice(Jurisdiction::EnglandAndWales);
        assert!(ew.contains("can give you medication for your mental disorder"));
        assert!(ew.contains("Mental Capacity Act 2005 s.28"));
        assert!(ew.contains("cannot override your refusal of"));
        assert!(ew.contains("electroconvulsive therapy"));
        let sc = medication_refusal_notice(Jurisdiction::Scotland);
        assert!(sc.contains("(s.276)"));
        assert!(!sc.contains("Mental Capacity Act"));
        let both = medication_refusal_notice(Jurisdiction::NotChosen);
        assert!(both.contains(&ew) && both.contains(&sc));
        assert!(!medication_refusal_notice(Jurisdiction::Other).contains("s.276"));
    }

    #[test]
    fn only_a_statement_with_refusals_gets_the_notice() {
        let mut s = AdvanceStatement::default();
        assert_eq!(refusal_notice_for(&s), None);
        s.maker_details.jurisdiction = Jurisdiction::Scotland;
        s.treatment_refusals.push(TreatmentRefusal {
            treatment: "olanzapine".into(),
            ..Default::default()
        });
        assert_eq!(
            refusal_notice_for(&s),
            Some(medication_refusal_notice(Jurisdiction::Scotland))
        );
    }
}
