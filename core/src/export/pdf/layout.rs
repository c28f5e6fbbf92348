//! A small flow layout: blocks of styled text are broken into lines inside a
//! frame, and lines flow onto new pages (or, for the crisis card, are cut off
//! with an ellipsis). krilla draws glyphs but does no layout, so this is the
//! part we own. Each paragraph is shaped, bidi-ordered and broken by
//! `text.rs`; here lines are placed: left-aligned, or right-aligned when the
//! paragraph runs right to left (a bullet then hangs on the right).

use std::collections::BTreeSet;
use std::ops::Range;

use krilla::geom::Point;
use krilla::page::PageSettings;
use krilla::text::TextDirection;
use krilla::Document;

use super::text::{Fonts, Line, Paragraph};
use crate::error::{HavenError, Result};
use crate::export::fonts::Weight;
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

/// One placed run of text.
#[derive(Debug, Clone)]
pub(crate) struct PlacedRun {
    pub x: f32,
    /// Baseline.
    pub y: f32,
    pub text: String,
    pub style: Style,
    /// Index of the face in the export's font set.
    pub face: usize,
    /// Drawn right to left (the text is still in logical order).
    pub rtl: bool,
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
pub(crate) struct Flow<'f, 'a> {
    fonts: &'f Fonts<'a>,
    frame: Frame,
    overflow: Overflow,
    pages: Vec<PageContent>,
    y: f32,
    truncated: bool,
    /// The section being laid out (for warnings).
    section: String,
    /// (section, script) of characters no font could draw.
    missing: BTreeSet<(String, &'static str)>,
    /// The last line placed, to put an ellipsis on when cutting off.
    last: Option<LastLine>,
}

/// What is needed to redo the last placed line with an ellipsis.
struct LastLine {
    page: usize,
    first_run: usize,
    text: String,
    styles: Vec<(Range<usize>, Style)>,
    /// Left edge and width available to the line.
    left: f32,
    width: f32,
    baseline: f32,
}

/// Byte ranges of a paragraph's text and their styles.
type Styles = Vec<(Range<usize>, Style)>;

/// A block's text split at newlines: each paragraph's text and style ranges.
fn paragraphs(spans: &[Span]) -> Vec<(String, Styles)> {
    let mut out = vec![(String::new(), Vec::new())];
    for span in spans {
        let text = clean(&span.text);
        for (i, part) in text.split('\n').enumerate() {
            if i > 0 {
                out.push((String::new(), Vec::new()));
            }
            if let Some((t, styles)) = out.last_mut() {
                let part = if t.is_empty() {
                    part.trim_start()
                } else {
                    part
                };
                let start = t.len();
                t.push_str(part);
                if !part.is_empty() {
                    styles.push((start..t.len(), span.style));
                }
            }
        }
    }
    out
}

/// The style ranges of `styles` that fall in `r`, shifted to start at 0.
fn sub_styles(styles: &[(Range<usize>, Style)], r: &Range<usize>) -> Vec<(Range<usize>, Style)> {
    styles
        .iter()
        .filter_map(|(s, st)| {
            let a = s.start.max(r.start);
            let b = s.end.min(r.end);
            (a < b).then(|| (a - r.start..b - r.start, *st))
        })
        .collect()
}

impl<'f, 'a> Flow<'f, 'a> {
    pub fn new(fonts: &'f Fonts<'a>, frame: Frame, overflow: Overflow) -> Self {
        Self {
            fonts,
            frame,
            overflow,
            pages: vec![PageContent::default()],
            y: frame.top,
            truncated: false,
            section: String::new(),
            missing: BTreeSet::new(),
            last: None,
        }
    }

    /// Whether content was cut off (only with [`Overflow::Truncate`]).
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// Names the section what follows belongs to (for warnings).
    pub fn set_section(&mut self, name: &str) {
        self.section = name.to_string();
    }

