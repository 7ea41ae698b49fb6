//! `refrain phrases`: formulas, phrase-frames (`--frames`) and formulaicity (`--per-doc`).

use std::time::Instant;

use anyhow::{Result, bail};
use rayon::prelude::*;

use super::args::{OverlapArg, PhrasesArgs, ScoreArg};
use super::chart::{self, ChartOut};
use super::freq::RankedCounts;
use super::settings::{self, Destination};
use super::{Context, grouped, spilled, summary};
use crate::chart::Chart;
use crate::count::{CountOptions, DocLengths, NgramFinder};
use crate::figure::{self, BarSpec, FigureError};
use crate::phrases::chains::Chains;
use crate::phrases::coverage::coverage;
use crate::phrases::frames::{Frame, FrameOptions, frames};
use crate::phrases::glue::{Glue, glue};
use crate::phrases::overlap::OverlapOptions;
use crate::phrases::spread::{Periods, Spread, date_label, spread};
use crate::phrases::{Formulas, Gram, Overlap, order_rows, overlap};
use crate::pipeline::AnalyzedCorpus;
use crate::progress::trace;
use crate::table::{self, Frame as TableFrame, Table, TextColumn, Values};

/// Run `phrases`.
pub fn run(args: &PhrasesArgs, ctx: &Context) -> Result<()> {
    let dest = settings::destination(&args.output)?;
    let chart_out = ChartOut::from_args(&args.chart)?;
    let mut options = settings::pipeline(&args.corpus, "phrases")?;
    // Over the budget the token index goes to disk, and only the counted n-grams are held.
    options.may_spill = true;
    let corpus = ctx.read(&args.corpus.paths, &options)?;
    if let Some(spilled) = &corpus.spilled {
        spilled::note(ctx, spilled, &options.budget);
    }
    // Group first: a grouping that cannot be made should fail before the counting.
    let groups = args.by.as_deref().map(|by| grouped::assign(ctx, &corpus, by)).transpose()?;
    let (words, filled) = (corpus.word_count(), corpus.filled_docs());
    let mut count_options = settings::phrase_count(&args.count, words, filled)?;
    let name = crate::report::corpus_name(&args.corpus.paths);
    if args.frames {
        let out = (&dest, &chart_out, name.as_str());
        return run_frames(&corpus, count_options, rule(args.overlap), out, (ctx, &options.budget));
    }
    let (ranked, maps) = match &corpus.spilled {
        Some(_) => {
            let (ranked, maps) = spilled::rebuilt_counts(
                &|l| ctx.note(l),
                &corpus,
                &count_options,
                &options.budget,
            )?;
            (ranked, Some(maps))
        }
        None => (RankedCounts::noted(&corpus, &count_options, ctx), None),
    };
    let started = Instant::now();
    trace(started, || "counted".into());
    let finder = spilled::finder_of(&corpus, &ranked, maps);
    count_options.min_n = count_options.min_n.max(2);
    let chains = chains_of(&corpus, &finder)?;
    trace(started, || "found the chains".into());
    let formulas = decide(&chains, &ranked, &count_options, rule(args.overlap), ctx);
    trace(started, || "decided the formulas".into());
    if args.per_doc {
        let cov = coverage(&chains, &formulas);
        let frame = TableFrame::from_table(formulaicity_table(&corpus, &chains, &cov, dest.top))?;
        let title = format!("Most formulaic documents — {name}");
        let png = chart::maybe(&chart_out, || bar_chart(&frame, title))?;
        table::write(&frame, dest.format, &dest.output)?;
        return chart::write(png, ctx);
    }
    if let Some(groups) = &groups {
        let top = dest.top.unwrap_or(grouped::DEFAULT_TOP);
        if dest.top.is_none() {
            ctx.note(&format!(
                "--by: writing the top {top} formulas, one row per group (--top N for more)"
            ));
        }
        drop(chains);
        let rows = sorted(&finder, &ranked, &formulas, formulas.rows(), args.score, Some(top));
        let frame = match &corpus.spilled {
            Some(spilled) => spilled::grams_by(&corpus, spilled, &ranked.counts, &rows, groups)?,
            None => {
                let tally = grouped::count_rows(&corpus, &ranked.counts, &rows, groups, false)?;
                grouped::freq_frame(&corpus, &ranked.counts, &rows, groups, &tally)?
            }
        };
        return Ok(table::write(&frame, dest.format, &dest.output)?);
    }
    let rows = sorted(&finder, &ranked, &formulas, formulas.rows(), args.score, dest.top);
    trace(started, || format!("sorted {} formulas", rows.len()));
    let room = spread_room(&corpus, &options.budget);
    let frame = phrases_frame(&corpus, &finder, &formulas, chains, rows, room)?;
    trace(started, || "made the table".into());
    let title = match args.score {
        ScoreArg::Count => format!("Most frequent formulas — {name}"),
        // The bars are occurrences; the title must not claim they are the order's measure.
        other => {
            let sort = clap::ValueEnum::to_possible_value(&other).map(|v| v.get_name().to_string());
            format!("Formulas by {}: occurrences — {name}", sort.unwrap_or_default())
        }
    };
    let png = chart::maybe(&chart_out, || bar_chart(&frame, title))?;
    table::write(&frame, dest.format, &dest.output)?;
    chart::write(png, ctx)
}

