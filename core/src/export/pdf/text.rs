//! One paragraph of text, ready to be broken into lines and drawn: which face
//! draws each run (per-script font fallback), in which direction (the Unicode
//! bidirectional algorithm, unicode-bidi), how wide each cluster is (shaped by
//! rustybuzz, the shaper krilla draws with, so measured widths are drawn
//! widths), and where lines may break (Unicode line breaking, UAX #14, via
//! unicode-linebreak: Chinese breaks between ideographs, Arabic between words).
//!
//! Text is kept in logical order throughout; only [`Paragraph::line`] puts a
//! line's runs in visual order, so the PDF's text (and `pdftotext`) reads in
//! the order it was written.

use std::collections::BTreeSet;
use std::ops::Range;

use krilla::geom::PathBuilder;
use krilla::surface::Surface;
use unicode_bidi::ParagraphBidiInfo;
use unicode_linebreak::{linebreaks, BreakOpportunity};
use unicode_script::{Script, UnicodeScript};

use super::layout::Style;
use crate::error::{HavenError, Result};
use crate::export::fonts::{ignorable, FontSet};

/// The faces of one export, for measuring (rustybuzz) and drawing (krilla).
pub(crate) struct Fonts<'a> {
    set: &'a FontSet,
    faces: Vec<rustybuzz::Face<'a>>,
}

/// A run of one face, style and direction, in logical order.
#[derive(Debug, Clone)]
struct Item {
    range: Range<usize>,
    face: usize,
    style: Style,
    rtl: bool,
}

/// A piece of a line, ready to draw at `x` (from the line's left edge).
#[derive(Debug, Clone)]
pub(crate) struct Piece {
    pub x: f32,
    pub text: String,
    pub face: usize,
    pub style: Style,
    pub rtl: bool,
}

/// One line: its pieces left to right, and its width.
#[derive(Debug, Clone, Default)]
pub(crate) struct Line {
    pub pieces: Vec<Piece>,
    pub width: f32,
}

/// A shaped paragraph (no newlines inside).
pub(crate) struct Paragraph {
    text: String,
    items: Vec<Item>,
    /// Advance of the cluster starting at each byte (0 elsewhere).
    adv: Vec<f32>,
    /// Whether a cluster starts at each byte (where a too-long word may break).
    cluster: Vec<bool>,
    rtl: bool,
    /// Scripts (Unicode names) of characters no face could draw.
    pub missing: BTreeSet<&'static str>,
}

fn broken() -> HavenError {
    HavenError::Internal {
        reason: "a pdf font could not be read for measuring".into(),
    }
}

