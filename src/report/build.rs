//! Building a report: one pass over the corpus, one count, every table, chart and page.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context as _, Result};
use chrono::NaiveDate;
use rayon::prelude::*;

use super::context::{Context, contexts};
use super::fingerprint::fingerprint;
use super::folder::Staging;
use super::stage::{Stage, Timings};
use super::view::{Shown, View};
use super::{html, manifest, markdown};
use crate::chart::{self, Chart, Size};
use crate::cli::args::Measure;
use crate::cli::freq::{RankedCounts, freq_frame};
use crate::cli::summary::{self, count as counted, thousands};
use crate::cli::{keyness as key_cmd, phrases as phr_cmd, trend as trend_cmd};
use crate::count::{CountOptions, EdgePolicy, NgramFinder};
use crate::figure::{self, BarSpec, HeatmapSpec, KeynessSpec, TrendSpec};
use crate::group::{self, GroupBy, Groups, PeriodKind};
use crate::phrases::frames::FrameOptions;
use crate::phrases::{Gram, Overlap};
use crate::pipeline::{self, AnalyzedCorpus, PipelineOptions};
use crate::stats::rate::SpikeRule;
use crate::table::{self, Format, Frame, Output};

/// The longest n-grams of `ngrams.csv`.
pub const NGRAMS_MAX: usize = 5;
/// The longest formulas of `phrases.csv`.
pub const PHRASES_MAX: usize = 8;
/// Formulas shown with a sentence of context.
pub const IN_CONTEXT: usize = 10;
/// Formulas followed through time in `trends.csv` and the heatmap.
pub const TREND_ROWS: usize = 25;
/// Lines of the trend chart.
pub const TREND_LINES: usize = 6;
/// Lines of the trend chart over more than 40 periods.
pub const TREND_LINES_MANY: usize = 4;
/// Bars of the bar charts.
pub const BARS: usize = 20;

/// What to analyse and where to write the report.
#[derive(Debug, Clone)]
pub struct ReportOptions {
    /// The corpus (no paths: the bundled sample).
    pub paths: Vec<PathBuf>,
    /// How to read and analyse it (texts and word offsets are kept for contexts).
    pub pipeline: PipelineOptions,
    /// A reference corpus for keyness.
    pub reference: Vec<PathBuf>,
    /// Keyness of the documents dated on or after this day against those before.
    pub split: Option<NaiveDate>,
    /// Minimum occurrences [default: 3, or once per million words when that is more].
    pub min_count: Option<u32>,
    /// Minimum documents [default: 3, or the number of documents when fewer].
    pub min_docs: Option<u32>,
    /// Periods of the trends (`None`: months for up to three years, else years).
    pub by: Option<PeriodKind>,
    /// Rows of each table shown in the page and the summary.
    pub top: usize,
    /// The report folder.
    pub output: PathBuf,
    /// Chart size.
    pub size: Size,
    /// List every input problem on stderr.
    pub verbose: bool,
    /// The options as the user gave them, for the manifest.
    pub given: serde_json::Value,
}

/// Facts about the analysed corpus.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Facts {
    /// Inputs read (files, stdin, the sample).
    pub inputs: usize,
    /// Documents analysed.
    pub documents: usize,
    /// Word tokens.
    pub words: u64,
    /// Sentences.
    pub sentences: u64,
    /// Documents with a date.
    pub dated: usize,
    /// The earliest date, at its document's precision.
    pub first_date: Option<String>,
    /// The latest date.
    pub last_date: Option<String>,
}

/// A formula shown in context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InContext {
    /// The formula.
    pub phrase: String,
    /// Its occurrences.
    pub count: String,
    /// Documents containing it.
    pub docs: String,
    /// The document's id, title and date, and the sentence.
    pub doc_id: String,
    /// Title of the document.
    pub title: Option<String>,
    /// Date of the document.
    pub date: Option<String>,
    /// The sentence around the formula.
    pub context: Context,
}

/// A chart of the report.
#[derive(Debug, Clone)]
pub struct ChartFile {
    /// File name inside `charts/`.
    pub file: String,
    /// What it shows (the chart's title; the image's alternative text).
    pub title: String,
    /// The PNG.
    pub png: Vec<u8>,
}

