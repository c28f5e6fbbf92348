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
//!   words; contacts with phones; crisis lines; departures, if any.
//! - [`advance_statement`]: A4, every non-empty section, then sign-off,
//!   witness, clinician reviews (a response and reason per section) and
//!   departures, with version, status and review dates at the top.
//! - [`crisis_card`]: one page of wallet size (85.6 x 54 mm, ID-1, the size
//!   of a bank card): who may be contacted and their phones, crisis lines,
//!   and what helps. Always exactly one page: whatever does not fit is cut
//!   with an ellipsis and a note says so.
//!
//! Each takes [`ExportOptions`] (language, fonts; the default is English
//! with the bundled fonts) and returns the bytes with
//! [`crate::export::ExportWarning`]s (characters no font draws, by section
//! and script).
//!
//! A version that is not in force (draft, superseded, revoked) says so in a
//! banner under the title, on the first page of every export.

pub(crate) mod blocks;
pub(crate) mod layout;
mod plan;
mod statement;
pub(crate) mod text;

use std::collections::BTreeSet;

use chrono::Utc;
use krilla::Document;

use self::blocks::{bold, date, has, reg, status_words, Blocks, BODY, SMALL, TITLE};
use self::layout::{single_line, Block, Flow, Frame, Overflow, Style};
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
/// Crisis card width: ID-1, 85.6 mm.
pub const CARD_WIDTH_MM: f32 = 85.6;
/// Crisis card height: ID-1, 53.98 mm.
pub const CARD_HEIGHT_MM: f32 = 53.98;

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

/// A one-page crisis card (85.6 x 54 mm) from a crisis plan: the person's
/// name, the people who may be contacted with their phones, crisis lines,
/// and what helps. Content that does not fit is cut with an ellipsis and a
/// note on the card says so; the card is always exactly one page.
pub fn crisis_card(
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
    step(progress, "pdf_card", 0.1)?;
    let w = CARD_WIDTH_MM * PT_PER_MM;
    let h = CARD_HEIGHT_MM * PT_PER_MM;
    let m = 8.0;
    let body = 6.2;
    let gutter = 8.0;
    let col_w = (w - 2.0 * m - gutter) / 2.0;
    let note_h = SMALL * 0.7 * 1.3 + 2.0;

    let owner = plan.plan_details.owner.trim();
    let title_text = if owner.is_empty() {
        l.t("title-crisis-card")
    } else {
        l.a("title-crisis-card-of", &[("name", owner)])
    };
    let (left, right) = card_columns(plan, body, &l);
    let mut foot = status_note(doc.version.status)
        .map(|id| l.t(id))
        .unwrap_or_default();
    let shortened = l.t("card-shortened");
    let version = l.a(
        "card-version",
        &[("version", &doc.version.number.to_string())],
    );

    let set = select_fonts(
        options,
        &[&left, &right],
        &[&title_text, &foot, &shortened, &version],
    )?;
    let fonts = Fonts::new(&set)?;
    let mut missing = BTreeSet::new();

    // Title across the card.
    let mut top = Flow::new(
        &fonts,
        Frame {
            x: m,
            top: m - 1.0,
            width: w - 2.0 * m,
            bottom: m + 2.0 * 8.5 * 1.3,
        },
        Overflow::Truncate,
    );
    top.set_section(&l.t("title-crisis-card"));
    top.add_all(
        &[Block::Heading {
            text: title_text,
            style: Style::bold(8.5),
        }],
        &[],
        progress,
    )?;
    let mut truncated = top.truncated();
    let (title_pages, miss) = top.finish();
    missing.extend(miss);
    let title_bottom = title_pages
        .first()
        .and_then(|p| p.runs.last())
        .map(|r| r.y + 8.5 * 0.3 + 3.0)
        .unwrap_or(m + 12.0);
    let mut page = title_pages.into_iter().next().unwrap_or_default();

    let bottom = h - m - note_h;
    for (blocks, x) in [(left, m), (right, m + col_w + gutter)] {
        let mut flow = Flow::new(
            &fonts,
            Frame {
                x,
                top: title_bottom,
                width: col_w,
                bottom,
            },
            Overflow::Truncate,
        );
        flow.add_all(&blocks.out, &blocks.sections, progress)?;
        truncated |= flow.truncated();
        let (pages, miss) = flow.finish();
        missing.extend(miss);
        for p in pages {
            page.runs.extend(p.runs);
            page.rules.extend(p.rules);
        }
    }
    if truncated {
        foot.push(' ');
        foot.push_str(&shortened);
    }
    foot.push(' ');
    foot.push_str(&version);
    let (runs, _) = single_line(
        &fonts,
        foot.trim(),
        Style::regular(SMALL * 0.7),
        m,
        h - m + 1.0,
        w - 2.0 * m,
    );
    page.runs.extend(runs);
    step(progress, "pdf_drawing", 0.6)?;
    let mut document = Document::new();
    layout::render(&mut document, &fonts, &[page], w, h, progress)?;
    Ok(Exported {
        bytes: finish(document, progress)?,
        warnings: warnings(missing),
    })
}

