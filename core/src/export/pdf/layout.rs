//! A small flow layout: blocks of styled text are broken into lines inside a
//! frame (or a page's columns, for the crisis card), and lines flow onto new
//! pages. Nothing is ever cut off: the crisis card shrinks its type or takes
//! another side instead (`card.rs`). krilla draws glyphs but does no layout, so this is the
//! part we own. Each paragraph is shaped, bidi-ordered and broken by
//! `text.rs`; here lines are placed: left-aligned, or right-aligned when the
//! paragraph runs right to left (a bullet then hangs on the right).

use std::collections::BTreeSet;
use std::ops::Range;

use std::num::NonZeroU16;

use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{Point, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag, Tag, TagGroup,
    TagTree,
};
use krilla::text::TextDirection;
use krilla::Document;
use krilla::SerializeSettings;

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
    /// A heading of `level` (1 the title, 2 a section, 3 below); kept with
    /// at least the next two lines.
    Heading {
        text: String,
        style: Style,
        level: u16,
    },
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
    /// What it is in the document's structure (tagged PDF).
    pub tag: RunTag,
}

/// What a placed run is in the structure tree of a tagged PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RunTag {
    /// Part of element `elem` of the flow ([`Flow::elements`]); `label` for
    /// a list item's bullet.
    Content { elem: usize, label: bool },
    /// Not content: footers, a repeated title (read once, not per page).
    Artifact,
}

/// One element of the structure tree, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Element {
    /// A heading (H1, H2, ...) with its text as its title.
    Heading { level: u16, text: String },
    /// A paragraph.
    Para,
    /// A list item (consecutive items make one list).
    Item,
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

/// Line height as a multiple of the font size.
const LEADING: f32 = 1.3;
/// Width of a bullet's hanging indent, as a multiple of the font size.
const BULLET_INDENT: f32 = 1.1;

/// Lays blocks out into pages.
pub(crate) struct Flow<'f, 'a> {
    fonts: &'f Fonts<'a>,
    /// The frame being filled: one of `columns`.
    frame: Frame,
    /// The frames of one page, filled in order (one, or the card's columns).
    columns: Vec<Frame>,
    /// Which of `columns` is being filled.
    column: usize,
    pages: Vec<PageContent>,
    y: f32,
    /// The section being laid out (for warnings).
    section: String,
    /// (section, script) of characters no font could draw.
    missing: BTreeSet<(String, &'static str)>,
    /// The structure elements laid out so far, in reading order.
    elements: Vec<Element>,
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
    pub fn new(fonts: &'f Fonts<'a>, frame: Frame) -> Self {
        Self::columns(fonts, vec![frame])
    }

    /// A flow over several frames per page (columns), filled in order
    /// before a new page starts. `columns` must not be empty (one default
    /// frame is used if it is).
    pub fn columns(fonts: &'f Fonts<'a>, columns: Vec<Frame>) -> Self {
        let frame = columns.first().copied().unwrap_or(Frame {
            x: 0.0,
            top: 0.0,
            width: 100.0,
            bottom: 100.0,
        });
        Self {
            fonts,
            frame,
            columns,
            column: 0,
            pages: vec![PageContent::default()],
            y: frame.top,
            section: String::new(),
            missing: BTreeSet::new(),
            elements: Vec::new(),
        }
    }

    /// Continues the numbering of structure elements after `before` (laid
    /// out by another flow whose runs share the page).
    pub fn after(mut self, before: Vec<Element>) -> Self {
        self.elements = before;
        self
    }

    /// The structure elements laid out so far, in reading order.
    pub fn elements(&self) -> &[Element] {
        &self.elements
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
            Block::Heading { text, style, level } => {
                self.elements.push(Element::Heading {
                    level: *level,
                    text: text.clone(),
                });
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
                if self.y + need > self.frame.bottom && self.y > self.frame.top {
                    self.new_page();
                }
                for (p, st, lines) in paras {
                    self.place_paragraph(&p, &st, lines, 0.0, width, None);
                }
            }
            Block::Para { spans, indent } => {
                self.elements.push(Element::Para);
                let width = (self.frame.width - indent).max(20.0);
                for (t, st) in paragraphs(spans) {
                    let p = self.shape(t, &st);
                    let lines = p.lines(width);
                    self.place_paragraph(&p, &st, lines, *indent, width, None);
                }
            }
            Block::Bullet { spans, indent } => {
                self.elements.push(Element::Item);
                let size = spans.first().map(|s| s.style.size).unwrap_or(10.0);
                let hang = BULLET_INDENT * size;
                let width = (self.frame.width - indent - hang).max(20.0);
                for (k, (t, st)) in paragraphs(spans).into_iter().enumerate() {
                    let p = self.shape(t, &st);
                    let lines = p.lines(width);
                    let bullet = (k == 0).then_some(size);
                    self.place_paragraph(&p, &st, lines, indent + hang, width, bullet);
                }
            }
        }
    }

