//! PDF exports: the full crisis plan, the full advance statement, and a
//! one-page crisis card.
//!
//! Made with [krilla](https://docs.rs/krilla) (the PDF writer behind Typst's
//! PDF export): real text with ToUnicode maps (so `pdftotext`, screen readers
//! and copy-paste work), fonts subset and embedded. krilla has no paragraph
//! layout, so `text.rs` shapes, orders (bidi) and breaks (UAX #14) each
//! paragraph and `layout.rs` flows lines across pages, measuring with the
//! shaper krilla draws with. Fonts come from the export's
//! [`crate::export::fonts::FontSource`]: DejaVu Sans first, then per run of
//! text the first face that draws it (CJK, Arabic, Indic, ... from the app's
//! or the system's fonts). Labels come from the message catalogue
//! ([`crate::i18n`]) in the language the person chose for the export.
//!
//! - [`crisis_plan`]: A4, every non-empty section, headed, in the person's
//!   words; contacts with phones; crisis lines; departures, if any. Its
//!   first page shows the person's identifiers and points to their advance
//!   statement in force, if any ([`crate::export::StatementSummary`]).
//! - [`advance_statement`]: A4; its first page says whether it refuses
//!   treatment (an advance decision), the allergies and the nominated person;
//!   then every non-empty section, sign-off, witness, clinician reviews (a
//!   response and reason per section) and departures.
//! - [`crisis_card`]: wallet size (85.6 x 54 mm, ID-1): people to call, who
//!   NOT to contact, the crisis team, crisis lines, allergies, the advance
//!   statement and where it is, what helps. Nothing is cut: smaller type down
//!   to [`CARD_MIN_TYPE_PT`], then more sides, with a warning (`card.rs`).
//!
//! Each takes [`ExportOptions`] (language, fonts; the default is English
//! with the bundled fonts) and returns the bytes with
//! [`crate::export::ExportWarning`]s (characters no font draws, by section
//! and script; a card that needed smaller type or more sides).
//!
//! A version that is not in force (draft, superseded, revoked) says so in a
//! banner under the title and carries its status as a watermark across every
//! page (a page photocopied on its own still says it).

pub(crate) mod blocks;
mod card;
pub(crate) mod layout;
mod plan;
mod statement;
pub(crate) mod text;

use std::collections::BTreeSet;

use chrono::Utc;

use self::blocks::{bold, date, has, reg, status_words, Blocks, BODY, SMALL, TITLE};
pub use self::card::{crisis_card, CARD_HEIGHT_MM, CARD_MIN_TYPE_PT, CARD_TYPE_PT, CARD_WIDTH_MM};
use self::layout::{single_line, Block, Flow, Frame, PdfMeta, Style};
use self::text::Fonts;
use super::fonts::FontSet;
use super::{step, ExportDocument, ExportOptions, ExportWarning, Exported};
use crate::documents::{DocumentKind, VersionStatus};
use crate::error::{HavenError, Result};
use crate::i18n::Labels;
use crate::progress::Progress;

/// A4 width in points.
const A4_W: f32 = 595.28;
/// A4 height in points.
const A4_H: f32 = 841.89;
/// A4 margin (20 mm).
const MARGIN: f32 = 56.7;
/// Points per millimetre.
const PT_PER_MM: f32 = 72.0 / 25.4;

/// The full crisis plan of `doc`'s version, as an A4 PDF, with `options`'
/// language and fonts.
///
/// `InvalidInput` if `doc` is not a crisis plan or the language is not one
/// of [`crate::i18n::languages`]; `Cancelled` if `progress` asks to stop.
pub fn crisis_plan(
    doc: &ExportDocument,
    options: &ExportOptions,
    progress: &dyn Progress,
) -> Result<Exported> {
    doc.expect_kind(DocumentKind::CrisisPlan)?;
    let plan = doc
        .version
        .content
        .as_crisis_plan()
        .ok_or_else(|| HavenError::invalid("this document is not a crisis plan"))?;
    let l = Labels::new(&options.language)?;
    step(progress, "pdf_sections", 0.1)?;
    let b = plan_blocks(doc, plan, &l);
    a4(
        doc,
        &l.t("title-crisis-plan"),
        &plan.plan_details.owner,
        b,
        options,
        progress,
    )
}

/// Everything the full plan shows, before layout.
pub(crate) fn plan_blocks<'l>(
    doc: &ExportDocument,
    plan: &crate::documents::CrisisPlan,
    l: &'l Labels,
) -> Blocks<'l> {
    let mut b = Blocks::new(BODY, l);
    header(
        doc,
        &l.t("title-crisis-plan"),
        &plan.plan_details.owner,
        &mut b,
    );
    plan::sections(plan, &mut b);
    if !doc.departures.is_empty() {
        statement::response_log(&[], &doc.departures, &mut b);
        // The plan has no consultation reviews: drop that heading's note.
        drop_reviews_section(&mut b);
    }
    b.end_section();
    b
}