/// A table of the report: its file, what it holds, and its first rows.
#[derive(Debug, Clone)]
pub struct TableFile {
    /// File name.
    pub file: &'static str,
    /// Section title.
    pub title: &'static str,
    /// One sentence on what it holds.
    pub about: String,
    /// The first rows.
    pub view: View,
}

/// Everything a report shows.
#[derive(Debug, Clone)]
pub struct Report {
    /// The corpus' name.
    pub name: String,
    /// refrain's version.
    pub version: &'static str,
    /// The corpus.
    pub facts: Facts,
    /// The reading summary: what was read, skipped or repaired, one line each.
    pub reading: Vec<String>,
    /// Minimum occurrences and documents of every table.
    pub thresholds: (u32, u32),
    /// Notes on what the report could not do (e.g. no trends for an undated corpus).
    pub notes: Vec<String>,
    /// The tables in page order.
    pub tables: Vec<TableFile>,
    /// The top formulas with a sentence each.
    pub in_context: Vec<InContext>,
    /// The charts in page order.
    pub charts: Vec<ChartFile>,
    /// The keyness comparison, when there is one.
    pub comparison: Option<Sides>,
}

/// The two sides of a keyness comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sides {
    /// The target's name.
    pub target: String,
    /// The reference's name.
    pub reference: String,
    /// How they were told apart, with their sizes.
    pub how: String,
}

/// The top formulas per period.
struct Trends {
    /// One row per formula and period.
    table: Frame,
    /// One row per formula.
    summary: Frame,
    /// The period's name ("month").
    period: String,
    /// Number of periods.
    periods: usize,
}

/// Frames computed by the stages, waiting to be written.
struct Tables {
    terms: Frame,
    ngrams: Frame,
    phrases: Frame,
    frames: Frame,
    trends: Option<Trends>,
    keyness: Option<Frame>,
}

