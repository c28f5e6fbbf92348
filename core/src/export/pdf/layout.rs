//! A small flow layout: blocks of styled words are wrapped into lines inside
//! a frame, and lines flow onto new pages (or, for the crisis card, are cut
//! off with an ellipsis). krilla draws glyphs but does no layout, so this is
//! the part we own: greedy word wrapping measured with the same shaper
//! (rustybuzz) and the same fonts krilla embeds, so measured widths are the
//! drawn widths.

use krilla::geom::Point;
use krilla::page::PageSettings;
use krilla::text::TextDirection;
use krilla::Document;

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

/// A word (or the break between words) ready to be placed.
#[derive(Debug, Clone)]
struct Word {
    text: String,
    style: Style,
    width: f32,
    /// Whether a space precedes it on the same line.
    space_before: bool,
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
        let space_of = |fonts: &Fonts, s: Style| fonts.width(" ", s.weight, s.size);
        // Merge consecutive words of one style into one run (fewer text
        // objects; extraction then keeps the spaces).
        let mut runs: Vec<PlacedRun> = Vec::new();
        for w in line {
            if w.space_before {
                x += space_of(self.fonts, w.style);
            }
            match runs.last_mut() {
                Some(r) if r.style == w.style && w.space_before => {
                    r.text.push(' ');
                    r.text.push_str(&w.text);
                }
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

    /// Greedy word wrap of `spans` into lines no wider than `width`.
    /// Newlines in the text start new lines; a word wider than the line is
    /// broken between characters.
    fn wrap(&self, spans: &[Span], width: f32) -> Vec<Vec<Word>> {
        let mut lines: Vec<Vec<Word>> = vec![Vec::new()];
        let mut line_w = 0.0f32;
        let mut pending_space = false;
        for span in spans {
            let style = span.style;
            let space_w = self.fonts.width(" ", style.weight, style.size);
            let text = clean(&span.text);
            // Keep a space between spans when the text says so.
            if text.starts_with(' ') {
                pending_space = true;
            }
            for (pi, para) in text.split('\n').enumerate() {
                if pi > 0 {
                    lines.push(Vec::new());
                    line_w = 0.0;
                    pending_space = false;
                }
                let mut words = para.split(' ').filter(|w| !w.is_empty()).peekable();
                while let Some(word) = words.next() {
                    for piece in self.break_word(word, style, width) {
                        let w = self.fonts.width(&piece, style.weight, style.size);
                        let cur = lines.last().map(|l| l.is_empty()).unwrap_or(true);
                        let sp = if cur || !pending_space { 0.0 } else { space_w };
                        if !cur && line_w + sp + w > width {
                            lines.push(Vec::new());
                            line_w = 0.0;
                        }
                        let at_start = lines.last().map(|l| l.is_empty()).unwrap_or(true);
                        let space_before = !at_start && pending_space;
                        line_w += if space_before { space_w } else { 0.0 } + w;
                        if let Some(l) = lines.last_mut() {
                            l.push(Word {
                                text: piece,
                                style,
                                width: w,
                                space_before,
                            });
                        }
                        pending_space = true;
                    }
                    if words.peek().is_none() {
                        pending_space = para.ends_with(' ');
                    }
                }
            }
        }
        // An empty paragraph still takes a line only if nothing was written.
        if lines.iter().all(|l| l.is_empty()) {
            return Vec::new();
        }
        // Drop empty lines except blank lines between paragraphs.
        lines
    }

    /// Splits a word wider than `width` into pieces that fit.
    fn break_word(&self, word: &str, style: Style, width: f32) -> Vec<String> {
        if self.fonts.width(word, style.weight, style.size) <= width {
            return vec![word.to_string()];
        }
        let mut out = Vec::new();
        let mut cur = String::new();
        for c in word.chars() {
            cur.push(c);
            if self.fonts.width(&cur, style.weight, style.size) > width && cur.chars().count() > 1 {
                cur.pop();
                out.push(std::mem::take(&mut cur));
                cur.push(c);
            }
        }
        if !cur.is_empty() {
            out.push(cur);
        }
        out
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
