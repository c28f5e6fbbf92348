//! A small flow layout: blocks of styled words are wrapped into lines inside
//! a frame, and lines flow onto new pages (or, for the crisis card, are cut
//! off with an ellipsis). krilla draws glyphs but does no layout, so this is
//! the part we own: greedy line filling measured with the same shaper
//! (rustybuzz) and the same fonts krilla embeds, so measured widths are the
//! drawn widths. Lines break where the Unicode line breaking algorithm
//! (UAX #14, via unicode-linebreak) allows: between words, but also between
//! Chinese or Japanese characters, after a hyphen or a slash; never inside a
//! no-break space. A piece with no break opportunity wider than the line is
//! cut between shaped clusters, never inside a character and its marks.

use std::ops::Range;

use krilla::geom::Point;
use krilla::page::PageSettings;
use krilla::text::TextDirection;
use krilla::Document;
use unicode_linebreak::{linebreaks, BreakOpportunity};

use super::fonts::{Fonts, Weight};
use crate::error::{HavenError, Result};
use crate::progress::Progress;

/// Text style: weight and size in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Style {
    pub weight: Weight,
    pub size: f32,
}

impl Style {
    pub const fn regular(size: f32) -> Self {
        Self {
            weight: Weight::Regular,
            size,
        }
    }
    pub const fn bold(size: f32) -> Self {
        Self {
            weight: Weight::Bold,
            size,
        }
    }
}

/// A run of text in one style.
#[derive(Debug, Clone)]
pub(crate) struct Span {
    pub text: String,
    pub style: Style,
}

/// What a document is made of, before layout.
#[derive(Debug, Clone)]
pub(crate) enum Block {
    /// A heading; kept with at least the next two lines.
    Heading { text: String, style: Style },
    /// A paragraph of spans, indented by `indent` points.
    Para { spans: Vec<Span>, indent: f32 },
    /// A bulleted paragraph.
    Bullet { spans: Vec<Span>, indent: f32 },
    /// Vertical space, in points.
    Space(f32),
    /// A thin horizontal rule across the frame.
    Rule,
}

/// A piece of one line in one style, ready to be placed (spaces between
/// words are part of its text and width).
#[derive(Debug, Clone)]
struct Word {
    text: String,
    style: Style,
    width: f32,
}

/// One placed run of text.
#[derive(Debug, Clone)]
pub(crate) struct PlacedRun {
    pub x: f32,
    /// Baseline.
    pub y: f32,
    pub text: String,
    pub style: Style,
}

/// One placed horizontal rule.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PlacedRule {
    pub x: f32,
    pub y: f32,
    pub width: f32,
}

/// What goes on one page.
#[derive(Debug, Clone, Default)]
pub(crate) struct PageContent {
    pub runs: Vec<PlacedRun>,
    pub rules: Vec<PlacedRule>,
}

/// A rectangle text flows in (top-left origin, points).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Frame {
    pub x: f32,
    pub top: f32,
    pub width: f32,
    pub bottom: f32,
}

/// What happens when a frame is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overflow {
    /// Start a new page with the same frame.
    NewPage,
    /// Stop; the last line placed gets an ellipsis.
    Truncate,
}

/// Line height as a multiple of the font size.
const LEADING: f32 = 1.3;
/// Width of a bullet's hanging indent, as a multiple of the font size.
const BULLET_INDENT: f32 = 1.1;

/// Lays blocks out into pages.
pub(crate) struct Flow<'f> {
    fonts: &'f Fonts,
    frame: Frame,
    overflow: Overflow,
    pages: Vec<PageContent>,
    y: f32,
    truncated: bool,
}

impl<'f> Flow<'f> {
    pub fn new(fonts: &'f Fonts, frame: Frame, overflow: Overflow) -> Self {
        Self {
            fonts,
            frame,
            overflow,
            pages: vec![PageContent::default()],
            y: frame.top,
            truncated: false,
        }
    }

    /// Whether content was cut off (only with [`Overflow::Truncate`]).
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// The pages laid out so far.
    pub fn into_pages(self) -> Vec<PageContent> {
        self.pages
    }

