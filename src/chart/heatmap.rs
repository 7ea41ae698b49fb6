//! Phrases (rows) by periods (columns), each cell coloured by its value, with a colour scale.

use super::axis::{self, Linear};
use super::canvas::{Canvas, Rect};
use super::text::{self, HAlign, Style, VAlign, label_width, line_height, shorten_label};
use super::theme::{AXIS, GRID, INK, Rgb, TEXT, sequential};
use super::{ChartError, HeatmapChart, check_finite};

/// Cells without data (NaN): a neutral grey that is not on the yellow-to-blue scale.
const NO_DATA: Rgb = [0xD9, 0xD9, 0xD9];
/// Row labels may take at most this share of the image width.
const MAX_LABEL_SHARE: f32 = 0.35;
/// Upright column labels may take at most this share of the image height.
const MAX_COL_LABEL_SHARE: f32 = 0.22;

/// How the column labels are set.
struct Columns {
    /// Upright (reading upwards) when they are too wide to sit side by side.
    upright: bool,
    /// Label every `every`-th column.
    every: usize,
    /// The height they take under the plot, tick marks included.
    height: f32,
}

pub(crate) fn draw(canvas: &mut Canvas, chart: &HeatmapChart) -> Result<(), ChartError> {
    let (lo, max) = validate(chart)?;
    let hi = scale_top(chart, lo, max);
    let top = axis::title(canvas, &chart.title);
    let t = canvas.theme;
    // Sized for half the image: a colour scale needs only a few reference values.
    let (scale_ticks, mut scale_labels) = scale_ticks(canvas, lo, hi, t.height / 2.0);
    if hi < max {
        // Cells above the scale's top take its darkest colour; the label says so.
        if let Some(last) = scale_labels.last_mut() {
            last.insert_str(0, "≥ ");
        }
    }
    let scale_w = scale_width(canvas, &scale_labels);
    let x_title =
        if chart.x_label.trim().is_empty() { 0.0 } else { t.gap + line_height(t.label_px) };

    let bottom = t.height - t.margin - x_title;
    let Layout { plot, row_px, row_every, label_w, cols } =
        layout(canvas, chart, top, bottom, scale_w);

    let color = |v: f64| sequential(if hi > lo { (v - lo) / (hi - lo) } else { 0.0 });
    cells(canvas, plot, chart, color)?;
    let row_h = plot.height() / chart.rows.len() as f32;
    let rows: Vec<(f32, &str)> = chart
        .rows
        .iter()
        .enumerate()
        .map(|(r, label)| (plot.y0 + row_h * (r as f32 + 0.5), label.as_str()))
        .collect();
    axis::row_labels(canvas, &rows, plot.x0 - t.gap, label_w, row_px, row_every);
    column_labels(canvas, plot, chart, &cols)?;
    axis::x_axis_title(canvas, plot, plot.y1 + cols.height, &chart.x_label);
    color_scale(canvas, plot, (lo, hi), &scale_ticks, &scale_labels, &chart.value_label)
}

/// The top of the colour scale: the largest value, unless a few outliers (typically a short
/// period, where one occurrence is a high rate) would wash every other cell out: then the 98th
/// percentile of the values, when the largest is more than twice that.
pub(super) fn scale_top(chart: &HeatmapChart, lo: f64, max: f64) -> f64 {
    let mut values: Vec<f64> =
        chart.values.iter().flatten().copied().filter(|v| !v.is_nan()).collect();
    if values.len() < 20 {
        return max;
    }
    values.sort_by(f64::total_cmp);
    let p98 = values[(values.len() - 1) * 98 / 100];
    if p98 > lo && max > 2.0 * p98 { p98 } else { max }
}

/// Check the shape and values; returns the colour scale's range (from 0 or the minimum if it is
/// negative, to the maximum).
fn validate(chart: &HeatmapChart) -> Result<(f64, f64), ChartError> {
    if chart.rows.is_empty() || chart.cols.is_empty() {
        return Err(ChartError::Empty("the table has no rows".into()));
    }
    if chart.values.len() != chart.rows.len() {
        return Err(ChartError::Data(format!(
            "{} rows of values for {} row labels",
            chart.values.len(),
            chart.rows.len()
        )));
    }
    let (mut lo, mut hi) = (0.0f64, f64::MIN);
    for (label, row) in chart.rows.iter().zip(&chart.values) {
        if row.len() != chart.cols.len() {
            return Err(ChartError::Data(format!(
                "row `{label}` has {} values for {} columns",
                row.len(),
                chart.cols.len()
            )));
        }
        for (col, &v) in chart.cols.iter().zip(row) {
            if !v.is_nan() {
                check_finite(&format!("the value of `{label}` in {col}"), v)?;
                (lo, hi) = (lo.min(v), hi.max(v));
            }
        }
    }
    Ok((lo, hi.max(lo)))
}

