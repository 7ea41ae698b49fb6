//! Scales, tick values and number formatting, and the pieces every chart frames its plot with:
//! title, axes, grid lines and legend.

use super::ChartError;
use super::canvas::{Canvas, Pt, Rect};
use super::text::{self, HAlign, Style, VAlign, line_height, shorten_label};
use super::theme::{AXIS, GRID, INK, MUTED, Rgb, TEXT, WHITE};

/// Maps data values in [d0, d1] to pixels in [p0, p1] (p1 < p0 for an upward axis).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Linear {
    pub d0: f64,
    pub d1: f64,
    pub p0: f32,
    pub p1: f32,
}

impl Linear {
    pub(crate) fn map(&self, v: f64) -> f32 {
        let t = if self.d1 == self.d0 { 0.5 } else { (v - self.d0) / (self.d1 - self.d0) };
        self.p0 + (t as f32) * (self.p1 - self.p0)
    }
}

/// Maps positive data values logarithmically (base 10) to pixels.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Log10 {
    pub lin: Linear,
}

impl Log10 {
    /// A scale over [d0, d1], both positive.
    pub(crate) fn new(d0: f64, d1: f64, p0: f32, p1: f32) -> Self {
        Log10 { lin: Linear { d0: log10(d0), d1: log10(d1), p0, p1 } }
    }
    pub(crate) fn map(&self, v: f64) -> f32 {
        self.lin.map(log10(v))
    }
}

/// log10 of `v`, exact for powers of ten (where the ticks are) whatever the maths library.
fn log10(v: f64) -> f64 {
    let e = decade_below(v);
    if 10f64.powi(e) == v { e as f64 } else { v.log10() }
}

/// Tick values at a "nice" step (1, 2, 2.5 or 5 times a power of ten) covering a range.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ticks {
    /// The range rounded outwards to whole steps.
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    pub values: Vec<f64>,
}

/// At most `max_count` ticks (at least two) covering [lo, hi].
pub(crate) fn nice_ticks(lo: f64, hi: f64, max_count: usize) -> Ticks {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else if lo == 0.0 {
        (0.0, 1.0) // everything is zero: show a unit range
    } else {
        (lo.min(0.0), hi.max(0.0) + lo.abs() * 0.1)
    };
    let intervals = max_count.max(2) - 1;
    let raw = (hi - lo) / intervals as f64;
    let magnitude = 10f64.powi(decade_below(raw));
    let mut step = magnitude * 10.0;
    for m in [1.0, 2.0, 2.5, 5.0, 10.0] {
        let s = magnitude * m;
        // Accept the first step whose rounded-out range needs few enough intervals.
        if ((hi / s).ceil() - (lo / s).floor()) as usize <= intervals {
            step = s;
            break;
        }
    }
    let (first, last) = ((lo / step).floor() as i64, (hi / step).ceil() as i64);
    if !(1..=100).contains(&(last.saturating_sub(first))) {
        // Only for absurd ranges (beyond 10³⁰⁷, where steps lose precision): just the ends.
        return Ticks { lo, hi, step: hi - lo, values: vec![lo, hi] };
    }
    // Computing each value from its index avoids accumulating rounding errors (0.30000000000000004).
    let values = (first..=last).map(|i| clean(i as f64 * step, step)).collect();
    Ticks { lo: first as f64 * step, hi: last as f64 * step, step, values }
}

/// The exponent of the largest power of ten at or below `v` (> 0).
///
/// `log10` comes from the platform's maths library, which may be a unit in the last place off
/// at exact powers of ten; checking against `powi` (plain multiplication) makes the answer the
/// same everywhere, and so the charts.
pub(crate) fn decade_below(v: f64) -> i32 {
    if !(v.is_finite() && v > 0.0) {
        return 0;
    }
    let mut e = v.log10().floor() as i32;
    while 10f64.powi(e) > v {
        e -= 1;
    }
    while 10f64.powi(e + 1) <= v {
        e += 1;
    }
    e
}