/// The bar chart of the first rows of a phrases, frames or formulaicity table.
fn bar_chart(frame: &TableFrame, title: String) -> Result<Chart, FigureError> {
    let spec = BarSpec { title, label: None, value: None, rows: None };
    Ok(Chart::Bar(figure::bar(frame, &spec)?))
}

/// The phrases table (columns in `table::schema::PHRASES` order) of `rows`, in their order,
/// with first and last attestation and peak period from more walks of the `chains` when
/// the corpus is dated (their (row, period) pairs in `room` bytes: see `phrases::spread`).
pub fn phrases_frame(
    corpus: &AnalyzedCorpus,
    finder: &NgramFinder,
    formulas: &Formulas,
    chains: Chains,
    rows: Vec<Gram>,
    room: u64,
) -> Result<TableFrame, table::TableError> {
    let periods = Periods::of(&corpus.docs, &chains);
    let spreads = match &periods {
        Some(p) => spread(&chains, &corpus.docs, p, &rows, room),
        None => vec![Spread { first: None, last: None, peak: None }; rows.len()],
    };
    drop(chains);
    let items: Vec<(Gram, Spread)> = rows.into_iter().zip(spreads).collect();
    // Rows are built in parallel chunks, as in `freq`: looking phrases up is memory-bound.
    // An empty result still gets its header.
    let make =
        |chunk: &[(Gram, Spread)]| phrase_table(corpus, finder, formulas, chunk, periods.as_ref());
    if items.is_empty() {
        TableFrame::from_table(make(&[]))
    } else {
        TableFrame::from_tables_par(&items, 1 << 14, make)
    }
}

/// Decide which candidates are formulas, walking `chains`, and say how many on stderr.
fn decide(
    chains: &Chains,
    ranked: &RankedCounts,
    count_options: &CountOptions,
    rule: Overlap,
    ctx: &Context,
) -> Formulas {
    let started = Instant::now();
    let formulas = overlap::resolve(chains, &overlap_options(count_options, rule));
    let candidates = overlap::candidates(&ranked.counts, count_options.min_n);
    ctx.note(&format!(
        "reported {} phrases of {} candidates ({:.2} s)",
        summary::thousands(formulas.rows().len() as u64),
        summary::thousands(candidates.iter().flatten().filter(|c| **c).count() as u64),
        started.elapsed().as_secs_f64()
    ));
    formulas
}

/// Decide which candidates (the reported n-grams of `ranked` with n ≥ `count_options.min_n`,
/// at least 2) are formulas under `rule`. The chains that the decision walked (found in the
/// token index in memory, or a segment at a time on disk) serve the later walks
/// ([`phrases_frame`], coverage).
pub fn resolve<'a>(
    corpus: &AnalyzedCorpus,
    finder: &'a NgramFinder<'a>,
    count_options: &CountOptions,
    rule: Overlap,
) -> Result<(Chains<'a>, Formulas)> {
    let chains = chains_of(corpus, finder)?;
    let formulas = overlap::resolve(&chains, &overlap_options(count_options, rule));
    Ok((chains, formulas))
}

/// The chains of the corpus, from its token index in memory or a segment at a time on disk.
fn chains_of<'a>(corpus: &AnalyzedCorpus, finder: &'a NgramFinder<'a>) -> Result<Chains<'a>> {
    match &corpus.spilled {
        Some(_) => spilled::chains(corpus, finder),
        None => Ok(Chains::new(&corpus.index, finder)),
    }
}

