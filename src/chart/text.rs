//! Text: measuring, shortening and drawing labels with the embedded fonts.
//!
//! Plotters' own text drawing uses one font per string and misplaces glyphs by their left side
//! bearing (research/rust-deps.md, P7), so charts draw their text here instead: each character
//! gets the first embedded font that has it, glyphs advance by their font's advance width plus
//! kerning (between two glyphs of the same font), and the outlines are rasterised by `ab_glyph`
//! into a coverage mask that is blended onto the canvas.

use ab_glyph::{Font, GlyphId, OutlinedGlyph, ScaleFont, point};
use unicode_segmentation::UnicodeSegmentation;

use super::canvas::{Canvas, Image, Pt};
use super::fonts::{self, Face};
use super::theme::Rgb;

/// The ellipsis that ends a shortened label.
const ELLIPSIS: &str = "…";

/// DejaVu Sans' vertical metrics, in ems: text is positioned by them whatever font draws it, so
/// a label mixing Latin and Hangul sits on one baseline.
const ASCENT: f32 = 0.928;
const DESCENT: f32 = 0.236;
/// Half the height of a capital letter: centring on it looks centred to the eye.
const HALF_CAP: f32 = 0.364;

/// A glyph placed on a line of text.
struct Placed {
    face: Face,
    id: GlyphId,
    /// Pen position from the start of the line, in pixels.
    x: f32,
}

/// A laid-out line of text at one size.
struct Line {
    glyphs: Vec<Placed>,
    width: f32,
    px: f32,
}

fn layout(text: &str, px: f32) -> Line {
    let mut glyphs = Vec::with_capacity(text.len());
    let mut x = 0.0;
    let mut prev: Option<(Face, GlyphId)> = None;
    for c in text.chars() {
        // Line breaks and tabs have no glyph; a chart label is one line.
        let c = if c.is_control() { ' ' } else { c };
        let face = fonts::face_for(c);
        let font = fonts::font(face).as_scaled(fonts::scale(face, px));
        let id = font.glyph_id(c);
        if let Some((prev_face, prev_id)) = prev {
            // Kerning pairs exist only within one font.
            if prev_face == face {
                x += font.kern(prev_id, id);
            }
        }
        glyphs.push(Placed { face, id, x });
        x += font.h_advance(id);
        prev = Some((face, id));
    }
    Line { glyphs, width: x, px }
}

/// The width in pixels of `label` drawn at `font_px` (an em of `font_px` pixels) with the
/// embedded fonts, as the charts draw it.
pub fn label_width(label: &str, font_px: f32) -> f32 {
    layout(label, font_px).width
}

/// `label` shortened with an ellipsis ("…") so that it is at most `max_width_px` wide at
/// `font_px`, measured with the embedded fonts. A label that fits is returned unchanged; a
/// shortened one keeps as many whole characters (grapheme clusters) as fit, drops trailing
/// spaces before the ellipsis, and is just "…" (or empty, if even that does not fit) when nothing
/// else fits.
pub fn shorten_label(label: &str, max_width_px: f32, font_px: f32) -> String {
    if label_width(label, font_px) <= max_width_px {
        return label.to_string();
    }
    let cuts: Vec<usize> = label.grapheme_indices(true).map(|(i, _)| i).collect();
    let candidate = |n: usize| format!("{}{ELLIPSIS}", label[..cuts[n]].trim_end());
    // Binary search for the most graphemes that fit: width grows with the prefix length.
    let (mut lo, mut hi) = (0, cuts.len() - 1);
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if label_width(&candidate(mid), font_px) <= max_width_px {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let best = candidate(lo);
    if label_width(&best, font_px) <= max_width_px { best } else { String::new() }
}

/// The height a line of text at `px` occupies, from ascender to descender.
pub(crate) fn line_height(px: f32) -> f32 {
    (px * (ASCENT + DESCENT)).ceil()
}

/// Where the anchor point is along the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HAlign {
    Left,
    Center,
    Right,
}

/// Where the anchor point is across the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VAlign {
    /// At the top of the tallest letters.
    Top,
    /// At half the capital height: the visual middle of a label.
    Middle,
    /// At the bottom of the descenders.
    Bottom,
}

/// How to draw a piece of text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Style {
    pub px: f32,
    pub color: Rgb,
    pub h: HAlign,
    pub v: VAlign,
}

impl Style {
    pub(crate) fn new(px: f32, color: Rgb) -> Self {
        Style { px, color, h: HAlign::Left, v: VAlign::Top }
    }
    pub(crate) fn align(self, h: HAlign, v: VAlign) -> Self {
        Style { h, v, ..self }
    }
}