/// The card's two columns: who to contact and crisis lines; what helps and
/// how to approach me.
fn card_columns<'l>(
    plan: &crate::documents::CrisisPlan,
    body: f32,
    l: &'l Labels,
) -> (Blocks<'l>, Blocks<'l>) {
    let mut left = Blocks::new(body, l);
    let contacts: Vec<_> = plan
        .help_contacts
        .iter()
        .filter(|c| c.may_contact && (has(&c.name) || !blocks::phones(&c.phones).is_empty()))
        .collect();
    if !contacts.is_empty() {
        left.card_heading(&l.t("card-please-contact"));
        for c in contacts {
            let mut spans = vec![bold(blocks::name_rel(&c.name, &c.relationship), body)];
            let ph = blocks::phones(&c.phones);
            if has(&ph) {
                spans.push(reg(format!(" {}", keep_together(&ph)), body));
            }
            left.bullet(spans);
        }
    }
    let lines: Vec<_> = plan
        .crisis_lines
        .iter()
        .filter(|l| has(&l.number))
        .collect();
    if !lines.is_empty() {
        left.card_heading(&l.t("card-crisis-lines"));
        for line in lines {
            let how = match line.channel {
                crate::documents::Channel::Call => String::new(),
                _ => format!(" ({})", blocks::channel(l, line)),
            };
            left.bullet(vec![
                bold(line.name.trim(), body),
                reg(format!(" {}{how}", keep_together(line.number.trim())), body),
            ]);
        }
    }

    let mut right = Blocks::new(body, l);
    let ds = &plan.distress_support;
    if !blocks::items(&ds.helps).is_empty() {
        right.card_heading(&l.t("card-what-helps"));
        for i in blocks::items(&ds.helps) {
            right.bullet_text(i);
        }
    }
    if has(&ds.how_to_approach_me) {
        right.card_heading(&l.t("card-how-to-approach"));
        right.text(&ds.how_to_approach_me);
    }
    if !blocks::items(&ds.does_not_help).is_empty() {
        right.card_heading(&l.t("card-what-doesnt-help"));
        for i in blocks::items(&ds.does_not_help) {
            right.bullet_text(i);
        }
    }
    (left, right)
}

/// Joins the words of a phone number with no-break spaces so a number is
/// never split across lines on the card.
fn keep_together(s: &str) -> String {
    s.split("; ")
        .map(|one| one.replace(' ', "\u{a0}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The message id of a short note for a card whose version is not in force.
fn status_note(s: VersionStatus) -> Option<&'static str> {
    match s {
        VersionStatus::Active => None,
        VersionStatus::Draft => Some("card-note-draft"),
        VersionStatus::Superseded => Some("card-note-superseded"),
        VersionStatus::Revoked => Some("card-note-revoked"),
    }
}

impl Blocks<'_> {
    /// A small bold heading for the card (also names the section).
    fn card_heading(&mut self, text: &str) {
        if !self.out.is_empty() {
            self.out.push(Block::Space(self.body * 0.5));
        }
        self.mark_section(text);
        self.out.push(Block::Heading {
            text: text.into(),
            style: Style::bold(self.body * 1.1),
        });
    }
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
    });
    if has(name) {
        b.out.push(Block::Heading {
            text: name.trim().into(),
            style: Style::bold(14.0),
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
        Overflow::NewPage,
    );
    flow.add_all(&b.out, &b.sections, progress)?;
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
    let mut document = Document::new();
    layout::render(&mut document, &fonts, &pages, A4_W, A4_H, progress)?;
    Ok(Exported {
        bytes: finish(document, progress)?,
        warnings: warnings(missing),
    })
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

fn finish(document: Document, progress: &dyn Progress) -> Result<Vec<u8>> {
    step(progress, "pdf_writing", 0.9)?;
    // krilla's errors can name font or text details: keep only the kind.
    let bytes = document.finish().map_err(|_| HavenError::Internal {
        reason: "the pdf writer failed".into(),
    })?;
    step(progress, "pdf: done", 1.0)?;
    Ok(bytes)
}