    /// Places the lines of a paragraph `indent` points in from its start
    /// edge (the right edge when it runs right to left), with a bullet
    /// hanging before the first line if `bullet` gives its size; a line
    /// that does not fit goes to the next column or page.
    fn place_paragraph(
        &mut self,
        p: &Paragraph,
        styles: &[(Range<usize>, Style)],
        lines: Vec<Range<usize>>,
        indent: f32,
        width: f32,
        bullet: Option<f32>,
    ) {
        let fallback = styles.first().map(|(_, s)| s.size).unwrap_or(10.0);
        if lines.is_empty() {
            // A blank line between paragraphs keeps its height.
            if p.text().is_empty() && bullet.is_none() && !self.page().runs.is_empty() {
                let h = fallback * LEADING;
                if self.y + h <= self.frame.bottom {
                    self.y += h;
                }
            }
            return;
        }
        for (i, r) in lines.into_iter().enumerate() {
            let size = max_size(&sub_styles(styles, &r)).unwrap_or(fallback);
            let h = size * LEADING;
            if self.y + h > self.frame.bottom && self.y > self.frame.top {
                self.new_page();
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
                    let tag = self.tag(true);
                    self.page().runs.push(PlacedRun {
                        x,
                        y: baseline,
                        text: "•".into(),
                        style: Style::regular(bs),
                        face,
                        rtl: false,
                        tag,
                    });
                }
            }
            let line = p.line(r.clone());
            let x0 = if p.rtl() {
                left + width - line.width
            } else {
                left
            };
            self.push_line(&line, x0, baseline);
            self.y += h;
        }
    }

    fn bullet_width(&self, size: f32) -> f32 {
        let p = self
            .fonts
            .paragraph("•".into(), &[(0..3, Style::regular(size))]);
        p.width(0..3)
    }

    /// The tag of runs of the element being laid out.
    fn tag(&self, label: bool) -> RunTag {
        RunTag::Content {
            elem: self.elements.len().saturating_sub(1),
            label,
        }
    }

    fn push_line(&mut self, line: &Line, x0: f32, baseline: f32) {
        let tag = self.tag(false);
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
                tag,
            })
            .collect();
        self.page().runs.extend(runs);
    }

    /// Moves to the next column, or to a new page after the last one.
    fn new_page(&mut self) {
        if let Some(next) = self.columns.get(self.column + 1) {
            self.column += 1;
            self.frame = *next;
        } else {
            self.pages.push(PageContent::default());
            self.column = 0;
            if let Some(first) = self.columns.first() {
                self.frame = *first;
            }
        }
        self.y = self.frame.top;
    }

    fn page(&mut self) -> &mut PageContent {
        if self.pages.is_empty() {
            self.pages.push(PageContent::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
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
            tag: RunTag::Artifact,
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

/// What a PDF says about itself: its title and language (the document
/// information, XMP metadata and the structure tree's root).
pub(crate) struct PdfMeta {
    /// The title a reader shows instead of the file name.
    pub title: String,
    /// The language of the labels (BCP 47: "en", "cy").
    pub lang: String,
}

/// Writes laid-out pages of size `width` x `height` as a tagged PDF:
/// every run is marked as part of its structure element (headings as
/// H1..H3 with their titles, paragraphs, lists of items with a label and a
/// body), footers, rules and the watermark as artifacts, with a title,
/// language, outline (the headings) and reading order (the flow's). With
/// `ua` it is checked as PDF/UA-1 by krilla and says so; without (text no
/// font draws: PDF/UA forbids .notdef glyphs), or if that check fails, it
/// is still tagged but makes no PDF/UA claim. `watermark`: the status of a
/// version not in force, across every page.
#[allow(clippy::too_many_arguments)]
pub(crate) fn write_pdf(
    fonts: &Fonts<'_>,
    pages: &[PageContent],
    elements: &[Element],
    (width, height): (f32, f32),
    watermark: Option<&str>,
    meta: &PdfMeta,
    ua: bool,
    progress: &dyn Progress,
) -> Result<Vec<u8>> {
    if ua {
        let doc = render(
            fonts,
            pages,
            elements,
            (width, height),
            watermark,
            meta,
            true,
            progress,
        )?;
        match doc.finish() {
            Ok(bytes) => return Ok(bytes),
            Err(krilla::error::KrillaError::Validation(_)) => {}
            // krilla's errors can name font or text details: keep only the kind.
            Err(_) => return Err(pdf_writer_failed()),
        }
    }
    let doc = render(
        fonts,
        pages,
        elements,
        (width, height),
        watermark,
        meta,
        false,
        progress,
    )?;
    doc.finish().map_err(|_| pdf_writer_failed())
}

fn pdf_writer_failed() -> HavenError {
    HavenError::Internal {
        reason: "the pdf writer failed".into(),
    }
}

/// Draws the pages into a new document with its structure tree, outline and
/// metadata (see [`write_pdf`]).
#[allow(clippy::too_many_arguments)]
fn render(
    fonts: &Fonts<'_>,
    pages: &[PageContent],
    elements: &[Element],
    (width, height): (f32, f32),
    watermark: Option<&str>,
    meta: &PdfMeta,
    ua: bool,
    progress: &dyn Progress,
) -> Result<Document> {
    let mut settings = SerializeSettings {
        enable_tagging: true,
        ..SerializeSettings::default()
    };
    if ua {
        settings.configuration = ConfigurationBuilder::new()
            .with_accessibility_validator(Accessibility::UA1)
            .finish()
            .map_err(|_| pdf_writer_failed())?;
    }
    let mut document = Document::new_with(settings);
    let page_settings =
        PageSettings::from_wh(width, height).ok_or_else(|| HavenError::Internal {
            reason: "pdf page size".into(),
        })?;
    // Each element's marked content (label or not) and where it starts.
    let mut ids: Vec<Vec<(bool, Identifier)>> = elements.iter().map(|_| Vec::new()).collect();
    let mut starts: Vec<Option<(usize, Point)>> = vec![None; elements.len()];
    for (index, content) in pages.iter().enumerate() {
        if progress.cancelled() {
            return Err(HavenError::Cancelled);
        }
        let mut page = document.start_page_with(page_settings.clone());
        let mut surface = page.surface();
        if let Some(mark) = watermark {
            surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                ArtifactType::Watermark,
            )));
            draw_watermark(&mut surface, fonts, mark, width, height);
            surface.end_tagged();
        }
        for run in &content.runs {
            let tag = match run.tag {
                RunTag::Content { elem, label } if elem < ids.len() => Some((elem, label)),
                _ => None,
            };
            let id = match tag {
                Some(_) => surface.start_tagged(ContentTag::Span(SpanTag::empty())),
                None => surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                    ArtifactType::PaginationOther,
                ))),
            };
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
            surface.end_tagged();
            if let Some((elem, label)) = tag {
                ids[elem].push((label, id));
                starts[elem].get_or_insert((
                    index,
                    Point::from_xy(run.x, (run.y - run.style.size * 1.2).max(0.0)),
                ));
            }
        }
        for rule in &content.rules {
            surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(
                ArtifactType::Layout,
            )));
            fonts.draw_rule(&mut surface, rule.x, rule.y, rule.width);
            surface.end_tagged();
        }
        surface.finish();
        page.finish();
    }

    let mut tree = TagTree::new().with_lang(Some(meta.lang.clone()));
    let mut outline = Outline::new();
    let mut list: Option<TagGroup> = None;
    for ((element, ids), start) in elements.iter().zip(ids).zip(starts) {
        if ids.is_empty() {
            continue;
        }
        if *element != Element::Item {
            if let Some(l) = list.take() {
                tree.push(l);
            }
        }
        match element {
            Element::Item => {
                let (labels, body): (Vec<_>, Vec<_>) = ids.into_iter().partition(|(l, _)| *l);
                let mut item = TagGroup::new(Tag::LI);
                if !labels.is_empty() {
                    item.push(TagGroup::with_children(Tag::Lbl, nodes(labels)));
                }
                if !body.is_empty() {
                    item.push(TagGroup::with_children(Tag::LBody, nodes(body)));
                }
                list.get_or_insert_with(|| TagGroup::new(Tag::L(ListNumbering::Disc)))
                    .push(item);
            }
            Element::Heading { level, text } => {
                let level = NonZeroU16::new(*level).unwrap_or(NonZeroU16::MIN);
                tree.push(TagGroup::with_children(
                    Tag::Hn(level, Some(text.clone())),
                    nodes(ids),
                ));
                if let (true, Some((page, at))) = (level.get() <= 2, start) {
                    outline.push_child(OutlineNode::new(
                        text.clone(),
                        XyzDestination::new(page, at),
                    ));
                }
            }
            Element::Para => tree.push(TagGroup::with_children(Tag::P, nodes(ids))),
        }
    }
    if let Some(l) = list.take() {
        tree.push(l);
    }
    document.set_tag_tree(tree);
    document.set_outline(outline);
    document.set_metadata(
        Metadata::new()
            .title(meta.title.clone())
            .language(meta.lang.clone())
            .creator("Haven".into()),
    );
    Ok(document)
}

