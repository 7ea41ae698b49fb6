//! Lines of phrase frequencies by period, with optional confidence bands and a legend.

use super::axis::{self, Entry, Key, Linear};
use super::canvas::{Canvas, Pt, Rect};
use super::periods;
use super::text::{self, HAlign, Style, VAlign, label_width, line_height};
use super::theme::{AXIS, SERIES, TEXT, series_color};
use super::{ChartError, TrendChart, check_finite};

/// Opacity of a confidence band: light enough that overlapping bands and the lines stay visible.
const BAND_ALPHA: f64 = 0.16;
/// Markers are drawn at each period only up to this many periods (beyond, they merge into a
/// thick line).
const MAX_MARKED: usize = 40;

pub(crate) fn draw(canvas: &mut Canvas, chart: &TrendChart) -> Result<(), ChartError> {
    validate(chart)?;
    let n = chart.periods.len();
    let marked = n <= MAX_MARKED;
    let title_bottom = axis::title(canvas, &chart.title);
    let t = canvas.theme;
    // The legend runs across the top, under the title: a legend at the side would take a third
    // of the width from the time axis.
    let legend_x = t.margin + line_height(t.label_px) + t.gap;
    let legend_w = t.width - t.margin - legend_x;
    let entries: Vec<Entry> = chart
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| Entry {
            label: s.label.clone(),
            color: series_color(i),
            key: Some(key(i, marked)),
        })
        .collect();
    // The legend may take at most a third of the height under the title.
    let max_h = (t.height - title_bottom) / 3.0;
    let entries = axis::fit_flow_legend(canvas, entries, legend_w, max_h);
    let legend_h = axis::flow_legend_height(canvas, &entries, legend_w);
    axis::flow_legend(canvas, (legend_x, title_bottom), legend_w, &entries)?;
    let top = title_bottom + legend_h + 1.5 * t.gap;

    let (lo, hi) = value_range(chart);
    let bottom = t.height - t.margin - axis::x_axis_height(canvas, &chart.x_label);
    let (ticks, labels) = axis::vertical_ticks(canvas, lo, hi, bottom - top);
    let last_half = label_width(&chart.periods[n - 1], t.tick_px) / 2.0;
    let plot = Rect {
        x0: t.margin + axis::y_axis_width(canvas, &labels),
        y0: top,
        x1: t.width - t.margin - (last_half - 0.5 * t.gap).max(0.0),
        y1: bottom,
    };
    let ys = Linear { d0: ticks.lo, d1: ticks.hi, p0: plot.y1, p1: plot.y0 };
    // Each period gets an equal slot, with its point in the middle.
    let xs = Linear { d0: -0.5, d1: n as f64 - 0.5, p0: plot.x0, p1: plot.x1 };
    let y_ticks: Vec<(f32, String)> =
        ticks.values.iter().zip(labels).map(|(&v, s)| (ys.map(v), s)).collect();
    axis::y_axis(canvas, plot, &y_ticks, &chart.y_label)?;
    period_axis(canvas, plot, &xs, chart)?;

    // Bands first, all of them, so that no band covers another series' line. A period without
    // data (NaN) breaks both the band and the line.
    for (i, s) in chart.series.iter().enumerate() {
        if let Some(band) = &s.band {
            for run in runs(&s.values) {
                let upper = run.clone().map(|p| (xs.map(p as f64), ys.map(band[p].1)));
                let lower = run.rev().map(|p| (xs.map(p as f64), ys.map(band[p].0)));
                let outline: Vec<Pt> = upper.chain(lower).collect();
                if outline.len() > 2 {
                    canvas.polygon(&outline, series_color(i), BAND_ALPHA)?;
                }
            }
        }
    }
    for (i, s) in chart.series.iter().enumerate() {
        let color = series_color(i);
        for run in runs(&s.values) {
            let pts: Vec<Pt> = run.map(|p| (xs.map(p as f64), ys.map(s.values[p]))).collect();
            if key(i, marked).dashed {
                canvas.dashed_polyline(&pts, color, t.line_width)?;
            } else {
                canvas.polyline(&pts, color, t.line_width)?;
            }
            // A point standing alone between gaps would be invisible without its marker.
            if marked || pts.len() == 1 {
                for &p in &pts {
                    canvas.dot(p, axis::marker_radius(canvas), color)?;
                }
            }
        }
    }
    Ok(())
}

