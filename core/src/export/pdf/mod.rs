//! PDF exports: the full crisis plan, the full advance statement, and a
//! one-page crisis card.
//!
//! Made with [krilla](https://docs.rs/krilla) (the PDF writer behind Typst's
//! PDF export): real text with ToUnicode maps (so `pdftotext`, screen readers
//! and copy-paste work), fonts subset and embedded. krilla has no paragraph
//! layout, so `layout.rs` wraps words and flows them across pages, measuring
//! with the shaper krilla draws with. The font is DejaVu Sans, compiled in
//! (see `fonts.rs`), so Latin with any diacritics, Greek and Cyrillic names
//! print as written.
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
//! A version that is not in force (draft, superseded, revoked) says so in a
//! banner under the title, on the first page of every export.

pub(crate) mod blocks;
pub(crate) mod fonts;
pub(crate) mod layout;
mod plan;
mod statement;

use chrono::Utc;
use krilla::Document;

use self::blocks::{bold, date, has, reg, status_words, Blocks, BODY, SMALL, TITLE};
use self::fonts::Fonts;
use self::layout::{Block, Flow, Frame, Overflow, PageContent, PlacedRun, Style};
use super::{step, ExportDocument};
use crate::documents::{DocumentKind, VersionStatus};
use crate::error::{HavenError, Result};
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

/// The full crisis plan of `doc`'s version, as an A4 PDF.
///
/// `InvalidInput` if `doc` is not a crisis plan; `Cancelled` if `progress`
/// asks to stop.
pub fn crisis_plan(doc: &ExportDocument, progress: &dyn Progress) -> Result<Vec<u8>> {
    doc.expect_kind(DocumentKind::CrisisPlan)?;
    let plan = doc
        .version
        .content
        .as_crisis_plan()
        .ok_or_else(|| HavenError::invalid("this document is not a crisis plan"))?;
    step(progress, "pdf_sections", 0.1)?;
    let b = plan_blocks(doc, plan);
    a4(doc, "Crisis plan", &plan.plan_details.owner, b, progress)
}

