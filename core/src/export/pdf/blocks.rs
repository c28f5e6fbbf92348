//! Building blocks shared by the plan, statement and card: sections that
//! vanish when empty, labelled fields, lists, people and phone numbers.

use chrono::NaiveDate;

use chrono::Datelike;

use super::layout::{Block, Span, Style};
use crate::documents::{Channel, Contact, CrisisLine, ExcludedPerson, PhoneNumber, Professional};
use crate::documents::{Clinician, VersionStatus};
use crate::i18n::Labels;

/// Body text size in points.
pub(crate) const BODY: f32 = 10.0;
/// Small print.
pub(crate) const SMALL: f32 = 8.0;
/// Document title.
pub(crate) const TITLE: f32 = 20.0;
/// Section heading.
pub(crate) const H2: f32 = 13.5;
/// Sub-heading inside a section.
pub(crate) const H3: f32 = 10.5;

/// A list of blocks under construction, with its labels' language.
pub(crate) struct Blocks<'l> {
    pub out: Vec<Block>,
    section_start: Option<usize>,
    /// Body size (the card uses smaller text).
    pub body: f32,
    /// The labels.
    pub l: &'l Labels,
    /// Where each section starts (block index, heading), for warnings.
    pub sections: Vec<(usize, String)>,
}

/// A span of regular text.
pub(crate) fn reg(text: impl Into<String>, size: f32) -> Span {
    Span {
        text: text.into(),
        style: Style::regular(size),
    }
}

/// A span of bold text.
pub(crate) fn bold(text: impl Into<String>, size: f32) -> Span {
    Span {
        text: text.into(),
        style: Style::bold(size),
    }
}

/// Whether a string has anything but whitespace.
pub(crate) fn has(s: &str) -> bool {
    !s.trim().is_empty()
}

