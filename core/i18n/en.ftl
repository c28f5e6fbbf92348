# Haven export labels: English (the catalogue every other language falls
# back to). Each message is one label Haven writes into a PDF, the crisis
# card or a FHIR narrative. See README.md for adding a language.

## Document titles
title-crisis-plan = Crisis plan
title-advance-statement = Advance statement
title-crisis-card = My crisis card
title-crisis-card-of = Crisis card: { $name }

## Header and footer of every export
banner-not-in-force = This version is not in force: { $status }.
field-version = Version
field-status = Status
field-saved = Saved
field-signed = Signed
field-last-reviewed = Last reviewed
field-next-review = Next review due
fingerprint = Version fingerprint { $hash } · exported { $date } from Haven
footer-version = version { $version }
footer-page = page { $page } of { $pages }
status-draft = Draft (not signed, not in force)
status-active = Active (signed, in force)
status-superseded = Superseded (replaced by a later version; not in force)
status-revoked = Revoked (withdrawn by the person; not in force)
status-short-draft = DRAFT
status-short-active = ACTIVE
status-short-superseded = SUPERSEDED
status-short-revoked = REVOKED

## Dates
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
date = { $day } { $month } { $year }

## The crisis card
card-please-contact = Please contact
card-crisis-lines = Crisis lines
card-what-helps = What helps me
card-how-to-approach = How to approach me
card-what-doesnt-help = What doesn't help
card-note-draft = DRAFT, not signed.
card-note-superseded = SUPERSEDED: not in force.
card-note-revoked = REVOKED: not in force.
card-shortened = Shortened to fit: my full crisis plan has more.
card-version = Version { $version }.

## Shared pieces
yes = yes
no = no
channel-call = call
channel-text = text
channel-text-to = text { $message }
channel-call-or-text = call or text
channel-call-or-text-to = call, or text { $message }
contact-ask-first = ask me before contacting them.
excluded-no-contact = must not be contacted or told
excluded-no-visit = must not visit

## Section headings
section-plan_details = Plan details
section-when_well = What I'm like when I'm well
section-triggers = Triggers
section-warning_signs = Early warning signs
section-others_take_over = Signs that others need to take over
section-coping_strategies = Things I can do on my own
section-distractions = People and places that distract me
section-help_contacts = People I can ask for help
section-do_not_involve = People not to involve
section-professionals = Professionals and services
section-crisis_lines = Crisis lines
section-safe_environment = Making my environment safe
section-reasons_for_living = Reasons for living
section-distress_support = What helps and what doesn't when I'm distressed
section-crisis_treatment = Treatment preferences in a crisis
section-practical_arrangements = Practical arrangements
section-after_crisis = After the crisis
section-maker_details = About the maker
section-about_me = About me
section-values_and_wishes = Values, beliefs, wishes and feelings
section-treatment_requests = Treatment requests
section-treatment_refusals = Treatment refusals
section-restrictive_interventions = Restrictive interventions
section-hospital_preferences = Hospital and ward preferences
section-people = People
section-information_sharing = Information sharing
section-dependants_and_home = Dependants, home and money
section-physical_health = Physical health
section-communication = Communication and language
section-culture_and_faith = Culture, faith and diet
section-distribution = Who has a copy
section-sign_off = Sign-off
section-witness = Witness
section-reviews = Clinician consultation reviews
section-departures = Departures from my wishes

## The crisis plan
plan-whose = Whose plan
plan-people = People
plan-places = Places
plan-what-helps = What helps
plan-what-doesnt-help = What doesn't help
plan-how-to-approach = How to approach me
plan-where-treated = Where I would rather be treated
plan-places-to-avoid = Places to avoid
setting-home = at home, with the home treatment team
setting-crisis-house = in a crisis house or crisis café
setting-hospital = in hospital
plan-recovery = What recovery looks like for me
plan-signs-not-needed = Signs the plan is no longer needed
practical-children = Children and dependants
practical-pets = Pets
practical-home = Home
practical-bills = Bills and money
practical-benefits = Benefits
practical-work = Work or study
practical-other = Anything else

