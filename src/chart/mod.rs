//! Charts as PNG images: bar, trend, Zipf, heatmap and keyness.
//!
//! This is the only module that uses Plotters. Plotters draws the geometry (bars, lines, areas,
//! grid lines) into an RGB buffer three times the image's size in each direction, which is then
//! averaged down: Plotters' bitmap backend does not anti-alias wide lines, circles or polygon
//! edges, and this gives them smooth edges. All text is drawn afterwards at the image's size with
//! `ab_glyph` and the two embedded fonts (`assets/fonts/`), choosing the font glyph by glyph:
//! DejaVu Sans for every character it has, NanumSquareR for the rest (Hangul). Plotters' own text
//! drawing is not used, as it takes one font per string and misplaces glyphs by their left side
//! bearing. The PNG is encoded here too, with no time stamp or other ancillary chunk, so the same
//! chart and size give byte-identical files on every machine.
//!
//! The API takes plain Rust data: a [`Chart`] and a [`Size`] go into [`render_png`] or
//! [`write_png`]. Values must be finite numbers; labels may be any length (long ones are shortened
//! with an ellipsis to fit, see [`shorten_label`]).

mod axis;
mod bar;
mod canvas;
mod encode;
mod fonts;
mod heatmap;
mod keyness;
mod periods;
mod text;
mod theme;
mod trend;
mod zipf;

use std::path::{Path, PathBuf};

pub use text::{label_width, shorten_label};

/// The size of a chart image in pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

impl Size {
    /// The smallest accepted width or height: below this the axes and labels no longer fit.
    pub const MIN: u32 = 240;
    /// The largest accepted width or height (an 8192 × 8192 image is already 192 MiB of pixels).
    pub const MAX: u32 = 8_192;

    /// A size of `width` × `height` pixels.
    pub fn new(width: u32, height: u32) -> Self {
        Size { width, height }
    }
}

impl Default for Size {
    /// 1200 × 800, which reads well on a screen and in a paper column scaled down.
    fn default() -> Self {
        Size::new(1200, 800)
    }
}

/// One horizontal bar: a phrase and its value, with an optional note drawn at the bar's end.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// The phrase (display form), drawn as the row label.
    pub label: String,
    /// The bar's length in the chart's unit.
    pub value: f64,
    /// A short note drawn just beyond the end of the bar, e.g. "41 docs".
    pub note: Option<String>,
}

impl Bar {
    /// A bar with no note.
    pub fn new(label: impl Into<String>, value: f64) -> Self {
        Bar { label: label.into(), value, note: None }
    }

    /// The same bar with a note at its end.
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

/// Horizontal bars of the top phrases, largest at the top (the bars are sorted by value, the
/// order among equal values is kept).
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// The chart's title.
    pub title: String,
    /// The value axis' description with its unit, e.g. "occurrences" or "per million words".
    pub value_label: String,
    /// The bars; at least one.
    pub bars: Vec<Bar>,
}

/// One line of a trend chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The legend entry (usually the phrase).
    pub label: String,
    /// One value per period, in the order of [`TrendChart::periods`]; a period where the phrase
    /// does not occur is a 0, not a missing value. NaN marks a period without data (no
    /// documents): the line is broken there, not drawn down to 0.
    pub values: Vec<f64>,
    /// An optional confidence band: one `(lower, upper)` pair per period, drawn as a translucent
    /// area behind the line (ignored where the value is NaN).
    pub band: Option<Vec<(f64, f64)>>,
}

/// Lines of phrase frequencies by period, one colour per phrase, with a legend.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendChart {
    /// The chart's title.
    pub title: String,
    /// The value axis' description with its unit, e.g. "per million words".
    pub y_label: String,
    /// The time axis' description, e.g. "month"; empty for none.
    pub x_label: String,
    /// The period labels in time order, e.g. "2012", "2016-03", "2016-Q2". The x axis shows as
    /// many of them as fit without overlap, at a regular interval.
    pub periods: Vec<String>,
    /// The lines; at least one. Beyond eight series the colours repeat with dashed lines.
    pub series: Vec<Series>,
}

/// Rank–frequency curves on log–log axes, one per n-gram order.
#[derive(Debug, Clone, PartialEq)]
pub struct ZipfChart {
    /// The chart's title.
    pub title: String,
    /// `(legend label, frequencies in rank order)`, e.g. `("2-grams", vec![5120, 3300, …])`.
    /// Frequencies should be non-increasing; zeros cannot be shown on a log axis and are skipped.
    pub series: Vec<(String, Vec<u64>)>,
}