/// The bytes [`phrases_frame`] may take for its first/last/peak walk: half of what `budget`
/// leaves over the resident set when the corpus is on disk (see `phrases::spread`), no limit
/// in memory (one pass).
pub fn spread_room(corpus: &AnalyzedCorpus, budget: &crate::budget::Budget) -> u64 {
    if corpus.spilled.is_none() {
        return u64::MAX;
    }
    crate::budget::release_freed_memory();
    let held = crate::budget::resident_bytes().unwrap_or(0);
    budget.bytes.saturating_sub(held) / 2
}

fn overlap_options(count_options: &CountOptions, rule: Overlap) -> OverlapOptions {
    OverlapOptions { overlap: rule, min_n: count_options.min_n, max_n: count_options.max_n }
}

fn rule(arg: OverlapArg) -> Overlap {
    match arg {
        OverlapArg::Maximal => Overlap::Maximal,
        OverlapArg::None => Overlap::None,
    }
}

/// The reported rows in `--score` order, at most `limit`.
pub fn sorted(
    finder: &NgramFinder,
    ranked: &RankedCounts,
    formulas: &Formulas,
    rows: Vec<Gram>,
    score: ScoreArg,
    limit: Option<usize>,
) -> Vec<Gram> {
    let counts = &ranked.counts;
    let level = |g: Gram| &counts.levels[g.0 - 1];
    let value = |g: Gram| -> f64 {
        let j = g.1 as usize;
        match score {
            ScoreArg::Count => level(g).count[j] as f64,
            ScoreArg::Independent => formulas.independent(g) as f64,
            ScoreArg::Coverage => formulas.independent(g) as f64 * g.0 as f64,
            ScoreArg::Docs => level(g).docs[j] as f64,
            ScoreArg::Dp => level(g).dp[j],
            ScoreArg::G2 => glue(finder, g).g2,
            ScoreArg::Mi => glue(finder, g).mi,
            ScoreArg::T => glue(finder, g).t,
            ScoreArg::Logdice => glue(finder, g).log_dice,
            ScoreArg::Scp => glue(finder, g).scp,
        }
    };
    let valued: Vec<(Gram, f64)> = rows.into_par_iter().map(|g| (g, value(g))).collect();
    order_rows(counts, valued, score == ScoreArg::Dp, limit)
}

/// The phrases table (columns in `table::schema::PHRASES` order) for `items` (phrase and its
/// spread), in their order; the time columns only with `periods` (a dated corpus).
fn phrase_table(
    corpus: &AnalyzedCorpus,
    finder: &NgramFinder,
    formulas: &Formulas,
    items: &[(Gram, Spread)],
    periods: Option<&Periods>,
) -> Table {
    let rows: Vec<Gram> = items.iter().map(|x| x.0).collect();
    let counts = finder.counts();
    let vocab = &corpus.vocab;
    let words = counts.words.max(1) as f64;
    let documents = counts.documents.max(1) as f64;
    let mut phrase = TextColumn::with_capacity(rows.len());
    let mut key = TextColumn::with_capacity(rows.len());
    let mut parent = Vec::with_capacity(rows.len());
    let (mut n, mut count, mut independent, mut pm, mut docs, mut share, mut dp) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    let display = |g: Gram| -> Vec<&str> {
        counts.display_words(g.0, g.1).into_iter().map(|s| vocab.surface(s)).collect()
    };
    for &g in &rows {
        let (len, j) = (g.0, g.1 as usize);
        let level = &counts.levels[len - 1];
        phrase.push_joined(display(g), " ");
        key.push_joined(counts.key_words(len, g.1).into_iter().map(|k| vocab.key(k)), " ");
        n.push(len as i64);
        count.push(level.count[j] as i64);
        independent.push(formulas.independent(g) as i64);
        parent.push(formulas.parent(g).map(|p| display(p).join(" ")));
        pm.push(level.count[j] as f64 / words * 1e6);
        docs.push(level.docs[j] as i64);
        share.push(level.docs[j] as f64 / documents);
        dp.push(level.dp[j]);
    }
    let glues: Vec<Glue> = rows.iter().map(|&g| glue(finder, g)).collect();
    let column = |f: fn(&Glue) -> f64| Values::Float(glues.iter().map(f).collect());
    let mut t = Table::new()
        .with("phrase", Values::Text(phrase))
        .with("key", Values::Text(key))
        .with("n", Values::Int(n))
        .with("count", Values::Int(count))
        .with("independent", Values::Int(independent))
        .with("parent", Values::OptStr(parent))
        .with("per_million", Values::Float(pm))
        .with("docs", Values::Int(docs))
        .with("doc_share", Values::Float(share))
        .with("dp", Values::Float(dp))
        .with("g2", column(|g| g.g2))
        .with("mi", column(|g| g.mi))
        .with("t", column(|g| g.t))
        .with("logdice", column(|g| g.log_dice))
        .with("scp", column(|g| g.scp));
    if let Some(periods) = periods {
        let date = |d: Option<u32>| d.and_then(|d| date_label(&corpus.docs[d as usize]));
        let column = |f: &dyn Fn(&Spread) -> Option<String>| {
            Values::OptStr(items.iter().map(|(_, s)| f(s)).collect())
        };
        t = t
            .with("first", column(&|s| date(s.first)))
            .with("last", column(&|s| date(s.last)))
            .with("peak_period", column(&|s| s.peak.map(|p| periods.label(p))));
    }
    t
}