/// Everything the full plan shows, before layout.
pub(crate) fn plan_blocks(doc: &ExportDocument, plan: &crate::documents::CrisisPlan) -> Blocks {
    let mut b = Blocks::new(BODY);
    header(doc, "Crisis plan", &plan.plan_details.owner, &mut b);
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
pub(crate) fn statement_blocks(
    doc: &ExportDocument,
    s: &crate::documents::AdvanceStatement,
) -> Blocks {
    let mut b = Blocks::new(BODY);
    header(doc, "Advance statement", statement_name(doc, s), &mut b);
    statement::sections(s, &mut b);
    statement::sign_off(doc.version.sign_off.as_ref(), &mut b);
    statement::response_log(&doc.reviews, &doc.departures, &mut b);
    b.end_section();
    b
}

/// The full advance statement of `doc`'s version, as an A4 PDF: sections,
/// sign-off and witness, clinician consultation reviews and departures.
///
/// `InvalidInput` if `doc` is not an advance statement; `Cancelled` if
/// `progress` asks to stop.
pub fn advance_statement(doc: &ExportDocument, progress: &dyn Progress) -> Result<Vec<u8>> {
    doc.expect_kind(DocumentKind::AdvanceStatement)?;
    let s = doc
        .version
        .content
        .as_advance_statement()
        .ok_or_else(|| HavenError::invalid("this document is not an advance statement"))?;
    step(progress, "pdf_sections", 0.1)?;
    let b = statement_blocks(doc, s);
    a4(
        doc,
        "Advance statement",
        statement_name(doc, s),
        b,
        progress,
    )
}

/// A one-page crisis card (85.6 x 54 mm) from a crisis plan: the person's
/// name, the people who may be contacted with their phones, crisis lines,
/// and what helps. Content that does not fit is cut with an ellipsis and a
/// note on the card says so; the card is always exactly one page.
pub fn crisis_card(doc: &ExportDocument, progress: &dyn Progress) -> Result<Vec<u8>> {
    doc.expect_kind(DocumentKind::CrisisPlan)?;
    let plan = doc
        .version
        .content
        .as_crisis_plan()
        .ok_or_else(|| HavenError::invalid("this document is not a crisis plan"))?;
    step(progress, "pdf_card", 0.1)?;
    let fonts = Fonts::load()?;
    let w = CARD_WIDTH_MM * PT_PER_MM;
    let h = CARD_HEIGHT_MM * PT_PER_MM;
    let m = 8.0;
    let body = 6.2;
    let gutter = 8.0;
    let col_w = (w - 2.0 * m - gutter) / 2.0;
    let note_h = SMALL * 0.7 * 1.3 + 2.0;

    // Title across the card.
    let mut title = PageContent::default();
    let owner = plan.plan_details.owner.trim();
    let title_text = if owner.is_empty() {
        "My crisis card".to_string()
    } else {
        format!("Crisis card: {owner}")
    };
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
    top.add_all(
        &[Block::Heading {
            text: title_text,
            style: Style::bold(8.5),
        }],
        progress,
    )?;
    let mut truncated = top.truncated();
    let title_pages = top.into_pages();
    let title_bottom = title_pages
        .first()
        .and_then(|p| p.runs.last())
        .map(|r| r.y + 8.5 * 0.3 + 3.0)
        .unwrap_or(m + 12.0);
    if let Some(p) = title_pages.into_iter().next() {
        title = p;
    }

    // Left column: who to contact, crisis lines.
    let mut left = Blocks::new(body);
    let contacts: Vec<_> = plan
        .help_contacts
        .iter()
        .filter(|c| c.may_contact && (has(&c.name) || !blocks::phones(&c.phones).is_empty()))
        .collect();
    if !contacts.is_empty() {
        left.card_heading("Please contact");
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
        left.card_heading("Crisis lines");
        for l in lines {
            let how = match l.channel {
                crate::documents::Channel::Call => String::new(),
                _ => format!(" ({})", blocks::channel(l)),
            };
            left.bullet(vec![
                bold(l.name.trim(), body),
                reg(format!(" {}{how}", keep_together(l.number.trim())), body),
            ]);
        }
    }

    // Right column: what helps, how to approach me.
    let mut right = Blocks::new(body);
    let ds = &plan.distress_support;
    if !blocks::items(&ds.helps).is_empty() {
        right.card_heading("What helps me");
        for i in blocks::items(&ds.helps) {
            right.bullet_text(i);
        }
    }
    if has(&ds.how_to_approach_me) {
        right.card_heading("How to approach me");
        right.text(&ds.how_to_approach_me);
    }
    if !blocks::items(&ds.does_not_help).is_empty() {
        right.card_heading("What doesn't help");
        for i in blocks::items(&ds.does_not_help) {
            right.bullet_text(i);
        }
    }

    let bottom = h - m - note_h;
    let mut page = title;
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
        flow.add_all(&blocks.out, progress)?;
        truncated |= flow.truncated();
        for p in flow.into_pages() {
            page.runs.extend(p.runs);
            page.rules.extend(p.rules);
        }
    }
    let mut foot = String::from(status_note(doc.version.status));
    if truncated {
        foot.push_str(" Shortened to fit: my full crisis plan has more.");
    }
    foot.push_str(&format!(" Version {}.", doc.version.number));
    let foot = foot.trim().to_string();
    page.runs.push(PlacedRun {
        x: m,
        y: h - m + 1.0,
        text: foot,
        style: Style::regular(SMALL * 0.7),
    });
    step(progress, "pdf_drawing", 0.6)?;
    let mut document = Document::new();
    layout::render(&mut document, &fonts, &[page], w, h, progress)?;
    finish(document, progress)
}

