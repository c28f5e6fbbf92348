//! The crisis card: wallet size (85.6 x 54 mm, ID-1), what a crisis team
//! needs first, in the order they need it.
//!
//! Why it is built this way: a card that cuts a phone number mid-word, or
//! silently drops the person nobody must call, is worse than no card. So
//! nothing is ever cut: the card is laid out at [`CARD_TYPE_PT`]; if that does
//! not fit on one side the type shrinks in steps down to
//! [`CARD_MIN_TYPE_PT`] (the smallest size we hold legible on a card); if it
//! still does not fit the card gets more sides (print double-sided), each
//! side saying "side 1 of 2" and carrying the title, and the person is told
//! with a typed [`ExportWarning`]. Lines break only where UAX #14 allows
//! (phone numbers are held together with no-break spaces).
//!
//! Content, in order: identifiers (from the advance statement in force, if
//! any), people to call, who NOT to contact, the crisis team and other
//! professionals (24-hour services first), crisis lines, allergies, whether
//! there is an advance statement with refusals and where copies are, what
//! helps, how to approach me, what doesn't help.

use std::collections::BTreeSet;

use super::blocks::{bold, date, has, reg, Blocks};
use super::layout::{
    single_line, write_pdf, Block, Element, Flow, Frame, PageContent, PdfMeta, RunTag, Style,
};
use super::text::Fonts;
use super::{select_fonts, warnings, PT_PER_MM};
use crate::documents::{CrisisPlan, DocumentKind, VersionStatus};
use crate::error::{HavenError, Result};
use crate::export::{step, ExportDocument, ExportOptions, ExportWarning, Exported};
use crate::i18n::Labels;
use crate::progress::Progress;

/// Crisis card width: ID-1, 85.6 mm.
pub const CARD_WIDTH_MM: f32 = 85.6;
/// Crisis card height: ID-1, 53.98 mm.
pub const CARD_HEIGHT_MM: f32 = 53.98;
/// The card's body type size, in points, when everything fits.
pub const CARD_TYPE_PT: f32 = 7.0;
/// The smallest body type the card shrinks to before it takes another side:
/// 6 pt, about the size of a bank card's small print and the smallest we
/// hold legible for someone reading it in a hurry.
pub const CARD_MIN_TYPE_PT: f32 = 6.0;
/// The sizes tried, largest first.
const SIZES: [f32; 3] = [CARD_TYPE_PT, 6.5, CARD_MIN_TYPE_PT];
/// Margin, points.
const M: f32 = 8.0;
/// Space between the columns, points.
const GUTTER: f32 = 8.0;
/// Title size relative to the body.
const TITLE_SCALE: f32 = 1.25;