/// The formulaicity table: one row per document, most formulaic first (ties in corpus
/// order), at most `limit`.
fn formulaicity_table(
    corpus: &AnalyzedCorpus,
    chains: &Chains,
    cov: &[crate::phrases::coverage::DocCoverage],
    limit: Option<usize>,
) -> Table {
    let share = |d: usize| {
        let len = chains.words_in(d);
        if len == 0 { f64::NAN } else { cov[d].covered as f64 / len as f64 }
    };
    let mut order: Vec<usize> = (0..chains.doc_count()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (share(a), share(b));
        x.is_nan()
            .cmp(&y.is_nan())
            .then(y.partial_cmp(&x).unwrap_or(std::cmp::Ordering::Equal))
            .then(a.cmp(&b))
    });
    order.truncate(limit.unwrap_or(usize::MAX));
    let docs = &corpus.docs;
    Table::new()
        .with("id", Values::Str(order.iter().map(|&d| docs[d].id.clone()).collect()))
        .with("title", Values::OptStr(order.iter().map(|&d| docs[d].title.clone()).collect()))
        .with("date", Values::OptStr(order.iter().map(|&d| date_label(&docs[d])).collect()))
        .with("tokens", Values::Int(order.iter().map(|&d| chains.words_in(d) as i64).collect()))
        .with("covered", Values::Int(order.iter().map(|&d| cov[d].covered as i64).collect()))
        .with("formulas", Values::Int(order.iter().map(|&d| cov[d].placed as i64).collect()))
        .with("formulaicity", Values::Float(order.iter().map(|&d| share(d)).collect()))
}

/// `phrases --frames`: count the parts, find the frames, write them by count.
fn run_frames(
    corpus: &AnalyzedCorpus,
    mut count_options: CountOptions,
    overlap: Overlap,
    (dest, chart_out, name): (&Destination, &Option<ChartOut>, &str),
    (ctx, budget): (&Context, &crate::budget::Budget),
) -> Result<()> {
    let lengths = count_options.min_n.max(3)..=count_options.max_n.min(6);
    if lengths.is_empty() {
        bail!("--frames finds frames of 3 to 6 words: -n must overlap 3..6");
    }
    // Frames are made of counted parts of up to n − 2 words.
    count_options.min_n = 1;
    count_options.max_n = lengths.end() - 2;
    let started = Instant::now();
    let options = FrameOptions {
        lengths,
        min_count: count_options.min_count,
        min_docs: count_options.min_docs,
        edges: count_options.edges,
        overlap,
    };
    let (ranked, rows) = match &corpus.spilled {
        Some(_) => {
            let (ranked, maps) =
                spilled::rebuilt_counts(&|l| ctx.note(l), corpus, &count_options, budget)?;
            let finder = NgramFinder::from_maps(&ranked.counts, maps);
            let found = spilled::frames(corpus, &ranked, &finder, &options, budget)?;
            let rows = order_frames(found, &ranked, dest.top);
            drop(finder);
            (ranked, rows)
        }
        None => {
            let ranked = RankedCounts::new(corpus, &count_options);
            let finder = NgramFinder::new(&ranked.counts, corpus.vocab.key_count());
            let rows = find_frames(corpus, &ranked, &finder, &options, dest.top);
            drop(finder);
            (ranked, rows)
        }
    };
    ctx.note(&format!(
        "found {} phrase-frames ({:.2} s)",
        summary::thousands(rows.len() as u64),
        started.elapsed().as_secs_f64()
    ));
    let frame = TableFrame::from_table(frame_table(corpus, &ranked.counts, &rows))?;
    let title = format!("Most frequent phrase-frames — {name}");
    let png = chart::maybe(chart_out, || bar_chart(&frame, title))?;
    table::write(&frame, dest.format, &dest.output)?;
    chart::write(png, ctx)
}