/// Build the report `options` describe; `note` prints a line on stderr. Returns what the
/// report shows (for tests).
pub fn build(options: &ReportOptions, note: &(dyn Fn(&str) + Sync)) -> Result<Report> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let staging = Staging::new(&options.output)
        .with_context(|| format!("preparing `{}`", options.output.display()))?;
    let name = options
        .output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| super::corpus_name(&options.paths));

    let stage = Stage::start("fingerprint", &mut timings, note);
    let fp = fingerprint(&options.paths, &options.pipeline.exclude);
    stage.done(&match &fp {
        Some(f) => format!(
            "blake3 of {} ({} bytes)",
            counted(f.files as u64, "file", "files"),
            thousands(f.bytes)
        ),
        None => "none (stdin cannot be read twice)".into(),
    });

    let (corpus, keyness_ref) = read(options, &mut timings, note)?;
    let facts = facts(&corpus);
    let (min_count, min_docs) = thresholds(options, &corpus);
    let count_options =
        CountOptions { min_n: 1, max_n: PHRASES_MAX, min_count, min_docs, edges: EdgePolicy::Drop };
    // The counter draws its own bar (one step per n).
    let stage = Stage::bare("count", &mut timings, note);
    let ranked = RankedCounts::new(&corpus, &count_options);
    stage.done(&count_line(&ranked.counts));
    let finder = NgramFinder::new(&ranked.counts, corpus.vocab.key_count());

    let stage = Stage::start("phrases", &mut timings, note);
    let phrase_options = CountOptions { min_n: 2, ..count_options.clone() };
    let (chains, formulas) =
        phr_cmd::resolve(&corpus, &ranked, &finder, &phrase_options, Overlap::Maximal);
    let rows = phr_cmd::sorted(
        &finder,
        &ranked,
        &formulas,
        formulas.rows(),
        crate::cli::args::ScoreArg::Count,
        None,
    );
    let top_formulas: Vec<(usize, u32)> =
        rows.iter().copied().take(TREND_ROWS.max(options.top)).collect();
    let key_rows = keyness_rows(&ranked, &formulas);
    let phrases = phr_cmd::phrases_frame(&corpus, &finder, &formulas, chains, rows)?;
    stage.done(&format!("{} formulas", thousands(phrases.height() as u64)));

    let stage = Stage::start("frames", &mut timings, note);
    let frame_options = FrameOptions {
        lengths: 3..=6,
        min_count,
        min_docs,
        edges: EdgePolicy::Drop,
        overlap: Overlap::Maximal,
    };
    let found = phr_cmd::find_frames(&corpus, &ranked, &finder, &frame_options, None);
    let frames = Frame::from_table(phr_cmd::frame_table(&corpus, &ranked.counts, &found))?;
    drop(found);
    stage.done(&format!("{} phrase-frames", thousands(frames.height() as u64)));

    let mut notes = Vec::new();
    let stage = Stage::start("trends", &mut timings, note);
    let trends =
        trends(options, &corpus, &ranked, &top_formulas[..TREND_ROWS.min(top_formulas.len())]);
    let trends = match trends {
        Ok(t) => {
            let rows = TREND_ROWS.min(top_formulas.len());
            stage.done(&format!("the top {rows} formulas in {} {}s", t.periods, t.period));
            Some(t)
        }
        Err(why) => {
            stage.done(&format!("none: {why}"));
            notes.push(format!("No trends: {why}."));
            None
        }
    };

    let keyness = match (keyness_ref, options.split) {
        (Some(k), _) => Some(k),
        (None, Some(date)) => {
            let stage = Stage::start("keyness", &mut timings, note);
            let comparison = key_cmd::Comparison::Split(date);
            let groups = key_cmd::sides(&corpus, &comparison);
            let k = keyness_of(&corpus, &ranked, &key_rows, &groups, &comparison, options);
            stage.done(&key_cmd::describe(&groups, &comparison).replace('\n', "; "));
            Some(k?)
        }
        _ => None,
    };

    let stage = Stage::start("terms", &mut timings, note);
    let (terms, ngrams) = freq_tables(&corpus, &ranked)?;
    stage.done(&format!(
        "{} words, {} n-grams",
        thousands(terms.height() as u64),
        thousands(ngrams.height() as u64)
    ));

    let stage = Stage::start("contexts", &mut timings, note);
    let in_context = formulas_in_context(&corpus, &ranked, &top_formulas, &phrases)?;
    stage.done(&format!("{} formulas in a sentence", in_context.len()));
    drop(finder);

    let tables = Tables {
        terms,
        ngrams,
        phrases,
        frames,
        trends,
        keyness: keyness.as_ref().map(|k| k.0.clone()),
    };
    write_tables(&staging, &tables, &mut timings, note)?;
    let comparison = keyness.map(|(_, c)| c);
    let charts =
        charts(options, &name, &tables, comparison.as_ref(), &staging, &mut timings, note)?;

    let stage = Stage::start("page", &mut timings, note);
    let report = Report {
        name: name.clone(),
        version: env!("CARGO_PKG_VERSION"),
        facts,
        reading: summary::reading(&corpus.summary).lines().map(untimed).collect(),
        thresholds: (min_count, min_docs),
        notes,
        tables: table_files(&tables, options.top)?,
        in_context,
        charts,
        comparison,
    };
    write_file(staging.path(), "summary.md", markdown::render(&report).as_bytes())?;
    write_file(staging.path(), "index.html", html::render(&report).as_bytes())?;
    stage.done("summary.md, index.html");
    timings.stages.push(("total".into(), started.elapsed().as_secs_f64()));
    let manifest = manifest::render(&report, options, fp.as_ref(), &corpus.summary, &timings);
    write_file(staging.path(), "manifest.json", manifest.as_bytes())?;
    staging
        .commit()
        .with_context(|| format!("moving the report into `{}`", options.output.display()))?;
    Ok(report)
}