/// Joins the words of a phone number with no-break spaces so a number is
/// never split across lines on the card.
fn keep_together(s: &str) -> String {
    s.split("; ")
        .map(|one| one.replace(' ', "\u{a0}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A short note for a card whose version is not in force.
fn status_note(s: VersionStatus) -> &'static str {
    match s {
        VersionStatus::Active => "",
        VersionStatus::Draft => "DRAFT, not signed.",
        VersionStatus::Superseded => "SUPERSEDED: not in force.",
        VersionStatus::Revoked => "REVOKED: not in force.",
    }
}

impl Blocks {
    /// A small bold heading for the card.
    fn card_heading(&mut self, text: &str) {
        if !self.out.is_empty() {
            self.out.push(Block::Space(self.body * 0.5));
        }
        self.out.push(Block::Heading {
            text: text.into(),
            style: Style::bold(self.body * 1.1),
        });
    }
}

/// The title block: title, name, version, status, dates, fingerprint.
fn header(doc: &ExportDocument, title: &str, name: &str, b: &mut Blocks) {
    let v = &doc.version;
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
            format!(
                "This version is not in force: {}.",
                status_words(v.status).to_lowercase()
            ),
            BODY * 1.1,
        )]);
    }
    b.field("Version", &format!("{}", v.number));
    b.field("Status", status_words(v.status));
    b.field("Saved", &date(v.created_at.date_naive()));
    if let Some(so) = &v.sign_off {
        b.field("Signed", &date(so.signed_on));
    }
    if let Some(d) = doc.last_signed_on {
        b.field("Last reviewed", &date(d));
    }
    if let Some(d) = doc.next_review {
        b.field("Next review due", &date(d));
    }
    let short: String = v.hash.chars().take(16).collect();
    b.para(vec![reg(
        format!(
            "Version fingerprint {short} · exported {} from Haven",
            date(Utc::now().date_naive())
        ),
        SMALL,
    )]);
    b.out.push(Block::Rule);
}

/// Removes the "Clinician consultation reviews" section the shared response
/// log adds (crisis plans have no reviews, only departures).
fn drop_reviews_section(b: &mut Blocks) {
    let heading = |blk: &Block, t: &str| matches!(blk, Block::Heading { text, .. } if text == t);
    let start = b
        .out
        .iter()
        .position(|blk| heading(blk, "Clinician consultation reviews"));
    let end = b
        .out
        .iter()
        .position(|blk| heading(blk, "Departures from my wishes"));
    if let (Some(s), Some(e)) = (start, end) {
        // Each section starts with a space before its heading.
        let s = s.saturating_sub(1);
        let e = e.saturating_sub(1);
        if s < e {
            b.out.drain(s..e);
        }
    }
}

/// Lays out A4 pages with a footer on each, and writes the PDF.
fn a4(
    doc: &ExportDocument,
    title: &str,
    name: &str,
    b: Blocks,
    progress: &dyn Progress,
) -> Result<Vec<u8>> {
    let mut b = b;
    b.end_section();
    let fonts = Fonts::load()?;
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
    flow.add_all(&b.out, progress)?;
    let mut pages = flow.into_pages();
    let n = pages.len();
    let who = if has(name) {
        format!(" · {}", name.trim())
    } else {
        String::new()
    };
    for (i, p) in pages.iter_mut().enumerate() {
        let mut text = format!(
            "{title}{who} · version {} · page {} of {n}",
            doc.version.number,
            i + 1
        );
        if doc.version.status != VersionStatus::Active {
            text.push_str(&format!(
                " · {}",
                doc.version.status.as_str().to_uppercase()
            ));
        }
        p.runs.push(PlacedRun {
            x: MARGIN,
            y: A4_H - MARGIN + 4.0,
            text,
            style: Style::regular(SMALL),
        });
    }
    step(progress, "pdf_drawing", 0.6)?;
    let mut document = Document::new();
    layout::render(&mut document, &fonts, &pages, A4_W, A4_H, progress)?;
    finish(document, progress)
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