/// The runs of consecutive periods that have a value (not NaN), as ranges of period indices.
pub(super) fn runs(values: &[f64]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (p, v) in values.iter().enumerate() {
        match (v.is_nan(), start) {
            (false, None) => start = Some(p),
            (true, Some(s)) => {
                out.push(s..p);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..values.len());
    }
    out
}

/// Series beyond the palette's length repeat its colours with dashed lines.
fn key(i: usize, marker: bool) -> Key {
    Key { dashed: (i / SERIES.len()) % 2 == 1, marker }
}

fn validate(chart: &TrendChart) -> Result<(), ChartError> {
    if chart.periods.is_empty() || chart.series.is_empty() {
        return Err(ChartError::Empty("the table has no rows".into()));
    }
    let n = chart.periods.len();
    for s in &chart.series {
        if s.values.len() != n {
            return Err(ChartError::Data(format!(
                "series `{}` has {} values for {n} periods",
                s.label,
                s.values.len()
            )));
        }
        for (p, &v) in chart.periods.iter().zip(&s.values) {
            if !v.is_nan() {
                check_finite(&format!("the value of `{}` in {p}", s.label), v)?;
            }
        }
        if let Some(band) = &s.band {
            check_band(&s.label, &chart.periods, &s.values, band)?;
        }
    }
    Ok(())
}

fn check_band(
    label: &str,
    periods: &[String],
    values: &[f64],
    band: &[(f64, f64)],
) -> Result<(), ChartError> {
    if band.len() != periods.len() {
        return Err(ChartError::Data(format!(
            "the band of `{label}` has {} values for {} periods",
            band.len(),
            periods.len()
        )));
    }
    for ((p, &(lo, hi)), v) in periods.iter().zip(band).zip(values) {
        // Where the series has no data the band has none either.
        if v.is_nan() {
            continue;
        }
        check_finite(&format!("the band of `{label}` in {p}"), lo)?;
        check_finite(&format!("the band of `{label}` in {p}"), hi)?;
        if lo > hi {
            return Err(ChartError::Data(format!(
                "the band of `{label}` in {p} has its lower bound {lo} above its upper bound {hi}"
            )));
        }
    }
    Ok(())
}

/// The smallest and largest value to show, bands included, and always 0.
fn value_range(chart: &TrendChart) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for s in &chart.series {
        // min and max ignore NaN (periods without data).
        for &v in &s.values {
            (lo, hi) = (lo.min(v), hi.max(v));
        }
        for &(l, h) in s.band.iter().flatten() {
            (lo, hi) = (lo.min(l), hi.max(h));
        }
    }
    (lo, hi)
}

/// The time axis: a tick under every period, and as many labels as fit without touching.
fn period_axis(
    canvas: &mut Canvas,
    plot: Rect,
    xs: &Linear,
    chart: &TrendChart,
) -> Result<(), ChartError> {
    let t = canvas.theme;
    canvas.line((plot.x0, plot.y1), (plot.x1, plot.y1), AXIS, 1)?;
    let n = chart.periods.len();
    let spacing = plot.width() / n as f32;
    let widest = chart.periods.iter().map(|p| label_width(p, t.tick_px)).fold(0.0, f32::max);
    let shown = periods::shown(&chart.periods, spacing, widest + 2.0 * t.gap);
    // Unlabelled periods get a short tick, labelled ones a full one, when there is room for both.
    if spacing >= 3.0 {
        for p in 0..n {
            let x = xs.map(p as f64);
            canvas.line((x, plot.y1), (x, plot.y1 + t.tick_len / 2.0), AXIS, 1)?;
        }
    }
    let style = Style::new(t.tick_px, TEXT).align(HAlign::Center, VAlign::Top);
    for &p in &shown {
        let x = xs.map(p as f64);
        canvas.line((x, plot.y1), (x, plot.y1 + t.tick_len), AXIS, 1)?;
        text::draw(canvas, &chart.periods[p], (x, plot.y1 + t.tick_len + t.gap * 0.5), style);
    }
    axis::x_axis_title(canvas, plot, plot.y1 + axis::x_axis_height(canvas, ""), &chart.x_label);
    Ok(())
}
