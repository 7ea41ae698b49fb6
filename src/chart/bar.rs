//! Horizontal bars of the top phrases, largest at the top.

use super::axis::{self, Linear};
use super::canvas::{Canvas, Rect};
use super::text::{self, HAlign, Style, VAlign, label_width, line_height};
use super::theme::{AXIS, BAR, MUTED};
use super::{Bar, BarChart, ChartError, check_finite};

/// The share of a row's height its bar fills.
const BAR_FILL: f32 = 0.72;
/// Row labels may take at most this share of the image width.
const MAX_LABEL_SHARE: f32 = 0.38;

pub(crate) fn draw(canvas: &mut Canvas, chart: &BarChart) -> Result<(), ChartError> {
    let bars = sorted_bars(&chart.bars)?;
    let top = axis::title(canvas, &chart.title);
    let t = canvas.theme;
    let bottom = t.height - t.margin - axis::x_axis_height(canvas, &chart.value_label);
    let row_h = (bottom - top) / bars.len() as f32;
    let (label_px, every) = axis::row_label_size(canvas, row_h);
    let note_px = t.note_px.min(label_px);

    let widest = bars.iter().map(|b| label_width(&b.label, label_px)).fold(0.0, f32::max);
    let label_w = widest.min(MAX_LABEL_SHARE * t.width).ceil();
    let note_w = |negative: bool| {
        let notes = bars.iter().filter(|b| (b.value < 0.0) == negative);
        let w = notes.filter_map(|b| b.note.as_deref()).map(|n| label_width(n, note_px));
        note_room(w.fold(0.0, f32::max), t.gap)
    };
    let (note_left, note_right) = (note_w(true), note_w(false));

    let lo = bars.iter().map(|b| b.value).fold(0.0, f64::min);
    let hi = bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let x0 = t.margin + label_w + t.gap + note_left;
    let x1 = t.width - t.margin - note_right;
    let (ticks, labels) = value_ticks(canvas, lo, hi, x1 - x0);
    // The last tick label is centred on the plot's right edge: keep room for its right half,
    // and for the notes beyond the bars' ends (bars shorter than the axis need less).
    let overhang = labels.last().map_or(0.0, |s| label_width(s, t.tick_px) / 2.0);
    let right = t.width - t.margin;
    let mut x1 = right - overhang;
    for b in bars.iter().filter(|b| b.value > 0.0) {
        let Some(note) = &b.note else { continue };
        let room = label_width(note, note_px) + 0.6 * t.gap;
        let f = ((b.value - ticks.lo) / (ticks.hi - ticks.lo)) as f32;
        // The bar ends at x0 + f·(x1 − x0); its note must end before `right`.
        x1 = x1.min(x0 + (right - room - x0) / f);
    }
    // Very long notes on a narrow image: keep a third of the room for the bars anyway.
    let x1 = x1.max(x0 + (right - x0) / 3.0);
    let plot = Rect { x0, y0: top, x1, y1: bottom };
    let scale = Linear { d0: ticks.lo, d1: ticks.hi, p0: plot.x0, p1: plot.x1 };

    let tick_px: Vec<(f32, String)> =
        ticks.values.iter().zip(labels).map(|(&v, s)| (scale.map(v), s)).collect();
    axis::x_axis(canvas, plot, &tick_px, &chart.value_label)?;

    let zero = scale.map(0.0);
    let mut row_labels = Vec::with_capacity(bars.len());
    for (i, bar) in bars.iter().enumerate() {
        let y = top + row_h * (i as f32 + 0.5);
        let end = scale.map(bar.value);
        let half = bar_half_height(canvas, row_h);
        let r = Rect { x0: zero.min(end), y0: y - half, x1: zero.max(end), y1: y + half };
        canvas.fill_rect(r, BAR, 1.0)?;
        if let Some(note) = &bar.note {
            note_at_end(canvas, note, end, y, bar.value < 0.0, note_px);
        }
        row_labels.push((y, bar.label.as_str()));
    }
    canvas.line((zero, plot.y0), (zero, plot.y1), AXIS, 1)?;
    let right = x0 - note_left - t.gap;
    axis::row_labels(canvas, &row_labels, right, label_w, label_px, every);
    Ok(())
}

/// Half a bar's thickness: most of its row, but no thicker than about two lines of text, so
/// that a few bars on a tall image do not turn into blocks.
pub(crate) fn bar_half_height(canvas: &Canvas, row_h: f32) -> f32 {
    let most = 2.0 * line_height(canvas.theme.tick_px);
    (row_h * BAR_FILL).min(most).max(1.0) / 2.0
}

/// The bars sorted largest first (stable), after checking there are some and all are finite.
pub(crate) fn sorted_bars(bars: &[Bar]) -> Result<Vec<&Bar>, ChartError> {
    if bars.is_empty() {
        return Err(ChartError::Empty("the table has no rows".into()));
    }
    for b in bars {
        check_finite(&format!("the value of `{}`", b.label), b.value)?;
    }
    let mut sorted: Vec<&Bar> = bars.iter().collect();
    sorted.sort_by(|a, b| b.value.total_cmp(&a.value));
    Ok(sorted)
}

/// Nice ticks for a value axis `width` pixels long, spaced so that their labels never touch,
/// with their labels.
pub(crate) fn value_ticks(
    canvas: &Canvas,
    lo: f64,
    hi: f64,
    width: f32,
) -> (axis::Ticks, Vec<String>) {
    let t = canvas.theme;
    // Fewer ticks until the widest label plus two gaps fits between neighbours.
    let mut count = 11;
    loop {
        let ticks = axis::nice_ticks(lo, hi, count);
        let d = axis::decimals(ticks.step);
        let labels: Vec<String> = ticks.values.iter().map(|&v| axis::format_number(v, d)).collect();
        let widest = labels.iter().map(|s| label_width(s, t.tick_px)).fold(0.0, f32::max);
        let spacing = width / (ticks.values.len().max(2) - 1) as f32;
        if spacing >= widest + 4.0 * t.gap || count == 2 {
            return (ticks, labels);
        }
        count -= 1;
    }
}

/// A note just beyond the end of a bar, on the side the bar grows to.
pub(crate) fn note_at_end(canvas: &mut Canvas, note: &str, end: f32, y: f32, left: bool, px: f32) {
    let gap = canvas.theme.gap * 0.6;
    let (x, h) = if left { (end - gap, HAlign::Right) } else { (end + gap, HAlign::Left) };
    text::draw(canvas, note, (x, y), Style::new(px, MUTED).align(h, VAlign::Middle));
}

/// Room for notes `widest` pixels wide: their width plus a gap, or nothing when there are none.
pub(crate) fn note_room(widest: f32, gap: f32) -> f32 {
    if widest > 0.0 { (widest + gap).ceil() } else { 0.0 }
}