    /// The pages laid out so far, and the (section, script) of every
    /// character no font could draw.
    pub fn finish(self) -> (Vec<PageContent>, BTreeSet<(String, &'static str)>) {
        (self.pages, self.missing)
    }

    /// Lays out every block, checking for cancellation between blocks;
    /// `sections` names the section starting at each block index.
    pub fn add_all(
        &mut self,
        blocks: &[Block],
        sections: &[(usize, String)],
        progress: &dyn Progress,
    ) -> Result<()> {
        for (i, b) in blocks.iter().enumerate() {
            if i % 16 == 0 && progress.cancelled() {
                return Err(HavenError::Cancelled);
            }
            if let Some((_, name)) = sections.iter().rev().find(|(at, _)| *at == i) {
                self.section = name.clone();
            }
            self.add(b, blocks.get(i + 1));
        }
        Ok(())
    }

    /// Shapes one paragraph and notes what it could not draw.
    fn shape(&mut self, text: String, styles: &[(Range<usize>, Style)]) -> Paragraph {
        let p = self.fonts.paragraph(text, styles);
        for s in &p.missing {
            self.missing.insert((self.section.clone(), *s));
        }
        p
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
                // Keep with next: the heading and about two lines of what follows.
                let follow = if next.is_some() {
                    style.size.min(12.0) * LEADING * 2.5
                } else {
                    0.0
                };
                let width = self.frame.width;
                let paras: Vec<_> = paragraphs(&spans)
                    .into_iter()
                    .map(|(t, st)| {
                        let p = self.shape(t, &st);
                        let lines = p.lines(width);
                        (p, st, lines)
                    })
                    .collect();
                let n: usize = paras.iter().map(|(_, _, l)| l.len()).sum();
                let need = n as f32 * style.size * LEADING + follow;
                if self.overflow == Overflow::NewPage
                    && self.y + need > self.frame.bottom
                    && self.y > self.frame.top
                {
                    self.new_page();
                }
                for (p, st, lines) in paras {
                    self.place_paragraph(&p, &st, lines, 0.0, width, None);
                }
            }
            Block::Para { spans, indent } => {
                let width = (self.frame.width - indent).max(20.0);
                for (t, st) in paragraphs(spans) {
                    let p = self.shape(t, &st);
                    let lines = p.lines(width);
                    if !self.place_paragraph(&p, &st, lines, *indent, width, None) {
                        return;
                    }
                }
            }
            Block::Bullet { spans, indent } => {
                let size = spans.first().map(|s| s.style.size).unwrap_or(10.0);
                let hang = BULLET_INDENT * size;
                let width = (self.frame.width - indent - hang).max(20.0);
                for (k, (t, st)) in paragraphs(spans).into_iter().enumerate() {
                    let p = self.shape(t, &st);
                    let lines = p.lines(width);
                    let bullet = (k == 0).then_some(size);
                    if !self.place_paragraph(&p, &st, lines, indent + hang, width, bullet) {
                        return;
                    }
                }
            }
        }
    }