/// The crisis card (85.6 x 54 mm) of a crisis plan: see the module
/// documentation for what it holds and how it keeps everything. Warnings:
/// [`ExportWarning::CrisisCardSmallerType`] when the type was made smaller
/// to fit one side, [`ExportWarning::CrisisCardSides`] when it needs more
/// than one side, besides missing glyphs.
///
/// `InvalidInput` if `doc` is not a crisis plan or the language is unknown;
/// `Cancelled` if `progress` asks to stop.
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

    let owner = plan.plan_details.owner.trim();
    let title = if owner.is_empty() {
        l.t("title-crisis-card")
    } else {
        l.a("title-crisis-card-of", &[("name", owner)])
    };
    let note = status_note(doc.version.status)
        .map(|id| l.t(id))
        .unwrap_or_default();
    let version = l.a(
        "card-version",
        &[("version", &doc.version.number.to_string())],
    );
    let sample_side = l.a("card-side-more", &[("side", "0"), ("sides", "0")]);
    let mark = super::watermark_text(&l, doc.version.status);

    let sample = card_blocks(doc, plan, CARD_TYPE_PT, &l);
    let set = select_fonts(
        options,
        &[&sample],
        &[
            &title,
            &note,
            &version,
            &sample_side,
            &mark.clone().unwrap_or_default(),
        ],
    )?;
    let fonts = Fonts::new(&set)?;

    // The largest size that fits one side, else the smallest on more sides.
    let mut laid = None;
    for size in SIZES {
        let b = card_blocks(doc, plan, size, &l);
        let out = lay_out(&fonts, &b, &title, size, w, h, progress)?;
        let fits = out.pages.len() == 1;
        laid = Some((size, out));
        if fits {
            break;
        }
    }
    let Some((
        size,
        Laid {
            mut pages,
            missing,
            elements,
        },
    )) = laid
    else {
        return Err(HavenError::Internal {
            reason: "no card size tried".into(),
        });
    };

    let sides = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        let side = if sides > 1 {
            let id = if i + 1 < sides {
                "card-side-more"
            } else {
                "card-side-last"
            };
            l.a(
                id,
                &[
                    ("side", &(i + 1).to_string()),
                    ("sides", &sides.to_string()),
                ],
            )
        } else {
            String::new()
        };
        let foot = [note.as_str(), side.as_str(), version.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let (runs, _) = single_line(
            &fonts,
            &foot,
            Style::regular(CARD_MIN_TYPE_PT),
            M,
            h - M + 1.0,
            w - 2.0 * M,
        );
        page.runs.extend(runs);
    }

    let mut warn = warnings(missing);
    if sides > 1 {
        warn.push(ExportWarning::CrisisCardSides {
            sides: u32::try_from(sides).unwrap_or(u32::MAX),
        });
    } else if size < CARD_TYPE_PT {
        warn.push(ExportWarning::CrisisCardSmallerType {
            tenths_of_a_point: (size * 10.0).round() as u32,
        });
    }
    step(progress, "pdf_drawing", 0.6)?;
    let meta = PdfMeta {
        title: title.clone(),
        lang: options.language.clone(),
    };
    let no_boxes = warn
        .iter()
        .all(|w| !matches!(w, ExportWarning::MissingGlyphs { .. }));
    let bytes = write_pdf(
        &fonts,
        &pages,
        &elements,
        (w, h),
        mark.as_deref(),
        &meta,
        no_boxes,
        progress,
    )?;
    step(progress, "pdf: done", 1.0)?;
    Ok(Exported {
        bytes,
        warnings: warn,
    })
}

/// Lays the card out at body size `size`: the title across the top of every
/// side, then two columns filled in order, side after side.
fn lay_out(
    fonts: &Fonts<'_>,
    b: &Blocks,
    title: &str,
    size: f32,
    w: f32,
    h: f32,
    progress: &dyn Progress,
) -> Result<Laid> {
    let title_size = size * TITLE_SCALE;
    // The title, on as many lines as it needs (never cut).
    let mut top = Flow::new(
        fonts,
        Frame {
            x: M,
            top: M - 1.0,
            width: w - 2.0 * M,
            bottom: h,
        },
    );
    top.set_section(title);
    top.add_all(
        &[Block::Heading {
            text: title.into(),
            style: Style::bold(title_size),
            level: 1,
        }],
        &[],
        progress,
    )?;
    let title_elements = top.elements().to_vec();
    let (title_pages, mut missing) = top.finish();
    let title_page = title_pages.into_iter().next().unwrap_or_default();
    let title_bottom = title_page
        .runs
        .iter()
        .map(|r| r.y)
        .reduce(f32::max)
        .map(|y| y + title_size * 0.3 + 2.0)
        .unwrap_or(M);

    let bottom = h - M - CARD_MIN_TYPE_PT * 1.3 - 1.0;
    let col_w = (w - 2.0 * M - GUTTER) / 2.0;
    let frame = |x| Frame {
        x,
        top: title_bottom,
        width: col_w,
        bottom,
    };
    let mut flow =
        Flow::columns(fonts, vec![frame(M), frame(M + col_w + GUTTER)]).after(title_elements);
    flow.add_all(&b.out, &b.sections, progress)?;
    let elements = flow.elements().to_vec();
    let (mut pages, miss) = flow.finish();
    missing.extend(miss);
    // A flow may end with an empty page when the last column filled exactly.
    while pages.len() > 1 && pages.last().is_some_and(|p| p.runs.is_empty()) {
        pages.pop();
    }
    // The title on every side; read once (later sides' copies are artifacts).
    for (side, p) in pages.iter_mut().enumerate() {
        let mut runs = title_page.runs.clone();
        if side > 0 {
            for r in &mut runs {
                r.tag = RunTag::Artifact;
            }
        }
        runs.append(&mut p.runs);
        p.runs = runs;
    }
    Ok(Laid {
        pages,
        missing,
        elements,
    })
}

