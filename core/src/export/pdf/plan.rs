//! The full crisis plan: every non-empty section, in the person's words.

use super::blocks::{has, Blocks};
use crate::documents::{CareSetting, CrisisPlan, Section};

/// The blocks of every non-empty section of `plan`.
pub(crate) fn sections(plan: &CrisisPlan, b: &mut Blocks) {
    let d = &plan.plan_details;
    b.section(Section::PlanDetails.label());
    b.field("Whose plan", &d.owner);
    for c in &d.co_authors {
        b.bullet_text(&super::blocks::name_rel(&c.name, &c.role));
    }

    b.section(Section::WhenWell.label());
    b.text(&plan.when_well);

    b.section(Section::Triggers.label());
    b.list(None, &plan.triggers);

    b.section(Section::WarningSigns.label());
    for s in &plan.warning_signs {
        b.bullet_text(&s.text);
    }

    b.section(Section::OthersTakeOver.label());
    b.list(None, &plan.others_take_over);

    b.section(Section::CopingStrategies.label());
    b.list(None, &plan.coping_strategies);

    b.section(Section::Distractions.label());
    if plan.distractions.people.iter().any(|c| has(&c.name)) {
        b.sub("People");
        for c in &plan.distractions.people {
            b.contact(c);
        }
    }
    b.list(Some("Places"), &plan.distractions.places);

    b.section(Section::HelpContacts.label());
    for c in &plan.help_contacts {
        b.contact(c);
    }

    b.section(Section::DoNotInvolve.label());
    for p in &plan.do_not_involve {
        b.excluded(p);
    }

    b.section(Section::Professionals.label());
    for p in &plan.professionals {
        b.professional(p);
    }

    b.section(Section::CrisisLines.label());
    for l in &plan.crisis_lines {
        b.crisis_line(l);
    }

    b.section(Section::SafeEnvironment.label());
    b.list(None, &plan.safe_environment);

    b.section(Section::ReasonsForLiving.label());
    b.list(None, &plan.reasons_for_living);

    let ds = &plan.distress_support;
    b.section(Section::DistressSupport.label());
    b.list(Some("What helps"), &ds.helps);
    b.list(Some("What doesn't help"), &ds.does_not_help);
    b.long_field("How to approach me", &ds.how_to_approach_me);

    let ct = &plan.crisis_treatment;
    b.section(Section::CrisisTreatment.label());
    b.field(
        "Where I would rather be treated",
        care_setting(ct.preferred_setting),
    );
    b.list(Some("Places to avoid"), &ct.places_to_avoid);
    b.text(&ct.notes);

    let pa = &plan.practical_arrangements;
    b.section(Section::PracticalArrangements.label());
    practical(b, pa);

    b.section(Section::AfterCrisis.label());
    b.long_field(
        "What recovery looks like for me",
        &plan.after_crisis.recovery_looks_like,
    );
    b.list(
        Some("Signs the plan is no longer needed"),
        &plan.after_crisis.signs_plan_not_needed,
    );
    b.end_section();
}

/// Practical arrangements (shared with the statement's "dependants and home").
pub(crate) fn practical(b: &mut Blocks, pa: &crate::documents::PracticalArrangements) {
    b.long_field("Children and dependants", &pa.children_and_dependants);
    b.long_field("Pets", &pa.pets);
    b.long_field("Home", &pa.home);
    b.long_field("Bills and money", &pa.bills);
    b.long_field("Benefits", &pa.benefits);
    b.long_field("Work or study", &pa.work);
    b.long_field("Anything else", &pa.other);
}

/// The preferred care setting in words; empty for no preference.
pub(crate) fn care_setting(s: CareSetting) -> &'static str {
    match s {
        CareSetting::NoPreference => "",
        CareSetting::HomeTreatment => "at home, with the home treatment team",
        CareSetting::CrisisHouse => "in a crisis house or crisis café",
        CareSetting::HospitalAdmission => "in hospital",
    }
}