/// Coverage of a line of text, in pixels relative to its anchor (baseline at y = 0).
struct Mask {
    x0: i32,
    y0: i32,
    w: usize,
    h: usize,
    coverage: Vec<f32>,
}

/// Rasterise `line` with its pen starting at (`x`, `baseline`) in mask coordinates.
fn rasterise(line: &Line, x: f32, baseline: f32) -> Option<Mask> {
    let outlined: Vec<OutlinedGlyph> = line
        .glyphs
        .iter()
        .filter_map(|g| {
            let scale = fonts::scale(g.face, line.px);
            let glyph = g.id.with_scale_and_position(scale, point(x + g.x, baseline));
            fonts::font(g.face).outline_glyph(glyph)
        })
        .collect();
    let first = outlined.first()?.px_bounds();
    let (mut min, mut max) = (first.min, first.max);
    for g in &outlined {
        let b = g.px_bounds();
        (min.x, min.y) = (min.x.min(b.min.x), min.y.min(b.min.y));
        (max.x, max.y) = (max.x.max(b.max.x), max.y.max(b.max.y));
    }
    let (x0, y0) = (min.x.floor() as i32, min.y.floor() as i32);
    let w = (max.x.ceil() as i32 - x0) as usize;
    let h = (max.y.ceil() as i32 - y0) as usize;
    let mut coverage = vec![0f32; w * h];
    for g in &outlined {
        let b = g.px_bounds();
        let (ox, oy) = (b.min.x as i32 - x0, b.min.y as i32 - y0);
        g.draw(|gx, gy, c| {
            let i = (oy + gy as i32) as usize * w + (ox + gx as i32) as usize;
            // Neighbouring glyphs may touch; coverage adds up but cannot exceed full.
            coverage[i] = (coverage[i] + c).min(1.0);
        });
    }
    Some(Mask { x0, y0, w, h, coverage })
}

/// The pen start and baseline, relative to the anchor, for `width` wide text.
fn offsets(width: f32, style: &Style) -> (f32, f32) {
    let dx = match style.h {
        HAlign::Left => 0.0,
        HAlign::Center => -width / 2.0,
        HAlign::Right => -width,
    };
    let dy = match style.v {
        VAlign::Top => ASCENT * style.px,
        VAlign::Middle => HALF_CAP * style.px,
        VAlign::Bottom => -DESCENT * style.px,
    };
    (dx, dy)
}

/// Text queued on a canvas, painted over the geometry when the image is finished.
pub(crate) struct TextOp {
    line: Line,
    at: Pt,
    style: Style,
    upright: bool,
}

/// Draw `text` anchored at `at`, reading left to right. Returns its width.
pub(crate) fn draw(canvas: &mut Canvas, text: &str, at: Pt, style: Style) -> f32 {
    queue(canvas, text, at, style, false)
}

/// Draw `text` anchored at `at`, turned a quarter turn anticlockwise so that it reads bottom to
/// top (vertical axis descriptions, column labels). Alignment is relative to the text: `HAlign`
/// runs along it (upwards), `VAlign` across it. Returns its width (its height on the image).
pub(crate) fn draw_up(canvas: &mut Canvas, text: &str, at: Pt, style: Style) -> f32 {
    queue(canvas, text, at, style, true)
}

fn queue(canvas: &mut Canvas, text: &str, at: Pt, style: Style, upright: bool) -> f32 {
    let line = layout(text, style.px);
    let width = line.width;
    canvas.text(TextOp { line, at, style, upright });
    width
}

/// Rasterise a queued text and blend it onto the image.
pub(crate) fn paint(image: &mut Image, op: &TextOp) {
    let (dx, dy) = offsets(op.line.width, &op.style);
    let color = op.style.color;
    if !op.upright {
        // Rasterise at the anchor's exact position, so glyphs keep their sub-pixel placement.
        if let Some(mask) = rasterise(&op.line, op.at.0 + dx, op.at.1 + dy) {
            mask.for_each(|x, y, a| image.blend(x, y, color, a));
        }
        return;
    }
    // Rasterise upright around the origin, then turn: mask pixel (mx, my) covers the image
    // pixel (ax + my, ay − mx − 1).
    let (ax, ay) = (op.at.0.round() as i32, op.at.1.round() as i32);
    if let Some(mask) = rasterise(&op.line, dx, dy) {
        mask.for_each(|mx, my, a| image.blend(ax + my, ay - mx - 1, color, a));
    }
}