/// `v` rounded to the precision `step` is written with.
fn clean(v: f64, step: f64) -> f64 {
    let scale = 10f64.powi(decimals(step) as i32);
    (v * scale).round() / scale
}

/// The number of decimals needed to write multiples of `step` exactly (2.5 needs one).
pub(crate) fn decimals(step: f64) -> usize {
    (0..=9usize)
        .find(|&d| {
            let scaled = step * 10f64.powi(d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0)
        })
        .unwrap_or(9)
}

/// `v` with `decimals` decimals, thousands separated by commas and a real minus sign.
pub(crate) fn format_number(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(i, f)| (i, f));
    let mut out = String::new();
    if v < 0.0 && s.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('−');
    }
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// The label of 10^`exp` on a log axis whose largest power is 10^`top`: plain numbers when the
/// axis stays within 10,000 (easier to read), else 10⁰, 10¹, … throughout (never mixed).
pub(crate) fn format_power(exp: i32, top: i32) -> String {
    if (0..=4).contains(&exp) && top <= 4 {
        return format_number(10f64.powi(exp), 0);
    }
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut s = String::from("10");
    if exp < 0 {
        s.push('⁻');
    }
    for d in exp.unsigned_abs().to_string().bytes() {
        s.push(SUP[(d - b'0') as usize]);
    }
    s
}

/// Nice ticks for a vertical value axis `height` pixels long, about three text lines apart,
/// with their labels.
pub(crate) fn vertical_ticks(
    canvas: &Canvas,
    lo: f64,
    hi: f64,
    height: f32,
) -> (Ticks, Vec<String>) {
    let room = 3.0 * line_height(canvas.theme.tick_px);
    let ticks = nice_ticks(lo, hi, ((height / room) as usize).clamp(2, 11));
    let d = decimals(ticks.step);
    let labels = ticks.values.iter().map(|&v| format_number(v, d)).collect();
    (ticks, labels)
}

/// Draw the title centred at the top; returns the y coordinate below it.
pub(crate) fn title(canvas: &mut Canvas, title: &str) -> f32 {
    let t = canvas.theme;
    if title.trim().is_empty() {
        return t.margin;
    }
    let fitted = shorten_label(title, t.width - 2.0 * t.margin, t.title_px);
    let style = Style::new(t.title_px, INK).align(HAlign::Center, VAlign::Top);
    text::draw(canvas, &fitted, (t.width / 2.0, t.margin), style);
    t.margin + line_height(t.title_px) + 1.5 * t.gap
}

/// The height of a horizontal axis under the plot: ticks, their labels and the axis
/// description `label` (none when empty).
pub(crate) fn x_axis_height(canvas: &Canvas, label: &str) -> f32 {
    let t = canvas.theme;
    let ticks = t.tick_len + t.gap * 0.5 + line_height(t.tick_px);
    if label.trim().is_empty() { ticks } else { ticks + t.gap + line_height(t.label_px) }
}

/// Vertical grid lines at `ticks` (pixel x, label) across `plot`, with tick marks and labels
/// below it and `label` centred under them.
pub(crate) fn x_axis(
    canvas: &mut Canvas,
    plot: Rect,
    ticks: &[(f32, String)],
    label: &str,
) -> Result<(), ChartError> {
    let t = canvas.theme;
    for (x, _) in ticks {
        canvas.line((*x, plot.y0), (*x, plot.y1), GRID, 1)?;
    }
    canvas.line((plot.x0, plot.y1), (plot.x1, plot.y1), AXIS, 1)?;
    let tick_style = Style::new(t.tick_px, TEXT).align(HAlign::Center, VAlign::Top);
    for (x, s) in ticks {
        canvas.line((*x, plot.y1), (*x, plot.y1 + t.tick_len), AXIS, 1)?;
        text::draw(canvas, s, (*x, plot.y1 + t.tick_len + t.gap * 0.5), tick_style);
    }
    let below_ticks = plot.y1 + x_axis_height(canvas, "");
    x_axis_title(canvas, plot, below_ticks, label);
    Ok(())
}

