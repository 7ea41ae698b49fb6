//! Diverging bars: what is key to the target (right) and to the reference (left).
//!
//! The axis is symmetric around zero, and each phrase is written beside the zero line on the side
//! its bar does not use: labels sit next to the bars they name, and each side has half the plot
//! for its labels.

use super::axis::{self, Linear};
use super::bar::{bar_half_height, note_at_end, note_room, sorted_bars, value_ticks};
use super::canvas::{Canvas, Rect};
use super::text::{self, HAlign, Style, VAlign, label_width, line_height, shorten_label};
use super::theme::{AXIS, REFERENCE, TARGET, WHITE};
use super::{ChartError, KeynessChart};

pub(crate) fn draw(canvas: &mut Canvas, chart: &KeynessChart) -> Result<(), ChartError> {
    let bars = sorted_bars(&chart.bars)?;
    let t = canvas.theme;
    let header_y = axis::title(canvas, &chart.title);
    let top = header_y + line_height(t.label_px) + t.gap;
    let bottom = t.height - t.margin - axis::x_axis_height(canvas, &chart.value_label);
    let row_h = (bottom - top) / bars.len() as f32;
    let (label_px, every) = axis::row_label_size(canvas, row_h);
    let note_px = t.note_px.min(label_px);

    let widest_note =
        bars.iter().filter_map(|b| b.note.as_deref()).map(|n| label_width(n, note_px));
    let note_w = note_room(widest_note.fold(0.0, f32::max), t.gap);
    let m = bars.iter().map(|b| b.value.abs()).fold(0.0, f64::max);
    let (x0, x1) = (t.margin + note_w, t.width - t.margin - note_w);
    let (ticks, labels) = value_ticks(canvas, -m, m, x1 - x0);
    let overhang = labels.last().map_or(0.0, |s| label_width(s, t.tick_px) / 2.0);
    let plot = Rect {
        x0: t.margin + note_w.max(overhang),
        y0: top,
        x1: t.width - t.margin - note_w.max(overhang),
        y1: bottom,
    };
    let scale = Linear { d0: ticks.lo, d1: ticks.hi, p0: plot.x0, p1: plot.x1 };
    let tick_px: Vec<(f32, String)> =
        ticks.values.iter().zip(labels).map(|(&v, s)| (scale.map(v), s)).collect();
    axis::x_axis(canvas, plot, &tick_px, &chart.value_label)?;
    let zero = scale.map(0.0);
    header(canvas, chart, zero, header_y);

    let half_w = (zero - plot.x0).min(plot.x1 - zero) - 2.0 * t.gap;
    for (i, bar) in bars.iter().enumerate() {
        let y = top + row_h * (i as f32 + 0.5);
        let end = scale.map(bar.value);
        let half = bar_half_height(canvas, row_h);
        let color = if bar.value < 0.0 { REFERENCE } else { TARGET };
        let r = Rect { x0: zero.min(end), y0: y - half, x1: zero.max(end), y1: y + half };
        canvas.fill_rect(r, color, 1.0)?;
        if let Some(note) = &bar.note {
            note_at_end(canvas, note, end, y, bar.value < 0.0, note_px);
        }
        if i % every == 0 {
            let label = shorten_label(&bar.label, half_w, label_px);
            row_label(canvas, &label, zero, y, bar.value < 0.0, label_px)?;
        }
    }
    canvas.line((zero, plot.y0), (zero, plot.y1), AXIS, 1)?;
    Ok(())
}

/// "← more in REFERENCE" and "more in TARGET →" over the two halves, in the bars' colours.
fn header(canvas: &mut Canvas, chart: &KeynessChart, zero: f32, y: f32) {
    let t = canvas.theme;
    let room = (zero - t.margin).min(t.width - t.margin - zero) - 2.0 * t.gap;
    let left = shorten_label(&format!("← more in {}", chart.reference), room, t.label_px);
    let right = shorten_label(&format!("more in {} →", chart.target), room, t.label_px);
    let style = |c, h| Style::new(t.label_px, c).align(h, VAlign::Top);
    text::draw(canvas, &left, (zero - t.gap, y), style(REFERENCE, HAlign::Right));
    text::draw(canvas, &right, (zero + t.gap, y), style(TARGET, HAlign::Left));
}

/// A phrase beside the zero line, on the side away from its bar, over a white patch so that
/// grid lines do not run through the letters.
fn row_label(
    canvas: &mut Canvas,
    label: &str,
    zero: f32,
    y: f32,
    bar_left: bool,
    px: f32,
) -> Result<(), ChartError> {
    let t = canvas.theme;
    let w = label_width(label, px);
    let (x, h, x0) = if bar_left {
        (zero + t.gap, HAlign::Left, zero + t.gap)
    } else {
        (zero - t.gap, HAlign::Right, zero - t.gap - w)
    };
    let patch = Rect {
        x0: x0 - 2.0,
        y0: y - line_height(px) / 2.0,
        x1: x0 + w + 2.0,
        y1: y + line_height(px) / 2.0,
    };
    canvas.fill_rect(patch, WHITE, 1.0)?;
    text::draw(canvas, label, (x, y), Style::new(px, super::theme::TEXT).align(h, VAlign::Middle));
    Ok(())
}