/// Read the corpus (with the reference, when there is one: then keyness is computed on both,
/// and the corpus returned is the target's).
fn read(
    options: &ReportOptions,
    timings: &mut Timings,
    note: &(dyn Fn(&str) + Sync),
) -> Result<(AnalyzedCorpus, Option<(Frame, Sides)>)> {
    let mut pipeline = options.pipeline.clone();
    pipeline.keep_text = true;
    pipeline.keep_spans = true;
    let mut paths = options.paths.clone();
    let sources = if options.reference.is_empty() {
        None
    } else {
        let s = key_cmd::reference_sources(&paths, &options.reference, &pipeline.exclude)?;
        paths.extend(options.reference.iter().cloned());
        Some(s)
    };
    let stage = Stage::bare("read", timings, note);
    let corpus = pipeline::run(&paths, &pipeline)?;
    summary::problems(&corpus.summary.problems, options.verbose);
    let s = &corpus.summary;
    stage.done(&format!(
        "{}, {}, {}",
        counted(s.inputs as u64, "input", "inputs"),
        counted(s.documents as u64, "document", "documents"),
        counted(s.words, "word", "words")
    ));
    for line in summary::reading(s).lines().skip(1) {
        note(line);
    }
    let Some(sources) = sources else { return Ok((corpus, None)) };
    let stage = Stage::start("keyness", timings, note);
    let comparison = key_cmd::Comparison::Reference(sources);
    let groups = key_cmd::sides(&corpus, &comparison);
    // Target and reference counted together, with their formulas, as `keyness` does.
    let (min_count, min_docs) = thresholds(options, &corpus);
    let count_options =
        CountOptions { min_n: 2, max_n: PHRASES_MAX, min_count, min_docs, edges: EdgePolicy::Drop };
    let ranked = RankedCounts::new(&corpus, &CountOptions { min_n: 1, ..count_options.clone() });
    let finder = NgramFinder::new(&ranked.counts, corpus.vocab.key_count());
    let (chains, formulas) =
        phr_cmd::resolve(&corpus, &ranked, &finder, &count_options, Overlap::Maximal);
    drop(chains);
    let rows = keyness_rows(&ranked, &formulas);
    let k = keyness_of(&corpus, &ranked, &rows, &groups, &comparison, options)?;
    stage.done(&key_cmd::describe(&groups, &comparison).replace('\n', "; "));
    drop(finder);
    drop(ranked);
    let key_cmd::Comparison::Reference(sources) = comparison else { unreachable!() };
    Ok((corpus.retain_docs(|d| !sources.contains(&d.source)), Some(k)))
}

/// The rows compared by keyness: the words and the formulas (fragments of formulas would
/// repeat them: "respected supreme leader kim", "… kim jong", "… kim jong un").
fn keyness_rows(ranked: &RankedCounts, formulas: &crate::phrases::Formulas) -> Vec<Gram> {
    let words = &ranked.counts.levels[0];
    let mut rows: Vec<Gram> =
        (0..words.len() as u32).filter(|&i| words.emitted[i as usize]).map(|i| (1, i)).collect();
    rows.extend(formulas.rows());
    rows
}

/// The keyness table of `rows` between the two sides.
fn keyness_of(
    corpus: &AnalyzedCorpus,
    ranked: &RankedCounts,
    rows: &[Gram],
    groups: &Groups,
    comparison: &key_cmd::Comparison,
    options: &ReportOptions,
) -> Result<(Frame, Sides)> {
    for (side, name) in [(0, "target"), (1, "reference")] {
        if groups.tokens[side] == 0 {
            anyhow::bail!("keyness: the {name} holds no words: nothing to compare");
        }
    }
    let (min_count, min_docs) = thresholds(options, corpus);
    let count_options = CountOptions { min_count, min_docs, ..CountOptions::default() };
    let frame = key_cmd::keyness_frame(
        corpus,
        &ranked.counts,
        rows,
        groups,
        &count_options,
        Measure::G2,
        None,
    )?;
    let (target, reference) = key_cmd::side_names(&options.paths, &options.reference, comparison);
    let how = key_cmd::describe(groups, comparison).lines().next().unwrap_or_default().to_string();
    Ok((frame, Sides { target, reference, how }))
}

/// A summary line without its time (" (0.05 s)"), so that the page is the same on every run.
fn untimed(line: &str) -> String {
    match line.rfind(" (") {
        Some(i) if line.ends_with(" s)") => line[..i].to_string(),
        _ => line.to_string(),
    }
}

/// Distinct n-grams kept per n, e.g. "words 19,006, 2-grams 233,764, …".
fn count_line(counts: &crate::count::NgramCounts) -> String {
    let per_n: Vec<String> = counts
        .levels
        .iter()
        .map(|l| {
            let kept = l.emitted.iter().filter(|&&e| e).count() as u64;
            format!("{} {}", figure::ngram_name(l.n as u64), thousands(kept))
        })
        .collect();
    per_n.join(", ")
}

