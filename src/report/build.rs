//! Building a report: one pass over the corpus, one count, every table, chart and page.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context as _, Result};
use chrono::NaiveDate;

use super::charts::charts;
use super::context::{contexts, contexts_spilled};
use super::fingerprint::fingerprint;
use super::folder::Staging;
use super::model::{Facts, InContext, Report, Sides, Tables, Trends};
use super::sections::table_files;
use super::stage::{Stage, Timings};
use super::view::{Shown, View};
use super::{html, manifest, markdown};
use crate::budget::Budget;
use crate::chart::Size;
use crate::cli::args::Measure;
use crate::cli::freq::{RankedCounts, freq_frame};
use crate::cli::summary::{self, count as counted, thousands};
use crate::cli::{keyness as key_cmd, phrases as phr_cmd, spilled, trend as trend_cmd};
use crate::count::from_rows::FinderMaps;
use crate::count::{CountOptions, EdgePolicy, NgramFinder};
use crate::figure;
use crate::group::{self, GroupBy, Groups, PeriodKind};
use crate::phrases::frames::FrameOptions;
use crate::phrases::{Gram, Overlap};
use crate::pipeline::{self, AnalyzedCorpus, PipelineOptions};
use crate::reread::Rereader;
use crate::stats::rate::SpikeRule;
use crate::table::{self, Format, Frame};

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

/// Build the report `options` describe; `note` prints a line on stderr. Returns what the
/// report shows (for tests).
pub fn build(options: &ReportOptions, note: &(dyn Fn(&str) + Sync)) -> Result<Report> {
    let started = Instant::now();
    let mut timings = Timings::default();
    // Staging's errors name the report folder and say what is wrong with it.
    let staging = Staging::new(&options.output)?;
    let name = options
        .output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| super::corpus_name(&options.paths));

    let fp = fingerprint_stage(options, &mut timings, note);

    let Read { corpus, keyness: keyness_ref, read_with } = read(options, &mut timings, note)?;
    let budget = &read_with.budget;
    let facts = facts(&corpus);
    let (min_count, min_docs) = thresholds(options, &corpus);
    let count_options =
        CountOptions { min_n: 1, max_n: PHRASES_MAX, min_count, min_docs, edges: EdgePolicy::Drop };
    // The counter draws its own bar (one step per n).
    let stage = Stage::bare("count", &mut timings, note);
    let (ranked, maps) = count(&corpus, &count_options, budget, note)?;
    stage.done(&count_line(&ranked.counts));
    let finder = spilled::finder_of(&corpus, &ranked, maps);

    let stage = Stage::start("phrases", &mut timings, note);
    let found = formulas(&corpus, &ranked, &finder, &count_options, (options.top, budget))?;
    stage.done(&format!("{} formulas", thousands(found.table.height() as u64)));
    let Found { table: phrases, top: top_formulas, key_rows } = found;

    let stage = Stage::start("frames", &mut timings, note);
    let frames = frames(&corpus, &ranked, &finder, &count_options, budget)?;
    stage.done(&format!("{} phrase-frames", thousands(frames.height() as u64)));

    let mut notes = Vec::new();
    let stage = Stage::start("trends", &mut timings, note);
    let (kind, chosen) = period_kind(options, &corpus);
    let trends = match trends(&corpus, &ranked, &top_formulas, kind) {
        Ok(t) => {
            let rows = TREND_ROWS.min(top_formulas.len());
            stage.done(&format!("the top {rows} formulas in {} {}", t.periods, kind.plural()));
            if let Some(why) = chosen {
                note(&format!("trends: {why}"));
                notes.push(format!("Trends by {}: {why}.", kind.name()));
            }
            Some(t)
        }
        Err(why) => {
            stage.done(&format!("none: {why}"));
            notes.push(format!("No trends: {why}."));
            None
        }
    };

    let periods = trends.is_some().then(|| kind.name());
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
    let read_from = (options.paths.as_slice(), &read_with);
    let in_context = formulas_in_context(&corpus, &ranked, &top_formulas, &phrases, read_from)?;
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
        periods,
        tables: table_files(&tables, options.top)?,
        in_context,
        charts,
        comparison,
    };
    write_file(&staging, "summary.md", markdown::render(&report).as_bytes())?;
    write_file(&staging, "index.html", html::render(&report).as_bytes())?;
    stage.done("summary.md, index.html");
    timings.stages.push(("total".into(), started.elapsed().as_secs_f64()));
    let files = staging.files().context("listing the report's files")?;
    let manifest =
        manifest::render(&report, options, fp.as_ref(), &corpus.summary, &timings, &files);
    write_file(&staging, manifest::FILE, manifest.as_bytes())?;
    staging
        .commit()
        .with_context(|| format!("moving the report into `{}`", options.output.display()))?;
    Ok(report)
}