/// A card laid out: its sides, what no font drew, its structure elements.
struct Laid {
    pages: Vec<PageContent>,
    missing: BTreeSet<(String, &'static str)>,
    elements: Vec<Element>,
}

/// Everything on the card, in order, at body size `body`.
fn card_blocks<'l>(
    doc: &ExportDocument,
    plan: &CrisisPlan,
    body: f32,
    l: &'l Labels,
) -> Blocks<'l> {
    let mut b = Blocks::new(body, l);
    let st = doc.statement.as_ref();

    // Who this is: date of birth and NHS number from the statement in force.
    if let Some(s) = st {
        let mut ids = Vec::new();
        if let Some(d) = s.date_of_birth {
            ids.push(format!("{}: {}", l.t("field-date-of-birth"), date(l, d)));
        }
        if has(&s.health_number) {
            ids.push(format!(
                "{}: {}",
                l.t("field-nhs-number"),
                keep_together(&s.health_number)
            ));
        }
        if !ids.is_empty() {
            b.mark_section(&l.t("title-crisis-card"));
            b.para(vec![reg(ids.join(" · "), body)]);
        }
    }

    let contacts: Vec<_> = plan
        .help_contacts
        .iter()
        .filter(|c| c.may_contact && (has(&c.name) || !super::blocks::phones(&c.phones).is_empty()))
        .collect();
    if !contacts.is_empty() {
        b.card_heading(&l.t("card-please-contact"));
        for c in contacts {
            let mut spans = vec![bold(
                super::blocks::name_rel(&c.name, &c.relationship),
                body,
            )];
            let ph = super::blocks::phones(&c.phones);
            if has(&ph) {
                spans.push(reg(format!(" {}", keep_together(&ph)), body));
            }
            b.bullet(spans);
        }
    }

    let excluded: Vec<_> = plan
        .do_not_involve
        .iter()
        .filter(|p| has(&super::blocks::name_rel(&p.name, &p.relationship)))
        .collect();
    if !excluded.is_empty() {
        b.card_heading(&l.t("card-do-not-contact"));
        for p in excluded {
            let mut what = Vec::new();
            if p.must_not_contact {
                what.push(l.t("excluded-no-contact"));
            }
            if p.must_not_visit {
                what.push(l.t("excluded-no-visit"));
            }
            let mut spans = vec![bold(
                super::blocks::name_rel(&p.name, &p.relationship),
                body,
            )];
            if !what.is_empty() {
                spans.push(reg(format!(": {}", what.join("; ")), body));
            }
            b.bullet(spans);
        }
    }

    let mut pros: Vec<_> = plan
        .professionals
        .iter()
        .filter(|p| !super::blocks::phones(&p.phones).is_empty())
        .collect();
    // 24-hour services (the crisis team) first.
    pros.sort_by_key(|p| !round_the_clock(&p.hours));
    if !pros.is_empty() {
        b.card_heading(&l.t("card-crisis-team"));
        for p in pros {
            let role_org: Vec<&str> = [p.role.trim(), p.organisation.trim()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect();
            let who = super::blocks::name_rel(&p.name, &role_org.join(", "));
            let mut spans = vec![
                bold(who, body),
                reg(
                    format!(" {}", keep_together(&super::blocks::phones(&p.phones))),
                    body,
                ),
            ];
            if has(&p.hours) {
                spans.push(reg(format!(" ({})", p.hours.trim()), body));
            }
            b.bullet(spans);
        }
    }

    let lines: Vec<_> = plan
        .crisis_lines
        .iter()
        .filter(|line| has(&line.number))
        .collect();
    if !lines.is_empty() {
        b.card_heading(&l.t("card-crisis-lines"));
        for line in lines {
            let how = match line.channel {
                crate::documents::Channel::Call => String::new(),
                _ => format!(" ({})", super::blocks::channel(l, line)),
            };
            b.bullet(vec![
                bold(line.name.trim(), body),
                reg(
                    format!(
                        " {}{}{how}",
                        keep_together(line.number.trim()),
                        menu_option(line)
                    ),
                    body,
                ),
            ]);
        }
    }

    if let Some(s) = st {
        if !s.allergies.is_empty() {
            b.card_heading(&l.t("card-allergies"));
            for a in &s.allergies {
                b.bullet_text(&super::blocks::name_rel(&a.substance, &a.reaction));
            }
        }
        b.card_heading(&l.t("card-advance-statement"));
        let has_it = if s.refuses_life_sustaining {
            "card-statement-refuses-life-sustaining"
        } else if s.refusals > 0 {
            "card-statement-refuses"
        } else {
            "card-statement"
        };
        b.text(&l.t(has_it));
        if s.copies.is_empty() {
            b.text(&l.t("card-statement-in-app"));
        } else {
            b.text(&l.a("card-statement-copies", &[("copies", &s.copies.join("; "))]));
        }
    }

    let ds = &plan.distress_support;
    if !super::blocks::items(&ds.helps).is_empty() {
        b.card_heading(&l.t("card-what-helps"));
        for i in super::blocks::items(&ds.helps) {
            b.bullet_text(i);
        }
    }
    if has(&ds.how_to_approach_me) {
        b.card_heading(&l.t("card-how-to-approach"));
        b.text(&ds.how_to_approach_me);
    }
    if !super::blocks::items(&ds.does_not_help).is_empty() {
        b.card_heading(&l.t("card-what-doesnt-help"));
        for i in super::blocks::items(&ds.does_not_help) {
            b.bullet_text(i);
        }
    }
    b
}