/// Facts about the corpus for the page.
fn facts(corpus: &AnalyzedCorpus) -> Facts {
    let s = &corpus.summary;
    let dated: Vec<&crate::corpus::Document> =
        corpus.docs.iter().filter(|d| d.date.is_some()).collect();
    let label = |d: &crate::corpus::Document| {
        d.date.map(|x| crate::select::date_text(x, group::precision(d)))
    };
    Facts {
        inputs: s.inputs,
        documents: s.documents,
        words: s.words,
        sentences: s.sentences,
        dated: dated.len(),
        first_date: dated.iter().min_by_key(|d| d.date).and_then(|d| label(d)),
        last_date: dated.iter().max_by_key(|d| d.date).and_then(|d| label(d)),
    }
}

/// `--min-count` and `--min-docs`, or their defaults for this corpus.
pub fn thresholds(options: &ReportOptions, corpus: &AnalyzedCorpus) -> (u32, u32) {
    let words = corpus.index.len() as u64;
    let filled = (0..corpus.index.doc_count()).filter(|&d| corpus.index.doc_len(d) > 0).count();
    let count = options
        .min_count
        .unwrap_or_else(|| 3.max(crate::cli::settings::count_for_per_million(1.0, words)))
        .max(1);
    let docs = options.min_docs.unwrap_or_else(|| 3.min(filled.max(1) as u32)).max(1);
    (count, docs)
}

/// The period kind for the trends: as asked, or months for a corpus spanning up to three
/// years (with dates precise to the month), else years.
fn period_kind(options: &ReportOptions, corpus: &AnalyzedCorpus) -> PeriodKind {
    if let Some(k) = options.by {
        return k;
    }
    let dated: Vec<NaiveDate> = corpus.docs.iter().filter_map(|d| d.date).collect();
    let (Some(first), Some(last)) = (dated.iter().min(), dated.iter().max()) else {
        return PeriodKind::Year;
    };
    let coarse = corpus
        .docs
        .iter()
        .filter(|d| d.date.is_some() && group::precision(d) == crate::corpus::Precision::Year)
        .count();
    if (*last - *first).num_days() <= 3 * 366 && coarse * 2 < dated.len() {
        PeriodKind::Month
    } else {
        PeriodKind::Year
    }
}

/// The top formulas per period: (the trend table, its summary, the period's name); an
/// explanation when the corpus cannot be put in periods.
fn trends(
    options: &ReportOptions,
    corpus: &AnalyzedCorpus,
    ranked: &RankedCounts,
    rows: &[(usize, u32)],
) -> Result<Trends, String> {
    if rows.is_empty() {
        return Err("no formula reaches the thresholds".into());
    }
    let kind = period_kind(options, corpus);
    let by = GroupBy::Period(kind);
    let groups = group::assign(&corpus.docs, &corpus.index, &by).map_err(|e| match e {
        group::GroupError::NoDates { .. } => "the documents have no dates".to_string(),
        other => other.to_string(),
    })?;
    if groups.len() < 2 {
        return Err(format!("the dated documents fall in a single {}", kind.name()));
    }
    let fail = |e: anyhow::Error| e.to_string();
    let series = trend_cmd::row_series(corpus, &ranked.counts, rows, &groups).map_err(fail)?;
    let rule = SpikeRule::default();
    let table = trend_cmd::period_frame(&series, &groups, &rule).map_err(fail)?;
    let summary = Frame::from_table(trend_cmd::summary_table(&series, &groups, &rule))
        .map_err(|e| e.to_string())?;
    Ok(Trends { table, summary, period: kind.name().to_string(), periods: groups.len() })
}

/// `terms.csv` (words) and `ngrams.csv` (2..5 words), in count order.
fn freq_tables(corpus: &AnalyzedCorpus, ranked: &RankedCounts) -> Result<(Frame, Frame)> {
    let order = crate::count::RowOrder::Count;
    let all = ranked.rows(order, None);
    let (words, ngrams): (Vec<Gram>, Vec<Gram>) =
        all.into_iter().filter(|r| r.0 <= NGRAMS_MAX).partition(|r| r.0 == 1);
    Ok((freq_frame(corpus, &ranked.counts, &words)?, freq_frame(corpus, &ranked.counts, &ngrams)?))
}

