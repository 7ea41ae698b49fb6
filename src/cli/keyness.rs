//! `refrain keyness`: keywords and key phrases of a target against a reference, both ways.
//!
//! The target and the reference are read in one pipeline run (one vocabulary), and split into
//! two groups: by input (`--reference`), by date (`--split`) or by `--where`. N-grams are
//! counted once over everything (pruned by `--min-count` on the total, which any side's count
//! cannot exceed), then counted per side with the grouping machinery, and the measures of
//! [`crate::stats::keyness`] are computed per n-gram.
//!
//! Over the memory budget the token index is on disk: the bounded counter counts every row
//! with its counts per side ([`bounded::count_sided`]), places it by its side and measure, and
//! sorts the rows in runs on disk; their merge is written as it comes, the same table
//! ([`disk`]).

use std::cmp::Ordering;

use anyhow::{Result, bail};
use chrono::{Datelike, NaiveDate};
use rayon::prelude::*;

use super::args::{KeynessArgs, Measure, OutputArgs};
use super::chart::{self, ChartOut};
use super::freq::RankedCounts;
use super::summary::count;
use super::{Context, grouped, settings};
use crate::chart::Chart;
use crate::collections::{HashSet, new_set};
use crate::corpus::{Document, Input, Precision};
use crate::count::NgramCounts;
use crate::figure::{self, FigureError, KeynessSpec};
use crate::group::{GroupBy, Groups, NONE};
use crate::pipeline::AnalyzedCorpus;
use crate::select::Where;
use crate::stats::keyness::{Keyness, keyness};
use crate::table::{self, Frame, Table, Values};

mod disk;
use disk::OnDisk;

/// Side of a document: target.
const TARGET: u32 = 0;
/// Side of a document: reference.
const REFERENCE: u32 = 1;

/// How the target and the reference are told apart.
pub enum Comparison {
    /// Documents read from `--reference` paths are the reference.
    Reference(HashSet<String>),
    /// Documents dated on or after the date are the target.
    Split(NaiveDate),
    /// Documents meeting `--where` are the target.
    Where(Where),
}

/// Run `keyness`.
pub fn run(args: &KeynessArgs, ctx: &Context) -> Result<()> {
    let dest = settings::destination(&OutputArgs {
        format: args.format,
        output: args.output.clone(),
        top: None,
    })?;
    let chart_out = ChartOut::from_args(&args.chart)?;
    let mut options = settings::pipeline(&args.corpus, "keyness")?;
    options.may_spill = true;
    let mut paths = args.corpus.paths.clone();
    let comparison = if !args.reference.is_empty() {
        if paths.is_empty() {
            bail!("keyness --reference needs a target PATH too");
        }
        let sources = reference_sources(&paths, &args.reference, &options.exclude)?;
        paths.extend(args.reference.iter().cloned());
        Comparison::Reference(sources)
    } else if let Some(split) = &args.split {
        Comparison::Split(parse_split(split)?)
    } else if !options.select.conditions.is_empty() {
        // The selection is the target and the rest the reference: keep every document.
        options.select.filter = false;
        Comparison::Where(options.select.conditions.clone())
    } else {
        bail!(
            "keyness needs something to compare with: --reference PATH..., --split DATE, or \
             --where COLUMN=VALUE (the selection against the rest)"
        );
    };
    let corpus = ctx.read(&paths, &options)?;
    let groups = sides(&corpus, &comparison);
    ctx.note(&describe(&groups, &comparison));
    for (side, name) in [(TARGET, "target"), (REFERENCE, "reference")] {
        if groups.tokens[side as usize] == 0 {
            bail!("the {name} holds no words: nothing to compare");
        }
    }
    let count_options = settings::count(&args.count);
    if corpus.spilled.is_some() {
        let on_disk = OnDisk { args, ctx, comparison: &comparison, options: &count_options };
        return on_disk.run(&corpus, &groups, &dest, &chart_out, &options.budget);
    }
    let ranked = RankedCounts::new(&corpus, &count_options);
    let rows: Vec<(usize, u32)> = ranked.counts.reported().collect();
    let frame = keyness_frame(
        &corpus,
        &ranked.counts,
        &rows,
        &groups,
        &count_options,
        args.measure,
        args.top,
    )?;
    let png = chart::maybe(&chart_out, || keyness_chart(args, &comparison, &frame))?;
    table::write(&frame, dest.format, &dest.output)?;
    chart::write(png, ctx)
}