    /// Lays out every block, checking for cancellation between blocks.
    pub fn add_all(&mut self, blocks: &[Block], progress: &dyn Progress) -> Result<()> {
        for (i, b) in blocks.iter().enumerate() {
            if i % 16 == 0 && progress.cancelled() {
                return Err(HavenError::Cancelled);
            }
            self.add(b, blocks.get(i + 1));
        }
        Ok(())
    }

    fn add(&mut self, block: &Block, next: Option<&Block>) {
        if self.truncated {
            return;
        }
        match block {
            Block::Space(h) => {
                // Space at the top of a frame is dropped.
                if self.y > self.frame.top {
                    self.y = (self.y + h).min(self.frame.bottom);
                }
            }
            Block::Rule => {
                if self.y + 4.0 > self.frame.bottom {
                    return;
                }
                let f = self.frame;
                let y = self.y + 2.0;
                self.page().rules.push(PlacedRule {
                    x: f.x,
                    y,
                    width: f.width,
                });
                self.y += 4.0;
            }
            Block::Heading { text, style } => {
                let spans = [Span {
                    text: text.clone(),
                    style: *style,
                }];
                let lines = self.wrap(&spans, self.frame.width);
                // Keep with next: the heading and about two lines of what follows.
                let follow = if next.is_some() {
                    style.size.min(12.0) * LEADING * 2.5
                } else {
                    0.0
                };
                let need: f32 = lines.len() as f32 * style.size * LEADING + follow;
                if self.overflow == Overflow::NewPage
                    && self.y + need > self.frame.bottom
                    && self.y > self.frame.top
                {
                    self.new_page();
                }
                self.place_lines(lines, 0.0);
            }
            Block::Para { spans, indent } => {
                let width = (self.frame.width - indent).max(20.0);
                let lines = self.wrap(spans, width);
                self.place_lines(lines, *indent);
            }
            Block::Bullet { spans, indent } => {
                let size = spans.first().map(|s| s.style.size).unwrap_or(10.0);
                let hang = BULLET_INDENT * size;
                let width = (self.frame.width - indent - hang).max(20.0);
                let lines = self.wrap(spans, width);
                let mut first = true;
                for line in lines {
                    if !self.ensure_room(line_height(&line, size)) {
                        return;
                    }
                    if first {
                        let y = self.y + size;
                        let x = self.frame.x + indent;
                        self.page().runs.push(PlacedRun {
                            x,
                            y,
                            text: "•".into(),
                            style: Style::regular(size),
                        });
                        first = false;
                    }
                    self.place_line(line, indent + hang, size);
                }
            }
        }
    }

    fn place_lines(&mut self, lines: Vec<Vec<Word>>, indent: f32) {
        for line in lines {
            let size = line.first().map(|w| w.style.size).unwrap_or(10.0);
            if !self.ensure_room(line_height(&line, size)) {
                return;
            }
            self.place_line(line, indent, size);
        }
    }

    /// Makes room for a line of height `h`; false (and truncated) if there is none.
    fn ensure_room(&mut self, h: f32) -> bool {
        if self.y + h <= self.frame.bottom {
            return true;
        }
        match self.overflow {
            Overflow::NewPage => {
                self.new_page();
                true
            }
            Overflow::Truncate => {
                self.truncated = true;
                self.ellipsise_last_line();
                false
            }
        }
    }

    fn new_page(&mut self) {
        self.pages.push(PageContent::default());
        self.y = self.frame.top;
    }