/// The non-empty items of a list, trimmed.
pub(crate) fn items(list: &[String]) -> Vec<&str> {
    list.iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A date as "3 March 2026" (month named in the labels' language).
pub(crate) fn date(l: &Labels, d: NaiveDate) -> String {
    l.a(
        "date",
        &[
            ("day", &d.day().to_string()),
            ("month", &l.t(&format!("month-{}", d.month()))),
            ("year", &d.year().to_string()),
        ],
    )
}

/// A date and time as "3 March 2026 14:05 UTC".
pub(crate) fn date_time(l: &Labels, t: crate::Timestamp) -> String {
    format!("{} {}", date(l, t.date_naive()), t.format("%H:%M UTC"))
}

/// "yes" / "no".
pub(crate) fn yes_no(l: &Labels, b: bool) -> String {
    l.t(if b { "yes" } else { "no" })
}

/// A status in words for a reader outside the app.
pub(crate) fn status_words(l: &Labels, s: VersionStatus) -> String {
    l.t(match s {
        VersionStatus::Draft => "status-draft",
        VersionStatus::Active => "status-active",
        VersionStatus::Superseded => "status-superseded",
        VersionStatus::Revoked => "status-revoked",
    })
}

/// A section's heading in the labels' language.
pub(crate) fn section(l: &Labels, s: crate::documents::Section) -> String {
    l.t(&format!("section-{}", s.key()))
}

/// "0700 900 100 (mobile); 0161 000 000 (work)".
pub(crate) fn phones(list: &[PhoneNumber]) -> String {
    list.iter()
        .filter(|p| has(&p.number))
        .map(|p| {
            if has(&p.label) {
                format!("{} ({})", p.number.trim(), p.label.trim())
            } else {
                p.number.trim().to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// "Name (relationship)".
pub(crate) fn name_rel(name: &str, rel: &str) -> String {
    match (has(name), has(rel)) {
        (true, true) => format!("{} ({})", name.trim(), rel.trim()),
        (true, false) => name.trim().to_string(),
        (false, true) => rel.trim().to_string(),
        (false, false) => String::new(),
    }
}

/// "Dr A (consultant psychiatrist, Ward 5)".
pub(crate) fn clinician(c: &Clinician) -> String {
    let extra: Vec<&str> = [c.role.trim(), c.organisation.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if extra.is_empty() {
        c.name.trim().to_string()
    } else {
        format!("{} ({})", c.name.trim(), extra.join(", "))
    }
}

/// How a crisis line is reached, in words.
pub(crate) fn channel(l: &Labels, line: &CrisisLine) -> String {
    let msg = line.text_message.trim();
    match line.channel {
        Channel::Call => l.t("channel-call"),
        Channel::Text if has(msg) => l.a("channel-text-to", &[("message", msg)]),
        Channel::Text => l.t("channel-text"),
        Channel::CallOrText if has(msg) => l.a("channel-call-or-text-to", &[("message", msg)]),
        Channel::CallOrText => l.t("channel-call-or-text"),
    }
}

impl<'l> Blocks<'l> {
    pub fn new(body: f32, l: &'l Labels) -> Self {
        Self {
            out: Vec::new(),
            section_start: None,
            body,
            l,
            sections: Vec::new(),
        }
    }

    /// Names the section the next blocks belong to (for warnings), without
    /// a heading.
    pub fn mark_section(&mut self, name: &str) {
        self.sections.push((self.out.len(), name.to_string()));
    }

    /// Starts a section; it is dropped by [`Blocks::end_section`] if nothing
    /// was added under its heading.
    pub fn section(&mut self, title: &str) {
        self.end_section();
        self.mark_section(title);
        self.section_start = Some(self.out.len());
        self.out.push(Block::Space(self.body * 0.9));
        self.out.push(Block::Heading {
            text: title.into(),
            style: Style::bold(H2.min(self.body * 1.35)),
            level: 2,
        });
        self.out.push(Block::Rule);
    }

    /// Ends the current section, removing it if empty.
    pub fn end_section(&mut self) {
        if let Some(start) = self.section_start.take() {
            if self.out.len() == start + 3 {
                self.out.truncate(start);
            }
        }
    }

    /// A sub-heading.
    pub fn sub(&mut self, title: &str) {
        self.out.push(Block::Space(self.body * 0.3));
        self.out.push(Block::Heading {
            text: title.into(),
            style: Style::bold(H3.min(self.body * 1.05)),
            level: 3,
        });
    }

    /// A paragraph of spans.
    pub fn para(&mut self, spans: Vec<Span>) {
        self.out.push(Block::Para { spans, indent: 0.0 });
    }

    /// Free text in the person's words (newlines kept); nothing if empty.
    pub fn text(&mut self, text: &str) {
        if has(text) {
            self.para(vec![reg(text.trim(), self.body)]);
        }
    }

    /// "Label: value" on one paragraph; nothing if the value is empty.
    pub fn field(&mut self, label: &str, value: &str) {
        if has(value) {
            self.para(vec![
                bold(format!("{label}: "), self.body),
                reg(value.trim(), self.body),
            ]);
        }
    }

    /// A labelled block of free text: the label as a sub-heading, the text
    /// below (better for long answers than [`Blocks::field`]).
    pub fn long_field(&mut self, label: &str, value: &str) {
        if has(value) {
            self.sub(label);
            self.text(value);
        }
    }

    /// A bullet.
    pub fn bullet(&mut self, spans: Vec<Span>) {
        self.out.push(Block::Bullet { spans, indent: 0.0 });
    }

    /// A bullet of plain text.
    pub fn bullet_text(&mut self, text: &str) {
        if has(text) {
            self.bullet(vec![reg(text.trim(), self.body)]);
        }
    }

    /// A list of items as bullets, under an optional sub-heading.
    pub fn list(&mut self, label: Option<&str>, list: &[String]) {
        let list = items(list);
        if list.is_empty() {
            return;
        }
        if let Some(l) = label {
            self.sub(l);
        }
        for i in list {
            self.bullet_text(i);
        }
    }

    /// A contact as a bullet: name, relationship, phones, notes, and whether
    /// they may be contacted.
    pub fn contact(&mut self, c: &Contact) {
        let who = name_rel(&c.name, &c.relationship);
        let phones = phones(&c.phones);
        if !has(&who) && !has(&phones) && !has(&c.notes) {
            return;
        }
        let b = self.body;
        let mut spans = vec![bold(who, b)];
        if has(&phones) {
            spans.push(reg(format!(" — {phones}"), b));
        }
        if !c.may_contact {
            spans.push(reg(format!(" — {}", self.l.t("contact-ask-first")), b));
        }
        if has(&c.notes) {
            spans.push(reg(format!("\n{}", c.notes.trim()), b));
        }
        self.bullet(spans);
    }

    /// A person not to involve.
    pub fn excluded(&mut self, p: &ExcludedPerson) {
        let who = name_rel(&p.name, &p.relationship);
        if !has(&who) && !has(&p.notes) {
            return;
        }
        let b = self.body;
        let mut what = Vec::new();
        if p.must_not_contact {
            what.push(self.l.t("excluded-no-contact"));
        }
        if p.must_not_visit {
            what.push(self.l.t("excluded-no-visit"));
        }
        let mut spans = vec![bold(who, b)];
        if !what.is_empty() {
            spans.push(reg(format!(" — {}", what.join("; ")), b));
        }
        if has(&p.notes) {
            spans.push(reg(format!("\n{}", p.notes.trim()), b));
        }
        self.bullet(spans);
    }

    /// A professional or service.
    pub fn professional(&mut self, p: &Professional) {
        let role_org: Vec<&str> = [p.role.trim(), p.organisation.trim()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        let who = name_rel(&p.name, &role_org.join(", "));
        let phones = phones(&p.phones);
        if !has(&who) && !has(&phones) {
            return;
        }
        let b = self.body;
        let mut spans = vec![bold(who, b)];
        if has(&phones) {
            spans.push(reg(format!(" — {phones}"), b));
        }
        if has(&p.hours) {
            spans.push(reg(format!(" — {}", p.hours.trim()), b));
        }
        if has(&p.notes) {
            spans.push(reg(format!("\n{}", p.notes.trim()), b));
        }
        self.bullet(spans);
    }

    /// A crisis line.
    pub fn crisis_line(&mut self, l: &CrisisLine) {
        if !has(&l.name) && !has(&l.number) {
            return;
        }
        let b = self.body;
        let mut spans = vec![bold(l.name.trim(), b)];
        if has(&l.number) {
            spans.push(reg(
                format!(" — {} ({})", l.number.trim(), channel(self.l, l)),
                b,
            ));
        }
        if has(&l.hours) {
            spans.push(reg(format!(" — {}", l.hours.trim()), b));
        }
        if has(&l.notes) {
            spans.push(reg(format!("\n{}", l.notes.trim()), b));
        }
        self.bullet(spans);
    }
}