/// The phrase-frames of `options` made of the n-grams counted in `ranked` (which must hold
/// the parts: n-grams of up to the longest frame's length − 2, counted with the frames'
/// thresholds or lower), most frequent first (ties by the parts' keys), at most `limit`.
pub fn find_frames(
    corpus: &AnalyzedCorpus,
    ranked: &RankedCounts,
    finder: &NgramFinder,
    options: &FrameOptions,
    limit: Option<usize>,
) -> Vec<Frame> {
    let found = frames(&corpus.index, finder, &ranked.order.facts(), options);
    order_frames(found, ranked, limit)
}

/// `found` most frequent first (ties by the parts' keys), at most `limit`.
pub fn order_frames(
    mut found: Vec<Frame>,
    ranked: &RankedCounts,
    limit: Option<usize>,
) -> Vec<Frame> {
    let counts = &ranked.counts;
    // Ties by the byte order of the parts' keys (see `count::trie`).
    let ranks = |g: Gram| counts.levels[g.0 - 1].order[g.1 as usize];
    let sort_key: Vec<(u32, u32, u32)> =
        found.iter().map(|f| (f.count, ranks(f.left), ranks(f.right))).collect();
    let mut order: Vec<usize> = (0..found.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&sort_key[a], &sort_key[b]);
        y.0.cmp(&x.0).then_with(|| (&x.1, &x.2).cmp(&(&y.1, &y.2)))
    });
    order.truncate(limit.unwrap_or(usize::MAX));
    let mut kept: Vec<Option<Frame>> = found.drain(..).map(Some).collect();
    order.iter().map(|&i| kept[i].take().expect("each once")).collect()
}

/// The frames table (columns in `table::schema::FRAMES` order).
pub fn frame_table(
    corpus: &AnalyzedCorpus,
    counts: &crate::count::NgramCounts,
    rows: &[Frame],
) -> Table {
    let vocab = &corpus.vocab;
    let mut frame = TextColumn::with_capacity(rows.len());
    let mut key = TextColumn::with_capacity(rows.len());
    let mut top = TextColumn::with_capacity(rows.len());
    for f in rows {
        let shown = |g: Gram| counts.display_words(g.0, g.1).into_iter().map(|s| vocab.surface(s));
        let keys = |g: Gram| counts.key_words(g.0, g.1).into_iter().map(|k| vocab.key(k));
        frame.push_joined(shown(f.left).chain(["*"]).chain(shown(f.right)), " ");
        key.push_joined(keys(f.left).chain(["*"]).chain(keys(f.right)), " ");
        let listed: Vec<String> = f
            .fillers
            .iter()
            .take(5)
            .map(|x| format!("{} {}", vocab.surface(x.surface), x.count))
            .collect();
        top.push(&listed.join("; "));
    }
    Table::new()
        .with("frame", Values::Text(frame))
        .with("key", Values::Text(key))
        .with("n", Values::Int(rows.iter().map(|f| f.n() as i64).collect()))
        .with("count", Values::Int(rows.iter().map(|f| f.count as i64).collect()))
        .with("docs", Values::Int(rows.iter().map(|f| f.docs as i64).collect()))
        .with("fillers", Values::Int(rows.iter().map(|f| f.fillers.len() as i64).collect()))
        .with("top_fillers", Values::Text(top))
        .with("entropy", Values::Float(rows.iter().map(Frame::entropy).collect()))
        .with("fixedness", Values::Float(rows.iter().map(Frame::fixedness).collect()))
}
