//! Where PDF exports find their fonts, and which faces an export uses.
//!
//! A plan is written in the person's own words, in any script, so one font is
//! never enough. A [`FontSource`] is an ordered list of faces: DejaVu Sans
//! (regular and bold, compiled in, so Latin, Greek, Cyrillic, Hebrew and
//! basic Arabic always print), then the fonts the app passes in (Android and
//! iOS ship Noto and their own families, so the core bundles no megabytes of
//! CJK), then, with the `system-fonts` feature (the CLI), the fonts installed
//! on the computer, found by fontdb.
//!
//! For one export, [`FontSource::select`] walks that list once per weight and
//! keeps each face that covers a character of the document no earlier face
//! covered; only those faces are read into memory and handed to krilla, which
//! subsets each to the glyphs used. Characters no face covers are reported by
//! the layout as an [`crate::export::ExportWarning`].

use std::collections::BTreeSet;
use std::sync::Arc;

use fontdb::{Database, Source, ID};

use crate::error::{HavenError, Result};

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Weight {
    Regular,
    Bold,
}

/// The fonts an export may use, in order of preference: the bundled DejaVu
/// Sans, then fonts added with [`FontSource::add_font`], then (feature
/// `system-fonts`) the computer's. Cheap to clone.
#[derive(Clone)]
pub struct FontSource {
    db: Arc<Database>,
    /// Every face, in order of preference (bundled first).
    order: Arc<Vec<ID>>,
}

impl std::fmt::Debug for FontSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FontSource {{ {} faces }}", self.order.len())
    }
}

impl Default for FontSource {
    fn default() -> Self {
        Self::bundled()
    }
}

fn static_source(bytes: &'static [u8]) -> Source {
    Source::Binary(Arc::new(bytes))
}

impl FontSource {
    /// Only the fonts compiled into the core (DejaVu Sans regular and bold).
    pub fn bundled() -> Self {
        let mut db = Database::new();
        let mut order = Vec::new();
        order.extend(db.load_font_source(static_source(REGULAR)));
        order.extend(db.load_font_source(static_source(BOLD)));
        Self {
            db: Arc::new(db),
            order: Arc::new(order),
        }
    }

    /// Adds a font file's bytes (TrueType, OpenType or a collection), after
    /// the fonts already added. Returns how many faces it holds;
    /// `InvalidInput` if it holds none.
    pub fn add_font(&mut self, bytes: Vec<u8>) -> Result<u32> {
        let ids = Arc::make_mut(&mut self.db).load_font_source(Source::Binary(Arc::new(bytes)));
        if ids.is_empty() {
            return Err(HavenError::invalid(
                "this is not a font file Haven can read",
            ));
        }
        let n = ids.len() as u32;
        Arc::make_mut(&mut self.order).extend(ids);
        Ok(n)
    }

    /// Adds the fonts installed on this computer (fontconfig's folders on
    /// Linux), after every font already added. Returns how many faces were
    /// found.
    #[cfg(feature = "system-fonts")]
    pub fn add_system_fonts(&mut self) -> u32 {
        let db = Arc::make_mut(&mut self.db);
        let before: std::collections::HashSet<ID> = db.faces().map(|f| f.id).collect();
        db.load_system_fonts();
        let new: Vec<ID> = db
            .faces()
            .map(|f| f.id)
            .filter(|id| !before.contains(id))
            .collect();
        let n = new.len() as u32;
        Arc::make_mut(&mut self.order).extend(new);
        n
    }

    /// How many faces this source offers.
    pub fn face_count(&self) -> usize {
        self.order.len()
    }

    /// The faces to use for a document whose text is made of `chars`: for
    /// each weight, the faces in order of preference that cover a character
    /// no earlier face covered (faces of the wrong weight or italic come
    /// after the others).
    pub(crate) fn select(&self, chars: &BTreeSet<char>) -> Result<FontSet> {
        let wanted: Vec<char> = chars.iter().copied().filter(|c| !ignorable(*c)).collect();
        let mut set = FontSet::default();
        for weight in [Weight::Regular, Weight::Bold] {
            let mut uncovered: BTreeSet<char> = wanted.iter().copied().collect();
            let mut picked = Vec::new();
            for id in self.ranked(weight) {
                // The weight's own DejaVu face is always first and always kept.
                let first = picked.is_empty();
                if uncovered.is_empty() && !first {
                    break;
                }
                let covered = self
                    .db
                    .with_face_data(id, |data, index| covered_by(data, index, &uncovered))
                    .unwrap_or_default();
                if covered.is_empty() && !first {
                    continue;
                }
                for c in &covered {
                    uncovered.remove(c);
                }
                picked.push(set.load(&self.db, id)?);
            }
            match weight {
                Weight::Regular => set.regular = picked,
                Weight::Bold => set.bold = picked,
            }
        }
        Ok(set)
    }