impl<'a> Fonts<'a> {
    /// Parses each chosen face once for measuring.
    pub fn new(set: &'a FontSet) -> Result<Self> {
        let faces = set
            .faces
            .iter()
            .map(|f| rustybuzz::Face::from_slice(f.data.as_ref(), f.index).ok_or_else(broken))
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { set, faces })
    }

    /// The krilla font of face `i`.
    pub fn krilla(&self, i: usize) -> krilla::text::Font {
        match self.set.faces.get(i) {
            Some(f) => f.font.clone(),
            // Unreachable: face indexes come from this set.
            None => self.set.faces[0].font.clone(),
        }
    }

    /// The first face tried for `w` (the bundled DejaVu of that weight).
    pub fn primary(&self, w: crate::export::fonts::Weight) -> usize {
        self.set.order(w).first().copied().unwrap_or(0)
    }

    fn covers(&self, face: usize, c: char) -> bool {
        ignorable(c)
            || self
                .faces
                .get(face)
                .and_then(|f| f.glyph_index(c))
                .is_some_and(|g| g.0 != 0)
    }

    /// Shapes `text` (one paragraph, no newlines) whose byte ranges have the
    /// given styles (in order, covering the text).
    pub fn paragraph(&self, text: String, styles: &[(Range<usize>, Style)]) -> Paragraph {
        let bidi = ParagraphBidiInfo::new(&text, None);
        let rtl = bidi.paragraph_level.is_rtl();
        let items = self.itemize(&text, styles, &bidi.levels);
        let mut p = Paragraph {
            adv: vec![0.0; text.len()],
            cluster: vec![false; text.len()],
            items: Vec::new(),
            rtl,
            missing: BTreeSet::new(),
            text,
        };
        for (item, missing) in items {
            p.missing.extend(missing);
            self.shape_into(&mut p, &item);
            p.items.push(item);
        }
        p
    }

    /// Splits text into runs of one style, bidi level and script, and picks
    /// each run's face: the first that draws all of it, else face by face
    /// per character. Returns each item with the scripts it could not draw.
    fn itemize(
        &self,
        text: &str,
        styles: &[(Range<usize>, Style)],
        levels: &[unicode_bidi::Level],
    ) -> Vec<(Item, Vec<&'static str>)> {
        let scripts = resolved_scripts(text);
        let style_at = |i: usize| {
            styles
                .iter()
                .find(|(r, _)| r.contains(&i))
                .map(|(_, s)| *s)
                .unwrap_or(Style::regular(10.0))
        };
        // Runs of one (style, level, script).
        let mut runs: Vec<(Range<usize>, Style, bool, Script)> = Vec::new();
        for (k, (i, c)) in text.char_indices().enumerate() {
            let style = style_at(i);
            let rtl = levels.get(i).is_some_and(|l| l.is_rtl());
            let script = scripts.get(k).copied().unwrap_or(Script::Common);
            let end = i + c.len_utf8();
            match runs.last_mut() {
                Some((r, s, d, sc)) if *s == style && *d == rtl && *sc == script => r.end = end,
                _ => runs.push((i..end, style, rtl, script)),
            }
        }
        let mut out = Vec::new();
        for (range, style, rtl, run_script) in runs {
            // Name a character's own script, or its run's for punctuation.
            let script_of = |c: char| match c.script() {
                Script::Common | Script::Inherited | Script::Unknown => run_script.full_name(),
                s => s.full_name(),
            };
            let order = self.set.order(style.weight);
            let part = &text[range.clone()];
            if let Some(&face) = order
                .iter()
                .find(|f| part.chars().all(|c| self.covers(**f, c)))
            {
                out.push((
                    Item {
                        range,
                        face,
                        style,
                        rtl,
                    },
                    Vec::new(),
                ));
                continue;
            }
            // Character by character; what nothing draws goes to the first face.
            let first = order.first().copied().unwrap_or(0);
            let mut last: Option<(Item, Vec<&'static str>)> = None;
            for (i, c) in part.char_indices() {
                let at = range.start + i;
                let found = if ignorable(c) {
                    last.as_ref().map(|(it, _)| it.face)
                } else {
                    order.iter().copied().find(|f| self.covers(*f, c))
                };
                let face = found.unwrap_or(first);
                let end = at + c.len_utf8();
                match &mut last {
                    Some((it, miss)) if it.face == face => {
                        it.range.end = end;
                        if found.is_none() {
                            miss.push(script_of(c));
                        }
                    }
                    _ => {
                        if let Some(done) = last.take() {
                            out.push(done);
                        }
                        let miss = if found.is_none() {
                            vec![script_of(c)]
                        } else {
                            Vec::new()
                        };
                        last = Some((
                            Item {
                                range: at..end,
                                face,
                                style,
                                rtl,
                            },
                            miss,
                        ));
                    }
                }
            }
            out.extend(last);
        }
        out
    }

    /// Shapes one item, recording each cluster's advance at its first byte.
    fn shape_into(&self, p: &mut Paragraph, item: &Item) {
        let Some(face) = self.faces.get(item.face) else {
            return;
        };
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(&p.text[item.range.clone()]);
        buffer.set_direction(if item.rtl {
            rustybuzz::Direction::RightToLeft
        } else {
            rustybuzz::Direction::LeftToRight
        });
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(face, &[], buffer);
        let scale = item.style.size / face.units_per_em().max(1) as f32;
        for (info, pos) in shaped.glyph_infos().iter().zip(shaped.glyph_positions()) {
            let at = item.range.start + info.cluster as usize;
            if let Some(a) = p.adv.get_mut(at) {
                *a += pos.x_advance as f32 * scale;
            }
            if let Some(c) = p.cluster.get_mut(at) {
                *c = true;
            }
        }
    }

    /// Draws a thin grey horizontal rule.
    pub fn draw_rule(&self, surface: &mut Surface<'_>, x: f32, y: f32, width: f32) {
        let mut pb = PathBuilder::new();
        pb.move_to(x, y);
        pb.line_to(x + width, y);
        if let Some(path) = pb.finish() {
            surface.set_fill(None);
            surface.set_stroke(Some(krilla::paint::Stroke {
                paint: krilla::color::rgb::Color::new(150, 150, 150).into(),
                width: 0.6,
                ..Default::default()
            }));
            surface.draw_path(&path);
            surface.set_stroke(None);
            surface.set_fill(Some(krilla::paint::Fill::default()));
        }
    }
}

