//! Figures: which rows and columns of refrain's tables become which bars, lines, cells and
//! labels of a chart.
//!
//! Each function takes a table as the commands write it (a [`Frame`]: built in memory by a
//! command, or read back from CSV or Parquet with [`crate::table::read_table`]) and returns the
//! plain chart data of [`crate::chart`]; nothing here draws. `--chart` on `freq`, `phrases`,
//! `trend` and `keyness`, `refrain chart` and `refrain report` all go through these functions,
//! so a table that a user filtered and saved is drawn the same way as the command's own.
//!
//! - [`bar`]: the first rows of a table (20, or all of a table of up to 50 rows), one bar each,
//!   with the number of documents as the bar's note.
//! - [`trend`]: one line per phrase (the first 8, or all of up to 10), a point per period, with
//!   the 95% interval as a band when there are at most [`MAX_BANDS`] lines and
//!   [`MAX_BAND_PERIODS`] periods.
//! - [`heatmap`]: phrases × periods (the first 25 phrases, or all of up to 40).
//! - [`zipf`]: rank–frequency per n from the `n` and `count` columns.
//! - [`keyness`]: the strongest target rows (at the table's top) and reference rows (at its
//!   bottom), by Log Ratio or another measure.
//!
//! Periods without documents (an empty `per_million`) are gaps, not zeros; when more than half
//! the periods are empty (a corpus with long silences, such as one speech every four years),
//! they are left out and the axis title says so.

use crate::chart::{Bar, BarChart, HeatmapChart, KeynessChart, Series, TrendChart, ZipfChart};
use crate::collections::{HashMap, new_map};
use crate::table::{Frame, TableError};

/// Bars drawn when a table has more rows than [`MAX_ROWS_ALL`].
pub const DEFAULT_BARS: usize = 20;
/// A table of up to this many rows is drawn whole.
pub const MAX_ROWS_ALL: usize = 50;
/// Trend lines drawn when a table holds more than [`MAX_SERIES_ALL`] phrases.
pub const DEFAULT_SERIES: usize = 8;
/// A trend table of up to this many phrases is drawn whole.
pub const MAX_SERIES_ALL: usize = 10;
/// Confidence bands are drawn only when there are at most this many lines (more overlap into
/// a grey wash).
pub const MAX_BANDS: usize = 4;
/// Confidence bands are drawn only over at most this many periods: over more, the bands of
/// short periods (wide intervals) swamp the lines.
pub const MAX_BAND_PERIODS: usize = 40;
/// Heatmap rows when a table holds more than [`MAX_HEATMAP_ALL`] phrases.
pub const DEFAULT_HEATMAP_ROWS: usize = 25;
/// A heatmap table of up to this many phrases is drawn whole.
pub const MAX_HEATMAP_ALL: usize = 40;
/// Keyness bars per side.
pub const DEFAULT_PER_SIDE: usize = 15;

/// Why a table cannot be drawn as asked.
#[derive(Debug, thiserror::Error)]
pub enum FigureError {
    /// The table lacks columns the chart needs.
    #[error(
        "a {chart} chart needs the column{s} {need}; the table has {have}",
        s = if missing.len() == 1 { "" } else { "s" },
        need = quoted(missing),
        have = if have.is_empty() { "no columns".to_string() } else { quoted(have) }
    )]
    MissingColumns {
        /// The chart asked for.
        chart: &'static str,
        /// The columns it needs that the table lacks.
        missing: Vec<String>,
        /// The table's columns.
        have: Vec<String>,
    },
    /// The table has one row per phrase and period, and the chart wants one per phrase.
    #[error(
        "the table has one row per phrase and `{0}` (it has a `tokens` column): draw it with \
         `refrain chart trend` or `refrain chart heatmap`"
    )]
    Grouped(String),
    /// Nothing to draw.
    #[error("nothing to draw: {0}")]
    Empty(String),
    /// A column could not be read.
    #[error(transparent)]
    Table(#[from] TableError),
}