    /// Every face in the order tried for `weight`.
    fn ranked(&self, weight: Weight) -> Vec<ID> {
        let own = match weight {
            Weight::Regular => self.order.first(),
            Weight::Bold => self.order.get(1),
        };
        let mut rest: Vec<(u8, usize, ID)> = self
            .order
            .iter()
            .skip(2)
            .enumerate()
            .filter_map(|(i, id)| {
                let f = self.db.face(*id)?;
                let bold = f.weight.0 >= 600;
                let upright = f.style == fontdb::Style::Normal;
                let rank = u8::from(bold != (weight == Weight::Bold)) + 2 * u8::from(!upright);
                Some((rank, i, *id))
            })
            .collect();
        rest.sort();
        own.copied()
            .into_iter()
            .chain(rest.into_iter().map(|(_, _, id)| id))
            .collect()
    }
}

/// The characters of `wanted` that the face at `index` in `data` has a glyph for.
fn covered_by(data: &[u8], index: u32, wanted: &BTreeSet<char>) -> Vec<char> {
    match rustybuzz::ttf_parser::Face::parse(data, index) {
        Ok(face) => wanted
            .iter()
            .copied()
            .filter(|c| face.glyph_index(*c).is_some_and(|g| g.0 != 0))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Characters that draw nothing and need no glyph: spaces and line ends are
/// drawn by advance only, and format characters (joiners, direction marks,
/// variation selectors) are consumed by the shaper.
pub(crate) fn ignorable(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
            | '\u{E0000}'..='\u{E0FFF}')
}

/// One face an export uses: its bytes, for krilla to embed and rustybuzz to measure.
pub(crate) struct LoadedFace {
    pub data: krilla::Data,
    pub index: u32,
    pub font: krilla::text::Font,
}

/// The faces chosen for one export (see [`FontSource::select`]), each
/// weight's list in order of preference, as indexes into `faces`.
#[derive(Default)]
pub(crate) struct FontSet {
    pub faces: Vec<LoadedFace>,
    ids: Vec<ID>,
    pub regular: Vec<usize>,
    pub bold: Vec<usize>,
}

fn unreadable() -> HavenError {
    HavenError::Internal {
        reason: "a font chosen for the pdf could not be read".into(),
    }
}

impl FontSet {
    /// Reads face `id` (once) and returns its index in `faces`.
    fn load(&mut self, db: &Database, id: ID) -> Result<usize> {
        if let Some(i) = self.ids.iter().position(|x| *x == id) {
            return Ok(i);
        }
        let (source, index) = db.face_source(id).ok_or_else(unreadable)?;
        let data: krilla::Data = match source {
            Source::Binary(bytes) => bytes.into(),
            #[cfg(feature = "system-fonts")]
            Source::SharedFile(_, bytes) => bytes.into(),
            #[cfg(feature = "system-fonts")]
            Source::File(path) => std::fs::read(path).map_err(|_| unreadable())?.into(),
        };
        let font = krilla::text::Font::new(data.clone(), index).ok_or_else(unreadable)?;
        self.faces.push(LoadedFace { data, index, font });
        self.ids.push(id);
        Ok(self.faces.len() - 1)
    }

    /// The faces tried for `weight`, in order.
    pub fn order(&self, weight: Weight) -> &[usize] {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_dejavu_is_chosen_first_for_each_weight() {
        let src = FontSource::bundled();
        let chars: BTreeSet<char> = "Haven — Żółć שלום".chars().collect();
        let set = src.select(&chars).unwrap();
        assert_eq!(set.regular.len(), 1);
        assert_eq!(set.bold.len(), 1);
        assert_ne!(set.regular[0], set.bold[0]);
    }

    #[test]
    fn a_non_font_is_refused() {
        let mut src = FontSource::bundled();
        let err = src.add_font(b"not a font at all".to_vec()).unwrap_err();
        assert!(matches!(err, HavenError::InvalidInput { .. }), "{err:?}");
        assert_eq!(src.face_count(), 2);
    }

    #[test]
    fn an_added_font_is_used_only_for_what_dejavu_lacks() {
        let mut src = FontSource::bundled();
        // DejaVu Sans Bold added as an "app" font: it covers nothing new for
        // Latin text, so the regular list keeps only DejaVu Sans.
        src.add_font(BOLD.to_vec()).unwrap();
        let chars: BTreeSet<char> = "plain words".chars().collect();
        let set = src.select(&chars).unwrap();
        assert_eq!(set.regular.len(), 1);
    }
}