/// The axis description centred under the plot, its top at `y` (under the tick labels).
pub(crate) fn x_axis_title(canvas: &mut Canvas, plot: Rect, y: f32, label: &str) {
    let t = canvas.theme;
    if label.trim().is_empty() {
        return;
    }
    let fitted = shorten_label(label, t.width - 2.0 * t.margin, t.label_px);
    let style = Style::new(t.label_px, INK).align(HAlign::Center, VAlign::Top);
    text::draw(canvas, &fitted, ((plot.x0 + plot.x1) / 2.0, y + t.gap), style);
}

/// The width a vertical value axis takes left of the plot for these tick labels: the rotated
/// description, the labels and the tick marks.
pub(crate) fn y_axis_width(canvas: &Canvas, labels: &[String]) -> f32 {
    let t = canvas.theme;
    let widest = labels.iter().map(|s| text::label_width(s, t.tick_px)).fold(0.0, f32::max);
    line_height(t.label_px) + t.gap + widest.ceil() + t.gap * 0.5 + t.tick_len
}

/// Horizontal grid lines at `ticks` (pixel y, label), tick marks and labels left of `plot`, and
/// `label` turned upright at the image's left margin.
pub(crate) fn y_axis(
    canvas: &mut Canvas,
    plot: Rect,
    ticks: &[(f32, String)],
    label: &str,
) -> Result<(), ChartError> {
    let t = canvas.theme;
    for (y, _) in ticks {
        canvas.line((plot.x0, *y), (plot.x1, *y), GRID, 1)?;
    }
    canvas.line((plot.x0, plot.y0), (plot.x0, plot.y1), AXIS, 1)?;
    let tick_style = Style::new(t.tick_px, TEXT).align(HAlign::Right, VAlign::Middle);
    for (y, s) in ticks {
        canvas.line((plot.x0 - t.tick_len, *y), (plot.x0, *y), AXIS, 1)?;
        text::draw(canvas, s, (plot.x0 - t.tick_len - t.gap * 0.5, *y), tick_style);
    }
    let fitted = shorten_label(label, plot.height(), t.label_px);
    let style = Style::new(t.label_px, INK).align(HAlign::Center, VAlign::Top);
    text::draw_up(canvas, &fitted, (t.margin, (plot.y0 + plot.y1) / 2.0), style);
    Ok(())
}

/// How a legend entry shows its series: a short line, dashed or not, with a marker or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    pub dashed: bool,
    pub marker: bool,
}

/// One legend entry.
pub(crate) struct Entry {
    pub label: String,
    pub color: Rgb,
    /// None for a note with no series, such as "+ 4 more".
    pub key: Option<Key>,
}

fn key_width(canvas: &Canvas) -> f32 {
    (2.2 * canvas.theme.label_px).round()
}

fn legend_row(canvas: &Canvas) -> f32 {
    line_height(canvas.theme.label_px) + canvas.theme.gap * 0.5
}

fn widest_entry(canvas: &Canvas, entries: &[Entry]) -> f32 {
    let px = canvas.theme.label_px;
    entries.iter().map(|e| text::label_width(&e.label, px)).fold(0.0, f32::max).ceil()
}

/// Draw one entry's key and label, the key starting at `x`, centred on `y`, the label shortened
/// to `label_w`.
fn entry(canvas: &mut Canvas, e: &Entry, x: f32, y: f32, label_w: f32) -> Result<(), ChartError> {
    let t = canvas.theme;
    let key_w = key_width(canvas);
    let pts = [(x, y), (x + key_w, y)];
    match e.key {
        Some(Key { dashed: true, .. }) => canvas.dashed_polyline(&pts, e.color, t.line_width)?,
        Some(_) => canvas.polyline(&pts, e.color, t.line_width)?,
        None => {}
    }
    if e.key.is_some_and(|k| k.marker) {
        canvas.dot((x + key_w / 2.0, y), marker_radius(canvas), e.color)?;
    }
    let label = shorten_label(&e.label, label_w, t.label_px);
    let color = if e.key.is_some() { TEXT } else { MUTED };
    let style = Style::new(t.label_px, color).align(HAlign::Left, VAlign::Middle);
    text::draw(canvas, &label, (x + key_w + t.gap, y), style);
    Ok(())
}