/// Where the cells go, and how their labels are set.
struct Layout {
    plot: Rect,
    row_px: f32,
    row_every: usize,
    label_w: f32,
    cols: Columns,
}

/// Rows, row labels and column labels depend on each other's room: lay out the rows for
/// side-by-side column labels; if those do not fit, lay the rows out again with the height the
/// upright labels need.
fn layout(canvas: &Canvas, chart: &HeatmapChart, top: f32, bottom: f32, scale_w: f32) -> Layout {
    let n_cols = chart.cols.len() as f32;
    let flat = col_height(canvas, false, 0.0);
    let (plot, row_px, row_every, label_w) =
        rows_layout(canvas, chart, top, bottom - flat, scale_w);
    let cols = columns(canvas, chart, plot.width() / n_cols, false);
    if !cols.upright {
        return Layout { plot, row_px, row_every, label_w, cols };
    }
    let (plot, row_px, row_every, label_w) =
        rows_layout(canvas, chart, top, bottom - cols.height, scale_w);
    let cols = columns(canvas, chart, plot.width() / n_cols, true);
    Layout { plot, row_px, row_every, label_w, cols }
}

/// The plot rectangle and the row labels' size, stride and width for rows between `top` and
/// `bottom`.
fn rows_layout(
    canvas: &Canvas,
    chart: &HeatmapChart,
    top: f32,
    bottom: f32,
    scale_w: f32,
) -> (Rect, f32, usize, f32) {
    let t = canvas.theme;
    let (px, every) = axis::row_label_size(canvas, (bottom - top) / chart.rows.len() as f32);
    let widest = chart.rows.iter().map(|r| label_width(r, px)).fold(0.0, f32::max);
    let label_w = widest.min(MAX_LABEL_SHARE * t.width).ceil();
    let x0 = t.margin + label_w + t.gap;
    let plot = Rect { x0, y0: top, x1: t.width - t.margin - scale_w, y1: bottom };
    (plot, px, every, label_w)
}

/// How to set the column labels when columns are `col_w` pixels wide: side by side when they
/// fit (and `upright` is false), else turned upright, every k-th one if even that is too dense.
fn columns(canvas: &Canvas, chart: &HeatmapChart, col_w: f32, upright: bool) -> Columns {
    let t = canvas.theme;
    let widest = chart.cols.iter().map(|c| label_width(c, t.tick_px)).fold(0.0, f32::max);
    if !upright && widest + t.gap <= col_w {
        return Columns { upright: false, every: 1, height: col_height(canvas, false, 0.0) };
    }
    let every = ((line_height(t.tick_px) + 2.0) / col_w).ceil().max(1.0) as usize;
    let longest = widest.min(MAX_COL_LABEL_SHARE * t.height);
    Columns { upright: true, every, height: col_height(canvas, true, longest) }
}

fn col_height(canvas: &Canvas, upright: bool, longest: f32) -> f32 {
    let t = canvas.theme;
    let labels = if upright { longest.ceil() } else { line_height(t.tick_px) };
    t.tick_len + t.gap * 0.5 + labels
}

fn cells(
    canvas: &mut Canvas,
    plot: Rect,
    chart: &HeatmapChart,
    color: impl Fn(f64) -> Rgb,
) -> Result<(), ChartError> {
    let (nr, nc) = (chart.rows.len() as f32, chart.cols.len() as f32);
    let (cw, ch) = (plot.width() / nc, plot.height() / nr);
    // A one-pixel white seam between cells when they are big enough to spare it.
    let seam = if cw >= 6.0 && ch >= 6.0 { 1.0 } else { 0.0 };
    for (r, row) in chart.values.iter().enumerate() {
        for (c, &v) in row.iter().enumerate() {
            let x0 = (plot.x0 + cw * c as f32).round();
            let y0 = (plot.y0 + ch * r as f32).round();
            let x1 = (plot.x0 + cw * (c + 1) as f32).round() - seam;
            let y1 = (plot.y0 + ch * (r + 1) as f32).round() - seam;
            let fill = if v.is_nan() { NO_DATA } else { color(v) };
            canvas.fill_rect(Rect { x0, y0, x1, y1 }, fill, 1.0)?;
        }
    }
    Ok(())
}

