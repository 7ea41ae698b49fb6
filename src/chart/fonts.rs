//! The two embedded fonts, and which of them draws a given character.
//!
//! Charts never read system fonts, so they look the same everywhere. DejaVu Sans covers Latin,
//! Greek, Cyrillic and most punctuation; NanumSquareR covers all 11,172 Hangul syllables. See
//! `assets/fonts/README.md` for their sources and licences.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale};

static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static NANUM_SQUARE: &[u8] = include_bytes!("../../assets/fonts/NanumSquareR.ttf");

/// Which embedded font draws a glyph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    /// DejaVu Sans: the default for every character it has.
    Latin,
    /// NanumSquareR: Hangul and whatever else DejaVu lacks.
    Hangul,
}

struct Fonts {
    latin: FontRef<'static>,
    hangul: FontRef<'static>,
}

fn fonts() -> &'static Fonts {
    static FONTS: OnceLock<Fonts> = OnceLock::new();
    FONTS.get_or_init(|| {
        // The bytes are compiled in and checked by the tests, so a parse failure is a build defect.
        let parse = |bytes| FontRef::try_from_slice(bytes).expect("embedded font must parse");
        Fonts { latin: parse(DEJAVU_SANS), hangul: parse(NANUM_SQUARE) }
    })
}

/// The font of `face`.
pub(crate) fn font(face: Face) -> &'static FontRef<'static> {
    match face {
        Face::Latin => &fonts().latin,
        Face::Hangul => &fonts().hangul,
    }
}

/// The font that draws `c`: DejaVu Sans when it has the glyph, else NanumSquareR when it has
/// it, else DejaVu Sans (whose "missing glyph" box at least shows that something is there).
pub(crate) fn face_for(c: char) -> Face {
    let f = fonts();
    if f.latin.glyph_id(c).0 != 0 {
        Face::Latin
    } else if f.hangul.glyph_id(c).0 != 0 {
        Face::Hangul
    } else {
        Face::Latin
    }
}

/// The scale at which `face` has an em of `px` pixels.
///
/// ab_glyph's `PxScale` sets the height from ascender to descender, which differs between the
/// two fonts; scaling both to the same em keeps Latin and Hangul letters in one label the same
/// size.
pub(crate) fn scale(face: Face, px: f32) -> PxScale {
    let f = font(face);
    let units_per_em = f.units_per_em().unwrap_or(1000.0);
    PxScale::from(px * f.height_unscaled() / units_per_em)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_fonts_parse() {
        assert!(font(Face::Latin).glyph_id('A').0 != 0);
        assert!(font(Face::Hangul).glyph_id('한').0 != 0);
    }

    #[test]
    fn face_is_chosen_per_character() {
        assert_eq!(face_for('a'), Face::Latin);
        assert_eq!(face_for('é'), Face::Latin);
        assert_eq!(face_for('…'), Face::Latin);
        assert_eq!(face_for('-'), Face::Latin);
        assert_eq!(face_for('김'), Face::Hangul);
        assert_eq!(face_for('조'), Face::Hangul);
        // Neither font has it: DejaVu draws its missing-glyph box.
        assert_eq!(face_for('\u{10FFFD}'), Face::Latin);
    }

    #[test]
    fn both_faces_share_the_em() {
        // An em of 100 px: the width of a full-width Hangul syllable is close to the em.
        let f = font(Face::Hangul);
        let scaled = ab_glyph::Font::as_scaled(f, scale(Face::Hangul, 100.0));
        let adv = ab_glyph::ScaleFont::h_advance(&scaled, f.glyph_id('한'));
        assert!((80.0..=105.0).contains(&adv), "advance {adv}");
    }
}