/// ", option 2" when a line's notes say which menu option to choose
/// ("choose option 2") and its name does not already: the card has no room
/// for notes, and "NHS 111" alone reaches the wrong service.
fn menu_option(line: &crate::documents::CrisisLine) -> String {
    if option_number(&line.name).is_some() {
        return String::new();
    }
    option_number(&line.notes)
        .map(|n| format!(", option {n}"))
        .unwrap_or_default()
}

/// The digits after the first "option " followed by a digit in `text`.
fn option_number(text: &str) -> Option<String> {
    let lower = text.to_lowercase();
    lower.match_indices("option ").find_map(|(at, m)| {
        let digits: String = lower[at + m.len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        (!digits.is_empty()).then_some(digits)
    })
}

/// Whether opening hours say the service is open day and night ("24/7",
/// "24 hours", "24h").
fn round_the_clock(hours: &str) -> bool {
    hours.contains("24")
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
            level: 2,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::{CrisisLine, Region};

    #[test]
    fn nhs_111_shows_its_menu_option_whatever_its_name() {
        let mut line = CrisisLine::defaults_for(Region::Uk).remove(0);
        assert_eq!(line.number, "111");
        // The default's name already says it.
        assert_eq!(menu_option(&line), "");
        assert!(line.name.contains("option 2"));
        // A plan saved before the name did: the option comes from the notes.
        line.name = "NHS 111, mental health option".into();
        assert_eq!(menu_option(&line), ", option 2");
        line.notes = "Any time.".into();
        assert_eq!(menu_option(&line), "");
    }
}