    /// Places the lines of a paragraph `indent` points in from its start
    /// edge (the right edge when it runs right to left), with a bullet
    /// hanging before the first line if `bullet` gives its size. False if
    /// the frame filled up (and the rest was cut off).
    fn place_paragraph(
        &mut self,
        p: &Paragraph,
        styles: &[(Range<usize>, Style)],
        lines: Vec<Range<usize>>,
        indent: f32,
        width: f32,
        bullet: Option<f32>,
    ) -> bool {
        let fallback = styles.first().map(|(_, s)| s.size).unwrap_or(10.0);
        if lines.is_empty() {
            // A blank line between paragraphs keeps its height.
            if p.text().is_empty() && bullet.is_none() && !self.page().runs.is_empty() {
                let h = fallback * LEADING;
                if self.y + h <= self.frame.bottom {
                    self.y += h;
                }
            }
            return true;
        }
        for (i, r) in lines.into_iter().enumerate() {
            let size = max_size(&sub_styles(styles, &r)).unwrap_or(fallback);
            let h = size * LEADING;
            if !self.ensure_room(h) {
                return false;
            }
            let baseline = self.y + size;
            let left = if p.rtl() {
                self.frame.x + self.frame.width - indent - width
            } else {
                self.frame.x + indent
            };
            if i == 0 {
                if let Some(bs) = bullet {
                    let x = if p.rtl() {
                        self.frame.x + self.frame.width
                            - (indent - BULLET_INDENT * bs)
                            - self.bullet_width(bs)
                    } else {
                        self.frame.x + indent - BULLET_INDENT * bs
                    };
                    let face = self.fonts.primary(Weight::Regular);
                    self.page().runs.push(PlacedRun {
                        x,
                        y: baseline,
                        text: "•".into(),
                        style: Style::regular(bs),
                        face,
                        rtl: false,
                    });
                }
            }
            let line = p.line(r.clone());
            let x0 = if p.rtl() {
                left + width - line.width
            } else {
                left
            };
            let first_run = self.page().runs.len();
            self.push_line(&line, x0, baseline);
            let page = self.pages.len().saturating_sub(1);
            self.last = Some(LastLine {
                page,
                first_run,
                text: p.text()[r.clone()].to_string(),
                styles: sub_styles(styles, &r),
                left,
                width,
                baseline,
            });
            self.y += h;
        }
        true
    }

    fn bullet_width(&self, size: f32) -> f32 {
        let p = self
            .fonts
            .paragraph("•".into(), &[(0..3, Style::regular(size))]);
        p.width(0..3)
    }