/// The first [`IN_CONTEXT`] formulas with a sentence each.
fn formulas_in_context(
    corpus: &AnalyzedCorpus,
    ranked: &RankedCounts,
    top: &[(usize, u32)],
    phrases: &Frame,
) -> Result<Vec<InContext>> {
    let top = &top[..IN_CONTEXT.min(top.len())];
    let keys: Vec<Vec<u32>> = top.iter().map(|&(n, id)| ranked.counts.key_words(n, id)).collect();
    let view = View::of(
        phrases,
        &[("phrase", Shown::Text), ("count", Shown::Int), ("docs", Shown::Int)],
        top.len(),
    )?;
    let found = contexts(corpus, &keys);
    Ok(found
        .into_iter()
        .zip(&view.rows)
        .filter_map(|(c, row)| {
            let c = c?;
            let d = &corpus.docs[c.doc];
            Some(InContext {
                phrase: row[0].clone(),
                count: row[1].clone(),
                docs: row[2].clone(),
                doc_id: d.id.clone(),
                title: d.title.clone(),
                date: d.date.map(|x| crate::select::date_text(x, group::precision(d))),
                context: c,
            })
        })
        .collect())
}

/// Write the CSV tables into the staging folder.
fn write_tables(
    staging: &Staging,
    t: &Tables,
    timings: &mut Timings,
    note: &(dyn Fn(&str) + Sync),
) -> Result<()> {
    let mut files: Vec<(&str, &Frame)> = vec![
        ("terms.csv", &t.terms),
        ("ngrams.csv", &t.ngrams),
        ("phrases.csv", &t.phrases),
        ("frames.csv", &t.frames),
    ];
    if let Some(trends) = &t.trends {
        files.push(("trends.csv", &trends.table));
    }
    if let Some(k) = &t.keyness {
        files.push(("keyness.csv", k));
    }
    let stage = Stage::counted("tables", files.len() as u64, timings, note);
    for (name, frame) in &files {
        let path = staging.path().join(name);
        table::write(frame, Format::Csv, &Output::File(path))
            .with_context(|| format!("writing {name}"))?;
        stage.step();
    }
    stage.done(&files.iter().map(|f| f.0).collect::<Vec<_>>().join(", "));
    Ok(())
}