fn quoted(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// The description of a value column with its unit, for an axis.
pub fn value_label(column: &str) -> String {
    match column {
        "count" => "occurrences".into(),
        "per_million" => "per million words".into(),
        "docs" => "documents".into(),
        "independent" => "occurrences outside longer formulas".into(),
        "doc_share" => "share of documents".into(),
        "formulaicity" => "share of words in formulas".into(),
        "log_ratio" => "Log Ratio (log₂ of the ratio of relative frequencies)".into(),
        "g2" => "log-likelihood G²".into(),
        "bic" => "BIC (signed by side)".into(),
        "pct_diff" => "%DIFF".into(),
        other => other.replace('_', " "),
    }
}

/// Check that `frame` has `columns`; the error names every missing one.
fn require(frame: &Frame, chart: &'static str, columns: &[&str]) -> Result<(), FigureError> {
    let have = frame.column_names();
    let missing: Vec<String> =
        columns.iter().filter(|c| !have.iter().any(|h| h == *c)).map(|c| c.to_string()).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(FigureError::MissingColumns { chart, missing, have })
    }
}

fn has(frame: &Frame, column: &str) -> bool {
    frame.column_names().iter().any(|c| c == column)
}

/// The first of `candidates` that the table has.
fn first_of<'a>(frame: &Frame, candidates: &[&'a str]) -> Option<&'a str> {
    candidates.iter().copied().find(|c| has(frame, c))
}

/// How many of `available` items to draw: `asked`, else all of up to `all`, else `default`.
fn how_many(available: usize, asked: Option<usize>, all: usize, default: usize) -> usize {
    match asked {
        Some(k) => k.min(available),
        None if available <= all => available,
        None => default,
    }
}

/// What a bar chart shows.
#[derive(Debug, Clone, PartialEq)]
pub struct BarSpec {
    /// The chart's title.
    pub title: String,
    /// The label column [default: `phrase`, else `frame`, else `id`].
    pub label: Option<String>,
    /// The value column [default: `count`, else `formulaicity`].
    pub value: Option<String>,
    /// How many rows, from the top [default: all of up to 50, else 20].
    pub rows: Option<usize>,
}

/// Horizontal bars of the first rows of a table (a `freq`, `phrases` or `phrases --frames`
/// table, or any table with a label and a value column), with "N docs" notes from a `docs`
/// column when there is one.
pub fn bar(frame: &Frame, spec: &BarSpec) -> Result<BarChart, FigureError> {
    let label = match &spec.label {
        Some(l) => l.clone(),
        None => first_of(frame, &["phrase", "frame", "id"]).unwrap_or("phrase").to_string(),
    };
    let value = match &spec.value {
        Some(v) => v.clone(),
        None => first_of(frame, &["count", "formulaicity"]).unwrap_or("count").to_string(),
    };
    require(frame, "bar", &[label.as_str(), value.as_str()])?;
    if spec.label.is_none()
        && has(frame, "tokens")
        && let Some(g) = group_column(frame)
    {
        return Err(FigureError::Grouped(g));
    }
    let rows = how_many(frame.height(), spec.rows, MAX_ROWS_ALL, DEFAULT_BARS);
    let top = frame.clone().sort_limit(&[], Some(rows))?;
    let labels = top.strings(&label)?;
    let values = top.floats(&value)?;
    let docs = if has(&top, "docs") && value != "docs" { Some(top.floats("docs")?) } else { None };
    // In a corpus of one document every note would say "1 doc": say nothing.
    let docs = docs.filter(|d| d.iter().any(|&x| x != 1.0));
    let mut bars = Vec::with_capacity(rows);
    for (i, (l, v)) in labels.into_iter().zip(values).enumerate() {
        if v.is_nan() {
            continue; // a missing value has no bar
        }
        let mut b = Bar::new(l, v);
        if let Some(d) = docs.as_ref().map(|d| d[i]).filter(|d| !d.is_nan()) {
            b = b.with_note(if d == 1.0 { "1 doc".to_string() } else { format!("{d} docs") });
        }
        bars.push(b);
    }
    if bars.is_empty() {
        return Err(FigureError::Empty("the table has no rows".into()));
    }
    Ok(BarChart { title: spec.title.clone(), value_label: value_label(&value), bars })
}

/// The column holding the group of a grouped table (`freq --by`, `trend`): `period`, else the
/// column right after `n` (named after the `--by` column or `doc`), when it is not `count`.
pub fn group_column(frame: &Frame) -> Option<String> {
    let names = frame.column_names();
    if names.iter().any(|c| c == "period") {
        return Some("period".into());
    }
    let after_n = names.iter().position(|c| c == "n").and_then(|i| names.get(i + 1))?;
    (after_n != "count").then(|| after_n.clone())
}

