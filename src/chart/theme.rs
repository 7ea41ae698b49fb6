//! Colours and sizes shared by all charts.

use super::Size;

/// An sRGB colour.
pub(crate) type Rgb = [u8; 3];

pub(crate) const WHITE: Rgb = [0xFF, 0xFF, 0xFF];
/// Titles and axis descriptions.
pub(crate) const INK: Rgb = [0x1F, 0x1F, 0x1F];
/// Tick labels, row labels.
pub(crate) const TEXT: Rgb = [0x33, 0x33, 0x33];
/// Notes and other secondary text.
pub(crate) const MUTED: Rgb = [0x66, 0x66, 0x66];
/// Axis lines and tick marks.
pub(crate) const AXIS: Rgb = [0x59, 0x59, 0x59];
/// Grid lines: visible but behind everything.
pub(crate) const GRID: Rgb = [0xE3, 0xE3, 0xE3];
/// Minor grid lines of log axes: fainter still.
pub(crate) const MINOR_GRID: Rgb = [0xF2, 0xF2, 0xF2];

/// Okabe–Ito, the palette designed to stay distinct under every common colour-vision
/// deficiency, ordered so that the first colours are also distinct in greyscale. Its yellow is
/// left out: on white it is too faint for a line.
pub(crate) const SERIES: [Rgb; 7] = [
    [0x00, 0x72, 0xB2], // blue
    [0xD5, 0x5E, 0x00], // vermillion
    [0x00, 0x9E, 0x73], // bluish green
    [0xCC, 0x79, 0xA7], // reddish purple
    [0xE6, 0x9F, 0x00], // orange
    [0x56, 0xB4, 0xE9], // sky blue
    [0x00, 0x00, 0x00], // black
];

/// Bars of a bar chart (Okabe–Ito blue).
pub(crate) const BAR: Rgb = SERIES[0];
/// Keyness: the target side (vermillion) and the reference side (blue), the Okabe–Ito pair
/// that stays apart for every colour-vision deficiency.
pub(crate) const TARGET: Rgb = SERIES[1];
pub(crate) const REFERENCE: Rgb = SERIES[0];

/// The colour of series `i`: the palette, repeated.
pub(crate) fn series_color(i: usize) -> Rgb {
    SERIES[i % SERIES.len()]
}

/// Sequential colour map for the heatmap: ColorBrewer YlGnBu, from pale yellow (low) to dark
/// blue (high). It is colour-blind safe, prints in greyscale, and keeps zero cells light so that
/// the eye goes to the high values.
const YL_GN_BU: [Rgb; 9] = [
    [0xFF, 0xFF, 0xD9],
    [0xED, 0xF8, 0xB1],
    [0xC7, 0xE9, 0xB4],
    [0x7F, 0xCD, 0xBB],
    [0x41, 0xB6, 0xC4],
    [0x1D, 0x91, 0xC0],
    [0x22, 0x5E, 0xA8],
    [0x25, 0x34, 0x94],
    [0x08, 0x1D, 0x58],
];

/// The colour at `t` in [0, 1] on the sequential map (linear between the stops).
pub(crate) fn sequential(t: f64) -> Rgb {
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 };
    let pos = t * (YL_GN_BU.len() - 1) as f64;
    let i = (pos.floor() as usize).min(YL_GN_BU.len() - 2);
    let f = pos - i as f64;
    let (a, b) = (YL_GN_BU[i], YL_GN_BU[i + 1]);
    std::array::from_fn(|k| (a[k] as f64 + (b[k] as f64 - a[k] as f64) * f).round() as u8)
}

/// Text sizes, line widths and spacing for one image size.
///
/// Sizes follow the image's smaller relative dimension (1200 × 800 is 1.0) but only by its
/// square root and never below 0.8, so that small images keep readable text and large ones do not
/// get poster-sized letters.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Theme {
    pub width: f32,
    pub height: f32,
    /// Chart title.
    pub title_px: f32,
    /// Axis descriptions and legend entries.
    pub label_px: f32,
    /// Tick labels and row labels.
    pub tick_px: f32,
    /// Notes at the end of bars.
    pub note_px: f32,
    /// Space between the image edge and anything drawn.
    pub margin: f32,
    /// Space between a label and what it labels.
    pub gap: f32,
    /// Length of tick marks.
    pub tick_len: f32,
    /// Width of data lines.
    pub line_width: f32,
}

impl Theme {
    pub(crate) fn new(size: Size) -> Self {
        let (w, h) = (size.width as f32, size.height as f32);
        let rel = (w / 1200.0).min(h / 800.0);
        let s = rel.sqrt().clamp(0.8, 2.0);
        Theme {
            width: w,
            height: h,
            title_px: (22.0 * s).round(),
            label_px: (16.0 * s).round(),
            tick_px: (14.0 * s).round(),
            note_px: (13.0 * s).round(),
            margin: (18.0 * rel.clamp(0.6, 2.0)).round(),
            gap: (8.0 * s).round(),
            tick_len: (5.0 * s).round(),
            line_width: (2.4 * s).max(1.5),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequential_map_ends() {
        assert_eq!(sequential(0.0), YL_GN_BU[0]);
        assert_eq!(sequential(1.0), YL_GN_BU[8]);
        assert_eq!(sequential(f64::NAN), YL_GN_BU[0]);
        // Darker as t grows: the sum of channels falls.
        let sum = |c: Rgb| c.iter().map(|&v| v as u32).sum::<u32>();
        assert!(sum(sequential(0.3)) > sum(sequential(0.7)));
    }

    #[test]
    fn theme_scales_gently() {
        let small = Theme::new(Size::new(600, 400));
        let big = Theme::new(Size::new(2400, 1600));
        assert!(small.tick_px >= 11.0);
        assert!(big.tick_px <= 2.0 * 14.0);
    }
}