    fn push_line(&mut self, line: &Line, x0: f32, baseline: f32) {
        let runs: Vec<PlacedRun> = line
            .pieces
            .iter()
            .map(|pc| PlacedRun {
                x: x0 + pc.x,
                y: baseline,
                text: pc.text.clone(),
                style: pc.style,
                face: pc.face,
                rtl: pc.rtl,
            })
            .collect();
        self.page().runs.extend(runs);
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

    /// Ends the last placed line with an ellipsis, dropping characters from
    /// its end until it fits.
    fn ellipsise_last_line(&mut self) {
        let Some(last) = self.last.take() else {
            return;
        };
        let mut text = last.text.clone();
        let end_style = last
            .styles
            .last()
            .map(|(_, s)| *s)
            .unwrap_or(Style::regular(10.0));
        loop {
            let kept = text.trim_end().to_string();
            let mut styles = sub_styles(&last.styles, &(0..kept.len()));
            let candidate = format!("{kept}…");
            styles.push((kept.len()..candidate.len(), end_style));
            let p = self.fonts.paragraph(candidate, &styles);
            let all = 0..p.text().len();
            let w = p.width(all.clone());
            if w <= last.width || kept.is_empty() {
                let line = p.line(all);
                let x0 = if p.rtl() {
                    last.left + last.width - line.width
                } else {
                    last.left
                };
                if let Some(page) = self.pages.get_mut(last.page) {
                    page.runs.truncate(last.first_run);
                }
                let runs: Vec<PlacedRun> = line
                    .pieces
                    .iter()
                    .map(|pc| PlacedRun {
                        x: x0 + pc.x,
                        y: last.baseline,
                        text: pc.text.clone(),
                        style: pc.style,
                        face: pc.face,
                        rtl: pc.rtl,
                    })
                    .collect();
                if let Some(page) = self.pages.get_mut(last.page) {
                    page.runs.extend(runs);
                }
                return;
            }
            text = kept;
            text.pop();
        }
    }
}

/// The largest size among styles.
fn max_size(styles: &[(Range<usize>, Style)]) -> Option<f32> {
    styles.iter().map(|(_, s)| s.size).reduce(f32::max)
}

/// One line of text laid out on its own (footers): its runs starting at `x`
/// on baseline `y`, right-aligned to `x + width` if it runs right to left.
/// Also returns the scripts no font could draw.
pub(crate) fn single_line(
    fonts: &Fonts<'_>,
    text: &str,
    style: Style,
    x: f32,
    y: f32,
    width: f32,
) -> (Vec<PlacedRun>, BTreeSet<&'static str>) {
    let text = clean(text).replace('\n', " ");
    let n = text.len();
    let p = fonts.paragraph(text, &[(0..n, style)]);
    let line = p.line(0..n);
    let x0 = if p.rtl() { x + width - line.width } else { x };
    let runs = line
        .pieces
        .iter()
        .map(|pc| PlacedRun {
            x: x0 + pc.x,
            y,
            text: pc.text.clone(),
            style: pc.style,
            face: pc.face,
            rtl: pc.rtl,
        })
        .collect();
    (runs, p.missing.clone())
}

/// Replaces control characters (tabs, carriage returns, ...) with spaces;
/// keeps newlines (and makes Unicode line and paragraph separators newlines).
pub(crate) fn clean(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .map(|c| match c {
            '\n' | '\u{2028}' | '\u{2029}' => '\n',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// Draws laid-out pages of size `width` x `height` into a PDF.
pub(crate) fn render(
    document: &mut Document,
    fonts: &Fonts<'_>,
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
                fonts.krilla(run.face),
                run.style.size,
                &run.text,
                false,
                if run.rtl {
                    TextDirection::RightToLeft
                } else {
                    TextDirection::LeftToRight
                },
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
    use crate::export::fonts::FontSource;

    const SIZE: f32 = 10.0;
    const FRAME: Frame = Frame {
        x: 0.0,
        top: 0.0,
        width: 400.0,
        bottom: 1000.0,
    };

    /// The runs one paragraph of `spans` is laid out as.
    fn lay(fonts: &Fonts<'_>, spans: Vec<Span>) -> Vec<PlacedRun> {
        let mut flow = Flow::new(fonts, FRAME, Overflow::NewPage);
        flow.add(&Block::Para { spans, indent: 0.0 }, None);
        let (pages, missing) = flow.finish();
        assert!(missing.is_empty(), "{missing:?}");
        pages.into_iter().flat_map(|p| p.runs).collect()
    }

    fn span(text: &str, style: Style) -> Span {
        Span {
            text: text.into(),
            style,
        }
    }

    #[test]
    fn newlines_keep_blank_lines() {
        let set = FontSource::bundled()
            .select(&"first second".chars().collect())
            .unwrap();
        let fonts = Fonts::new(&set).unwrap();
        let runs = lay(&fonts, vec![span("first\n\nsecond", Style::regular(SIZE))]);
        let texts: Vec<&str> = runs.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, ["first", "second"]);
        // The empty line between them keeps a line's height.
        let gap = runs[1].y - runs[0].y;
        assert!((gap - 2.0 * SIZE * LEADING).abs() < 0.01, "{gap}");
        // Only whitespace: nothing is placed.
        assert!(lay(&fonts, vec![span("  \n ", Style::regular(SIZE))]).is_empty());
    }

    #[test]
    fn spans_keep_their_styles_and_the_spaces_between_them() {
        let set = FontSource::bundled()
            .select(&"Warning signs: not sleeping, not eating".chars().collect())
            .unwrap();
        let fonts = Fonts::new(&set).unwrap();
        let runs = lay(
            &fonts,
            vec![
                span("Warning signs:", Style::bold(SIZE)),
                span(" not sleeping, not eating", Style::regular(SIZE)),
            ],
        );
        assert_eq!(runs.len(), 2, "{runs:?}");
        assert_eq!(runs[0].text, "Warning signs:");
        assert_eq!(runs[0].style, Style::bold(SIZE));
        assert_eq!(runs[1].text, " not sleeping, not eating");
        assert_eq!(runs[1].style, Style::regular(SIZE));
        // The regular run starts where the bold one ends.
        let bold = fonts
            .paragraph("Warning signs:".into(), &[(0..14, Style::bold(SIZE))])
            .width(0..14);
        assert!(bold > 50.0, "{bold}");
        assert!((runs[1].x - bold).abs() < 0.01, "{} vs {bold}", runs[1].x);
    }
}