/// A phrases × periods table read into memory: phrases and periods in the order they first
/// appear, and one value (NaN where missing) per cell.
struct Grid {
    phrases: Vec<String>,
    periods: Vec<String>,
    /// `values[phrase][period]`.
    values: Vec<Vec<f64>>,
    /// Confidence bounds, when asked for and present.
    bands: Option<Vec<Vec<(f64, f64)>>>,
}

impl Grid {
    fn read(
        frame: &Frame,
        chart: &'static str,
        period: &str,
        value: &str,
        bands: bool,
    ) -> Result<Grid, FigureError> {
        require(frame, chart, &["phrase", period, value])?;
        let phrases_col = frame.strings("phrase")?;
        let periods_col = frame.strings(period)?;
        let values_col = frame.floats(value)?;
        let bounds = if bands && has(frame, "ci_low") && has(frame, "ci_high") {
            Some((frame.floats("ci_low")?, frame.floats("ci_high")?))
        } else {
            None
        };
        let (phrases, phrase_of) = first_appearance(&phrases_col);
        let (periods, period_of) = first_appearance(&periods_col);
        let mut values = vec![vec![f64::NAN; periods.len()]; phrases.len()];
        let mut band =
            bounds.as_ref().map(|_| vec![vec![(f64::NAN, f64::NAN); periods.len()]; phrases.len()]);
        for i in 0..values_col.len() {
            let (r, c) = (phrase_of[i], period_of[i]);
            values[r][c] = values_col[i];
            if let (Some(b), Some((lo, hi))) = (band.as_mut(), bounds.as_ref()) {
                b[r][c] = (lo[i], hi[i]);
            }
        }
        Ok(Grid { phrases, periods, values, bands: band })
    }

    /// Keep the first `k` phrases.
    fn truncate(&mut self, k: usize) {
        self.phrases.truncate(k);
        self.values.truncate(k);
        if let Some(b) = &mut self.bands {
            b.truncate(k);
        }
    }

    /// Leave out the periods without data in any kept phrase when they are more than half of
    /// all periods; returns whether any were left out.
    fn drop_sparse_periods(&mut self) -> bool {
        let empty: Vec<bool> = (0..self.periods.len())
            .map(|c| self.values.iter().all(|row| row[c].is_nan()))
            .collect();
        let n_empty = empty.iter().filter(|&&e| e).count();
        if n_empty * 2 <= self.periods.len() || n_empty == self.periods.len() {
            return false;
        }
        let kept: Vec<bool> = empty.iter().map(|e| !e).collect();
        retain_by(&mut self.periods, &kept);
        self.values.iter_mut().for_each(|row| retain_by(row, &kept));
        if let Some(b) = &mut self.bands {
            b.iter_mut().for_each(|row| retain_by(row, &kept));
        }
        true
    }
}

/// Keep the items of `v` whose flag in `keep` is set.
fn retain_by<T>(v: &mut Vec<T>, keep: &[bool]) {
    let mut flags = keep.iter();
    v.retain(|_| *flags.next().unwrap_or(&false));
}

/// Distinct values in order of first appearance, and the index of each row's value.
fn first_appearance(column: &[String]) -> (Vec<String>, Vec<usize>) {
    let mut seen: HashMap<&str, usize> = new_map();
    let mut distinct = Vec::new();
    let mut of_row = Vec::with_capacity(column.len());
    for v in column {
        let next = distinct.len();
        let i = *seen.entry(v.as_str()).or_insert(next);
        if i == next {
            distinct.push(v.clone());
        }
        of_row.push(i);
    }
    (distinct, of_row)
}

/// The name of the period kind the labels are in ("year", "month", …), from their form; the
/// column's name for anything else.
pub fn period_name(labels: &[String], column: &str) -> String {
    let kind = |l: &str| -> Option<&'static str> {
        let b = l.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        match b.len() {
            4 if digits(0..4) => Some("year"),
            7 if digits(0..4) && b[4] == b'-' && b[5] == b'Q' => Some("quarter"),
            7 if digits(0..4) && b[4] == b'-' && digits(5..7) => Some("month"),
            8 if digits(0..4) && &b[4..6] == b"-W" && digits(6..8) => Some("week"),
            10 if digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' => Some("day"),
            _ => None,
        }
    };
    let first = labels.first().and_then(|l| kind(l));
    match first {
        Some(k) if labels.iter().all(|l| kind(l) == Some(k)) => k.to_string(),
        _ => column.to_string(),
    }
}