fn column_labels(
    canvas: &mut Canvas,
    plot: Rect,
    chart: &HeatmapChart,
    cols: &Columns,
) -> Result<(), ChartError> {
    let t = canvas.theme;
    let cw = plot.width() / chart.cols.len() as f32;
    let y = plot.y1 + t.tick_len + t.gap * 0.5;
    let room = cols.height - t.tick_len - t.gap * 0.5;
    for (c, label) in chart.cols.iter().enumerate().step_by(cols.every) {
        let x = plot.x0 + cw * (c as f32 + 0.5);
        canvas.line((x, plot.y1), (x, plot.y1 + t.tick_len), AXIS, 1)?;
        if cols.upright {
            let fitted = shorten_label(label, room, t.tick_px);
            let style = Style::new(t.tick_px, TEXT).align(HAlign::Right, VAlign::Middle);
            text::draw_up(canvas, &fitted, (x, y), style);
        } else {
            let style = Style::new(t.tick_px, TEXT).align(HAlign::Center, VAlign::Top);
            text::draw(canvas, label, (x, y), style);
        }
    }
    Ok(())
}

/// Ticks for the colour scale, within the data's range.
fn scale_ticks(canvas: &Canvas, lo: f64, hi: f64, height: f32) -> (Vec<f64>, Vec<String>) {
    let (ticks, labels) = axis::vertical_ticks(canvas, lo, hi, height);
    let d = axis::decimals(ticks.step);
    let mut values = Vec::new();
    let mut out = Vec::new();
    for (v, s) in ticks.values.into_iter().zip(labels) {
        if v > lo && v < hi {
            values.push(v);
            out.push(s);
        }
    }
    // The ends always carry their values.
    values.insert(0, lo);
    out.insert(0, axis::format_number(lo, d));
    values.push(hi);
    out.push(axis::format_number(hi, d));
    (values, out)
}

/// Room the colour scale takes right of the plot: gap, bar, ticks, labels, description.
fn scale_width(canvas: &Canvas, labels: &[String]) -> f32 {
    let t = canvas.theme;
    let widest = labels.iter().map(|s| label_width(s, t.tick_px)).fold(0.0, f32::max);
    3.0 * t.gap
        + bar_width(canvas)
        + t.tick_len
        + t.gap * 0.5
        + widest.ceil()
        + t.gap
        + line_height(t.label_px)
}

fn bar_width(canvas: &Canvas) -> f32 {
    (canvas.theme.label_px * 1.2).round()
}

fn color_scale(
    canvas: &mut Canvas,
    plot: Rect,
    (lo, hi): (f64, f64),
    values: &[f64],
    labels: &[String],
    description: &str,
) -> Result<(), ChartError> {
    let t = canvas.theme;
    let x0 = plot.x1 + 3.0 * t.gap;
    let bar = Rect { x0, y0: plot.y0, x1: x0 + bar_width(canvas), y1: plot.y1 };
    let ys = Linear { d0: lo, d1: hi, p0: bar.y1, p1: bar.y0 };
    // One pixel row at a time, top (high) to bottom (low).
    let (y0, y1) = (bar.y0.round() as i32, bar.y1.round() as i32);
    for y in y0..y1 {
        let frac = 1.0 - (y - y0) as f64 / (y1 - y0 - 1).max(1) as f64;
        let r = Rect { y0: y as f32, y1: (y + 1) as f32, ..bar };
        canvas.fill_rect(r, sequential(frac), 1.0)?;
    }
    axis::outline(canvas, bar, GRID)?;
    let style = Style::new(t.tick_px, TEXT).align(HAlign::Left, VAlign::Middle);
    let min_gap = line_height(t.tick_px) * 1.1;
    let mut last_y = f32::INFINITY;
    let end_y = ys.map(hi);
    for (i, (&v, s)) in values.iter().zip(labels).enumerate() {
        let y = ys.map(v);
        let is_end = i == 0 || i + 1 == values.len();
        // Inner ticks give way to the end labels when they would touch.
        if !is_end && (last_y - y < min_gap || y - end_y < min_gap) {
            continue;
        }
        canvas.line((bar.x1, y), (bar.x1 + t.tick_len, y), AXIS, 1)?;
        text::draw(canvas, s, (bar.x1 + t.tick_len + t.gap * 0.5, y), style);
        last_y = y;
    }
    let fitted = shorten_label(description, plot.height(), t.label_px);
    let style = Style::new(t.label_px, INK).align(HAlign::Center, VAlign::Bottom);
    text::draw_up(canvas, &fitted, (t.width - t.margin, (plot.y0 + plot.y1) / 2.0), style);
    Ok(())
}