/// Phrases (rows) by periods (columns), each cell coloured by its value.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatmapChart {
    /// The chart's title.
    pub title: String,
    /// The colour scale's description with its unit, e.g. "per million words".
    pub value_label: String,
    /// The column axis' description, e.g. "year"; empty for none.
    pub x_label: String,
    /// Row labels (phrases), drawn top to bottom.
    pub rows: Vec<String>,
    /// Column labels (periods), drawn left to right.
    pub cols: Vec<String>,
    /// `values[row][col]`: one vector per row, each as long as `cols`. NaN marks a cell without
    /// data (a period without documents), drawn in light grey outside the colour scale.
    pub values: Vec<Vec<f64>>,
}

/// Diverging horizontal bars: positive values (more in the target) to the right, negative
/// values (more in the reference) to the left. Bars are sorted from the most positive at the top
/// to the most negative at the bottom.
#[derive(Debug, Clone, PartialEq)]
pub struct KeynessChart {
    /// The chart's title.
    pub title: String,
    /// The value axis' description, e.g. "Log Ratio (log₂ of the ratio of relative frequencies)".
    pub value_label: String,
    /// The target corpus' name, shown over the positive side.
    pub target: String,
    /// The reference corpus' name, shown over the negative side.
    pub reference: String,
    /// The bars; at least one. Notes are drawn beyond the bar's end on either side.
    pub bars: Vec<Bar>,
}

/// Any chart refrain can draw.
#[derive(Debug, Clone, PartialEq)]
pub enum Chart {
    /// Horizontal bars of top phrases.
    Bar(BarChart),
    /// Lines by period.
    Trend(TrendChart),
    /// Rank–frequency, log–log.
    Zipf(ZipfChart),
    /// Phrases × periods.
    Heatmap(HeatmapChart),
    /// Diverging bars, target against reference.
    Keyness(KeynessChart),
}

/// Why a chart could not be drawn or written.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The input has nothing to show.
    #[error("nothing to draw: {0}")]
    Empty(String),
    /// The requested image size is out of range.
    #[error(
        "bad chart size {width}×{height}: width and height must be between {min} and {max} pixels",
        min = Size::MIN,
        max = Size::MAX
    )]
    BadSize {
        /// The requested width.
        width: u32,
        /// The requested height.
        height: u32,
    },
    /// The input is inconsistent (lengths differ) or holds a value that is not a finite number.
    #[error("bad chart data: {0}")]
    Data(String),
    /// Plotters failed to draw (should not happen with an in-memory buffer).
    #[error("drawing failed: {0}")]
    Draw(String),
    /// The PNG file could not be written (the I/O error already names `path`).
    #[error("{source}")]
    Io {
        /// The destination.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

/// Draw `chart` at `size` and return the PNG file's bytes.
///
/// The result depends only on the arguments: no system fonts, clock or environment are read.
pub fn render_png(chart: &Chart, size: Size) -> Result<Vec<u8>, ChartError> {
    check_size(size)?;
    let mut canvas = canvas::Canvas::new(size);
    match chart {
        Chart::Bar(c) => bar::draw(&mut canvas, c)?,
        Chart::Trend(c) => trend::draw(&mut canvas, c)?,
        Chart::Zipf(c) => zipf::draw(&mut canvas, c)?,
        Chart::Heatmap(c) => heatmap::draw(&mut canvas, c)?,
        Chart::Keyness(c) => keyness::draw(&mut canvas, c)?,
    }
    Ok(canvas.into_png())
}

/// Draw `chart` at `size` and write it as a PNG file at `path`, atomically: a reader never sees a
/// half-written file, and a failure leaves any previous file in place.
pub fn write_png(chart: &Chart, size: Size, path: &Path) -> Result<(), ChartError> {
    let bytes = render_png(chart, size)?;
    crate::fsutil::write_bytes_atomic(path, &bytes)
        .map_err(|source| ChartError::Io { path: path.to_path_buf(), source })
}

fn check_size(size: Size) -> Result<(), ChartError> {
    let ok = |v: u32| (Size::MIN..=Size::MAX).contains(&v);
    if ok(size.width) && ok(size.height) {
        Ok(())
    } else {
        Err(ChartError::BadSize { width: size.width, height: size.height })
    }
}

/// Reject NaN and infinities with an error that says where they are.
fn check_finite(what: &str, v: f64) -> Result<(), ChartError> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(ChartError::Data(format!("{what} is {v}, not a finite number")))
    }
}

#[cfg(test)]
mod tests;