/// What a trend chart shows.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendSpec {
    /// The chart's title.
    pub title: String,
    /// The group column [default: `period`, else the column after `n`].
    pub period: Option<String>,
    /// The value column [default: `per_million`].
    pub value: Option<String>,
    /// How many phrases, from the top [default: all of up to 10, else 8].
    pub series: Option<usize>,
}

/// Lines of a `trend` table (or a `freq --by` table): one per phrase, a point per period, with
/// the `ci_low`–`ci_high` band when the value is `per_million` and there are few lines.
pub fn trend(frame: &Frame, spec: &TrendSpec) -> Result<TrendChart, FigureError> {
    let period = spec.period.clone().or_else(|| group_column(frame)).unwrap_or("period".into());
    let value = spec.value.clone().unwrap_or_else(|| "per_million".into());
    let mut grid = Grid::read(frame, "trend", &period, &value, value == "per_million")?;
    if grid.phrases.is_empty() {
        return Err(FigureError::Empty("the table has no rows".into()));
    }
    let k = how_many(grid.phrases.len(), spec.series, MAX_SERIES_ALL, DEFAULT_SERIES);
    grid.truncate(k);
    let dropped = grid.drop_sparse_periods();
    if k > MAX_BANDS || grid.periods.len() > MAX_BAND_PERIODS {
        grid.bands = None;
    }
    let mut x_label = period_name(&grid.periods, &period);
    if dropped {
        x_label.push_str(&format!(" ({x_label}s without documents left out)"));
    }
    let series = grid
        .phrases
        .iter()
        .enumerate()
        .map(|(r, label)| Series {
            label: label.clone(),
            values: grid.values[r].clone(),
            band: grid.bands.as_ref().map(|b| fill_band(&grid.values[r], &b[r])),
        })
        .collect();
    Ok(TrendChart {
        title: spec.title.clone(),
        y_label: value_label(&value),
        x_label,
        periods: grid.periods,
        series,
    })
}

/// A band with no hole where the line has a value (the value itself stands in for a missing
/// bound).
fn fill_band(values: &[f64], band: &[(f64, f64)]) -> Vec<(f64, f64)> {
    values
        .iter()
        .zip(band)
        .map(|(&v, &(lo, hi))| {
            let lo = if lo.is_nan() { v } else { lo.min(v) };
            let hi = if hi.is_nan() { v } else { hi.max(v) };
            (lo, hi)
        })
        .collect()
}

/// What a heatmap shows.
#[derive(Debug, Clone, PartialEq)]
pub struct HeatmapSpec {
    /// The chart's title.
    pub title: String,
    /// The group column [default: `period`, else the column after `n`].
    pub period: Option<String>,
    /// The value column [default: `per_million`].
    pub value: Option<String>,
    /// How many phrases, from the top [default: all of up to 40, else 25].
    pub rows: Option<usize>,
}

/// Phrases × periods of a `freq --by` or `trend` table, coloured by the value.
pub fn heatmap(frame: &Frame, spec: &HeatmapSpec) -> Result<HeatmapChart, FigureError> {
    let period = spec.period.clone().or_else(|| group_column(frame)).unwrap_or("period".into());
    let value = spec.value.clone().unwrap_or_else(|| "per_million".into());
    let mut grid = Grid::read(frame, "heatmap", &period, &value, false)?;
    if grid.phrases.is_empty() {
        return Err(FigureError::Empty("the table has no rows".into()));
    }
    grid.truncate(how_many(grid.phrases.len(), spec.rows, MAX_HEATMAP_ALL, DEFAULT_HEATMAP_ROWS));
    let dropped = grid.drop_sparse_periods();
    let mut x_label = period_name(&grid.periods, &period);
    let any_empty = grid.values.iter().flatten().any(|v| v.is_nan());
    if dropped {
        x_label.push_str(&format!(" ({x_label}s without documents left out)"));
    } else if any_empty {
        x_label.push_str(" (grey: no documents)");
    }
    Ok(HeatmapChart {
        title: spec.title.clone(),
        value_label: value_label(&value),
        x_label,
        rows: grid.phrases,
        cols: grid.periods,
        values: grid.values,
    })
}