    fn page(&mut self) -> &mut PageContent {
        if self.pages.is_empty() {
            self.pages.push(PageContent::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn place_line(&mut self, line: Vec<Word>, indent: f32, fallback_size: f32) {
        let h = line_height(&line, fallback_size);
        let baseline = self.y + h / LEADING;
        let mut x = self.frame.x + indent;
        // Merge consecutive pieces of one style into one run (fewer text
        // objects; extraction then keeps the spaces).
        let mut runs: Vec<PlacedRun> = Vec::new();
        for w in line {
            match runs.last_mut() {
                Some(r) if r.style == w.style => r.text.push_str(&w.text),
                _ => runs.push(PlacedRun {
                    x,
                    y: baseline,
                    text: w.text.clone(),
                    style: w.style,
                }),
            }
            x += w.width;
        }
        self.page().runs.extend(runs);
        self.y += h;
    }

    /// Ends the last placed line of the current page with an ellipsis,
    /// dropping characters until it fits the frame.
    fn ellipsise_last_line(&mut self) {
        let right = self.frame.x + self.frame.width;
        let fonts = self.fonts;
        let page = self.page();
        let Some(run) = page.runs.last_mut() else {
            return;
        };
        let mut text = run.text.clone();
        loop {
            let candidate = format!("{}…", text.trim_end());
            let w = fonts.width(&candidate, run.style.weight, run.style.size);
            if run.x + w <= right || text.is_empty() {
                run.text = candidate;
                return;
            }
            text.pop();
        }
    }

    /// Breaks `spans` into lines no wider than `width`, at the break
    /// opportunities of the Unicode line breaking algorithm. Newlines in the
    /// text start new lines (a blank line stays a blank line).
    fn wrap(&self, spans: &[Span], width: f32) -> Vec<Vec<Word>> {
        let mut text = String::new();
        let mut styles: Vec<(Range<usize>, Style)> = Vec::new();
        for span in spans {
            let start = text.len();
            text.push_str(&clean(&span.text));
            if text.len() > start {
                styles.push((start..text.len(), span.style));
            }
        }
        let mut lines: Vec<Vec<Word>> = Vec::new();
        let mut start = 0;
        for para in text.split('\n') {
            let range = start..start + para.len();
            start = range.end + 1;
            let shaped = Shaped::new(self.fonts, &text, range, &styles);
            let mut broken = shaped.lines(width);
            if broken.is_empty() {
                lines.push(Vec::new());
            }
            for line in broken.drain(..) {
                lines.push(shaped.words(line));
            }
        }
        // A text with nothing to draw takes no line at all.
        if lines.iter().all(|l| l.is_empty()) {
            return Vec::new();
        }
        lines
    }
}

/// One paragraph (no newlines) shaped once, style run by style run, so each
/// line's width is a sum of the advances the shaper gave.
struct Shaped<'t> {
    text: &'t str,
    /// The paragraph's bytes in `text`, leading whitespace left out.
    range: Range<usize>,
    styles: Vec<(Range<usize>, Style)>,
    /// Advance of the cluster starting at each byte of `range` (0 elsewhere).
    adv: Vec<f32>,
    /// Whether a cluster starts at each byte of `range`.
    cluster: Vec<bool>,
}

impl<'t> Shaped<'t> {
    fn new(
        fonts: &Fonts,
        text: &'t str,
        range: Range<usize>,
        styles: &[(Range<usize>, Style)],
    ) -> Self {
        let para = &text[range.clone()];
        let lead = para.len() - para.trim_start().len();
        let range = range.start + lead..range.end;
        let styles: Vec<(Range<usize>, Style)> = styles
            .iter()
            .filter_map(|(r, s)| {
                let (a, b) = (r.start.max(range.start), r.end.min(range.end));
                (a < b).then_some((a..b, *s))
            })
            .collect();
        let mut adv = vec![0.0; range.len()];
        let mut cluster = vec![false; range.len()];
        for (r, style) in &styles {
            for (at, a) in fonts.clusters(&text[r.clone()], style.weight, style.size) {
                let i = r.start + at - range.start;
                if let Some(v) = adv.get_mut(i) {
                    *v += a;
                }
                if let Some(c) = cluster.get_mut(i) {
                    *c = true;
                }
            }
        }
        Self {
            text,
            range,
            styles,
            adv,
            cluster,
        }
    }

    /// Width of an absolute byte range of the paragraph.
    fn width(&self, r: Range<usize>) -> f32 {
        let base = self.range.start;
        self.adv
            .get(r.start - base..r.end - base)
            .map(|a| a.iter().sum())
            .unwrap_or(0.0)
    }

    /// `r` without trailing whitespace.
    fn trim_end(&self, r: Range<usize>) -> Range<usize> {
        let kept = self.text[r.clone()].trim_end().len();
        r.start..r.start + kept
    }

    fn is_cluster(&self, at: usize) -> bool {
        self.cluster
            .get(at - self.range.start)
            .copied()
            .unwrap_or(false)
    }

    /// Greedy line filling: byte ranges of lines no wider than `max`, with
    /// trailing spaces left out. Lines end at break opportunities; a piece
    /// with none that is wider than a line is cut between clusters.
    fn lines(&self, max: f32) -> Vec<Range<usize>> {
        let base = self.range.start;
        let mut lines = Vec::new();
        let (mut start, mut end, mut w) = (base, base, 0.0f32);
        let mut seg_start = base;
        for (pos, opp) in linebreaks(&self.text[self.range.clone()]) {
            let seg = seg_start..base + pos;
            seg_start = seg.end;
            let trimmed = self.trim_end(seg.clone());
            let w_trim = self.width(trimmed.clone());
            if end > start && w + w_trim > max {
                push_line(&mut lines, self.trim_end(start..end));
                start = seg.start;
                w = 0.0;
            }
            if end <= start && w_trim > max {
                // Too wide alone: cut between clusters.
                let mut piece = seg.start;
                let mut pw = 0.0f32;
                let bounds: Vec<usize> = (seg.start..trimmed.end)
                    .filter(|b| self.is_cluster(*b))
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
            if opp == BreakOpportunity::Mandatory && seg.end < self.range.end {
                // A line or paragraph separator inside the paragraph.
                push_line(&mut lines, self.trim_end(start..end));
                start = end;
                w = 0.0;
            }
        }
        if end > start {
            push_line(&mut lines, self.trim_end(start..end));
        }
        lines
    }

    /// The pieces of one line, one per style.
    fn words(&self, line: Range<usize>) -> Vec<Word> {
        self.styles
            .iter()
            .filter_map(|(r, style)| {
                let (a, b) = (r.start.max(line.start), r.end.min(line.end));
                (a < b).then(|| Word {
                    text: self.text[a..b].to_string(),
                    style: *style,
                    width: self.width(a..b),
                })
            })
            .collect()
    }
}

/// Adds a line unless it holds nothing but spaces.
fn push_line(lines: &mut Vec<Range<usize>>, line: Range<usize>) {
    if !line.is_empty() {
        lines.push(line);
    }
}

/// Height of a line: the largest size in it times the leading.
fn line_height(line: &[Word], fallback: f32) -> f32 {
    let size = line.iter().map(|w| w.style.size).fold(0.0, f32::max);
    let size = if size > 0.0 { size } else { fallback };
    size * LEADING
}

/// Replaces control characters (tabs, carriage returns, ...) with spaces;
/// keeps newlines.
pub(crate) fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .map(|c| {
            if c == '\n' {
                c
            } else if c.is_control() {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// Draws laid-out pages of size `width` x `height` into a PDF.
pub(crate) fn render(
    document: &mut Document,
    fonts: &Fonts,
    pages: &[PageContent],
    width: f32,
    height: f32,
    progress: &dyn Progress,
) -> Result<()> {
    let settings = PageSettings::from_wh(width, height).ok_or_else(|| HavenError::Internal {
        reason: "pdf page size".into(),
    })?;
    for content in pages {
        if progress.cancelled() {
            return Err(HavenError::Cancelled);
        }
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        for run in &content.runs {
            surface.draw_text(
                Point::from_xy(run.x, run.y),
                fonts.krilla(run.style.weight),
                run.style.size,
                &run.text,
                false,
                TextDirection::Auto,
            );
        }
        for rule in &content.rules {
            fonts.draw_rule(&mut surface, rule.x, rule.y, rule.width);
        }
        surface.finish();
        page.finish();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZE: f32 = 10.0;

    fn wrap(text: &str, width: f32) -> (Fonts, Vec<String>) {
        let fonts = Fonts::load().unwrap();
        let lines = {
            let frame = Frame {
                x: 0.0,
                top: 0.0,
                width,
                bottom: 1000.0,
            };
            let flow = Flow::new(&fonts, frame, Overflow::NewPage);
            let spans = [Span {
                text: text.into(),
                style: Style::regular(SIZE),
            }];
            flow.wrap(&spans, width)
                .iter()
                .map(|l| l.iter().map(|w| w.text.as_str()).collect::<String>())
                .collect()
        };
        (fonts, lines)
    }

    /// Byte offsets where UAX #14 allows a line to start.
    fn opportunities(text: &str) -> Vec<usize> {
        linebreaks(text).map(|(at, _)| at).collect()
    }

    /// Every line fits, nothing is lost, and every line starts at a Unicode
    /// break opportunity of the text.
    fn check(text: &str, width: f32) -> Vec<String> {
        let (fonts, lines) = wrap(text, width);
        let allowed = opportunities(text);
        let (mut at, mut prev_at) = (0, 0);
        for (i, line) in lines.iter().enumerate() {
            let w = fonts.width(line, Weight::Regular, SIZE);
            assert!(
                w <= width + 0.01,
                "line {i} {line:?} is {w} wide, over {width}"
            );
            let found = text[at..].find(line.as_str()).unwrap() + at;
            assert!(
                text[at..found].trim().is_empty(),
                "text lost before line {i} {line:?}"
            );
            if i > 0 && !allowed.contains(&found) {
                // Only a piece with no break opportunity that is wider
                // than a line may be cut, and only where it was full.
                let prev = &lines[i - 1];
                let inside = allowed.iter().any(|b| *b > prev_at && *b < at);
                assert!(
                    !inside,
                    "line {i} {line:?} starts at byte {found}, not a break opportunity"
                );
                let next: String = line.chars().take(1).collect();
                let over = fonts.width(&format!("{prev}{next}"), Weight::Regular, SIZE);
                assert!(over > width, "line {} {prev:?} was cut short", i - 1);
            }
            prev_at = found;
            at = found + line.len();
        }
        assert!(text[at..].trim().is_empty(), "text lost at the end");
        lines
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
            let lines = check(text, width as f32);
            for line in &lines {
                assert_eq!(line, line.trim(), "{width}pt: spaces at a line's edge");
            }
        }
        // A URL wider than the line breaks after a slash, not inside "crisis".
        let lines = check(text, 110.0);
        assert!(
            lines.iter().any(|l| l.ends_with('/') || l.ends_with('-')),
            "{lines:?}"
        );
        assert!(lines.iter().all(|l| !l.ends_with("cri")), "{lines:?}");
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut_between_graphemes() {
        // "e" + combining acute accent, no break opportunity anywhere.
        let word = "e\u{301}".repeat(60);
        let (fonts, lines) = wrap(&word, 50.0);
        assert!(lines.len() > 2, "{lines:?}");
        for line in &lines {
            assert!(!line.starts_with('\u{301}'), "a mark split from its letter");
            assert!(fonts.width(line, Weight::Regular, SIZE) <= 50.01);
        }
        assert_eq!(lines.concat(), word);
    }

    #[test]
    fn no_break_spaces_hold_and_newlines_keep_blank_lines() {
        let number = "0800\u{a0}123\u{a0}4567";
        let text = format!("Samaritans {number} any time of day");
        for width in (90..=200).step_by(5) {
            let lines = check(&text, width as f32);
            assert!(
                lines.iter().any(|l| l.contains(number)),
                "{width}pt: the number was split: {lines:?}"
            );
        }
        let (_, lines) = wrap("first\n\nsecond", 300.0);
        assert_eq!(lines, ["first", "", "second"]);
        let (_, lines) = wrap("  \n ", 300.0);
        assert!(lines.is_empty(), "{lines:?}");
    }

    #[test]
    fn spans_keep_their_styles_and_the_spaces_between_them() {
        let fonts = Fonts::load().unwrap();
        let frame = Frame {
            x: 0.0,
            top: 0.0,
            width: 400.0,
            bottom: 1000.0,
        };
        let mut flow = Flow::new(&fonts, frame, Overflow::NewPage);
        let spans = [
            Span {
                text: "Warning signs:".into(),
                style: Style::bold(SIZE),
            },
            Span {
                text: " not sleeping, 不想吃饭".into(),
                style: Style::regular(SIZE),
            },
        ];
        flow.add(
            &Block::Para {
                spans: spans.to_vec(),
                indent: 0.0,
            },
            None,
        );
        let pages = flow.into_pages();
        let runs = &pages[0].runs;
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].text, "Warning signs:");
        assert_eq!(runs[0].style, Style::bold(SIZE));
        assert_eq!(runs[1].text, " not sleeping, 不想吃饭");
        let bold = fonts.width("Warning signs:", Weight::Bold, SIZE);
        assert!((runs[1].x - bold).abs() < 0.01);
    }
}
