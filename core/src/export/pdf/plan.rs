//! The full crisis plan: every non-empty section, in the person's words.

use super::blocks::{has, section, Blocks};
use crate::documents::{CareSetting, CrisisPlan, Section};

/// The blocks of every non-empty section of `plan`.
pub(crate) fn sections(plan: &CrisisPlan, b: &mut Blocks) {
    let d = &plan.plan_details;
    b.section(&section(b.l, Section::PlanDetails));
    b.field(&b.l.t("plan-whose"), &d.owner);
    for c in &d.co_authors {
        b.bullet_text(&super::blocks::name_rel(&c.name, &c.role));
    }

    b.section(&section(b.l, Section::WhenWell));
    b.text(&plan.when_well);

    b.section(&section(b.l, Section::Triggers));
    b.list(None, &plan.triggers);

    b.section(&section(b.l, Section::WarningSigns));
    for s in &plan.warning_signs {
        b.bullet_text(&s.text);
    }

    b.section(&section(b.l, Section::OthersTakeOver));
    b.list(None, &plan.others_take_over);

    b.section(&section(b.l, Section::CopingStrategies));
    b.list(None, &plan.coping_strategies);

    b.section(&section(b.l, Section::Distractions));
    if plan.distractions.people.iter().any(|c| has(&c.name)) {
        b.sub(&b.l.t("plan-people"));
        for c in &plan.distractions.people {
            b.contact(c);
        }
    }
    b.list(Some(&b.l.t("plan-places")), &plan.distractions.places);

    b.section(&section(b.l, Section::HelpContacts));
    for c in &plan.help_contacts {
        b.contact(c);
    }

    b.section(&section(b.l, Section::DoNotInvolve));
    for p in &plan.do_not_involve {
        b.excluded(p);
    }

    b.section(&section(b.l, Section::Professionals));
    for p in &plan.professionals {
        b.professional(p);
    }

    b.section(&section(b.l, Section::CrisisLines));
    for l in &plan.crisis_lines {
        b.crisis_line(l);
    }

    b.section(&section(b.l, Section::SafeEnvironment));
    b.list(None, &plan.safe_environment);

    b.section(&section(b.l, Section::ReasonsForLiving));
    b.list(None, &plan.reasons_for_living);

    let ds = &plan.distress_support;
    b.section(&section(b.l, Section::DistressSupport));
    b.list(Some(&b.l.t("plan-what-helps")), &ds.helps);
    b.list(Some(&b.l.t("plan-what-doesnt-help")), &ds.does_not_help);
    b.long_field(&b.l.t("plan-how-to-approach"), &ds.how_to_approach_me);

    let ct = &plan.crisis_treatment;
    b.section(&section(b.l, Section::CrisisTreatment));
    b.field(
        &b.l.t("plan-where-treated"),
        &care_setting(b.l, ct.preferred_setting),
    );
    b.list(Some(&b.l.t("plan-places-to-avoid")), &ct.places_to_avoid);
    b.text(&ct.notes);

    let pa = &plan.practical_arrangements;
    b.section(&section(b.l, Section::PracticalArrangements));
    practical(b, pa);

    b.section(&section(b.l, Section::AfterCrisis));
    b.long_field(
        &b.l.t("plan-recovery"),
        &plan.after_crisis.recovery_looks_like,
    );
    b.list(
        Some(&b.l.t("plan-signs-not-needed")),
        &plan.after_crisis.signs_plan_not_needed,
    );
    b.end_section();
}

/// Practical arrangements (shared with the statement's "dependants and home").
pub(crate) fn practical(b: &mut Blocks, pa: &crate::documents::PracticalArrangements) {
    b.long_field(&b.l.t("practical-children"), &pa.children_and_dependants);
    b.long_field(&b.l.t("practical-pets"), &pa.pets);
    b.long_field(&b.l.t("practical-home"), &pa.home);
    b.long_field(&b.l.t("practical-bills"), &pa.bills);
    b.long_field(&b.l.t("practical-benefits"), &pa.benefits);
    b.long_field(&b.l.t("practical-work"), &pa.work);
    b.long_field(&b.l.t("practical-other"), &pa.other);
}

/// The preferred care setting in words; empty for no preference.
pub(crate) fn care_setting(l: &crate::i18n::Labels, s: CareSetting) -> String {
    match s {
        CareSetting::NoPreference => String::new(),
        CareSetting::HomeTreatment => l.t("setting-home"),
        CareSetting::CrisisHouse => l.t("setting-crisis-house"),
        CareSetting::HospitalAdmission => l.t("setting-hospital"),
    }
}