/// Rank–frequency curves, one per n, from a table with `n` and `count` columns (`freq`, or
/// `phrases`). The counts of each n are sorted largest first: the rank is the position.
pub fn zipf(frame: &Frame, title: &str) -> Result<ZipfChart, FigureError> {
    require(frame, "zipf", &["n", "count"])?;
    if let Some(g) = group_column(frame).filter(|_| has(frame, "tokens")) {
        return Err(FigureError::Grouped(g));
    }
    let n = frame.floats("n")?;
    let count = frame.floats("count")?;
    let mut by_n: std::collections::BTreeMap<u64, Vec<u64>> = Default::default();
    for (&n, &c) in n.iter().zip(&count) {
        if n.is_finite() && n >= 1.0 && c.is_finite() && c >= 0.0 {
            by_n.entry(n as u64).or_default().push(c as u64);
        }
    }
    if by_n.is_empty() {
        return Err(FigureError::Empty("the table has no rows".into()));
    }
    let series = by_n
        .into_iter()
        .map(|(n, mut counts)| {
            counts.sort_unstable_by(|a, b| b.cmp(a));
            (ngram_name(n), counts)
        })
        .collect();
    Ok(ZipfChart { title: title.to_string(), series })
}

/// "words" for n = 1, else "N-grams".
pub fn ngram_name(n: u64) -> String {
    if n == 1 { "words".into() } else { format!("{n}-grams") }
}

/// What a keyness chart shows.
#[derive(Debug, Clone, PartialEq)]
pub struct KeynessSpec {
    /// The chart's title.
    pub title: String,
    /// The measure column: `log_ratio` (default), `g2`, `bic` or `pct_diff`.
    pub measure: Option<String>,
    /// Bars per side [default: 15].
    pub per_side: Option<usize>,
    /// The target's name, shown over the positive side [default: "target"].
    pub target: Option<String>,
    /// The reference's name [default: "reference"].
    pub reference: Option<String>,
}

/// Diverging bars of a `keyness` table: its first target keywords (the rows at the top, G² > 0)
/// and its last reference keywords (at the bottom, G² < 0), measured by `log_ratio` unless
/// another measure is asked for, with the counts on either side as notes.
pub fn keyness(frame: &Frame, spec: &KeynessSpec) -> Result<KeynessChart, FigureError> {
    let measure = spec.measure.clone().unwrap_or_else(|| "log_ratio".into());
    require(frame, "keyness", &["phrase", measure.as_str()])?;
    let phrases = frame.strings("phrase")?;
    let raw = frame.floats(&measure)?;
    // The side comes from G² when the table has it (BIC is unsigned); else from the value.
    let side: Vec<f64> = if has(frame, "g2") { frame.floats("g2")? } else { raw.clone() };
    let counts = if has(frame, "a") && has(frame, "b") {
        Some((frame.floats("a")?, frame.floats("b")?))
    } else {
        None
    };
    let value = |i: usize| if measure == "bic" { raw[i].abs() * side[i].signum() } else { raw[i] };
    let usable = |i: usize| value(i).is_finite() && side[i] != 0.0 && !side[i].is_nan();
    let k = spec.per_side.unwrap_or(DEFAULT_PER_SIDE);
    let target: Vec<usize> =
        (0..phrases.len()).filter(|&i| usable(i) && side[i] > 0.0).take(k).collect();
    let mut reference: Vec<usize> =
        (0..phrases.len()).rev().filter(|&i| usable(i) && side[i] < 0.0).take(k).collect();
    reference.reverse();
    let bars: Vec<Bar> = target
        .into_iter()
        .chain(reference)
        .map(|i| {
            let b = Bar::new(phrases[i].clone(), value(i));
            match &counts {
                Some((a, bb)) => b.with_note(format!("{} : {}", a[i], bb[i])),
                None => b,
            }
        })
        .collect();
    if bars.is_empty() {
        return Err(FigureError::Empty(format!("no row has a `{measure}` value and a side")));
    }
    let mut label = value_label(&measure);
    if counts.is_some() {
        label.push_str("; notes: occurrences in target : reference");
    }
    Ok(KeynessChart {
        title: spec.title.clone(),
        value_label: label,
        target: spec.target.clone().unwrap_or_else(|| "target".into()),
        reference: spec.reference.clone().unwrap_or_else(|| "reference".into()),
        bars,
    })
}

#[cfg(test)]
mod tests;