/// The measure the chart's bars show: G² ranks by evidence, so its rows show their effect
/// size (Log Ratio).
fn chart_measure(measure: Measure) -> Measure {
    match measure {
        Measure::G2 => Measure::LogRatio,
        m => m,
    }
}

/// The keyness chart of `frame` (the table, or rows of it that hold the bars).
fn keyness_chart(
    args: &KeynessArgs,
    comparison: &Comparison,
    frame: &Frame,
) -> Result<Chart, FigureError> {
    let (target, reference) = side_names(&args.corpus.paths, &args.reference, comparison);
    let title = format!("Keywords: {target} against {reference}");
    let spec = KeynessSpec {
        title,
        measure: Some(chart::measure_column(chart_measure(args.measure)).to_string()),
        per_side: args.top.map(|k| k.min(figure::DEFAULT_PER_SIDE)),
        target: Some(target),
        reference: Some(reference),
    };
    Ok(Chart::Keyness(figure::keyness(frame, &spec)?))
}

/// The keyness table of the counted n-grams `rows` of `counts` between the two sides of
/// `groups` (target = group 0, reference = group 1): the rows that reach `options.min_count`
/// and `options.min_docs` on either side, sorted by `measure` (target keywords first), the `top`
/// strongest of each side when given.
pub fn keyness_frame(
    corpus: &AnalyzedCorpus,
    counts: &NgramCounts,
    rows: &[(usize, u32)],
    groups: &Groups,
    options: &crate::count::CountOptions,
    measure: Measure,
    top: Option<usize>,
) -> Result<Frame> {
    let tally = grouped::count_rows(corpus, counts, rows, groups, false)?;
    let mut scored: Vec<Scored> = (0..rows.len())
        .filter_map(|r| {
            let (a, b) = (tally.count_of(r)[0], tally.count_of(r)[1]);
            let (da, db) = (tally.docs_of(r)[0], tally.docs_of(r)[1]);
            let keep = a.max(b) >= options.min_count && da.max(db) >= options.min_docs;
            let k = keyness(a as u64, b as u64, groups.tokens[0], groups.tokens[1]);
            keep.then_some(Scored { row: rows[r], a, b, da, db, k })
        })
        .collect();
    sort(&mut scored, measure, counts);
    let chosen = top_each_side(scored, top);
    Ok(Frame::from_table(keyness_table(corpus, counts, &chosen, groups))?)
}

/// Short names of the two sides, for chart titles and legends.
pub fn side_names(
    target: &[std::path::PathBuf],
    reference: &[std::path::PathBuf],
    comparison: &Comparison,
) -> (String, String) {
    match comparison {
        Comparison::Reference(_) => {
            (crate::report::corpus_name(target), crate::report::corpus_name(reference))
        }
        Comparison::Split(date) => (format!("≥ {date}"), format!("< {date}")),
        Comparison::Where(w) => (w.describe(), "the rest".to_string()),
    }
}

/// The display strings of the reference inputs (documents carry them as `source`); an input
/// in both the target and the reference is an error.
pub fn reference_sources(
    target: &[std::path::PathBuf],
    reference: &[std::path::PathBuf],
    exclude: &[String],
) -> Result<HashSet<String>> {
    let display = |i: &Input| match i {
        Input::File(p) => p.display().to_string(),
        Input::Stdin => "-".to_string(),
        Input::Sample => "<sample>".to_string(),
    };
    let (refs, _) = crate::corpus::list_inputs(reference, exclude)?;
    let (targets, _) = crate::corpus::list_inputs(target, exclude)?;
    let mut set = new_set();
    set.extend(refs.iter().map(display));
    if let Some(both) = targets.iter().map(display).find(|t| set.contains(t)) {
        bail!("`{both}` is in both the target and the --reference");
    }
    Ok(set)
}

/// Parse `--split DATE` (a day, a month or a year: its first day).
pub fn parse_split(s: &str) -> Result<NaiveDate> {
    match crate::corpus::dates::parse_date(s) {
        Some((g, crate::corpus::dates::DateKind::Calendar)) => Ok(g.date),
        _ => bail!("--split `{s}` is not a date (e.g. 2016-01-01, 2016-03 or 2016)"),
    }
}