/// The person's name on a statement: the maker's, else the signer's.
pub(crate) fn statement_name<'a>(
    doc: &'a ExportDocument,
    s: &'a crate::documents::AdvanceStatement,
) -> &'a str {
    if has(&s.maker_details.full_name) {
        s.maker_details.full_name.as_str()
    } else {
        doc.version
            .sign_off
            .as_ref()
            .map(|so| so.maker_name.as_str())
            .unwrap_or("")
    }
}

/// Everything the full statement shows, before layout.
pub(crate) fn statement_blocks<'l>(
    doc: &ExportDocument,
    s: &crate::documents::AdvanceStatement,
    l: &'l Labels,
) -> Blocks<'l> {
    let mut b = Blocks::new(BODY, l);
    header(
        doc,
        &l.t("title-advance-statement"),
        statement_name(doc, s),
        &mut b,
    );
    statement::sections(s, &mut b);
    statement::sign_off(doc.version.sign_off.as_ref(), &mut b);
    statement::response_log(&doc.reviews, &doc.departures, &mut b);
    b.end_section();
    b
}

/// The full advance statement of `doc`'s version, as an A4 PDF: sections,
/// sign-off and witness, clinician consultation reviews and departures, with
/// `options`' language and fonts.
///
/// `InvalidInput` if `doc` is not an advance statement or the language is
/// unknown; `Cancelled` if `progress` asks to stop.
pub fn advance_statement(
    doc: &ExportDocument,
    options: &ExportOptions,
    progress: &dyn Progress,
) -> Result<Exported> {
    doc.expect_kind(DocumentKind::AdvanceStatement)?;
    let s = doc
        .version
        .content
        .as_advance_statement()
        .ok_or_else(|| HavenError::invalid("this document is not an advance statement"))?;
    let l = Labels::new(&options.language)?;
    step(progress, "pdf_sections", 0.1)?;
    let b = statement_blocks(doc, s, &l);
    a4(
        doc,
        &l.t("title-advance-statement"),
        statement_name(doc, s),
        b,
        options,
        progress,
    )
}

/// "Revoked on 3 March 2026 (in writing)", its witness and notes, for a
/// revoked version; the day the status changed when no record was kept.
fn revoked(doc: &ExportDocument, b: &mut Blocks) {
    let l = b.l;
    if doc.version.status != VersionStatus::Revoked {
        return;
    }
    let Some(r) = &doc.revocation else {
        if let Some(at) = doc.revoked_at {
            b.field(&l.t("field-revoked-on"), &date(l, at.date_naive()));
        }
        return;
    };
    b.field(
        &l.t("field-revoked-on"),
        &l.a(
            "revoked-on-how",
            &[
                ("date", &date(l, r.revoked_on)),
                ("how", &l.t(revocation_method(r.how))),
            ],
        ),
    );
    if let Some(w) = &r.witness {
        let mut who = blocks::name_rel(&w.name, &w.role);
        if let Some(d) = w.signed_on {
            who.push_str(&l.a("fhir-on-date", &[("date", &date(l, d))]));
        }
        b.field(&l.t("field-revocation-witness"), &who);
    }
    b.field(&l.t("field-revocation-notes"), &r.notes);
}

/// The message id of how a version was withdrawn.
pub(crate) fn revocation_method(how: crate::documents::RevocationMethod) -> &'static str {
    use crate::documents::RevocationMethod as M;
    match how {
        M::InWriting => "revoked-in-writing",
        M::Spoken => "revoked-spoken",
        M::InApp => "revoked-in-app",
    }
}

/// The title block: title, name, version, status, dates, fingerprint.
fn header(doc: &ExportDocument, title: &str, name: &str, b: &mut Blocks) {
    let v = &doc.version;
    let l = b.l;
    b.mark_section(title);
    b.out.push(Block::Heading {
        text: title.into(),
        style: Style::bold(TITLE),
        level: 1,
    });
    if has(name) {
        b.out.push(Block::Heading {
            text: name.trim().into(),
            style: Style::bold(14.0),
            level: 2,
        });
    }
    b.out.push(Block::Space(4.0));
    if v.status != VersionStatus::Active {
        b.para(vec![bold(
            l.a(
                "banner-not-in-force",
                &[("status", &status_words(l, v.status).to_lowercase())],
            ),
            BODY * 1.1,
        )]);
    }
    key_facts(doc, b);
    b.field(&l.t("field-version"), &format!("{}", v.number));
    b.field(&l.t("field-status"), &status_words(l, v.status));
    b.field(&l.t("field-saved"), &date(l, v.created_at.date_naive()));
    if let Some(so) = &v.sign_off {
        b.field(&l.t("field-signed"), &date(l, so.signed_on));
    }
    if let Some(d) = doc.last_signed_on {
        b.field(&l.t("field-last-reviewed"), &date(l, d));
    }
    revoked(doc, b);
    // The next review is the document's, due for the version in force: a
    // revoked or superseded version will not be reviewed.
    if let (Some(d), VersionStatus::Active | VersionStatus::Draft) = (doc.next_review, v.status) {
        b.field(&l.t("field-next-review"), &date(l, d));
    }
    let short: String = v.hash.chars().take(16).collect();
    b.para(vec![reg(
        l.a(
            "fingerprint",
            &[
                ("hash", &short),
                ("date", &date(l, Utc::now().date_naive())),
            ],
        ),
        SMALL,
    )]);
    b.out.push(Block::Rule);
}