/// The script of each character, with Common and Inherited characters
/// (spaces, digits, punctuation, combining marks) taking the script of the
/// run they are in, so "你好，世界" or an Arabic sentence with its spaces is one
/// run in one face.
fn resolved_scripts(text: &str) -> Vec<Script> {
    let raw: Vec<Script> = text.chars().map(|c| c.script()).collect();
    let real = |s: Script| !matches!(s, Script::Common | Script::Inherited | Script::Unknown);
    let first = raw
        .iter()
        .copied()
        .find(|s| real(*s))
        .unwrap_or(Script::Common);
    let mut cur = first;
    raw.into_iter()
        .map(|s| {
            if real(s) {
                cur = s;
            }
            cur
        })
        .collect()
}

impl Paragraph {
    /// Whether the paragraph runs right to left (its first strong character
    /// is Arabic, Hebrew, ...): its lines are then right-aligned.
    pub fn rtl(&self) -> bool {
        self.rtl
    }

    /// The paragraph's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Width of a byte range, as shaped.
    pub fn width(&self, r: Range<usize>) -> f32 {
        self.adv.get(r).map(|a| a.iter().sum()).unwrap_or(0.0)
    }

    /// `r` without trailing whitespace.
    fn trim_end(&self, r: Range<usize>) -> Range<usize> {
        let kept = self.text[r.clone()].trim_end().len();
        r.start..r.start + kept
    }

    /// Breaks the paragraph into lines no wider than `max` (a piece of text
    /// with no break opportunity wider than a line is broken between
    /// clusters). Ranges exclude trailing spaces.
    pub fn lines(&self, max: f32) -> Vec<Range<usize>> {
        let len = self.text.len();
        let mut lines = Vec::new();
        let (mut start, mut end, mut w) = (0usize, 0usize, 0.0f32);
        let mut seg_start = 0usize;
        for (pos, opp) in linebreaks(&self.text) {
            let seg = seg_start..pos;
            seg_start = pos;
            let trimmed = self.trim_end(seg.clone());
            let w_trim = self.width(trimmed.clone());
            if end > start && w + w_trim > max {
                lines.push(self.trim_end(start..end));
                start = seg.start;
                w = 0.0;
            }
            if end <= start && w_trim > max {
                // Too wide alone: break between clusters.
                let mut piece = seg.start;
                let mut pw = 0.0f32;
                let bounds: Vec<usize> = (seg.start..trimmed.end)
                    .filter(|b| self.cluster.get(*b).copied().unwrap_or(false))
                    .chain(std::iter::once(trimmed.end))
                    .collect();
                for pair in bounds.windows(2) {
                    let cw = self.width(pair[0]..pair[1]);
                    if pw + cw > max && pair[0] > piece {
                        lines.push(piece..pair[0]);
                        piece = pair[0];
                        pw = 0.0;
                    }
                    pw += cw;
                }
                start = piece;
                w = pw + self.width(trimmed.end..seg.end);
            } else {
                w += self.width(seg.clone());
            }
            end = seg.end;
            if opp == BreakOpportunity::Mandatory && pos < len {
                lines.push(self.trim_end(start..pos));
                start = pos;
                end = pos;
                w = 0.0;
            }
        }
        if end > start {
            let last = self.trim_end(start..end);
            if !last.is_empty() {
                lines.push(last);
            }
        }
        lines
    }