## The advance statement
st-full-name = Full name
st-preferred-name = Preferred name
st-pronouns = Pronouns
st-date-of-birth = Date of birth
st-health-number = Health number
st-address = Address
st-life-experiences = Life experiences that matter for my care
st-trauma = Trauma, and what re-traumatises me
st-distress-means = What my distress means
st-anything-else = Anything else
st-values = Values
st-beliefs = Beliefs
st-wishes = Wishes
st-feelings = Feelings
st-what-worked = What has worked before
st-preferred-medication = Preferred medication
st-other-requests = Other requests
st-i-refuse = I refuse: { $treatment }
st-circumstances = In these circumstances
st-why = Why
st-life-sustaining = Life-sustaining treatment
st-life-sustaining-yes = yes: this refusal is made under the Mental Capacity Act 2005 (s.25)
st-my-statement = My statement
st-try-first = Please try these first
st-de-escalation = De-escalation that works for me
st-restraint = Restraint
st-seclusion = Seclusion
st-rapid-tranquillisation = Rapid tranquillisation
st-personal-care-staff = Staff for personal care
st-preferred-hospitals = Preferred hospitals or wards
st-places-to-avoid = Places to avoid
st-nominated-person = My nominated person
st-people-to-consult = People to consult
st-carers = Carers
st-attorneys = Attorneys and deputies
st-authority = Authority: { $authority }
st-advocate = My advocate
st-excluded = People who must not be contacted or visit
st-may-see = May see
st-may-not-see = May not see
st-conditions = Conditions
st-disabilities = Disabilities and access needs
st-allergies = Allergies
st-physical-medication = Medication for physical health
st-language = Language
st-interpreter = Interpreter
st-interpreter-yes = I need an interpreter
st-easy-read = Easy read
st-easy-read-yes = I need information in easy read
st-other-needs = Other needs
st-how-to-talk = How to talk with me
st-culture = Culture
st-religion = Religion or spirituality
st-diet = Diet
st-given-on = { $who }, given { $date }
authority-health-welfare = Lasting Power of Attorney, health and welfare
authority-property = Lasting Power of Attorney, property and financial affairs
authority-deputy = deputy appointed by the Court of Protection
authority-other = other (see notes)

## Sign-off, witness, reviews and departures
so-not-signed = This version has not been signed.
so-signed-by = Signed by
so-signed-on = Signed on
so-capacity = I had capacity to make this statement
so-confirmed = confirmed
so-not-confirmed = not confirmed
so-about-capacity = About my capacity
so-support = Support I used to make it
so-no-witness = No witness.
so-witness = Witness
so-witnessed-on = Witnessed on
so-understood = The maker understood what they signed
so-no-undue-influence = The maker was under no undue influence
so-confirmed-by-witness = confirmed by the witness
so-witness-statement = Witness statement
response-agreed = agreed: will be followed
response-noted = read and noted
response-cannot-follow = cannot be followed
log-no-reviews = No clinician has recorded a review of this version.
log-reviewed = Reviewed on { $date } by { $clinician }
log-recorded = Recorded { $when }
log-reason = Reason
log-person-told = The person was told
log-notes = Notes
log-no-departures = No departure from this version has been recorded.
log-the-wish = The wish
log-decided-by = Decided by

## FHIR narratives
fhir-docref = { $title }, version { $version }, { $status }. The full document is attached as a PDF.
fhir-departure = A wish in "{ $section }" was not followed on { $date }. Decided by { $clinician }. Wish: { $wish }. Reason: { $reason }. The person was told: { $told }.
fhir-not-stated = (not stated)
fhir-signed = Signed by { $name } on { $date }. Capacity confirmed: { $capacity }.
fhir-witnessed = Witnessed by { $name }{ $on }. The witness confirms the maker understood: { $understood }; no undue influence: { $influence }.
fhir-on-date = { " " }on { $date }
fhir-review = Consultation review on { $date } by { $clinician }.
fhir-response-agreed = agreed
fhir-response-noted = noted
fhir-response-cannot-follow = cannot follow
fhir-review-line = { $section }: { $response }.
fhir-review-reason = Reason: { $reason }.
fhir-review-told = The person was told: { $told }.