/// The corpus fingerprint, as a stage.
fn fingerprint_stage(
    options: &ReportOptions,
    timings: &mut Timings,
    note: &(dyn Fn(&str) + Sync),
) -> Option<super::fingerprint::Fingerprint> {
    let stage = Stage::start("fingerprint", timings, note);
    let fp = fingerprint(&options.paths, &options.pipeline.exclude);
    stage.done(&match &fp {
        Some(f) => format!(
            "blake3 of {} ({} bytes)",
            counted(f.files as u64, "file", "files"),
            thousands(f.bytes)
        ),
        None => "none (stdin cannot be read twice)".into(),
    });
    fp
}

/// The n-grams of `count_options`, counted in memory, or over a token index on disk by the
/// bounded counter and rebuilt (with the finder's maps).
fn count(
    corpus: &AnalyzedCorpus,
    count_options: &CountOptions,
    budget: &Budget,
    note: &(dyn Fn(&str) + Sync),
) -> Result<(RankedCounts, Option<FinderMaps>)> {
    Ok(match &corpus.spilled {
        Some(_) => {
            let (ranked, maps) = spilled::rebuilt_counts(note, corpus, count_options, budget)?;
            (ranked, Some(maps))
        }
        None => (RankedCounts::new(corpus, count_options), None),
    })
}

/// The formulas: their table (every formula, ranked by the words it covers, independent × n),
/// the first ones, and the rows keyness compares.
struct Found {
    table: Frame,
    top: Vec<Gram>,
    key_rows: Vec<Gram>,
}

/// Decide the formulas among the counted n-grams of 2 or more words, as `phrases` does.
fn formulas(
    corpus: &AnalyzedCorpus,
    ranked: &RankedCounts,
    finder: &NgramFinder,
    count_options: &CountOptions,
    (top, budget): (usize, &Budget),
) -> Result<Found> {
    let phrase_options = CountOptions { min_n: 2, ..count_options.clone() };
    let (chains, formulas) = phr_cmd::resolve(corpus, finder, &phrase_options, Overlap::Maximal)?;
    // Ranked by coverage: by raw count, two-word collocations would fill the top.
    let by_coverage = crate::cli::args::ScoreArg::Coverage;
    let rows = phr_cmd::sorted(finder, ranked, &formulas, formulas.rows(), by_coverage, None);
    let top = rows.iter().copied().take(TREND_ROWS.max(top)).collect();
    let key_rows = keyness_rows(ranked, &formulas);
    let room = phr_cmd::spread_room(corpus, budget);
    let table = phr_cmd::phrases_frame(corpus, finder, &formulas, chains, rows, room)?;
    Ok(Found { table, top, key_rows })
}

/// The phrase-frames of 3 to 6 words made of the counted n-grams, as `phrases --frames` does
/// (on disk, their tallies within what `budget` leaves).
fn frames(
    corpus: &AnalyzedCorpus,
    ranked: &RankedCounts,
    finder: &NgramFinder,
    count_options: &CountOptions,
    budget: &Budget,
) -> Result<Frame> {
    let frame_options = FrameOptions {
        lengths: 3..=6,
        min_count: count_options.min_count,
        min_docs: count_options.min_docs,
        edges: count_options.edges,
        overlap: Overlap::Maximal,
    };
    let found = match &corpus.spilled {
        Some(_) => {
            let found = spilled::frames(corpus, ranked, finder, &frame_options, budget)?;
            phr_cmd::order_frames(found, ranked, None)
        }
        None => phr_cmd::find_frames(corpus, ranked, finder, &frame_options, None),
    };
    Ok(Frame::from_table(phr_cmd::frame_table(corpus, &ranked.counts, &found))?)
}