/// Which side each document is on.
pub fn sides(corpus: &AnalyzedCorpus, comparison: &Comparison) -> Groups {
    let of_doc: Vec<u32> = corpus
        .docs
        .iter()
        .map(|d| match comparison {
            Comparison::Reference(sources) => {
                if sources.contains(&d.source) {
                    REFERENCE
                } else {
                    TARGET
                }
            }
            Comparison::Split(date) => split_side(d, *date),
            Comparison::Where(w) => {
                if w.matches(d) {
                    TARGET
                } else {
                    REFERENCE
                }
            }
        })
        .collect();
    let labels = vec!["target".to_string(), "reference".to_string()];
    let by = GroupBy::Column("side".into());
    match &corpus.spilled {
        Some(spilled) => Groups::new(by, labels, of_doc, spilled.doc_len.as_slice()),
        None => Groups::new(by, labels, of_doc, &corpus.index),
    }
}

/// Target if the document's whole date range is on or after `split`, reference if it is
/// wholly before, neither if undated or if its range (a year-only date) straddles the split.
fn split_side(doc: &Document, split: NaiveDate) -> u32 {
    let Some(start) = doc.date else { return NONE };
    let end = match crate::group::precision(doc) {
        Precision::Day => start,
        Precision::Month => end_of_month(start),
        Precision::Year => NaiveDate::from_ymd_opt(start.year(), 12, 31).unwrap_or(start),
    };
    if start >= split {
        TARGET
    } else if end < split {
        REFERENCE
    } else {
        NONE
    }
}

fn end_of_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 { (d.year() + 1, 1) } else { (d.year(), d.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).and_then(|n| n.pred_opt()).unwrap_or(d)
}

/// The summary lines of the two sides: documents and words of each, and what was left out.
pub fn describe(groups: &Groups, comparison: &Comparison) -> String {
    let how = match comparison {
        Comparison::Reference(_) => ("PATH", "--reference"),
        Comparison::Split(_) => ("on or after --split", "before it"),
        Comparison::Where(_) => ("--where", "the rest"),
    };
    let side = |s: usize| {
        format!(
            "{} of {}",
            count(groups.docs[s] as u64, "document", "documents"),
            count(groups.tokens[s], "word", "words")
        )
    };
    let mut out = format!("target ({}): {}; reference ({}): {}\n", how.0, side(0), how.1, side(1));
    let left_out = groups.of_doc.iter().filter(|&&g| g == NONE).count();
    if left_out > 0 {
        out.push_str(&format!(
            "left out {}: undated, or dated only to a month or year that holds the split\n",
            count(left_out as u64, "document", "documents")
        ));
    }
    out
}

/// One n-gram with its counts on both sides and its measures.
struct Scored {
    row: (usize, u32),
    a: u32,
    b: u32,
    da: u32,
    db: u32,
    k: Keyness,
}

impl Scored {
    fn side(&self) -> i8 {
        side(&self.k)
    }

    fn value(&self, m: Measure) -> f64 {
        value(&self.k, m)
    }
}

/// +1 relatively more frequent in the target, −1 in the reference, 0 equal.
fn side(k: &Keyness) -> i8 {
    if k.g2 > 0.0 {
        1
    } else if k.g2 < 0.0 {
        -1
    } else {
        0
    }
}

/// The sort value within a side: the measure, with BIC (unsigned) turned so that the
/// strongest reference keywords come last.
fn value(k: &Keyness, m: Measure) -> f64 {
    let v = match m {
        Measure::G2 => k.g2,
        Measure::Bic if side(k) < 0 => -k.bic,
        Measure::Bic => k.bic,
        Measure::LogRatio => k.log_ratio,
        // Absent from the reference: an infinite increase.
        Measure::PctDiff if k.pct_diff.is_nan() => f64::INFINITY,
        Measure::PctDiff => k.pct_diff,
    };
    if v.is_nan() { f64::NEG_INFINITY } else { v }
}

/// Target keywords first (strongest first), then n-grams with equal rates, then reference
/// keywords (strongest last); ties by key.
fn sort(rows: &mut [Scored], m: Measure, counts: &NgramCounts) {
    rows.par_sort_by(|x, y| {
        y.side()
            .cmp(&x.side())
            .then_with(|| y.value(m).partial_cmp(&x.value(m)).unwrap_or(Ordering::Equal))
            .then_with(|| key_order(counts, x.row).cmp(&key_order(counts, y.row)))
    });
}

/// The position of an n-gram's key in the byte order of all keys (unique, so a total order).
fn key_order(counts: &NgramCounts, (n, id): (usize, u32)) -> u32 {
    counts.levels[n - 1].order[id as usize]
}