/// Draw the charts (in parallel) into `charts/`.
fn charts(
    options: &ReportOptions,
    name: &str,
    t: &Tables,
    comparison: Option<&Sides>,
    staging: &Staging,
    timings: &mut Timings,
    note: &(dyn Fn(&str) + Sync),
) -> Result<Vec<ChartFile>> {
    let mut planned: Vec<(&str, Chart)> = Vec::new();
    let bar = |frame: &Frame, title: String| -> Result<Chart, figure::FigureError> {
        let spec = BarSpec { title, label: None, value: None, rows: Some(BARS) };
        Ok(Chart::Bar(figure::bar(frame, &spec)?))
    };
    if t.phrases.height() > 0 {
        planned.push((
            "top-phrases.png",
            bar(&t.phrases, format!("Most frequent formulas — {name}"))?,
        ));
    }
    if t.terms.height() > 0 {
        planned.push(("top-terms.png", bar(&t.terms, format!("Most frequent words — {name}"))?));
    }
    let mut zipf = figure::zipf(&t.terms, "").ok().map(|z| z.series).unwrap_or_default();
    zipf.extend(figure::zipf(&t.ngrams, "").ok().map(|z| z.series).unwrap_or_default());
    if !zipf.is_empty() {
        let title = format!("Rank–frequency of words and n-grams — {name}");
        planned.push(("zipf.png", Chart::Zipf(chart::ZipfChart { title, series: zipf })));
    }
    if let Some(Trends { table, period, periods, .. }) = &t.trends {
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
    let dir = staging.path().join("charts");
    std::fs::create_dir(&dir)?;
    let drawn: Vec<Result<ChartFile>> = planned
        .into_par_iter()
        .map(|(file, c)| {
            let png =
                chart::render_png(&c, options.size).with_context(|| format!("drawing {file}"))?;
            crate::fsutil::write_bytes_atomic(&dir.join(file), &png)?;
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

/// The tables of the page, with their first `top` rows.
fn table_files(t: &Tables, top: usize) -> Result<Vec<TableFile>> {
    use Shown::*;
    let freq_cols = [
        ("phrase", Text),
        ("n", Int),
        ("count", Int),
        ("per_million", Real(1)),
        ("docs", Int),
        ("dp", Real(2)),
        ("variants", Int),
    ];
    let mut out = vec![
        TableFile {
            file: "phrases.csv",
            title: "Formulas",
            about: "Recurring phrases of 2 to 8 words that are not just fragments of longer ones, \
                    with their independent counts (occurrences outside longer formulas), parent \
                    formula, association and dates (see `refrain phrases --help`)."
                .into(),
            view: View::of(
                &t.phrases,
                &[
                    ("phrase", Text),
                    ("n", Int),
                    ("count", Int),
                    ("independent", Int),
                    ("per_million", Real(1)),
                    ("docs", Int),
                    ("dp", Real(2)),
                    ("logdice", Real(2)),
                    ("first", Text),
                    ("last", Text),
                    ("peak_period", Text),
                ],
                top,
            )?,
        },
        TableFile {
            file: "terms.csv",
            title: "Words",
            about: "Words (stop words left out), counted on their stems and shown in their most \
                    frequent form."
                .into(),
            view: View::of(
                &t.terms,
                &freq_cols[..1].iter().chain(&freq_cols[2..]).copied().collect::<Vec<_>>(),
                top,
            )?,
        },
        TableFile {
            file: "ngrams.csv",
            title: "N-grams",
            about: format!(
                "Every n-gram of 2 to {NGRAMS_MAX} words that reaches the thresholds, fragments \
                 included (the formulas above are the ones that stand on their own)."
            ),
            view: View::of(&t.ngrams, &freq_cols, top)?,
        },
        TableFile {
            file: "frames.csv",
            title: "Phrase-frames",
            about: "Phrases of 3 to 6 words with one open slot (*), the words that fill it, and \
                    how fixed the slot is."
                .into(),
            view: View::of(
                &t.frames,
                &[
                    ("frame", Text),
                    ("count", Int),
                    ("docs", Int),
                    ("fillers", Int),
                    ("top_fillers", Text),
                    ("entropy", Real(2)),
                    ("fixedness", Real(2)),
                ],
                top,
            )?,
        },
    ];
    if let Some(Trends { summary, period, .. }) = &t.trends {
        out.push(TableFile {
            file: "trends.csv",
            title: "Trends",
            about: format!(
                "The top {TREND_ROWS} formulas by {period}: when each first and last occurs, its \
                 peak and how many {period}s it spiked in (trends.csv has every {period})."
            ),
            view: View::of(
                summary,
                &[
                    ("phrase", Text),
                    ("count", Int),
                    ("first_period", Text),
                    ("last_period", Text),
                    ("active", Int),
                    ("peak_period", Text),
                    ("peak_per_million", Real(1)),
                    ("spikes", Int),
                ],
                top,
            )?,
        });
    }
    if let Some(k) = &t.keyness {
        out.push(TableFile {
            file: "keyness.csv",
            title: "Keyness",
            about: "Words and formulas relatively more frequent in the target (G² > 0, first) \
                    or in the reference (last), by log-likelihood; Log Ratio is the effect size."
                .into(),
            view: both_ends(
                k,
                &[
                    ("phrase", Text),
                    ("a", Int),
                    ("b", Int),
                    ("pm_target", Real(1)),
                    ("pm_reference", Real(1)),
                    ("g2", Real(1)),
                    ("log_ratio", Real(2)),
                ],
                top,
            )?,
        });
    }
    Ok(out)
}

/// The first and the last `top` rows of a keyness table (the strongest keywords of each
/// side), or all of it when it is short.
fn both_ends(frame: &Frame, columns: &[(&str, Shown)], top: usize) -> Result<View> {
    if frame.height() <= 2 * top {
        return Ok(View::of(frame, columns, 2 * top)?);
    }
    let mut view = View::of(frame, columns, top)?;
    let tail = View::of(&frame.clone().tail(top), columns, top)?;
    view.rows.extend(tail.rows);
    Ok(view)
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<()> {
    crate::fsutil::write_bytes_atomic(&dir.join(name), bytes)
        .with_context(|| format!("writing {name}"))
}