/// The corpus read, its keyness against a reference, and the options it was read with.
struct Read {
    corpus: AnalyzedCorpus,
    keyness: Option<(Frame, Sides)>,
    read_with: PipelineOptions,
}

/// Read the corpus (with the reference, when there is one: then keyness is computed on both,
/// and the corpus returned is the target's), and the options it was read with.
///
/// Over the memory budget the token index goes to disk (with a reference, the target's
/// documents are then copied out of it), unless the corpus includes standard input: the
/// contexts read their documents again, and standard input cannot be read twice.
fn read(
    options: &ReportOptions,
    timings: &mut Timings,
    note: &(dyn Fn(&str) + Sync),
) -> Result<Read> {
    let mut pipeline = options.pipeline.clone();
    pipeline.keep_text = true;
    pipeline.keep_spans = true;
    pipeline.may_spill = !options.paths.iter().any(|p| p.as_os_str() == "-");
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
    if let Some(warning) = crate::cli::settings::no_documents(s.documents, &options.paths) {
        crate::progress::warn(warning);
    }
    if let Some(on_disk) = &corpus.spilled {
        note(spilled::on_disk_line(on_disk, &pipeline.budget).trim_end());
    }
    let Some(sources) = sources else {
        return Ok(Read { corpus, keyness: None, read_with: pipeline });
    };
    let stage = Stage::start("keyness", timings, note);
    let comparison = key_cmd::Comparison::Reference(sources);
    let groups = key_cmd::sides(&corpus, &comparison);
    // Target and reference counted together, with their formulas, as `keyness` does.
    let (min_count, min_docs) = thresholds(options, &corpus);
    let count_options =
        CountOptions { min_n: 2, max_n: PHRASES_MAX, min_count, min_docs, edges: EdgePolicy::Drop };
    let (ranked, finder_maps) = count(
        &corpus,
        &CountOptions { min_n: 1, ..count_options.clone() },
        &pipeline.budget,
        note,
    )?;
    let finder = spilled::finder_of(&corpus, &ranked, finder_maps);
    let (chains, formulas) = phr_cmd::resolve(&corpus, &finder, &count_options, Overlap::Maximal)?;
    drop(chains);
    let rows = keyness_rows(&ranked, &formulas);
    let k = keyness_of(&corpus, &ranked, &rows, &groups, &comparison, options)?;
    stage.done(&key_cmd::describe(&groups, &comparison).replace('\n', "; "));
    drop(finder);
    drop(ranked);
    let key_cmd::Comparison::Reference(sources) = comparison else { unreachable!() };
    let target = corpus.retain_docs(|d| !sources.contains(&d.source), &pipeline.budget)?;
    Ok(Read { corpus: target, keyness: Some(k), read_with: pipeline })
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
    let words = corpus.word_count();
    let filled = corpus.filled_docs();
    let count = options
        .min_count
        .unwrap_or_else(|| 3.max(crate::cli::settings::count_for_per_million(1.0, words)))
        .max(1);
    let docs = options.min_docs.unwrap_or_else(|| 3.min(filled.max(1) as u32)).max(1);
    (count, docs)
}

