//! Rank–frequency curves on log–log axes, one per n-gram order.

use super::axis::{self, Entry, Key, Log10};
use super::canvas::{Canvas, Pt, Rect};
use super::theme::{MINOR_GRID, series_color};
use super::{ChartError, ZipfChart};

const X_LABEL: &str = "rank";
const Y_LABEL: &str = "frequency (occurrences)";

pub(crate) fn draw(canvas: &mut Canvas, chart: &ZipfChart) -> Result<(), ChartError> {
    let (max_rank, fmin, fmax) = extent(chart)?;
    let top = axis::title(canvas, &chart.title);
    let t = canvas.theme;
    let bottom = t.height - t.margin - axis::x_axis_height(canvas, X_LABEL);
    // Whole decades on both axes; a single decade at least.
    let (x_lo, x_hi) = (0, decade_up(max_rank as f64).max(1));
    let (y_lo, y_hi) =
        (decade_down(fmin as f64), decade_up(fmax as f64).max(decade_down(fmin as f64) + 1));
    let y_exps = thin(y_lo, y_hi, (bottom - top) / (2.0 * super::text::line_height(t.tick_px)));
    let y_labels: Vec<String> = y_exps.iter().map(|&e| axis::format_power(e, y_hi)).collect();
    let last_half = super::text::label_width(&axis::format_power(x_hi, x_hi), t.tick_px) / 2.0;
    let plot = Rect {
        x0: t.margin + axis::y_axis_width(canvas, &y_labels),
        y0: top,
        x1: t.width - t.margin - last_half,
        y1: bottom,
    };
    let xs = Log10::new(10f64.powi(x_lo), 10f64.powi(x_hi), plot.x0, plot.x1);
    let ys = Log10::new(10f64.powi(y_lo), 10f64.powi(y_hi), plot.y1, plot.y0);

    minor_grid(canvas, plot, &xs, &ys, (x_lo, x_hi), (y_lo, y_hi))?;
    let x_exps = thin(x_lo, x_hi, plot.width() / (4.0 * t.tick_px));
    let x_ticks: Vec<(f32, String)> =
        x_exps.iter().map(|&e| (xs.map(10f64.powi(e)), axis::format_power(e, x_hi))).collect();
    let y_ticks: Vec<(f32, String)> =
        y_exps.iter().zip(y_labels).map(|(&e, s)| (ys.map(10f64.powi(e)), s)).collect();
    axis::x_axis(canvas, plot, &x_ticks, X_LABEL)?;
    axis::y_axis(canvas, plot, &y_ticks, Y_LABEL)?;

    let mut entries = Vec::new();
    for (i, (label, freqs)) in chart.series.iter().enumerate() {
        let pts = curve(freqs, &xs, &ys);
        if pts.is_empty() {
            // A series with no positive frequency keeps its legend entry but draws nothing.
        } else if pts.len() == 1 {
            canvas.dot(pts[0], t.line_width * 1.3, series_color(i))?;
        } else {
            canvas.polyline(&pts, series_color(i), t.line_width)?;
        }
        let key = Key { dashed: false, marker: false };
        entries.push(Entry { label: label.clone(), color: series_color(i), key: Some(key) });
    }
    // Curves fall from top left to bottom right, so the top right corner is free.
    let (w, _) = axis::boxed_legend_size(canvas, &entries, plot.width() / 2.0);
    axis::boxed_legend(canvas, (plot.x1 - w - t.gap, plot.y0 + t.gap), w, &entries)
}

/// The largest rank and the smallest and largest positive frequency, or an error when no
/// series has a positive frequency.
fn extent(chart: &ZipfChart) -> Result<(usize, u64, u64), ChartError> {
    let positive = chart.series.iter().flat_map(|(_, f)| f.iter().copied().filter(|&v| v > 0));
    let (fmin, fmax) = positive.fold((u64::MAX, 0), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if fmax == 0 {
        return Err(ChartError::Empty("no n-gram has a positive frequency".into()));
    }
    let max_rank = chart.series.iter().map(|(_, f)| f.len()).max().unwrap_or(1);
    Ok((max_rank, fmin, fmax))
}

/// The exponent of the smallest power of ten at or above `v` (v ≥ 1).
fn decade_up(v: f64) -> i32 {
    let e = axis::decade_below(v);
    if 10f64.powi(e) == v { e } else { e + 1 }
}

/// The exponent of the largest power of ten at or below `v` (v ≥ 1).
fn decade_down(v: f64) -> i32 {
    axis::decade_below(v)
}

/// Decade exponents from `lo` to `hi`, every one or every k-th, so that at most `room` are shown.
fn thin(lo: i32, hi: i32, room: f32) -> Vec<i32> {
    let count = (hi - lo + 1) as f32;
    let step = (count / room.max(2.0)).ceil().max(1.0) as usize;
    (lo..=hi).step_by(step).collect()
}

/// Faint lines between the powers of ten, which make a log scale readable: at 2, 3, … 9 times
/// each power when a decade is long, at 2 and 5 when it is shorter, none when it is cramped.
fn minor_grid(
    canvas: &mut Canvas,
    plot: Rect,
    xs: &Log10,
    ys: &Log10,
    (x_lo, x_hi): (i32, i32),
    (y_lo, y_hi): (i32, i32),
) -> Result<(), ChartError> {
    for e in x_lo..x_hi {
        for m in minor_steps(plot.width() / (x_hi - x_lo) as f32) {
            let x = xs.map(m * 10f64.powi(e));
            canvas.line((x, plot.y0), (x, plot.y1), MINOR_GRID, 1)?;
        }
    }
    for e in y_lo..y_hi {
        for m in minor_steps(plot.height() / (y_hi - y_lo) as f32) {
            let y = ys.map(m * 10f64.powi(e));
            canvas.line((plot.x0, y), (plot.x1, y), MINOR_GRID, 1)?;
        }
    }
    Ok(())
}

fn minor_steps(decade_px: f32) -> &'static [f64] {
    if decade_px >= 150.0 {
        &[2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0]
    } else if decade_px >= 50.0 {
        &[2.0, 5.0]
    } else {
        &[]
    }
}

/// The points of one curve, skipping zero frequencies (not on a log axis) and points that fall
/// within a pixel of the previous one: ten thousand ranks become a few hundred points with the
/// same look.
fn curve(freqs: &[u64], xs: &Log10, ys: &Log10) -> Vec<Pt> {
    let mut pts: Vec<Pt> = Vec::new();
    let last = freqs.iter().rposition(|&f| f > 0);
    for (r, &f) in freqs.iter().enumerate().filter(|(_, f)| **f > 0) {
        let p = (xs.map((r + 1) as f64), ys.map(f as f64));
        let near = pts.last().is_some_and(|q| (p.0 - q.0).abs() < 1.0 && (p.1 - q.1).abs() < 1.0);
        if !near || Some(r) == last {
            pts.push(p);
        }
    }
    pts
}