/// What a triage nurse needs before reading on, on the first page: for a
/// statement, the person's identifiers, whether it refuses treatment,
/// allergies and the nominated person; for a plan, the identifiers and a
/// pointer to the advance statement in force (from [`ExportDocument::statement`]).
fn key_facts(doc: &ExportDocument, b: &mut Blocks) {
    let l = b.l;
    if let Some(s) = doc.version.content.as_advance_statement() {
        let m = &s.maker_details;
        if let Some(d) = m.date_of_birth {
            b.field(&l.t("field-date-of-birth"), &date(l, d));
        }
        b.field(&l.t("field-nhs-number"), &m.health_number);
        b.sub(&l.t("key-heading"));
        let refusals: Vec<_> = s
            .treatment_refusals
            .iter()
            .filter(|r| has(&r.treatment))
            .collect();
        let refusals_section = blocks::section(l, crate::documents::Section::TreatmentRefusals);
        let adrt = if refusals.iter().any(|r| r.life_sustaining) {
            l.a("key-adrt-life", &[("section", &refusals_section)])
        } else if !refusals.is_empty() {
            l.a("key-adrt", &[("section", &refusals_section)])
        } else {
            l.t("key-no-adrt")
        };
        b.bullet(vec![bold(adrt, b.body)]);
        let allergies: Vec<String> = s
            .physical_health
            .allergies
            .iter()
            .filter(|a| has(&a.substance))
            .map(|a| blocks::name_rel(&a.substance, &a.reaction))
            .collect();
        let allergies = if allergies.is_empty() {
            l.t("key-no-allergies")
        } else {
            allergies.join("; ")
        };
        b.bullet(vec![
            bold(format!("{}: ", l.t("key-allergies")), b.body),
            reg(allergies, b.body),
        ]);
        let nominated = s
            .people
            .nominated_person
            .as_ref()
            .map(|c| {
                let who = blocks::name_rel(&c.name, &c.relationship);
                let ph = blocks::phones(&c.phones);
                if has(&ph) {
                    format!("{who}, {ph}")
                } else {
                    who
                }
            })
            .filter(|w| has(w))
            .unwrap_or_else(|| l.t("key-no-nominated-person"));
        b.bullet(vec![
            bold(format!("{}: ", l.t("key-nominated-person")), b.body),
            reg(nominated, b.body),
        ]);
        b.out.push(Block::Space(4.0));
    } else if let Some(st) = &doc.statement {
        if let Some(d) = st.date_of_birth {
            b.field(&l.t("field-date-of-birth"), &date(l, d));
        }
        b.field(&l.t("field-nhs-number"), &st.health_number);
        b.sub(&l.t("plan-statement"));
        let version = st.version.to_string();
        let which = match st.signed_on {
            Some(d) => l.a(
                "plan-statement-in-force",
                &[("version", &version), ("date", &date(l, d))],
            ),
            None => l.a("plan-statement-in-force-undated", &[("version", &version)]),
        };
        let refuses = if st.refuses_life_sustaining {
            "card-statement-refuses-life-sustaining"
        } else if st.refusals > 0 {
            "card-statement-refuses"
        } else {
            "card-statement"
        };
        b.para(vec![bold(l.t(refuses), b.body)]);
        b.text(&which);
        if !st.copies.is_empty() {
            b.text(&l.a(
                "card-statement-copies",
                &[("copies", &st.copies.join("; "))],
            ));
        }
        b.out.push(Block::Space(4.0));
    }
}

/// Removes the "Clinician consultation reviews" section the shared response
/// log adds (crisis plans have no reviews, only departures).
fn drop_reviews_section(b: &mut Blocks) {
    let reviews = b.l.t("section-reviews");
    let departures = b.l.t("section-departures");
    let heading = |blk: &Block, t: &str| matches!(blk, Block::Heading { text, .. } if text == t);
    let start = b.out.iter().position(|blk| heading(blk, &reviews));
    let end = b.out.iter().position(|blk| heading(blk, &departures));
    if let (Some(s), Some(e)) = (start, end) {
        // Each section starts with a space before its heading.
        let s = s.saturating_sub(1);
        let e = e.saturating_sub(1);
        if s < e {
            b.out.drain(s..e);
            let gone = e - s;
            b.sections.retain(|(at, _)| *at < s || *at >= e);
            for (at, _) in &mut b.sections {
                if *at >= e {
                    *at -= gone;
                }
            }
        }
    }
}