/// The period kind for the trends: as asked, or months for a corpus spanning up to three
/// years (with dates precise to the month), decades for one spanning more than
/// [`group::DECADE_SPAN`] years (with the reason, to be said), else years.
fn period_kind(options: &ReportOptions, corpus: &AnalyzedCorpus) -> (PeriodKind, Option<String>) {
    if let Some(k) = options.by {
        return (k, None);
    }
    if let Some((first, last)) = group::decades_for(&corpus.docs) {
        let why = format!(
            "the documents are dated {first} to {last}, more than {} years, so the periods are \
             decades (--by year or --by century to choose)",
            group::DECADE_SPAN
        );
        return (PeriodKind::Decade, Some(why));
    }
    let dated: Vec<NaiveDate> = corpus.docs.iter().filter_map(|d| d.date).collect();
    let (Some(first), Some(last)) = (dated.iter().min(), dated.iter().max()) else {
        return (PeriodKind::Year, None);
    };
    let coarse = corpus
        .docs
        .iter()
        .filter(|d| d.date.is_some() && group::precision(d) == crate::corpus::Precision::Year)
        .count();
    let kind = if (*last - *first).num_days() <= 3 * 366 && coarse * 2 < dated.len() {
        PeriodKind::Month
    } else {
        PeriodKind::Year
    };
    (kind, None)
}

/// The top formulas per period: (the trend table, its summary, the period's name); an
/// explanation when the corpus cannot be put in periods.
fn trends(
    corpus: &AnalyzedCorpus,
    ranked: &RankedCounts,
    rows: &[(usize, u32)],
    kind: PeriodKind,
) -> Result<Trends, String> {
    let rows = &rows[..TREND_ROWS.min(rows.len())];
    if rows.is_empty() {
        return Err("no formula reaches the thresholds".into());
    }
    let by = GroupBy::Period(kind);
    let groups = group::assign(&corpus.docs, corpus.doc_lengths(), &by).map_err(|e| match e {
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
    Ok(Trends { table, summary, period: kind, periods: groups.len() })
}

/// `terms.csv` (words) and `ngrams.csv` (2..5 words), in count order.
fn freq_tables(corpus: &AnalyzedCorpus, ranked: &RankedCounts) -> Result<(Frame, Frame)> {
    let order = crate::count::RowOrder::Count;
    let all = crate::count::ordered_row_data(&ranked.counts, order, None);
    let (words, ngrams): (Vec<_>, Vec<_>) =
        all.into_iter().filter(|r| r.n as usize <= NGRAMS_MAX).partition(|r| r.n == 1);
    Ok((freq_frame(corpus, &ranked.counts, &words)?, freq_frame(corpus, &ranked.counts, &ngrams)?))
}

/// The first [`IN_CONTEXT`] formulas with a sentence each (on disk, their documents read
/// again from the inputs with the options the corpus was `read_with`).
fn formulas_in_context(
    corpus: &AnalyzedCorpus,
    ranked: &RankedCounts,
    top: &[(usize, u32)],
    phrases: &Frame,
    (paths, read_with): (&[PathBuf], &PipelineOptions),
) -> Result<Vec<InContext>> {
    let top = &top[..IN_CONTEXT.min(top.len())];
    let keys: Vec<Vec<u32>> = top.iter().map(|&(n, id)| ranked.counts.key_words(n, id)).collect();
    let view = View::of(
        phrases,
        &[("phrase", Shown::Text), ("count", Shown::Int), ("docs", Shown::Int)],
        top.len(),
    )?;
    let found = match &corpus.spilled {
        Some(on_disk) => {
            let (inputs, _) = crate::corpus::list_inputs(paths, &read_with.exclude)?;
            let reader = Rereader::new(corpus, &on_disk.doc_len, &inputs, read_with);
            contexts_spilled(corpus, &keys, &reader)?
        }
        None => contexts(corpus, &keys),
    };
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
        staging
            .write_with(name, |w| {
                table::export::write_to(frame, Format::Csv, w).map_err(std::io::Error::other)
            })
            .with_context(|| format!("writing {name}"))?;
        stage.step();
    }
    stage.done(&files.iter().map(|f| f.0).collect::<Vec<_>>().join(", "));
    Ok(())
}

fn write_file(staging: &Staging, name: &str, bytes: &[u8]) -> Result<()> {
    staging.write(name, bytes).with_context(|| format!("writing {name}"))
}
