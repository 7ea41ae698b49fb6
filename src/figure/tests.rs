//! Tests of the figures: the bars, lines, cells and labels computed from tables built by hand,
//! and the PNG they draw (decoded: size and ink, no golden pixels).

use super::*;
use crate::chart::{Chart, Size, render_png};
use crate::table::{Table, Values};

fn strs(v: &[&str]) -> Values {
    Values::Str(v.iter().map(|s| s.to_string()).collect())
}

fn frame(table: Table) -> Frame {
    Frame::from_table(table).unwrap()
}

/// A freq table: phrase, n, count, per_million, docs (rows in count order).
fn freq_table(rows: usize) -> Frame {
    let phrases: Vec<String> = (0..rows).map(|i| format!("phrase {i}")).collect();
    frame(
        Table::new()
            .with("phrase", Values::Str(phrases))
            .with("n", Values::Int((0..rows as i64).map(|i| 1 + i % 3).collect()))
            .with("count", Values::Int((0..rows as i64).map(|i| 1000 - 10 * i).collect()))
            .with("per_million", Values::Float((0..rows).map(|i| 50.0 - i as f64).collect()))
            .with("docs", Values::Int((0..rows as i64).map(|i| 40 - i / 2).collect())),
    )
}

/// A trend table for `phrases` over `periods`, with `tokens` 0 (and an empty per_million and
/// interval) in the periods listed in `empty`.
fn trend_table(phrases: &[&str], periods: &[&str], empty: &[&str]) -> Frame {
    let (mut p, mut g, mut n, mut c, mut t, mut pm, mut lo, mut hi) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for (i, phrase) in phrases.iter().enumerate() {
        for (j, period) in periods.iter().enumerate() {
            let tokens = if empty.contains(period) { 0 } else { 1000 };
            let count = if tokens == 0 { 0 } else { (i + j) as i64 };
            p.push(phrase.to_string());
            g.push(period.to_string());
            n.push(2);
            c.push(count);
            t.push(tokens);
            let rate = if tokens == 0 { f64::NAN } else { count as f64 * 1000.0 };
            pm.push(rate);
            lo.push(rate * 0.5);
            hi.push(rate * 1.5 + 1.0);
        }
    }
    frame(
        Table::new()
            .with("phrase", Values::Str(p))
            .with("n", Values::Int(n))
            .with("period", Values::Str(g))
            .with("count", Values::Int(c))
            .with("tokens", Values::Int(t))
            .with("per_million", Values::Float(pm))
            .with("ci_low", Values::Float(lo))
            .with("ci_high", Values::Float(hi)),
    )
}

/// Decode a PNG: width, height and the number of distinct colours.
fn decoded(png: &[u8]) -> (u32, u32, usize) {
    let mut reader = png::Decoder::new(png).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    buf.truncate(info.buffer_size());
    let mut colours: Vec<&[u8]> = buf.chunks_exact(3).collect();
    colours.sort_unstable();
    colours.dedup();
    (info.width, info.height, colours.len())
}

fn draws(chart: Chart) {
    let png = render_png(&chart, Size::new(480, 360)).unwrap();
    let (w, h, colours) = decoded(&png);
    assert_eq!((w, h), (480, 360));
    assert!(colours > 30, "only {colours} colours: nearly blank");
}

#[test]
fn bars_are_the_first_rows_with_docs_notes() {
    let f = freq_table(30);
    let spec = BarSpec { title: "Top".into(), label: None, value: None, rows: None };
    let c = bar(&f, &spec).unwrap();
    // 30 rows fit in one chart: all of them, in table order, counts and doc notes.
    assert_eq!(c.bars.len(), 30);
    assert_eq!(c.bars[0], Bar::new("phrase 0", 1000.0).with_note("40 docs"));
    assert_eq!(c.bars[29], Bar::new("phrase 29", 710.0).with_note("26 docs"));
    assert_eq!(c.value_label, "occurrences");
    // A long table: the first 20; an explicit number and another value column.
    let c = bar(&freq_table(60), &spec).unwrap();
    assert_eq!(c.bars.len(), DEFAULT_BARS);
    let spec = BarSpec { value: Some("per_million".into()), rows: Some(3), ..spec };
    let c = bar(&f, &spec).unwrap();
    let got: Vec<(String, f64)> = c.bars.iter().map(|b| (b.label.clone(), b.value)).collect();
    assert_eq!(
        got,
        [("phrase 0".into(), 50.0), ("phrase 1".into(), 49.0), ("phrase 2".into(), 48.0)]
    );
    assert_eq!(c.value_label, "per million words");
    draws(Chart::Bar(c));
}

