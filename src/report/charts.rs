//! The report's charts: which tables become which charts, drawn in parallel into `charts/`.

use anyhow::{Context as _, Result};
use rayon::prelude::*;

use super::build::{BARS, ReportOptions, TREND_LINES, TREND_LINES_MANY, TREND_ROWS};
use super::folder::Staging;
use super::model::{ChartFile, Sides, Tables, Trends};
use super::sections::{COVERAGE, with_coverage};
use super::stage::{Stage, Timings};
use crate::chart::{self, Chart};
use crate::figure::{self, BarSpec, HeatmapSpec, KeynessSpec, TrendSpec};
use crate::table::Frame;

/// Draw the charts (in parallel) into `charts/`.
pub(super) fn charts(
    options: &ReportOptions,
    name: &str,
    t: &Tables,
    comparison: Option<&Sides>,
    staging: &Staging,
    timings: &mut Timings,
    note: &(dyn Fn(&str) + Sync),
) -> Result<Vec<ChartFile>> {
    let mut planned: Vec<(&str, Chart)> = Vec::new();
    let bar = |frame: &Frame, title: String, value: Option<&str>| -> Result<Chart> {
        let spec = BarSpec { title, label: None, value: value.map(String::from), rows: Some(BARS) };
        Ok(Chart::Bar(figure::bar(frame, &spec)?))
    };
    if t.phrases.height() > 0 {
        // Ranked as the table is: by the words each formula covers, not by raw count.
        let title = format!("Top formulas by words covered (independent count × words) — {name}");
        let ranked = with_coverage(&t.phrases, BARS)?;
        planned.push(("top-phrases.png", bar(&ranked, title, Some(COVERAGE))?));
    }
    if t.terms.height() > 0 {
        let title = format!("Most frequent words — {name}");
        planned.push(("top-terms.png", bar(&t.terms, title, None)?));
    }
    let mut zipf = figure::zipf(&t.terms, "").ok().map(|z| z.series).unwrap_or_default();
    zipf.extend(figure::zipf(&t.ngrams, "").ok().map(|z| z.series).unwrap_or_default());
    if !zipf.is_empty() {
        let title = format!("Rank–frequency of words and n-grams — {name}");
        planned.push(("zipf.png", Chart::Zipf(chart::ZipfChart { title, series: zipf })));
    }
    if let Some(Trends { table, period, periods, .. }) = &t.trends {
        let period = period.name();
        let title = format!("Top formulas per million words by {period} — {name}");
        // Over many periods, lines cross so often that more than a few become a tangle.
        let lines = if *periods > 40 { TREND_LINES_MANY } else { TREND_LINES };
        let spec = TrendSpec { title, period: None, value: None, series: Some(lines) };
        planned.push(("trend.png", Chart::Trend(figure::trend(table, &spec)?)));
        let title = format!("Top {} formulas by {period} — {name}", TREND_ROWS);
        let spec = HeatmapSpec { title, period: None, value: None, rows: Some(TREND_ROWS) };
        planned.push(("heatmap.png", Chart::Heatmap(figure::heatmap(table, &spec)?)));
    }
    if let (Some(k), Some(Sides { target, reference, .. })) = (&t.keyness, comparison) {
        let spec = KeynessSpec {
            title: format!("Key words and formulas: {target} against {reference} — {name}"),
            measure: None,
            per_side: None,
            target: Some(target.clone()),
            reference: Some(reference.clone()),
        };
        if let Ok(c) = figure::keyness(k, &spec) {
            planned.push(("keyness.png", Chart::Keyness(c)));
        }
    }
    let stage = Stage::counted("charts", planned.len() as u64, timings, note);
    staging.create_dir("charts")?;
    let drawn: Vec<Result<ChartFile>> = planned
        .into_par_iter()
        .map(|(file, c)| {
            let png =
                chart::render_png(&c, options.size).with_context(|| format!("drawing {file}"))?;
            staging.write(&format!("charts/{file}"), &png)?;
            stage.step();
            let title = chart_title(&c);
            Ok(ChartFile { file: file.to_string(), title, png })
        })
        .collect();
    let drawn: Vec<ChartFile> = drawn.into_iter().collect::<Result<_>>()?;
    let files: Vec<&str> = drawn.iter().map(|c| c.file.as_str()).collect();
    stage.done(&if files.is_empty() {
        "none: nothing to draw".to_string()
    } else {
        files.join(", ")
    });
    Ok(drawn)
}

fn chart_title(c: &Chart) -> String {
    match c {
        Chart::Bar(b) => b.title.clone(),
        Chart::Trend(t) => t.title.clone(),
        Chart::Zipf(z) => z.title.clone(),
        Chart::Heatmap(h) => h.title.clone(),
        Chart::Keyness(k) => k.title.clone(),
    }
}