/// The radius of the markers on data lines.
pub(crate) fn marker_radius(canvas: &Canvas) -> f32 {
    canvas.theme.line_width * 1.4
}

/// The size of a boxed legend whose labels are shortened to fit `max_width`.
pub(crate) fn boxed_legend_size(canvas: &Canvas, entries: &[Entry], max_width: f32) -> (f32, f32) {
    let t = canvas.theme;
    let w = 3.0 * t.gap + key_width(canvas) + widest_entry(canvas, entries);
    let h = t.gap + entries.len() as f32 * legend_row(canvas) + t.gap * 0.5;
    (w.min(max_width), h)
}

/// A legend in one column with its top-left corner at `at`, `width` wide, on a white box with
/// a thin border (it is drawn over the plot).
pub(crate) fn boxed_legend(
    canvas: &mut Canvas,
    at: Pt,
    width: f32,
    entries: &[Entry],
) -> Result<(), ChartError> {
    let t = canvas.theme;
    let (_, h) = boxed_legend_size(canvas, entries, width);
    let frame = Rect { x0: at.0, y0: at.1, x1: at.0 + width, y1: at.1 + h };
    canvas.fill_rect(frame, WHITE, 1.0)?;
    outline(canvas, frame, GRID)?;
    let label_w = width - 3.0 * t.gap - key_width(canvas);
    let row = legend_row(canvas);
    for (i, e) in entries.iter().enumerate() {
        let y = at.1 + t.gap + row * (i as f32 + 0.5);
        entry(canvas, e, at.0 + t.gap, y, label_w)?;
    }
    Ok(())
}

/// The layout of a legend set in rows across the image: column width and count.
fn flow(canvas: &Canvas, entries: &[Entry], width: f32) -> (f32, usize) {
    let t = canvas.theme;
    let natural = key_width(canvas) + t.gap + widest_entry(canvas, entries) + 2.0 * t.gap;
    // At least two columns when there are two entries: long labels are shortened instead.
    let min_cols = entries.len().clamp(1, 2);
    let cols = ((width / natural).floor() as usize).clamp(min_cols, entries.len().max(1));
    (width / cols as f32, cols)
}

/// The entries of a legend set in rows across `width` pixels that fit in `max_height`: when
/// there are too many, the last ones give way to a "+ N more" note.
pub(crate) fn fit_flow_legend(
    canvas: &Canvas,
    mut entries: Vec<Entry>,
    width: f32,
    max_height: f32,
) -> Vec<Entry> {
    let (_, cols) = flow(canvas, &entries, width);
    let rows = ((max_height / legend_row(canvas)).floor() as usize).max(1);
    if entries.len() > rows * cols {
        let keep = rows * cols - 1;
        let hidden = entries.len() - keep;
        entries.truncate(keep);
        entries.push(Entry { label: format!("+ {hidden} more"), color: MUTED, key: None });
    }
    entries
}

/// The height of a legend set in rows across `width` pixels.
pub(crate) fn flow_legend_height(canvas: &Canvas, entries: &[Entry], width: f32) -> f32 {
    let (_, cols) = flow(canvas, entries, width);
    entries.len().div_ceil(cols) as f32 * legend_row(canvas)
}

/// A legend set in rows across `width` pixels from (`x`, `y`), entries in reading order.
pub(crate) fn flow_legend(
    canvas: &mut Canvas,
    (x, y): Pt,
    width: f32,
    entries: &[Entry],
) -> Result<(), ChartError> {
    let t = canvas.theme;
    let (col_w, cols) = flow(canvas, entries, width);
    let label_w = col_w - key_width(canvas) - 3.0 * t.gap;
    let row = legend_row(canvas);
    for (i, e) in entries.iter().enumerate() {
        let (r, c) = (i / cols, i % cols);
        entry(canvas, e, x + c as f32 * col_w, y + row * (r as f32 + 0.5), label_w)?;
    }
    Ok(())
}