/// Every character an export will draw: its blocks and its other texts
/// (title, footers), and what the layout adds (bullets, ellipses, digits).
fn select_fonts(options: &ExportOptions, blocks: &[&Blocks], extra: &[&str]) -> Result<FontSet> {
    let mut chars: BTreeSet<char> = "•…0123456789 ·:()—".chars().collect();
    for b in blocks {
        for blk in &b.out {
            match blk {
                Block::Heading { text, .. } => chars.extend(text.chars()),
                Block::Para { spans, .. } | Block::Bullet { spans, .. } => {
                    for s in spans {
                        chars.extend(s.text.chars());
                    }
                }
                Block::Space(_) | Block::Rule => {}
            }
        }
    }
    for t in extra {
        chars.extend(t.chars());
    }
    options.fonts.select(&chars)
}

/// The warnings for characters no font could draw, one per section and script.
fn warnings(missing: BTreeSet<(String, &'static str)>) -> Vec<ExportWarning> {
    missing
        .into_iter()
        .map(|(section, script)| ExportWarning::MissingGlyphs {
            section,
            script: script.to_string(),
        })
        .collect()
}

/// Lays out A4 pages with a footer on each, and writes the PDF.
fn a4(
    doc: &ExportDocument,
    title: &str,
    name: &str,
    b: Blocks,
    options: &ExportOptions,
    progress: &dyn Progress,
) -> Result<Exported> {
    let mut b = b;
    b.end_section();
    let l = b.l;
    let who = if has(name) {
        format!(" · {}", name.trim())
    } else {
        String::new()
    };
    let status = if doc.version.status != VersionStatus::Active {
        format!(" · {}", l.t(short_status(doc.version.status)))
    } else {
        String::new()
    };
    let version = l.a(
        "footer-version",
        &[("version", &doc.version.number.to_string())],
    );
    let sample_page = l.a("footer-page", &[("page", "0"), ("pages", "0")]);
    let set = select_fonts(
        options,
        &[&b],
        &[title, &who, &status, &version, &sample_page],
    )?;
    let fonts = Fonts::new(&set)?;
    step(progress, "pdf_layout", 0.3)?;
    let mut flow = Flow::new(
        &fonts,
        Frame {
            x: MARGIN,
            top: MARGIN,
            width: A4_W - 2.0 * MARGIN,
            bottom: A4_H - MARGIN - 14.0,
        },
    );
    flow.add_all(&b.out, &b.sections, progress)?;
    let elements = flow.elements().to_vec();
    let (mut pages, missing) = flow.finish();
    let n = pages.len();
    for (i, p) in pages.iter_mut().enumerate() {
        let page = l.a(
            "footer-page",
            &[("page", &(i + 1).to_string()), ("pages", &n.to_string())],
        );
        let text = format!("{title}{who} · {version} · {page}{status}");
        let (runs, _) = single_line(
            &fonts,
            &text,
            Style::regular(SMALL),
            MARGIN,
            A4_H - MARGIN + 4.0,
            A4_W - 2.0 * MARGIN,
        );
        p.runs.extend(runs);
    }
    step(progress, "pdf_drawing", 0.6)?;
    let mark = watermark_text(l, doc.version.status);
    let meta = PdfMeta {
        title: format!("{title}{who}"),
        lang: options.language.clone(),
    };
    let bytes = layout::write_pdf(
        &fonts,
        &pages,
        &elements,
        (A4_W, A4_H),
        mark.as_deref(),
        &meta,
        missing.is_empty(),
        progress,
    )?;
    step(progress, "pdf: done", 1.0)?;
    Ok(Exported {
        bytes,
        warnings: warnings(missing),
    })
}

/// The watermark across every page of a version not in force ("DRAFT",
/// "REVOKED", "SUPERSEDED"); `None` for the version in force.
pub(crate) fn watermark_text(l: &Labels, s: VersionStatus) -> Option<String> {
    (s != VersionStatus::Active).then(|| l.t(short_status(s)))
}

/// The message id of a status in capitals, for footers.
fn short_status(s: VersionStatus) -> &'static str {
    match s {
        VersionStatus::Draft => "status-short-draft",
        VersionStatus::Active => "status-short-active",
        VersionStatus::Superseded => "status-short-superseded",
        VersionStatus::Revoked => "status-short-revoked",
    }
}