impl Mask {
    /// Call `f(x, y, coverage)` for every covered pixel.
    fn for_each(&self, mut f: impl FnMut(i32, i32, f32)) {
        for j in 0..self.h {
            for i in 0..self.w {
                let a = self.coverage[j * self.w + i];
                if a > 0.0 {
                    f(self.x0 + i as i32, self.y0 + j as i32, a);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::Size;
    use crate::chart::theme::{INK, WHITE};

    #[test]
    fn short_label_is_unchanged() {
        assert_eq!(shorten_label("the party", 500.0, 14.0), "the party");
    }

    #[test]
    fn long_label_gets_ellipsis_and_fits() {
        let long = "implementing the party policies of the Kimilsungist-Kimjongilist party";
        let s = shorten_label(long, 200.0, 14.0);
        assert!(s.ends_with('…'), "{s}");
        assert!(label_width(&s, 14.0) <= 200.0);
        assert!(long.starts_with(s.trim_end_matches('…')));
        // As long as possible: one more character would not fit.
        let kept = s.trim_end_matches('…').chars().count();
        let longer: String = long.chars().take(kept + 1).collect();
        assert!(label_width(&format!("{}…", longer.trim_end()), 14.0) > 200.0);
    }

    #[test]
    fn no_space_before_ellipsis() {
        let s = shorten_label("aaaa bbbbbbbbbbbbbbbbbbbbbbbb", label_width("aaaa …", 14.0), 14.0);
        assert_eq!(s, "aaaa…");
    }

    #[test]
    fn hangul_is_measured_with_its_font() {
        let w = label_width("김일성-김정일주의", 20.0);
        // Eight syllables of about one em each, plus a hyphen.
        assert!((150.0..=190.0).contains(&w), "width {w}");
        let s = shorten_label("김일성-김정일주의 조선로동당", 100.0, 20.0);
        assert!(s.ends_with('…') && label_width(&s, 20.0) <= 100.0, "{s}");
        assert!(s.starts_with("김일성"), "{s}");
    }

    #[test]
    fn nothing_fits_gives_empty() {
        assert_eq!(shorten_label("abc", 1.0, 14.0), "");
        assert_eq!(shorten_label("", 0.0, 14.0), "");
    }

    #[test]
    fn font_is_chosen_per_glyph_within_a_label() {
        let line = layout("KCNA: 김정은 said", 16.0);
        let faces: String =
            line.glyphs.iter().map(|g| if g.face == Face::Hangul { 'H' } else { 'L' }).collect();
        assert_eq!(faces, "LLLLLLHHHLLLLL");
        // Pens advance monotonically: no glyph is drawn over another.
        assert!(line.glyphs.windows(2).all(|w| w[1].x > w[0].x));
        // Every glyph was found in its font (no missing-glyph boxes).
        assert!(line.glyphs.iter().all(|g| g.id.0 != 0));
    }

    #[test]
    fn kerning_is_applied() {
        // DejaVu Sans kerns "AV" tighter than its letters' advances.
        assert!(label_width("AV", 40.0) < label_width("A", 40.0) + label_width("V", 40.0));
    }

    fn ink(image: &Image, x0: u32, y0: u32, x1: u32, y1: u32) -> usize {
        let mut n = 0;
        for y in y0..y1 {
            for x in x0..x1 {
                n += usize::from(image.pixel(x, y) != WHITE);
            }
        }
        n
    }

    #[test]
    fn hangul_draws_ink_where_expected() {
        let mut c = Canvas::new(Size::new(300, 240));
        let w = draw(&mut c, "조선로동당", (10.0, 10.0), Style::new(24.0, INK));
        assert!(w > 100.0);
        let img = c.finish();
        assert!(ink(&img, 10, 10, 10 + w as u32, 40) > 200);
        // Nothing outside the label's box.
        assert_eq!(ink(&img, 0, 45, 300, 240), 0);
    }

    #[test]
    fn vertical_text_runs_upwards() {
        let mut c = Canvas::new(Size::new(240, 300));
        let style = Style::new(20.0, INK).align(HAlign::Left, VAlign::Top);
        let w = draw_up(&mut c, "per million words", (20.0, 280.0), style);
        // It occupies a tall, narrow strip above the anchor and right of it.
        let img = c.finish();
        assert!(ink(&img, 20, 280 - w as u32, 45, 280) > 200);
        assert_eq!(ink(&img, 50, 0, 240, 300), 0);
        assert_eq!(ink(&img, 0, 282, 240, 300), 0);
    }
}