/// With `top`, the first K target keywords and the last K reference keywords.
fn top_each_side(rows: Vec<Scored>, top: Option<usize>) -> Vec<Scored> {
    let Some(k) = top else { return rows };
    let positive = rows.iter().filter(|r| r.side() > 0).count();
    let negative = rows.iter().filter(|r| r.side() < 0).count();
    let len = rows.len();
    rows.into_iter()
        .enumerate()
        .filter(|(i, _)| *i < positive.min(k) || *i >= len - negative.min(k))
        .map(|(_, r)| r)
        .collect()
}

/// The keyness table (columns in `table::schema::KEYNESS` order).
fn keyness_table(
    corpus: &AnalyzedCorpus,
    counts: &NgramCounts,
    rows: &[Scored],
    groups: &Groups,
) -> Table {
    let ids: Vec<(usize, u32)> = rows.iter().map(|r| r.row).collect();
    let (phrase, key) = grouped::row_labels(corpus, counts, &ids);
    let mut columns = KeynessColumns::default();
    for ((r, phrase), key) in rows.iter().zip(phrase).zip(key) {
        let counts = [r.a, r.b, r.da, r.db];
        columns.push(phrase, key, r.row.0, counts, &r.k);
    }
    columns.table((groups.tokens[0], groups.tokens[1]))
}

/// The keyness table's columns, filled a row at a time in memory and on disk alike.
#[derive(Default)]
struct KeynessColumns {
    phrase: Vec<String>,
    key: Vec<String>,
    n: Vec<i64>,
    /// a, b, docs_target, docs_reference.
    counts: [Vec<i64>; 4],
    k: Vec<Keyness>,
}

impl KeynessColumns {
    /// A row: its display form and key, n, its counts (a, b, documents in the target and
    /// in the reference) and its measures.
    fn push(&mut self, phrase: String, key: String, n: usize, counts: [u32; 4], k: &Keyness) {
        self.phrase.push(phrase);
        self.key.push(key);
        self.n.push(n as i64);
        for (column, v) in self.counts.iter_mut().zip(counts) {
            column.push(v as i64);
        }
        self.k.push(*k);
    }

    /// The table, with the tokens of the target and of the reference (c, d).
    fn table(self, (c, d): (u64, u64)) -> Table {
        let rows = self.k.len();
        let float = |f: &dyn Fn(&Keyness) -> f64| Values::Float(self.k.iter().map(f).collect());
        let [a, b, da, db] = self.counts;
        Table::new()
            .with("phrase", Values::Str(self.phrase))
            .with("key", Values::Str(self.key))
            .with("n", Values::Int(self.n))
            .with("a", Values::Int(a))
            .with("b", Values::Int(b))
            .with("c", Values::Int(vec![c as i64; rows]))
            .with("d", Values::Int(vec![d as i64; rows]))
            .with("pm_target", float(&|k| k.pm_target))
            .with("pm_reference", float(&|k| k.pm_reference))
            .with("docs_target", Values::Int(da))
            .with("docs_reference", Values::Int(db))
            .with("g2", float(&|k| k.g2))
            .with("p", float(&|k| k.p))
            .with("bic", float(&|k| k.bic))
            .with("log_ratio", float(&|k| k.log_ratio))
            .with("pct_diff", float(&|k| k.pct_diff))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dated(date: &str, precision: &str) -> Document {
        let mut d = Document {
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").ok(),
            ..Default::default()
        };
        d.meta.insert("date_precision".into(), precision.into());
        d
    }

    #[test]
    fn split_respects_precision() {
        let split = NaiveDate::from_ymd_opt(2016, 3, 1).unwrap();
        assert_eq!(split_side(&dated("2016-03-01", "day"), split), TARGET);
        assert_eq!(split_side(&dated("2016-02-29", "day"), split), REFERENCE);
        assert_eq!(split_side(&dated("2016-02-01", "month"), split), REFERENCE);
        assert_eq!(split_side(&dated("2016-03-01", "month"), split), TARGET);
        assert_eq!(split_side(&dated("2016-01-01", "year"), split), NONE, "2016 holds the split");
        assert_eq!(split_side(&dated("2015-01-01", "year"), split), REFERENCE);
        assert_eq!(split_side(&Document::default(), split), NONE);
        assert_eq!(
            end_of_month(NaiveDate::from_ymd_opt(2016, 12, 5).unwrap()).to_string(),
            "2016-12-31"
        );
        assert!(parse_split("2016").is_ok() && parse_split("soon").is_err());
    }
}