    /// The pieces of one line in visual order, placed from x = 0.
    pub fn line(&self, range: Range<usize>) -> Line {
        let bidi = ParagraphBidiInfo::new(&self.text, None);
        let (levels, runs) = bidi.visual_runs(range.clone());
        let mut line = Line::default();
        for run in runs {
            let rtl = levels.get(run.start).is_some_and(|l| l.is_rtl());
            let mut parts: Vec<(Range<usize>, &Item)> = self
                .items
                .iter()
                .filter_map(|it| {
                    let s = it.range.start.max(run.start);
                    let e = it.range.end.min(run.end);
                    (s < e).then_some((s..e, it))
                })
                .collect();
            if rtl {
                parts.reverse();
            }
            for (r, it) in parts {
                let w = self.width(r.clone());
                line.pieces.push(Piece {
                    x: line.width,
                    text: self.text[r].to_string(),
                    face: it.face,
                    style: it.style,
                    rtl,
                });
                line.width += w;
            }
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::fonts::FontSource;

    const SIZE: f32 = 10.0;

    /// `text` (one paragraph) broken into lines `width` wide with the
    /// bundled fonts: each line's text and shaped width.
    fn wrap(text: &str, width: f32) -> Vec<(String, f32)> {
        let set = FontSource::bundled()
            .select(&text.chars().collect())
            .unwrap();
        let fonts = Fonts::new(&set).unwrap();
        let p = fonts.paragraph(text.into(), &[(0..text.len(), Style::regular(SIZE))]);
        p.lines(width)
            .into_iter()
            .map(|r| (text[r.clone()].to_string(), p.width(r)))
            .collect()
    }

    /// Every line fits, nothing is lost, and every line starts at a Unicode
    /// break opportunity of the text, unless a piece with none was wider
    /// than the line and the line before it was full.
    fn check(text: &str, width: f32) -> Vec<String> {
        let lines = wrap(text, width);
        let allowed: Vec<usize> = linebreaks(text).map(|(at, _)| at).collect();
        let (mut at, mut prev_at) = (0, 0);
        for (i, (line, w)) in lines.iter().enumerate() {
            assert!(
                *w <= width + 0.01,
                "line {i} {line:?} is {w} wide, over {width}"
            );
            let found = text[at..].find(line.as_str()).unwrap() + at;
            assert!(
                text[at..found].trim().is_empty(),
                "text lost before line {i} {line:?}"
            );
            if i > 0 && !allowed.contains(&found) {
                let inside = allowed.iter().any(|b| *b > prev_at && *b < at);
                assert!(
                    !inside,
                    "line {i} {line:?} starts at byte {found}, not a break opportunity"
                );
                let next = line.chars().next().unwrap();
                let prev = &lines[i - 1];
                let over = wrap(&format!("{}{next}", prev.0), 10_000.0)[0].1;
                assert!(over > width, "line {} {:?} was cut short", i - 1, prev.0);
            }
            prev_at = found;
            at = found + line.len();
        }
        assert!(text[at..].trim().is_empty(), "text lost at the end");
        lines.into_iter().map(|(l, _)| l).collect()
    }

    #[test]
    fn chinese_without_spaces_wraps_between_characters_within_the_width() {
        let text =
            "我不舒服的时候，会先给姐姐打电话。如果她不在，我就去公园散步，听音乐，慢慢地深呼吸。"
                .repeat(3);
        for width in (60..=240).step_by(7) {
            let lines = check(&text, width as f32);
            assert!(lines.len() > 1, "{width}pt: one line for a long text");
            for line in &lines[1..] {
                // UAX #14 never starts a line with closing punctuation.
                assert!(
                    !line.starts_with(['，', '。']),
                    "{width}pt: a line starts with punctuation: {line:?}"
                );
            }
        }
    }

    #[test]
    fn latin_breaks_between_words_and_after_slashes_and_hyphens() {
        let text = "Ring the crisis team on https://example.org/crisis-line/out-of-hours \
                    or ask a well-known neighbour to sit with me";
        for width in (50..=300).step_by(11) {
            for line in check(text, width as f32) {
                assert_eq!(line, line.trim(), "{width}pt: spaces at a line's edge");
            }
        }
        // A URL wider than the line breaks after a slash or hyphen.
        let lines = check(text, 110.0);
        assert!(
            lines.iter().any(|l| l.ends_with('/') || l.ends_with('-')),
            "{lines:?}"
        );
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut_between_graphemes() {
        // "e" + combining acute accent, no break opportunity anywhere.
        let word = "e\u{301}".repeat(60);
        let lines = wrap(&word, 50.0);
        assert!(lines.len() > 2, "{lines:?}");
        for (line, w) in &lines {
            assert!(!line.starts_with('\u{301}'), "a mark split from its letter");
            assert!(*w <= 50.01, "{line:?} is {w} wide");
        }
        let joined: String = lines.into_iter().map(|(l, _)| l).collect();
        assert_eq!(joined, word);
    }

    #[test]
    fn no_break_spaces_hold() {
        let number = "0800\u{a0}123\u{a0}4567";
        let text = format!("Samaritans {number} any time of day");
        for width in (90..=200).step_by(5) {
            let lines = check(&text, width as f32);
            assert!(
                lines.iter().any(|l| l.contains(number)),
                "{width}pt: the number was split: {lines:?}"
            );
        }
    }
}
