# Labeli allforio Haven: Cymraeg (Welsh). Translated by the Haven team;
# to be reviewed by a Welsh-speaking clinician before release. Any message
# missing here falls back to English (en.ftl).

## Document titles
title-crisis-plan = Cynllun argyfwng
title-advance-statement = Datganiad ymlaen llaw
title-crisis-card = Fy ngherdyn argyfwng
title-crisis-card-of = Cerdyn argyfwng: { $name }

## Header and footer of every export
banner-not-in-force = Nid yw'r fersiwn hon mewn grym: { $status }.
field-version = Fersiwn
field-status = Statws
field-saved = Cadwyd
field-signed = Llofnodwyd
field-last-reviewed = Adolygwyd ddiwethaf
field-next-review = Adolygiad nesaf yn ddyledus
fingerprint = Ôl bys y fersiwn { $hash } · allforiwyd { $date } o Haven
footer-version = fersiwn { $version }
footer-page = tudalen { $page } o { $pages }
status-draft = Drafft (heb ei lofnodi, nid mewn grym)
status-active = Gweithredol (wedi'i lofnodi, mewn grym)
status-superseded = Wedi'i ddisodli (gan fersiwn ddiweddarach; nid mewn grym)
status-revoked = Wedi'i dynnu'n ôl (gan yr unigolyn; nid mewn grym)
status-short-draft = DRAFFT
status-short-active = GWEITHREDOL
status-short-superseded = WEDI'I DDISODLI
status-short-revoked = WEDI'I DYNNU'N ÔL

## Dates
month-1 = Ionawr
month-2 = Chwefror
month-3 = Mawrth
month-4 = Ebrill
month-5 = Mai
month-6 = Mehefin
month-7 = Gorffennaf
month-8 = Awst
month-9 = Medi
month-10 = Hydref
month-11 = Tachwedd
month-12 = Rhagfyr
date = { $day } { $month } { $year }

## The crisis card
card-please-contact = Cysylltwch â
card-crisis-lines = Llinellau argyfwng
card-what-helps = Beth sy'n fy helpu
card-how-to-approach = Sut i fynd ati gyda mi
card-what-doesnt-help = Beth sydd ddim yn helpu
card-note-draft = DRAFFT, heb ei lofnodi.
card-note-superseded = WEDI'I DDISODLI: nid mewn grym.
card-note-revoked = WEDI'I DYNNU'N ÔL: nid mewn grym.
card-shortened = Wedi'i fyrhau i ffitio: mae mwy yn fy nghynllun argyfwng llawn.
card-version = Fersiwn { $version }.

## Shared pieces
yes = ydy
no = nac ydy
channel-call = ffonio
channel-text = tecstio
channel-text-to = tecstio { $message }
channel-call-or-text = ffonio neu decstio
channel-call-or-text-to = ffonio, neu decstio { $message }
contact-ask-first = gofynnwch i mi cyn cysylltu â nhw.
excluded-no-contact = ni ddylid cysylltu â nhw na dweud wrthynt
excluded-no-visit = ni ddylent ymweld

## Section headings
section-plan_details = Manylion y cynllun
section-when_well = Sut ydw i pan fydda i'n iach
section-triggers = Sbardunau
section-warning_signs = Arwyddion rhybudd cynnar
section-others_take_over = Arwyddion bod angen i eraill gymryd drosodd
section-coping_strategies = Pethau y gallaf eu gwneud ar fy mhen fy hun
section-distractions = Pobl a lleoedd sy'n tynnu fy sylw
section-help_contacts = Pobl y gallaf ofyn iddynt am help
section-do_not_involve = Pobl i beidio â'u cynnwys
section-professionals = Gweithwyr proffesiynol a gwasanaethau
section-crisis_lines = Llinellau argyfwng
section-safe_environment = Gwneud fy amgylchedd yn ddiogel
section-reasons_for_living = Rhesymau dros fyw
section-distress_support = Beth sy'n helpu a beth sydd ddim pan fydda i mewn trallod
section-crisis_treatment = Dewisiadau triniaeth mewn argyfwng
section-practical_arrangements = Trefniadau ymarferol
section-after_crisis = Ar ôl yr argyfwng
section-maker_details = Am wneuthurwr y datganiad
section-about_me = Amdanaf i
section-values_and_wishes = Gwerthoedd, credoau, dymuniadau a theimladau
section-treatment_requests = Ceisiadau am driniaeth
section-treatment_refusals = Gwrthod triniaeth
section-restrictive_interventions = Ymyriadau cyfyngol
section-hospital_preferences = Dewisiadau ysbyty a ward
section-people = Pobl
section-information_sharing = Rhannu gwybodaeth
section-dependants_and_home = Dibynyddion, cartref ac arian
section-physical_health = Iechyd corfforol
section-communication = Cyfathrebu ac iaith
section-culture_and_faith = Diwylliant, ffydd a deiet
section-distribution = Pwy sydd â chopi
section-sign_off = Llofnodi
section-witness = Tyst
section-reviews = Adolygiadau ymgynghori clinigwyr
section-departures = Gwyro oddi wrth fy nymuniadau

## The crisis plan
plan-whose = Cynllun pwy
plan-people = Pobl
plan-places = Lleoedd
plan-what-helps = Beth sy'n helpu
plan-what-doesnt-help = Beth sydd ddim yn helpu
plan-how-to-approach = Sut i fynd ati gyda mi
plan-where-treated = Ble byddai'n well gennyf gael fy nhrin
plan-places-to-avoid = Lleoedd i'w hosgoi
setting-home = gartref, gyda'r tîm triniaeth yn y cartref
setting-crisis-house = mewn tŷ argyfwng neu gaffi argyfwng
setting-hospital = yn yr ysbyty
plan-recovery = Sut olwg sydd ar adferiad i mi
plan-signs-not-needed = Arwyddion nad oes angen y cynllun mwyach
practical-children = Plant a dibynyddion
practical-pets = Anifeiliaid anwes
practical-home = Cartref
practical-bills = Biliau ac arian
practical-benefits = Budd-daliadau
practical-work = Gwaith neu astudio
practical-other = Unrhyw beth arall

## The advance statement
st-full-name = Enw llawn
st-preferred-name = Enw dewisol
st-pronouns = Rhagenwau
st-date-of-birth = Dyddiad geni
st-health-number = Rhif iechyd
st-address = Cyfeiriad
st-life-experiences = Profiadau bywyd sy'n bwysig i'm gofal
st-trauma = Trawma, a beth sy'n fy ail-drawmateiddio
st-distress-means = Beth mae fy nhrallod yn ei olygu
st-anything-else = Unrhyw beth arall
st-values = Gwerthoedd
st-beliefs = Credoau
st-wishes = Dymuniadau
st-feelings = Teimladau
st-what-worked = Beth sydd wedi gweithio o'r blaen
st-preferred-medication = Meddyginiaeth ddewisol
st-other-requests = Ceisiadau eraill
st-i-refuse = Rwy'n gwrthod: { $treatment }
st-circumstances = Yn yr amgylchiadau hyn
st-why = Pam
st-life-sustaining = Triniaeth cynnal bywyd
st-life-sustaining-yes = ydy: gwneir y gwrthodiad hwn o dan Ddeddf Galluedd Meddyliol 2005 (a.25)
st-my-statement = Fy natganiad
st-try-first = Rhowch gynnig ar y rhain yn gyntaf
st-de-escalation = Dad-ddwysáu sy'n gweithio i mi
st-restraint = Atal corfforol
st-seclusion = Neilltuo
st-rapid-tranquillisation = Tawelu cyflym
st-personal-care-staff = Staff ar gyfer gofal personol
st-preferred-hospitals = Ysbytai neu wardiau dewisol
st-places-to-avoid = Lleoedd i'w hosgoi
st-nominated-person = Fy mherson enwebedig
st-people-to-consult = Pobl i ymgynghori â nhw
st-carers = Gofalwyr
st-attorneys = Atwrneiod a dirprwyon
st-authority = Awdurdod: { $authority }
st-advocate = Fy eiriolwr
st-excluded = Pobl na ddylid cysylltu â nhw nac sy'n cael ymweld
st-may-see = Caiff weld
st-may-not-see = Ni chaiff weld
st-conditions = Cyflyrau
st-disabilities = Anableddau ac anghenion mynediad
st-allergies = Alergeddau
st-physical-medication = Meddyginiaeth ar gyfer iechyd corfforol
st-language = Iaith
st-interpreter = Cyfieithydd
st-interpreter-yes = Mae angen cyfieithydd arnaf
st-easy-read = Hawdd ei ddeall
st-easy-read-yes = Mae angen gwybodaeth hawdd ei deall arnaf
st-other-needs = Anghenion eraill
st-how-to-talk = Sut i siarad â mi
st-culture = Diwylliant
st-religion = Crefydd neu ysbrydolrwydd
st-diet = Deiet
st-given-on = { $who }, rhoddwyd { $date }
authority-health-welfare = Atwrneiaeth Arhosol, iechyd a lles
authority-property = Atwrneiaeth Arhosol, eiddo a materion ariannol
authority-deputy = dirprwy a benodwyd gan y Llys Gwarchod
authority-other = arall (gweler y nodiadau)

## Sign-off, witness, reviews and departures
so-not-signed = Nid yw'r fersiwn hon wedi'i llofnodi.
so-signed-by = Llofnodwyd gan
so-signed-on = Llofnodwyd ar
so-capacity = Roedd gennyf alluedd i wneud y datganiad hwn
so-confirmed = cadarnhawyd
so-not-confirmed = heb ei gadarnhau
so-about-capacity = Am fy ngalluedd
so-support = Cymorth a ddefnyddiais i'w wneud
so-no-witness = Dim tyst.
so-witness = Tyst
so-witnessed-on = Tystiwyd ar
so-understood = Roedd y gwneuthurwr yn deall beth a lofnododd
so-no-undue-influence = Nid oedd y gwneuthurwr dan ddylanwad gormodol
so-confirmed-by-witness = cadarnhawyd gan y tyst
so-witness-statement = Datganiad y tyst
response-agreed = cytunwyd: caiff ei ddilyn
response-noted = darllenwyd a nodwyd
response-cannot-follow = ni ellir ei ddilyn
log-no-reviews = Nid oes clinigwr wedi cofnodi adolygiad o'r fersiwn hon.
log-reviewed = Adolygwyd ar { $date } gan { $clinician }
log-recorded = Cofnodwyd { $when }
log-reason = Rheswm
log-person-told = Dywedwyd wrth yr unigolyn
log-notes = Nodiadau
log-no-departures = Ni chofnodwyd unrhyw wyro oddi wrth y fersiwn hon.
log-the-wish = Y dymuniad
log-decided-by = Penderfynwyd gan

## FHIR narratives
fhir-docref = { $title }, fersiwn { $version }, { $status }. Mae'r ddogfen lawn wedi'i hatodi fel PDF.
fhir-departure = Ni ddilynwyd dymuniad yn "{ $section }" ar { $date }. Penderfynwyd gan { $clinician }. Dymuniad: { $wish }. Rheswm: { $reason }. Dywedwyd wrth yr unigolyn: { $told }.
fhir-not-stated = (heb ei nodi)
fhir-signed = Llofnodwyd gan { $name } ar { $date }. Galluedd wedi'i gadarnhau: { $capacity }.
fhir-witnessed = Tystiwyd gan { $name }{ $on }. Mae'r tyst yn cadarnhau bod y gwneuthurwr yn deall: { $understood }; dim dylanwad gormodol: { $influence }.
fhir-on-date = { " " }ar { $date }
fhir-review = Adolygiad ymgynghori ar { $date } gan { $clinician }.
fhir-response-agreed = cytunwyd
fhir-response-noted = nodwyd
fhir-response-cannot-follow = ni ellir ei ddilyn
fhir-review-line = { $section }: { $response }.
fhir-review-reason = Rheswm: { $reason }.
fhir-review-told = Dywedwyd wrth yr unigolyn: { $told }.