/// A one-pixel outline just inside `r`.
pub(crate) fn outline(canvas: &mut Canvas, r: Rect, c: Rgb) -> Result<(), ChartError> {
    let (x0, y0, x1, y1) = (r.x0, r.y0, r.x1 - 1.0, r.y1 - 1.0);
    canvas.line((x0, y0), (x1, y0), c, 1)?;
    canvas.line((x1, y0), (x1, y1), c, 1)?;
    canvas.line((x1, y1), (x0, y1), c, 1)?;
    canvas.line((x0, y1), (x0, y0), c, 1)
}

/// Row labels at the left of horizontal bars or heatmap rows: right-aligned at `right`, each
/// shortened to `max_width`, at `px`; every `every`-th row only when rows are too thin to label
/// them all.
pub(crate) fn row_labels(
    canvas: &mut Canvas,
    labels: &[(f32, &str)],
    right: f32,
    max_width: f32,
    px: f32,
    every: usize,
) {
    let style = Style::new(px, TEXT).align(HAlign::Right, VAlign::Middle);
    for (y, label) in labels.iter().step_by(every.max(1)) {
        let fitted = shorten_label(label, max_width, px);
        text::draw(canvas, &fitted, (right, *y), style);
    }
}

/// Font size and stride for labelling rows `row_h` pixels apart: the tick size when it fits,
/// smaller when rows are dense, and every k-th row when even 9 px text would not fit.
pub(crate) fn row_label_size(canvas: &Canvas, row_h: f32) -> (f32, usize) {
    let t = canvas.theme;
    let px = (row_h * 0.8).min(t.tick_px).floor().max(9.0);
    let every = (line_height(px) / row_h).ceil().max(1.0) as usize;
    (px, every)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice() {
        let t = nice_ticks(0.0, 87.0, 6);
        assert_eq!(t.values, vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]);
        let t = nice_ticks(0.0, 0.7, 8);
        assert_eq!(t.values, vec![0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
        let t = nice_ticks(-3.2, 5.9, 6);
        assert_eq!((t.lo, t.hi, t.step), (-4.0, 6.0, 2.0));
        let t = nice_ticks(0.0, 0.0, 5);
        assert_eq!((t.lo, t.hi), (0.0, 1.0));
        let t = nice_ticks(5.0, 5.0, 5);
        assert!(t.lo <= 0.0 && t.hi >= 5.0);
    }

    #[test]
    fn numbers_are_formatted() {
        assert_eq!(format_number(12345.0, 0), "12,345");
        assert_eq!(format_number(123.0, 0), "123");
        assert_eq!(format_number(-1234.5, 1), "−1,234.5");
        assert_eq!(format_number(-0.0001, 1), "0.0");
        assert_eq!(format_number(0.25, decimals(0.25)), "0.25");
        assert_eq!(decimals(2.5), 1);
        assert_eq!(decimals(200.0), 0);
        assert_eq!(format_power(3, 4), "1,000");
        assert_eq!(format_power(3, 5), "10³");
        assert_eq!(format_power(12, 12), "10¹²");
        assert_eq!(format_power(-2, 3), "10⁻²");
    }

    #[test]
    fn scales_map_ends() {
        let s = Linear { d0: 0.0, d1: 10.0, p0: 100.0, p1: 0.0 };
        assert_eq!(s.map(0.0), 100.0);
        assert_eq!(s.map(5.0), 50.0);
        let l = Log10::new(1.0, 1000.0, 0.0, 300.0);
        assert_eq!(l.map(10.0), 100.0);
        assert!((l.map(2.0) - 30.103).abs() < 1e-3);
        assert_eq!(decade_below(1000.0), 3);
        assert_eq!(decade_below(999.9), 2);
        assert_eq!(decade_below(0.01), -2);
    }
}
