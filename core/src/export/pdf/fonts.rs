//! The fonts every PDF uses: DejaVu Sans regular and bold, compiled into the
//! binary so an export never depends on what fonts a phone has. DejaVu covers
//! Latin (with Vietnamese and the rest of Latin Extended), Greek, Cyrillic,
//! Armenian, Georgian, Hebrew and Arabic letters; krilla subsets each font to
//! the glyphs used, so a PDF carries only a few kilobytes of font.
//!
//! Licence: Bitstream Vera / DejaVu (free to redistribute unmodified); see
//! `core/assets/fonts/LICENSE-DejaVu.txt`.

use krilla::geom::PathBuilder;
use krilla::surface::Surface;
use krilla::text::Font;

use crate::error::{HavenError, Result};

static REGULAR: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-Bold.ttf");

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// The two faces, for drawing (krilla) and measuring (rustybuzz, the shaper
/// krilla uses, so widths match what is drawn).
pub(crate) struct Fonts {
    regular: Font,
    bold: Font,
    regular_face: rustybuzz::Face<'static>,
    bold_face: rustybuzz::Face<'static>,
}

fn broken() -> HavenError {
    HavenError::Internal {
        reason: "the embedded pdf font did not load".into(),
    }
}

impl Fonts {
    /// Loads the embedded fonts.
    pub fn load() -> Result<Self> {
        Ok(Self {
            regular: Font::new(REGULAR.into(), 0).ok_or_else(broken)?,
            bold: Font::new(BOLD.into(), 0).ok_or_else(broken)?,
            regular_face: rustybuzz::Face::from_slice(REGULAR, 0).ok_or_else(broken)?,
            bold_face: rustybuzz::Face::from_slice(BOLD, 0).ok_or_else(broken)?,
        })
    }

    /// The krilla font for a weight (cheap to clone).
    pub fn krilla(&self, weight: Weight) -> Font {
        match weight {
            Weight::Regular => self.regular.clone(),
            Weight::Bold => self.bold.clone(),
        }
    }

    /// The advance width of `text` at `size` points, as shaped.
    pub fn width(&self, text: &str, weight: Weight, size: f32) -> f32 {
        self.clusters(text, weight, size).iter().map(|c| c.1).sum()
    }

    /// Shapes `text` and returns, for each glyph, the byte offset where its
    /// cluster starts and its advance in points. rustybuzz's default cluster
    /// level keeps a base character with its combining marks, joiners and
    /// variation selectors, so a cluster start is a safe place to cut a word.
    pub fn clusters(&self, text: &str, weight: Weight, size: f32) -> Vec<(usize, f32)> {
        let face = match weight {
            Weight::Regular => &self.regular_face,
            Weight::Bold => &self.bold_face,
        };
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(face, &[], buffer);
        let scale = size / face.units_per_em().max(1) as f32;
        shaped
            .glyph_infos()
            .iter()
            .zip(shaped.glyph_positions())
            .map(|(i, p)| (i.cluster as usize, p.x_advance as f32 * scale))
            .collect()
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