/// Marked-content identifiers as structure-tree leaves.
fn nodes(ids: Vec<(bool, Identifier)>) -> Vec<Node> {
    ids.into_iter().map(|(_, id)| Node::from(id)).collect()
}

/// `text` in large light-grey bold type along the page's rising diagonal,
/// centred, drawn as glyph outlines: a watermark that survives photocopying
/// and cropping, unlike a banner on the first page.
fn draw_watermark(surface: &mut Surface<'_>, fonts: &Fonts<'_>, text: &str, w: f32, h: f32) {
    const PROBE: f32 = 100.0;
    let n = text.len();
    let probe = fonts.paragraph(text.to_string(), &[(0..n, Style::bold(PROBE))]);
    let probe_w = probe.width(0..n);
    if probe_w <= 0.0 {
        return;
    }
    let diagonal = (w * w + h * h).sqrt();
    let size = PROBE * (0.7 * diagonal / probe_w).min(3.0);
    let line = probe.line(0..n);
    let text_w = line.width * size / PROBE;
    let angle = -h.atan2(w).to_degrees();
    surface.push_transform(&Transform::from_rotate_at(angle, w / 2.0, h / 2.0));
    surface.set_fill(Some(Fill {
        paint: krilla::color::rgb::Color::new(210, 210, 210).into(),
        opacity: NormalizedF32::ONE,
        rule: FillRule::default(),
    }));
    let x0 = w / 2.0 - text_w / 2.0;
    for piece in &line.pieces {
        surface.draw_text(
            Point::from_xy(x0 + piece.x * size / PROBE, h / 2.0 + size * 0.35),
            fonts.krilla(piece.face),
            size,
            &piece.text,
            // Outlines, not text: the watermark is not read out, copied or
            // extracted between the lines of the real text.
            true,
            TextDirection::LeftToRight,
        );
    }
    surface.set_fill(Some(Fill::default()));
    surface.pop();
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
        let mut flow = Flow::new(fonts, FRAME);
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