#[test]
fn frames_and_one_doc_notes() {
    let f = frame(
        Table::new()
            .with("frame", strs(&["the * of", "rodong sinmun * says"]))
            .with("count", Values::Int(vec![9, 4]))
            .with("docs", Values::Int(vec![1, 3])),
    );
    let spec = BarSpec { title: String::new(), label: None, value: None, rows: None };
    let c = bar(&f, &spec).unwrap();
    assert_eq!(c.bars[0], Bar::new("the * of", 9.0).with_note("1 doc"));
    assert_eq!(c.bars[1].note.as_deref(), Some("3 docs"));
    // All in one document: no notes.
    let one = frame(
        Table::new()
            .with("phrase", strs(&["a b", "c d"]))
            .with("count", Values::Int(vec![9, 4]))
            .with("docs", Values::Int(vec![1, 1])),
    );
    assert!(bar(&one, &spec).unwrap().bars.iter().all(|b| b.note.is_none()));
}

#[test]
fn missing_columns_are_named() {
    let f = frame(Table::new().with("word", strs(&["a"])).with("freq", Values::Int(vec![1])));
    let spec = BarSpec { title: String::new(), label: None, value: None, rows: None };
    let e = bar(&f, &spec).unwrap_err().to_string();
    assert_eq!(e, "a bar chart needs the columns `phrase`, `count`; the table has `word`, `freq`");
    let e = zipf(&f, "z").unwrap_err().to_string();
    assert!(e.contains("columns `n`, `count`"), "{e}");
    let e = keyness(
        &f,
        &KeynessSpec {
            title: String::new(),
            measure: Some("bic".into()),
            per_side: None,
            target: None,
            reference: None,
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("`phrase`, `bic`"), "{e}");
    let spec = TrendSpec { title: String::new(), period: None, value: None, series: None };
    let e = trend(&f, &spec).unwrap_err().to_string();
    assert!(e.contains("a trend chart needs the columns `phrase`, `period`, `per_million`"), "{e}");
    // A grouped table is not a bar chart.
    let g = trend_table(&["a b"], &["2016", "2017"], &[]);
    let spec = BarSpec { title: String::new(), label: None, value: None, rows: None };
    let e = bar(&g, &spec).unwrap_err().to_string();
    assert!(e.contains("one row per phrase and `period`"), "{e}");
}

#[test]
fn trend_lines_with_bands_and_gaps() {
    let f = trend_table(
        &["party cells", "socialist power"],
        &["2016", "2017", "2018", "2019"],
        &["2018"],
    );
    let spec = TrendSpec { title: "T".into(), period: None, value: None, series: None };
    let c = trend(&f, &spec).unwrap();
    assert_eq!(c.periods, ["2016", "2017", "2018", "2019"]);
    assert_eq!(c.x_label, "year");
    assert_eq!(c.y_label, "per million words");
    assert_eq!(c.series.len(), 2);
    let s = &c.series[1];
    assert_eq!(s.label, "socialist power");
    // count = i + j per mille of 1000 tokens; 2018 has no documents: a gap, not a zero.
    assert_eq!(s.values[..2], [1000.0, 2000.0]);
    assert!(s.values[2].is_nan());
    assert_eq!(s.values[3], 4000.0);
    let band = s.band.as_ref().unwrap();
    assert_eq!(band[0], (500.0, 1501.0));
    draws(Chart::Trend(c));
}

#[test]
fn trend_leaves_out_mostly_empty_periods_and_bands_of_many_lines() {
    let periods = ["1789", "1790", "1791", "1792", "1793", "1794", "1795", "1796", "1797"];
    let empty = ["1790", "1791", "1792", "1794", "1795", "1796"];
    let names: Vec<String> = (0..12).map(|i| format!("p{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let f = trend_table(&refs, &periods, &empty);
    let spec = TrendSpec { title: "T".into(), period: None, value: None, series: None };
    let c = trend(&f, &spec).unwrap();
    assert_eq!(c.periods, ["1789", "1793", "1797"]);
    assert_eq!(c.x_label, "year (years without documents left out)");
    // Twelve phrases: the first eight, without bands.
    assert_eq!(c.series.len(), DEFAULT_SERIES);
    assert!(c.series.iter().all(|s| s.band.is_none() && s.values.iter().all(|v| v.is_finite())));
    draws(Chart::Trend(c));
    // Two lines over 41 periods: no bands either.
    let years: Vec<String> = (1900..1941).map(|y| y.to_string()).collect();
    let refs: Vec<&str> = years.iter().map(String::as_str).collect();
    let f = trend_table(&["a", "b"], &refs, &[]);
    assert!(trend(&f, &spec).unwrap().series.iter().all(|s| s.band.is_none()));
    let f = trend_table(&["a", "b"], &refs[..40], &[]);
    assert!(trend(&f, &spec).unwrap().series.iter().all(|s| s.band.is_some()));
}

#[test]
fn heatmap_cells_in_table_order() {
    let f = trend_table(&["a", "b", "c"], &["2016-01", "2016-02", "2016-03"], &["2016-02"]);
    let spec = HeatmapSpec { title: "H".into(), period: None, value: None, rows: Some(2) };
    let c = heatmap(&f, &spec).unwrap();
    assert_eq!(c.rows, ["a", "b"]);
    assert_eq!(c.cols, ["2016-01", "2016-02", "2016-03"]);
    assert_eq!(c.x_label, "month (grey: no documents)");
    assert_eq!(c.values[1][0], 1000.0);
    assert!(c.values[1][1].is_nan());
    assert_eq!(c.values[1][2], 3000.0);
    draws(Chart::Heatmap(c));
    // A metadata column as the group, found after `n`.
    let g = frame(
        Table::new()
            .with("phrase", strs(&["x", "x", "y", "y"]))
            .with("n", Values::Int(vec![1; 4]))
            .with("session", strs(&["69", "70", "69", "70"]))
            .with("count", Values::Int(vec![1, 2, 3, 4]))
            .with("per_million", Values::Float(vec![1.0, 2.0, 3.0, 4.0])),
    );
    let spec = HeatmapSpec { title: "H".into(), period: None, value: None, rows: None };
    let c = heatmap(&g, &spec).unwrap();
    assert_eq!(
        (c.cols.clone(), c.x_label.as_str()),
        (vec!["69".to_string(), "70".into()], "session")
    );
    assert_eq!(c.values, [[1.0, 2.0], [3.0, 4.0]]);
}

#[test]
fn zipf_ranks_counts_per_n() {
    let f = freq_table(9); // n cycles 1, 2, 3; counts fall by 10
    let c = zipf(&f, "Z").unwrap();
    let names: Vec<&str> = c.series.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(names, ["words", "2-grams", "3-grams"]);
    assert_eq!(c.series[0].1, [1000, 970, 940]);
    assert_eq!(c.series[2].1, [980, 950, 920]);
    draws(Chart::Zipf(c));
}

#[test]
fn keyness_takes_both_ends_of_the_table() {
    // Target keywords first (G² > 0), then neutral, then reference keywords, strongest last.
    let f = frame(
        Table::new()
            .with("phrase", strs(&["t1", "t2", "t3", "even", "r3", "r2", "r1"]))
            .with("a", Values::Int(vec![90, 50, 30, 5, 2, 1, 0]))
            .with("b", Values::Int(vec![1, 2, 3, 5, 30, 50, 90]))
            .with("g2", Values::Float(vec![80.0, 40.0, 20.0, 0.0, -20.0, -40.0, -80.0]))
            .with("bic", Values::Float(vec![70.0, 30.0, 10.0, 0.0, 10.0, 30.0, 70.0]))
            .with("log_ratio", Values::Float(vec![6.5, 4.6, 3.3, 0.0, -3.9, -5.6, -7.5])),
    );
    let spec = KeynessSpec {
        title: "K".into(),
        measure: None,
        per_side: Some(2),
        target: Some("2017".into()),
        reference: None,
    };
    let c = keyness(&f, &spec).unwrap();
    let got: Vec<(&str, f64)> = c.bars.iter().map(|b| (b.label.as_str(), b.value)).collect();
    assert_eq!(got, [("t1", 6.5), ("t2", 4.6), ("r2", -5.6), ("r1", -7.5)]);
    assert_eq!(c.bars[0].note.as_deref(), Some("90 : 1"));
    assert_eq!((c.target.as_str(), c.reference.as_str()), ("2017", "reference"));
    assert!(
        c.value_label.starts_with("Log Ratio") && c.value_label.ends_with("target : reference")
    );
    // BIC is unsigned in the table and signed by G² in the chart.
    let spec = KeynessSpec { measure: Some("bic".into()), per_side: Some(1), ..spec };
    let c = keyness(&f, &spec).unwrap();
    let got: Vec<f64> = c.bars.iter().map(|b| b.value).collect();
    assert_eq!(got, [70.0, -70.0]);
    draws(Chart::Keyness(c));
}

#[test]
fn period_names_from_labels() {
    let names =
        |v: &[&str]| period_name(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "period");
    assert_eq!(names(&["2016", "2017"]), "year");
    assert_eq!(names(&["2016-03", "2016-04"]), "month");
    assert_eq!(names(&["2016-Q1"]), "quarter");
    assert_eq!(names(&["2016-W05"]), "week");
    assert_eq!(names(&["2016-03-05"]), "day");
    assert_eq!(names(&["2016", "USA"]), "period");
}
